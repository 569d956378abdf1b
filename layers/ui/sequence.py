"""Stepping through saved views: ◀ / ▶ with the current view's title, and "save this view".

A step sets the sidebar's layer switches (their widget keys, in a button callback, before
the widgets are drawn) and the map's opening view (``ss.goto``); the URL view follows.
The session's sequence starts as the prepared meeting sequence
(:data:`layers.webmap.sequence.MEETING_SEQUENCE`); "save" adds the current view at its end.
"""
from __future__ import annotations

import streamlit as st

import layers
from layers.text import t
from layers.webmap import viewstate
from layers.webmap import sequence as views
from layers.webmap.html import esc

__all__ = ["go_to", "nav", "save_current", "step"]

ss = st.session_state


def go_to(index: int) -> None:
    """Show view ``index`` of the session's sequence: its layers and its place on the map."""
    view = ss.seq_views[index]
    for layer_id, shown in views.checkbox_state(view).items():
        ss[f"layer_{layer_id}"] = shown
    ss.goto = views.opening(view) or None
    ss.seq_index = index


def step(delta: int) -> None:
    """Button callback: move ``delta`` views on (clamped at both ends)."""
    go_to(views.step(ss.get("seq_index"), delta, len(ss.seq_views)))


def save_current() -> None:
    """Button callback: the layers shown now and the map's place (as the map last wrote it into
    the URL, else its opening view) become a new view at the end of the sequence."""
    shown = [spec.id for spec in layers.LAYERS if ss.get(f"layer_{spec.id}")]
    where = viewstate.from_query(st.query_params.to_dict())
    opened = ss.get("map_view") or {}
    number = sum(1 for v in ss.seq_views if v.id.startswith("saved_")) + 1
    if where.centre is not None:
        view = views.saved_view(number, shown, where.centre, where.zoom)
    elif "center" in opened:
        view = views.saved_view(number, shown, opened["center"], opened.get("zoom"))
    else:
        view = views.saved_view(number, shown, None, None, bounds=opened.get("fit"))
    ss.seq_views = ss.seq_views + [view]
    ss.seq_index = len(ss.seq_views) - 1


def nav(lang: str, full: bool) -> None:
    """◀, the current view, ▶; ``full`` (the header): the view's title and "save this view",
    else (meeting mode's narrow bar) its number, the titles in the buttons' tooltips."""
    n = len(ss.seq_views)
    index = ss.get("seq_index")
    before = views.step(index, -1, n)
    after = views.step(index, 1, n)
    st.button("◀", key="seq_prev", on_click=step, args=(-1,), disabled=index == 0,
              help=f"{t(lang, 'seq_prev')}: {ss.seq_views[before].title.get(lang)}")
    if index is None:
        label = f"{t(lang, 'seq_start')} ({n})" if full else f"·/{n}"
    else:
        label = f"{index + 1}/{n}" + (f" · {ss.seq_views[index].title.get(lang)}" if full else "")
    st.html(f'<div class="zj-seqtitle">{esc(label)}</div>', width="content")
    st.button("▶", key="seq_next", on_click=step, args=(1,), disabled=index == n - 1,
              help=f"{t(lang, 'seq_next')}: {ss.seq_views[after].title.get(lang)}")
    if full:
        st.button("＋", key="seq_save", help=t(lang, "seq_save"), on_click=save_current)
