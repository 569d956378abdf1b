"""Reading an OpenStreetMap file into the coverage checks' frames (pyosmium, C++ filters).

:func:`parse` reads every layer of a file: walkable ways with their node ids, public
green spaces and plazas, buildings, residential land, metro entrances and stations,
life-circle facilities and entrances (gates), all WGS84. What counts as each is
decided by :mod:`geo.osmtags`.

Nothing is dropped without a count. Ways with nodes beyond the extract's edge are
kept: walkable ones as their located pieces, areas rebuilt inside the edge
(:mod:`geo.osmareas`); both are flagged ``cut``. What cannot be built at all is
counted in ``dropped`` by reason (:data:`DROP_REASONS`).
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any

import geopandas as gpd
import numpy as np
import osmium
import pandas as pd
import shapely
from pyproj import Transformer

from geo import osmtags, settings
from geo.measure import geodesic_area_m2
from geo.osmareas import polygonal, rebuild_area

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
#: An entrance node this close to a building's outline, degrees (≈ 0.2 m), is the
#: building's door (it is a node of the outline in OSM): not a gate of a park or plaza
#: whose outline runs along the facade.
_ON_BUILDING_DEG = 2e-6
#: Why an OSM object the checks would use gave no feature (keys of ``dropped``).
DROP_REASONS = {
    "area_not_built": ("面状要素无法组装 (边界不闭合或已损坏)",
                       "areas whose outline could not be assembled (not closed or broken)"),
    "area_outside_extract": ("多边形关系的成员全部在数据范围外",
                             "multipolygon relations with no member inside the extract"),
    "area_not_closed": ("带面状标签但不闭合的路 (OSM 中不是面)",
                        "ways with area tags that are not closed (not areas in OSM)"),
    "area_no_polygon": ("修复后没有面积的面状要素", "areas with no area left after repair"),
}
#: Keys an object needs one of to be read at all (pyosmium KeyFilter, in C++).
_WAY_KEYS = ("highway", "leisure", "landuse", "place", "building", "railway",
             "public_transport", "amenity", "shop", "healthcare")
_NODE_KEYS = ("railway", "public_transport", "amenity", "shop", "healthcare", "leisure",
              "entrance", "barrier")
_AREA_COLUMNS = {
    "green": ("osm_id", "osm_type", "kind", "name", "cut"),
    "buildings": ("osm_id", "building", "levels", "residential", "cut"),
    "residential_landuse": ("osm_id", "name", "cut"),
    "metro": ("osm_id", "kind", "name", "cut"),
    "facilities": ("osm_id", "category", "name", "tag", "cut"),
}


def parse(path: str, header_bounds: tuple | None) -> tuple[dict[str, gpd.GeoDataFrame], dict, tuple]:
    """Every frame of the file, the drop counts, and the extract's box.

    Two passes: relations (the multipolygons the checks use and their member ways),
    then everything, with node locations and osmium's areas.
    """
    relations = _area_relations(path)
    members = {ref for _, refs in relations.values() for ref, _ in refs}
    node_filter = osmium.filter.KeyFilter(*_NODE_KEYS)
    node_filter.enable_for(osmium.osm.NODE)
    way_filter = osmium.filter.KeyFilter(*_WAY_KEYS)
    way_filter.enable_for(osmium.osm.WAY | osmium.osm.AREA)
    relation_filter = osmium.filter.KeyFilter(*_WAY_KEYS)
    relation_filter.enable_for(osmium.osm.RELATION)
    member_runs: dict[int, list] = {}

    class _Members:  # member ways without a wanted key (most are untagged) pass here
        def way(self, w):
            if w.id in members:
                member_runs[w.id] = _run_arrays(_located_runs(w.nodes))

    processor = (osmium.FileProcessor(path)
                 .with_locations()
                 .with_areas(relation_filter)
                 .with_filter(osmium.filter.EntityFilter(
                     osmium.osm.NODE | osmium.osm.WAY | osmium.osm.AREA))
                 .with_filter(node_filter)
                 .with_filter(way_filter))
    if members:
        processor = processor.handler_for_filtered(_Members())
    wkb = osmium.geom.WKBFactory()
    walk: dict[str, list] = {"rows": [], "ids": [], "x": [], "y": [], "sizes": []}
    points: dict[str, list] = {"metro": [], "facilities": [], "entrances": []}
    areas: list = []
    rows: dict[str, list] = {name: [] for name in _AREA_COLUMNS}
    dropped: Counter = Counter()
    cut_ways: dict[int, tuple] = {}
    built: set[tuple[str, int]] = set()
    obj: Any
    for obj in processor:
        tags = obj.tags
        if obj.is_node():
            _node(obj, tags, points)
        elif obj.is_way():
            _way(obj, tags, walk, members, member_runs, cut_ways, dropped)
        elif obj.is_area():
            kind = "way" if obj.from_way() else "relation"
            built.add((kind, obj.orig_id()))
            try:
                geom = wkb.create_multipolygon(obj)
            except RuntimeError:  # area without complete rings
                dropped["area_not_built"] += 1
                continue
            _area_row(obj.orig_id(), kind, tags, geom, False, areas, rows)
    bounds = header_bounds or _data_bounds(walk, points, areas, cut_ways, member_runs)
    for osm_id, (way_tags, runs) in cut_ways.items():
        if ("way", osm_id) in built:
            continue
        rebuilt = rebuild_area(runs, bounds, ring_order=True)
        _add_rebuilt(osm_id, "way", way_tags, rebuilt.geometry, areas, rows, dropped)
    for rel_id, (rel_tags, refs) in relations.items():
        if ("relation", rel_id) in built:
            continue
        pieces, outer = [], []
        for ref, role in refs:
            for run in member_runs.get(ref, []):
                pieces.append(run)
                outer.append(role != "inner")
        if not pieces:
            dropped["area_outside_extract"] += 1
            continue
        rebuilt = rebuild_area(pieces, bounds, outer=outer)
        _add_rebuilt(rel_id, "relation", rel_tags, rebuilt.geometry, areas, rows, dropped)
    frames = {"walk": _walk_frame(walk)}
    frames.update(_area_frames(rows, _area_geometries(areas, dropped), dropped))
    for name in ("metro", "facilities"):
        if points[name]:
            frames[name] = pd.concat([_point_frame(name, points[name]), frames[name]],
                                     ignore_index=True)
        frames[name] = _typed(frames[name], name)
    frames["entrances"] = _entrances(points["entrances"], frames["buildings"])
    return frames, {k: int(v) for k, v in dropped.items()}, bounds


def _area_relations(path: str) -> dict[int, tuple[dict, list[tuple[int, str]]]]:
    """Multipolygon relations the checks use: ``id → (tags, [(way id, role)])``."""
    out = {}
    keys = osmium.filter.KeyFilter(*_WAY_KEYS)
    rel: Any
    for rel in osmium.FileProcessor(path, osmium.osm.RELATION).with_filter(keys):
        tags = dict(rel.tags)
        if tags.get("type") not in ("multipolygon", "boundary") or not _area_kinds(tags):
            continue
        refs = [(m.ref, m.role) for m in rel.members if m.type == "w"]
        if refs:
            out[rel.id] = (tags, refs)
    return out


def _way(obj, tags, walk: dict, members: set, member_runs: dict, cut_ways: dict,
         dropped: Counter) -> None:
    refs = obj.nodes
    runs = None
    if obj.id in members:
        runs = _located_runs(refs)
        member_runs[obj.id] = _run_arrays(runs)
    if osmtags.is_walkable(tags):
        runs = runs if runs is not None else _located_runs(refs)
        cut = len(runs) != 1 or len(runs[0][0]) != len(refs)
        row = (obj.id, tags.get("highway"), _name(tags), cut)
        for ids, xs, ys in runs:
            walk["rows"].append(row)
            walk["ids"].extend(ids)
            walk["x"].extend(xs)
            walk["y"].extend(ys)
            walk["sizes"].append(len(ids))
    if not _area_kinds(tags):
        return
    closed = len(refs) >= 4 and refs[0].ref == refs[-1].ref
    if not closed:
        if obj.id not in members and tags.get("area") != "no" and not osmtags.is_walkable(tags):
            dropped["area_not_closed"] += 1
        return
    if all(r.location.valid() for r in refs):
        return  # osmium builds it
    runs = runs if runs is not None else _located_runs(refs)
    cut_ways[obj.id] = (dict(tags), _run_arrays(runs))


def _located_runs(refs) -> list[tuple[list, list, list]]:
    """Runs of ≥ 2 consecutive nodes with a location: ``(ids, lons, lats)`` each.

    Complete extracts (Geofabrik) give one run per way. A clipped file lacks the nodes
    outside its box: the way is cut there rather than joined by a straight jump.
    """
    runs, ids, xs, ys = [], [], [], []
    for ref in refs:
        loc = ref.location
        if loc.valid():
            ids.append(ref.ref)
            xs.append(loc.lon)
            ys.append(loc.lat)
        elif ids:
            if len(ids) >= 2:
                runs.append((ids, xs, ys))
            ids, xs, ys = [], [], []
    if len(ids) >= 2:
        runs.append((ids, xs, ys))
    return runs


def _run_arrays(runs: list[tuple[list, list, list]]) -> list[np.ndarray]:
    """The runs of :func:`_located_runs` as (n, 2) lon/lat arrays."""
    return [np.column_stack([xs, ys]) for _, xs, ys in runs]


def _node(obj, tags, points: dict) -> None:
    kind = osmtags.metro_kind(tags)
    found = osmtags.facility_match(tags)
    door = osmtags.entrance_kind(tags)
    if not (kind or found or door):
        return
    loc = obj.location
    if not loc.valid():
        return
    if kind:
        points["metro"].append((obj.id, kind, _name(tags), False, loc.lon, loc.lat))
    if found:
        points["facilities"].append((obj.id, found[0], _name(tags), found[1], False,
                                     loc.lon, loc.lat))
    if door:
        key = "entrance" if door == "entrance" else "barrier"
        points["entrances"].append((obj.id, door, f"{key}={tags.get(key)}", False,
                                    loc.lon, loc.lat))


def _entrances(rows: list, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Entrance and gate points, flagged ``on_building`` when on a building's outline."""
    if not rows:
        return _empty("entrances")
    frame = _point_frame("entrances", rows)
    if not buildings.empty:
        outlines = shapely.boundary(buildings.geometry.to_numpy())
        door, _ = shapely.STRtree(outlines).query(frame.geometry.to_numpy(), predicate="dwithin",
                                                  distance=_ON_BUILDING_DEG)
        frame.loc[np.unique(door), "on_building"] = True
    return _typed(frame, "entrances")


def _area_kinds(tags) -> dict:
    """What an area with these tags is for the checks: ``{frame: value}``, empty if nothing."""
    out: dict = {}
    green = osmtags.green_kind(tags)
    if green:
        out["green"] = green
    building = tags.get("building")
    if building not in (None, "no"):
        out["buildings"] = building
    if osmtags.is_residential_landuse(tags):
        out["residential_landuse"] = True
    if (tags.get("railway") or tags.get("public_transport")) and osmtags.metro_kind(tags) == "station":
        out["metro"] = "station"  # entrances are nodes
    found = osmtags.facility_match(tags)
    if found:
        out["facilities"] = found
    return out


def _area_row(osm_id: int, osm_type: str, tags, geom, cut: bool, areas: list, rows: dict) -> None:
    kinds = _area_kinds(tags)
    if not kinds:
        return
    index = len(areas)
    areas.append(geom)
    name = _name(tags)
    if "green" in kinds:
        rows["green"].append((index, osm_id, osm_type, kinds["green"], name, cut))
    if "buildings" in kinds:
        rows["buildings"].append((index, osm_id, kinds["buildings"],
                                  _levels(tags.get("building:levels")),
                                  osmtags.is_residential_building(tags), cut))
    if "residential_landuse" in kinds:
        rows["residential_landuse"].append((index, osm_id, name, cut))
    if "metro" in kinds:
        rows["metro"].append((index, osm_id, "station", name, cut))
    if "facilities" in kinds:
        category, tag = kinds["facilities"]
        rows["facilities"].append((index, osm_id, category, name, tag, cut))


def _add_rebuilt(osm_id: int, osm_type: str, tags: dict, geom, areas: list, rows: dict,
                 dropped: Counter) -> None:
    if geom is None:
        dropped["area_not_built"] += 1
        return
    _area_row(osm_id, osm_type, tags, shapely.to_wkb(geom, hex=True), True, areas, rows)


def _data_bounds(walk: dict, points: dict, areas: list, cut_ways: dict, member_runs: dict
                 ) -> tuple[float, float, float, float]:
    """Extent of what was read (files without a header box)."""
    xs, ys = list(walk["x"]), list(walk["y"])
    for rows in points.values():
        xs += [r[-2] for r in rows]
        ys += [r[-1] for r in rows]
    runs = [r for _, rs in cut_ways.values() for r in rs] + \
        [r for rs in member_runs.values() for r in rs]
    parts = [np.vstack(runs)] if runs else []
    if areas:
        b = shapely.bounds(shapely.from_wkb(areas))
        parts.append(np.vstack([b[:, :2], b[:, 2:]]))
    if xs:
        parts.append(np.column_stack([xs, ys]))
    if not parts:
        return (-180.0, -90.0, 180.0, 90.0)
    xy = np.vstack(parts)
    return (*xy.min(axis=0), *xy.max(axis=0))


def _name(tags) -> str:
    return tags.get("name") or tags.get("name:zh") or tags.get("name:en") or ""


def _levels(value: str | None) -> float:
    """``building:levels`` as a positive number, NaN when absent, unparseable or ≤ 0."""
    if not value:
        return math.nan
    try:
        levels = float(value.strip().replace(",", "."))
    except ValueError:
        return math.nan
    return levels if math.isfinite(levels) and levels > 0 else math.nan


def _walk_frame(walk: dict) -> gpd.GeoDataFrame:
    if not walk["rows"]:
        return _empty("walk")
    sizes = np.asarray(walk["sizes"])
    coords = np.column_stack([walk["x"], walk["y"]])
    geoms = shapely.linestrings(coords, indices=np.repeat(np.arange(len(sizes)), sizes))
    node_ids = np.asarray(walk["ids"], dtype=np.int64)
    nodes = [a.tolist() for a in np.split(node_ids, np.cumsum(sizes)[:-1])]
    osm_id, highway, name, cut = zip(*walk["rows"])
    return _typed(gpd.GeoDataFrame({"osm_id": osm_id, "highway": highway, "name": name,
                                    "nodes": nodes, "cut": cut}, geometry=geoms,
                                   crs=settings.WGS84), "walk")


def _area_geometries(wkbs: list, dropped: Counter) -> np.ndarray:
    """Polygons from WKB, made valid where needed (polygonal parts only)."""
    if not wkbs:
        return np.array([], dtype=object)
    geoms = shapely.from_wkb(wkbs)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = [polygonal(g) for g in shapely.make_valid(geoms[bad])]
    single = (shapely.get_type_id(geoms) == 6) & (shapely.get_num_geometries(geoms) == 1)
    geoms[single] = shapely.get_geometry(geoms[single], 0)  # one-part multipolygon → Polygon
    return geoms


def _area_frames(rows: dict, polys: np.ndarray, dropped: Counter) -> dict[str, gpd.GeoDataFrame]:
    out = {}
    for name, columns in _AREA_COLUMNS.items():
        if not rows[name]:
            out[name] = _empty(name)
            continue
        index, *values = zip(*rows[name])
        geoms = polys[np.asarray(index)]
        ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        dropped["area_no_polygon"] += int((~ok).sum())
        data = {c: np.asarray(v, dtype=object)[ok] for c, v in zip(columns, values)}
        geoms = geoms[ok]
        if name == "metro":  # station areas become their representative point
            geoms = shapely.point_on_surface(geoms)
        elif name == "buildings":  # many: vectorised equal-area (see _equal_area_m2)
            data["area_m2"] = _equal_area_m2(geoms)
        elif "area_m2" in FRAME_COLUMNS[name]:
            data["area_m2"] = np.array([geodesic_area_m2(g) for g in geoms], dtype=float)
        out[name] = _typed(gpd.GeoDataFrame(data, geometry=geoms, crs=settings.WGS84), name)
    return out


def _equal_area_m2(geoms: np.ndarray) -> np.ndarray:
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


def _point_frame(name: str, rows: list) -> gpd.GeoDataFrame:
    columns = list(FRAME_COLUMNS[name])
    *values, lon, lat = zip(*rows)
    data = dict(zip(columns, values))
    return gpd.GeoDataFrame(data, geometry=shapely.points(lon, lat), crs=settings.WGS84)


def _empty(name: str) -> gpd.GeoDataFrame:
    data = {c: pd.Series([], dtype=t) for c, t in FRAME_COLUMNS[name].items()}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs=settings.WGS84),
                            crs=settings.WGS84)


def _typed(gdf: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    columns = FRAME_COLUMNS[name]
    gdf = gdf[[*columns, "geometry"]].astype(columns)
    return gdf.reset_index(drop=True)
