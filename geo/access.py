"""Where a walk reaches a source: the access rules of the coverage checks.

A source is a green space, a plaza, a school, a clinic, a metro entrance… Points are
joined to the network like homes (:meth:`geo.network.WalkNetwork.snap`). Polygons are
reached, by these rules (defaults in :mod:`geo.settings`):

1. **Gated** (an entrance or gate node lies on the outline, within
   :data:`~geo.settings.ENTRANCE_OUTLINE_M`): only at its entrances, each joined to the
   network like a point, and along any path inside the outline (a path crossing it is
   an opening). A street along the fence does not reach it.
2. **Open**: along every stretch of street inside the outline grown by the access
   tolerance (:data:`~geo.settings.GREEN_ACCESS_TOLERANCE_M` for green spaces, 0 for
   facilities). When no street comes that close, from the nearest street point
   (of the main network, and of any piece) within
   :data:`~geo.settings.SOURCE_APPROACH_M`, walking straight to the outline.
3. Beyond that, it is not reachable on foot through the mapped network; it is counted.

Homes inside a source polygon are at 0 m from it (:func:`inside_sources`).
"""
from __future__ import annotations

from geo.bilingual import Bilingual

from dataclasses import dataclass, field

import numpy as np
import shapely

from geo import settings
from geo.network import Seeds, WalkNetwork

__all__ = ["COUNT_LABELS", "Access", "source_access", "inside_sources"]

#: Keys of :attr:`Access.counts`, with what each counts (zh, en).
COUNT_LABELS: dict[str, Bilingual] = {
    "points": Bilingual("点状来源", "point sources"),
    "polygons": Bilingual("面状来源", "polygon sources"),
    "gated": Bilingual("有出入口 (只从出入口进入)", "gated: entered at their entrances only"),
    "entrances": Bilingual("使用的出入口", "entrances used"),
    "touching": Bilingual("道路接触 (含容差)", "touched by a street (within the tolerance)"),
    "approach": Bilingual("从最近道路点进入", "reached from the nearest street point"),
    "unreachable": Bilingual("附近没有道路, 不可达", "unreachable: no street within the approach distance"),
}


@dataclass
class Access:
    """Seeds of a set of sources and how each kind of source was reached."""

    seeds: Seeds
    counts: dict = field(default_factory=dict)


def source_access(net: WalkNetwork, sources: np.ndarray, *, tolerance_m: float = 0.0,
                  entrances: np.ndarray | None = None,
                  approach_m: float = settings.SOURCE_APPROACH_M,
                  outline_m: float = settings.ENTRANCE_OUTLINE_M) -> Access:
    """Where each source (points and polygons in the network's CRS) meets the network.

    Parameters
    ----------
    sources : array of geometries
        Points and (multi)polygons; a seed's ``source`` is the index in this array.
    tolerance_m : float
        Growth of an open polygon within which a street reaches it.
    entrances : array of Point, optional
        Entrance and gate nodes (:func:`geo.osmtags.entrance_kind`), network CRS.
    approach_m : float
        Farthest straight walk from a street to an open polygon no street touches.
    outline_m : float
        An entrance this close to a polygon's outline is one of its entrances.
    """
    sources = np.asarray(sources, dtype=object)
    counts = dict.fromkeys(COUNT_LABELS, 0)
    if len(sources) == 0:
        return Access(Seeds.empty(), counts)
    is_pt = shapely.get_type_id(sources) == 0
    seeds = Seeds.empty()
    pt_idx = np.flatnonzero(is_pt)
    if len(pt_idx):
        s = net.point_seeds(sources[pt_idx])
        s.source = pt_idx[s.source]
        seeds = seeds.concat(s)
    poly_idx = np.flatnonzero(~is_pt)
    counts["points"], counts["polygons"] = len(pt_idx), len(poly_idx)
    if len(poly_idx) == 0:
        return Access(seeds, counts)
    polys = sources[poly_idx]
    gated = np.zeros(len(polys), dtype=bool)
    if entrances is not None and len(entrances):
        entrances = np.asarray(entrances, dtype=object)
        poly_i, ent_j = shapely.STRtree(entrances).query(
            shapely.boundary(polys), predicate="dwithin", distance=outline_m)
        gated[poly_i] = True
        if len(poly_i):
            s = net.point_seeds(entrances[ent_j])
            s.offset = s.offset + shapely.distance(entrances[ent_j][s.source], polys[poly_i][s.source])
            s.source = poly_idx[poly_i[s.source]]
            seeds = seeds.concat(s)
            counts["entrances"] = len(np.unique(ent_j))
        inside = net.polygon_seeds(polys[gated], 0.0)
        inside.source = poly_idx[np.flatnonzero(gated)[inside.source]]
        seeds = seeds.concat(inside)
    counts["gated"] = int(gated.sum())
    open_i = np.flatnonzero(~gated)
    band = net.polygon_seeds(polys[open_i], tolerance_m)
    touched = np.zeros(len(open_i), dtype=bool)
    touched[band.source] = True
    band.source = poly_idx[open_i[band.source]]
    seeds = seeds.concat(band)
    counts["touching"] = int(touched.sum())
    rest = open_i[~touched]
    if len(rest) and approach_m > 0:
        approach = _approach(net, polys[rest], approach_m)
        counts["approach"] = len(np.unique(approach.source))
        approach.source = poly_idx[rest[approach.source]]
        seeds = seeds.concat(approach)
    counts["unreachable"] = len(rest) - counts["approach"]
    return Access(seeds, counts)


def _approach(net: WalkNetwork, polys: np.ndarray, approach_m: float) -> Seeds:
    """Seeds at the nearest street point (main piece, and any piece) within ``approach_m``."""
    parts = [net.nearest(polys, main=True, max_distance=approach_m),
             net.nearest(polys, main=False, max_distance=approach_m)]
    which = np.concatenate([p[0] for p in parts])
    edge = np.concatenate([p[1] for p in parts])
    dist = np.concatenate([p[2] for p in parts])
    if len(which) == 0:
        return Seeds.empty()
    pair = np.unique(np.column_stack([which, edge]), axis=0)
    which, edge = pair[:, 0], pair[:, 1]
    lines = net.geometry[edge]
    on_edge = shapely.get_point(shapely.shortest_line(lines, polys[which]), 0)
    t = shapely.line_locate_point(lines, on_edge)
    dist = shapely.distance(on_edge, polys[which])
    return Seeds(edge.astype(np.int64), t, t.copy(), dist, which.astype(np.int64))


def inside_sources(points: np.ndarray | shapely.STRtree, sources: np.ndarray) -> np.ndarray:
    """Indices of ``points`` (or of the points of a ready index) inside or on any polygon of
    ``sources``."""
    sources = np.asarray(sources, dtype=object)
    polys = sources[shapely.get_type_id(sources) != 0] if len(sources) else sources
    tree = points if isinstance(points, shapely.STRtree) else shapely.STRtree(points)
    if len(polys) == 0 or len(tree) == 0:
        return np.zeros(0, dtype=np.int64)
    _, point = tree.query(polys, predicate="covers")  # (polygon, point)
    return np.unique(point)
