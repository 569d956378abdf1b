"""The interactive web map: catalogue layers drawn with folium, offline-ready.

Pure and testable (no Streamlit). :func:`build_map` returns a :class:`folium.Map`;
:func:`build_map_report` also says which layers failed to load and why, so a UI can
show one message per broken layer and keep drawing the rest.

Every string that reaches the browser as HTML (popups, tooltips, layer names,
attributions) is HTML-escaped here. Coordinates are rounded to
``geo.settings.COORD_DECIMALS`` (1e-6° ≈ 0.1 m) before they are sent.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Callable, Iterable

import folium
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from geo import settings
from geo.chinacoords import convert, convert_frame
from geo.errors import ZJError
from layers.catalogue import LAYERS
from layers.loading import get_spec, load
from layers.spec import LayerSpec
from layers.webassets import make_offline

#: Science City extent used when no boundary layer loads: (lon_min, lat_min, lon_max, lat_max).
SCIENCE_CITY_FALLBACK_BOUNDS = (121.50, 31.05, 121.72, 31.25)
#: Layers whose extent the map opens on, first that loads wins.
EXTENT_LAYERS = ("science_city_2021", "science_city_2017")

#: Padding (px, right and bottom) when fitting the opening view: layer control and attribution.
FIT_PADDING_BR = (200, 30)

#: Layer groups drawn beneath the others (context first, so plan layers stay clickable).
BOTTOM_GROUPS = ("context",)

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Basemap:
    """A tile basemap. ``coords`` is the datum its tiles are drawn in ("wgs84" or "gcj02")."""

    id: str
    title_zh: str
    title_en: str
    tiles: str
    attribution: str
    coords: str = "wgs84"
    subdomains: str = "abc"
    max_zoom: int = 19

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


#: Basemaps by id. Tiles need internet; offline the plan layers draw on a plain background.
BASEMAPS: dict[str, Basemap] = {
    "carto": Basemap(
        id="carto",
        title_zh="浅色底图 (CARTO / OpenStreetMap)",
        title_en="Light basemap (CARTO / OpenStreetMap)",
        tiles="https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                    'contributors &copy; <a href="https://carto.com/attributions">CARTO</a>',
        subdomains="abcd",
        max_zoom=20,
    ),
    "osm": Basemap(
        id="osm",
        title_zh="OpenStreetMap 标准底图",
        title_en="OpenStreetMap standard",
        tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        max_zoom=19,
    ),
    "amap": Basemap(
        id="amap",
        title_zh="高德地图 (GCJ-02, 图层已相应偏移)",
        title_en="Amap (GCJ-02; layers shifted to match)",
        tiles="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        attribution="&copy; 高德地图 AutoNavi",
        coords="gcj02",
        subdomains="1234",
        max_zoom=18,
    ),
}
DEFAULT_BASEMAP = "carto"

#: How the ``method`` values read in Chinese (layers.spec.METHODS).
METHOD_ZH = {
    "traced": "按道路描绘",
    "schematic": "示意",
    "point location": "点位",
    "district point": "区级点位",
    "derived": "推导计算",
    "package": "软件包数据",
}

_UI = {
    "zh": {"layer": "图层", "date": "数字化日期", "licence": "许可", "attribution": "署名",
           "notes": "说明", "failed": "无法加载"},
    "en": {"layer": "Layer", "date": "Digitised", "licence": "Licence", "attribution": "Attribution",
           "notes": "Notes", "failed": "could not be loaded"},
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


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


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
        if not _missing(props.get(key)):
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
    ui = _UI[lang]
    rows = []
    for f in spec.popup_fields:
        col = f.column(lang)
        value = props.get(col)
        if _missing(value) and col.endswith(("_zh", "_en")):  # fall back to the other language
            value = props.get(col[:-2] + ("en" if lang == "zh" else "zh"))
        if _missing(value):
            continue
        rows.append((f.label(lang), format_value(value, col, lang)))
    p = spec.provenance
    rows.append((ui["date"], p.date))
    rows.append((ui["licence"], p.licence))
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


#: Page CSS for the map: a compact layer control and no focus box around clicked shapes.
MAP_CSS = """<style>
.leaflet-control-layers { font-size: 12px; line-height: 1.3; max-width: 320px; }
.leaflet-control-layers .zj-alt { display: block; margin-left: 20px; color: #555; font-size: 11px; }
.leaflet-control-layers label { margin-bottom: 3px; }
.leaflet-interactive:focus { outline: none; }
.leaflet-container { background: #f2f2ef; }
.leaflet-control-attribution { font-size: 10px; }
</style>"""


def layer_attribution(spec: LayerSpec) -> str:
    """Escaped attribution line of a layer (shown while the layer is on; licence is in the popup)."""
    return esc(spec.provenance.attribution)


# --- geometry ---------------------------------------------------------------------

_ORDER = {"Polygon": 0, "MultiPolygon": 0, "LineString": 1, "MultiLineString": 1, "Point": 2, "MultiPoint": 2}


def _round(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda c: np.round(c, decimals))


def feature_collection(spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str,
                       decimals: int = settings.COORD_DECIMALS) -> dict:
    """GeoJSON for the browser: rounded geometry and only display properties.

    Each feature carries ``tooltip`` and ``popup`` (escaped HTML) and ``style`` (Leaflet
    path options, with ``radius`` for points). Areas come first, points last, so points
    stay clickable on top of the polygons of the same layer.
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
                "style": style,
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _highlight(feature: dict) -> dict:
    s = feature["properties"]["style"]
    return {"weight": float(s.get("weight", 2)) + 2,
            "fillOpacity": min(1.0, float(s.get("fillOpacity", 0.15)) + 0.15)}


def _style(feature: dict) -> dict:
    return feature["properties"]["style"]


def add_layer(m: folium.Map, spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str,
              show: bool = True) -> folium.FeatureGroup:
    """Draw one layer on ``m`` as a FeatureGroup listed in the layer control."""
    # The attribution sits on the GeoJSON layer: folium passes FeatureGroup options where
    # Leaflet expects the list of layers, so an attribution there would be lost.
    group = folium.FeatureGroup(name=layer_label(spec, lang), overlay=True, control=True, show=show)
    data = feature_collection(spec, gdf, lang)
    folium.GeoJson(
        data,
        name=spec.id,
        style_function=_style,
        highlight_function=_highlight,
        marker=folium.CircleMarker(radius=spec.style.radius, fill=True),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=420),
        control=False,
        smooth_factor=0.5,
        attribution=layer_attribution(spec),
    ).add_to(group)
    group.add_to(m)
    return group


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


def draw_order(layer_ids: Iterable[str]) -> list[str]:
    """``layer_ids`` in drawing order: context groups first, then catalogue order."""
    wanted = list(dict.fromkeys(layer_ids))
    for layer_id in wanted:
        get_spec(layer_id)  # unknown ids raise LayerNotFoundError
    rank = {s.id: i for i, s in enumerate(LAYERS)}
    return sorted(wanted, key=lambda i: (get_spec(i).group not in BOTTOM_GROUPS, rank[i]))


def science_city_bounds(loader: Callable[[str], gpd.GeoDataFrame] = load
                        ) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of the Science City, or the fallback box."""
    for layer_id in EXTENT_LAYERS:
        try:
            x0, y0, x1, y1 = loader(layer_id).total_bounds
        except ZJError:
            continue
        if all(math.isfinite(v) for v in (x0, y0, x1, y1)):
            return float(x0), float(y0), float(x1), float(y1)
    return SCIENCE_CITY_FALLBACK_BOUNDS


def build_map_report(layer_ids: Iterable[str], lang: str = "zh", *, basemap: str | None = DEFAULT_BASEMAP,
                     loader: Callable[[str], gpd.GeoDataFrame] = load,
                     bounds: tuple[float, float, float, float] | None = None) -> MapBuild:
    """Build the map and report which layers were drawn and which failed.

    Parameters
    ----------
    layer_ids : iterable of str
        Catalogue ids to draw (unknown ids raise LayerNotFoundError).
    lang : {"zh", "en"}
        Language of tooltips, popups and layer names (names show both languages).
    basemap : str or None
        A key of :data:`BASEMAPS`, or None for no tiles. With a GCJ-02 basemap the
        layers are shifted to GCJ-02 for display only.
    loader : callable
        Layer loader, ``layers.load`` by default (tests pass their own).
    bounds : tuple, optional
        (lon_min, lat_min, lon_max, lat_max) to open on; default the Science City.
    """
    _check_lang(lang)
    base = None
    if basemap is not None:
        try:
            base = BASEMAPS[basemap]
        except KeyError:
            raise ValueError(f"unknown basemap {basemap!r}; choose from {list(BASEMAPS)} or None") from None

    x0, y0, x1, y1 = bounds or science_city_bounds(loader)
    if base is not None and base.coords != "wgs84":
        (x0, x1), (y0, y1) = convert(np.array([x0, x1]), np.array([y0, y1]), "wgs84", base.coords)
    # open near the final view (fit_bounds below sets it exactly) so no tiles are fetched twice
    # zoom_snap 0.25 lets the opening view fit the Science City closely
    m = folium.Map(location=[(y0 + y1) / 2, (x0 + x1) / 2], zoom_start=12, tiles=None,
                   control_scale=True, prefer_canvas=False, zoom_snap=0.25, zoom_delta=1)
    if base is not None:
        folium.TileLayer(tiles=base.tiles, attr=base.attribution, name=esc(base.title(lang)),
                         subdomains=base.subdomains, max_zoom=base.max_zoom, overlay=False,
                         control=True).add_to(m)

    order = draw_order(layer_ids)
    loaded, failed = load_layers(order, loader)
    build = MapBuild(map=m, failed=failed)
    for layer_id in order:
        if layer_id not in loaded:
            continue
        spec = get_spec(layer_id)
        gdf = loaded[layer_id]
        if base is not None and base.coords != "wgs84":
            gdf = convert_frame(gdf, "wgs84", base.coords)
        add_layer(m, spec, gdf, lang)
        build.drawn.append(layer_id)
        build.feature_counts[layer_id] = int(len(gdf))

    # room on the right for the layer control and at the bottom for the attribution
    m.fit_bounds([[y0, x0], [y1, x1]], padding_top_left=(10, 10), padding_bottom_right=FIT_PADDING_BR)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.get_root().header.add_child(folium.Element(MAP_CSS), name="zj_map_css")
    make_offline(m)
    return build


def build_map(layer_ids: Iterable[str], lang: str = "zh", *, basemap: str | None = DEFAULT_BASEMAP,
              loader: Callable[[str], gpd.GeoDataFrame] = load,
              bounds: tuple[float, float, float, float] | None = None) -> folium.Map:
    """The map of ``layer_ids`` (see :func:`build_map_report`, which also lists failures)."""
    return build_map_report(layer_ids, lang, basemap=basemap, loader=loader, bounds=bounds).map


def map_html(m: folium.Map) -> str:
    """The map as a standalone HTML page (offline-ready)."""
    return m.get_root().render()
