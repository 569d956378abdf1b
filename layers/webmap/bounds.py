"""Extents the map opens on: the Science City, a layer ("zoom to layer"), a set of frames."""
from __future__ import annotations

import math
from typing import Callable, Iterable

import geopandas as gpd
import numpy as np

from geo import settings
from geo.errors import CoordinateError, ZJError
from layers.catalogue.loading import get_spec, load

__all__ = ["EXTENT_LAYERS", "bounds_of", "finite_bounds", "layer_bounds", "science_city_bounds"]

#: Layers whose extent the map opens on, first that loads wins.
EXTENT_LAYERS = ("science_city_2021", "science_city_2017")

Box = tuple[float, float, float, float]


def finite_bounds(gdf: gpd.GeoDataFrame) -> Box | None:
    """(lon_min, lat_min, lon_max, lat_max) of ``gdf``, or None when it has no geometry."""
    x0, y0, x1, y1 = (float(v) for v in gdf.total_bounds)
    return (x0, y0, x1, y1) if all(math.isfinite(v) for v in (x0, y0, x1, y1)) else None


def bounds_of(frames: Iterable[gpd.GeoDataFrame | None]) -> Box | None:
    """WGS84 (west, south, east, north) around every feature of ``frames``; None if empty."""
    boxes = [b for b in (finite_bounds(f) for f in frames if f is not None and len(f)) if b is not None]
    if not boxes:
        return None
    b = np.array(boxes)
    return (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


def science_city_bounds(loader: Callable[[str], gpd.GeoDataFrame] = load) -> Box:
    """(lon_min, lat_min, lon_max, lat_max) of the Science City, or
    ``settings.SCIENCE_CITY_FALLBACK_BOUNDS``."""
    for layer_id in EXTENT_LAYERS:
        try:
            box = finite_bounds(loader(layer_id))
        except ZJError:
            continue
        if box is not None:
            return box
    return settings.SCIENCE_CITY_FALLBACK_BOUNDS


def layer_bounds(layer_id: str, loader: Callable[[str], gpd.GeoDataFrame] = load) -> Box:
    """(lon_min, lat_min, lon_max, lat_max) of a layer in WGS84, e.g. for "zoom to layer".

    Raises
    ------
    LayerNotFoundError, LayerFileError, LayerValidationError
        As :func:`layers.load` does.
    CoordinateError
        If the layer has no geometry.
    """
    get_spec(layer_id)
    box = finite_bounds(loader(layer_id))
    if box is None:
        raise CoordinateError(f"layer '{layer_id}' has no geometry to zoom to",
                              f"图层 '{layer_id}' 没有可缩放到的几何")
    return box
