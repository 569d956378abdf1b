"""Tracing on a synthetic extract laid out like the 2017 Zhangjiang Science City boundary.

The extract (tests/osm_synth.py, invented geometry) has a dual-carriageway north edge, an east
edge that changes road (S20 → S2) at a bend, a south edge with a 120 m gap, a west road that
changes name, a river mapped only as an area, and decoys named like the edges (a ramp, a
service road). Every expectation is computed from the layout, never from geo.trace.
"""
from __future__ import annotations

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import MultiLineString, Point

from geo.errors import TraceError
from geo.osmnamed import read_named_ways
from geo.trace import trace_boundary
from geo.tracedesc import parse_description, parse_sizhi
from tests.osm_synth import to_xy, write_shanghai_2017_like

GEOD = Geod(ellps="WGS84")

DESC_2017 = """
[boundary]
id = "synth_2017"
name_zh = "合成张江科学城"
name_en = "Synthetic science city"
follow = "{follow}"

[[edge]]
side = "北"
names = ["龙东大道"]
kind = "road"

[[edge]]
side = "东"
names = ["外环"]
ref = ["S20"]

[[edge]]
side = "东"
names = ["沪芦高速"]
ref = ["S2"]

[[edge]]
side = "南"
names = ["下盐公路"]

[[edge]]
side = "西"
names = ["罗山路", "沪奉高速"]
source = "西至罗山路—沪奉高速 (one road, two names)"
"""

DESC_RIVER = """
[boundary]
id = "synth_river_block"
follow = "{follow}"

[[edge]]
side = "北"
names = ["川杨河"]
kind = "water"

[[edge]]
side = "东"
names = ["沪芦高速"]
ref = ["S2"]

[[edge]]
side = "南"
names = ["下盐公路"]

[[edge]]
side = "西"
names = ["沪奉高速"]
"""

#: Description names → the OSM names the generator wrote.
OSM_NAME = {"外环": "外环高速"}


def _desc(template: str, follow: str):
    return parse_description(template.replace("{follow}", follow))


def _area(geom) -> float:
    """Geodesic area (m²) of a WGS84 (multi)polygon, whatever its orientation."""
    geom = shapely.orient_polygons(geom)
    return sum(abs(GEOD.geometry_area_perimeter(p)[0]) for p in getattr(geom, "geoms", [geom]))


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def _edge(result, name: str):
    return next(e for e in result.edges if name in e.spec.names)


def _ways_xy(truth: dict, edge) -> MultiLineString:
    """The edge's named ways as written, in the layout's metric frame."""
    return to_xy(MultiLineString([ln for n in edge.spec.names for ln in truth["lines"][OSM_NAME.get(n, n)]]))


def _vertices_xy(edge) -> list[Point]:
    return [Point(c) for c in to_xy(edge.line).coords]


@pytest.fixture(scope="module")
def synth(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("synth") / "zj2017.osm.pbf"
    return {**write_shanghai_2017_like(path), "path": path}


@pytest.fixture(scope="module")
def traced(synth):
    """trace(template, follow) → TraceResult, each traced once per module."""
    cache: dict = {}

    def run(template: str, follow: str):
        if (template, follow) not in cache:
            cache[template, follow] = trace_boundary(_desc(template, follow), synth["path"])
        return cache[template, follow]
    return run


def test_centreline_ring_closes_with_the_one_gap(traced, synth):
    result = traced(DESC_2017, "centreline")
    assert result.polygon.is_valid
    assert len(result.gaps) == 1, result.gaps
    gap, true_gap = result.gaps[0], synth["gap"]
    assert gap["where"] == "edge" and gap["edge"] == "下盐公路"
    assert _metres((gap["lon"], gap["lat"]), (true_gap["lon"], true_gap["lat"])) < 30.0
    assert gap["length_m"] == pytest.approx(true_gap["length_m"], abs=5.0)
    assert [len(e.gaps) for e in result.edges] == [0, 0, 0, 1, 0]


def test_centreline_area_and_shape_match_the_layout(traced, synth):
    result = traced(DESC_2017, "centreline")
    expected = synth["centreline_ring"]
    true_area = _area(expected)
    assert result.area_m2 == pytest.approx(true_area, rel=0.005)
    assert _area(result.polygon.symmetric_difference(expected)) < 0.005 * true_area


@pytest.mark.parametrize("name, width", [("龙东大道", 40.0), ("外环", 50.0)], ids=["longdong", "s20"])
def test_dual_carriageways_are_found_with_their_width(traced, name, width):
    edge = _edge(traced(DESC_2017, "centreline"), name)
    assert edge.dual
    assert edge.width_m == pytest.approx(width, abs=5.0)
    assert edge.offset_m == pytest.approx(width / 2, abs=1.0)  # the centreline is half a width off each


def test_inner_follows_the_inner_carriageways(traced, synth):
    result = traced(DESC_2017, "inner")
    expected = synth["inner_ring"]
    true_area = _area(expected)
    assert result.polygon.is_valid
    assert result.area_m2 == pytest.approx(true_area, rel=0.003)
    # inner and centreline differ by 0.3 % of the area: the shape tells the carriageway apart
    assert _area(result.polygon.symmetric_difference(expected)) < 0.0005 * true_area
    for edge in result.edges:
        ways = _ways_xy(synth, edge)
        worst = max(ways.distance(p) for p in _vertices_xy(edge))
        assert worst <= 1.0, (edge.spec.label(), worst)


def test_outer_encloses_more_than_centreline_more_than_inner(traced):
    outer, centre, inner = (traced(DESC_2017, f).area_m2 for f in ("outer", "centreline", "inner"))
    assert outer > centre > inner


def test_ramp_and_service_road_named_like_an_edge_are_not_used(traced, synth):
    ways = read_named_ways(synth["path"], _desc(DESC_2017, "inner"))
    assert not {w.tag for found in ways.by_edge for w in found} & {"highway=service", "highway=motorway_link"}
    assert len({w.osm_id for w in ways.by_edge[0]}) == synth["way_count"]["龙东大道"]
    assert len({w.osm_id for w in ways.by_edge[1]}) == synth["way_count"]["外环高速"]
    boundary = to_xy(traced(DESC_2017, "inner").polygon.exterior)
    assert boundary.distance(to_xy(synth["service"])) > 10.0  # 15 m south of the inner carriageway
    ramp = to_xy(synth["ramp"])
    assert boundary.distance(Point(ramp.coords[1])) > 100.0


@pytest.mark.parametrize("east", ["外环(S20)", "S20外环"], ids=["bracketed_ref", "glued_ref"])
def test_sizhi_text_traces_like_the_description(synth, east):
    desc = parse_sizhi(f"北至龙东大道，东至{east}—沪芦高速，南至下盐公路，西至罗山路—沪奉高速")
    assert [e.names for e in desc.edges] == [("龙东大道",), ("外环",), ("沪芦高速",), ("下盐公路",), ("罗山路",),
                                             ("沪奉高速",)]
    assert desc.edges[1].refs == ("S20",)
    result = trace_boundary(desc, synth["path"])
    assert result.polygon.is_valid
    assert [e.spec.names[0] for e in result.edges][-2:] == ["沪奉高速", "罗山路"]  # west side turned round
    assert any("reverse" in en for _, en in result.notes)
    true_area = _area(synth["centreline_ring"])
    assert result.area_m2 == pytest.approx(true_area, rel=0.01)


def test_river_area_edge_centreline_runs_midway_between_banks(traced, synth):
    result = traced(DESC_RIVER, "centreline")
    river = _edge(result, "川杨河")
    assert river.dual
    points = _vertices_xy(river)
    north, south = (to_xy(synth["banks"][b]) for b in ("north", "south"))
    mean_n = sum(north.distance(p) for p in points) / len(points)
    mean_s = sum(south.distance(p) for p in points) / len(points)
    assert mean_n == pytest.approx(mean_s, abs=5.0)
    assert mean_n == pytest.approx(30.0, abs=5.0)
    assert result.area_m2 == pytest.approx(_area(synth["river_block"]), rel=0.005)


@pytest.mark.parametrize("follow, bank", [("inner", "south"), ("outer", "north")])
def test_river_area_edge_inner_and_outer_follow_a_bank(traced, synth, follow, bank):
    result = traced(DESC_RIVER, follow)
    assert result.polygon.is_valid
    line = to_xy(synth["banks"][bank])
    worst = max(line.distance(p) for p in _vertices_xy(_edge(result, "川杨河")))
    assert worst <= 1.0


@pytest.mark.parametrize("follow", ["centreline", "inner"])
def test_no_gap_no_gap_reported(tmp_path, follow):
    path = tmp_path / "nogap.osm.pbf"
    truth = write_shanghai_2017_like(path, gap=False, river_area=False)
    assert truth["gap"] is None
    result = trace_boundary(_desc(DESC_2017, follow), path)
    assert result.gaps == []
    assert all(e.gaps == [] for e in result.edges)


def test_road_not_in_the_extract_is_missing_in_both_languages(synth):
    desc = _desc(DESC_2017.replace("下盐公路", "申江路"), "centreline")
    with pytest.raises(TraceError) as info:
        trace_boundary(desc, synth["path"])
    err = info.value
    assert err.kind == "missing"
    assert "申江路" in err.zh and "找不到" in err.zh
    assert "申江路" in err.en and "not in the OSM extract" in err.en
    assert err.zh in str(err) and err.en in str(err)
    assert "龙东大道" not in str(err)  # only the missing road is named
