"""The Shapefile writer: always a zip of ``.shp/.shx/.dbf/.prj/.cpg`` per layer, DBF limits handled.

``.cpg`` says ``UTF-8``. A layer with mixed geometry becomes one shapefile per geometry
family (``<layer>_point``, ``_line``, ``_polygon``; families from :mod:`geo.geometry`).
DBF field names are at most ``settings.DBF_NAME_BYTES`` bytes: :func:`short_field_names`
shortens them predictably and ``fields.csv`` in the zip maps every original name to its
short one (:func:`read_field_mapping` reads it back). DBF text is at most
``settings.DBF_TEXT_BYTES`` bytes: longer values are cut at a character boundary and
written whole to ``long_text.csv``.
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import settings
from geo.errors import GeometryError
from geo.geometry import FAMILY
from layers.io.bundle import provenance_bytes, write_zip
from layers.io.exportcrs import Target
from layers.io.exportformats import BOM
from layers.io.prepare import Prepared
from layers.io.provenance import PROVENANCE_FILE

__all__ = ["read_field_mapping", "short_field_names", "write_shp"]


def _cut_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def _shorten(name: str, limit: int) -> str:
    """``name`` within ``limit`` bytes, keeping a short ``_xx`` ending (``_zh``, ``_m``, ``_km2``)."""
    if len(name.encode("utf-8")) <= limit:
        return name
    m = re.match(r"^(.+?)(_[A-Za-z0-9]{1,3})$", name)
    if m:
        head = _cut_utf8(m.group(1), limit - len(m.group(2)))
        if head:
            return head + m.group(2)
    return _cut_utf8(name, limit)


def short_field_names(names: Iterable[str], limit: int = settings.DBF_NAME_BYTES) -> dict[str, str]:
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
    bad = sorted(set(types.dropna()) - set(FAMILY))
    if bad:
        raise GeometryError(f"layer {name}: a Shapefile cannot hold {', '.join(bad)}",
                            f"图层 {name}: Shapefile 不支持 {', '.join(bad)}")
    fam = types.map(FAMILY)
    present = list(dict.fromkeys(fam.dropna()))
    if len(present) <= 1:
        return [(name, frame)]
    fam = fam.fillna(present[0])  # features without geometry go with the first type
    return [(f"{name}_{f}", frame[fam == f]) for f in present]


def _dbf_frame(frame: gpd.GeoDataFrame, stem: str, mapping: dict[str, str]
               ) -> tuple[gpd.GeoDataFrame, list[dict]]:
    """Columns renamed for the DBF, text cut to the DBF limit; the full values of cut text."""
    limit = settings.DBF_TEXT_BYTES
    out = frame.reset_index(drop=True)
    long_rows = []
    for col in mapping:
        if out[col].dtype == bool:
            out[col] = out[col].astype("int32")
        if not (pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object):
            continue
        values = out[col].tolist()
        for i, v in enumerate(values):
            if isinstance(v, str) and len(v.encode("utf-8")) > limit:
                long_rows.append({"layer": stem, "row": i, "field": col, "shp_field": mapping[col], "value": v})
                values[i] = _cut_utf8(v, limit)
        out[col] = pd.Series(values, index=out.index, dtype=out[col].dtype)
    return out.rename(columns=mapping), long_rows


def _csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return (BOM + buf.getvalue()).encode("utf-8")


def write_shp(layers_: list[Prepared], path: Path, target: Target) -> None:
    """Write every layer as Shapefile(s) into one zip with ``fields.csv``, ``long_text.csv``
    (when text was cut) and ``PROVENANCE.txt``."""
    members: dict[str, bytes | Path] = {}
    field_rows: list[dict] = []
    long_rows: list[dict] = []
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
                    note = (f"long values cut to {settings.DBF_TEXT_BYTES} bytes; full text in long_text.csv"
                            if col in cut_fields else "")
                    field_rows.append({"layer": stem, "field": col, "shp_field": mapping[col],
                                       "type": str(part[col].dtype), "note": note})
        members["fields.csv"] = _csv_bytes(field_rows, ["layer", "field", "shp_field", "type", "note"])
        if long_rows:
            members["long_text.csv"] = _csv_bytes(long_rows, ["layer", "row", "field", "shp_field", "value"])
        members[PROVENANCE_FILE] = provenance_bytes(layers_, target, "shp")
        write_zip(members, path)


def read_field_mapping(zip_path: str | Path) -> dict[str, dict[str, str]]:
    """``{shapefile stem: {short field: original field}}`` from an exported zip's ``fields.csv``."""
    with zipfile.ZipFile(zip_path) as zf:
        text = zf.read("fields.csv").decode("utf-8-sig")
    out: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        out.setdefault(row["layer"], {})[row["shp_field"]] = row["field"]
    return out
