"""Controls kept out of the map's way: the fit that reserves their columns, zoom targets,
the north arrow and the scale bar.

Layout (measured in Chromium at 1280 x 720 … 1920 x 1080): every control sits in one
column on the right: at the top the title block (meeting mode), zoom, zoom targets, full
screen, draw, measure and the layer control (standalone page); at the bottom the legend,
the north arrow beside the scale bar and the attribution. East of the Science City there
is no plan feature, so the column covers none, while the city centre's parks just west of
it stay clear at every window size.

:func:`layout_js` fits the opening view again once every control exists, with paddings
of the measured control column (``map.zjFit``), so no plan feature of the fitted box lies
under a control whatever the window size; it collapses the legend on a narrow map and
caps its height so the bottom of the column never runs into the top.
"""
from __future__ import annotations

import json

from geo import settings
from layers.text import t
from layers.webmap.assets import js_string
from layers.webmap.html import esc

__all__ = ["LatLngBox", "ZoomTarget", "layout_js", "north_arrow_html", "scale_js", "zoom_targets_js"]

#: Leaflet bounds: [[south, west], [north, east]] (display coordinates).
LatLngBox = list[list[float]]
#: A zoom target: (css class, label, bounds).
ZoomTarget = tuple[str, str, LatLngBox]


def layout_js(map_var: str, fit: LatLngBox | None, max_zoom: float | None, *, meeting: bool,
              legend: bool = True) -> str:
    """Script defining ``map.zjFit(bounds, maxZoom)`` and fitting ``fit`` with it (if given).

    ``zjFit`` pads the fit by the widest control of each side (``.leaflet-left`` /
    ``.leaflet-right`` corners; at the bottom, by the attribution line's height) plus
    ``settings.FIT_CONTROL_GAP``, never less than
    ``settings.FIT_PADDING_TL`` / ``FIT_PADDING_BR``; if the columns would take more than
    ``settings.FIT_MAX_PADDING_SHARE`` of the width, the fixed paddings alone. Outside
    meeting mode a map narrower than ``settings.LEGEND_COLLAPSE_WIDTH`` first collapses its
    legend (``details.zj-legend-body``); in meeting mode the legend is open.
    """
    tl, br = list(settings.FIT_PADDING_TL), list(settings.FIT_PADDING_BR)
    legend_js = _legend_js(meeting) if legend else ""
    return f"""(function (map) {{
  var PTL = {json.dumps(tl)}, PBR = {json.dumps(br)}, GAP = {int(settings.FIT_CONTROL_GAP)};
  map.zjFit = function (b, maxZoom) {{
    if (map._animatingZoom) {{ map.once("zoomend", function () {{ map.zjFit(b, maxZoom); }}); return; }}
    var c = map._controlCorners, w = map.getSize().x, attr = 0;
    function column(names) {{  // widest control of one side, margin included; not the attribution line
      var most = 0;
      names.forEach(function (n) {{
        Array.prototype.forEach.call(c[n].children, function (e) {{
          var s = getComputedStyle(e);
          var width = e.offsetWidth + parseFloat(s.marginLeft) + parseFloat(s.marginRight);
          if (e.classList.contains("leaflet-control-attribution")) attr = Math.max(attr, e.offsetHeight);
          else most = Math.max(most, width);
        }});
      }});
      return most + GAP;
    }}
    var lw = column(["topleft", "bottomleft"]), rw = column(["topright", "bottomright"]);
    var tl = [Math.max(PTL[0], lw), PTL[1]], br = [Math.max(PBR[0], rw), Math.max(PBR[1], attr + GAP)];
    if (tl[0] + br[0] > {settings.FIT_MAX_PADDING_SHARE:g} * w) {{ tl = PTL.slice(); br = PBR.slice(); }}
    if (tl[0] + br[0] > {settings.FIT_MAX_PADDING_SHARE:g} * w) {{ tl = [10, 10]; br = [10, 10]; }}
    map.fitBounds(b, {{paddingTopLeft: tl, paddingBottomRight: br, maxZoom: maxZoom, animate: false}});
  }};
{legend_js}  var fit = {json.dumps(fit)};
  if (fit) map.zjFit(fit, {json.dumps(max_zoom)});
}})({map_var});
"""


def _legend_js(meeting: bool) -> str:
    """Script lines (inside :func:`layout_js`) opening or collapsing the legend and capping its height."""
    return f"""  var narrow = map.getSize().x < {int(settings.LEGEND_COLLAPSE_WIDTH)};
  map.getContainer().querySelectorAll("details.zj-legend-body").forEach(function (d) {{
    d.open = {"true" if meeting else "!narrow"};
  }});
  var corners = map._controlCorners, legend = corners.bottomright.querySelector(".zj-legend");
  if (legend) {{  // the legend scrolls rather than run into the controls above it
    var below = corners.bottomright.offsetHeight - legend.offsetHeight;
    var room = map.getSize().y - corners.topright.offsetHeight - below - GAP;
    var css = parseFloat(getComputedStyle(legend).maxHeight) || room;
    legend.style.maxHeight = Math.max(40, Math.min(css, room)) + "px";
  }}
"""


def zoom_targets_js(map_var: str, targets: list[ZoomTarget], lang: str) -> str:
    """Script adding the zoom-targets control (``.zj-zoom-targets``, top right): one button
    per target (its css class, e.g. ``zj-zoom-sc``), fitting the map to its bounds with
    ``map.zjFit`` (the control columns kept clear)."""
    data = [[cls, label, box] for cls, label, box in targets]
    return f"""(function (map) {{
  var ctl = L.control({{position: "topright"}});
  ctl.onAdd = function () {{
    var div = L.DomUtil.create("div", "leaflet-control leaflet-bar zj-zoom-targets");
    div.setAttribute("title", {js_string(t(lang, "map_zoom_targets"))});
    JSON.parse({js_string(json.dumps(data, ensure_ascii=False))}).forEach(function (tg) {{
      var b = L.DomUtil.create("a", tg[0], div);
      b.href = "#"; b.setAttribute("role", "button"); b.textContent = tg[1];
      L.DomEvent.on(b, "click", function (e) {{
        L.DomEvent.preventDefault(e);
        if (map.zjFit) map.zjFit(tg[2]); else map.fitBounds(tg[2]);
      }});
    }});
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  }};
  ctl.addTo(map);
}})({map_var});
"""


def north_arrow_html(lang: str) -> str:
    """The north arrow: an inline SVG ("N" over an arrow), titled in ``lang``."""
    title = esc(t(lang, "map_north"))
    return (f'<svg class="zj-north-svg" viewBox="0 0 24 40" role="img" aria-label="{title}">'
            f'<title>{title}</title>'
            '<text x="12" y="11" text-anchor="middle" font-size="12" font-weight="bold" '
            'font-family="sans-serif" fill="#222">N</text>'
            '<polygon points="12,14 20,38 12,32" fill="#222"/>'
            '<polygon points="12,14 4,38 12,32" fill="#fff" stroke="#222" stroke-width="1.2"/></svg>')


def scale_js(map_var: str, meeting: bool) -> str:
    """Script adding Leaflet's metric scale bar at the bottom right (longer in meeting mode)."""
    width = settings.MEETING_SCALE_WIDTH if meeting else settings.MAP_SCALE_WIDTH
    return (f'L.control.scale({{position: "bottomright", imperial: false, maxWidth: {int(width)}}})'
            f'.addTo({map_var});\n')
