"""Shared helpers of the browser tests (tests/test_browser*.py).

Starts ``streamlit run app.py`` on a free port (optionally on a copy of the data, via
``ZJ_DATA_ROOT``), drives Debian's Chromium through Playwright (never a downloaded
browser) with every non-localhost request blocked and counted, and finds the Leaflet
map inside the streamlit-folium iframe.

Playwright's sync API runs route handlers on the calling thread: wait with
``page.wait_for_*`` / ``page.wait_for_timeout``, never ``time.sleep``, in a test.
"""
from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator, Mapping
from urllib.parse import parse_qs, urlsplit

import pytest

import layers
from geo.errors import ZJError

CHROMIUM = Path(os.environ.get("ZJ_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
#: The live map iframe. While Streamlit reruns, the old map's element stays (marked
#: ``data-stale="true"``) beside the new one for a moment; this matches the new one only.
FOLIUM_IFRAME = ('[data-testid="stElementContainer"]:not([data-stale="true"]) '
                 'iframe[title="streamlit_folium.st_folium"]')
TIMEOUT_MS = 60_000
#: Blocked requests that are map tiles (the only thing allowed to want the internet).
TILE_URL = re.compile(r"/\d+/\d+/\d+(@2x)?\.png|appmaptile")
#: Interactive vector shapes of the map: one SVG path per polygon, line or circle marker.
SHAPES = ".leaflet-overlay-pane path.leaflet-interactive"

skip_without_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (bash .ci/run does); "
           "browser tests never download a browser",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expected_default() -> tuple[list[str], int]:
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


@contextlib.contextmanager
def run_app(log_name: str = "streamlit_test.log", env: Mapping[str, str] | None = None,
            startup_s: float = 60) -> Iterator[str]:
    """``streamlit run app.py`` on a free localhost port; yields its base URL, stops it after."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log_path = ARTIFACTS / log_name
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:  # no browser exists yet: a plain sleep is fine here
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {startup_s:g} s:\n{log_path.read_text()[-3000:]}")
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


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's headless Chromium through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class Session:
    """A page with every non-localhost request blocked and the blocked ones counted."""

    def __init__(self, browser, viewport: tuple[int, int] = (1400, 1300)):
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           locale="zh-CN")
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

    def non_tile_blocked(self) -> list[str]:
        """Blocked requests that were not map tiles."""
        return [u for u in self.blocked if not TILE_URL.search(u)]

    def report(self, name: str) -> None:
        """Print the blocked requests and page errors, and keep them in artifacts/browser_report.txt."""
        hosts = sorted({urlsplit(u).hostname or u for u in self.blocked})
        tiles = len(self.blocked) - len(self.non_tile_blocked())
        lines = [f"[{name}] blocked {len(self.blocked)} non-localhost request(s) ({tiles} map tiles) "
                 f"from hosts {hosts}"]
        lines += [f"   blocked: {u}" for u in self.blocked]
        lines += [f"   {e}" for e in self.errors]
        print("\n" + "\n".join(lines[:8]))
        ARTIFACTS.mkdir(exist_ok=True)
        with open(ARTIFACTS / "browser_report.txt", "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        self.context.close()


def open_app(s: Session, url: str):
    """Open ``url`` and wait for the Leaflet map; returns the map iframe's FrameLocator."""
    s.page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    s.page.wait_for_selector(FOLIUM_IFRAME, timeout=TIMEOUT_MS)
    frame = s.page.frame_locator(FOLIUM_IFRAME)
    frame.locator(".leaflet-container").wait_for(timeout=TIMEOUT_MS)
    return frame


def open_import(s: Session):
    """Unfold the sidebar's "导入图层与项目" section; the sidebar's content."""
    sidebar = s.page.get_by_test_id("stSidebarUserContent")
    sidebar.get_by_text("导入图层与项目", exact=True).click()
    return sidebar


def open_project(s: Session, path: Path, attempts: int = 3):
    """Open the project file ``path`` from the sidebar as a planner does (choose the file, press
    "打开项目") and wait for "已打开项目"; the sidebar's content.

    A press that a rerun of the app swallows (the file still chosen, the app idle, no message)
    is pressed again, as a planner would: at most ``attempts`` presses in ``TIMEOUT_MS``.
    """
    from playwright.sync_api import expect

    sidebar = open_import(s)
    uploader = sidebar.locator('[data-testid="stFileUploader"]').filter(has_text="打开项目文件")
    uploader.locator('input[type="file"]').set_input_files(str(path))
    expect(uploader.get_by_text(path.name, exact=False)).to_be_visible(timeout=TIMEOUT_MS)  # uploaded
    opened = sidebar.get_by_text("已打开项目", exact=False)
    running = s.page.get_by_test_id("stStatusWidget")
    for attempt in range(attempts):
        sidebar.get_by_role("button", name="打开项目", exact=False).click()
        try:
            expect(opened).to_be_visible(timeout=TIMEOUT_MS // attempts)
            return sidebar
        except AssertionError:
            if attempt == attempts - 1 or running.is_visible() \
                    or not uploader.get_by_text(path.name, exact=False).is_visible():
                expect(opened).to_be_visible(timeout=TIMEOUT_MS)  # busy, not swallowed: wait on
                return sidebar
    return sidebar


def draw_square(s: "Session", half_px: float, x_frac: float = 0.5) -> None:
    """Draw a square of ``2 * half_px`` pixels with the map's polygon tool, centred at
    ``x_frac`` of the map's width and half its height, and close the ring."""
    tool = s.page.frame_locator(FOLIUM_IFRAME).locator(".leaflet-draw-draw-polygon")
    tool.wait_for(timeout=TIMEOUT_MS)
    tool.click()
    b = s.page.locator(FOLIUM_IFRAME).bounding_box()
    cx, cy = b["x"] + b["width"] * x_frac, b["y"] + b["height"] * 0.5
    corners = [(cx - half_px, cy - half_px), (cx + half_px, cy - half_px),
               (cx + half_px, cy + half_px), (cx - half_px, cy + half_px)]
    for x, y in corners:
        s.page.mouse.click(x, y)
        s.page.wait_for_timeout(250)
    s.page.mouse.click(*corners[0])  # close the ring


def choose(page, label: str, option: str, exact_label: bool = False) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` (the list can close when a rerun
    lands meanwhile: it is opened again, up to five times)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    box = page.get_by_label(label, exact=exact_label)
    for _ in range(5):
        box.click()
        opt = page.get_by_role("option", name=option, exact=False).first
        try:
            opt.wait_for(timeout=5_000)
            opt.click()
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def folium_frame(page):
    """The live streamlit-folium iframe as a Playwright Frame."""
    handle = page.wait_for_selector(FOLIUM_IFRAME, timeout=TIMEOUT_MS)
    frame = handle.content_frame()
    if frame is None:
        raise AssertionError("the streamlit-folium iframe has no frame")
    return frame


def wait_for_shapes(page, n: int) -> int:
    """Wait until the map draws at least ``n`` shapes; return how many it draws."""
    frame = folium_frame(page)
    frame.wait_for_function("([n, sel]) => document.querySelectorAll(sel).length >= n",
                            arg=[n, SHAPES], timeout=TIMEOUT_MS)
    return frame.locator(SHAPES).count()


#: JavaScript (run in the top page) counting the map's shapes; -1 while there is no map.
JS_SHAPE_COUNT = f"""() => {{
  const f = document.querySelector('{FOLIUM_IFRAME}');
  const d = f && f.contentDocument;
  return d && d.querySelector('.leaflet-container') ? d.querySelectorAll('{SHAPES}').length : -1;
}}"""


def shape_count(page) -> int:
    """How many shapes the map draws now (-1 while there is no map)."""
    return page.evaluate(JS_SHAPE_COUNT)


def wait_for_shape_count(page, n: int | None = None, at_least: int = 0, stable_ms: int = 600,
                         timeout_ms: int = TIMEOUT_MS) -> int:
    """Wait until the map's shape count is ``n`` (or, with ``n`` None, any count ≥ ``at_least``)
    and has not changed for ``stable_ms``; returns it."""
    page.evaluate("() => { window.__zjShapes = null; }")
    page.wait_for_function(
        f"""([n, atLeast, stable]) => {{
          const c = ({JS_SHAPE_COUNT})();
          const now = performance.now();
          if ((n !== null && c !== n) || c < atLeast) {{ window.__zjShapes = null; return false; }}
          if (!window.__zjShapes || window.__zjShapes.c !== c) window.__zjShapes = {{c, since: now}};
          return now - window.__zjShapes.since >= stable;
        }}""", arg=[n, at_least, stable_ms], polling=100, timeout=timeout_ms)
    return shape_count(page)


#: JavaScript: ``d => [{layer, el}]``, every catalogue path (class ``zj-layer-<id>``) of the
#: map document ``d`` with its layer id.
JS_LAYER_PATHS = r"""(d => [...d.querySelectorAll('.leaflet-overlay-pane path')]
  .map(p => ({layer: ((p.getAttribute('class') || '').match(/(?:^|\s)zj-layer-(\S+)/) || [])[1], el: p}))
  .filter(x => x.layer))"""


def wait_for_layers(page, ids: list[str], timeout_ms: int = TIMEOUT_MS) -> list[str]:
    """Wait until every catalogue layer in ``ids`` draws a path of non-zero size (class
    ``zj-layer-<id>``) on the live map; the ids still missing when ``timeout_ms`` runs out
    (the caller's assertion reports them)."""
    js = f"""([sel, ids]) => {{ const f = document.querySelector(sel);
              const d = f && f.contentDocument;
              if (!d) return ids;
              const drawn = new Set({JS_LAYER_PATHS}(d).filter(x => {{ const b = x.el.getBoundingClientRect();
                                                         return b.width > 0 || b.height > 0; }})
                                                    .map(x => x.layer));
              return ids.filter(i => !drawn.has(i)); }}"""
    try:
        page.wait_for_function(f"args => ({js})(args).length === 0", arg=[FOLIUM_IFRAME, ids],
                               polling=100, timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - a timeout: report what is missing
        pass
    return page.evaluate(js, [FOLIUM_IFRAME, ids])


def map_view(page) -> str:
    """The live map's centre, zoom and size, for a failure message."""
    try:
        v = map_js(folium_frame(page), "const c = map.getCenter(), s = map.getSize();"
                   "return [c.lat, c.lng, map.getZoom(), s.x, s.y];")
        return f"centre {v[0]:.4f}, {v[1]:.4f} zoom {v[2]} size {v[3]}×{v[4]} px"
    except Exception as exc:  # noqa: BLE001 - diagnostics only
        return f"view unknown ({type(exc).__name__})"


def wait_for_map_with(page, text: str, stable_ms: int = 800):
    """Wait until the live map's legend lists ``text`` (an imported layer's "⬆ name") and its
    shapes have settled (an import reruns the app and flies the map); returns the live map Frame."""
    page.wait_for_function(
        """([sel, text]) => { const f = document.querySelector(sel);
             const d = f && f.contentDocument;
             return !!d && [...d.querySelectorAll('.zj-legend li')]
                             .some(l => l.textContent.includes(text)); }""",
        arg=[FOLIUM_IFRAME, text], timeout=TIMEOUT_MS)
    wait_for_shape_count(page, at_least=1, stable_ms=stable_ms)
    return folium_frame(page)


def query(page) -> dict[str, str]:
    """The top page's URL query parameters now (first value of each; the map rewrites them)."""
    href = page.evaluate("() => window.location.href")
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


#: JavaScript finding the Leaflet map of a folium page: ``window[<.folium-map id>]`` in a
#: standalone folium file; streamlit-folium renames it (``window.map`` in ``#map_div``).
JS_FIND_MAP = """(() => {
  const el = document.querySelector('.folium-map');
  if (el && window[el.id] instanceof L.Map) return window[el.id];
  if (window.map instanceof L.Map) return window.map;
  for (const k of Object.keys(window)) {
    try { if (window[k] instanceof L.Map) return window[k]; } catch (e) { /* cross-origin getter */ }
  }
  throw new Error('no Leaflet map in this frame');
})()"""


def map_js(frame, body: str, arg=None):
    """Evaluate ``body`` (statements ending in ``return``) in the map frame, with ``map``
    bound to the Leaflet map and ``arg`` to ``arg``."""
    return frame.evaluate(f"([arg]) => {{ const map = {JS_FIND_MAP}; {body} }}", [arg])


# --- layout: element boxes of the page and of the map inside its iframe (tests/test_browser_layout.py) ---

#: Everything that counts as a map control for the layout checks (nested matches are folded
#: into the outermost one).
CONTROLS = (".leaflet-control, .zj-legend, .zj-title, .zj-zoom-targets, .zj-north, "
            ".leaflet-control-scale")

#: JavaScript (top page): the boxes, in top-page CSS pixels, of the viewport, the live map
#: iframe, its Leaflet container, every visible control (with ``spill``: its visible parts whose
#: content overflows their box), the page's ``position: fixed`` elements over the map
#: (``overlays``), every catalogue path (class ``zj-layer-<id>``) and every visible
#: ``.zj-label``; null while there is no map.
JS_LAYOUT = """([sel, ctrlSel]) => {
  const f = document.querySelector(sel);
  const d = f && f.contentDocument, w = f && f.contentWindow;
  if (!d || !w) return null;
  const c = d.querySelector('.leaflet-container');
  if (!c) return null;
  const fb = f.getBoundingClientRect();
  const ox = fb.left + f.clientLeft, oy = fb.top + f.clientTop;
  const box = b => ({x: b.left, y: b.top, w: b.width, h: b.height});
  const inTop = e => { const b = e.getBoundingClientRect();
                       return {x: b.left + ox, y: b.top + oy, w: b.width, h: b.height}; };
  const shown = e => { const s = w.getComputedStyle(e), b = e.getBoundingClientRect();
                       return s.display !== 'none' && s.visibility !== 'hidden' && +s.opacity > 0
                              && b.width > 0 && b.height > 0; };
  const cls = e => (e.getAttribute('class') || '').split(/\\s+/);
  const nameOf = e => cls(e).filter(k => k.startsWith('zj-') || (k.startsWith('leaflet-control-')
                        && k !== 'leaflet-control-layers-expanded') || k.startsWith('leaflet-draw')
                        || k.startsWith('leaflet-ruler') || k.startsWith('leaflet-measure')).join(' ')
                      || cls(e).join(' ') || e.tagName;
  const spill = e => [e, ...e.querySelectorAll('*')].filter(x => {  // content that does not fit its box
    const s = w.getComputedStyle(x), b = x.getBoundingClientRect();
    if (x.clientWidth === 0 || b.width <= 2 || b.height <= 2 || s.textOverflow === 'ellipsis') return false;
    if (x.checkVisibility && !x.checkVisibility({contentVisibilityAuto: true, opacityProperty: true,
                                                  visibilityProperty: true})) return false;
    // text hidden on purpose (an icon button: text-indent past the box, no font size, no colour)
    if (Math.abs(parseFloat(s.textIndent) || 0) >= x.clientWidth || parseFloat(s.fontSize) === 0
        || /rgba\\(.*,\\s*0\\)$/.test(s.color)) return false;
    const fits = (size, client, over) => size <= client + 1 || over === 'auto' || over === 'scroll';
    return !fits(x.scrollWidth, x.clientWidth, s.overflowX) || !fits(x.scrollHeight, x.clientHeight, s.overflowY);
  }).map(x => `${x.tagName.toLowerCase()}.${cls(x).join('.')} "${(x.innerText || '').trim().slice(0, 20)}" `
              + `scroll ${x.scrollWidth}×${x.scrollHeight} > box ${x.clientWidth}×${x.clientHeight}`);
  const fixed = [...document.body.querySelectorAll('*')].filter(e => {  // page elements fixed over the map
    const s = getComputedStyle(e), b = e.getBoundingClientRect();
    return s.position === 'fixed' && !e.contains(f) && s.display !== 'none' && s.visibility !== 'hidden'
           && b.width > 0 && b.height > 0 && b.right > fb.left && b.left < fb.right && b.bottom > fb.top
           && b.top < fb.bottom;
  });
  const overlays = fixed.filter(e => !fixed.some(o => o !== e && o.contains(e)));
  const ctrls = [...d.querySelectorAll(ctrlSel)].filter(shown);
  const outer = ctrls.filter(e => !ctrls.some(o => o !== e && o.contains(e)));
  const paths = """ + JS_LAYER_PATHS + """(d).map(x => ({layer: x.layer, box: inTop(x.el)}));
  const labels = [...d.querySelectorAll('.zj-label')]
    .filter(e => !e.classList.contains('zj-label-hidden') && shown(e))
    .map(e => ({text: (e.innerText || '').trim().slice(0, 40), box: inTop(e)}));
  return {viewport: {x: 0, y: 0, w: window.innerWidth, h: window.innerHeight}, iframe: box(fb),
          container: inTop(c), controls: outer.map(e => ({name: nameOf(e), box: inTop(e), spill: spill(e)})), paths,
          overlays: overlays.map(e => ({name: [...e.classList].find(k => k.startsWith('st-key-'))
            || e.getAttribute('data-testid') || e.tagName.toLowerCase(), box: box(e.getBoundingClientRect()), spill: []})),
          labels, labels_all: d.querySelectorAll('.zj-label').length,
          labels_hidden: d.querySelectorAll('.zj-label.zj-label-hidden').length,
          scroll: [window.scrollX, window.scrollY]};
}"""


def layout(page) -> dict | None:
    """The element boxes of :data:`JS_LAYOUT` (each box a dict x, y, w, h in top-page pixels)."""
    return page.evaluate(JS_LAYOUT, [FOLIUM_IFRAME, CONTROLS])


def wait_for_stable_layout(page, stable_ms: int = 800, timeout_ms: int = TIMEOUT_MS) -> dict:
    """Wait until the map iframe, its container, controls, paths and labels have kept their
    boxes for ``stable_ms`` (the map fits, the page resizes, labels are thinned); the layout."""
    page.evaluate("() => { window.__zjLayout = null; }")
    page.wait_for_function(
        f"""([sel, ctrlSel, stable]) => {{
          const l = ({JS_LAYOUT})([sel, ctrlSel]);
          if (!l) {{ window.__zjLayout = null; return false; }}
          const r = b => [b.x, b.y, b.w, b.h].map(v => Math.round(v)).join(',');
          const sig = [r(l.iframe), r(l.container), ...l.controls.map(c => c.name + r(c.box)),
                       l.paths.length, ...l.paths.slice(0, 50).map(p => r(p.box)),
                       ...l.labels.map(x => r(x.box))].join(';');
          const now = performance.now();
          if (!window.__zjLayout || window.__zjLayout.sig !== sig) window.__zjLayout = {{sig, since: now}};
          return now - window.__zjLayout.since >= stable;
        }}""", arg=[FOLIUM_IFRAME, CONTROLS, stable_ms], polling=100, timeout=timeout_ms)
    result = layout(page)
    assert result is not None
    return result


def intersection(a: dict, b: dict) -> dict | None:
    """The common part of two boxes (dicts x, y, w, h); None when they do not meet."""
    x0, y0 = max(a["x"], b["x"]), max(a["y"], b["y"])
    x1, y1 = min(a["x"] + a["w"], b["x"] + b["w"]), min(a["y"] + a["h"], b["y"] + b["h"])
    return {"x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0} if x1 > x0 and y1 > y0 else None


def overlaps(a: dict, b: dict, tolerance_px: float = 0.5) -> bool:
    """Whether two boxes share more than an edge (more than ``tolerance_px`` each way)."""
    common = intersection(a, b)
    return common is not None and common["w"] > tolerance_px and common["h"] > tolerance_px


def area(b: dict | None) -> float:
    """Area of a box in square pixels (0 for None)."""
    return 0.0 if b is None else max(b["w"], 0.0) * max(b["h"], 0.0)
