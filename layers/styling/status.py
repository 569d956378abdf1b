"""Status styles of project lists (挂图作战): each project coloured by its construction status.

A project list names each project's status in a column such as 状态, 项目状态, 建设状态, STATUS
or ZT (状态's pinyin initials), in words that vary from list to list. :func:`status_of` brings
each value to one of four statuses:

=====================  ===========================================  =====================================
status                 values (Chinese; English, case-insensitive)    colour
=====================  ===========================================  =====================================
``under_construction``  在建, 续建, 施工中, 建设中, 实施中; under          ``#D55E00`` vermillion (red)
                        construction, ongoing, in progress
``new_start``           新开工, 新建, 开工, 拟开工; new start, newly       ``#E69F00`` orange
                        started, starting, new
``reserve``             储备, 前期, 谋划, 拟建, 规划, 待建, 未开工;        ``#0072B2`` blue
                        reserve, planned, planning, proposed
``completed``           竣工, 已建, 建成, 完工, 已完成, 投用, 投产;        ``#009E73`` bluish green
                        completed, complete, built, finished
=====================  ===========================================  =====================================

Colours (project choice): the hues 挂图作战 maps conventionally give these statuses (red under
construction, orange/yellow starting, blue in reserve, green completed), taken from the
Okabe–Ito palette so that they stay distinct for colour-blind readers. Other values share a
grey "其他 / other" class listing them; empty cells are "no data". ``filter_values`` (status
keys) makes the map show only the statuses picked.
"""
from __future__ import annotations

import re
import unicodedata

import pandas as pd

from geo import settings
from geo.errors import StyleError
from layers.styling.style import Style, StyleClass, value_key
from layers.text import text

__all__ = ["STATUSES", "STATUS_COLOURS", "STATUS_COLUMNS", "find_status_column", "status_of", "status_style"]

#: The statuses, in legend order.
STATUSES = ("under_construction", "new_start", "reserve", "completed")
#: Colour of each status (see the module docstring).
STATUS_COLOURS = {"under_construction": "#D55E00", "new_start": "#E69F00", "reserve": "#0072B2",
                  "completed": "#009E73"}
#: Column names that hold a status, in order of preference (compared case-insensitively).
STATUS_COLUMNS = ("状态", "项目状态", "建设状态", "建设进度", "进展", "status", "project_status", "zt", "xmzt", "jszt")
#: Share of a column's non-empty values that must read as a status for a column of any name to count.
_MIN_SHARE = 0.6
#: Words of each status, tried in this order (a value saying "未开工" is in reserve, not a new start).
_WORDS = (
    ("reserve", ("未开工", "储备", "前期", "谋划", "拟建", "规划", "待建")),
    ("completed", ("竣工", "已建", "建成", "完工", "已完成", "投用", "投产", "交付")),
    ("new_start", ("新开工", "新建", "拟开工", "开工")),
    ("under_construction", ("在建", "续建", "施工", "建设中", "实施中", "推进中")),
)
_ENGLISH = (
    ("under_construction", re.compile(r"\b(under construction|ongoing|in progress|constructing)\b")),
    ("new_start", re.compile(r"\b(new start|newly started|starting|started|new)\b")),
    ("reserve", re.compile(r"\b(reserve|reserved|planned|planning|proposed|pipeline)\b")),
    ("completed", re.compile(r"\b(completed?|built|finished|done)\b")),
)


def status_of(value: object) -> str | None:
    """The status key of one value (see :data:`STATUSES`), or None when it names none."""
    key = value_key(value)
    if key is None:
        return None
    s = unicodedata.normalize("NFKC", key).strip().casefold()
    for status, words in _WORDS:
        if any(w in s for w in words):
            return status
    for status, pattern in _ENGLISH:
        if pattern.search(s):
            return status
    return None


def _share(series: pd.Series) -> float:
    values = series.dropna().astype(str).str.strip()
    values = values[values != ""]
    if values.empty:
        return 0.0
    uniq = values.value_counts()
    hits = sum(int(n) for v, n in uniq.items() if status_of(v) is not None)
    return hits / len(values)


def find_status_column(frame: pd.DataFrame) -> str | None:
    """The column holding project statuses: a column named as in :data:`STATUS_COLUMNS` with at
    least one status value, else any text column most of whose values are statuses."""
    geometry = getattr(frame, "_geometry_column_name", None)
    cols = [c for c in frame.columns if c != geometry]
    by_name = {unicodedata.normalize("NFKC", str(c)).strip().casefold(): c for c in cols}
    for name in STATUS_COLUMNS:
        col = by_name.get(name)
        if col is not None and _share(frame[col]) > 0:
            return str(col)
    best, best_share = None, 0.0
    for col in cols:
        if pd.api.types.is_numeric_dtype(frame[col]):
            continue
        share = _share(frame[col])
        if share >= _MIN_SHARE and share > best_share:
            best, best_share = str(col), share
    return best


def status_style(frame: pd.DataFrame, column: str | None = None,
                 filter_values: list[str] | tuple[str, ...] | None = None) -> Style:
    """Colour projects by status (the statuses that occur, in :data:`STATUSES` order).

    Parameters
    ----------
    frame : DataFrame
        The project list.
    column : str, optional
        The status column; found by :func:`find_status_column` when omitted.
    filter_values : sequence of str, optional
        Status keys (:data:`STATUSES`, or "其他" for the other values) the map shows; None: all.

    Raises
    ------
    StyleError
        No status column, or one without any status value; a filter naming no status.
    """
    column = find_status_column(frame) if column is None else column
    if column is None or column not in frame.columns:
        raise StyleError("the layer has no status column (状态, 项目状态, 建设状态, STATUS, ZT …)",
                         "图层没有项目状态列 (状态、项目状态、建设状态、STATUS、ZT 等)")
    keys = frame[column].map(value_key)
    statuses = keys.map(lambda v: status_of(v) if v is not None else None)
    counts = statuses.value_counts()
    if counts.empty:
        raise StyleError(f"column {column!r} names no project status", f"属性列 {column!r} 中没有项目状态")
    out = []
    for status in STATUSES:
        if status in counts.index:
            name = text(f"style_status_{status}")
            out.append(StyleClass(name.zh, STATUS_COLOURS[status], value=status, label_en=name.en,
                                  count=int(counts[status])))
    others = keys[keys.notna() & statuses.isna()]
    if not others.empty:
        listed = list(others.value_counts().index[:settings.STYLE_UNKNOWN_LISTED])
        more = ", …" if others.nunique() > len(listed) else ""
        other = text("style_other")
        out.append(StyleClass(f"{other.zh}: {', '.join(listed)}{more}", settings.STYLE_OTHER_COLOUR,
                              label_en=f"{other.en}: {', '.join(listed)}{more}", count=len(others)))
    filt = None
    if filter_values is not None:
        known = {c.key for c in out} | {c.key.split(":")[0] for c in out if c.catch_all}
        filt = tuple(str(v) for v in filter_values)
        bad = [v for v in filt if v not in known]
        if bad:
            raise StyleError(f"no status {bad[0]!r} in the layer; use {', '.join(c.key for c in out)}",
                             f"图层中没有状态 {bad[0]!r}; 可用 {', '.join(c.key for c in out)}")
        filt = tuple(c.key for c in out if c.key in filt or (c.catch_all and c.key.split(":")[0] in filt))
    return Style("status", column=column, classes=tuple(out), filter_values=filt)
