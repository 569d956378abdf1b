"""The app's import panel, "My layers" tab and project files, driven by Streamlit's AppTest.

The planner's path of the issue: a GBK Shapefile in Gauss-Krüger coordinates without a
.prj is uploaded, its CRS confirmed, checked against the 2021 boundary, saved as a
project and reopened in a new session with the coverage settings. Then hostile files go
through the same panel one after another: each is a message, the app stays up and the
planner's layer stays.
"""
from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from streamlit.testing.v1 import AppTest

import layers
from layers import coverage as cov
from layers.io import project
from tests.conftest import ROOT, open_project
from tests.corpus_gen import CASES
from tests.test_hostile_corpus import _manifest_cases
from tests.test_import import write_shp_zip

GEOD = Geod(ellps="WGS84")


def parcels() -> gpd.GeoDataFrame:
    """Three 1 km-ish parcels around points of the 2021 boundary; GBK-only names."""
    inner = layers.load("science_city_2021").geometry.iloc[0].representative_point()
    cells = [shapely.box(inner.x + 0.01 * i - 0.005, inner.y - 0.005, inner.x + 0.01 * i + 0.005, inner.y + 0.005)
             for i in range(2)] + [shapely.box(121.95, 30.90, 121.96, 30.91)]  # Lingang, outside
    return gpd.GeoDataFrame({"地块名称": ["张江一号地块", "张江二号地块", "临港对照地块"], "用地": ["M2", "G1", "R2"]},
                            geometry=cells, crs="EPSG:4326")


def _upload(at, name: str, data: bytes) -> None:
    up = next(u for u in at.file_uploader if u.key and u.key.startswith("imp_up_"))
    up.set_value((name, data, "application/octet-stream"))
    at.button(key="imp_go").click().run()  # a form: the file goes with the submit
    assert not at.exception, at.exception


def test_gk_gbk_shapefile_to_map_check_project_and_back(app, tmp_path):
    want = parcels()
    path = write_shp_zip(want.to_crs("EPSG:4550"), tmp_path, "控规", encoding="GBK", prj=False, cpg=False)
    _upload(app, "控规.zip", path.read_bytes())
    # no .prj: the planner is asked, Gauss-Krüger CM 123°E first
    assert any("请确认" in w.value for w in app.warning), [w.value for w in app.warning]
    options = app.radio(key="imp_cand").options
    assert options[0].startswith("EPSG:4550") and any(o.startswith("EPSG:32651") for o in options)
    app.button(key="imp_use").click().run()
    assert not app.exception and not app.error
    got = app.session_state["imported"]["控规"]
    assert list(got["地块名称"]) == list(want["地块名称"])
    d = GEOD.inv(*shapely.get_coordinates(shapely.orient_polygons(got.geometry.to_numpy())).T,
                 *shapely.get_coordinates(shapely.orient_polygons(want.geometry.to_numpy())).T)[2]
    assert d.max() < 0.01  # metres: GK -> WGS84 is exact
    assert any("GBK" in s.value for s in app.success)

    # My layers: measured and checked against the 2021 boundary
    metrics = {m.label: m.value for m in app.metric}
    area = sum(abs(GEOD.geometry_area_perimeter(g)[0]) for g in want.geometry) / 1e6
    assert metrics["要素数"] == "3" and metrics["面积"] == f"{area:,.3f} km²"
    app.selectbox(key="mine_against").set_value("layer:science_city_2021").run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["相交要素"] == "2 / 3"
    cells = [abs(GEOD.geometry_area_perimeter(g)[0]) for g in want.geometry]
    assert metrics["面积占比"] == f"{sum(cells[:2]) / sum(cells):.1%}"  # two cells inside, one far outside

    # searched by name, and shown on the map's data
    app.text_input(key="search_q").set_value("二号").run()
    assert any(s.key and s.key.startswith("own_pick") for s in app.selectbox)

    # coverage settings and a drawing go into the project with the layer
    app.session_state["drawings"] = [{"type": "Feature", "properties": {"note": "<b>x</b>"},
                                      "geometry": {"type": "Point", "coordinates": [121.59, 31.2]}}]
    app.number_input(key="cov_min").set_value(7.0).run()
    data = project.to_bytes(project.Project(
        name="t", layers=dict(app.session_state["imported"]), drawings=list(app.session_state["drawings"]),
        coverage={"settings": cov.settings_from_state(app.session_state, "zh")}))  # as the app's save does

    # tomorrow: a new session opens the project
    at2 = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at2.run()
    open_project(at2, "控规项目.gpkg", data)
    assert not at2.exception and not at2.error
    back = at2.session_state["imported"]["控规"]
    assert list(back["地块名称"]) == list(want["地块名称"]) and list(back["用地"]) == ["M2", "G1", "R2"]
    assert shapely.equals_exact(back.geometry.to_numpy(), got.geometry.to_numpy(), 1e-12).all()
    assert at2.session_state["drawings"][0]["properties"] == {"note": "<b>x</b>"}
    assert at2.number_input(key="cov_min").value == 7.0


def test_hostile_files_are_messages_and_the_planners_layer_stays(app, tmp_path):
    _upload(app, "mine.geojson", parcels().to_json().encode())
    assert list(app.session_state["imported"]) == ["mine"]
    seen, cases = set(), []
    for c in CASES + _manifest_cases():  # one of each error kind, and every hand-made file
        kind = (c.error.__name__, c.kind)
        if not c.kwargs and c.kind != "zip_many_shp" and (kind not in seen or c.id.startswith("handmade")):
            seen.add(kind)
            cases.append(c)
    assert len(cases) >= 20
    for case in cases:
        path = case.make(tmp_path)
        _upload(app, path.name, path.read_bytes())
        errors = [e.value for e in app.error]
        assert any(case.contains in e for e in errors), (case.id, errors)
        assert list(app.session_state["imported"]) == ["mine"], case.id
    # the app still answers: a good file imports after all that
    _upload(app, "after.geojson", parcels().iloc[:1].to_json().encode())
    assert list(app.session_state["imported"]) == ["mine", "after"]
    assert not app.error


def test_mixed_split_and_geopackage_layer_choice(app, tmp_path):
    mixed = parcels()
    mixed.loc[2, "geometry"] = mixed.geometry.iloc[2].centroid
    _upload(app, "mixed.geojson", mixed.to_json().encode())
    assert any("混合" in e.value for e in app.error)
    app.checkbox(key="imp_split").check()
    _upload(app, "mixed.geojson", mixed.to_json().encode())
    assert sorted(app.session_state["imported"]) == ["mixed (point)", "mixed (polygon)"]
    app.button(key="imp_rm_mixed (point)").click().run()  # removing one layer leaves the other
    assert list(app.session_state["imported"]) == ["mixed (polygon)"]

    gpkg = tmp_path / "survey.gpkg"
    parcels().to_file(gpkg, layer="parcels", driver="GPKG")
    parcels().iloc[:1].to_file(gpkg, layer="one", driver="GPKG")
    _upload(app, "survey.gpkg", gpkg.read_bytes())
    assert app.selectbox(key="imp_layer").options == ["parcels", "one"]
    app.selectbox(key="imp_layer").set_value("one").run()
    app.button(key="imp_go_layer").click().run()
    assert not app.exception
    assert "survey · one" in app.session_state["imported"]


def test_swapped_csv_fixed_with_the_offered_swap(app):
    csv = "名称,lat,lon\n张江,121.5877,31.2028\n光源,121.5963,31.1936\n".encode("gbk")
    _upload(app, "sites.csv", csv)
    assert any("经纬度似乎颠倒" in e.value for e in app.error), [e.value for e in app.error]
    opts = app.radio(key="imp_cand").options
    assert "swap" in opts[0]
    app.button(key="imp_use").click().run()
    got = app.session_state["imported"]["sites"]
    np.testing.assert_allclose(shapely.get_coordinates(got.geometry.to_numpy()),
                               [[121.5877, 31.2028], [121.5963, 31.1936]], atol=1e-9)


def test_imported_layer_as_a_coverage_input_and_against_the_gaps(app):
    """The offline test extract is Helsinki; a layer there is put into the session as an import
    would (imports are limited to Shanghai) and used as the green-space input."""
    from layers.coverage import area_geometry
    from geo.osm import resolve_osm
    ext = area_geometry("extract", resolve_osm("test"))[1]
    c = ext.centroid
    green = gpd.GeoDataFrame({"name": ["我的绿地"]}, geometry=[shapely.box(c.x - 0.002, c.y - 0.001, c.x + 0.002,
                                                                           c.y + 0.001)], crs="EPSG:4326")
    probe = gpd.GeoDataFrame({"name": ["whole extract"]}, geometry=[ext], crs="EPSG:4326")
    app.session_state["imported"] = {"my green": green, "probe": probe}
    app.run()
    app.selectbox(key="cov_own_green").set_value("my green").run()
    next(s for s in app.selectbox if s.key and s.key.startswith("cov_demand_")).set_value("area").run()
    app.button(key="cov_run").click().run()
    assert not app.exception
    result = app.session_state["coverage"]
    assert list(result["layers"]["source"]["name"]) == ["我的绿地"]
    share = result["figures"]["share"]
    assert 0 < share < 1
    app.selectbox(key="mine_layer").set_value("probe").run()
    app.selectbox(key="mine_against").set_value("gaps").run()
    metrics = {m.label: m.value for m in app.metric}
    gaps = result["layers"]["gap"].to_crs(3067).union_all()
    want = gaps.intersection(probe.to_crs(3067).geometry.iloc[0]).area / probe.to_crs(3067).area.iloc[0]
    assert metrics["面积占比"] == f"{want:.1%}"
    saved = cov.settings_from_state(app.session_state, "zh")
    assert saved["own_green"] == "my green" and saved["demand"] == "area"
    assert json.loads(json.dumps(saved)) == saved  # JSON-able, as a project keeps it


def test_english_panel_and_tab(app):
    app.radio(key="lang_choice").set_value("English").run()
    up = next(u for u in app.file_uploader if u.key and u.key.startswith("imp_up_"))
    assert up.label.startswith("Layer file")
    up.set_value(("sites.csv", "name,lon,lat\nZhangjiang,121.5877,31.2028\n".encode(), "text/csv"))
    app.button(key="imp_go").click().run()
    assert not app.exception and not app.error
    assert any(s.value.startswith("Imported: sites") for s in app.success)
    labels = {m.label for m in app.metric}
    assert {"Features", "Features touching", "Share of area"} <= labels
    gk123 = next(o for o in app.selectbox(key="imp_crs").options if o.startswith("EPSG:4550"))
    assert "CGCS2000 3° Gauss-Krüger CM 123°E" in gk123
