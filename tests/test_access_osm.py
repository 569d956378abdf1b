"""The access rules on tiny hand-made OpenStreetMap files, each with its exact distance.

Each scene is drawn in metres (a local transverse Mercator near Zhangjiang), written as an
``.osm`` file with a ``<bounds>`` box (the extract's edge), and run through the whole
pipeline a planner uses (``layers.coverage.run``: read, clip, prepare, check). Homes are
the planner's own points, so each distance can be read per home.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from geo import osmtags
from geo.crs import local_tm_crs
from layers import coverage as svc

CRS = local_tm_crs(121.60, 31.20)
_TO_WGS = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)


class Scene:
    """Nodes in metres, ways by node id, written out as an ``.osm`` file."""

    def __init__(self, bounds=(0.0, 0.0, 500.0, 300.0)):
        self.bounds = bounds
        self.nodes: dict[int, tuple[float, float, dict]] = {}
        self.ways: list[tuple[int, list[int], dict]] = []

    def node(self, nid: int, x: float, y: float, **tags) -> int:
        self.nodes[nid] = (x, y, tags)
        return nid

    def way(self, wid: int, refs: list[int], **tags) -> None:
        self.ways.append((wid, refs, tags))

    def street(self, wid: int, *pts: tuple[int, float, float], highway: str = "residential"):
        for nid, x, y in pts:
            if nid not in self.nodes:
                self.node(nid, x, y)
        self.way(wid, [p[0] for p in pts], highway=highway)

    def write(self, path: Path, missing: set[int] = frozenset()) -> Path:
        """The file, without the nodes in ``missing`` (beyond the extract's edge)."""
        def tag_xml(tags):
            return "".join(f'<tag k="{k.replace("_", ":") if k == "building_levels" else k}" v="{v}"/>'
                           for k, v in tags.items())
        lon0, lat0 = _TO_WGS.transform(self.bounds[0], self.bounds[1])
        lon1, lat1 = _TO_WGS.transform(self.bounds[2], self.bounds[3])
        out = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6" generator="test">',
               f'<bounds minlat="{lat0:.7f}" minlon="{lon0:.7f}" maxlat="{lat1:.7f}" maxlon="{lon1:.7f}"/>']
        for nid, (x, y, tags) in sorted(self.nodes.items()):
            if nid in missing:
                continue
            lon, lat = _TO_WGS.transform(x, y)
            out.append(f'<node id="{nid}" lat="{lat:.9f}" lon="{lon:.9f}">{tag_xml(tags)}</node>')
        for wid, refs, tags in self.ways:
            nds = "".join(f'<nd ref="{r}"/>' for r in refs)
            out.append(f'<way id="{wid}">{nds}{tag_xml(tags)}</way>')
        out.append("</osm>")
        path.write_text("\n".join(out), encoding="utf-8")
        return path


def wgs(geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=list(geoms), crs=CRS).to_crs("EPSG:4326")


def run(path: Path, check: str, homes: list[tuple[float, float]], params: dict, area=None):
    area = wgs([area or box(-50, -50, 500, 300)]).geometry.iloc[0]
    own = {"demand": wgs([Point(p) for p in homes])}
    svc.clear()
    return svc.run(path, area, check, params, demand_kind="custom", own=own)


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ZJ_CACHE_DIR", str(tmp_path / "cache"))


def dist(result) -> np.ndarray:
    return result.units["dist_m"].to_numpy()


# --- 1. an area cut by the extract's edge is rebuilt inside it ----------------------------------
def test_park_cut_by_the_file_edge_is_rebuilt_and_reached(tmp_path):
    s = Scene()
    s.street(1, (1, 0, 50), (2, 450, 50), (3, 500, 50))
    s.street(2, (2, 450, 50), (4, 450, 120), highway="footway")  # a path into the park
    # the park runs on to x = 600, beyond the edge at x = 500: nodes 12 and 13 are not in the file
    for nid, x, y in ((11, 400, 80), (12, 600, 80), (13, 600, 200), (14, 400, 200)):
        s.node(nid, x, y)
    s.way(10, [11, 12, 13, 14, 11], leisure="park")
    path = s.write(tmp_path / "cut.osm", missing={12, 13})
    r = run(path, "green5", [(100, 40)], {"minutes": 10}).result
    # 10 m to the street, 350 m along it, 20 m up the path to the park grown by 10 m
    assert dist(r) == pytest.approx([10 + 350 + 20], abs=0.05)
    assert r.inputs["osm"]["cut_by_extract_edge"]["green"] == 1
    green = svc.study_for(path, wgs([box(-50, -50, 500, 300)]).geometry.iloc[0],
                          demand_kind="area")[1].green
    svc.clear()
    rebuilt = green.to_crs(CRS).geometry.iloc[0]
    assert rebuilt.area == pytest.approx(100 * 120, rel=1e-4)  # x 400–500 (the edge), y 80–200
    assert rebuilt.bounds == pytest.approx((400, 80, 500, 200), abs=0.05)  # a lon/lat box


# --- 2. places join the main network, not a stray piece beside them -----------------------------
def test_homes_join_the_main_network_not_a_fragment_beside_them(tmp_path):
    s = Scene()
    s.street(1, (1, 0, 0), (2, 100, 0), (3, 200, 0), (4, 300, 0), (5, 400, 0))
    s.street(2, (21, 100, 20), (22, 140, 20), highway="footway")  # a stray piece, 5 m from home A
    # a loop of campus paths joined to nothing; home B is inside it
    s.street(3, (31, 200, 30), (32, 260, 30), (33, 260, 90), (34, 200, 90), (31, 200, 30),
             highway="footway")
    for nid, x, y in ((41, 380, -20), (42, 420, -20), (43, 420, 20), (44, 380, 20)):
        s.node(nid, x, y)
    s.way(40, [41, 42, 43, 44, 41], leisure="park")
    path = s.write(tmp_path / "fragment.osm")
    r = run(path, "green5", [(120, 25), (230, 60)], {"tolerance_m": 0.0}).result
    # A: 25 m to the street (not 5 m to the stray piece), then 260 m to the park at x = 380;
    # B: 60 m to the street, 150 m to the park (its campus loop leads nowhere)
    assert dist(r) == pytest.approx([25 + 260, 60 + 150], abs=0.05)
    net = r.inputs["network"]
    assert net["pieces"] == 3 and r.inputs["demand"]["joined_to_smaller_piece"] == 1


def test_a_home_inside_a_fragment_with_a_source_on_it_uses_that_piece(tmp_path):
    s = Scene()
    s.street(1, (1, 0, 0), (2, 400, 0))
    s.street(3, (31, 200, 100), (32, 260, 100), (33, 260, 160), (34, 200, 160), (31, 200, 100),
             highway="footway")  # a park's own path loop, joined to nothing
    s.node(50, 255, 130, amenity="clinic")  # a clinic inside the loop
    path = s.write(tmp_path / "loop.osm")
    r = run(path, "life15", [(215, 130)], {"distance_m": 1000, "categories": ("health",)}).result
    # on the loop: 15 m to its west side, 30 + 60 + 30 round it, 5 m to the clinic (140 m);
    # by the main street it would be 130 + 40 + 130 = 300 m
    assert dist(r) == pytest.approx([15 + 120 + 5], abs=0.05)


# --- 3. a school polygon 6 m from the street, with and without an entrance ----------------------
def school_scene(entrance: bool) -> Scene:
    s = Scene()
    s.street(1, (1, 0, 0), (2, 400, 0))
    # the bottom edge rises from (200, 6) to (260, 12): its nearest street point is (200, 0)
    s.node(11, 200, 6)
    s.node(12, 250, 11, **({"entrance": "main"} if entrance else {}))
    for nid, x, y in ((13, 260, 12), (14, 260, 66), (15, 200, 66)):
        s.node(nid, x, y)
    s.way(10, [11, 12, 13, 14, 15, 11], amenity="school", name="张江实验小学")
    return s


@pytest.mark.parametrize("entrance, expected", [(False, 10 + 200 + 6), (True, 10 + 250 + 11)])
def test_school_polygon_beside_the_street(tmp_path, entrance, expected):
    path = school_scene(entrance).write(tmp_path / f"school_{entrance}.osm")
    r = run(path, "life15", [(0, -10)], {"distance_m": 1000, "categories": ("education",)}).result
    # no entrance: from the nearest street point, 6 m across; with one: at the entrance only
    assert dist(r) == pytest.approx([expected], abs=0.05)
    how = r.inputs["sources"]["education"]
    assert how["polygons"] == 1 and how["gated"] == int(entrance) and how["approach"] == int(not entrance)


def test_school_polygon_beyond_the_approach_distance_is_counted_unreachable(tmp_path):
    s = school_scene(False)
    path = s.write(tmp_path / "far.osm")
    r = run(path, "life15", [(0, -10)], {"distance_m": 1000, "categories": ("education",),
                                        "approach_m": 5.0}).result
    assert dist(r)[0] == np.inf
    assert r.inputs["sources"]["education"]["unreachable"] == 1


# --- 4. a fenced park entered at its two gates; a home inside it ---------------------------------
def fenced_scene() -> Scene:
    s = Scene()
    s.street(1, (1, 0, 10), (2, 210, 10), (3, 400, 10))  # 10 m south of the fence
    s.street(2, (2, 210, 10), (4, 210, 200))  # 10 m east of it
    s.node(11, 100, 20)
    s.node(12, 150, 20, barrier="gate")  # gate A, a node of the outline
    for nid, x, y in ((13, 200, 20), (14, 200, 120), (15, 100, 120)):
        s.node(nid, x, y)
    s.way(10, [11, 12, 13, 14, 15, 11], leisure="park", name="张江公园")
    s.node(20, 202, 70, barrier="gate")  # gate B, on a fence drawn 2 m outside the outline
    return s


def test_fenced_park_is_entered_only_at_its_gates(tmp_path):
    path = fenced_scene().write(tmp_path / "fenced.osm")
    homes = [(0, 0), (215, 190), (150, 70), (300, 0)]
    r = run(path, "green5", homes, {"minutes": 10}).result
    # (0, 0): 10 m north to the street, 150 m east, 10 m north to gate A.
    # (215, 190): 5 m to the east street, 120 m south, 8 m to gate B and 2 m to the outline.
    # (150, 70) is inside the park: 0 m. (300, 0): 10 + 90 west + 60 north + 10 (gate B) —
    # not the 10 m to the fence: a street along a fence does not reach a gated park.
    assert dist(r) == pytest.approx([10 + 150 + 10, 5 + 120 + 8 + 2, 0.0, 10 + 90 + 60 + 10],
                                    abs=0.05)
    how = r.inputs["sources"]
    assert how["gated"] == 1 and how["entrances"] == 2 and how["units_inside_sources"] == 1
    assert (r.units["dist_line_m"] <= r.units["dist_m"] + 1e-6).all()


def test_the_same_park_without_gates_is_reached_along_the_street(tmp_path):
    s = fenced_scene()
    s.nodes[12] = (150, 20, {})
    s.nodes[20] = (202, 70, {})
    path = s.write(tmp_path / "open.osm")
    r = run(path, "green5", [(300, 0)], {"minutes": 10, "tolerance_m": 12.0}).result
    # open: the streets 10 m from the outline are within a 12 m tolerance; the south one
    # from x = 200 + √(12² − 10²) = 206.63 (the grown corner is drawn with chords inside the
    # arc, and at this shallow crossing that moves the entry point by up to half a metre)
    assert dist(r)[0] == pytest.approx(10 + 300 - 206.633, abs=0.6)
    assert r.inputs["sources"]["gated"] == 0 and r.inputs["sources"]["touching"] == 1


# --- 5. tag rule -----------------------------------------------------------------------------------
def test_services_areas_are_not_walkable():
    assert not osmtags.is_walkable({"highway": "services"})
    assert not osmtags.is_walkable({"highway": "service_area"})
    assert osmtags.is_walkable({"highway": "service"})


def test_entrance_rules():
    assert osmtags.entrance_kind({"barrier": "gate"}) == "gate"
    assert osmtags.entrance_kind({"entrance": "main"}) == "entrance"
    assert osmtags.entrance_kind({"barrier": "gate", "locked": "yes"}) is None
    assert osmtags.entrance_kind({"barrier": "gate", "access": "private"}) is None
    assert osmtags.entrance_kind({"barrier": "gate", "access": "private", "foot": "yes"}) == "gate"
    assert osmtags.entrance_kind({"entrance": "exit"}) is None
    assert osmtags.entrance_kind({"barrier": "fence"}) is None
