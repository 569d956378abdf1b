"""The planner's own drawings, kept for the session and drawn back onto the map."""
from __future__ import annotations

import folium

from geo.chinacoords import convert_geometry
from geo.errors import ZJError
from layers.analysis.drawn import drawn_geometry, measure
from layers.webmap.core import esc

#: Style of the planner's drawings: black dashed outline, light fill (prints in greyscale).
DRAWING_STYLE = {"color": "#000000", "weight": 2.5, "dashArray": "2 4", "fillColor": "#000000", "fillOpacity": 0.08}


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
        return esc(exc.zh if lang == "zh" else exc.en)
    if m["length_m"] is not None:
        return esc(("长度 " if lang == "zh" else "Length ") + f"{m['length_m']:,.0f} m")
    if m["area_km2"] is not None:
        return esc(("面积 " if lang == "zh" else "Area ") + f"{m['area_km2']:,.3f} km²")
    return ""


def add_drawings(m: folium.Map, drawings: list[dict], lang: str, coords: str = "wgs84") -> None:
    """Draw the session's (WGS84) drawings on ``m`` after a rerun rebuilt the map, with their
    figures; ``coords`` is the basemap's datum ("gcj02" shifts them for display only)."""
    if not drawings:
        return
    group = folium.FeatureGroup(name="我的绘制" if lang == "zh" else "My drawings", control=False)
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
