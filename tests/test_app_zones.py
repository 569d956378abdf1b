"""Issue 16 in the app: the coverage tab runs a check for every zone at once (Streamlit's
AppTest, no browser). The zones are a planner's imported layer, a 3×3 grid of boxes over
the offline Helsinki test extract; the result is the zone table (sortable numbers, the
target met or not), its CSV (UTF-8 BOM) and GeoPackage (zones, gaps, table), and the
choropleth's arguments for the map. Bad zones (no polygons, no demand, far from the
extract) are one message each, and the app stays up."""
from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from streamlit.testing.v1 import AppTest

from geo.osm import extract_bounds, resolve_osm
from layers import coverage as cov
from layers.io import project
from layers.text import t
from tests.conftest import ROOT, open_project

HOSTILE = '<img src=x onerror="alert(1)">'


def grid(n: int = 3) -> gpd.GeoDataFrame:
    """``n``×``n`` boxes over the test extract, named 区1… (one name is hostile markup)."""
    x0, y0, x1, y1 = extract_bounds(resolve_osm("helsinki"))
    dx, dy = (x1 - x0) / n, (y1 - y0) / n
    cells = [shapely.box(x0 + i * dx, y0 + j * dy, x0 + (i + 1) * dx, y0 + (j + 1) * dy)
             for j in range(n) for i in range(n)]
    names = [f"区{k + 1}" for k in range(n * n)]
    names[0] = HOSTILE
    return gpd.GeoDataFrame({"街镇名称": names, "code": range(n * n)}, geometry=cells, crs="EPSG:4326")


def _zones_mode(app, layers: dict[str, gpd.GeoDataFrame], zones: str, check: str = "green5",
                demand: str = "residential_landuse"):
    app.session_state["imported"] = layers
    app.run()
    app.radio(key="cov_mode").set_value("zones").run()
    app.selectbox(key="covz_zones").set_value(zones).run()
    app.selectbox(key="cov_check").set_value(check).run()
    next(s for s in app.selectbox if s.key == "cov_demand_test").set_value(demand).run()
    return app


def _map_script(app) -> str:
    """The map's script as streamlit-folium receives it."""
    for el in app.get("component_instance"):
        args = json.loads(el.proto.json_args or "{}")
        if "script" in args:
            return args["script"]
    raise AssertionError("no map")


def _run(app):
    app.button(key="covz_run").click().run()
    assert not app.exception


def test_every_zone_at_once_table_downloads_and_map(app, downloads):
    _zones_mode(app, {"街镇": grid()}, "mine:街镇")
    assert app.selectbox(key="covz_col").value == "街镇名称"  # the name column is guessed
    _run(app)
    assert not app.error, [e.value for e in app.error]
    res = app.session_state["coverage_zones"]["result"]
    assert len(res.table) == 9 and res.check == "green5" and res.target == 0.85
    assert res.table["zone"].tolist()[0] == HOSTILE
    # headline figures and the table: numbers in percent (a header click sorts them as numbers)
    assert any(m.label == t("zh", "cov_share") and m.value.endswith("%") for m in app.metric)
    met = next(m for m in app.metric if m.label == t("zh", "covz_met_n"))
    assert met.value.endswith("/ 8")  # one cell has no housing: 8 zones with demand
    table = next(d.value for d in app.dataframe if t("zh", "covz_col_zone") in d.value.columns)
    share = table[t("zh", "covz_col_share")]
    assert len(table) == 9 and pd.api.types.is_float_dtype(share)
    assert share.dropna().between(0, 100).all() and share.isna().sum() == 1
    verdicts = table[t("zh", "covz_col_meets").format(target="85%")].tolist()
    assert set(verdicts) <= {"✓ 达标", "✗ 未达标", "无需求"} and verdicts.count("无需求") == 1
    assert verdicts[share.isna().to_numpy().argmax()] == "无需求"  # the empty share says why
    assert (table[t("zh", "covz_col_buffer")].dropna() >= share.dropna() - 1e-9).all()
    # the CSV: UTF-8 with a BOM, the table as shown
    csv = downloads["covz_csv"]
    assert csv[:3] == b"\xef\xbb\xbf"
    back = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert back.columns[0] == "分区" and back["分区"].tolist()[0] == HOSTILE and len(back) == 9
    # the GeoPackage: zones with their figures, the gaps, the table
    gpkg = downloads["covz_gpkg"]
    assert isinstance(gpkg, bytes) and gpkg[:16] == b"SQLite format 3\x00"
    # the map draws the choropleth, its legend and the escaped names
    html = _map_script(app)
    assert "zjChoropleth" in html and "zj-legend-choro" in html
    assert HOSTILE not in html and "onerror" in html  # only escaped


def test_the_geopackage_holds_zones_gaps_and_table(app, downloads, tmp_path):
    _zones_mode(app, {"街镇": grid()}, "mine:街镇", check="metro", demand="area")
    _run(app)
    assert not app.error, [e.value for e in app.error]
    path = tmp_path / "zones.gpkg"
    path.write_bytes(downloads["covz_gpkg"])
    names = [n for n, _ in pyogrio.list_layers(path)]
    assert names == ["zones", "gaps", "table"]
    zones = gpd.read_file(path, layer="zones")
    assert len(zones) == 9 and {"share", "share_buffer", "share_600", "share_800"} <= set(zones.columns)
    # metro has no target: no target column in the table, the verdict metric is left out
    table = next(d.value for d in app.dataframe if t("zh", "covz_col_zone") in d.value.columns)
    assert not any(c.startswith("目标") for c in table.columns)
    assert any(c == "覆盖率 (%) · 600 m" for c in table.columns)
    assert not any(m.label == t("zh", "covz_met_n") for m in app.metric)


def test_english_districts_and_the_mode_keeps_the_area(app):
    app.radio(key="lang_choice").set_value("English").run()
    app.selectbox(key="cov_area").set_value("extract").run()
    app.radio(key="cov_mode").set_value("zones").run()
    assert app.radio(key="cov_mode").label == "Run for"
    box = app.selectbox(key="covz_zones")
    assert box.value == "districts" and "Shanghai districts (16)" in box.options
    assert "towns" in (box.help or "") and "catalogue" in (box.help or "")
    _run(app)  # the districts are far from the Helsinki extract: one message, the app stays
    assert len(app.error) == 1 and "does not cover" in app.error[0].value
    app.radio(key="cov_mode").set_value("area").run()
    assert app.selectbox(key="cov_area").value == "extract"  # the area chosen before is kept


def test_english_table_headers(app):
    app.radio(key="lang_choice").set_value("English").run()
    _zones_mode(app, {"towns": grid()}, "mine:towns", demand="area")
    _run(app)
    table = next(d.value for d in app.dataframe if "Zone" in d.value.columns)
    assert {"Share along the network (%)", "Target 85%", "Demand (km²)"} <= set(table.columns)
    assert set(table["Target 85%"]) <= {"✓ met", "✗ not met"}
    assert any(b.label == "Table (CSV)" for b in app.get("download_button"))


def test_a_layer_without_polygons_is_a_message(app):
    points = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[shapely.Point(24.94, 60.17),
                                                              shapely.Point(24.945, 60.172)], crs="EPSG:4326")
    _zones_mode(app, {"站点": points}, "mine:站点")
    assert any("没有面要素" in w.value for w in app.warning), [w.value for w in app.warning]
    assert app.button(key="covz_run").disabled
    assert not app.exception


def test_zones_without_demand_and_far_away_are_messages(app):
    x0, y0, x1, y1 = extract_bounds(resolve_osm("helsinki"))
    dx, dy = (x1 - x0) / 3, (y1 - y0) / 3
    empty = gpd.GeoDataFrame({"name": ["无住宅"]}, geometry=[shapely.box(x0, y0 + dy, x0 + dx, y0 + 2 * dy)],
                             crs="EPSG:4326")
    far = gpd.GeoDataFrame({"name": ["远处"]}, geometry=[shapely.box(24.0, 60.5, 24.1, 60.6)], crs="EPSG:4326")
    _zones_mode(app, {"无住宅": empty, "远处": far}, "mine:无住宅")
    _run(app)
    assert len(app.error) == 1 and "没有需求" in app.error[0].value and "no demand" in app.error[0].value
    app.selectbox(key="covz_zones").set_value("mine:远处").run()
    _run(app)
    assert len(app.error) == 1 and "不覆盖" in app.error[0].value
    assert "coverage_zones" not in app.session_state
    assert any(m for m in app.radio if m.key == "cov_mode")  # the app is still up


def test_a_project_keeps_the_all_zones_mode_and_follows_a_renamed_layer(app):
    """Saved as the app's button saves it; opened in a session that has a layer of the same
    name already: the zones choice follows the project's layer to its new name."""
    _zones_mode(app, {"街镇": grid()}, "mine:街镇")
    app.selectbox(key="covz_col").set_value("code").run()
    data = project.to_bytes(project.Project(
        name="t", layers=dict(app.session_state["imported"]),
        coverage={"settings": cov.settings_from_state(app.session_state, "zh")}))

    at2 = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at2.run()
    at2.session_state["imported"] = {"街镇": grid(2)}  # the planner's own 街镇, not the project's
    at2.run()
    open_project(at2, "街镇.gpkg", data)
    assert not at2.exception and not at2.error
    assert list(at2.session_state["imported"]) == ["街镇", "街镇 (2)"]
    assert at2.radio(key="cov_mode").value == "zones"
    assert at2.selectbox(key="covz_zones").value == "mine:街镇 (2)"
    assert at2.selectbox(key="covz_col").value == "code"
    _run(at2)  # one click runs the saved check on the project's zones (9), not the session's (4)
    res = at2.session_state["coverage_zones"]["result"]
    assert len(res.table) == 9 and res.check == "green5" and res.zone_column == "code"


def test_a_project_shows_its_zones_result_again_without_a_run(app, downloads, monkeypatch, tmp_path):
    """Run, save with the app's own button, open in a new session: the same table and map,
    no check run; a damaged record is a note and the rest of the project still opens."""
    _zones_mode(app, {"街镇": grid()}, "mine:街镇")
    _run(app)
    before = next(d.value for d in app.dataframe if t("zh", "covz_col_zone") in d.value.columns)
    data = downloads["prj_save"]()  # the deferred download: what the button writes

    at2 = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at2.run()
    at2.session_state["imported"] = {"街镇": grid(2)}
    at2.run()
    import layers.coverage.zonal as zonal
    monkeypatch.setattr(zonal, "zone_coverage", lambda *a, **k: pytest.fail("the check ran again"))
    open_project(at2, "街镇.gpkg", data)
    assert not at2.exception and not at2.error
    kept = at2.session_state["coverage_zones"]
    assert kept["choice"] == "mine:街镇 (2)" and kept["zones_label"]["zh"] == "⬆ 街镇 (2)"
    after = next(d.value for d in at2.dataframe if t("zh", "covz_col_zone") in d.value.columns)
    pd.testing.assert_frame_equal(after, before)
    assert "zjChoropleth" in _map_script(at2)
    assert any("保存在项目文件 街镇.gpkg 中的结果" in c.value for c in at2.caption)  # said where it comes from
    assert not any("保存在项目文件" in c.value for c in app.caption)  # a run of this session is not
    path = tmp_path / "zones.gpkg"  # the GeoPackage download is written again from the kept result
    path.write_bytes(kept["gpkg"])
    assert pyogrio.list_layers(path)[:, 0].tolist() == ["zones", "gaps", "table"]

    # a damaged record: the layers open, the result is left out with a note
    loaded = project.from_bytes(data)
    loaded.coverage["zones_result"]["target"] = 7
    at3 = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at3.run()
    open_project(at3, "坏.gpkg", project.to_bytes(loaded))
    assert not at3.exception and "coverage_zones" not in at3.session_state
    assert list(at3.session_state["imported"]) == ["街镇"]
    message = at3.session_state["imp_message"]
    assert "已打开项目" in message and "项目中的分区结果无法使用 (target)" in message

    # a failure nobody foresaw while rebuilding: a note too, never a crash of the app
    def broken(*args, **kwargs):
        raise RuntimeError("unforeseen")

    monkeypatch.setattr(cov, "zone_result", broken)
    at4 = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at4.run()
    open_project(at4, "街镇.gpkg", data)
    assert not at4.exception and "coverage_zones" not in at4.session_state
    assert list(at4.session_state["imported"]) == ["街镇"]
    assert "项目中的分区结果无法使用 (RuntimeError)" in at4.session_state["imp_message"]
