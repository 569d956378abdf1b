"""Styles made from a layer's values: one colour, categories, graduated classes.

* :func:`single` — every feature one colour.
* :func:`categorized` — a colour per value, the most frequent first; at most
  ``settings.STYLE_MAX_CATEGORIES`` classes (and no more than the palette has colours), the
  rest in one "其他 / other" class.
* :func:`graduated` — numeric classes by ``quantiles`` (equal counts; linear interpolation
  between order statistics, numpy's default), ``equal_interval`` (equal widths) or
  ``natural_breaks`` (Fisher–Jenks: the classes with the least sum of squared deviations from
  their means, Fisher 1958, Jenks 1977; exact on up to ``settings.STYLE_JENKS_MAX_VALUES``
  distinct values, else on that many evenly spaced order statistics). Classes are
  ``(low, high]``, the first one closed. Breaks that coincide (many equal values) merge
  classes, so a style may have fewer than ``k``.

tests/test_styling.py checks the breaks against numpy's quantiles, a brute-force Fisher–Jenks on
small data and jenkspy.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from geo import settings
from geo.errors import StyleError
from layers.styling.palettes import DEFAULT_PALETTE, DEFAULT_RAMP, categorical, ramp
from layers.styling.style import METHODS, Style, StyleClass, value_key
from layers.text import text

__all__ = ["categorized", "class_breaks", "equal_interval_breaks", "graduated", "jenks_breaks", "numeric_values",
           "quantile_breaks", "single"]


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns or column == getattr(frame, "_geometry_column_name", None):
        raise StyleError(f"the layer has no attribute column {column!r}", f"图层没有属性列 {column!r}")
    return frame[column]


def single(colour: str, frame: pd.DataFrame | None = None) -> Style:
    """Every feature in ``colour``."""
    n = None if frame is None else len(frame)
    label = text("style_single")
    return Style("single", classes=(StyleClass(label.zh, colour.upper(), label_en=label.en, count=n),))


def categorized(frame: pd.DataFrame, column: str, palette: str = DEFAULT_PALETTE,
                max_classes: int | None = None) -> Style:
    """A colour per value of ``column``, the most frequent value first (ties by value).

    At most ``max_classes`` (default ``settings.STYLE_MAX_CATEGORIES``) classes and no more than
    the palette's colours; the remaining values share one catch-all "其他 / other" class
    (``settings.STYLE_OTHER_COLOUR``). Missing values are in no class (drawn as "no data").
    """
    colours = categorical(palette)
    keys = _column(frame, column).map(value_key).dropna()
    if keys.empty:
        raise StyleError(f"column {column!r} has no values", f"属性列 {column!r} 没有取值")
    counts = keys.value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
    limit = min(settings.STYLE_MAX_CATEGORIES if max_classes is None else max(1, int(max_classes)), len(colours))
    if len(ordered) > limit:  # the catch-all takes the last place
        head, rest = ordered[:limit - 1] if limit > 1 else [], ordered[limit - 1:] if limit > 1 else ordered
    else:
        head, rest = ordered, []
    classes = [StyleClass(str(v), colours[i], value=str(v), count=int(n)) for i, (v, n) in enumerate(head)]
    if rest:
        other = text("style_other")
        classes.append(StyleClass(other.zh, settings.STYLE_OTHER_COLOUR, label_en=other.en,
                                  count=int(sum(n for _, n in rest))))
    return Style("category", column=column, palette=palette, classes=tuple(classes))


def numeric_values(series: pd.Series) -> np.ndarray:
    """The finite numbers of ``series`` (text that reads as a number counts), as float64."""
    x = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return x[np.isfinite(x)]


def quantile_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` equal-count classes: the i/k quantiles (i = 1…k), linear interpolation
    between order statistics (numpy's default method)."""
    x = np.sort(np.asarray(values, dtype=float))
    pos = np.arange(1, k + 1) / k * (len(x) - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, len(x) - 1)
    frac = pos - lo
    return x[lo] + frac * (x[hi] - x[lo])


def equal_interval_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` classes of equal width from the minimum to the maximum."""
    lo, hi = float(np.min(values)), float(np.max(values))
    out = lo + (hi - lo) * np.arange(1, k + 1) / k
    out[-1] = hi
    return out


def jenks_breaks(values: np.ndarray, k: int, max_values: int | None = None) -> np.ndarray:
    """Upper bounds of the ``k`` Fisher–Jenks natural-breaks classes (each class's largest value).

    Exact (dynamic programming over the sorted distinct values, weighted by their counts) when
    there are at most ``max_values`` (default ``settings.STYLE_JENKS_MAX_VALUES``) distinct values;
    else run on that many evenly spaced order statistics, the true maximum kept as the last bound.
    """
    x = np.sort(np.asarray(values, dtype=float))
    limit = settings.STYLE_JENKS_MAX_VALUES if max_values is None else max_values
    u, w = np.unique(x, return_counts=True)
    if len(u) > limit:
        u, w = np.unique(x[np.rint(np.linspace(0, len(x) - 1, limit)).astype(int)], return_counts=True)
    m = len(u)
    k = min(k, m)
    if k <= 1:
        return np.array([x[-1]])
    c = u - u.mean()  # centred: sums of squares without cancellation
    wf = w.astype(float)
    cw, cs, cq = (np.concatenate([[0.0], np.cumsum(a)]) for a in (wf, wf * c, wf * c * c))
    # ssd[j, i]: squared deviations of the class of values j..i-1 (0 ≤ j < i ≤ m), inf elsewhere
    with np.errstate(divide="ignore", invalid="ignore"):
        ssd = (cq[None, :] - cq[:, None]) - (cs[None, :] - cs[:, None]) ** 2 / (cw[None, :] - cw[:, None])
    ssd = np.maximum(ssd, 0.0)
    ssd[np.tril_indices(m + 1)] = np.inf
    cost = ssd[0].copy()  # one class: values 0..i-1
    starts = []
    for _ in range(1, k):
        total = cost[:, None] + ssd  # the last class starts at j
        best = np.argmin(total, axis=0)
        starts.append(best)
        cost = total[best, np.arange(m + 1)]
    ends, end = [], m
    for best in reversed(starts):
        ends.append(end)
        end = int(best[end])
    ends.append(end)
    bounds = [u[e - 1] for e in sorted(ends)]
    bounds[-1] = x[-1]
    return np.asarray(bounds, dtype=float)


def class_breaks(values: np.ndarray, method: str, k: int) -> np.ndarray:
    """Upper bounds of the classes of ``values`` by ``method`` (distinct, increasing; at most ``k``)."""
    if method == "quantiles":
        b = quantile_breaks(values, k)
    elif method == "equal_interval":
        b = equal_interval_breaks(values, k)
    elif method == "natural_breaks":
        b = jenks_breaks(values, k)
    else:
        raise StyleError(f"unknown classification method {method!r}; use one of {', '.join(METHODS)}",
                         f"未知分级方法 {method!r}; 可用 {', '.join(METHODS)}")
    return np.unique(b)


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"


def graduated(frame: pd.DataFrame, column: str, method: str = "quantiles", k: int | None = None,
              ramp_name: str = DEFAULT_RAMP) -> Style:
    """Numeric classes of ``column`` coloured light to dark along the ColorBrewer ramp ``ramp_name``.

    ``k`` (default ``settings.STYLE_DEFAULT_CLASSES``) must lie in ``settings.STYLE_CLASS_RANGE``;
    text that reads as a number counts; other values are "no data".
    """
    k = settings.STYLE_DEFAULT_CLASSES if k is None else k
    lo_k, hi_k = settings.STYLE_CLASS_RANGE
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not lo_k <= k <= hi_k:
        raise StyleError(f"the number of classes must be from {lo_k} to {hi_k}, not {k}",
                         f"分级数应为 {lo_k} 至 {hi_k}, 而不是 {k}")
    x = numeric_values(_column(frame, column))
    if len(x) == 0:
        raise StyleError(f"column {column!r} holds no numbers", f"属性列 {column!r} 没有数值")
    breaks = class_breaks(x, method, int(k))
    colours = ramp(ramp_name, len(breaks))
    lows = np.concatenate([[x.min()], breaks[:-1]])
    counts = np.bincount(np.searchsorted(breaks, x, side="left").clip(0, len(breaks) - 1), minlength=len(breaks))
    classes = tuple(StyleClass(f"{_fmt(a)} – {_fmt(b)}", colours[i], low=float(a), high=float(b), count=int(counts[i]))
                    for i, (a, b) in enumerate(zip(lows, breaks)))
    return Style("graduated", column=column, method=method, k=int(k), palette=ramp_name, classes=classes)
