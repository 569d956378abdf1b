"""Checks by zones for the app and the command line: every town of an area at once.

The area is a catalogue boundary, ``"shanghai"`` (the city: its 16 districts), ``"zones"``
(the union of the zones given) or a polygon file (:func:`layers.coverage.areas.area_geometry`).
Its OSM inputs are read once (the whole file's parse when the area covers the extract), and
:func:`geo.citywide.zone_coverage` gives every zone's figures from one network and one search.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.citywide import ZoneCoverage, check_reach, zone_coverage
from geo.citywide.batch import Progress
from geo.crs import to_wgs84
from geo.errors import CoverageError
from layers.coverage.areas import area_geometry, extract_share
from layers.coverage.inputs import geo_demand_kind, load_inputs, pad_bbox

__all__ = ["CITY", "DISTRICTS", "district_zones", "run_zones"]

#: The area name of the whole city (the union of its districts).
CITY = "shanghai"
#: The zones choice of Shanghai's 16 districts (the others are ``"mine:<imported layer>"``).
DISTRICTS = "districts"


def district_zones() -> gpd.GeoDataFrame:
    """Shanghai's 16 districts (the catalogue's ``districts`` layer) as zones named ``name``."""
    from layers.catalogue.loading import load
    d = load("districts")
    return gpd.GeoDataFrame({"name": d["name_zh"].to_numpy(), "name_en": d["name_en"].to_numpy(),
                             "adcode": d["adcode"].to_numpy()}, geometry=d.geometry.to_numpy(),
                            crs=settings.WGS84)


def _area(area: str | BaseGeometry | Path | None, zones: gpd.GeoDataFrame, osm_path: str | Path
          ) -> tuple[str, BaseGeometry]:
    if area is None or str(area) == "zones":
        geom = shapely.make_valid(to_wgs84(zones).geometry.union_all())
        return "zones", geom
    if isinstance(area, str) and area == CITY:
        return CITY, shapely.make_valid(district_zones().geometry.union_all())
    return area_geometry(area, osm_path)


def run_zones(osm_path: str | Path, area: str | BaseGeometry | Path | None, check: str, params: dict, *,
              zones: gpd.GeoDataFrame, zone_column: str = "name",
              demand_kind: str = "residential_landuse", own: dict | None = None,
              parcels: dict | None = None, progress: Progress | None = None,
              parts_by: str | None = None, n_parts: int | None = None, client: Any = None,
              processes: int | None = None) -> ZoneCoverage:
    """Run ``check`` for every zone of ``area`` (``None``: the zones' union) at once.

    ``own`` and ``parcels`` as :func:`layers.coverage.services.study_for`; ``progress`` as
    :func:`geo.citywide.zone_coverage`. With ``parts_by`` (a zones column, e.g. the district),
    ``n_parts`` or a Dask ``client``: split into parts with a buffer
    (:func:`geo.citywide.partition.zone_coverage_parts`), on the client's workers if given.
    ``processes``: forked workers for the chunks (the command line; never in the app's server).
    """
    if zones is None or zones.empty:
        raise CoverageError("choose a zones layer (towns, districts)", "请选择分区图层 (街镇、区)")
    name, geom = _area(area, zones, osm_path)
    reach = check_reach(check, params)
    if progress:
        progress("read", 0, 1)
    from geo.osm import extract_bounds
    whole = box(*pad_bbox(geom, reach + 200.0)).contains(box(*extract_bounds(osm_path)))
    inputs = load_inputs(osm_path, geom, reach, demand_kind, clip=not whole, own=own, parcels=parcels)
    sources = {"green5": inputs.green, "life15": inputs.facilities, "metro": inputs.stations}[check]
    if parts_by or n_parts or client is not None:
        from geo.citywide.partition import zone_coverage_parts
        result = zone_coverage_parts(check, geom, inputs.walk, inputs.demand, zones, sources,
                                     by=parts_by, n_parts=n_parts or 8, client=client, params=params,
                                     name=name, demand_kind=geo_demand_kind(demand_kind),
                                     zone_column=zone_column, entrances=inputs.entrances)
    else:
        result = zone_coverage(check, geom, inputs.walk, inputs.demand, zones, sources, params=params,
                               name=name, demand_kind=geo_demand_kind(demand_kind), zone_column=zone_column,
                               reach_m=reach, entrances=inputs.entrances, progress=progress,
                               processes=processes)
    result.inputs["osm"] = inputs.osm_report
    result.inputs["replaced_by_own_data"] = dict(inputs.replaced)
    if inputs.parcels is not None:
        result.inputs["demand"]["parcels"] = inputs.parcels.summary()
    covered = extract_share(osm_path, geom)
    if covered < 0.99:
        result.notes.append(f"the OSM extract covers only {100 * covered:.0f}% of the area: "
                            "places beyond it count as not reached")
    return result
