"""The KML writer: one KML 2.2 file, a Folder per layer, written here (not by libkml).

libkml's writer breaks on text containing ``]]>`` or an XML-invalid ``id``, so the
document is built as text with every value escaped (:func:`xml_text`, :func:`xml_attr`).
Each Placemark's ``<name>`` is the Chinese name (``name_zh``, else ``name``, ``name_en``,
``id``); ``<description>`` is the English name (HTML-escaped, as KML descriptions are
HTML); every attribute is typed ``ExtendedData``, verbatim. Folders carry the layer's
provenance and the catalogue's style. KML is WGS84 by definition (GCJ-02 vertices only
when asked); any other CRS is refused.
"""
from __future__ import annotations

import html
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry.polygon import orient

from geo import settings
from geo.errors import CRSError, ExportWarning
from layers.catalogue.validate import is_missing
from layers.io.exportcrs import Target
from layers.io.prepare import Prepared
from layers.io.provenance import catalogue_spec, layer_record

__all__ = ["kml_document", "kml_geometry", "write_kml", "xml_attr", "xml_text"]

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NCNAME = re.compile(r"[^\W\d][\w.\-]*")


def xml_text(value: Any) -> str:
    """``value`` as XML character data: ``& < >`` escaped, CR kept as ``&#13;``; characters
    XML 1.0 cannot hold at all (control characters) become U+FFFD."""
    text = str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return _XML_INVALID.sub("\ufffd", text)


def xml_attr(value: Any) -> str:
    """``value`` as an XML attribute value (in double quotes; newlines and tabs kept)."""
    return xml_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _num(x: float) -> str:
    return np.format_float_positional(float(x), trim="-")


def _coords(seq: Any) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in np.asarray(seq)[:, :2])


def kml_geometry(geom: Any) -> str:
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


def _kml_value(v: Any, kind: str) -> str | None:
    if not isinstance(v, str) and is_missing(v):  # blank text is still written
        return None
    if kind == "bool":
        return "1" if v else "0"
    if kind == "int":
        return str(int(v))
    if kind == "double":
        return repr(float(v))
    return str(v)


def _first_text(frame: pd.DataFrame, columns: Iterable[str]) -> list[str | None]:
    """Per row, the first non-blank text among ``columns`` (None where there is none)."""
    out: list[str | None] = [None] * len(frame)
    for col in columns:
        if col in frame:
            for i, v in enumerate(frame[col].tolist()):
                if out[i] is None and isinstance(v, str) and v.strip():
                    out[i] = v
    return out


def _kml_color(hex_colour: str | None, opacity: float) -> str:
    """``#RRGGBB`` and an opacity as KML's ``aabbggrr``."""
    h = (hex_colour or "#000000").lstrip("#")
    h = h if re.fullmatch(r"[0-9A-Fa-f]{6}", h) else "000000"
    return f"{int(round(max(0.0, min(1.0, opacity)) * 255)):02x}{h[4:6]}{h[2:4]}{h[0:2]}".lower()


def _kml_style(style_id: str, name: str) -> str:
    spec = catalogue_spec(name)
    colour, fill = settings.EXPORT_KML_COLOUR, settings.EXPORT_KML_COLOUR
    width, fill_op = settings.EXPORT_KML_WIDTH, settings.EXPORT_KML_FILL_OPACITY
    if spec is not None:
        s = spec.style
        colour, fill, width = s.color, s.fill_color or s.color, s.weight
        fill_op = max(s.fill_opacity, settings.EXPORT_KML_MIN_FILL_OPACITY)
    return (f'<Style id="{xml_attr(style_id)}"><IconStyle><color>{_kml_color(colour, 1.0)}</color>'
            f"<scale>0.8</scale></IconStyle><LineStyle><color>{_kml_color(colour, 1.0)}</color>"
            f"<width>{_num(width)}</width></LineStyle><PolyStyle><color>{_kml_color(fill, fill_op)}</color>"
            "</PolyStyle></Style>")


def _xml_ids(frame: pd.DataFrame, used: set[str]) -> list[str | None]:
    """Placemark ``id`` attributes from the ``id`` column where it is a valid, unused XML id
    (GDAL reads a Placemark's ``id`` field from there); other ids stay in ExtendedData only."""
    out: list[str | None] = []
    for v in (frame["id"].tolist() if "id" in frame else [None] * len(frame)):
        if isinstance(v, str) and _NCNAME.fullmatch(v) is not None and v not in used:
            out.append(v)
            used.add(v)
        else:
            out.append(None)
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
    rec = layer_record(p, target, "kml")
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
        label = names[i] if names[i] is not None else f"{p.name} {i + 1}"
        desc = english[i]
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


def write_kml(layers_: list[Prepared], path: Path, target: Target) -> None:
    """Write every layer into one KML file (UTF-8)."""
    path.write_text(kml_document(layers_, target), encoding="utf-8")
