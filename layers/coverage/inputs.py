"""The inputs of a coverage check: OpenStreetMap frames clipped to the area grown by the
longest walk, with the planner's own data replacing any of them.

Demand kinds (:data:`DEMAND_KINDS`): those of :data:`geo.coverage.DEMAND_KINDS`, and
``"parcels"``: the residential parcels of a planner's control-plan layer, weighted by
population or floor area (:func:`geo.parcels.parcel_demand`), checked as a weighted
``"custom"`` demand.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from geo import coverage
from geo.crs import to_wgs84
from geo.errors import CoverageError

if TYPE_CHECKING:
    from geo.parcels import ParcelDemand

__all__ = ["DEMAND_KINDS", "Inputs", "geo_demand_kind", "load_inputs", "pad_bbox"]

#: What a check counts: geo's demand kinds, and a planner's control-plan parcels.
DEMAND_KINDS = (*coverage.DEMAND_KINDS, "parcels")


def geo_demand_kind(demand_kind: str) -> str:
    """The demand kind :func:`geo.coverage.prepare` is given: parcels are a weighted custom demand."""
    return "custom" if demand_kind == "parcels" else demand_kind


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
    parcels: ParcelDemand | None = None  # demand "parcels": the residential parcels used


def pad_bbox(geom: BaseGeometry, metres: float) -> tuple[float, float, float, float]:
    """``geom``'s WGS84 bounds grown by ``metres`` on every side (degrees from a sphere)."""
    minx, miny, maxx, maxy = geom.bounds
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * math.cos(math.radians((miny + maxy) / 2)))
    return (minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)


def load_inputs(osm_path: str | Path, area: BaseGeometry, reach_m: float,
                demand_kind: str = "residential_landuse", *, clip: bool = True,
                own: dict[str, gpd.GeoDataFrame] | None = None, parcels: dict | None = None) -> Inputs:
    """OSM inputs for an area (clipped to it grown by ``reach_m``), own data replacing them.

    ``own`` maps ``"green"``, ``"demand"``, ``"facilities"``, ``"stations"`` to frames, and
    ``"parcels"`` to the parcel layer of demand ``"parcels"``; ``parcels`` holds the keyword
    arguments of :func:`geo.parcels.parcel_demand` (``name``, ``code_column``,
    ``weight_column``, ``system``).
    """
    from geo.osm import load_osm
    if demand_kind not in DEMAND_KINDS:
        raise CoverageError(f"unknown demand kind {demand_kind!r}; known: {', '.join(DEMAND_KINDS)}",
                            f"未知需求类型 {demand_kind!r}")
    own = dict(own or {})
    layer = own.pop("parcels", None)
    if demand_kind == "parcels" and (layer is None or layer.empty):
        raise CoverageError("demand 'parcels' needs the planner's parcel layer (控规地块)",
                            "需求类型“控规地块”需要提供地块图层")
    if demand_kind == "parcels" and own.get("demand") is not None:
        raise CoverageError("give either a demand file or a parcel layer, not both",
                            "需求文件与地块图层只能二选一")
    chosen = None
    if demand_kind == "parcels" and layer is not None:  # its mistakes show before the OSM is read
        from geo.parcels import parcel_demand
        chosen = parcel_demand(to_wgs84(layer), **(parcels or {}))
    bbox = pad_bbox(area, reach_m + 200.0) if clip else None
    ex = load_osm(osm_path, bbox)
    demand = (ex.residential_landuse if demand_kind == "residential_landuse" else
              coverage.residential_buildings(ex.buildings, ex.residential_landuse)
              if demand_kind == "residential_buildings" else None)  # the buildings only when asked
    inputs = Inputs(walk=ex.walk, green=ex.green, demand=demand, facilities=ex.facilities,
                    stations=ex.metro, source=str(osm_path), entrances=ex.entrances,
                    osm_report=ex.report())
    for key, frame in own.items():
        if frame is None:
            continue
        if key not in ("green", "demand", "facilities", "stations"):
            raise CoverageError(f"unknown input {key!r}", f"未知输入 {key!r}")
        setattr(inputs, key, to_wgs84(frame))
        inputs.replaced[key] = len(frame)
    if chosen is not None and layer is not None:
        inputs.parcels, inputs.demand = chosen, chosen.as_demand()
        inputs.replaced["parcels"] = len(layer)
    if demand_kind == "custom" and inputs.demand is None:
        raise CoverageError("demand 'custom' needs the planner's own demand file",
                            "需求类型“自有数据”需要提供需求文件")
    return inputs
