"""The standalone HTML map (layers.webmap.standalone) in headless Chromium with no internet.

The file is served from a temporary folder over a localhost ``http.server`` (the test
Session lets only localhost through; ``file://`` would count as blocked) and opened in
Debian's Chromium with every non-localhost request blocked: the Leaflet map must draw
every shape of the default layers, make no request beyond localhost and raise no page
error. A screenshot goes to artifacts/screenshots/standalone.png.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator

import geopandas as gpd
import pytest
from shapely.geometry import Point

import layers
from tests.browser_support import SHAPES, TIMEOUT_MS, Session, expected_default, skip_without_chromium
from layers.coverage.mapping import add_coverage
from layers.webmap.standalone import external_refs, standalone_html, write_standalone


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on a free localhost port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _open(s: Session, url: str, n: int) -> int:
    """Open the page, wait until the map draws at least ``n`` shapes; return how many."""
    s.page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
    s.page.wait_for_selector(".leaflet-container", timeout=TIMEOUT_MS)
    s.page.wait_for_function("([n, sel]) => document.querySelectorAll(sel).length >= n",
                             arg=[n, SHAPES], timeout=TIMEOUT_MS)
    s.page.wait_for_timeout(300)  # nothing more arrives
    return s.page.locator(SHAPES).count()


def test_no_external_references_in_the_page():
    page = standalone_html(["science_city_2021"], "en", legend=False)
    assert external_refs(page) == [] and "http://" not in page and "https://" not in page
    assert "<title>Zhangjiang Science City planning map</title>" in page
    assert external_refs('<script src="https://cdn.example/x.js"></script>') == ["https://cdn.example/x.js"]
    assert external_refs("<link rel=stylesheet href=//cdn.example/x.css>") == ["//cdn.example/x.css"]
    assert external_refs("<style>@import url('https://fonts.example/f.css');</style>") == \
        ["https://fonts.example/f.css"]
    # a basemap adds only its tile URL template, inside a script
    with_tiles = standalone_html(["science_city_2021"], "en", basemap="osm", legend=False)
    assert external_refs(with_tiles) == [] and "tile.openstreetmap.org/{z}/{x}/{y}.png" in with_tiles


@skip_without_chromium
def test_standalone_map_opens_offline(browser, tmp_path):
    ids, shapes = expected_default()
    path = write_standalone(tmp_path / "standalone.html", ids, "zh")
    s = Session(browser)
    try:
        with serve(tmp_path) as base:
            drawn = _open(s, f"{base}/{path.name}", shapes)
            print(f"\n{drawn} shapes drawn (expected {shapes} from {ids})")
            assert drawn == shapes
            # issue 14: the layer control starts collapsed (its list is in the page, not shown)
            assert s.page.locator(".leaflet-control-layers-expanded").count() == 0
            control = s.page.locator(".leaflet-control-layers").text_content() or ""
            for layer_id in ids:
                assert layers.get_spec(layer_id).title_zh in control, layer_id
            assert "图例" in s.page.locator(".zj-legend").first.inner_text()
            assert s.page.locator(".zj-title").inner_text().startswith("张江科学城规划图")
            s.screenshot("standalone")
        assert s.blocked == [], s.blocked  # no basemap: not one request beyond localhost
        assert not s.errors, s.errors
    finally:
        s.report("standalone html")
        s.close()


@skip_without_chromium
def test_standalone_map_with_result_layers(browser, tmp_path):
    gap = gpd.GeoDataFrame({"parent": ["a", "b"], "area_m2": [625.0, 900.0], "dist_m": [410.0, 520.0]},
                           geometry=[Point(121.60, 31.20).buffer(0.002), Point(121.63, 31.21).buffer(0.002)],
                           crs="EPSG:4326")
    page = standalone_html(["science_city_2021"], "en",
                           decorate=lambda m: add_coverage(m, {"gap": gap}, "en", "Green reach <test>"))
    (tmp_path / "gaps.html").write_text(page, encoding="utf-8")
    s = Session(browser)
    try:
        with serve(tmp_path) as base:
            assert _open(s, f"{base}/gaps.html", 3) == 3  # the boundary and two gaps
            # both legends share the right column now (issue 14): the newer one sits on top
            assert "Green reach <test>" in "\n".join(s.page.locator(".zj-legend").all_inner_texts())
        assert s.blocked == [] and not s.errors, (s.blocked, s.errors)
    finally:
        s.report("standalone html with coverage gaps")
        s.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unknown_layer_is_an_error(lang):
    with pytest.raises(layers.catalogue.loading.LayerNotFoundError):
        standalone_html(["nope"], lang)
