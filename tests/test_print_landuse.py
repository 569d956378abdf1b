"""The "landuse" print preset: a control-plan layer in its land-use colours, its legend and its
land-use balance table beside it (layers.printing.table), from the API, the CLI and the app."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import matplotlib
import pytest

import layers.printing as pm
from geo.landuse.balance import balance_table
from layers.io.importer import read_layer
from layers.printing.table import TABLE_PANEL_MM, draw_balance_table, landuse_inputs, table_lines
from tests.conftest import ROOT
from tests.landuse_synth import write_parcels

matplotlib.use("Agg")
DATE = "2026-12-04"
POPPLER = shutil.which("pdftotext") is not None
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) not installed")


@pytest.fixture(scope="module")
def parcels(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print_lu")
    gb = write_parcels(folder / "控规.zip", system="gb50137", n=300)
    new = write_parcels(folder / "控规2023.zip", system="gtkj2023", n=300)
    return {"gb": (gb, read_layer(str(gb.path)).frame), "gtkj": (new, read_layer(str(new.path)).frame)}


def _pdf_text(fig, path) -> str:
    pdf = pm.save(fig, path)
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def _render(frame, level: int = 1, lang: str = "zh", paper: str = "A3"):
    column, style, table = landuse_inputs(frame, level=level)
    fig = pm.render("landuse", lang=lang, paper=paper, date=DATE, overlays={"控规": frame},
                    overlay_styles={"控规": style}, table=table)
    return fig, style, table


@needs_poppler
def test_a3_pdf_has_the_table_and_the_classes(parcels, tmp_path):
    synth, frame = parcels["gb"]
    fig, style, table = _render(frame)
    info = fig.zj_print
    assert info.preset == "landuse" and info.paper == "A3" and info.overlays == ["控规"]
    flat = _pdf_text(fig, tmp_path / "lu.pdf")
    assert "用地平衡表(GB50137-2011城市用地分类,第1级)" in flat
    for header in ("代码", "用地名称", "面积(ha)", "占比(%)"):
        assert header in flat
    for name in ("居住用地", "公共管理与公共服务设施用地", "工业用地", "绿地与广场用地", "合计"):
        assert name in flat, name
    assert f"{synth.total_m2 / 1e4:,.2f}" in flat  # the total, ellipsoidal, as the synthetic file computed it
    for code, m2 in synth.expected["gb50137"][1].items():
        assert f"{m2 / 1e4:,.2f}" in flat, code
    for c in style.classes:  # the legend: each class of the layer's style
        assert re.sub(r"\s+", "", c.label) in flat, c.label
    assert "X9×1" in flat  # the unknown codes under the table


def test_layout_map_legend_table_side_by_side(parcels):
    _, frame = parcels["gb"]
    fig, _, _ = _render(frame, paper="A4")
    boxes = {a.get_gid(): a.get_position() for a in fig.axes}
    m, legend, table = boxes["map"], boxes["legend-panel"], boxes["balance-table"]
    assert m.x1 < legend.x0 < legend.x1 < table.x0 < table.x1 <= 1.0
    assert abs(table.width * 297.0 - TABLE_PANEL_MM) < 0.5  # A4: the panel's width as set
    extent = fig.zj_print.extent  # the map is the parcel layer's extent, not the whole Science City
    assert (extent[2] - extent[0]) < 5_000 and (extent[3] - extent[1]) < 5_000
    assert [t.get_text() for t in fig.findobj(lambda a: a.get_gid() == "table-total")][:2] == ["", "合计"]


@needs_poppler
def test_2023_codes_level_2_in_english(parcels, tmp_path):
    synth, frame = parcels["gtkj"]
    fig, style, table = _render(frame, level=2, lang="en")
    assert style.system == "gtkj2023" and table.level == 2
    flat = _pdf_text(fig, tmp_path / "lu_en.pdf")
    assert "Land-usebalance" in flat and "total" in flat
    assert "subtotal" in flat
    assert f"{synth.total_m2 / 1e4:,.2f}" in flat


def test_rows_that_do_not_fit_give_way_before_the_total(parcels):
    _, frame = parcels["gb"]
    table = balance_table(frame, "用地代码", level=3)
    fig = matplotlib.figure.Figure(figsize=(6, 4))
    draw_balance_table(fig, (0.5, 0.5, 0.45, 0.3), table, "zh", 1.0)
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert any(t.startswith("… 另有") for t in texts)
    assert "合计" in texts
    assert len(table_lines(table, "zh")) > sum(1 for t in texts if t == "合计") + 5


def test_the_cli(parcels, tmp_path):
    synth, _ = parcels["gb"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "layers", "map", "landuse", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)

    out = tmp_path / "cli.pdf"
    ok = run("--overlay", str(synth.path), "--landuse-column", "用地代码", "--out", str(out), "--date", DATE)
    assert ok.returncode == 0, ok.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "用地代码" in ok.stderr and "gb50137" in ok.stderr
    if POPPLER:
        flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                                 check=True).stdout)
        assert "合计" in flat and f"{synth.total_m2 / 1e4:,.2f}" in flat
    found = run("--overlay", str(synth.path), "--landuse-level", "2", "--out", str(tmp_path / "l2.pdf"))
    assert found.returncode == 0, found.stderr  # the code column found without --landuse-column
    missing = run("--out", str(tmp_path / "none.pdf"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: ") and "--overlay" in missing.stderr
    bad = run("--overlay", str(synth.path), "--landuse-column", "没有这一列", "--out", str(tmp_path / "bad.pdf"))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "没有这一列" in bad.stderr
    assert not (tmp_path / "bad.pdf").exists()


@needs_poppler
def test_the_app_print_panel_offers_the_preset_once_a_layer_has_a_land_use_style(app, parcels, tmp_path):
    _, frame = parcels["gb"]
    app.session_state["imported"] = {"控规": frame}
    app.run()
    title = pm.PRESETS["landuse"].title("zh")
    assert title not in app.selectbox(key="print_preset").options
    app.selectbox(key="sty_kind").set_value("landuse").run()
    assert title in app.selectbox(key="print_preset").options
    app.selectbox(key="print_preset").set_value("landuse").run()
    assert app.selectbox(key="print_lu_layer").value == "控规"
    app.radio(key="print_lu_level").set_value(2).run()
    app.button(key="print_make").click().run()
    assert not app.exception and not app.error
    name, data, fmt = app.session_state["print_file"]
    assert fmt == "pdf" and "landuse" in name
    path = tmp_path / name
    path.write_bytes(data)
    flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    assert "第2级" in flat and "居住用地小计" in flat and "⬆控规" in flat
