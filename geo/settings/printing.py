"""Defaults of printed meeting maps (layers.printing), each with its source.

Sizes on paper are given for A4; an A3 sheet (ISO 216: A4 × √2) scales them all by √2,
so an A3 print is the A4 print enlarged.
"""
from __future__ import annotations

#: Paper sizes, landscape (width, height) in mm: ISO 216 (A4 210 × 297 mm, A3 297 × 420 mm).
PRINT_PAPERS_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
#: Resolution of PNG output, dots per inch: 300 dpi, the usual print-shop resolution.
PRINT_PNG_DPI = 300
#: Leaflet styles are in CSS pixels (CSS: 1 px = 1/96 in = 0.75 pt); on paper they are drawn
#: at 80 % of that on A4 (project choice: the web map's lines look heavy at full weight on paper).
PRINT_PX_TO_PT = 0.75 * 0.8
#: Page layout on A4 in mm: margin, title block, footer, legend panel, gap between map and panel
#: (project choice: a 78 mm panel holds the longest legend of the presets in one column).
PRINT_LAYOUT_MM: dict[str, float] = {"margin": 10.0, "title": 19.0, "footer": 13.0, "panel": 78.0, "gap": 6.0}
#: Font sizes on A4 in points (project choice: 6 pt is the smallest size legible in print; the
#: title 16 pt reads across a meeting table).
PRINT_FONT_PT: dict[str, float] = {
    "title": 16.0, "subtitle": 8.5, "legend": 7.0, "legend_title": 8.5, "label": 6.0,
    "district": 6.5, "scale": 7.0, "note": 5.8, "footer": 5.8, "north": 9.0}
#: Fonts tried in order: simplified Chinese faces first, then any CJK face (Debian's
#: ``fonts-noto-cjk`` provides the first; the others are the usual Windows / macOS / Linux faces).
PRINT_CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
    "Noto Sans CJK", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei",
    "SimHei", "PingFang SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Serif CJK SC")
#: OpenStreetMap's standard tiles (https://operations.osmfoundation.org/policies/tiles/:
#: identify the application, no bulk use).
PRINT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#: The User-Agent the OSM tile usage policy asks for: the application and how to reach it.
PRINT_TILE_USER_AGENT = "zhangjiang-planning-map/1.0 (print map; python urllib)"
#: Seconds to wait for one tile (project choice: a meeting print must not hang when offline).
PRINT_TILE_TIMEOUT_S = 5.0
#: Most tiles one print fetches, and the highest zoom tried (OSM policy: no bulk downloads;
#: 36 tiles of 256 px cover an A3 map frame at ≥ 90 dpi).
PRINT_MAX_TILES = 36
PRINT_MAX_TILE_ZOOM = 16
#: Context layers simplified for print to 0.1 mm on paper, far below any visible detail.
PRINT_SIMPLIFY_MM = 0.1
#: Default margin around a preset's fitted extent, as a share of its larger side (project choice).
PRINT_PRESET_MARGIN = 0.06
#: Distances tried for a label off its marker, in label gaps: beside it first, then further out
#: with a leader line (project choice: four rings resolve the 22 parks' labels on A4).
PRINT_LABEL_RINGS: tuple[float, ...] = (1.0, 2.2, 3.6, 5.2)
#: Radius on paper (mm) within which markers count as crowded: crowded markers are labelled
#: first, while the most room is free (project choice).
PRINT_LABEL_CROWDING_MM = 12.0
#: Districts are named only where at least this share of the view shows them (project choice).
PRINT_DISTRICT_LABEL_MIN_SHARE = 0.02
#: Scale bar: segments, longest share of the map frame's width, bar height on A4 in mm (project
#: choice, after the usual cartographic alternating-segment bar).
PRINT_SCALEBAR_SEGMENTS = 4
PRINT_SCALEBAR_MAX_SHARE = 0.3
PRINT_SCALEBAR_HEIGHT_MM = 1.4
#: North arrow's box on A4 (width, height) in mm (project choice).
PRINT_NORTH_ARROW_MM: tuple[float, float] = (12.0, 16.0)
