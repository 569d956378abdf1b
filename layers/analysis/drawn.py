"""What a planner draws on the map: its length or area, and the features it meets."""
from __future__ import annotations

from typing import Iterable

import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.errors import GeometryError, ZJError
from geo.geometry import family
from geo.measure import geodesic_area_m2, geodesic_length_m
from layers.analysis.overlay import overlap
from layers.catalogue.entries import LAYERS
from layers.catalogue.loading import get_spec, load
from layers.text import t

__all__ = ["drawn_geometry", "intersecting", "intersecting_table", "measure"]


def drawn_geometry(drawing: dict | None,
                   region: tuple[float, float, float, float] | None = settings.SHANGHAI_BBOX
                   ) -> BaseGeometry:
    """Turn a GeoJSON Feature or geometry (as streamlit-folium returns a drawing) into a
    valid WGS84 shapely geometry.

    ``region`` is the (lon_min, lat_min, lon_max, lat_max) box the drawing must lie in
    (Shanghai by default; ``None``: anywhere on Earth, e.g. on the test extract).

    Raises
    ------
    GeometryError
        For anything that is not a non-empty point, line or polygon inside the
        Shanghai region; self-intersecting polygons are repaired with make_valid.
    """
    if not isinstance(drawing, dict):
        raise GeometryError("no drawing received", "未收到绘制的图形")
    geometry = drawing.get("geometry", drawing) if drawing.get("type") == "Feature" else drawing
    try:
        geom = shape(geometry)
    except Exception as exc:
        raise GeometryError(f"the drawing is not valid GeoJSON geometry ({exc})",
                            "绘制的图形不是有效的 GeoJSON 几何") from exc
    if geom.is_empty:
        raise GeometryError("the drawing is empty", "绘制的图形为空")
    x0, y0, x1, y1 = geom.bounds
    bx0, by0, bx1, by1 = region or (-180.0, -90.0, 180.0, 90.0)
    if x0 < bx0 or y0 < by0 or x1 > bx1 or y1 > by1:
        raise GeometryError("the drawing lies outside the Shanghai region" if region else
                            "the drawing has coordinates beyond ±180°/±90°",
                            "绘制的图形超出上海范围" if region else "绘制的图形坐标超出经纬度范围")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def measure(geom: BaseGeometry) -> dict:
    """Geodesic figures of a drawn geometry.

    Returns
    -------
    dict
        ``kind`` ("point", "line" or "polygon"), ``length_m`` (lines), ``area_km2`` and
        ``perimeter_m`` (polygons).
    """
    kind = family(geom.geom_type) or "polygon"
    out: dict = {"kind": kind, "length_m": None, "area_km2": None, "perimeter_m": None}
    if kind == "line":
        out["length_m"] = geodesic_length_m(geom)
    elif kind == "polygon":
        out["area_km2"] = geodesic_area_m2(geom) / 1e6
        out["perimeter_m"] = geodesic_length_m(geom.boundary)
    return out


def intersecting(geom: BaseGeometry, layer_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Catalogue features that the drawn ``geom`` touches or overlaps.

    Parameters
    ----------
    geom : shapely geometry
        In WGS84 (see :func:`drawn_geometry`).
    layer_ids : iterable of str, optional
        Layers to test; default every catalogue layer except context layers.

    Returns
    -------
    DataFrame
        One row per feature: ``layer_id``, ``feature_id``, ``name_zh``, ``name_en``,
        ``method`` and, for polygon features met by a drawn polygon, ``overlap_km2``
        and ``share_of_feature`` (0–1). Layers that fail to load are skipped.
    """
    ids = list(layer_ids) if layer_ids is not None else [s.id for s in LAYERS if s.group != "context"]
    rows = []
    drawn_is_area = family(geom.geom_type) == "polygon"
    for layer_id in ids:
        try:
            gdf = load(layer_id)
        except ZJError:
            continue
        hits = gdf[gdf.intersects(geom)]
        for _, f in hits.iterrows():
            inside = share = None
            if drawn_is_area and family(f.geometry.geom_type) == "polygon":
                _, inside, share = overlap(f.geometry, geom)
            rows.append({"layer_id": layer_id, "feature_id": str(f.get("id", "")),
                         "name_zh": f.get("name_zh"), "name_en": f.get("name_en"),
                         "method": f.get("method"), "overlap_km2": inside, "share_of_feature": share})
    return pd.DataFrame(rows, columns=["layer_id", "feature_id", "name_zh", "name_en", "method",
                                       "overlap_km2", "share_of_feature"])


def intersecting_table(geom: BaseGeometry, lang: str, layer_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """:func:`intersecting` with columns labelled and names given in ``lang``, for display."""
    df = intersecting(geom, layer_ids)
    return pd.DataFrame({
        t(lang, "map_layer"): [get_spec(i).title(lang) for i in df["layer_id"]],
        t(lang, "map_feature"): df["name_zh" if lang == "zh" else "name_en"],
        t(lang, "map_overlap_km2"): pd.to_numeric(df["overlap_km2"], errors="coerce").round(3),
        t(lang, "map_share_of_feature"): pd.to_numeric(df["share_of_feature"], errors="coerce").round(3),
    })
