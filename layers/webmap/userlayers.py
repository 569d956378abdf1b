"""The planner's imported layers on the map: escaped tooltips and popups, a colour each or a thematic
style, and big layers (100,000 parcels) that stay usable.

An imported layer is a WGS84 GeoDataFrame kept in the planner's session only. It is drawn
with an escaped tooltip and popup per feature, listed in a legend of its own ("⬆ name"), at
most ``settings.MAX_MAP_FEATURES`` features of it (analysis, search and export use all); on a
GCJ-02 basemap it is shifted for display only.

* **Styles** (``add_user_layers(…, styles={name: Style})``, :mod:`layers.styling`): each
  feature's colour rides in its GeoJSON properties (``colour``, ``#RRGGBB``) and a JavaScript
  style function reads it in the browser. (folium's ``style_function`` runs in Python and
  writes a ``switch`` over every feature id into the page: 100,000 ids for 100,000 parcels.)
  Features a style's filter leaves out are not sent. The legend lists the style's classes
  (swatch, label, count) under the layer's name.
* **Big layers**: the planner's layers draw on one Leaflet canvas (``L.canvas``; one SVG element
  per parcel would stall the browser) in a pane of their own under the catalogue's SVG layers
  (``settings.USER_PANE``), so the plan's outlines stay visible over a styled layer. Clicks and
  hovers reach the planner's features before the catalogue's areas, as when they were SVG drawn
  over them; catalogue points, drawings and coverage results keep theirs (:data:`_SETUP_JS`). Coordinates are
  rounded to ``settings.COORD_DECIMALS`` (1e-6°, about 0.1 m). When the layers shown hold more
  than ``settings.USER_MAP_VERTEX_BUDGET`` vertices, each is simplified for display (topology
  kept; the smallest of ``settings.USER_SIMPLIFY_STEPS_M`` that fits), never the stored frame,
  and its legend says "显示简化 / simplified for display". A layer of more than
  ``settings.USER_COMPACT_FEATURES`` features sends only the values of
  ``settings.USER_COMPACT_POPUP_ROWS`` columns per feature (escaped); the browser lays out the
  popup table with :func:`layers.webmap.html.popup_table`'s markup.

The display data of a frame are computed once per layer, datum, style and budget and kept
while that frame lives (:class:`layers.analysis.memo.FrameMemo`).
"""
from __future__ import annotations

import json
import re
from typing import Mapping

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.template import Template

from geo import settings
from geo.chinacoords import convert_geometry
from geo.errors import StyleError
from geo.geometry import geometry_kind
from layers.analysis.memo import FrameMemo
from layers.analysis.names import name_column
from layers.catalogue.validate import is_missing
from layers.styling import Style, class_index, legend_rows, visible_mask
from layers.styling.display import fit_vertex_budget, geometry_json, round_geometry, script_json, vertex_count
from layers.text import t
from layers.text.webmap import format_value
from layers.webmap.controls import add_control, layer_control_last
from layers.webmap.html import esc, popup_table
from layers.webmap.legend import swatch_svg

__all__ = ["PALETTE", "UserGeoJson", "add_user_layers", "display_data", "feature_collection", "legend_html",
           "shown_count"]

#: Colours given to unstyled imported layers in turn (Okabe–Ito, distinct from the catalogue's main hues).
PALETTE = ("#CC79A7", "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9")

_MEMO = FrameMemo(settings.USER_DISPLAY_MEMO_SIZE)
_SLOT = "\x00"


def _popup(layer: str, row: dict) -> str:
    rows = [(k, format_value(v)) for k, v in list(row.items())[:settings.USER_POPUP_ROWS] if not is_missing(v)]
    return popup_table(layer, rows)


def _compact_columns(gdf: gpd.GeoDataFrame, style: Style | None) -> list[str]:
    """The columns a big layer's popups list: the name, the style's column, then the first others."""
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    first = [c for c in (name_column(gdf), style.column if style else None) if c in cols]
    ordered = list(dict.fromkeys(first + cols))
    return ordered[:settings.USER_COMPACT_POPUP_ROWS]


def _properties(layer: str, gdf: gpd.GeoDataFrame, compact: bool, style: Style | None) -> list[dict]:
    """Each row's browser properties: ``tooltip`` and ``popup`` (escaped HTML), or for a big layer
    ``v``, the escaped values of :func:`_compact_columns` (the name first, if the layer has one)."""
    col = name_column(gdf)
    if compact:  # the tooltip is the name, the first value (see UserGeoJson)
        cols = _compact_columns(gdf, style)
        return [{"v": [None if is_missing(v) else esc(format_value(v)) for v in rec]}
                for rec in gdf[cols].itertuples(index=False, name=None)]
    props = gdf.drop(columns=gdf.geometry.name)
    names = list(props.columns)
    out = []
    for values in props.itertuples(index=False, name=None):
        rec = dict(zip(names, values))
        label = rec.get(col) if col else None
        out.append({"tooltip": esc(f"{layer}: {format_value(label)}" if not is_missing(label) else layer),
                    "popup": _popup(layer, rec)})
    return out


def feature_collection(layer: str, gdf: gpd.GeoDataFrame, limit: int | None = None, *,
                       style: Style | None = None, compact: bool | None = None) -> dict:
    """Browser GeoJSON of an imported layer: escaped tooltip and popup per feature, and with a
    ``style`` each feature's ``colour`` (features its filter leaves out are not included).

    At most ``limit`` features (default ``settings.MAX_MAP_FEATURES``); coordinates rounded to
    1e-6° (about 0.1 m, display only). ``compact`` (default: more than
    ``settings.USER_COMPACT_FEATURES`` features) sends popups as values (see the module docstring).
    """
    data = display_data(layer, gdf, style=style, limit=limit, compact=compact, budget=0)
    return {"type": "FeatureCollection", "features": [json.loads(f) for f in data["features"]]}


def display_data(layer: str, gdf: gpd.GeoDataFrame, coords: str = "wgs84", style: Style | None = None, *,
                 limit: int | None = None, compact: bool | None = None, budget: int | None = None) -> dict:
    """What the browser receives for one layer (not memoised; see :func:`add_user_layers`).

    Returns a dict: ``features`` (each feature as a compact JSON string), ``index`` (each sent
    feature's class in ``style``, or None), ``shown``, ``visible`` (features the style's filter
    keeps) and ``total`` counts, ``tolerance_m`` (display simplification, or None), ``vertices``
    sent, ``compact``, ``columns`` (the popup columns of a compact layer) and ``named`` (its first
    column is the features' name, the tooltip).
    """
    limit = settings.MAX_MAP_FEATURES if limit is None else limit
    budget = settings.USER_MAP_VERTEX_BUDGET if budget is None else budget
    geoms = gdf.geometry.to_numpy()
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    index = None
    if style is not None:
        index = class_index(gdf, style)
        keep &= visible_mask(gdf, style, index).to_numpy()
    rows = np.flatnonzero(keep)
    visible = len(rows)
    rows = rows[:limit]
    part = gdf.iloc[rows]
    geoms = geoms[rows]
    if coords != "wgs84":
        geoms = convert_geometry(geoms, "wgs84", coords)
    compact = len(part) > settings.USER_COMPACT_FEATURES if compact is None else compact
    geoms, tolerance = fit_vertex_budget(geoms, budget)
    geoms = round_geometry(geoms)
    props = _properties(layer, part, compact, style)
    sent = None if index is None else index[rows]
    if sent is not None and style is not None:
        colours = [c.colour for c in style.classes] + [settings.STYLE_NO_DATA_COLOUR]
        for p, i in zip(props, sent):
            p["colour"] = colours[i]
    features = [f'{{"type":"Feature","geometry":{g},"properties":{script_json(p)}}}'
                for g, p in zip(geometry_json(geoms), props)]
    return {"features": features, "index": sent, "shown": len(features), "visible": visible, "total": len(gdf),
            "tolerance_m": tolerance, "vertices": vertex_count(geoms),
            "compact": compact, "columns": _compact_columns(part, style) if compact else [],
            "named": compact and name_column(part) is not None}


def _shown(layer: str, gdf: gpd.GeoDataFrame, coords: str, style: Style | None = None,
           budget: int | None = None) -> dict:
    """:func:`display_data` of ``gdf`` (shifted to ``coords``), remembered while ``gdf`` lives."""
    return _MEMO.get((gdf,), ("shown", layer, coords, style, budget, settings.MAX_MAP_FEATURES),
                     lambda: display_data(layer, gdf, coords, style, budget=budget))


#: Once per map: the planner's pane and its one canvas, and the pointer events it takes. The canvas
#: lets every pointer event through (CSS ``pointer-events: none``); a capturing listener on the map
#: hands a click or hover to the planner's feature under the pointer, unless the event is for a
#: marker, popup, tooltip or control, a drawing or coverage result (paths without a catalogue
#: ``zj-layer-`` class) or a catalogue point. So the stacking is as it was with SVG: catalogue
#: areas under the planner's layers, drawings, results and points over them.
_SETUP_JS = """
function zjUserLayers(map, opts) {
    if (map._zjUser) { return map._zjUser; }
    var pane = map.createPane(opts.pane);
    pane.style.zIndex = opts.z;
    pane.style.pointerEvents = "none";
    var u = map._zjUser = {layers: [], renderer: L.canvas({pane: opts.pane, padding: opts.padding,
                                                           tolerance: opts.tolerance}), hovered: null, busy: false};
    var c = map.getContainer();
    function blocked(t) {
        if (!c.contains(t) || t.closest(".leaflet-control-container, .leaflet-marker-pane, .leaflet-popup-pane, "
                                        + ".leaflet-tooltip-pane, .leaflet-shadow-pane")) { return true; }
        if (t.tagName && t.tagName.toLowerCase() === "path") {
            if ((t.getAttribute("class") || "").indexOf("zj-layer-") < 0) { return true; }
            var owner = map._targets && map._targets[t._leaflet_id];
            return owner instanceof L.CircleMarker;
        }
        return false;
    }
    function hit(e) {
        var p = map.mouseEventToLayerPoint(e), found = null;
        u.layers.forEach(function (g) {
            if (!map.hasLayer(g)) { return; }
            g.eachLayer(function (l) { if (l._containsPoint && l._pxBounds && l._containsPoint(p)) { found = l; } });
        });
        return found;
    }
    function data(e) {
        var cp = map.mouseEventToContainerPoint(e);
        return {latlng: map.containerPointToLatLng(cp), layerPoint: map.containerPointToLayerPoint(cp),
                containerPoint: cp, originalEvent: e};
    }
    function hover(l, e) {
        if (l === u.hovered) { return; }
        if (u.hovered) { u.hovered.fire("mouseout", data(e), true); }
        u.hovered = l;
        c.style.cursor = l ? "pointer" : "";
        if (l) {
            map.eachLayer(function (o) { if (o.closeTooltip && o._tooltip && u.layers.indexOf(o) < 0) { o.closeTooltip(); } });
            l.fire("mouseover", data(e), true);
        }
    }
    c.addEventListener("click", function (e) {
        if (blocked(e.target) || (map.dragging && map.dragging.moved())) { return; }
        var l = hit(e);
        if (l) { e.stopPropagation(); l.fire("click", data(e), true); }
    }, true);
    ["mousemove", "mouseover"].forEach(function (type) {
        c.addEventListener(type, function (e) {
            if (blocked(e.target) || (map.dragging && map.dragging.moving())) { hover(null, e); return; }
            if (u.hovered && u.busy) { e.stopPropagation(); u.hovered.fire("mousemove", data(e), true); return; }
            if (u.busy) { return; }
            u.busy = true;
            setTimeout(function () { u.busy = false; }, 32);
            var l = hit(e);
            hover(l, e);
            if (l) { e.stopPropagation(); l.fire("mousemove", data(e), true); }
        }, true);
    });
    c.addEventListener("mouseleave", function (e) { hover(null, e); });
    return u;
}
"""


class UserGeoJson(MacroElement):
    """One planner's layer in the browser: GeoJSON on the planner's canvas (:data:`_SETUP_JS`), styled
    by each feature's ``colour`` (else ``base``), with a sticky tooltip and a popup bound once to
    the layer (not to each of 100,000 features)."""

    _template = Template("""
{% macro script(this, kwargs) %}
""" + _SETUP_JS + """
var {{ this.get_name() }} = (function (map) {
    var u = zjUserLayers(map, {{ this.options|tojson }});
    var base = {{ this.base|tojson }}, fillOpacity = {{ this.fill_opacity|tojson }};
    var layer = L.geoJson(null, {
        pane: u.renderer.options.pane, renderer: u.renderer,
        style: function (f) {
            var c = f.properties && f.properties.colour;
            return c ? Object.assign({}, base, {color: c, fillColor: c, fillOpacity: fillOpacity}) : base;
        },
        pointToLayer: function (f, latlng) {
            return L.circleMarker(latlng, {pane: u.renderer.options.pane, renderer: u.renderer,
                                           radius: {{ this.radius|tojson }}});
        }
    });
    layer.addData({{ this.data_js }});
    var name = {{ this.name_html|tojson }}, named = {{ this.named|tojson }};
    layer.bindTooltip(function (l) {
        var p = l.feature.properties, s = named && p.v ? p.v[0] : p.tooltip;
        return s === undefined || s === null ? name : (p.v ? name + ": " + s : s);
    }, {sticky: true});
    var head = {{ this.head|tojson }}, tail = {{ this.tail|tojson }}, rows = {{ this.rows|tojson }};
    layer.bindPopup(function (l) {
        var p = l.feature.properties;
        if (p.popup !== undefined) { return p.popup; }
        var v = p.v || [], s = head;
        for (var i = 0; i < rows.length; i++) {
            if (v[i] !== null && v[i] !== undefined && v[i] !== "") { s += rows[i][0] + v[i] + rows[i][1]; }
        }
        return s + tail;
    }, {maxWidth: {{ this.popup_width|tojson }}});
    u.layers.push(layer);
    return layer;
})({{ this._parent._parent.get_name() }});
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, layer: str, data: dict, base: dict, fill_opacity: float, radius: float = 5) -> None:
        super().__init__()
        self._name = "UserGeoJson"
        self.data_js = '{"type":"FeatureCollection","features":[' + ",".join(data["features"]) + "]}"
        self.base, self.fill_opacity, self.radius = base, fill_opacity, radius
        self.options = {"pane": settings.USER_PANE, "z": settings.USER_PANE_Z, "padding": settings.USER_CANVAS_PADDING,
                        "tolerance": settings.USER_CANVAS_TOLERANCE}
        self.popup_width = settings.MAP_POPUP_WIDTH
        self.name_html, self.named = esc(layer), bool(data["named"])
        self.head, self.tail, self.rows = _popup_parts(layer, data["columns"])


def _popup_parts(layer: str, columns: list[str]) -> tuple[str, str, list[list[str]]]:
    """The popup of a compact layer as parts: :func:`popup_table`'s head and tail, and each column's
    row split where its (escaped) value goes."""
    html = popup_table(layer, [(c, _SLOT) for c in columns])
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    if not rows:
        return html, "", []
    head, tail = html[:html.index(rows[0])], html[html.rindex(rows[-1]) + len(rows[-1]):]
    return head, tail, [r.split(_SLOT, 1) for r in rows]


def _legend_items(name: str, kind: str, style: dict, classes: list[tuple[str, str, int | None]],
                  notes: list[str]) -> str:
    out = f'<li class="zj-legend-layer">{swatch_svg(kind, style)}<span>{esc(f"⬆ {name}")}</span></li>'
    for label, colour, count in classes:
        sw = swatch_svg(kind, {"color": colour, "fillColor": colour, "weight": 1,
                               "fillOpacity": settings.USER_STYLED_FILL_OPACITY})
        n = "" if count is None else f" ({count:,})"
        out += f'<li class="zj-legend-cat">{sw}<span>{esc(label + n)}</span></li>'
    for note in notes:
        out += f'<li class="zj-legend-cat zj-legend-note"><span><i>{esc(note)}</i></span></li>'
    return out


def legend_html(rows: list[tuple], lang: str) -> str:
    """The imported layers' legend: a title and per layer an escaped row (swatch, "⬆ name"),
    then its style's classes (swatch, label, count) and notes (simplified, filtered, capped).

    Each row is (name, kind, Leaflet style) with optionally (…, classes, notes): classes as
    :func:`layers.styling.legend_rows` gives them, notes as text.
    """
    items = "".join(_legend_items(r[0], r[1], r[2], list(r[3]) if len(r) > 3 else [],
                                  list(r[4]) if len(r) > 4 else []) for r in rows)
    return (f'<details class="zj-legend-body" open><summary>{esc(t(lang, "tab_mine"))}</summary>'
            f"<ul>{items}</ul></details>")


def _notes(data: dict, lang: str) -> list[str]:
    notes = []
    if data["visible"] < data["total"]:
        notes.append(t(lang, "map_user_filtered").format(shown=f"{data['visible']:,}", total=f"{data['total']:,}"))
    if data["shown"] < data["visible"]:
        notes.append(t(lang, "map_user_capped").format(shown=f"{data['shown']:,}"))
    if data["tolerance_m"] is not None:
        notes.append(t(lang, "map_user_simplified").format(m=f"{data['tolerance_m']:g}"))
    return notes


def add_user_layers(m: folium.Map, frames: Mapping[str, gpd.GeoDataFrame], coords: str = "wgs84",
                    lang: str = "zh", styles: Mapping[str, Style] | None = None, *,
                    vertex_budget: int | None = None) -> int:
    """Draw the planner's layers on ``m`` with their legend; how many were drawn.

    Parameters
    ----------
    m : folium.Map
        The map (e.g. :func:`layers.webmap.build.build_map_report`'s).
    frames : mapping of name → GeoDataFrame
        The planner's layers (WGS84), in drawing order.
    coords : {"wgs84", "gcj02"}
        The basemap's datum: the layers are shifted to it for display only.
    lang : {"zh", "en"}
        Language of the legend.
    styles : mapping of name → :class:`layers.styling.Style`, optional
        Thematic styles by layer name; a layer without one is drawn in one colour of
        :data:`PALETTE`. A style is fixed when made (``layers.styling.categorized`` …, or
        ``Style.from_dict`` from a project file): it must fit its frame (its column present),
        else it is not used: the layer is drawn in one colour and its legend says why.
    vertex_budget : int, optional
        Most vertices sent for all the layers together before they are simplified for display
        (default ``settings.USER_MAP_VERTEX_BUDGET``; 0 never simplifies). Each layer gets a share
        in proportion to its vertices.

    Each layer shows its first ``settings.MAX_MAP_FEATURES`` features (see :func:`shown_count`).
    """
    styles = styles or {}
    budget = settings.USER_MAP_VERTEX_BUDGET if vertex_budget is None else vertex_budget
    drawn = {k: g for k, g in frames.items() if g is not None and not g.empty}
    sizes = {k: int(shapely.get_num_coordinates(g.geometry.to_numpy()[:settings.MAX_MAP_FEATURES]).sum())
             for k, g in drawn.items()}
    total = max(sum(sizes.values()), 1)
    rows = []
    for i, (layer, gdf) in enumerate(frames.items()):
        if layer not in drawn:
            continue
        style = styles.get(layer)
        share = 0 if budget <= 0 else max(1, budget * sizes[layer] // total)
        unfit = []
        try:
            data = _shown(layer, gdf, coords, style, share)
        except StyleError as exc:  # a style made for another version of the layer: drawn plain, said
            style, unfit = None, [t(lang, "style_not_applied").format(reason=exc.en if lang == "en" else exc.zh)]
            data = _shown(layer, gdf, coords, None, share)
        color = PALETTE[i % len(PALETTE)]
        base = {"color": color, "weight": 2 if style is None else 1, "opacity": 1.0 if style is None else 0.9,
                "fillColor": color, "fillOpacity": 0.25, "fill": True}
        group = folium.FeatureGroup(name=esc(f"⬆ {layer}"), show=True)
        UserGeoJson(layer, data, base, settings.USER_STYLED_FILL_OPACITY).add_to(group)
        group.add_to(m)
        kind = geometry_kind(gdf.geometry.geom_type.dropna().unique())
        classes = [] if style is None else legend_rows(style, lang, index=data["index"])
        swatch = base if style is None else {"color": "#555555", "weight": 1, "fillOpacity": 0.0}  # classes below
        rows.append((layer, kind, swatch, classes, unfit + _notes(data, lang)))
    if rows:
        add_control(m, legend_html(rows, lang), "bottomright", "zj-legend zj-legend-user")
        layer_control_last(m)
    return len(rows)


def shown_count(gdf: gpd.GeoDataFrame) -> int:
    """How many of the layer's features the map shows (analysis and export use all)."""
    return min(len(gdf), settings.MAX_MAP_FEATURES)

