"""The map as one self-contained HTML file that opens with no internet.

:func:`standalone_html` builds the same map the app shows (:func:`layers.webmap.build.build_map_report`:
layers, popups, legend, title, scale, measure and full-screen controls) for a view, lets
the caller add result layers (``decorate``, e.g. coverage gaps with
:func:`layers.coverage.mapping.add_coverage`), embeds every script and stylesheet as a
``data:`` URL (:func:`layers.webmap.assets.make_offline`) and checks that nothing but map
tiles would still be fetched. Without a basemap (the default) the file makes no request
at all; with one, only its tiles come from the network (the vector layers draw anyway).

The draw toolbar is left out by default: a file has no app to keep what is drawn.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Callable, Iterable

import folium

from geo.bilingual import LANGS
from layers.text import t
from layers.webmap.assets import OfflineAssetError, make_offline
from layers.webmap.build import DEFAULT_TITLE, MapBuild, build_map_report, map_html, page_of
from layers.webmap.controls import add_control
from layers.webmap.html import esc

#: ``src``/``href`` attributes and CSS imports that would fetch a script, stylesheet or font.
_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""
    r"""|@import\s+(?:url\()?\s*["']?((?:https?:)?//[^"')\s]+)"""
    r"""|url\(\s*["']?((?:https?:)?//[^"')\s]+)""",
    re.IGNORECASE)


def external_refs(page: str) -> list[str]:
    """URLs a page would load as scripts, stylesheets, images or fonts (empty when offline-ready).

    Tile URL templates inside scripts (``L.tileLayer("https://…/{z}/{x}/{y}.png")``) are
    not references of this kind: they are only fetched as map pictures.
    """
    return [next(g for g in m.groups() if g) for m in _EXTERNAL.finditer(page)]


def _failures_note(build: MapBuild, lang: str) -> str:
    rows = "".join(f"<div>{esc(f.title(lang))}: {esc(f.message(lang))}</div>" for f in build.failed)
    head = t(lang, "map_failed_layers")
    return f'<div class="zj-legend-title">{esc(head)}</div>{rows}'


def standalone_map(layer_ids: Iterable[str] | None = None, lang: str = "zh", *, basemap: str | None = None,
                   title: str | None = None, decorate: Callable[[folium.Map], object] | None = None,
                   **view_options) -> MapBuild:
    """The standalone map, offline-ready, and which layers were drawn or failed.

    Parameters are those of :func:`standalone_html`.
    """
    if layer_ids is None:
        from layers.catalogue.entries import LAYERS
        layer_ids = [s.id for s in LAYERS if s.visible_by_default]
    options = {"draw": False, "url_sync": False, **view_options}
    text = DEFAULT_TITLE.get(lang) if title is None and lang in LANGS else title
    build = build_map_report(list(layer_ids), lang, basemap=basemap, title=text, **options)
    m = build.map
    if build.failed:
        add_control(m, _failures_note(build, lang), "bottomright", "zj-legend")
    if decorate is not None:
        decorate(m)
    head = f"<title>{html.escape(text or (DEFAULT_TITLE.get(lang) if lang in LANGS else ''))}</title>"
    page_of(m).header.add_child(folium.Element(head), name="zj_title")
    make_offline(m)  # again: ``decorate`` may have added elements with CDN assets
    return build


def standalone_html(layer_ids: Iterable[str] | None = None, lang: str = "zh", *, basemap: str | None = None,
                    title: str | None = None, decorate: Callable[[folium.Map], object] | None = None,
                    **view_options) -> str:
    """One self-contained HTML page of the map (every script and stylesheet embedded).

    Parameters
    ----------
    layer_ids : iterable of str, optional
        Catalogue layers to draw; default the layers visible by default.
    lang : {"zh", "en"}
        Language of labels, popups and the legend.
    basemap : str, optional
        A key of :data:`layers.webmap.basemaps.BASEMAPS`; None (default) draws no tiles, so the
        file needs no network at all. A GCJ-02 basemap shifts the layers for display.
    title : str, optional
        Title block text (escaped); default :data:`layers.webmap.build.DEFAULT_TITLE`. Also the
        page's ``<title>``.
    decorate : callable, optional
        ``decorate(m)`` adds more to the folium map before it is rendered, e.g.
        ``lambda m: add_coverage(m, run.layers(), lang, title)``.
    **view_options
        Passed to :func:`layers.webmap.build.build_map_report`: ``center``, ``zoom``, ``fit``,
        ``bounds``, ``opacity``, ``legend``, ``meeting``, ``date``, ``measure``,
        ``fullscreen``, ``draw`` (default False here), ``url_sync`` (default False).

    Raises
    ------
    OfflineAssetError
        If the page would still load a script, stylesheet or font from the network.
    LayerNotFoundError, UnknownBasemapError, BasemapKeyError, CoordinateError, MapOptionError
    """
    page = map_html(standalone_map(layer_ids, lang, basemap=basemap, title=title, decorate=decorate,
                                   **view_options).map)
    bad = external_refs(page)
    if bad:
        raise OfflineAssetError(f"the standalone map would still load {bad[:3]} from the network",
                                f"离线地图仍需从网络加载 {bad[:3]}")
    return page


def write_standalone(path: str | Path, layer_ids: Iterable[str] | None = None, lang: str = "zh",
                     **options) -> Path:
    """Write :func:`standalone_html` to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(standalone_html(layer_ids, lang, **options), encoding="utf-8")
    return path


__all__ = ["external_refs", "standalone_html", "standalone_map", "write_standalone"]
