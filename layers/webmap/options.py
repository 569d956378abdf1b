"""Checks of the map's view options (boxes, centre, zoom, opacity): clear bilingual errors."""
from __future__ import annotations

import math
from typing import Any, Mapping

from geo import settings
from geo.errors import CoordinateError, MapOptionError
from layers.catalogue.loading import get_spec
from layers.catalogue.symbology import number_or

__all__ = ["check_box", "check_center", "check_opacity", "check_zoom"]


def check_box(box: Any, what: str) -> tuple[float, float, float, float]:
    """``box`` as a WGS84 (lon_min, lat_min, lon_max, lat_max); CoordinateError otherwise."""
    try:
        x0, y0, x1, y1 = (float(v) for v in box)
    except (TypeError, ValueError):
        raise CoordinateError(f"{what} must be (lon_min, lat_min, lon_max, lat_max), not {box!r}",
                              f"{what} 必须是 (最小经度, 最小纬度, 最大经度, 最大纬度)") from None
    ok = (all(math.isfinite(v) for v in (x0, y0, x1, y1)) and -180 <= x0 <= x1 <= 180
          and -90 <= y0 <= y1 <= 90)
    if not ok:
        raise CoordinateError(f"{what} {box!r} is not a WGS84 box (lon_min ≤ lon_max, lat_min ≤ lat_max)",
                              f"{what} {box!r} 不是有效的 WGS84 范围")
    return x0, y0, x1, y1


def check_center(center: Any) -> tuple[float, float]:
    """``center`` as a WGS84 (lat, lon); CoordinateError otherwise."""
    try:
        lat, lon = (float(v) for v in center)
    except (TypeError, ValueError):
        raise CoordinateError(f"center must be (lat, lon), not {center!r}", "中心点必须是 (纬度, 经度)") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise CoordinateError(f"center {center!r} is not a WGS84 (lat, lon)",
                              f"中心点 {center!r} 不是有效的 WGS84 (纬度, 经度)")
    return lat, lon


def check_zoom(zoom: object) -> float:
    """``zoom`` as a float within ``settings.ZOOM_LIMITS``; MapOptionError otherwise."""
    lo, hi = settings.ZOOM_LIMITS
    z = number_or(zoom, float("nan"))
    if not (lo <= z <= hi):
        raise MapOptionError(f"zoom must be a number from {lo:g} to {hi:g}, not {zoom!r}",
                             f"缩放级别必须在 {lo:g} 到 {hi:g} 之间")
    return z


def check_opacity(opacity: Mapping[str, float] | None) -> dict[str, float]:
    """Layer id → opacity factor 0–1; LayerNotFoundError or MapOptionError otherwise."""
    out: dict[str, float] = {}
    for layer_id, value in (opacity or {}).items():
        get_spec(layer_id)  # unknown ids raise LayerNotFoundError
        v = number_or(value, float("nan"))
        if not 0.0 <= v <= 1.0:
            raise MapOptionError(f"opacity of '{layer_id}' must be from 0 to 1, not {value!r}",
                                 f"图层 '{layer_id}' 的不透明度必须在 0 到 1 之间")
        out[layer_id] = v
    return out
