"""The app's import step (:func:`layers.io.uploads.import_upload`), overlays and saved settings.

``import_upload`` is what the app calls for every upload: it must never raise, whatever
the file; the whole hostile corpus goes through it here.
"""
from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point

import layers
from layers import coverage as cov
from layers.io import importer
from layers.analysis.overlay import overlay, overlay_summary
from layers.io.uploads import import_upload, unique_name
from tests.corpus_gen import CASES, VALID_FC
from tests.test_hostile_corpus import _CJK, _manifest_cases
from tests.test_import import points_only, polygons, reference, write_shp_zip

GEOD = Geod(ellps="WGS84")
APP_CASES = [c for c in CASES + _manifest_cases() if set(c.kwargs) <= {"max_bytes"}]


def test_app_corpus_is_big():
    assert len(APP_CASES) >= 100


@pytest.mark.parametrize("case", APP_CASES, ids=[c.id for c in APP_CASES])
def test_every_hostile_file_is_refused_with_its_message(case, tmp_path):
    path = case.make(tmp_path)
    res = import_upload(path, max_bytes=case.kwargs.get("max_bytes"))
    if case.kind == "zip_many_shp":  # not an error in the app: the planner picks one
        assert res.status == "layer" and len(res.layers) >= 2
        return
    assert res.status == "error", res
    assert res.kind == (case.kind or "crs")
    assert case.contains in res.message and _CJK.search(res.message)
    assert not res.frames


def test_size_limit_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "ok.geojson"
    path.write_text(VALID_FC, encoding="utf-8")
    assert import_upload(path).status == "ok"
    monkeypatch.setenv(importer.MAX_IMPORT_ENV, "0.0001")  # 104 bytes
    assert importer.max_import_bytes() == 104 < len(VALID_FC)
    res = import_upload(path)
    assert res.status == "error" and res.kind == "too_large"
    monkeypatch.setenv(importer.MAX_IMPORT_ENV, "lots")  # unreadable: the default
    assert importer.max_import_bytes() == importer.MAX_IMPORT_BYTES


def test_unexpected_reader_failure_is_a_message(tmp_path, monkeypatch):
    path = tmp_path / "ok.geojson"
    path.write_text(VALID_FC, encoding="utf-8")

    def boom(*a, **k):
        raise MemoryError("reader blew up")
    monkeypatch.setattr(importer, "read_layer", boom)
    res = import_upload(path)
    assert res.status == "error" and res.kind == "unexpected"
    assert "MemoryError" in res.message and "无法读取" in res.message


def test_ok_names_never_replace_existing(tmp_path):
    path = tmp_path / "parcels.geojson"
    polygons().to_file(path, driver="GeoJSON")
    res = import_upload(path, existing=["parcels", "parcels (2)"])
    assert res.status == "ok" and list(res.frames) == ["parcels (3)"]
    assert unique_name("  a   b ", []) == "a b" and unique_name("", []) == "layer"


def test_gk_shapefile_without_prj_asks_then_imports(tmp_path):
    """The done-when case: GBK Shapefile in Gauss-Krüger coordinates, no .prj, no .cpg."""
    want = polygons()
    path = write_shp_zip(want.to_crs("EPSG:4550"), tmp_path, "控规地块", encoding="GBK", prj=False, cpg=False)
    first = import_upload(path)
    assert first.status == "confirm" and first.candidates[0].crs == "EPSG:4550"
    assert {c.crs for c in first.candidates} >= {"EPSG:4550", "EPSG:32651"}
    res = import_upload(path, choice=first.candidates[0].crs)
    assert res.status == "ok"
    (name, got), = res.frames.items()
    assert name == "控规地块"
    assert list(got["name"]) == list(want["name"])  # GBK decoded
    a = shapely.get_coordinates(shapely.orient_polygons(got.geometry.to_numpy()))
    b = shapely.get_coordinates(shapely.orient_polygons(want.geometry.to_numpy()))
    np.testing.assert_allclose(a, b, atol=1e-7)  # ~1 cm
    assert any("GBK" in line for line in res.info["warnings"] + res.info["fixes"])


def test_swapped_csv_offers_the_swap(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("name,lat,lon\n张江,121.5877,31.2028\n光源,121.5963,31.1936\n", encoding="utf-8")
    first = import_upload(path)
    assert first.status == "error" and first.kind == "outside"
    swap = [c for c in first.candidates if c.swap]
    assert swap and swap[0].share_inside == 1.0
    res = import_upload(path, choice=swap[0].crs, swap=True)
    assert res.status == "ok"
    got = next(iter(res.frames.values()))
    assert got.geometry.iloc[0].equals_exact(Point(121.5877, 31.2028), 1e-9)


def test_mixed_layer_split_on_request(tmp_path):
    path = tmp_path / "mixed.geojson"
    reference().to_file(path, driver="GeoJSON")
    assert import_upload(path).kind == "mixed"
    res = import_upload(path, split_mixed=True)
    assert res.status == "ok" and sorted(res.frames) == ["mixed (point)", "mixed (polygon)"]
    assert [len(f) for f in res.frames.values()] == [2, 1]


def test_geopackage_layer_choice(tmp_path):
    path = tmp_path / "survey.gpkg"
    polygons().to_file(path, layer="green", driver="GPKG")
    points_only().to_file(path, layer="sites", driver="GPKG")
    first = import_upload(path)
    assert first.status == "layer" and sorted(first.layers) == ["green", "sites"]
    res = import_upload(path, layer="sites", split_mixed=False)
    assert res.status == "ok" and list(res.frames) == ["survey · sites"]


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_offset_datum_choice(tmp_path, datum):
    from geo.chinacoords import convert_frame
    want = points_only()
    path = tmp_path / "amap.geojson"
    convert_frame(want, "wgs84", datum).to_file(path, driver="GeoJSON")
    got = next(iter(import_upload(path, choice=datum).frames.values()))
    d = GEOD.inv(got.geometry.x.to_numpy(), got.geometry.y.to_numpy(),
                 want.geometry.x.to_numpy(), want.geometry.y.to_numpy())[2]
    assert d.max() < 0.5  # metres


# --- overlay --------------------------------------------------------------------------------------

def test_overlay_half_inside_and_points():
    half = shapely.box(121.59, 31.20, 121.60, 31.21)
    other = gpd.GeoDataFrame(geometry=[shapely.box(121.595, 31.19, 121.61, 31.22)], crs=4326)
    frame = gpd.GeoDataFrame({"name": ["half", "in", "out", "line"]},
                             geometry=[half, Point(121.597, 31.205), Point(121.5, 31.2),
                                       LineString([(121.59, 31.2), (121.6, 31.2)])], crs=4326)
    table = overlay(frame, other)
    assert list(table["name"]) == ["half", "in", "out", "line"]
    area = abs(GEOD.geometry_area_perimeter(half)[0]) / 1e6
    assert table.loc[0, "area_km2"] == pytest.approx(area, rel=1e-9)
    assert table.loc[0, "share"] == pytest.approx(0.5, abs=2e-4)  # meridians converge: not exactly 0.5
    assert list(table["touches"]) == [True, True, False, True]
    assert list(table["share"][1:]) == [1.0, 0.0, 1.0]
    tot = overlay_summary(table)
    assert tot["touching"] == 3 and tot["features"] == 4
    assert tot["share"] == pytest.approx(0.5, abs=2e-4)


def test_overlay_against_the_2021_boundary():
    boundary = layers.load("science_city_2021")
    inner = boundary.geometry.iloc[0].representative_point()
    cell = shapely.box(inner.x - 0.002, inner.y - 0.002, inner.x + 0.002, inner.y + 0.002)
    far = shapely.box(121.95, 30.90, 121.96, 30.91)  # Lingang: not Zhangjiang
    table = overlay(gpd.GeoDataFrame({"name": ["in", "far"]}, geometry=[cell, far], crs=4326), boundary)
    assert table.loc[0, "share"] == pytest.approx(1.0) and table.loc[1, "share"] == 0.0


# --- coverage settings in a project ---------------------------------------------------------------

def test_coverage_settings_round_trip_and_hostile_values():
    state = {"cov_src": "test", "cov_area": "extract", "cov_check": "green5",
             "cov_demand_test": "area", "cov_min": 7.0, "cov_speed": 4.2, "cov_cats": ["health"],
             "cov_own_green": "绿地调查", "cov_zone_col": "街道", "unrelated": 1}
    saved = cov.settings_from_state(state, "zh")
    assert saved["minutes"] == 7.0 and saved["area"] == "extract" and saved["own_green"] == "绿地调查"
    saved = json.loads(json.dumps(saved))  # as a project file keeps it
    back = cov.state_from_settings(saved, "en", ["绿地调查"])
    assert back == {"cov_src": "test", "cov_area": "extract", "cov_check": "green5",
                    "cov_demand_test": "area", "cov_min": 7.0, "cov_speed": 4.2, "cov_cats": ["health"],
                    "cov_own_green": "绿地调查", "cov_zone_col": "街道"}
    hostile = {"source": "<script>", "minutes": True, "speed_kmh": 99, "area": ["extract"], "check": {"a": 1},
               "categories": [{"x": 1}], "own_green": "not imported", "zone_column": 5,
               "metro_distances_m": [500.0, 123.0], "distance_m": 800}
    assert cov.state_from_settings(hostile, "zh", []) == {"cov_dist": 800.0}
    assert cov.state_from_settings(["not", "a", "dict"], "zh", []) == {}
    # a planner's polygon layer (a traced boundary) as the area: kept when the project brings the layer
    mine = {"area": "mine:描绘: 张江科学城 (2017年规划范围)"}
    assert cov.state_from_settings(mine, "zh", ["描绘: 张江科学城 (2017年规划范围)"]) == {"cov_area": mine["area"]}
    assert cov.state_from_settings(mine, "zh", ["其他图层"]) == {}
    assert cov.state_from_settings({"area": "mine:"}, "zh", []) == {}



def test_all_zones_settings_round_trip_and_follow_a_renamed_layer():
    state = {"cov_src": "test", "cov_mode": "zones", "covz_zones": "mine:街镇", "covz_col": "街镇名称"}
    saved = json.loads(json.dumps(cov.settings_from_state(state, "zh")))
    assert saved == {"source": "test", "mode": "zones", "all_zones": "mine:街镇", "all_zones_column": "街镇名称"}
    assert cov.state_from_settings(saved, "en", ["街镇"]) == state
    assert cov.state_from_settings(saved, "zh", []) == {k: v for k, v in state.items() if k != "covz_zones"}
    assert cov.state_from_settings({"all_zones": cov.DISTRICTS, "mode": "towns"}, "zh", []) == \
        {"covz_zones": cov.DISTRICTS}  # an unknown mode is dropped
    # the project's 街镇 joined a session that had one: its settings follow it to 街镇 (2)
    more = {**saved, "area": "mine:街镇", "own_green": "街镇", "zones": "别的"}
    moved = cov.renamed_settings(more, {"街镇": "街镇 (2)"})
    assert moved["all_zones"] == "mine:街镇 (2)" and moved["area"] == "mine:街镇 (2)"
    assert moved["own_green"] == "街镇 (2)" and moved["zones"] == "别的" and moved["all_zones_column"] == "街镇名称"
    assert more["all_zones"] == "mine:街镇"  # the project's own record is not changed
    assert cov.renamed_settings(["not", "a", "dict"], {"a": "b"}) == ["not", "a", "dict"]

def test_map_layer_escapes_attribute_text_and_shifts_for_gcj02():
    import folium
    from geo.chinacoords import wgs84_to_gcj02
    from layers.webmap.userlayers import add_user_layers, feature_collection
    evil = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    frame = gpd.GeoDataFrame({"name": [evil], "备注": ["<b>粗</b>"]}, geometry=[Point(121.59, 31.2)], crs=4326)
    fc = feature_collection("<i>layer</i>", frame)
    props = fc["features"][0]["properties"]
    assert "<script>" not in props["tooltip"] + props["popup"] and "<img" not in props["popup"]
    assert "&lt;script&gt;" in props["tooltip"] and "&lt;b&gt;粗&lt;/b&gt;" in props["popup"]
    m = folium.Map()
    folium.LayerControl().add_to(m)
    assert add_user_layers(m, {"mine": frame}, "gcj02") == 1
    assert isinstance(list(m._children.values())[-1], folium.LayerControl)  # control after the group
    html = m.get_root().render()
    x, y = wgs84_to_gcj02(121.59, 31.2)
    assert f"{x:.5f}"[:9] in html
    assert "<img src=x" not in html and "<script>alert" not in html  # only the escaped forms reach the page


def test_map_shows_at_most_the_cap_and_reuses_the_display_data(monkeypatch):
    import folium
    from geo import settings
    from layers.webmap import userlayers as ul
    monkeypatch.setattr(settings, "MAX_MAP_FEATURES", 3)
    frame = gpd.GeoDataFrame({"name": [f"p{i}" for i in range(5)]},
                             geometry=[Point(121.58 + i * 1e-3, 31.2) for i in range(5)], crs=4326)
    assert ul.shown_count(frame) == 3
    first = ul._shown("a", frame, "wgs84")
    assert len(first["features"]) == 3
    assert ul._shown("a", frame, "wgs84") is first  # a rerun reuses it
    assert ul._shown("a", frame, "gcj02") is not first
    m = folium.Map()
    ul.add_user_layers(m, {"a": frame})
    html = m.get_root().render()
    assert "a: p2" in html and "a: p3" not in html and "p4" not in html


def test_bounds_of_layers():
    from layers.webmap.bounds import bounds_of
    a = gpd.GeoDataFrame(geometry=[Point(121.5, 31.1)], crs=4326)
    b = gpd.GeoDataFrame(geometry=[shapely.box(121.6, 31.2, 121.7, 31.3)], crs=4326)
    assert bounds_of([a, b]) == (121.5, 31.1, 121.7, 31.3)
    assert bounds_of([]) is None and bounds_of([a.iloc[:0]]) is None


def test_uploads_are_private_and_cleaned(tmp_path, monkeypatch):
    import os
    import tempfile as tf
    from layers.io import uploads as ul
    monkeypatch.setattr(tf, "tempdir", str(tmp_path))
    path = ul.save_upload("../../etc/evil.geojson", b"{}")
    assert path.name == "evil.geojson" and path.parent.parent == tmp_path
    assert path.parent.name.startswith(ul.UPLOAD_PREFIX) and (path.parent.stat().st_mode & 0o777) == 0o700
    assert ul.save_upload("C:\\Users\\me\\地块.zip", b"x").name == "地块.zip"
    old = ul.save_upload("old.csv", b"a")
    os.utime(old.parent, (0, 0))
    assert ul.clean_stale_uploads() == 1 and not old.exists() and path.exists()
    ul.drop_upload(path)
    assert not path.parent.exists()
    ul.drop_upload(tmp_path / "not_an_upload" / "x")  # never removes anything else
    ul.drop_upload(None)


def test_reruns_reuse_measurements_and_overlays_of_the_same_frame_only():
    from layers.analysis.overlay import measure_layer, overlay_with
    frame = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.box(121.59, 31.20, 121.60, 31.21)], crs=4326)
    twin = frame.copy()
    assert measure_layer(frame) is measure_layer(frame)
    assert measure_layer(twin) is not measure_layer(frame) and measure_layer(twin) == measure_layer(frame)
    table, tot = overlay_with(frame, layer_id="science_city_2021")
    assert overlay_with(frame, layer_id="science_city_2021")[0] is table
    assert overlay_with(frame, layer_id="science_city_2017")[0] is not table
    other = gpd.GeoDataFrame(geometry=[shapely.box(121.595, 31.19, 121.61, 31.22)], crs=4326)
    t2, s2 = overlay_with(frame, other)
    assert overlay_with(frame, other)[0] is t2 and overlay_with(frame, other.copy())[0] is not t2
    assert s2["share"] == pytest.approx(0.5, abs=2e-4)
