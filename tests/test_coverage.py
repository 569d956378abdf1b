"""Coverage checks on small hand-built networks with known walking distances.

Every scene is drawn in metres in a local transverse Mercator CRS near Zhangjiang and
handed to the API in WGS84, as real data would be; the study uses the same local CRS,
so expected distances are exact up to the round trip (< 1 mm).
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from geo import coverage, scenario
from geo.crs import local_tm_crs
from geo.errors import CoverageError
from geo.network import WalkNetwork

CRS = local_tm_crs(121.60, 31.20)


def wgs(geoms, **cols) -> gpd.GeoDataFrame:
    """Metric geometries of the scene as a WGS84 frame."""
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=CRS).to_crs("EPSG:4326")


def area_wgs(geom):
    return wgs([geom]).geometry.iloc[0]


def study(lines, demand, area=None, kind="custom", **kw) -> coverage.Study:
    net = WalkNetwork.from_lines(wgs(lines), crs=CRS)
    area = area or box(-1000, -1000, 3000, 3000)
    return coverage.prepare(area_wgs(area), net, wgs(demand) if demand is not None else None,
                            demand_kind=kind, crs=CRS, **kw)


# --- a street with a park at its far end -------------------------------------------------------
STREET = [LineString([(x, 0), (x + 100, 0)]) for x in range(0, 400, 100)] + \
         [LineString([(400, 0), (500, 0)])]
PARK = box(380, -20, 420, 20)  # 1,600 m², the street enters it at x = 380


def test_point_demand_distance_is_snap_plus_path_to_where_the_street_enters_the_park():
    s = study(STREET, [Point(0, 10), Point(50, -5), Point(390, 30)])
    r = coverage.green_reach(s, wgs([PARK]), tolerance_m=0, minutes=10, speed_kmh=3.6)
    d = r.units["dist_m"].to_numpy()
    assert d == pytest.approx([10 + 380, 5 + 330, 30 + 0], abs=1e-3)
    # 10 minutes at 3.6 km/h = 600 m: all three are covered; straight line is shorter
    assert r.units["covered"].all()
    assert (r.units["dist_line_m"] <= r.units["dist_m"] + 1e-9).all()
    assert r.units["dist_line_m"].iloc[0] == pytest.approx(380.0, abs=1e-3)  # the park spans y = ±20


def test_five_minutes_at_3_6_kmh_is_300_m_and_the_share_counts_points():
    s = study(STREET, [Point(0, 10), Point(100, 10), Point(200, 10), Point(300, 10)])
    r = coverage.green_reach(s, wgs([PARK]), tolerance_m=0)
    assert r.distance_m == pytest.approx(300.0)
    # distances 390, 290, 190, 90 → three of four within 300 m
    assert r.weight == "count"
    assert r.share == pytest.approx(0.75)
    assert r.target == 0.85 and r.meets_target() is False


def test_small_green_space_does_not_count():
    small = box(380, -5, 390, 5)  # 100 m² < 400 m²
    s = study(STREET, [Point(300, 10)])
    assert coverage.green_reach(s, wgs([small]), tolerance_m=0).share == 0.0
    assert coverage.green_reach(s, wgs([small]), tolerance_m=0, min_area_m2=50).share == 1.0


def test_access_tolerance_reaches_a_park_beside_the_street():
    beside = box(200, 6, 260, 40)  # 6 m north of the street, never touched by it
    s = study(STREET, [Point(0, -10)])
    no_approach = coverage.green_reach(s, wgs([beside]), tolerance_m=0, approach_m=0)
    assert no_approach.units["dist_m"].iloc[0] == np.inf
    assert no_approach.inputs["sources"]["unreachable"] == 1
    # no street within the tolerance: from the nearest street point (x = 200), 6 m across
    near = coverage.green_reach(s, wgs([beside]), tolerance_m=0)
    assert near.units["dist_m"].iloc[0] == pytest.approx(10 + 200 + 6, abs=1e-3)
    assert near.inputs["sources"]["approach"] == 1
    r = coverage.green_reach(s, wgs([beside]), tolerance_m=10)
    # the street comes within 10 m of the park from x = 200 - 8 = 192 (circle of the corner);
    # the grown corner is drawn with 4 segments per quarter circle: a fraction of a metre later
    assert r.units["dist_m"].iloc[0] == pytest.approx(10 + 200 - 8.0, abs=0.3)


# --- a river: the park is close as the crow flies, far on foot -------------------------------
def river_scene():
    south = [LineString([(0, 0), (500, 0)]), LineString([(500, 0), (1000, 0)])]
    north = [LineString([(0, 100), (500, 100)]), LineString([(500, 100), (1000, 100)])]
    bridge = [LineString([(1000, 0), (1000, 100)])]
    park = box(0, 110, 60, 170)  # north bank, touched by nothing: reached by a path
    path = [LineString([(30, 100), (30, 110)])]
    north = [LineString([(0, 100), (30, 100)]), LineString([(30, 100), (500, 100)]), north[1]]
    return south + north + bridge + path, park


def test_park_across_a_river_is_reached_only_over_the_bridge():
    lines, park = river_scene()
    s = study(lines, [Point(30, -10)], reach_m=2500)
    r = coverage.green_reach(s, wgs([park]), tolerance_m=0, minutes=40)
    # 10 m to the street, 970 m east, 100 m over the bridge, 970 m west, 10 m up the path
    assert r.units["dist_m"].iloc[0] == pytest.approx(10 + 970 + 100 + 970 + 10, abs=1e-3)
    assert r.units["dist_line_m"].iloc[0] == pytest.approx(120.0, abs=1e-3)
    five = coverage.green_reach(s, wgs([park]), tolerance_m=0)
    assert five.share == 0.0 and five.share_buffer == 1.0


def test_same_edge_walk_does_not_detour_through_the_nodes():
    long = [LineString([(0, 0), (1000, 0)])]
    shop = wgs([Point(600, 20)], category=["market"])
    s = study(long, [Point(500, 10)])
    r = coverage.life_circle(s, shop, categories=("market",), distance_m=800)
    assert r.units["dist_m"].iloc[0] == pytest.approx(10 + 100 + 20, abs=1e-3)
    assert r.shares["market"] == 1.0


def test_parallel_edges_take_the_shorter_one():
    straight = LineString([(0, 0), (100, 0)])
    detour = LineString([(0, 0), (50, 80), (100, 0)])
    tail = LineString([(100, 0), (300, 0)])
    s = study([detour, straight, tail], [Point(0, -10)])
    r = coverage.green_reach(s, wgs([box(280, -10, 320, 10)]), tolerance_m=0, minutes=10)
    assert r.units["dist_m"].iloc[0] == pytest.approx(10 + 280, abs=1e-3)


def test_street_entering_a_park_twice_uses_the_nearer_entry():
    # a U-shaped park the street passes through twice
    park = Polygon([(100, -30), (400, -30), (400, 30), (350, 30), (350, -20), (150, -20),
                    (150, 30), (100, 30)])
    s = study([LineString([(0, 0), (500, 0)])], [Point(0, 10), Point(250, 10), Point(500, 10)])
    r = coverage.green_reach(s, wgs([park]), tolerance_m=0, minutes=10)
    assert r.units["dist_m"].to_numpy() == pytest.approx([10 + 100, 10 + 100, 10 + 100], abs=1e-3)


# --- areas, cells and zones ---------------------------------------------------------------------
def test_area_demand_counts_the_covered_area_by_cells():
    # a 1 km street along y = 0, park at x = 0; land 0..1000 × 0..50 north of the street
    lines = [LineString([(x, 0), (x + 100, 0)]) for x in range(0, 1000, 100)]
    land = box(0, 0, 1000, 50)
    s = study(lines, [land], kind="residential_landuse", area=box(-10, -10, 1010, 60), cell_m=25.0)
    assert s.total_km2 == pytest.approx(0.05, rel=1e-6)
    r = coverage.green_reach(s, wgs([box(-60, -30, 0, 30)]), tolerance_m=0)
    # cell centres (x, y) with x in 12.5.. and y 12.5 or 37.5: covered when x + y <= 300
    xs = np.arange(12.5, 1000, 25)
    expected = sum(25 * 25 for x in xs for y in (12.5, 37.5) if x + y <= 300) / 1e6
    assert r.covered_km2 == pytest.approx(expected, rel=1e-6)
    assert r.share == pytest.approx(expected / 0.05, rel=1e-6)
    assert r.share <= r.share_buffer
    gaps = r.gap_layer()
    assert gaps.crs.to_epsg() == 4326 and set(gaps["status"]) == {"gap"}
    gap_area = gaps.to_crs(CRS).area.sum() / 1e6
    assert gap_area == pytest.approx(0.05 - expected, rel=1e-6)


def test_small_demand_is_cut_finer():
    lines = [LineString([(x, 0), (x + 100, 0)]) for x in range(0, 1000, 100)]
    small = study(lines, [box(0, 0, 1000, 50)], kind="residential_landuse",
                  area=box(-10, -10, 1010, 60))  # 0.05 km²: sqrt(50,000 / 20,000) → 2.5 m (floor)
    assert small.inputs["demand"]["cell_m"] == 2.5 and len(small.units) >= 400 * 20
    assert small.units["area_m2"].max() == pytest.approx(6.25) and small.total_km2 == pytest.approx(0.05)
    large = study(lines, None, kind="area", area=box(0, 0, 4000, 4000))  # 16 km²: 25 m
    assert large.inputs["demand"]["cell_m"] == 25.0 and large.units["area_m2"].max() == pytest.approx(625)
    r = coverage.green_reach(small, wgs([box(-60, -30, 0, 30)]), tolerance_m=0)
    # land 0..1000 × 0..50, covered where x + y <= 300: exactly 300·50 − 50²/2 = 13,750 m²
    assert r.covered_km2 == pytest.approx(0.01375, rel=0.005)
    assert r.parameters["cell_m"] == 2.5


def test_whole_area_demand_and_zone_table():
    lines = [LineString([(0, 0), (400, 0)])]
    area = box(0, 0, 400, 100)
    zones = wgs([box(0, -50, 200, 150), box(200, -50, 400, 150)], name=["西 west", "东 east"])
    s = study(lines, None, kind="area", area=area, zones=zones)
    assert s.total_km2 == pytest.approx(0.04, rel=1e-6)
    r = coverage.green_reach(s, wgs([box(-20, -20, 0, 20)]), tolerance_m=0)
    table = r.zones.set_index("zone")
    assert table.loc["西 west", "share"] > table.loc["东 east", "share"]
    assert table["total_km2"].sum() == pytest.approx(0.04, rel=1e-6)


def test_overlapping_demand_polygons_count_once():
    lines = [LineString([(0, 0), (400, 0)])]
    s = study(lines, [box(0, 0, 200, 100), box(100, 0, 300, 100)], kind="residential_landuse")
    assert s.total_km2 == pytest.approx(0.03, rel=1e-6)


def test_buildings_stay_whole_and_floor_area_uses_levels():
    lines = [LineString([(0, 0), (1000, 0)])]
    b1, b2 = box(10, 10, 30, 30), box(900, 10, 940, 30)
    s = study(lines, [b1, b2], kind="residential_buildings")
    s.units  # two units, one per building
    assert len(s.units) == 2
    b = wgs([b1, b2], levels=[6.0, np.nan])
    s = coverage.prepare(area_wgs(box(-100, -100, 1100, 100)),
                         WalkNetwork.from_lines(wgs(lines), crs=CRS), b,
                         demand_kind="residential_buildings", crs=CRS)
    r = coverage.green_reach(s, wgs([box(-50, -10, 0, 10)]), tolerance_m=0)
    assert r.share == pytest.approx(400 / 1200, rel=1e-6)
    assert r.share_floor == pytest.approx(1.0)  # only the building with levels counts
    assert r.share_count == pytest.approx(0.5)


# --- life circle and metro ----------------------------------------------------------------------
def test_life_circle_all_categories_at_once():
    lines = [LineString([(x, 0), (x + 250, 0)]) for x in range(0, 2000, 250)]
    fac = wgs([Point(50, 5), Point(1900, 5)], category=["education", "health"])
    s = study(lines, [Point(100, 10), Point(1000, 10), Point(1800, 10)])
    r = coverage.life_circle(s, fac, categories=("education", "health"), distance_m=1000)
    # education: 10+50+5 and 10+950+5 m; health: 10+900+5 and 10+100+5 m
    assert r.shares["education"] == pytest.approx(2 / 3)
    assert r.shares["health"] == pytest.approx(2 / 3)
    assert r.share == pytest.approx(1 / 3)  # only the middle home has both within 1,000 m
    # the farthest category decides; beyond the distance the search stops (inf)
    assert r.units["dist_m"].to_numpy() == pytest.approx([np.inf, 965, np.inf], abs=1e-3)
    r8 = coverage.life_circle(s, fac, categories=("education",), distance_m=800)
    assert r8.share == pytest.approx(1 / 3)


def test_metro_uses_entrances_and_reports_each_distance():
    lines = [LineString([(x, 0), (x + 200, 0)]) for x in range(0, 2000, 200)]
    st = wgs([Point(0, 0), Point(100, 10), Point(1600, 30)], kind=["station", "entrance", "station"],
             name=["A", "A", "B"])
    s = study(lines, [Point(700, 10), Point(900, 10), Point(1100, 10)])
    r = coverage.metro_catchment(s, st)
    # A counts by its entrance (x=100, 10 m off); B has no entrance: its point
    d = r.units["dist_m"].to_numpy()
    assert d == pytest.approx([10 + 600 + 10, 10 + 700 + 30, 10 + 500 + 30], abs=1e-3)
    assert r.shares == {600: pytest.approx(1 / 3), 800: pytest.approx(1.0)}
    assert r.distance_m == 800 and r.share == pytest.approx(1.0)


# --- scenario ------------------------------------------------------------------------------------
def test_new_park_scenario_reports_newly_covered_area():
    lines = [LineString([(x, 0), (x + 100, 0)]) for x in range(0, 1000, 100)]
    land = box(0, 0, 1000, 50)
    s = study(lines, [land], kind="residential_landuse", area=box(-10, -10, 1010, 60), cell_m=25.0)
    old = wgs([box(-60, -30, 0, 30)])
    new = wgs([box(950, -30, 1000, 10)])
    sc = scenario.green_scenario(s, old, new, tolerance_m=0)
    assert sc.after.share > sc.before.share
    assert sc.new_km2 == pytest.approx(sc.newly_covered.to_crs(CRS).area.sum() / 1e6, rel=1e-6)
    with pytest.raises(CoverageError):
        scenario.green_scenario(s, old, wgs([Point(0, 0)]))


# --- the network never beats the straight line ---------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_network_share_never_exceeds_buffer_share(seed):
    rng = np.random.default_rng(seed)
    # a jittered grid with random missing streets
    n = 12
    xy = {(i, j): (i * 100 + rng.uniform(-20, 20), j * 100 + rng.uniform(-20, 20))
          for i in range(n) for j in range(n)}
    lines = []
    for (i, j), p in xy.items():
        for q in ((i + 1, j), (i, j + 1)):
            if q in xy and rng.random() > 0.25:
                lines.append(LineString([p, xy[q]]))
    parks = [box(x, y, x + rng.uniform(20, 80), y + rng.uniform(20, 80))
             for x, y in rng.uniform(0, 1100, (6, 2))]
    homes = [Point(p) for p in rng.uniform(0, 1100, (300, 2))]
    s = study(lines, homes, area=box(-50, -50, 1200, 1200))
    for tol in (0.0, 10.0):
        r = coverage.green_reach(s, wgs(parks), tolerance_m=tol)
        assert (r.units["dist_line_m"] <= r.units["dist_m"] + 1e-6).all()
        assert r.share <= r.share_buffer


# --- bad parameters ------------------------------------------------------------------------------
def test_bad_parameters_raise_coverage_errors():
    s = study(STREET, [Point(0, 10)])
    with pytest.raises(CoverageError):
        coverage.green_reach(s, wgs([PARK]), minutes=0)
    with pytest.raises(CoverageError, match="exceeds"):
        coverage.green_reach(s, wgs([PARK]), minutes=60)
    with pytest.raises(CoverageError):
        coverage.life_circle(s, wgs([Point(0, 0)]))  # no category column
    with pytest.raises(CoverageError):
        coverage.prepare(Point(0, 0), s.network, wgs([Point(0, 10)]))
    with pytest.raises(CoverageError, match="demand"):
        study(STREET, [Point(5000, 5000)], area=box(-10, -10, 100, 100))
