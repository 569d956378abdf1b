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

Plugin icons. Stylesheets that point at images by relative URL (leaflet.draw's
sprite sheet, leaflet-measure's icons, Leaflet's layers icon) would break once the
CSS itself is a ``data:`` URL, because a relative URL then resolves against nothing.
folium-offline already carries these stylesheets with every image inlined as a
``data:`` URI; :func:`css_external_urls` checks that, and :func:`make_offline`
refuses (:class:`OfflineAssetError`) a stylesheet that would still fetch an image.

The small scripts the map adds itself (URL sync, the GCJ-02 inverse, Leaflet.draw's
Chinese labels, custom controls) are generated here as plain strings: see
:func:`gcj02_js`, :func:`url_sync_js`, :func:`draw_locale_js` and :func:`control_js`.
"""
from __future__ import annotations

import base64
import functools
import json
import re
from typing import Iterator

import folium
from branca.element import Element
from folium.elements import JSCSSMixin

from geo import settings
from geo.errors import OfflineAssetError

__all__ = ["ASSET_PACKAGE", "DRAW_LOCALE_ZH", "MAP_CSS_KEEP", "MAP_JS_KEEP", "OfflineAssetError", "asset_text",
           "control_js", "css_external_urls", "data_url", "draw_locale_js", "external_assets", "gcj02_js",
           "js_string", "make_offline", "url_sync_js", "walk"]

#: The PyPI package the assets come from (pinned in requirements.txt to match folium).
ASSET_PACKAGE = "folium-offline"

#: What a bare folium.Map needs. folium also loads jQuery, Bootstrap, Font Awesome and
#: awesome-markers by default (about 1.3 MB); none of them is used by the elements
#: this project draws, so they are not sent to the browser.
MAP_JS_KEEP = ("leaflet",)
MAP_CSS_KEEP = ("leaflet_css",)


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


_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.S)


def css_external_urls(css: str) -> list[str]:
    """``url(...)`` references in a stylesheet that are not ``data:`` URIs (fragments aside)."""
    out = []
    for _, ref in _CSS_URL.findall(css):
        ref = ref.strip()
        if ref and not ref.startswith(("data:", "#")):
            out.append(ref)
    return out


@functools.lru_cache(maxsize=None)
def _check_css(url: str) -> None:
    if _mime(url) != "text/css":
        return
    bad = css_external_urls(asset_text(url))
    if bad:
        raise OfflineAssetError(
            f"{url}: its offline copy still references {bad[:3]}, which would not load offline",
            f"{url}: 离线副本仍引用外部图片 {bad[:3]}",
        )


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
        for _, u in css:
            if not u.startswith("data:"):
                _check_css(u)
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


# --- scripts generated here (no third-party code) --------------------------------------

def js_string(text: str) -> str:
    """``text`` as a JavaScript string literal that is safe inside a ``<script>`` element."""
    return (json.dumps(text, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def gcj02_js() -> str:
    """JavaScript ``zjWgs84ToGcj02(lon, lat)`` and ``zjGcj02ToWgs84(lon, lat)``.

    The same public formula as :mod:`geo.chinacoords` (Krasovsky constants and the
    number of inverse iterations from :mod:`geo.settings`); each returns ``[lon, lat]``.
    """
    return f"""function zjWgs84ToGcj02(lon, lat) {{
  if (!(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271)) return [lon, lat];
  var PI = Math.PI, A = {settings.GCJ_A!r}, EE = {settings.GCJ_EE!r};
  var x = lon - 105.0, y = lat - 35.0, sq = Math.sqrt(Math.abs(x));
  var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq;
  var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq;
  var common = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
  dlat += common; dlon += common;
  dlat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
  dlon += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
  dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
  dlon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
  var radlat = lat / 180.0 * PI, s = Math.sin(radlat), magic = 1.0 - EE * s * s, sqrtmagic = Math.sqrt(magic);
  dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtmagic) * PI);
  dlon = (dlon * 180.0) / (A / sqrtmagic * Math.cos(radlat) * PI);
  return [lon + dlon, lat + dlat];
}}
function zjGcj02ToWgs84(lon, lat) {{
  var w = [lon, lat];
  for (var i = 0; i < {int(settings.GCJ_INVERSE_ITERATIONS)}; i++) {{
    var f = zjWgs84ToGcj02(w[0], w[1]);
    w = [w[0] - (f[0] - lon), w[1] - (f[1] - lat)];
  }}
  return w;
}}
"""


def url_sync_js(map_var: str, gcj02: bool = False) -> str:
    """Script writing the map's centre and zoom into the top window's URL on ``moveend``.

    Also writes the opening view. Sets ``lat`` and ``lon`` (WGS84, 5 decimals) and ``z`` (2 decimals) with
    ``history.replaceState``, keeping every other query parameter and causing no
    reload or Streamlit rerun. With ``gcj02`` the displayed centre is converted back
    to WGS84 first. Errors (a standalone file, a cross-origin frame) are swallowed.
    """
    inverse = gcj02_js() if gcj02 else ""
    to_wgs = "var w = zjGcj02ToWgs84(lon, lat); lon = w[0]; lat = w[1];" if gcj02 else ""
    return f"""(function (map) {{
{inverse}  function write() {{
    try {{
      var c = map.getCenter().wrap(), lon = c.lng, lat = c.lat;
      {to_wgs}
      var win = window.top, url = new URL(win.location.href);
      url.searchParams.set("lat", lat.toFixed(5));
      url.searchParams.set("lon", lon.toFixed(5));
      url.searchParams.set("z", map.getZoom().toFixed(2));
      if (url.href !== win.location.href) win.history.replaceState(win.history.state, "", url.href);
    }} catch (e) {{ /* no URL sync here: standalone file or cross-origin frame */ }}
  }}
  map.on("moveend", write);
  map.whenReady(write);  // the opening view too (the opening fit is not animated: no later moveend)
}})({map_var});
"""


def control_js(map_var: str, html: str, position: str, css_class: str, first: bool = False) -> str:
    """Script adding a Leaflet control whose content is ``html`` (already escaped markup).

    ``first`` puts the control at the top of its corner (above the zoom buttons).
    Clicks and wheel events on the control do not reach the map.
    """
    move = ("var c = ctl.getContainer(); c.parentNode.insertBefore(c, c.parentNode.firstChild);"
            if first else "")
    return f"""(function (map) {{
  var ctl = L.control({{position: {js_string(position)}}});
  ctl.onAdd = function () {{
    var div = L.DomUtil.create("div", {js_string("leaflet-control " + css_class)});
    div.innerHTML = {js_string(html)};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  }};
  ctl.addTo(map);
  {move}
}})({map_var});
"""


#: Leaflet.draw's texts in Chinese (the plugin ships English only; ``L.drawLocal`` is its hook).
DRAW_LOCALE_ZH = {
    "draw": {
        "toolbar": {
            "actions": {"title": "取消绘制", "text": "取消"},
            "finish": {"title": "完成绘制", "text": "完成"},
            "undo": {"title": "删除最后一个点", "text": "删除最后一点"},
            "buttons": {"polyline": "绘制折线 (Draw a line)", "polygon": "绘制多边形 (Draw a polygon)"},
        },
        "handlers": {
            "polygon": {"tooltip": {"start": "单击开始绘制多边形", "cont": "单击继续绘制",
                                    "end": "单击第一个点闭合多边形"}},
            "polyline": {"error": "<strong>错误:</strong> 边不能相交!",
                         "tooltip": {"start": "单击开始绘制折线", "cont": "单击继续绘制",
                                     "end": "单击最后一个点结束"}},
        },
    },
    "edit": {
        "toolbar": {
            "actions": {"save": {"title": "保存修改", "text": "保存"},
                        "cancel": {"title": "取消编辑, 放弃修改", "text": "取消"},
                        "clearAll": {"title": "清除全部图形", "text": "全部清除"}},
            "buttons": {"edit": "编辑图形 (Edit)", "editDisabled": "没有可编辑的图形",
                        "remove": "删除图形 (Delete)", "removeDisabled": "没有可删除的图形"},
        },
        "handlers": {
            "edit": {"tooltip": {"text": "拖动节点以编辑图形", "subtext": "单击“取消”撤销修改"}},
            "remove": {"tooltip": {"text": "单击图形将其删除"}},
        },
    },
}


def draw_locale_js(locale: dict) -> str:
    """Script deep-merging ``locale`` into ``L.drawLocal`` (run before the Draw control is made)."""
    return f"""(function (src) {{
  function merge(dst, s) {{
    for (var k in s) {{
      if (s[k] && typeof s[k] === "object") {{ dst[k] = dst[k] || {{}}; merge(dst[k], s[k]); }}
      else dst[k] = s[k];
    }}
  }}
  if (window.L && L.drawLocal) merge(L.drawLocal, src);
}})(JSON.parse({js_string(json.dumps(locale, ensure_ascii=False))}));
"""
