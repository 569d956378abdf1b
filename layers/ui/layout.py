"""The page layout: the map fills the window (issue 14), a one-line header above it, a panel
beside it on demand; in meeting mode the map alone, with a small floating bar.

The layout is CSS on Streamlit's own elements (keyed containers carry ``st-key-<key>``
classes) and on the streamlit-folium iframe. Every panel is drawn on every run, in the same
place, the ones not chosen hidden: choosing a panel never moves the map (the map stays where
the planner left it) and no panel forgets its choices.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import streamlit as st

from geo import settings
from layers.text import t
from layers.webmap.html import esc

__all__ = ["FOLIUM_IFRAME", "PANELS", "body", "header", "map_frame_css", "meeting_bar", "page_css", "panel_box"]

ss = st.session_state

#: The panels beside the map: id → title key of the interface text.
PANELS: dict[str, str] = {"draw": "draw_title", "mine": "tab_mine", "trace": "tr_panel", "coverage": "tab_coverage",
                          "export": "tab_export", "indicators": "tab_indicators", "catalogue": "tab_catalogue"}
#: The streamlit-folium iframe in the page.
FOLIUM_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: The cells of the row of map and panel (Streamlit wraps each child of a horizontal container).
_MAP_CELL = ".st-key-zj_body > div:has(> .st-key-zj_mapcol)"
_PANEL_CELL = ".st-key-zj_body > div:has(> .st-key-zj_panel)"


def _normal_css(panel: str | None) -> str:
    top = settings.UI_HEADER_PX
    map_h = f"max({settings.UI_MAP_MIN_PX}px, calc(100vh - {top}px))"
    hidden = [f".st-key-zj_p_{p}" for p in PANELS if p != panel]
    if panel is None:
        hidden.append(_PANEL_CELL)
    return f"""
section[data-testid="stSidebar"] {{ width: {settings.UI_SIDEBAR_PX}px !important;
  min-width: {settings.UI_SIDEBAR_PX}px !important; }}
[data-testid="stSidebarHeader"] {{ height: 2.25rem; padding-top: .5rem; padding-bottom: 0; }}
[data-testid="stSidebarUserContent"] {{ padding-top: 0; }}
header[data-testid="stHeader"] {{ height: 0; min-height: 0; background: transparent; }}
[data-testid="stMainBlockContainer"] {{ padding: 2px 0 0 6px; max-width: none; }}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{ gap: 4px; }}
.st-key-zj_head {{ height: {top - 6}px; min-height: {top - 6}px; flex-wrap: nowrap; overflow: hidden;
  padding-right: 44px; }}
.st-key-zj_head .zj-apptitle {{ font-weight: 700; font-size: 1.05rem; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; max-width: 22vw; }}
.st-key-zj_head .zj-seqtitle {{ font-size: .9rem; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; max-width: 16vw; }}
.st-key-panel button {{ padding-left: .5rem; padding-right: .5rem; white-space: nowrap; }}
.st-key-zj_body {{ flex-wrap: nowrap; align-items: flex-start; gap: 10px; padding: 0 !important;
  margin: 0 !important; }}
{_MAP_CELL} {{ flex: 1 1 0; min-width: 0; }}
.st-key-zj_mapcol {{ gap: 4px; }}
{_PANEL_CELL} {{ flex: 0 0 {settings.UI_PANEL_WIDTH}; width: {settings.UI_PANEL_WIDTH}; }}
.st-key-zj_panel {{ height: {map_h}; max-height: {map_h}; overflow-y: auto; overflow-x: hidden; padding-right: 4px; }}
{", ".join(hidden) or ".zj-none"} {{ display: none !important; }}
{FOLIUM_IFRAME} {{ height: {map_h} !important; display: block; }}
"""


def _meeting_css() -> str:
    return f"""
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], .st-key-zj_head, {_PANEL_CELL} {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{ padding: 0 !important; max-width: none; }}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {{ gap: 0; }}
.st-key-zj_body {{ gap: 0; padding: 0 !important; margin: 0 !important; }}
{_MAP_CELL} {{ flex: 1 1 0; min-width: 0; }}
.st-key-zj_mapcol {{ gap: 0; }}
{FOLIUM_IFRAME} {{ height: 100vh !important; display: block; }}
.st-key-zj_meetbar {{ position: fixed; left: 8px; bottom: 12px; z-index: 999990;
  width: 44px !important; background: rgba(255,255,255,.92); border-radius: 6px;
  box-shadow: 0 1px 5px rgba(0,0,0,.4); padding: 4px 2px; gap: 4px; }}
.st-key-zj_meetbar button {{ min-height: 2.4rem; width: 38px; padding: 0; font-size: 1.2rem; }}
.st-key-zj_meetbar .zj-seqtitle {{ font-size: .95rem; font-weight: 600; text-align: center; }}
.st-key-exit_meeting button p {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }}
"""


def page_css(meeting: bool, panel: str | None) -> None:
    """The page's CSS for this run, put in the sidebar (styles apply to the whole page; in the
    main area even a style-only element would shift the map by a few pixels)."""
    st.sidebar.html(f"<style>{_meeting_css() if meeting else _normal_css(panel)}</style>")


def map_frame_css() -> str:
    """CSS inside the map's iframe: the map fills the iframe, whatever height the page gives it
    (streamlit-folium sets ``#map_div`` to the fixed ``height`` it is passed)."""
    return ("<style>html, body { margin: 0; overflow: hidden; } #map_div, #map_div2 { height: 100vh !important; }"
            " #root > span, body > span { display: none; }</style>")


def header(lang: str, nav: Callable[[str, bool], None]) -> str | None:
    """The one-line header: the title, the panel chooser and the view sequence (``nav``);
    the panel chosen (None: the map takes the whole main area)."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small", wrap=False, key="zj_head"):
        st.html(f'<div class="zj-apptitle">{esc(t(lang, "head_title"))}</div>', width="content")
        panel = st.segmented_control(t(lang, "panel"), list(PANELS), key="panel", label_visibility="collapsed",
                                     format_func=lambda p: t(lang, PANELS[p]), help=t(lang, "panel_help"))
        nav(lang, True)
    return panel if panel in PANELS else None


def meeting_bar(lang: str, nav: Callable[[str, bool], None], leave: Callable[[], None]) -> None:
    """Meeting mode's narrow bar at the map's bottom left, where the default view has no plan
    feature and the map has no control: the view sequence and "leave meeting mode"."""
    with st.container(vertical_alignment="center", horizontal_alignment="center", gap="small", key="zj_meetbar"):
        nav(lang, False)
        st.button(t(lang, "exit_meeting"), key="exit_meeting", on_click=leave, icon=":material/close:",
                  help=t(lang, "exit_meeting"))


def body() -> tuple[AbstractContextManager, AbstractContextManager]:
    """The map's column and the panel column beside it (hidden when no panel is chosen)."""
    row = st.container(horizontal=True, gap="small", wrap=False, key="zj_body")
    with row:
        map_col = st.container(key="zj_mapcol")
        panel_col = st.container(key="zj_panel")
    return map_col, panel_col


def panel_box(panel: str) -> AbstractContextManager:
    """The container of one panel (hidden unless it is the chosen one)."""
    return st.container(key=f"zj_p_{panel}")
