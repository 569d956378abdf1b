"""A coverage study: one analysis area prepared once for every check.

Its walking network (clipped to the area grown by the longest walk, which is exact: no
walk of length L leaves the area's L-buffer), its demand cut into units (cells of
residential land, buildings or points), each unit placed on its nearest street.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.crs import local_tm_crs, to_wgs84
from geo.demand import demand_units, unit_points, zone_names
from geo.errors import CoverageError
from geo.network import Snap, WalkNetwork

__all__ = ["DEMAND_KINDS", "Study", "entrance_points", "network_within", "prepare", "ways_within", "study_area", "walk_distance_m"]

#: What a check counts: residential land (cells), residential buildings, the whole area, own data.
DEMAND_KINDS = ("residential_landuse", "residential_buildings", "area", "custom")


def walk_distance_m(minutes: float, speed_kmh: float) -> float:
    """Distance walked in ``minutes`` at ``speed_kmh``, metres."""
    if minutes <= 0 or speed_kmh <= 0:
        raise CoverageError(f"minutes and speed must be positive (got {minutes}, {speed_kmh})",
                            f"步行时间和速度须为正数 (收到 {minutes}, {speed_kmh})")
    return minutes * speed_kmh * 1000.0 / 60.0


@dataclass
class Study:
    """One analysis area prepared for coverage checks (network and demand in a metric CRS).

    Build it with :func:`prepare`.
    """

    name: str
    crs: str
    area: BaseGeometry  # in crs
    network: WalkNetwork
    units: gpd.GeoDataFrame  # demand units in crs: parent, zone, area_m2, floor_m2, count
    points: np.ndarray  # representative point of each unit (crs)
    snap: Snap
    reach_m: float
    demand_kind: str
    weight: str  # "area" or "count": what ``share`` is a share of
    prepare_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    entrances: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    gates: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))  # not doors
    inputs: dict = field(default_factory=dict)  # what was joined, cut or left out, by kind
    cells: tuple | None = None  # cells of polygons: DemandSource.cells()
    _point_tree: shapely.STRtree | None = field(default=None, repr=False)

    @property
    def point_tree(self) -> shapely.STRtree:
        """Spatial index of the units' points (for the straight-line figures)."""
        if self._point_tree is None:
            self._point_tree = shapely.STRtree(self.points)
        return self._point_tree

    @property
    def total_km2(self) -> float:
        return float(self.units["area_m2"].sum()) / 1e6

    def local(self, gdf: gpd.GeoDataFrame) -> np.ndarray:
        """Geometries of a WGS84 (or other CRS) frame in the study's CRS."""
        if gdf.empty:
            return np.array([], dtype=object)
        return self.network.to_local(gdf.geometry.to_numpy(), gdf.crs or settings.WGS84)

    def within_reach(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Rows of ``gdf`` that lie within ``reach_m`` of the area (candidate sources)."""
        if gdf.empty:
            return gdf
        geoms = self.local(gdf)
        grown = shapely.buffer(self.area, self.reach_m)
        shapely.prepare(grown)
        return gdf[shapely.intersects(grown, geoms)]


def study_area(area: BaseGeometry, walk: gpd.GeoDataFrame | WalkNetwork, demand_kind: str,
               reach_m: float, crs: str | None) -> tuple[str, BaseGeometry, BaseGeometry]:
    """The study's CRS, its area in that CRS and the area grown by ``reach_m``; the
    arguments checked (:func:`prepare`)."""
    if area is None or area.is_empty or area.geom_type not in ("Polygon", "MultiPolygon"):
        raise CoverageError("the analysis area must be a polygon", "分析范围须为面")
    if demand_kind not in DEMAND_KINDS:
        raise CoverageError(f"unknown demand kind {demand_kind!r}; known: {', '.join(DEMAND_KINDS)}",
                            f"未知需求类型 {demand_kind!r}")
    if not 0 < reach_m <= settings.MAX_WALK_DISTANCE_M:
        raise CoverageError(f"walking distance must be between 0 and {settings.MAX_WALK_DISTANCE_M:.0f} m",
                            f"步行距离须在 0 到 {settings.MAX_WALK_DISTANCE_M:.0f} 米之间")
    c = area.centroid
    crs = crs or (walk.crs if isinstance(walk, WalkNetwork) else local_tm_crs(c.x, c.y))
    area_local = gpd.GeoSeries([area], crs=settings.WGS84).to_crs(crs).iloc[0]
    area_local = shapely.make_valid(area_local)
    return crs, area_local, shapely.buffer(area_local, reach_m)


def ways_within(walk: gpd.GeoDataFrame, grown: BaseGeometry, crs: str) -> gpd.GeoDataFrame:
    """The OSM ways (WGS84) meeting ``grown`` (in ``crs``): every walk that starts inside the
    area and is no longer than the growth stays on them."""
    ways = walk if walk.crs is None else to_wgs84(walk)
    grown_wgs = gpd.GeoSeries([grown], crs=crs).to_crs(settings.WGS84).iloc[0]
    shapely.prepare(grown_wgs)
    ways = ways[shapely.intersects(grown_wgs, ways.geometry.to_numpy())]
    if ways.empty:
        raise CoverageError(
            "no walkable street of the OSM data lies in the analysis area: "
            "the extract does not cover it",
            "OSM 数据在分析范围内没有步行道路: 数据不覆盖分析范围")
    return ways


def network_within(walk: gpd.GeoDataFrame, grown: BaseGeometry, crs: str) -> WalkNetwork:
    """The walking network of :func:`ways_within`."""
    return WalkNetwork.from_ways(ways_within(walk, grown, crs), crs=crs)


def entrance_points(to_local, grown: BaseGeometry, entrances: gpd.GeoDataFrame | None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Entrances within 100 m of the grown area (``to_local(geoms, crs)``: to its CRS), and
    those of them that are not building doors (the gates of parks and plazas)."""
    doors = gates = np.array([], dtype=object)
    if entrances is not None and not entrances.empty:
        doors = to_local(entrances.geometry.to_numpy(), entrances.crs or settings.WGS84)
        shapely.prepare(grown)
        near = shapely.dwithin(grown, doors, 100.0)
        on_building = (entrances["on_building"].to_numpy(dtype=bool) if "on_building" in entrances
                       else np.zeros(len(doors), dtype=bool))
        doors, gates = doors[near], doors[near & ~on_building]
    return doors, gates


def prepare(area: BaseGeometry, walk: gpd.GeoDataFrame | WalkNetwork, demand: gpd.GeoDataFrame | None,
            *, name: str = "area", demand_kind: str = "residential_landuse",
            zones: gpd.GeoDataFrame | None = None, zone_column: str = "name",
            reach_m: float = settings.LIFE_CIRCLE_DISTANCE_M,
            cell_m: float | None = None, crs: str | None = None,
            entrances: gpd.GeoDataFrame | None = None) -> Study:
    """Prepare an analysis area: clip the network, cut the demand into units, snap them.

    Parameters
    ----------
    area : Polygon or MultiPolygon, WGS84
        The analysis area. Demand counts only inside it; sources and streets within
        ``reach_m`` of it take part.
    walk : GeoDataFrame or WalkNetwork
        OSM walkable ways (``geo.osm`` ``walk`` frame) or a ready network.
    demand : GeoDataFrame (WGS84) or None
        Polygons (cut into ``cell_m`` cells; default :func:`geo.demand.cell_size`: 25 m,
        smaller for a small demand), or points (one unit each). Buildings
        (``demand_kind="residential_buildings"``) stay whole: one unit per building,
        with ``floor_m2`` = footprint × ``levels`` when levels are known. ``None`` with
        ``demand_kind="area"``: the whole area is the demand.
    zones : GeoDataFrame, optional
        Sub-areas (towns, streets) for a table per zone; units are assigned by their point.
    reach_m : float
        Longest walk any check on this study will use.
    entrances : GeoDataFrame, optional
        Entrance and gate points (``geo.osm`` ``entrances`` frame): a source polygon with
        one on its outline is entered only there (:mod:`geo.access`).
    """
    t0 = time.perf_counter()
    crs, area_local, grown = study_area(area, walk, demand_kind, reach_m, crs)
    notes: list[str] = []
    net = walk if isinstance(walk, WalkNetwork) else network_within(walk, grown, crs)

    units, source = demand_units(area_local, demand, demand_kind, cell_m, crs, net.to_local)
    weight, demand_counts = source.weight, source.counts
    notes += source.notes
    pts = units.geometry.to_numpy()
    points = unit_points(pts)
    units["zone"] = zone_names(points, zones, zone_column, crs)
    snap = net.snap(points)
    doors, gates = entrance_points(net.to_local, grown, entrances)
    pieces = net.pieces()
    inputs = {"network": pieces, "demand": {**demand_counts, "units": len(units),
                                            "joined_to_smaller_piece": snap.on_fragment},
              "entrances": len(doors), "entrances_not_building_doors": len(gates)}
    if pieces["pieces"] > 1:
        notes.append(f"walking network: {pieces['pieces']} pieces; places join the largest "
                     f"({100 * pieces['main_length_share']:.1f}% of the length), and "
                     f"{snap.on_fragment} also a smaller piece they lie in")
    return Study(name=name, crs=crs, area=area_local, network=net, units=units.reset_index(drop=True),
                 points=points, snap=snap, reach_m=reach_m, demand_kind=demand_kind, weight=weight,
                 prepare_s=time.perf_counter() - t0, notes=notes, entrances=doors, gates=gates,
                 inputs=inputs, cells=source.cells())
