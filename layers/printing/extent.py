"""The map's extent in the print CRS, and how far grid north strays from true north in it.

Geometry is drawn in a transverse Mercator projection centred on the map
(:func:`geo.crs.local_tm_crs`, WGS84 ellipsoid, scale 1 on the central meridian). Over
Shanghai (±0.7° of longitude) the scale error stays below 6e-5, so the scale bar and the
1:N scale are true on the ground; at the central meridian grid north *is* true north, and
the largest difference at the map's edges (the meridian convergence) is printed beside the
arrow. CGCS2000 Gauss-Krüger (EPSG:4550, CM 123°E) would put the Science City 1.3–1.5° and
western Shanghai 2.2° off its central meridian (convergence up to 1.1°, scale error up to 5e-4).
"""
from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
from pyproj import Proj, Transformer

from geo import settings
from geo.errors import GeometryError

__all__ = ["Bounds", "center", "fit_bounds", "fit_extent", "max_convergence_deg"]

#: (xmin, ymin, xmax, ymax)
Bounds = tuple[float, float, float, float]


def fit_bounds(frames: Iterable[gpd.GeoDataFrame]) -> Bounds:
    """The bounds of all ``frames`` together (in their common CRS).

    Raises
    ------
    GeometryError
        If no frame has geometry.
    """
    boxes = [f.total_bounds for f in frames if f is not None and len(f)]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        raise GeometryError("nothing to fit the map to: the layers have no geometry",
                            "图层没有几何, 无法确定地图范围")
    b = np.array(boxes)
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def center(bounds: Bounds) -> tuple[float, float]:
    """The centre of ``bounds``."""
    return (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2


def fit_extent(bounds: Bounds, margin: float, aspect: float) -> Bounds:
    """``bounds`` grown by ``margin`` (share of the larger side) and widened or heightened
    to the map frame's ``aspect`` (width / height), about the same centre."""
    x0, y0, x1, y1 = bounds
    w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    pad = margin * max(w, h)
    w, h = w + 2 * pad, h + 2 * pad
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def max_convergence_deg(crs: str, extent: Bounds) -> float:
    """Largest |meridian convergence| (grid north vs true north) at the extent's corners and edges."""
    to_geo = Transformer.from_crs(crs, settings.WGS84, always_xy=True)
    x0, y0, x1, y1 = extent
    xs = np.array([x0, x1, x0, x1, x0, x1])
    ys = np.array([y0, y0, y1, y1, (y0 + y1) / 2, (y0 + y1) / 2])
    lon, lat = to_geo.transform(xs, ys)
    factors = Proj(crs).get_factors(lon, lat)
    return float(np.max(np.abs(factors.meridian_convergence)))
