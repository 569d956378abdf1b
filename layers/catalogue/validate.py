"""Checks that a loaded layer meets its spec."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.crs import is_wgs84
from layers.catalogue.spec import FEATURE_REQUIRED, METHODS, LayerSpec

__all__ = ["is_missing", "problems"]

_MULTI = {"MultiPolygon": "Polygon", "MultiLineString": "LineString", "MultiPoint": "Point"}


def is_missing(value) -> bool:
    """True for None, NaN, pandas' NA/NaT and blank strings: an attribute with no value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)) and pd.isna(value):
        return True
    return isinstance(value, str) and not value.strip()


def problems(gdf: gpd.GeoDataFrame, spec: LayerSpec) -> list[str]:
    """List everything wrong with ``gdf`` as layer ``spec``; empty when it is valid.

    Checks: not empty; CRS is WGS84; every geometry present, non-empty, valid and of
    an allowed type; within the Shanghai region; required attributes present and
    filled on every feature (names and per-feature provenance); ids unique.
    """
    out: list[str] = []
    if gdf is None or len(gdf) == 0:
        return ["layer is empty (no features)"]
    if gdf.crs is None:
        out.append("no CRS declared (expected EPSG:4326)")
    elif not is_wgs84(gdf.crs):
        out.append(f"CRS is {gdf.crs.to_string()}, expected EPSG:4326")

    geoms = gdf.geometry
    for i, g in zip(gdf.index, geoms):
        label = _label(gdf, i)
        if g is None or g.is_empty:
            out.append(f"{label}: empty geometry")
            continue
        base = _MULTI.get(g.geom_type, g.geom_type)
        if base not in spec.geometry_types:
            out.append(f"{label}: geometry {g.geom_type}, expected {spec.geometry_type}")
        if not g.is_valid:
            out.append(f"{label}: invalid geometry ({shapely.is_valid_reason(g)})")
    ok = geoms.notna() & ~geoms.is_empty
    if ok.any():
        x0, y0, x1, y1 = geoms[ok].total_bounds
        bx0, by0, bx1, by1 = settings.SHANGHAI_BBOX
        if x0 < bx0 or y0 < by0 or x1 > bx1 or y1 > by1:
            out.append(f"extent {x0:.4f},{y0:.4f},{x1:.4f},{y1:.4f} leaves the Shanghai region "
                       "(wrong CRS or swapped axes?)")

    for col in FEATURE_REQUIRED + spec.required_fields:
        if col not in gdf.columns:
            out.append(f"required attribute '{col}' is missing")
            continue
        empty = [_label(gdf, i) for i, v in gdf[col].items() if is_missing(v)]
        if empty:
            out.append(f"attribute '{col}' is empty for {', '.join(empty[:5])}"
                       + (f" and {len(empty) - 5} more" if len(empty) > 5 else ""))
    if "method" in gdf.columns:
        bad = sorted({str(m) for m in gdf["method"] if not is_missing(m) and m not in METHODS})
        if bad:
            out.append(f"unknown method(s) {bad}; allowed: {list(METHODS)}")
    if "accuracy_m" in gdf.columns:
        acc = pd.to_numeric(gdf["accuracy_m"], errors="coerce")
        if (acc.isna() | (acc <= 0)).any():
            out.append("accuracy_m must be a positive number on every feature")
    if "id" in gdf.columns:
        dup = gdf["id"][gdf["id"].duplicated()].tolist()
        if dup:
            out.append(f"duplicate ids: {dup}")
    return out


def _label(gdf: gpd.GeoDataFrame, i) -> str:
    for col in ("id", "name_en", "name_zh"):
        if col in gdf.columns and not is_missing(gdf.at[i, col]):
            return f"feature '{gdf.at[i, col]}'"
    return f"feature #{i}"
