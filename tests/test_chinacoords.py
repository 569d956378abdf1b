"""GCJ-02 / BD-09 conversions against published reference values."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from geo import chinacoords as cc
from geo.measure import geodesic_distance_m

# Official Shanghai Metro station list (shared/data/MANIFEST.md): 张江高科, Line 2.
ZJGK_WGS = (121.583364, 31.204043)
ZJGK_GCJ = (121.587571, 31.201832)


def test_wgs84_to_gcj02_matches_official_station_pair():
    lon, lat = cc.wgs84_to_gcj02(*ZJGK_WGS)
    assert geodesic_distance_m(lon, lat, *ZJGK_GCJ) < 0.5


def test_gcj02_to_wgs84_inverts_to_below_a_centimetre():
    lon, lat = cc.gcj02_to_wgs84(*ZJGK_GCJ)
    assert geodesic_distance_m(lon, lat, *ZJGK_WGS) < 0.5
    back = cc.wgs84_to_gcj02(lon, lat)
    assert geodesic_distance_m(*back, *ZJGK_GCJ) < 0.01


def test_offset_size_in_pudong_is_about_460_m():
    gcj = cc.wgs84_to_gcj02(*ZJGK_WGS)
    d = geodesic_distance_m(*ZJGK_WGS, *gcj)
    assert 400 < d < 520  # MANIFEST: ≈ 400 m E, 245 m S, ≈ 460 m total


def test_bd09_round_trip_and_known_offset():
    bd = cc.wgs84_to_bd09(*ZJGK_WGS)
    gcj = cc.wgs84_to_gcj02(*ZJGK_WGS)
    # BD-09 − GCJ-02 ≈ (+0.0065°, +0.006°) in Shanghai
    assert abs(bd[0] - gcj[0] - 0.0065) < 0.0008
    assert abs(bd[1] - gcj[1] - 0.006) < 0.0008
    assert geodesic_distance_m(*cc.bd09_to_wgs84(*bd), *ZJGK_WGS) < 0.05


def test_outside_china_is_identity():
    assert cc.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert cc.gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)


def test_vectorised_arrays():
    lon = np.array([121.5, 121.6, 121.7])
    lat = np.array([31.1, 31.2, 31.3])
    glon, glat = cc.wgs84_to_gcj02(lon, lat)
    assert glon.shape == (3,)
    wlon, wlat = cc.gcj02_to_wgs84(glon, glat)
    assert np.max(np.abs(wlon - lon)) < 1e-8 and np.max(np.abs(wlat - lat)) < 1e-8


def test_convert_geometry_and_frame_keep_storage_untouched():
    line = LineString([ZJGK_WGS, (121.5978, 31.20636)])
    shifted = cc.convert_geometry(line, "wgs84", "gcj02")
    assert geodesic_distance_m(*shifted.coords[0], *ZJGK_GCJ) < 0.5
    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(ZJGK_WGS)], crs="EPSG:4326")
    out = cc.convert_frame(gdf, "wgs84", "gcj02")
    assert gdf.geometry.iloc[0].x == ZJGK_WGS[0]  # input not modified
    assert geodesic_distance_m(out.geometry.iloc[0].x, out.geometry.iloc[0].y, *ZJGK_GCJ) < 0.5


def test_unknown_conversion_is_a_clear_error():
    from geo.errors import CRSError

    with pytest.raises(CRSError, match="unknown coordinate conversion"):
        cc.convert(121.5, 31.2, "wgs84", "mars")


def test_official_station_list_gcj_bd_wgs_agree(shared_data):
    """Every official station: our conversions reproduce the stored WGS84/GCJ-02/BD-09 triples."""
    st = gpd.read_file(shared_data / "unclear_license" / "shanghai_metro_stations_shmetro_wgs84.geojson")
    wlon, wlat = cc.gcj02_to_wgs84(st["gcj02_lng"].to_numpy(float), st["gcj02_lat"].to_numpy(float))
    err = [geodesic_distance_m(a, b, p.x, p.y) for a, b, p in zip(wlon, wlat, st.geometry)]
    assert len(err) > 500 and max(err) < 1.0
    blon, blat = cc.bd09_to_gcj02(st["bd09_lng"].to_numpy(float), st["bd09_lat"].to_numpy(float))
    err_bd = [geodesic_distance_m(a, b, c, d) for a, b, c, d in zip(blon, blat, st["gcj02_lng"], st["gcj02_lat"])]
    assert np.median(err_bd) < 5.0  # BD-09 coordinates in the list are rounded to ~1e-5°
