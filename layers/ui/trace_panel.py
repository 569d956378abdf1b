"""The "Trace boundary" panel (issue 13): a boundary traced along the named roads and rivers of
an OSM extract from a catalogue description or a pasted 四至 text, its figures, and its use in
the session as one of the planner's own layers (map, My layers, coverage area, export)."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import streamlit as st

from geo import settings
from geo.errors import ZJError
from geo.trace import TraceResult
from geo.tracedesc import BoundaryDescription, parse_sizhi, with_follow
from layers.text import t
from layers.text.trace import EDGE_HEADERS, FOLLOW_LABELS
from layers.tracing.descriptions import catalogue_descriptions, description
from layers.tracing.layer import boundary_frame, layer_name
from layers.tracing.report import edge_table, trace_report
from layers.ui import state
from layers.ui.common import guarded, md
from layers.webmap import bounds

__all__ = ["render"]

ss = st.session_state

#: "As the description says": each edge of a catalogue description keeps its own follow mode.
DESCRIBED = "described"
#: OSM sources offered (as in the coverage panel): id → the name geo.osm.resolve_osm knows.
SOURCES = {"test": "helsinki", "shanghai": "shanghai", "path": ""}


def _catalogue() -> dict[str, BoundaryDescription | str]:
    """Id → description of every catalogue description file, or the reason it cannot be read."""
    out: dict[str, BoundaryDescription | str] = {}
    try:
        files = catalogue_descriptions()
    except OSError:
        return out
    for name in files:
        try:
            out[name] = description(name)
        except ZJError as exc:
            out[name] = str(exc)
        except Exception as exc:  # a file being written may hold anything; the panel stays up
            out[name] = f"{type(exc).__name__}: {exc}"
    return out


def _edges_read(desc: BoundaryDescription, lang: str) -> list[dict]:
    """The edges of a description as a small table: side, road, route numbers, kind."""
    return [{EDGE_HEADERS["side"].get(lang): e.side_label(lang), EDGE_HEADERS["road"].get(lang): " / ".join(e.names),
             t(lang, "tr_col_ref"): " / ".join(e.refs), t(lang, "tr_col_kind"): t(lang, f"tr_kind_{e.kind}"),
             EDGE_HEADERS["follow"].get(lang): FOLLOW_LABELS[e.follow].get(lang)} for e in desc.edges]


def _from_catalogue(lang: str, found: dict[str, BoundaryDescription | str]) -> BoundaryDescription | None:
    """The catalogue description chosen, shown with its published 四至 (None: none to trace)."""
    if not found:
        st.info(t(lang, "tr_no_catalogue"))
        return None
    if ss.get("tr_desc") not in found:
        ss.pop("tr_desc", None)

    def label(name: str) -> str:
        d = found[name]
        return d.name(lang) if isinstance(d, BoundaryDescription) else f"{name} {t(lang, 'tr_desc_broken')}"

    pick = st.selectbox(t(lang, "tr_desc"), list(found), key="tr_desc", format_func=label)
    desc = found[str(pick)]
    if not isinstance(desc, BoundaryDescription):
        st.error(md(desc))
        return None
    lines = [f"**{t(lang, 'tr_published_text')}**: {md(desc.text or '—')}"]
    if desc.published_area_km2:
        lines.append(t(lang, "tr_published").format(km2=desc.published_area_km2))
    if desc.source:
        lines.append(f"{t(lang, 'tr_source')}: {md(desc.source)}")
    st.caption("  \n".join(lines))
    return desc


def _from_text(lang: str) -> BoundaryDescription | None:
    """The pasted 四至 text read into a description (None: nothing to trace yet)."""
    text = st.text_area(t(lang, "tr_text"), key="tr_text", height=90, help=t(lang, "tr_text_help"),
                        placeholder="北至…，东至…，南至…，西至…", max_chars=4000)
    name = st.text_input(t(lang, "tr_name"), key="tr_name", help=t(lang, "tr_name_help"),
                         max_chars=80).strip()
    if not text.strip():
        return None
    names = {"name_zh": name, "name_en": name} if name else {}
    try:
        return parse_sizhi(text, **names)
    except ZJError as exc:
        st.warning(md(str(exc)))
        return None


def _inputs(lang: str) -> tuple[BoundaryDescription | None, str, str | None]:
    """What to trace (with the follow mode applied), and the OSM source and path."""
    found = _catalogue()
    state.seed(ss, "tr_what", "catalogue" if found else "pasted")
    what = st.radio(t(lang, "tr_what"), ["catalogue", "pasted"], key="tr_what", horizontal=True,
                    format_func=lambda w: t(lang, f"tr_what_{w}"))
    desc = _from_catalogue(lang, found) if what == "catalogue" else _from_text(lang)
    modes = ([DESCRIBED] if what == "catalogue" else []) + list(settings.TRACE_FOLLOW_MODES)
    if ss.get("tr_follow") not in modes:
        ss["tr_follow"] = modes[0]
    follow = st.radio(t(lang, "tr_follow"), modes, key="tr_follow", horizontal=True, help=t(lang, "tr_follow_help"),
                      format_func=lambda m: t(lang, "tr_follow_described") if m == DESCRIBED
                      else FOLLOW_LABELS[m].get(lang))
    if desc is not None:
        if follow != DESCRIBED:
            desc = with_follow(desc, follow)
        st.markdown(f"**{t(lang, 'tr_read')}**")
        st.dataframe(_edges_read(desc, lang), hide_index=True)
        unread = desc.meta.get("unread") or []
        if unread:
            st.caption(t(lang, "tr_unread").format(clauses=" · ".join(md(c) for c in unread)))
    src = st.radio(t(lang, "cov_source"), list(SOURCES), key="tr_src",
                   format_func=lambda k: t(lang, f"cov_src_{k}"))
    path = st.text_input(t(lang, "cov_path"), key="tr_path") if src == "path" else None
    if src == "test" and what == "catalogue":
        st.caption(t(lang, "tr_test_hint"))
    return desc, src, path


def render(lang: str) -> None:
    """Choose a description, trace it, see how it went, and use it in the session."""
    st.caption(t(lang, "tr_intro"))
    kept = ss.get("trace_result")
    n = kept["n"] if kept else 0
    # the inputs fold away after each trace (a new expander), so the result shows without scrolling
    with st.expander(t(lang, "tr_inputs"), expanded=kept is None, key=f"tr_inputs_{n}"):
        desc, src, path = _inputs(lang)
        go = st.button(t(lang, "tr_go"), type="primary", key="tr_go", disabled=desc is None)
        if go and desc is not None and guarded(_trace, lang, desc, src, path, n + 1, failed=t(lang, "tr_failed"),
                                                what="boundary tracing"):
            st.rerun()
    _result(lang)


def _trace(lang: str, desc: BoundaryDescription, src: str, path: str | None, n: int) -> None:
    from geo.osm import resolve_osm
    from geo.trace import trace_boundary
    with st.spinner(t(lang, "tr_running")):
        bar = st.progress(0.0) if src == "shanghai" else None
        progress = (lambda done, total: bar.progress(min(1.0, done / total)) if total else None) if bar else False
        osm = resolve_osm(SOURCES[src] or (path or ""), progress=progress)
        result = trace_boundary(desc, osm)
        report = trace_report(result)
    ss.trace_result = {"result": result, "report": report, "n": n}
    ss.trace_message = None


def _metrics(lang: str, result: TraceResult, report: dict) -> None:
    """Area, published area and, when the description names one, the hand-digitised comparison."""
    ref = report.get("reference")
    figures: list[tuple[str, str, str | None]] = [(t(lang, "tr_m_area"), f"{result.area_km2:,.3g} km²", None)]
    if report.get("published_km2"):
        figures.append((t(lang, "tr_m_published"), f"{report['published_km2']:g} km²", None))
    if ref:
        why = t(lang, "tr_reference_help")
        figures += [(t(lang, "tr_m_reference"), f"{ref['reference_km2']:,.2f} km²", why),
                    (t(lang, "tr_m_diff"), f"{ref['difference_pct']:+.1f}%", why),
                    (t(lang, "tr_m_iou"), f"{ref['iou']:.3f}", why)]
    with st.container(horizontal=True, wrap=True, gap="medium"):
        for label, value, note in figures:
            st.metric(label, value, help=note, width="content")


def _result(lang: str) -> None:
    """The last traced boundary: figures, edges, gaps, notes, and "use in this session"."""
    kept = ss.get("trace_result")
    if not kept:
        return
    result, report = kept["result"], kept["report"]
    st.divider()
    st.markdown("**" + md(t(lang, "tr_traced").format(name=result.description.name(lang), edges=len(result.edges),
                                                       osm=Path(result.osm_source).name)) + "**")
    _metrics(lang, result, report)
    if st.button(t(lang, "tr_use"), key="tr_use", help=t(lang, "tr_use_help"), icon=":material/add_location_alt:"):
        _use(lang, result)
        st.rerun()
    message = ss.get("trace_message")
    if message:
        st.success(message)
        ss.trace_message = None
    st.markdown(f"**{t(lang, 'tr_edges')}**")
    st.dataframe(edge_table(report, lang), hide_index=True)
    st.markdown(f"**{t(lang, 'tr_gaps')}**")
    if result.gaps:
        st.markdown("\n".join("- " + md(t(lang, "tr_gap").format(
            edge=g["edge"], lon=f"{g['lon']:.5f}", lat=f"{g['lat']:.5f}", length_m=g["length_m"]))
            for g in result.gaps))
    else:
        st.caption(t(lang, "tr_no_gaps"))
    if result.notes:
        st.markdown(f"**{t(lang, 'tr_notes')}**")
        st.markdown("\n".join(f"- {md(zh if lang == 'zh' else en)}" for zh, en in result.notes))
    st.caption(t(lang, "tr_method").format(edges=len(result.edges), ways=sum(e.osm_ways for e in result.edges),
                                           gaps=len(result.gaps), date=result.traced_on))


def _is_traced(frame: gpd.GeoDataFrame) -> bool:
    """Whether an imported layer is a traced boundary (it may be replaced by a new trace)."""
    return "method" in frame.columns and len(frame) > 0 and str(frame["method"].iloc[0]).startswith("traced along")


def _use(lang: str, result: TraceResult) -> None:
    """Put the traced boundary into the planner's layers (a traced layer of the same name is
    replaced; any other layer of that name is kept and the new one renamed) and fly to it."""
    frame = boundary_frame(result)
    base = name = layer_name(result, lang)
    n = 1
    while name in ss.imported and not _is_traced(ss.imported[name]):
        n += 1
        name = f"{base} ({n})"
    replaced = name in ss.imported
    ss.imported = {**ss.imported, name: frame}
    ss.fly = bounds.bounds_of([frame])
    ss.trace_message = t(lang, "tr_used").format(name=md(name)) + (
        " " + t(lang, "tr_replaced") if replaced else "")
