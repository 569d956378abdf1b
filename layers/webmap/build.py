"""The map builder: catalogue layers, basemap, controls, legend and title on one folium map.

:func:`build_map_report` returns a :class:`MapBuild`: the map, the layers drawn and
those that failed (one bilingual message each, the rest of the map still draws);
:func:`build_map` only the map; :func:`map_html` the standalone page.
"""
from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

import folium
import geopandas as gpd
import numpy as np
from branca.element import Figure
from folium import plugins
from folium.map import FitBounds

from geo import settings
from geo.bilingual import check_lang
from geo.chinacoords import convert
from geo.errors import ZJError
from layers.catalogue.loading import get_spec, load
from layers.catalogue.symbology import draw_order
from layers.text import t, text
from layers.webmap.assets import DRAW_LOCALE_ZH, draw_locale_js, make_offline, url_sync_js
from layers.webmap.basemaps import DEFAULT_BASEMAP, Basemap, basemap_key, get_basemap
from layers.webmap.bounds import layer_bounds, science_city_bounds
from layers.webmap.controls import MapScript, add_control, draw_control, measure_control
from layers.webmap.css import MAP_CSS, MEETING_CSS
from layers.webmap.failures import LayerFailure, load_layers
from layers.webmap.features import add_layer, display_frame, display_layer
from layers.webmap.html import esc
from layers.webmap.labels import catalogue_labels, label_markers_js, label_pane_js, label_pass_js, label_records
from layers.webmap.layout import ZoomTarget, layout_js, north_arrow_html, scale_js, zoom_targets_js
from layers.webmap.legend import catalogue_legend, legend_html, title_html
from layers.webmap.options import check_box, check_center, check_opacity, check_zoom

__all__ = ["DEFAULT_TITLE", "ZOOM_TARGETS", "MapBuild", "build_map", "build_map_report", "map_html", "page_of"]

#: The title block's default text.
DEFAULT_TITLE = text("map_default_title")

Box = tuple[float, float, float, float]


@dataclass
class MapBuild:
    """What :func:`build_map_report` made: the map, the layers drawn and the failures."""

    map: folium.Map
    drawn: list[str] = field(default_factory=list)
    failed: list[LayerFailure] = field(default_factory=list)
    feature_counts: dict[str, int] = field(default_factory=dict)


def _add_basemap(m: folium.Map, base: Basemap, key: str | None, lang: str) -> None:
    folium.TileLayer(tiles=base.tile_url(key), attr=base.attribution, name=esc(base.title(lang)),
                     subdomains=base.subdomains, max_zoom=base.max_zoom, overlay=False,
                     control=True).add_to(m)
    if base.labels is not None:  # place names over the tiles; same attribution (shown once)
        folium.TileLayer(tiles=base.labels_url(key), attr=base.attribution, name="labels",
                         subdomains=base.subdomains, max_zoom=base.max_zoom, overlay=True,
                         control=False).add_to(m)


def build_map_report(layer_ids: Iterable[str], lang: str = "zh", *, basemap: str | None = DEFAULT_BASEMAP,
                     loader: Callable[[str], gpd.GeoDataFrame] = load,
                     bounds: Box | None = None,
                     opacity: Mapping[str, float] | None = None,
                     center: tuple[float, float] | None = None,
                     zoom: float | None = None,
                     fit: Box | None = None,
                     legend: bool = True,
                     meeting: bool = False,
                     title: str | None = None,
                     date: datetime.date | str | None = None,
                     url_sync: bool = False,
                     fullscreen: bool = True,
                     measure: bool = True,
                     draw: bool = True,
                     layer_control: bool = True,
                     labels: bool = False,
                     zoom_targets: bool = True,
                     north_arrow: bool = True) -> MapBuild:
    """Build the map and report which layers were drawn and which failed.

    Parameters
    ----------
    layer_ids : iterable of str
        Catalogue ids to draw (unknown ids raise LayerNotFoundError).
    lang : {"zh", "en"}
        Language of tooltips, popups, controls and the legend (layer names show both).
    basemap : str or None
        A key of :data:`layers.webmap.basemaps.BASEMAPS` (see ``available_basemaps``), or
        None for no tiles. With a GCJ-02 basemap the layers and the view are shifted to
        GCJ-02 for display only. A Tianditu basemap without a configured key raises
        BasemapKeyError.
    loader : callable
        Layer loader, ``layers.load`` by default (tests pass their own).
    bounds : tuple, optional
        (lon_min, lat_min, lon_max, lat_max) to open on; default the Science City.
    opacity : dict, optional
        Layer id → factor 0–1 multiplying that layer's stroke and fill opacities.
    center, zoom : optional
        WGS84 (lat, lon) and Leaflet zoom to open at instead of fitting ``bounds``
        (either may be given alone: the other is the box centre or ``settings.DEFAULT_ZOOM``).
    fit : tuple, optional
        WGS84 (lon_min, lat_min, lon_max, lat_max) to open on, e.g. a search result or a
        layer's ``layer_bounds``; wins over ``center``/``zoom``; never deeper than
        ``settings.FIT_MAX_ZOOM``.
    legend : bool
        Add the legend (:func:`layers.webmap.legend.legend_html`) at the bottom right,
        collapsed on a map narrower than ``settings.LEGEND_COLLAPSE_WIDTH`` (not in meeting mode).
    meeting : bool
        Meeting mode: a title block and large text everywhere (legend, scale bar, north
        arrow, labels, popups), for a projector.
    title : str, optional
        Title block text (escaped, top right), shown when given or in meeting mode; default
        :data:`DEFAULT_TITLE`. ``date`` is printed under it (default today).
    url_sync : bool
        Keep ``lat``/``lon``/``z`` of the top window's URL in step with the view (WGS84).
    fullscreen, measure, draw : bool
        The full-screen button, the measure control (distance and area, metric) and the
        draw toolbar (lines and polygons; read them with streamlit-folium's
        ``all_drawings`` and ``drawings_to_wgs84``).
    layer_control : bool
        Add Leaflet's layer control (collapsed, top right); False when the caller switches
        layers and basemaps itself (the app's sidebar: one place to switch layers).
    labels : bool
        Name labels (``.zj-label``) on the features of layers with a ``label_rank``; a
        browser pass hides any that would overlap (:mod:`layers.webmap.labels`).
    zoom_targets : bool
        Buttons fitting the map to the 2021 Science City (``.zj-zoom-sc``) and to all
        parks (``.zj-zoom-parks``), controls kept clear (:mod:`layers.webmap.layout`).
    north_arrow : bool
        A north arrow (``.zj-north``) beside the scale bar.

    Raises
    ------
    LayerNotFoundError, UnknownBasemapError, BasemapKeyError, CoordinateError, MapOptionError
    """
    check_lang(lang)
    base = None if basemap is None else get_basemap(basemap)
    key = None if base is None else basemap_key(base)  # a missing key fails before anything is drawn
    factors = check_opacity(opacity)
    coords = "wgs84" if base is None else base.coords
    shifted = coords != "wgs84"

    def display(lon: float, lat: float) -> tuple[float, float]:
        if not shifted:
            return lon, lat
        x, y = convert(np.array([lon]), np.array([lat]), "wgs84", coords)
        return float(x[0]), float(y[0])

    fit_box = None if fit is None else check_box(fit, "fit")
    max_fit_zoom = None if fit_box is None else settings.FIT_MAX_ZOOM
    view = None
    if fit_box is None and (center is not None or zoom is not None):
        z = settings.DEFAULT_ZOOM if zoom is None else check_zoom(zoom)
        if center is not None:
            lat, lon = check_center(center)
        else:
            x0, y0, x1, y1 = check_box(bounds, "bounds") if bounds else science_city_bounds(loader)
            lat, lon = (y0 + y1) / 2, (x0 + x1) / 2
        view = (display(lon, lat), z)
    elif fit_box is None:
        fit_box = check_box(bounds, "bounds") if bounds else science_city_bounds(loader)

    if view is not None:
        (lon, lat), z = view
        location, zoom_start = [lat, lon], z
    else:
        assert fit_box is not None
        x0, y0 = display(fit_box[0], fit_box[1])
        x1, y1 = display(fit_box[2], fit_box[3])
        # open near the final view (fit_bounds below sets it exactly) so no tiles are fetched twice
        location, zoom_start = [(y0 + y1) / 2, (x0 + x1) / 2], settings.FIT_START_ZOOM
    # zoom_snap 0.25 lets the opening view fit the Science City closely
    # Leaflet takes fractional zooms (zoom_snap 0.25); folium annotates zoom_start as int
    m = folium.Map(location=location, zoom_start=zoom_start, tiles=None,  # type: ignore[arg-type]
                   control_scale=False, prefer_canvas=False, zoom_snap=0.25, zoom_delta=1,
                   zoom_control="topright")
    if base is not None:
        _add_basemap(m, base, key, lang)
    if labels:
        MapScript(label_pane_js, "zj_label_pane").add_to(m)

    order = draw_order(layer_ids)
    loaded, failed = load_layers(order, loader)
    build = MapBuild(map=m, failed=failed)
    popup_width = settings.MEETING_POPUP_WIDTH if meeting else settings.MAP_POPUP_WIDTH
    for layer_id in order:
        if layer_id not in loaded:
            continue
        spec = get_spec(layer_id)
        factor = factors.get(layer_id, 1.0)
        data: dict | None
        if loader is load:  # catalogue data do not change while the process runs: reuse
            gdf, decimals, data = display_layer(layer_id, lang, coords, factor)
        else:
            gdf, decimals = display_frame(spec, loaded[layer_id], coords)
            data = None
        group = add_layer(m, spec, gdf, lang, opacity=factor, decimals=decimals, popup_width=popup_width,
                          data=data)
        if labels and spec.label_rank is not None:
            records = catalogue_labels(layer_id, lang, coords) if loader is load else label_records(spec, gdf, lang)
            if records:
                MapScript(functools.partial(label_markers_js, records=records), "zj_labels").add_to(group)
        build.drawn.append(layer_id)
        build.feature_counts[layer_id] = int(len(gdf))

    fit_latlng = None
    if view is None:
        # room for the control column on the right; layout_js fits again once the page
        # has measured it
        fit_latlng = [[y0, x0], [y1, x1]]
        m.fit_bounds(fit_latlng, padding_top_left=settings.FIT_PADDING_TL,
                     padding_bottom_right=settings.FIT_PADDING_BR, max_zoom=max_fit_zoom)
        for child in m._children.values():  # no zoom animation: a later setView would be ignored
            if isinstance(child, FitBounds):
                child.options["animate"] = False
    if zoom_targets:  # under the zoom buttons
        targets = _zoom_targets(loader, lang, display)
        if targets:
            MapScript(lambda var: zoom_targets_js(var, targets, lang), "zj_zoom_targets").add_to(m)
    if fullscreen:
        plugins.Fullscreen(position="topright", title=t(lang, "map_fullscreen"),
                           title_cancel=t(lang, "map_exit_fullscreen"), force_separate_button=True).add_to(m)
    if draw:
        if lang == "zh":
            MapScript(lambda _var: draw_locale_js(DRAW_LOCALE_ZH), "zj_draw_locale").add_to(m)
        draw_control().add_to(m)
    if measure:
        measure_control(lang).add_to(m)
    if meeting or title is not None:  # after the measure control: the top of the right column
        heading = DEFAULT_TITLE.get(lang) if title is None else title
        add_control(m, title_html(heading, date), "topright", "zj-title", first=True)
    if layer_control:
        folium.LayerControl(collapsed=True, position="topright").add_to(m)
    MapScript(lambda var: scale_js(var, meeting), "zj_scale").add_to(m)  # bottom right, under the legend
    if north_arrow:
        add_control(m, north_arrow_html(lang), "bottomright", "zj-north")
    if legend and build.drawn:
        if loader is load:
            html_text = catalogue_legend(tuple(build.drawn), lang, tuple(sorted(factors.items())))
        else:
            html_text = legend_html(build.drawn, lang, frames={i: loaded[i] for i in build.drawn}, opacity=factors)
        add_control(m, html_text, "bottomright", "zj-legend")
    has_legend = legend and bool(build.drawn)
    MapScript(lambda var: layout_js(var, fit_latlng, max_fit_zoom, meeting=meeting, legend=has_legend),
              "zj_layout").add_to(m)
    if labels:
        MapScript(label_pass_js, "zj_label_pass").add_to(m)
    if url_sync:
        MapScript(lambda var: url_sync_js(var, gcj02=shifted), "zj_url_sync").add_to(m)

    root = page_of(m)
    root.header.add_child(folium.Element(MAP_CSS), name="zj_map_css")
    if meeting:
        root.header.add_child(folium.Element(MEETING_CSS), name="zj_meeting_css")
    make_offline(m)
    return build


#: The zoom targets: (css class, text key, layer whose extent it fits).
ZOOM_TARGETS = (("zj-zoom-sc", "map_zoom_sc", "science_city_2021"), ("zj-zoom-parks", "map_zoom_parks", "hitech_parks"))


def _zoom_targets(loader: Callable[[str], gpd.GeoDataFrame], lang: str,
                  display: Callable[[float, float], tuple[float, float]]) -> list[ZoomTarget]:
    """The zoom targets whose layer loads, with display-coordinate Leaflet bounds."""
    out: list[ZoomTarget] = []
    for css_class, key, layer_id in ZOOM_TARGETS:
        try:
            x0, y0, x1, y1 = layer_bounds(layer_id, loader)
        except ZJError:
            continue
        (a, b), (c, d) = display(x0, y0), display(x1, y1)
        out.append((css_class, t(lang, key), [[b, a], [d, c]]))
    return out


def build_map(layer_ids: Iterable[str], lang: str = "zh", **options) -> folium.Map:
    """The map of ``layer_ids`` (see :func:`build_map_report`, which also lists failures)."""
    return build_map_report(layer_ids, lang, **options).map


def page_of(m: folium.Map) -> Figure:
    """The page (branca Figure: header, body, scripts) the map is rendered into."""
    root = m.get_root()
    if not isinstance(root, Figure):
        raise TypeError("the map is not part of a page (folium.Map always is)")
    return root


def map_html(m: folium.Map) -> str:
    """The map as a standalone HTML page (offline-ready)."""
    return page_of(m).render()
