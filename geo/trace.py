"""Boundaries traced along named roads and rivers: a 四至 description and an OSM extract give a
true polygon.

:func:`trace_boundary` finds each edge's named ways (:mod:`geo.osmnamed`), finds where each
edge meets the next (the corners), follows each edge between its two corners
(:mod:`geo.tracepath`) on the line the description asks for (centreline, outer or inner
carriageway or bank) and closes the ring. Breaks are bridged only up to
:data:`settings.TRACE_MAX_GAP_M` and every bridge is reported with its place and length; a
missing road, edges that never meet and a ring that would cross itself are
:class:`~geo.errors.TraceError` with a bilingual message.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import LineString, MultiLineString, Point, Polygon
from shapely.ops import substring

from geo import settings
from geo.crs import local_tm_crs, project_xy
from geo.errors import TraceError
from geo.measure import geodesic_area_m2
from geo.osmnamed import NamedWays, read_named_ways
from geo.tracedesc import BoundaryDescription, EdgeSpec
from geo.tracepath import EdgeGraph, Gap, Path as EdgePath, extend_line, midline

__all__ = ["TracedEdge", "TraceResult", "trace_boundary"]

_NORMALS = {"N": (0.0, 1.0), "E": (1.0, 0.0), "S": (0.0, -1.0), "W": (-1.0, 0.0)}
_COMPASS = {"N": np.array([0.0, 1.0]), "E": np.array([1.0, 0.0]), "S": np.array([0.0, -1.0]),
            "W": np.array([-1.0, 0.0])}


@dataclass
class TracedEdge:
    """One edge as traced: its line (WGS84), what it followed and what it bridged.

    ``offset_m`` is the largest distance of the traced line from the edge's named ways (0 on
    a carriageway or bank, about half the width on a centreline).
    """

    spec: EdgeSpec
    line: LineString
    length_m: float
    osm_names: list[str]
    osm_ways: int
    follow: str
    dual: bool
    width_m: float
    offset_m: float
    gaps: list[dict] = field(default_factory=list)


@dataclass
class TraceResult:
    """A traced boundary: the polygon (WGS84), its edges, gaps and notes."""

    description: BoundaryDescription
    polygon: Polygon
    area_m2: float
    edges: list[TracedEdge]
    gaps: list[dict]
    notes: list[tuple[str, str]]
    osm_source: str
    traced_on: str

    @property
    def area_km2(self) -> float:
        """Geodesic area in km²."""
        return self.area_m2 / 1e6

    def provenance(self) -> dict[str, str]:
        """Source, method, date and accuracy, as every layer carries them."""
        name = Path(self.osm_source).name
        return {
            "source": f"{self.description.source or self.description.name_zh}; OSM extract {name} "
                      "(© OpenStreetMap contributors, ODbL)",
            "method": f"traced along OSM ways from the description ({len(self.edges)} edges, "
                      f"{sum(e.osm_ways for e in self.edges)} ways, {len(self.gaps)} gaps bridged) "
                      f"on {self.traced_on}",
            "date": self.traced_on,
            "accuracy_m": "as the OSM ways (typically ±5–20 m); bridged gaps are straight",
        }


def trace_boundary(desc: BoundaryDescription, osm: str | Path | None = None, *, ways: NamedWays | None = None,
                   max_gap_m: float = settings.TRACE_MAX_GAP_M, today: dt.date | None = None) -> TraceResult:
    """Trace ``desc`` along the named ways of the OSM file ``osm`` (or of ``ways`` read before).

    Raises
    ------
    TraceError
        A named road is not in the extract (``missing``), two edges never meet (``apart``), an
        edge is broken for longer than ``max_gap_m`` (``broken``), or the ring crosses itself
        (``self_intersection``).
    """
    if ways is None:
        if osm is None:
            raise TypeError("give an OSM file or the ways read from one")
        ways = read_named_ways(osm, desc)
    _check_missing(desc, ways)
    every = [w.line for found in ways.by_edge for w in found]
    x0, y0, x1, y1 = shapely.total_bounds(every)
    crs = local_tm_crs((x0 + x1) / 2, (y0 + y1) / 2)
    notes: list[tuple[str, str]] = []
    edges = list(desc.edges)
    lines = [_project(_chosen(found, e), crs) for found, e in zip(ways.by_edge, edges)]
    order = _orient_sides(edges, lines, notes)
    edges = [edges[i] for i in order]
    lines = [lines[i] for i in order]
    found = [ways.by_edge[i] for i in order]
    geoms = [MultiLineString(ls) for ls in lines]
    clusters = _corners(edges, geoms, max_gap_m, crs, notes)
    centre = np.mean([c.mean(axis=0) for c in clusters], axis=0)
    traced: list[dict] = []
    for i, edge in enumerate(edges):
        graph = EdgeGraph(lines[i], max_gap_m=max_gap_m)
        traced.append(_trace_edge(i, edge, graph, clusters[i - 1], clusters[i], geoms[i], centre, crs))
    ring, corner_gaps = _assemble(edges, traced, max_gap_m, crs)
    poly_m = Polygon(ring)
    _check_ring(poly_m, crs)
    poly = shapely.orient_polygons(Polygon(project_xy(np.asarray(ring), crs, settings.WGS84)))
    gaps = [g for t in traced for g in t["gaps"]] + corner_gaps
    out_edges = []
    for i, (edge, t) in enumerate(zip(edges, traced)):
        wgs = LineString(project_xy(np.asarray(t["trimmed"].coords), crs, settings.WGS84))
        offset = float(max(geoms[i].distance(Point(c)) for c in t["trimmed"].coords))
        out_edges.append(TracedEdge(
            spec=edge, line=wgs, length_m=float(t["trimmed"].length), osm_names=sorted({w.name or w.ref
                                                                                       for w in found[i]}),
            osm_ways=_ways_used(found[i], t["trimmed"], t["width"], crs), follow=t["follow"], dual=t["dual"],
            width_m=t["width"], offset_m=offset, gaps=[g for g in t["gaps"]]))
    return TraceResult(description=replace(desc, edges=tuple(edges)), polygon=poly,
                       area_m2=geodesic_area_m2(poly), edges=out_edges, gaps=gaps, notes=notes,
                       osm_source=ways.source, traced_on=(today or dt.date.today()).isoformat())


def _ways_used(found, line: LineString, width: float, crs: str) -> int:
    """How many of the edge's OSM ways the traced line runs along (within half the width + 2 m)."""
    near = line.buffer(width / 2 + 2.0)
    lines = _project([w.line for w in found], crs)
    return len({w.osm_id for w, ln in zip(found, lines) if ln.intersection(near).length > 1.0})


# --- finding -------------------------------------------------------------------------------------------

def _check_missing(desc: BoundaryDescription, ways: NamedWays) -> None:
    missing = [(i + 1, e) for i, (e, found) in enumerate(zip(desc.edges, ways.by_edge)) if not found]
    if not missing:
        return
    osm = Path(ways.source).name

    def short(e: EdgeSpec) -> str:
        return " ".join(dict.fromkeys(list(e.names[:1]) + list(e.refs[:1])))

    if len(missing) == len(desc.edges):
        roads = "、".join(short(e) for _, e in missing)
        raise TraceError("missing", f"none of the {len(missing)} roads and rivers of the description is in the OSM "
                         f"extract {osm} ({roads}): the extract does not cover this area; use one that does",
                         f"OSM 数据 {osm} 中没有描述里的任何一条道路或河流 ({roads}): 数据不覆盖该范围, 请换用覆盖它的数据")
    listing = "; ".join(f"{i} {e.side_label('en')} {short(e)}".replace("  ", " ") for i, e in missing)
    listing_zh = "; ".join(f"第{i}条 {e.side_label('zh')} {short(e)}" for i, e in missing)
    raise TraceError("missing", f"not in the OSM extract {osm}: {listing}. Check the spelling (as OSM names it), add "
                     "the route number (ref), or use an extract that covers it",
                     f"OSM 数据 {osm} 中找不到: {listing_zh}。请核对名称 (以 OSM 中的写法为准)、补充道路编号 (ref), "
                     "或换用覆盖该道路的数据")


def _chosen(found, edge: EdgeSpec) -> list[LineString]:
    """The lines an edge follows: river lines for a centreline, bank outlines for a side."""
    kinds = {w.kind for w in found}
    if {"water", "water_area"} <= kinds:
        drop = "water_area" if edge.follow == "centreline" else "water"
        found = [w for w in found if w.kind != drop]
    return [w.line for w in found]


def _project(lines: list[LineString], crs: str) -> list[LineString]:
    return [LineString(project_xy(np.asarray(ln.coords)[:, :2], settings.WGS84, crs)) for ln in lines]


def _to_wgs(xy, crs: str) -> tuple[float, float]:
    lon, lat = project_xy(np.asarray([xy], dtype=float), crs, settings.WGS84)[0]
    return round(float(lon), 6), round(float(lat), 6)


def _orient_sides(edges: list[EdgeSpec], lines: list[list[LineString]], notes: list) -> list[int]:
    """Ring order: a run of roads on one side is turned round when its far end meets the
    previous side (a 四至 text lists the west side's roads north to south, say)."""
    order = list(range(len(edges)))
    geoms = [MultiLineString(ls) for ls in lines]
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and edges[order[j + 1]].side == edges[order[i]].side and edges[order[i]].side:
            j += 1
        if j > i:
            prev = geoms[order[i - 1]]
            nxt = geoms[order[(j + 1) % len(order)]]
            keep = prev.distance(geoms[order[i]]) + nxt.distance(geoms[order[j]])
            turn = prev.distance(geoms[order[j]]) + nxt.distance(geoms[order[i]])
            if turn + 1.0 < keep:
                order[i:j + 1] = order[i:j + 1][::-1]
                side = edges[order[i]].side_label("zh"), edges[order[i]].side_label("en")
                notes.append((f"{side[0]}侧各段的顺序已按道路实际相接关系倒置",
                              f"the {side[1]} side's roads were taken in reverse order, as they meet"))
        i = j + 1
    return order


def _corners(edges, geoms, max_gap_m: float, crs: str, notes: list) -> list[np.ndarray]:
    """For each edge i, the points where it meets edge i+1 (one cluster of crossings)."""
    out: list[np.ndarray] = []
    chosen: list[np.ndarray | None] = []
    candidates = []
    for i, edge in enumerate(edges):
        j = (i + 1) % len(edges)
        pts = _crossings(geoms[i], geoms[j])
        if len(pts) == 0:
            a, b = shapely.ops.nearest_points(geoms[i], geoms[j])
            d = a.distance(b)
            if d > max_gap_m:
                mid = ((a.x + b.x) / 2, (a.y + b.y) / 2)
                raise TraceError(
                    "apart", f"edges {i + 1} ({edge.label()}) and {j + 1} ({edges[j].label()}) never meet: they "
                    f"come no closer than {d:,.0f} m, at {_to_wgs(mid, crs)}. Check the order of the edges and that "
                    "the extract covers both",
                    f"第 {i + 1} 条边 ({edge.label()}) 与第 {j + 1} 条边 ({edges[j].label()}) 不相交: 最近处相距 "
                    f"{d:,.0f} 米, 位于 {_to_wgs(mid, crs)}。请检查边的顺序, 以及数据是否覆盖这两条路",
                    where=_to_wgs(mid, crs))
            pts = np.array([[a.x, a.y], [b.x, b.y]])
        candidates.append(_clusters(pts))
    for i, groups in enumerate(candidates):
        if len(groups) == 1:
            chosen.append(groups[0])
            continue
        a, b = edges[i].side, edges[(i + 1) % len(edges)].side
        if a and b and a != b:
            direction = _COMPASS[a] + _COMPASS[b]
            chosen.append(max(groups, key=lambda g: float(g.mean(axis=0) @ direction)))
        else:
            chosen.append(None)
    for i, groups in enumerate(candidates):
        if chosen[i] is None:
            known = [c.mean(axis=0) for c in chosen if c is not None]
            ref = np.mean(known, axis=0) if known else np.mean([g.mean(axis=0) for g in groups], axis=0)
            near = [chosen[i - 1], chosen[(i + 1) % len(chosen)]]
            near_pts = [c.mean(axis=0) for c in near if c is not None] or [ref]
            pick = min(groups, key=lambda g: sum(float(np.hypot(*(g.mean(axis=0) - p))) for p in near_pts))
            chosen[i] = pick
            notes.append((f"第 {i + 1}、{(i + 1) % len(edges) + 1} 条边相交 {len(groups)} 处, 取离相邻拐点最近的一处",
                          f"edges {i + 1} and {(i + 1) % len(edges) + 1} cross at {len(groups)} places; the one "
                          "nearest the neighbouring corners was taken"))
    for c in chosen:
        assert c is not None
        out.append(c)
    return out


def _crossings(a: MultiLineString, b: MultiLineString) -> np.ndarray:
    inter = a.intersection(b)
    if inter.is_empty:
        return np.empty((0, 2))
    return shapely.get_coordinates(inter)


def _clusters(pts: np.ndarray) -> list[np.ndarray]:
    """Single-linkage groups of crossings within :data:`settings.TRACE_CORNER_CLUSTER_M`."""
    label = list(range(len(pts)))
    for i in range(len(pts)):
        for j in range(i + 1, len(pts)):
            if np.hypot(*(pts[i] - pts[j])) <= settings.TRACE_CORNER_CLUSTER_M:
                old, new = label[j], label[i]
                label = [new if x == old else x for x in label]
    return [pts[[k for k, x in enumerate(label) if x == g]] for g in dict.fromkeys(label)]


# --- following ----------------------------------------------------------------------------------------

def _trace_edge(i: int, edge: EdgeSpec, graph: EdgeGraph, start: np.ndarray, end: np.ndarray,
                geom: MultiLineString, centre: np.ndarray, crs: str) -> dict:
    src = [graph.split_at(Point(p)) for p in _on(geom, start)]
    dst = [graph.split_at(Point(p)) for p in _on(geom, end)]
    first = graph.path(src, dst)
    if first is None:
        where, d = graph.nearest_break(src, dst)
        raise TraceError(
            "broken", f"edge {i + 1} ({edge.label()}) is broken in the extract: its ways stop {d:,.0f} m short "
            f"of each other at {_to_wgs(where.coords[0], crs)}, more than the {graph.max_gap_m:,.0f} m bridged",
            f"第 {i + 1} 条边 ({edge.label()}) 在数据中断开: 在 {_to_wgs(where.coords[0], crs)} 处相距 {d:,.0f} 米, "
            f"超过允许连接的 {graph.max_gap_m:,.0f} 米", where=_to_wgs(where.coords[0], crs))
    second = graph.path(src, dst, penalise=first.segments)
    dual, width = False, 0.0
    if second is not None and second.segments != first.segments:
        width = _separation(first.line, second.line)
        dual = 1.0 < width <= settings.TRACE_DUAL_MAX_WIDTH_M
    follow = edge.follow
    line, gaps = first.line, first.gaps
    if dual and second is not None:
        inner, outer = _inner_outer(first, second, edge, centre)
        if follow == "centreline":
            line, gaps = midline(first.line, second.line), first.gaps + second.gaps
        else:
            chosen = inner if follow == "inner" else outer
            line, gaps = chosen.line, chosen.gaps
    return {"line": line, "ext": extend_line(line, settings.TRACE_CORNER_REACH_M), "follow": follow,
            "dual": dual, "width": width if dual else 0.0, "edge": i,
            "gaps": [_gap_record(g, crs, edge) for g in gaps]}


def _separation(a: LineString, b: LineString) -> float:
    """Median distance from the middle 80% of ``a`` to ``b``, metres: the width between two
    carriageways or banks (their ends are staggered where the next road crosses them)."""
    pts = shapely.line_interpolate_point(a, np.linspace(0.1, 0.9, 17), normalized=True)
    return float(np.median(shapely.distance(pts, b)))


def _on(geom: MultiLineString, pts: np.ndarray) -> list[np.ndarray]:
    out = []
    for p in pts:
        q = shapely.ops.nearest_points(geom, Point(p))[0]
        out.append(np.array([q.x, q.y]))
    return out


def _inner_outer(a: EdgePath, b: EdgePath, edge: EdgeSpec, centre: np.ndarray) -> tuple[EdgePath, EdgePath]:
    """(inner, outer): outer is the path further out on the edge's side."""
    if edge.side:
        normal = np.array(_NORMALS[edge.side])
    else:
        mid = np.asarray(a.line.interpolate(0.5, normalized=True).coords[0])
        normal = (mid - centre) / max(float(np.hypot(*(mid - centre))), 1e-9)
    pa = shapely.get_coordinates(shapely.line_interpolate_point(a.line, np.linspace(0, 1, 21), normalized=True))
    pb = shapely.get_coordinates(shapely.line_interpolate_point(b.line, shapely.line_locate_point(
        b.line, shapely.points(pa))))
    return (a, b) if float(((pb - pa) @ normal).mean()) > 0 else (b, a)


def _gap_record(g: Gap, crs: str, edge: EdgeSpec | None, between: str = "") -> dict:
    mid = ((g.a[0] + g.b[0]) / 2, (g.a[1] + g.b[1]) / 2)
    lon, lat = _to_wgs(mid, crs)
    return {"edge": edge.label() if edge else between, "where": g.where, "lon": lon, "lat": lat,
            "length_m": round(g.length_m, 1)}


def _assemble(edges, traced: list[dict], max_gap_m: float, crs: str) -> tuple[list, list[dict]]:
    """Trim each edge between its corners with its neighbours and join the pieces."""
    n = len(traced)
    corners: list[tuple[np.ndarray, np.ndarray, Gap | None]] = []
    for i in range(n):
        a, b = traced[i]["ext"], traced[(i + 1) % n]["ext"]
        inter = shapely.get_coordinates(a.intersection(b))
        hint = traced[i]["line"].coords[-1]
        if len(inter):
            k = int(np.argmin(np.hypot(inter[:, 0] - hint[0], inter[:, 1] - hint[1])))
            corners.append((inter[k], inter[k], None))
            continue
        pa, pb = shapely.ops.nearest_points(a, b)
        d = pa.distance(pb)
        if d > max_gap_m:
            raise TraceError("apart", f"edges {i + 1} ({edges[i].label()}) and {(i + 1) % n + 1} do not meet on the "
                             f"lines followed: {d:,.0f} m apart", f"第 {i + 1} 条边 ({edges[i].label()}) 与下一条边"
                             f"在所沿线位上不相交: 相距 {d:,.0f} 米", where=_to_wgs(pa.coords[0], crs))
        corners.append((np.array(pa.coords[0]), np.array(pb.coords[0]), Gap(pa.coords[0], pb.coords[0], d, "corner")))
    ring: list = []
    gaps: list[dict] = []
    for i in range(n):
        ext = traced[i]["ext"]
        start = corners[i - 1][1]
        stop = corners[i][0]
        s, e = ext.project(Point(start)), ext.project(Point(stop))
        if e <= s:
            raise TraceError("no_ring", f"edge {i + 1} ({edges[i].label()}) runs backwards between its corners: "
                             "the edges are probably in the wrong order",
                             f"第 {i + 1} 条边 ({edges[i].label()}) 在两个拐点之间方向相反: 边的顺序可能有误",
                             where=_to_wgs(start, crs))
        piece = substring(ext, s, e)
        traced[i]["trimmed"] = piece
        coords = list(piece.coords)
        if ring and np.allclose(ring[-1], coords[0], rtol=0.0, atol=1e-6):
            coords = coords[1:]
        ring.extend(coords)
        gap = corners[i][2]
        if gap is not None:
            gaps.append(_gap_record(gap, crs, None, f"{edges[i].label()} → {edges[(i + 1) % n].label()}"))
    if np.allclose(ring[0], ring[-1], rtol=0.0, atol=1e-6):
        ring[-1] = ring[0]  # the same corner, computed twice: close it exactly
    else:
        ring.append(ring[0])
    return ring, gaps


def _check_ring(poly: Polygon, crs: str) -> None:
    if poly.is_valid and poly.area > 0:
        return
    reason = shapely.is_valid_reason(poly)
    m = re.search(r"\[([-\d.e]+) ([-\d.e]+)\]", reason)
    where = _to_wgs((float(m.group(1)), float(m.group(2))), crs) if m else None
    raise TraceError("self_intersection", f"the traced ring crosses itself at {where} ({reason}): check the order "
                     "of the edges and that each road is named once",
                     f"描绘出的边界在 {where} 处自相交: 请检查边的顺序, 以及每条路是否只出现一次", where=where)
