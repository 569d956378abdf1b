"""The GeoJSON reader: features, geometries and a legacy ``crs`` member, checked strictly.

JSON is parsed with Python's own parser (``NaN``/``Infinity`` refused); every feature's
geometry is built with shapely and must have finite coordinates. A file without a
``crs`` member is WGS84 by definition (RFC 7946) when its numbers fit.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.crs import as_crs
from geo.errors import ImportFileError
from layers.io.importbase import Raw, decode_text

__all__ = ["parse_json", "read_geojson"]

_GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                   "GeometryCollection")


def read_geojson(path: Path, layer: str | None, max_bytes: int) -> Raw:
    """Read a GeoJSON file (FeatureCollection, Feature or bare geometry)."""
    text = decode_text(path.read_bytes(), path.name, "GeoJSON", ("utf-8-sig",))
    doc = parse_json(text, path.name)
    features = _features(doc, path.name)
    if not features:
        raise ImportFileError("empty", f"{path.name}: the GeoJSON has no features; nothing to import",
                              f"{path.name}: GeoJSON 中没有要素, 无可导入内容")
    geoms = [_geometry(f, i, path.name) for i, f in enumerate(features)]
    props: list[dict] = [p if isinstance(p := f.get("properties"), dict) else {} for f in features]
    frame = gpd.GeoDataFrame(pd.DataFrame(props), geometry=geoms)
    declared = _declared_crs(doc)
    return Raw(frame, declared, "geojson", lonlat_default=declared is None)


def parse_json(text: str, name: str) -> Any:
    """The JSON document in ``text``; ``NaN`` and ``Infinity`` are refused as broken JSON."""
    def _no_constant(token: str) -> None:
        raise ValueError(f"{token} is not allowed in JSON")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ImportFileError("broken", f"{name}: broken JSON at line {exc.lineno}, column {exc.colno} "
                              f"({exc.msg}); the file is damaged or cut off: export it again",
                              f"{name}: JSON 格式错误 (第 {exc.lineno} 行第 {exc.colno} 列), 文件损坏或不完整, "
                              "请重新导出") from None
    except (ValueError, RecursionError) as exc:
        raise ImportFileError("broken", f"{name}: broken JSON ({str(exc)[:80]}); export it again",
                              f"{name}: JSON 格式错误, 请重新导出") from None


def _features(doc: Any, name: str) -> list[dict]:
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list) or not all(isinstance(f, dict) for f in feats):
            raise ImportFileError("broken", f"{name}: 'features' must be a list of Feature objects",
                                  f"{name}: 'features' 必须是要素对象列表, 文件已损坏")
        return feats
    if kind == "Feature":
        return [doc]
    if kind in _GEOMETRY_TYPES:
        return [{"type": "Feature", "geometry": doc, "properties": {}}]
    raise ImportFileError("not_geo", f"{name}: valid JSON but not GeoJSON (no FeatureCollection, Feature or "
                          "geometry 'type'); export the layer as GeoJSON",
                          f"{name}: 是 JSON 但不是 GeoJSON (缺少 FeatureCollection/Feature 类型), 请导出为 GeoJSON")


def _geometry(feature: dict, i: int, name: str):
    geom = feature.get("geometry")
    if geom is None:
        return None
    try:
        g = shapely.geometry.shape(geom)
        if not np.isfinite(shapely.get_coordinates(g)).all():
            raise ValueError("coordinates are not finite numbers")
        return g
    except Exception as exc:
        raise ImportFileError("broken", f"{name}: feature #{i + 1} has a malformed geometry ({str(exc)[:80]}); "
                              "fix or delete it in your GIS",
                              f"{name}: 第 {i + 1} 个要素的几何格式错误, 请在 GIS 软件中修正或删除") from None


def _declared_crs(doc: Any) -> CRS | None:
    member = doc.get("crs") if isinstance(doc, dict) else None
    if not isinstance(member, dict):
        return None
    crs_name = (member.get("properties") or {}).get("name") if isinstance(member.get("properties"), dict) else None
    if not crs_name:
        return None
    return as_crs(str(crs_name))
