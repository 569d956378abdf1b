"""Export layers for a planner's own GIS: GeoJSON, GeoPackage, zipped Shapefile, KML, CSV.

Anything the app holds can be exported: catalogue layers (:func:`export_layers`), a
whole group (:func:`export_group`), or frames the planner drew or computed, coverage
gaps included (:func:`export_frames`, :func:`export_bytes`). Every export is **one
file**; the rules, decided once here:

Formats (:data:`FORMATS`)
    * ``gpkg`` — one GeoPackage, a table per layer, plus the non-spatial table
      ``layer_provenance`` (one row per layer) and each table's description and
      GDAL layer metadata.
    * ``shp`` — always a zip: per layer ``.shp/.shx/.dbf/.prj/.cpg`` (``.cpg`` says
      ``UTF-8``); a layer with mixed geometry becomes one shapefile per geometry type
      (``<layer>_point``, ``_line``, ``_polygon``). DBF field names are at most 10 bytes:
      :func:`short_field_names` shortens them predictably and ``fields.csv`` in the zip
      maps every original name to its short one. DBF text is at most 254 bytes: longer
      values are cut at a character boundary and written whole to ``long_text.csv``.
    * ``kml`` — one KML 2.2 file, a Folder per layer, written here (not by libkml, whose
      writer breaks on text containing ``]]>`` or an XML-invalid ``id``). Each
      Placemark's ``<name>`` is the Chinese name (``name_zh``, else ``name``,
      ``name_en``, ``id``); ``<description>`` is the English name (HTML-escaped, as
      KML descriptions are HTML); every attribute is typed ``ExtendedData``, verbatim.
    * ``geojson`` and ``csv`` hold one layer: several layers become a zip with one file
      per layer plus ``PROVENANCE.txt``.

Coordinates (:data:`CRS_CHOICES`)
    ``wgs84`` (default, EPSG:4326), ``cgcs2000`` (EPSG:4490), ``gk3`` (CGCS2000 3-degree
    Gauss-Krüger, zone of the features' median longitude: EPSG:4550 for Pudong),
    any ``EPSG:xxxx`` pyproj knows, and ``gcj02`` only when asked: coordinates shifted
    with :mod:`geo.chinacoords`, CRS written as WGS84 (GCJ-02 has no EPSG code), the file
    name ends in ``_GCJ02`` and the metadata carry :data:`GCJ02_WARNING`.

    GeoJSON is RFC 7946 (WGS84, no ``crs`` member, 7 decimals ≈ 1 cm) unless another CRS
    is asked for explicitly; then it is written anyway with the legacy ``crs`` member
    (GDAL, QGIS and ArcGIS read it; web maps may not), and its metadata say so.
    KML is WGS84 by definition: any other CRS is refused (:class:`CRSError`).
    CSV has no CRS slot: a ``crs`` column names it.

Provenance
    Each layer's provenance (source, method, date, accuracy, licence, attribution,
    notes; the catalogue's for catalogue layers) travels with every export: GeoJSON
    ``metadata`` member, GeoPackage table and layer metadata, ``PROVENANCE.txt`` in
    every zip, KML folder descriptions, and ``layer_*`` columns in CSV.

Attribute text is data: it is written verbatim (never HTML-escaped); list and dict
values become JSON text. Stored data are WGS84; nothing here changes them.
"""
from __future__ import annotations

import argparse
import csv
import datetime
import html
import io
import json
import os
import re
import shutil
import sys
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyproj import CRS
import shapely
from shapely.geometry.polygon import orient

from geo import settings
from geo.chinacoords import convert_frame
from geo.crs import as_crs, gk3_crs_for, to_wgs84
from geo.errors import CRSError, ExportWarning, GeometryError, LayerFileError, LayerNotFoundError, ZJError

# --- formats and coordinate choices -------------------------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    """One export format: file extension, GDAL driver, whether one file holds several layers."""

    key: str
    extension: str
    driver: str
    multi_layer: bool
    label_zh: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


FORMATS: dict[str, ExportFormat] = {
    "geojson": ExportFormat("geojson", ".geojson", "GeoJSON", False, "GeoJSON", "GeoJSON"),
    "gpkg": ExportFormat("gpkg", ".gpkg", "GPKG", True, "GeoPackage (多图层)", "GeoPackage (several layers)"),
    "shp": ExportFormat("shp", ".zip", "ESRI Shapefile", True, "Shapefile (zip 压缩包)", "Shapefile (zipped)"),
    "kml": ExportFormat("kml", ".kml", "KML", True, "KML (Google Earth / 奥维互动地图)",
                        "KML (Google Earth, Ovi Map)"),
    "csv": ExportFormat("csv", ".csv", "CSV", False, "CSV (WKT 几何 + 属性)", "CSV (WKT geometry + attributes)"),
}


@dataclass(frozen=True)
class CRSChoice:
    """A coordinate choice offered to planners; ``crs`` None means "chosen from the data"."""

    key: str
    crs: str | None
    label_zh: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


CRS_CHOICES: dict[str, CRSChoice] = {
    "wgs84": CRSChoice("wgs84", settings.WGS84, "WGS84 经纬度 (EPSG:4326, 默认)", "WGS84 lon/lat (EPSG:4326, default)"),
    "cgcs2000": CRSChoice("cgcs2000", settings.CGCS2000, "CGCS2000 经纬度 (EPSG:4490)",
                          "CGCS2000 lon/lat (EPSG:4490)"),
    "gk3": CRSChoice("gk3", None, "CGCS2000 3度带高斯-克吕格 (EPSG:4549/4550, 按数据选带)",
                     "CGCS2000 3° Gauss-Krüger (EPSG:4549/4550, zone from the data)"),
    "gcj02": CRSChoice("gcj02", settings.WGS84, "GCJ-02 火星坐标 (仅用于高德/腾讯底图)",
                       "GCJ-02 (for Amap/Tencent basemaps only)"),
}

#: Written into every GCJ-02 export's metadata and notes.
GCJ02_WARNING = ("坐标为GCJ-02 (火星坐标), 非WGS84; 仅用于高德/腾讯底图 / Coordinates are GCJ-02 "
                 "(\"Mars coordinates\"), not WGS84; for Amap/Tencent basemaps only")
#: Written when the export is in CGCS2000 (geographic or Gauss-Krüger).
CGCS2000_NOTE = ("CGCS2000 与 WGS84 相差不到 1 米 (低于图层精度), 未做基准转换 / CGCS2000 and WGS84 differ "
                 "by less than 1 m here (below the layers' accuracy); no datum shift was applied")
#: Written into a GeoJSON export that is not in WGS84.
GEOJSON_CRS_NOTE = ("非 RFC 7946 GeoJSON: 坐标系见 \"crs\" 成员 / not RFC 7946 GeoJSON: the legacy \"crs\" "
                    "member names the coordinate system (GDAL, QGIS and ArcGIS read it; web maps may not)")
#: Non-spatial GeoPackage table with one provenance row per layer.
PROVENANCE_TABLE = "layer_provenance"
#: Text file with the provenance of every layer, in every zip.
PROVENANCE_FILE = "PROVENANCE.txt"
#: Longest DBF text value, in bytes, and longest DBF field name.
DBF_TEXT_BYTES = 254
DBF_NAME_BYTES = 10
#: Provenance of frames that are not catalogue layers (drawn or computed in the app).
DEFAULT_PROVENANCE = {
    "title_zh": "", "title_en": "",
    "source": "张江科学城规划图 (绘制或计算) / drawn or computed in the Zhangjiang planning map",
    "method": "derived", "date": "", "accuracy_m": None, "licence": "", "attribution": "", "notes": "",
}
#: Provenance of layers computed from OpenStreetMap (coverage gaps, covered places, sources).
OSM_DERIVED_PROVENANCE = {
    "source": "OpenStreetMap, coverage check of the Zhangjiang planning map (geo.coverage)",
    "method": "derived", "licence": "ODbL 1.0 (derived from OpenStreetMap)",
    "attribution": "© OpenStreetMap contributors (ODbL)",
    "notes": "Walking reach along the OSM network; the check's parameters are in the app and its JSON export.",
}
_PROVENANCE_KEYS = ("title_zh", "title_en", "source", "method", "date", "accuracy_m", "licence",
                    "attribution", "notes")
_BOM = "\ufeff"


@dataclass(frozen=True)
class Target:
    """A resolved coordinate choice: the CRS written, and whether vertices are GCJ-02."""

    crs: str
    tag: str
    name: str
    gcj02: bool = False
    notes: tuple[str, ...] = ()

    @property
    def is_wgs84(self) -> bool:
        return self.crs == settings.WGS84


@dataclass
class Prepared:
    """One layer ready to write: a safe name, the frame in the target CRS, its provenance."""

    name: str
    frame: gpd.GeoDataFrame
    provenance: dict


@dataclass
class ExportReport:
    """What an export wrote: the file(s), features per layer, the CRS, notes for the planner."""

    paths: list[Path]
    format: str
    target: Target
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --- coordinates ------------------------------------------------------------------------------

_ALIASES = {"wgs84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84", "cgcs2000": "cgcs2000",
            "epsg:4490": "cgcs2000", "4490": "cgcs2000", "gk3": "gk3", "gk": "gk3",
            "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02"}


def _bounds(frames: Iterable[gpd.GeoDataFrame]) -> tuple[float, float, float, float] | None:
    boxes = [to_wgs84(f).total_bounds for f in frames if f is not None and len(f)]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        return None
    b = np.array(boxes)
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def centre_lon(frames: Iterable[gpd.GeoDataFrame | None]) -> float:
    """Median WGS84 longitude of the features (a point inside each): the centre that picks a
    Gauss-Krüger zone, so a few distant features (a park in Jiading) do not pull it.

    Raises
    ------
    GeometryError
        If the frames hold no geometry.
    """
    xs = [shapely.get_x(to_wgs84(f).geometry.dropna().representative_point().to_numpy())
          for f in frames if f is not None and len(f)]
    xs = np.concatenate(xs) if xs else np.array([])
    xs = xs[np.isfinite(xs)]
    if not len(xs):
        raise GeometryError("nothing to export: the layers have no geometry", "没有可导出的几何")
    return float(np.median(xs))


def _epsg_target(crs: CRS, notes: tuple[str, ...] = ()) -> Target:
    code = crs.to_epsg()
    tag = f"EPSG{code}" if code else "CRS"
    return Target(f"EPSG:{code}" if code else crs.to_wkt(), tag, crs.name, notes=notes)


def _check_area_of_use(crs: CRS, box: tuple[float, float, float, float] | None) -> None:
    """Refuse a projected CRS whose area of use the data leave by more than half a degree
    (a wrong Gauss-Krüger zone gives useless coordinates); only warn for a geographic one."""
    area = crs.area_of_use
    if area is None or box is None:
        return
    pad = 0.5  # a 3° Gauss-Krüger zone is commonly used up to half a degree beyond its edge
    if (box[0] >= area.west - pad and box[2] <= area.east + pad
            and box[1] >= area.south - pad and box[3] <= area.north + pad):
        return
    en = (f"the data ({box[0]:.2f}–{box[2]:.2f}°E, {box[1]:.2f}–{box[3]:.2f}°N) lie outside the area of use "
          f"of {crs.name} ({area.west:g}–{area.east:g}°E, {area.south:g}–{area.north:g}°N)")
    if crs.is_projected:
        raise CRSError(en + "; choose gk3 for the right Gauss-Krüger zone",
                       f"数据超出 {crs.name} 的适用范围; 请选择 gk3 (自动选带)")
    warnings.warn(ExportWarning(en), stacklevel=3)


def resolve_crs(choice: str, frames: Mapping[str, gpd.GeoDataFrame] | None = None) -> Target:
    """Turn a coordinate choice into the CRS to write.

    Parameters
    ----------
    choice : str
        A key of :data:`CRS_CHOICES` (``wgs84``, ``cgcs2000``, ``gk3``, ``gcj02``) or an
        explicit CRS such as ``"EPSG:4550"``.
    frames : mapping, optional
        The data; ``gk3`` picks its zone from their :func:`centre_lon`; an explicit CRS is
        checked against its area of use (see :func:`_check_area_of_use`).

    Raises
    ------
    CRSError
        Unknown CRS, not a 2D geographic or projected CRS, a projected CRS whose area of
        use the data leave, or data outside China's zones for ``gk3``.
    """
    key = _ALIASES.get(str(choice).strip().lower(), None)
    if key == "wgs84":
        return Target(settings.WGS84, "WGS84", "WGS 84")
    if key == "gcj02":
        return Target(settings.WGS84, "GCJ02", "GCJ-02 (labelled WGS 84)", gcj02=True, notes=(GCJ02_WARNING,))
    if key == "cgcs2000":
        return Target(settings.CGCS2000, "CGCS2000", "China Geodetic Coordinate System 2000",
                      notes=(CGCS2000_NOTE,))
    box = _bounds((frames or {}).values())
    if key == "gk3":
        return _epsg_target(as_crs(gk3_crs_for(centre_lon((frames or {}).values()))), (CGCS2000_NOTE,))
    crs = as_crs(str(choice).strip())
    if crs.is_geocentric or not (crs.is_geographic or crs.is_projected) or len(crs.axis_info) > 2:
        raise CRSError(f"{choice!r} is not a 2D geographic or projected CRS", f"{choice!r} 不是二维地理或投影坐标系")
    _check_area_of_use(crs, box)
    notes = (CGCS2000_NOTE,) if "2000" in crs.name and "China" in crs.name else ()
    return _epsg_target(crs, notes)


# --- attributes ---------------------------------------------------------------------------------

def _json_text(value):
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    return json.dumps(value, ensure_ascii=False, default=str)


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _plain(v):
    """A value a GIS file can hold: text and missing values as they are, containers as JSON."""
    if _missing(v) or isinstance(v, str):
        return v
    if isinstance(v, (list, dict, tuple, set, frozenset, np.ndarray)):
        return _json_text(v)
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


# --- provenance ---------------------------------------------------------------------------------

def _catalogue_spec(name: str):
    from layers.catalogue.loading import get_spec
    try:
        return get_spec(name)
    except LayerNotFoundError:
        return None


def layer_provenance(name: str, given: Mapping | None = None) -> dict:
    """Provenance of one exported layer: the catalogue's for a catalogue id, else
    :data:`DEFAULT_PROVENANCE`; ``given`` overrides any key."""
    spec = _catalogue_spec(name)
    rec = dict(DEFAULT_PROVENANCE)
    if spec is not None:
        rec.update(spec.provenance_dict(), title_zh=spec.title_zh, title_en=spec.title_en)
    rec.update(given or {})
    if not rec.get("date"):  # drawn or computed now
        rec["date"] = datetime.date.today().isoformat()
    if not rec.get("title_zh"):
        rec["title_zh"] = rec.get("title_en") or name
    if not rec.get("title_en"):
        rec["title_en"] = rec.get("title_zh") or name
    return {k: rec.get(k) for k in _PROVENANCE_KEYS}


def _record(p: Prepared, target: Target, fmt: str, extra: Iterable[str] = ()) -> dict:
    """The metadata of one layer as written into the file(s)."""
    types = sorted({t for t in p.frame.geometry.geom_type.dropna().unique()})
    return {"layer": p.name, **p.provenance, "features": int(len(p.frame)),
            "geometry_types": ", ".join(types), "crs": target.crs, "crs_name": target.name,
            "coordinates_note": "; ".join([*target.notes, *extra]),
            "format": FORMATS[fmt].label_en, "exported": datetime.date.today().isoformat()}


def provenance_text(layers_: list[Prepared], target: Target, fmt: str, extra: Iterable[str] = ()) -> str:
    """``PROVENANCE.txt``: the export's CRS and notes, then every layer's provenance."""
    lines = ["张江科学城规划图 导出说明 / Zhangjiang Science City planning map: export notes", ""]
    if target.gcj02:
        lines += ["!!! " + GCJ02_WARNING, ""]
    lines += [f"format / 格式: {FORMATS[fmt].label_zh} / {FORMATS[fmt].label_en}",
              f"crs / 坐标系: {target.crs} ({target.name})",
              f"exported / 导出日期: {datetime.date.today().isoformat()}"]
    lines += [f"note / 说明: {n}" for n in (*target.notes, *extra) if n != GCJ02_WARNING]
    for p in layers_:
        rec = _record(p, target, fmt)
        lines += ["", f"== {p.name}: {rec['title_zh']} / {rec['title_en']}"]
        for key in ("features", "geometry_types", *_PROVENANCE_KEYS[2:]):
            value = rec.get(key)
            if value not in (None, ""):
                lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


# --- names and paths ----------------------------------------------------------------------------

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


_KNOWN_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".kml", ".csv", ".shp"}


def output_path(out: str | Path, fmt: str, target: Target, stem: str, bundled: bool) -> Path:
    """Where an export goes: ``out``, or in a folder ``out`` the file ``<stem>_<CRS tag>.<ext>``
    (``<stem>_<CRS tag>_<format>.zip`` when zipped), with the format's extension and
    ``_GCJ02`` added for GCJ-02 (e.g. ``hitech_parks_WGS84.kml``, ``corridors_EPSG4550_shp.zip``)."""
    ext = ".zip" if bundled else FORMATS[fmt].extension
    folder = str(out).endswith(("/", os.sep))
    out = Path(out)
    if folder or out.is_dir():
        base = out / (f"{stem}_{target.tag}" + (f"_{fmt}" if bundled else ""))
        keep = None
    else:
        suffix = out.suffix.lower()
        keep = suffix if (suffix == ext or (fmt == "geojson" and not bundled and suffix == ".json")) else None
        base = out.with_name(out.name[: -len(suffix)]) if suffix in _KNOWN_SUFFIXES else out
    name = base.name
    if target.gcj02 and "GCJ02" not in name.upper():
        name += "_GCJ02"
    return base.with_name(name + (keep or ext))


# --- writers: GeoJSON, GeoPackage, CSV ----------------------------------------------------------

def _write_geojson(p: Prepared, path: Path, target: Target) -> None:
    rfc = target.is_wgs84
    meta = _record(p, target, "geojson", () if rfc else (GEOJSON_CRS_NOTE,))
    pyogrio.write_dataframe(p.frame, path, layer=p.name, driver="GeoJSON", layer_options={
        "RFC7946": "YES" if rfc else "NO",
        "AUTODETECT_JSON_STRINGS": "NO",  # text that looks like JSON stays text
        "WRITE_NON_FINITE_VALUES": "NO",
        "FOREIGN_MEMBERS_COLLECTION": json.dumps({"metadata": meta}, ensure_ascii=False, default=str),
    })


def _gpkg_description(rec: dict) -> str:
    return (f"{rec['title_zh']} / {rec['title_en']}. source: {rec['source']}; method: {rec['method']}; "
            f"date: {rec['date']}; accuracy_m: {rec['accuracy_m']}; licence: {rec['licence']}. "
            f"{rec['coordinates_note']}").strip()


def _write_gpkg(layers_: list[Prepared], path: Path, target: Target) -> None:
    rows = []
    for p in layers_:
        rec = _record(p, target, "gpkg")
        rows.append(rec)
        pyogrio.write_dataframe(
            p.frame, path, layer=p.name, driver="GPKG",
            layer_options={"DESCRIPTION": _gpkg_description(rec), "IDENTIFIER": f"{p.name}: {rec['title_zh']}"},
            layer_metadata={k: "" if v is None else str(v) for k, v in rec.items()})
    table = pd.DataFrame(rows)
    table["accuracy_m"] = pd.to_numeric(table["accuracy_m"], errors="coerce")
    pyogrio.write_dataframe(table, path, layer=PROVENANCE_TABLE, driver="GPKG",
                            layer_options={"DESCRIPTION": "每个图层的来源与坐标说明 / provenance and coordinates of every layer"})


def _unique_column(name: str, existing: Iterable[str]) -> str:
    taken = {c.lower() for c in existing}
    cand, n = name, 1
    while cand.lower() in taken:
        n += 1
        cand = f"{name}_{n}"
    return cand


#: Provenance columns added to a CSV (which has no metadata slot): column → record key.
CSV_META_COLUMNS = {"crs": "crs", "layer_id": "layer", "layer_date": "date", "layer_licence": "licence",
                    "layer_attribution": "attribution"}


def _write_csv(p: Prepared, path: Path, target: Target) -> None:
    rec = _record(p, target, "csv")
    frame = p.frame.copy()
    for col, key in CSV_META_COLUMNS.items():
        frame[_unique_column(col, frame.columns)] = "" if rec[key] is None else str(rec[key])
    if target.notes:
        frame[_unique_column("coord_note", frame.columns)] = "; ".join(target.notes)
    pyogrio.write_dataframe(frame, path, layer=p.name, driver="CSV", layer_options={
        "GEOMETRY": "AS_WKT", "GEOMETRY_NAME": "WKT", "WRITE_BOM": "YES"})


# --- writer: Shapefile ---------------------------------------------------------------------------

_FAMILY = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line",
           "LinearRing": "line", "Polygon": "polygon", "MultiPolygon": "polygon"}


def _cut_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def _shorten(name: str, limit: int = DBF_NAME_BYTES) -> str:
    """``name`` within ``limit`` bytes, keeping a short ``_xx`` ending (``_zh``, ``_m``, ``_km2``)."""
    if len(name.encode("utf-8")) <= limit:
        return name
    m = re.match(r"^(.+?)(_[A-Za-z0-9]{1,3})$", name)
    if m:
        head = _cut_utf8(m.group(1), limit - len(m.group(2)))
        if head:
            return head + m.group(2)
    return _cut_utf8(name, limit)


def short_field_names(names: Iterable[str], limit: int = DBF_NAME_BYTES) -> dict[str, str]:
    """DBF field names (≤ ``limit`` UTF-8 bytes), unique ignoring case, deterministic.

    Names that fit are kept. Longer ones are cut, keeping an ending of up to three
    letters after the last ``_`` (``description_zh`` → ``descrip_zh``,
    ``official_area_km2`` → ``offici_km2``, ``location_source`` → ``location_s``); a
    clash then gets a counter (``descrip_zh`` → ``descript_2``). Depends only on the list.
    """
    names = list(names)
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        if len(name.encode("utf-8")) <= limit and name.lower() not in used:
            out[name] = name
            used.add(name.lower())
    for name in names:
        if name in out:
            continue
        cand, n = _shorten(name, limit), 1
        while cand.lower() in used:
            n += 1
            cand = _cut_utf8(name, limit - len(f"_{n}")) + f"_{n}"
        out[name] = cand
        used.add(cand.lower())
    return out


def _families(frame: gpd.GeoDataFrame, name: str) -> list[tuple[str, gpd.GeoDataFrame]]:
    """The frame split by geometry family (points, lines, polygons) with file stems."""
    types = frame.geometry.geom_type
    bad = sorted(set(types.dropna()) - set(_FAMILY))
    if bad:
        raise GeometryError(f"layer {name}: a Shapefile cannot hold {', '.join(bad)}",
                            f"图层 {name}: Shapefile 不支持 {', '.join(bad)}")
    fam = types.map(_FAMILY)
    present = list(dict.fromkeys(fam.dropna()))
    if len(present) <= 1:
        return [(name, frame)]
    fam = fam.fillna(present[0])  # features without geometry go with the first type
    return [(f"{name}_{f}", frame[fam == f]) for f in present]


def _dbf_frame(frame: gpd.GeoDataFrame, stem: str, mapping: dict[str, str]
               ) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Columns renamed for the DBF, text cut to 254 bytes; the full values of cut text."""
    out = frame.reset_index(drop=True)
    long_rows = []
    for col in mapping:
        if out[col].dtype == bool:
            out[col] = out[col].astype("int32")
        if not (pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object):
            continue
        values = out[col].tolist()
        for i, v in enumerate(values):
            if isinstance(v, str) and len(v.encode("utf-8")) > DBF_TEXT_BYTES:
                long_rows.append({"layer": stem, "row": i, "field": col, "shp_field": mapping[col], "value": v})
                values[i] = _cut_utf8(v, DBF_TEXT_BYTES)
        out[col] = pd.Series(values, index=out.index, dtype=out[col].dtype)
    return out.rename(columns=mapping), long_rows


def _csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (_BOM + buf.getvalue()).encode("utf-8")


def _write_shp(layers_: list[Prepared], path: Path, target: Target) -> None:
    members: dict[str, bytes | Path] = {}
    field_rows, long_rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for p in layers_:
            geom = p.frame.geometry.name
            attrs = [c for c in p.frame.columns if c != geom]
            mapping = short_field_names(attrs)
            for stem, part in _families(p.frame, p.name):
                dbf, cut = _dbf_frame(part, stem, mapping)
                long_rows += cut
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message=".*truncated.*", category=RuntimeWarning)
                    pyogrio.write_dataframe(dbf, Path(tmp) / f"{stem}.shp", driver="ESRI Shapefile",
                                            encoding="UTF-8")
                for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                    members[f"{stem}{ext}"] = (Path(tmp) / f"{stem}{ext}").read_bytes()
                cut_fields = {r["field"] for r in cut}
                for col in attrs:
                    note = "long values cut to 254 bytes; full text in long_text.csv" if col in cut_fields else ""
                    field_rows.append({"layer": stem, "field": col, "shp_field": mapping[col],
                                       "type": str(part[col].dtype), "note": note})
        members["fields.csv"] = _csv_bytes(field_rows, ["layer", "field", "shp_field", "type", "note"])
        if long_rows:
            members["long_text.csv"] = _csv_bytes(long_rows, ["layer", "row", "field", "shp_field", "value"])
        members[PROVENANCE_FILE] = (_BOM + provenance_text(layers_, target, "shp")).encode("utf-8")
        _zip(members, path)


def read_field_mapping(zip_path: str | Path) -> dict[str, dict[str, str]]:
    """``{shapefile stem: {short field: original field}}`` from an exported zip's ``fields.csv``."""
    with zipfile.ZipFile(zip_path) as zf:
        text = zf.read("fields.csv").decode("utf-8-sig")
    out: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        out.setdefault(row["layer"], {})[row["shp_field"]] = row["field"]
    return out


# --- writer: KML -------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value) -> str:
    """``value`` as XML character data: ``& < >`` escaped, CR kept as ``&#13;``; characters
    XML 1.0 cannot hold at all (control characters) become U+FFFD."""
    text = str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return _XML_INVALID.sub("\ufffd", text)


def xml_attr(value) -> str:
    return xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _num(x: float) -> str:
    return np.format_float_positional(float(x), trim="-")


def _coords(seq) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in np.asarray(seq)[:, :2])


def kml_geometry(geom) -> str:
    """A shapely geometry as KML 2.2 (polygons with the outer ring counter-clockwise)."""
    if geom is None or geom.is_empty:
        return ""
    kind = geom.geom_type
    if kind == "Point":
        return f"<Point><coordinates>{_coords(geom.coords)}</coordinates></Point>"
    if kind in ("LineString", "LinearRing"):
        return (f"<LineString><tessellate>1</tessellate><coordinates>{_coords(geom.coords)}"
                "</coordinates></LineString>")
    if kind == "Polygon":
        geom = orient(geom, 1.0)
        inner = "".join(f"<innerBoundaryIs><LinearRing><coordinates>{_coords(r.coords)}</coordinates>"
                        "</LinearRing></innerBoundaryIs>" for r in geom.interiors)
        return (f"<Polygon><tessellate>1</tessellate><outerBoundaryIs><LinearRing><coordinates>"
                f"{_coords(geom.exterior.coords)}</coordinates></LinearRing></outerBoundaryIs>{inner}</Polygon>")
    return "<MultiGeometry>" + "".join(kml_geometry(g) for g in geom.geoms) + "</MultiGeometry>"


def _kml_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        lo, hi = (series.min(), series.max()) if series.notna().any() else (0, 0)
        return "int" if -2**31 <= lo and hi < 2**31 else "double"
    if pd.api.types.is_float_dtype(series):
        return "double"
    return "string"


def _kml_value(v, kind: str) -> str | None:
    if _missing(v):
        return None
    if kind == "bool":
        return "1" if v else "0"
    if kind == "int":
        return str(int(v))
    if kind == "double":
        return repr(float(v))
    return str(v)


def _first_text(frame: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    out = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    for col in columns:
        if col in frame:
            vals = frame[col].map(lambda v: v if isinstance(v, str) and v.strip() else None)
            out = out.where(out.notna(), vals)
    return out


def _kml_color(hex_colour: str | None, opacity: float) -> str:
    """``#RRGGBB`` and an opacity as KML's ``aabbggrr``."""
    h = (hex_colour or "#000000").lstrip("#")
    h = h if re.fullmatch(r"[0-9A-Fa-f]{6}", h) else "000000"
    return f"{int(round(max(0.0, min(1.0, opacity)) * 255)):02x}{h[4:6]}{h[2:4]}{h[0:2]}".lower()


def _kml_style(style_id: str, name: str) -> str:
    spec = _catalogue_spec(name)
    colour, fill, width, fill_op = "#D55E00", "#D55E00", 2.0, 0.25
    if spec is not None:
        s = spec.style
        colour, fill, width, fill_op = s.color, s.fill_color or s.color, s.weight, max(s.fill_opacity, 0.1)
    return (f'<Style id="{xml_attr(style_id)}"><IconStyle><color>{_kml_color(colour, 1.0)}</color>'
            f"<scale>0.8</scale></IconStyle><LineStyle><color>{_kml_color(colour, 1.0)}</color>"
            f"<width>{_num(width)}</width></LineStyle><PolyStyle><color>{_kml_color(fill, fill_op)}</color>"
            "</PolyStyle></Style>")


_NCNAME = re.compile(r"[^\W\d][\w.\-]*")


def _xml_ids(frame: pd.DataFrame, used: set[str]) -> list[str | None]:
    """Placemark ``id`` attributes from the ``id`` column where it is a valid, unused XML id
    (GDAL reads a Placemark's ``id`` field from there); other ids stay in ExtendedData only."""
    out: list[str | None] = []
    for v in (frame["id"].tolist() if "id" in frame else [None] * len(frame)):
        ok = isinstance(v, str) and _NCNAME.fullmatch(v) is not None and v not in used
        out.append(v if ok else None)
        if ok:
            used.add(v)
    return out


def _kml_folder(p: Prepared, target: Target, used_ids: set[str]) -> tuple[str, str]:
    """The schema and the folder of one layer (``used_ids``: Placemark ids taken so far)."""
    frame, geom = p.frame, p.frame.geometry.name
    attrs = [c for c in frame.columns if c != geom]
    kinds = {c: _kml_type(frame[c]) for c in attrs}
    sid = f"{p.name}_schema"
    schema = (f'<Schema name="{xml_attr(p.name)}" id="{xml_attr(sid)}">'
              + "".join(f'<SimpleField name="{xml_attr(c)}" type="{kinds[c]}"/>' for c in attrs) + "</Schema>")
    names = _first_text(frame, ("name_zh", "name", "name_en", "id"))
    english = _first_text(frame, ("name_en", "name"))
    rec = _record(p, target, "kml")
    about = "\n".join(f"{k}: {rec[k]}" for k in ("title_en", "source", "method", "date", "accuracy_m", "licence",
                                                  "attribution", "notes", "crs", "coordinates_note")
                      if rec.get(k) not in (None, ""))
    parts = [f'<Folder><name>{xml_text(rec["title_zh"])}</name>',
             f"<description>{xml_text(html.escape(about))}</description>", _kml_style(f"{p.name}_style", p.name)]
    records = frame[attrs].to_dict("records")
    ids = _xml_ids(frame, used_ids)
    for i, (row, g) in enumerate(zip(records, frame.geometry)):
        data = "".join(f'<SimpleData name="{xml_attr(c)}">{xml_text(v)}</SimpleData>'
                       for c in attrs if (v := _kml_value(row[c], kinds[c])) is not None)
        label = names.iloc[i] if names.iloc[i] is not None else f"{p.name} {i + 1}"
        desc = english.iloc[i]
        pid = f' id="{xml_attr(ids[i])}"' if ids[i] else ""
        parts.append(f"<Placemark{pid}><name>{xml_text(label)}</name>"
                     + (f"<description>{xml_text(html.escape(desc))}</description>" if desc else "")
                     + f'<styleUrl>#{xml_attr(p.name)}_style</styleUrl>'
                     + f'<ExtendedData><SchemaData schemaUrl="#{xml_attr(sid)}">{data}</SchemaData></ExtendedData>'
                     + kml_geometry(g) + "</Placemark>")
    parts.append("</Folder>")
    return schema, "\n".join(parts)


def kml_document(layers_: list[Prepared], target: Target) -> str:
    """The KML 2.2 document of ``layers_`` (WGS84 or GCJ-02 lon/lat)."""
    if not target.is_wgs84:
        raise CRSError(f"KML is WGS84 by definition; cannot write it in {target.crs}",
                       f"KML 只能使用 WGS84 坐标, 不能写成 {target.crs}")
    bad = [p.name for p in layers_ for c in p.frame.columns if c != p.frame.geometry.name
           and p.frame[c].map(lambda v: isinstance(v, str) and bool(_XML_INVALID.search(v))).any()]
    if bad:
        warnings.warn(ExportWarning(f"KML cannot hold control characters: replaced by U+FFFD in {sorted(set(bad))}"),
                      stacklevel=3)
    used: set[str] = set()
    schemas, folders = zip(*(_kml_folder(p, target, used) for p in layers_)) if layers_ else ((), ())
    doc_name = "张江科学城规划图 导出 / Zhangjiang planning map export" + (" (GCJ-02)" if target.gcj02 else "")
    about = "\n".join([f"crs: {target.crs} ({target.name})", *target.notes])
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n'
            f"<name>{xml_text(doc_name)}</name>\n<description>{xml_text(html.escape(about))}</description>\n"
            + "\n".join(schemas) + "\n" + "\n".join(folders) + "\n</Document>\n</kml>\n")


def _write_kml(layers_: list[Prepared], path: Path, target: Target) -> None:
    path.write_text(kml_document(layers_, target), encoding="utf-8")


# --- assembling ---------------------------------------------------------------------------------

def _zip(members: Mapping[str, bytes | Path], path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arcname, content in members.items():
            data = content.read_bytes() if isinstance(content, Path) else content
            zf.writestr(arcname, data)


def _write_bundle(layers_: list[Prepared], path: Path, fmt: str, target: Target) -> None:
    """Several GeoJSON or CSV layers: one zip, a file per layer plus PROVENANCE.txt."""
    members: dict[str, bytes | Path] = {}
    suffix = "_GCJ02" if target.gcj02 else ""
    with tempfile.TemporaryDirectory() as tmp:
        for p in layers_:
            member = Path(tmp) / f"{p.name}{suffix}{FORMATS[fmt].extension}"
            _WRITERS_ONE[fmt](p, member, target)
            members[member.name] = member.read_bytes()
        extra = () if fmt != "geojson" or target.is_wgs84 else (GEOJSON_CRS_NOTE,)
        members[PROVENANCE_FILE] = (_BOM + provenance_text(layers_, target, fmt, extra)).encode("utf-8")
        _zip(members, path)


_WRITERS_ONE = {"geojson": _write_geojson, "csv": _write_csv}
_WRITERS_MANY = {"gpkg": _write_gpkg, "shp": _write_shp, "kml": _write_kml}


def check_format(fmt: str) -> str:
    """``fmt`` if it is a key of :data:`FORMATS` (case-insensitive), else LayerFileError."""
    key = str(fmt).lower().lstrip(".")
    key = {"json": "geojson", "shapefile": "shp", "geopackage": "gpkg", "zip": "shp"}.get(key, key)
    if key not in FORMATS:
        raise LayerFileError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}",
                             f"未知导出格式 {fmt!r}; 可选 {', '.join(FORMATS)}")
    return key


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


def export_report(frames: Mapping[str, gpd.GeoDataFrame | None], fmt: str, out: str | Path,
                  crs: str = "wgs84", *, stem: str | None = None,
                  provenance: Mapping[str, Mapping] | None = None) -> ExportReport:
    """Export ``frames`` and report what was written (see :func:`export_frames`)."""
    fmt = check_format(fmt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExportWarning)
        target = resolve_crs(crs, {k: v for k, v in frames.items() if v is not None})
        if fmt == "kml" and not target.is_wgs84:
            raise CRSError(f"KML is WGS84 by definition; export it as wgs84 (or gcj02), not {target.crs}",
                           f"KML 只能使用 WGS84 坐标 (或 GCJ-02), 不能导出为 {target.crs}")
        layers_ = prepare(frames, target, provenance)
        bundled = fmt == "shp" or (len(layers_) > 1 and not FORMATS[fmt].multi_layer)
        default_stem = stem or (layers_[0].name if len(layers_) == 1 else "zhangjiang_layers")
        path = output_path(out, fmt, target, default_stem, bundled)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / path.name
            if fmt in _WRITERS_MANY:
                _WRITERS_MANY[fmt](layers_, work, target)
            elif bundled:
                _write_bundle(layers_, work, fmt, target)
            else:
                _WRITERS_ONE[fmt](layers_[0], work, target)
            shutil.move(str(work), path)
    notes = [str(w.message) for w in caught if issubclass(w.category, ExportWarning)]
    for w in caught:  # pass on anything else
        if not issubclass(w.category, ExportWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    for n in notes:
        warnings.warn(ExportWarning(n), stacklevel=2)
    return ExportReport([path], fmt, target, {p.name: int(len(p.frame)) for p in layers_},
                        notes + list(target.notes))


def export_frames(frames: Mapping[str, gpd.GeoDataFrame | None], fmt: str, out: str | Path,
                  crs: str = "wgs84", *, stem: str | None = None,
                  provenance: Mapping[str, Mapping] | None = None) -> list[Path]:
    """Write frames (catalogue layers, drawings, coverage results) for another GIS.

    Parameters
    ----------
    frames : mapping of str to GeoDataFrame
        Layer name → frame with a declared CRS. Names become ASCII file/table names
        (:func:`safe_names`); a catalogue id brings the catalogue's provenance.
    fmt : str
        A key of :data:`FORMATS`.
    out : path
        The file to write (its extension is corrected to the format's; ``_GCJ02`` is
        added for GCJ-02) or an existing folder (the file is ``<stem>_<CRS tag>.<ext>``).
    crs : str
        A key of :data:`CRS_CHOICES` or ``"EPSG:xxxx"`` (:func:`resolve_crs`).
    stem : str, optional
        File name stem when ``out`` is a folder; default the layer's name, or
        ``zhangjiang_layers`` for several.
    provenance : mapping, optional
        Layer name → provenance keys (``source``, ``method``, ``date``, ``accuracy_m``,
        ``licence``, ``attribution``, ``notes``, ``title_zh``, ``title_en``) overriding
        the catalogue's or the defaults.

    Returns
    -------
    list of Path
        The written file (always one: several layers of a single-layer format are zipped).

    Raises
    ------
    LayerFileError, CRSError, GeometryError
    """
    return export_report(frames, fmt, out, crs, stem=stem, provenance=provenance).paths


def _load_all(layer_ids: Iterable[str]) -> dict[str, gpd.GeoDataFrame]:
    from layers.catalogue.loading import load
    return {i: load(i) for i in layer_ids}


def export_layers(layer_ids: Iterable[str], fmt: str, out: str | Path, crs: str = "wgs84") -> list[Path]:
    """Export catalogue layers (validated, with their provenance); see :func:`export_frames`.

    Raises
    ------
    LayerNotFoundError, LayerFileError, LayerValidationError, CRSError, GeometryError
    """
    ids = list(layer_ids)
    return export_frames(_load_all(ids), fmt, out, crs, stem=ids[0] if len(ids) == 1 else None)


def group_layer_ids(group: str) -> list[str]:
    """Catalogue ids of a group (:data:`layers.catalogue.spec.GROUPS`), in catalogue order."""
    from layers.catalogue.entries import LAYERS
    from layers.catalogue.spec import GROUPS
    if group not in GROUPS:
        raise LayerNotFoundError(f"no layer group '{group}'; known groups: {', '.join(GROUPS)}",
                                 f"没有图层组 '{group}'")
    return [spec.id for spec in LAYERS if spec.group == group]


def export_group(group: str, fmt: str, out: str | Path, crs: str = "wgs84") -> list[Path]:
    """Export every layer of a group; a folder ``out`` gets ``zhangjiang_<group>_<CRS>.<ext>``."""
    return export_frames(_load_all(group_layer_ids(group)), fmt, out, crs, stem=f"zhangjiang_{group}")


def export_bytes(frames: Mapping[str, gpd.GeoDataFrame | None], fmt: str, crs: str = "wgs84", *,
                 stem: str | None = None, provenance: Mapping[str, Mapping] | None = None
                 ) -> tuple[str, bytes]:
    """An export as ``(file name, bytes)`` for a download button (see :func:`export_frames`)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = export_frames(frames, fmt, Path(tmp), crs, stem=stem, provenance=provenance)[0]
        return path.name, path.read_bytes()


# --- command line --------------------------------------------------------------------------------

def _format_from(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if suffix:
        return check_format(suffix)
    raise LayerFileError("give --format (geojson, gpkg, shp, kml, csv) or an --out file with an extension",
                         "请用 --format 指定格式, 或给出带扩展名的 --out 文件")


def cmd_export(args: argparse.Namespace) -> int:
    """``python -m layers export``: write the file, print its path, layers, counts and CRS."""
    try:
        if bool(args.layers) == bool(args.group):
            raise LayerNotFoundError("give LAYER_ID(s) or --group GROUP (one of the two)",
                                     "请给出图层 ID 或 --group 图层组 (二选一)")
        fmt = _format_from(args)
        ids = group_layer_ids(args.group) if args.group else list(args.layers)
        stem = f"zhangjiang_{args.group}" if args.group else (ids[0] if len(ids) == 1 else None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ExportWarning)
            report = export_report(_load_all(ids), fmt, args.out or ".", args.crs, stem=stem)
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
    except ZJError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in report.paths:
        print(f"{path}  ({FORMATS[report.format].label_en}, {path.stat().st_size:,} bytes)")
    print(f"crs: {report.target.crs} ({report.target.name})")
    for note in report.target.notes:
        print(f"note: {note}")
    for name, n in report.counts.items():
        print(f"  {name:<24} {n:>6} features")
    return 0


def register_cli(subparsers) -> argparse.ArgumentParser:
    """Add ``export`` to ``python -m layers``' sub-commands."""
    from layers.catalogue.spec import GROUPS
    p = subparsers.add_parser(
        "export", help="export layers for another GIS (GeoJSON, GeoPackage, Shapefile, KML, CSV)",
        description="Export catalogue layers, or a whole group, for another GIS. "
                    "导出图层 (GeoJSON / GeoPackage / Shapefile / KML / CSV).")
    p.add_argument("layers", nargs="*", metavar="LAYER_ID", help="catalogue layer ids (python -m layers list)")
    p.add_argument("--group", choices=list(GROUPS), help="export every layer of a group instead")
    p.add_argument("--format", choices=list(FORMATS), help="file format (default: from --out's extension)")
    p.add_argument("--crs", default="wgs84",
                   help="wgs84 (default, EPSG:4326), cgcs2000 (EPSG:4490), gk3 (CGCS2000 3° Gauss-Krüger, "
                        "EPSG:4549/4550 by the data), EPSG:xxxx, or gcj02 (Amap/Tencent only; file "
                        "name gets _GCJ02)")
    p.add_argument("--out", default=None, help="output file, or a folder (default: the current folder)")
    p.set_defaults(func=cmd_export)
    return p


__all__ = ["CRS_CHOICES", "FORMATS", "GCJ02_WARNING", "CRSChoice", "ExportFormat", "ExportReport",
           "ExportWarning", "OSM_DERIVED_PROVENANCE", "Target", "check_format", "export_bytes", "export_frames",
           "export_group", "export_layers", "export_report", "group_layer_ids", "kml_document",
           "layer_provenance", "output_path", "read_field_mapping", "register_cli", "resolve_crs",
           "safe_names", "serialise_attributes", "short_field_names"]
