"""The Indicators tab: the planning indicator tables, each linked to the layer it describes."""
from __future__ import annotations

import streamlit as st

import layers
from geo.errors import ZJError
from layers.catalogue import indicators
from layers.text import t
from layers.ui.common import md
from layers.webmap import layer_bounds

__all__ = ["render"]

ss = st.session_state


def render(lang: str) -> None:
    """An indicator table; show its linked layer on the map and fly to it."""
    try:
        tables = indicators.indicator_tables()
    except ZJError as exc:
        st.error(str(exc))
        tables = []
    if not tables:
        return
    tid = st.selectbox(t(lang, "indicator_table"), [tb.id for tb in tables], key="ind_table",
                       format_func=lambda i: next(tb.title(lang) for tb in tables if tb.id == i))
    st.dataframe(indicators.indicators_frame(tid, lang), hide_index=True)
    table_obj = next(tb for tb in tables if tb.id == tid)
    st.caption(md(table_obj.source))
    ids = {i.layer_id for i in table_obj.all_indicators} | {table_obj.layer_id}
    linked = sorted(i for i in ids if i)
    if linked:
        lid = st.selectbox(t(lang, "show_layer"), linked, key="ind_layer",
                           format_func=lambda i: layers.get_spec(i).title(lang))
        if lid is not None and st.button(t(lang, "fly_to"), key="ind_fly"):
            ss.pending_layers = [lid]
            ss.fly = layer_bounds(lid)
            st.rerun()
