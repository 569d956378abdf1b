"""Checks and repairs of imported geometry: empty features, invalid shapes, mixed types, outside Shanghai.

:func:`clean_geometries` drops features without geometry, makes every geometry 2-D and
repairs invalid ones with ``make_valid`` (or raises); :func:`check_mixed` refuses (or
reports) points, lines and polygons in one layer; :func:`check_outside` refuses data
that lie nowhere near Shanghai and reports features outside it. Geometry families come
from :mod:`geo.geometry`; the labels here are capitalised (``"Point"``, ``"Line"``,
``"Polygon"``) and other types keep their own name.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.errors import ImportFileError, ImportGeometryError
from geo.geometry import family
from layers.io.crsguess import detect_crs, raise_outside
from layers.text import TEXT

__all__ = ["check_mixed", "check_outside", "clean_geometries", "family_label", "family_labels"]


def family_label(geom_type: str) -> str:
    """``"Point"``, ``"Line"`` or ``"Polygon"`` for a geometry type; other types as they are."""
    fam = family(geom_type)
    return fam.capitalize() if fam else geom_type


def family_labels(frame: gpd.GeoDataFrame) -> pd.Series:
    """The :func:`family_label` of every feature of ``frame``."""
    return frame.geometry.geom_type.map(family_label)


def _family_zh(label: str) -> str:
    entry = TEXT.get(f"io_family_{label.lower()}")
    return entry.zh if entry is not None else label


def clean_geometries(frame: gpd.GeoDataFrame, repair: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Drop features without geometry, make 2-D, repair invalid geometries (or raise).

    Returns
    -------
    (GeoDataFrame, list of str)
        The cleaned frame (index 0..n-1) and what was fixed (bilingual lines).
    """
    fixes: list[str] = []
    if len(frame) == 0:
        raise ImportFileError("empty", "the layer has no features; nothing to import", "图层中没有要素, 无可导入内容")
    geoms = frame.geometry.to_numpy()
    keep = ~(pd.isna(geoms) | shapely.is_empty(geoms))
    if not keep.any():
        raise ImportGeometryError("empty", f"all {len(frame)} features have no geometry (null or empty); "
                                  "nothing can be drawn", f"全部 {len(frame)} 个要素都没有几何 (空几何), 无法显示")
    if not keep.all():
        fixes.append(f"{int((~keep).sum())} 个无几何要素已移除 / {int((~keep).sum())} features without geometry removed")
        frame = frame[keep]
    frame = frame.set_geometry(shapely.force_2d(frame.geometry.to_numpy())).reset_index(drop=True)
    bad = ~shapely.is_valid(frame.geometry.to_numpy())
    if bad.any():
        n = int(bad.sum())
        first = int(np.flatnonzero(bad)[0])
        reason = shapely.is_valid_reason(frame.geometry.iloc[first])
        if not repair:
            raise ImportGeometryError("invalid", f"{n} invalid geometries (e.g. feature #{first + 1}: {reason}); "
                                      "repair them in your GIS or import with repair on",
                                      f"{n} 个几何无效 (如第 {first + 1} 个要素: {reason}); 请在 GIS 软件中修复, 或开启自动修复导入")
        fixed = shapely.make_valid(frame.geometry.to_numpy()[bad], method="structure", keep_collapsed=False)
        geoms = frame.geometry.to_numpy().copy()
        geoms[bad] = fixed
        frame = frame.set_geometry(geoms)
        fixes.append(f"{n} 个几何已修复 / {n} geometries repaired (make_valid; e.g. {reason})")
    return frame, fixes


def check_mixed(frame: gpd.GeoDataFrame, allow: bool) -> list[str]:
    """Refuse a layer mixing geometry families, or (``allow``) return a warning about it."""
    fam = family_labels(frame).value_counts()
    if len(fam) <= 1:
        return []
    en = ", ".join(f"{v} {k.lower()}s" for k, v in fam.items())
    zh = "、".join(f"{_family_zh(k)} {v} 个" for k, v in fam.items())
    if not allow:
        raise ImportGeometryError("mixed", f"the layer mixes geometry types ({en}); a map layer holds one type: "
                                  "split it in your GIS, or import with allow_mixed / split by type",
                                  f"图层混合了多种几何类型 ({zh}); 一个图层只能有一种类型: 请在 GIS 中拆分, 或选择按类型拆分导入")
    return [f"图层混合几何类型: {zh} / mixed geometry types: {en}"]


def check_outside(out: gpd.GeoDataFrame, frame: gpd.GeoDataFrame, code: str, swapped: bool) -> list[str]:
    """Raise when no feature of ``out`` (WGS84) touches Shanghai; warn about those outside it."""
    box = shapely.box(*settings.SHANGHAI_BBOX)
    inside = shapely.intersects(out.geometry.to_numpy(), box)
    if not inside.any():
        raise_outside(frame, code, detect_crs(frame))
    if not inside.all():
        n = int((~inside).sum())
        return [f"{n} 个要素位于上海范围之外 / {n} features lie outside the Shanghai region"]
    return []
