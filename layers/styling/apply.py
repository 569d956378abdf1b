"""A style applied to a layer: the class and colour of each feature, which features show, the legend.

The same answers serve the web map (:mod:`layers.webmap.userlayers`) and print
(:mod:`layers.printing.overlays`). A feature is in the class its value names (category, land-use
class, status), or whose ``(low, high]`` holds its number (graduated, the first class closed);
otherwise in the style's catch-all class if it has one and the value is not empty; otherwise in
none: drawn in ``settings.STYLE_NO_DATA_COLOUR`` and listed as "无数据 / no data". With
``filter_values``, only features of the classes named there show.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from geo import settings
from geo.bilingual import check_lang
from geo.errors import StyleError
from layers.styling.style import Style, value_key
from layers.text import t

__all__ = ["class_index", "feature_colours", "legend_rows", "visible_mask"]


def _values(frame: pd.DataFrame, style: Style) -> pd.Series:
    if style.column is None or style.column not in frame.columns:
        raise StyleError(f"the layer has no attribute column {style.column!r} the style needs",
                         f"图层没有样式所需的属性列 {style.column!r}")
    return frame[style.column]


def class_index(frame: pd.DataFrame, style: Style) -> np.ndarray:
    """The class (index into ``style.classes``) of every row of ``frame``; -1 for none (no data).

    Raises
    ------
    StyleError
        The frame lacks the style's column (or the land-use system is unknown).
    """
    n = len(frame)
    if style.kind == "single" or not style.classes:
        return np.zeros(n, dtype=int) if style.classes else np.full(n, -1, dtype=int)
    catch = next((i for i, c in enumerate(style.classes) if c.catch_all), -1)
    values = _values(frame, style)
    if style.kind == "graduated":
        x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        out = np.full(n, -1, dtype=int)
        for i, c in enumerate(style.classes):
            lo, hi = c.low, c.high
            if lo is None or hi is None:
                continue
            inside = (x <= hi) & ((x >= lo) if i == 0 else (x > lo))
            out[(out < 0) & inside] = i
        return out
    if style.kind == "landuse":
        from layers.styling.landuse import landuse_classes
        result = landuse_classes(values, style.system)
        keys = result["class_code"].where(result["known"].astype(bool))
        present = values.map(value_key).notna().to_numpy()
    elif style.kind == "status":
        from layers.styling.status import status_of
        raw = values.map(value_key)
        keys = raw.map(lambda v: status_of(v) if v is not None else None)
        present = raw.notna().to_numpy()
    else:
        keys = values.map(value_key)
        present = keys.notna().to_numpy()
    lookup = {c.value: i for i, c in enumerate(style.classes) if c.value is not None}
    out = keys.map(lookup).to_numpy(dtype=float, na_value=np.nan)
    idx = np.where(np.isnan(out), -1, out).astype(int)
    if catch >= 0:
        idx[(idx < 0) & present] = catch
    return idx


def visible_mask(frame: pd.DataFrame, style: Style, index: np.ndarray | None = None) -> pd.Series:
    """Which rows the style shows (all unless ``style.filter_values`` picks classes); ``index`` is
    :func:`class_index`'s answer when the caller has it."""
    if style.filter_values is None:
        return pd.Series(True, index=frame.index)
    idx = class_index(frame, style) if index is None else index
    shown = np.array([c.key in style.filter_values for c in style.classes] + [False], dtype=bool)
    return pd.Series(shown[idx], index=frame.index)  # -1 (no data) reads the final False


def feature_colours(frame: pd.DataFrame, style: Style, index: np.ndarray | None = None) -> pd.Series:
    """``#RRGGBB`` of every row (``settings.STYLE_NO_DATA_COLOUR`` for no data), None where filtered out."""
    idx = class_index(frame, style) if index is None else index
    palette = np.array([c.colour for c in style.classes] + [settings.STYLE_NO_DATA_COLOUR], dtype=object)
    out = pd.Series(palette[idx], index=frame.index, dtype=object)
    if style.filter_values is not None:
        out[~visible_mask(frame, style, idx).to_numpy()] = None
    return out


def legend_rows(style: Style, lang: str, frame: pd.DataFrame | None = None,
                index: np.ndarray | None = None) -> list[tuple[str, str, int | None]]:
    """(label in ``lang``, colour, count) of each class the legend lists.

    Without ``frame``, the counts the style was made with (None if unknown) and every class
    (those filtered out left out); with it (or with its :func:`class_index` ``index``), the
    shown features of each class that has any, and a "无数据 / no data" row if some are in none.
    """
    check_lang(lang)
    shown = [style.filter_values is None or c.key in style.filter_values for c in style.classes]
    if frame is None and index is None:
        return [(c.label_in(lang), c.colour, c.count) for c, ok in zip(style.classes, shown) if ok]
    idx = class_index(frame, style) if index is None else index
    counts = np.bincount(idx + 1, minlength=len(style.classes) + 1)
    rows: list[tuple[str, str, int | None]] = [
        (c.label_in(lang), c.colour, int(counts[i + 1])) for i, c in enumerate(style.classes)
        if shown[i] and counts[i + 1] > 0]
    if counts[0] and style.filter_values is None:
        rows.append((t(lang, "style_no_data"), settings.STYLE_NO_DATA_COLOUR, int(counts[0])))
    return rows
