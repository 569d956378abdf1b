"""Issue 15: a planner imports a 控规 layer and within a minute presents its land-use map and its
land-use balance table (用地平衡表); the style is kept in the project file.

Driven by Streamlit's AppTest: the synthetic control plan of tests/landuse_synth.py (a GBK
zipped Shapefile in Gauss-Krüger CM 123°E) goes through the import panel; "My layers" styles
it as land use (code column and system found), the map's legend lists the classes in their
standard colours, the balance table's total is the layer's geodesic area (computed in the
synthetic file with pyproj only), CSV and XLSX are offered; the project saved by the app's own
button reopens in a fresh session with the same style. Other styles (category, graduated,
status, one colour), a style that no longer fits, a removed layer and a damaged style in a
project file follow.
"""
from __future__ import annotations

import html
import io
import json

import geopandas as gpd
import pytest
import shapely
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from geo.landuse.balance import HEADERS
from layers.io import project
from layers.styling import Style
from tests.conftest import ROOT, open_project
from tests.landuse_synth import write_parcels

N = 160
AREA_HA = HEADERS["area_ha"].get("zh")
NAME = HEADERS["name"].get("zh")


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    return write_parcels(tmp_path_factory.mktemp("lu") / "控规.zip", system="gb50137", n=N)


def _upload(at: AppTest, name: str, data: bytes) -> None:
    up = next(u for u in at.file_uploader if u.key and u.key.startswith("imp_up_"))
    up.set_value((name, data, "application/zip"))
    at.button(key="imp_go").click().run()
    assert not at.exception, at.exception


def _map_html(at: AppTest) -> str:
    """The map the app sent: streamlit-folium's HTML and script."""
    args = json.loads(at.get("component_instance")[0].proto.json_args)
    return args["html"] + args["script"]


def _balance(at: AppTest):
    return next(df.value for df in at.dataframe if AREA_HA in df.value.columns)


def test_control_plan_to_landuse_map_balance_table_and_project(app, synth, downloads):
    _upload(app, "控规.zip", synth.path.read_bytes())
    assert list(app.session_state["imported"]) == ["控规"] and not app.error
    app.selectbox(key="sty_kind").set_value("landuse").run()
    assert not app.exception and not app.error
    assert app.selectbox(key="sty_lu_col").value == "用地代码"  # found, not 地块编号
    assert app.selectbox(key="sty_lu_sys").value == "auto"
    assert any("GB 50137-2011" in c.value for c in app.caption)
    saved = app.session_state["styles"]["控规"]
    style = Style.from_dict(saved)
    assert style.kind == "landuse" and style.system == "gb50137" and style.column == "用地代码"

    # the map: the layer's legend lists every class with its colour
    page = _map_html(app)
    for c in style.classes:
        assert html.escape(c.label) in page and c.colour.lower() in page.lower(), c.label
    assert "R21 住宅用地" in page and "⬆ 控规" in page

    # unknown codes listed with their parcels
    unknown = synth.unknown["gb50137"]
    listed = next(df.value for df in app.dataframe if "地块数" in df.value.columns and "代码" in df.value.columns
                  and len(df.value) == len(unknown))
    assert dict(zip(listed["代码"], listed["地块数"])) == unknown

    # the balance table: total = the layer's geodesic area (pyproj, in landuse_synth)
    table = _balance(app)
    total = table[table[NAME] == "合计"].iloc[0]
    assert abs(total[AREA_HA] - synth.total_m2 / 1e4) < 0.006
    assert abs(total["面积 (km²)"] - synth.total_m2 / 1e6) < 1e-5
    assert abs(total[HEADERS["share"].get("zh")] - 100.0) < 1e-9
    for code, m2 in synth.expected["gb50137"][1].items():
        row = table[table[HEADERS["code"].get("zh")] == code].iloc[0]
        assert abs(row[AREA_HA] - m2 / 1e4) < 0.006, code
    assert any("X9" in c.value and "未识别" in c.value for c in app.caption)
    csv = downloads["bal_csv"]
    assert isinstance(csv, bytes) and csv.startswith(b"\xef\xbb\xbf") and "合计" in csv.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(downloads["bal_xlsx"]))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[-1][1] == "合计" and abs(rows[-1][3] - synth.total_m2 / 1e4) < 1e-3

    # 中类 with subtotals; zones: the 2021 Science City boundary
    app.radio(key="bal_level").set_value(2).run()
    table = _balance(app)
    for code, m2 in synth.expected["gb50137"][2].items():
        rows2 = table[table[HEADERS["code"].get("zh")] == code]
        assert abs(rows2.iloc[-1][AREA_HA] - m2 / 1e4) < 0.006, code
    assert any(n.endswith("小计") for n in table[NAME])
    app.selectbox(key="bal_zones").set_value("catalogue:science_city_2021").run()
    assert not app.exception and not app.error
    assert any("分区外" in c for c in _balance(app).columns)

    # the project, saved by the app's own button, reopens in a fresh session with the same style
    data = downloads["prj_save"]()
    assert project.from_bytes(data).styles == {"控规": saved}
    at2 = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at2.run()
    open_project(at2, "控规项目.gpkg", data)
    assert not at2.exception and not at2.error
    assert at2.session_state["styles"] == {"控规": saved}
    assert at2.selectbox(key="sty_kind").value == "landuse"
    assert all(html.escape(c.label) in _map_html(at2) for c in style.classes)
    # opened again: the clashing layer is renamed and keeps its style under the new name
    open_project(at2, "控规项目.gpkg", data)
    assert at2.session_state["styles"] == {"控规": saved, "控规 (2)": saved}


def test_other_styles_on_the_map(app):
    cells = [shapely.box(121.60 + 0.002 * i, 31.20, 121.6015 + 0.002 * i, 31.2015) for i in range(6)]
    frame = gpd.GeoDataFrame({"名称": [f"项目{i}" for i in range(6)], "类型": ["产业", "产业", "住宅", "住宅", "绿地", "产业"],
                              "投资": [1.0, 5.0, 12.0, 40.0, 90.0, 300.0],
                              "状态": ["在建", "新开工", "储备", "竣工", "在建", "前期"]},
                             geometry=cells, crs="EPSG:4326")
    app.session_state["imported"] = {"项目": frame}
    app.run()
    app.selectbox(key="sty_kind").set_value("category").run()
    assert app.selectbox(key="sty_cat_col").value == "类型"
    assert all(v in _map_html(app) for v in ("产业 (3)", "住宅 (2)", "绿地 (1)"))
    app.selectbox(key="sty_palette").set_value("tol_muted").run()
    assert app.session_state["styles"]["项目"]["palette"] == "tol_muted"

    app.selectbox(key="sty_kind").set_value("graduated").run()
    app.selectbox(key="sty_method").set_value("natural_breaks").run()
    app.slider(key="sty_k").set_value(3).run()
    d = app.session_state["styles"]["项目"]
    assert d["kind"] == "graduated" and d["method"] == "natural_breaks" and d["column"] == "投资" and d["k"] == 3
    assert all(html.escape(c["label"]) in _map_html(app) for c in d["classes"])

    app.selectbox(key="sty_kind").set_value("status").run()
    assert app.selectbox(key="sty_st_col").value == "状态"
    assert set(app.multiselect(key="sty_st_filter").value) == {"under_construction", "new_start", "reserve",
                                                                 "completed"}
    app.multiselect(key="sty_st_filter").set_value(["under_construction"]).run()
    d = app.session_state["styles"]["项目"]
    assert d["kind"] == "status" and d["filter_values"] == ["under_construction"]
    assert "显示 2 / 6 个要素 (已筛选)" in _map_html(app) and "在建 (2)" in _map_html(app)

    app.selectbox(key="sty_kind").set_value("single").run()
    assert app.session_state["styles"]["项目"]["kind"] == "single"
    app.selectbox(key="sty_kind").set_value("none").run()
    assert "项目" not in app.session_state["styles"]
    assert not app.exception and not app.error


def test_a_style_that_no_longer_fits_and_a_removed_layer(app, synth):
    from layers.io.importer import read_layer
    frame = read_layer(str(synth.path)).frame
    app.session_state["imported"] = {"控规": frame}
    app.run()
    app.selectbox(key="sty_kind").set_value("landuse").run()
    assert "控规" in app.session_state["styles"]
    # the layer loses its code column (replaced by a version without it): the style is dropped, said once
    app.session_state["imported"] = {"控规": frame.drop(columns=["用地代码"])}
    app.run()
    assert any("样式已不适用" in w.value for w in app.warning)
    assert app.session_state["styles"] == {}
    app.run()
    assert not any("样式已不适用" in w.value for w in app.warning)
    # removed: its style goes with it
    app.session_state["imported"] = {"控规": frame}
    app.run()
    app.selectbox(key="sty_kind").set_value("landuse").run()
    assert "控规" in app.session_state["styles"]
    app.button(key="imp_rm_控规").click().run()
    assert app.session_state["styles"] == {} and not app.exception


def test_a_damaged_style_in_a_project_is_left_out_with_a_note(app, synth):
    from layers.io.importer import read_layer
    frame = read_layer(str(synth.path)).frame
    good = Style.from_dict({"kind": "single", "classes": [{"label": "全部", "colour": "#0072B2"}]}).to_dict()
    data = project.to_bytes(project.Project(
        name="t", layers={"控规": frame, "另一": frame.iloc[:5]},
        styles={"控规": {"kind": "landuse", "column": "没有这一列", "classes": [{"label": "R", "colour": "#FFFF00"}]},
                "另一": good, "不存在": good}))
    loaded = project.from_bytes(data)
    assert loaded.styles == {"另一": good}  # "不存在" names no layer of the project: never written
    open_project(app, "p.gpkg", data)
    assert not app.exception
    assert app.session_state["styles"] == {"另一": good}
    assert any("1 个图层样式" in s.value for s in app.success), [s.value for s in app.success]
