"""Leaflet styles (the catalogue's, as the web map draws them) turned into matplotlib's.

Widths, marker sizes and dashes are CSS pixels in the Leaflet style; on paper they are
points, ``settings.PRINT_PX_TO_PT`` per pixel on A4, times the paper factor ``s``.
Schematic features (``method == "schematic"``) are dashed, as in the app.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from matplotlib.colors import to_rgba

from geo import settings
from layers.catalogue.symbology import number_or

__all__ = ["dashes", "mpl_style"]


def dashes(dash: str | None, lw: float, s: float) -> Any:
    """A matplotlib line style from a Leaflet ``dashArray`` ("6 4", px), absolute on paper."""
    if not dash:
        return "solid"
    try:
        parts = [float(v) for v in re.split(r"[\s,]+", str(dash).strip()) if v]
    except ValueError:
        return "solid"
    if not parts or not all(v > 0 for v in parts):
        return "solid"
    if len(parts) % 2:
        parts *= 2
    return (0, tuple(v * settings.PRINT_PX_TO_PT * s / max(lw, 0.1) for v in parts))


def mpl_style(style: Mapping, s: float = 1.0) -> dict:
    """Matplotlib colours, widths and dashes from a Leaflet style dict (:meth:`Style.for_feature`).

    Parameters
    ----------
    style : mapping
        Leaflet style: ``color``, ``weight``, ``opacity``, ``fillColor``, ``fillOpacity``,
        ``dashArray``, ``radius``.
    s : float
        The paper factor (1 on A4, √2 on A3).

    Returns
    -------
    dict
        ``edge`` and ``face`` (RGBA), ``lw`` (pt), ``ls`` (line style), ``ms`` (marker size, pt).
    """
    px = settings.PRINT_PX_TO_PT * s
    color = style.get("color", "#3388ff")
    lw = max(number_or(style.get("weight"), 2.0), 0.0) * px
    return {
        "edge": to_rgba(color, number_or(style.get("opacity"), 1.0)),
        "face": to_rgba(style.get("fillColor") or color, number_or(style.get("fillOpacity"), 0.2)),
        "lw": lw,
        "ls": dashes(style.get("dashArray"), lw, s),
        "ms": 2 * number_or(style.get("radius"), 6.0) * px,
    }
