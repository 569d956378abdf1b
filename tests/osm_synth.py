"""A small synthetic OSM extract laid out like the 2017 Zhangjiang Science City boundary.

Everything here is invented: the layout only mimics how the real roads meet (names, road
classes, dual carriageways, a name change, a gap), not their real geometry. It is drawn in
a local metric frame (x east, y north, metres; transverse Mercator centred on lon 121.60,
lat 31.20) and written as WGS84 nodes and ways with pyosmium::

             罗山路          龙东大道 (dual, 40 m)                外环高速 S20 (dual, 50 m)
      (-4150, 6000) |=================================================|| (4500, 6300)
                    |                                                 ||
                    |          科苑路 ...   祖冲之路 (distractors)      ||  ramp (motorway_link)
         name change + (-3650, 500)                                 J  (3700, 800): S20 bends SW,
                    |  沪奉高速 S3                                      \\    沪芦高速 S2 goes SSE
      ~~~~~~~~~~~~~~~~~~~~~~~~~~ 川杨河 (water area, 60 m) ~~~~~~~~~~~~~~~~~~~~~\\~~~~~~~~~~
                    |                                                       \\
                    +=============== 下盐公路 (120 m gap at x = 0) =============+

S2 starts 250 m before J, so it crosses both S20 carriageways (at 28°) as at a real junction.
:func:`write_shanghai_2017_like` writes the file and returns the true geometry computed from
the layout (never from :mod:`geo.trace`): the centreline and inner-carriageway rings, the gap,
and the ways' lines per name, so tests can check a trace against it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import osmium
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import substring

CRS = "+proj=tmerc +lat_0=31.2 +lon_0=121.6 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
_TO_WGS = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
_TO_XY = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)

# Centrelines in the local frame (metres); each reaches a few hundred metres past its corners.
LONGDONG = LineString([(-4600, 5380), (4900, 5760)])            # north edge, slanted
S20 = LineString([(4500, 6300), (3700, 800), (2900, 0)])         # east (north part), bends SW at J
J = (3700.0, 800.0)
_U = np.array([np.sin(np.radians(20)), -np.cos(np.radians(20))])  # S2 heads 20° east of south
S2 = LineString([tuple(np.array(J) - 250 * _U), J, tuple(np.array(J) + 3600 * _U), tuple(np.array(J) + 7300 * _U)])
XIAYAN = LineString([(-4800, -5750), (6900, -5450)])             # south edge, straight
LUOSHAN = [(-4150, 6000), (-4000, 3500), (-3650, 500)]           # west edge, north part
HUFENG = [(-3650, 500), (-3750, -2500), (-4000, -6200)]          # west edge, south part
WEST = LineString(LUOSHAN + HUFENG[1:])
_RX = np.arange(-5500, 7501, 100.0)
RIVER = LineString(np.c_[_RX, -1500 + 120 * np.sin(2 * np.pi * (_RX + 5500) / 6000)])
LONGDONG_W, S20_W, RIVER_W, GAP_M = 40.0, 50.0, 60.0, 120.0


def to_wgs(geom):
    """A local-frame geometry in WGS84."""
    return shapely.transform(geom, _TO_WGS.transform, interleaved=False)


def to_xy(geom):
    """A WGS84 geometry in the local frame (metres)."""
    return shapely.transform(geom, _TO_XY.transform, interleaved=False)


def _densify(line: LineString, step: float = 500.0) -> list[tuple[float, float]]:
    """The line's vertices plus points every ``step`` metres (so ways have inner nodes)."""
    coords = np.asarray(line.coords)
    out = [tuple(coords[0])]
    for a, b in zip(coords, coords[1:]):
        n = max(1, int(np.ceil(np.hypot(*(b - a)) / step)))
        out += [tuple(a + (b - a) * k / n) for k in range(1, n + 1)]
    return out


def _pieces(coords: list, parts: int) -> list[list]:
    """``coords`` cut into ``parts`` ways that share their end nodes."""
    cuts = np.linspace(0, len(coords) - 1, parts + 1).round().astype(int)
    return [coords[a:b + 1] for a, b in zip(cuts, cuts[1:])]


def _ring(lines: list[LineString]) -> Polygon:
    """The polygon whose edges are ``lines`` (in ring order) between their crossings."""
    corners = []
    for a, b in zip(lines, lines[1:] + lines[:1]):
        hit = a.intersection(b)
        assert isinstance(hit, Point), f"edges must cross once, got {hit.geom_type}"
        corners.append(hit)
    ring: list = []
    for i, line in enumerate(lines):
        piece = substring(line, line.project(corners[i - 1]), line.project(corners[i]))
        ring += list(piece.coords)[1 if ring else 0:]
    return Polygon(ring)


class _Writer:
    """Nodes keyed by position (mm): ways through the same point share the node."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[float, float], int] = {}
        self.ways: list[tuple[list[int], dict]] = []

    def way(self, coords, tags: dict) -> None:
        ids = []
        for x, y in coords:
            key = (round(float(x), 3), round(float(y), 3))
            ids.append(self.nodes.setdefault(key, len(self.nodes) + 1))
        self.ways.append((ids, tags))

    def write(self, path: Path) -> None:
        xy = np.array(list(self.nodes))
        lon, lat = _TO_WGS.transform(xy[:, 0], xy[:, 1])
        writer = osmium.SimpleWriter(str(path), overwrite=True)
        try:
            for nid, (x, y) in zip(self.nodes.values(), zip(lon, lat)):
                writer.add_node(osmium.osm.mutable.Node(id=nid, location=(float(x), float(y)), tags={}))
            for wid, (ids, tags) in enumerate(self.ways, 1):
                writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=ids, tags=tags))
        finally:
            writer.close()


def write_shanghai_2017_like(path: Path, *, gap: bool = True, river_area: bool = True) -> dict:
    """Write the synthetic extract to ``path`` (.osm.pbf) and return its true geometry.

    Returns a dict (WGS84 unless named ``*_xy``): ``centreline_ring`` and ``inner_ring``
    (Polygons of the 2017 layout along centrelines / inner carriageways), ``river_block``
    (the ring 川杨河 centre, S2, 下盐公路, 沪奉高速), ``gap`` ({lon, lat, length_m} or None),
    ``lines`` (name → list of way LineStrings, as written), ``banks`` (north/south bank
    lines of 川杨河), ``way_count`` (name → number of ways of the road itself), ``service``
    and ``ramp`` (the decoys' lines), and the ``crs`` of the local frame.
    """
    w = _Writer()
    lines: dict[str, list[LineString]] = {}
    count: dict[str, int] = {}

    def road(name: str, coords, parts: int, **tags) -> None:
        for piece in _pieces(list(coords), parts):
            w.way(piece, {"name": name, **tags})
            lines.setdefault(name, []).append(to_wgs(LineString(piece)))
            count[name] = count.get(name, 0) + 1

    # 龙东大道: westbound on the north side, eastbound on the south side (right-hand traffic).
    ld_north = shapely.offset_curve(LONGDONG, LONGDONG_W / 2)
    ld_south = shapely.offset_curve(LONGDONG, -LONGDONG_W / 2)
    tags = {"highway": "primary", "oneway": "yes", "name:en": "Longdong Avenue"}
    road("龙东大道", _densify(ld_north)[::-1], 3, **tags)
    road("龙东大道", _densify(ld_south), 3, **tags)
    # S20 heading south: its left (east) carriageway runs north, its right (west) one south.
    s20_east = shapely.offset_curve(S20, S20_W / 2, join_style="mitre")
    s20_west = shapely.offset_curve(S20, -S20_W / 2, join_style="mitre")
    tags = {"highway": "motorway", "oneway": "yes", "ref": "S20"}
    road("外环高速", _densify(s20_west), 2, **tags)
    road("外环高速", _densify(s20_east)[::-1], 2, **tags)
    road("沪芦高速", S2.coords, 2, highway="motorway", ref="S2")
    # 下盐公路 with a straight piece of GAP_M missing around x = 0.
    mid = XIAYAN.project(Point(0.0, -5600.0))  # where the line passes x = 0
    half = GAP_M / 2 if gap else 0.0
    west_part = substring(XIAYAN, 0, mid - half)
    east_part = substring(XIAYAN, mid + half, XIAYAN.length)
    road("下盐公路", _densify(west_part), 1, highway="secondary")
    road("下盐公路", _densify(east_part), 1, highway="secondary")
    # The west road changes name at a shared node (and bends there).
    road("罗山路", _densify(LineString(LUOSHAN)), 2, highway="trunk")
    road("沪奉高速", _densify(LineString(HUFENG)), 2, highway="motorway", ref="S3")
    # 川杨河 as a water area only: one closed way 60 m wide.
    bank_n = shapely.offset_curve(RIVER, RIVER_W / 2)
    bank_s = shapely.offset_curve(RIVER, -RIVER_W / 2)
    if river_area:
        outline = list(bank_n.coords) + list(bank_s.coords)[::-1] + [bank_n.coords[0]]
        w.way(outline, {"natural": "water", "water": "river", "name": "川杨河"})
        lines["川杨河"] = [to_wgs(LineString(outline))]
    # Distractors: crossing roads, a ramp named like the S20, a service road named like 龙东大道.
    w.way(_densify(LineString([(500, 6100), (700, -6100)])), {"highway": "secondary", "name": "科苑路"})
    w.way(_densify(LineString([(-4600, 2500), (5000, 2700)])), {"highway": "tertiary", "name": "祖冲之路"})
    ramp = LineString([s20_east.interpolate(s20_east.project(Point(J)) - 600).coords[0], (J[0] + 400, J[1] - 100),
                       tuple(np.array(J) + 600 * _U)])
    w.way(ramp.coords, {"highway": "motorway_link", "oneway": "yes", "name": "外环高速"})
    service = shapely.offset_curve(substring(LONGDONG, 3600, 5600), -35.0)  # 15 m south of the carriageway
    w.way(service.coords, {"highway": "service", "name": "龙东大道"})
    w.write(path)

    inner = [ld_south, s20_west, S2, XIAYAN, WEST]  # the carriageways facing the area
    gap_at = to_wgs(XIAYAN.interpolate(mid))
    return {
        "crs": CRS,
        "centreline_ring": to_wgs(_ring([LONGDONG, S20, S2, XIAYAN, WEST])),
        "inner_ring": to_wgs(_ring(inner)),
        "river_block": to_wgs(_ring([RIVER, S2, XIAYAN, WEST])),
        "gap": {"lon": gap_at.x, "lat": gap_at.y, "length_m": GAP_M} if gap else None,
        "lines": lines,
        "banks": {"north": to_wgs(bank_n), "south": to_wgs(bank_s)},
        "way_count": count,
        "service": to_wgs(service),
        "ramp": to_wgs(ramp),
    }
