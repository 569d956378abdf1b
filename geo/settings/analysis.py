"""Defaults of the analysis: coordinate systems, offsets, layer files, coverage checks."""
from __future__ import annotations

import os

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

# --- Coverage checks (geo.coverage) ------------------------------------------------------
#: Walking speed, km/h. 3.6 km/h (1 m/s) is r5py's default walking speed and turns the
#: 5-minute walk into the 300 m that GB 50180-2018's 5-minute life circle and the common
#: "300 m 见绿" rule use (BRIEF.md §5). osmnx's examples use 4.5 km/h: a parameter.
WALK_SPEED_KMH = 3.6
#: Walking time to a public green space or plaza, minutes (seed 000 §三(五)3:
#: "400平方米以上绿地、广场等公共开放空间5分钟步行可达覆盖率85%").
GREEN_WALK_MINUTES = 5.0
#: Smallest public green space or plaza that counts, m² (seed 000, same sentence).
GREEN_MIN_AREA_M2 = 400.0
#: Target share of the area within the walk (seed 000, same sentence).
GREEN_TARGET = 0.85
#: A green space is reached where the walking network touches it. OSM paths drawn along a
#: park's edge often lie a few metres outside its polygon (sidewalk beside the fence), so a
#: path within this many metres of the polygon counts as touching it. An assumption of this
#: project, below the ±10–20 m position accuracy of OSM footways in cities; 0 disables it.
GREEN_ACCESS_TOLERANCE_M = 10.0
#: Farthest straight walk, m, from a street to a green space, plaza or facility polygon
#: that no street touches (within the access tolerance) and that has no mapped entrance:
#: it is reached from the nearest street point if that lies within this distance. A
#: project assumption: the half-width of a wide Shanghai arterial's red line (道路红线,
#: 40–60 m) to its centre line plus a frontage; beyond it a straight walk crosses blocks.
SOURCE_APPROACH_M = 50.0
#: An entrance or gate node (geo.osmtags.entrance_kind) this close to a polygon's outline,
#: m, is one of its entrances; a polygon with any is gated (entered only there and by the
#: paths that cross its outline). OSM maps gates on the outline itself (0 m) or on a fence
#: drawn beside it; 3 m is a project assumption, below OSM's ±5 m position accuracy.
ENTRANCE_OUTLINE_M = 3.0
#: 15-minute community life circle walking distance, m: GB 50180-2018 《城市居住区规划设计
#: 标准》 gives 800–1,000 m for the 15-minute circle (BRIEF.md §5); the upper bound is the
#: default, 800 m a parameter.
LIFE_CIRCLE_DISTANCE_M = 1000.0
#: Target of the 15-minute life circle: seed 000 §二(四) "推动15分钟社区生活圈全覆盖" (full coverage).
LIFE_CIRCLE_TARGET = 1.0
#: Metro station catchment distances, m: 600 m and 800 m (planning studies, BRIEF.md §5).
METRO_CATCHMENT_M = (600.0, 800.0)
#: Largest grid cell that residential land (or the whole area) is cut into to count the
#: covered area, m. A cell is covered when its representative point is, so edges of the
#: covered area are exact to about half a cell (±12.5 m), well below the 300 m reach.
DEMAND_CELL_M = 25.0
#: Smaller cells are used when the demand would have fewer than this many: half a 25 m
#: cell is a large error on a small area (0.1 km² of housing is 160 cells, each 0.6 % of
#: it), so the cell shrinks until the demand has this many (project choice: the share is
#: then exact to about ±0.1 point, and 20,000 cells cost a few tens of milliseconds).
DEMAND_MIN_CELLS = 20_000
#: Smallest cell, m: below OSM's position accuracy finer cells add nothing.
DEMAND_CELL_MIN_M = 2.5
#: Largest walking distance the analysis accepts, m (a 30-minute walk at 5 km/h); beyond it
#: a walking "coverage" stops meaning anything and the clipped network grows large.
MAX_WALK_DISTANCE_M = 2500.0

#: Demand units handled at a time by a check by zones (:mod:`geo.citywide`): a city's
#: 1–2 million cells are cut, joined to the network and read in chunks of this many, so
#: no step holds them all as geometries (project choice: some 50 MB of GEOS objects per
#: chunk in flight; larger chunks are not faster, bench/bench_city.py).
CITY_CHUNK_UNITS = 50_000
#: Chunks of a check by zones worked on at once, in threads (GEOS and numpy release
#: Python's lock): the machine's cores, at most 4 (bench/bench_city.py: 2 cores here).
CITY_THREADS = max(1, min(4, os.cpu_count() or 1))

#: First search radius when placing points on their nearest street, m: most homes and
#: shops lie within it, and a bounded search is several times faster; the rest are
#: searched without bound. A speed setting only: results do not depend on it.
SNAP_SEARCH_M = 150.0
#: Children per node of the street edges' spatial index (shapely STRtree; GEOS's default is
#: 10). A speed setting only: with 4, finding the nearest of 3 million edges for 230,000
#: places takes 0.9–1.1 s against 1.3–1.6 s (bench/bench_city.py's network, this machine).
EDGE_TREE_NODE_CAPACITY = 4
#: Segments per quarter circle when growing a source by the access tolerance. The grown
#: polygon lies inside the exact one (short of it by at most tol·(1 − cos 11.25°), 0.2 m
#: at 10 m) and has a quarter of the vertices of shapely's default.
ACCESS_QUAD_SEGS = 4
#: Prepared coverage studies (network, demand cells, snapping) kept in memory for reuse by
#: the app and the command line: a few areas × demand kinds; each costs tens of MB and
#: seconds to rebuild (project choice, bench/bench_coverage.py: prepare 148 MiB RSS).
COVERAGE_STUDIES_KEPT = 4
#: Display simplification of coverage result polygons on the web map, m: cells are 25 m,
#: 2 m is invisible at any useful zoom (project choice; stored results are not simplified).
COVERAGE_DISPLAY_SIMPLIFY_M = 2.0
#: Most features of one coverage result layer drawn on the web map; more are merged for
#: display (the export keeps them all). Project choice: the browser stays responsive.
COVERAGE_MAX_FEATURES = 4000

#: The source of each coverage default, short, for the UI and the command line's output.
PARAMETER_SOURCES = {
    "speed_kmh": "r5py default walking speed 3.6 km/h; 5 min × 3.6 km/h = 300 m (GB 50180-2018 5-minute circle, BRIEF.md §5)",
    "minutes": "seed 000 §三(五)3: 5分钟步行可达",
    "min_area_m2": "seed 000 §三(五)3: 400平方米以上绿地、广场",
    "green_target": "seed 000 §三(五)3: 覆盖率85%",
    "access_tolerance_m": "project assumption: OSM paths along park edges lie a few metres outside",
    "approach_m": "project assumption: half a wide arterial's red line (40–60 m) plus a frontage",
    "entrance_outline_m": "project assumption: gates on the outline or on a fence beside it (3 m)",
    "life_distance_m": "GB 50180-2018: 15-minute life circle 800–1,000 m walking",
    "life_target": "seed 000 §二(四): 15分钟社区生活圈全覆盖",
    "metro_distances_m": "planning studies: metro catchment 600–800 m (BRIEF.md §5)",
    "cell_m": "project choice: 25 m cells (smaller, down to 2.5 m, so that the demand has "
              "at least 20,000), ± half a cell at the edge of the covered area",
}

#: Column names of a control-plan parcel's population (geo.parcels, parcels as coverage demand).
#: Project choice from common 控规 attribute tables (pinyin initials RK/JZRK/GHRK for 人口/居住人口/
#: 规划人口); names, in order of preference (compared without case,
#: spaces, ``_``, ``-`` or brackets); a name holding 人口 (not a density or rate) comes after.
PARCEL_POPULATION_COLUMNS = ("居住人口", "规划居住人口", "规划人口", "人口", "人口数", "人口规模", "人数", "居民人数",
                             "POP", "POPULATION", "RK", "RKS", "JZRK", "GHRK", "RENKOU")
#: Column names of a parcel's floor area, in order of preference (residential first); a
#: name holding 建筑面积 (not a density or ratio) comes after.
PARCEL_FLOOR_AREA_COLUMNS = ("住宅建筑面积", "居住建筑面积", "住宅面积", "建筑面积", "总建筑面积", "计容建筑面积",
                             "ZZJZMJ", "JZMJ", "ZJZMJ", "FLOORAREA", "FLOOR_AREA", "GFA", "BUILDINGAREA")

# --- Land-use codes and the balance table (geo.landuse) ------------------------------
#: Column names that usually hold the land-use code in Chinese plan data (用地代码/代号/性质,
#: the pinyin initials YDDM/YDXZ of 用地代码/用地性质, DLBM/DLDM 地类编码/代码 of 国土调查 and
#: 国土空间规划数据库 tables, and English names). Only a hint: the value test decides first.
LANDUSE_CODE_COLUMNS = ("用地代码", "用地代号", "用地性质代码", "用地性质", "用地分类", "地类编码", "地类代码",
                        "YDDM", "YDXZ", "YDDH", "DLBM", "DLDM", "GHDLBM", "LANDUSE", "LAND_USE", "LUCODE",
                        "LU_CODE", "LANDUSE_CODE")
#: Smallest share of a column's non-empty values that must be clean codes of one system for
#: the column to count as a land-use code column (project choice: most, allowing a few typos).
LANDUSE_CODE_MIN_SHARE = 0.6
