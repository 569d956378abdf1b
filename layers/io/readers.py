"""Which reader reads which file: :func:`read_raw` and :func:`list_layers`.

One reader per format, each in its own module: :mod:`~layers.io.geojson_reader`,
:mod:`~layers.io.gpkg_reader`, :mod:`~layers.io.shapefile_reader` (zipped or loose),
:mod:`~layers.io.kml_reader` (KML and KMZ) and :mod:`~layers.io.csv_reader`. The format
comes from the file's extension (:data:`layers.io.importbase.SUFFIXES`).
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Callable

from geo import settings
from layers.io.csv_reader import read_csv
from layers.io.geojson_reader import read_geojson
from layers.io.gpkg_reader import gpkg_layers, read_gpkg
from layers.io.importbase import Raw, format_of
from layers.io.kml_reader import read_kml, read_kmz
from layers.io.shapefile_reader import read_shp, read_shp_zip, shp_members
from layers.io.zipsafe import open_zip

__all__ = ["READERS", "list_layers", "read_raw"]

#: The reader of each format key: ``reader(path, layer, max_bytes) -> Raw``.
READERS: dict[str, Callable[[Path, str | None, int], Raw]] = {
    "geojson": read_geojson, "gpkg": read_gpkg, "shpzip": read_shp_zip, "shp": read_shp,
    "kml": read_kml, "kmz": read_kmz, "csv": read_csv}


def read_raw(path: Path, layer: str | None, max_bytes: int) -> Raw:
    """The file read by its format's reader, before CRS, repair and checks."""
    return READERS[format_of(path, max_bytes)](path, layer, max_bytes)


def list_layers(path: str | Path, *, max_bytes: int = settings.MAX_IMPORT_BYTES) -> list[str]:
    """Names a planner can pass as ``layer=``: GeoPackage layers, Shapefiles in a zip.

    Formats with one layer (and KML, whose folders are all read by default) give ``[]``.
    """
    path = Path(path)
    fmt = format_of(path, max_bytes)
    if fmt == "gpkg":
        return gpkg_layers(path)
    if fmt == "shpzip":
        with open_zip(path, max_bytes) as zf:
            return [PurePosixPath(n).name for n in shp_members(zf)]
    return []
