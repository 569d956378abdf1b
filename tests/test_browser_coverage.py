"""The coverage page in the running app: run the green-reach check on the offline test
extract, see the figures against the 85 % target and the gaps on the map, then test a new
park drawn on the map. Headless Chromium; every non-localhost request blocked."""
from __future__ import annotations

import re

import pytest

from tests.browser_support import CHROMIUM, TIMEOUT_MS, Session, draw_square, folium_frame, open_app

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (bash .ci/run does); "
           "browser tests never download a browser",
)

GAP_FILL = "#D55E00"


def _percent(text: str) -> float:
    return float(re.search(r"([\d.]+)%", text).group(1))


def _gap_paths(page) -> int:
    return folium_frame(page).locator(f'path.leaflet-interactive[fill="{GAP_FILL}"]').count()


def test_green_reach_check_shows_figures_gaps_and_a_new_park(app_url, browser):
    s = Session(browser, viewport=(1400, 1400))
    try:
        open_app(s, f"{app_url}/?base=none")
        s.page.locator(".st-key-panel button", has_text="覆盖检查").click()  # the panel beside the map
        s.page.get_by_role("button", name="运行检查").click()
        share = s.page.locator('[data-testid="stMetric"]').filter(has_text="沿路网覆盖率")
        share.wait_for(timeout=TIMEOUT_MS)
        net = _percent(share.inner_text())
        assert "目标 85%" in share.inner_text()
        line = s.page.locator('[data-testid="stMetric"]').filter(has_text="直线缓冲")
        assert net <= _percent(line.inner_text())
        # the map flew to the test extract and draws the gaps in vermillion
        frame = folium_frame(s.page)
        frame.wait_for_function(
            f"() => document.querySelectorAll('path.leaflet-interactive[fill=\"{GAP_FILL}\"]').length > 0",
            timeout=TIMEOUT_MS)
        assert _gap_paths(s.page) > 0
        legend = frame.locator(".zj-legend").filter(has_text="覆盖缺口")
        assert legend.count() == 1
        s.screenshot("app_coverage")
        # what was joined, cut or left out: a table under the figures
        inputs = s.page.locator('[data-testid="stExpander"]').filter(has_text="输入处理")
        inputs.get_by_text("输入处理").click()
        inputs.locator('[data-testid="stDataFrame"]').wait_for(timeout=TIMEOUT_MS)
        inputs.scroll_into_view_if_needed()
        s.screenshot("app_coverage_inputs")

        # draw a square park in the middle of the view and test it
        draw_square(s, 30)  # the coverage panel stays open beside the map
        button = s.page.get_by_role("button", name="测试新绿地")
        button.wait_for(timeout=TIMEOUT_MS)
        s.page.wait_for_timeout(1500)  # the drawing's rerun
        button.click()
        after = s.page.locator('[data-testid="stMetric"]').filter(has_text="增加后")
        try:
            after.wait_for(timeout=TIMEOUT_MS)
        except Exception:
            print(s.page.locator('[data-testid="stMain"]').inner_text()[-2500:])
            raise
        before = s.page.locator('[data-testid="stMetric"]').filter(has_text="现状")
        assert _percent(after.inner_text()) >= _percent(before.inner_text())
        s.screenshot("app_coverage_scenario")
        assert not s.errors, s.errors
        assert not s.non_tile_blocked(), s.non_tile_blocked()
    finally:
        s.report("coverage")
        s.close()
