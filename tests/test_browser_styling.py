"""Issue 15 in headless Chromium against the running app: a planner styles an imported layer by
category, sees the legend on the map, saves the project (a real download) and opens it in a new
browser session with the same legend; then a control plan (控规) in its land-use colours with the
balance table beside the map, photographed at 1366×768 and 1920×1080."""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from playwright.sync_api import expect

from layers.io import project
from tests.browser_support import (CHROMIUM, TIMEOUT_MS, Session, choose, folium_frame, open_app, open_import,
                                   open_project, wait_for_map_with)
from tests.landuse_synth import write_parcels

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (bash .ci/run does); "
           "browser tests never download a browser",
)

KINDS = {"产业": 3, "住宅": 2, "绿地": 1}


def _parcels(path: Path) -> Path:
    cells = [shapely.box(121.600 + 0.004 * i, 31.200, 121.603 + 0.004 * i, 31.203) for i in range(6)]
    kinds = ["产业", "住宅", "产业", "绿地", "住宅", "产业"]
    gpd.GeoDataFrame({"名称": [f"地块{i + 1}" for i in range(6)], "类型": kinds}, geometry=cells,
                     crs="EPSG:4326").to_file(path, driver="GeoJSON")
    return path


def _legend(page) -> list[str]:
    return folium_frame(page).locator(".zj-legend-user li").all_inner_texts()


def _wait_for_legend(page, texts: list[str]) -> None:
    page.wait_for_function(
        """([sel, texts]) => { const f = document.querySelector(sel);
             const d = f && f.contentDocument;
             if (!d) return false;
             const items = [...d.querySelectorAll('.zj-legend-user li')].map(l => l.textContent);
             return texts.every(t => items.some(i => i.includes(t))); }""",
        arg=['[data-testid="stElementContainer"]:not([data-stale="true"]) iframe[title="streamlit_folium.st_folium"]',
             texts], timeout=TIMEOUT_MS)


def _upload_layer(s: Session, path: Path) -> None:
    sidebar = open_import(s)
    uploader = sidebar.locator('[data-testid="stFileUploader"]').filter(has_text="图层文件")
    uploader.locator('input[type="file"]').set_input_files(str(path))
    expect(uploader.get_by_text(re.compile("^" + re.escape(path.name[:2])))).to_be_visible(timeout=TIMEOUT_MS)
    sidebar.get_by_role("button", name="导入", exact=True).click()
    expect(sidebar.get_by_text(f"已导入: {path.stem}", exact=False)).to_be_visible(timeout=TIMEOUT_MS)


def test_category_style_legend_saved_and_reopened(app_url, browser, tmp_path):
    path = _parcels(tmp_path / "地块.geojson")
    want = [f"{k} ({n})" for k, n in KINDS.items()]
    s = Session(browser, viewport=(1400, 1000))
    try:
        open_app(s, f"{app_url}/?base=none")
        _upload_layer(s, path)
        wait_for_map_with(s.page, "⬆ 地块")
        s.page.locator(".st-key-panel button", has_text="我的图层").click()
        choose(s.page, "着色方式", "按类别")
        _wait_for_legend(s.page, want)
        legend = _legend(s.page)
        assert any("⬆ 地块" in li for li in legend) and all(any(w in li for li in legend) for w in want), legend
        colours = folium_frame(s.page).locator(".zj-legend-user li svg [fill]").evaluate_all(
            "els => els.map(e => e.getAttribute('fill').toUpperCase())")
        assert {"#E69F00", "#56B4E9", "#009E73"} <= set(colours), colours  # Okabe–Ito, most frequent first
        s.screenshot("app_style_category")

        sidebar = open_import(s) if not s.page.get_by_role("button", name="保存项目 (GeoPackage)").is_visible() \
            else s.page.get_by_test_id("stSidebarUserContent")
        with s.page.expect_download(timeout=TIMEOUT_MS) as dl:
            sidebar.get_by_role("button", name="保存项目 (GeoPackage)").click()
        saved = tmp_path / "styled_project.gpkg"
        dl.value.save_as(saved)
        styles = project.load(saved).styles
        assert list(styles) == ["地块"] and styles["地块"]["kind"] == "category" and styles["地块"]["column"] == "类型"
        assert not s.errors, s.errors
    finally:
        s.close()

    s2 = Session(browser, viewport=(1400, 1000))  # tomorrow: a new browser session
    try:
        open_app(s2, f"{app_url}/?base=none")
        open_project(s2, saved)
        wait_for_map_with(s2.page, "⬆ 地块")
        _wait_for_legend(s2.page, want)
        assert all(any(w in li for li in _legend(s2.page)) for w in want)
        s2.screenshot("app_style_reopened")
        assert not s2.errors, s2.errors
        assert not s2.non_tile_blocked(), s2.non_tile_blocked()
    finally:
        s2.close()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_landuse_map_with_its_balance_table(app_url, browser, tmp_path, size):
    synth = write_parcels(tmp_path / "控规.zip", system="gb50137", n=300)
    s = Session(browser, viewport=size)
    try:
        open_app(s, f"{app_url}/?base=none")
        _upload_layer(s, synth.path)
        wait_for_map_with(s.page, "⬆ 控规")
        s.page.locator(".st-key-panel button", has_text="我的图层").click()
        choose(s.page, "着色方式", "用地性质")
        _wait_for_legend(s.page, ["R21 住宅用地", "G1 公园绿地", "未识别"])
        panel = s.page.locator(".st-key-zj_p_mine")
        expect(panel.get_by_text("用地平衡表", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
        total = panel.get_by_text(f"合计 {synth.total_m2 / 1e4:,.2f} 公顷", exact=False)
        expect(total).to_be_visible()
        # the table's title at the panel's top: the table and its total beside the map
        panel.get_by_text("用地平衡表", exact=True).evaluate("e => e.scrollIntoView({block: 'start'})")
        s.page.keyboard.press("Escape")
        s.page.wait_for_timeout(800)
        s.screenshot(f"app_landuse_{size[0]}x{size[1]}")
        assert not s.errors, s.errors
    finally:
        s.close()
