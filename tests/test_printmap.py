"""Print maps: presets, PDF text layer, page and pixel sizes, legend, scale bar, north arrow, CLI."""
from __future__ import annotations

import argparse
import io
import re
import shutil
import socket
import subprocess
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from pyproj import Transformer
from shapely.geometry import Point, box

import layers
import layers.printing as pm
from geo import settings
from geo.errors import BasemapWarning, PrintFontError, ZJError
from geo.measure import geodesic_distance_m
from layers.catalogue.sources import document_title
from layers.printing import fonts as pm_fonts
from layers.printing import tiles as pm_tiles

DATE = "2026-11-22"
TITLE_ZH = "张江科学城扩区范围与一区二十二园 (会议用图)"
POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdftoppm", "pdfinfo", "pdffonts"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdftoppm) not installed")


# --- fixtures and helpers -------------------------------------------------------------------

def _coverage_input() -> dict:
    """A small synthetic coverage result in the Science City: two gaps, the covered rest, two sources."""
    g1, g2 = box(121.60, 31.15, 121.61, 31.16), box(121.62, 31.17, 121.625, 31.18)
    area = box(121.59, 31.14, 121.64, 31.19)
    frame = lambda geoms, **cols: gpd.GeoDataFrame(cols, geometry=geoms, crs=settings.WGS84)  # noqa: E731
    return {"gap": frame([g1, g2], parent=[1, 2], area_m2=[1e5, 5e4]),
            "covered": frame([area.difference(g1).difference(g2)], parent=[3], area_m2=[2e6]),
            "source": frame([Point(121.595, 31.145), Point(121.63, 31.185)], name=["A", "B"]),
            "title": {"zh": "5分钟步行可达公共绿地与广场", "en": "Green reach"}, "area": area}


def _render(preset: str, **kw):
    extra = _coverage_input() if preset == "coverage" else None
    return pm.render(preset, date=DATE, extra=extra, **kw)


def _glyph_warnings(caught) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)
            or "Glyph" in str(w.message)]


def _legend_texts(fig) -> list[str]:
    leg = next(a for a in fig.axes if a.get_gid() == "legend-panel").get_legend()
    return [t.get_text() for t in leg.get_texts()]


def _by_gid(fig, gid: str, kind=object) -> list:
    return [a for a in fig.findobj(lambda a: a.get_gid() == gid) if isinstance(a, kind)]


@pytest.fixture
def offline(monkeypatch):
    """No network: every socket connection fails (as with the cable unplugged)."""
    def refuse(*args, **kwargs):
        raise OSError("network unplugged (test)")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# --- every preset -----------------------------------------------------------------------------

@pytest.mark.parametrize("preset", list(pm.PRESETS))
def test_every_preset_renders_without_missing_glyphs(preset, tmp_path, offline):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = _render(preset, paper="A4", title="测试标题: 张江科学城 ²°·–")
        out = pm.save(fig, tmp_path / f"{preset}.png", dpi=40)
    assert not _glyph_warnings(caught), _glyph_warnings(caught)
    assert out.stat().st_size > 10_000
    info = fig.zj_print
    assert info.preset == preset and info.paper == "A4"
    assert _legend_texts(fig)
    assert DATE in info.footer and "来源" in info.footer or preset == "coverage"
    assert _by_gid(fig, "scalebar", Rectangle) and _by_gid(fig, "north-arrow")


# --- sources: every cited document by its title (issue: "seed 004" printed raw) ----------------

@pytest.mark.parametrize("preset", list(pm.PRESETS))
def test_footer_names_documents_not_seed_numbers(preset):
    fig = _render(preset, paper="A4")
    assert not re.search(r"seeds? \d{3}", fig.zj_print.footer), fig.zj_print.footer
    if preset == "parks":  # hitech_parks cites seed 004
        assert document_title("seed 004") in fig.zj_print.footer
        assert document_title("seed 004") != "seed 004"


# --- the meeting map: A3 PDF, offline, Chinese title ------------------------------------------

@needs_poppler
def test_a3_pdf_parks_with_chinese_title(tmp_path, offline):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = pm.render("parks", paper="A3", title=TITLE_ZH, date=DATE)
        pdf = pm.save(fig, tmp_path / "parks_A3.pdf")
    assert not _glyph_warnings(caught)
    assert fig.zj_print.layers[:3] == ["districts", "science_city_2021", "hitech_parks"]

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(w - 1190.55) <= 1 and abs(h - 841.89) <= 1

    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    flat = re.sub(r"\s+", "", text.stdout)
    assert re.sub(r"\s+", "", TITLE_ZH) in flat
    assert DATE in flat
    assert "张江高新区一区二十二园" in flat  # legend: the layer's title as text, not outlines
    assert "Mismatch" not in text.stderr  # the embedded font matches its declared type

    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CID TrueType" in fonts and "Type 3" not in fonts

    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
                   check=True, capture_output=True)
    img = _png_pixels(tmp_path / "page.png")
    assert img.shape[:2] == (round(841.89 / 72 * 50), round(1190.55 / 72 * 50))
    non_white = (img[:, :, :3] < 0.9).any(axis=2).mean()
    assert 0.01 < non_white < 0.5


def _png_pixels(path: Path) -> np.ndarray:
    import matplotlib.image as mpimg
    return mpimg.imread(path)


@pytest.mark.parametrize("paper,size", [("A4", (3507, 2480)), ("A3", (4960, 3507))])
def test_png_at_300_dpi_has_the_paper_pixel_size(paper, size, tmp_path):
    fig = pm.render("boundaries", paper=paper, date=DATE)
    out = pm.save(fig, tmp_path / f"b_{paper}.png")
    from PIL import Image
    with Image.open(out) as im:
        assert abs(im.size[0] - size[0]) <= 1 and abs(im.size[1] - size[1]) <= 1
        assert abs(im.info["dpi"][0] - 300) < 0.5


# --- legend, scale bar, north arrow -----------------------------------------------------------

def test_legend_lists_exactly_the_layers_shown():
    fig = pm.render("boundaries", paper="A4", date=DATE)
    shown = ["science_city_2017", "science_city_2021", "science_city_expansion", "districts"]
    assert _legend_texts(fig) == [layers.get_spec(i).title_zh for i in shown]
    assert sorted(r.layer for r in fig.zj_print.legend_rows) == sorted(shown)

    fig = pm.render("parks", paper="A4", lang="en", date=DATE)
    rows = fig.zj_print.legend_rows
    assert [r.layer for r in rows if r.level == 0] == ["science_city_2021", "hitech_parks", "districts"]
    cats = [r.label for r in rows if r.level == 1]
    assert cats == ["One City", "One Pole", "Central Radiation Zone", "New-City Industrial Clusters"]
    assert len(_legend_texts(fig)) == len(rows)


def test_scale_bar_length_is_exact_in_map_units():
    fig = pm.render("boundaries", paper="A3", date=DATE)
    info = fig.zj_print
    bar = _by_gid(fig, "scalebar", Rectangle)[0]
    label = _by_gid(fig, "scalebar-label", Text)[0].get_text()
    value, unit = re.fullmatch(r"([\d.]+) (km|m)", label).groups()
    metres = float(value) * (1000 if unit == "km" else 1)
    assert bar.get_width() == metres == info.scalebar_m
    assert label == "5 km"
    assert metres / 1000 in (1, 2, 5, 10, 20, 50) or str(int(metres))[0] in "125"

    # on paper: the bar measures length / scale denominator
    fig.canvas.draw()
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    (x0, _), (x1, _) = ax.transData.transform([(bar.get_x(), 0), (bar.get_x() + metres, 0)])
    paper_mm = (x1 - x0) / fig.dpi * 25.4
    assert paper_mm == pytest.approx(metres / info.scale_denominator * 1000, rel=1e-6)
    # and the map frame is drawn at that same scale
    bbox = ax.get_window_extent()
    frame_mm = bbox.width / fig.dpi * 25.4
    assert (info.extent[2] - info.extent[0]) / (frame_mm / 1000) == pytest.approx(info.scale_denominator, rel=1e-6)


def test_map_scale_agrees_with_geodesic_distance():
    fig = pm.render("boundaries", paper="A3", date=DATE)
    crs = fig.zj_print.crs
    x0, y0, x1, y1 = layers.load("science_city_2021").total_bounds
    lat = (y0 + y1) / 2
    geodesic = geodesic_distance_m(x0, lat, x1, lat)
    to_map = Transformer.from_crs(settings.WGS84, crs, always_xy=True)
    xs, ys = to_map.transform([x0, x1], [lat, lat])
    planar = float(np.hypot(xs[1] - xs[0], ys[1] - ys[0]))
    assert 20_000 < geodesic < 23_000
    assert planar == pytest.approx(geodesic, rel=1e-4)


def test_north_arrow_and_its_note():
    fig = pm.render("parks", paper="A4", date=DATE)
    arrow = _by_gid(fig, "north-arrow")
    assert arrow
    assert _by_gid(fig, "north-arrow-label", Text)[0].get_text() == "N"
    notes = _by_gid(fig, "notes", Text)[0].get_text().replace("\n", "")
    assert "坐标北" in notes and "真北" in notes
    conv = fig.zj_print.convergence_deg
    assert 0 < conv < 0.6 and f"{conv:.2f}°" in notes
    assert pm.render("boundaries", paper="A4", date=DATE).zj_print.convergence_deg < 0.1


# --- schematic and coverage --------------------------------------------------------------------

def _dashed(coll) -> bool:
    return any(dashes is not None for _, dashes in coll.get_linestyle())


def test_schematic_features_are_dashed_and_the_legend_says_so():
    fig = pm.render("structure", paper="A4", date=DATE)
    edges = [c for c in _by_gid(fig, "structure", PatchCollection) if not np.all(c.get_edgecolor()[:, 3] == 0)]
    assert any(_dashed(c) for c in edges) and not all(_dashed(c) for c in edges)  # 2 schematic, 1 traced
    assert all(_dashed(c) for c in _by_gid(fig, "corridors", LineCollection))  # rivers: all schematic
    texts = _legend_texts(fig)
    assert any("示意" in t for t in texts)
    key = fig.zj_print.legend_rows[-1]
    assert key.layer == "schematic" and key.style["dashArray"]

    fig = pm.render("boundaries", paper="A4", date=DATE)  # traced only: no schematic key
    assert not any("示意" in t for t in _legend_texts(fig))


def test_coverage_preset_shows_gaps():
    fig = _render("coverage", paper="A4")
    texts = _legend_texts(fig)
    assert any("覆盖缺口" in t for t in texts)
    assert any("已覆盖" in t for t in texts) and any("分析范围" in t for t in texts)
    assert fig.zj_print.title == "5分钟步行可达公共绿地与广场"
    assert "OpenStreetMap" in fig.zj_print.footer
    assert _by_gid(fig, "coverage-gap", PatchCollection)


def test_coverage_preset_takes_a_coverage_result():
    cov = _coverage_input()

    class Result:  # the part of geo.coverage.CoverageResult the print map uses
        check = "life15"

        def gap_layer(self, covered: bool = False):
            return cov["covered"] if covered else cov["gap"]

    fig = pm.render("coverage", paper="A4", lang="en", extra=Result(), date=DATE)
    assert fig.zj_print.title == "15-minute life circle"
    assert any(t.startswith("gap") for t in _legend_texts(fig))


# --- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,needle", [
    ({"preset": "nope"}, "no map preset 'nope'"),
    ({"preset": "parks", "paper": "A5"}, "unknown paper size 'A5'"),
    ({"preset": "parks", "lang": "fr"}, "unknown language"),
    ({"preset": "parks", "basemap": "google"}, "unknown basemap"),
    ({"preset": "coverage"}, "needs a coverage result"),
])
def test_bad_options_raise_bilingual_errors(kwargs, needle):
    preset = kwargs.pop("preset")
    with pytest.raises(ZJError) as err:
        pm.render(preset, **kwargs)
    assert needle in str(err.value) and err.value.zh != err.value.en


def test_bad_format_and_unwritable_path(tmp_path):
    fig = pm.render("boundaries", paper="A4", date=DATE)
    with pytest.raises(ZJError, match="unknown print format"):
        pm.save(fig, tmp_path / "map.svg")
    with pytest.raises(ZJError, match="cannot write"):
        pm.save(fig, tmp_path / "missing" / "map.pdf")


def test_no_cjk_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(pm_fonts, "_CJK", [])
    monkeypatch.setattr(pm_fonts.font_manager.fontManager, "ttflist", [])
    with pytest.raises(PrintFontError, match="fonts-noto-cjk"):
        pm.render("boundaries", paper="A4")


# --- optional tile basemap ------------------------------------------------------------------------

def test_basemap_offline_falls_back_to_vector_with_a_warning(offline):
    with pytest.warns(BasemapWarning, match="OpenStreetMap"):
        fig = pm.render("boundaries", paper="A4", date=DATE, basemap="osm")
    assert fig.zj_print.basemap is None
    assert not _by_gid(fig, "basemap")
    assert "OpenStreetMap" not in fig.zj_print.footer


def test_basemap_online_draws_tiles_and_credits_osm(monkeypatch):
    import matplotlib.image as mpimg
    buf = io.BytesIO()
    mpimg.imsave(buf, np.full((256, 256, 3), 0.8), format="png")
    calls = []

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_urlopen(req, timeout):
        calls.append(req.full_url)
        assert req.get_header("User-agent") == settings.PRINT_TILE_USER_AGENT and timeout <= 10
        return Response(buf.getvalue())

    monkeypatch.setattr(pm_tiles.urllib.request, "urlopen", fake_urlopen)
    fig = pm.render("boundaries", paper="A4", date=DATE, basemap="osm")
    assert 1 <= len(calls) <= settings.PRINT_MAX_TILES and all("tile.openstreetmap.org" in u for u in calls)
    assert fig.zj_print.basemap == "osm" and _by_gid(fig, "basemap")
    assert "© OpenStreetMap contributors" in fig.zj_print.footer


# --- command line -----------------------------------------------------------------------------------

def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m layers")
    pm.register_cli(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_cli_prints_a_pdf(tmp_path, capsys):
    out = tmp_path / "b.pdf"
    args = _cli(["map", "boundaries", "--format", "pdf", "--paper", "a4", "--out", str(out), "--date", DATE])
    assert args.func(args) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == str(out) and "841.89×595.28 pt" in printed[1]
    assert out.read_bytes()[:5] == b"%PDF-"


def test_cli_png_and_errors(tmp_path, capsys):
    args = _cli(["map", "parks", "--out", str(tmp_path / "p.png"), "--dpi", "30", "--lang", "en"])
    assert args.func(args) == 0
    assert "px at 30 dpi" in capsys.readouterr().out
    args = _cli(["map", "nope", "--out", str(tmp_path / "x.pdf")])
    assert args.func(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "没有地图预设" in err and "no map preset" in err
    args = _cli(["map", "coverage", "--out", str(tmp_path / "c.pdf")])
    assert args.func(args) == 1 and "coverage result" in capsys.readouterr().err


def test_cli_coverage_from_an_exported_geopackage(tmp_path, capsys):
    gpkg = tmp_path / "coverage.gpkg"
    for name, frame in _coverage_input().items():
        if isinstance(frame, gpd.GeoDataFrame):
            frame.to_file(gpkg, layer=name, driver="GPKG")
    args = _cli(["map", "coverage", "--coverage", str(gpkg), "--paper", "A4", "--out", str(tmp_path / "c.png"),
                 "--dpi", "30"])
    assert args.func(args) == 0, capsys.readouterr().err
    assert (tmp_path / "c.png").exists()


def test_a_failed_save_leaves_the_previous_map(tmp_path, monkeypatch):
    """A print written over an earlier one either replaces it whole or leaves it as it was."""
    from geo.errors import PrintError
    from layers.printing import output
    path = tmp_path / "map.png"
    path.write_bytes(b"the map printed yesterday")

    def half_then_fail(fig, fh, fmt, dpi):
        fh.write(b"half a ma")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(output, "_savefig", half_then_fail)
    with pytest.raises(PrintError):
        output.save(None, path)
    assert path.read_bytes() == b"the map printed yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]  # no temporary file left behind
