"""The map: its opening view, the map itself with the planner's layers, drawings and coverage
result, sized to the window (layers.ui.layout), and the drawings it sends back."""
from __future__ import annotations

import datetime
import json

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from layers.coverage.mapping import add_coverage
from layers.text import t
from layers.ui import coverage_zones, layout, styling_panel
from layers.ui.common import md
from layers.webmap import MapBuild, available_basemaps, build_map_report, drawings_to_wgs84, userlayers, viewstate
from layers.webmap.bounds import science_city_bounds
from layers.webmap.build import page_of
from layers.webmap.choropleth import add_choropleth
from layers.webmap.drawings import add_drawings, is_planner_drawing

__all__ = ["build", "opening_view", "render"]

ss = st.session_state


def build(layer_ids: tuple[str, ...], lang: str, basemap: str | None, opacity: tuple, meeting: bool,
          title: str | None, view: tuple, drawings: str, result: dict | None = None,
          labels: bool = False, subtitle: str | None = None, zones: dict | None = None) -> MapBuild:
    """The map for these inputs. It is rebuilt on every run (folium maps cannot be rendered
    twice); the layer data behind it are cached in layers.webmap, and streamlit-folium
    keeps the map in the browser as it is when the rebuilt map has the same structure.
    The layers are switched in the sidebar only: the map has no layer control of its own.
    ``subtitle`` is the title block's second line (default: today's date); ``zones`` the
    choropleth of a check by zones (:func:`layers.ui.coverage_zones.map_args`)."""
    made = build_map_report(list(layer_ids), lang, basemap=basemap, opacity=dict(opacity), meeting=meeting,
                            title=title, date=subtitle, url_sync=True, layer_control=False, labels=labels,
                            **dict(view))
    page_of(made.map).header.add_child(folium.Element(layout.map_frame_css()), name="zj_frame_css")
    coords = available_basemaps()[basemap].coords if basemap in available_basemaps() else "wgs84"
    userlayers.add_user_layers(made.map, ss.imported, coords, lang, styles=styling_panel.map_styles(lang))
    add_drawings(made.map, json.loads(drawings), lang, coords)
    if zones is not None:
        add_choropleth(made.map, lang=lang, coords=coords, **zones)
    if result is not None:
        add_coverage(made.map, result["layers"], lang, result["title"][lang], coords)
    return made


def opening_view(state: viewstate.ViewState, current: viewstate.ViewState, title: str) -> dict:
    """The map's opening view: a saved view stepped to, a fly-to, the URL's centre when what
    the map shows changed, else the last one (so a rerun caused by a drawing does not reset the map)."""
    # what the map shows; a new drawing or coverage result alone keeps the current view
    content = (state.layers, state.basemap, state.lang, state.opacity, state.meeting, title, tuple(ss.imported),
               bool(ss.get("labels")))
    if ss.goto:
        view = dict(ss.goto)
        ss.goto = None
    elif ss.fly is not None:
        view = {"fit": ss.fly}
        ss.fly = None
    elif content != ss.get("content"):
        view = {"center": current.centre, "zoom": current.zoom}
    else:
        view = ss.map_view
    ss.content, ss.map_view = content, view
    return view


def _subtitle(lang: str) -> str | None:
    """In a saved-view sequence, the title block's second line: "2/5 · view title · date"."""
    index = ss.get("seq_index")
    if index is None or not ss.get("seq_views"):
        return None
    view = ss.seq_views[index]
    return f"{index + 1}/{len(ss.seq_views)} · {view.title.get(lang)} · {datetime.date.today().isoformat()}"


def render(state: viewstate.ViewState, current: viewstate.ViewState) -> None:
    """Draw the map for ``state``; keep a drawing the planner just made."""
    lang = state.lang
    title = ss.get("meeting_title") or t(lang, "app_title")
    view = opening_view(state, current, title)
    # the coverage tab's mode picks the result drawn: one area's gaps or every zone's share
    shown = ss.get("coverage") if ss.get("coverage_show", True) and ss.get("cov_mode") != "zones" else None
    made = build(state.layers, lang, state.basemap, state.opacity, state.meeting,
                 title if state.meeting else None, tuple(sorted(view.items())), json.dumps(ss.drawings), shown,
                 labels=bool(ss.get("labels")), subtitle=_subtitle(lang) if state.meeting else None,
                 zones=coverage_zones.map_args(lang))
    if made.failed:  # one line per layer that could not be drawn; the rest of the map still shows
        st.warning("\n".join(f"- **{md(f.title(lang))}** {t(lang, 'failed')}: {md(f.message(lang))}"
                             for f in made.failed))
    if not state.layers:
        st.info(t(lang, "none"))
    # streamlit-folium asks the map for its bounds only as the default of a value this app never
    # reads (it reads drawings): give it the Science City's extent instead of a walk over every
    # vertex of every layer (60,000+ coordinates, about 0.1 s of each rerun)
    x0, y0, x1, y1 = science_city_bounds()
    setattr(made.map, "get_bounds", lambda: [[y0, x0], [y1, x1]])
    out = st_folium(made.map, key="map", use_container_width=True, returned_objects=["last_active_drawing"],
                    height=settings.UI_MAP_HEIGHT_PX)  # the page CSS sizes it to the window
    drawing = (out or {}).get("last_active_drawing")
    if drawing and is_planner_drawing(drawing):
        drawing = drawings_to_wgs84([drawing], state.basemap)[0]  # drawn on GCJ-02 tiles → WGS84
    if drawing and is_planner_drawing(drawing) and drawing not in ss.drawings:
        ss.drawings = ss.drawings + [drawing]
        if not state.meeting and ss.get("panel") is None:  # show its figures beside the map
            ss.pending_panel = "draw"
            st.rerun()
