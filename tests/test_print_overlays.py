"""The planner's own layers on printed maps: drawn over the preset in their own style, named in
the legend ("⬆ name", as plain text), credited in the footer, inside the extent; bad ones left
out with a warning; ``python -m layers map --overlay FILE``; the app's print panel."""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import warnings

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from shapely.geometry import LineString, Point, Polygon, box

import layers
import layers.printing as pm
from geo import settings
from geo.errors import PrintError
from layers.printing.overlays import OVERLAY_COLOURS, plain
from tests.conftest import ROOT

DATE = "2026-12-04"
#: A name with Chinese, markup and mathtext: printed exactly as written.
HOSTILE = "描绘: 张江科学城 <b>x</b> $a$"
SOURCE = "科学城四至描述; OSM extract shanghai-latest.osm.pbf (© OpenStreetMap contributors, ODbL)"
METHOD = "traced along OSM ways from the description (4 edges, 37 ways, 0 gaps bridged) on 2026-12-04"
POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdftoppm"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) not installed")


def _inside_2017() -> Polygon:
    """A quadrilateral well inside the 2017 Science City boundary."""
    sc = layers.load("science_city_2017").geometry.union_all()
    c = sc.representative_point()
    poly = Polygon([(c.x - 0.015, c.y - 0.02), (c.x + 0.015, c.y - 0.02), (c.x + 0.02, c.y + 0.02),
                    (c.x - 0.01, c.y + 0.025)])
    assert sc.contains(poly)
    return poly


def _traced(geom=None, **cols) -> gpd.GeoDataFrame:
    attrs = {"source": [SOURCE], "method": [METHOD], "date": [DATE], **{k: [v] for k, v in cols.items()}}
    return gpd.GeoDataFrame(attrs, geometry=[geom or _inside_2017()], crs=settings.WGS84)


def _legend_texts(fig) -> list[str]:
    leg = next(a for a in fig.axes if a.get_gid() == "legend-panel").get_legend()
    return [t.get_text() for t in leg.get_texts()]


def _map_ax(fig):
    return next(a for a in fig.axes if a.get_gid() == "map")


def _by_gid(fig, gid: str) -> list:
    return list(fig.findobj(lambda a: a.get_gid() == gid))


@pytest.fixture(scope="module")
def printed():
    """One A4 boundaries map with the hostile-named traced overlay (rendered once for several tests)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = pm.render("boundaries", paper="A4", date=DATE, overlays={HOSTILE: _traced()})
    assert not [w for w in caught if issubclass(w.category, pm.OverlayWarning)]
    return fig


# --- drawing, legend, footer -------------------------------------------------------------------

def test_overlay_is_drawn_above_the_preset_in_its_own_style(printed):
    info = printed.zj_print
    assert info.overlays == [HOSTILE] and info.overlays_skipped == []
    outline = [c for c in _by_gid(printed, "overlay-0") if c.get_facecolor().size == 0
               or np.allclose(c.get_facecolor()[:, 3], 0)]
    assert outline, "the overlay's outline is drawn"
    edge = outline[0].get_edgecolor()[0]
    assert np.allclose(edge, to_rgba(OVERLAY_COLOURS[0]))
    assert outline[0].get_linewidth()[0] == pytest.approx(2.0, rel=0.01)  # 2 pt on A4
    catalogue = [a.get_zorder() for gid in info.layers for a in _by_gid(printed, gid)]
    assert catalogue and outline[0].get_zorder() > max(catalogue)
    labels = [a.get_zorder() for a in printed.findobj(lambda a: str(a.get_gid()).startswith("label-"))]
    assert not labels or outline[0].get_zorder() < min(labels)  # names stay readable on top
    fill = [c for c in _by_gid(printed, "overlay-0") if c not in outline]
    assert all(c.get_facecolor()[0, 3] < 0.15 for c in fill), "a faint fill, the plan stays readable"


def test_legend_names_the_overlay_as_plain_text(printed):
    texts = _legend_texts(printed)
    assert f"⬆ {HOSTILE}" in texts
    leg = next(a for a in printed.axes if a.get_gid() == "legend-panel").get_legend()
    t = next(t for t in leg.get_texts() if HOSTILE in t.get_text())
    assert t.get_parse_math() is False and t.get_usetex() is False
    row = next(r for r in printed.zj_print.legend_rows if r.label == f"⬆ {HOSTILE}")
    assert row.kind == "polygon" and row.style["color"] == OVERLAY_COLOURS[0]
    # after the plan layers, before the context (districts)
    labels = [r.layer for r in printed.zj_print.legend_rows]
    assert labels.index("overlay-0") > labels.index("science_city_2017")
    assert labels.index("overlay-0") < labels.index("districts")


def test_footer_credits_the_overlay_source_and_method(printed):
    footer = printed.zj_print.footer
    assert f"⬆ {HOSTILE} — " in footer and SOURCE in footer and METHOD in footer
    assert footer.index("我的图层") < footer.index("制图日期")
    ftxt = _by_gid(printed, "footer")[0]
    assert ftxt.get_parse_math() is False


def test_pdf_text_and_png_pixels(printed, tmp_path):
    """The PDF's text layer holds the name as written; the PNG shows the outline on the polygon's edge."""
    dpi = 100
    png = pm.save(printed, tmp_path / "o.png", dpi=dpi)
    ax = _map_ax(printed)
    info = printed.zj_print
    poly = gpd.GeoSeries([_inside_2017()], crs=settings.WGS84).to_crs(info.crs).iloc[0]
    xy = np.asarray(poly.exterior.coords)
    import matplotlib.image as mpimg
    img = (mpimg.imread(png)[:, :, :3] * 255).astype(int)
    want = np.array([int(OVERLAY_COLOURS[0][i:i + 2], 16) for i in (1, 3, 5)])
    hits = 0
    for a, b in zip(xy[:-1], xy[1:]):  # the middle of each edge
        px, py = ax.transData.transform((a + b) / 2) * dpi / printed.dpi
        col, row = int(round(px)), int(round(img.shape[0] - py))
        win = img[row - 3:row + 4, col - 3:col + 4].reshape(-1, 3)
        hits += bool((np.abs(win - want).sum(axis=1) < 60).any())
    assert hits == len(xy) - 1, f"outline colour found at {hits} of {len(xy) - 1} edges"
    # far from the overlay (the map's corner): no overlay colour
    corner = img[int(img.shape[0] * 0.2):int(img.shape[0] * 0.25), int(img.shape[1] * 0.05):int(img.shape[1] * 0.1)]
    assert not (np.abs(corner.reshape(-1, 3) - want).sum(axis=1) < 60).any()

    if not POPPLER:
        pytest.skip("poppler-utils not installed")
    pdf = pm.save(printed, tmp_path / "o.pdf")
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", out)
    assert re.sub(r"\s+", "", f"⬆ {HOSTILE}") in flat
    assert "tracedalongOSMways" in flat


# --- extent ------------------------------------------------------------------------------------

def test_extent_grows_to_an_overlay_partly_outside(printed):
    base = printed.zj_print
    x0, y0, x1, y1 = base.extent
    # a box from inside the default view to well beyond its north-east corner
    from pyproj import Transformer
    to_geo = Transformer.from_crs(base.crs, settings.WGS84, always_xy=True)
    lon_in, lat_in = to_geo.transform(x1 - 0.2 * (x1 - x0), y1 - 0.2 * (y1 - y0))
    lon_out, lat_out = to_geo.transform(x1 + 0.5 * (x1 - x0), y1 + 0.3 * (y1 - y0))
    far = box(lon_in, lat_in, lon_out, lat_out)
    fig = pm.render("boundaries", paper="A4", date=DATE, overlays={"外扩": _traced(far)})
    info = fig.zj_print
    b = gpd.GeoSeries([far], crs=settings.WGS84).to_crs(info.crs).total_bounds
    e = info.extent
    assert e[0] <= b[0] and e[1] <= b[1] and e[2] >= b[2] and e[3] >= b[3]
    assert (e[2] - e[0]) > (x1 - x0) * 1.2, "the map zooms out to show it"
    # the preset's own layers are still all in view
    sc = layers.load("science_city_2021").to_crs(info.crs).total_bounds
    assert e[0] <= sc[0] and e[2] >= sc[2] and e[1] <= sc[1] and e[3] >= sc[3]


# --- bad overlays: reprojected, or left out with a warning -----------------------------------------

def test_other_crs_is_reprojected_and_bad_overlays_are_reported():
    poly = _inside_2017()
    gk = _traced(poly).to_crs("EPSG:4549")  # CGCS2000 Gauss-Krüger, as Shanghai's planning data come
    nocrs = gpd.GeoDataFrame(geometry=[poly])  # declares no CRS
    empty = _traced().iloc[:0]
    helsinki = _traced(box(24.9, 60.1, 25.0, 60.2))
    mixed = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(poly.centroid.x, poly.centroid.y),
                             LineString(list(poly.exterior.coords)[:3])], crs=settings.WGS84)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = pm.render("boundaries", paper="A4", lang="en", date=DATE,
                        overlays={"gk": gk, "nocrs": nocrs, "empty": empty, "helsinki": helsinki, "mixed": mixed})
    info = fig.zj_print
    assert info.overlays == ["gk", "mixed"]
    said = [str(w.message) for w in caught if issubclass(w.category, pm.OverlayWarning)]
    assert len(said) == 3 and len(info.overlays_skipped) == 3
    for name, why in (("nocrs", "coordinate reference system"), ("empty", "no geometry"), ("helsinki", "km")):
        assert any(m.startswith(f"{name}: ") and why in m for m in said), (name, said)
        assert any(name in n and why in n for n in info.notes), info.notes  # said on the map, too
    drawn = _by_gid(fig, "overlay-0")
    verts = np.concatenate([p.vertices for c in drawn for p in c.get_paths()])
    want = gpd.GeoSeries([poly], crs=settings.WGS84).to_crs(info.crs).total_bounds
    assert np.allclose([verts[:, 0].min(), verts[:, 1].min(), verts[:, 0].max(), verts[:, 1].max()], want, atol=1.0)
    kinds = {r.label: r.kind for r in info.legend_rows}
    assert kinds["⬆ gk"] == "polygon" and kinds["⬆ mixed"] == "line"
    assert "⬆ gk — " in info.footer and "⬆ mixed — no source given" in info.footer


def test_not_a_frame_is_a_print_error():
    with pytest.raises(PrintError, match="GeoDataFrame"):
        pm.render("boundaries", paper="A4", date=DATE, overlays={"x": [Point(121.6, 31.2)]})


def test_plain_names():
    assert plain("a\nb\t c\u202e d\x00e") == "a b c d e"
    assert plain("x" * 200).endswith("…") and len(plain("x" * 200)) == 80


def test_long_credits_take_room_from_the_map_not_the_footer():
    """Many overlays with long sources: the footer grows, the map frame gives way, nothing overlaps."""
    poly = _inside_2017()
    overlays = {f"图层 {i}": _traced(poly.buffer(-0.001 * i), source=f"来源 {i}: " + "很长的来源说明 " * 12)
                for i in range(5)}
    fig = pm.render("boundaries", paper="A4", date=DATE, overlays=overlays)
    base = pm.render("boundaries", paper="A4", date=DATE)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    r = FigureCanvasAgg(fig).get_renderer()
    fig.draw(r)
    footer = _by_gid(fig, "footer")[0].get_window_extent(r)
    frame = _map_ax(fig).get_window_extent(r)
    assert footer.y1 < frame.y0, "the footer stays under the map frame"
    assert _map_ax(fig).get_position().height < _map_ax(base).get_position().height
    assert all(f"⬆ 图层 {i}" in fig.zj_print.footer for i in range(5))


# --- command line ------------------------------------------------------------------------------

def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m layers")
    pm.register_cli(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_cli_overlay_files(tmp_path, capsys):
    geojson = tmp_path / "traced_science_city.geojson"
    _traced().to_file(geojson, driver="GeoJSON")
    gpkg = tmp_path / "two.gpkg"
    _traced(_inside_2017().buffer(0.01)).to_crs("EPSG:4549").to_file(gpkg, layer="ring", driver="GPKG")
    _traced(_inside_2017().centroid).to_file(gpkg, layer="spot", driver="GPKG")
    out = tmp_path / "m.png"
    args = _cli(["map", "boundaries", "--paper", "A4", "--dpi", "40", "--date", DATE, "--out", str(out),
                 "--overlay", str(geojson), "--overlay", f"{gpkg}::ring"])
    assert args.func(args) == 0, capsys.readouterr().err
    assert out.exists()
    # a GeoPackage of several layers needs ::LAYER; a file that is no geodata: a message, exit 1
    for bad, needle in ((str(gpkg), "::"), (str(tmp_path / "missing.geojson"), "missing.geojson")):
        args = _cli(["map", "boundaries", "--out", str(tmp_path / "x.pdf"), "--overlay", bad])
        assert args.func(args) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and needle in err and "Traceback" not in err


def test_cli_subprocess_overlay_and_a_broken_file(tmp_path):
    geojson = tmp_path / "mine.geojson"
    _traced(name_zh="我的").to_file(geojson, driver="GeoJSON")
    run = lambda *a: subprocess.run([sys.executable, "-m", "layers", "map", "boundaries", "--paper", "A4",  # noqa: E731
                                     "--date", DATE, *a], cwd=ROOT, capture_output=True, text=True, timeout=120)
    pdf = tmp_path / "m.pdf"
    ok = run("--out", str(pdf), "--overlay", str(geojson))
    assert ok.returncode == 0, ok.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if POPPLER:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "⬆ mine" in text
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    bad = run("--out", str(tmp_path / "b.pdf"), "--overlay", str(broken))
    assert bad.returncode in (1, 2) and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("error: ") and "broken.geojson" in bad.stderr
    assert not (tmp_path / "b.pdf").exists()


# --- the app's print panel ---------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore::layers.printing.overlays.OverlayWarning")  # the panel says it
def test_print_panel_overlays_an_imported_layer(app):
    app.session_state["imported"] = {HOSTILE: _traced(), "空图层": _traced().iloc[:0]}
    app.run()
    pick = app.multiselect(key="print_overlays")
    assert [o for o in pick.options] == [f"⬆ {HOSTILE}", "⬆ 空图层"]
    pick.set_value([HOSTILE, "空图层"]).run()
    app.selectbox(key="print_paper").set_value("A4")
    app.selectbox(key="print_format").set_value("png").run()
    app.button(key="print_make").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert any("空图层" in w.value for w in app.warning), "a layer left out is said"
    name, data, fmt = app.session_state["print_file"]
    assert fmt == "png" and data[:4] == b"\x89PNG"
    # a layer removed since it was picked drops out of the choice
    app.session_state["imported"] = {"空图层": _traced().iloc[:0]}
    app.run()
    assert not app.exception
    assert app.multiselect(key="print_overlays").value == ["空图层"]
