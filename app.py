"""张江科学城规划图 / Zhangjiang Science City planning map — the Streamlit UI.

UI only. The map comes from layers.webmap, search from layers.search, drawing figures
from layers.analysis, the shareable view from layers.viewstate, the indicator tables
from layers.indicators and the interface text from layers.i18n.
Run: .venv/bin/streamlit run app.py
"""
from __future__ import annotations

import json

import streamlit as st
from streamlit_folium import st_folium

import layers
from geo.errors import ZJError
from layers import analysis, indicators, search, templatecache, viewstate
from layers.i18n import LANG_CHOICES, t
from layers.drawings import add_drawings, is_planner_drawing
from layers.summary import catalogue_summary, catalogue_table
from layers.webmap import available_basemaps, build_map_report, drawings_to_wgs84, layer_bounds

templatecache.install()
st.set_page_config(page_title="张江科学城规划图 / Zhangjiang Science City", layout="wide")
ss = st.session_state
qp = st.query_params
BASEMAP_IDS = tuple(available_basemaps())


def _md(text: str) -> str:
    """Escape Markdown so names and messages show as written."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in str(text))


@st.cache_data(show_spinner=False)
def _summary() -> list[dict]:
    return catalogue_summary()


def _map(layer_ids: tuple[str, ...], lang: str, basemap: str | None, opacity: tuple, meeting: bool,
         title: str | None, view: tuple, drawings: str):
    """The map for these inputs. It is rebuilt on every run (folium maps cannot be rendered
    twice); the layer data behind it are cached in layers.webmap, and streamlit-folium
    keeps the map in the browser as it is when the rebuilt map has the same structure."""
    build = build_map_report(list(layer_ids), lang, basemap=basemap, opacity=dict(opacity), meeting=meeting,
                             title=title, url_sync=True, **dict(view))
    coords = available_basemaps()[basemap].coords if basemap in available_basemaps() else "wgs84"
    add_drawings(build.map, json.loads(drawings), lang, coords)
    return build


# --- first run of a session: restore the view from the link -----------------------
if "view0" not in ss:
    v0 = viewstate.from_query(qp.to_dict(), basemaps=BASEMAP_IDS)
    ss.view0 = v0
    ss.lang_choice = next(k for k, v in LANG_CHOICES.items() if v == v0.lang)
    for spec in layers.LAYERS:
        ss[f"layer_{spec.id}"] = spec.id in v0.layers
    ss.opacity_values = v0.opacity_map()
    ss.basemap_value = v0.basemap or "none"
    ss.meeting = v0.meeting
    ss.drawings = []
    ss.fly = None

# Changes asked for after the widgets were drawn (indicator links, leaving meeting mode)
# are applied here, before the widgets of this run exist.
for layer_id in ss.pop("pending_layers", []):
    ss[f"layer_{layer_id}"] = True
if ss.pop("pending_meeting_off", False):
    ss.meeting = False

# --- sidebar: language, search, layers, basemap, meeting mode ----------------------
with st.sidebar:
    st.radio("语言 / Language", list(LANG_CHOICES), horizontal=True, key="lang_choice")
    lang = LANG_CHOICES[ss.lang_choice]

    query = st.text_input(t(lang, "search"), placeholder=t(lang, "search_hint"), key="search_q")
    if query.strip():
        hits = search.search(query)
        if hits:
            pick = st.selectbox(t(lang, "search_results"), range(len(hits)),
                                format_func=lambda i: hits[i].label(lang), key=f"search_pick_{lang}")
            if st.button(t(lang, "fly_to"), key="fly_btn"):
                hit = hits[pick]
                ss[f"layer_{hit.layer_id}"] = True
                ss.fly = hit.bounds
        else:
            st.caption(t(lang, "no_match"))

    st.header(t(lang, "layers"))
    for group, titles in layers.GROUPS.items():
        specs = [s for s in layers.LAYERS if s.group == group]
        if specs:
            st.subheader(titles[0] if lang == "zh" else titles[1])
            for spec in specs:
                st.checkbox(spec.title(lang), key=f"layer_{spec.id}")
    selected = [s.id for s in layers.LAYERS if ss[f"layer_{s.id}"]]

    with st.expander(t(lang, "layer_settings")):
        for layer_id in selected:  # kept outside widget state: a hidden slider forgets its value
            ss.opacity_values[layer_id] = st.slider(
                f"{t(lang, 'opacity')}: {layers.get_spec(layer_id).title(lang)}", 0.0, 1.0,
                value=float(ss.opacity_values.get(layer_id, 1.0)), step=0.1, key=f"op_{layer_id}_{lang}")
        if selected:
            target = st.selectbox(t(lang, "zoom_to"), selected, key=f"zoom_pick_{lang}",
                                  format_func=lambda i: layers.get_spec(i).title(lang))
            if st.button(t(lang, "zoom_button"), key="zoom_btn"):
                try:
                    ss.fly = layer_bounds(target)
                except ZJError as exc:
                    st.error(str(exc))

    options = list(BASEMAP_IDS) + ["none"]  # a string: Streamlit shows None as "no choice"
    if ss.basemap_value not in options:
        ss.basemap_value = "carto"
    # the key carries the language so the option names follow the switch; the value survives it
    ss.basemap_value = st.selectbox(
        t(lang, "basemap"), options, index=options.index(ss.basemap_value), key=f"basemap_{lang}",
        format_func=lambda b: t(lang, "no_basemap") if b == "none" else available_basemaps()[b].title(lang))
    st.caption(t(lang, "offline"))

    st.toggle(t(lang, "meeting"), key="meeting")
    st.text_input(t(lang, "meeting_title"), value=t(lang, "app_title"), key=f"title_{lang}")
    st.caption(t(lang, "share"))
    if ss.view0.ignored:
        st.caption(f"{t(lang, 'ignored')}: {_md(', '.join(ss.view0.ignored))}")

# --- the view, written back to the URL -----------------------------------------------
opacity = {i: float(v) for i, v in ss.opacity_values.items() if i in selected and float(v) < 1.0}
state = viewstate.ViewState(lang=lang, layers=tuple(selected), basemap=None if ss.basemap_value == "none" else ss.basemap_value,
                            meeting=bool(ss.meeting), opacity=tuple(sorted(opacity.items())))
current = viewstate.from_query(qp.to_dict(), basemaps=BASEMAP_IDS)  # lat/lon/z as the map last wrote them
if ss.fly is not None:
    for key in ("lat", "lon", "z"):
        qp.pop(key, None)
    current = current.with_(lat=None, lon=None, zoom=None)
wanted = viewstate.to_query(state.with_(lat=current.lat, lon=current.lon, zoom=current.zoom))
for key in ("meet", "op"):
    if key not in wanted:
        qp.pop(key, None)
for key, value in wanted.items():
    if qp.get(key) != value:
        qp[key] = value

# Rebuild the map's opening view only when what it shows changes; otherwise reuse the last
# one, so a rerun caused by a drawing does not reset the map.
title = ss.get(f"title_{lang}") or t(lang, "app_title")
content = (state.layers, state.basemap, lang, state.opacity, state.meeting, title, len(ss.drawings))
if ss.fly is not None:
    view = {"fit": ss.fly}
    ss.fly = None
elif content != ss.get("content"):
    view = {"center": current.centre, "zoom": current.zoom}
else:
    view = ss.map_view
ss.content, ss.map_view = content, view

if state.meeting:
    st.markdown("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],"
                "header[data-testid='stHeader']{display:none}</style>", unsafe_allow_html=True)
    if st.button(t(lang, "exit_meeting"), key="exit_meeting"):
        ss.pending_meeting_off = True
        st.rerun()
else:
    st.title(t(lang, "app_title"))
    st.caption(t(lang, "app_subtitle"))

build = _map(tuple(selected), lang, state.basemap, state.opacity, state.meeting,
             title if state.meeting else None, tuple(sorted(view.items())), json.dumps(ss.drawings))
if build.failed:  # one line per layer that could not be drawn; the rest of the map still shows
    st.warning("\n".join(f"- **{_md(f.title(lang))}** {t(lang, 'failed')}: {_md(f.message(lang))}"
                         for f in build.failed))
if not selected:
    st.info(t(lang, "none"))
out = st_folium(build.map, key="map", height=820 if state.meeting else 640, use_container_width=True,
                returned_objects=["last_active_drawing"])

# --- what the planner drew ----------------------------------------------------------
drawing = (out or {}).get("last_active_drawing")
if drawing and is_planner_drawing(drawing):
    drawing = drawings_to_wgs84([drawing], state.basemap)[0]  # drawn on GCJ-02 tiles → WGS84
if drawing and is_planner_drawing(drawing) and drawing not in ss.drawings:
    ss.drawings = ss.drawings + [drawing]

if not state.meeting:
    tab_draw, tab_ind, tab_cat = st.tabs([t(lang, "draw_title"), t(lang, "tab_indicators"), t(lang, "tab_catalogue")])
    with tab_draw:
        if not ss.drawings:
            st.caption(t(lang, "draw_hint"))
        for n, d in enumerate(reversed(ss.drawings), 1):
            try:
                geom = analysis.drawn_geometry(d)
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
    with tab_ind:
        try:
            tables = indicators.indicator_tables()
        except ZJError as exc:
            st.error(str(exc))
            tables = []
        if tables:
            tid = st.selectbox(t(lang, "indicator_table"), [tb.id for tb in tables], key=f"ind_{lang}",
                               format_func=lambda i: next(tb.title(lang) for tb in tables if tb.id == i))
            st.dataframe(indicators.indicators_frame(tid, lang), hide_index=True)
            table_obj = next(tb for tb in tables if tb.id == tid)
            st.caption(_md(table_obj.source))
            linked = sorted({i.layer_id for i in table_obj.all_indicators if i.layer_id} | ({table_obj.layer_id} - {None}))
            if linked:
                lid = st.selectbox(t(lang, "show_layer"), linked, key=f"ind_layer_{lang}",
                                   format_func=lambda i: layers.get_spec(i).title(lang))
                if st.button(t(lang, "fly_to"), key="ind_fly"):
                    ss.pending_layers = [lid]
                    ss.fly = layer_bounds(lid)
                    st.rerun()
    with tab_cat:
        st.dataframe(catalogue_table(_summary(), lang), hide_index=True)
