"""A generated city the size of Shanghai, written as an ``.osm.pbf`` (plus its towns).

Everything is invented. The city is drawn in a local metric frame (x east, y north,
metres; transverse Mercator centred on lon 121.47, lat 31.23, :data:`CRS`) and written
as WGS84 nodes and ways with pyosmium (header box set, as in Geofabrik extracts):

* streets: an ``n_side`` × ``n_side`` grid of nodes ``spacing_m`` apart, jittered by
  ±15 % of the spacing, about 10 % of the segments removed (never on primaries). Each
  row and column becomes ways of 10–20 segments (also split where a segment is
  missing); a junction is one node shared by its row way and its column way.
  ``highway=residential`` mostly, every 8th row and column ``highway=primary`` named
  ``路<i>`` / ``街<j>``, about 8 % of the ways ``highway=footway``;
* parks: rotated rectangles of 300–40,000 m² (log-uniform, some below the 400 m²
  that counts), 2.5 per km²; 5 % gated: two ``entrance=yes`` nodes on the outline;
  plazas: ``highway=pedestrian`` + ``area=yes`` or ``place=square``;
* residential land (``landuse=residential``): compounds of 2 × 2 or 3 × 3 street blocks
  inset 3–10 m from the streets, 12 % of the city, denser near the centre;
* life-circle facilities (0.6 per km², every category of :mod:`geo.osmtags`), about
  400 metro stations (``railway=station`` + ``station=subway``) and, at every other
  one, 2–4 ``railway=subway_entrance`` nodes;
* zones (``zones_path``): a GeoPackage with layer ``towns`` (a Voronoi tessellation of
  random seeds clipped to the city square: the towns partition it exactly; columns
  ``name``, ``district``) and layer ``districts`` (the union of each district's towns).

``write_city(p, n_side=1230)`` is about 80 km square (≈ 6,400 km², Shanghai is 6,340 km²)
with 1.51 million street nodes. Deterministic for a seed.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import osmium
import shapely
from pyproj import Transformer

__all__ = ["CRS", "FACILITY_TAGS", "write_city"]

#: The local metric frame the city is drawn in.
CRS = "+proj=tmerc +lat_0=31.23 +lon_0=121.47 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
_TO_WGS = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
#: Tags of the generated facilities (cycled): every category ``geo.osmtags`` knows.
FACILITY_TAGS: list[dict[str, str]] = [
    {"amenity": "school"}, {"amenity": "kindergarten"}, {"amenity": "clinic"},
    {"healthcare": "centre"}, {"amenity": "marketplace"}, {"shop": "supermarket"},
    {"shop": "convenience"}, {"amenity": "nursing_home"},
    {"amenity": "social_facility", "social_facility:for": "senior"},
    {"leisure": "sports_centre"}, {"leisure": "fitness_centre"},
]
_PRIMARY_EVERY = 8
_RESIDENTIAL_SHARE = 0.12


def _chains(ids: np.ndarray, kept: np.ndarray, lengths: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ways along the rows of ``ids`` (n, m): runs of kept segments, split every ``lengths[row]``.

    Returns the ways' node ids (flat), their sizes and the row each way runs along.
    """
    n, m = ids.shape
    k = np.broadcast_to(np.arange(m - 1), (n, m - 1))
    prev_kept = np.c_[np.zeros((n, 1), bool), kept[:, :-1]]
    start = (~prev_kept) | (k % lengths[:, None] == 0)
    a, b = ids[:, :-1][kept], ids[:, 1:][kept]
    start, row = start[kept], np.broadcast_to(np.arange(n)[:, None], kept.shape)[kept]
    last = np.r_[start[1:], True]
    counts = 1 + last.astype(np.int64)
    pos = np.cumsum(counts) - counts
    flat = np.empty(int(counts.sum()), dtype=np.int64)
    flat[pos] = a
    flat[pos[last] + 1] = b[last]
    way = np.cumsum(start) - 1
    sizes = np.bincount(way) + 1
    return flat, sizes, row[start]


def _rects(rng: np.random.Generator, centres: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """Rotated rectangles (k, 4, 2) of the given areas (aspect 1:2 to 2:1) around ``centres``."""
    ratio = np.exp(rng.uniform(np.log(0.5), np.log(2.0), len(areas)))
    w = np.sqrt(areas * ratio) / 2
    h = areas / (4 * w)
    t = rng.uniform(0, np.pi, len(areas))
    corners = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1)], dtype=float)
    lx, ly = corners[None, :, 0] * w[:, None], corners[None, :, 1] * h[:, None]
    c, s = np.cos(t)[:, None], np.sin(t)[:, None]
    return np.stack([centres[:, :1] + lx * c - ly * s, centres[:, 1:] + lx * s + ly * c], axis=-1)


def _compound_pattern(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Grid offsets ``(di, dj)`` of a k × k block compound's outline (ring order) and the
    inward direction at each (x, y)."""
    di = [0] * k + list(range(k)) + [k] * k + list(range(k, 0, -1))
    dj = list(range(k)) + [k] * k + list(range(k, 0, -1)) + [0] * k
    di_a, dj_a = np.array(di), np.array(dj)
    sx = np.where(dj_a == 0, 1.0, np.where(dj_a == k, -1.0, 0.0))
    sy = np.where(di_a == 0, 1.0, np.where(di_a == k, -1.0, 0.0))
    return di_a, dj_a, sx, sy


def _residential(rng: np.random.Generator, xy: np.ndarray, n: int, spacing: float,
                 half: float) -> list[np.ndarray]:
    """Compound outlines (local xy, open rings) covering about 12 % of the city: one
    (k, 4 * size, 2) array per compound size."""
    cells = (n - 1) // 3
    a, b = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
    a, b = a.ravel(), b.ravel()
    k = rng.choice([2, 3], len(a))
    i0 = 3 * a + rng.integers(0, 2, len(a)) * (k == 2)
    j0 = 3 * b + rng.integers(0, 2, len(a)) * (k == 2)
    inset = rng.uniform(3, 10, len(a))
    area = (k * spacing - 2 * inset) ** 2
    centre = np.c_[(j0 + k / 2) * spacing, (i0 + k / 2) * spacing] - (n - 1) * spacing / 2
    weight = np.exp(-np.hypot(*centre.T) / (0.6 * half))
    target = _RESIDENTIAL_SHARE * (2 * half) ** 2
    lo, hi = 0.0, 1e3
    for _ in range(50):  # scale so the expected covered area is the target
        c = (lo + hi) / 2
        lo, hi = (c, hi) if (np.minimum(1, c * weight) * area).sum() < target else (lo, c)
    chosen = rng.random(len(a)) < np.minimum(1, hi * weight)
    rings: list[np.ndarray] = []
    for size in (2, 3):
        sel = chosen & (k == size)
        di, dj, sx, sy = _compound_pattern(size)
        ids = (i0[sel, None] + di) * n + (j0[sel, None] + dj)
        pts = xy[ids] + inset[sel, None, None] * np.stack([sx, sy], axis=-1)
        rings.append(pts)
    return rings


def _stations(rng: np.random.Generator, count: int, half: float) -> np.ndarray:
    """Station positions, denser near the centre, inside the square."""
    pts = rng.normal(0, half / 2.5, (count, 2))
    return np.clip(pts, -0.97 * half, 0.97 * half)


def _zones(path: Path, rng: np.random.Generator, half: float, towns: int, districts: int) -> None:
    """Towns (Voronoi cells of random seeds, clipped to the square) and their districts."""
    square = shapely.box(-half, -half, half, half)
    seeds = rng.uniform(-half, half, (towns, 2))
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=square, ordered=True)
    polys = shapely.intersection(shapely.get_parts(cells), square)
    centroids = shapely.get_coordinates(shapely.centroid(polys))
    hubs = centroids[rng.choice(towns, size=districts, replace=False)]
    group = np.argmin(((centroids[:, None, :] - hubs[None]) ** 2).sum(-1), axis=1)
    district_names = np.array([f"区{g + 1:02d}" for g in range(districts)])
    town_frame = gpd.GeoDataFrame(
        {"name": [f"镇{t + 1:03d}" for t in range(towns)], "district": district_names[group]},
        geometry=polys, crs=CRS)
    unions = [shapely.coverage_union_all(polys[group == g]) for g in range(districts)]
    district_frame = gpd.GeoDataFrame({"name": district_names}, geometry=unions, crs=CRS)
    path.unlink(missing_ok=True)
    town_frame.to_crs("EPSG:4326").to_file(path, layer="towns", driver="GPKG")
    district_frame.to_crs("EPSG:4326").to_file(path, layer="districts", driver="GPKG")


def write_city(path: Path, *, n_side: int, spacing_m: float = 65.0, seed: int = 0,
               towns: int = 200, districts: int = 16, zones_path: Path | None = None) -> dict:
    """Write the generated city to ``path`` (``.osm.pbf``) and, if given, its towns.

    Parameters
    ----------
    path : Path
        The ``.osm.pbf`` file written (replaced if present).
    n_side : int
        Street nodes per side of the grid (1230 ≈ Shanghai: 1.51 M nodes, 6,400 km²).
    spacing_m : float
        Distance between neighbouring junctions, metres.
    seed : int
        Random seed: the same seed gives the same file.
    towns, districts : int
        Towns in ``zones_path`` and the districts they are grouped in.
    zones_path : Path, optional
        GeoPackage to write (layers ``towns`` and ``districts``, WGS84).

    Returns
    -------
    dict
        Counts: ``nodes``, ``walk_nodes``, ``ways``, ``street_ways``, ``parks``,
        ``gated_parks``, ``plazas``, ``residential``, ``residential_km2``, ``facilities``,
        ``stations``, ``entrances``, ``towns``, ``districts``, ``extent_km2``.
    """
    rng = np.random.default_rng(seed)
    n, s = n_side, float(spacing_m)
    half = (n - 1) * s / 2 + s / 2
    km2 = (2 * half) ** 2 / 1e6
    # --- streets
    jj, ii = np.meshgrid(np.arange(n), np.arange(n))
    jitter = rng.uniform(-0.15 * s, 0.15 * s, (2, n, n))
    xy = np.c_[(jj * s - (n - 1) * s / 2 + jitter[0]).ravel(),
               (ii * s - (n - 1) * s / 2 + jitter[1]).ravel()]
    ids = np.arange(n * n, dtype=np.int64).reshape(n, n) + 1
    primary = np.arange(n) % _PRIMARY_EVERY == 0
    streets = []
    for axis, (grid, label) in enumerate(((ids, "路"), (ids.T, "街"))):
        kept = (rng.random((n, n - 1)) >= 0.1) | primary[:, None]
        flat, sizes, rows = _chains(grid, kept, rng.integers(10, 21, n))
        foot = rng.random(len(sizes)) < 0.08
        streets.append((flat, sizes, rows, foot, label))
    degree = np.zeros(n * n + 1, dtype=np.int64)
    for flat, *_ in streets:
        degree[flat] += 1
    # --- areas: parks, plazas, residential compounds (open rings, local xy)
    n_parks = max(3, round(2.5 * km2))
    park_area = np.exp(rng.uniform(np.log(300), np.log(40000), n_parks))
    parks = _rects(rng, rng.uniform(-0.95 * half, 0.95 * half, (n_parks, 2)), park_area)
    gated = rng.random(n_parks) < 0.05
    n_plazas = max(2, round(0.05 * km2))
    plazas = _rects(rng, rng.uniform(-0.95 * half, 0.95 * half, (n_plazas, 2)),
                    np.exp(rng.uniform(np.log(400), np.log(5000), n_plazas)))
    homes = _residential(rng, xy, n, s, half)
    # --- points
    n_fac = max(len(FACILITY_TAGS), round(0.6 * km2))
    fac_xy = rng.uniform(-0.98 * half, 0.98 * half, (n_fac, 2))
    st_xy = _stations(rng, max(2, min(400, round(0.0625 * km2))), half)
    ent_xy = [p + rng.uniform(40, 120, (m, 1)) * _unit(rng, m)
              for p, m in zip(st_xy[::2], rng.integers(2, 5, len(st_xy[::2])))]
    # --- nodes after the grid: (xy rows, tags per row) in id order
    extra: list[np.ndarray] = []
    node_tags: dict[int, dict[str, str]] = {}
    next_id = n * n + 1
    way_rings: list[tuple[list[int], dict[str, str]]] = []

    def add_ring(pts: np.ndarray, tags: dict[str, str], tagged: dict[int, dict] | None = None) -> None:
        nonlocal next_id
        extra.append(pts)
        refs = list(range(next_id, next_id + len(pts)))
        for k, t in (tagged or {}).items():
            node_tags[refs[k]] = t
        next_id += len(pts)
        way_rings.append((refs + refs[:1], tags))

    for p, (ring, gate) in enumerate(zip(parks, gated)):
        tags = {"leisure": "park", "name": f"公园{p + 1}"}
        if gate:  # entrances in the middle of two opposite sides, as outline nodes
            mid = (ring + np.roll(ring, -1, axis=0)) / 2
            pts = np.array([ring[0], mid[0], ring[1], ring[2], mid[2], ring[3]])
            add_ring(pts, tags, {1: {"entrance": "yes"}, 4: {"entrance": "yes"}})
        else:
            add_ring(ring, tags)
    for p, ring in enumerate(plazas):
        add_ring(ring, {"highway": "pedestrian", "area": "yes", "name": f"广场{p + 1}"}
                 if p % 2 == 0 else {"place": "square", "name": f"广场{p + 1}"})
    for h, ring in enumerate(r for group in homes for r in group):
        add_ring(ring, {"landuse": "residential", "name": f"小区{h + 1}"})
    for f in range(n_fac):
        node_tags[next_id + f] = {**FACILITY_TAGS[f % len(FACILITY_TAGS)], "name": f"设施{f + 1}"}
    next_id += n_fac
    extra.append(fac_xy)
    for t in range(len(st_xy)):
        node_tags[next_id + t] = {"railway": "station", "station": "subway", "subway": "yes",
                                  "public_transport": "station", "name": f"站{t + 1:03d}"}
    next_id += len(st_xy)
    extra.append(st_xy)
    for e in ent_xy:
        for k in range(len(e)):
            node_tags[next_id + k] = {"railway": "subway_entrance"}
        next_id += len(e)
        extra.append(e)
    all_xy = np.vstack([xy, *extra])
    lon, lat = _TO_WGS.transform(all_xy[:, 0], all_xy[:, 1])
    header = osmium.io.Header()
    header.add_box(osmium.osm.Box(osmium.osm.Location(float(lon.min()), float(lat.min())),
                                  osmium.osm.Location(float(lon.max()), float(lat.max()))))
    node_cls, way_cls = osmium.osm.mutable.Node, osmium.osm.mutable.Way
    n_ways = 0
    with osmium.SimpleWriter(str(path), header=header, overwrite=True) as writer:
        add_node, add_way = writer.add_node, writer.add_way
        for i, (x, y) in enumerate(zip(lon.tolist(), lat.tolist()), start=1):
            add_node(node_cls(id=i, location=(x, y), tags=node_tags.get(i, {})))
        for flat, sizes, rows, foot, label in streets:
            parts = np.split(flat, np.cumsum(sizes)[:-1])
            for part, row, is_foot in zip(parts, rows.tolist(), foot.tolist()):
                n_ways += 1
                if row % _PRIMARY_EVERY == 0:
                    tags = {"highway": "primary", "name": f"{label}{row}"}
                else:
                    tags = {"highway": "footway" if is_foot else "residential"}
                add_way(way_cls(id=n_ways, nodes=part.tolist(), tags=tags))
        street_ways = n_ways
        for refs, tags in way_rings:
            n_ways += 1
            add_way(way_cls(id=n_ways, nodes=refs, tags=tags))
    if zones_path is not None:
        _zones(Path(zones_path), rng, half, towns, districts)
    home_km2 = sum(float(shapely.area(shapely.polygons(r)).sum()) for r in homes) / 1e6
    return {"nodes": int(len(all_xy)), "walk_nodes": int((degree[1:] > 0).sum()),
            "ways": n_ways, "street_ways": street_ways, "parks": n_parks,
            "parks_400m2": int((park_area >= 400).sum()), "gated_parks": int(gated.sum()),
            "plazas": n_plazas, "residential": sum(map(len, homes)), "residential_km2": round(home_km2, 1),
            "facilities": n_fac, "stations": len(st_xy), "entrances": int(sum(map(len, ent_xy))),
            "towns": towns if zones_path is not None else 0,
            "districts": districts if zones_path is not None else 0, "extent_km2": round(km2, 1),
            "side_m": 2 * half}


def _unit(rng: np.random.Generator, m: int) -> np.ndarray:
    """``m`` random unit vectors (m, 2)."""
    t = rng.uniform(0, 2 * np.pi, m)
    return np.c_[np.cos(t), np.sin(t)]
