"""The inputs of a coverage check: OpenStreetMap frames clipped to the area grown by the
longest walk, with the planner's own data replacing any of them."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from geo import coverage
from geo.crs import to_wgs84
from geo.errors import CoverageError

__all__ = ["Inputs", "load_inputs", "pad_bbox"]


@dataclass
class Inputs:
    """What the checks read, all WGS84; any of them may be the planner's own data."""

    walk: gpd.GeoDataFrame
    green: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame | None
    facilities: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    source: str
    attribution: str = "© OpenStreetMap contributors (ODbL)"
    replaced: dict = field(default_factory=dict)
    entrances: gpd.GeoDataFrame | None = None
    osm_report: dict = field(default_factory=dict)  # geo.osm.OSMExtract.report()


def pad_bbox(geom: BaseGeometry, metres: float) -> tuple[float, float, float, float]:
    """``geom``'s WGS84 bounds grown by ``metres`` on every side (degrees from a sphere)."""
    minx, miny, maxx, maxy = geom.bounds
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * math.cos(math.radians((miny + maxy) / 2)))
    return (minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)


def load_inputs(osm_path: str | Path, area: BaseGeometry, reach_m: float,
                demand_kind: str = "residential_landuse", *, clip: bool = True,
                own: dict[str, gpd.GeoDataFrame] | None = None) -> Inputs:
    """OSM inputs for an area (clipped to it grown by ``reach_m``), own data replacing them.

    ``own`` maps ``"green"``, ``"demand"``, ``"facilities"``, ``"stations"`` to frames.
    """
    from geo.osm import load_osm
    bbox = pad_bbox(area, reach_m + 200.0) if clip else None
    ex = load_osm(osm_path, bbox)
    demand = {"residential_landuse": ex.residential_landuse,
              "residential_buildings": coverage.residential_buildings(ex.buildings,
                                                                      ex.residential_landuse),
              "area": None, "custom": None}[demand_kind]
    inputs = Inputs(walk=ex.walk, green=ex.green, demand=demand, facilities=ex.facilities,
                    stations=ex.metro, source=str(osm_path), entrances=ex.entrances,
                    osm_report=ex.report())
    for key, frame in (own or {}).items():
        if frame is None:
            continue
        if key not in ("green", "demand", "facilities", "stations"):
            raise CoverageError(f"unknown input {key!r}", f"未知输入 {key!r}")
        setattr(inputs, key, to_wgs84(frame))
        inputs.replaced[key] = len(frame)
    if demand_kind == "custom" and inputs.demand is None:
        raise CoverageError("demand 'custom' needs the planner's own demand file",
                            "需求类型“自有数据”需要提供需求文件")
    return inputs
