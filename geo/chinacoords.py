"""Chinese coordinate offsets: GCJ-02 (Amap/Gaode, Tencent) and BD-09 (Baidu).

Stored and exchanged data are WGS84. These functions shift data *for display* on
GCJ-02 or BD-09 tiles, and bring GCJ-02 / BD-09 input back to WGS84 on import.
The formulas are the public reverse-engineered ones (Krasovsky ellipsoid); outside
China they are the identity, as the services themselves are.

All functions are vectorised: scalars, lists and numpy arrays are accepted.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings

__all__ = ["wgs84_to_gcj02", "gcj02_to_wgs84", "gcj02_to_bd09", "bd09_to_gcj02", "wgs84_to_bd09",
           "bd09_to_wgs84", "CONVERTERS", "convert", "convert_geometry", "convert_frame"]

_PI = np.pi


def _in_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Rough China mask used by the public GCJ-02 formula (outside: no offset)."""
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offset (dlon, dlat) in degrees that GCJ-02 adds to a WGS84 position."""
    x = lon - 105.0
    y = lat - 35.0
    sq = np.sqrt(np.abs(x))
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq
    common = (20.0 * np.sin(6.0 * x * _PI) + 20.0 * np.sin(2.0 * x * _PI)) * 2.0 / 3.0
    dlat += common
    dlon += common
    dlat += (20.0 * np.sin(y * _PI) + 40.0 * np.sin(y / 3.0 * _PI)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * _PI) + 40.0 * np.sin(x / 3.0 * _PI)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * _PI) + 320.0 * np.sin(y * _PI / 30.0)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * _PI) + 300.0 * np.sin(x / 30.0 * _PI)) * 2.0 / 3.0
    a, ee = settings.GCJ_A, settings.GCJ_EE
    radlat = lat / 180.0 * _PI
    magic = 1.0 - ee * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1.0 - ee)) / (magic * sqrtmagic) * _PI)
    dlon = (dlon * 180.0) / (a / sqrtmagic * np.cos(radlat) * _PI)
    inside = _in_china(lon, lat)
    return np.where(inside, dlon, 0.0), np.where(inside, dlat, 0.0)


def _arrays(lon, lat) -> tuple[np.ndarray, np.ndarray, bool]:
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    return lon_a, lat_a, lon_a.ndim == 0


def _out(lon: np.ndarray, lat: np.ndarray, scalar: bool):
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon, lat):
    """WGS84 → GCJ-02 (what Amap/Gaode and Tencent tiles are drawn in).

    Parameters
    ----------
    lon, lat : float or array-like
        WGS84 longitude and latitude in degrees.

    Returns
    -------
    tuple
        (lon, lat) in GCJ-02, scalars for scalar input.
    """
    lon_a, lat_a, scalar = _arrays(lon, lat)
    dlon, dlat = _gcj_delta(lon_a, lat_a)
    return _out(lon_a + dlon, lat_a + dlat, scalar)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 → WGS84 by fixed-point iteration of the forward transform.

    The residual after ``settings.GCJ_INVERSE_ITERATIONS`` steps is below 1e-8°.
    """
    glon, glat, scalar = _arrays(lon, lat)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(settings.GCJ_INVERSE_ITERATIONS):
        flon, flat = wgs84_to_gcj02(wlon, wlat)
        wlon = wlon - (np.asarray(flon) - glon)
        wlat = wlat - (np.asarray(flat) - glat)
    return _out(wlon, wlat, scalar)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 → Baidu BD-09."""
    x, y, scalar = _arrays(lon, lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * settings.BD_X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * settings.BD_X_PI)
    return _out(z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006, scalar)


def bd09_to_gcj02(lon, lat):
    """Baidu BD-09 → GCJ-02."""
    bx, by, scalar = _arrays(lon, lat)
    x = bx - 0.0065
    y = by - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * settings.BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * settings.BD_X_PI)
    return _out(z * np.cos(theta), z * np.sin(theta), scalar)


def wgs84_to_bd09(lon, lat):
    """WGS84 → Baidu BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat):
    """Baidu BD-09 → WGS84 (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


#: Conversions by (from, to) name, for code that picks one at run time.
CONVERTERS: dict[tuple[str, str], Callable] = {
    ("wgs84", "gcj02"): wgs84_to_gcj02,
    ("gcj02", "wgs84"): gcj02_to_wgs84,
    ("wgs84", "bd09"): wgs84_to_bd09,
    ("bd09", "wgs84"): bd09_to_wgs84,
    ("gcj02", "bd09"): gcj02_to_bd09,
    ("bd09", "gcj02"): bd09_to_gcj02,
}


def convert(lon, lat, src: str, dst: str):
    """Convert between ``wgs84``, ``gcj02`` and ``bd09`` by name."""
    if src == dst:
        return lon, lat
    try:
        fn = CONVERTERS[(src.lower(), dst.lower())]
    except KeyError:
        from geo.errors import CRSError

        raise CRSError(f"unknown coordinate conversion {src} → {dst}",
                       f"不支持的坐标转换 {src} → {dst}") from None
    return fn(lon, lat)


def convert_geometry(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    """Apply :func:`convert` to every vertex of a shapely geometry (or array of them)."""

    def _fn(coords: np.ndarray) -> np.ndarray:
        lon, lat = convert(coords[:, 0], coords[:, 1], src, dst)
        return np.column_stack([lon, lat])

    return shapely.transform(geom, _fn)


def convert_frame(gdf, src: str, dst: str):
    """Return a copy of a WGS84-like GeoDataFrame with every vertex converted.

    The CRS label stays EPSG:4326: GCJ-02 and BD-09 have no EPSG code. Use the result
    for display only and never store it.
    """
    import geopandas as gpd

    shifted = convert_geometry(gdf.geometry.to_numpy(), src, dst)
    geoms = gpd.GeoSeries(shifted, index=gdf.index, crs=gdf.crs)
    return gdf.set_geometry(geoms.rename(gdf.geometry.name))
