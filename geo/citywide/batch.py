"""A check for every zone of an area at once: one network, one search, the demand in chunks.

:func:`zone_coverage` prepares the area's walking network once, runs the check's plan
(:func:`geo.coverage.green_plan`, ``life_plan``, ``metro_plan``) as one multi-source search
per source set, then cuts the demand into units chunk by chunk (:meth:`geo.demand.DemandSource.chunks`),
joins each chunk to the network, reads its distances and adds them up per zone. Zones are
only a grouping of the demand: each unit counts in every zone its point lies in. Only one
chunk's geometries exist at a time; what is kept is a few numbers per zone and the merged gaps.

The figures are those of :func:`geo.coverage.prepare` and the same check on the same area,
units and CRS (the same functions read the same distances); ``tests/test_citywide.py``
checks it.
"""
from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import coverage, settings
from geo.citywide.result import ZoneCoverage
from geo.crs import to_wgs84
from geo.demand import DemandSource, cell_parent, demand_source, merge_cells, unit_points, zone_pairs
from geo.errors import CoverageError
from geo.network import Snap, WalkNetwork
from geo.search import place_distances
from geo.study import Study, entrance_points, network_within, study_area

__all__ = ["PLANS", "STAGE_SHARES", "Progress", "check_reach", "progress_share", "time_left", "zone_coverage"]

#: The plan of each check (:mod:`geo.coverage`).
PLANS: dict[str, Callable[..., coverage.Plan]] = {
    "green5": coverage.green_plan, "life15": coverage.life_plan, "metro": coverage.metro_plan}
#: ``progress(stage, done, total)``: a stage's name, and how far it is (units, estimated).
Progress = Callable[[str, float, float], None]
#: Each stage's start and width in a whole run by zones (the caller's "read" of the inputs
#: first): their times on bench/bench_city.py's city of 200 towns (read 2.5 s, network 7 s,
#: demand and search 3 s, units 14 s of 28 s).
STAGE_SHARES = {"read": (0.0, 0.1), "network": (0.1, 0.25), "search": (0.35, 0.1), "units": (0.45, 0.55)}


def progress_share(stage: str, done: float, total: float) -> float:
    """How much of the whole run is done, 0–1, at ``done`` of ``total`` in ``stage``."""
    start, width = STAGE_SHARES.get(stage, (0.0, 0.0))
    return min(max(start + width * (done / total if total > 0 else 0.0), 0.0), 1.0)


def time_left(elapsed: float, share: float) -> float | None:
    """Seconds left, from the time so far and the share done (none until 3 % is done)."""
    return elapsed * (1 - share) / share if share >= 0.03 and elapsed > 0 else None


def check_reach(check: str, params: dict) -> float:
    """The longest walk of a check with these parameters, m."""
    if check == "green5":
        return coverage.walk_distance_m(params.get("minutes", settings.GREEN_WALK_MINUTES),
                                        params.get("speed_kmh", settings.WALK_SPEED_KMH))
    if check == "life15":
        return float(params.get("distance_m", settings.LIFE_CIRCLE_DISTANCE_M))
    if check == "metro":
        return float(max(params.get("distances_m") or settings.METRO_CATCHMENT_M))
    raise CoverageError(f"unknown check {check!r}; known: {', '.join(PLANS)}", f"未知分析 {check!r}")


def zone_coverage(check: str, area: BaseGeometry, walk: gpd.GeoDataFrame | WalkNetwork,
                  demand: gpd.GeoDataFrame | DemandSource | None, zones: gpd.GeoDataFrame,
                  sources: gpd.GeoDataFrame, *, params: dict | None = None, name: str = "area",
                  demand_kind: str = "residential_landuse", zone_column: str = "name",
                  reach_m: float | None = None, cell_m: float | None = None,
                  crs: str | None = None, entrances: gpd.GeoDataFrame | tuple | None = None,
                  chunk_units: int = settings.CITY_CHUNK_UNITS,
                  progress: Progress | None = None, part: np.ndarray | None = None,
                  part_outside: bool = True, threads: int | None = None,
                  processes: int | None = None) -> ZoneCoverage:
    """Run ``check`` once for the whole ``area`` and give its figures for every zone.

    Parameters
    ----------
    check : {"green5", "life15", "metro"}
    area : Polygon or MultiPolygon, WGS84
        The demand counts only inside it (a city's outline, or the union of its zones).
    walk : GeoDataFrame or WalkNetwork
        OSM walkable ways (``geo.osm`` ``walk`` frame) or a network ready in ``crs``.
    demand, demand_kind, cell_m, entrances
        As :func:`geo.coverage.prepare`.
    zones : GeoDataFrame
        The zones (towns, districts; any declared CRS), named by ``zone_column``.
    sources : GeoDataFrame
        Green spaces (green5), facilities with a ``category`` (life15) or stations (metro).
    params : dict
        Keyword arguments of the check's plan (``minutes``, ``distance_m``, ``categories``…).
    chunk_units, threads : int
        Units cut, joined and read at a time (:data:`geo.settings.CITY_CHUNK_UNITS`), and
        chunks in flight at once (:data:`geo.settings.CITY_THREADS`).
    processes : int, optional
        Work the chunks in this many forked worker processes instead of threads (a
        command-line run: the network and search are shared with the workers as forked
        memory; part of the chunk's work holds Python's lock, so threads reach only about
        1.4× on 2 cores). Never in a server process (a fork of a threaded server can hang).
    progress : callable, optional
        ``progress(stage, done, total)`` after each step and each chunk.
    part, part_outside
        A part of the area (:mod:`geo.citywide.partition`): only the units whose first zone
        is one of ``part`` (and, with ``part_outside``, those in no zone) are counted; then
        ``demand`` is the whole area's :class:`~geo.demand.DemandSource` (its share of it),
        ``entrances`` the whole area's ``(doors, gates)`` and ``walk`` the part's network.
    """
    params = dict(params or {})
    tell = progress or (lambda stage, done, total: None)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    reach = reach_m or check_reach(check, params)
    crs, area_local, grown = study_area(area, walk, demand_kind, reach, crs)
    if zones is None or zones.empty:
        raise CoverageError("no zones given", "未提供分区")
    if zone_column not in zones:
        raise CoverageError(f"zones have no column {zone_column!r}", f"分区图层没有字段 {zone_column!r}")
    tell("network", 0, 1)
    net = walk if isinstance(walk, WalkNetwork) else network_within(walk, grown, crs)
    timings["network_s"] = _lap(t)
    t = time.perf_counter()
    source = demand if isinstance(demand, DemandSource) else \
        demand_source(area_local, demand, demand_kind, cell_m, crs, net.to_local)
    doors, gates = entrances if isinstance(entrances, tuple) else entrance_points(net.to_local, grown, entrances)
    empty = gpd.GeoDataFrame(geometry=[], crs=crs)
    shell = Study(name=name, crs=crs, area=area_local, network=net, units=empty,
                  points=np.array([], dtype=object), snap=_no_snap(), reach_m=reach,
                  demand_kind=demand_kind, weight=source.weight, notes=list(source.notes),
                  entrances=doors, gates=gates, inputs={"demand": source.counts})
    plan = PLANS[check](shell, sources, **params)
    timings["demand_s"] = _lap(t)
    t = time.perf_counter()
    tell("search", 0, 1)
    found = coverage.searches(shell, plan)
    timings["search_s"] = _lap(t)
    t = time.perf_counter()
    zones_wgs = to_wgs84(zones).reset_index(drop=True)
    z_local = np.asarray(net.to_local(zones_wgs.geometry.to_numpy(), settings.WGS84), dtype=object)
    z_tree = shapely.STRtree(z_local)
    sums: list[pd.DataFrame] = []
    wanted = None if part is None else np.isin(np.arange(len(zones_wgs)), part)
    gaps: list[gpd.GeoDataFrame] = []
    inside = np.zeros(len(found), dtype=np.int64)
    grand = np.zeros(3)  # whole area: demand, covered, covered in a straight line (each unit once)
    expected = _expected_units(source)
    done = 0
    net.snap(np.array([shapely.Point(0, 0)], dtype=object))  # lazy indexes built before the threads
    # cells' polygons by parent number (a part's demand holds some, numbered as the whole's)
    cells = source.cells()

    def one(spec: tuple) -> tuple | None:
        """One chunk's sums per zone, gaps, whole-area sums, units inside sources, units."""
        units = source.units_of(spec)
        if units.empty:
            return None
        pts = units.geometry.to_numpy()
        points = unit_points(pts)
        unit_i, zone_i, first = zone_pairs(points, z_tree)  # no zone: OUTSIDE_ZONE (−1)
        if wanted is not None:  # a part: the units whose first zone is in it
            mine = np.where(first >= 0, wanted[np.clip(first, 0, None)], part_outside)
            units, points, first = units[mine], points[mine], first[mine]
            keep = mine[unit_i]
            renumber = np.cumsum(mine) - 1
            unit_i, zone_i = renumber[unit_i[keep]], zone_i[keep]
            if len(units) == 0:
                return None
        joins = net.snap(points)  # once for every source set
        per_set = [place_distances(net, f, points, joins) for f in found]
        d_net, d_line = coverage.combine(per_set)
        w = _weights(units, source.weight)
        whole = (w.sum(), w[d_net <= plan.distance_m].sum(), w[d_line <= plan.distance_m].sum())
        frame = {"zone_id": zone_i, "units": 1, "total": w[unit_i],
                 "covered": np.where(d_net <= plan.distance_m, w, 0.0)[unit_i],
                 "covered_line": np.where(d_line <= plan.distance_m, w, 0.0)[unit_i]}
        for key, (i, d) in plan.shares.items():
            dist = d_net if i < 0 else per_set[i][0]
            frame[f"covered_{key}"] = np.where(dist <= d, w, 0.0)[unit_i]
        return (pd.DataFrame(frame).groupby("zone_id").sum(),
                _gaps(units, d_net > plan.distance_m, d_net, first, cells), whole,
                [p[2] for p in per_set], len(units))

    # GEOS and numpy release the GIL: chunks run in threads (or forked processes), a few in flight
    width = processes or threads or settings.CITY_THREADS
    with _pool(one, processes, width) as (pool, run):
        pending: deque = deque()
        for spec in source.chunk_specs(chunk_units):
            pending.append(pool.submit(run, spec))
            while len(pending) > width or (pending and pending[0].done()):
                done = _collect(pending.popleft().result(), sums, gaps, grand, inside, done)
                tell("units", done, expected)
        while pending:
            done = _collect(pending.popleft().result(), sums, gaps, grand, inside, done)
            tell("units", done, expected)
    tell("units", expected, expected)
    timings["units_s"] = _lap(t)
    t = time.perf_counter()
    total = pd.concat(sums).groupby(level=0).sum() if sums else pd.DataFrame()
    notes = list(plan.notes) + list(source.notes)
    overlap = int(total["units"].sum() - done) if len(total) else 0
    if overlap:
        notes.append(f"zones overlap: {overlap} units lie in more than one zone and count in each")
    result = ZoneCoverage.from_sums(
        check=check, area=name, distance_m=plan.distance_m, target=plan.target, weight=source.weight,
        share_keys=list(plan.shares), sums=total, grand=grand, zones=zones_wgs, zone_column=zone_column,
        gaps=_gap_frame(gaps, zones_wgs, zone_column, crs), crs=crs, parameters=plan.parameters,
        inputs={"network": net.pieces(), "demand": {**source.counts, "units": done},
                "sources": coverage.source_counts(plan, found, list(inside)), "zones": len(zones_wgs)},
        notes=notes)
    timings["table_s"] = _lap(t)
    result.timings = timings
    return result


#: The chunk function of the run in progress, for forked workers (set before the fork).
_FORKED: dict[str, Callable] = {}


def _forked(spec: tuple):
    return _FORKED["one"](spec)


@contextmanager
def _pool(one: Callable, processes: int | None, width: int) -> Iterator[tuple]:
    """An executor and the function it runs: forked processes sharing the prepared network,
    else threads."""
    if processes and "fork" in multiprocessing.get_all_start_methods():
        _FORKED["one"] = one
        try:
            with ProcessPoolExecutor(max_workers=processes,
                                     mp_context=multiprocessing.get_context("fork")) as pool:
                yield pool, _forked
        finally:
            _FORKED.clear()
    else:
        with ThreadPoolExecutor(max_workers=width) as pool:
            yield pool, one


def _collect(part: tuple | None, sums: list, gaps: list, grand: np.ndarray, inside: np.ndarray,
             done: int) -> int:
    """Add one chunk's results (:func:`zone_coverage`'s ``one``); the units done so far."""
    if part is None:
        return done
    sums.append(part[0])
    gaps.append(part[1])
    grand += part[2]
    inside += part[3]
    return done + part[4]


def _lap(t: float) -> float:
    return time.perf_counter() - t


def _no_snap() -> Snap:
    z = np.zeros(0, dtype=np.int64)
    return Snap(z, np.zeros(0), np.zeros(0), z, 0)


def _expected_units(source) -> float:
    """About how many units the demand gives (the progress bar's total)."""
    if source.kind != "cells":
        return float(len(source.geoms))
    return float(shapely.area(source.geoms).sum()) / float(source.cell_m) ** 2


def _weights(units: gpd.GeoDataFrame, weight: str) -> np.ndarray:
    """What each unit counts for: km² of area, one, or its own weight."""
    if weight == "area":
        return units["area_m2"].to_numpy(dtype=float) / 1e6
    if weight == "count":
        return units["count"].to_numpy(dtype=float)
    return units["weight"].to_numpy(dtype=float)


def _gaps(units: gpd.GeoDataFrame, uncovered: np.ndarray, d_net: np.ndarray, zone: np.ndarray,
          cells: tuple | None) -> gpd.GeoDataFrame:
    """The chunk's uncovered units merged per zone and demand feature (cells edge to edge)."""
    idx = np.flatnonzero(uncovered)
    if len(idx) == 0:
        return gpd.GeoDataFrame({"zone_id": [], "parent": [], "area_m2": [], "dist_m": []},
                                geometry=[], crs=units.crs)
    z, par = zone[idx], units["parent"].to_numpy()[idx]
    order = np.lexsort((par, z))
    idx, z, par = idx[order], z[order], par[order]
    starts = np.concatenate([[0], np.flatnonzero((np.diff(z) != 0) | (np.diff(par) != 0)) + 1])
    ends = np.append(starts[1:], len(idx))
    geoms = units.geometry.to_numpy()[idx]
    dist = np.minimum.reduceat(d_net[idx], starts)
    return gpd.GeoDataFrame({"zone_id": z[starts], "parent": par[starts],
                             "area_m2": np.add.reduceat(units["area_m2"].to_numpy()[idx], starts),
                             "dist_m": np.where(np.isfinite(dist), dist, np.nan)},
                            geometry=[merge_cells(geoms[a:b], *cell_parent(cells, par[a]))
                                      for a, b in zip(starts, ends)],
                            crs=units.crs)


def _gap_frame(parts: list[gpd.GeoDataFrame], zones: gpd.GeoDataFrame, zone_column: str,
               crs: str) -> gpd.GeoDataFrame:
    """The gap layer, WGS84: zone id and name, demand feature, area, nearest walk."""
    parts = [p for p in parts if not p.empty]
    if not parts:
        return gpd.GeoDataFrame({"zone_id": [], "zone": [], "parent": [], "area_m2": [], "dist_m": [],
                                 "status": []}, geometry=[], crs=settings.WGS84)
    gaps = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=crs)
    names = zones[zone_column].astype(str).to_numpy()
    zid = gaps["zone_id"].to_numpy(dtype=np.int64)
    gaps.insert(1, "zone", np.where(zid >= 0, names[np.clip(zid, 0, None)], ""))
    gaps["area_m2"] = gaps["area_m2"].round(1)
    gaps["dist_m"] = gaps["dist_m"].round(1)
    gaps["status"] = "gap"
    return gaps.to_crs(settings.WGS84)
