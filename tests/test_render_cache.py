"""The rerun speed-ups change nothing the browser receives."""
from __future__ import annotations

import itertools
import re

from branca.element import Element

import layers
from layers.webmap import templatecache
import layers.webmap as webmap


def _norm(html: str) -> str:
    return re.sub(r"_[0-9a-f]{32}", "", html)  # folium's random element ids


def _page(ids: list[str], monkeypatch) -> str:
    """The page of ``ids`` with element ids numbered from 0 (so two builds can be compared byte for byte)."""
    counter = itertools.count()
    monkeypatch.setattr(Element, "_generate_id", classmethod(lambda cls: f"{next(counter):032x}"))
    return webmap.map_html(webmap.build_map(ids, "zh"))


def test_template_cache_renders_the_same_page_as_jinja_itself(monkeypatch):
    """A page rendered through the template cache is byte-identical to one rendered by Jinja's own
    ``compile`` (the cache uninstalled), and the cached path is really taken."""
    ids = [s.id for s in layers.LAYERS if s.visible_by_default]
    was_installed = templatecache.installed()
    try:
        templatecache.uninstall()
        assert not templatecache.installed()
        hits = templatecache.cache_hits()
        plain = _page(ids, monkeypatch)  # no cache: every template compiled by Jinja
        assert templatecache.cache_hits() == hits
        templatecache.install()
        templatecache.install()  # idempotent
        assert templatecache.installed()
        cached = _page(ids, monkeypatch)
        assert templatecache.cache_hits() > hits  # the cache served compiled templates
        assert plain == cached == _page(ids, monkeypatch)
    finally:
        (templatecache.install if was_installed else templatecache.uninstall)()


def test_cached_display_data_render_the_same_page():
    ids = [s.id for s in layers.LAYERS if s.visible_by_default]
    fresh = webmap.map_html(webmap.build_map(ids, "zh", loader=lambda i: layers.load(i)))  # uncached path
    cached = webmap.map_html(webmap.build_map(ids, "zh"))
    again = webmap.map_html(webmap.build_map(ids, "zh"))
    assert _norm(fresh) == _norm(cached) == _norm(again)


def test_cached_layers_differ_by_language_basemap_and_opacity():
    a = webmap.map_html(webmap.build_map(["sites"], "zh"))
    b = webmap.map_html(webmap.build_map(["sites"], "en"))
    c = webmap.map_html(webmap.build_map(["sites"], "zh", basemap="amap"))
    d = webmap.map_html(webmap.build_map(["sites"], "zh", opacity={"sites": 0.5}))
    assert len({_norm(x) for x in (a, b, c, d)}) == 4
