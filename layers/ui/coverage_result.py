"""The coverage tab's result: the figures against the target, a scenario, tables, downloads."""
from __future__ import annotations

import json

import streamlit as st

from layers import coverage as cov
from layers.coverage import report as coverage_report
from layers.text import t
from layers.ui.common import md

__all__ = ["render"]

ss = st.session_state


def _pct(share: float | None) -> str:
    return f"{100 * share:.1f}%" if share is not None else "-"


def _metrics(lang: str, res: dict) -> None:
    """The headline figures; the scenario's before and after."""
    f = res["figures"]
    cols = st.columns(4)
    cols[0].metric(t(lang, "cov_share"), _pct(f["share"]),
                   None if f["target"] is None else f"{t(lang, 'cov_target')} {100 * f['target']:.0f}%",
                   delta_color="off", delta_arrow="off")
    if f["meets_target"] is not None:
        (cols[0].success if f["meets_target"] else cols[0].error)(t(lang, "cov_met" if f["meets_target"] else "cov_not_met"))
    cols[1].metric(t(lang, "cov_buffer"), _pct(f["share_buffer"]))
    if f["weight"] == "area":
        cols[2].metric(t(lang, "cov_covered"), f"{f['covered_km2']:.3f} km²",
                       f"/ {f['total_km2']:.3f} km²", delta_color="off", delta_arrow="off")
    cols[3].metric(t(lang, "cov_time"), f"{f['elapsed_s']:.2f} s")
    if res["scenario"]:
        s = res["scenario"]
        c = st.columns(3)
        c[0].metric(t(lang, "cov_before"), f"{100 * s['before']:.1f}%")
        c[1].metric(t(lang, "cov_after"), f"{100 * s['after']:.1f}%", f"{100 * (s['after'] - s['before']):+.1f}%")
        c[2].metric(t(lang, "cov_new_km2"), f"{s['new_km2']:.3f} km²")


def _downloads(lang: str, res: dict) -> None:
    """The result as GeoPackage, the gaps as GeoJSON, the figures as JSON; clearing it."""
    f = res["figures"]
    d1, d2, d3, d4 = st.columns(4)
    d1.download_button(f"{t(lang, 'cov_download')} GeoPackage", cov.export_bytes(res["layers"], "gpkg"),
                       file_name=f"coverage_{f['check']}.gpkg", key="cov_dl_gpkg")
    d2.download_button(f"{t(lang, 'cov_download')} GeoJSON", cov.export_bytes(res["layers"], "geojson"),
                       file_name=f"gaps_{f['check']}.geojson", key="cov_dl_geojson")
    d3.download_button(f"{t(lang, 'cov_download')} JSON", json.dumps(f, ensure_ascii=False, indent=1),
                       file_name=f"coverage_{f['check']}.json", key="cov_dl_json")
    if d4.button(t(lang, "cov_clear"), key="cov_clear"):
        ss.pop("coverage", None)
        st.rerun()


def render(lang: str) -> None:
    """The last coverage result, if any."""
    res = ss.get("coverage")
    if res is None:
        return
    f = res["figures"]
    _metrics(lang, res)
    st.dataframe(res["table"][lang], hide_index=True)
    if res["zones"] is not None:
        st.markdown(f"**{t(lang, 'cov_by_zone')}**")
        st.dataframe(res["zones"], hide_index=True)
    if f["notes"]:
        st.caption(f"{t(lang, 'cov_notes')}: " + "; ".join(md(n) for n in f["notes"]))
    with st.expander(t(lang, "cov_inputs")):
        st.dataframe(coverage_report.table(coverage_report.inputs_rows(f.get("inputs") or {}, lang), lang),
                     hide_index=True)
    st.caption(md(res["attribution"]))
    st.toggle(t(lang, "cov_show"), value=True, key="coverage_show")
    _downloads(lang, res)
