"""A planner's control-plan parcels as the demand of a coverage check (demand "parcels").

On the Helsinki test extract, parcels laid out in a grid carry GB 50137-2011 codes (R2, R21,
B1, G1, A1 …) or the 2023 用地用海分类 codes (0701 …) and a population column. Parcel demand
must give exactly the figures of the same residential polygons handed in as a custom
demand file with the same weights; the figure names the layer, class, count and weight;
every parcel left out is counted by reason; the command line and the app run it.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from geo.crs import local_tm_crs
from geo.parcels import parcel_demand
from layers import coverage as svc
from layers.coverage import report
from tests.conftest import ROOT

#: GB 50137 codes cycled over the grid, and their 2023 用地用海分类 counterparts.
GB = ["R2", "B1", "R21", "G1", "R22", "A1", "R2", "M1", "R11", "S4"]
GTKJ = {"R2": "0701", "R21": "070101", "R22": "0702", "R11": "0701", "B1": "0901", "G1": "1401",
        "A1": "0801", "M1": "1001", "S4": "1208"}
RESIDENTIAL = {"R2", "R21", "R22", "R11"}


@pytest.fixture(scope="module")
def osm(tmp_path_factory):
    os.environ["ZJ_CACHE_DIR"] = str(tmp_path_factory.mktemp("osm_cache"))
    from geo.osm import resolve_osm
    return resolve_osm("helsinki")


def _parcels(osm, codes: str = "gb") -> gpd.GeoDataFrame:
    """A grid of 6 × 9 parcels (90 × 120 m, 20 m streets between) over the extract, one of
    them across its edge, and four that must be left out: no code, an unknown code, a
    residential parcel without geometry and one without population."""
    _, area = svc.area_geometry("extract", osm)
    c = area.centroid
    crs = local_tm_crs(c.x, c.y)
    x0, y0, x1, y1 = gpd.GeoSeries([area], crs="EPSG:4326").to_crs(crs).total_bounds
    rng = np.random.default_rng(15)
    rows = []
    for i in range(6):
        for j in range(9):
            x, y = x0 + 40 + i * 160, y0 + 60 + j * 175
            code = GB[(i * 9 + j) % len(GB)]
            rows.append({"用地代码": code, "人口": int(rng.integers(200, 3000)) if code in RESIDENTIAL else 0,
                         "geometry": box(x, y, x + 90, y + 120)})
    rows.append({"用地代码": "R2", "人口": 800, "geometry": box(x1 - 50, y0 + 300, x1 + 50, y0 + 400)})  # edge
    rows += [{"用地代码": None, "人口": 500, "geometry": Point(x0 + 500, y0 + 500).buffer(30)},
             {"用地代码": "XQ9", "人口": 500, "geometry": Point(x0 + 600, y0 + 500).buffer(30)},
             {"用地代码": "R2", "人口": 500, "geometry": None},
             {"用地代码": "R21", "人口": 0, "geometry": Point(x0 + 700, y0 + 500).buffer(30)}]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs).to_crs("EPSG:4326")
    if codes == "gtkj":
        frame["用地代码"] = frame["用地代码"].map(lambda v: GTKJ.get(v, v))
    return frame


def _residential(frame: gpd.GeoDataFrame, weight: bool) -> gpd.GeoDataFrame:
    """The residential parcels as a planner would hand them in as a custom demand file (by
    area, the parcel without people counts too)."""
    res = frame[frame["用地代码"].isin(RESIDENTIAL | {GTKJ[c] for c in RESIDENTIAL})
                & frame.geometry.notna() & ((frame["人口"] > 0) | (not weight))]
    out = gpd.GeoDataFrame(geometry=res.geometry.to_numpy(), crs=res.crs)
    if weight:
        out["weight"] = res["人口"].to_numpy(dtype=float)
    return out


def _same(a, b) -> None:
    """Identical figures (not approximately: the same units, the same sums)."""
    assert (a.share, a.share_buffer, a.covered_km2, a.total_km2, len(a.units)) == \
        (b.share, b.share_buffer, b.covered_km2, b.total_km2, len(b.units))
    assert a.weight == b.weight


@pytest.fixture(scope="module")
def parcels(osm):
    return _parcels(osm)


@pytest.fixture(scope="module")
def weighted(osm, parcels):
    return svc.run(osm, "extract", "green5", {}, demand_kind="parcels", own={"parcels": parcels},
                   parcels={"name": "控规"}).result


@pytest.mark.parametrize("codes", ["gb", "gtkj"])
def test_parcel_demand_equals_the_same_polygons_as_custom_demand(osm, parcels, weighted, codes):
    frame = parcels if codes == "gb" else _parcels(osm, "gtkj")
    got = weighted if codes == "gb" else svc.run(
        osm, "extract", "green5", {}, demand_kind="parcels", own={"parcels": frame}, parcels={"name": "控规"}).result
    custom = svc.run(osm, "extract", "green5", {}, demand_kind="custom",
                     own={"demand": _residential(frame, weight=True)}).result
    _same(got, custom)
    assert got.weight == "weight" and got.parameters["demand"] == "parcels"
    assert np.array_equal(got.units["weight"].to_numpy(), custom.units["weight"].to_numpy())
    # by area: the same as the unweighted custom demand
    by_area = svc.run(osm, "extract", "green5", {}, demand_kind="parcels", own={"parcels": frame},
                      parcels={"name": "控规", "weight_column": "area"}).result
    plain = svc.run(osm, "extract", "green5", {}, demand_kind="custom",
                    own={"demand": _residential(frame, weight=False)}).result
    _same(by_area, plain)
    assert by_area.weight == "area"
    # the weighted share is the population's: each parcel's people × its covered share of area
    u = got.units
    per = u.assign(cov_area=u["area_m2"] * u["covered"]).groupby("parent")[["weight", "cov_area", "area_m2"]].sum()
    assert got.share == pytest.approx(float((per["weight"] * per["cov_area"] / per["area_m2"]).sum()
                                            / per["weight"].sum()), rel=1e-12)
    assert got.share != pytest.approx(by_area.share, abs=1e-4)  # people are not spread like land
    print(f"\n{codes}: parcels by population {got.share:.6f} = custom {custom.share:.6f}; "
          f"by area {by_area.share:.6f} = custom {plain.share:.6f}; units {len(got.units)}")


def test_the_edge_parcel_keeps_the_share_of_its_people_inside_the_area(weighted, parcels):
    inside = float(weighted.units["weight"].sum())
    total = float(_residential(parcels, weight=True)["weight"].sum())
    assert 0 < total - inside < 800  # part of the edge parcel's 800 people lie beyond the extract


def test_the_figure_names_layer_class_count_and_weight(osm, parcels, weighted):
    n = len(_residential(parcels, weight=True))
    people = int(_residential(parcels, weight=True)["weight"].sum())
    zh = dict(svc.figures_table(weighted, "zh").to_numpy())
    en = dict(svc.figures_table(weighted, "en").to_numpy())
    assert zh["需求"] == f"导入地块 '控规' 的居住用地 (R, {n} 块, 按人口加权 {people:,} 人)"
    assert en["demand"] == (f"residential parcels (R) of the imported layer '控规', {n} parcels, "
                            f"weighted by population ({people:,})")
    assert zh["未计入的地块"].startswith("未计入 4 块")
    assert "覆盖的权重 / 合计" in zh
    gtkj = parcel_demand(_parcels(osm, "gtkj"), name="控规")
    assert gtkj.system == "gtkj2023" and gtkj.description.zh.startswith(f"导入地块 '控规' 的居住用地 (07, {n} 块")
    floor = parcels.rename(columns={"人口": "住宅建筑面积"})
    assert "按建筑面积加权" in parcel_demand(floor, name="控规").description.zh
    plain = parcel_demand(parcels.drop(columns="人口"), name="控规")
    assert plain.weight_kind == "area" and "by area" in plain.description.en
    # the JSON of the result carries the description
    out = weighted.to_dict()["inputs"]["demand"]["parcels"]
    assert out["description"]["en"] == en["demand"] and out["layer"] == "控规"


def test_parcels_left_out_are_counted_by_reason(parcels, weighted):
    d = parcel_demand(parcels, name="控规")
    assert d.dropped == {"no_code": 1, "unknown_code": 1, "empty_geometry": 1, "not_polygon": 0, "zero_weight": 1}
    assert d.given == len(parcels) == len(d.frame) + d.not_residential + sum(d.dropped.values())
    assert d.code_column == "用地代码" and d.weight_kind == "population" and d.weight_column == "人口"
    assert d.dropped_text.en == ("4 parcels left out: no land-use code 1, unknown land-use code 1, "
                                 "residential parcel with empty geometry 1, residential parcel with no or zero weight 1")
    rows = {r["item"]: r["value"] for r in report.inputs_rows(weighted.inputs, "en")}
    assert rows["parcels (all)"] == f"{len(parcels)}" and rows["unknown land-use code"] == "1"
    assert rows["residential parcels counted"] == f"{len(d.frame)}"


def _shapefile_zip(frame: gpd.GeoDataFrame, path) -> None:
    """The parcels as a zipped GBK Shapefile, as planners receive a 控规 layer."""
    folder = path.parent / "shp"
    folder.mkdir()
    frame.to_file(folder / "控规.shp", encoding="GBK")
    with zipfile.ZipFile(path, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)


def test_command_line_parcels(osm, parcels, weighted, tmp_path):
    path = tmp_path / "控规.zip"
    _shapefile_zip(parcels[parcels.geometry.notna()], path)
    p = subprocess.run([sys.executable, "-m", "layers", "coverage", "--check", "green5", "--area", "extract",
                        "--osm", str(osm), "--demand", "parcels", "--parcels-file", str(path),
                        "--parcels-code-column", "用地代码", "--parcels-weight", "人口", "--json"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["parameters"]["demand"] == "parcels" and out["weight"] == "weight"
    assert out["share"] == pytest.approx(weighted.share, abs=1e-6)  # one parcel fewer: the empty one
    info = out["inputs"]["demand"]["parcels"]
    assert info["layer"] == "控规" and info["system"] == "gb50137" and info["weight_column"] == "人口"
    assert info["dropped"]["empty_geometry"] == 0 and info["dropped"]["zero_weight"] == 1
    assert out["total_weight"] == pytest.approx(float(weighted.units["weight"].sum()), rel=1e-9)


def test_app_checks_green_reach_of_imported_parcels(app, parcels, weighted):
    app.session_state["imported"] = {"控规": parcels}
    next(s for s in app.selectbox if s.key == "cov_check").set_value("green5")
    next(s for s in app.selectbox if s.key and s.key.startswith("cov_demand_")).set_value("parcels")
    app.run()
    assert not app.exception
    assert app.selectbox(key="cov_parcels").value == "控规"
    assert app.selectbox(key="cov_parcels_code").value == "用地代码"  # recognised
    assert app.selectbox(key="cov_parcels_weight").value == "人口"  # by name
    assert any("按人口加权" in c.value for c in app.caption)
    app.button(key="cov_run").click().run()
    assert not app.exception, app.exception
    figures = app.session_state["coverage"]["figures"]
    assert figures["parameters"]["demand"] == "parcels" and figures["weight"] == "weight"
    assert figures["share"] == pytest.approx(weighted.share, abs=1e-6)
    table = app.session_state["coverage"]["table"]["zh"]
    assert table.iloc[2, 1].startswith("导入地块 '控规' 的居住用地 (R, ")
