"""A check by zones kept in a project file (layers.coverage.zonesaved, layers.io.project
frames): written, read back through GDAL and rebuilt, it gives the same table, zones and gaps
as the run; every value a hostile file could change is refused with a clear error."""
from __future__ import annotations

import copy

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from geo.errors import ProjectFileError
from geo.osm import resolve_osm
from layers import coverage as cov
from layers.io import project
from tests.test_app_zones import grid

CHECKS = [("green5", {"minutes": 2.0}), ("life15", {"distance_m": 400.0}), ("metro", {})]


@pytest.fixture(scope="module", params=CHECKS, ids=[c for c, _ in CHECKS])
def result(request, tmp_path_factory):
    check, params = request.param
    import os
    os.environ.setdefault("ZJ_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return cov.run_zones(resolve_osm("helsinki"), None, check, params, zones=grid(), zone_column="街镇名称",
                         demand_kind="residential_landuse" if check == "green5" else "area")


def _kept(res, tmp_path):
    """The record written into a project file and read back (GDAL, JSON)."""
    meta, frames = cov.zone_record(res)
    path = project.save(project.Project(name="t", coverage={"zones_result": meta}, frames=frames),
                        tmp_path / "p.gpkg")
    back = project.load(path)
    return back.coverage["zones_result"], back.frames


def test_the_kept_result_is_the_run(result, tmp_path):
    meta, frames = _kept(result, tmp_path)
    again = cov.zone_result(meta, frames)
    assert_frame_equal(again.table, result.table)  # recomputed from the sums, equal to the run's
    assert again.share == result.share and again.share_buffer == result.share_buffer
    assert again.target == result.target and again.check == result.check and again.weight == result.weight
    assert_geodataframe_equal(again.zones.drop(columns="code"), result.zones.drop(columns="code"),
                              check_dtype=False, check_less_precise=True)
    assert (again.zones["code"].astype(int) == result.zones["code"]).all()
    assert len(again.gaps) == len(result.gaps)
    if len(result.gaps):
        area = shapely.area(again.gaps.geometry.to_numpy()).sum()
        assert area == pytest.approx(shapely.area(result.gaps.geometry.to_numpy()).sum(), rel=1e-12)
    assert again.notes == result.notes and again.inputs == result.inputs
    if result.check == "green5":  # a cell without housing: no demand, no share, still so
        assert (again.table["units"] == 0).sum() == 1 and again.table["share"].isna().sum() == 1
    assert again.summary() == {**result.summary(), "timings_s": again.summary()["timings_s"]}


def _hostile(meta: dict, frames: dict) -> list[tuple[str, dict, dict]]:
    sums = frames[cov.zonesaved.FRAME_KEYS["sums"]]
    zones = frames[cov.zonesaved.FRAME_KEYS["zones"]]
    cases = []

    def case(name, m=None, **changed):
        cases.append((name, {**meta, **(m or {})}, {**frames, **changed}))

    case("check", {"check": "<script>"})
    case("target", {"target": 5})
    case("target bool", {"target": True})
    case("weight", {"weight": "mass"})
    case("share keys", {"share_keys": "abc"})
    case("share key missing", {"share_keys": [*meta["share_keys"], "nope"]})
    case("grand", {"grand": [1, 2]})
    case("grand negative", {"grand": [-1.0, 0.0, 0.0]})
    case("zone column", {"zone_column": "no such column"})
    case("notes", {"notes": [{"x": 1}]})
    case("inputs", {"inputs": {"network": "x"}})
    case("record", {"parameters": []})
    case("negative sums", **{cov.zonesaved.FRAME_KEYS["sums"]: sums.assign(total=-sums["total"] - 1)})
    case("nan sums", **{cov.zonesaved.FRAME_KEYS["sums"]: sums.assign(covered=np.nan)})
    case("text sums", **{cov.zonesaved.FRAME_KEYS["sums"]: sums.assign(units="many")})
    case("zone id", **{cov.zonesaved.FRAME_KEYS["sums"]: sums.assign(zone_id=sums["zone_id"] + 100)})
    case("zone id twice", **{cov.zonesaved.FRAME_KEYS["sums"]: pd.concat([sums, sums.iloc[:1]])})
    case("zones crs", **{cov.zonesaved.FRAME_KEYS["zones"]: zones.to_crs(3857)})
    case("zones lines", **{cov.zonesaved.FRAME_KEYS["zones"]: zones.set_geometry(zones.boundary)})
    case("no sums", **{cov.zonesaved.FRAME_KEYS["sums"]: None})
    return cases


def test_hostile_records_are_refused(result):
    meta, frames = cov.zone_record(result)
    meta = copy.deepcopy(meta)
    for name, m, f in _hostile(meta, frames):
        with pytest.raises(ProjectFileError, match="zones result") as err:
            cov.zone_result(m, {k: v for k, v in f.items() if v is not None})
        assert "分区结果" in str(err.value), name
    with pytest.raises(ProjectFileError):
        cov.zone_result(["not", "a", "dict"], frames)
    assert isinstance(cov.zone_result(meta, frames), type(result))  # the untouched record is fine


def test_an_old_project_without_frames_opens(tmp_path):
    path = project.save(project.Project(name="old", layers={"街镇": grid()}), tmp_path / "old.gpkg")
    back = project.load(path)
    assert back.frames == {} and list(back.layers) == ["街镇"]
    assert isinstance(back.layers["街镇"], gpd.GeoDataFrame)
