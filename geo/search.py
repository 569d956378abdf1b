"""One multi-source search of the walking network, read for any number of places.

A :class:`Search` is made once per set of sources (the parks of a green-reach check, the
schools of a life circle): where the sources meet the network (:mod:`geo.access`), and one
Dijkstra from all of them to every node within the limit. :func:`place_distances` then reads
the walking and straight-line distance of any places joined to the network: all of a study's
units at once, or a city's units chunk by chunk (:mod:`geo.citywide`), with the same result.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from geo import settings
from geo.access import source_access
from geo.network import Seeds, Snap, WalkNetwork

__all__ = ["Search", "place_distances", "search"]


@dataclass
class Search:
    """Sources on the network and the walking distance from the nearest to every node.

    Attributes
    ----------
    seeds : Seeds
        Where the sources meet the network.
    node_d : ndarray
        Distance from the nearest seed to each node, ``inf`` beyond ``limit``.
    counts : dict
        How the sources were reached (:data:`geo.access.COUNT_LABELS`).
    limit, tolerance_m : float
        The longest walk searched; the growth of polygon sources for the straight line.
    """

    seeds: Seeds
    node_d: np.ndarray
    counts: dict
    limit: float
    tolerance_m: float
    polygons: np.ndarray  # polygon sources (a place inside one is at 0 m)
    points: np.ndarray  # point sources
    _polygon_tree: shapely.STRtree
    _polygon_boxes: shapely.STRtree
    _point_boxes: shapely.STRtree

    @property
    def n_sources(self) -> int:
        return len(self.polygons) + len(self.points)

    def reached(self, distance_m: float) -> np.ndarray:
        """Indices of the sources with a seed within ``distance_m`` (their straight walk in)."""
        return np.unique(self.seeds.source[self.seeds.offset <= distance_m]) if len(self.seeds) \
            else np.zeros(0, dtype=np.int64)


def _boxes(geoms: np.ndarray, reach: float) -> shapely.STRtree:
    """Index of the geometries' boxes widened by ``reach`` (candidates within ``reach``)."""
    if len(geoms) == 0:
        return shapely.STRtree(np.array([], dtype=object))
    x0, y0, x1, y1 = shapely.bounds(geoms).T
    return shapely.STRtree(shapely.box(x0 - reach, y0 - reach, x1 + reach, y1 + reach))


def search(net: WalkNetwork, sources: np.ndarray, *, limit: float, tolerance_m: float = 0.0,
           entrances: np.ndarray | None = None,
           approach_m: float = settings.SOURCE_APPROACH_M) -> Search:
    """Join ``sources`` (points and polygons, network CRS) and search the network from all.

    ``entrances`` gate the polygons they lie on (:func:`geo.access.source_access`).
    """
    sources = np.asarray(sources, dtype=object)
    access = source_access(net, sources, tolerance_m=tolerance_m, entrances=entrances,
                           approach_m=approach_m)
    node_d = net.node_distances(access.seeds, limit=limit) if len(sources) \
        else np.full(net.n_nodes, np.inf)
    is_pt = shapely.get_type_id(sources) == 0 if len(sources) else np.zeros(0, dtype=bool)
    polygons, points = sources[~is_pt], sources[is_pt]
    return Search(access.seeds, node_d, access.counts, float(limit), float(tolerance_m),
                  polygons, points, shapely.STRtree(polygons),
                  _boxes(polygons, limit + tolerance_m), _boxes(points, limit))


def _line(points: np.ndarray, sources: np.ndarray, boxes: shapely.STRtree, limit: float,
          grow_m: float) -> np.ndarray:
    """Straight-line distance from each point to the nearest source grown by ``grow_m``.

    Exact: the distance to a polygon grown by ``g`` is ``max(0, d − g)``. ``inf`` beyond
    ``limit``. Candidates are the sources whose box widened by the limit holds the point.
    """
    out = np.full(len(points), np.inf)
    if len(sources) == 0 or len(points) == 0:
        return out
    place, src = boxes.query(points)
    if len(place):
        d = np.maximum(shapely.distance(sources[src], points[place]) - grow_m, 0.0)
        np.minimum.at(out, place, d)
    out[out > limit] = np.inf
    return out


def place_distances(net: WalkNetwork, found: Search, points: np.ndarray, snap: Snap
                    ) -> tuple[np.ndarray, np.ndarray, int]:
    """Walking and straight-line distance of places to the nearest source, and how many
    places lie inside a source polygon (at 0 m).

    ``points`` are the places (network CRS) and ``snap`` their joins
    (:meth:`WalkNetwork.snap`). Both distances are ``inf`` beyond the search's limit. The
    straight line goes to the polygons grown by the search's tolerance, so the walk is
    never the shorter.
    """
    limit = found.limit
    if found.n_sources == 0:
        inf = np.full(len(points), np.inf)
        return inf, inf.copy(), 0
    d_net = net.distances_at(found.node_d, snap, found.seeds)
    inside = np.zeros(0, dtype=np.int64)
    if len(found.polygons) and len(points):
        inside = np.unique(found._polygon_tree.query(points, predicate="covered_by")[0])
    d_net[inside] = 0.0
    d_net[d_net > limit] = np.inf
    d_line = np.minimum(
        _line(points, found.polygons, found._polygon_boxes, limit, found.tolerance_m),
        _line(points, found.points, found._point_boxes, limit, 0.0))
    return d_net, d_line, len(inside)
