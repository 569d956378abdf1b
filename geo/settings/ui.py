"""Defaults of the app's panels (layers.ui, app.py), each with its source."""
from __future__ import annotations

__all__ = ["UI_ATTRIBUTE_ROWS", "UI_COVERAGE_STEPS", "UI_IMPORT_SUFFIXES", "UI_MAP_HEIGHT_MEETING_PX",
           "UI_MAP_HEIGHT_PX"]

#: Height of the map (px) beside the sidebar (project choice: leaves the tabs' headers within
#: reach on a laptop screen).
UI_MAP_HEIGHT_PX = 640
#: Height of the map (px) in meeting mode, where sidebar, header and tabs are hidden (project
#: choice: the map takes the screen below the "leave meeting mode" button).
UI_MAP_HEIGHT_MEETING_PX = 820
#: Rows of an imported layer's attribute table shown in "My layers" (project choice: enough to
#: read a planner's table; analysis, search and export use every row).
UI_ATTRIBUTE_ROWS = 500
#: File suffixes the import panel's uploader accepts: the formats layers.io.importer reads
#: (GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, CSV/TXT/TSV with coordinates).
UI_IMPORT_SUFFIXES = ("geojson", "json", "gpkg", "zip", "kml", "kmz", "csv", "txt", "tsv")
#: Step of each coverage parameter's number input (its range is the one a project file may
#: carry, layers.coverage.services.SETTING_KEYS). Project choice: one click moves a parameter by
#: one minute, 0.1 km/h, 100 m², 1 m, 5 m or 50 m, the differences a planner compares.
UI_COVERAGE_STEPS = {"minutes": 1.0, "speed_kmh": 0.1, "min_area_m2": 100.0, "tolerance_m": 1.0,
                     "approach_m": 5.0, "distance_m": 50.0}
