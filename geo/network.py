"""Walking networks and multi-source shortest distances along them.

A :class:`WalkNetwork` holds a street network in a local metric CRS: nodes, edges
(with their polyline geometry and length) and a spatial index. Distances are
computed with one multi-source Dijkstra (scipy.sparse.csgraph) from a virtual
source joined to every place where a source touches the network, so a whole
coverage check costs one shortest-path run, whatever the number of parks.

Sources and demand sit *on edges*, not only at nodes: a park is reached where the
network enters it (an interval of an edge), a shop or a home at the point of the
nearest edge, plus the straight walk to it. Distances are therefore exact for the
network as drawn: no snapping to the nearest junction, no detours through nodes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from geo import settings
from geo.crs import local_tm_crs_for, project_xy
from geo.errors import CoverageError
from geo.junctions import way_junctions
from geo.seeds import Seeds, Snap


@dataclass
class WalkNetwork:
    """An undirected walking network in a local metric CRS.

    Attributes
    ----------
    crs : str
        The projected CRS of every coordinate and length (metres).
    node_xy : ndarray (n, 2)
    u, v : ndarray (m,)
        End nodes of each edge; the edge's geometry runs from ``u`` to ``v``.
    length : ndarray (m,)
        Length of each edge's polyline, metres.
    geometry : ndarray of LineString (m,)
    """

    crs: str
    node_xy: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    geometry: np.ndarray
    tree: shapely.STRtree = field(init=False, repr=False)
    node_piece: np.ndarray = field(init=False, repr=False)
    edge_piece: np.ndarray = field(init=False, repr=False)
    main_piece: int = field(init=False, repr=False)
    _main_edges: np.ndarray = field(init=False, repr=False)
    _main_tree: shapely.STRtree | None = field(init=False, repr=False)
    _hulls: tuple | None = field(init=False, repr=False)
    node_osm: np.ndarray | None = field(init=False, default=None, repr=False)  # OSM id of each node
    _indptr: np.ndarray = field(init=False, repr=False)
    _indices: np.ndarray = field(init=False, repr=False)
    _data: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.u) == 0:
            raise CoverageError("the walking network is empty in this area",
                                "分析范围内没有步行路网")
        self.tree = shapely.STRtree(self.geometry, node_capacity=settings.EDGE_TREE_NODE_CAPACITY)
        n = len(self.node_xy)
        # adjacency in both directions, parallel edges reduced to the shortest
        rows = np.concatenate([self.u, self.v])
        cols = np.concatenate([self.v, self.u])
        lens = np.concatenate([self.length, self.length])
        keep = rows != cols
        rows, cols, lens = rows[keep], cols[keep], lens[keep]
        key = rows.astype(np.int64) * (n + 1) + cols  # one pair per key, sorted by row then column
        order = np.argsort(key)
        key = key[order]
        first = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        r = rows[order][first]
        self._indices = cols[order][first].astype(np.int32)
        self._data = np.minimum.reduceat(lens[order], first).astype(float) if len(first) \
            else np.zeros(0)
        # one extra (empty) row for the virtual source, filled per query
        self._indptr = np.zeros(n + 2, dtype=np.int64)
        np.add.at(self._indptr, r + 1, 1)
        self._indptr = np.cumsum(self._indptr)
        graph = csr_matrix((self._data, self._indices, self._indptr[:-1]), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        self.node_piece = labels.astype(np.int64)
        self.edge_piece = self.node_piece[self.u]
        counts = np.bincount(self.node_piece)
        self.main_piece = int(np.argmax(counts))
        self._main_edges = np.flatnonzero(self.edge_piece == self.main_piece)
        self._main_tree = None  # built on first use (:meth:`nearest`)
        self._hulls = None

    # -- construction --------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        return len(self.u)

    @classmethod
    def from_ways(cls, ways: gpd.GeoDataFrame, crs: str | None = None) -> "WalkNetwork":
        """Build from OSM ways (``geo.osm`` ``walk`` frame: ``nodes`` lists and LineStrings).

        Ways are split into edges at their ends and wherever an OSM node is shared by
        two ways (or visited twice by one): the junctions of the network as mapped.
        Ways that only cross without a shared node (bridges, tunnels) stay unconnected.
        """
        if ways.empty:
            raise CoverageError("the walking network is empty in this area",
                                "分析范围内没有步行路网")
        crs = crs or local_tm_crs_for(ways)
        j = way_junctions(ways["nodes"].to_numpy())
        sizes, inverse, uniq, is_break = j.sizes, j.inverse, j.osm_ids, j.is_node
        xy = shapely.get_coordinates(ways.geometry.to_numpy())
        if len(xy) != len(inverse):
            raise CoverageError("way node lists do not match their geometries",
                                "路段节点与几何不一致")
        xy = project_xy(xy, ways.crs or settings.WGS84, crs)
        # node table: only break nodes become graph nodes
        break_ids = j.nodes
        node_index = -np.ones(len(uniq), dtype=np.int64)
        node_index[break_ids] = np.arange(len(break_ids))
        node_xy = np.zeros((len(break_ids), 2))
        node_xy[node_index[inverse[is_break]]] = xy[is_break]
        # consecutive break nodes of the same way bound an edge
        pos = np.flatnonzero(is_break)
        way_of = np.repeat(np.arange(len(sizes)), sizes)
        same = way_of[pos[:-1]] == way_of[pos[1:]]
        a, b = pos[:-1][same], pos[1:][same]
        if len(a) == 0:
            raise CoverageError("the walking network has no street segment", "步行路网没有路段")
        lens = b - a + 1
        flat = np.repeat(a, lens) + (np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens))
        geometry = shapely.linestrings(xy[flat], indices=np.repeat(np.arange(len(a)), lens))
        net = cls(crs, node_xy, node_index[inverse[a]], node_index[inverse[b]],
                  shapely.length(geometry), geometry)
        net.node_osm = uniq[break_ids]
        return net

    @classmethod
    def from_lines(cls, lines: gpd.GeoDataFrame | gpd.GeoSeries, crs: str | None = None,
                   precision_m: float = 0.01) -> "WalkNetwork":
        """Build from plain LineStrings: each line is an edge, joined where end points meet.

        End points closer than ``precision_m`` become one node. Lines are not split where
        they cross: give them split (as OSM ways are at shared nodes).
        """
        geo = lines.geometry if isinstance(lines, gpd.GeoDataFrame) else lines
        geo = geo[~(geo.is_empty | geo.isna())]
        geo = geo.explode(index_parts=False)
        if geo.empty:
            raise CoverageError("the walking network is empty in this area",
                                "分析范围内没有步行路网")
        src_crs = geo.crs or settings.WGS84
        if crs is None:
            crs = geo.crs.to_string() if geo.crs is not None and geo.crs.is_projected \
                else local_tm_crs_for(gpd.GeoDataFrame(geometry=geo))
        parts = geo.to_numpy()
        if not CRS.from_user_input(src_crs).equals(CRS.from_user_input(crs)):
            parts = shapely.transform(parts, lambda c: project_xy(c, src_crs, crs))
        ends = np.vstack([shapely.get_coordinates(shapely.get_point(parts, 0)),
                          shapely.get_coordinates(shapely.get_point(parts, -1))])
        keys = np.round(ends / precision_m).astype(np.int64)
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        node_xy = np.zeros((len(uniq), 2))
        node_xy[inverse] = ends
        m = len(parts)
        return cls(crs, node_xy, inverse[:m].astype(np.int64), inverse[m:].astype(np.int64),
                   shapely.length(parts), np.asarray(parts, dtype=object))

    @classmethod
    def from_arrays(cls, node_xy: np.ndarray, u: np.ndarray, v: np.ndarray,
                    crs: str) -> "WalkNetwork":
        """Build from node coordinates and straight edges ``u``–``v`` (metres in ``crs``)."""
        node_xy = np.asarray(node_xy, dtype=float)
        coords = np.stack([node_xy[u], node_xy[v]], axis=1)
        geometry = shapely.linestrings(coords)
        return cls(crs, node_xy, np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64),
                   shapely.length(geometry), geometry)

    # -- placing things on the network ---------------------------------------------------
    def to_local(self, geoms, crs=settings.WGS84) -> np.ndarray:
        """Geometries (array-like, in ``crs``) transformed to the network's CRS."""
        arr = np.asarray(geoms, dtype=object)
        if CRS.from_user_input(crs).equals(CRS.from_user_input(self.crs)):
            return arr
        return shapely.transform(arr, lambda c: project_xy(c, crs, self.crs))

    def pieces(self) -> dict:
        """The connected pieces: how many, and what share the main one holds."""
        n_pieces = int(self.node_piece.max()) + 1
        main = self.edge_piece == self.main_piece
        return {"pieces": n_pieces, "main_nodes": int((self.node_piece == self.main_piece).sum()),
                "nodes": self.n_nodes, "main_edges": int(main.sum()), "edges": self.n_edges,
                "main_length_share": round(float(self.length[main].sum() / self.length.sum()), 6)}

    def nearest(self, geoms: np.ndarray, *, main: bool = True, max_distance: float | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest edge of the main piece (or of any, ``main=False``) to each geometry.

        Returns ``(index of the geometry, edge, distance)`` for those with an edge within
        ``max_distance`` (all, when ``None``): a bounded search first, most places being
        near a street, then the rest unbounded.
        """
        geoms = np.asarray(geoms, dtype=object)
        if main and self._main_tree is None:
            # one piece (a clean network): the main piece's index is the whole network's
            self._main_tree = (self.tree if len(self._main_edges) == len(self.u)
                               else shapely.STRtree(self.geometry[self._main_edges],
                                                    node_capacity=settings.EDGE_TREE_NODE_CAPACITY))
        tree: shapely.STRtree = self._main_tree if main and self._main_tree is not None else self.tree
        edges = self._main_edges if main else None
        if max_distance is not None:
            idx, d = tree.query_nearest(geoms, max_distance=max_distance, return_distance=True,
                                        all_matches=False)
            e = idx[1] if edges is None else edges[idx[1]]
            return idx[0], e.astype(np.int64), d
        found = np.full(len(geoms), -1, dtype=np.int64)
        dist = np.full(len(geoms), np.inf)
        for todo, bound in ((np.arange(len(geoms)), settings.SNAP_SEARCH_M), (None, None)):
            if todo is None:
                todo = np.flatnonzero(found < 0)
                if len(todo) == 0:
                    break
            idx, d = tree.query_nearest(geoms[todo], max_distance=bound, return_distance=True,
                                        all_matches=False)
            found[todo[idx[0]]] = idx[1] if edges is None else edges[idx[1]]
            dist[todo[idx[0]]] = d
        return np.arange(len(geoms)), found, dist

    def snap(self, points: np.ndarray) -> Snap:
        """Join points to the network: to the nearest point of the main piece and, for a
        point inside the convex hull of a smaller piece, also to that piece's nearest point.

        A point is never joined to a small piece it is not inside: a stray footway beside
        a home must not strand it (osmnx keeps the largest piece only; this keeps the
        smaller ones for the places within them, such as a campus's own paths).
        """
        points = np.asarray(points, dtype=object)
        if len(points) == 0:
            z = np.zeros(0, dtype=np.int64)
            return Snap(z, np.zeros(0), np.zeros(0), z, 0)
        owner, edge, dist = self.nearest(points)
        extra = self._fragment_joins(points)
        if extra is not None:
            owner = np.concatenate([owner, extra[0]])
            edge = np.concatenate([edge, extra[1]])
            dist = np.concatenate([dist, extra[2]])
        t = shapely.line_locate_point(self.geometry[edge], points[owner])
        return Snap(edge.astype(np.int64), t, dist, owner.astype(np.int64), len(points))

    def _fragment_joins(self, points: np.ndarray) -> tuple | None:
        """``(point, edge, distance)`` of points inside a smaller piece's hull, to that piece."""
        if self._hulls is None:
            others = np.flatnonzero(self.edge_piece != self.main_piece)
            if len(others) == 0:
                self._hulls = (np.zeros(0, dtype=np.int64), None)
            else:
                frame = pd.DataFrame({"piece": self.edge_piece[others], "edge": others})
                ids, hulls = [], []
                for piece, grp in frame.groupby("piece"):
                    hull = shapely.convex_hull(shapely.multilinestrings(
                        list(self.geometry[grp["edge"].to_numpy()])))
                    if hull.geom_type == "Polygon" and hull.area > 0:
                        ids.append(piece)
                        hulls.append(hull)
                self._hulls = (np.asarray(ids, dtype=np.int64),
                               shapely.STRtree(hulls) if hulls else None)
        ids, tree = self._hulls
        if tree is None:
            return None
        pt, hull = tree.query(points, predicate="within")
        if len(pt) == 0:
            return None
        out = []
        for piece in np.unique(ids[hull]):
            mine = pt[ids[hull] == piece]
            edges = np.flatnonzero(self.edge_piece == piece)
            idx, d = shapely.STRtree(self.geometry[edges]).query_nearest(
                points[mine], return_distance=True, all_matches=False)
            out.append((mine[idx[0]], edges[idx[1]], d))
        return tuple(np.concatenate(a) for a in zip(*out))

    def point_seeds(self, points: np.ndarray) -> Seeds:
        """Seeds of point sources (in the network CRS): where they join the network."""
        s = self.snap(points)
        return Seeds(s.edge, s.t, s.t.copy(), s.dist, s.owner)

    def polygon_seeds(self, polygons: np.ndarray, tolerance_m: float = 0.0) -> Seeds:
        """Seeds of areal sources (in the network CRS): every stretch of edge inside them.

        A polygon is reached where the network touches it, after growing it by
        ``tolerance_m`` (:func:`access_areas`). A polygon no edge touches gives no seed
        (it is unreachable on foot through this network).
        """
        polygons = np.asarray(polygons, dtype=object)
        if len(polygons) == 0:
            return Seeds.empty()
        access = access_areas(polygons, tolerance_m)
        src, edge = self.tree.query(access, predicate="intersects")
        if len(src) == 0:
            return Seeds.empty()
        whole = shapely.contains_properly(access[src], self.geometry[edge])  # prepared: fast
        seeds = Seeds(edge[whole].astype(np.int64), np.zeros(whole.sum()), self.length[edge[whole]],
                      np.zeros(whole.sum()), src[whole].astype(np.int64))
        src, edge = src[~whole], edge[~whole]
        if len(src) == 0:
            return seeds
        pieces = shapely.intersection(self.geometry[edge], access[src])
        parts, which = shapely.get_parts(pieces, return_index=True)
        # collections may nest one more level (points and lines mixed)
        nested = shapely.get_type_id(parts) >= 4
        if nested.any():
            sub, sub_idx = shapely.get_parts(parts[nested], return_index=True)
            which = np.concatenate([which[~nested], which[nested][sub_idx]])
            parts = np.concatenate([parts[~nested], sub])
        keep = ~shapely.is_empty(parts)
        parts, which = parts[keep], which[keep]
        # first and last vertex of each part (a point part is both)
        n = shapely.get_num_coordinates(parts)
        coords = shapely.get_coordinates(parts)
        last = np.cumsum(n) - 1
        first = last - n + 1
        lines = self.geometry[edge[which]]
        ta = shapely.line_locate_point(lines, shapely.points(coords[first]))
        tb = shapely.line_locate_point(lines, shapely.points(coords[last]))
        crossing = Seeds(edge[which].astype(np.int64), np.minimum(ta, tb), np.maximum(ta, tb),
                         np.zeros(len(which)), src[which].astype(np.int64))
        return seeds.concat(crossing)

    # -- distances -------------------------------------------------------------------------
    def node_distances(self, seeds: Seeds, limit: float = np.inf) -> np.ndarray:
        """Shortest walking distance from the nearest seed to every node (``inf`` beyond ``limit``)."""
        n = self.n_nodes
        if len(seeds) == 0:
            return np.full(n, np.inf)
        e = seeds.edge
        cand_node = np.concatenate([self.u[e], self.v[e]])
        cand_d = np.concatenate([seeds.a + seeds.offset, self.length[e] - seeds.b + seeds.offset])
        cand_d = np.maximum(cand_d, 0.0)
        best = np.full(n, np.inf)
        np.minimum.at(best, cand_node, cand_d)
        nodes = np.flatnonzero(best <= limit)
        if len(nodes) == 0:
            return best
        indptr = self._indptr.copy()
        indptr[-1] = indptr[-2] + len(nodes)
        indices = np.concatenate([self._indices, nodes.astype(np.int32)])
        data = np.concatenate([self._data, best[nodes]])
        graph = csr_matrix((data, indices, indptr), shape=(n + 1, n + 1))
        dist = dijkstra(graph, directed=True, indices=n, limit=limit)
        return dist[:n]

    def distances_at(self, node_dist: np.ndarray, snap: Snap, seeds: Seeds | None = None
                     ) -> np.ndarray:
        """Walking distance of snapped points: straight to the edge, then along the network.

        Points on an edge that carries a seed may also walk along that edge directly.
        A point joined twice (main piece and the smaller piece it lies in) takes the shorter.
        """
        e, t = snap.edge, snap.t
        along = np.minimum(node_dist[self.u[e]] + t, node_dist[self.v[e]] + self.length[e] - t)
        along = self._along_seeds(along, e, t, seeds) + snap.dist
        out = np.full(snap.n, np.inf)
        np.minimum.at(out, snap.owner, along)
        return out

    def _along_seeds(self, along: np.ndarray, e: np.ndarray, t: np.ndarray,
                     seeds: Seeds | None) -> np.ndarray:
        """``along``, lowered where a join lies on an edge that carries a seed."""
        if seeds is not None and len(seeds):
            order = np.argsort(seeds.edge, kind="stable")
            s_edge = seeds.edge[order]
            lo = np.searchsorted(s_edge, e, side="left")
            hi = np.searchsorted(s_edge, e, side="right")
            has = np.flatnonzero(hi > lo)
            if len(has):
                reps = (hi - lo)[has]
                point_i = np.repeat(has, reps)
                within = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
                seed_i = order[np.repeat(lo[has], reps) + within]
                tt = t[point_i]
                direct = (np.maximum(0.0, np.maximum(seeds.a[seed_i] - tt, tt - seeds.b[seed_i]))
                          + seeds.offset[seed_i])
                np.minimum.at(along, point_i, direct)
        return along


def access_areas(polygons: np.ndarray, tolerance_m: float) -> np.ndarray:
    """Sources grown by ``tolerance_m`` (prepared), the areas where the network reaches them."""
    polygons = np.asarray(polygons, dtype=object)
    access = (shapely.buffer(polygons, tolerance_m, quad_segs=settings.ACCESS_QUAD_SEGS)
              if tolerance_m > 0 else polygons.copy())
    shapely.prepare(access)
    return access


__all__ = ["Seeds", "Snap", "WalkNetwork", "access_areas"]
