"""The check by zones split into parts (districts) with a buffer, run on Dask.

Each part is a group of zones (by a column such as ``district``, else about ``n_parts``
groups of neighbouring zones) and counts the units whose first zone is in it. Its network is
the OSM ways within :func:`part_margin` of its zones: every walk that can reach one of its
units within the limit, every source seed that can matter and every nearest street of its
units lies inside, so the part's figures are those of the whole-area run (exact by
construction; ``tests/test_citywide.py`` compares them). What must be the same everywhere is
computed once, by the caller: the demand (:class:`geo.demand.DemandSource`), the entrances
and the network's connected pieces (which piece is the main one, and the outlines of the
smaller ones: a place joins the main piece, and a smaller piece only when inside it).

:func:`zone_coverage_parts` runs the parts one after another, or on a Dask client
(``dask.distributed``: a ``LocalCluster`` here, a cluster of machines elsewhere), and adds
their sums up.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.citywide.batch import PLANS, check_reach, zone_coverage
from geo.citywide.result import ZoneCoverage
from geo.crs import project_xy, to_wgs84
from geo.demand import DemandSource, demand_source
from geo.errors import CoverageError
from geo.junctions import way_junctions
from geo.network import WalkNetwork
from geo.study import entrance_points, study_area, ways_within

__all__ = ["Pieces", "group_zones", "network_pieces", "part_margin", "zone_coverage_parts"]


@dataclass
class Pieces:
    """The connected pieces of the whole network: OSM node → piece, the main one, and the
    convex outlines of the smaller ones (network CRS)."""

    osm_ids: np.ndarray  # sorted OSM ids of the network's nodes (junctions and ends)
    piece: np.ndarray
    main: int
    hull_ids: np.ndarray
    hulls: np.ndarray

    def apply(self, net: WalkNetwork) -> WalkNetwork:
        """``net`` (a part of the whole network, built from OSM ways) with the whole
        network's pieces: its main piece and the outlines of the smaller ones."""
        if net.node_osm is None:
            raise CoverageError("a part's network must be built from OSM ways", "分块路网须由 OSM 道路构建")
        at = np.searchsorted(self.osm_ids, net.node_osm)
        net.node_piece = self.piece[np.clip(at, 0, len(self.piece) - 1)]
        net.edge_piece = net.node_piece[net.u]
        net.main_piece = self.main
        net._main_edges = np.flatnonzero(net.edge_piece == self.main)
        net._main_tree = None  # built on first use, for these main edges
        net._hulls = ((self.hull_ids, shapely.STRtree(self.hulls)) if len(self.hulls)
                      else (np.zeros(0, dtype=np.int64), None))
        return net


def network_pieces(ways: gpd.GeoDataFrame, crs: str) -> Pieces:
    """The pieces of the network :meth:`WalkNetwork.from_ways` builds from ``ways``, from the
    node lists alone (no edge geometry): the same nodes, the same main piece."""
    j = way_junctions(ways["nodes"].to_numpy())
    inverse, uniq, nodes = j.inverse, j.osm_ids, j.nodes
    way_of = np.repeat(np.arange(len(j.sizes)), j.sizes)
    same = way_of[:-1] == way_of[1:]
    a, b = inverse[:-1][same], inverse[1:][same]
    n = len(uniq)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    main = int(np.argmax(np.bincount(labels[nodes])))  # most network nodes, as WalkNetwork's
    xy = project_xy(shapely.get_coordinates(to_wgs84(ways).geometry.to_numpy()), settings.WGS84, crs)
    small = labels[inverse] != main
    hull_ids, hulls = [], []
    if small.any():
        frame = pd.DataFrame({"piece": labels[inverse][small], "x": xy[small, 0], "y": xy[small, 1]})
        for piece, grp in frame.groupby("piece"):
            hull = shapely.convex_hull(shapely.multipoints(grp[["x", "y"]].to_numpy()))
            if hull.geom_type == "Polygon" and hull.area > 0:
                hull_ids.append(piece)
                hulls.append(hull)
    order = np.argsort(uniq[nodes])
    return Pieces(uniq[nodes][order], labels[nodes][order], main, np.asarray(hull_ids, dtype=np.int64),
                  np.asarray(hulls, dtype=object))


def part_margin(reach_m: float, params: dict) -> float:
    """How far beyond its zones a part's network reaches, m: twice the longest walk (a source
    seed or a nearest street that matters lies within it), plus the approach and tolerance
    of the sources, plus 100 m of slack."""
    return (2.0 * reach_m + float(params.get("approach_m", settings.SOURCE_APPROACH_M))
            + float(params.get("tolerance_m", settings.GREEN_ACCESS_TOLERANCE_M)) + 100.0)


def group_zones(zones: gpd.GeoDataFrame, by: str | None = None, n_parts: int = 8) -> list[np.ndarray]:
    """Groups of zone indices: by the column ``by`` (a district), else ``n_parts`` bands of
    neighbouring zones (sorted along a Hilbert curve of their centres)."""
    if by is not None:
        if by not in zones:
            raise CoverageError(f"zones have no column {by!r}", f"分区图层没有字段 {by!r}")
        codes = pd.factorize(zones[by].astype(str))[0]
        return [np.flatnonzero(codes == c) for c in range(codes.max() + 1)]
    order = np.argsort(zones.geometry.hilbert_distance().to_numpy(), kind="stable")
    return [part for part in np.array_split(order, min(n_parts, len(zones))) if len(part)]


@dataclass
class _Task:
    """One part: its ways, its share of the demand, the sources near it, its zones."""

    ways: gpd.GeoDataFrame
    source: DemandSource
    sources: gpd.GeoDataFrame
    part: np.ndarray
    outside: bool


@dataclass
class _Shared:
    """What every part needs the same (sent to each worker once)."""

    check: str
    area: BaseGeometry
    zones: gpd.GeoDataFrame
    entrances: tuple
    pieces: Pieces
    crs: str
    kwargs: dict


def _run_part(task: _Task, shared: _Shared) -> ZoneCoverage:
    net = shared.pieces.apply(WalkNetwork.from_ways(task.ways, crs=shared.crs))
    return zone_coverage(shared.check, shared.area, net, task.source, shared.zones, task.sources,
                         crs=shared.crs, entrances=shared.entrances, part=task.part,
                         part_outside=task.outside, **shared.kwargs)


def zone_coverage_parts(check: str, area: BaseGeometry, walk: gpd.GeoDataFrame,
                        demand: gpd.GeoDataFrame | None, zones: gpd.GeoDataFrame,
                        sources: gpd.GeoDataFrame, *, by: str | None = None, n_parts: int = 8,
                        client: Any = None, params: dict | None = None, name: str = "area",
                        demand_kind: str = "residential_landuse", zone_column: str = "name",
                        cell_m: float | None = None, crs: str | None = None,
                        entrances: gpd.GeoDataFrame | None = None) -> ZoneCoverage:
    """:func:`geo.citywide.zone_coverage` split into parts of zones, each with its own network.

    ``client``: a ``dask.distributed.Client`` (the parts run on its workers); ``None``
    runs them here one after another. ``by``/``n_parts``: :func:`group_zones`.
    """
    params = dict(params or {})
    t0 = time.perf_counter()
    reach = check_reach(check, params)
    if check not in PLANS:
        raise CoverageError(f"unknown check {check!r}", f"未知分析 {check!r}")
    crs, area_local, grown = study_area(area, walk, demand_kind, reach, crs)
    zones_wgs = to_wgs84(zones).reset_index(drop=True)
    ways = ways_within(walk if walk.crs is not None else walk.set_crs(settings.WGS84), grown, crs)
    pieces = network_pieces(ways, crs)

    def local(geoms, src_crs=settings.WGS84):
        return shapely.transform(np.asarray(geoms, dtype=object), lambda c: project_xy(c, src_crs, crs))
    source = demand_source(area_local, demand, demand_kind, cell_m, crs, local)
    doors, gates = entrance_points(local, grown, entrances)
    z_local = local(zones_wgs.geometry.to_numpy())
    way_tree = shapely.STRtree(local(ways.geometry.to_numpy()))
    src_tree = shapely.STRtree(local(sources.geometry.to_numpy(), sources.crs or settings.WGS84))
    margin = part_margin(reach, params)
    groups = group_zones(zones_wgs, by, n_parts)
    outside = shapely.difference(area_local, shapely.union_all(z_local))
    # on Dask each worker takes one core (its own threads would only contend with the others')
    kwargs = {"params": params, "name": name, "demand_kind": demand_kind, "zone_column": zone_column,
              "reach_m": reach, "threads": 1 if client is not None else None}
    tasks = []
    for k, group in enumerate(groups):
        region = shapely.union_all(z_local[group])
        last = k == len(groups) - 1
        if last and not outside.is_empty:  # the demand in no zone counts in the last part
            region = shapely.union(region, outside)
        grown_region = shapely.buffer(region, margin)
        near = way_tree.query(grown_region, predicate="intersects")
        # the sources within the margin: one farther cannot be reached from the part's units
        close = sources.iloc[np.sort(src_tree.query(grown_region, predicate="intersects"))]
        shapely.prepare(region)
        part_source = _subset(source, shapely.intersects(region, source.geoms))
        tasks.append(_Task(ways.iloc[np.sort(near)], part_source, close, np.asarray(group), last))
    shared = _Shared(check, area, zones_wgs, (doors, gates), pieces, crs, kwargs)
    prep = time.perf_counter() - t0
    if client is None:
        parts = [_run_part(t, shared) for t in tasks]
    else:
        once = client.scatter(shared, broadcast=True)  # to every worker once, not with each part
        parts = client.gather(client.map(_run_part, tasks, shared=once, pure=False))
    sums = pd.concat([p.sums for p in parts if p.sums is not None and len(p.sums)]).groupby(level=0).sum()
    grand = np.sum([p.grand for p in parts if p.grand is not None], axis=0)
    gaps = pd.concat([p.gaps for p in parts if not p.gaps.empty] or [parts[0].gaps], ignore_index=True)
    first = parts[0]
    result = ZoneCoverage.from_sums(
        check=check, area=name, distance_m=first.distance_m, target=first.target, weight=first.weight,
        share_keys=first.share_keys, sums=sums, grand=grand, zones=zones_wgs, zone_column=zone_column,
        gaps=gpd.GeoDataFrame(gaps, geometry="geometry", crs=settings.WGS84), crs=crs,
        parameters=first.parameters,
        inputs={"parts": len(tasks), "part_margin_m": margin, "demand": dict(source.counts),
                "part_units": [int(p.table["units"].sum()) for p in parts]},
        notes=list(first.notes) + [f"run in {len(tasks)} parts, each with the network within "
                                   f"{margin:.0f} m of its zones"])
    result.timings = {"prepare_s": prep, "parts_s": time.perf_counter() - t0 - prep}
    return result


def _subset(source: DemandSource, keep: np.ndarray) -> DemandSource:
    """The demand's features in ``keep`` (their parent numbers and weights kept)."""
    pick = np.flatnonzero(keep)
    return DemandSource(source.kind, source.geoms[pick], source.parent[pick], source.crs, source.weight,
                        source.cell_m, None if source.whole is None else source.whole[pick],
                        None if source.w is None else source.w[pick],
                        None if source.levels is None else source.levels[pick],
                        dict(source.counts), list(source.notes))
