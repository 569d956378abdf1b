"""The frames an OSM extract becomes: walkable ways, areas and points as typed GeoDataFrames.

:mod:`geo.osmparse` reads the file into rows; this module turns them into frames with the
columns of :data:`FRAME_COLUMNS` (empty frames keep the columns and dtypes).
"""
from __future__ import annotations

from collections import Counter

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo import settings
from geo.measure import geodesic_area_m2
from geo.osmareas import polygonal

__all__ = ["AREA_COLUMNS", "FRAME_COLUMNS", "area_frames", "area_geometries", "empty_frame", "equal_area_m2",
           "point_frame", "typed_frame", "walk_frame"]

#: Frames of an extract and their columns (besides ``geometry``). ``cut`` is True for a
#: way with nodes beyond the extract's edge (walk: kept as its located pieces; areas:
#: rebuilt inside the edge by :mod:`geo.osmareas`).
FRAME_COLUMNS: dict[str, dict[str, str]] = {
    "walk": {"osm_id": "int64", "highway": "object", "name": "object", "nodes": "object",
             "cut": "bool"},
    "green": {"osm_id": "int64", "osm_type": "object", "kind": "object", "name": "object",
              "area_m2": "float64", "cut": "bool"},
    "buildings": {"osm_id": "int64", "building": "object", "levels": "float64",
                  "residential": "bool", "area_m2": "float64", "cut": "bool"},
    "residential_landuse": {"osm_id": "int64", "name": "object", "area_m2": "float64",
                            "cut": "bool"},
    "metro": {"osm_id": "int64", "kind": "object", "name": "object", "cut": "bool"},
    "facilities": {"osm_id": "int64", "category": "object", "name": "object", "tag": "object",
                   "cut": "bool"},
    "entrances": {"osm_id": "int64", "kind": "object", "tag": "object", "on_building": "bool"},
}
#: Columns of each area frame, in the order the parser's rows hold them.
AREA_COLUMNS = {
    "green": ("osm_id", "osm_type", "kind", "name", "cut"),
    "buildings": ("osm_id", "building", "levels", "residential", "cut"),
    "residential_landuse": ("osm_id", "name", "cut"),
    "metro": ("osm_id", "kind", "name", "cut"),
    "facilities": ("osm_id", "category", "name", "tag", "cut"),
}


def walk_frame(walk: dict) -> gpd.GeoDataFrame:
    """The walk frame from the parser's ``rows`` (osm_id, highway, name, cut), ``nodes``
    (a list of node ids per row) and ``wkb`` (the row's linestring, WKB or hex WKB)."""
    if not walk["rows"]:
        return empty_frame("walk")
    geoms = shapely.from_wkb(_binary(walk["wkb"]))
    walk["wkb"] = []  # the WKB is no longer needed: free it before building the frame
    osm_id, highway, name, cut = zip(*walk["rows"])
    nodes = pd.Series(walk["nodes"], dtype=object)  # one list of node ids per row
    data = {"osm_id": np.asarray(osm_id, dtype=np.int64),
            "highway": np.asarray(highway, dtype=object), "name": np.asarray(name, dtype=object),
            "nodes": nodes, "cut": np.asarray(cut, dtype=bool)}
    return typed_frame(gpd.GeoDataFrame(data, geometry=geoms, crs=settings.WGS84), "walk")


def area_geometries(wkbs: list, dropped: Counter) -> np.ndarray:
    """Polygons from WKB, made valid where needed (polygonal parts only)."""
    if not wkbs:
        return np.array([], dtype=object)
    geoms = shapely.from_wkb(_binary(wkbs))
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = [polygonal(g) for g in shapely.make_valid(geoms[bad])]
    single = (shapely.get_type_id(geoms) == 6) & (shapely.get_num_geometries(geoms) == 1)
    geoms[single] = shapely.get_geometry(geoms[single], 0)  # one-part multipolygon → Polygon
    return geoms


def _binary(wkbs: list) -> list[bytes]:
    """WKB as bytes: GEOS reads hex WKB (osmium's) several times slower than binary."""
    return [bytes.fromhex(w) if isinstance(w, str) else w for w in wkbs]


def area_frames(rows: dict, polys: np.ndarray, dropped: Counter) -> dict[str, gpd.GeoDataFrame]:
    out = {}
    for name, columns in AREA_COLUMNS.items():
        if not rows[name]:
            out[name] = empty_frame(name)
            continue
        index, *values = zip(*rows[name])
        geoms = polys[np.asarray(index)]
        ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        dropped["area_no_polygon"] += int((~ok).sum())
        data = {c: np.asarray(v, dtype=object)[ok] for c, v in zip(columns, values)}
        geoms = geoms[ok]
        if name == "metro":  # station areas become their representative point
            geoms = shapely.point_on_surface(geoms)
        elif name == "buildings":  # many: vectorised equal-area (see equal_area_m2)
            data["area_m2"] = equal_area_m2(geoms)
        elif "area_m2" in FRAME_COLUMNS[name]:
            data["area_m2"] = np.array([geodesic_area_m2(g) for g in geoms], dtype=float)
        out[name] = typed_frame(gpd.GeoDataFrame(data, geometry=geoms, crs=settings.WGS84), name)
    return out


def equal_area_m2(geoms: np.ndarray) -> np.ndarray:
    """Areas in m² in a Lambert azimuthal equal-area projection centred on ``geoms``.

    LAEA on the WGS84 ellipsoid is equal-area everywhere; it differs from the geodesic
    area only by straight versus geodesic edges, far below 0.01 % for buildings. One
    vectorised transform instead of a geodesic call per polygon (≈0.1 ms each): the
    Shanghai extract has hundreds of thousands of buildings.
    """
    if len(geoms) == 0:
        return np.zeros(0)
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    laea = (f"+proj=laea +lat_0={(y0 + y1) / 2} +lon_0={(x0 + x1) / 2} +ellps=WGS84 "
            "+units=m +no_defs")
    to_laea = Transformer.from_crs(settings.WGS84, laea, always_xy=True)
    projected = shapely.transform(geoms, lambda xy: np.column_stack(to_laea.transform(xy[:, 0], xy[:, 1])))
    return shapely.area(projected)


def point_frame(name: str, rows: list) -> gpd.GeoDataFrame:
    columns = list(FRAME_COLUMNS[name])
    *values, lon, lat = zip(*rows)
    data = dict(zip(columns, values))
    return gpd.GeoDataFrame(data, geometry=shapely.points(lon, lat), crs=settings.WGS84)


def empty_frame(name: str) -> gpd.GeoDataFrame:
    data = {c: pd.Series([], dtype=t) for c, t in FRAME_COLUMNS[name].items()}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=settings.WGS84),
                            crs=settings.WGS84)


def typed_frame(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    columns = FRAME_COLUMNS[name]
    gdf = gdf[[*columns, "geometry"]].astype(columns)
    return gdf.reset_index(drop=True)
