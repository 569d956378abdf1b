"""The "Style" section of the My layers panel and the land-use balance table (用地平衡表).

The chosen imported layer gets a thematic style (:mod:`layers.styling`): one colour, by category,
graduated, land use (the code column found by :func:`geo.landuse.recognise.guess_code_column`,
the code system detected unless chosen, unknown codes listed) or project status (with a filter
of the statuses shown). The style is kept in ``ss.styles`` (layer name → ``Style.to_dict()``),
drawn on the map (:func:`map_styles`), printed by the "landuse" preset and saved with the project.

Every style widget calls :func:`_restyle` when it changes: the style is made before the script
reruns, so the map of that very run shows it. The widgets show the stored style of the layer
chosen (``ss.sty_for`` records which layer and style they show; another one re-seeds them).

A layer with a land-use code column gets its balance table: level, optional zones (the 2021
Science City boundary or an imported polygon layer), area in ha and km², shares, the total, the
unknown codes, and CSV / XLSX downloads.
"""
from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

import layers
from geo import settings
from geo.errors import StyleError, ZJError
from geo.landuse.balance import BalanceTable, balance_table
from geo.landuse.codes import LEVEL_NAMES, SYSTEM_NAMES, SYSTEMS
from geo.landuse.recognise import EMPTY, classify, guess_code_column, unknown_codes
from layers.analysis.memo import FrameMemo
from layers.analysis.names import name_column
from layers.styling import (CATEGORICAL, DEFAULT_PALETTE, DEFAULT_RAMP, METHODS, RAMPS, Style, categorized,
                            find_status_column, graduated, landuse_style, single, status_style)
from layers.styling.classify import numeric_values
from layers.text import t
from layers.ui import state
from layers.ui.common import md
from layers.webmap.userlayers import PALETTE

__all__ = ["KIND_IDS", "ZONES_CATALOGUE", "balance_for", "map_styles", "render"]

ss = st.session_state

#: The style kinds offered: "none" is the layer's default colour (no style kept).
KIND_IDS = ("none", "single", "category", "graduated", "landuse", "status")
#: The catalogue layer offered as balance-table zones.
ZONES_CATALOGUE = "science_city_2021"
#: Classes of a graduated style offered in the panel.
_K_RANGE = (3, settings.STYLE_CLASS_RANGE[1])
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_MEMO = FrameMemo()


def _msg(exc: ZJError, lang: str) -> str:
    return exc.zh if lang == "zh" else exc.en


# ------------------------------------------------------------------------------ the layer's columns

def _columns(frame: gpd.GeoDataFrame) -> list[str]:
    return [str(c) for c in frame.columns if c != frame.geometry.name]


def _numeric_columns(frame: gpd.GeoDataFrame) -> list[str]:
    def compute() -> list[str]:
        return [c for c in _columns(frame) if not pd.api.types.is_bool_dtype(frame[c])
                and len(numeric_values(frame[c].head(5000))) > 0]
    return _MEMO.get((frame,), ("numeric",), compute)


def _category_column(frame: gpd.GeoDataFrame) -> str | None:
    """A column worth colouring by category: the first with 2 to STYLE_MAX_CATEGORIES values that
    repeat (not a name or an identifier); else the first column."""
    def compute() -> str | None:
        cols = _columns(frame)
        for c in cols:
            n = frame[c].astype(str).nunique()
            if 2 <= n <= settings.STYLE_MAX_CATEGORIES and n < len(frame):
                return c
        return cols[0] if cols else None
    return _MEMO.get((frame,), ("category",), compute)


def _code_column(frame: gpd.GeoDataFrame) -> str | None:
    return _MEMO.get((frame,), ("code",), lambda: guess_code_column(frame))


def _status_column(frame: gpd.GeoDataFrame) -> str | None:
    return _MEMO.get((frame,), ("status",), lambda: find_status_column(frame))


def _status_keys(frame: gpd.GeoDataFrame, column: str) -> list[tuple[str, str, str]]:
    """(key, label zh, label en) of the statuses of ``column`` (empty when it names none)."""
    def compute() -> list[tuple[str, str, str]]:
        try:
            style = status_style(frame, column)
        except StyleError:
            return []
        return [(c.key, c.label_in("zh"), c.label_in("en")) for c in style.classes]
    return _MEMO.get((frame,), ("status_keys", column), compute)


# ------------------------------------------------------------------------------ widgets ↔ style

def _defaults(name: str, frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """The widget values of a layer without a style."""
    cols = _columns(frame)
    nums = _numeric_columns(frame)
    first = cols[0] if cols else None
    i = list(ss.imported).index(name) if name in ss.imported else 0
    return {"sty_kind": "none", "sty_colour": PALETTE[i % len(PALETTE)], "sty_cat_col": _category_column(frame),
            "sty_palette": DEFAULT_PALETTE, "sty_num_col": nums[0] if nums else None, "sty_method": METHODS[0],
            "sty_k": settings.STYLE_DEFAULT_CLASSES, "sty_ramp": DEFAULT_RAMP,
            "sty_lu_col": _code_column(frame) or first, "sty_lu_sys": "auto",
            "sty_st_col": _status_column(frame) or first, "sty_st_filter": None}


def _detected(frame: gpd.GeoDataFrame, column: str) -> str | None:
    """The code system detected in ``column`` (None: no code of either)."""
    def compute() -> str | None:
        found = classify(frame[column].head(5000))["system"].dropna()
        return str(found.iloc[0]) if len(found) else None
    return _MEMO.get((frame,), ("detect", column), compute)


def _from_stored(name: str, frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """The widget values showing the layer's stored style (defaults for the rest)."""
    out = _defaults(name, frame)
    d = (ss.get("styles") or {}).get(name)
    if not isinstance(d, dict) or d.get("kind") not in KIND_IDS:
        return out
    kind, column = d["kind"], d.get("column")
    out["sty_kind"] = kind
    if kind == "single" and d.get("classes"):
        out["sty_colour"] = d["classes"][0].get("colour", out["sty_colour"])
    elif kind == "category":
        out.update(sty_cat_col=column, sty_palette=d.get("palette") or DEFAULT_PALETTE)
    elif kind == "graduated":
        out.update(sty_num_col=column, sty_method=d.get("method"), sty_k=d.get("k"),
                   sty_ramp=d.get("palette") or DEFAULT_RAMP)
    elif kind == "landuse":
        auto = isinstance(column, str) and column in frame.columns and _detected(frame, column) == d.get("system")
        out.update(sty_lu_col=column, sty_lu_sys="auto" if auto else d.get("system"))
    elif kind == "status":
        out.update(sty_st_col=column, sty_st_filter=d.get("filter_values"))
    return out


def _valid(key: str, value: Any, frame: gpd.GeoDataFrame) -> bool:
    """Whether ``value`` is a value the style widget ``key`` can hold for ``frame``."""
    cols = _columns(frame)
    if key in ("sty_cat_col", "sty_lu_col", "sty_st_col"):
        return value in cols
    checks = {
        "sty_kind": lambda v: v in KIND_IDS,
        "sty_colour": lambda v: isinstance(v, str) and bool(_COLOUR.fullmatch(v)),
        "sty_num_col": lambda v: v in _numeric_columns(frame),
        "sty_palette": lambda v: v in CATEGORICAL, "sty_ramp": lambda v: v in RAMPS,
        "sty_method": lambda v: v in METHODS,
        "sty_k": lambda v: isinstance(v, int) and _K_RANGE[0] <= v <= _K_RANGE[1],
        "sty_lu_sys": lambda v: v in ("auto", *SYSTEMS),
        "sty_st_filter": lambda v: v is None or isinstance(v, (list, tuple)),
    }
    return bool(checks[key](value))


def _current(name: str, frame: gpd.GeoDataFrame, fresh: bool = False) -> dict[str, Any]:
    """The style widgets' values now (``fresh``: the stored style's, ignoring the widgets): each the
    widget's value if it fits the layer, else the stored style's, else the default."""
    stored, default = _from_stored(name, frame), _defaults(name, frame)
    out: dict[str, Any] = {}
    for k in default:
        mine = (ss[k],) if not fresh and k in ss else ()
        out[k] = next((v for v in (*mine, stored[k], default[k]) if _valid(k, v, frame)), None)
    keys = [k for k, *_ in _status_keys(frame, out["sty_st_col"])] if out["sty_st_col"] else []
    picked = out["sty_st_filter"]
    kept = [v for v in picked if v in keys] if picked is not None else list(keys)
    explicit_none = picked is not None and len(picked) == 0  # the planner unticked every status
    out["sty_st_filter"] = kept if kept or explicit_none else list(keys)
    return out


def _make(frame: gpd.GeoDataFrame, p: dict[str, Any]) -> Style | None:
    """The style the widget values ``p`` describe (None: the layer's default colour)."""
    kind = p["sty_kind"]
    if kind == "none":
        return None
    if kind == "single":
        return single(p["sty_colour"], frame)
    column = {"category": p["sty_cat_col"], "graduated": p["sty_num_col"], "landuse": p["sty_lu_col"],
              "status": p["sty_st_col"]}[kind]
    if column is None:
        raise StyleError("the layer has no column for this style", "图层没有可用于此样式的属性列")
    if kind == "category":
        return categorized(frame, column, p["sty_palette"])
    if kind == "graduated":
        return graduated(frame, column, p["sty_method"], p["sty_k"], p["sty_ramp"])
    if kind == "landuse":
        return landuse_style(frame, column, None if p["sty_lu_sys"] == "auto" else p["sty_lu_sys"])
    keys = [k for k, *_ in _status_keys(frame, column)]
    picked = p["sty_st_filter"]
    shown = None if picked is None or set(keys) <= set(picked) else picked
    return status_style(frame, column, filter_values=shown)


def _restyle() -> None:
    """A style widget changed: make the style of the layer the widgets show and keep it (before the rerun)."""
    name = (ss.get("sty_for") or (None, None))[0]
    frame = ss.imported.get(name) if isinstance(name, str) else None
    if frame is None or not isinstance(name, str):
        return
    try:
        style = _make(frame, _current(name, frame))
    except ZJError as exc:
        ss.sty_message = _msg(exc, state.lang_of(ss))
        return
    styles = {k: v for k, v in (ss.get("styles") or {}).items() if k != name}
    if style is not None:
        styles[name] = style.to_dict()
    ss.styles = styles
    ss.sty_for = (name, styles.get(name))


def _seed(name: str, frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """Set the style widgets to the layer's stored style when they show another (or a value not fitting
    the layer); the values now."""
    marker = (name, (ss.get("styles") or {}).get(name))
    fresh = ss.get("sty_for") != marker
    values = _current(name, frame, fresh)
    for k, v in values.items():
        if v is not None and (fresh or ss.get(k) != v):
            ss[k] = v
    ss.sty_for = marker
    return values


# ------------------------------------------------------------------------------ the panel

def render(lang: str, name: str, frame: gpd.GeoDataFrame) -> None:
    """The style section of the chosen imported layer, then its land-use balance table."""
    st.markdown(f"**{t(lang, 'sty_title')}**")
    p = _seed(name, frame)
    if ss.get("sty_message"):
        st.error(ss.sty_message)
        ss.sty_message = None
    cols = _columns(frame)
    kinds = [k for k in KIND_IDS if k in ("none", "single") or (cols and (k != "graduated"
                                                                          or _numeric_columns(frame)))]
    if p["sty_kind"] not in kinds:
        ss["sty_kind"] = "none"
    kind = st.selectbox(t(lang, "sty_kind"), kinds, key="sty_kind", format_func=lambda k: t(lang, f"sty_kind_{k}"),
                        on_change=_restyle)
    if kind == "single":
        st.color_picker(t(lang, "sty_colour"), key="sty_colour", on_change=_restyle)
    elif kind == "category":
        c1, c2 = st.columns(2)
        c1.selectbox(t(lang, "sty_column"), cols, key="sty_cat_col", on_change=_restyle)
        c2.selectbox(t(lang, "sty_palette"), list(CATEGORICAL), key="sty_palette", on_change=_restyle)
    elif kind == "graduated":
        c1, c2 = st.columns(2)
        c1.selectbox(t(lang, "sty_numeric_column"), _numeric_columns(frame), key="sty_num_col", on_change=_restyle)
        c2.selectbox(t(lang, "sty_method"), list(METHODS), key="sty_method", on_change=_restyle,
                     format_func=lambda m: t(lang, f"sty_method_{m}"))
        c1.slider(t(lang, "sty_k"), _K_RANGE[0], _K_RANGE[1], key="sty_k", on_change=_restyle)
        c2.selectbox(t(lang, "sty_ramp"), list(RAMPS), key="sty_ramp", on_change=_restyle)
    elif kind == "landuse":
        _landuse_widgets(lang, frame, cols)
    elif kind == "status":
        c1, c2 = st.columns(2)
        column = c1.selectbox(t(lang, "sty_status_column"), cols, key="sty_st_col", on_change=_restyle)
        found = _status_keys(frame, column)
        labels = {k: (zh if lang == "zh" else en) for k, zh, en in found}
        c2.multiselect(t(lang, "sty_status_filter"), list(labels), key="sty_st_filter", on_change=_restyle,
                       format_func=lambda k: labels.get(k, k))
    _balance(lang, name, frame)


def _landuse_widgets(lang: str, frame: gpd.GeoDataFrame, cols: list[str]) -> None:
    """Code column and system of a land-use style; what was detected and the unknown codes."""
    c1, c2 = st.columns(2)
    column = c1.selectbox(t(lang, "sty_code_column"), cols, key="sty_lu_col", on_change=_restyle)
    choice = c2.selectbox(t(lang, "sty_system"), ["auto", *SYSTEMS], key="sty_lu_sys", on_change=_restyle,
                          format_func=lambda s: t(lang, "sty_system_auto") if s == "auto" else SYSTEM_NAMES[s].get(lang))

    def compute() -> tuple[str | None, int, dict[str, int]]:
        result = classify(frame[column], None if choice == "auto" else choice)
        system = result["system"].dropna()
        return (system.iloc[0] if len(system) else None, int(result["known"].sum()), unknown_codes(result))
    system, known, unknown = _MEMO.get((frame,), ("classify", column, choice), compute)
    if system is not None:
        st.caption(t(lang, "sty_detected").format(system=SYSTEM_NAMES[system].get(lang), known=f"{known:,}",
                                                  n=f"{len(frame):,}"))
    listed = {k: n for k, n in unknown.items() if k != EMPTY} if system is not None else {}
    if listed:
        st.caption(t(lang, "sty_unknown"))
        st.dataframe(pd.DataFrame({t(lang, "sty_unknown_code"): list(listed), t(lang, "sty_unknown_n"):
                                   list(listed.values())}), hide_index=True, height=min(35 * len(listed) + 38, 180))


# ------------------------------------------------------------------------------ the balance table

def balance_for(frame: gpd.GeoDataFrame, column: str, system: str | None, level: int,
                zones: gpd.GeoDataFrame | None = None, zones_key: str = "none",
                zone_column: str | None = None) -> BalanceTable:
    """The balance table of ``frame`` (remembered while the frame, and imported zones, live)."""
    frames = (frame,) if zones is None or zones_key.startswith("catalogue:") else (frame, zones)
    return _MEMO.get(frames, ("balance", column, system, level, zones_key, zone_column),
                     lambda: balance_table(frame, column, system=system, level=level, zones=zones,
                                           zone_column=zone_column))


def _zones(lang: str, name: str) -> tuple[gpd.GeoDataFrame | None, str, str | None]:
    """The zones chosen for the balance table: frame, choice id, name column."""
    options = {"none": t(lang, "bal_zones_none"), f"catalogue:{ZONES_CATALOGUE}": t(lang, "bal_zones_sc2021")}
    options.update({f"mine:{n}": f"⬆ {n}" for n, f in ss.imported.items() if n != name and len(f)
                    and f.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()})
    if ss.get("bal_zones") not in options:
        ss["bal_zones"] = "none"
    key = st.selectbox(t(lang, "bal_zones"), list(options), key="bal_zones", format_func=lambda k: options[k])
    if key.startswith("catalogue:"):
        return layers.load(key.split(":", 1)[1]), key, "name_zh" if lang == "zh" else "name_en"
    if key.startswith("mine:"):
        zones = ss.imported[key.split(":", 1)[1]]
        cols = _columns(zones)
        if not cols:
            return zones, key, None
        if ss.get("bal_zone_col") not in cols:
            ss["bal_zone_col"] = name_column(zones) if name_column(zones) in cols else cols[0]
        return zones, key, st.selectbox(t(lang, "bal_zone_column"), cols, key="bal_zone_col")
    return None, key, None


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("_") or "layer"


def _balance(lang: str, name: str, frame: gpd.GeoDataFrame) -> None:
    """The land-use balance table of a layer with a land-use code column (none: nothing shown)."""
    d = (ss.get("styles") or {}).get(name) or {}
    column, system = (d.get("column"), d.get("system")) if d.get("kind") == "landuse" else (_code_column(frame), None)
    if column is None or column not in frame.columns:
        return
    st.divider()
    st.markdown(f"**{t(lang, 'bal_title')}**")
    names = LEVEL_NAMES[system or "gb50137"]
    state.seed(ss, "bal_level", 1)
    c1, c2 = st.columns([2, 3])
    level = c1.radio(t(lang, "bal_level"), [1, 2], key="bal_level", horizontal=True,
                     format_func=lambda lv: names[lv].get(lang))
    with c2:
        zones, zones_key, zone_column = _zones(lang, name)
    try:
        table = balance_for(frame, column, system, level, zones, zones_key, zone_column)
    except ZJError as exc:
        st.error(_msg(exc, lang))
        return
    heads = table.headers(lang)  # code, name, parcels, area (ha), share (%), [zones], note
    shown = pd.DataFrame(table.records(lang), columns=heads)
    km2 = t(lang, "bal_area_km2")
    shown.insert(4, km2, (table.rows["area_m2"] / 1e6).round(6).to_numpy())
    shown = shown[[heads[0], heads[1], heads[3], km2, heads[4], heads[2], *heads[5:]]]  # the figures first
    config = {heads[3]: st.column_config.NumberColumn(format="%.2f"), km2: st.column_config.NumberColumn(format="%.4f"),
              heads[4]: st.column_config.NumberColumn(format="%.2f")}
    st.dataframe(shown, hide_index=True, column_config=config)  # values shown as text
    st.caption(t(lang, "bal_total").format(ha=table.total_m2 / 1e4, km2=table.total_m2 / 1e6, n=f"{len(frame):,}"))
    if table.unknown:
        listing = ", ".join(f"{md(k)} ×{n}" for k, n in table.unknown.items())
        st.caption(t(lang, "bal_unknown").format(listing=listing))
    for note in table.notes:
        st.caption(md(note.get(lang)))
    frames = (frame,) if zones is None or zones_key.startswith("catalogue:") else (frame, zones)
    extra = (column, system, level, zones_key, zone_column, lang)
    csv = _MEMO.get(frames, ("csv", *extra), lambda: table.to_csv(lang))
    xlsx = _MEMO.get(frames, ("xlsx", *extra), lambda: table.to_xlsx(lang))
    stem = f"{_safe(name)}_{'用地平衡表' if lang == 'zh' else 'landuse_balance'}"
    b1, b2 = st.columns(2)
    b1.download_button(t(lang, "bal_csv"), csv, file_name=f"{stem}.csv", mime="text/csv", key="bal_csv",
                       on_click="ignore")
    b2.download_button(t(lang, "bal_xlsx"), xlsx, file_name=f"{stem}.xlsx", key="bal_xlsx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ------------------------------------------------------------------------------ the map's styles

def map_styles(lang: str) -> dict[str, Style]:
    """The styles of the imported layers, for the map: each checked against its layer. A style whose
    layer is gone is dropped; one that no longer fits its layer (its column gone) is dropped with a warning."""
    out: dict[str, Style] = {}
    kept: dict[str, dict] = {}
    for name, d in (ss.get("styles") or {}).items():
        frame = ss.imported.get(name)
        if frame is None:
            continue
        try:
            out[name] = Style.from_dict(d, frame)
            kept[name] = d
        except ZJError as exc:
            st.warning(t(lang, "sty_dropped").format(name=md(name), reason=md(_msg(exc, lang))))
    if kept != (ss.get("styles") or {}):
        ss.styles = kept
    return out
