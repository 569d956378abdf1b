"""The CSV writer: one layer per file, geometry as a ``WKT`` column, provenance as ``layer_*`` columns.

CSV has no CRS slot or metadata: a ``crs`` column names the CRS and
:data:`CSV_META_COLUMNS` carry the provenance; a UTF-8 BOM lets Excel read the text.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyogrio

from layers.io.exportcrs import Target
from layers.io.prepare import Prepared
from layers.io.provenance import layer_record

__all__ = ["CSV_META_COLUMNS", "unique_column", "write_csv"]

#: Provenance columns added to a CSV (which has no metadata slot): column → record key.
CSV_META_COLUMNS = {"crs": "crs", "layer_id": "layer", "layer_date": "date", "layer_licence": "licence",
                    "layer_attribution": "attribution"}


def unique_column(name: str, existing: Iterable[str]) -> str:
    """``name``, or ``name_2``, ``name_3``… if taken (ignoring case)."""
    taken = {c.lower() for c in existing}
    cand, n = name, 1
    while cand.lower() in taken:
        n += 1
        cand = f"{name}_{n}"
    return cand


def write_csv(p: Prepared, path: Path, target: Target) -> None:
    """Write one layer as CSV (WKT geometry, attributes, provenance columns)."""
    rec = layer_record(p, target, "csv")
    frame = p.frame.copy()
    for col, key in CSV_META_COLUMNS.items():
        frame[unique_column(col, frame.columns)] = "" if rec[key] is None else str(rec[key])
    if target.notes:
        frame[unique_column("coord_note", frame.columns)] = "; ".join(target.notes)
    pyogrio.write_dataframe(frame, path, layer=p.name, driver="CSV", layer_options={
        "GEOMETRY": "AS_WKT", "GEOMETRY_NAME": "WKT", "WRITE_BOM": "YES"})
