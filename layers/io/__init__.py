"""File import, export and project files: the planner's data in and out of the app.

Import (a planner's file → a WGS84 layer)
    ``importer``          the façade: :func:`read_layer`, :func:`summary`, :func:`split_by_type`
    ``readers``           which reader reads which file: ``read_raw``, ``list_layers``
    ``importbase``        what readers share: the raw frame, format from the extension, errors
    ``geojson_reader``    the GeoJSON reader
    ``gpkg_reader``       the GeoPackage reader
    ``shapefile_reader``  the Shapefile reader (zipped or loose; .cpg / UTF-8 / GBK encodings)
    ``kml_reader``        the KML and KMZ reader
    ``csv_reader``        the CSV reader (lon/lat or WKT columns)
    ``zipsafe``           zip archives checked before reading (names, sizes, zip bombs)
    ``crsguess``          the CRS guess for files that declare none, and the CRS an import uses
    ``clean``             geometry checks and repairs (empty, invalid, mixed types, outside Shanghai)
    ``cli_import``        ``python -m layers import``
    ``uploads``           the app's import step (an upload → an outcome)

Export (layers → a file for another GIS)
    ``export``            the façade: :func:`export_frames`, :func:`export_layers`, :func:`export_bytes`
    ``exportformats``     the formats table (extension, driver, several layers or one)
    ``exportcrs``         the export CRS choice (WGS84, CGCS2000, Gauss-Krüger zone, GCJ-02 naming)
    ``prepare``           safe names, attributes as plain values, frames in the target CRS
    ``provenance``        provenance in every export (PROVENANCE.txt, ``layer_provenance`` table)
    ``geojson_writer``    the GeoJSON writer
    ``gpkg_writer``       the GeoPackage writer
    ``shapefile_writer``  the Shapefile writer (field names, long text, .cpg, split by type)
    ``kml_writer``        the KML writer
    ``csv_writer``        the CSV writer
    ``bundle``            zips of exports (several one-layer files plus PROVENANCE.txt)
    ``cli_export``        ``python -m layers export``

Project files (the planner's session in one GeoPackage)
    ``project``           :class:`Project`, :func:`save` (atomic), :func:`load`, bytes for the browser
    ``projecttables``     how layers and drawings become GeoPackage tables and come back

Public API: ``importer.read_layer``, ``importer.detect_crs``, ``importer.summary``,
``importer.max_import_bytes``, ``export.export_frames``, ``export.export_layers``,
``export.export_group``, ``export.export_bytes``, ``export.FORMATS``,
``export.CRS_CHOICES``, ``project.Project``, ``project.save``, ``project.load``,
``project.to_bytes``, ``project.from_bytes``. Import the submodule
(``from layers.io import export``); this package imports nothing itself.
"""
from __future__ import annotations

__all__: list[str] = []
