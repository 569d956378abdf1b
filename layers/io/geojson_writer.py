"""The GeoJSON writer: one layer per file, RFC 7946 in WGS84, provenance in a ``metadata`` member.

RFC 7946 (WGS84, no ``crs`` member, 7 decimals ≈ 1 cm) unless another CRS is asked for
explicitly; then the file is written anyway with the legacy ``crs`` member (GDAL, QGIS
and ArcGIS read it; web maps may not), and its metadata say so
(:data:`~layers.io.exportcrs.GEOJSON_CRS_NOTE`).
"""
from __future__ import annotations

import json
from pathlib import Path

import pyogrio

from layers.io.exportcrs import GEOJSON_CRS_NOTE, Target
from layers.io.prepare import Prepared
from layers.io.provenance import layer_record

__all__ = ["write_geojson"]


def write_geojson(p: Prepared, path: Path, target: Target) -> None:
    """Write one layer as GeoJSON with its provenance as the ``metadata`` member."""
    rfc = target.is_wgs84
    meta = layer_record(p, target, "geojson", () if rfc else (GEOJSON_CRS_NOTE,))
    pyogrio.write_dataframe(p.frame, path, layer=p.name, driver="GeoJSON", layer_options={
        "RFC7946": "YES" if rfc else "NO",
        "AUTODETECT_JSON_STRINGS": "NO",  # text that looks like JSON stays text
        "WRITE_NON_FINITE_VALUES": "NO",
        "FOREIGN_MEMBERS_COLLECTION": json.dumps({"metadata": meta}, ensure_ascii=False, default=str),
    })
