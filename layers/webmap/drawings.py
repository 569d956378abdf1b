"""The planner's own drawings: back to WGS84 from the map, kept for the session, drawn back onto it."""
from __future__ import annotations

from typing import Iterable

import folium
import numpy as np
import shapely
from shapely.geometry import mapping

from geo import settings
from geo.bilingual import Bilingual
from geo.chinacoords import convert_geometry
from geo.errors import ZJError
from layers.analysis.drawn import drawn_geometry, measure
from layers.text import t
from layers.webmap.basemaps import get_basemap
from layers.webmap.features import round_coords
from layers.webmap.html import esc

__all__ = ["DRAWING_STYLE", "add_drawings", "drawing_label", "drawings_to_wgs84", "is_planner_drawing"]

#: Style of the planner's drawings: black dashed outline, light fill (prints in greyscale).
DRAWING_STYLE = {"color": "#000000", "weight": 2.5, "dashArray": "2 4", "fillColor": "#000000", "fillOpacity": 0.08}


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
            g["geometry"] = mapping(round_coords(np.array([convert_geometry(geom, base.coords, "wgs84")]),
                                                 settings.COORD_DECIMALS)[0])
        out.append(g)
    return out


def is_planner_drawing(feature: dict) -> bool:
    """True for a shape the planner drew, False for a catalogue feature they clicked.

    streamlit-folium reports both as ``last_active_drawing``; the catalogue's features
    carry the display properties the map gave them (``popup``, ``tooltip``), drawings none.
    """
    props = feature.get("properties") or {}
    return isinstance(feature, dict) and not ({"popup", "tooltip", "style"} & set(props))


def drawing_label(drawing: dict, lang: str) -> str:
    """A short escaped label for a drawing: its length or area."""
    try:
        m = measure(drawn_geometry(drawing))
    except ZJError as exc:
        return esc(Bilingual(exc.zh, exc.en).get(lang))
    if m["length_m"] is not None:
        return esc(f"{t(lang, 'map_length')} {m['length_m']:,.0f} m")
    if m["area_km2"] is not None:
        return esc(f"{t(lang, 'map_area')} {m['area_km2']:,.3f} km²")
    return ""


def add_drawings(m: folium.Map, drawings: list[dict], lang: str, coords: str = "wgs84") -> None:
    """Draw the session's (WGS84) drawings on ``m`` after a rerun rebuilt the map, with their
    figures; ``coords`` is the basemap's datum ("gcj02" shifts them for display only)."""
    if not drawings:
        return
    group = folium.FeatureGroup(name=t(lang, "map_my_drawings"), control=False)
    for drawing in drawings:
        try:
            geom = drawn_geometry(drawing)
        except ZJError:
            continue  # shown as an error in the drawing panel, not drawn
        if coords != "wgs84":
            geom = convert_geometry(geom, "wgs84", coords)
        folium.GeoJson(
            geom.__geo_interface__,
            style_function=lambda _f: DRAWING_STYLE,
            tooltip=folium.Tooltip(drawing_label(drawing, lang)),
        ).add_to(group)
    group.add_to(m)
