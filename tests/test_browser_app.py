"""The planning app's features in a real headless Chromium, with no internet.

One ``streamlit run app.py`` serves every test of this module except the escaping
test, which runs a second app on a copy of ``data/`` with a hostile feature name
(``ZJ_DATA_ROOT``). Every non-localhost request is blocked, counted and printed; only
map tiles may ever be blocked. Each test saves artifacts/screenshots/app_<name>.png.

The last tests are regressions for app bugs they found (fixed).

Helpers and fixtures are shared with tests/test_browser.py (tests/browser_support.py).
"""
from __future__ import annotations

import contextlib
import json
import math
import shutil

import pytest

import layers
from tests.browser_support import (FOLIUM_IFRAME, ROOT, TIMEOUT_MS, Session, expected_default, folium_frame,
    map_js, open_app, query, run_app, shape_count, skip_without_chromium, wait_for_shape_count, wait_for_shapes)
from geo.chinacoords import wgs84_to_gcj02
from layers.text import t
from layers.webmap.assets import DRAW_LOCALE_ZH
from layers.catalogue.symbology import draw_order
from layers.webmap.basemaps import available_basemaps

pytestmark = skip_without_chromium
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").expect

SITES = layers.get_spec("sites")
HOSTILE_NAME = '<img src=x onerror="window.__xss=1">上海光源<script>window.__xss=2</script>'
EARTH_RADIUS_M = 6_371_008.8


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def site_point(name_zh: str) -> tuple[float, float]:
    """(lon, lat) of a feature of the ``sites`` layer, as stored (WGS84)."""
    gdf = layers.load("sites")
    geom = gdf.loc[gdf["name_zh"] == name_zh].geometry.iloc[0]
    return geom.x, geom.y


@contextlib.contextmanager
def session(browser, name: str):
    """A blocked-internet page; afterwards the blocked requests are printed and checked."""
    s = Session(browser)
    try:
        yield s
        assert not s.non_tile_blocked(), f"non-tile requests left localhost: {s.non_tile_blocked()}"
        assert not s.errors, s.errors
    finally:
        s.report(name)
        s.close()


def overlay_labels(page, lang: str = "zh") -> list[str]:
    """The titles (in ``lang``) of the catalogue layers the map draws, by the ``zj-layer-<id>``
    class of their shapes (the map has no layer control: the sidebar switches layers, issue 14)."""
    found = folium_frame(page).evaluate(
        "() => [...document.querySelectorAll('.leaflet-overlay-pane [class*=\"zj-layer-\"]')]"
        ".flatMap(e => [...e.classList]).filter(c => c.startsWith('zj-layer-'))")
    ids = {c[len("zj-layer-"):] for c in found}
    return [spec.title(lang) for spec in layers.LAYERS if spec.id in ids]


def wait_for_url_view(page, stable_ms: int = 500) -> dict[str, str]:
    """Wait until the map has written lat/lon/z into the top URL and left them alone for
    ``stable_ms``; returns the query parameters."""
    page.evaluate("() => { window.__zjHref = null; }")
    page.wait_for_function(
        """stable => {
          const q = new URLSearchParams(location.search);
          if (!(q.has('lat') && q.has('lon') && q.has('z'))) { window.__zjHref = null; return false; }
          const now = performance.now();
          if (window.__zjHref !== location.href) { window.__zjHref = location.href; window.__zjAt = now; }
          return now - window.__zjAt >= stable;
        }""", arg=stable_ms, polling=100, timeout=TIMEOUT_MS)
    return query(page)


def settle(page) -> None:
    """Let the last tiles fail and fades finish before a screenshot (not a correctness wait)."""
    page.wait_for_timeout(400)


# --- 1. a layer switched off loses its shapes --------------------------------------------------

def test_switching_a_layer_off_removes_its_shapes(app_url, browser):
    _, expected = expected_default()
    n_sites = len(layers.load("sites"))
    with session(browser, "layer off") as s:
        open_app(s, app_url)
        before = wait_for_shape_count(s.page, at_least=expected)  # drawn and settled
        assert before == expected, (before, expected)

        sidebar = s.page.locator('[data-testid="stSidebar"]')
        box = sidebar.get_by_role("checkbox", name=SITES.title("zh"), exact=True)
        assert box.is_checked()
        sidebar.get_by_text(SITES.title("zh"), exact=True).click()
        after = wait_for_shape_count(s.page, before - n_sites)
        assert not box.is_checked()
        assert before - after == n_sites

        # nothing of the layer is left on the map, and the URL no longer lists it
        frame = folium_frame(s.page)
        left = map_js(frame, "let n = 0; map.eachLayer(l => { if (l.feature && String(l.feature.id)"
                             ".startsWith(arg + '-')) n++; }); return n;", "sites")
        assert left == 0
        assert SITES.title("zh") not in "\n".join(overlay_labels(s.page))
        s.page.wait_for_function("() => !new URLSearchParams(location.search).get('layers').split(',')"
                                 ".includes('sites')", timeout=TIMEOUT_MS)
        settle(s.page)
        s.screenshot("app_layer_off")


# --- 2. popups show attribute text, escaped ------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_app_url(tmp_path_factory):
    """A second app on a copy of data/ where 上海光源 is named with HTML and a script."""
    root = tmp_path_factory.mktemp("zj_hostile")
    shutil.copytree(ROOT / "data", root / "data")
    path = root / "data" / "sites" / "sites.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    hits = [f for f in doc["features"] if f["properties"].get("name_zh") == "上海光源"]
    assert len(hits) == 1
    hits[0]["properties"]["name_zh"] = HOSTILE_NAME
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with run_app("streamlit_test_hostile.log", env={"ZJ_DATA_ROOT": str(root)}) as url:
        yield url


def test_popup_shows_attribute_text_escaped(hostile_app_url, browser):
    lon, lat = site_point("上海光源")  # same position in the hostile copy
    with session(browser, "escaped popup") as s:
        open_app(s, f"{hostile_app_url}/?lat={lat:.6f}&lon={lon:.6f}&z=16&layers=sites&base=none")
        wait_for_shapes(s.page, len(layers.load("sites")))
        frame = folium_frame(s.page)
        # mark the marker's SVG path so that a real mouse click can aim at it
        found = map_js(frame, """let n = 0;
            map.eachLayer(l => { if (l.feature && l._path && l.feature.properties.tooltip.includes(arg)) {
                l._path.setAttribute('data-zj-target', '1'); n++; } });
            return n;""", "上海光源")
        assert found == 1
        target = s.page.frame_locator(FOLIUM_IFRAME).locator("path[data-zj-target]")
        target.click(timeout=10_000)

        popup = s.page.frame_locator(FOLIUM_IFRAME).locator(".leaflet-popup-content")
        popup.wait_for(timeout=10_000)
        text = popup.inner_text()
        assert "<img src=x" in text and "<script>" in text and "上海光源" in text, text
        assert popup.locator("img").count() == 0
        assert popup.locator("script").count() == 0
        assert frame.locator('img[src="x"]').count() == 0  # nor anywhere else in the map (tooltip, legend)
        assert frame.evaluate("() => typeof window.__xss") == "undefined"
        assert s.page.evaluate("() => typeof window.__xss") == "undefined"
        settle(s.page)
        s.screenshot("app_popup_escaped")


# --- 3. the language switch ----------------------------------------------------------------------

def test_language_switch_changes_labels(app_url, browser):
    expected_ids, expected = expected_default()
    with session(browser, "language") as s:
        open_app(s, app_url)
        wait_for_shapes(s.page, expected)
        sidebar = s.page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("图层", exact=True).wait_for(timeout=TIMEOUT_MS)
        assert sorted(overlay_labels(s.page)) == sorted(layers.get_spec(i).title("zh") for i in expected_ids)

        sidebar.get_by_text("English", exact=True).click()
        sidebar.get_by_text("Layers", exact=True).wait_for(timeout=TIMEOUT_MS)
        assert sidebar.get_by_text("图层", exact=True).count() == 0
        for spec in layers.LAYERS:  # every sidebar checkbox is English now
            sidebar.get_by_role("checkbox", name=spec.title("en"), exact=True).wait_for(timeout=TIMEOUT_MS)

        first_en = layers.get_spec(draw_order(expected_ids)[0]).title("en")
        s.page.wait_for_function(  # the map is rebuilt in English: its legend names the layers in English
            """([t, sel]) => { const f = document.querySelector(sel);
                      const c = f && f.contentDocument && f.contentDocument.querySelector('.zj-legend');
                      return c && c.textContent.includes(t); }""", arg=[first_en, FOLIUM_IFRAME], timeout=TIMEOUT_MS)
        wait_for_shapes(s.page, expected)
        assert sorted(overlay_labels(s.page, "en")) == sorted(layers.get_spec(i).title("en") for i in expected_ids)
        s.page.wait_for_function("() => new URLSearchParams(location.search).get('lang') === 'en'",
                                 timeout=TIMEOUT_MS)
        settle(s.page)
        s.screenshot("app_language_en")


# --- 4. Amap shifts overlays to GCJ-02 ------------------------------------------------------------

def _marker_latlng(page, name_zh: str) -> tuple[float, float]:
    """(lon, lat) at which Leaflet draws the marker whose tooltip is ``name_zh``."""
    frame = folium_frame(page)
    found = map_js(frame, """const out = [];
        map.eachLayer(l => { if (l.feature && l.getLatLng && l.feature.properties.tooltip === arg) {
            const p = l.getLatLng(); out.push([p.lng, p.lat]); } });
        return out;""", name_zh)
    assert len(found) == 1, found
    return tuple(found[0])


def test_amap_moves_overlays_by_the_gcj02_offset(app_url, browser):
    gdf = layers.load("hitech_parks")
    stored = gdf.loc[gdf["name_zh"] == "普陀园"].geometry.iloc[0]
    want_gcj = wgs84_to_gcj02(stored.x, stored.y)
    with session(browser, "amap offset") as s:
        open_app(s, f"{app_url}/?layers=hitech_parks&base=carto")
        wait_for_shapes(s.page, len(gdf))
        carto = _marker_latlng(s.page, "普陀园")

        open_app(s, f"{app_url}/?layers=hitech_parks&base=amap")
        wait_for_shapes(s.page, len(gdf))
        s.page.frame_locator(FOLIUM_IFRAME).locator(".leaflet-tile-pane img[src*='autonavi']").first.wait_for(
            state="attached", timeout=TIMEOUT_MS)  # it really is the Amap map
        amap = _marker_latlng(s.page, "普陀园")

        print(f"\n普陀园 stored {stored.x:.6f},{stored.y:.6f}; CARTO {carto}; Amap {amap}; "
              f"GCJ-02 {want_gcj}; offset {metres(*carto, *amap):.1f} m")
        assert metres(*carto, stored.x, stored.y) < 0.5
        assert metres(*amap, *want_gcj) < 0.5
        assert 400 <= metres(*amap, stored.x, stored.y) <= 550
        settle(s.page)
        s.screenshot("app_amap_offset")


# --- 5. meeting mode ----------------------------------------------------------------------------

def test_meeting_mode_hides_sidebar_and_shows_title(app_url, browser):
    with session(browser, "meeting mode") as s:
        frame = open_app(s, f"{app_url}/?meet=1")
        exit_button = s.page.get_by_role("button", name="退出会议模式")
        exit_button.wait_for(timeout=TIMEOUT_MS)
        sidebar = s.page.locator('[data-testid="stSidebar"]')
        assert sidebar.count() == 1 and not sidebar.is_visible()
        title = frame.locator(".zj-title")
        title.wait_for(timeout=TIMEOUT_MS)
        assert "张江科学城规划图" in title.inner_text()
        settle(s.page)
        s.screenshot("app_meeting")

        exit_button.click()
        sidebar.wait_for(state="visible", timeout=TIMEOUT_MS)
        s.page.get_by_role("button", name="退出会议模式").wait_for(state="detached", timeout=TIMEOUT_MS)
        s.page.wait_for_function("() => !new URLSearchParams(location.search).has('meet')", timeout=TIMEOUT_MS)
        frame.locator(".zj-title").wait_for(state="detached", timeout=TIMEOUT_MS)
        assert not sidebar.get_by_label("会议模式", exact=True).is_checked()


# --- 6. search and fly to -----------------------------------------------------------------------

def test_search_and_fly_to(app_url, browser):
    lon, lat = site_point("上海光源")
    label = f"上海光源 — {SITES.title('zh')}"
    with session(browser, "search and fly") as s:
        open_app(s, app_url)
        before = wait_for_url_view(s.page)
        assert float(before["z"]) < 14

        sidebar = s.page.locator('[data-testid="stSidebar"]')
        box = sidebar.get_by_label("搜索要素")
        box.fill("上海光源")
        box.press("Enter")
        pick = sidebar.get_by_label("搜索结果")
        pick.wait_for(timeout=TIMEOUT_MS)
        pick.click()
        s.page.get_by_role("option", name=label).click()
        expect(pick).to_have_value(label, timeout=TIMEOUT_MS)
        sidebar.get_by_role("button", name="飞到").click()

        s.page.wait_for_function("() => parseFloat(new URLSearchParams(location.search).get('z')) >= 14",
                                 timeout=TIMEOUT_MS)
        q = wait_for_url_view(s.page)
        off = metres(float(q["lon"]), float(q["lat"]), lon, lat)
        print(f"\nafter fly: z={q['z']} centre {q['lat']},{q['lon']}, {off:.0f} m from 上海光源")
        assert float(q["z"]) >= 14
        assert off < 1000
        settle(s.page)
        s.screenshot("app_search_fly")


# --- 7. the view is kept in the URL -----------------------------------------------------------

def _map_view(page) -> tuple[float, float, float]:
    """(lon, lat, zoom) of the Leaflet map now (the page's basemap is WGS84)."""
    return tuple(map_js(folium_frame(page), "const c = map.getCenter(); return [c.lng, c.lat, map.getZoom()];"))


def test_view_is_kept_in_the_url(app_url, browser):
    _, expected = expected_default()
    with session(browser, "view in URL (first page)") as s:
        open_app(s, app_url)
        wait_for_shapes(s.page, expected)
        q = wait_for_url_view(s.page)
        assert {"lang", "layers", "base", "lat", "lon", "z"} <= set(q), q
        shared = s.page.evaluate("() => location.href")
        labels, shapes, view = overlay_labels(s.page), shape_count(s.page), _map_view(s.page)

    with session(browser, "view in URL (reloaded)") as s:
        open_app(s, shared)
        wait_for_shapes(s.page, shapes)
        again = _map_view(s.page)
        print(f"\nshared {shared}\nfirst view {view}, reloaded {again}")
        assert overlay_labels(s.page) == labels
        assert shape_count(s.page) == shapes
        assert query(s.page)["layers"] == q["layers"]
        assert metres(again[0], again[1], view[0], view[1]) < 50
        assert metres(again[0], again[1], float(q["lon"]), float(q["lat"])) < 50
        assert abs(again[2] - view[2]) <= 0.25
        settle(s.page)
        s.screenshot("app_view_restored")


# --- 8. fully offline with no basemap ------------------------------------------------------------

def test_offline_without_basemap_makes_no_outside_request(app_url, browser):
    expected_ids, expected = expected_default()
    with session(browser, "no basemap") as s:
        frame = open_app(s, f"{app_url}/?base=none")
        drawn = wait_for_shapes(s.page, expected)
        assert drawn >= expected
        assert sorted(overlay_labels(s.page)) == sorted(layers.get_spec(i).title("zh") for i in expected_ids)
        assert frame.locator(".leaflet-tile-pane img").count() == 0
        with contextlib.suppress(Exception):  # Streamlit's websocket may keep the network busy
            s.page.wait_for_load_state("networkidle", timeout=5_000)
        settle(s.page)
        s.screenshot("app_offline_no_basemap")
        assert s.blocked == [], s.blocked


# --- app bugs these tests found, now fixed: they stay as regression tests ---------------------------------------------

#: JavaScript: what the drawing panel shows after a rerun: "exception", "metric" or null (nothing yet).
JS_DRAW_PANEL = """() => document.querySelector('[data-testid="stException"]') ? 'exception'
    : document.querySelector('[data-testid="stMetric"]') ? 'metric' : null"""


def _draw_panel_outcome(page, timeout_ms: int = 6_000) -> str | None:
    """Wait (at most ``timeout_ms``: the outcome may be that nothing happens) for the rerun
    after a map event to show an exception or a measurement; returns which, or None."""
    with contextlib.suppress(Exception):
        page.wait_for_function(JS_DRAW_PANEL, polling=100, timeout=timeout_ms)
    return page.evaluate(JS_DRAW_PANEL)


def test_clicking_a_feature_is_not_taken_for_a_drawing(app_url, browser):
    lon, lat = site_point("上海光源")
    with session(browser, "click is not a drawing") as s:
        open_app(s, f"{app_url}/?lat={lat:.6f}&lon={lon:.6f}&z=16&layers=sites&base=none")
        wait_for_shapes(s.page, len(layers.load("sites")))
        s.page.locator(".st-key-panel button", has_text=t("zh", "draw_title")).click()  # the panel beside the map
        s.page.get_by_text(t("zh", "draw_hint")).wait_for(timeout=TIMEOUT_MS)
        frame = folium_frame(s.page)
        assert map_js(frame, """let n = 0;
            map.eachLayer(l => { if (l.feature && l._path && l.feature.properties.tooltip === arg) {
                l._path.setAttribute('data-zj-target', '1'); n++; } });
            return n;""", "上海光源") == 1
        s.page.frame_locator(FOLIUM_IFRAME).locator("path[data-zj-target]").click(timeout=10_000)
        s.page.frame_locator(FOLIUM_IFRAME).locator(".leaflet-popup-content").wait_for(timeout=10_000)
        outcome = _draw_panel_outcome(s.page)
        settle(s.page)
        s.screenshot("app_click_not_drawing")
        assert outcome is None, f"clicking a marker made the drawing panel show: {outcome}"
        assert s.page.get_by_text(t("zh", "draw_hint")).count() == 1


def test_drawing_a_line_shows_its_length(app_url, browser):
    with session(browser, "draw a line") as s:
        frame = open_app(s, f"{app_url}/?base=none")
        wait_for_shapes(s.page, 1)
        frame.locator(".leaflet-draw-draw-polyline").click()
        box = frame.locator(".leaflet-container").bounding_box()
        a = (box["x"] + box["width"] * 0.40, box["y"] + box["height"] * 0.30)
        b = (box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.70)
        for x, y in (a, b):  # Leaflet.draw places a vertex on mouseup after the pointer moved there
            s.page.mouse.move(x, y, steps=8)
            s.page.mouse.down()
            s.page.mouse.up()
            frame.locator(".leaflet-marker-icon.leaflet-div-icon").nth(0 if (x, y) == a else 1).wait_for(
                state="attached", timeout=5_000)
        frame.get_by_text(DRAW_LOCALE_ZH["draw"]["toolbar"]["finish"]["text"], exact=True).click()
        outcome = _draw_panel_outcome(s.page, timeout_ms=TIMEOUT_MS)
        settle(s.page)
        s.screenshot("app_draw_line")
        assert outcome == "metric", outcome
        s.page.get_by_text(t("zh", "intersects")).wait_for(timeout=TIMEOUT_MS)
        assert s.page.locator('[data-testid="stException"]').count() == 0


def test_no_basemap_choice_is_shown_by_name(app_url, browser):
    with session(browser, "no basemap label") as s:
        open_app(s, f"{app_url}/?base=none")
        choice = s.page.locator('[data-testid="stSidebar"]').get_by_label(t("zh", "basemap"))
        choice.wait_for(timeout=TIMEOUT_MS)
        settle(s.page)
        s.screenshot("app_no_basemap_label")
        expect(choice).to_have_value(t("zh", "no_basemap"), timeout=3_000)


def test_basemap_choice_follows_the_language(app_url, browser):
    carto = available_basemaps()["carto"]
    with session(browser, "basemap label language") as s:
        open_app(s, app_url)
        sidebar = s.page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_label(t("zh", "basemap"))).to_have_value(carto.title("zh"), timeout=TIMEOUT_MS)
        sidebar.get_by_text("English", exact=True).click()
        choice = sidebar.get_by_label(t("en", "basemap"))
        choice.wait_for(timeout=TIMEOUT_MS)
        settle(s.page)
        s.screenshot("app_basemap_label_en")
        expect(choice).to_have_value(carto.title("en"), timeout=3_000)
