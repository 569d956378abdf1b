"""The catalogue's boundary descriptions (data/boundaries/descriptions/*.toml): each parses, goes
round its area once, cites its source verbatim, names a catalogue feature to compare with, and
says the same roads as the published 四至 sentence read by :func:`geo.tracedesc.parse_sizhi`."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo.tracedesc import SIDES, BoundaryDescription, parse_sizhi, read_description

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = ROOT / "data" / "boundaries"
DESCRIPTIONS = BOUNDARIES / "descriptions"
FILES = sorted(DESCRIPTIONS.glob("*.toml"))
EXPECTED = {"science_city_2017", "science_city_2021", "south_core", "ic_design_park", "zj_pharma_valley"}

def _params() -> list:
    return [pytest.param(path, id=path.stem) for path in FILES]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _catalogue() -> dict[str, dict]:
    """Properties of every catalogue feature by id (data/boundaries/*.geojson, read directly)."""
    features = {}
    for path in sorted(BOUNDARIES.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            props = feature.get("properties") or {}
            if props.get("id"):
                features[props["id"]] = props
    return features


def _first(desc: BoundaryDescription) -> set[tuple[str | None, str | None]]:
    return {(e.side, e.names[0] if e.names else None) for e in desc.edges}


def test_every_catalogue_boundary_has_a_description():
    assert {p.stem for p in FILES} == EXPECTED


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_description_parses_and_is_named_by_its_file(path):
    desc = read_description(path)
    assert desc.id == path.stem
    assert desc.name_zh and desc.name_en and desc.source and desc.text
    for e in desc.edges:
        assert e.side in SIDES
        assert e.names, f"{path.name}: an edge without a name"
        assert e.kind in ("road", "water")
        assert e.follow == "centreline"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_compare_names_a_catalogue_feature(path):
    desc = read_description(path)
    assert desc.compare == path.stem
    assert desc.compare in _catalogue()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_sides_go_round_once_clockwise(path):
    sides = [e.side for e in read_description(path).edges]
    collapsed = [s for i, s in enumerate(sides) if i == 0 or s != sides[i - 1]]
    if len(collapsed) > 1 and collapsed[0] == collapsed[-1]:
        collapsed.pop()
    rotations = [list(SIDES[i:] + SIDES[:i]) for i in range(4)]
    assert collapsed in rotations, f"{path.name}: sides {collapsed} do not go round N→E→S→W once"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_citations_are_verbatim(path, request):
    """Each edge's source and the boundary's text occur verbatim (whitespace aside) in the compared
    feature's description_zh / edges_zh, or else in the seed documents."""
    desc = read_description(path)
    props = _catalogue().get(desc.compare or "", {})
    catalogue = "\n".join(_squash(str(props.get(k, ""))) for k in ("description_zh", "edges_zh"))
    cited = [desc.text] + [e.source for e in desc.edges]
    assert all(c.strip() for c in cited), f"{path.name}: an empty source"
    elsewhere = [c for c in cited if _squash(c) not in catalogue]
    if elsewhere:
        seeds = _squash(request.getfixturevalue("seeds_text"))  # skips when ../shared is absent
        missing = [c for c in elsewhere if _squash(c) not in seeds]
        assert not missing, f"{path.name}: not found verbatim in the catalogue or the seeds: {missing}"


def test_2021_text_is_the_seed_sentence(seeds_text):
    desc = read_description(DESCRIPTIONS / "science_city_2021.toml")
    assert _squash(desc.text) in _squash(seeds_text)
    assert all(_squash(e.source) in _squash(seeds_text) for e in desc.edges)


@pytest.mark.parametrize("path", _params())
def test_published_text_gives_the_same_edges(path):
    """A planner pasting the published sentence gets the file's roads (side and first name), the
    same kind, and route numbers and notes the file keeps."""
    desc = read_description(path)
    pasted = parse_sizhi(desc.text)
    assert not pasted.meta["unread"]
    assert _first(pasted) == _first(desc)
    by_key = {(e.side, e.names[0]): e for e in desc.edges}
    for e in pasted.edges:
        mine = by_key[(e.side, e.names[0])]
        assert set(e.refs) <= set(mine.refs), f"{e.label()}: refs {e.refs} not in {mine.refs}"
        assert e.kind == mine.kind
        assert e.note in mine.note


def test_2021_edges_in_ring_order():
    desc = read_description(DESCRIPTIONS / "science_city_2021.toml")
    assert len(desc.edges) == 17
    assert [sum(e.side == s for e in desc.edges) for s in "WNES"] == [4, 7, 5, 1]
    assert [e.names[0] for e in desc.edges] == [
        "龙阳路", "龙东大道", "外环", "红星路", "景雅路", "浦东运河", "张家浜",   # north, west → east
        "绕城高速", "川杨河", "华东路", "迎宾高速", "沪芦高速",                   # east, north → south
        "下盐公路",                                                               # south
        "林海公路", "杨高南路", "华夏西路", "沪南路"]                             # west, south → north
    water = {e.names[0] for e in desc.edges if e.kind == "water"}
    assert water == {"浦东运河", "张家浜", "川杨河"}
    refs = {e.names[0]: set(e.refs) for e in desc.edges}
    assert refs["外环"] == {"S20"} and refs["沪芦高速"] == {"S2"}
    assert refs["绕城高速"] == {"G1503"} and refs["迎宾高速"] == {"S1"}
    assert "沿浦东新区区界" in next(e.note for e in desc.edges if e.names[0] == "林海公路")


def test_2017_edges_in_ring_order():
    desc = read_description(DESCRIPTIONS / "science_city_2017.toml")
    assert [(e.side, e.names[0]) for e in desc.edges] == [
        ("N", "龙东大道"), ("E", "外环"), ("E", "沪芦高速"), ("S", "下盐公路"), ("W", "沪奉高速"), ("W", "罗山路")]
    assert {"S3", "A3"} <= set(desc.edges[4].refs)
