"""Bad boundary descriptions and extracts that cannot make a ring get a clear bilingual message.

Small OSM XML files are written here (synthetic, near Zhangjiang: not real geometry).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyproj import Transformer

from geo.errors import TraceDescriptionError, TraceError
from geo.trace import trace_boundary
from geo.tracedesc import EdgeSpec, parse_description, parse_sizhi

_TO_LONLAT = Transformer.from_crs("+proj=tmerc +lat_0=31.2 +lon_0=121.6 +ellps=WGS84", "EPSG:4326", always_xy=True)


def _bilingual(err: Exception) -> tuple[str, str]:
    text = str(err)
    assert re.search(r"[\u4e00-\u9fff]", text), text  # Chinese
    assert re.search(r"[a-z]{4,}", text), text  # and English
    return err.zh, err.en  # type: ignore[attr-defined]


def write_osm(path: Path, roads: dict[str, list[tuple[float, float]]]) -> Path:
    """An OSM XML file: one two-way road per name along the given metric vertices."""
    nodes, ways, nid = [], [], 1
    for wid, (name, pts) in enumerate(roads.items(), 1):
        refs = []
        for x, y in pts:
            lon, lat = _TO_LONLAT.transform(x, y)
            nodes.append(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
            refs.append(f'<nd ref="{nid}"/>')
            nid += 1
        ways.append(f'<way id="{wid}" version="1">{"".join(refs)}<tag k="highway" v="secondary"/>'
                    f'<tag k="name" v="{name}"/></way>')
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
                    + "\n".join(nodes + ways) + "\n</osm>\n", encoding="utf-8")
    return path


def _desc(*names: str, sides: tuple[str, ...] | None = None) -> str:
    out = '[boundary]\nid = "t"\n'
    for i, n in enumerate(names):
        side = f'side = "{sides[i]}"\n' if sides else ""
        out += f'\n[[edge]]\nnames = ["{n}"]\n{side}'
    return out


@pytest.fixture
def square(tmp_path) -> Path:
    """Four roads round a 1 km square, each running 200 m past the corners."""
    return write_osm(tmp_path / "square.osm", {
        "北路": [(-1200, 1000), (0, 1000), (1200, 1000)], "东路": [(1000, 1200), (1000, 0), (1000, -1200)],
        "南路": [(1200, -1000), (0, -1000), (-1200, -1000)], "西路": [(-1000, -1200), (-1000, 0), (-1000, 1200)],
        "斜路一": [(-1200, 1200), (1200, -1200)], "斜路二": [(1200, 1200), (-1200, -1200)]})


def test_the_square_traces(square):
    r = trace_boundary(parse_description(_desc("北路", "东路", "南路", "西路", sides=("北", "东", "南", "西"))), square)
    assert r.area_m2 == pytest.approx(4e6, rel=2e-3)  # 2 km × 2 km, centrelines
    assert r.gaps == []


def test_unknown_road(square):
    with pytest.raises(TraceError) as info:
        trace_boundary(parse_description(_desc("北路", "没有这条路", "南路", "西路")), square)
    zh, en = _bilingual(info.value)
    assert info.value.kind == "missing"
    assert "没有这条路" in zh and "没有这条路" in en and "not in the OSM extract" in en


def test_sides_in_the_wrong_order_are_refused_before_reading():
    with pytest.raises(TraceDescriptionError) as info:
        parse_description(_desc("北路", "南路", "东路", "西路", sides=("北", "南", "东", "西")))
    zh, en = _bilingual(info.value)
    assert "wrong order" in en and "顺序" in zh


def test_edges_that_never_meet(square):
    with pytest.raises(TraceError) as info:  # no sides given: only the geometry can tell
        trace_boundary(parse_description(_desc("北路", "南路", "东路", "西路")), square)
    zh, en = _bilingual(info.value)
    assert info.value.kind == "apart" and "never meet" in en and "不相交" in zh
    assert "2,000 m" in en  # the two parallel roads are 2 km apart
    lon, lat = info.value.where
    assert 121.5 < lon < 121.7 and 31.1 < lat < 31.3


def test_a_loop_is_refused():
    with pytest.raises(TraceDescriptionError) as info:
        parse_description(_desc("北路", "东路", "北路", "西路", "南路"))
    zh, en = _bilingual(info.value)
    assert "loop" in en and "成环" in zh
    with pytest.raises(TraceDescriptionError):  # the same road twice in a row
        parse_description(_desc("北路", "东路", "东路", "南路"))


def test_a_ring_that_would_cross_itself(square):
    # 北路 → 斜路一 → 南路 → 斜路二: the two diagonals cross in the middle (a bow tie)
    with pytest.raises(TraceError) as info:
        trace_boundary(parse_description(_desc("北路", "斜路一", "南路", "斜路二")), square)
    zh, en = _bilingual(info.value)
    assert info.value.kind == "self_intersection" and "crosses itself" in en and "自相交" in zh
    lon, lat = info.value.where
    x, y = Transformer.from_crs("EPSG:4326", "+proj=tmerc +lat_0=31.2 +lon_0=121.6 +ellps=WGS84",
                                always_xy=True).transform(lon, lat)
    assert abs(x) < 5 and abs(y) < 5  # where the diagonals cross


def test_a_break_longer_than_allowed(tmp_path):
    osm = write_osm(tmp_path / "broken.osm", {
        "北路": [(-1200, 1000), (1200, 1000)], "东路": [(1000, 1200), (1000, -1200)],
        "南路": [(1200, -1000), (300, -1000)], "南路 ": [(-300, -1000), (-1200, -1000)],  # 600 m missing
        "西路": [(-1000, -1200), (-1000, 1200)]})
    desc = parse_description(_desc("北路", "东路", "南路", "西路"))
    with pytest.raises(TraceError) as info:
        trace_boundary(desc, osm, max_gap_m=500)
    zh, en = _bilingual(info.value)
    assert info.value.kind == "broken" and "600 m" in en and "断开" in zh
    bridged = trace_boundary(desc, osm, max_gap_m=700)  # allowed: bridged and reported
    assert len(bridged.gaps) == 1 and bridged.gaps[0]["length_m"] == pytest.approx(600, abs=1)
    assert bridged.area_m2 == pytest.approx(4e6, rel=2e-3)


@pytest.mark.parametrize("text, words", [
    ("", ("no edge found", "没有找到")),
    ("北至A路", ("at least three", "至少需要三条")),
    ("北至A路，东至B路，南至A路，西至A路", ("same road", "同一条路")),
])
def test_pasted_texts_that_cannot_make_a_ring(text, words):
    with pytest.raises(TraceDescriptionError) as info:
        parse_sizhi(text)
    zh, en = _bilingual(info.value)
    assert words[0] in en and words[1] in zh


@pytest.mark.parametrize("toml, words", [
    ("[boundary\nid=1", ("not valid TOML", "不是有效的")),
    ('[[edge]]\nnames=["A"]\nside="东北"\n[[edge]]\nnames=["B"]\n[[edge]]\nnames=["C"]', ("side", "方位")),
    ('[[edge]]\nnames=["A"]\nfollow="middle"\n[[edge]]\nnames=["B"]\n[[edge]]\nnames=["C"]', ("follow", "沿线")),
    ('[[edge]]\nnames=[]\n[[edge]]\nnames=["B"]\n[[edge]]\nnames=["C"]', ("names no road", "没有道路")),
])
def test_bad_description_files(toml, words):
    with pytest.raises(TraceDescriptionError) as info:
        parse_description(toml)
    zh, en = _bilingual(info.value)
    assert words[0] in en and words[1] in zh


@pytest.mark.parametrize("tags, hit", [
    ({"name": "外环高速"}, True), ({"name": "外环高速公路"}, True), ({"name": "上海绕城高速"}, False),
    ({"name": "外环辅路"}, False), ({"ref": "S20;G1501"}, True), ({"name": "Outer Ring", "ref": "S2"}, False),
    ({"name:zh": "外环"}, True), ({"name": "外 环"}, True),
])
def test_name_matching(tags, hit):
    assert EdgeSpec(names=("外环",), refs=("S20",)).matches(tags) is hit


def test_an_extract_that_covers_none_of_the_roads(square):
    with pytest.raises(TraceError) as info:
        trace_boundary(parse_description(_desc("龙东大道", "外环", "下盐公路", "罗山路")), square)
    zh, en = _bilingual(info.value)
    assert info.value.kind == "missing" and "does not cover this area" in en and "不覆盖" in zh
    assert "龙东大道" in en and "罗山路" in zh
