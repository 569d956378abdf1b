"""The Drawing tab: the latest drawing's length or area and the plan features it meets."""
from __future__ import annotations

import streamlit as st

from geo.errors import ZJError
from layers.analysis import drawn as analysis
from layers.text import t

__all__ = ["render"]

ss = st.session_state


def render(lang: str) -> None:
    """Figures of the latest drawing; older drawings stay on the map."""
    if not ss.drawings:
        st.caption(t(lang, "draw_hint"))
    for n, d in enumerate(reversed(ss.drawings), 1):
        try:
            geom = analysis.drawn_geometry(d, region=None)  # measured anywhere (test extract)
        except ZJError as exc:
            st.error(str(exc))
            continue
        m = analysis.measure(geom)
        cols = st.columns(3)
        if m["length_m"] is not None:
            cols[0].metric(t(lang, "length"), f"{m['length_m']:,.0f} m")
        if m["area_km2"] is not None:
            cols[0].metric(t(lang, "area"), f"{m['area_km2']:,.3f} km²")
            cols[1].metric(t(lang, "perimeter"), f"{m['perimeter_m']:,.0f} m")
        table = analysis.intersecting_table(geom, lang)
        st.markdown(f"**{t(lang, 'intersects')}**")
        if table.empty:
            st.caption(t(lang, "no_intersection"))
        else:
            st.dataframe(table, hide_index=True)
        if n == 1:
            break  # the latest drawing; older ones stay on the map
