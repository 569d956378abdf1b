"""The generated city (tests/city_synth.py) at a small size, and the OSM cache's content key."""
from __future__ import annotations

import shutil

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import osm, osmcache
from tests.city_synth import CRS, write_city


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    pbf, zones = folder / "city.osm.pbf", folder / "towns.gpkg"
    counts = write_city(pbf, n_side=60, towns=9, districts=3, zones_path=zones)
    return pbf, zones, counts


def test_small_city_is_deterministic(city, tmp_path):
    pbf, _, counts = city
    again = write_city(tmp_path / "again.osm.pbf", n_side=60, towns=9, districts=3)
    assert again["nodes"] == counts["nodes"] and again["ways"] == counts["ways"]
    assert (tmp_path / "again.osm.pbf").read_bytes() == pbf.read_bytes()


def test_small_city_parses_with_load_osm(city, tmp_path):
    pbf, _, counts = city
    ex = osm.load_osm(pbf, cache_dir=tmp_path)
    assert counts["walk_nodes"] == 60 * 60  # every junction is on a street here
    walk_nodes = np.unique(np.concatenate([np.asarray(n) for n in ex.walk["nodes"]]))
    assert len(walk_nodes) == counts["walk_nodes"]
    assert len(ex.walk) == counts["street_ways"] and not ex.walk["cut"].any()
    # junctions are shared by the row way and the column way
    b = ex.walk.geometry.bounds
    east_west = (b["maxx"] - b["minx"]) > (b["maxy"] - b["miny"])
    along_rows = {i for n in ex.walk.loc[east_west, "nodes"] for i in n}
    along_columns = {i for n in ex.walk.loc[~east_west, "nodes"] for i in n}
    assert len(along_rows & along_columns) > 0.9 * counts["walk_nodes"]
    assert set(ex.walk["highway"]) == {"residential", "primary", "footway"}
    assert ex.walk.loc[ex.walk["highway"] == "primary", "name"].str.match(r"^(路|街)\d+$").all()
    kinds = ex.green["kind"].value_counts()
    assert kinds["park"] == counts["parks"] and kinds.get("plaza", 0) + kinds.get("square", 0) == counts["plazas"]
    assert (ex.green["area_m2"] < 400).any() and (ex.green["area_m2"] >= 400).any()
    assert len(ex.residential_landuse) == counts["residential"]
    share = ex.residential_landuse["area_m2"].sum() / 1e6 / counts["extent_km2"]
    assert 0.08 < share < 0.16
    assert set(ex.facilities["category"]) == {"education", "health", "market", "elderly", "sports"}
    assert (ex.metro["kind"] == "station").sum() == counts["stations"]
    assert (ex.metro["kind"] == "entrance").sum() == counts["entrances"]
    gates = ex.entrances[ex.entrances["kind"] == "entrance"]
    assert len(gates) == 2 * counts["gated_parks"]
    parks = ex.green[ex.green["kind"] == "park"].geometry.boundary.to_numpy()
    on_outline = shapely.STRtree(parks).query(gates.geometry.to_numpy(), predicate="dwithin",
                                              distance=1e-7)
    assert set(on_outline[0]) == set(range(len(gates)))


def test_towns_partition_the_square_and_have_names_and_districts(city):
    _, zones, counts = city
    towns = gpd.read_file(zones, layer="towns").to_crs(CRS)
    districts = gpd.read_file(zones, layer="districts").to_crs(CRS)
    assert len(towns) == counts["towns"] == 9 and towns["name"].is_unique
    assert towns["name"].str.match(r"^镇\d{3}$").all()
    assert sorted(towns["district"].unique()) == ["区01", "区02", "区03"]
    side = counts["side_m"]
    square = shapely.box(-side / 2, -side / 2, side / 2, side / 2)
    union = shapely.union_all(towns.geometry.to_numpy())
    assert towns.area.sum() == pytest.approx(square.area, rel=1e-6)  # no overlaps …
    assert union.symmetric_difference(square).area < 1e-6 * square.area  # … and no gaps
    assert len(districts) == 3 and sorted(districts["name"]) == ["区01", "区02", "区03"]
    for name, group in towns.groupby("district"):
        d = districts.loc[districts["name"] == name].geometry.iloc[0]
        assert d.area == pytest.approx(group.area.sum(), rel=1e-6)


def test_cache_is_keyed_by_content_not_path(city, tmp_path):
    pbf = city[0]
    cache = tmp_path / "cache"
    first = osm.load_osm(pbf, cache_dir=cache)
    entries = sorted(cache.glob("osm-full-*.osm.zip"))
    assert len(entries) == 1
    copy = tmp_path / "elsewhere" / "copy.osm.pbf"
    copy.parent.mkdir()
    shutil.copyfile(pbf, copy)
    assert osmcache.file_key(copy, None) == osmcache.file_key(pbf, None)
    hit = osm.load_osm(copy, cache_dir=cache)  # the same entry: nothing new written
    assert sorted(cache.glob("osm-full-*.osm.zip")) == entries
    assert hit.counts() == first.counts() and hit.source == str(copy.resolve())
    changed = tmp_path / "changed.osm.pbf"
    data = bytearray(pbf.read_bytes())
    data[-1] ^= 0xFF  # one byte differs
    changed.write_bytes(bytes(data))
    assert osmcache.file_key(changed, None) != osmcache.file_key(pbf, None)
    assert osmcache.file_key(pbf, (121.4, 31.2, 121.5, 31.3)) != osmcache.file_key(pbf, None)
