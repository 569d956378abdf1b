"""Measuring the planner's imported layers and overlaying them on other layers, geodesically.

:func:`overlap` is the one intersection figure of the project: how much of a shape
lies inside another (km² and share). :func:`overlay` applies it to every feature of an
imported layer, :func:`layers.analysis.drawn.intersecting` to the catalogue features a
drawn shape meets.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.geometry import family
from geo.measure import areas_km2, geodesic_area_m2, geodesic_length_m
from layers.analysis.memo import FrameMemo
from layers.analysis.names import name_column
from layers.catalogue.loading import load

__all__ = ["OVERLAY_COLUMNS", "measure_layer", "overlap", "overlay", "overlay_summary", "overlay_with"]

#: Columns of :func:`overlay`'s table.
OVERLAY_COLUMNS = ["name", "touches", "area_km2", "inside_km2", "share"]

_MEMO = FrameMemo()


def overlap(geom: BaseGeometry, other: BaseGeometry) -> tuple[float, float, float | None]:
    """How much of ``geom`` lies inside ``other`` (both WGS84), geodesically.

    Returns
    -------
    tuple
        (area of ``geom`` in km², area of ``geom ∩ other`` in km², their ratio 0–1,
        or None when ``geom`` has no area).
    """
    area = geodesic_area_m2(geom) / 1e6
    inside = geodesic_area_m2(geom.intersection(other)) / 1e6
    return area, inside, (inside / area if area > 0 else None)


def measure_layer(gdf: gpd.GeoDataFrame) -> dict:
    """Feature count, geodesic area (km²) and length (km) of an imported layer (remembered
    while ``gdf`` lives; do not modify the dict)."""
    def compute() -> dict:
        length = sum(geodesic_length_m(g) for g in gdf.geometry
                     if g is not None and family(g.geom_type) == "line")
        return {"features": int(len(gdf)), "area_km2": float(areas_km2(gdf).sum()), "length_km": length / 1e3}
    return _MEMO.get((gdf,), ("measure",), compute)


def overlay(frame: gpd.GeoDataFrame, other: gpd.GeoDataFrame) -> pd.DataFrame:
    """How much of each feature of ``frame`` lies in ``other`` (both WGS84), geodesically.

    Parameters
    ----------
    frame : GeoDataFrame
        The planner's layer.
    other : GeoDataFrame
        What it is checked against: a catalogue layer (the 2021 boundary), the gaps of a
        coverage check, another imported layer. Its polygons are merged first.

    Returns
    -------
    DataFrame
        One row per feature: ``name``, ``touches`` (bool), ``area_km2``, ``inside_km2``,
        ``share`` (0–1; points and lines: 1.0 when they touch, else 0.0).
    """
    geoms = frame.geometry.to_numpy()
    polys = [g for g in other.geometry if g is not None and not g.is_empty]
    whole = shapely.union_all(shapely.make_valid(np.array(polys, dtype=object))) if polys else None
    col = name_column(frame)
    names = frame[col].astype(str).to_numpy() if col else np.array([str(i + 1) for i in range(len(frame))])
    rows = []
    for name, g in zip(names, geoms):
        if g is None or g.is_empty:
            continue
        touches = whole is not None and bool(g.intersects(whole))
        if touches and whole is not None:
            area, inside, share = overlap(g, whole)
        else:
            area, inside, share = geodesic_area_m2(g) / 1e6, 0.0, 0.0
        if share is None:  # a point or a line: inside when it touches
            inside, share = 0.0, float(touches)
        rows.append({"name": name, "touches": touches, "area_km2": area, "inside_km2": inside, "share": share})
    return pd.DataFrame(rows, columns=OVERLAY_COLUMNS)


def overlay_summary(table: pd.DataFrame) -> dict:
    """Totals of :func:`overlay`: ``features``, ``touching``, ``area_km2``, ``inside_km2``, ``share``."""
    area = float(table["area_km2"].sum())
    inside = float(table["inside_km2"].sum())
    return {"features": int(len(table)), "touching": int(table["touches"].sum()), "area_km2": area,
            "inside_km2": inside, "share": inside / area if area > 0 else
            (float(table["touches"].mean()) if len(table) else 0.0)}


def overlay_with(frame: gpd.GeoDataFrame, other: gpd.GeoDataFrame | None = None, *,
                 layer_id: str | None = None) -> tuple[pd.DataFrame, dict]:
    """:func:`overlay` and :func:`overlay_summary` of ``frame`` against ``other`` or the
    catalogue layer ``layer_id``, remembered while the frames live (do not modify them)."""
    if layer_id is not None:
        def compute() -> tuple[pd.DataFrame, dict]:
            table = overlay(frame, load(layer_id))
            return table, overlay_summary(table)
        return _MEMO.get((frame,), ("overlay", layer_id), compute)
    if other is None:
        raise TypeError("overlay_with needs another frame or a layer_id")

    def compute_other() -> tuple[pd.DataFrame, dict]:
        table = overlay(frame, other)
        return table, overlay_summary(table)
    return _MEMO.get((frame, other), ("overlay",), compute_other)
