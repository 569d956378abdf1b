"""The optional OpenStreetMap tile basemap (online only; a print without it is complete)."""
from __future__ import annotations

import io
import math
import urllib.request
import warnings
from typing import Any

import numpy as np
from matplotlib.transforms import Affine2D
from pyproj import Transformer

from geo import settings
from geo.errors import BasemapWarning
from layers.printing.extent import Bounds
from layers.text import text

__all__ = ["draw_basemap", "draw_tiles", "fetch_tile"]


def _tile_xy(lon: float, lat: float, z: int) -> tuple[float, float]:
    n = 2 ** z
    lat_r = math.radians(lat)
    return (lon + 180.0) / 360.0 * n, (1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n


def fetch_tile(url: str, timeout: float) -> np.ndarray:
    """One tile image as an RGB array (identifying the application, as OSM's policy asks)."""
    import matplotlib.image as mpimg
    req = urllib.request.Request(url, headers={"User-Agent": settings.PRINT_TILE_USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        data = resp.read()
    img = mpimg.imread(io.BytesIO(data), format="png")
    if img.ndim == 2:
        img = np.dstack([img] * 3)
    return img[:, :, :3]


def draw_tiles(ax: Any, crs: str, extent: Bounds, timeout: float = settings.PRINT_TILE_TIMEOUT_S,
               url: str = settings.PRINT_TILE_URL) -> int:
    """Draw OpenStreetMap tiles under the map (needs the network); returns the zoom used.

    The tile mosaic (Web Mercator) is placed by the affine map of three of its corners
    into the print CRS: over a print's extent the two projections differ by far less
    than a tile pixel from an affine map.

    Raises
    ------
    OSError
        When a tile cannot be fetched (offline, timeout, HTTP error).
    """
    to_geo = Transformer.from_crs(crs, settings.WGS84, always_xy=True)
    x0, y0, x1, y1 = extent
    lons, lats = to_geo.transform([x0, x1, x0, x1], [y0, y0, y1, y1])
    for z in range(settings.PRINT_MAX_TILE_ZOOM, 0, -1):
        tx0, ty0 = _tile_xy(min(lons), max(lats), z)
        tx1, ty1 = _tile_xy(max(lons), min(lats), z)
        nx, ny = int(tx1) - int(tx0) + 1, int(ty1) - int(ty0) + 1
        if nx * ny <= settings.PRINT_MAX_TILES:
            break
    rows = []
    for ty in range(int(ty0), int(ty0) + ny):
        rows.append(np.hstack([fetch_tile(url.format(z=z, x=tx, y=ty), timeout)
                               for tx in range(int(tx0), int(tx0) + nx)]))
    mosaic = np.vstack(rows)
    h, w = mosaic.shape[:2]
    # corners of the mosaic (pixel → tile → lon/lat → print CRS)
    n = 2 ** z

    def lonlat(px: float, py: float) -> tuple[float, float]:
        tx, ty = int(tx0) + px * nx / w, int(ty0) + py * ny / h
        return tx / n * 360.0 - 180.0, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))

    to_map = Transformer.from_crs(settings.WGS84, crs, always_xy=True)
    src = np.array([[0, 0], [w, 0], [0, h]], dtype=float)
    dst = np.array([to_map.transform(*lonlat(px, py)) for px, py in src])
    a = np.linalg.solve(np.column_stack([src, np.ones(3)]), dst)  # 3×2: [x y 1] @ a = [X Y]
    matrix = np.array([[a[0, 0], a[1, 0], a[2, 0]], [a[0, 1], a[1, 1], a[2, 1]], [0, 0, 1]])
    ax.imshow(mosaic, extent=(0, w, h, 0), transform=Affine2D(matrix) + ax.transData, zorder=0.5,
              interpolation="bilinear", gid="basemap")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return z


def draw_basemap(ax: Any, crs: str, extent: Bounds, basemap: str | None, lang: str, notes: list[str]
                 ) -> str | None:
    """Draw the basemap asked for (``None``/``"none"``, or ``"osm"``); returns the one drawn.

    When the tiles cannot be fetched the map goes without them: a :class:`BasemapWarning`
    says so and a note is added to ``notes``.
    """
    if basemap in (None, "none"):
        return None
    try:
        draw_tiles(ax, crs, extent)
    except (OSError, ValueError) as exc:  # URLError and socket timeouts are OSErrors
        msg = text("print_basemap_failed").format(exc=exc)
        warnings.warn(BasemapWarning(msg.both(" / ")), stacklevel=3)
        notes.append(msg.get(lang))
        return None
    return "osm"
