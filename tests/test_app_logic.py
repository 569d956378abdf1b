"""Search, drawing analysis and the shareable view: the app's logic, without a browser."""
from __future__ import annotations

import pytest
from shapely.geometry import LineString, box, mapping

import layers
from geo.errors import GeometryError
from geo.measure import geodesic_distance_m
from layers.analysis import drawn as analysis
from layers.catalogue import search
from layers.webmap import viewstate


# --- search -------------------------------------------------------------------------

@pytest.mark.parametrize("query,layer_id,name", [
    ("普陀园", "hitech_parks", "普陀园"),
    ("上海光源", "sites", "上海光源"),
    ("张江药谷", "industry", "张江药谷 (一期)"),
    ("putuo", "hitech_parks", "普陀园"),
    ("ＳＳＲＦ", "sites", "上海光源"),   # full-width and case folded
])
def test_search_finds_features_by_name(query, layer_id, name):
    hits = search.search(query)
    assert hits, query
    assert any(h.layer_id == layer_id and h.name_zh == name for h in hits[:3]), [h.name_zh for h in hits]


def test_search_ranks_exact_names_first_and_gives_a_box_to_fly_to():
    hits = search.search("普陀园")
    assert hits[0].name_zh == "普陀园" and hits[0].score == 3
    x0, y0, x1, y1 = hits[0].bounds
    assert x0 < x1 and y0 < y1 and (x1 - x0) < 0.02  # a point result opens on a ~800 m box
    assert "普陀园" in hits[0].label("zh") and "High-Tech Zone" in hits[0].label("en")


def test_search_of_nothing_finds_nothing():
    assert search.search("   ") == []
    assert search.search("no such place xyz") == []


# --- drawing analysis ---------------------------------------------------------------

def test_drawn_polygon_area_and_the_parks_and_zones_it_meets():
    # a box around the Zhangjiang core, about 2.9 km × 3.3 km
    geom = analysis.drawn_geometry({"type": "Feature", "properties": {},
                                    "geometry": mapping(box(121.575, 31.185, 121.605, 31.215))})
    m = analysis.measure(geom)
    assert m["kind"] == "polygon"
    assert m["area_km2"] == pytest.approx(2.857 * 3.326, rel=0.02)
    hits = analysis.intersecting(geom)
    names = set(hits["name_zh"])
    assert "上海光源" in names                             # a site point inside the box
    assert {"science_city_2017", "science_city_2021", "industry"} <= set(hits["layer_id"])
    pharma = hits[hits["feature_id"] == "zj_pharma_valley"].iloc[0]
    assert 0 < pharma["overlap_km2"] <= 1.6 and 0 < pharma["share_of_feature"] <= 1
    table = analysis.intersecting_table(geom, "en")
    assert list(table.columns) == ["Layer", "Feature", "Overlap (km²)", "Share of feature"]


def test_drawn_line_length_is_geodesic():
    a, b = (121.5834, 31.2040), (121.5978, 31.2064)
    geom = analysis.drawn_geometry(mapping(LineString([a, b])))
    m = analysis.measure(geom)
    assert m["kind"] == "line"
    assert m["length_m"] == pytest.approx(geodesic_distance_m(*a, *b), rel=1e-9)
    assert m["length_m"] == pytest.approx(1392, rel=0.01)


def test_self_intersecting_drawing_is_repaired():
    bowtie = {"type": "Polygon", "coordinates": [[[121.5, 31.1], [121.6, 31.2], [121.6, 31.1], [121.5, 31.2], [121.5, 31.1]]]}
    geom = analysis.drawn_geometry(bowtie)
    assert geom.is_valid and analysis.measure(geom)["area_km2"] > 0


@pytest.mark.parametrize("bad,message", [
    (None, "no drawing"),
    ({"type": "Polygon", "coordinates": "x"}, "not valid GeoJSON"),
    ({"type": "Point", "coordinates": [31.2, 121.6]}, "outside the Shanghai region"),
    ({"type": "GeometryCollection", "geometries": []}, "empty"),
])
def test_bad_drawings_get_clear_errors(bad, message):
    with pytest.raises(GeometryError, match=message):
        analysis.drawn_geometry(bad)


# --- view state in the URL ------------------------------------------------------------

def test_view_state_round_trips_through_the_query_string():
    s = viewstate.ViewState(lang="en", layers=("science_city_2021", "hitech_parks"), basemap="osm",
                            lat=31.2, lon=121.6, zoom=13.25, meeting=True, opacity=(("hitech_parks", 0.5),))
    q = viewstate.to_query(s)
    back = viewstate.from_query(q, basemaps=("carto", "osm"))
    assert back == s


def test_view_state_defaults_and_bad_values_are_ignored_not_fatal():
    d = viewstate.from_query({})
    assert d.lang == "zh" and d.basemap == "carto" and d.centre is None and not d.meeting
    assert set(d.layers) == {s.id for s in layers.LAYERS if s.visible_by_default}
    s = viewstate.from_query({"lang": "fr", "layers": "science_city_2017,bogus", "base": "evil",
                              "lat": "abc", "lon": "121.6", "z": "99", "op": "sites:2,x:0.1"})
    assert s.lang == "zh" and s.layers == ("science_city_2017",) and s.basemap == "carto"
    assert s.centre is None and s.opacity == (("sites", 1.0),)
    assert "layer bogus" in s.ignored and "basemap evil" in s.ignored
    far = viewstate.from_query({"lat": "48.85", "lon": "2.35"})
    assert far.centre is None and "centre" in far.ignored
    z = viewstate.from_query({"lat": "31.2", "lon": "121.6", "z": "99"})
    assert z.zoom == 20.0
    assert viewstate.from_query({"base": "none"}).basemap is None
    assert viewstate.from_query({"lang": ["en"]}).lang == "en"  # list values (multi-valued params)
