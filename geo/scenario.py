"""A planner's scenario: green reach before and after adding new green spaces."""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from geo import settings
from geo.coverage import green_reach
from geo.errors import CoverageError
from geo.results import CoverageResult
from geo.study import Study

__all__ = ["Scenario", "green_scenario"]


@dataclass
class Scenario:
    """Coverage before and after adding green spaces, and what they newly cover."""

    before: CoverageResult
    after: CoverageResult
    newly_covered: gpd.GeoDataFrame  # WGS84 units covered after but not before

    @property
    def gain(self) -> float:
        return self.after.share - self.before.share

    @property
    def new_km2(self) -> float:
        return self.after.covered_km2 - self.before.covered_km2


def green_scenario(study: Study, green: gpd.GeoDataFrame, new_green: gpd.GeoDataFrame,
                   **params) -> Scenario:
    """Green reach before and after adding ``new_green`` (the planner's new parks or plazas)."""
    if new_green is None or new_green.empty:
        raise CoverageError("draw or give at least one new green space", "请绘制或提供新增绿地")
    if not new_green.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise CoverageError("a new green space must be a polygon", "新增绿地须为面")
    before = green_reach(study, green, **params)
    after = green_reach(study, green, extra=new_green, **params)
    new = after.units["covered"].to_numpy() & ~before.units["covered"].to_numpy()
    units = after.units[new]
    gained = gpd.GeoDataFrame(units[["parent", "area_m2", "dist_m"]], geometry=units.geometry,
                              crs=after.crs).to_crs(settings.WGS84)
    return Scenario(before, after, gained)
