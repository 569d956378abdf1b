"""Offline web assets: Leaflet's JavaScript and CSS from an installed package, never a CDN.

folium points every element at CDN URLs (cdn.jsdelivr.net, cdnjs, code.jquery.com…),
which a machine without internet cannot reach. The ``folium-offline`` package
(PyPI, MIT, "offline version of folium with web resources embedded") ships the
exact files of those URLs inside its Python sources, keyed by URL; Leaflet's CSS
there already has its images inlined. :func:`make_offline` swaps each URL an
element would load for a ``data:`` URL of the same file, so

* a map saved or rendered as HTML has no external script or stylesheet, and
* ``streamlit_folium.st_folium``, which collects ``default_js`` / ``default_css``
  and adds them to its iframe as ``<script src>`` / ``<link href>``, loads them
  from the page itself.

Nothing third-party is copied into the repository: the files come from the
installed package. Only the map tiles still come from the network (they are
pictures, not code); offline the vector layers draw on a plain background.
"""
from __future__ import annotations

import base64
import functools
from typing import Iterator

import folium
from branca.element import Element
from folium.elements import JSCSSMixin

from geo.errors import ZJError

#: The PyPI package the assets come from (pinned in requirements.txt to match folium).
ASSET_PACKAGE = "folium-offline"

#: What a bare folium.Map needs. folium also loads jQuery, Bootstrap, Font Awesome and
#: awesome-markers by default (about 1.3 MB); none of them is used by the elements
#: this project draws, so they are not sent to the browser.
MAP_JS_KEEP = ("leaflet",)
MAP_CSS_KEEP = ("leaflet_css",)


class OfflineAssetError(ZJError):
    """A web asset the map needs is not available from the installed packages."""


@functools.lru_cache(maxsize=1)
def _bundle() -> dict[str, str]:
    try:
        from offlinefolium import elements  # the package's URL → file text table
    except ImportError as exc:
        raise OfflineAssetError(
            f"the map needs the {ASSET_PACKAGE} package for offline Leaflet assets "
            f"(pip install -r requirements.txt)",
            f"地图需要安装 {ASSET_PACKAGE} 包以离线加载 Leaflet 资源",
        ) from exc
    res = getattr(elements, "_res", None)
    if not isinstance(res, dict):
        raise OfflineAssetError(f"{ASSET_PACKAGE}: unexpected package layout (no asset table)",
                                f"{ASSET_PACKAGE}: 包结构不符 (缺少资源表)")
    return res


def asset_text(url: str) -> str:
    """The text of the file folium would fetch from ``url``, from the installed package.

    Raises
    ------
    OfflineAssetError
        If the package does not carry that file (e.g. folium and folium-offline versions differ).
    """
    try:
        return _bundle()[url]
    except KeyError:
        raise OfflineAssetError(
            f"no offline copy of {url} in {ASSET_PACKAGE}; keep folium and {ASSET_PACKAGE} "
            "at matching versions (requirements.txt)",
            f"{ASSET_PACKAGE} 中没有 {url} 的离线副本; 请保持 folium 与 {ASSET_PACKAGE} 版本一致",
        ) from None


def _mime(url: str) -> str:
    return "text/css" if url.split("?")[0].endswith(".css") else "text/javascript"


@functools.lru_cache(maxsize=None)
def data_url(url: str) -> str:
    """A ``data:`` URL holding the offline copy of ``url`` (base64, UTF-8)."""
    if url.startswith("data:"):
        return url
    payload = base64.b64encode(asset_text(url).encode("utf-8")).decode("ascii")
    return f"data:{_mime(url)};charset=utf-8;base64,{payload}"


def walk(element: Element) -> Iterator[Element]:
    """``element`` and all its descendants, depth first."""
    yield element
    for child in element._children.values():
        yield from walk(child)


def make_offline(m: folium.Map) -> folium.Map:
    """Point every asset of ``m`` and its children at offline copies; return ``m``.

    Call after all children are added. The folium classes keep their CDN lists; only
    the instances of this map change.
    """
    for elem in walk(m):
        if not isinstance(elem, JSCSSMixin):
            continue
        js, css = list(elem.default_js), list(elem.default_css)
        if isinstance(elem, folium.Map):
            js = [(n, u) for n, u in js if n in MAP_JS_KEEP]
            css = [(n, u) for n, u in css if n in MAP_CSS_KEEP]
        elem.default_js = [(n, data_url(u)) for n, u in js]
        elem.default_css = [(n, data_url(u)) for n, u in css]
    return m


def external_assets(m: folium.Map) -> list[str]:
    """Script and stylesheet URLs of ``m`` that are not embedded (empty when offline-ready).

    This is the list ``st_folium`` would hand to the browser, minus the data: URLs.
    """
    out = []
    for elem in walk(m):
        for _, url in list(getattr(elem, "default_js", [])) + list(getattr(elem, "default_css", [])):
            if not url.startswith("data:"):
                out.append(url)
    return out
