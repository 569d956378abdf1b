"""Defaults of the app's panels (layers.ui, app.py), each with its source."""
from __future__ import annotations

__all__ = ["UI_ATTRIBUTE_ROWS", "UI_COVERAGE_STEPS", "UI_HEADER_PX", "UI_IMPORT_SUFFIXES", "UI_MAP_HEIGHT_PX",
           "UI_MAP_MIN_PX", "UI_PANEL_WIDTH", "UI_SIDEBAR_PX"]

#: Height (px) of the page above the map in normal mode: the top padding and the one-line
#: header (title, panel chooser, view sequence). The map takes the rest of the window's
#: height (issue 14: the map is the screen; ≥ 70 % of a 1280×720 window with the sidebar open
#: leaves at most ~60 px above the map; the header row is 40 px).
UI_HEADER_PX = 46
#: Width (px) of the sidebar (issue 14: the map's share of a 1280 px window with the sidebar open).
UI_SIDEBAR_PX = 300
#: Width of an open panel beside the map, as CSS (project choice: room for the coverage
#: tables and the export form, the map keeps well over half the main area on a laptop).
UI_PANEL_WIDTH = "clamp(340px, 36%, 560px)"
#: Smallest height (px) of the map on a very short window (project choice: the map stays usable;
#: the page scrolls instead).
UI_MAP_MIN_PX = 420
#: Height (px) streamlit-folium is given for the map; CSS then sizes the map to the window
#: (project choice: the map's height before the page CSS applies, near a laptop's).
UI_MAP_HEIGHT_PX = 640
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
