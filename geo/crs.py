"""Coordinate reference systems: recognising, choosing and converting.

Storage is WGS84 (EPSG:4326). CGCS2000 geographic (EPSG:4490) and projected
CGCS2000 (3-degree Gauss-Krüger) input is accepted and reprojected with pyproj.
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
from pyproj import CRS, Transformer

from geo import settings
from geo.errors import CRSError

__all__ = ["as_crs", "is_wgs84", "gk3_crs_for", "utm_crs_for", "to_wgs84", "local_tm_crs", "local_tm_crs_for",
           "project_xy"]


def as_crs(value) -> CRS:
    """Parse anything pyproj understands (``"EPSG:4490"``, 4490, WKT) into a CRS."""
    try:
        return CRS.from_user_input(value)
    except Exception as exc:  # pyproj raises CRSError of its own
        raise CRSError(f"not a coordinate reference system: {value!r} ({exc})",
                       f"无法识别的坐标系: {value!r}") from exc


def is_wgs84(crs) -> bool:
    """True if ``crs`` is WGS84 geographic (EPSG:4326)."""
    return crs is not None and as_crs(crs).equals(CRS.from_epsg(4326), ignore_axis_order=True)


def gk3_crs_for(lon: float) -> str:
    """CGCS2000 3-degree Gauss-Krüger CRS (no zone prefix) whose zone contains ``lon``.

    Shanghai straddles 121.5°E, the border between the CM 120°E (EPSG:4549) and
    CM 123°E (EPSG:4550) zones. Zones are 3° wide, centred on multiples of 3°.
    """
    cm = 3 * round(lon / 3.0)
    table = {120: settings.CGCS2000_GK3_CM120, 123: settings.CGCS2000_GK3_CM123}
    if cm in table:
        return table[cm]
    # 3-degree zones without prefix: EPSG:4534 (CM 75°E) … EPSG:4554 (CM 135°E)
    if 75 <= cm <= 135:
        return f"EPSG:{4534 + (cm - 75) // 3}"
    raise CRSError(f"longitude {lon} is outside China's Gauss-Krüger zones",
                   f"经度 {lon} 不在中国高斯-克吕格分带范围内")


def utm_crs_for(lon: float, lat: float) -> str:
    """WGS84 UTM zone CRS for a position (EPSG:326xx north, 327xx south)."""
    zone = int((lon + 180.0) // 6.0) + 1
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def to_wgs84(gdf: gpd.GeoDataFrame, assume: str | None = None) -> gpd.GeoDataFrame:
    """Reproject a GeoDataFrame to WGS84.

    Parameters
    ----------
    gdf : GeoDataFrame
        Input with a declared CRS.
    assume : str, optional
        CRS to assume when ``gdf`` declares none. Without it, a missing CRS is an error.

    Raises
    ------
    CRSError
        If no CRS is declared and none is assumed.
    """
    if gdf.crs is None:
        if assume is None:
            raise CRSError("the data declare no coordinate reference system",
                           "数据未声明坐标系")
        gdf = gdf.set_crs(as_crs(assume))
    if is_wgs84(gdf.crs):
        return gdf if gdf.crs.to_epsg() == 4326 else gdf.set_crs(settings.WGS84, allow_override=True)
    return gdf.to_crs(settings.WGS84)


def local_tm_crs(lon: float, lat: float) -> str:
    """Transverse Mercator on WGS84 centred on ``lon`` (scale 1), as a PROJ string.

    Used for network lengths and coverage areas of one analysis area: within 20 km
    of the central meridian the scale error is below 5e-6, so planar metres are
    metres on the ground to better than 1 cm per km.
    """
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise CRSError(f"not a WGS84 position: {lon}, {lat}", f"不是有效的WGS84坐标: {lon}, {lat}")
    return (f"+proj=tmerc +lat_0={lat:.6f} +lon_0={lon:.6f} +k=1 +x_0=0 +y_0=0 "
            "+ellps=WGS84 +units=m +no_defs")


def local_tm_crs_for(gdf: gpd.GeoDataFrame) -> str:
    """A local transverse Mercator CRS centred on the data."""
    wgs = gdf if gdf.crs is None or gdf.crs.is_geographic else gdf.to_crs(settings.WGS84)
    minx, miny, maxx, maxy = wgs.total_bounds
    return local_tm_crs((minx + maxx) / 2, (miny + maxy) / 2)


_TRANSFORMERS: dict[tuple[str, str], Transformer] = {}


def project_xy(xy: np.ndarray, src, dst) -> np.ndarray:
    """Transform an (n, 2) coordinate array between CRSs (always lon/lat order)."""
    key = (str(src), str(dst))
    tr = _TRANSFORMERS.get(key)
    if tr is None:
        tr = _TRANSFORMERS[key] = Transformer.from_crs(src, dst, always_xy=True)
    x, y = tr.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])
