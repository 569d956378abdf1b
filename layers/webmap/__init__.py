"""The interactive web map: catalogue layers drawn with folium, offline-ready (no Streamlit here).

Every string that reaches the browser as HTML is escaped (:mod:`~layers.webmap.html`);
display-only changes (simplified context layers, GCJ-02 shifts) are never written back.

Modules
-------
build         the map builder: ``build_map_report``, ``build_map``, ``map_html``, ``MapBuild``
html          escaping, property values, feature names, tooltips, the one popup builder
features      catalogue layers as rounded, styled browser GeoJSON and folium layers
legend        the legend (swatches, categories, schematic key) and the title block
choropleth    a check by zones: every zone filled by its share in classes, with its legend
controls      HTML controls and scripts, measure, draw, layer-control order
layout        controls kept out of the map's way: the measured fit, zoom targets, north arrow, scale
labels        feature name labels and the browser pass hiding overlapping ones
options       checks of view options (boxes, centre, zoom, opacity)
bounds        extents: the Science City, a layer, a set of frames
failures      loading a map's layers; each failure a bilingual message
css           the page CSS (normal and meeting mode)
payload       bytes the browser receives (the map budget)
basemaps      tile basemaps, their datums and the Tianditu key
assets        offline Leaflet scripts and stylesheets; the map's own small scripts
drawings      the planner's drawings: back to WGS84, drawn back with their figures
userlayers    the planner's imported layers on the map
standalone    the map as one self-contained HTML file
templatecache memoised Jinja compilation for fast reruns
viewstate     the shareable view as URL query parameters
"""
from __future__ import annotations

from layers.text.webmap import format_value
from layers.webmap.basemaps import (BASEMAPS, DEFAULT_BASEMAP, Basemap, BasemapKeyError, UnknownBasemapError,
                                    available_basemaps, basemap_key, get_basemap)
from layers.webmap.bounds import bounds_of, layer_bounds, science_city_bounds
from layers.webmap.build import DEFAULT_TITLE, MapBuild, build_map, build_map_report, map_html
from layers.webmap.controls import MapScript, add_control, layer_control_last
from layers.webmap.css import MAP_CSS, MEETING_CSS
from layers.webmap.drawings import add_drawings, drawings_to_wgs84
from layers.webmap.failures import LayerFailure, failed_layers, load_layers
from layers.webmap.features import add_layer, feature_collection, simplify_for_display
from layers.webmap.html import esc, feature_name, popup_html, popup_table, tooltip_html
from layers.webmap.legend import legend_html, swatch_svg, title_html
from layers.webmap.payload import default_view_bytes, payload_bytes
from layers.webmap.userlayers import add_user_layers

__all__ = [
    "BASEMAPS", "DEFAULT_BASEMAP", "DEFAULT_TITLE", "MAP_CSS", "MEETING_CSS", "Basemap", "BasemapKeyError",
    "LayerFailure", "MapBuild", "MapScript", "UnknownBasemapError", "add_control", "add_drawings", "add_layer",
    "add_user_layers", "available_basemaps", "basemap_key", "bounds_of", "build_map", "build_map_report",
    "default_view_bytes", "drawings_to_wgs84", "esc", "failed_layers", "feature_collection", "feature_name",
    "format_value", "get_basemap", "layer_bounds", "layer_control_last", "legend_html", "load_layers", "map_html",
    "payload_bytes", "popup_html", "popup_table", "science_city_bounds", "simplify_for_display", "swatch_svg",
    "title_html", "tooltip_html",
]
