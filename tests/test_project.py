"""Project files: save, reopen, atomic saves (a failed or killed save keeps the old file), bad files."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from geo.errors import ProjectFileError
from layers.io import project as P

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script>"


# ----------------------------------------------------------------------------------- helpers

def _schools() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"名称": ["张江实验小学", HOSTILE, "a & b \"q\" 'x'\n换行", None],
         "学生数": [1200, 800, 0, -5],
         "评分": [4.5, float("nan"), 3.25, 1e-12],
         "公办": [True, False, True, False],
         "Name": ["x", "y", "z", "w"], "name": ["lower", "case", "clash", "!"],  # case-only clash
         "fid": ["not", "the", "gpkg", "fid"]},
        geometry=[Point(121.59, 31.20), Point(121.61, 31.21), Point(121.6000000001, 31.2), Point(121.55, 31.18)],
        crs="EPSG:4326")


def _parks() -> gpd.GeoDataFrame:
    square = Polygon([(121.58, 31.19), (121.59, 31.19), (121.59, 31.2), (121.58, 31.2), (121.58, 31.19)])
    holed = Polygon([(121.60, 31.19), (121.62, 31.19), (121.62, 31.21), (121.60, 31.21)],
                    [[(121.605, 31.195), (121.61, 31.195), (121.61, 31.2), (121.605, 31.195)]])
    multi = MultiPolygon([square, Polygon([(121.63, 31.2), (121.64, 31.2), (121.64, 31.21)])])
    return gpd.GeoDataFrame({"park": ["绿地一号", "park <b>2</b>", "多"], "area_ha": [1.0, 2.5, 3.0]},
                            geometry=[square, holed, multi], crs="EPSG:4326")


def _drawings() -> list[dict]:
    return [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.6, 31.2]},
         "properties": {"radius": 500, "note": HOSTILE}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[121.5, 31.1], [121.55, 31.15],
                                                                               [121.6, 31.12345678901234]]},
         "properties": {}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[121.58, 31.19], [121.6, 31.19],
                                                                             [121.6, 31.21], [121.58, 31.19]]]},
         "properties": {"标签": "规划地块", "nested": {"a": [1, 2.5, None], "b": True}}, "id": "d3"},
    ]


def _project(name="张江科学城 项目") -> P.Project:
    return P.Project(
        name=name,
        layers={"学校 (导入)": _schools(), "parks": _parks()},
        drawings=_drawings(),
        coverage={"check": "green5", "area": "science_city_2021",
                  "params": {"walk_min": 5, "speed_kmh": 4.5, "min_area_m2": 400.0, "sources": ["parks"]}},
        view={"layers": ["schools", "学校 (导入)"], "basemap": "osm", "centre": [31.2, 121.6], "zoom": 13,
              "lang": "zh"},
        created="2024-05-01T08:00:00+00:00")


def _normalise(value):
    """Numbers as floats, tuples as lists: how drawings compare after a round trip."""
    return json.loads(json.dumps(value), parse_int=float)


def assert_frames_equal(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert a.geometry.name == b.geometry.name
    assert b.crs is not None and b.crs.equals(a.crs) and b.crs.to_epsg() == 4326
    assert len(a) == len(b)
    ga, gb = a.geometry.to_numpy(), b.geometry.to_numpy()
    assert list(shapely.get_type_id(ga)) == list(shapely.get_type_id(gb))
    assert shapely.equals_exact(ga, gb, tolerance=1e-9).all()
    attrs_a = a.drop(columns=a.geometry.name).reset_index(drop=True)
    attrs_b = b.drop(columns=b.geometry.name)
    pd.testing.assert_frame_equal(attrs_a, attrs_b, check_dtype=True)


def assert_projects_equal(a: P.Project, b: P.Project) -> None:
    assert list(a.layers) == list(b.layers)
    for name in a.layers:
        assert_frames_equal(a.layers[name], b.layers[name])
    assert _normalise(a.drawings) == _normalise(b.drawings)
    assert a.coverage == b.coverage and a.view == b.view
    assert (a.name, a.created) == (b.name, b.created)
    assert b.format_version == P.FORMAT_VERSION and b.app_version == P.APP_VERSION


def _temps(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.name != path.name]


# -------------------------------------------------------------------------------- round trip

def test_round_trip(tmp_path):
    project = _project()
    path = P.save(project, tmp_path / "plan.gpkg")
    assert path == tmp_path / "plan.gpkg" and project.saved
    assert _temps(path) == []
    back = P.load(path)
    assert_projects_equal(project, back)
    assert back.saved == project.saved
    # attribute text verbatim (escaping is the display's job)
    assert back.layers["学校 (导入)"]["名称"].iloc[1] == HOSTILE
    assert back.drawings[0]["properties"]["note"] == HOSTILE
    assert back.drawings[2]["id"] == "d3"
    # the file is a plain GeoPackage: ASCII table names, the project's parts as documented
    tables = {str(n) for n in pyogrio.list_layers(path)[:, 0]}
    assert tables == {"project_meta", "project_layers", "drawings", "layer_000", "layer_001"}
    assert all(t.isascii() for t in tables)
    # saving the reopened project again gives the same project
    again = P.load(P.save(back, tmp_path / "again.gpkg"))
    assert_projects_equal(project, again)


def test_empty_layers_and_empty_project(tmp_path):
    empty = gpd.GeoDataFrame({"名称": pd.Series([], dtype=object)}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    no_attrs = gpd.GeoDataFrame(geometry=[LineString([(121.5, 31.1), (121.6, 31.2)])], crs=4326)
    project = P.Project(name="空", layers={"空图层": empty, "lines": no_attrs})
    back = P.load(P.save(project, tmp_path / "a.gpkg"))
    assert list(back.layers) == ["空图层", "lines"]
    assert len(back.layers["空图层"]) == 0 and list(back.layers["空图层"].columns) == ["名称", "geometry"]
    assert_frames_equal(no_attrs, back.layers["lines"])
    assert back.drawings == [] and back.coverage == {} and back.view == {}

    nothing = P.load(P.save(P.Project(), tmp_path / "b.gpkg"))
    assert nothing.layers == {} and nothing.drawings == [] and nothing.name == ""


def test_bytes_round_trip():
    project = _project()
    data = P.to_bytes(project)
    assert data.startswith(b"SQLite format 3\x00")
    assert_projects_equal(project, P.from_bytes(data, name="../../上传 plan.gpkg"))


def test_overwrite_replaces_and_keeps_mode(tmp_path):
    path = tmp_path / "plan.gpkg"
    P.save(_project("old"), path)
    os.chmod(path, 0o640)
    P.save(_project("new"), path)
    assert P.load(path).name == "new"
    assert (path.stat().st_mode & 0o777) == 0o640
    assert _temps(path) == []


def test_unsaveable_input_is_a_project_file_error(tmp_path):
    path = tmp_path / "plan.gpkg"
    P.save(_project("old"), path)
    bad = _project("bad")
    bad.coverage = {"fn": object()}
    with pytest.raises(ProjectFileError):
        P.save(bad, path)
    with pytest.raises(ProjectFileError):
        P.save(_project(), tmp_path / "no such folder" / "plan.gpkg")
    assert P.load(path).name == "old" and _temps(path) == []


# ------------------------------------------------------------------------------- atomicity

def test_failure_halfway_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "plan.gpkg"
    previous = _project("previous")
    P.save(previous, path)
    before = path.read_bytes()

    real = P._write_table
    written = []

    def failing(frame, target, table):
        if written:  # the first layer is already in the temporary file
            raise OSError(28, "No space left on device")
        real(frame, target, table)
        written.append(Path(target))

    monkeypatch.setattr(P, "_write_table", failing)
    with pytest.raises(ProjectFileError) as err:
        P.save(_project("new"), path)
    assert "No space left" in str(err.value) and err.value.zh
    assert written and written[0] != path and written[0].parent.parent == tmp_path  # wrote beside, not over
    assert not written[0].exists()
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert_projects_equal(previous, P.load(path))
    assert _temps(path) == []


_KILLED_SAVE = """
import sys
import geopandas as gpd, numpy as np, shapely
from layers.io import project as P
n = 300_000
rng = np.random.default_rng(1)
big = gpd.GeoDataFrame({"v": np.arange(n), "s": np.full(n, "文本" * 10, dtype=object)},
                       geometry=shapely.points(121 + rng.random(n), 31 + rng.random(n)), crs=4326)
P.save(P.Project(name="new", layers={"a": big, "b": big}), sys.argv[1])
print("SAVED")
"""


def test_save_killed_halfway_keeps_previous_file(tmp_path):
    path = tmp_path / "plan.gpkg"
    previous = _project("previous")
    P.save(previous, path)
    before = path.read_bytes()

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_SAVE, str(path)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        temp_file = None
        while time.monotonic() < deadline and proc.poll() is None:  # wait for the save to be mid-write
            found = [t / "project.gpkg" for t in P.temp_paths(path)]
            if found and found[0].exists() and found[0].stat().st_size > 64 * 1024:
                temp_file = found[0]
                break
            time.sleep(0.01)
        assert proc.poll() is None, f"save ended before it could be killed: {proc.communicate()}"
        assert temp_file is not None, "the save never started writing its temporary file"
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL and b"SAVED" not in out

    # the target is the previous project, byte for byte; the killed save's leftovers are ignored
    assert path.read_bytes() == before
    leftovers = P.temp_paths(path)
    assert leftovers and temp_file.exists()
    assert_projects_equal(previous, P.load(path))

    # the next save removes the dead process's leftovers and succeeds
    assert P.cleanup_stale_temps(path) == leftovers
    P.save(_project("next"), path)
    assert P.load(path).name == "next" and _temps(path) == []


def test_cleanup_keeps_live_saves(tmp_path):
    path = tmp_path / "plan.gpkg"
    live = tmp_path / f".plan.gpkg.{os.getppid()}.abc{P._TEMP_TAG}"
    live.mkdir()
    assert P.cleanup_stale_temps(path) == [] and live.exists()
    assert P.cleanup_stale_temps(path, max_age_s=-1) == [live] and not live.exists()


# --------------------------------------------------------------------------- not a project

def test_other_geopackage_is_not_a_project(tmp_path):
    other = tmp_path / "other.gpkg"
    _parks().to_file(other, layer="parks", driver="GPKG")
    with pytest.raises(ProjectFileError, match="not a project file") as err:
        P.load(other)
    assert "不是本应用的项目文件" in str(err.value)
    # a GeoPackage with a table called project_meta that is not ours
    pyogrio.write_dataframe(pd.DataFrame({"key": ["format"], "value": ['"something else"']}), other,
                            layer="project_meta", driver="GPKG")
    with pytest.raises(ProjectFileError, match="not a project file"):
        P.load(other)


@pytest.mark.parametrize("data", [b"", b"\x00" * 10, os.urandom(4096), b"SQLite format 3\x00" + os.urandom(5000),
                                  b'{"type": "FeatureCollection", "features": []}'])
def test_random_bytes_are_not_a_project(tmp_path, data):
    bad = tmp_path / "plan.gpkg"
    bad.write_bytes(data)
    with pytest.raises(ProjectFileError):
        P.load(bad)
    with pytest.raises(ProjectFileError):
        P.from_bytes(data)


def test_truncated_project_file(tmp_path):
    data = P.to_bytes(_project())
    page = 4096
    for cut in sorted({len(data) // 4, len(data) // 2, len(data) * 3 // 4, len(data) - page, len(data) - 1,
                       len(data) // 2 + 123}):
        bad = tmp_path / f"cut{cut}.gpkg"
        bad.write_bytes(data[:cut])
        with pytest.raises(ProjectFileError, match="damaged|not a project"):
            P.load(bad)


def test_newer_version_and_missing_file(tmp_path, monkeypatch):
    path = tmp_path / "future.gpkg"
    monkeypatch.setattr(P, "FORMAT_VERSION", P.FORMAT_VERSION + 1)
    P.save(_project(), path)
    monkeypatch.undo()
    with pytest.raises(ProjectFileError, match="newer version") as err:
        P.load(path)
    assert "更新版本" in str(err.value)
    with pytest.raises(ProjectFileError):
        P.load(tmp_path / "missing.gpkg")
    with pytest.raises(ProjectFileError):
        P.load(tmp_path)


def test_size_limit(tmp_path, monkeypatch):
    path = P.save(_project(), tmp_path / "plan.gpkg")
    monkeypatch.setattr(P, "MAX_PROJECT_BYTES", path.stat().st_size - 1)
    with pytest.raises(ProjectFileError, match="larger than"):
        P.load(path)
    with pytest.raises(ProjectFileError, match="larger than"):
        P.from_bytes(path.read_bytes())


def test_reading_never_unpickles(tmp_path, monkeypatch):
    import pickle

    def boom(*a, **k):
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "loads", boom)
    monkeypatch.setattr(pickle, "load", boom)
    assert_projects_equal(_project(), P.load(P.save(_project(), tmp_path / "plan.gpkg")))
