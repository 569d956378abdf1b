"""Measurement and CRS handling, checked against independent figures."""
from __future__ import annotations

import geopandas as gpd
import pytest
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, box

from geo import crs, measure
from geo.errors import CRSError


def test_geodesic_area_of_a_one_degree_cell_matches_closed_form():
    # Area of a lat band × 1° of lon on the WGS84 ellipsoid, from pyproj's own polygon area
    lons, lats = [121, 122, 122, 121], [31, 31, 32, 32]
    expected, _ = Geod(ellps="WGS84").polygon_area_perimeter(lons, lats)
    assert measure.geodesic_area_m2(box(121, 31, 122, 32)) == pytest.approx(abs(expected), rel=1e-9)
    # sanity: about 111.2 km × 95.2 km
    assert 10_500e6 < abs(expected) < 10_700e6


def test_geodesic_and_equal_area_agree_on_a_city_sized_polygon():
    gdf = gpd.GeoDataFrame(geometry=[box(121.55, 31.05, 121.70, 31.25)], crs="EPSG:4326")
    g = measure.areas_km2(gdf, "geodesic")[0]
    e = measure.areas_km2(gdf, "equal_area")[0]
    assert g == pytest.approx(e, rel=2e-4)


def test_area_is_the_same_from_a_projected_crs():
    gdf = gpd.GeoDataFrame(geometry=[box(121.55, 31.05, 121.70, 31.25)], crs="EPSG:4326")
    in_gk = gdf.to_crs("EPSG:4550")
    assert measure.areas_km2(in_gk)[0] == pytest.approx(measure.areas_km2(gdf)[0], rel=1e-9)


def test_length_of_one_degree_of_latitude():
    line = LineString([(121.6, 31.0), (121.6, 32.0)])
    assert measure.geodesic_length_m(line) == pytest.approx(110_883, rel=2e-4)


def test_points_and_lines_have_no_area():
    assert measure.geodesic_area_m2(Point(121.6, 31.2)) == 0.0
    assert measure.geodesic_area_m2(LineString([(121.6, 31.2), (121.7, 31.2)])) == 0.0


@pytest.mark.parametrize("lon,expected", [(121.6, "EPSG:4550"), (121.3, "EPSG:4549"), (117.0, "EPSG:4548")])
def test_gauss_kruger_zone_choice(lon, expected):
    assert crs.gk3_crs_for(lon) == expected


def test_utm_zone_choice():
    assert crs.utm_crs_for(121.6, 31.2) == "EPSG:32651"


def test_cgcs2000_geographic_and_projected_input_reach_wgs84():
    zjgk = (121.583364, 31.204043)
    for code in ("EPSG:4490", "EPSG:4550", "EPSG:4549", "EPSG:32651"):
        x, y = Transformer.from_crs("EPSG:4326", code, always_xy=True).transform(*zjgk)
        gdf = gpd.GeoDataFrame(geometry=[Point(x, y)], crs=code)
        back = crs.to_wgs84(gdf).geometry.iloc[0]
        assert measure.geodesic_distance_m(back.x, back.y, *zjgk) < 0.01, code


def test_missing_crs_is_an_error_unless_assumed():
    gdf = gpd.GeoDataFrame(geometry=[Point(121.6, 31.2)])
    with pytest.raises(CRSError, match="declare no coordinate reference system"):
        crs.to_wgs84(gdf)
    assert crs.to_wgs84(gdf, assume="EPSG:4490").crs.to_epsg() == 4326


def test_unparseable_crs_is_a_clear_error():
    with pytest.raises(CRSError, match="not a coordinate reference system"):
        crs.as_crs("EPSG:999999")
