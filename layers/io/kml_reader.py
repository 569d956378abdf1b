"""The KML and KMZ reader: placemarks of every folder (or one chosen folder), WGS84 by definition.

The XML is parsed first with Python's parser (to say where a broken file breaks), then
read through GDAL from a private temporary copy. KML bookkeeping columns that carry
nothing are dropped; the placemark name becomes the ``name`` column. A KMZ is a zip
checked by :mod:`layers.io.zipsafe`; its ``doc.kml`` (or only ``.kml``) is read.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from xml.etree import ElementTree

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import ImportFileError
from layers.io.importbase import Raw, broken, choose_layer, not_format, quiet
from layers.io.zipsafe import open_zip, read_member

__all__ = ["kml_from_bytes", "read_kml", "read_kmz", "tidy_kml"]

#: KML bookkeeping columns GDAL adds; dropped when they hold nothing.
_KML_DROP = ("id", "timestamp", "begin", "end", "altitudeMode", "tessellate", "extrude", "visibility",
             "drawOrder", "icon")


def read_kml(path: Path, layer: str | None, max_bytes: int) -> Raw:
    """Read a KML file (``layer``: one folder, default all)."""
    return kml_from_bytes(path.read_bytes(), layer, path.name, "kml")


def read_kmz(path: Path, layer: str | None, max_bytes: int) -> Raw:
    """Read a KMZ file: the zip's ``doc.kml``, or its only ``.kml``."""
    with open_zip(path, max_bytes) as zf:
        kmls = [n for n in zf.namelist() if n.lower().endswith(".kml")]
        main = "doc.kml" if "doc.kml" in kmls else (kmls[0] if len(kmls) == 1 else None)
        if main is None:
            raise ImportFileError("broken", f"{path.name}: the KMZ holds no doc.kml ({len(kmls)} .kml files); "
                                  "save it again from Google Earth or your GIS",
                                  f"{path.name}: KMZ 中没有 doc.kml, 请从 Google Earth 或 GIS 软件重新保存")
        data = read_member(zf, main)
    return kml_from_bytes(data, layer, path.name, "kmz")


def kml_from_bytes(data: bytes, layer: str | None, name: str, fmt: str) -> Raw:
    """Read KML text given as bytes; ``name`` and ``fmt`` are for messages and the result."""
    if b"\x00" in data[:8192]:
        raise not_format(name, "KML")
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
    with tempfile.TemporaryDirectory(prefix="zj_import_") as tmp, quiet():
        doc = Path(tmp) / "doc.kml"
        doc.write_bytes(data)
        try:
            names = [str(n) for n, _ in pyogrio.list_layers(doc)]
            if layer is not None:
                names = [choose_layer(names, layer, name, "KML")]
            frames = [pyogrio.read_dataframe(doc, layer=n) for n in names]
        except ImportFileError:
            raise
        except Exception as exc:
            raise broken(name, "KML", exc) from None
    frames = [f for f in frames if len(f)]
    if not frames:
        raise ImportFileError("empty", f"{name}: the KML holds no placemarks", f"{name}: KML 中没有地标要素")
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = tidy_kml(gpd.GeoDataFrame(frame, geometry=frame.geometry.name))
    return Raw(frame, None, fmt, layer=layer or "", lonlat_default=True)


def tidy_kml(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop KML bookkeeping columns that carry nothing; call the placemark name ``name``."""
    drop = [c for c in _KML_DROP if c in frame.columns
            and (frame[c].isna().all() or frame[c].astype(str).isin(["-1", "0", "nan", "None", "NaT"]).all()
                 or (c == "id" and frame[c].astype(str).str.match(r"^(LIB)?KML\.\d+$|^$").all()))]
    frame = frame.drop(columns=drop)
    if "Name" in frame.columns and "name" not in frame.columns:
        frame = frame.rename(columns={"Name": "name"})
    return frame
