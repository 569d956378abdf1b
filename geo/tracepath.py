"""One edge of a traced boundary: its ways as a graph, the path between two corners, and the
second path beside it (the other carriageway or the other bank).

Everything here is in a local metric CRS (metres). Ways that share an OSM node share a graph
node. Breaks between pieces of the same road are bridged by straight segments no longer than
the allowed gap, weighted so that a mapped way is always preferred; every bridge a path uses
is returned with its place and length, never hidden.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import LineString, Point

from geo import settings

__all__ = ["Gap", "EdgeGraph", "Path", "midline", "extend_line"]

_KEY_DECIMALS = 3  # millimetres: vertices of the same OSM node project to the same key


@dataclass(frozen=True)
class Gap:
    """A straight bridge over a break: its two ends (metric) and length in metres."""

    a: tuple[float, float]
    b: tuple[float, float]
    length_m: float
    where: str  # "edge" (inside one edge) or "corner" (between two edges)


@dataclass
class Path:
    """A path along an edge's graph: its line (metric) and the bridges it used."""

    line: LineString
    gaps: list[Gap] = field(default_factory=list)
    segments: frozenset = frozenset()


class EdgeGraph:
    """The ways of one edge as an undirected graph with straight segments."""

    def __init__(self, lines: Iterable[LineString], *, max_gap_m: float = settings.TRACE_MAX_GAP_M) -> None:
        self.xy: list[tuple[float, float]] = []
        self._index: dict[tuple[float, float], int] = {}
        self.adj: dict[int, dict[int, tuple[float, bool]]] = {}
        for line in lines:
            coords = np.asarray(line.coords)[:, :2]
            ids = [self._node(tuple(c)) for c in coords]
            for u, v in zip(ids, ids[1:]):
                if u != v:
                    self._link(u, v, gap=False)
        self.max_gap_m = max_gap_m
        self._bridge_components()

    def _node(self, xy: tuple[float, float]) -> int:
        key = (round(float(xy[0]), _KEY_DECIMALS), round(float(xy[1]), _KEY_DECIMALS))
        node = self._index.get(key)
        if node is None:
            node = self._index[key] = len(self.xy)
            self.xy.append(key)
            self.adj[node] = {}
        return node

    def _link(self, u: int, v: int, *, gap: bool) -> None:
        length = float(np.hypot(self.xy[u][0] - self.xy[v][0], self.xy[u][1] - self.xy[v][1]))
        self.adj[u][v] = self.adj[v][u] = (length, gap)

    def _components(self) -> np.ndarray:
        label = np.full(len(self.xy), -1)
        for start in range(len(self.xy)):
            if label[start] >= 0:
                continue
            label[start] = start
            stack = [start]
            while stack:
                u = stack.pop()
                for v, (_, gap) in self.adj[u].items():
                    if not gap and label[v] < 0:
                        label[v] = start
                        stack.append(v)
        return label

    def _bridge_components(self) -> None:
        """Join each pair of pieces closer than the allowed gap at their nearest vertices."""
        label = self._components()
        comps = np.unique(label)
        if len(comps) < 2:
            return
        xy = np.asarray(self.xy)
        trees = {c: (np.flatnonzero(label == c), cKDTree(xy[label == c])) for c in comps}
        for i, ca in enumerate(comps):
            ids_a, _ = trees[ca]
            for cb in comps[i + 1:]:
                ids_b, tree_b = trees[cb]
                dist, j = tree_b.query(xy[ids_a], distance_upper_bound=self.max_gap_m)
                if not np.isfinite(dist).any():
                    continue
                k = int(np.argmin(dist))
                self._link(int(ids_a[k]), int(ids_b[j[k]]), gap=True)

    def split_at(self, point: Point) -> int:
        """The node at ``point`` on the graph, splitting the nearest segment there."""
        p = (float(point.x), float(point.y))
        key = (round(p[0], _KEY_DECIMALS), round(p[1], _KEY_DECIMALS))
        if key in self._index:
            return self._index[key]
        best, best_d = None, np.inf
        for u, nbrs in self.adj.items():
            for v, (_, gap) in nbrs.items():
                if u < v and not gap:
                    d = _segment_distance(p, self.xy[u], self.xy[v])
                    if d < best_d:
                        best, best_d = (u, v), d
        node = self._node(p)
        if best is None:
            return node
        u, v = best
        if best_d < 1e-6 or best_d <= 1.0:
            del self.adj[u][v], self.adj[v][u]
        self._link(u, node, gap=False)
        self._link(node, v, gap=False)
        return node

    def path(self, sources: Iterable[int], targets: Iterable[int], *,
             penalise: frozenset = frozenset()) -> Path | None:
        """Shortest path from any source to any target (None when there is none).

        Segments in ``penalise`` (pairs ``(u, v)`` with ``u < v``) weigh
        :data:`settings.TRACE_ALTERNATIVE_PENALTY` times their length; bridges weigh
        :data:`settings.TRACE_GAP_PENALTY` times theirs.
        """
        targets = set(targets)
        dist: dict[int, float] = {}
        prev: dict[int, int] = {}
        heap = [(0.0, s, -1) for s in set(sources)]
        heapq.heapify(heap)
        end = None
        while heap:
            d, u, p = heapq.heappop(heap)
            if u in dist:
                continue
            dist[u] = d
            prev[u] = p
            if u in targets:
                end = u
                break
            for v, (length, gap) in self.adj[u].items():
                if v in dist:
                    continue
                w = length * (settings.TRACE_GAP_PENALTY if gap else 1.0)
                if (min(u, v), max(u, v)) in penalise:
                    w *= settings.TRACE_ALTERNATIVE_PENALTY
                heapq.heappush(heap, (d + w, v, u))
        if end is None:
            return None
        nodes = [end]
        while prev[nodes[-1]] >= 0:
            nodes.append(prev[nodes[-1]])
        nodes.reverse()
        if len(nodes) < 2:
            return None
        segs = frozenset((min(u, v), max(u, v)) for u, v in zip(nodes, nodes[1:]))
        gaps = [Gap(self.xy[u], self.xy[v], self.adj[u][v][0], "edge")
                for u, v in zip(nodes, nodes[1:]) if self.adj[u][v][1]]
        return Path(LineString([self.xy[n] for n in nodes]), gaps, segs)

    def nearest_break(self, sources: Iterable[int], targets: Iterable[int]) -> tuple[Point, float]:
        """Where the part reached from ``sources`` comes closest to the part holding ``targets``."""
        reach = self._reach(sources)
        other = self._reach(targets)
        xy = np.asarray(self.xy)
        a, b = xy[sorted(reach)], xy[sorted(other)]
        d, j = cKDTree(b).query(a)
        k = int(np.argmin(d))
        mid = (a[k] + b[j[k]]) / 2
        return Point(mid), float(d[k])

    def _reach(self, start: Iterable[int]) -> set[int]:
        seen = set(start)
        stack = list(seen)
        while stack:
            u = stack.pop()
            for v, (_, gap) in self.adj[u].items():
                if not gap and v not in seen:
                    seen.add(v)
                    stack.append(v)
        return seen


def _segment_distance(p, a, b) -> float:
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    denom = dx * dx + dy * dy
    t = 0.0 if denom == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / denom))
    return float(np.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy))


def midline(a: LineString, b: LineString, step_m: float = settings.TRACE_CENTRELINE_STEP_M) -> LineString:
    """The line halfway between two roughly parallel lines (two carriageways or two banks).

    ``a`` is sampled every ``step_m``; each sample is joined to the nearest point of ``b``.
    """
    n = max(2, int(np.ceil(a.length / step_m)) + 1)
    samples = shapely.line_interpolate_point(a, np.linspace(0.0, a.length, n))
    near = shapely.line_interpolate_point(b, shapely.line_locate_point(b, samples))
    pa = shapely.get_coordinates(samples)
    pb = shapely.get_coordinates(near)
    mid = (pa + pb) / 2
    keep = np.concatenate([[True], np.hypot(*np.diff(mid, axis=0).T) > 1e-6])
    return LineString(mid[keep]) if keep.sum() >= 2 else a


def extend_line(line: LineString, reach_m: float, *, back_m: float = 20.0) -> LineString:
    """``line`` continued straight for ``reach_m`` beyond both ends (direction over the last
    ``back_m``), so that it crosses a neighbouring edge drawn on the other carriageway."""
    coords = np.asarray(line.coords)[:, :2]
    length = line.length
    if length == 0:
        return line
    back = min(back_m, length)
    head = np.asarray(line.interpolate(back).coords[0])
    tail = np.asarray(line.interpolate(length - back).coords[0])
    start_dir = coords[0] - head
    end_dir = coords[-1] - tail
    start = coords[0] + start_dir / max(np.hypot(*start_dir), 1e-9) * reach_m
    end = coords[-1] + end_dir / max(np.hypot(*end_dir), 1e-9) * reach_m
    return LineString(np.vstack([start, coords, end]))
