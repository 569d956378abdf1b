"""The CSV reader: points from longitude/latitude columns, or any geometry from a WKT column.

Text is decoded with ``settings.CSV_ENCODINGS`` (UTF-8, then GB18030); the separator
is sniffed (``,``, ``;``, tab, ``|``). Column names are matched after normalising
(case, spaces, underscores, brackets and ``°`` ignored): :data:`LON_NAMES`,
:data:`LAT_NAMES`, :data:`WKT_NAMES`; a WKT column wins. The CSV declares no CRS.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.errors import ImportFileError
from layers.io.importbase import Raw, decode_text

__all__ = ["LAT_NAMES", "LON_NAMES", "WKT_NAMES", "read_csv"]

#: Longitude/latitude column names accepted in CSV files (compared after normalising).
LON_NAMES = ("lon", "lng", "long", "longitude", "经度", "东经", "x", "pointx", "coordx")
LAT_NAMES = ("lat", "latitude", "纬度", "北纬", "y", "pointy", "coordy")
WKT_NAMES = ("wkt", "geometry", "geom", "thegeom", "shape", "几何")


def read_csv(path: Path, layer: str | None, max_bytes: int) -> Raw:
    """Read a CSV (or .txt/.tsv) table with coordinate or WKT columns."""
    data = path.read_bytes()
    text = decode_text(data, path.name, "CSV", settings.CSV_ENCODINGS)
    table = _parse(text, path.name)
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
    return Raw(frame, None, "csv")


def _parse(text: str, name: str) -> pd.DataFrame:
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


def _norm(column: object) -> str:
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
    ok = (xs.notna() & ys.notna()).to_numpy()
    points = np.asarray(shapely.points(xs.fillna(0).to_numpy(), ys.fillna(0).to_numpy()), dtype=object)
    points[~ok] = None
    return points


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
