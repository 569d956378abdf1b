"""The issue's planner, as a new user, in headless Chromium against the running app.

A GBK Shapefile in CGCS2000 Gauss-Krüger coordinates without .prj is uploaded, its CRS
confirmed, shown on the map, checked against the 2021 Science City boundary, saved as a
project file (a real browser download) and reopened "tomorrow" in a new browser context.
(The green-reach gaps need a Shanghai walking network, which this machine lacks: that
check is driven with the offline extract in tests/test_app_import.py.)
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layers.io import project
from tests.browser_support import (choose, CHROMIUM, TIMEOUT_MS, Session, folium_frame, map_js, open_app, open_import,
                                   open_project, wait_for_map_with)
from tests.test_app_import import parcels
from tests.test_import import write_shp_zip

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (bash .ci/run does); "
           "browser tests never download a browser",
)


def _overlays(page) -> list[str]:
    """What the live map's legends list (catalogue layers, imported layers "⬆ name", a result)."""
    return folium_frame(page).locator(".zj-legend li").all_inner_texts()


def test_gk_shapefile_to_map_boundary_check_project_and_reopen(app_url, browser, tmp_path):
    shp = write_shp_zip(parcels().to_crs("EPSG:4550"), tmp_path, "控规", encoding="GBK", prj=False, cpg=False)
    s = Session(browser, viewport=(1400, 1300))
    try:
        open_app(s, f"{app_url}/?base=none")
        sidebar = open_import(s)
        sidebar.locator('[data-testid="stFileUploader"]').filter(has_text="图层文件") \
            .locator('input[type="file"]').set_input_files(str(shp))
        sidebar.get_by_role("button", name="导入", exact=True).click()
        # no .prj: asked to confirm, EPSG:4550 preselected
        expect(sidebar.get_by_text("文件没有声明坐标系")).to_be_visible(timeout=TIMEOUT_MS)
        expect(sidebar.get_by_text("EPSG:4550: CGCS2000", exact=False).first).to_be_visible()
        sidebar.get_by_role("button", name="使用所选坐标系导入").click()
        expect(sidebar.get_by_text("已导入: 控规", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
        wait_for_map_with(s.page, "⬆ 控规")

        # My layers: against the 2021 boundary
        s.page.locator(".st-key-panel button", has_text="我的图层").click()  # the panel beside the map
        choose(s.page, "对照图层", "张江科学城扩区后范围")
        expect(s.page.get_by_text("2 / 3", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
        s.screenshot("app_import_my_layers")

        # save: a real download of the project file
        with s.page.expect_download(timeout=TIMEOUT_MS) as dl:
            sidebar.get_by_role("button", name="保存项目 (GeoPackage)").click()
        saved = tmp_path / "saved_project.gpkg"
        dl.value.save_as(saved)
        prj = project.load(saved)
        assert list(prj.layers) == ["控规"] and list(prj.layers["控规"]["地块名称"])[0] == "张江一号地块"
        assert not s.errors, s.errors
    finally:
        s.close()

    # tomorrow: a new browser, a new session
    s2 = Session(browser, viewport=(1400, 1300))
    try:
        open_app(s2, f"{app_url}/?base=none")
        assert not any("控规" in t for t in _overlays(s2.page))
        open_project(s2, saved)
        wait_for_map_with(s2.page, "⬆ 控规")
        s2.screenshot("app_project_reopened")
        assert not s2.errors, s2.errors
        assert not s2.non_tile_blocked(), s2.non_tile_blocked()
    finally:
        s2.close()


HOSTILE = '<img src=x onerror="window.__xss=1">地块<script>window.__xss=2</script>'


def test_hostile_uploads_are_messages_and_imported_text_stays_text(app_url, browser, tmp_path):
    """Broken, unsafe and oversize-by-ratio files in the real app: each a message; then a layer
    whose attributes carry HTML and script imports, and its popup shows them as text."""
    from tests.corpus_gen import CASES
    from tests.test_hostile_corpus import CORPUS
    picks = {c.id: c for c in CASES}
    files = [CORPUS / "traversal.zip", CORPUS / "truncated_export.geojson", CORPUS / "beijing.geojson",
             picks["zip-bomb-zeros"].make(tmp_path)]
    messages = ["../../.bashrc", "broken JSON", "上海范围之外", "zip bomb"]
    good = parcels().iloc[:1].copy()
    good["地块名称"] = HOSTILE
    evil = tmp_path / "evil.geojson"
    evil.write_text(good.to_json(ensure_ascii=False), encoding="utf-8")
    s = Session(browser, viewport=(1400, 1300))
    try:
        open_app(s, f"{app_url}/?base=none")
        sidebar = open_import(s)
        uploader = sidebar.locator('[data-testid="stFileUploader"]').filter(has_text="图层文件")

        def upload(path):
            uploader.locator('input[type="file"]').set_input_files(str(path))
            # the uploader shows the new file (its name shortened in the middle); "Import" (a form's
            # submit button) waits until the upload is done
            expect(uploader.get_by_text(re.compile("^" + re.escape(path.name[:5])))).to_be_visible(timeout=TIMEOUT_MS)
            sidebar.get_by_role("button", name="导入", exact=True).click()

        for path, message in zip(files, messages):
            upload(path)
            expect(sidebar.get_by_test_id("stAlertContentError").filter(has_text=message)) \
                .to_be_visible(timeout=TIMEOUT_MS)
        upload(evil)
        expect(sidebar.get_by_text("已导入: evil", exact=False)).to_be_visible(timeout=TIMEOUT_MS)
        frame = wait_for_map_with(s.page, "⬆ evil")
        n = map_js(frame, """let n = 0;
            map.eachLayer(l => { if (l.feature && l.feature.properties.popup
                                     && l.feature.properties.tooltip.includes(arg)) {
                l.fire('click', {latlng: l.getBounds().getCenter()}, true); n++; } });  // propagate
            return n;""", "evil")
        assert n == 1
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        text = popup.inner_text()
        assert "<img src=x" in text and "<script>" in text, text
        assert popup.locator("img").count() == 0 and popup.locator("script").count() == 0
        assert frame.evaluate("() => typeof window.__xss") == "undefined"
        assert s.page.evaluate("() => typeof window.__xss") == "undefined"
        assert not s.errors, s.errors
        s.screenshot("app_import_hostile_text")
    finally:
        s.close()
