"""Lengths and areas measured on the ellipsoid.

Geodesic measurement (pyproj.Geod on WGS84) is exact for any extent, so it is the
default. ``equal_area`` projects to a Lambert azimuthal equal-area CRS centred on
the data, an independent check used by the tests.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.crs import to_wgs84

__all__ = ["geodesic_area_m2", "geodesic_length_m", "geodesic_distance_m", "areas_km2", "total_area_km2"]

_GEOD = Geod(ellps=settings.GEOD_ELLPS)


def geodesic_area_m2(geom: BaseGeometry) -> float:
    """Area of a WGS84 (lon/lat) polygon geometry in m², on the ellipsoid.

    Non-areal geometries measure 0. Orientation does not matter.
    """
    if geom is None or geom.is_empty or geom.geom_type not in (
        "Polygon", "MultiPolygon", "GeometryCollection"
    ):
        return 0.0
    area, _ = _GEOD.geometry_area_perimeter(geom)
    return abs(float(area))


def geodesic_length_m(geom: BaseGeometry) -> float:
    """Length of a WGS84 line (or perimeter of a polygon) in metres, on the ellipsoid."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(_GEOD.geometry_length(geom))


def geodesic_distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two WGS84 points in metres."""
    _, _, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist)


def areas_km2(gdf: gpd.GeoDataFrame, method: str = "geodesic") -> np.ndarray:
    """Area of each feature in km².

    Parameters
    ----------
    gdf : GeoDataFrame
        Any CRS; it is brought to WGS84 first.
    method : {"geodesic", "equal_area"}
        Ellipsoidal geodesic area, or planar area in a Lambert azimuthal equal-area
        projection centred on the data.
    """
    wgs = to_wgs84(gdf)
    if method == "geodesic":
        return np.array([geodesic_area_m2(g) for g in wgs.geometry]) / 1e6
    if method == "equal_area":
        if wgs.empty:
            return np.array([])
        c = wgs.geometry.union_all().centroid
        laea = f"+proj=laea +lat_0={c.y} +lon_0={c.x} +ellps=WGS84 +units=m +no_defs"
        proj = wgs.to_crs(laea)
        areal = proj.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
        return np.where(areal, proj.geometry.area, 0.0) / 1e6
    raise ValueError(f"unknown area method {method!r}")


def total_area_km2(gdf: gpd.GeoDataFrame, method: str = "geodesic") -> float:
    """Area of the union of all polygon features, in km² (overlaps counted once)."""
    wgs = to_wgs84(gdf)
    polys = wgs[wgs.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polys.empty:
        return 0.0
    union = gpd.GeoDataFrame(geometry=[polys.geometry.union_all()], crs=wgs.crs)
    return float(areas_km2(union, method)[0])
