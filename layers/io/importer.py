"""Import a planner's own file as a WGS84 layer: :func:`read_layer`.

Formats: GeoJSON, GeoPackage (one chosen layer), zipped or loose Shapefile (with or
without ``.prj``; UTF-8 or GBK attributes), KML, KMZ and CSV (lon/lat columns or a
WKT column). Every failure is an :class:`~geo.errors.ImportFileError` or
:class:`~geo.errors.ImportGeometryError` with a bilingual message that says what is
wrong and what to do; the ``kind`` attribute names the case for code.

Coordinates: the declared CRS is used. When a file declares none, :func:`detect_crs`
lists the CRSs under which the data land in Shanghai (WGS84/CGCS2000 lon/lat,
CGCS2000 3° Gauss-Krüger zones 40/41 with and without zone prefix, UTM 51N), ranked.
Lon/lat data in Shanghai are taken as WGS84 with a warning; projected data need the
planner's confirmation (``Imported.needs_confirmation``; pass ``crs=`` to confirm).
GCJ-02 (Amap/Tencent) and BD-09 (Baidu) cannot be told from WGS84 by their numbers:
the planner chooses them with ``datum=``.

Safety: zip archives are checked (entry names, declared sizes, compression ratio)
before anything is read; members are read into memory with a cap and written under
fixed names into a private temporary folder. Attribute text is kept verbatim
(escaping HTML is the display's job). The module keeps no state between calls.
"""
from __future__ import annotations

import argparse
import codecs
import csv
import functools
import io
import json
import re
import struct
import sys
import tempfile
import warnings as _warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from geo import settings
from geo.chinacoords import convert_frame
from geo.crs import as_crs, to_wgs84
from geo.errors import CRSError, ImportFileError, ImportGeometryError

#: Largest file :func:`read_layer` accepts, and the most a zip may unpack to, in bytes.
#: 200 MB holds any district-scale planning layer (all of Shanghai's land parcels as a
#: Shapefile are ~150 MB) while keeping a browser upload and the in-memory frame
#: (roughly 5-10x the file size) within an office laptop's memory. A parameter
#: (``max_bytes``) for bigger jobs on the command line.
MAX_IMPORT_BYTES = 200 * 1024**2
#: Environment variable that sets the app's and the command line's limit in MB (default 200).
#: Streamlit refuses uploads over its own ``server.maxUploadSize`` (200 MB) first: raise both.
MAX_IMPORT_ENV = settings.MAX_IMPORT_ENV
#: Highest uncompressed/compressed ratio of a zip member larger than
#: :data:`ZIP_RATIO_MIN_BYTES`. Real GIS data compress 2-20x (text up to ~50x);
#: deflate cannot exceed ~1030x, which is what zip bombs use.
MAX_ZIP_RATIO = 100
#: Members smaller than this are never called bombs (tiny files can compress well).
ZIP_RATIO_MIN_BYTES = 1024**2
#: Most entries a zip may list (a Shapefile has fewer than 10 files per layer).
MAX_ZIP_ENTRIES = 10_000
#: Longitude/latitude column names accepted in CSV files (compared after normalising).
LON_NAMES = ("lon", "lng", "long", "longitude", "经度", "东经", "x", "pointx", "coordx")
LAT_NAMES = ("lat", "latitude", "纬度", "北纬", "y", "pointy", "coordy")
WKT_NAMES = ("wkt", "geometry", "geom", "thegeom", "shape", "几何")
#: CRSs tried when a file declares none, in order of prior likelihood for Shanghai
#: planning data (ties in fit are broken by this order).
CANDIDATE_CRS = {
    "EPSG:4326": ("WGS84 lon/lat", "WGS84 经纬度"),
    "EPSG:4490": ("CGCS2000 lon/lat", "CGCS2000 经纬度"),
    "EPSG:4550": ("CGCS2000 3° Gauss-Krüger CM 123°E, no zone prefix", "CGCS2000 3度带 中央经线123° (无带号)"),
    "EPSG:4549": ("CGCS2000 3° Gauss-Krüger CM 120°E, no zone prefix", "CGCS2000 3度带 中央经线120° (无带号)"),
    "EPSG:4529": ("CGCS2000 3° Gauss-Krüger zone 41 (CM 123°E, prefixed)", "CGCS2000 3度带 第41带 (带号)"),
    "EPSG:4528": ("CGCS2000 3° Gauss-Krüger zone 40 (CM 120°E, prefixed)", "CGCS2000 3度带 第40带 (带号)"),
    "EPSG:32651": ("WGS84 UTM zone 51N", "WGS84 UTM 51N 带"),
}
GEOGRAPHIC = ("EPSG:4326", "EPSG:4490")
DATUMS = ("wgs84", "gcj02", "bd09")
SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shpzip", ".shp": "shp",
            ".kml": "kml", ".kmz": "kmz", ".csv": "csv", ".txt": "csv", ".tsv": "csv"}
SUPPORTED = "GeoJSON, GeoPackage (.gpkg), zipped Shapefile (.zip), KML, KMZ, CSV"
SUPPORTED_ZH = "GeoJSON、GeoPackage (.gpkg)、Shapefile 压缩包 (.zip)、KML、KMZ、CSV"
_SHP_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")
_KML_DROP = ("id", "timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility",
             "drawOrder", "icon")
_FAMILY = {"Point": "Point", "MultiPoint": "Point", "LineString": "Line", "MultiLineString": "Line",
           "LinearRing": "Line", "Polygon": "Polygon", "MultiPolygon": "Polygon"}
_FAMILY_ZH = {"Point": "点", "Line": "线", "Polygon": "面", "GeometryCollection": "几何集合"}


@dataclass(frozen=True)
class Candidate:
    """A CRS under which undeclared coordinates land in Shanghai.

    Attributes
    ----------
    crs : str
        ``"EPSG:xxxx"``.
    name_en, name_zh : str
        Planner-readable name.
    share_inside : float
        Share of sampled vertices inside ``settings.SHANGHAI_BBOX`` (0-1) after transforming.
    swap : bool
        True for the "swap axes" fix: the file has (lat, lon) instead of (lon, lat).
    """

    crs: str
    name_en: str
    name_zh: str
    share_inside: float
    swap: bool = False

    @property
    def label(self) -> str:
        """``"EPSG:4550 CGCS2000 … / …"`` for lists shown to planners."""
        extra = " + swap axes / 交换经纬度" if self.swap else ""
        return f"{self.crs}{extra}: {self.name_zh} / {self.name_en} ({self.share_inside:.0%} in Shanghai)"


@dataclass
class Imported:
    """The result of :func:`read_layer`.

    Attributes
    ----------
    frame : GeoDataFrame
        The features in WGS84 (EPSG:4326), 2-D geometries, attributes verbatim.
    crs_used : str
        The CRS the coordinates were read in (declared, given, or best detected).
    candidates : list of Candidate
        Detected CRSs, best first (empty when the file declares its CRS).
    needs_confirmation : bool
        True when ``crs_used`` is a guess the planner must confirm (``crs=``).
    fixes : list of str
        What was repaired (bilingual lines), e.g. "3 个几何已修复 / 3 geometries repaired".
    warnings : list of str
        What the planner should know but did not stop the import.
    source, fmt, layer : str
        File name, format key and chosen layer (``""`` when the format has one).
    datum : str
        ``"wgs84"``, or ``"gcj02"``/``"bd09"`` when converted from those.
    """

    frame: gpd.GeoDataFrame
    crs_used: str
    candidates: list[Candidate] = field(default_factory=list)
    needs_confirmation: bool = False
    fixes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    source: str = ""
    fmt: str = ""
    layer: str = ""
    datum: str = "wgs84"


@dataclass
class _Raw:
    """A frame as read from the file, before CRS, repair and checks."""

    frame: gpd.GeoDataFrame
    declared: CRS | None
    fmt: str
    layer: str = ""
    fixes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lonlat_default: bool = False  # GeoJSON/KML: WGS84 by definition when the numbers fit


# --- public API ----------------------------------------------------------------------------------

def read_layer(path, *, layer: str | None = None, crs=None, datum: str | None = None, swap: bool = False,
               repair: bool = True, allow_mixed: bool = False,
               max_bytes: int = MAX_IMPORT_BYTES) -> Imported:
    """Import a planner's file as a WGS84 layer.

    Parameters
    ----------
    path : str or Path
        The file (.geojson/.json, .gpkg, .zip, .shp, .kml, .kmz, .csv/.txt/.tsv).
    layer : str, optional
        GeoPackage layer, Shapefile in a zip (name with or without ``.shp``) or KML folder.
    crs : str or int, optional
        CRS of the coordinates (``"EPSG:4550"``); overrides a declared one; confirms a detected one.
    datum : {"wgs84", "gcj02", "bd09"}, optional
        Offset datum of lon/lat data from Amap/Tencent (gcj02) or Baidu (bd09); converted to WGS84.
    swap : bool
        Swap x and y (files with latitude first), e.g. after the "swap axes" candidate.
    repair : bool
        Repair invalid geometries with ``make_valid`` (default) instead of raising.
    allow_mixed : bool
        Accept points, lines and polygons in one layer (reported in warnings) instead of raising.
    max_bytes : int
        Largest file, and most a zip may unpack to (default :data:`MAX_IMPORT_BYTES`).

    Returns
    -------
    Imported

    Raises
    ------
    ImportFileError, ImportGeometryError, CRSError
    """
    path = Path(path)
    datum = _check_datum(datum)
    given = as_crs(crs) if crs is not None else None
    raw = _read_any(path, layer, max_bytes)
    frame, fixes = _clean_geometries(raw.frame, repair)
    warnings = list(raw.warnings)
    warnings += _check_mixed(frame, allow_mixed)
    if swap:
        frame = frame.set_geometry(shapely.transform(frame.geometry.to_numpy(), lambda c: c[:, ::-1]))
        fixes.append("已交换经纬度 (x/y) / swapped axes (x/y) as requested")
    crs_used, candidates, confirm, notes = _choose_crs(frame, raw, given)
    warnings += notes
    out = _to_wgs84(frame, crs_used)
    if datum != "wgs84":
        out = convert_frame(out, datum, "wgs84")
        fixes.append(f"已从 {datum.upper()} 转换为 WGS84 / converted from {datum.upper()} to WGS84")
    warnings += _check_outside(out, frame, crs_used, swap)
    return Imported(frame=out, crs_used=crs_used, candidates=candidates, needs_confirmation=confirm,
                    fixes=raw.fixes + fixes, warnings=warnings, source=path.name, fmt=raw.fmt,
                    layer=raw.layer, datum=datum)


def max_import_bytes() -> int:
    """The import size limit: ``$ZJ_MAX_IMPORT_MB`` megabytes, else :data:`MAX_IMPORT_BYTES`."""
    raw = settings.env_text(MAX_IMPORT_ENV)
    try:
        mb = float(raw) if raw else 0.0
    except ValueError:
        mb = 0.0
    return int(mb * 1024**2) if mb > 0 else MAX_IMPORT_BYTES


def list_layers(path, *, max_bytes: int = MAX_IMPORT_BYTES) -> list[str]:
    """Names a planner can pass as ``layer=``: GeoPackage layers, Shapefiles in a zip, KML folders.

    Formats with one layer give ``[]``.
    """
    path = Path(path)
    fmt = _format_of(path, max_bytes)
    if fmt == "gpkg":
        return _gpkg_layers(path)
    if fmt == "shpzip":
        with _open_zip(path, max_bytes) as zf:
            return [PurePosixPath(n).name for n in _shp_members(zf)]
    return []


def detect_crs(gdf: gpd.GeoDataFrame) -> list[Candidate]:
    """CRSs under which ``gdf``'s coordinates (its CRS ignored) land in Shanghai, best first.

    Tries :data:`CANDIDATE_CRS` and, for lon/lat-like numbers, the swapped axes.
    Ranked by the share of vertices inside ``settings.SHANGHAI_BBOX``, then by
    :data:`CANDIDATE_CRS` order. GK CM 123°E (EPSG:4550) and UTM 51N (EPSG:32651)
    share a central meridian and false easting; near Shanghai they differ by ~1.4 km
    only, so both are listed and the planner must choose.
    """
    xy = _sample_xy(gdf)
    if len(xy) == 0:
        return []
    found = [_candidate(code, xy, swap=False) for code in CANDIDATE_CRS]
    found += [_candidate(code, xy[:, ::-1], swap=True) for code in GEOGRAPHIC]
    order = list(CANDIDATE_CRS)
    found = [c for c in found if c is not None and c.share_inside > 0]
    return sorted(found, key=lambda c: (-round(c.share_inside, 3), c.swap, order.index(c.crs)))


def summary(imported: Imported) -> dict:
    """Plain facts about an import, for the app and the command line.

    Returns
    -------
    dict
        ``source``, ``format``, ``layer``, ``features``, ``geometry_types`` (counts),
        ``crs_used``, ``needs_confirmation``, ``candidates`` (labels), ``datum``,
        ``bounds`` (WGS84 lon/lat), ``columns``, ``fixes``, ``warnings``.
    """
    gdf = imported.frame
    types = gdf.geometry.geom_type.value_counts().to_dict() if len(gdf) else {}
    bounds = [round(float(v), 6) for v in gdf.total_bounds] if len(gdf) else []
    return {"source": imported.source, "format": imported.fmt, "layer": imported.layer,
            "features": int(len(gdf)), "geometry_types": {str(k): int(v) for k, v in types.items()},
            "crs_used": imported.crs_used, "needs_confirmation": imported.needs_confirmation,
            "candidates": [c.label for c in imported.candidates], "datum": imported.datum,
            "bounds": bounds, "columns": [c for c in gdf.columns if c != gdf.geometry.name],
            "fixes": list(imported.fixes), "warnings": list(imported.warnings)}


def split_by_type(imported: Imported) -> dict[str, gpd.GeoDataFrame]:
    """Split a mixed layer into ``{"Point": …, "Line": …, "Polygon": …}`` frames (multi-parts kept)."""
    fam = imported.frame.geometry.geom_type.map(lambda t: _FAMILY.get(t, t))
    return {str(k): imported.frame[fam == k].copy() for k in fam.unique()}


# --- formats -------------------------------------------------------------------------------------

def _read_any(path: Path, layer: str | None, max_bytes: int) -> _Raw:
    fmt = _format_of(path, max_bytes)
    reader = {"geojson": _read_geojson, "gpkg": _read_gpkg, "shpzip": _read_shp_zip, "shp": _read_shp,
              "kml": _read_kml, "kmz": _read_kmz, "csv": _read_csv}[fmt]
    return reader(path, layer, max_bytes)


def _format_of(path: Path, max_bytes: int) -> str:
    """The format key of ``path`` after the size checks."""
    name = path.name
    if not path.is_file():
        raise ImportFileError("broken", f"{name}: file not found or not a file; check the path",
                              f"{name}: 找不到该文件, 请检查路径")
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError("too_large", f"{name}: the file is {_mb(size)}, over the {_mb(max_bytes)} import "
                              "limit; clip it to the study area or simplify it first",
                              f"{name}: 文件大小 {_mb(size)}, 超过导入上限 {_mb(max_bytes)}; 请先裁剪到研究范围或简化")
    if size == 0:
        raise ImportFileError("empty", f"{name}: the file is empty (0 bytes); export it again",
                              f"{name}: 文件为空 (0 字节), 请重新导出")
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ImportFileError("not_geo", f"{name}: not a geographic data file; supported: {SUPPORTED}",
                              f"{name}: 不是地理数据文件; 支持的格式: {SUPPORTED_ZH}")
    return fmt


def _read_geojson(path: Path, layer: str | None, max_bytes: int) -> _Raw:
    text = _decode_text(path.read_bytes(), path.name, "GeoJSON", ("utf-8-sig",))
    doc = _parse_json(text, path.name)
    features = _geojson_features(doc, path.name)
    if not features:
        raise ImportFileError("empty", f"{path.name}: the GeoJSON has no features; nothing to import",
                              f"{path.name}: GeoJSON 中没有要素, 无可导入内容")
    geoms = [_geojson_geometry(f, i, path.name) for i, f in enumerate(features)]
    props = [f.get("properties") if isinstance(f.get("properties"), dict) else {} for f in features]
    frame = gpd.GeoDataFrame(pd.DataFrame(props), geometry=geoms)
    declared = _geojson_crs(doc, path.name)
    return _Raw(frame, declared, "geojson", lonlat_default=declared is None)


def _parse_json(text: str, name: str):
    def _no_constant(token: str):
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


def _geojson_features(doc, name: str) -> list[dict]:
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list) or not all(isinstance(f, dict) for f in feats):
            raise ImportFileError("broken", f"{name}: 'features' must be a list of Feature objects",
                                  f"{name}: 'features' 必须是要素对象列表, 文件已损坏")
        return feats
    if kind == "Feature":
        return [doc]
    if kind in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
                "GeometryCollection"):
        return [{"type": "Feature", "geometry": doc, "properties": {}}]
    raise ImportFileError("not_geo", f"{name}: valid JSON but not GeoJSON (no FeatureCollection, Feature or "
                          "geometry 'type'); export the layer as GeoJSON",
                          f"{name}: 是 JSON 但不是 GeoJSON (缺少 FeatureCollection/Feature 类型), 请导出为 GeoJSON")


def _geojson_geometry(feature: dict, i: int, name: str):
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


def _geojson_crs(doc, name: str) -> CRS | None:
    member = doc.get("crs") if isinstance(doc, dict) else None
    if not isinstance(member, dict):
        return None
    crs_name = (member.get("properties") or {}).get("name") if isinstance(member.get("properties"), dict) else None
    if not crs_name:
        return None
    return as_crs(str(crs_name))


def _read_gpkg(path: Path, layer: str | None, max_bytes: int) -> _Raw:
    names = _gpkg_layers(path)
    chosen = _choose_layer(names, layer, path.name, "GeoPackage")
    try:
        with _quiet():
            frame = pyogrio.read_dataframe(path, layer=chosen)
    except Exception as exc:
        raise _broken(path.name, "GeoPackage", exc) from None
    return _Raw(frame, frame.crs, "gpkg", layer=chosen)


def _gpkg_layers(path: Path) -> list[str]:
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise _not_format(path.name, "GeoPackage")
    try:
        with _quiet():
            info = pyogrio.list_layers(path)
    except Exception as exc:
        if "required GeoPackage tables" in str(exc):  # an SQLite database of another kind
            raise ImportFileError("not_geo", f"{path.name}: an SQLite database but not a GeoPackage (no "
                                  "gpkg_contents table); export the layer as GeoPackage",
                                  f"{path.name}: 是 SQLite 数据库但不是 GeoPackage, 请导出为 GeoPackage") from None
        raise _broken(path.name, "GeoPackage", exc) from None
    names = [str(n) for n, g in info if g is not None]
    if not names:
        raise ImportFileError("empty", f"{path.name}: the GeoPackage holds no layer with geometry",
                              f"{path.name}: GeoPackage 中没有含几何的图层")
    return names


def _choose_layer(names: list[str], layer: str | None, name: str, what: str) -> str:
    if layer is None:
        if len(names) == 1:
            return names[0]
        raise ImportFileError("layer", f"{name}: the {what} holds {len(names)} layers: {', '.join(names)}; "
                              "choose one (layer= / --layer NAME)",
                              f"{name}: {what} 中有 {len(names)} 个图层: {', '.join(names)}; 请选择一个 (--layer)")
    if layer in names:
        return layer
    raise ImportFileError("layer", f"{name}: no layer '{layer}'; the layers are: {', '.join(names)}",
                          f"{name}: 没有图层 '{layer}'; 现有图层: {', '.join(names)}")


# --- Shapefile -----------------------------------------------------------------------------------

def _read_shp_zip(path: Path, layer: str | None, max_bytes: int) -> _Raw:
    with _open_zip(path, max_bytes) as zf:
        shps = _shp_members(zf)
        if not shps:
            inside = ", ".join(n for n in zf.namelist()[:10]) or "nothing"
            raise ImportFileError("zip_no_shp", f"{path.name}: the zip holds no Shapefile (.shp); it contains: "
                                  f"{inside}. Zip the .shp with its .shx, .dbf and .prj, or import the file directly",
                                  f"{path.name}: 压缩包中没有 Shapefile (.shp), 内含: {inside}; "
                                  "请将 .shp 与 .shx/.dbf/.prj 一起压缩, 或直接导入该文件")
        chosen = _choose_shp(shps, layer, path.name)
        stem = chosen[:-4]
        members = {n[len(stem):].lower(): n for n in zf.namelist() if n[:len(stem)] == stem
                   and n[len(stem):].lower() in _SHP_SIDECARS}
        with tempfile.TemporaryDirectory(prefix="zj_import_") as tmp:
            for ext, member in members.items():
                (Path(tmp) / f"layer{ext}").write_bytes(_read_member(zf, member))
            raw = _read_shp(Path(tmp) / "layer.shp", None, max_bytes, label=path.name)
    raw.fmt, raw.layer = "shpzip", PurePosixPath(chosen).name
    return raw


def _choose_shp(shps: list[str], layer: str | None, name: str) -> str:
    if layer is None and len(shps) == 1:
        return shps[0]
    listing = ", ".join(PurePosixPath(s).name for s in shps)
    if layer is None:
        raise ImportFileError("zip_many_shp", f"{name}: the zip holds {len(shps)} Shapefiles: {listing}; "
                              "choose one (layer= / --layer NAME)",
                              f"{name}: 压缩包中有 {len(shps)} 个 Shapefile: {listing}; 请选择一个 (--layer)")
    want = layer.lower().removesuffix(".shp")
    hits = [s for s in shps if s.lower().removesuffix(".shp") in (want,) or
            PurePosixPath(s).stem.lower() == want]
    if len(hits) == 1:
        return hits[0]
    raise ImportFileError("layer", f"{name}: no Shapefile '{layer}' in the zip; it holds: {listing}",
                          f"{name}: 压缩包中没有 Shapefile '{layer}'; 现有: {listing}")


def _read_shp(path: Path, layer: str | None, max_bytes: int, label: str | None = None) -> _Raw:
    label = label or path.name
    with path.open("rb") as fh:
        if fh.read(4) != struct.pack(">i", 9994):
            raise _not_format(label, "Shapefile")
    dbf, cpg = path.with_suffix(".dbf"), path.with_suffix(".cpg")
    for need in (".shx", ".dbf"):
        if not path.with_suffix(need).exists():
            raise ImportFileError("broken", f"{label}: the Shapefile's {need} file is missing; a Shapefile needs "
                                  ".shp, .shx and .dbf (and .prj) together",
                                  f"{label}: 缺少 Shapefile 的 {need} 文件; 需要 .shp、.shx、.dbf (及 .prj) 一起提供")
    encoding, notes = _shp_encoding(dbf, cpg if cpg.exists() else None, label)
    try:
        with _quiet():
            frame = pyogrio.read_dataframe(path, encoding=encoding)
    except Exception as exc:
        raise _broken(label, "Shapefile", exc) from None
    return _Raw(frame, frame.crs, "shp", warnings=notes)


def _shp_encoding(dbf: Path, cpg: Path | None, label: str) -> tuple[str, list[str]]:
    """Encoding of a .dbf: its .cpg when it fits the bytes, else UTF-8, else GBK (GB18030)."""
    texts = _dbf_texts(dbf.read_bytes())
    notes: list[str] = []
    if cpg is not None:
        declared = _codec_of_cpg(cpg.read_bytes().decode("ascii", "replace").strip())
        if declared and _decodes(texts, declared):
            return declared, notes
        notes.append(f"{label}: 属性编码与 .cpg 声明不符, 已自动识别 / the .cpg encoding does not fit the "
                     "attribute text; detected it instead")
    for enc in ("UTF-8", "GB18030"):
        if _decodes(texts, enc):
            if cpg is None and enc == "GB18030" and any(any(b > 127 for b in t) for t in texts):
                notes.append(f"{label}: 无 .cpg 文件, 属性按 GBK 读取 / no .cpg file; attributes read as GBK")
            return enc, notes
    raise ImportFileError("encoding", f"{label}: the attribute text is neither UTF-8 nor GBK/GB18030 and no .cpg "
                          "names its encoding; export again as UTF-8, or add a .cpg file naming the code page",
                          f"{label}: 属性文字既不是 UTF-8 也不是 GBK/GB18030, 且没有 .cpg 说明编码; "
                          "请以 UTF-8 重新导出, 或添加注明编码的 .cpg 文件")


def _codec_of_cpg(text: str) -> str | None:
    key = re.sub(r"[\s_\-]", "", text).upper().removeprefix("ANSI")
    table = {"936": "GB18030", "CP936": "GB18030", "GBK": "GB18030", "GB2312": "GB18030",
             "GB18030": "GB18030", "65001": "UTF-8", "UTF8": "UTF-8", "88591": "ISO-8859-1",
             "ISO88591": "ISO-8859-1", "1252": "CP1252", "CP1252": "CP1252", "950": "CP950", "BIG5": "CP950"}
    enc = table.get(key)
    if enc is None:
        try:
            enc = codecs.lookup(text.strip()).name
        except LookupError:
            return None
    return enc


def _dbf_texts(data: bytes, max_records: int = 5000) -> list[bytes]:
    """Field names and character-field values of a dBASE file, as raw bytes."""
    if len(data) < 32:
        return []
    count, header_len, rec_len = struct.unpack("<IHH", data[4:12])
    fields, pos = [], 32
    while pos + 32 <= min(header_len, len(data)) and data[pos] != 0x0D:
        desc = data[pos:pos + 32]
        fields.append((desc[:11].split(b"\x00")[0], chr(desc[11]), desc[16]))
        pos += 32
    out = [f[0] for f in fields]
    for r in range(min(count, max_records)):
        start = header_len + r * rec_len + 1
        offset = start
        for _, ftype, length in fields:
            if ftype == "C":
                out.append(data[offset:offset + length].rstrip(b" \x00"))
            offset += length
    return [t for t in out if t]


def _decodes(texts: list[bytes], encoding: str) -> bool:
    """True if every text decodes; a multi-byte character cut at a field's end is tolerated."""
    try:
        for t in texts:
            codecs.getincrementaldecoder(encoding)("strict").decode(t, final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


# --- zip safety ----------------------------------------------------------------------------------

def _open_zip(path: Path, max_bytes: int) -> zipfile.ZipFile:
    """Open a zip after checking its entries' names and declared sizes; nothing is extracted."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic[:2] != b"PK":
        raise _not_format(path.name, "zip")
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError("broken", f"{path.name}: the zip archive is damaged ({str(exc)[:80]}); zip it again",
                              f"{path.name}: 压缩包已损坏, 请重新压缩") from None
    try:
        _check_zip(infos, path.name, max_bytes)
    except ImportFileError:
        zf.close()
        raise
    return zf


def _check_zip(infos: list[zipfile.ZipInfo], name: str, max_bytes: int) -> None:
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportFileError("zip_bomb", f"{name}: the zip lists {len(infos)} entries (limit {MAX_ZIP_ENTRIES}); "
                              "it is not a layer archive", f"{name}: 压缩包含 {len(infos)} 个条目, 超过上限, 不是图层压缩包")
    for info in infos:
        if _unsafe_name(info.filename):
            raise ImportFileError("zip_unsafe", f"{name}: the zip entry '{info.filename}' points outside the archive "
                                  "(absolute path or '..'); refused for safety. Zip the files again from their folder",
                                  f"{name}: 压缩包条目 '{info.filename}' 指向压缩包之外 (绝对路径或 '..'), "
                                  "出于安全已拒绝; 请在文件所在文件夹中重新压缩")
    total = sum(i.file_size for i in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_MIN_BYTES and ratio > MAX_ZIP_RATIO:
            raise ImportFileError("zip_bomb", f"{name}: the entry '{info.filename}' expands {ratio:.0f}x to "
                                  f"{_mb(info.file_size)} (limit {MAX_ZIP_RATIO}x); this looks like a zip bomb and was "
                                  "not unpacked", f"{name}: 条目 '{info.filename}' 解压后膨胀 {ratio:.0f} 倍至 "
                                  f"{_mb(info.file_size)}, 疑似压缩炸弹, 未解压")
    if total > max_bytes:
        raise ImportFileError("too_large", f"{name}: the zip unpacks to {_mb(total)}, over the {_mb(max_bytes)} import "
                              "limit; clip the layer to the study area first",
                              f"{name}: 压缩包解压后为 {_mb(total)}, 超过导入上限 {_mb(max_bytes)}; 请先裁剪到研究范围")


def _unsafe_name(member: str) -> bool:
    norm = member.replace("\\", "/")
    return (norm.startswith("/") or re.match(r"^[A-Za-z]:", norm) is not None or "\x00" in norm
            or ".." in norm.split("/"))


def _read_member(zf: zipfile.ZipFile, member: str) -> bytes:
    """A member's bytes, never more than its (checked) declared size."""
    info = zf.getinfo(member)
    try:
        with zf.open(info) as fh:
            return fh.read(info.file_size + 1)[:info.file_size]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ImportFileError("broken", f"{member}: cannot be unpacked ({str(exc)[:80]}); zip it again "
                              "without a password", f"{member}: 无法解压 (可能损坏或加密), 请不加密重新压缩") from None


def _shp_members(zf: zipfile.ZipFile) -> list[str]:
    return sorted(n for n in zf.namelist() if n.lower().endswith(".shp") and not n.startswith("__MACOSX/")
                  and not PurePosixPath(n).name.startswith("._"))


# --- KML / KMZ -----------------------------------------------------------------------------------

def _read_kml(path: Path, layer: str | None, max_bytes: int) -> _Raw:
    return _kml_from_bytes(path.read_bytes(), layer, path.name, "kml")


def _read_kmz(path: Path, layer: str | None, max_bytes: int) -> _Raw:
    with _open_zip(path, max_bytes) as zf:
        kmls = [n for n in zf.namelist() if n.lower().endswith(".kml")]
        main = "doc.kml" if "doc.kml" in kmls else (kmls[0] if len(kmls) == 1 else None)
        if main is None:
            raise ImportFileError("broken", f"{path.name}: the KMZ holds no doc.kml ({len(kmls)} .kml files); "
                                  "save it again from Google Earth or your GIS",
                                  f"{path.name}: KMZ 中没有 doc.kml, 请从 Google Earth 或 GIS 软件重新保存")
        data = _read_member(zf, main)
    return _kml_from_bytes(data, layer, path.name, "kmz")


def _kml_from_bytes(data: bytes, layer: str | None, name: str, fmt: str) -> _Raw:
    if b"\x00" in data[:8192]:
        raise _not_format(name, "KML")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        line, col = exc.position
        raise ImportFileError("broken", f"{name}: broken KML (XML error at line {line}, column {col}); the file is "
                              "damaged or cut off: save it again", f"{name}: KML 格式错误 (XML 第 {line} 行第 {col} 列), "
                              "文件损坏或不完整, 请重新保存") from None
    if not root.tag.lower().endswith("kml"):
        raise ImportFileError("not_geo", f"{name}: XML but not KML (root element <{root.tag}>)",
                              f"{name}: 是 XML 但不是 KML")
    with tempfile.TemporaryDirectory(prefix="zj_import_") as tmp, _quiet():
        doc = Path(tmp) / "doc.kml"
        doc.write_bytes(data)
        try:
            names = [str(n) for n, _ in pyogrio.list_layers(doc)]
            if layer is not None:
                names = [_choose_layer(names, layer, name, "KML")]
            frames = [pyogrio.read_dataframe(doc, layer=n) for n in names]
        except ImportFileError:
            raise
        except Exception as exc:
            raise _broken(name, "KML", exc) from None
    frames = [f for f in frames if len(f)]
    if not frames:
        raise ImportFileError("empty", f"{name}: the KML holds no placemarks", f"{name}: KML 中没有地标要素")
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = _tidy_kml(gpd.GeoDataFrame(frame, geometry=frame.geometry.name))
    return _Raw(frame, None, fmt, layer=layer or "", lonlat_default=True)


def _tidy_kml(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop KML bookkeeping columns that carry nothing; call the placemark name ``name``."""
    drop = [c for c in _KML_DROP if c in frame.columns
            and (frame[c].isna().all() or frame[c].astype(str).isin(["-1", "0", "nan", "None", "NaT"]).all()
                 or (c == "id" and frame[c].astype(str).str.match(r"^(LIB)?KML\.\d+$|^$").all()))]
    frame = frame.drop(columns=drop)
    if "Name" in frame.columns and "name" not in frame.columns:
        frame = frame.rename(columns={"Name": "name"})
    return frame


# --- CSV -----------------------------------------------------------------------------------------

def _read_csv(path: Path, layer: str | None, max_bytes: int) -> _Raw:
    data = path.read_bytes()
    text = _decode_text(data, path.name, "CSV", ("utf-8-sig", "gb18030"))
    table = _parse_csv(text, path.name)
    if table.empty:
        raise ImportFileError("empty", f"{path.name}: the CSV has no data rows", f"{path.name}: CSV 中没有数据行")
    names = {_norm(c): c for c in table.columns}
    wkt = next((names[n] for n in WKT_NAMES if n in names), None)
    lon = next((names[n] for n in LON_NAMES if n in names), None)
    lat = next((names[n] for n in LAT_NAMES if n in names), None)
    if wkt is not None:
        geoms, used = _wkt_column(table, wkt, path.name), [wkt]
    elif lon is not None and lat is not None:
        geoms, used = _point_columns(table, lon, lat, path.name), [lon, lat]
    else:
        raise ImportFileError("columns", f"{path.name}: no coordinate columns found (columns: "
                              f"{', '.join(map(str, table.columns[:12]))}); name them lon/lat (or 经度/纬度, x/y) "
                              "or give a WKT column", f"{path.name}: 未找到坐标列 (现有列: "
                              f"{', '.join(map(str, table.columns[:12]))}); 请将列命名为 经度/纬度 (lon/lat, x/y) "
                              "或提供 WKT 列")
    frame = gpd.GeoDataFrame(table.drop(columns=used), geometry=geoms)
    return _Raw(frame, None, "csv")


def _parse_csv(text: str, name: str) -> pd.DataFrame:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise ImportFileError("empty", f"{name}: the CSV is empty", f"{name}: CSV 为空") from None
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        raise ImportFileError("broken", f"{name}: the CSV cannot be read ({str(exc)[:80]}); check quotes and "
                              "separators", f"{name}: CSV 无法读取, 请检查引号和分隔符") from None


def _norm(column) -> str:
    return re.sub(r"[\s_\-()（）\[\]°]", "", str(column)).lower()


def _point_columns(table: pd.DataFrame, lon: str, lat: str, name: str) -> np.ndarray:
    xs = pd.to_numeric(table[lon].str.strip(), errors="coerce")
    ys = pd.to_numeric(table[lat].str.strip(), errors="coerce")
    for col, vals in ((lon, xs), (lat, ys)):
        bad = [i + 2 for i in np.flatnonzero(vals.isna().to_numpy() & (table[col].str.strip() != "").to_numpy())]
        bad += [i + 2 for i in np.flatnonzero(np.isinf(vals.to_numpy(dtype=float)))]
        if bad:
            rows = ", ".join(map(str, bad[:5]))
            raise ImportFileError("columns", f"{name}: column '{col}' holds text that is not a number on line(s) "
                                  f"{rows}; use decimal degrees or metres (e.g. 121.5877)",
                                  f"{name}: 列 '{col}' 第 {rows} 行不是数字; 请使用十进制度或米 (如 121.5877)")
    ok = xs.notna() & ys.notna()
    return np.where(ok.to_numpy(), shapely.points(xs.fillna(0).to_numpy(), ys.fillna(0).to_numpy()), None)


def _wkt_column(table: pd.DataFrame, col: str, name: str) -> np.ndarray:
    values = table[col].str.strip().replace("", None).to_numpy(dtype=object)
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        try:
            out[i] = None if v is None else shapely.from_wkt(v)
        except Exception:
            raise ImportFileError("columns", f"{name}: line {i + 2}: column '{col}' is not valid WKT "
                                  f"('{str(v)[:40]}'); expected e.g. POINT (121.5877 31.2028)",
                                  f"{name}: 第 {i + 2} 行 '{col}' 列不是有效的 WKT, 应如 POINT (121.5877 31.2028)") from None
    return out


def _decode_text(data: bytes, name: str, what: str, encodings: tuple[str, ...]) -> str:
    if b"\x00" in data[:8192]:
        raise _not_format(name, what)
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    tried = " / ".join(e.upper().removesuffix("-SIG") for e in encodings)
    raise ImportFileError("encoding", f"{name}: the text is not in a known encoding (tried {tried}); save it "
                          "again as UTF-8", f"{name}: 文字编码无法识别 (已尝试 {tried}), 请另存为 UTF-8")


# --- geometry checks -----------------------------------------------------------------------------

def _clean_geometries(frame: gpd.GeoDataFrame, repair: bool) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Drop features without geometry, make 2-D, repair invalid geometries (or raise)."""
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


def _check_mixed(frame: gpd.GeoDataFrame, allow: bool) -> list[str]:
    fam = frame.geometry.geom_type.map(lambda t: _FAMILY.get(t, t)).value_counts()
    if len(fam) <= 1:
        return []
    en = ", ".join(f"{v} {k.lower()}s" for k, v in fam.items())
    zh = "、".join(f"{_FAMILY_ZH.get(k, k)} {v} 个" for k, v in fam.items())
    if not allow:
        raise ImportGeometryError("mixed", f"the layer mixes geometry types ({en}); a map layer holds one type: "
                                  "split it in your GIS, or import with allow_mixed / split by type",
                                  f"图层混合了多种几何类型 ({zh}); 一个图层只能有一种类型: 请在 GIS 中拆分, 或选择按类型拆分导入")
    return [f"图层混合几何类型: {zh} / mixed geometry types: {en}"]


# --- CRS -----------------------------------------------------------------------------------------

def _choose_crs(frame: gpd.GeoDataFrame, raw: _Raw, given: CRS | None) -> tuple[str, list[Candidate], bool, list[str]]:
    """(crs code used, candidates, needs confirmation, warnings)."""
    if given is not None:
        notes = []
        if raw.declared is not None and not given.equals(raw.declared, ignore_axis_order=True):
            notes.append(f"文件声明的坐标系 {_code(raw.declared)} 已被 {_code(given)} 替代 / the declared CRS "
                         f"{_code(raw.declared)} was overridden by {_code(given)}")
        return _code(given), [], False, notes
    if raw.declared is not None:
        return _code(raw.declared), [], False, []
    lonlat = _looks_lonlat(frame)
    if raw.lonlat_default and lonlat:
        return settings.WGS84, [], False, []
    candidates = detect_crs(frame)
    usable = [c for c in candidates if not c.swap]
    if not usable:
        _raise_outside(frame, None, candidates)
    best = usable[0]
    if best.crs in GEOGRAPHIC:
        return best.crs, candidates, False, [
            "未声明坐标系, 数据为上海范围内的经纬度, 按 WGS84 读取; 若来自高德/腾讯或百度地图, 请选择 GCJ-02 或 BD-09 / "
            "no CRS declared; lon/lat in Shanghai read as WGS84; choose GCJ-02 or BD-09 if it comes from "
            "Amap/Tencent or Baidu"]
    return best.crs, candidates, True, [
        f"未声明坐标系, 推测为 {best.crs} ({best.name_zh}), 请确认 / no CRS declared; best guess {best.crs} "
        f"({best.name_en}): please confirm"]


def _to_wgs84(frame: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    try:
        out = to_wgs84(frame.set_crs(as_crs(code), allow_override=True))
    except CRSError:
        raise
    except Exception as exc:
        raise CRSError(f"the coordinates cannot be transformed from {code} to WGS84 ({str(exc)[:80]})",
                       f"坐标无法从 {code} 转换为 WGS84") from None
    if not np.isfinite(shapely.get_coordinates(out.geometry.to_numpy())).all():
        _raise_outside(frame, code, detect_crs(frame))
    return out


def _check_outside(out: gpd.GeoDataFrame, frame: gpd.GeoDataFrame, code: str, swapped: bool) -> list[str]:
    box = shapely.box(*settings.SHANGHAI_BBOX)
    inside = shapely.intersects(out.geometry.to_numpy(), box)
    if not inside.any():
        _raise_outside(frame, code, detect_crs(frame))
    if not inside.all():
        n = int((~inside).sum())
        return [f"{n} 个要素位于上海范围之外 / {n} features lie outside the Shanghai region"]
    return []


def _raise_outside(frame: gpd.GeoDataFrame, code: str | None, candidates: list[Candidate]) -> None:
    x0, y0, x1, y1 = frame.total_bounds
    where = f"x {x0:.6g}…{x1:.6g}, y {y0:.6g}…{y1:.6g}"
    fits = [c for c in candidates if c.crs != code or c.swap]
    if any(c.swap for c in fits[:1]):
        hint_en, hint_zh = "longitude and latitude look swapped: import with swap axes (--swap)", \
            "经纬度似乎颠倒: 请选择交换经纬度 (--swap) 重新导入"
    elif fits:
        hint_en = f"the numbers fit {fits[0].crs} ({fits[0].name_en}): import with --crs {fits[0].crs}"
        hint_zh = f"数据符合 {fits[0].crs} ({fits[0].name_zh}): 请用 --crs {fits[0].crs} 重新导入"
    else:
        hint_en, hint_zh = "wrong CRS or swapped axes? check the source's CRS", "坐标系是否有误或经纬度颠倒? 请核对数据来源的坐标系"
    used = f" read as {code}" if code else ""
    err = ImportGeometryError("outside", f"the coordinates ({where}){used} lie far outside the Shanghai region; "
                              f"{hint_en}", f"坐标 ({where}) 远在上海范围之外; {hint_zh}")
    err.candidates = fits
    raise err


def _looks_lonlat(frame: gpd.GeoDataFrame) -> bool:
    x0, y0, x1, y1 = frame.total_bounds
    return -180 <= x0 and x1 <= 180 and -90 <= y0 and y1 <= 90


def _sample_xy(gdf: gpd.GeoDataFrame, n: int = 2000) -> np.ndarray:
    xy = shapely.get_coordinates(gdf.geometry.to_numpy())
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) > n:
        xy = xy[np.linspace(0, len(xy) - 1, n).astype(int)]
    return xy


def _candidate(code: str, xy: np.ndarray, swap: bool) -> Candidate | None:
    if code in GEOGRAPHIC and not ((np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all()):
        return None
    if code in GEOGRAPHIC:
        lon, lat = xy[:, 0], xy[:, 1]
    else:
        with np.errstate(all="ignore"):
            lon, lat = _transformer(code).transform(xy[:, 0], xy[:, 1])
    bx0, by0, bx1, by1 = settings.SHANGHAI_BBOX
    share = float(np.mean((lon >= bx0) & (lon <= bx1) & (lat >= by0) & (lat <= by1)))
    en, zh = CANDIDATE_CRS[code]
    return Candidate(code, en, zh, share, swap)


@functools.lru_cache(maxsize=None)
def _transformer(code: str) -> Transformer:
    return Transformer.from_crs(code, settings.WGS84, always_xy=True)


def _code(crs: CRS) -> str:
    """``"EPSG:xxxx"`` (OGC CRS84 counts as EPSG:4326), else another authority code, else WKT."""
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return settings.WGS84
    auth = crs.to_authority(min_confidence=70)
    return f"{auth[0]}:{auth[1]}" if auth else crs.to_wkt()


def _check_datum(datum: str | None) -> str:
    value = (datum or "wgs84").lower().replace("-", "")
    if value not in DATUMS:
        raise CRSError(f"unknown datum {datum!r}; choose one of {', '.join(DATUMS)}",
                       f"未知的坐标基准 {datum!r}; 可选: {', '.join(DATUMS)}")
    return value


# --- small helpers -------------------------------------------------------------------------------

@contextmanager
def _quiet():
    """Silence GDAL's RuntimeWarnings (our own messages say what matters)."""
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _mb(n: int) -> str:
    return f"{n / 1024**2:.1f} MB" if n >= 1024**2 else f"{n / 1024:.1f} KB"


def _not_format(name: str, what: str) -> ImportFileError:
    return ImportFileError("not_geo", f"{name}: not a {what} file (its content does not match its extension); "
                           f"supported: {SUPPORTED}", f"{name}: 不是 {what} 文件 (内容与扩展名不符); "
                           f"支持的格式: {SUPPORTED_ZH}")


def _broken(name: str, what: str, exc: Exception) -> ImportFileError:
    return ImportFileError("broken", f"{name}: the {what} file is damaged and cannot be read "
                           f"({str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__}); export it again",
                           f"{name}: {what} 文件已损坏, 无法读取, 请重新导出")


# --- command line --------------------------------------------------------------------------------

def cmd_import(args: argparse.Namespace) -> int:
    """``python -m layers import``: print the summary; exit 0 ok, 1 error, 3 CRS needs confirmation."""
    try:
        imp = read_layer(args.path, layer=args.layer, crs=args.crs, datum=args.datum, swap=args.swap,
                         repair=not args.check, allow_mixed=args.allow_mixed,
                         max_bytes=int(args.max_mb * 1024**2) if args.max_mb else max_import_bytes())
    except (ImportFileError, ImportGeometryError, CRSError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        for c in getattr(exc, "candidates", []) or []:
            print(f"  candidate: {c.label}", file=sys.stderr)
        return 1
    info = summary(imp)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        _print_summary(info)
    if imp.needs_confirmation:
        print("坐标系需要确认, 请用 --crs 指定以下之一 / the CRS needs confirmation; rerun with --crs one of:")
        for c in imp.candidates:
            print(f"  {c.label}")
        return 3
    return 0


def _print_summary(info: dict) -> None:
    print(f"{info['source']} ({info['format']}{', layer ' + info['layer'] if info['layer'] else ''})")
    print(f"  features / 要素: {info['features']}  types / 类型: "
          + ", ".join(f"{k} {v}" for k, v in info["geometry_types"].items()))
    print(f"  CRS used / 坐标系: {info['crs_used']}  datum: {info['datum']}")
    print(f"  bounds (WGS84): {', '.join(f'{b:.6f}' for b in info['bounds'])}")
    for line in info["fixes"]:
        print(f"  fixed / 已修复: {line}")
    for line in info["warnings"]:
        print(f"  warning / 注意: {line}")


def register_cli(subparsers) -> argparse.ArgumentParser:
    """Add ``import`` to ``python -m layers``' sub-commands.

    Exit codes: 0 imported; 1 the file cannot be imported (the message says why);
    3 the file declares no CRS and the detected one must be confirmed with ``--crs``.
    """
    p = subparsers.add_parser(
        "import", help="check and import a planner's file (GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, CSV)",
        description="Import a file as a WGS84 layer and print a summary. 导入图层文件并显示摘要. "
                    "Exit 0 ok, 1 error, 3 CRS needs confirmation (--crs).")
    p.add_argument("path", help="the file")
    p.add_argument("--crs", default=None, help="CRS of the coordinates, e.g. EPSG:4550 (confirms or overrides)")
    p.add_argument("--datum", choices=["gcj02", "bd09"], default=None,
                   help="lon/lat from Amap/Tencent (gcj02) or Baidu (bd09): converted to WGS84")
    p.add_argument("--layer", default=None, help="GeoPackage layer, Shapefile in a zip, or KML folder")
    p.add_argument("--swap", action="store_true", help="swap x and y (latitude first)")
    p.add_argument("--check", action="store_true", help="strict check: report invalid geometries instead of repairing")
    p.add_argument("--allow-mixed", action="store_true", help="accept mixed points/lines/polygons")
    p.add_argument("--max-mb", type=float, default=None,
                   help=f"size limit in MB (default ${MAX_IMPORT_ENV} or {MAX_IMPORT_BYTES // 1024**2})")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_import)
    return p


__all__ = ["CANDIDATE_CRS", "MAX_IMPORT_BYTES", "MAX_ZIP_RATIO", "Candidate", "Imported", "cmd_import",
           "detect_crs", "list_layers", "max_import_bytes", "read_layer", "register_cli", "split_by_type", "summary"]
