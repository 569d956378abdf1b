"""Coverage checks along the walking network: green reach, life circles, metro catchment.

A :class:`Study` prepares one analysis area once: its walking network (clipped to the
area grown by the longest walk, which is exact: no walk of length L leaves the area's
L-buffer), its demand cut into units (25 m cells of residential land, or buildings, or
points), each unit placed on its nearest street. A check then runs one multi-source
Dijkstra from every source at once and reads each unit's walking distance.

Each check is a :class:`Plan` (its sources, distances and parameters; ``green_plan``,
``life_plan``, ``metro_plan``) run on the study's units (:func:`run_plan`); a city's zones
run the same plans chunk by chunk (:mod:`geo.citywide`).

Every check also reports the straight-line ("buffer") figure on the same units, labelled
as such: it can only be higher, since no walk is shorter than the straight line.

A demand with a ``weight`` column (people or floor area, e.g. a control plan's parcels,
:mod:`geo.parcels`) has weighted units (:func:`geo.demand.demand_units`; ``Study.weight``
``"weight"``): the share is then the covered share of the weight.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.demand import grid_cells, residential_buildings
from geo.errors import CoverageError
from geo.results import CoverageResult, shares_of, zone_table
from geo.search import Search, place_distances, search
from geo.study import DEMAND_KINDS, Study, prepare, walk_distance_m

CHECKS = ("green5", "life15", "metro")
#: Life-circle facility categories (geo.osmtags.facility_category gives them from OSM tags).
LIFE_CATEGORIES = ("education", "health", "market", "elderly", "sports")
__all__ = ["CHECKS", "DEMAND_KINDS", "LIFE_CATEGORIES", "CoverageResult", "Plan", "SourceSet", "Study",
           "green_plan", "green_reach", "grid_cells", "life_circle", "life_plan", "metro_catchment",
           "metro_plan", "prepare", "residential_buildings", "run_plan", "searches",
           "walk_distance_m"]


@dataclass
class SourceSet:
    """One set of sources searched together: the parks of a check, one facility category."""

    name: str
    sources: np.ndarray  # points and polygons in the study's CRS
    tolerance_m: float = 0.0
    entrances: np.ndarray | None = None  # gating entrances; None: all of the study's
    approach_m: float = settings.SOURCE_APPROACH_M


@dataclass
class Plan:
    """What one check searches and how its figures are read.

    ``shares`` maps a figure's key to ``(set index, distance)``: the share of the units
    within ``distance`` of that set (``-1``: of every set, the life circle's farthest).
    Several sets combine by their farthest (a unit is covered when every set is near).
    """

    check: str
    distance_m: float
    sets: list[SourceSet]
    target: float | None
    parameters: dict
    notes: list[str] = field(default_factory=list)
    sources: dict = field(default_factory=dict)  # what was given and kept, before the search
    shares: dict = field(default_factory=dict)
    per_set_sources: bool = False  # sources' counts per set (life circle) or as one

    @property
    def n_sources(self) -> int:
        return sum(len(s.sources) for s in self.sets)


def searches(study: Study, plan: Plan) -> list[Search]:
    """One multi-source search of the study's network per source set of ``plan``."""
    return [search(study.network, s.sources, limit=plan.distance_m, tolerance_m=s.tolerance_m,
                   entrances=study.entrances if s.entrances is None else s.entrances,
                   approach_m=s.approach_m) for s in plan.sets]


def combine(per_set: list[tuple[np.ndarray, np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Network and straight-line distance to the farthest of the sets' nearest sources."""
    d_net, d_line = per_set[0][0], per_set[0][1]
    for other in per_set[1:]:
        d_net, d_line = np.maximum(d_net, other[0]), np.maximum(d_line, other[1])
    return d_net, d_line


def source_counts(plan: Plan, found: list[Search], inside: list[int]) -> dict:
    """How the sources were given, kept and reached, with the units inside them."""
    def one(i: int) -> dict:
        counts = dict(found[i].counts)
        if len(plan.sets[i].sources):
            counts["units_inside_sources"] = inside[i]
        return counts
    if plan.per_set_sources:
        return {s.name: one(i) for i, s in enumerate(plan.sets)}
    return {**plan.sources, **one(0)}


def run_plan(study: Study, plan: Plan, t0: float | None = None) -> CoverageResult:
    """Run a check's plan on the study's units: one search per source set."""
    t0 = time.perf_counter() if t0 is None else t0
    found = searches(study, plan)
    per_set = [place_distances(study.network, f, study.points, study.snap) for f in found]
    d_net, d_line = combine(per_set)
    shares = {key: _shares(study.units, (d_net if i < 0 else per_set[i][0]) <= d, study.weight)[0]
              for key, (i, d) in plan.shares.items()}
    reached = sum(len(f.reached(plan.distance_m)) for f in found)
    return _result(study, plan, d_net, d_line, t0, reached, shares,
                   source_counts(plan, found, [p[2] for p in per_set]))


def _result(study: Study, plan: Plan, d_net: np.ndarray, d_line: np.ndarray, t0: float,
            reached: int, shares: dict, sources: dict) -> CoverageResult:
    units = study.units.copy()
    units["dist_m"] = d_net
    units["dist_line_m"] = d_line
    units["covered"] = d_net <= plan.distance_m
    units["covered_line"] = d_line <= plan.distance_m
    cov = units["covered"].to_numpy()
    share, floor, count = _shares(units, cov, study.weight)
    share_line, _, _ = _shares(units, units["covered_line"].to_numpy(), study.weight)
    covered_km2 = float(units["area_m2"][cov].sum()) / 1e6
    return CoverageResult(
        check=plan.check, area=study.name, method="network", distance_m=float(plan.distance_m),
        share=share, share_buffer=share_line, target=plan.target, covered_km2=covered_km2,
        total_km2=study.total_km2, parameters=plan.parameters, elapsed_s=time.perf_counter() - t0,
        weight=study.weight, units=units, crs=study.crs, share_floor=floor, share_count=count,
        shares=shares, zones=_zones(units, study.weight), n_sources=plan.n_sources,
        n_reached_sources=reached, notes=list(study.notes) + list(plan.notes),
        inputs={**study.inputs, "sources": sources}, cells=study.cells)


def _shares(units: pd.DataFrame, covered: np.ndarray, weight: str) -> tuple[float, float | None, float]:
    """:func:`geo.results.shares_of`; a weighted demand (``weight == "weight"``: people, floor
    area) gives the covered share of its units' ``weight`` as the main figure."""
    if weight != "weight":
        return shares_of(units, covered, weight)
    _, floor, count = shares_of(units, covered, "area")
    return shares_of(units.assign(count=units["weight"]), covered, "count")[0], floor, count


def _zones(units: gpd.GeoDataFrame, weight: str) -> pd.DataFrame | None:
    """:func:`geo.results.zone_table`; for a weighted demand, totals and covered of ``weight``."""
    if weight != "weight":
        return zone_table(units, weight)
    table = zone_table(units.assign(count=units["weight"]), "count")
    return None if table is None else table.rename(columns={"total_count": "total_weight",
                                                             "covered_count": "covered_weight"})


def _check_limit(study: Study, distance_m: float) -> None:
    if distance_m > study.reach_m + 1e-9:
        raise CoverageError(
            f"walking distance {distance_m:.0f} m exceeds the {study.reach_m:.0f} m the area "
            "was prepared for; prepare it again with a larger reach",
            f"步行距离 {distance_m:.0f} 米超过准备范围 {study.reach_m:.0f} 米, 请重新准备")


# --- the checks ---------------------------------------------------------------------------
def green_reach(study: Study, green: gpd.GeoDataFrame, **kwargs) -> CoverageResult:
    """Share of the demand within a walk of a green space or plaza (:func:`green_plan`)."""
    t0 = time.perf_counter()
    return run_plan(study, green_plan(study, green, **kwargs), t0)


def life_circle(study: Study, facilities: gpd.GeoDataFrame, **kwargs) -> CoverageResult:
    """15-minute life circle, per facility category and all at once (:func:`life_plan`)."""
    t0 = time.perf_counter()
    return run_plan(study, life_plan(study, facilities, **kwargs), t0)


def metro_catchment(study: Study, stations: gpd.GeoDataFrame, **kwargs) -> CoverageResult:
    """Share within each catchment distance of a metro entrance or station (:func:`metro_plan`)."""
    t0 = time.perf_counter()
    return run_plan(study, metro_plan(study, stations, **kwargs), t0)


def green_plan(study: Study, green: gpd.GeoDataFrame, *,
               minutes: float = settings.GREEN_WALK_MINUTES,
               speed_kmh: float = settings.WALK_SPEED_KMH,
               min_area_m2: float = settings.GREEN_MIN_AREA_M2,
               tolerance_m: float = settings.GREEN_ACCESS_TOLERANCE_M,
               target: float | None = settings.GREEN_TARGET,
               extra: gpd.GeoDataFrame | None = None,
               approach_m: float = settings.SOURCE_APPROACH_M) -> Plan:
    """Green reach: the demand within a ``minutes`` walk of a green space or plaza ≥ ``min_area_m2``.

    Parameters
    ----------
    green : GeoDataFrame
        Public green spaces and plazas (polygons; any CRS with one declared, WGS84 default).
        Their area is measured here (geodesic), whatever columns they carry.
    extra : GeoDataFrame, optional
        More green spaces (a scenario: the planner's new park), added as they are.
    tolerance_m, approach_m : float
        How near a street must come to an open green space to reach it: within
        ``tolerance_m`` it reaches it along its length; else its nearest point within
        ``approach_m`` does (:mod:`geo.access`). A gated one is entered at its gates.
    """
    distance = walk_distance_m(minutes, speed_kmh)
    _check_limit(study, distance)
    if min_area_m2 < 0:
        raise CoverageError("the minimum area cannot be negative", "最小面积不能为负")
    frames = [g for g in (green, extra) if g is not None and not g.empty]
    polys = np.concatenate([study.local(g) for g in frames]) if frames else np.array([], dtype=object)
    given = len(polys)
    polys = polys[np.isin(shapely.get_type_id(polys), (3, 6))] if len(polys) else polys
    not_polygons = given - len(polys)
    polys = shapely.make_valid(polys) if len(polys) else polys
    big = polys[shapely.area(polys) >= min_area_m2] if len(polys) else polys
    grown = shapely.buffer(study.area, study.reach_m)
    big = big[shapely.intersects(grown, big)] if len(big) else big
    how = {"given": given, "not_polygons": not_polygons,
           "below_min_area": len(polys) - int((shapely.area(polys) >= min_area_m2).sum())
           if len(polys) else 0, "in_reach": len(big)}
    params = {"minutes": minutes, "speed_kmh": speed_kmh, "distance_m": round(distance, 3),
              "min_area_m2": min_area_m2, "access_tolerance_m": tolerance_m,
              "approach_m": approach_m, "entrance_outline_m": settings.ENTRANCE_OUTLINE_M,
              "demand": study.demand_kind, "cell_m": _cell(study)}
    notes = [] if len(big) else ["no green space or plaza of the minimum size in reach"]
    # a building's door on a plaza's outline (a facade) does not gate the plaza
    return Plan("green5", distance, [SourceSet("green", big, tolerance_m, study.gates, approach_m)],
                target, params, notes, how)


def life_plan(study: Study, facilities: gpd.GeoDataFrame, *,
              distance_m: float = settings.LIFE_CIRCLE_DISTANCE_M,
              categories: tuple[str, ...] = LIFE_CATEGORIES,
              target: float | None = settings.LIFE_CIRCLE_TARGET,
              approach_m: float = settings.SOURCE_APPROACH_M) -> Plan:
    """15-minute life circle: per facility category, the share within ``distance_m``; and all at once.

    ``facilities`` has a ``category`` column: points, joined to the network like homes,
    or polygons (campuses), entered at their mapped entrances, else where a street
    touches them, else from the nearest street point within ``approach_m``
    (:mod:`geo.access`). The result's ``share`` is the share covered by every category
    (a unit is covered when its farthest category is within the distance); ``shares``
    gives each category's own.
    """
    _check_limit(study, distance_m)
    if "category" not in facilities:
        raise CoverageError("facilities need a 'category' column", "设施数据须有 'category' 字段")
    if not categories:
        raise CoverageError("choose at least one facility category", "请至少选择一类设施")
    fac = study.within_reach(facilities)
    sets, notes = [], []
    for cat in categories:
        sub = fac[fac["category"] == cat]
        sets.append(SourceSet(cat, study.local(sub), 0.0, None, approach_m))
        if sub.empty:
            notes.append(f"no {cat} facility in reach")
    params = {"distance_m": distance_m, "categories": list(categories), "approach_m": approach_m,
              "entrance_outline_m": settings.ENTRANCE_OUTLINE_M,
              "demand": study.demand_kind, "cell_m": _cell(study)}
    return Plan("life15", distance_m, sets, target, params, notes,
                shares={cat: (i, distance_m) for i, cat in enumerate(categories)},
                per_set_sources=True)


def metro_plan(study: Study, stations: gpd.GeoDataFrame, *,
               distances_m: tuple[float, ...] = settings.METRO_CATCHMENT_M,
               prefer_entrances: bool = True) -> Plan:
    """Share within each of ``distances_m`` of a station entrance (or station point).

    Entrances are used where a station has them (``kind == "entrance"``); stations
    without mapped entrances count by their station point. The main figure is the
    largest distance; ``shares`` gives each.
    """
    if not distances_m:
        raise CoverageError("give at least one catchment distance", "请至少给出一个服务半径")
    distances_m = tuple(sorted(float(d) for d in distances_m))
    limit = distances_m[-1]
    _check_limit(study, limit)
    st = study.within_reach(stations)
    notes = []
    if prefer_entrances and "kind" in st and (st["kind"] == "entrance").any():
        ent = st[st["kind"] == "entrance"]
        stn = st[st["kind"] != "entrance"]
        # keep station points with no entrance within 300 m (entrances not mapped)
        if not stn.empty:
            e_local, s_local = study.local(ent), study.local(stn)
            near, _ = shapely.STRtree(e_local).query(s_local, predicate="dwithin", distance=300.0)
            stn = stn[~np.isin(np.arange(len(stn)), near)]
        st = pd.concat([ent, stn])
        notes.append(f"{len(ent)} entrances and {len(stn)} station points without mapped entrances")
    geoms = study.local(st)
    geoms = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms)) \
        if len(geoms) else geoms
    params = {"distances_m": list(distances_m), "prefer_entrances": prefer_entrances,
              "demand": study.demand_kind, "cell_m": _cell(study)}
    if st.empty:
        notes.append("no metro station in reach")
    return Plan("metro", limit, [SourceSet("metro", geoms, 0.0, None, settings.SOURCE_APPROACH_M)],
                None, params, notes,
                shares={int(d) if float(d).is_integer() else d: (0, d) for d in distances_m})


def _cell(study: Study) -> float | None:
    return study.inputs.get("demand", {}).get("cell_m")
