"""The GeoPackage reader: one chosen layer with geometry, read through GDAL.

A file must start with the SQLite header and hold GeoPackage tables; an SQLite
database of another kind is refused with its own message.
"""
from __future__ import annotations

from pathlib import Path

import pyogrio

from geo.errors import ImportFileError
from layers.io.importbase import Raw, broken, choose_layer, not_format, quiet

__all__ = ["gpkg_layers", "read_gpkg"]


def read_gpkg(path: Path, layer: str | None, max_bytes: int) -> Raw:
    """Read one layer of a GeoPackage (``layer``, or the only one)."""
    names = gpkg_layers(path)
    chosen = choose_layer(names, layer, path.name, "GeoPackage")
    try:
        with quiet():
            frame = pyogrio.read_dataframe(path, layer=chosen)
    except Exception as exc:
        raise broken(path.name, "GeoPackage", exc) from None
    return Raw(frame, frame.crs, "gpkg", layer=chosen)


def gpkg_layers(path: Path) -> list[str]:
    """Names of the GeoPackage's layers that have geometry."""
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise not_format(path.name, "GeoPackage")
    try:
        with quiet():
            info = pyogrio.list_layers(path)
    except Exception as exc:
        if "required GeoPackage tables" in str(exc):  # an SQLite database of another kind
            raise ImportFileError("not_geo", f"{path.name}: an SQLite database but not a GeoPackage (no "
                                  "gpkg_contents table); export the layer as GeoPackage",
                                  f"{path.name}: 是 SQLite 数据库但不是 GeoPackage, 请导出为 GeoPackage") from None
        raise broken(path.name, "GeoPackage", exc) from None
    names = [str(n) for n, g in info if g is not None]
    if not names:
        raise ImportFileError("empty", f"{path.name}: the GeoPackage holds no layer with geometry",
                              f"{path.name}: GeoPackage 中没有含几何的图层")
    return names
