"""Provenance travelling with every export: PROVENANCE.txt, the ``layer_provenance`` table, metadata.

Each layer's provenance (source, method, date, accuracy, licence, attribution, notes;
the catalogue's for catalogue layers, :data:`DEFAULT_PROVENANCE` for drawn or computed
frames) is written into every export: GeoJSON ``metadata`` member, GeoPackage table
(:data:`PROVENANCE_TABLE`) and layer metadata, :data:`PROVENANCE_FILE` in every zip,
KML folder descriptions, and ``layer_*`` columns in CSV. :func:`layer_record` is the
metadata of one layer as written; :func:`provenance_text` the text file.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from geo.errors import LayerNotFoundError
from layers.io.exportcrs import GCJ02_WARNING, Target
from layers.io.exportformats import FORMATS

if TYPE_CHECKING:
    from layers.catalogue.spec import LayerSpec
    from layers.io.prepare import Prepared

__all__ = ["DEFAULT_PROVENANCE", "OSM_DERIVED_PROVENANCE", "PROVENANCE_FILE", "PROVENANCE_KEYS", "PROVENANCE_TABLE",
           "catalogue_spec", "layer_provenance", "layer_record", "provenance_text"]

#: Non-spatial GeoPackage table with one provenance row per layer.
PROVENANCE_TABLE = "layer_provenance"
#: Text file with the provenance of every layer, in every zip.
PROVENANCE_FILE = "PROVENANCE.txt"
#: Provenance of frames that are not catalogue layers (drawn or computed in the app).
DEFAULT_PROVENANCE: dict[str, Any] = {
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
#: The provenance keys of every exported layer, in the order they are written.
PROVENANCE_KEYS = ("title_zh", "title_en", "source", "method", "date", "accuracy_m", "licence",
                   "attribution", "notes")


def catalogue_spec(name: str) -> LayerSpec | None:
    """The catalogue's spec of layer ``name``, or None for a layer not in the catalogue."""
    from layers.catalogue.loading import get_spec
    try:
        return get_spec(name)
    except LayerNotFoundError:
        return None


def layer_provenance(name: str, given: Mapping | None = None) -> dict:
    """Provenance of one exported layer: the catalogue's for a catalogue id, else
    :data:`DEFAULT_PROVENANCE`; ``given`` overrides any key."""
    spec = catalogue_spec(name)
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
    return {k: rec.get(k) for k in PROVENANCE_KEYS}


def layer_record(p: Prepared, target: Target, fmt: str, extra: Iterable[str] = ()) -> dict:
    """The metadata of one layer as written into the file(s): provenance, counts, CRS, format."""
    types = sorted({t for t in p.frame.geometry.geom_type.dropna().unique()})
    return {"layer": p.name, **p.provenance, "features": int(len(p.frame)),
            "geometry_types": ", ".join(types), "crs": target.crs, "crs_name": target.name,
            "coordinates_note": "; ".join([*target.notes, *extra]),
            "format": FORMATS[fmt].label("en"), "exported": datetime.date.today().isoformat()}


def provenance_text(layers_: list[Prepared], target: Target, fmt: str, extra: Iterable[str] = ()) -> str:
    """``PROVENANCE.txt``: the export's CRS and notes, then every layer's provenance."""
    lines = ["张江科学城规划图 导出说明 / Zhangjiang Science City planning map: export notes", ""]
    if target.gcj02:
        lines += ["!!! " + GCJ02_WARNING, ""]
    lines += [f"format / 格式: {FORMATS[fmt].label('zh')} / {FORMATS[fmt].label('en')}",
              f"crs / 坐标系: {target.crs} ({target.name})",
              f"exported / 导出日期: {datetime.date.today().isoformat()}"]
    lines += [f"note / 说明: {n}" for n in (*target.notes, *extra) if n != GCJ02_WARNING]
    for p in layers_:
        rec = layer_record(p, target, fmt)
        lines += ["", f"== {p.name}: {rec['title_zh']} / {rec['title_en']}"]
        for key in ("features", "geometry_types", *PROVENANCE_KEYS[2:]):
            value = rec.get(key)
            if value not in (None, ""):
                lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"
