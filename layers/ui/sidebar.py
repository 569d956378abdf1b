"""The sidebar: language, search, catalogue layers (the one place to switch them: the map has
no layer control) and map labels, the import panel, opacity and zoom, basemap and meeting mode."""
from __future__ import annotations

import streamlit as st

import layers
from geo.bilingual import Bilingual
from geo.errors import ZJError
from layers.analysis import names
from layers.catalogue import search
from layers.text import LANG_CHOICES, t, text
from layers.ui import import_panel, state
from layers.ui.common import md
from layers.webmap import available_basemaps, layer_bounds

__all__ = ["render"]

ss = st.session_state


def _search(lang: str) -> None:
    """Search the catalogue and the planner's layers; fly to a hit."""
    query = st.text_input(t(lang, "search"), placeholder=t(lang, "search_hint"), key="search_q")
    if not query.strip():
        return
    hits = search.search(query)
    own_hits = names.search_user(query, ss.imported)
    if hits:
        pick = st.selectbox(t(lang, "search_results"), range(len(hits)),
                            format_func=lambda i: hits[i].label(lang), key="search_pick")
        if st.button(t(lang, "fly_to"), key="fly_btn"):
            hit = hits[pick]
            ss[f"layer_{hit.layer_id}"] = True
            ss.fly = hit.bounds
    if own_hits:
        own_pick = st.selectbox(t(lang, "imp_search"), range(len(own_hits)), key="own_pick",
                                format_func=lambda i: f"{own_hits[i][1]} · {own_hits[i][0]}")
        if st.button(t(lang, "fly_to"), key="own_fly_btn"):
            ss.fly = own_hits[own_pick][2]
    if not hits and not own_hits:
        st.caption(t(lang, "no_match"))


def _layer_settings(lang: str, selected: list[str]) -> None:
    """Opacity of each shown layer; zoom to one of them."""
    with st.expander(t(lang, "layer_settings")):
        for layer_id in selected:  # kept outside widget state: a hidden slider forgets its value
            ss.opacity_values[layer_id] = st.slider(
                f"{t(lang, 'opacity')}: {layers.get_spec(layer_id).title(lang)}", 0.0, 1.0,
                value=float(ss.opacity_values.get(layer_id, 1.0)), step=0.1, key=f"op_{layer_id}")
        if selected:
            target = st.selectbox(t(lang, "zoom_to"), selected, key="zoom_pick",
                                  format_func=lambda i: layers.get_spec(i).title(lang))
            if st.button(t(lang, "zoom_button"), key="zoom_btn"):
                try:
                    ss.fly = layer_bounds(target)
                except ZJError as exc:
                    st.error(str(exc))


def _basemap(lang: str, basemap_ids: tuple[str, ...]) -> None:
    """The basemap picker: ids as values, names in the language."""
    options = list(basemap_ids) + ["none"]  # a string: Streamlit shows None as "no choice"
    if ss.basemap_value not in options:
        ss.basemap_value = "carto"
    state.seed(ss, "basemap", ss.basemap_value)
    ss.basemap_value = st.selectbox(
        t(lang, "basemap"), options, key="basemap",
        format_func=lambda b: t(lang, "no_basemap") if b == "none" else available_basemaps()[b].title(lang))
    st.caption(t(lang, "offline"))


def render(lang: str, basemap_ids: tuple[str, ...]) -> list[str]:
    """Draw the sidebar in ``lang``; the ids of the catalogue layers switched on."""
    with st.sidebar:
        st.radio(text("language").both(), list(LANG_CHOICES), horizontal=True, key="lang_choice")
        _search(lang)
        st.header(t(lang, "layers"))
        for group, titles in layers.GROUPS.items():
            specs = [s for s in layers.LAYERS if s.group == group]
            if specs:
                st.subheader(Bilingual(*titles).get(lang))
                for spec in specs:
                    st.checkbox(spec.title(lang), key=f"layer_{spec.id}")
        selected = [s.id for s in layers.LAYERS if ss[f"layer_{s.id}"]]
        st.checkbox(t(lang, "labels"), key="labels")
        import_panel.render(lang)
        _layer_settings(lang, selected)
        _basemap(lang, basemap_ids)
        st.toggle(t(lang, "meeting"), key="meeting")
        st.text_input(t(lang, "meeting_title"), key="meeting_title")
        st.caption(t(lang, "share"))
        if ss.view0.ignored:
            st.caption(f"{t(lang, 'ignored')}: {md(', '.join(ss.view0.ignored))}")
    return selected
