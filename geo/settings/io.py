"""Defaults of file import, export and project files (layers.io), each with its source."""
from __future__ import annotations

# --- import ---------------------------------------------------------------------------------------

#: Largest file an import accepts, and the most a zip may unpack to, in bytes.
#: Project choice: 200 MB holds any district-scale planning layer (all of Shanghai's land
#: parcels as a Shapefile are ~150 MB) while keeping a browser upload and the in-memory frame
#: (roughly 5-10x the file size) within an office laptop's memory. ``$ZJ_MAX_IMPORT_MB``
#: (:data:`MAX_IMPORT_ENV`) changes it; Streamlit's ``server.maxUploadSize`` (also 200 MB)
#: refuses bigger uploads first, so raise both.
MAX_IMPORT_BYTES = 200 * 1024**2
#: Highest uncompressed/compressed ratio of a zip member larger than
#: :data:`ZIP_RATIO_MIN_BYTES`. Real GIS data compress 2-20x (text up to ~50x); deflate
#: cannot exceed ~1030x (zlib technical details, "maximum compression factor"), which is
#: what zip bombs use.
MAX_ZIP_RATIO = 100
#: Zip members smaller than this (bytes) are never called bombs: tiny files can compress well.
ZIP_RATIO_MIN_BYTES = 1024**2
#: Most entries a zip may list. Project choice: a Shapefile has fewer than 10 files per layer
#: (ESRI Shapefile Technical Description, 1998), so 10,000 is far above any layer archive.
MAX_ZIP_ENTRIES = 10_000
#: Encodings tried, in order, for CSV text: UTF-8 (with or without BOM, what current GIS and
#: spreadsheets write), then GB18030 (superset of GBK/GB2312, Excel's "CSV" on Chinese Windows).
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
#: Encodings tried, in order, for Shapefile attribute text without a fitting ``.cpg``: UTF-8,
#: then GB18030 (ArcGIS/QGIS on Chinese Windows write the ANSI code page 936 = GBK).
SHP_ENCODINGS = ("UTF-8", "GB18030")
#: Records of a ``.dbf`` read to detect its encoding. Project choice: enough text to meet any
#: non-ASCII attribute while keeping detection instant on a 100,000-record layer.
SHP_ENCODING_SAMPLE_RECORDS = 5000
#: Vertices sampled to guess an undeclared CRS. Project choice: the share inside Shanghai is
#: known to ±2 % from 2,000 evenly spaced vertices, and transforming them takes milliseconds.
CRS_GUESS_SAMPLE = 2000

# --- export ---------------------------------------------------------------------------------------

#: Longest DBF character field value, in bytes (dBASE III format: field length ≤ 254;
#: ESRI Shapefile Technical Description, 1998, which uses dBASE III for attributes).
DBF_TEXT_BYTES = 254
#: Longest DBF field name, in bytes (dBASE III field descriptor: 11 bytes, NUL-terminated).
DBF_NAME_BYTES = 10
#: How far (degrees) data may leave a projected CRS's area of use before an export refuses
#: it. Project choice: a 3° Gauss-Krüger zone is commonly used up to half a degree beyond
#: its edge (distortion there is still below 1:10,000 map accuracy).
EXPORT_AREA_PAD_DEG = 0.5
#: KML style of exported layers that are not in the catalogue (drawn or computed): line and
#: point colour (Okabe-Ito vermilion, the drawings' colour), line width in pixels and fill
#: opacity. Catalogue layers keep their own style.
EXPORT_KML_COLOUR = "#D55E00"
EXPORT_KML_WIDTH = 2.0
EXPORT_KML_FILL_OPACITY = 0.25
#: Least fill opacity written into KML, so a catalogue layer drawn unfilled in the app still
#: shows its area in Google Earth. Project choice.
EXPORT_KML_MIN_FILL_OPACITY = 0.1

# --- project files --------------------------------------------------------------------------------

#: Largest project file that is opened, in bytes: the layer import limit, since a project
#: holds imported layers.
MAX_PROJECT_BYTES = MAX_IMPORT_BYTES
#: Age (seconds) after which a temporary folder of an atomic write (``geo.files``) counts as
#: left by a crash even if its process id is alive again. Project choice: no save takes a day.
STALE_TEMP_AGE_S = 24 * 3600
