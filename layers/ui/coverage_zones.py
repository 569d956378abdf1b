"""The coverage tab's "all zones" mode: the zones (Shanghai's districts or the planner's towns),
running the check for every zone at once with its progress, the zone table (sortable), its
downloads (CSV, one GeoPackage) and the choropleth on the map (:func:`map_args`)."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import osmtags
from geo.citywide.batch import STAGE_SHARES, progress_share, time_left
from geo.bilingual import Bilingual
from geo.errors import CoverageError, ZJError
from layers import coverage as cov
from layers.coverage import report as coverage_report
from layers.text import t, text
from layers.ui import state
from layers.ui.common import guarded, md

__all__ = ["DISTRICTS", "choose", "csv_bytes", "map_args", "record", "render", "render_result", "restore", "table"]

ss = st.session_state

#: The zones choice of Shanghai's 16 districts (the others are "mine:<imported layer>").
DISTRICTS = cov.DISTRICTS
#: Names of a name column, most likely first (a towns layer: 街镇名称, name, …).
_NAME_HINTS = ("name", "名称", "街镇", "街道", "乡镇", "town", "jdmc", "xzqmc", "mc")
_POLYGONS = ["Polygon", "MultiPolygon"]


def _guess_name_column(frame: gpd.GeoDataFrame, columns: list) -> Any:
    for hint in _NAME_HINTS:
        for c in columns:
            if hint in str(c).lower():
                return c
    texts = [c for c in columns if frame[c].dtype == object]
    return (texts or columns)[0]


def choose(lang: str, col: Any) -> tuple[str, Any]:
    """The zones (districts or an imported layer) and their name column, in column ``col``."""
    mine = {f"mine:{name}": f"⬆ {name}" for name in ss.imported}
    options = [DISTRICTS, *mine]
    if ss.get("covz_zones") not in options:
        ss.pop("covz_zones", None)  # an imported layer since removed
    choice = col.selectbox(t(lang, "covz_zones"), options, key="covz_zones", help=t(lang, "covz_help"),
                           format_func=lambda c: mine.get(c) or t(lang, "covz_districts"))
    column: Any = "name"
    if choice.startswith("mine:"):
        frame = ss.imported[choice[5:]]
        columns = [c for c in frame.columns if c != frame.geometry.name]
        if columns:
            if ss.get("covz_col") not in columns:
                ss.pop("covz_col", None)
                state.seed(ss, "covz_col", _guess_name_column(frame, columns))
            column = col.selectbox(t(lang, "cov_towns_col"), columns, key="covz_col")
    return choice, column


def _zones(choice: str, column: Any) -> tuple[gpd.GeoDataFrame, Any, str | None]:
    """The zones frame, its name column and its English name column (districts only)."""
    if choice == DISTRICTS:
        return cov.district_zones(), "name", "name_en"
    name = choice[5:]
    frame = ss.imported[name]
    polygons = frame[frame.geom_type.isin(_POLYGONS)].reset_index(drop=True)
    if polygons.empty:
        msg = text("covz_no_polygons").format(name=name)
        raise CoverageError(msg.en, msg.zh)
    return polygons, column, None


class _Progress:
    """The run's progress: a bar and a line (stage, percent of the whole run, time left)."""

    def __init__(self, lang: str) -> None:
        self.lang, self.start, self.last, self.downloading = lang, time.monotonic(), 0.0, False
        self.bar, self.line = st.progress(0.0), st.empty()

    def _show(self, stage: str, share: float, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < 0.25:
            return
        self.last = now
        share = min(max(share, 0.0), 1.0)
        elapsed = now - self.start
        line = t(self.lang, "covz_progress_start")
        eta = ""
        left = time_left(elapsed, share) if elapsed >= 0.5 else None
        if left is not None:
            eta = f"{left:.0f} s" if left < 90 else f"{left / 60:.0f} min"
            line = t(self.lang, "covz_progress")
        self.bar.progress(share)
        self.line.caption(line.format(stage=t(self.lang, f"covz_stage_{stage}"), pct=100 * share, eta=eta))

    def download(self, done: float, total: float) -> None:
        """resolve_osm's download progress (bytes written of total)."""
        self.downloading = True
        self._show("download", done / total if total else 0.0)

    def __call__(self, stage: str, done: float, total: float) -> None:
        if self.downloading:  # the check's own time starts after the download
            self.start, self.downloading = time.monotonic(), False
        self._show(stage if stage in STAGE_SHARES else "read", progress_share(stage, done, total),
                   force=total > 0 and done >= total)

    def close(self) -> None:
        self.bar.empty()
        self.line.empty()


def _gpkg_bytes(res: Any) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        return Path(res.to_gpkg(Path(tmp) / "zones.gpkg")).read_bytes()


def _run(lang: str, src: str, path: str | None, check: str, demand: str, params: dict, own: dict,
         parcels: dict | None, choice: str, column: Any) -> None:
    from geo.osm import resolve_osm
    zones, zone_column, en_column = _zones(choice, column)
    shown = _Progress(lang)
    try:
        osm = resolve_osm({"test": "helsinki", "shanghai": "shanghai"}.get(src, path or ""),
                          progress=shown.download if src == "shanghai" else False)
        res = cov.run_zones(osm, None, check, params, zones=zones, zone_column=zone_column, demand_kind=demand,
                            own=own, parcels=parcels, progress=shown)
    finally:
        shown.close()
    _store(res, choice, en_column)


def _store(res: Any, choice: str, en_column: str | None, from_project: str | None = None) -> None:
    """Show ``res`` (run now, or from the project file named ``from_project``) as the tab's
    result; fly the map to its zones."""
    n = ss.get("coverage_zones_n", 0) + 1
    ss.coverage_zones_n = n
    label = {lg: t(lg, "covz_districts") if choice == DISTRICTS else f"⬆ {choice[5:]}" for lg in ("zh", "en")}
    ss.coverage_zones = {
        "id": n, "result": res, "choice": choice, "en_column": en_column, "zones_label": label,
        "from_project": from_project,
        "gpkg": _gpkg_bytes(res),
        "title": {lg: f"{t(lg, 'covz_title')} · {cov.label(cov.CHECK_LABELS, res.check, lg)}" for lg in ("zh", "en")}}
    x0, y0, x1, y1 = (float(v) for v in res.zones.total_bounds)
    ss.fly = (x0, y0, x1, y1)


def record() -> tuple[dict, dict[str, gpd.GeoDataFrame]] | None:
    """The tab's last result as a project keeps it (JSON, frames), or None."""
    res = ss.get("coverage_zones")
    if res is None:
        return None
    meta, frames = cov.zone_record(res["result"])
    return {**meta, "choice": res["choice"], "en_column": res["en_column"]}, frames


def restore(meta: Any, frames: dict[str, gpd.GeoDataFrame], new_names: dict[str, str],
            file_name: str = "") -> Bilingual | None:
    """Show a project's kept result (:func:`record`), its zones layer renamed as the project's
    layers were; a note when it cannot be used (the rest of the project still opens)."""
    if not isinstance(meta, dict):
        return None
    choice = meta.get("choice")
    choice = cov.renamed_choice(choice, new_names) if isinstance(choice, str) and len(choice) < 500 else DISTRICTS
    en_column = meta.get("en_column")
    try:
        res = cov.zone_result(meta, frames)
        _store(res, choice, en_column if isinstance(en_column, str) and en_column in res.zones else None,
               from_project=file_name or "project")
    except ZJError as exc:
        return Bilingual(exc.zh, exc.en)
    except Exception as exc:  # noqa: BLE001 - a file's shape nobody foresaw: a note, the project opens
        return text("covz_result_unusable").format(what=type(exc).__name__)
    return None


def render(lang: str, src: str, path: str | None, check: str, demand: str, params: dict, own: dict,
           parcels: dict | None, choice: str, column: Any) -> None:
    """The run button (with its progress) and the last result."""
    st.caption(t(lang, "covz_help"))
    bad = None
    if choice.startswith("mine:") and not ss.imported[choice[5:]].geom_type.isin(_POLYGONS).any():
        bad = text("covz_no_polygons").format(name=choice[5:]).get(lang)
        st.warning(md(bad))
    if st.button(t(lang, "covz_run"), type="primary", key="covz_run", disabled=bad is not None):
        if guarded(_run, lang, src, path, check, demand, params, own, parcels, choice, column,
                   failed=t(lang, "cov_failed"), what="coverage by zones"):
            st.rerun()
    render_result(lang)


def _key_label(check: str, key: str, lang: str) -> str:
    if check == "life15" and key in osmtags.CATEGORY_LABELS:
        return osmtags.CATEGORY_LABELS[key].get(lang).split(" (")[0]
    return f"{key} m" if check == "metro" else key


def _zone_names(res: Any, lang: str, en_column: str | None) -> list[str]:
    names = res.table["zone"].astype(str).tolist()
    if lang == "en" and en_column and en_column in res.zones:
        english = dict(zip(res.zones["zone_id"].tolist(), res.zones[en_column].astype(str).tolist()))
        names = [english.get(i, n) for i, n in zip(res.table["zone_id"].tolist(), names)]
    return [t(lang, "covz_outside") if i < 0 else n for i, n in zip(res.table["zone_id"].tolist(), names)]


def table(res: Any, lang: str, en_column: str | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The zone table as shown: headers in ``lang``, shares in percent (numbers, so that a
    click on a header sorts them as numbers), the target met or not; and its column formats."""
    tab = res.table
    key = res.weight_key
    unit = {"km2": "km²", "count": t(lang, "covz_unit_count"), "weight": t(lang, "covz_unit_weight")}[key]
    share = t(lang, "covz_col_share")
    cols: dict[str, Any] = {t(lang, "covz_col_zone"): _zone_names(res, lang, en_column),
                            share: 100 * tab["share"].to_numpy(dtype=float)}
    if res.target is not None:  # the verdict beside the share: what a planner sorts and reads first
        met = {True: f"✓ {t(lang, 'cov_met')}", False: f"✗ {t(lang, 'cov_not_met')}"}
        header = t(lang, "covz_col_meets").format(target=f"{100 * res.target:g}%")
        none = t(lang, "covz_no_demand")  # the share is empty there: say why, not "None"
        cols[header] = [none if n == 0 else met.get(v, "—")  # "—": no share (no weight), no verdict
                        for v, n in zip(tab["meets_target"].tolist(), tab["units"].tolist())]
    percent = [share, t(lang, "covz_col_buffer")]
    cols[percent[1]] = 100 * tab["share_buffer"].to_numpy(dtype=float)
    for c in tab.columns:
        if c.startswith("share_") and c != "share_buffer":
            percent.append(t(lang, "covz_col_of").format(what=_key_label(res.check, c[6:], lang)))
            cols[percent[-1]] = 100 * tab[c].to_numpy(dtype=float)
    amounts = [t(lang, "covz_col_total").format(unit=unit), t(lang, "covz_col_covered").format(unit=unit)]
    cols[t(lang, "covz_col_units")] = tab["units"].to_numpy()
    cols[amounts[0]] = tab[f"total_{key}"].to_numpy(dtype=float)
    cols[amounts[1]] = tab[f"covered_{key}"].to_numpy(dtype=float)
    config: dict[str, Any] = {h: st.column_config.NumberColumn(h, format="%.1f") for h in percent}
    decimals = "%.4f" if key == "km2" else "%.1f"
    config.update({h: st.column_config.NumberColumn(h, format=decimals) for h in amounts})
    config[t(lang, "covz_col_zone")] = st.column_config.TextColumn(t(lang, "covz_col_zone"), pinned=True)
    return pd.DataFrame(cols), config


def csv_bytes(res: Any, lang: str, en_column: str | None = None) -> bytes:
    """The table as shown (headers in ``lang``, shares in percent) as UTF-8 CSV with a BOM (Excel)."""
    frame, _ = table(res, lang, en_column)
    numeric = frame.select_dtypes(include=[np.floating]).columns
    frame[numeric] = frame[numeric].round(4)
    return frame.to_csv(index=False).encode("utf-8-sig")


def _pct(x: float | None) -> str:
    return f"{100 * x:.1f}%" if x is not None and np.isfinite(x) else "-"


def render_result(lang: str) -> None:
    """The last all-zones result: headline figures, the zone table, notes, downloads."""
    res = ss.get("coverage_zones")
    if res is None:
        return
    r = res["result"]
    summary = r.summary()
    st.markdown(f"**{md(res['title'][lang])}** · {md(res['zones_label'][lang])}")
    if res.get("from_project"):  # not computed in this session: say so, and how to compute again
        st.caption(t(lang, "covz_from_project").format(file=md(res["from_project"])))
    c = st.columns(2) + st.columns(2)  # two by two: readable in the panel beside the map
    c[0].metric(t(lang, "cov_share"), _pct(r.share),
                None if r.target is None else f"{t(lang, 'cov_target')} {100 * r.target:.0f}%",
                delta_color="off", delta_arrow="off")
    c[1].metric(t(lang, "cov_buffer"), _pct(r.share_buffer))
    if r.target is not None:
        c[2].metric(t(lang, "covz_met_n"), f"{summary['zones_meeting_target']} / {summary['zones_with_demand']}")
    c[3].metric(t(lang, "cov_time"), f"{sum(r.timings.values()):.2f} s")
    st.markdown(f"**{t(lang, 'covz_table')}**")
    frame, config = table(r, lang, res["en_column"])
    st.dataframe(frame, hide_index=True, column_config=config, width="stretch")
    if r.notes:
        st.caption(f"{t(lang, 'cov_notes')}: " + "; ".join(md(n) for n in r.notes))
    with st.expander(t(lang, "cov_inputs")):
        st.dataframe(coverage_report.table(coverage_report.inputs_rows(r.inputs or {}, lang), lang),
                     hide_index=True)
    st.caption(md(cov.Inputs.attribution))
    st.toggle(t(lang, "covz_show"), value=True, key="covz_show")
    d1, d2 = st.columns(2)
    d1.download_button(t(lang, "covz_csv"), csv_bytes(r, lang, res["en_column"]), file_name=f"zones_{r.check}.csv",
                       mime="text/csv", key="covz_csv", help=t(lang, "covz_csv_help"), width="stretch")
    d2.download_button(t(lang, "covz_gpkg"), res["gpkg"], file_name=f"zones_{r.check}.gpkg",
                       mime="application/geopackage+sqlite3", key="covz_gpkg", help=t(lang, "covz_gpkg_help"),
                       width="stretch")
    if st.button(t(lang, "covz_clear"), key="covz_clear"):
        ss.pop("coverage_zones", None)
        st.rerun()


def map_args(lang: str) -> dict[str, Any] | None:
    """What the map's choropleth draws (``layers.webmap.choropleth.add_choropleth``'s arguments),
    or None: no result, hidden, or the tab in its one-area mode."""
    res = ss.get("coverage_zones")
    if res is None or ss.get("cov_mode") != "zones" or not ss.get("covz_show", True):
        return None
    r = res["result"]
    column = res["en_column"] if lang == "en" and res["en_column"] else r.zone_column
    return {"zones": r.zones, "title": res["title"][lang], "target": r.target, "name_column": column}
