"""The planner's imported layers on the map: escaped tooltips and popups, one colour each.

An imported layer is a WGS84 GeoDataFrame kept in the planner's session only. It is
drawn like a catalogue layer (escaped tooltip and popup, its shapes of class
``zj-user-layer``), listed with its colour in a legend of its own ("⬆ name"), at most
``settings.MAX_MAP_FEATURES`` features of it (analysis, search and export use all); on
a GCJ-02 basemap it is shifted for display only.
"""
from __future__ import annotations

import folium
import geopandas as gpd
import shapely
from shapely.geometry import mapping

from geo import settings
from geo.chinacoords import convert_frame
from geo.geometry import geometry_kind
from layers.analysis.memo import FrameMemo
from layers.analysis.names import name_column
from layers.catalogue.validate import is_missing
from layers.text import t
from layers.webmap.controls import add_control, layer_control_last
from layers.text.webmap import format_value
from layers.webmap.html import esc, popup_table
from layers.webmap.legend import swatch_svg

__all__ = ["PALETTE", "add_user_layers", "feature_collection", "legend_html", "shown_count"]

#: Colours given to imported layers in turn (Okabe–Ito, distinct from the catalogue's main hues).
PALETTE = ("#CC79A7", "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9")

_MEMO = FrameMemo()


def _popup(layer: str, row: dict) -> str:
    rows = [(k, format_value(v)) for k, v in list(row.items())[:settings.USER_POPUP_ROWS] if not is_missing(v)]
    return popup_table(layer, rows)


def feature_collection(layer: str, gdf: gpd.GeoDataFrame, limit: int | None = None) -> dict:
    """Browser GeoJSON of an imported layer: escaped tooltip and popup per feature.

    At most ``limit`` features (default ``settings.MAX_MAP_FEATURES``); coordinates
    rounded to 1e-6° (about 0.1 m, display only).
    """
    limit = settings.MAX_MAP_FEATURES if limit is None else limit
    col = name_column(gdf)
    gdf = gdf.iloc[:limit]
    props = gdf.drop(columns=gdf.geometry.name)
    cols = list(props.columns)
    feats = []
    geoms = shapely.set_precision(gdf.geometry.to_numpy(), 10.0 ** -settings.COORD_DECIMALS)
    for values, geom in zip(props.itertuples(index=False, name=None), geoms):
        if geom is None or geom.is_empty:
            continue
        rec = dict(zip(cols, values))
        label = rec.get(col) if col else None
        feats.append({"type": "Feature", "geometry": mapping(geom), "properties": {
            "tooltip": esc(f"{layer}: {format_value(label)}" if not is_missing(label) else layer),
            "popup": _popup(layer, rec)}})
    return {"type": "FeatureCollection", "features": feats}


def _shown(layer: str, gdf: gpd.GeoDataFrame, coords: str) -> dict:
    """:func:`feature_collection` of ``gdf`` (shifted to ``coords``), remembered while ``gdf`` lives."""
    def compute() -> dict:
        part = gdf.iloc[:settings.MAX_MAP_FEATURES]
        return feature_collection(layer, convert_frame(part, "wgs84", coords) if coords != "wgs84" else part)
    return _MEMO.get((gdf,), ("shown", layer, coords), compute)


def legend_html(rows: list[tuple[str, str, dict]], lang: str) -> str:
    """The imported layers' legend: a title and one escaped row (swatch, "⬆ name") per layer."""
    items = "".join(f'<li class="zj-legend-layer">{swatch_svg(kind, style)}<span>{esc(f"⬆ {name}")}</span></li>'
                    for name, kind, style in rows)
    return (f'<details class="zj-legend-body" open><summary>{esc(t(lang, "tab_mine"))}</summary>'
            f"<ul>{items}</ul></details>")


def add_user_layers(m: folium.Map, frames: dict[str, gpd.GeoDataFrame], coords: str = "wgs84",
                    lang: str = "zh") -> int:
    """Draw the planner's layers on ``m`` (shifted for a GCJ-02 basemap, display only) with
    their legend; how many.

    Each layer shows its first ``settings.MAX_MAP_FEATURES`` features (see :func:`shown_count`).
    """
    rows = []
    for i, (layer, gdf) in enumerate(frames.items()):
        if gdf is None or gdf.empty:
            continue
        color = PALETTE[i % len(PALETTE)]
        style = {"color": color, "weight": 2, "fillColor": color, "fillOpacity": 0.25, "fill": True,
                 "className": "zj-user-layer"}
        group = folium.FeatureGroup(name=esc(f"⬆ {layer}"), show=True)
        folium.GeoJson(_shown(layer, gdf, coords), style_function=lambda f, s=style: s,
                       marker=folium.CircleMarker(radius=5, fill=True, color=color, fill_color=color),
                       tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
                       popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=settings.MAP_POPUP_WIDTH),
                       control=False).add_to(group)
        group.add_to(m)
        rows.append((layer, geometry_kind(gdf.geometry.geom_type.dropna().unique()), style))
    if rows:
        add_control(m, legend_html(rows, lang), "bottomright", "zj-legend zj-legend-user")
        layer_control_last(m)
    return len(rows)


def shown_count(gdf: gpd.GeoDataFrame) -> int:
    """How many of the layer's features the map shows (analysis and export use all)."""
    return min(len(gdf), settings.MAX_MAP_FEATURES)
