"""The GeoPackage writer: a table per layer, plus the non-spatial ``layer_provenance`` table.

Each table carries its description and the layer's provenance as GDAL layer metadata.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio

from layers.io.exportcrs import Target
from layers.io.prepare import Prepared
from layers.io.provenance import PROVENANCE_TABLE, layer_record

__all__ = ["write_gpkg"]


def _description(rec: dict) -> str:
    return (f"{rec['title_zh']} / {rec['title_en']}. source: {rec['source']}; method: {rec['method']}; "
            f"date: {rec['date']}; accuracy_m: {rec['accuracy_m']}; licence: {rec['licence']}. "
            f"{rec['coordinates_note']}").strip()


def write_gpkg(layers_: list[Prepared], path: Path, target: Target) -> None:
    """Write every layer into one GeoPackage with its provenance table."""
    rows = []
    for p in layers_:
        rec = layer_record(p, target, "gpkg")
        rows.append(rec)
        pyogrio.write_dataframe(
            p.frame, path, layer=p.name, driver="GPKG",
            layer_options={"DESCRIPTION": _description(rec), "IDENTIFIER": f"{p.name}: {rec['title_zh']}"},
            layer_metadata={k: "" if v is None else str(v) for k, v in rec.items()})
    table = pd.DataFrame(rows)
    table["accuracy_m"] = pd.to_numeric(table["accuracy_m"], errors="coerce")
    pyogrio.write_dataframe(table, path, layer=PROVENANCE_TABLE, driver="GPKG",
                            layer_options={"DESCRIPTION": "每个图层的来源与坐标说明 / provenance and coordinates of every layer"})
