"""The interactive web map: catalogue layers drawn with folium, offline-ready.

Pure and testable (no Streamlit). :func:`build_map` returns a :class:`folium.Map`;
:func:`build_map_report` also says which layers failed to load and why, so a UI can
show one message per broken layer and keep drawing the rest.

Every string that reaches the browser as HTML (popups, tooltips, layer names,
attributions, the legend and the title block) is HTML-escaped here. Coordinates are
rounded to ``geo.settings.COORD_DECIMALS`` (1e-6° ≈ 0.1 m) before they are sent.

Besides the layers the map carries (all offline, see :mod:`layers.webmap.assets`): a
scale bar, full-screen, measure (distance and area, metric) and draw (line and
polygon, for streamlit-folium's ``all_drawings``) controls, a legend, an optional
title block ("meeting mode" also enlarges every label) and an optional script that
keeps the page URL's ``lat``/``lon``/``z`` in step with the view.

Display-only changes, never written back to data: on a GCJ-02 basemap (Amap) every
overlay, the opening view and drawn shapes are in GCJ-02 (convert drawings back with
:func:`drawings_to_wgs84`); context layers (group ``context``, i.e. the district
outlines) are simplified by ``geo.settings.DISPLAY_SIMPLIFY_M`` and rounded to 1e-5°
(:func:`simplify_for_display`) to keep the page light.
"""
from __future__ import annotations

import datetime
import functools
import html
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium import plugins
from folium.template import Template
from shapely.geometry import mapping

from geo import settings
from geo.chinacoords import convert, convert_frame, convert_geometry
from geo.errors import CoordinateError, MapOptionError, ZJError
from layers.webmap.basemaps import (BASEMAPS, DEFAULT_BASEMAP, Basemap, BasemapKeyError, UnknownBasemapError,
                             available_basemaps, basemap_key, get_basemap)
from layers.catalogue.entries import LAYERS
from layers.catalogue.loading import get_spec, load
from layers.catalogue.validate import is_missing
from layers.catalogue.spec import LayerSpec
from layers.catalogue.symbology import (BOTTOM_GROUPS, SCHEMATIC_KEY, base_style, common_name, draw_order,
                                         geometry_kind, number_or)
from layers.text import t
from layers.webmap.assets import (DRAW_LOCALE_ZH, control_js, draw_locale_js, make_offline, url_sync_js, walk)

__all__ = [  # re-exported for the app: the basemap table lives in layers.webmap.basemaps
    "BASEMAPS", "DEFAULT_BASEMAP", "Basemap", "BasemapKeyError", "UnknownBasemapError", "available_basemaps",
]

#: Science City extent used when no boundary layer loads: (lon_min, lat_min, lon_max, lat_max).
SCIENCE_CITY_FALLBACK_BOUNDS = (121.50, 31.05, 121.72, 31.25)
#: Layers whose extent the map opens on, first that loads wins.
EXTENT_LAYERS = ("science_city_2021", "science_city_2017")

#: Padding (px, right and bottom) when fitting the opening view: layer control and attribution.
FIT_PADDING_BR = (200, 30)


LANGS = ("zh", "en")

#: Deepest zoom a ``fit`` box opens at (a search result may be a single point).
FIT_MAX_ZOOM = 16
#: Zoom used when a centre is given without a zoom.
DEFAULT_ZOOM = 13.0
#: Leaflet zoom levels a caller may ask for.
ZOOM_LIMITS = (0.0, 22.0)
#: Layer groups simplified for display (:func:`simplify_for_display`).
DISPLAY_SIMPLIFY_GROUPS = ("context",)
#: Decimals of simplified display geometry (1e-5° ≈ 1 m, far below the simplification).
DISPLAY_SIMPLIFIED_DECIMALS = 5
#: Metres per degree of latitude (a degree of longitude is shorter, 95 km at 31°N).
METRES_PER_DEGREE = 111_320.0
#: The title block's default text.
DEFAULT_TITLE = {"zh": "张江科学城规划图", "en": "Zhangjiang Science City planning map"}


#: How the ``method`` values read in Chinese (layers.catalogue.spec.METHODS).
METHOD_ZH = {
    "traced": "按道路描绘",
    "schematic": "示意",
    "point location": "点位",
    "district point": "区级点位",
    "derived": "推导计算",
    "package": "软件包数据",
}

@dataclass(frozen=True)
class LayerFailure:
    """A layer that could not be drawn, with its bilingual message."""

    layer_id: str
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def message(self, lang: str) -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass
class MapBuild:
    """What :func:`build_map_report` made: the map, the layers drawn and the failures."""

    map: folium.Map
    drawn: list[str] = field(default_factory=list)
    failed: list[LayerFailure] = field(default_factory=list)
    feature_counts: dict[str, int] = field(default_factory=dict)


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return lang


# --- text ------------------------------------------------------------------------

def esc(value) -> str:
    """HTML-escape any value for display (quotes included)."""
    return html.escape(str(value), quote=True)


def format_value(value, key: str = "", lang: str = "zh") -> str:
    """Plain-text rendering of a property value (not yet escaped)."""
    if isinstance(value, (bool, np.bool_)):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}" if abs(int(value)) >= 10000 else str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return str(int(v)) if v.is_integer() else f"{v:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v, key, lang) for v in value)
    text = str(value)
    if key == "method" and lang == "zh":
        parts = [p.strip() for p in text.split("/")]
        if all(p in METHOD_ZH for p in parts):
            return " / ".join(METHOD_ZH[p] for p in parts) + f" ({text})"
    return text


def feature_name(props: dict, lang: str) -> str:
    """The feature's name in ``lang``, falling back to the other language, then the id."""
    other = "en" if lang == "zh" else "zh"
    for key in (f"name_{lang}", f"name_{other}", "id"):
        if not is_missing(props.get(key)):
            return str(props[key])
    return ""


def tooltip_html(props: dict, lang: str) -> str:
    """Escaped tooltip text: the name in the current language."""
    return esc(feature_name(props, lang))


def popup_html(spec: LayerSpec, props: dict, lang: str) -> str:
    """An escaped HTML table of the spec's popup fields, plus the layer's provenance.

    Labels come in ``lang``; every value is HTML-escaped, so attribute text can never
    inject markup. Fields a feature lacks are left out.
    """
    _check_lang(lang)
    rows = []
    for f in spec.popup_fields:
        col = f.column(lang)
        value = props.get(col)
        if is_missing(value) and col.endswith(("_zh", "_en")):  # fall back to the other language
            value = props.get(col[:-2] + ("en" if lang == "zh" else "zh"))
        if is_missing(value):
            continue
        rows.append((f.label(lang), format_value(value, col, lang)))
    p = spec.provenance
    rows.append((t(lang, "map_date"), p.date))
    rows.append((t(lang, "map_licence"), p.licence))
    body = "".join(
        f'<tr><th style="text-align:left;vertical-align:top;padding:1px 8px 1px 0;white-space:nowrap">'
        f"{esc(label)}</th><td style=\"padding:1px 0\">{esc(value)}</td></tr>"
        for label, value in rows
    )
    title = esc(spec.title(lang))
    return (f'<div class="zj-popup" style="font-size:12px;max-width:380px">'
            f'<div style="font-weight:bold;margin-bottom:4px">{title}</div>'
            f'<table style="border-collapse:collapse">{body}</table></div>')


def layer_label(spec: LayerSpec, lang: str) -> str:
    """Escaped, bilingual layer-control label: the current language first."""
    main, other = spec.title(lang), spec.title("en" if lang == "zh" else "zh")
    return f'{esc(main)}<span class="zj-alt">{esc(other)}</span>'


#: Page CSS for the map: a compact layer control, no focus box around clicked shapes,
#: the legend and the title block.
MAP_CSS = """<style>
.leaflet-control-layers { font-size: 12px; line-height: 1.3; max-width: 320px; }
.leaflet-control-layers .zj-alt { display: block; margin-left: 20px; color: #555; font-size: 11px; }
.leaflet-control-layers label { margin-bottom: 3px; }
.leaflet-interactive:focus { outline: none; }
.leaflet-container { background: #f2f2ef; }
.leaflet-control-attribution { font-size: 10px; }
.zj-legend, .zj-title { background: rgba(255,255,255,0.92); border-radius: 4px;
  box-shadow: 0 1px 5px rgba(0,0,0,0.4); color: #222; }
.zj-legend { font-size: 11px; line-height: 1.25; padding: 4px 8px; max-width: 260px;
  max-height: min(35vh, calc(100vh - 330px)); min-height: 1.4em; overflow-y: auto; }
.zj-legend summary { font-weight: bold; cursor: pointer; }
.zj-legend ul { list-style: none; margin: 4px 0 0 0; padding: 0; }
.zj-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.zj-legend li.zj-legend-cat { margin-left: 14px; }
.zj-legend li.zj-legend-key { margin-top: 5px; border-top: 1px solid #ddd; padding-top: 4px; }
.zj-legend svg { flex: none; }
.zj-title { padding: 6px 10px; max-width: 420px; }
.zj-title-main { font-size: 16px; font-weight: bold; }
.zj-title-sub { font-size: 11px; color: #555; }
</style>"""

#: Extra CSS in meeting mode: everything readable from across a room or on a projector.
MEETING_CSS = """<style>
.leaflet-control-layers { font-size: 16px; max-width: 440px; }
.leaflet-control-layers .zj-alt { font-size: 14px; margin-left: 24px; }
.leaflet-control-layers-selector { width: 16px; height: 16px; }
.leaflet-tooltip { font-size: 16px; }
.leaflet-popup-content .zj-popup { font-size: 16px !important; max-width: 560px !important; }
.zj-legend { font-size: 15px; max-width: 360px; max-height: min(35vh, calc(100vh - 440px)); }
.zj-legend svg { transform: scale(1.25); margin: 0 3px; }
.zj-title { padding: 10px 16px; max-width: 640px; }
.zj-title-main { font-size: 28px; }
.zj-title-sub { font-size: 15px; }
.leaflet-control-scale-line { font-size: 14px; }
.leaflet-control-attribution { font-size: 12px; }
.leaflet-draw-tooltip, .leaflet-measure-resultpopup, .leaflet-control-measure { font-size: 15px; }
</style>"""


def layer_attribution(spec: LayerSpec) -> str:
    """Escaped attribution line of a layer (shown while the layer is on; licence is in the popup)."""
    return esc(spec.provenance.attribution)


# --- geometry ---------------------------------------------------------------------

_ORDER = {"Polygon": 0, "MultiPolygon": 0, "LineString": 1, "MultiLineString": 1, "Point": 2, "MultiPoint": 2}


def _round(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda c: np.round(c, decimals))


def _scale_opacity(style: dict, factor: float) -> dict:
    if factor != 1.0:
        style["opacity"] = round(float(style.get("opacity", 1.0)) * factor, 4)
        style["fillOpacity"] = round(float(style.get("fillOpacity", 0.2)) * factor, 4)
    return style


def feature_collection(spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str,
                       decimals: int = settings.COORD_DECIMALS, *, opacity: float = 1.0) -> dict:
    """GeoJSON for the browser: rounded geometry and only display properties.

    Each feature carries ``tooltip`` and ``popup`` (escaped HTML) and ``style`` (Leaflet
    path options, with ``radius`` for points). Areas come first, points last, so points
    stay clickable on top of the polygons of the same layer. ``opacity`` (0–1)
    multiplies every stroke and fill opacity.
    """
    _check_lang(lang)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    order = np.argsort([_ORDER.get(t, 1) for t in gdf.geometry.geom_type], kind="stable")
    gdf = gdf.iloc[order]
    geoms = _round(gdf.geometry.to_numpy(), decimals)
    records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    features = []
    for i, (props, geom) in enumerate(zip(records, geoms)):
        style = dict(spec.style.for_feature(props))
        if geom.geom_type in ("Point", "MultiPoint"):
            style.setdefault("radius", spec.style.radius)
            style.setdefault("fill", True)  # folium's CircleMarker defaults to no fill
        features.append({
            "type": "Feature",
            "id": f"{spec.id}-{i}",
            "geometry": mapping(geom),
            "properties": {
                "tooltip": tooltip_html(props, lang),
                "popup": popup_html(spec, props, lang),
                "style": _scale_opacity(style, opacity),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def simplify_for_display(gdf: gpd.GeoDataFrame, tolerance_m: float = settings.DISPLAY_SIMPLIFY_M
                         ) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` simplified for drawing only (never store or measure the result).

    Polygon coverages (the district outlines) are simplified with
    ``shapely.coverage_simplify``, so a boundary shared by two districts is simplified
    once and no gaps or overlaps open between neighbours; other geometry uses
    Douglas–Peucker with topology preserved. The tolerance is ``tolerance_m`` metres,
    taken as degrees at one degree = :data:`METRES_PER_DEGREE`.
    """
    geoms = gdf.geometry.to_numpy()
    if len(geoms) == 0:
        return gdf.copy()
    tol = tolerance_m / METRES_PER_DEGREE
    out = None
    if set(gdf.geometry.geom_type) <= {"Polygon", "MultiPolygon"}:
        try:
            out = shapely.coverage_simplify(geoms, tol)
        except (AttributeError, shapely.errors.GEOSException, ValueError):
            out = None  # shapely < 2.1 or not a valid coverage
        if out is not None and not (shapely.is_valid(out) & ~shapely.is_empty(out)).all():
            out = None
    if out is None:
        out = shapely.simplify(geoms, tol, preserve_topology=True)
    result = gdf.copy()
    result[gdf.geometry.name] = gpd.GeoSeries(out, index=gdf.index, crs=gdf.crs)
    return result


def _highlighter(factor: float) -> Callable[[dict], dict]:
    def highlight(feature: dict) -> dict:
        s = feature["properties"]["style"]
        return {"weight": float(s.get("weight", 2)) + 2,
                "fillOpacity": min(1.0, float(s.get("fillOpacity", 0.15)) + 0.15 * factor)}
    return highlight


_highlight = _highlighter(1.0)


def _style(feature: dict) -> dict:
    return feature["properties"]["style"]


def add_layer(m: folium.Map, spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str,
              show: bool = True, *, opacity: float = 1.0, decimals: int = settings.COORD_DECIMALS,
              popup_width: int = 420, data: dict | None = None) -> folium.FeatureGroup:
    """Draw one layer on ``m`` as a FeatureGroup listed in the layer control.

    ``data`` is the layer's :func:`feature_collection`, when the caller has it already.
    """
    # The attribution sits on the GeoJSON layer: folium passes FeatureGroup options where
    # Leaflet expects the list of layers, so an attribution there would be lost.
    group = folium.FeatureGroup(name=layer_label(spec, lang), overlay=True, control=True, show=show)
    data = feature_collection(spec, gdf, lang, decimals, opacity=opacity) if data is None else data
    folium.GeoJson(
        data,
        name=spec.id,
        style_function=_style,
        highlight_function=_highlighter(opacity),
        marker=folium.CircleMarker(radius=spec.style.radius, fill=True),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=popup_width),
        control=False,
        smooth_factor=0.5,
        attribution=layer_attribution(spec),
    ).add_to(group)
    group.add_to(m)
    return group


# --- legend and title ---------------------------------------------------------------

_SWATCH_W, _SWATCH_H = 22, 14


def swatch_svg(kind: str, style: Mapping) -> str:
    """A small inline SVG showing how a polygon, line or point with Leaflet ``style`` looks.

    ``kind`` is ``"polygon"``, ``"line"`` or ``"point"``; every style value is escaped.
    """
    color = esc(style.get("color", "#3388ff"))
    fill = esc(style.get("fillColor", style.get("color", "#3388ff")))
    op = number_or(style.get("opacity"), 1.0)
    fop = number_or(style.get("fillOpacity"), 0.2)
    dash = style.get("dashArray")
    dash_attr = f' stroke-dasharray="{esc(dash)}"' if dash else ""
    w, h = _SWATCH_W, _SWATCH_H
    if kind == "line":
        sw = min(max(number_or(style.get("weight"), 3.0), 1.0), 6.0)
        shape = (f'<line x1="1" y1="{h / 2:g}" x2="{w - 1}" y2="{h / 2:g}" stroke="{color}" '
                 f'stroke-opacity="{op:g}" stroke-width="{sw:g}"{dash_attr}/>')
    elif kind == "point":
        r = min(max(number_or(style.get("radius"), 6.0), 3.0), 6.0)
        sw = min(max(number_or(style.get("weight"), 2.0), 0.5), 2.5)
        shape = (f'<circle cx="{w / 2:g}" cy="{h / 2:g}" r="{r:g}" fill="{fill}" fill-opacity="{fop:g}" '
                 f'stroke="{color}" stroke-opacity="{op:g}" stroke-width="{sw:g}"{dash_attr}/>')
    else:
        sw = min(max(number_or(style.get("weight"), 2.0), 0.5), 3.0)
        shape = (f'<rect x="2" y="2" width="{w - 4}" height="{h - 4}" fill="{fill}" fill-opacity="{fop:g}" '
                 f'stroke="{color}" stroke-opacity="{op:g}" stroke-width="{sw:g}"{dash_attr}/>')
    return f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true">{shape}</svg>'


def _legend_rows(spec: LayerSpec, lang: str, gdf: gpd.GeoDataFrame | None,
                 factor: float = 1.0) -> tuple[list[str], bool]:
    """The legend rows of one layer and whether it draws a schematic feature."""
    if gdf is not None:
        gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
        kind = geometry_kind(gdf.geometry.geom_type) if len(gdf) else geometry_kind(spec.geometry_types)
        schematic = "method" in gdf.columns and bool((gdf["method"].astype(str) == "schematic").any())
    else:
        kind = geometry_kind(spec.geometry_types)
        schematic = "schematic" in [m.strip() for m in spec.provenance.method.split("/")]
    rows = [f'<li class="zj-legend-layer">{swatch_svg(kind, _scale_opacity(base_style(spec), factor))}'
            f'<span>{esc(spec.title(lang))}</span></li>']
    st = spec.style
    if st.by is None or not st.categories:
        return rows, schematic
    zh_col = st.by[:-3] + "_zh" if st.by.endswith("_en") else None
    for value, override in st.categories.items():
        cat_kind = kind
        label = value
        if gdf is not None:
            if st.by not in gdf.columns:
                continue
            members = gdf[gdf[st.by].astype(str) == value]
            if members.empty:
                continue  # only categories that are drawn
            cat_kind = geometry_kind(members.geometry.geom_type)
            if lang == "zh" and zh_col in members.columns:
                name = common_name([str(v) for v in members[zh_col] if not is_missing(v)])
                if name:
                    label = f"{name} ({value})"
        elif number_or(override.get("fillOpacity"), 1.0) == 0:
            cat_kind = "line"  # an unfilled category is drawn as a line
        style = _scale_opacity({**base_style(spec), **override}, factor)
        rows.append(f'<li class="zj-legend-cat">{swatch_svg(cat_kind, style)}<span>{esc(label)}</span></li>')
    return rows, schematic


def legend_html(layer_ids: Iterable[str | LayerSpec], lang: str, *,
                frames: Mapping[str, gpd.GeoDataFrame] | None = None,
                opacity: Mapping[str, float] | None = None) -> str:
    """The map legend as escaped HTML ("" when there is no layer).

    One entry per layer with its swatch (polygon fill and stroke, line, or circle), an
    indented entry per category of styles with ``by``/``categories``, and a dashed
    "示意 schematic" key when a schematic feature is drawn.

    Parameters
    ----------
    layer_ids : iterable of str or LayerSpec
        Layers to list (catalogue ids, or specs); plan layers first, context last.
    lang : {"zh", "en"}
        Language of the labels.
    frames : mapping, optional
        The layers' data by id. With it, only categories that occur are listed (named
        in ``lang``), swatches follow the geometry drawn, and the schematic key appears
        only if a feature's ``method`` is ``schematic``; without it, the catalogue decides.
    opacity : mapping, optional
        Layer id → opacity factor, as given to :func:`build_map_report` (swatches follow it).
    """
    _check_lang(lang)
    specs = [x if isinstance(x, LayerSpec) else get_spec(x) for x in layer_ids]
    specs = list({s.id: s for s in specs}.values())
    if not specs:
        return ""
    rank = {s.id: i for i, s in enumerate(LAYERS)}
    specs.sort(key=lambda s: (s.group in BOTTOM_GROUPS, rank.get(s.id, len(rank))))
    rows: list[str] = []
    any_schematic = False
    for spec in specs:
        gdf = None if frames is None else frames.get(spec.id)
        layer_rows, schematic = _legend_rows(spec, lang, gdf, (opacity or {}).get(spec.id, 1.0))
        rows += layer_rows
        any_schematic |= schematic
    if any_schematic:
        key = dict(SCHEMATIC_KEY)
        rows.append(f'<li class="zj-legend-key">{swatch_svg("line", key)}'
                    f'<span>{esc(t(lang, "map_schematic"))}</span></li>')
    return (f'<details class="zj-legend-body" open><summary>{esc(t(lang, "map_legend"))}</summary>'
            f'<ul>{"".join(rows)}</ul></details>')


def title_html(title: str, when: datetime.date | str | None = None) -> str:
    """The title block: the escaped title and the date (ISO, default today)."""
    if when is None:
        when = datetime.date.today()
    day = when.isoformat() if isinstance(when, datetime.date) else str(when)
    return f'<div class="zj-title-main">{esc(title)}</div><div class="zj-title-sub">{esc(day)}</div>'


class MapScript(MacroElement):
    """A script run once the map exists; ``code(map_var)`` writes it.

    The code is produced at render time from the map's current JavaScript name, so it
    also works inside streamlit-folium, which renames the map variable.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.code(this._parent.get_name()) }}{% endmacro %}")

    def __init__(self, code: Callable[[str], str], name: str = "zj_script") -> None:
        super().__init__()
        self._name = name
        self.code = code


def add_control(m: folium.Map, html_text: str, position: str, css_class: str,
                first: bool = False) -> MapScript:
    """Add a Leaflet control showing ``html_text`` (escaped markup) at ``position``."""
    script = MapScript(lambda var: control_js(var, html_text, position, css_class, first), "zj_control")
    script.add_to(m)
    return script


# --- loading and the map ----------------------------------------------------------

def _failure(spec: LayerSpec, exc: ZJError) -> LayerFailure:
    return LayerFailure(spec.id, spec.title_zh, spec.title_en, exc.zh, exc.en)


def load_layers(layer_ids: Iterable[str], loader: Callable[[str], gpd.GeoDataFrame] = load
                ) -> tuple[dict[str, gpd.GeoDataFrame], list[LayerFailure]]:
    """Load layers by id: (loaded frames by id, failures). Never raises a ZJError."""
    loaded: dict[str, gpd.GeoDataFrame] = {}
    failed: list[LayerFailure] = []
    for layer_id in layer_ids:
        spec = get_spec(layer_id)
        try:
            loaded[layer_id] = loader(layer_id)
        except ZJError as exc:
            failed.append(_failure(spec, exc))
    return loaded, failed


def failed_layers(layer_ids: Iterable[str] | None = None) -> list[LayerFailure]:
    """The layers (default: the whole catalogue) that fail to load, with messages."""
    ids = [s.id for s in LAYERS] if layer_ids is None else list(layer_ids)
    return load_layers(ids)[1]


def _finite_bounds(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds)
    return (x0, y0, x1, y1) if all(math.isfinite(v) for v in (x0, y0, x1, y1)) else None


def science_city_bounds(loader: Callable[[str], gpd.GeoDataFrame] = load
                        ) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of the Science City, or the fallback box."""
    for layer_id in EXTENT_LAYERS:
        try:
            box = _finite_bounds(loader(layer_id))
        except ZJError:
            continue
        if box is not None:
            return box
    return SCIENCE_CITY_FALLBACK_BOUNDS


def layer_bounds(layer_id: str, loader: Callable[[str], gpd.GeoDataFrame] = load
                 ) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of a layer in WGS84, e.g. for "zoom to layer".

    Raises
    ------
    LayerNotFoundError, LayerFileError, LayerValidationError
        As :func:`layers.load` does.
    CoordinateError
        If the layer has no geometry.
    """
    get_spec(layer_id)
    box = _finite_bounds(loader(layer_id))
    if box is None:
        raise CoordinateError(f"layer '{layer_id}' has no geometry to zoom to",
                              f"图层 '{layer_id}' 没有可缩放到的几何")
    return box


# --- options ---------------------------------------------------------------------

def _check_box(box, what: str) -> tuple[float, float, float, float]:
    try:
        x0, y0, x1, y1 = (float(v) for v in box)
    except (TypeError, ValueError):
        raise CoordinateError(f"{what} must be (lon_min, lat_min, lon_max, lat_max), not {box!r}",
                              f"{what} 必须是 (最小经度, 最小纬度, 最大经度, 最大纬度)") from None
    ok = (all(math.isfinite(v) for v in (x0, y0, x1, y1)) and -180 <= x0 <= x1 <= 180
          and -90 <= y0 <= y1 <= 90)
    if not ok:
        raise CoordinateError(f"{what} {box!r} is not a WGS84 box (lon_min ≤ lon_max, lat_min ≤ lat_max)",
                              f"{what} {box!r} 不是有效的 WGS84 范围")
    return x0, y0, x1, y1


def _check_center(center) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in center)
    except (TypeError, ValueError):
        raise CoordinateError(f"center must be (lat, lon), not {center!r}", "中心点必须是 (纬度, 经度)") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise CoordinateError(f"center {center!r} is not a WGS84 (lat, lon)",
                              f"中心点 {center!r} 不是有效的 WGS84 (纬度, 经度)")
    return lat, lon


def _check_zoom(zoom) -> float:
    z = number_or(zoom, float("nan"))
    if not (ZOOM_LIMITS[0] <= z <= ZOOM_LIMITS[1]):
        raise MapOptionError(f"zoom must be a number from {ZOOM_LIMITS[0]:g} to {ZOOM_LIMITS[1]:g}, not {zoom!r}",
                             f"缩放级别必须在 {ZOOM_LIMITS[0]:g} 到 {ZOOM_LIMITS[1]:g} 之间")
    return z


def _check_opacity(opacity: Mapping[str, float] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for layer_id, value in (opacity or {}).items():
        get_spec(layer_id)  # unknown ids raise LayerNotFoundError
        v = number_or(value, float("nan"))
        if not 0.0 <= v <= 1.0:
            raise MapOptionError(f"opacity of '{layer_id}' must be from 0 to 1, not {value!r}",
                                 f"图层 '{layer_id}' 的不透明度必须在 0 到 1 之间")
        out[layer_id] = v
    return out


def drawings_to_wgs84(features: Iterable[dict], basemap: str | None) -> list[dict]:
    """GeoJSON features drawn on the map (streamlit-folium's ``all_drawings``) in WGS84.

    On a GCJ-02 basemap the user drew on shifted tiles, so the shapes are converted back;
    on any other basemap they are returned unchanged (as copies).
    """
    base = None if basemap is None else get_basemap(basemap)
    out = []
    for f in features or []:
        g = dict(f)
        if base is not None and base.coords != "wgs84" and f.get("geometry"):
            geom = shapely.geometry.shape(f["geometry"])
            g["geometry"] = mapping(_round(np.array([convert_geometry(geom, base.coords, "wgs84")]),
                                           settings.COORD_DECIMALS)[0])
        out.append(g)
    return out


class MeasureControl(plugins.MeasureControl):
    """folium's MeasureControl, first in its corner, with the Leaflet ≥ 1.8 fix applied first.

    (leaflet-measure 2.1.7 pans to its invisible capture marker on focus under Leaflet
    1.8+, its issue 171; folium carries the same fix with a link in a comment, which
    would be the only URL left in an offline page.)
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
            L.Control.Measure.include({
                _setCaptureMarkerIcon: function () {
                    this._captureMarker.options.autoPanOnFocus = false;
                    this._captureMarker.setIcon(L.divIcon({iconSize: this._map.getSize().multiplyBy(2)}));
                },
            });
            var {{ this.get_name() }} = new L.Control.Measure({{ this.options|tojavascript }});
            {{ this._parent.get_name() }}.addControl({{ this.get_name() }});
            (function (c) { c.parentNode.insertBefore(c, c.parentNode.firstChild); })(
                {{ this.get_name() }}.getContainer());
        {% endmacro %}
        """)


def _measure_control(lang: str) -> MeasureControl:
    return MeasureControl(
        # top right, above the layer control: the left column (title, zoom, full screen,
        # draw) and the legend below it leave no room on short maps
        position="topright",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="hectares",
        secondary_area_unit="sqkilometers",
        units={"sqkilometers": {"factor": 1e-6, "display": t(lang, "map_sqkm"), "decimals": 3}},
        localization="cn" if lang == "zh" else "en",
        active_color="#D55E00",
        completed_color="#0072B2",
    )


def _draw_control() -> plugins.Draw:
    shape = {"color": "#D55E00", "weight": 3, "opacity": 0.9, "fillOpacity": 0.1}
    return plugins.Draw(
        export=False,
        position="topleft",
        show_geometry_on_click=False,
        draw_options={
            "polyline": {"shapeOptions": shape, "metric": True},
            "polygon": {"shapeOptions": shape, "allowIntersection": False, "showArea": True,
                        "metric": ["km", "ha", "m"]},
            "rectangle": False, "circle": False, "marker": False, "circlemarker": False,
        },
        edit_options={"edit": True, "remove": True},
    )


def _display_frame(spec: LayerSpec, gdf: gpd.GeoDataFrame, coords: str) -> tuple[gpd.GeoDataFrame, int]:
    """A layer as drawn: simplified if it is context, shifted for a GCJ-02 basemap."""
    decimals = settings.COORD_DECIMALS
    if spec.group in DISPLAY_SIMPLIFY_GROUPS:
        gdf = simplify_for_display(gdf)
        decimals = DISPLAY_SIMPLIFIED_DECIMALS
    if coords != "wgs84":
        gdf = convert_frame(gdf, "wgs84", coords)
    return gdf, decimals


@functools.lru_cache(maxsize=256)
def _display_layer(layer_id: str, lang: str, coords: str, factor: float
                   ) -> tuple[gpd.GeoDataFrame, int, dict]:
    """Cached display frame and browser GeoJSON of a catalogue layer (the slow part of a rerun).

    Callers must not modify the returned objects.
    """
    spec = get_spec(layer_id)
    gdf, decimals = _display_frame(spec, load(layer_id), coords)
    return gdf, decimals, feature_collection(spec, gdf, lang, decimals, opacity=factor)


@functools.lru_cache(maxsize=128)
def _catalogue_legend(layer_ids: tuple[str, ...], lang: str, opacity: tuple[tuple[str, float], ...]) -> str:
    """:func:`legend_html` of catalogue layers, cached (their data do not change while running)."""
    return legend_html(layer_ids, lang, frames={i: load(i) for i in layer_ids}, opacity=dict(opacity))


def build_map_report(layer_ids: Iterable[str], lang: str = "zh", *, basemap: str | None = DEFAULT_BASEMAP,
                     loader: Callable[[str], gpd.GeoDataFrame] = load,
                     bounds: tuple[float, float, float, float] | None = None,
                     opacity: Mapping[str, float] | None = None,
                     center: tuple[float, float] | None = None,
                     zoom: float | None = None,
                     fit: tuple[float, float, float, float] | None = None,
                     legend: bool = True,
                     meeting: bool = False,
                     title: str | None = None,
                     date: datetime.date | str | None = None,
                     url_sync: bool = False,
                     fullscreen: bool = True,
                     measure: bool = True,
                     draw: bool = True) -> MapBuild:
    """Build the map and report which layers were drawn and which failed.

    Parameters
    ----------
    layer_ids : iterable of str
        Catalogue ids to draw (unknown ids raise LayerNotFoundError).
    lang : {"zh", "en"}
        Language of tooltips, popups, controls and the legend (layer names show both).
    basemap : str or None
        A key of :data:`BASEMAPS` (see :func:`available_basemaps`), or None for no tiles.
        With a GCJ-02 basemap the layers and the view are shifted to GCJ-02 for display
        only. A Tianditu basemap without a configured key raises BasemapKeyError.
    loader : callable
        Layer loader, ``layers.load`` by default (tests pass their own).
    bounds : tuple, optional
        (lon_min, lat_min, lon_max, lat_max) to open on; default the Science City.
    opacity : dict, optional
        Layer id → factor 0–1 multiplying that layer's stroke and fill opacities.
    center, zoom : optional
        WGS84 (lat, lon) and Leaflet zoom to open at instead of fitting ``bounds``
        (either may be given alone: the other is the box centre or :data:`DEFAULT_ZOOM`).
    fit : tuple, optional
        WGS84 (lon_min, lat_min, lon_max, lat_max) to open on, e.g. a search result or a
        layer's :func:`layer_bounds`; wins over ``center``/``zoom``; never deeper than
        :data:`FIT_MAX_ZOOM`.
    legend : bool
        Add the legend (:func:`legend_html`) at the bottom left.
    meeting : bool
        Meeting mode: larger labels everywhere and a title block.
    title : str, optional
        Title block text (escaped), shown when given or in meeting mode; default
        :data:`DEFAULT_TITLE`. ``date`` is printed under it (default today).
    url_sync : bool
        Keep ``lat``/``lon``/``z`` of the top window's URL in step with the view (WGS84).
    fullscreen, measure, draw : bool
        The full-screen button, the measure control (distance and area, metric) and the
        draw toolbar (lines and polygons; read them with streamlit-folium's
        ``all_drawings`` and :func:`drawings_to_wgs84`).

    Raises
    ------
    LayerNotFoundError, UnknownBasemapError, BasemapKeyError, CoordinateError, MapOptionError
    """
    _check_lang(lang)
    base = None if basemap is None else get_basemap(basemap)
    key = None if base is None else basemap_key(base)
    factors = _check_opacity(opacity)
    shifted = base is not None and base.coords != "wgs84"

    def display(lon: float, lat: float) -> tuple[float, float]:
        if not shifted:
            return lon, lat
        x, y = convert(np.array([lon]), np.array([lat]), "wgs84", base.coords)
        return float(x[0]), float(y[0])

    fit_box = None if fit is None else _check_box(fit, "fit")
    max_fit_zoom = None if fit_box is None else FIT_MAX_ZOOM
    view = None
    if fit_box is None and (center is not None or zoom is not None):
        z = DEFAULT_ZOOM if zoom is None else _check_zoom(zoom)
        if center is not None:
            lat, lon = _check_center(center)
        else:
            x0, y0, x1, y1 = _check_box(bounds, "bounds") if bounds else science_city_bounds(loader)
            lat, lon = (y0 + y1) / 2, (x0 + x1) / 2
        view = (display(lon, lat), z)
    elif fit_box is None:
        fit_box = _check_box(bounds, "bounds") if bounds else science_city_bounds(loader)

    if view is not None:
        (lon, lat), z = view
        location, zoom_start = [lat, lon], z
    else:
        x0, y0 = display(fit_box[0], fit_box[1])
        x1, y1 = display(fit_box[2], fit_box[3])
        # open near the final view (fit_bounds below sets it exactly) so no tiles are fetched twice
        location, zoom_start = [(y0 + y1) / 2, (x0 + x1) / 2], 12
    # zoom_snap 0.25 lets the opening view fit the Science City closely
    m = folium.Map(location=location, zoom_start=zoom_start, tiles=None,
                   control_scale=True, prefer_canvas=False, zoom_snap=0.25, zoom_delta=1)
    if base is not None:
        folium.TileLayer(tiles=base.tile_url(key), attr=base.attribution, name=esc(base.title(lang)),
                         subdomains=base.subdomains, max_zoom=base.max_zoom, overlay=False,
                         control=True).add_to(m)
        if base.labels is not None:  # place names over the tiles; same attribution (shown once)
            folium.TileLayer(tiles=base.labels_url(key), attr=base.attribution, name="labels",
                             subdomains=base.subdomains, max_zoom=base.max_zoom, overlay=True,
                             control=False).add_to(m)

    order = draw_order(layer_ids)
    loaded, failed = load_layers(order, loader)
    build = MapBuild(map=m, failed=failed)
    for layer_id in order:
        if layer_id not in loaded:
            continue
        spec = get_spec(layer_id)
        coords = base.coords if shifted else "wgs84"
        factor = factors.get(layer_id, 1.0)
        if loader is load:  # catalogue data do not change while the process runs: reuse
            gdf, decimals, data = _display_layer(layer_id, lang, coords, factor)
        else:
            gdf, decimals = _display_frame(spec, loaded[layer_id], coords)
            data = None
        add_layer(m, spec, gdf, lang, opacity=factor, decimals=decimals,
                  popup_width=560 if meeting else 420, data=data)
        build.drawn.append(layer_id)
        build.feature_counts[layer_id] = int(len(gdf))

    if view is None:
        # room on the right for the layer control and at the bottom for the attribution
        m.fit_bounds([[y0, x0], [y1, x1]], padding_top_left=(10, 10), padding_bottom_right=FIT_PADDING_BR,
                     max_zoom=max_fit_zoom)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    if meeting or title is not None:
        text = DEFAULT_TITLE[lang] if title is None else title
        add_control(m, title_html(text, date), "topleft", "zj-title", first=True)
    if fullscreen:
        plugins.Fullscreen(position="topleft", title=t(lang, "map_fullscreen"), title_cancel=t(lang, "map_exit_fullscreen"),
                           force_separate_button=True).add_to(m)
    if draw:
        if lang == "zh":
            MapScript(lambda _var: draw_locale_js(DRAW_LOCALE_ZH), "zj_draw_locale").add_to(m)
        _draw_control().add_to(m)
    if measure:
        _measure_control(lang).add_to(m)
    if legend and build.drawn:
        if loader is load:
            text = _catalogue_legend(tuple(build.drawn), lang, tuple(sorted(factors.items())))
        else:
            text = legend_html(build.drawn, lang, frames={i: loaded[i] for i in build.drawn}, opacity=factors)
        add_control(m, text, "bottomleft", "zj-legend")
    if url_sync:
        MapScript(lambda var: url_sync_js(var, gcj02=shifted), "zj_url_sync").add_to(m)

    root = m.get_root()
    root.header.add_child(folium.Element(MAP_CSS), name="zj_map_css")
    if meeting:
        root.header.add_child(folium.Element(MEETING_CSS), name="zj_meeting_css")
    make_offline(m)
    return build


def build_map(layer_ids: Iterable[str], lang: str = "zh", **options) -> folium.Map:
    """The map of ``layer_ids`` (see :func:`build_map_report`, which also lists failures)."""
    return build_map_report(layer_ids, lang, **options).map


def map_html(m: folium.Map) -> str:
    """The map as a standalone HTML page (offline-ready)."""
    return m.get_root().render()


def payload_bytes(m: folium.Map) -> dict[str, int]:
    """What the browser receives for ``m``, in bytes (UTF-8).

    ``"html"``: the standalone page of :func:`map_html`. ``"st_folium"``: what
    ``streamlit_folium.st_folium`` sends to its component: the page header (the CSS),
    the map's body HTML and rendered script, and each embedded script and stylesheet
    (``data:`` URLs) once. streamlit-folium renames the long folium variable names, so
    its real payload is slightly smaller; this is an upper bound.
    """
    page = map_html(m)
    root = m.get_root()
    links = {u for e in walk(m) for _, u in list(getattr(e, "default_js", [])) + list(getattr(e, "default_css", []))}
    # streamlit-folium drops the header's <script src> and <link> tags and sends the URLs instead
    header = re.sub(r"<script\b[^>]*\bsrc=[\"'][^\"']*[\"'][^>]*>.*?</script\b[^>]*>", "", root.header.render(),
                    flags=re.I | re.S)
    header = re.sub(r'<link rel="stylesheet" href=".*?"/>', "", header)
    parts = [header, root.html.render(), root.script.render(), *links]
    return {"html": len(page.encode("utf-8")), "st_folium": sum(len(p.encode("utf-8")) for p in parts)}


def default_view_bytes(loader: Callable[[str], gpd.GeoDataFrame] = load) -> dict[str, int]:
    """:func:`payload_bytes` of the default view: default-visible layers, default basemap, all controls.

    The budget is ``geo.settings.MAP_BYTES_BUDGET`` (2 MB) for each figure.
    """
    ids = [s.id for s in LAYERS if s.visible_by_default]
    return payload_bytes(build_map(ids, "zh", basemap=DEFAULT_BASEMAP, loader=loader))


def layer_control_last(m: folium.Map) -> None:
    """Render the layer control after groups added to a built map: its script names them,
    and a group defined after it would be undefined when the control is built."""
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[key]
            m._children[key] = child
