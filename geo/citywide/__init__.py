"""Checks by zones at city scale: every town of Shanghai from one network and one search.

==================  ==============================================================
``batch``           :func:`zone_coverage`: a check for every zone of an area at once
``result``          :class:`ZoneCoverage`: the table per zone, the choropleth, the gaps
``partition``       the same check split by district with a buffer, on Dask
==================  ==============================================================
"""
from geo.citywide.batch import PLANS, check_reach, zone_coverage
from geo.citywide.result import OUTSIDE_ZONE, ZoneCoverage

__all__ = ["OUTSIDE_ZONE", "PLANS", "ZoneCoverage", "check_reach", "zone_coverage"]
