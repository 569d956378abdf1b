"""Coverage checks along the walking network: green reach, life circles, metro catchment.

A :class:`Study` prepares one analysis area once: its walking network (clipped to the
area grown by the longest walk, which is exact: no walk of length L leaves the area's
L-buffer), its demand cut into units (25 m cells of residential land, or buildings, or
points), each unit placed on its nearest street. A check then runs one multi-source
Dijkstra from every source at once and reads each unit's walking distance.

Every check also reports the straight-line ("buffer") figure on the same units, labelled
as such: it can only be higher, since no walk is shorter than the straight line.

A demand with a ``weight`` column (people or floor area, e.g. a control plan's parcels,
:mod:`geo.parcels`) has weighted units (:func:`geo.demand.demand_units`; ``Study.weight``
``"weight"``): the share is then the covered share of the weight.
"""
from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.access import inside_sources, source_access
from geo.demand import grid_cells, residential_buildings
from geo.errors import CoverageError
from geo.network import Seeds
from geo.results import CoverageResult, shares_of, zone_table
from geo.study import DEMAND_KINDS, Study, prepare, walk_distance_m

CHECKS = ("green5", "life15", "metro")
#: Life-circle facility categories (geo.osmtags.facility_category gives them from OSM tags).
LIFE_CATEGORIES = ("education", "health", "market", "elderly", "sports")
__all__ = ["CHECKS", "DEMAND_KINDS", "LIFE_CATEGORIES", "CoverageResult", "Study",
           "green_reach", "grid_cells", "life_circle", "metro_catchment",
           "prepare", "residential_buildings", "walk_distance_m"]


def _line_distance(study: Study, sources: np.ndarray, limit: float, grow_m: float = 0.0
                   ) -> np.ndarray:
    """Straight-line distance from each unit to the nearest source grown by ``grow_m``.

    Exact: the distance to a polygon grown by ``g`` is ``max(0, d − g)``. ``inf`` beyond
    ``limit``. Candidates come from the sources' boxes widened by the limit (one cheap
    index query), then one exact distance per candidate pair.
    """
    out = np.full(len(study.points), np.inf)
    if len(sources) == 0:
        return out
    reach = limit + grow_m
    x0, y0, x1, y1 = shapely.bounds(sources).T
    boxes = shapely.box(x0 - reach, y0 - reach, x1 + reach, y1 + reach)
    src, unit = study.point_tree.query(boxes)
    if len(src):
        d = np.maximum(shapely.distance(sources[src], study.points[unit]) - grow_m, 0.0)
        np.minimum.at(out, unit, d)
    out[out > limit] = np.inf
    return out


def _distances(study: Study, sources_local: np.ndarray, tolerance_m: float, limit: float,
               entrances: np.ndarray | None = None,
               approach_m: float = settings.SOURCE_APPROACH_M
               ) -> tuple[np.ndarray, np.ndarray, Seeds, dict]:
    """Network and straight-line distance from each unit to the nearest source, and how
    the sources were reached (:func:`geo.access.source_access`).

    ``entrances`` (default: every entrance of the study) gate the polygons they lie on.
    Both are ``inf`` beyond ``limit`` (the search stops there). The straight line goes to
    the sources grown by ``tolerance_m``, so the walk is never the shorter. Units inside a
    source polygon are at 0 m.
    """
    net = study.network
    if len(sources_local) == 0:
        inf = np.full(len(study.units), np.inf)
        return inf, inf.copy(), Seeds.empty(), source_access(net, sources_local).counts
    access = source_access(net, sources_local, tolerance_m=tolerance_m,
                           entrances=study.entrances if entrances is None else entrances,
                           approach_m=approach_m)
    seeds = access.seeds
    node_d = net.node_distances(seeds, limit=limit)
    d_net = net.distances_at(node_d, study.snap, seeds)
    inside = inside_sources(study.point_tree, sources_local)
    d_net[inside] = 0.0
    d_net[d_net > limit] = np.inf
    counts = dict(access.counts, units_inside_sources=len(inside))
    is_pt = shapely.get_type_id(sources_local) == 0
    d_line = np.minimum(_line_distance(study, sources_local[~is_pt], limit, tolerance_m),
                        _line_distance(study, sources_local[is_pt], limit))
    return d_net, d_line, seeds, counts


def _result(study: Study, check: str, distance_m: float, d_net: np.ndarray, d_line: np.ndarray,
            target: float | None, parameters: dict, t0: float, n_sources: int, seeds: Seeds,
            covered: np.ndarray | None = None, covered_line: np.ndarray | None = None,
            shares: dict | None = None, notes: list[str] | None = None,
            sources: dict | None = None) -> CoverageResult:
    units = study.units.copy()
    units["dist_m"] = d_net
    units["dist_line_m"] = d_line
    units["covered"] = d_net <= distance_m if covered is None else covered
    units["covered_line"] = d_line <= distance_m if covered_line is None else covered_line
    cov = units["covered"].to_numpy()
    share, floor, count = _shares(units, cov, study.weight)
    share_line, _, _ = _shares(units, units["covered_line"].to_numpy(), study.weight)
    covered_km2 = float(units["area_m2"][cov].sum()) / 1e6
    reached = len(np.unique(seeds.source[seeds.offset <= distance_m])) if len(seeds) else 0
    return CoverageResult(
        check=check, area=study.name, method="network", distance_m=float(distance_m),
        share=share, share_buffer=share_line, target=target, covered_km2=covered_km2,
        total_km2=study.total_km2, parameters=parameters, elapsed_s=time.perf_counter() - t0,
        weight=study.weight, units=units, crs=study.crs, share_floor=floor, share_count=count,
        shares=shares or {}, zones=_zones(units, study.weight), n_sources=n_sources,
        n_reached_sources=reached, notes=list(study.notes) + list(notes or []),
        inputs={**study.inputs, "sources": sources or {}})


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
def green_reach(study: Study, green: gpd.GeoDataFrame, *,
                minutes: float = settings.GREEN_WALK_MINUTES,
                speed_kmh: float = settings.WALK_SPEED_KMH,
                min_area_m2: float = settings.GREEN_MIN_AREA_M2,
                tolerance_m: float = settings.GREEN_ACCESS_TOLERANCE_M,
                target: float | None = settings.GREEN_TARGET,
                extra: gpd.GeoDataFrame | None = None,
                approach_m: float = settings.SOURCE_APPROACH_M) -> CoverageResult:
    """Share of the demand within a ``minutes`` walk of a green space or plaza ≥ ``min_area_m2``.

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
    t0 = time.perf_counter()
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
    # a building's door on a plaza's outline (a facade) does not gate the plaza
    d_net, d_line, seeds, how = _distances(study, big, tolerance_m, distance, study.gates,
                                           approach_m)
    how = {"given": given, "not_polygons": not_polygons,
           "below_min_area": len(polys) - int((shapely.area(polys) >= min_area_m2).sum())
           if len(polys) else 0, "in_reach": len(big), **how}
    params = {"minutes": minutes, "speed_kmh": speed_kmh, "distance_m": round(distance, 3),
              "min_area_m2": min_area_m2, "access_tolerance_m": tolerance_m,
              "approach_m": approach_m, "entrance_outline_m": settings.ENTRANCE_OUTLINE_M,
              "demand": study.demand_kind, "cell_m": _cell(study)}
    notes = [] if len(big) else ["no green space or plaza of the minimum size in reach"]
    return _result(study, "green5", distance, d_net, d_line, target, params, t0, len(big),
                   seeds, notes=notes, sources=how)


def life_circle(study: Study, facilities: gpd.GeoDataFrame, *,
                distance_m: float = settings.LIFE_CIRCLE_DISTANCE_M,
                categories: tuple[str, ...] = LIFE_CATEGORIES,
                target: float | None = settings.LIFE_CIRCLE_TARGET,
                approach_m: float = settings.SOURCE_APPROACH_M) -> CoverageResult:
    """15-minute life circle: per facility category, the share within ``distance_m``; and all at once.

    ``facilities`` has a ``category`` column: points, joined to the network like homes,
    or polygons (campuses), entered at their mapped entrances, else where a street
    touches them, else from the nearest street point within ``approach_m``
    (:mod:`geo.access`). The result's ``share`` is the share covered by every category;
    ``shares`` gives each category's own.
    """
    t0 = time.perf_counter()
    _check_limit(study, distance_m)
    if "category" not in facilities:
        raise CoverageError("facilities need a 'category' column", "设施数据须有 'category' 字段")
    if not categories:
        raise CoverageError("choose at least one facility category", "请至少选择一类设施")
    fac = study.within_reach(facilities)
    all_net = np.zeros(len(study.units))
    all_line = np.zeros(len(study.units))
    shares, notes, n_src, seeds_all, how = {}, [], 0, Seeds.empty(), {}
    for cat in categories:
        sub = fac[fac["category"] == cat]
        d_net, d_line, seeds, how[cat] = _distances(study, study.local(sub), 0.0, distance_m,
                                                    approach_m=approach_m)
        cov = d_net <= distance_m
        shares[cat] = _shares(study.units, cov, study.weight)[0]
        all_net = np.maximum(all_net, d_net)
        all_line = np.maximum(all_line, d_line)
        if sub.empty:
            notes.append(f"no {cat} facility in reach")
        seeds_all = seeds_all.concat(seeds, n_src)
        n_src += len(sub)
    params = {"distance_m": distance_m, "categories": list(categories), "approach_m": approach_m,
              "entrance_outline_m": settings.ENTRANCE_OUTLINE_M,
              "demand": study.demand_kind, "cell_m": _cell(study)}
    # a unit is covered when its farthest category is within the distance
    return _result(study, "life15", distance_m, all_net, all_line, target, params, t0, n_src,
                   seeds_all, shares=shares, notes=notes, sources=how)


def metro_catchment(study: Study, stations: gpd.GeoDataFrame, *,
                    distances_m: tuple[float, ...] = settings.METRO_CATCHMENT_M,
                    prefer_entrances: bool = True) -> CoverageResult:
    """Share within each of ``distances_m`` of a station entrance (or station point).

    Entrances are used where a station has them (``kind == "entrance"``); stations
    without mapped entrances count by their station point. The main figure is the
    largest distance; ``shares`` gives each.
    """
    t0 = time.perf_counter()
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
    d_net, d_line, seeds, how = _distances(study, geoms, 0.0, limit)
    shares = {int(d) if float(d).is_integer() else d: _shares(study.units, d_net <= d, study.weight)[0]
              for d in distances_m}
    params = {"distances_m": list(distances_m), "prefer_entrances": prefer_entrances,
              "demand": study.demand_kind, "cell_m": _cell(study)}
    if st.empty:
        notes.append("no metro station in reach")
    return _result(study, "metro", limit, d_net, d_line, None, params, t0, len(st), seeds,
                   shares=shares, notes=notes, sources=how)


def _cell(study: Study) -> float | None:
    return study.inputs.get("demand", {}).get("cell_m")
