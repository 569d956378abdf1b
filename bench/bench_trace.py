"""Benchmark: tracing a boundary in a city-sized OSM extract.

Writes a generated .osm.pbf: a street grid of ``--n`` × ``--n`` named two-way streets, each
street split into one way per block (``--n 300`` gives 180,000 ways and 90,000 junctions,
about the named-way count of the Shanghai extract's urban districts), then times, side by
side in one run:

* ``floor``: one plain pyosmium pass over the file with node locations, touching every
  named way (the least any reader of named ways pays);
* ``read``: :func:`geo.osmnamed.read_named_ways` for a 4-edge description;
* ``trace``: :func:`geo.trace.trace_boundary` on what was read.

Run: ``.venv/bin/python bench/bench_trace.py [--n 300]``. Prints the figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import osmium
from pyproj import Transformer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.osmnamed import read_named_ways  # noqa: E402
from geo.trace import trace_boundary  # noqa: E402
from geo.tracedesc import parse_sizhi  # noqa: E402

SPACING_M = 120.0


def write_grid(path: Path, n: int) -> None:
    """An n × n grid of streets: 东西路{i} run east-west, 南北路{j} north-south."""
    to_ll = Transformer.from_crs("+proj=tmerc +lat_0=31.2 +lon_0=121.6 +ellps=WGS84", "EPSG:4326", always_xy=True)
    with osmium.SimpleWriter(str(path)) as w:
        for i in range(n):
            for j in range(n):
                lon, lat = to_ll.transform(j * SPACING_M, i * SPACING_M)
                w.add_node(osmium.osm.mutable.Node(id=i * n + j + 1, location=(lon, lat)))
        way = 1
        for i in range(n):
            for j in range(n - 1):
                w.add_way(osmium.osm.mutable.Way(id=way, nodes=[i * n + j + 1, i * n + j + 2],
                                                 tags={"highway": "residential", "name": f"东西路{i}"}))
                way += 1
        for j in range(n):
            for i in range(n - 1):
                w.add_way(osmium.osm.mutable.Way(id=way, nodes=[i * n + j + 1, (i + 1) * n + j + 1],
                                                 tags={"highway": "residential", "name": f"南北路{j}"}))
                way += 1


def floor_pass(path: Path) -> int:
    count = 0
    for obj in osmium.FileProcessor(str(path)).with_locations().with_filter(osmium.filter.KeyFilter("name")):
        if isinstance(obj, osmium.osm.Way):
            count += len(obj.nodes)
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = args.n
    a, b = n // 4, 3 * n // 4
    desc = parse_sizhi(f"北至东西路{b}，东至南北路{b}，南至东西路{a}，西至南北路{a}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "grid.osm.pbf"
        t0 = time.perf_counter()
        write_grid(path, n)
        print(f"grid {n}×{n}: {2 * n * (n - 1):,} ways, {n * n:,} nodes, {path.stat().st_size / 1e6:.1f} MB "
              f"(written in {time.perf_counter() - t0:.1f} s)")
        times: dict[str, list[float]] = {"floor": [], "read": [], "trace": []}
        for _ in range(args.repeat):  # interleaved: the machine's noise hits all three alike
            t0 = time.perf_counter()
            floor_pass(path)
            times["floor"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ways = read_named_ways(path, desc)
            times["read"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            result = trace_boundary(desc, ways=ways)
            times["trace"].append(time.perf_counter() - t0)
        side = (b - a) * SPACING_M
        print(f"traced area {result.area_km2:.3f} km² (expected {side * side / 1e6:.3f}), "
              f"{sum(len(f) for f in ways.by_edge)} ways matched")
        for name, values in times.items():
            print(f"{name:<6} median {statistics.median(values):6.2f} s  (runs: "
                  + ", ".join(f"{v:.2f}" for v in values) + ")")
        print(f"read / floor: {statistics.median(times['read']) / statistics.median(times['floor']):.2f}×")


if __name__ == "__main__":
    main()
