"""Import a planner's own file as a WGS84 layer: :func:`read_layer` (the façade of the import).

Formats: GeoJSON, GeoPackage (one chosen layer), zipped or loose Shapefile (with or
without ``.prj``; UTF-8 or GBK attributes), KML, KMZ and CSV (lon/lat columns or a
WKT column); one reader module each (:mod:`layers.io.readers`). Every failure is an
:class:`~geo.errors.ImportFileError` or :class:`~geo.errors.ImportGeometryError` with a
bilingual message that says what is wrong and what to do; the ``kind`` attribute names
the case for code.

Coordinates: the declared CRS is used. When a file declares none,
:func:`~layers.io.crsguess.detect_crs` lists the CRSs under which the data land in
Shanghai, ranked. Lon/lat data in Shanghai are taken as WGS84 with a warning; projected
data need the planner's confirmation (``Imported.needs_confirmation``; pass ``crs=`` to
confirm). GCJ-02 (Amap/Tencent) and BD-09 (Baidu) cannot be told from WGS84 by their
numbers: the planner chooses them with ``datum=``.

Safety: zip archives are checked (:mod:`layers.io.zipsafe`) before anything is read;
members are read into memory with a cap and written under fixed names into a private
temporary folder. Attribute text is kept verbatim (escaping HTML is the display's job).
The module keeps no state between calls.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely

from geo import settings
from geo.chinacoords import convert_frame
from geo.crs import as_crs
from layers.io.clean import check_mixed, check_outside, clean_geometries, family_labels
from layers.io.crsguess import CANDIDATE_CRS, Candidate, check_datum, choose_crs, detect_crs, transform_to_wgs84
from layers.io.readers import list_layers, read_raw

__all__ = ["CANDIDATE_CRS", "MAX_IMPORT_BYTES", "MAX_IMPORT_ENV", "MAX_ZIP_RATIO", "Candidate", "Imported",
           "detect_crs", "list_layers", "max_import_bytes", "read_layer", "split_by_type", "summary"]

#: Largest file :func:`read_layer` accepts by default (``settings.MAX_IMPORT_BYTES``).
MAX_IMPORT_BYTES = settings.MAX_IMPORT_BYTES
#: Environment variable that sets the app's and the command line's limit in MB.
MAX_IMPORT_ENV = settings.MAX_IMPORT_ENV
#: Highest compression ratio of a big zip member (``settings.MAX_ZIP_RATIO``).
MAX_ZIP_RATIO = settings.MAX_ZIP_RATIO


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


def read_layer(path: str | Path, *, layer: str | None = None, crs: str | int | None = None,
               datum: str | None = None, swap: bool = False, repair: bool = True, allow_mixed: bool = False,
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
    datum = check_datum(datum)
    given = as_crs(crs) if crs is not None else None
    raw = read_raw(path, layer, max_bytes)
    frame, fixes = clean_geometries(raw.frame, repair)
    warnings = list(raw.warnings)
    warnings += check_mixed(frame, allow_mixed)
    if swap:
        frame = frame.set_geometry(shapely.transform(frame.geometry.to_numpy(), lambda c: c[:, ::-1]))
        fixes.append("已交换经纬度 (x/y) / swapped axes (x/y) as requested")
    crs_used, candidates, confirm, notes = choose_crs(frame, raw, given)
    warnings += notes
    out = transform_to_wgs84(frame, crs_used)
    if datum != "wgs84":
        out = convert_frame(out, datum, "wgs84")
        fixes.append(f"已从 {datum.upper()} 转换为 WGS84 / converted from {datum.upper()} to WGS84")
    warnings += check_outside(out, frame, crs_used, swap)
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
    fam = family_labels(imported.frame)
    return {str(k): imported.frame[fam == k].copy() for k in fam.unique()}
