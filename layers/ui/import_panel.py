"""The sidebar's import panel: upload a planner's file, choose its layer or CRS when asked,
list and remove the imported layers; the project panel sits at its foot."""
from __future__ import annotations

from typing import Any

import streamlit as st

from geo import settings
from layers.analysis import overlay
from layers.io import uploads
from layers.text import t
from layers.ui import project_panel
from layers.ui.common import md
from layers.webmap import bounds, userlayers

__all__ = ["render"]

ss = st.session_state


def _save_upload(up: Any) -> str:
    """Write an upload into a private temporary folder of its own; the path."""
    return str(uploads.save_upload(up.name, up.getvalue()))


def _drop_upload() -> None:
    uploads.drop_upload(ss.get("imp_file"))
    ss.imp_file = None
    ss.imp_pending = None


def _import(lang: str, **kw: Any) -> None:
    """Import the saved upload; keep it pending when a layer or CRS must be chosen."""
    res = uploads.import_upload(ss.imp_file, existing=ss.imported, **kw)
    if res.status == "ok":
        ss.imported = {**ss.imported, **res.frames}
        info = res.info
        ss.imp_message = (f"{t(lang, 'imp_done')}: " + ", ".join(md(n) for n in res.frames)
                          + f" · {info['features']} · {md(info['crs_used'])}"
                          + "".join(f"\n- {md(line)}" for line in info["fixes"] + info["warnings"]))
        ss.fly = bounds.bounds_of(res.frames.values())  # show the planner what came in
        ss.imp_nonce = ss.get("imp_nonce", 0) + 1  # a fresh, empty uploader
        _drop_upload()
        st.rerun()
    ss.imp_message = None
    if res.status == "error" and not res.candidates:
        _drop_upload()
    else:  # a layer or CRS to choose: keep the file until the planner does
        ss.imp_pending = {"status": res.status, "message": res.message, "candidates": res.candidates,
                          "layers": res.layers, "kw": kw}
    if res.status == "error":
        ss.imp_error = res.message
    st.rerun()


def _pending(lang: str) -> None:
    """The error of the last import, or the choice it waits for (layer, CRS)."""
    if ss.get("imp_error"):
        st.error(ss.imp_error)
        ss.imp_error = None
    pend = ss.get("imp_pending")
    if not pend:
        return
    kw = dict(pend["kw"])
    if pend["status"] == "layer":
        st.info(pend["message"])
        layer = st.selectbox(t(lang, "imp_layer"), pend["layers"], key="imp_layer")
        if st.button(t(lang, "imp_go_layer"), key="imp_go_layer"):
            _import(lang, **{**kw, "layer": layer})
        return
    if pend["status"] == "confirm":
        st.warning(t(lang, "imp_confirm") + "\n\n" + md(pend["message"]))
    cands = pend["candidates"]
    pick = st.radio(t(lang, "imp_candidates"), range(len(cands)), key="imp_cand",
                    format_func=lambda i: cands[i].label)
    b1, b2 = st.columns(2)
    if b1.button(t(lang, "imp_use"), key="imp_use", type="primary"):
        c = cands[pick]
        _import(lang, **{**kw, "choice": c.crs, "swap": c.swap != kw.get("swap", False)})
    if b2.button(t(lang, "imp_cancel"), key="imp_cancel"):
        _drop_upload()
        st.rerun()


def _imported_list(lang: str) -> None:
    """One line per imported layer (features, area, length) with a remove button."""
    for name in list(ss.imported):
        m = overlay.measure_layer(ss.imported[name])
        c1, c2 = st.columns([3, 2], vertical_alignment="center")
        shown = userlayers.shown_count(ss.imported[name])
        c1.caption(f"⬆ {md(name)}: {m['features']} · {m['area_km2']:.3f} km² · {m['length_km']:.2f} km"
                   + (f" · {t(lang, 'imp_shown')} {shown:,}" if shown < m["features"] else ""))
        if c2.button(t(lang, "imp_remove_btn"), key=f"imp_rm_{name}", help=t(lang, "imp_remove")):
            ss.imported = {k: v for k, v in ss.imported.items() if k != name}
            ss.imp_message = None
            st.rerun()


def render(lang: str) -> None:
    """Import a planner's file (choosing layer and CRS when needed); open and save projects."""
    with st.expander(t(lang, "imp_title"), expanded=bool(ss.imported or ss.get("imp_pending"))):
        # a form: "Import" cannot be pressed while the file is still uploading
        with st.form(f"imp_form_{ss.get('imp_nonce', 0)}", border=False):
            up = st.file_uploader(t(lang, "imp_file"), key=f"imp_up_{ss.get('imp_nonce', 0)}",
                                  type=list(settings.UI_IMPORT_SUFFIXES))
            choice = st.selectbox(t(lang, "imp_crs"), list(uploads.CRS_CHOICES), key="imp_crs",
                                  format_func=lambda c: uploads.crs_choice_label(c, lang))
            swap = st.checkbox(t(lang, "imp_swap"), key="imp_swap")
            split = st.checkbox(t(lang, "imp_split"), key="imp_split")
            go = st.form_submit_button(t(lang, "imp_go"), key="imp_go", type="primary")
        if go and up is None:
            st.warning(t(lang, "imp_nofile"))
        elif go:
            ss.imp_pending = None
            ss.imp_file = _save_upload(up)
            _import(lang, choice=choice, swap=swap, split_mixed=split)
        _pending(lang)
        if ss.get("imp_message"):
            st.success(ss.imp_message)
        _imported_list(lang)
        st.divider()
        project_panel.render(lang)
