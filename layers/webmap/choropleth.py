"""A check by zones on the map: every zone filled by its share, in classes, with a legend.

The classes are 20 % steps (0–20–40–60–80–100 %) with the target as a class break (a break
closer to it than 5 points is dropped), so the zones meeting the target are the darkest
classes; colours are the ColorBrewer ramp ``YlGnBu`` (light: low share, dark: high). A zone
with no demand has no share: it is hatched grey. The zones lie in their own pane above the
planner's layers and below the catalogue layers. Every name is the planner's data: each
text is escaped before it reaches the browser.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import folium
import geopandas as gpd
import shapely
from shapely.geometry import mapping

from geo.chinacoords import convert_frame
from layers.styling.palettes import ramp
from layers.text import t
from layers.webmap.assets import js_string
from layers.webmap.build import page_of
from layers.webmap.controls import MapScript, add_control, layer_control_last
from layers.webmap.features import simplify_for_display
from layers.webmap.html import esc

__all__ = ["LOWS", "NO_DATA", "PANE", "RAMP", "add_choropleth", "class_bounds", "class_labels", "class_of",
           "class_styles", "legend_html", "tooltip_html"]

#: Lower bounds of the classes without a target (shares, 0–1).
LOWS = (0.0, 0.2, 0.4, 0.6, 0.8)
#: A break closer to the target than this is dropped (the target replaces it).
NEAR_TARGET = 0.05
#: The sequential ColorBrewer ramp of the classes (colour-blind safe).
RAMP = "YlGnBu"
#: The pane of the zones (above the planner's layers, 390; below the catalogue's overlays, 400).
PANE = "zjChoropleth"
PANE_Z = 395
FILL_OPACITY = 0.75
OUTLINE = "#4D4D4D"
#: A zone without demand: grey, hatched in the browser (``zj-choro-nodata``), dashed outline.
NO_DATA = {"color": "#737373", "weight": 1.0, "opacity": 1.0, "fillColor": "#D9D9D9", "fillOpacity": 0.8,
           "dashArray": "4 3"}
HATCH_ID = "zj-choro-hatch"
_HATCH = (f'<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
          f'<pattern id="{HATCH_ID}" patternUnits="userSpaceOnUse" width="6" height="6" '
          f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#D9D9D9"/>'
          f'<line x1="0" y1="0" x2="0" y2="6" stroke="#737373" stroke-width="1.6"/></pattern></defs></svg>')
#: Page CSS: the hatch of zones without demand, the tooltip, and room for the legend's classes
#: (beside the planner's legend it would get the shared 17.5 % of the height; the catalogue's
#: legend folds on small screens).
_CSS = (f"<style>.zj-choro-nodata {{ fill: url(#{HATCH_ID}); }}"
        ".zj-choro-tip { font-size: 12px; line-height: 1.35; }"
        ".leaflet-container .leaflet-bottom.leaflet-right .zj-legend.zj-legend-choro "
        "{ max-height: min(28vh, calc(50vh - 120px)); }</style>")


def class_bounds(target: float | None) -> list[tuple[float, float]]:
    """The classes as (low, high) shares: 20 % steps, the target a break (its nearest dropped).

    A share belongs to the last class whose low it reaches; the last class ends at 1 (a
    target of 100 % makes it the class "100 %").
    """
    lows = list(LOWS)
    if target is not None and 0 < target <= 1:
        lows = sorted({x for x in lows if x == 0 or abs(x - target) >= NEAR_TARGET} | {float(target)})
    return list(zip(lows, lows[1:] + [1.0]))


def class_of(share: float | None, bounds: list[tuple[float, float]]) -> int | None:
    """The class index of ``share`` (None without a share: no demand)."""
    if share is None or not math.isfinite(share):
        return None
    found = 0
    for i, (low, _) in enumerate(bounds):
        if share >= low - 1e-12:
            found = i
    return found


def class_styles(n: int) -> list[dict[str, Any]]:
    """The Leaflet style of each of ``n`` classes (light to dark)."""
    return [{"color": OUTLINE, "weight": 1.0, "opacity": 0.9, "fillColor": c, "fillOpacity": FILL_OPACITY}
            for c in ramp(RAMP, n)]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}" if abs(100 * x - round(100 * x)) < 1e-9 else f"{100 * x:.1f}"


def class_labels(bounds: list[tuple[float, float]], target: float | None, lang: str) -> list[str]:
    """Plain labels of the classes ("20–40 %", "≥ 85 % · 达标", "100 %")."""
    out = []
    for i, (low, high) in enumerate(bounds):
        last = i == len(bounds) - 1
        if last and low >= 1:
            label = "100 %"
        elif last and target is not None and abs(low - target) < 1e-12:
            label = f"≥ {_pct(low)} %"
        else:
            label = f"{_pct(low)}–{_pct(high)} %"
        if target is not None and low >= target - 1e-12:
            label += f" · {t(lang, 'cov_met')}"
        out.append(label)
    return out


def _share_text(x: Any) -> str:
    return f"{100 * float(x):.1f} %" if x is not None and math.isfinite(float(x)) else "—"


def tooltip_html(name: object, row: Mapping[str, Any], target: float | None, lang: str) -> str:
    """A zone's tooltip: its escaped name, share, straight-line share, target met or not."""
    share = row.get("share")
    lines = [f"<b>{esc(name)}</b>"]
    if share is None or not math.isfinite(float(share)):
        lines.append(esc(t(lang, "covz_no_demand")))
    else:
        lines.append(f"{esc(t(lang, 'cov_share'))}: {esc(_share_text(share))}")
        lines.append(f"{esc(t(lang, 'covz_map_buffer'))}: {esc(_share_text(row.get('share_buffer')))}")
        if target is not None:
            met = t(lang, "cov_met") if float(share) >= target - 1e-12 else t(lang, "cov_not_met")
            lines.append(f"{esc(t(lang, 'cov_target'))} {esc(_pct(target))} %: {esc(met)}")
    return f'<div class="zj-choro-tip">{"<br>".join(lines)}</div>'


def _swatch(style: Mapping[str, Any] | None) -> str:
    if style is None:  # no demand: grey, hatched, dashed outline
        return ('<svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true">'
                '<rect x="2" y="2" width="18" height="10" fill="#D9D9D9" stroke="#737373" stroke-dasharray="3 2"/>'
                '<path d="M4 12 L12 2 M10 12 L18 2 M16 12 L20 7" stroke="#737373" stroke-width="1.2"/></svg>')
    return (f'<svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true"><rect x="2" y="2" width="18" '
            f'height="10" fill="{esc(style["fillColor"])}" fill-opacity="{FILL_OPACITY:g}" '
            f'stroke="{esc(style["color"])}" stroke-width="1"/></svg>')


def legend_html(title: str, bounds: list[tuple[float, float]], target: float | None, counts: list[int],
                no_data: int, lang: str) -> str:
    """The choropleth's legend (escaped): its title, a row per class (colour, range, zones)
    from high to low, and the zones without demand when there are any."""
    styles = class_styles(len(bounds))
    labels = class_labels(bounds, target, lang)
    rows = [f'<li class="zj-legend-layer"><span>{esc(t(lang, "covz_map_head"))}</span></li>']
    for i in reversed(range(len(bounds))):
        rows.append(f'<li class="zj-legend-cat">{_swatch(styles[i])}<span>{esc(labels[i])} ({counts[i]})</span></li>')
    if no_data:
        rows.append(f'<li class="zj-legend-cat">{_swatch(None)}<span>{esc(t(lang, "covz_no_demand"))} '
                    f'({no_data})</span></li>')
    return (f'<details class="zj-legend-body" open><summary>{esc(title)}</summary>'
            f'<ul>{"".join(rows)}</ul></details>')


def _hatch_js(map_var: str) -> str:
    """Script adding the hatch pattern once to the map's page (zones with no demand use it)."""
    return f"""(function (map) {{
  if (!document.getElementById({js_string(HATCH_ID)})) {{
    var d = document.createElement("div");
    d.innerHTML = {js_string(_HATCH)};
    map.getContainer().appendChild(d.firstChild);
  }}
}})({map_var});
"""


def _room_js(map_var: str) -> str:
    """Script giving the legend room: the catalogue's legend folds (one click opens it), and the
    zones' legend is capped to the room left under the right-hand controls (it scrolls rather
    than run into them)."""
    return f"""(function (map) {{
  var corners = map._controlCorners, legend = corners.bottomright.querySelector(".zj-legend-choro");
  if (!legend) return;
  corners.bottomright.querySelectorAll(".zj-legend:not(.zj-legend-choro):not(.zj-legend-user) details")
    .forEach(function (d) {{ d.open = false; }});
  var below = corners.bottomright.offsetHeight - legend.offsetHeight;
  var room = map.getSize().y - corners.topright.offsetHeight - below - 10;
  var css = parseFloat(getComputedStyle(legend).maxHeight) || room;
  legend.style.maxHeight = Math.max(60, Math.min(css, room)) + "px";
}})({map_var});
"""


def _names(zones: gpd.GeoDataFrame, name_column: str) -> list[str]:
    if name_column in zones:
        values = zones[name_column].tolist()
    else:
        values = [None] * len(zones)
    ids = zones["zone_id"].tolist() if "zone_id" in zones else list(range(len(zones)))
    return [str(v) if v is not None and str(v) not in ("", "nan", "None") else f"#{i}"
            for v, i in zip(values, ids)]


def add_choropleth(m: folium.Map, zones: gpd.GeoDataFrame, lang: str, title: str, *,
                   target: float | None, name_column: str = "name", coords: str = "wgs84") -> dict[str, Any]:
    """Draw ``zones`` (WGS84, with ``share``, ``share_buffer``; e.g. ``ZoneCoverage.zones``)
    filled by share, with an escaped tooltip per zone and the legend.

    ``coords`` is the basemap's datum (zones shifted to GCJ-02 for display only). Returns
    the number of zones per class (``counts``), those without demand (``no_data``) and the
    class bounds.
    """
    bounds = class_bounds(target)
    styles = class_styles(len(bounds))
    counts = [0] * len(bounds)
    no_data = 0
    shown = zones[zones.geometry.notna() & ~zones.geometry.is_empty]
    shown = shown[shown.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    names = _names(shown, name_column)
    shown = simplify_for_display(shown)
    if coords != "wgs84":
        shown = convert_frame(shown, "wgs84", coords)
    geoms = shapely.set_precision(shown.geometry.to_numpy(), 1e-6)
    cols = [c for c in ("share", "share_buffer") if c in shown]
    with_data: list[dict] = []
    without: list[dict] = []
    for i, (row, geom, name) in enumerate(zip(shown[cols].to_dict("records"), geoms, names)):
        k = class_of(row.get("share"), bounds)
        if k is None:
            no_data += 1
        else:
            counts[k] += 1
        feature = {"type": "Feature", "id": i, "geometry": mapping(geom),
                   "properties": {"tooltip": tooltip_html(name, row, target, lang),
                                  "style": dict(NO_DATA) if k is None else styles[k]}}
        (without if k is None else with_data).append(feature)
    folium.map.CustomPane(PANE, z_index=PANE_Z, pointer_events=True).add_to(m)
    group = folium.FeatureGroup(name=esc(title), show=True)
    for features, css in ((with_data, "zj-choro"), (without, "zj-choro zj-choro-nodata")):
        if not features:
            continue
        folium.GeoJson({"type": "FeatureCollection", "features": features},
                       style_function=lambda f: f["properties"]["style"],
                       highlight_function=lambda f: {"weight": 3.0, "color": "#000000"},
                       tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
                       control=False, smooth_factor=0.5, pane=PANE, className=css).add_to(group)
    group.add_to(m)
    page_of(m).header.add_child(folium.Element(_CSS), name="zj_choro_css")
    if without:
        MapScript(_hatch_js, "zj_choro_hatch").add_to(m)
    if with_data or without:
        add_control(m, legend_html(title, bounds, target, counts, no_data, lang), "bottomright",
                    "zj-legend zj-legend-choro")
        MapScript(_room_js, "zj_choro_room").add_to(m)
        layer_control_last(m)
    return {"counts": counts, "no_data": no_data, "bounds": bounds}
