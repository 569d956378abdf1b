"""Areas cut by the edge of an OpenStreetMap extract, rebuilt inside it.

An extract cut out of the planet keeps every node inside its box, but a park or a
residential block that crosses the box edge loses the nodes beyond it: its ring has
gaps, and an OSM reader (osmium's area assembler, pyrosm, GDAL) drops it. The part
inside the box is known exactly, though, except where the outline leaves the box.

:func:`rebuild_area` takes the located pieces of an area's outline (the runs of
nodes with a location, of one closed way or of every member way of a multipolygon
relation) and returns its part inside the box:

1. one closed way (or a relation whose pieces join into one open chain): each gap is
   closed along the box edge. Each end goes straight to a box edge, not along the
   known outline, and the two meet along the edge; of these closures the one adding
   the least area is kept (an area cut by the box edge usually just pokes out of it).
   Exact for an outline crossing one edge square-on; a slanted crossing is guessed at
   the edge point nearest the last node inside, wrong by a sliver.
2. a relation cut into several open chains: each chain is extended to the nearest
   point of the box edge and the box is split by these lines; the parts alternate,
   inside and outside, so two colourings are possible. The smaller is kept, unless
   the relation's complete outer rings (or its chains closed straight) lie clearly in
   the larger.

Where the gap ends lie far from the box edge (an extract cut along a polygon, not a
box), the pieces are closed by straight lines instead, and the result says so.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

#: Gap ends farther than this from the box edge (metres) mean the extract was not cut
#: along the box (a polygon extract): the pieces are then closed by straight lines. An
#: OSM segment rarely spans more (the node beyond the edge is the next one).
EDGE_SNAP_MAX_M = 250.0
#: (Relations cut into several chains.) The outline's own shape decides between the two
#: colourings only when its area is at
#: least this share of the smaller one, and then only when it lies at least three times
#: as much in the larger: a nearly straight piece says nothing of which side is inside.
EVIDENCE_MIN_SHARE = 0.5
#: Closures nearer than this (m) to the known outline run back along it (coordinates
#: rounded to 1e-7° leave centimetres of noise): not a closure.
THIN_M = 0.1
#: How an area was rebuilt (the ``how`` of :class:`Rebuilt`).
HOW_EDGE = "closed along the extract edge"
HOW_CHORD = "closed by straight lines (the gap is not at the extract edge)"
HOW_RINGS = "complete rings only (cut pieces left out)"


@dataclass
class Rebuilt:
    """An area rebuilt from its located outline pieces (WGS84), and how."""

    geometry: BaseGeometry | None
    how: str


def rebuild_area(pieces: list[np.ndarray], bbox: tuple[float, float, float, float],
                 ring_order: bool = False, outer: list[bool] | None = None) -> Rebuilt:
    """The part inside ``bbox`` of an area whose outline is known only in ``pieces``.

    Parameters
    ----------
    pieces : list of (n, 2) arrays
        Located runs of the outline, lon/lat. For one closed way, its runs in ring
        order (``ring_order=True``); for a relation, every member way's runs.
    bbox : tuple
        The extract's box ``(lon_min, lat_min, lon_max, lat_max)``.
    outer : list of bool, optional
        For relation members: whether each piece belongs to an ``outer`` member.

    Returns
    -------
    Rebuilt
        ``geometry`` is ``None`` when nothing with an area could be built.
    """
    pieces = [np.asarray(p, dtype=float) for p in pieces if len(p) >= 2]
    if not pieces:
        return Rebuilt(None, "no located piece of the outline")
    lon0, lat0 = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    kx, ky = 111_320.0 * np.cos(np.radians(lat0)), 110_574.0  # local metres per degree

    def to_m(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([(xy[:, 0] - lon0) * kx, (xy[:, 1] - lat0) * ky])

    def to_deg(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([xy[:, 0] / kx + lon0, xy[:, 1] / ky + lat0])

    frame = box(*to_m(np.array([bbox[:2], bbox[2:]])).ravel())
    local = [to_m(p) for p in pieces]
    if ring_order:
        geom, how = _ring_closed(_merge_cyclic(local), frame)
        if geom is not None and not geom.is_empty and geom.area > 0:
            return Rebuilt(polygonal(shapely.transform(geom, to_deg)), how)
        return Rebuilt(None, "the located pieces enclose no area")
    merged = shapely.line_merge(MultiLineString([LineString(p) for p in local]))
    parts = [g for g in shapely.get_parts(merged) if not g.is_empty]
    rings = [g for g in parts if g.is_ring]
    chains = [g for g in parts if not g.is_ring]
    if not chains:  # complete after all (e.g. a relation whose cut member lay outside)
        geom = _even_odd(rings, frame)
        how = HOW_EDGE
    else:
        ends = np.array([[c.coords[0], c.coords[-1]] for c in chains]).reshape(-1, 2)
        far = shapely.distance(frame.exterior, shapely.points(ends)).max() > EDGE_SNAP_MAX_M
        if far:
            geom = _chord_closed(rings, chains)
            how = HOW_CHORD
        elif len(chains) == 1:  # one cut ring: its gap closed like a way's
            closed, how = _ring_closed([np.asarray(chains[0].coords)], frame)
            geom = closed if not rings else shapely.symmetric_difference(
                _even_odd(rings, frame) or Polygon(), closed or Polygon())
        else:
            geom = _edge_closed(rings, chains, frame, local, outer)
            how = HOW_EDGE
    if geom is None or geom.is_empty or geom.area <= 0:
        if rings:
            geom, how = _even_odd(rings, frame), HOW_RINGS
        if geom is None or geom.is_empty or geom.area <= 0:
            return Rebuilt(None, "the located pieces enclose no area")
    geom = shapely.transform(geom, to_deg)
    return Rebuilt(polygonal(geom), how)


def _merge_cyclic(runs: list[np.ndarray]) -> list[np.ndarray]:
    """Runs of a closed way in ring order, the last joined to the first where they meet."""
    if len(runs) > 1 and np.allclose(runs[-1][-1], runs[0][0]):
        return [np.vstack([runs[-1], runs[0][1:]])] + runs[1:-1]
    return runs


def _ring_closed(runs: list[np.ndarray], frame: Polygon) -> tuple[BaseGeometry | None, str]:
    """One way's runs in ring order, each gap closed along the box edge (or straight)."""
    if len(runs) == 1 and np.allclose(runs[0][0], runs[0][-1]):
        return polygonal(shapely.make_valid(Polygon(runs[0]))), HOW_EDGE
    parts, how = [], HOW_EDGE
    outline = MultiLineString([LineString(r) for r in runs])
    for i, run in enumerate(runs):
        parts.append(run)
        link = _edge_link(run[-1], runs[(i + 1) % len(runs)][0], frame, outline)
        if link is None:
            how = HOW_CHORD
        else:
            parts.append(link)
    ring = np.vstack(parts)
    if len(ring) < 3:
        return None, how
    geom = polygonal(shapely.make_valid(Polygon(np.vstack([ring, ring[:1]]))))
    return (None if geom is None else shapely.intersection(geom, frame)), how


def _edge_link(exit_xy: np.ndarray, entry_xy: np.ndarray, frame: Polygon,
               outline: BaseGeometry) -> np.ndarray | None:
    """Where an outline that leaves the box after ``exit_xy`` comes back in before
    ``entry_xy``: points on the box edge, and the corners between.

    Each end goes straight to one of the four box edges (not across or along the known
    ``outline``) and the two meet along the box edge, one way round or the other. Of
    these closures, the one kept adds the least
    area (between it and the straight line from ``exit_xy`` to ``entry_xy``) without
    crossing itself: an area cut by the box edge usually just pokes out of it. ``None``
    when no edge lies within :data:`EDGE_SNAP_MAX_M` of both ends (no box edge here).
    """
    x0, y0, x1, y1 = frame.bounds
    corners = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
    perimeter = 2 * ((x1 - x0) + (y1 - y0))

    def feet(p):
        px, py = np.clip(p[0], x0, x1), np.clip(p[1], y0, y1)
        return [np.array(q) for q in ((px, y0), (x1, py), (px, y1), (x0, py))]

    def position(q):  # distance along the box edge, anticlockwise from (x0, y0)
        return float(shapely.LineString(np.vstack([corners, corners[:1]])).project(shapely.Point(q)))

    def clear(end, foot):  # the way out meets the known outline only where it starts
        if np.hypot(*(foot - end)) > EDGE_SNAP_MAX_M:
            return False
        way_out = LineString([end, foot])
        if way_out.length <= 2 * THIN_M:
            return True
        beyond = substring(way_out, 2 * THIN_M, way_out.length)  # past its start
        return bool(beyond.distance(outline) > THIN_M)

    corner_pos = np.array([position(c) for c in corners])
    best = None
    for q0 in feet(exit_xy):
        if not clear(exit_xy, q0):
            continue
        for q1 in feet(entry_xy):
            if not clear(entry_xy, q1):
                continue
            a, b = position(q0), position(q1)
            for ahead in (True, False):
                span = ((corner_pos - a) if ahead else (a - corner_pos)) % perimeter
                end = ((b - a) if ahead else (a - b)) % perimeter
                inside = (span > 0) & (span < end)
                path = np.vstack([q0, corners[inside][np.argsort(span[inside])], q1])
                gap = Polygon(np.vstack([exit_xy, path, entry_xy]))
                # a closure back along the same line encloses only rounding noise
                thin = gap.area < THIN_M * gap.length
                if gap.is_valid and not thin and (best is None or gap.area < best[0]):
                    best = (gap.area, path)
    return None if best is None else best[1]


def _edge_closed(rings: list, chains: list, frame: Polygon, local: list[np.ndarray],
                 outer: list[bool] | None) -> BaseGeometry | None:
    """Chains extended to the box edge, the box split by all lines, one colouring kept."""
    exterior = frame.exterior
    coloured = _even_odd(rings, frame)
    for chain in chains:
        xy = np.asarray(chain.coords)
        q0 = exterior.interpolate(exterior.project(shapely.Point(xy[0])))
        q1 = exterior.interpolate(exterior.project(shapely.Point(xy[-1])))
        line = np.vstack([[q0.x, q0.y], xy, [q1.x, q1.y]])
        side = _left_side(line, exterior)
        coloured = side if coloured is None else shapely.symmetric_difference(coloured, side)
    if coloured is None:
        return None
    coloured = shapely.intersection(shapely.make_valid(coloured), frame)
    other = shapely.difference(frame, coloured)
    smaller, larger = sorted((coloured, other), key=lambda g: g.area)
    evidence = _evidence(rings, chains, local, outer)
    if evidence is not None and evidence.area >= EVIDENCE_MIN_SHARE * smaller.area:
        mine = shapely.intersection(smaller, evidence).area
        theirs = shapely.intersection(larger, evidence).area
        if theirs > 3 * mine:
            return larger
    return smaller


def _left_side(line: np.ndarray, exterior) -> BaseGeometry:
    """The part of the box closed by ``line`` (edge to edge) and the box edge after it."""
    length = exterior.length
    a = exterior.project(shapely.Point(line[-1]))
    b = exterior.project(shapely.Point(line[0]))
    if b < a:
        b += length
    doubled = LineString(np.vstack([np.asarray(exterior.coords)[:-1]] * 2
                                   + [np.asarray(exterior.coords)[:1]]))
    path = np.asarray(substring(doubled, a, b).coords) if b > a else np.zeros((0, 2))
    ring = np.vstack([line, path, line[:1]])
    return polygonal(shapely.make_valid(Polygon(ring))) or Polygon()


def _evidence(rings: list, chains: list, local: list[np.ndarray],
              outer: list[bool] | None) -> BaseGeometry | None:
    """What the known outline says of its inside: complete outer rings, else each chain
    closed by a straight line."""
    if outer is not None and rings:
        # complete rings of outer members are known to be inside
        outers = [r for r in rings if _is_outer(r, local, outer)]
        if outers:
            return shapely.union_all([Polygon(r) for r in outers])
    return _chord_closed([], chains)


def _is_outer(ring, local: list[np.ndarray], outer: list[bool]) -> bool:
    """Whether a merged ring is made of outer members (its first vertex's piece)."""
    start = np.asarray(ring.coords)[0]
    for piece, is_outer in zip(local, outer):
        if np.any(np.all(np.isclose(piece, start), axis=1)):
            return is_outer
    return True


def _chord_closed(rings: list, chains: list) -> BaseGeometry | None:
    """Each chain closed by the straight line between its ends; even-odd with the rings."""
    polys = [Polygon(r) for r in rings]
    for chain in chains:
        xy = np.asarray(chain.coords)
        if len(xy) >= 3:
            polys.append(Polygon(np.vstack([xy, xy[:1]])))
    out = None
    for p in polys:
        p = polygonal(shapely.make_valid(p)) or Polygon()
        out = p if out is None else shapely.symmetric_difference(out, p)
    return out


def _even_odd(rings: list, frame: Polygon) -> BaseGeometry | None:
    """Complete rings combined even-odd (inner rings cut holes), within the box."""
    out = None
    for r in rings:
        p = polygonal(shapely.make_valid(Polygon(r))) or Polygon()
        out = p if out is None else shapely.symmetric_difference(out, p)
    return None if out is None else shapely.intersection(out, frame)


def polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """The polygonal part of ``geom`` (Polygon or MultiPolygon), or ``None``."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        return None
    out = shapely.union_all(polys)
    return out if out.geom_type in ("Polygon", "MultiPolygon") and not out.is_empty else None


__all__ = ["EDGE_SNAP_MAX_M", "HOW_CHORD", "HOW_EDGE", "HOW_RINGS", "Rebuilt", "polygonal",
           "rebuild_area"]
