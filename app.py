"""张江科学城规划图 / Zhangjiang Science City planning map — the Streamlit app.

Page set-up and wiring only: the panels are in :mod:`layers.ui` (one module per panel, the
session state declared in :mod:`layers.ui.state`); the map comes from layers.webmap, the
analysis from layers.analysis and layers.coverage, the interface text from layers.text.
Run: .venv/bin/streamlit run app.py
"""
from __future__ import annotations

import streamlit as st

from layers.text import t, text
from layers.ui import (
    catalogue_tab,
    coverage_tab,
    draw_tab,
    export_tab,
    indicators_tab,
    mapview,
    mylayers_tab,
    sidebar,
    state,
    urlview,
)
from layers.webmap import available_basemaps, templatecache

templatecache.install()
st.set_page_config(page_title=text("page_title").both(), layout="wide")
ss = st.session_state
BASEMAP_IDS = tuple(available_basemaps())

# --- the session's state: the first run restores the view from the link ---------------
state.init_state(ss, st.query_params.to_dict(), BASEMAP_IDS)
state.apply_pending(ss)  # changes asked for after the last run's widgets were drawn
lang = state.switch_language(ss, {"meeting_title": lambda lg: t(lg, "app_title"), **export_tab.default_titles()})

# --- sidebar, the view written back to the URL, the map --------------------------------
selected = sidebar.render(lang, BASEMAP_IDS)
view = urlview.view_state(lang, selected)
current = urlview.write_url(view, BASEMAP_IDS)
mapview.render(view, current)

# --- the tabs under the map (not in meeting mode) --------------------------------------
if not view.meeting:
    tab_draw, tab_mine, tab_cov, tab_out, tab_ind, tab_cat = st.tabs(
        [t(lang, "draw_title"), t(lang, "tab_mine"), t(lang, "tab_coverage"), t(lang, "tab_export"),
         t(lang, "tab_indicators"), t(lang, "tab_catalogue")])
    with tab_mine:
        mylayers_tab.render(lang)
    with tab_out:
        export_tab.export_panel(lang, selected)
        st.divider()
        export_tab.print_panel(lang)
    with tab_cov:
        coverage_tab.render(lang)
    with tab_draw:
        draw_tab.render(lang)
    with tab_ind:
        indicators_tab.render(lang)
    with tab_cat:
        catalogue_tab.render(lang)
