"""Ten planners on one server at once: each imports a different file; no one sees another's.

One running app, ten browser contexts (ten Streamlit sessions) open at the same time in
headless Chromium with every non-localhost request blocked. Every session uploads its own
GeoJSON with a secret feature name; afterwards each page and each map shows its own secret
and none of the nine others.
"""
from __future__ import annotations

import json

import pytest

from tests.browser_support import CHROMIUM, TIMEOUT_MS, Session, open_app, wait_for_map_with

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (bash .ci/run does); "
           "browser tests never download a browser",
)

N = 10


def _file(tmp_path, i: int):
    lon, lat = 121.58 + 0.004 * i, 31.20 + 0.002 * i
    fc = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": f"机密地块-{i:02d}", "owner": f"planner {i}"},
        "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + 0.003, lat],
                                                         [lon + 0.003, lat + 0.002], [lon, lat]]]}}]}
    path = tmp_path / f"planner_{i:02d}.geojson"
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return path


def _forms(text: str) -> list[str]:
    """``text`` as shown, and as it sits in the map's script (JSON with \\u escapes)."""
    return [text, json.dumps(text)[1:-1]]


def test_ten_simultaneous_sessions_never_see_each_others_uploads(app_url, browser, tmp_path):
    sessions = [Session(browser, viewport=(1300, 1000)) for _ in range(N)]
    try:
        for s in sessions:
            open_app(s, f"{app_url}/?base=none")
        # every session uploads at once: no session waits for another
        for i, s in enumerate(sessions):
            s.page.get_by_test_id("stSidebarUserContent").get_by_text("导入图层与项目", exact=True).click()
            uploader = s.page.locator('[data-testid="stFileUploader"]').filter(has_text="图层文件")
            uploader.locator('input[type="file"]').set_input_files(str(_file(tmp_path, i)))
        for s in sessions:
            s.page.get_by_role("button", name="导入", exact=True).wait_for(timeout=TIMEOUT_MS)
            s.page.get_by_role("button", name="导入", exact=True).click()
        for i, s in enumerate(sessions):
            s.page.get_by_text(f"planner_{i:02d}", exact=False).first.wait_for(timeout=TIMEOUT_MS)
        for i, s in enumerate(sessions):
            # the layer control lists the planner's own layer; the feature data sit in the map script
            frame = wait_for_map_with(s.page, f"planner_{i:02d}")
            page_text = s.page.content() + frame.content()
            assert any(form in page_text for form in _forms(f"机密地块-{i:02d}"))
            others = [j for j in range(N) if j != i and
                      any(form in page_text for form in _forms(f"机密地块-{j:02d}") + [f"planner_{j:02d}"])]
            assert not others, f"session {i} sees the uploads of sessions {others}"
            assert not s.errors, s.errors
            assert not s.non_tile_blocked(), s.non_tile_blocked()
        sessions[0].screenshot("app_sessions_0")
    finally:
        for s in sessions:
            s.close()
