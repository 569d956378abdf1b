"""The layer catalogue: every layer loads, validates and tells the truth about itself."""
from __future__ import annotations

import json
import subprocess
import sys

import geopandas as gpd
import pytest
from pyproj import Geod
from shapely.geometry import Point, Polygon

import layers
from geo.errors import LayerFileError, LayerNotFoundError, LayerValidationError
from geo.measure import areas_km2, total_area_km2
from layers.catalogue import loading
from layers.catalogue.spec import FEATURE_REQUIRED
from layers.catalogue.validate import problems
from tests.conftest import ROOT

ZJGK = Point(121.5834, 31.2040)     # 张江高科 station, Line 2 (WGS84)
LUJIAZUI = Point(121.4994, 31.2369)  # 陆家嘴 station (WGS84)

HITECH_PARKS = [  # seed 001 §四(四): 一城、一极、中心辐射区 13 园、新城产业多组团 7 园
    "张江科学城", "临港园", "漕河泾园", "自贸保税园", "世博园", "金桥园", "陆家嘴园", "黄浦园", "静安园",
    "徐汇园", "长宁园", "普陀园", "虹口园", "杨浦园", "闵行园", "宝山园", "嘉定园", "金山园", "松江园",
    "青浦园", "奉贤园", "崇明园",
]
PUTUO_SUBPARKS = {  # seed 002 §五(一)
    "北片区": ["桃浦智创城", "未来岛高新技术产业园", "新金环高新技术产业园", "真如铁三角科技园",
            "同济大学国家大学科技园普陀分园", "麦腾创业天地"],
    "南片区": ["长风生态商务区", "中环国际中小企业总部社区", "华东师范大学国家大学科技园", "天地软件园",
            "新曹杨高新技术产业园", "谈家28-文化信息·商务港（曹杨）", "武宁科技园", "长风科技园"],
}


@pytest.mark.parametrize("layer_id", layers.layer_ids())
def test_every_layer_loads_valid_in_wgs84(layer_id):
    gdf = layers.load(layer_id)
    spec = layers.get_spec(layer_id)
    assert gdf.crs.to_epsg() == 4326
    assert len(gdf) > 0
    assert problems(gdf, spec) == []
    assert gdf.geometry.is_valid.all()


@pytest.mark.parametrize("layer_id", layers.layer_ids())
def test_every_feature_carries_provenance_and_names(layer_id):
    gdf = layers.load(layer_id)
    for col in FEATURE_REQUIRED:
        assert gdf[col].notna().all(), col
    assert (gdf["accuracy_m"].astype(float) > 0).all()
    spec = layers.get_spec(layer_id)
    p = spec.provenance
    assert p.source and p.method and p.date and p.accuracy_m > 0 and p.licence and p.attribution


def _geod_area_km2(poly: Polygon) -> float:
    area, _ = Geod(ellps="WGS84").geometry_area_perimeter(poly)
    return abs(area) / 1e6


def test_science_city_areas_match_the_published_figures():
    a2017 = total_area_km2(layers.load("science_city_2017"))
    a2021 = total_area_km2(layers.load("science_city_2021"))
    assert a2017 == pytest.approx(94, rel=0.05)
    assert a2021 == pytest.approx(220, rel=0.05)
    # independent checks: pyproj.Geod directly, and an equal-area projection
    assert _geod_area_km2(layers.load("science_city_2017").geometry.iloc[0]) == pytest.approx(a2017, rel=1e-9)
    assert total_area_km2(layers.load("science_city_2021"), "equal_area") == pytest.approx(a2021, rel=1e-4)


def test_2017_lies_inside_2021_and_the_expansion_is_derived():
    old = layers.load("science_city_2017").geometry.union_all()
    new = layers.load("science_city_2021").geometry.union_all()
    assert old.difference(new).area == pytest.approx(0, abs=1e-12)
    ring = layers.load("science_city_expansion")
    a_ring = total_area_km2(ring)
    assert a_ring == pytest.approx(total_area_km2(layers.load("science_city_2021"))
                                   - total_area_km2(layers.load("science_city_2017")), rel=1e-6)
    assert not (ROOT / "data" / "boundaries" / "science_city_expansion.geojson").exists()


@pytest.mark.parametrize("layer_id", ["science_city_2017", "science_city_2021"])
def test_known_points_fall_where_they_must(layer_id):
    poly = layers.load(layer_id).geometry.union_all()
    assert poly.contains(ZJGK)
    assert not poly.contains(LUJIAZUI)


def test_zhangjiang_hitech_park_polygon_lies_inside_the_2017_boundary(shared_data):
    towns = gpd.read_file(shared_data / "unclear_license" / "shanghai_streets_towns_wgs84.geojson")
    zj = towns[towns["name"].fillna("").str.startswith("张江高科技园区")]
    assert len(zj) == 1
    park = zj.geometry.iloc[0]
    sc = layers.load("science_city_2017").geometry.union_all()
    assert park.difference(sc).area / park.area < 1e-4  # inside, to digitising precision


def test_boundary_edges_follow_reference_lines(shared_data):
    """The 2021 west edge south of 杨高南路 follows the Pudong–Minhang district line (±300 m)."""
    d = gpd.read_file(shared_data / "admin" / "shanghai_districts_amap_wgs84.geojson")
    pudong = d[d["name"] == "浦东新区"].geometry.iloc[0]
    minhang = d[d["name"] == "闵行区"].geometry.iloc[0]
    line = pudong.boundary.intersection(minhang.buffer(0.001))
    sc = layers.load("science_city_2021").geometry.iloc[0]
    west = [Point(x, y) for x, y in sc.exterior.coords if 31.065 < y < 31.118 and x < 121.575]
    assert len(west) >= 8
    utm = gpd.GeoSeries([line] + west, crs=4326).to_crs(32651)
    dists = [utm.iloc[0].distance(p) for p in utm.iloc[1:]]
    assert max(dists) < 300


def test_hitech_parks_are_exactly_the_22_of_seed_001():
    gdf = layers.load("hitech_parks")
    assert sorted(gdf["name_zh"]) == sorted(HITECH_PARKS)
    assert set(gdf["cluster_zh"]) == {"一城", "一极", "中心辐射区", "新城产业多组团"}
    assert (gdf["cluster_zh"] == "中心辐射区").sum() == 13
    assert (gdf["cluster_zh"] == "新城产业多组团").sum() == 7
    putuo = gdf[gdf["name_zh"] == "普陀园"].iloc[0]
    assert putuo["area_km2"] == pytest.approx(10.08)
    assert "智能软件" in putuo["industries_zh"]
    assert set(gdf.geometry.geom_type) == {"Point"}  # never an invented outline


def test_hitech_park_names_appear_in_seed_001(seeds_text):
    for name in HITECH_PARKS:
        assert name in seeds_text, name


def test_hitech_park_points_lie_in_their_districts():
    parks = layers.load("hitech_parks")
    districts = layers.load("districts")
    for _, park in parks.iterrows():
        host = districts[districts.contains(park.geometry)]
        assert len(host) == 1, park["name_zh"]
        assert host["name_zh"].iloc[0] in park["district_zh"], park["name_zh"]


def test_putuo_subparks_are_exactly_the_14_of_seed_002():
    gdf = layers.load("putuo_subparks")
    assert len(gdf) == 14
    for group, names in PUTUO_SUBPARKS.items():
        assert sorted(gdf.loc[gdf["group_zh"] == group, "name_zh"]) == sorted(names)
    putuo = layers.load("districts").set_index("name_zh").loc["普陀区", "geometry"]
    assert putuo.buffer(0.005).contains(gdf.geometry).all()


def test_putuo_subpark_names_appear_in_seed_002(seeds_text):
    for names in PUTUO_SUBPARKS.values():
        for name in names:
            assert name.replace("（曹杨）", "") in seeds_text, name


def test_named_sites_are_present_and_near_the_science_city():
    sites = layers.load("sites")
    for name in ("上海光源", "上海科技大学", "李政道研究所", "张江实验室", "张江科学会堂", "科学之门",
                 "张江人工智能岛", "上海市质子重离子医院", "上海国际医学中心"):
        assert name in set(sites["name_zh"]), name
    sc = layers.load("science_city_2021").geometry.union_all()
    utm = gpd.GeoSeries([sc], crs=4326).to_crs(32651).iloc[0]
    d = sites.to_crs(32651).distance(utm)
    assert (d < 1500).all()


def test_schematic_features_say_so():
    structure = layers.load("structure")
    assert set(structure["method"]) == {"schematic", "traced"}
    south = structure[structure["id"] == "south_core"].iloc[0]
    assert south["method"] == "traced"
    for _, f in structure[structure["method"] == "schematic"].iterrows():
        assert "示意" in f["name_zh"] and "schematic" in f["name_en"]
    corridors = layers.load("corridors")
    assert (corridors["method"] == "schematic").all()
    buffers = corridors[corridors["kind_en"] == "corridor"]
    assert len(buffers) == 4 and (buffers["width_m"] > 0).all()
    assert buffers["description_en"].str.contains("ASSUMED").all()


def test_industry_polygons_match_published_areas():
    ind = layers.load("industry").reset_index(drop=True)
    area = dict(zip(ind["id"], areas_km2(ind)))
    assert area["ic_design_park"] == pytest.approx(4.0, rel=0.10)
    assert area["zj_pharma_valley"] == pytest.approx(1.5, rel=0.10)
    south = layers.load("structure").reset_index(drop=True)
    assert dict(zip(south["id"], areas_km2(south)))["south_core"] > 5
    segs = ind[ind["kind_en"] == "axis segment"]
    assert len(segs) == 3


def test_districts_are_converted_from_gcj02(shared_data):
    d = layers.load("districts")
    assert len(d) == 16
    pudong = d[d["adcode"] == "310115"].geometry.iloc[0]
    assert pudong.contains(ZJGK)
    ref = gpd.read_file(shared_data / "admin" / "shanghai_districts_amap_wgs84.geojson")
    ref_pd = ref[ref["adcode"].astype(str) == "310115"].geometry.iloc[0]
    # same source, same conversion: the outlines agree to a few metres, not the ~460 m GCJ offset
    sym = pudong.symmetric_difference(ref_pd)
    assert gpd.GeoSeries([sym], crs=4326).to_crs(32651).area.iloc[0] / 1e6 < 2.0


# --- errors: a broken or missing file names the file and the problem --------------------------

def test_unknown_layer_is_a_clear_error():
    with pytest.raises(LayerNotFoundError, match="no layer 'nope'"):
        layers.load("nope")


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(LayerFileError, match="missing.geojson: file not found"):
        loading.read_file(tmp_path / "missing.geojson")


def test_broken_json_names_file_and_line(tmp_path):
    p = tmp_path / "broken.geojson"
    p.write_text('{"type": "FeatureCollection",\n "features": [ {"type": ', encoding="utf-8")
    with pytest.raises(LayerFileError, match=r"broken.geojson: broken JSON at line 2"):
        loading.read_file(p)


@pytest.mark.parametrize("content,message", [
    ("", "file is empty"),
    ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": []}', "has no features"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": "x"}}]}',
     "malformed GeoJSON feature"),
    ('{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:4549"}}, "features": '
     '[{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}', "must be WGS84"),
])
def test_bad_files_get_specific_messages(tmp_path, content, message):
    p = tmp_path / "bad.geojson"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(LayerFileError, match=message):
        loading.read_file(p)


def _frame(geom, **props):
    base = {"id": "x", "name_zh": "测试", "name_en": "test", "source": "s", "method": "traced", "accuracy_m": 10}
    base.update(props)
    return gpd.GeoDataFrame([base], geometry=[geom], crs="EPSG:4326")


def test_validation_catches_each_problem():
    spec = layers.get_spec("science_city_2017")
    bowtie = Polygon([(121.5, 31.1), (121.6, 31.2), (121.6, 31.1), (121.5, 31.2)])
    extra = {"official_area_km2": 1, "edges_zh": "x", "edges_en": "x"}
    assert any("invalid geometry" in p for p in problems(_frame(bowtie, **extra), spec))
    assert any("expected Polygon" in p for p in problems(_frame(Point(121.6, 31.2), **extra), spec))
    assert any("leaves the Shanghai region" in p for p in problems(_frame(Point(31.2, 121.6).buffer(0.01), **extra), spec))
    assert any("'edges_zh' is missing" in p for p in problems(_frame(Point(121.6, 31.2).buffer(0.01)), spec))
    assert any("unknown method" in p for p in problems(_frame(Point(121.6, 31.2).buffer(0.01), **{**extra, "method": "guessed"}), spec))
    assert problems(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"), spec) == ["layer is empty (no features)"]
    ok = _frame(Point(121.6, 31.2).buffer(0.01), **extra)
    assert problems(ok, spec) == []
    assert any("expected EPSG:4326" in p for p in problems(ok.to_crs("EPSG:4550"), spec))


def test_loader_raises_validation_error_with_the_layer_name(monkeypatch, tmp_path):
    bad = tmp_path / "data" / "boundaries"
    bad.mkdir(parents=True)
    src = (ROOT / "data" / "boundaries" / "science_city_2017.geojson").read_text(encoding="utf-8")
    doc = json.loads(src)
    doc["features"][0]["properties"].pop("source")
    (bad / "science_city_2017.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(loading, "ROOT", tmp_path)
    layers.clear_cache()
    try:
        with pytest.raises(LayerValidationError, match="science_city_2017.*'source' is missing"):
            layers.load("science_city_2017")
    finally:
        monkeypatch.undo()
        layers.clear_cache()


def test_load_returns_independent_copies():
    a = layers.load("sites")
    a["name_zh"] = "changed"
    assert "changed" not in set(layers.load("sites")["name_zh"])


# --- command line ------------------------------------------------------------------------------

def _run(*args):
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_cli_list_json():
    out = _run("list", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["id"] for r in rows] == layers.layer_ids()
    for r in rows:
        for key in ("id", "title_zh", "title_en", "group", "geometry_type", "feature_count", "area_km2", "provenance"):
            assert key in r
        assert r["feature_count"] > 0
    by_id = {r["id"]: r for r in rows}
    assert by_id["science_city_2017"]["area_km2"] == pytest.approx(94, rel=0.05)
    assert by_id["hitech_parks"]["feature_count"] == 22 and by_id["hitech_parks"]["area_km2"] is None


def test_cli_list_text_and_validate():
    out = _run("list")
    assert out.returncode == 0 and "science_city_2021" in out.stdout and "km²" in out.stdout
    val = _run("validate")
    assert val.returncode == 0, val.stdout + val.stderr
    assert f"{len(layers.layer_ids())} of {len(layers.layer_ids())} layers valid" in val.stdout


def test_cli_validate_fails_on_a_broken_layer(monkeypatch, tmp_path, capsys):
    from layers import __main__ as cli

    monkeypatch.setattr(loading, "ROOT", tmp_path)  # no data files there
    layers.clear_cache()
    try:
        code = cli.main(["validate"])
    finally:
        monkeypatch.undo()
        layers.clear_cache()
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL science_city_2017" in out and "file not found" in out
    assert "ok   districts" in out  # one broken file never hides the rest
