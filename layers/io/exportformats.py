"""The export formats: :data:`FORMATS` (extension, GDAL driver, several layers per file or not).

``gpkg``, ``shp`` (always zipped) and ``kml`` hold several layers in one file; ``geojson``
and ``csv`` hold one, so several layers become a zip (:mod:`layers.io.bundle`). Labels
shown to planners are in the text catalogue (``io_format_<key>``).
"""
from __future__ import annotations

from dataclasses import dataclass

from geo.errors import LayerFileError
from layers.text import t

__all__ = ["BOM", "FORMATS", "ExportFormat", "check_format"]

#: Byte-order mark written at the start of exported text tables, so that Excel (Chinese
#: Windows) reads them as UTF-8 rather than the ANSI code page.
BOM = "\ufeff"


@dataclass(frozen=True)
class ExportFormat:
    """One export format: file extension, GDAL driver, whether one file holds several layers."""

    key: str
    extension: str
    driver: str
    multi_layer: bool

    def label(self, lang: str) -> str:
        """The format's name for planners in ``lang``."""
        return t(lang, f"io_format_{self.key}")


#: The export formats by key.
FORMATS: dict[str, ExportFormat] = {
    "geojson": ExportFormat("geojson", ".geojson", "GeoJSON", False),
    "gpkg": ExportFormat("gpkg", ".gpkg", "GPKG", True),
    "shp": ExportFormat("shp", ".zip", "ESRI Shapefile", True),
    "kml": ExportFormat("kml", ".kml", "KML", True),
    "csv": ExportFormat("csv", ".csv", "CSV", False),
}

_FORMAT_ALIASES = {"json": "geojson", "shapefile": "shp", "geopackage": "gpkg", "zip": "shp"}


def check_format(fmt: str) -> str:
    """``fmt`` if it is a key of :data:`FORMATS` (case-insensitive, aliases and a leading dot
    accepted), else LayerFileError."""
    key = str(fmt).lower().lstrip(".")
    key = _FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        raise LayerFileError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}",
                             f"未知导出格式 {fmt!r}; 可选 {', '.join(FORMATS)}")
    return key
