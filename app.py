"""张江科学城规划图 / Zhangjiang Science City planning map — the Streamlit app.

Page set-up and wiring only: the panels are in :mod:`layers.ui` (one module per panel, the
session state declared in :mod:`layers.ui.state`, the page layout in :mod:`layers.ui.layout`);
the map comes from layers.webmap, the analysis from layers.analysis and layers.coverage, the
interface text from layers.text.
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
    layout,
    mapview,
    mylayers_tab,
    sequence,
    sidebar,
    state,
    trace_panel,
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

# --- sidebar, the view written back to the URL -------------------------------------------
selected = sidebar.render(lang, BASEMAP_IDS)
view = urlview.view_state(lang, selected)
current = urlview.write_url(view, BASEMAP_IDS)

# --- the map fills the window; a panel beside it on demand; meeting mode: the map alone ----
panel = None if view.meeting else layout.header(lang, sequence.nav)
layout.page_css(view.meeting, panel)
map_col, panel_col = layout.body()
with map_col:
    mapview.render(view, current)
if view.meeting:
    layout.meeting_bar(lang, sequence.nav, leave=lambda: ss.update(meeting=False))

# --- the panels: each drawn on every run in its place, only the chosen one shown -----------
with panel_col:
    with layout.panel_box("draw"):
        draw_tab.render(lang)
    with layout.panel_box("mine"):
        mylayers_tab.render(lang)
    with layout.panel_box("trace"):
        trace_panel.render(lang)
    with layout.panel_box("coverage"):
        coverage_tab.render(lang)
    with layout.panel_box("export"):
        export_tab.export_panel(lang, selected)
        st.divider()
        export_tab.print_panel(lang)
    with layout.panel_box("indicators"):
        indicators_tab.render(lang)
    with layout.panel_box("catalogue"):
        catalogue_tab.render(lang)
