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

from geo.bilingual import Bilingual

import math
from collections import Counter
from typing import Any

import geopandas as gpd
import numpy as np
import osmium
import pandas as pd
import shapely

from geo import osmtags
from geo.osmareas import rebuild_area
from geo.osmframes import (AREA_COLUMNS, area_frames, area_geometries, empty_frame, point_frame,
                            typed_frame, walk_frame)

__all__ = ["DROP_REASONS", "parse"]

#: An entrance node this close to a building's outline, degrees (≈ 0.2 m), is the
#: building's door (it is a node of the outline in OSM): not a gate of a park or plaza
#: whose outline runs along the facade.
_ON_BUILDING_DEG = 2e-6
#: Why an OSM object the checks would use gave no feature (keys of ``dropped``).
DROP_REASONS: dict[str, Bilingual] = {
    "area_not_built": Bilingual("面状要素无法组装 (边界不闭合或已损坏)", "areas whose outline could not be assembled (not closed or broken)"),
    "area_outside_extract": Bilingual("多边形关系的成员全部在数据范围外", "multipolygon relations with no member inside the extract"),
    "area_not_closed": Bilingual("带面状标签但不闭合的路 (OSM 中不是面)", "ways with area tags that are not closed (not areas in OSM)"),
    "area_no_polygon": Bilingual("修复后没有面积的面状要素", "areas with no area left after repair"),
}
#: Keys an object needs one of to be read at all (pyosmium KeyFilter, in C++).
_WAY_KEYS = ("highway", "leisure", "landuse", "place", "building", "railway",
             "public_transport", "amenity", "shop", "healthcare")
#: Keys one of which every area the checks use has (the rules of :func:`_area_kinds`:
#: ``area`` for ``highway=pedestrian`` plazas); an object without any is no area.
_AREA_KEYS = (*(k for k in _WAY_KEYS if k != "highway"), "area")
#: Linestrings keep every node (also repeated locations): one coordinate per node id.
_ALL_NODES = osmium.geom.use_nodes.ALL
_NODE_KEYS = ("railway", "public_transport", "amenity", "shop", "healthcare", "leisure",
              "entrance", "barrier")


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
    walk: dict[str, list] = {"rows": [], "nodes": [], "wkb": []}
    points: dict[str, list] = {"metro": [], "facilities": [], "entrances": []}
    areas: list = []
    rows: dict[str, list] = {name: [] for name in AREA_COLUMNS}
    dropped: Counter = Counter()
    cut_ways: dict[int, tuple] = {}
    built: set[tuple[str, int]] = set()
    obj: Any
    for obj in processor:
        tags = obj.tags
        if obj.is_node():
            _node(obj, tags, points)
        elif obj.is_way():
            _way(obj, tags, walk, members, member_runs, cut_ways, dropped, wkb)
        elif obj.is_area():
            kind = "way" if obj.from_way() else "relation"
            built.add((kind, obj.orig_id()))
            try:
                geom = wkb.create_multipolygon(obj)
            except RuntimeError:  # area without complete rings
                dropped["area_not_built"] += 1
                continue
            _area_row(obj.orig_id(), kind, tags, geom, False, areas, rows)
    walk_gdf = walk_frame(walk)
    bounds = header_bounds or _data_bounds(walk_gdf, points, areas, cut_ways, member_runs)
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
    frames = {"walk": walk_gdf}
    frames.update(area_frames(rows, area_geometries(areas, dropped), dropped))
    for name in ("metro", "facilities"):
        if points[name]:
            frames[name] = pd.concat([point_frame(name, points[name]), frames[name]],
                                     ignore_index=True)
        frames[name] = typed_frame(frames[name], name)
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
         dropped: Counter, wkb) -> None:
    refs = obj.nodes
    runs = None
    if obj.id in members:
        runs = _located_runs(refs)
        member_runs[obj.id] = _run_arrays(runs)
    if osmtags.is_walkable(tags):
        line = None
        if runs is None:
            try:  # every node located (the usual case): osmium builds the line in C++
                line = wkb.create_linestring(obj, _ALL_NODES)
            except (osmium.InvalidLocationError, RuntimeError):
                runs = _located_runs(refs)
        if line is not None:
            walk["rows"].append((obj.id, tags.get("highway"), _name(tags), False))
            walk["nodes"].append([r.ref for r in refs])
            walk["wkb"].append(line)
        else:
            assert runs is not None
            cut = len(runs) != 1 or len(runs[0][0]) != len(refs)
            row = (obj.id, tags.get("highway"), _name(tags), cut)
            for ids, xs, ys in runs:
                walk["rows"].append(row)
                walk["nodes"].append(ids)
                walk["wkb"].append(shapely.to_wkb(shapely.linestrings(xs, ys)))
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
        return empty_frame("entrances")
    frame = point_frame("entrances", rows)
    if not buildings.empty:
        outlines = shapely.boundary(buildings.geometry.to_numpy())
        door, _ = shapely.STRtree(outlines).query(frame.geometry.to_numpy(), predicate="dwithin",
                                                  distance=_ON_BUILDING_DEG)
        frame.loc[np.unique(door), "on_building"] = True
    return typed_frame(frame, "entrances")


def _area_kinds(tags) -> dict:
    """What an area with these tags is for the checks: ``{frame: value}``, empty if nothing."""
    if not any(key in tags for key in _AREA_KEYS):
        return {}  # most ways: streets (a quick test before the rules)
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


def _data_bounds(walk: gpd.GeoDataFrame, points: dict, areas: list, cut_ways: dict,
                 member_runs: dict) -> tuple[float, float, float, float]:
    """Extent of what was read (files without a header box)."""
    xs: list = []
    ys: list = []
    for rows in points.values():
        xs += [r[-2] for r in rows]
        ys += [r[-1] for r in rows]
    runs = [r for _, rs in cut_ways.values() for r in rs] + \
        [r for rs in member_runs.values() for r in rs]
    parts = [np.vstack(runs)] if runs else []
    if len(walk):
        b = shapely.bounds(walk.geometry.to_numpy())
        parts.append(np.vstack([b[:, :2], b[:, 2:]]))
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
