"""The Export and print tab: layer files, the standalone HTML map and the print map."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import layers
from geo.errors import ZJError
from geo.landuse.balance import BalanceTable
from geo.landuse.codes import LEVEL_NAMES
from layers.coverage.mapping import add_coverage
from layers.io import export
import layers.printing as printmap
from layers.text import t
from layers.styling import Style
from layers.ui import state, styling_panel
from layers.ui.common import drawings_frame
from layers.webmap import standalone

__all__ = ["default_titles", "export_panel", "print_panel"]

ss = st.session_state


def default_titles() -> dict[str, Callable[[str], str]]:
    """Print title widget key → its default title in a language (followed on a language switch)."""
    return {f"print_title_{p}": printmap.PRESETS[p].title for p in printmap.PRESETS}


def _frames(picked: list[str], labels: dict[str, str]) -> dict:
    """The frames of the picked layers: catalogue layers, drawings, imported layers, coverage."""
    frames = {i: layers.load(i) for i in picked if i not in labels and ":" not in i}
    if "drawings" in picked:
        frames["my_drawings"] = drawings_frame()
    frames.update({i.split(":", 1)[1]: ss.imported[i.split(":", 1)[1]] for i in picked
                   if i.startswith("imported:")})
    if "coverage" in picked:
        frames.update({f"coverage_{k}": v for k, v in ss.coverage["layers"].items()})
    return frames


def export_panel(lang: str, selected: list[str]) -> None:
    """Layer files (catalogue layers, drawings, coverage results) and the standalone HTML map."""
    extras = ([("drawings", t(lang, "exp_drawings"))] if ss.drawings else []) + \
        ([("coverage", t(lang, "exp_coverage"))] if ss.get("coverage") else [])
    extras += [(f"imported:{n}", f"⬆ {n}") for n in ss.imported]
    options = [spec.id for spec in layers.LAYERS] + [k for k, _ in extras]
    labels = dict(extras)
    state.seed(ss, "exp_layers", [i for i in selected if i in options])  # the shown layers, at first
    picked = st.multiselect(t(lang, "exp_layers"), options, key="exp_layers",
                            format_func=lambda i: labels.get(i) or layers.get_spec(i).title(lang))
    c1, c2 = st.columns(2)
    fmt = c1.selectbox(t(lang, "exp_format"), list(export.FORMATS), key="exp_format",
                       format_func=lambda f: export.FORMATS[f].label(lang))
    crs = c2.selectbox(t(lang, "exp_crs"), list(export.CRS_CHOICES), key="exp_crs",
                       format_func=lambda c: export.CRS_CHOICES[c].label(lang))
    if crs == "gcj02":
        st.warning(t(lang, "exp_gcj_warning"))
    b1, b2 = st.columns(2)
    if b1.button(t(lang, "exp_make"), key="exp_make", disabled=not picked):
        try:
            frames = _frames(picked, labels)
            provenance = {k: export.OSM_DERIVED_PROVENANCE for k in frames if k.startswith("coverage_")}
            ss.export_file = export.export_bytes(frames, fmt, crs, provenance=provenance)
        except ZJError as exc:
            st.error(str(exc))
    if ss.get("export_file"):
        name, data = ss.export_file
        b1.download_button(f"{t(lang, 'cov_download')} {name}", data, file_name=name, key="exp_dl")
    if b2.button(t(lang, "exp_html"), key="exp_html"):
        res = ss.get("coverage")
        decorate = (lambda m: add_coverage(m, res["layers"], lang, res["title"][lang])) if res else None
        try:
            html_text = standalone.standalone_html(selected, lang, title=ss.get("meeting_title") or None,
                                                   decorate=decorate, **ss.map_view)
            ss.html_file = html_text.encode("utf-8")
        except ZJError as exc:
            st.error(str(exc))
    if ss.get("html_file"):
        b2.download_button(f"{t(lang, 'cov_download')} zhangjiang_map.html", ss.html_file,
                           file_name="zhangjiang_map.html", mime="text/html", key="html_dl")


def _print_overlays(lang: str) -> dict:
    """The planner's layers picked to draw over the print map (none to pick: no choice shown)."""
    names = list(ss.imported)
    if not names:
        return {}
    kept = [n for n in ss.get("print_overlays", []) if n in names]
    if "print_overlays" in ss and kept != ss["print_overlays"]:  # a layer removed since it was picked
        ss["print_overlays"] = kept
    picked = st.multiselect(t(lang, "print_overlays"), names, key="print_overlays", format_func=lambda n: f"⬆ {n}",
                            help=t(lang, "print_overlays_help"))
    return {n: ss.imported[n] for n in picked}


def _landuse_layers() -> list[str]:
    """The imported layers with a land-use style (what the "landuse" preset prints)."""
    return [n for n, d in (ss.get("styles") or {}).items() if n in ss.imported and d.get("kind") == "landuse"]


def _print_landuse(lang: str) -> tuple[dict, dict, BalanceTable | None]:
    """The "landuse" preset's layer (chosen among those with a land-use style), its style and its
    balance table (level chosen here)."""
    names = _landuse_layers()
    if ss.get("print_lu_layer") not in names:
        ss["print_lu_layer"] = names[0]
    state.seed(ss, "print_lu_level", 1)
    c1, c2 = st.columns([3, 2])
    name = c1.selectbox(t(lang, "print_lu_layer"), names, key="print_lu_layer", format_func=lambda n: f"⬆ {n}")
    names_of = LEVEL_NAMES[ss.styles[name].get("system") or "gb50137"]
    level = c2.radio(t(lang, "print_lu_level"), [1, 2], key="print_lu_level", horizontal=True,
                     format_func=lambda lv: names_of[lv].get(lang))
    frame = ss.imported[name]
    style = Style.from_dict(ss.styles[name], frame)
    table = styling_panel.balance_for(frame, str(style.column), style.system, level)
    return {name: frame}, {name: style}, table


def _overlay_styles(overlays: dict) -> dict:
    """The styles of the picked overlays (a style that does not fit its layer is left out)."""
    out = {}
    for name in overlays:
        try:
            out[name] = Style.from_dict((ss.get("styles") or {})[name], overlays[name])
        except (KeyError, ZJError):
            continue
    return out


def print_panel(lang: str) -> None:
    """A print button: preset, paper, format, title and the planner's layers to overlay → a PDF or PNG
    to download. The "landuse" preset (an imported layer with a land-use style and its balance table)
    is offered when a layer has a land-use style."""
    presets = [p for p in printmap.PRESETS if (p != "coverage" or ss.get("coverage"))
               and (p != "landuse" or _landuse_layers())]
    c1, c2, c3 = st.columns([3, 1, 1])
    preset = c1.selectbox(t(lang, "print_preset"), presets, key="print_preset",
                          format_func=lambda p: printmap.PRESETS[p].title(lang))
    paper = c2.selectbox(t(lang, "print_paper"), ["A3", "A4"], key="print_paper")
    fmt = c3.selectbox(t(lang, "print_format"), ["pdf", "png"], key="print_format",
                       format_func=lambda f: t(lang, f"print_format_{f}"))
    title_key = f"print_title_{preset}"
    if title_key not in ss:  # the preset's title until the planner types another
        ss[title_key] = printmap.PRESETS[preset].title(lang)
    title = st.text_input(t(lang, "print_title"), key=title_key)
    landuse: tuple[dict, dict, BalanceTable | None] = ({}, {}, None)
    if preset == "landuse":
        try:
            landuse = _print_landuse(lang)
        except ZJError as exc:
            st.error(str(exc))
    overlays = _print_overlays(lang)
    if st.button(t(lang, "print_make"), key="print_make"):
        extra = None
        if preset == "coverage":
            res = ss.coverage
            extra = {**res["layers"], "title": res["title"][lang], "attribution": res["attribution"]}
        try:
            with st.spinner(t(lang, "print_making")):
                drawn = {**landuse[0], **{k: v for k, v in overlays.items() if k not in landuse[0]}}
                fig = printmap.render(preset, lang=lang, paper=paper, title=title or None, extra=extra,
                                      overlays=drawn or None, overlay_styles={**_overlay_styles(drawn), **landuse[1]},
                                      table=landuse[2])
                data = printmap.to_bytes(fig, fmt)
                import matplotlib.pyplot as plt
                plt.close(fig)
            ss.print_file = (printmap.default_filename(preset, paper, fmt), data, fmt)
            for note in getattr(fig, "zj_print").overlays_skipped:  # a layer left out is never silent
                st.warning(note)
        except ZJError as exc:
            st.error(str(exc))
    if ss.get("print_file"):
        name, data, fmt = ss.print_file
        st.download_button(f"{t(lang, 'cov_download')} {name}", data, file_name=name,
                           mime="application/pdf" if fmt == "pdf" else "image/png", key="print_dl")
