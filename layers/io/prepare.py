"""Layers made ready to write: safe names, attributes as plain values, frames in the target CRS.

:func:`prepare` turns the frames of an export into :class:`Prepared` layers: an ASCII
name (:func:`safe_names`), the frame in the target CRS (GCJ-02 vertices shifted with
:mod:`geo.chinacoords`) with attributes a GIS file can hold (:func:`serialise_attributes`:
lists, dicts and other containers become JSON text), and the layer's provenance.
Stored data are WGS84; nothing here changes them.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np

from geo.chinacoords import convert_frame
from geo.crs import to_wgs84
from geo.errors import GeometryError
from layers.catalogue.validate import is_missing
from layers.io.exportcrs import Target
from layers.io.provenance import PROVENANCE_TABLE, layer_provenance

__all__ = ["Prepared", "json_text", "prepare", "safe_names", "serialise_attributes"]


@dataclass
class Prepared:
    """One layer ready to write: a safe name, the frame in the target CRS, its provenance."""

    name: str
    frame: gpd.GeoDataFrame
    provenance: dict


def json_text(value: Any) -> str:
    """``value`` as JSON text (arrays as lists, sets sorted, other objects as ``str``)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    return json.dumps(value, ensure_ascii=False, default=str)


def _plain(v: Any) -> Any:
    """A value a GIS file can hold: text and missing values as they are, containers as JSON."""
    if isinstance(v, str) or is_missing(v):
        return v
    if isinstance(v, (list, dict, tuple, set, frozenset, np.ndarray)):
        return json_text(v)
    return str(v)


def serialise_attributes(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy whose object columns hold only text or plain values: lists, dicts, tuples,
    sets and arrays become JSON text, other objects their ``str``; extra geometry
    columns become WKT."""
    out = gdf.copy()
    geom = out.geometry.name
    for col in out.columns:
        if col == geom:
            continue
        series = out[col]
        if isinstance(series.dtype, gpd.array.GeometryDtype):
            out[col] = gpd.GeoSeries(series).to_wkt()
            continue
        if series.dtype != object:
            continue
        series = series.infer_objects()
        if series.dtype != object:
            out[col] = series
            continue
        out[col] = series.map(_plain)
    return out


#: Names a layer may not take (they are the export's own tables and files).
_RESERVED = {PROVENANCE_TABLE.lower(), "fields", "long_text", "provenance"}


def safe_names(names: Iterable[str]) -> dict[str, str]:
    """ASCII file and table names for layer names (letters, digits, ``_``, ``-``), unique."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for i, name in enumerate(names, 1):
        base = re.sub(r"[^A-Za-z0-9_-]+", "_", str(name)).strip("_") or f"layer_{i}"
        cand, n = base, 1
        while cand.lower() in used or cand.lower() in _RESERVED:
            n += 1
            cand = f"{base}_{n}"
        used.add(cand.lower())
        out[name] = cand
    return out


def prepare(frames: Mapping[str, gpd.GeoDataFrame | None], target: Target,
            provenance: Mapping[str, Mapping] | None = None) -> list[Prepared]:
    """Frames in the target CRS, attributes serialised, with safe names and provenance.

    ``None`` frames are left out; empty frames are kept (an empty gap layer is a result).
    """
    given = {k: v for k, v in frames.items() if v is not None}
    if not given:
        raise GeometryError("nothing to export: no layers given", "没有可导出的图层")
    names = safe_names(given)
    out = []
    for name, frame in given.items():
        gdf = serialise_attributes(to_wgs84(frame))
        if target.gcj02:
            gdf = convert_frame(gdf, "wgs84", "gcj02")
        elif not target.is_wgs84:
            gdf = gdf.to_crs(target.crs)
        prov = layer_provenance(name, (provenance or {}).get(name))
        out.append(Prepared(names[name], gdf.reset_index(drop=True), prov))
    return out
