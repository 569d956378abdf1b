"""How a project's layers and drawings become GeoPackage tables, and come back.

A layer's columns are stored as ``c0``, ``c1``... (SQLite column names are
case-insensitive and some clash with GPKG's own) with their real names and pandas
dtypes kept beside them (:func:`encode_frame` / :func:`decode_frame`); object values
become text, numbers or booleans GDAL can store. Drawings are GeoJSON features: their
properties and other members are JSON text (:func:`encode_drawings` /
:func:`decode_drawings`). The layers' styles are JSON in the meta table, checked on reading
(:func:`read_styles`). Reading parses JSON only: a project file cannot run code.
"""
from __future__ import annotations

import json
import struct
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping, shape

from geo.bilingual import Bilingual
from geo.errors import ProjectFileError, ZJError
from layers.catalogue.validate import is_missing
from layers.styling import Style
from layers.text import text

__all__ = ["check_sqlite_header", "corrupt", "decode_drawings", "decode_frame", "dumps", "encode_drawings",
           "encode_frame", "geometry_type", "not_project", "read_styles", "read_table"]

#: GeoPackage geometry type names by shapely type id.
_GPKG_TYPES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
               6: "MultiPolygon", 7: "GeometryCollection"}


# ------------------------------------------------------------------------------------ errors

def not_project(path: Path) -> ProjectFileError:
    """The error for a file that is not a project file of this app."""
    return ProjectFileError(f"{path.name} is not a project file of this app (use Import for other GeoPackages)",
                            f"{path.name} 不是本应用的项目文件(其他 GeoPackage 请用“导入图层”)")


def corrupt(path: Path, why: Any) -> ProjectFileError:
    """The error for a damaged or incomplete project file (``why``: first line shown)."""
    why = str(why).strip().splitlines()[0][:160] if str(why).strip() else type(why).__name__
    return ProjectFileError(f"project file {path.name} is damaged or incomplete ({why})",
                            f"项目文件 {path.name} 已损坏或不完整({why})")


def check_sqlite_header(path: Path, size: int) -> None:
    """Reject non-SQLite files and truncated ones (file shorter than the size its header records)."""
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        raise not_project(path)
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages, change, valid_for = struct.unpack(">I", head[28:32])[0], head[24:28], head[92:96]
    if page_size < 512 or page_size & (page_size - 1):
        raise corrupt(path, "bad page size")
    if size % page_size:
        raise corrupt(path, "truncated")
    if pages and change == valid_for and size < pages * page_size:
        raise corrupt(path, "truncated")


# ------------------------------------------------------------------------------------ JSON

def dumps(value: Any, what: str = "value") -> str:
    """``value`` as JSON text (numpy values, timestamps and sets allowed); ProjectFileError if impossible."""
    try:
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise ProjectFileError(f"{what} cannot be saved: {exc}", f"{what} 无法保存:{exc}") from exc


def _json_default(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (datetime, pd.Timestamp)):
        return v.isoformat()
    if isinstance(v, (set, frozenset, tuple)):
        return list(v)
    raise TypeError(f"{type(v).__name__} is not JSON-able")


# ---------------------------------------------------------------------------------- writing

def geometry_type(geoms: np.ndarray) -> str:
    """The GeoPackage geometry type of a column: its one type (``" Z"`` if 3-D), else ``"Unknown"``."""
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))] if len(geoms) else geoms
    types = set(shapely.get_type_id(present).tolist())
    if len(types) != 1:
        return "Unknown"
    name = _GPKG_TYPES.get(types.pop())
    if name is None:
        return "Unknown"
    return name + (" Z" if shapely.has_z(present).any() else "")


def encode_frame(gdf: gpd.GeoDataFrame, name: str) -> tuple[gpd.GeoDataFrame, list]:
    """The frame with columns ``c0``, ``c1``..., and ``[original name, stored name, dtype]`` per column."""
    gcol = gdf.geometry.name
    out, columns = {}, []
    for j, col in enumerate(c for c in gdf.columns if c != gcol):
        stored = f"c{j}"
        s = gdf[col]
        dtype = str(s.dtype)
        if isinstance(s.dtype, gpd.array.GeometryDtype):  # a second geometry column: kept as WKB hex
            s = pd.Series(shapely.to_wkb(s.to_numpy(), hex=True), index=s.index, dtype=object)
        elif isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object).where(s.notna(), None)
        elif s.dtype == object:
            s = s.map(_plain)
        out[stored] = s.to_numpy() if s.dtype == object else s.array
        columns.append([_json_key(col), stored, dtype])
    frame = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    frame.index = pd.RangeIndex(len(frame))
    return frame, columns


def _json_key(col: Any) -> Any:
    return col if isinstance(col, (str, int, float, bool)) or col is None else str(col)


def _plain(v: Any) -> Any:
    """An object-column value GDAL can store: text, number, bool, None (others become text)."""
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if is_missing(v):
        return None
    if isinstance(v, (dict, list, tuple)):
        return dumps(v)
    return str(v)


def encode_drawings(drawings: list) -> gpd.GeoDataFrame:
    """The drawings table: ``position``, ``properties`` and ``extra`` (JSON text) and the geometry."""
    pos, props, extra, geoms = [], [], [], []
    for i, feat in enumerate(drawings):
        if not isinstance(feat, dict):
            raise ProjectFileError(f"drawing {i + 1} is not a GeoJSON feature", f"第 {i + 1} 个绘图不是 GeoJSON 要素")
        geom = feat.get("geometry")
        try:
            geoms.append(None if geom is None else shape(geom))
        except Exception as exc:
            raise ProjectFileError(f"drawing {i + 1} has an unreadable geometry ({exc})",
                                   f"第 {i + 1} 个绘图的几何无法读取({exc})") from exc
        pos.append(i)
        props.append(dumps(feat.get("properties"), what=f"drawing {i + 1}"))
        extra.append(dumps({k: v for k, v in feat.items() if k not in ("type", "geometry", "properties")},
                           what=f"drawing {i + 1}"))
    return gpd.GeoDataFrame({"position": np.asarray(pos, dtype="int64"), "properties": np.asarray(props, dtype=object),
                             "extra": np.asarray(extra, dtype=object)},
                            geometry=np.asarray(geoms, dtype=object) if geoms else gpd.GeoSeries([]).to_numpy(),
                            crs="EPSG:4326")


# ---------------------------------------------------------------------------------- reading

def read_table(path: Path, table: str, **kw: Any) -> Any:
    """One table of the GeoPackage (a GeoDataFrame, or a DataFrame with ``read_geometry=False``)."""
    return pyogrio.read_dataframe(path, layer=table, **kw)


def decode_frame(path: Path, row: Any) -> gpd.GeoDataFrame:
    """The layer of one ``project_layers`` row, with its real column names and dtypes."""
    raw = read_table(path, row.table_name)
    if len(raw) != int(row.rows):
        raise corrupt(path, f"{row.table_name}: {len(raw)} of {int(row.rows)} rows")
    columns = json.loads(row.columns)
    data = {}
    for original, stored, dtype in columns:
        if stored not in raw.columns:
            raise corrupt(path, f"{row.table_name}: column {stored} missing")
        s = raw[stored]
        if dtype == "geometry":
            s = gpd.GeoSeries(shapely.from_wkb(s.where(s.notna(), None).to_numpy()), crs=raw.crs)
        elif dtype == "object":
            s = s.astype(object).where(s.notna(), None)
        elif dtype != str(s.dtype):
            try:
                s = s.astype(dtype)
            except (TypeError, ValueError):
                pass
        data[original] = s.to_numpy() if dtype == "object" else s.array
    gcol = str(row.geometry_column or "geometry")
    geoms = raw.geometry.to_numpy() if isinstance(raw, gpd.GeoDataFrame) else np.full(len(raw), None)
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(raw)), columns=[c[0] for c in columns] or None)
    frame[gcol] = gpd.GeoSeries(geoms, index=frame.index, crs=getattr(raw, "crs", None))
    return gpd.GeoDataFrame(frame, geometry=gcol, crs=getattr(raw, "crs", None))


def decode_drawings(path: Path, table: str) -> list[dict]:
    """The drawings as GeoJSON features, in order."""
    raw = read_table(path, table)
    if len(raw) == 0:
        return []
    raw = raw.sort_values("position")
    out = []
    for props, extra, geom in zip(raw["properties"], raw["extra"], raw.geometry):
        feat = {"type": "Feature",
                "geometry": None if geom is None else json.loads(json.dumps(mapping(geom))),
                "properties": json.loads(props) if isinstance(props, str) else None}
        if isinstance(extra, str):
            more = json.loads(extra)
            if isinstance(more, dict):
                feat.update({k: v for k, v in more.items() if k not in feat})
        out.append(feat)
    return out


def read_styles(raw: Any, layers: dict[str, gpd.GeoDataFrame]) -> tuple[dict[str, dict], list[Bilingual]]:
    """The styles a project file holds (``meta["styles"]``, untrusted), each checked by
    :meth:`layers.styling.Style.from_dict` against its layer as read.

    Returns layer name → ``Style.to_dict()`` of the styles that fit, and notes for the planner:
    how many were left out (not a style, no such layer, a column the layer lacks …) and what
    :meth:`~layers.styling.Style.from_dict` dropped inside a style.
    """
    if raw is None:
        return {}, []
    notes: list[Bilingual] = []
    out: dict[str, dict] = {}
    items = list(raw.items()) if isinstance(raw, dict) else []
    dropped = 0 if isinstance(raw, dict) else 1
    for name, d in items:
        frame = layers.get(str(name))
        if frame is None:
            dropped += 1
            continue
        try:
            out[str(name)] = Style.from_dict(d, frame, notes).to_dict()
        except ZJError:
            dropped += 1
    if dropped:
        notes.insert(0, text("prj_styles_dropped").format(n=dropped))
    return out, notes
