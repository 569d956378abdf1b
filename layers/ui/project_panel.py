"""The project panel: save the planner's work as a project file; open one."""
from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import streamlit as st

import layers
from geo.errors import ZJError
from layers import coverage as cov
from layers.io import project, uploads
from layers.text import t
from layers.ui import coverage_zones
from layers.webmap import bounds, sequence

__all__ = ["render"]

ss = st.session_state


def _project(lang: str) -> project.Project:
    """The session's work as a project: imported layers, drawings, coverage settings and
    figures (a check by zones: its result, to show again without a run), view."""
    zones_result, frames = coverage_zones.record() or (None, {})
    return project.Project(
        name=t(lang, "app_title"), layers=dict(ss.imported), drawings=list(ss.drawings),
        coverage={"settings": cov.settings_from_state(ss, lang),
                  "figures": (ss.get("coverage") or {}).get("figures"), "zones_result": zones_result},
        frames=frames,
        styles={n: d for n, d in (ss.get("styles") or {}).items() if n in ss.imported},
        view={"layers": [s.id for s in layers.LAYERS if ss.get(f"layer_{s.id}")],
              "basemap": ss.basemap_value, "lang": lang,
              "saved_views": [sequence.to_record(v) for v in _own_views()]})


def _own_views() -> list[sequence.SavedView]:
    """The views the planner saved with ＋ (the prepared sequence is the app's, not saved)."""
    return [v for v in ss.get("seq_views") or [] if v.id.startswith("saved_")]


def _open(lang: str, data: bytes, name: str) -> None:
    """Open a project file: its layers and drawings join the current work (nothing is replaced)."""
    try:
        loaded = project.from_bytes(data, name)
    except ZJError as exc:
        st.error(str(exc))
        return
    renamed: dict[str, gpd.GeoDataFrame] = {}
    new_names: dict[str, str] = {}
    for layer_name, frame in loaded.layers.items():  # nothing the planner has is replaced
        new_names[layer_name] = uploads.unique_name(layer_name, list(ss.imported) + list(renamed))
        renamed[new_names[layer_name]] = frame
    ss.imported = {**ss.imported, **renamed}
    ss.styles = {**(ss.get("styles") or {}),  # a renamed layer keeps its style under its new name
                 **{new_names[n]: d for n, d in loaded.styles.items() if n in new_names}}
    ss.drawings = list(ss.drawings) + [d for d in loaded.drawings if d not in ss.drawings]
    ss.pending_layers = [i for i in (loaded.view or {}).get("layers", []) if i in layers.layer_ids()]
    records = (loaded.view or {}).get("saved_views")
    opened_views = [v for v in map(sequence.from_record, records if isinstance(records, list) else []) if v]
    have = {(v.title, v.layers, v.bounds, v.centre, v.zoom) for v in ss.seq_views}
    number = len(_own_views())
    for v in opened_views:  # appended after the session's own views; duplicates skipped
        if (v.title, v.layers, v.bounds, v.centre, v.zoom) not in have:
            number += 1
            ss.seq_views = ss.seq_views + [replace(v, id=f"saved_{number}")]
    saved = cov.renamed_settings((loaded.coverage or {}).get("settings", {}), new_names)
    ss.pending_coverage = cov.state_from_settings(saved, lang, ss.imported)
    zones_note = coverage_zones.restore((loaded.coverage or {}).get("zones_result"), loaded.frames, new_names,
                                        file_name=name)
    ss.prj_nonce = ss.get("prj_nonce", 0) + 1
    ss.imp_message = t(lang, "prj_opened").format(layers=len(renamed), drawings=len(loaded.drawings)) + \
        (t(lang, "prj_opened_views").format(views=len(opened_views)) if opened_views else "") + \
        "".join(f"\n- {note.get(lang)}" for note in [*loaded.notes, *([zones_note] if zones_note else [])])
    if renamed:
        ss.fly = bounds.bounds_of(renamed.values())
    st.rerun()


def render(lang: str) -> None:
    """Save the planner's work as a project file; open one (its layers join the current work)."""
    prj = _project(lang)
    # written only when the planner clicks (a deferred download): no cost on other reruns
    st.download_button(t(lang, "prj_save"), lambda: project.to_bytes(prj), file_name="zhangjiang_project.gpkg",
                       mime="application/geopackage+sqlite3", key="prj_save", on_click="ignore",
                       disabled=not (ss.imported or ss.drawings or ss.get("coverage") or _own_views()))
    with st.form(f"prj_form_{ss.get('prj_nonce', 0)}", border=False):
        opened = st.file_uploader(t(lang, "prj_open"), type=["gpkg"], key=f"prj_open_{ss.get('prj_nonce', 0)}")
        go = st.form_submit_button(t(lang, "prj_open_go"), key="prj_open_go")
    if go and opened is None:
        st.warning(t(lang, "imp_nofile"))
    elif go and opened is not None:
        _open(lang, opened.getvalue(), opened.name)
