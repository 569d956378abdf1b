"""The rerun speed-ups change nothing the browser receives."""
from __future__ import annotations

import re

import layers
from layers.webmap import templatecache
from layers.webmap import core as webmap


def _norm(html: str) -> str:
    return re.sub(r"_[0-9a-f]{32}", "", html)  # folium's random element ids


def test_cached_display_data_and_template_cache_render_the_same_page():
    ids = [s.id for s in layers.LAYERS if s.visible_by_default]
    fresh = webmap.map_html(webmap.build_map(ids, "zh", loader=lambda i: layers.load(i)))  # uncached path
    templatecache.install()
    templatecache.install()  # idempotent
    cached = webmap.map_html(webmap.build_map(ids, "zh"))
    again = webmap.map_html(webmap.build_map(ids, "zh"))
    assert _norm(fresh) == _norm(cached) == _norm(again)


def test_cached_layers_differ_by_language_basemap_and_opacity():
    a = webmap.map_html(webmap.build_map(["sites"], "zh"))
    b = webmap.map_html(webmap.build_map(["sites"], "en"))
    c = webmap.map_html(webmap.build_map(["sites"], "zh", basemap="amap"))
    d = webmap.map_html(webmap.build_map(["sites"], "zh", opacity={"sites": 0.5}))
    assert len({_norm(x) for x in (a, b, c, d)}) == 4
