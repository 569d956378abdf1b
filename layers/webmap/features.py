"""Catalogue layers as browser GeoJSON and folium layers: rounded, styled, simplified for display.

Display-only changes, never written back to data: context layers (the district outlines)
are simplified by ``geo.settings.DISPLAY_SIMPLIFY_M`` and rounded to
``settings.DISPLAY_SIMPLIFIED_DECIMALS`` (:func:`simplify_for_display`); on a GCJ-02
basemap every layer is shifted to GCJ-02 (:func:`display_frame`). Coordinates are
rounded to ``settings.COORD_DECIMALS`` (1e-6° ≈ 0.1 m) before they are sent.
"""
from __future__ import annotations

import functools
from typing import Callable

import folium
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from geo import settings
from geo.bilingual import check_lang
from geo.chinacoords import convert_frame
from geo.geometry import family
from layers.catalogue.loading import get_spec, load
from layers.catalogue.spec import LayerSpec
from layers.webmap.html import layer_attribution, layer_label, popup_html, tooltip_html

__all__ = ["DISPLAY_SIMPLIFY_GROUPS", "add_layer", "display_frame", "display_layer", "feature_collection",
           "layer_class", "round_coords", "scale_opacity", "simplify_for_display"]

#: Layer groups simplified for display (:func:`simplify_for_display`).
DISPLAY_SIMPLIFY_GROUPS = ("context",)
#: Drawing order within a layer: areas first, points last (clickable on top).
_FAMILY_RANK = {"polygon": 0, "line": 1, "point": 2}


def layer_class(layer_id: str) -> str:
    """CSS class of every SVG path of a catalogue layer on the map: ``zj-layer-<id>``."""
    return f"zj-layer-{layer_id}"


def round_coords(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """The geometries with every coordinate rounded to ``decimals``."""
    return shapely.transform(geoms, lambda c: np.round(c, decimals))


def scale_opacity(style: dict, factor: float) -> dict:
    """``style`` (changed in place) with its stroke and fill opacities multiplied by ``factor``."""
    if factor != 1.0:
        style["opacity"] = round(float(style.get("opacity", 1.0)) * factor, 4)
        style["fillOpacity"] = round(float(style.get("fillOpacity", 0.2)) * factor, 4)
    return style


def feature_collection(spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str,
                       decimals: int | None = None, *, opacity: float = 1.0) -> dict:
    """GeoJSON for the browser: rounded geometry and only display properties.

    Each feature carries ``tooltip`` and ``popup`` (escaped HTML) and ``style`` (Leaflet
    path options, with ``radius`` for points). Areas come first, points last, so points
    stay clickable on top of the polygons of the same layer. ``opacity`` (0–1)
    multiplies every stroke and fill opacity; ``decimals`` defaults to
    ``settings.COORD_DECIMALS``.
    """
    check_lang(lang)
    decimals = settings.COORD_DECIMALS if decimals is None else decimals
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    order = np.argsort([_FAMILY_RANK.get(family(t) or "line", 1) for t in gdf.geometry.geom_type], kind="stable")
    gdf = gdf.iloc[order]
    geoms = round_coords(gdf.geometry.to_numpy(), decimals)
    records = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    features = []
    for i, (props, geom) in enumerate(zip(records, geoms)):
        style = dict(spec.style.for_feature(props))
        if family(geom.geom_type) == "point":
            style.setdefault("radius", spec.style.radius)
            style.setdefault("fill", True)  # folium's CircleMarker defaults to no fill
        features.append({
            "type": "Feature",
            "id": f"{spec.id}-{i}",
            "geometry": mapping(geom),
            "properties": {
                "tooltip": tooltip_html(props, lang),
                "popup": popup_html(spec, props, lang),
                "style": scale_opacity(style, opacity),
            },
        })
    return {"type": "FeatureCollection", "features": features}


def simplify_for_display(gdf: gpd.GeoDataFrame, tolerance_m: float | None = None) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` simplified for drawing only (never store or measure the result).

    Polygon coverages (the district outlines) are simplified with
    ``shapely.coverage_simplify``, so a boundary shared by two districts is simplified
    once and no gaps or overlaps open between neighbours; other geometry uses
    Douglas–Peucker with topology preserved. The tolerance is ``tolerance_m`` metres
    (default ``settings.DISPLAY_SIMPLIFY_M``), taken as degrees at one degree =
    ``settings.METRES_PER_DEGREE``.
    """
    geoms = gdf.geometry.to_numpy()
    if len(geoms) == 0:
        return gdf.copy()
    tolerance_m = settings.DISPLAY_SIMPLIFY_M if tolerance_m is None else tolerance_m
    tol = tolerance_m / settings.METRES_PER_DEGREE
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


def _style(feature: dict) -> dict:
    return feature["properties"]["style"]


def add_layer(m: folium.Map, spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str,
              show: bool = True, *, opacity: float = 1.0, decimals: int | None = None,
              popup_width: int | None = None, data: dict | None = None) -> folium.FeatureGroup:
    """Draw one layer on ``m`` as a FeatureGroup listed in the layer control.

    ``data`` is the layer's :func:`feature_collection`, when the caller has it already;
    ``popup_width`` defaults to ``settings.MAP_POPUP_WIDTH``.
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
        marker=folium.CircleMarker(radius=spec.style.radius, fill=True, class_name=layer_class(spec.id)),
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False,
                                  max_width=settings.MAP_POPUP_WIDTH if popup_width is None else popup_width),
        control=False,
        smooth_factor=0.5,
        attribution=layer_attribution(spec),
        className=layer_class(spec.id),  # Leaflet gives every path of the layer this class
    ).add_to(group)
    group.add_to(m)
    return group


def display_frame(spec: LayerSpec, gdf: gpd.GeoDataFrame, coords: str) -> tuple[gpd.GeoDataFrame, int]:
    """A layer as drawn, and the decimals it is sent with: simplified if it is context,
    shifted for a GCJ-02 basemap (``coords``)."""
    decimals = settings.COORD_DECIMALS
    if spec.group in DISPLAY_SIMPLIFY_GROUPS:
        gdf = simplify_for_display(gdf)
        decimals = settings.DISPLAY_SIMPLIFIED_DECIMALS
    if coords != "wgs84":
        gdf = convert_frame(gdf, "wgs84", coords)
    return gdf, decimals


@functools.lru_cache(maxsize=settings.MAP_LAYER_CACHE_SIZE)
def display_layer(layer_id: str, lang: str, coords: str, factor: float) -> tuple[gpd.GeoDataFrame, int, dict]:
    """Cached display frame, decimals and browser GeoJSON of a catalogue layer (the slow
    part of a rerun); catalogue data do not change while the process runs.

    Callers must not modify the returned objects.
    """
    spec = get_spec(layer_id)
    gdf, decimals = display_frame(spec, load(layer_id), coords)
    return gdf, decimals, feature_collection(spec, gdf, lang, decimals, opacity=factor)
