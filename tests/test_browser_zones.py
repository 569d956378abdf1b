"""Issue 16 in headless Chromium against the running app: a planner opens a project holding
their towns layer (a 3×3 grid over the offline Helsinki test extract, one name hostile
markup), runs the green-reach check for all zones at once, and sees the zones filled by share
on the map with their legend (the cell without housing hatched) and the zone table beside
the map; photographed at 1366×768 and 1920×1080. Every non-localhost request blocked."""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from playwright.sync_api import expect

from geo.osm import extract_bounds, resolve_osm
from layers.io import project
from tests.browser_support import (choose, CHROMIUM, FOLIUM_IFRAME, TIMEOUT_MS, Session, folium_frame, open_app, open_project,
                                   wait_for_map_with, wait_for_shape_count)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (bash .ci/run does); "
           "browser tests never download a browser",
)

HOSTILE = '<img src=x onerror="window.__zjPwned=1">'
CHORO = ".leaflet-zjChoropleth-pane path.leaflet-interactive"


def _project(path: Path) -> Path:
    """A project file holding the towns layer (a project keeps layers outside Shanghai: the
    test extract is Helsinki)."""
    x0, y0, x1, y1 = extract_bounds(resolve_osm("helsinki"))
    dx, dy = (x1 - x0) / 3, (y1 - y0) / 3
    cells = [shapely.box(x0 + i * dx, y0 + j * dy, x0 + (i + 1) * dx, y0 + (j + 1) * dy)
             for j in range(3) for i in range(3)]
    names = [f"测试镇{k + 1}" for k in range(9)]
    names[8] = HOSTILE
    towns = gpd.GeoDataFrame({"街镇名称": names}, geometry=cells, crs="EPSG:4326")
    return project.save(project.Project(name="街镇", layers={"街镇": towns}), path)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366x768", "1920x1080"])
def test_all_towns_choropleth_and_table(app_url, browser, tmp_path, size):
    saved = _project(tmp_path / "towns.gpkg")
    s = Session(browser, viewport=size)
    try:
        open_app(s, f"{app_url}/?base=none")
        open_project(s, saved)
        wait_for_map_with(s.page, "⬆ 街镇")

        s.page.locator(".st-key-panel button", has_text="覆盖检查").click()
        panel = s.page.locator(".st-key-zj_p_coverage")
        panel.get_by_text("全部分区 (街镇或区)").click()
        choose(s.page, "分区", "⬆ 街镇", exact_label=True)
        names = s.page.get_by_role("combobox", name="分区名称字段", exact=True)
        expect(names).to_have_value("街镇名称", timeout=TIMEOUT_MS)  # the name column, guessed
        choose(s.page, "需求 (计算覆盖率的对象)", "居住用地", exact_label=True)
        minutes = s.page.get_by_label("步行时间 (分钟)", exact=True)  # 2 minutes: shares of every class
        minutes.fill("2")
        minutes.press("Enter")
        expect(minutes).to_have_value("2.00", timeout=TIMEOUT_MS)
        s.page.wait_for_timeout(800)
        panel.get_by_role("button", name="计算全部分区").click()

        # the zones filled by share, the cell without housing hatched, the legend
        s.page.wait_for_function(
            """([sel, choro]) => { const f = document.querySelector(sel);
                 const d = f && f.contentDocument;
                 return !!d && d.querySelectorAll(choro).length === 9; }""",
            arg=[FOLIUM_IFRAME, CHORO], timeout=TIMEOUT_MS)
        wait_for_shape_count(s.page, at_least=1)  # the map has settled (the run flies it to the zones)
        frame = folium_frame(s.page)
        assert frame.locator(f"{CHORO}.zj-choro-nodata").count() == 1
        fill = frame.locator(f"{CHORO}.zj-choro-nodata").evaluate("e => getComputedStyle(e).fill")
        assert "zj-choro-hatch" in fill, fill
        legend = frame.locator(".zj-legend-choro")
        expect(legend).to_be_visible()
        assert "沿路网覆盖率" in legend.inner_text() and "无需求 (1)" in legend.inner_text()
        assert re.search(r"≥ 85 % · 达标 \(2\)", legend.inner_text()), legend.inner_text()
        colours = frame.locator(CHORO).evaluate_all("els => els.map(e => e.getAttribute('fill'))")
        assert len(set(colours)) >= 4, colours  # 2 minutes' walk: zones in several classes
        # the zone table and the downloads beside the map
        expect(panel.get_by_text("分区统计表 (点击列标题排序)")).to_be_visible(timeout=TIMEOUT_MS)
        expect(panel.locator('[data-testid="stDataFrame"]:visible').first).to_be_visible()
        expect(panel.get_by_role("button", name="下载表格 CSV")).to_be_visible()
        expect(panel.get_by_role("button", name="下载 GeoPackage")).to_be_visible()

        # a zone's tooltip: its name as text (the hostile markup never runs), its share
        frame.locator(CHORO).nth(7).hover(force=True)  # the last zone with housing: the hostile name
        tip = frame.locator(".leaflet-tooltip")
        expect(tip).to_be_visible(timeout=TIMEOUT_MS)
        assert HOSTILE in tip.inner_text() and "沿路网覆盖率" in tip.inner_text(), tip.inner_text()
        assert frame.locator(".leaflet-tooltip img").count() == 0
        assert frame.evaluate("() => window.__zjPwned === undefined")
        s.page.mouse.move(0, 0)

        panel.get_by_text("分区统计表 (点击列标题排序)").evaluate("e => e.scrollIntoView({block: 'start'})")
        s.page.wait_for_timeout(800)
        s.screenshot(f"app_zones_{size[0]}x{size[1]}")
        assert not s.errors, s.errors
        assert not s.non_tile_blocked(), s.non_tile_blocked()
        if size == (1920, 1080):  # the meeting tomorrow: the project shows the result without a run
            with s.page.expect_download(timeout=TIMEOUT_MS) as dl:
                s.page.get_by_role("button", name="保存项目 (GeoPackage)").click()
            dl.value.save_as(tmp_path / "with_result.gpkg")
    finally:
        s.report(f"zones {size[0]}x{size[1]}")
        s.close()
    if size != (1920, 1080):
        return
    s2 = Session(browser, viewport=size)
    try:
        open_app(s2, f"{app_url}/?base=none")
        open_project(s2, tmp_path / "with_result.gpkg")
        s2.page.wait_for_function(
            """([sel, choro]) => { const f = document.querySelector(sel);
                 const d = f && f.contentDocument;
                 return !!d && d.querySelectorAll(choro).length === 9; }""",
            arg=[FOLIUM_IFRAME, CHORO], timeout=TIMEOUT_MS)
        wait_for_shape_count(s2.page, at_least=1)
        legend = folium_frame(s2.page).locator(".zj-legend-choro")
        assert "无需求 (1)" in legend.inner_text() and re.search(r"达标 \(2\)", legend.inner_text())
        s2.page.locator(".st-key-panel button", has_text="覆盖检查").click()
        panel = s2.page.locator(".st-key-zj_p_coverage")
        expect(panel.get_by_text("分区统计表 (点击列标题排序)")).to_be_visible(timeout=TIMEOUT_MS)
        s2.screenshot("app_zones_reopened_1920x1080")
        assert not s2.errors, s2.errors
    finally:
        s2.report("zones reopened")
        s2.close()
