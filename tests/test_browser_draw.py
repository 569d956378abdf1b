"""Drawing on the running app: a polygon drawn with the map's tool gets its area and the
plan features it meets, in headless Chromium with every non-localhost request blocked."""
from __future__ import annotations

import re

import pytest
from shapely.geometry import box

from layers.analysis import drawn as analysis
from tests.browser_support import CHROMIUM, Session, draw_square, open_app

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (bash .ci/run does); "
           "browser tests never download a browser",
)


def test_drawn_polygon_gets_its_area_and_the_features_it_meets(app_url, browser):
    s = Session(browser, viewport=(1400, 1100))
    try:
        frame = open_app(s, f"{app_url}/?base=none&lat=31.20&lon=121.59&z=14&layers=science_city_2017,industry,sites")
        frame.locator(".leaflet-draw-draw-polygon").wait_for(timeout=60_000)
        s.page.wait_for_timeout(1000)  # let the map settle after its opening view
        draw_square(s, 80, x_frac=0.45)
        metric = s.page.locator('[data-testid="stMetric"]').filter(has_text="面积")
        metric.wait_for(timeout=60_000)
        area = float(re.search(r"([\d.,]+)\s*km²", metric.inner_text()).group(1).replace(",", ""))
        # 160 px square at zoom 14 near 31.2°N: 160 × 9.55 m × cos-corrected ≈ 1.3 km a side
        assert 1.0 < area < 2.5
        table = s.page.locator('[data-testid="stDataFrame"]').first
        table.wait_for(timeout=30_000)
        s.screenshot("app_draw")
        assert not s.errors, s.errors
        assert not s.non_tile_blocked(), s.non_tile_blocked()
    finally:
        s.report("draw")
        s.close()


def test_the_figures_the_app_shows_are_geodesic():
    """The same computation the panel shows, for a known box (no browser)."""
    geom = analysis.drawn_geometry(box(121.58, 31.195, 121.595, 31.205).__geo_interface__)
    m = analysis.measure(geom)
    assert m["area_km2"] == pytest.approx(1.4265 * 1.1088, rel=0.01)
