"""The named roads and rivers of an OSM extract that a boundary description asks for.

:func:`read_named_ways` reads an ``.osm.pbf`` (or ``.osm``) once and returns, for every edge
of a description, the ways that carry one of its names or route numbers: roads and river
lines as lines, rivers and canals mapped as areas (``natural=water``, ``waterway=riverbank``,
multipolygons included) as their outlines. Everything is WGS84; nothing is dropped without
a count.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import osmium
import shapely
from shapely.geometry import LineString

from geo import settings
from geo.errors import OSMError
from geo.tracedesc import BoundaryDescription, EdgeSpec, normalise_name, way_name_stems, way_refs

__all__ = ["NamedWay", "NamedWays", "read_named_ways"]

_WATER_LINES = ("river", "canal", "stream", "drain", "ditch")
_WATER_AREA = {("natural", "water"), ("waterway", "riverbank"), ("landuse", "reservoir"), ("water", "river"),
               ("water", "canal")}


@dataclass(frozen=True)
class NamedWay:
    """One OSM way (or the outline of a water area) that belongs to an edge.

    ``kind`` is ``road``, ``water`` (a river line) or ``water_area`` (the outline of a river
    mapped as an area); ``line`` is WGS84.
    """

    osm_id: int
    osm_type: str
    name: str
    ref: str
    kind: str
    tag: str
    oneway: bool
    line: LineString


@dataclass
class NamedWays:
    """The ways found for each edge of a description (same order), and what was dropped."""

    source: str
    by_edge: list[list[NamedWay]]
    dropped: Counter = field(default_factory=Counter)

    def names_found(self, index: int) -> list[str]:
        """The distinct OSM names matched for edge ``index``."""
        return sorted({w.name or w.ref for w in self.by_edge[index]})


def read_named_ways(path: str | Path, desc: BoundaryDescription) -> NamedWays:
    """Every way of the file that one of ``desc``'s edges names.

    Raises
    ------
    OSMError
        When the file is missing or cannot be read.
    """
    p = Path(path)
    if not p.is_file():
        raise OSMError(f"OSM file not found: {p}", f"找不到 OSM 文件: {p}")
    edges = desc.edges
    index = _Index(edges)
    found: list[list[NamedWay]] = [[] for _ in edges]
    dropped: Counter = Counter()
    keys = ("name", "ref") + tuple(k for k in settings.TRACE_NAME_KEYS if k != "name")
    try:
        processor = (osmium.FileProcessor(str(p)).with_locations().with_areas()
                     .with_filter(osmium.filter.KeyFilter(*keys)))
        factory = osmium.geom.WKBFactory()
        for obj in processor:
            if isinstance(obj, osmium.osm.Way):
                _way(obj, edges, index, found, dropped)
            elif isinstance(obj, osmium.osm.Area) and not obj.from_way():
                _relation_area(obj, edges, index, found, dropped, factory)
    except (RuntimeError, OSError, ValueError) as exc:
        raise OSMError(f"cannot read the OSM file {p.name}: {exc}",
                       f"无法读取 OSM 文件 {p.name}: {exc}") from exc
    return NamedWays(source=str(p), by_edge=found, dropped=dropped)


class _Index:
    """Edges by normalised name and route number: one dictionary look-up per name of a way
    (a Shanghai extract has hundreds of thousands of named ways)."""

    def __init__(self, edges: tuple[EdgeSpec, ...]) -> None:
        self.names: dict[str, set[int]] = {}
        self.refs: dict[str, set[int]] = {}
        for i, e in enumerate(edges):
            for n in e.names:
                self.names.setdefault(normalise_name(n), set()).add(i)
            for r in e.refs:
                self.refs.setdefault(r.upper(), set()).add(i)

        wanted = sorted(self.names, key=len, reverse=True)
        self._any_name = re.compile("|".join(map(re.escape, wanted))) if wanted else None

    def edges_of(self, tags) -> list[int]:
        """Indices of the edges this way belongs to (ascending)."""
        hits: set[int] = set()
        if self.refs and "ref" in tags:
            for r in way_refs(tags):
                hits |= self.refs.get(r, set())
        if self._any_name is not None and any(  # most ways name nothing wanted: one regex search
                self._any_name.search(normalise_name(tags[k])) for k in settings.TRACE_NAME_KEYS if k in tags):
            for stem in way_name_stems(tags):
                hits |= self.names.get(stem, set())
        return sorted(hits)


def _kind(tags) -> tuple[str, str] | None:
    highway = tags.get("highway")
    if highway:
        if highway in settings.TRACE_SKIP_HIGHWAY:
            return None
        return "road", f"highway={highway}"
    waterway = tags.get("waterway")
    if waterway in _WATER_LINES:
        return "water", f"waterway={waterway}"
    for key, value in _WATER_AREA:
        if tags.get(key) == value:
            return "water_area", f"{key}={value}"
    return None


def _wanted(edge: EdgeSpec, kind: str) -> bool:
    return edge.kind == "any" or (edge.kind == "road") == (kind == "road")


def _way(obj, edges, index, found, dropped: Counter) -> None:
    tags = obj.tags
    kind = _kind(tags)
    if kind is None:
        return
    hits = [i for i in index.edges_of(tags) if _wanted(edges[i], kind[0])]
    if not hits:
        return
    if kind[0] == "water_area" and not obj.is_closed():
        dropped["open_water_area"] += 1
        return
    runs: list[list[tuple[float, float]]] = [[]]
    for n in obj.nodes:
        if n.location.valid():
            runs[-1].append((n.location.lon, n.location.lat))
        else:  # a node beyond the extract's edge: the way goes on in pieces, never bridged
            dropped["nodes_outside_extract"] += 1
            if runs[-1]:
                runs.append([])
    pieces = [r for r in runs if len(r) >= 2]
    if not pieces:
        dropped["ways_outside_extract"] += 1
        return
    for coords in pieces:
        way = NamedWay(osm_id=obj.id, osm_type="way", name=tags.get("name", ""), ref=tags.get("ref", ""),
                       kind=kind[0], tag=kind[1], oneway=tags.get("oneway") in ("yes", "1", "-1"),
                       line=LineString(coords))
        for i in hits:
            found[i].append(way)


def _relation_area(obj, edges, index, found, dropped: Counter, factory) -> None:
    tags = obj.tags
    kind = _kind(tags)
    if kind is None or kind[0] != "water_area":
        return
    hits = [i for i in index.edges_of(tags) if _wanted(edges[i], "water_area")]
    if not hits:
        return
    try:
        geom = shapely.from_wkb(factory.create_multipolygon(obj))
    except RuntimeError:
        dropped["water_area_not_built"] += 1
        return
    for poly in getattr(geom, "geoms", [geom]):
        for ring in [poly.exterior, *poly.interiors]:
            way = NamedWay(osm_id=obj.orig_id(), osm_type="relation", name=tags.get("name", ""),
                           ref=tags.get("ref", ""), kind="water_area", tag=kind[1], oneway=False,
                           line=LineString(ring.coords))
            for i in hits:
                found[i].append(way)
