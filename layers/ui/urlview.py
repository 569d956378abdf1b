"""The shareable view: the sidebar's choices as a :class:`ViewState`, written back to the URL."""
from __future__ import annotations

import streamlit as st

from layers.webmap import viewstate

__all__ = ["view_state", "write_url"]

ss = st.session_state


def view_state(lang: str, selected: list[str]) -> viewstate.ViewState:
    """The view the sidebar asks for (language, layers, basemap, meeting mode, opacities)."""
    opacity = {i: float(v) for i, v in ss.opacity_values.items() if i in selected and float(v) < 1.0}
    return viewstate.ViewState(lang=lang, layers=tuple(selected),
                               basemap=None if ss.basemap_value == "none" else ss.basemap_value,
                               meeting=bool(ss.meeting), opacity=tuple(sorted(opacity.items())))


def write_url(state: viewstate.ViewState, basemap_ids: tuple[str, ...]) -> viewstate.ViewState:
    """Write ``state`` into the URL, with the centre and zoom the map last wrote there (dropped
    when the map is about to fly elsewhere, a saved view's when it steps to one); the view the
    URL held before, so corrected."""
    qp = st.query_params
    current = viewstate.from_query(qp.to_dict(), basemaps=basemap_ids)  # lat/lon/z as the map last wrote them
    goto = ss.get("goto") or {}
    if ss.fly is not None or "fit" in goto:
        for key in ("lat", "lon", "z"):
            qp.pop(key, None)
        current = current.with_(lat=None, lon=None, zoom=None)
    elif goto.get("center") is not None:  # a saved view's place
        (lat, lon), zoom = goto["center"], goto.get("zoom")
        current = current.with_(lat=float(lat), lon=float(lon), zoom=None if zoom is None else float(zoom))
    wanted = viewstate.to_query(state.with_(lat=current.lat, lon=current.lon, zoom=current.zoom))
    for key in ("meet", "op"):
        if key not in wanted:
            qp.pop(key, None)
    for key, value in wanted.items():
        if qp.get(key) != value:
            qp[key] = value
    return current
