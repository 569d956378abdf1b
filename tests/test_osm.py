"""OpenStreetMap loading (geo.osm) and tag rules (geo.osmtags).

Real data: the central-Helsinki extract pyrosm ships (no network). A tiny hand-written
OSM XML file checks exact rules end to end. Caches go to tmp_path only.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import box

from geo import osm, osmtags
from geo.errors import OSMError
from geo.measure import areas_km2

SHANGHAI_BOX = (121.55, 31.15, 121.70, 31.25)  # Zhangjiang: nowhere near Helsinki


@pytest.fixture(autouse=True)
def _no_home_cache(tmp_path, monkeypatch):
    """Whatever a test forgets, the default cache is a temporary directory."""
    monkeypatch.setenv("ZJ_CACHE_DIR", str(tmp_path / "default_cache"))


@pytest.fixture(scope="module")
def helsinki() -> Path:
    return osm.resolve_osm("helsinki")


@pytest.fixture(scope="module")
def full(helsinki, tmp_path_factory) -> osm.OSMExtract:
    return osm.load_osm(helsinki, cache_dir=tmp_path_factory.mktemp("osm_full"))


class _Count(osmium.SimpleHandler):
    """An independent pass over the file: raw tag counts, no geo.osmtags."""

    def __init__(self) -> None:
        super().__init__()
        self.entrances = 0
        self.footways = 0
        self.park_ways: set[int] = set()
        self.park_ways_cut: set[int] = set()  # closed, some nodes beyond the extract's edge
        self.park_relations: set[int] = set()

    def node(self, n):
        if n.tags.get("railway") == "subway_entrance":
            self.entrances += 1

    def way(self, w):
        t = w.tags
        located = sum(1 for n in w.nodes if n.location.valid())  # the extract is clipped
        if (t.get("highway") == "footway" and t.get("area") != "yes"
                and t.get("access") not in ("private", "no") and t.get("foot") not in ("no", "private")
                and located >= 2):
            self.footways += 1
        if t.get("leisure") == "park" and w.nodes[0].ref == w.nodes[-1].ref and len(w.nodes) >= 4:
            valid = [n.location.valid() for n in w.nodes]
            if located == len(w.nodes):
                self.park_ways.add(w.id)
            elif any(a and b for a, b in zip(valid, valid[1:])):  # a located stretch
                self.park_ways_cut.add(w.id)

    def relation(self, r):
        if r.tags.get("leisure") == "park" and r.tags.get("type") == "multipolygon":
            self.park_relations.add(r.id)


@pytest.fixture(scope="module")
def raw(helsinki) -> _Count:
    h = _Count()
    h.apply_file(str(helsinki), locations=True)
    return h


# --- Helsinki, whole extract -----------------------------------------------------------------

def test_every_frame_exists_with_its_columns(full):
    for name, columns in osm.FRAME_COLUMNS.items():
        gdf = getattr(full, name)
        assert isinstance(gdf, gpd.GeoDataFrame)
        assert list(gdf.columns) == [*columns, "geometry"]
        assert gdf.crs.to_epsg() == 4326
    assert full.attribution == "© OpenStreetMap contributors (ODbL)"
    assert full.bbox == pytest.approx(osm.extract_bounds(full.source))


def test_counts_are_plausible_and_exact_where_checkable(full, raw):
    c = full.counts()
    assert set(c) == set(osm.FRAME_COLUMNS)
    assert 1500 < c["walk"] < 4000 and 300 < c["buildings"] < 1000 and 20 < c["green"] < 100
    assert c["residential_landuse"] > 0 and c["facilities"] > 10
    # exact, against an independent osmium pass over the file
    assert (full.metro["kind"] == "entrance").sum() == raw.entrances > 0
    assert (full.walk["highway"] == "footway").sum() == raw.footways > 100
    assert set(full.metro["kind"]) == {"entrance", "station"}


def test_walk_ways_are_walkable_and_nodes_match_coordinates(full):
    w = full.walk
    assert not set(w["highway"]) & osmtags.WALK_EXCLUDED_HIGHWAY
    assert not w["highway"].isin(["motorway", "cycleway"]).any()
    assert (w.geometry.geom_type == "LineString").all()
    sizes = np.array([len(n) for n in w["nodes"]])
    assert (sizes >= 2).all()
    assert np.array_equal(sizes, shapely.get_num_coordinates(w.geometry.to_numpy()))
    assert all(isinstance(i, int) for i in w["nodes"].iloc[0])
    assert w["osm_id"].is_unique
    # ways share real OSM node ids at junctions
    ids = np.concatenate([np.asarray(n) for n in w["nodes"]])
    assert len(np.unique(ids)) < len(ids)


def test_green_polygons_valid_and_areas_geodesic(full):
    g = full.green
    assert g.geometry.is_valid.all()
    assert g.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert set(g["kind"]) <= set(osmtags.GREEN_LABELS)
    assert set(g["osm_type"]) == {"way", "relation"}
    laea = areas_km2(g, method="equal_area") * 1e6
    assert np.allclose(g["area_m2"], laea, rtol=0.01)
    assert (g["area_m2"] < 400).any()  # no area filter here: the check's parameter does it
    b = full.buildings
    assert np.allclose(b["area_m2"], areas_km2(b, method="equal_area") * 1e6, rtol=0.01)


def test_each_park_appears_once(full, raw):
    g = full.green[full.green["kind"] == "park"]
    assert not g.duplicated(["osm_type", "osm_id"]).any()
    ways = set(g.loc[(g["osm_type"] == "way") & ~g["cut"], "osm_id"])
    rels = set(g.loc[g["osm_type"] == "relation", "osm_id"])
    assert ways == raw.park_ways and rels == raw.park_relations
    # parks cut by the extract's edge are rebuilt inside it, flagged, not dropped
    cut = set(g.loc[(g["osm_type"] == "way") & g["cut"], "osm_id"])
    assert cut == raw.park_ways_cut and len(cut) == 4
    assert (box(*full.bbox).buffer(1e-9).contains(g.loc[g["cut"], "geometry"])).all()
    esplanadi = g[g["osm_id"] == 28328802]  # Esplanadinpuisto, a closed way
    assert len(esplanadi) == 1 and esplanadi["osm_type"].item() == "way"


def test_buildings_metro_facilities(full):
    b = full.buildings
    assert b["residential"].dtype == bool and b["residential"].any()
    assert set(b.loc[b["residential"], "building"]) <= osmtags.RESIDENTIAL_BUILDINGS
    lv = b["levels"].dropna()
    assert len(lv) > 0 and (lv > 0).all()
    assert (full.metro.geometry.geom_type == "Point").all()
    f = full.facilities
    assert set(f["category"]) <= set(osmtags.CATEGORY_LABELS)
    assert f["tag"].str.contains("=").all()
    assert f.geometry.geom_type.isin(["Point", "Polygon", "MultiPolygon"]).all()


# --- Clipping, caching --------------------------------------------------------------------------

def test_bbox_clip_keeps_exactly_the_intersecting_features(helsinki, full, tmp_path):
    bbox = (24.940, 60.168, 24.946, 60.172)
    clip = osm.load_osm(helsinki, bbox, cache_dir=tmp_path)
    assert clip.bbox == bbox
    area = box(*bbox)
    assert sum(clip.counts().values()) < sum(full.counts().values())
    for name in osm.FRAME_COLUMNS:
        part, whole = getattr(clip, name), getattr(full, name)
        assert part.intersects(area).all()
        expected = whole[whole.intersects(area)]
        assert sorted(part["osm_id"]) == sorted(expected["osm_id"])
    # ways are kept whole: some reach outside the box
    assert not clip.walk.within(area).all()


def test_cache_hit_is_equal_and_skips_the_parse(helsinki, tmp_path, monkeypatch):
    cold = osm.load_osm(helsinki, cache_dir=tmp_path)

    def no_parse(path):
        raise AssertionError(f"the cache was not used: {path} parsed again")

    with monkeypatch.context() as m:  # a hit reads the cache and never parses the file
        m.setattr(osm, "_parse", no_parse)
        hot = osm.load_osm(helsinki, cache_dir=tmp_path)
    for name in osm.FRAME_COLUMNS:
        assert_geodataframe_equal(getattr(cold, name), getattr(hot, name))
    assert list(tmp_path.glob("osm-full-*.osm.zip"))
    uncached = osm.load_osm(helsinki, cache_dir=tmp_path / "none", use_cache=False)
    assert not (tmp_path / "none").exists()
    assert uncached.counts() == cold.counts()


def test_default_cache_dir_from_environment(helsinki, tmp_path, monkeypatch):
    monkeypatch.setenv("ZJ_CACHE_DIR", str(tmp_path / "env"))
    osm.load_osm(helsinki, (24.94, 60.165, 24.95, 60.175))
    assert list((tmp_path / "env").glob("osm-clip-*.osm.zip"))


def test_corrupt_cache_is_ignored_and_rewritten(helsinki, full, tmp_path):
    bbox = (24.94, 60.165, 24.95, 60.175)
    osm.load_osm(helsinki, bbox, cache_dir=tmp_path)
    files = list(tmp_path.glob("osm-*.osm.zip"))
    assert len(files) == 2  # the whole file's parse and the clip
    for f in files:
        f.write_bytes(b"not a pickle")
    again = osm.load_osm(helsinki, bbox, cache_dir=tmp_path)
    assert again.counts() == full.clip(bbox).counts()
    clip_file = next(tmp_path.glob("osm-clip-*.osm.zip"))
    with zipfile.ZipFile(clip_file) as zf:  # data only: JSON and GeoParquet, no pickle
        assert sorted(zf.namelist()) == sorted(["meta.json", *(f"{n}.parquet" for n in osm.FRAME_COLUMNS)])


def test_cache_holds_data_only_and_round_trips_every_frame(helsinki, full, tmp_path):
    osm.load_osm(helsinki, cache_dir=tmp_path)
    hot = osm.load_osm(helsinki, cache_dir=tmp_path)
    for name in osm.FRAME_COLUMNS:
        assert_geodataframe_equal(getattr(full, name), getattr(hot, name))
    assert hot.dropped == full.dropped and hot.bbox == full.bbox
    assert isinstance(hot.walk["nodes"].iloc[0], list)
    # a pickle put in the cache's place is never unpickled: it is ignored and rewritten
    import pickle
    file = next(tmp_path.glob("osm-full-*.osm.zip"))
    file.write_bytes(pickle.dumps(full))
    again = osm.load_osm(helsinki, cache_dir=tmp_path)
    assert again.counts() == full.counts()
    assert zipfile.is_zipfile(file)


# --- Errors -----------------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    with pytest.raises(OSMError, match="找不到 OSM 文件"):
        osm.load_osm(tmp_path / "nothing.osm.pbf", cache_dir=tmp_path)


def test_text_file_named_pbf(tmp_path):
    fake = tmp_path / "notes.osm.pbf"
    fake.write_text("these are meeting notes, not OpenStreetMap data\n" * 20)
    with pytest.raises(OSMError, match="notes.osm.pbf") as err:
        osm.load_osm(fake, cache_dir=tmp_path)
    assert "不是可读取的 OSM 文件" in str(err.value)
    with pytest.raises(OSMError):
        osm.extract_bounds(fake)


def test_area_outside_the_extract(helsinki, tmp_path):
    with pytest.raises(OSMError, match="OSM 数据不覆盖分析范围") as err:
        osm.load_osm(helsinki, SHANGHAI_BOX, cache_dir=tmp_path)
    assert "does not cover" in err.value.en
    with pytest.raises(OSMError):
        osm.load_osm(helsinki, (1, 2, 3), cache_dir=tmp_path)


# --- Finding the file --------------------------------------------------------------------------------

def test_resolve_named_and_local(helsinki, tmp_path):
    assert helsinki.is_file() and helsinki.name == "Helsinki.osm.pbf"
    assert osm.resolve_osm("test") == helsinki == osm.resolve_osm(" Helsinki ")
    assert osm.resolve_osm(str(helsinki)) == helsinki
    assert "Helsinki" in osm.HELSINKI_TEST_EXTRACT and "Shanghai" in osm.HELSINKI_TEST_EXTRACT
    with pytest.raises(OSMError, match="找不到 OSM 文件"):
        osm.resolve_osm(str(tmp_path / "missing.osm.pbf"))
    with pytest.raises(OSMError, match="请提供"):
        osm.resolve_osm("")
    other = tmp_path / "roads.shp"
    other.write_text("x")
    with pytest.raises(OSMError, match="不是 OSM 文件"):
        osm.resolve_osm(str(other))


def test_shanghai_download_failure_is_a_clear_error(tmp_path, monkeypatch):
    import pyrosm.data

    def offline(dataset, **kwargs):
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(pyrosm.data, "get_data", offline)
    with pytest.raises(OSMError, match="无法下载 OSM 数据") as err:
        osm.resolve_osm("shanghai", directory=tmp_path)
    assert "请提供本地 .osm.pbf 文件路径" in err.value.zh and "local .osm.pbf" in err.value.en


def test_shanghai_download_goes_to_the_directory(tmp_path, monkeypatch):
    import pyrosm.data
    seen = {}

    def fake(dataset, directory=None, progress=None, **kwargs):
        seen.update(dataset=dataset, directory=directory, progress=progress)
        out = Path(directory) / "shanghai-latest.osm.pbf"
        out.write_bytes(b"")
        return str(out)

    monkeypatch.setattr(pyrosm.data, "get_data", fake)
    calls = []
    path = osm.resolve_osm("shanghai", directory=tmp_path, progress=lambda d, t: calls.append(d))
    assert path == tmp_path / "shanghai-latest.osm.pbf"
    assert seen["dataset"] == "shanghai" and Path(seen["directory"]) == tmp_path
    assert callable(seen["progress"])
    path = osm.resolve_osm("shanghai")  # default: the cache directory (here ZJ_CACHE_DIR)
    assert path.parent.name == "default_cache"


# --- A tiny hand-made extract: exact rules end to end --------------------------------------------

_XML = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
 <node id="1" lat="31.2000" lon="121.6000"/>
 <node id="2" lat="31.2000" lon="121.6010"/>
 <node id="3" lat="31.2010" lon="121.6010"/>
 <node id="4" lat="31.2010" lon="121.6000"/>
 <node id="5" lat="31.1990" lon="121.6000"/>
 <node id="6" lat="31.1990" lon="121.6020"/>
 <node id="7" lat="31.2020" lon="121.6020"><tag k="railway" v="subway_entrance"/></node>
 <node id="8" lat="31.2025" lon="121.6025"><tag k="amenity" v="school"/><tag k="name" v="张江小学"/></node>
 <node id="9" lat="31.2030" lon="121.6030"><tag k="highway" v="crossing"/></node>
 <node id="11" lat="31.2040" lon="121.6040"/>
 <node id="12" lat="31.2040" lon="121.6045"/>
 <node id="13" lat="31.2045" lon="121.6045"/>
 <node id="14" lat="31.2045" lon="121.6040"/>
 <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="leisure" v="park"/><tag k="name" v="小公园"/></way>
 <way id="101"><nd ref="5"/><nd ref="1"/><nd ref="4"/><tag k="highway" v="footway"/></way>
 <way id="102"><nd ref="5"/><nd ref="6"/><tag k="highway" v="motorway"/></way>
 <way id="103"><nd ref="5"/><nd ref="6"/><tag k="highway" v="cycleway"/></way>
 <way id="104"><nd ref="6"/><nd ref="2"/><tag k="highway" v="service"/><tag k="access" v="private"/></way>
 <way id="105"><nd ref="6"/><nd ref="3"/><tag k="highway" v="path"/><tag k="access" v="private"/><tag k="foot" v="yes"/></way>
 <way id="106"><nd ref="6"/><nd ref="99"/><tag k="highway" v="footway"/></way>
 <way id="107"><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="11"/>
  <tag k="building" v="apartments"/><tag k="building:levels" v="18"/></way>
 <way id="108"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/><tag k="name" v="张江路"/></way>
 <way id="109"><nd ref="5"/><nd ref="1"/><nd ref="98"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="path"/></way>
</osm>
"""


@pytest.fixture
def tiny(tmp_path) -> Path:
    path = tmp_path / "tiny.osm"
    path.write_text(_XML, encoding="utf-8")
    return path


def test_tiny_extract_exact(tiny, tmp_path):
    ex = osm.load_osm(tiny, cache_dir=tmp_path / "c")
    assert sorted(ex.walk["osm_id"]) == [101, 105, 108, 109, 109]
    # a node missing from the file (clipped extract) cuts the way instead of a jump across it
    assert ex.walk.loc[ex.walk["osm_id"] == 109, "nodes"].tolist() == [[5, 1], [2, 3]]
    row = ex.walk.set_index("osm_id").loc[101]
    assert row["nodes"] == [5, 1, 4] and row["highway"] == "footway"
    assert list(shapely.get_coordinates(row["geometry"])[:, 0]) == [121.6, 121.6, 121.6]
    assert ex.walk.set_index("osm_id").loc[108, "name"] == "张江路"
    assert ex.green[["osm_id", "osm_type", "kind", "name"]].values.tolist() == [[100, "way", "park", "小公园"]]
    assert ex.green["area_m2"].item() == pytest.approx(95.3 * 111.3, rel=0.02)
    assert ex.buildings[["osm_id", "building", "levels", "residential"]].values.tolist() == [
        [107, "apartments", 18.0, True]]
    assert ex.metro[["osm_id", "kind"]].values.tolist() == [[7, "entrance"]]
    assert ex.facilities[["osm_id", "category", "name", "tag"]].values.tolist() == [
        [8, "education", "张江小学", "amenity=school"]]
    assert ex.residential_landuse.empty and list(ex.residential_landuse.columns) == [
        "osm_id", "name", "area_m2", "cut", "geometry"]
    # no header box: bounds come from the nodes (and are cached)
    assert osm.extract_bounds(tiny, cache_dir=tmp_path / "c") == pytest.approx(
        (121.6, 31.199, 121.6045, 31.2045))
    with pytest.raises(OSMError, match="不覆盖"):  # overlaps the bounds, but holds nothing
        osm.load_osm(tiny, (121.6041, 31.1991, 121.6043, 31.1993), cache_dir=tmp_path / "c")


def test_osm_file_without_usable_data(tmp_path):
    empty = tmp_path / "river.osm"
    empty.write_text('<osm version="0.6"><node id="1" lat="31.2" lon="121.6">'
                     '<tag k="natural" v="tree"/></node></osm>', encoding="utf-8")
    with pytest.raises(OSMError, match="不含覆盖分析所需的 OSM 数据"):
        osm.load_osm(empty, cache_dir=tmp_path)


# --- Tag rules -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tags, ok", [
    ({"highway": "footway"}, True),
    ({"highway": "primary"}, True),
    ({"highway": "trunk"}, True),
    ({"highway": "steps"}, True),
    ({"highway": "motorway"}, False),
    ({"highway": "motorway_link"}, False),
    ({"highway": "cycleway"}, False),
    ({"highway": "construction"}, False),
    ({"highway": "platform"}, False),
    ({"highway": "pedestrian", "area": "yes"}, False),
    ({"highway": "pedestrian"}, True),
    ({"highway": "residential", "foot": "no"}, False),
    ({"highway": "service", "service": "private"}, False),
    ({"highway": "service", "access": "private"}, False),
    ({"highway": "service", "access": "no"}, False),
    ({"highway": "service", "access": "private", "foot": "yes"}, True),
    ({"highway": "track", "access": "no", "foot": "designated"}, True),
    ({"highway": "primary", "motorroad": "yes"}, False),
    ({"building": "yes"}, False),
])
def test_is_walkable(tags, ok):
    assert osmtags.is_walkable(tags) is ok


@pytest.mark.parametrize("tags, kind", [
    ({"leisure": "park"}, "park"),
    ({"leisure": "garden"}, "garden"),
    ({"leisure": "garden", "garden:type": "residential"}, None),
    ({"leisure": "garden", "access": "private"}, None),
    ({"leisure": "park", "access": "no"}, None),
    ({"leisure": "common"}, "common"),
    ({"landuse": "recreation_ground"}, "recreation_ground"),
    ({"landuse": "village_green"}, "village_green"),
    ({"place": "square"}, "square"),
    ({"highway": "pedestrian", "area": "yes"}, "plaza"),
    ({"highway": "pedestrian"}, None),
    ({"leisure": "nature_reserve"}, None),
    ({"landuse": "grass"}, None),
])
def test_green_kind(tags, kind):
    assert osmtags.green_kind(tags) == kind


def test_residential_rules():
    for value in ("residential", "apartments", "house", "detached", "semidetached_house",
                  "terrace", "dormitory", "bungalow"):
        assert osmtags.is_residential_building({"building": value})
    for value in ("yes", "office", "hotel", "commercial"):
        assert not osmtags.is_residential_building({"building": value})
    assert osmtags.is_residential_landuse({"landuse": "residential"})
    assert not osmtags.is_residential_landuse({"landuse": "commercial"})


@pytest.mark.parametrize("tags, kind", [
    ({"railway": "subway_entrance"}, "entrance"),
    ({"railway": "station", "station": "subway"}, "station"),
    ({"railway": "halt", "subway": "yes"}, "station"),
    ({"public_transport": "station", "subway": "yes"}, "station"),
    ({"public_transport": "station", "station": "subway"}, "station"),
    ({"railway": "station"}, None),  # main-line railway station
    ({"railway": "station", "station": "light_rail"}, None),
    ({"railway": "tram_stop"}, None),
    ({"public_transport": "stop_position", "subway": "yes"}, None),
])
def test_metro_kind(tags, kind):
    assert osmtags.metro_kind(tags) == kind


@pytest.mark.parametrize("tags, category", [
    ({"amenity": "school"}, "education"),
    ({"amenity": "kindergarten"}, "education"),
    ({"amenity": "university"}, None),
    ({"amenity": "clinic"}, "health"),
    ({"amenity": "doctors"}, "health"),
    ({"amenity": "hospital"}, "health"),
    ({"healthcare": "centre"}, "health"),
    ({"healthcare": "pharmacy"}, None),
    ({"amenity": "marketplace"}, "market"),
    ({"shop": "supermarket"}, "market"),
    ({"shop": "convenience"}, "market"),
    ({"shop": "greengrocer"}, "market"),
    ({"shop": "clothes"}, None),
    ({"amenity": "nursing_home"}, "elderly"),
    ({"amenity": "social_facility", "social_facility": "nursing_home"}, "elderly"),
    ({"amenity": "social_facility", "social_facility": "day_care", "social_facility:for": "senior"}, "elderly"),
    ({"amenity": "social_facility", "social_facility": "outreach", "social_facility:for": "elderly"}, "elderly"),
    ({"amenity": "social_facility", "social_facility": "group_home", "social_facility:for": "disabled"}, None),
    ({"amenity": "social_facility", "social_facility": "shelter"}, None),
    ({"leisure": "sports_centre"}, "sports"),
    ({"leisure": "pitch"}, "sports"),
    ({"leisure": "swimming_pool", "access": "private"}, None),
    ({"leisure": "park"}, None),
])
def test_facility_category(tags, category):
    assert osmtags.facility_category(tags) == category


def test_facility_match_names_the_tag():
    assert osmtags.facility_match({"healthcare": "hospital"}) == ("health", "healthcare=hospital")
    assert osmtags.facility_match({"amenity": "social_facility", "social_facility:for": "senior"}) == (
        "elderly", "social_facility:for=senior")


def test_labels_and_rule_table():
    from geo.coverage import LIFE_CATEGORIES
    assert tuple(osmtags.CATEGORY_LABELS) == LIFE_CATEGORIES
    assert set(osmtags.GREEN_LABELS) == set(osmtags.GREEN_TAGS.values()) | {"plaza"}
    assert set(osmtags.METRO_LABELS) == {"entrance", "station"}
    assert osmtags.CATEGORY_LABELS["education"][0].startswith("教育")
    for lang in ("zh", "en"):
        rows = osmtags.describe_rules(lang)
        assert rows and all(set(r) == {"layer", "rule", "note"} for r in rows)
        rules = " ".join(r["rule"] for r in rows)
        for needle in ("leisure=park", "railway=subway_entrance", "landuse=residential",
                       "amenity=kindergarten|school", "place=square"):
            assert needle in rules
    assert osmtags.describe_rules("zh")[0]["layer"] == "步行路网"
    assert osmtags.describe_rules("en")[0]["layer"] == "walking network"
    assert isinstance(osmtags.RULES_VERSION, str) and osmtags.RULES_VERSION
