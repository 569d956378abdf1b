"""Benchmark: whole-city coverage checks for all of Shanghai on one machine (issue 16).

Run: .venv/bin/python bench/bench_city.py [--n-side 1230] [--workdir DIR] [--keep]

A generated city (:func:`tests.city_synth.write_city`): an ``n_side`` × ``n_side`` jittered
street grid 65 m apart (1230 gives ≈ 80 km square, ≈ 6,400 km² like Shanghai's 6,340 km²,
1.51 million walking-network nodes), parks, plazas, residential compounds (12 % of the
area), facilities, metro stations and entrances, written as an ``.osm.pbf``, and 200 towns
in 16 districts (``towns.gpkg``) that partition the city square.

Stages, each in its own process (``--stage NAME`` of this script), so that each one's
wall time and peak memory are its own. "seconds" is the timed call inside the process
(``time.perf_counter``); "process s" the whole process, interpreter start and imports
included; "peak RSS" the process's VmHWM (/proc/self/status) when the stage ends:
everything, GEOS and osmium's C++ heaps included. Stages 4 and 5 work in worker processes
(4: forked, one per core; 5: the 2 Dask workers): their peak RSS is the process's plus each
worker's peak, an upper bound (pages a forked worker shares with the process count again).

1. ``generate``: write the city and its towns (counts, file size);
2. ``first_parse``: ``geo.osm.load_osm(path, cache_dir=EMPTY)``: parses the whole file and
   writes the cache (GeoParquet + JSON in a zip, keyed by the file's content hash).
   Target <= 120 s, peak RSS <= 8 GiB;
3. ``warm_load``: the same call in a new process: reads the cache. Target <= 10 s, <= 8 GiB.

4. ``warm_check``: the whole-city green reach (5-minute walk to green >= 400 m²) of every
   town, as ``python -m layers coverage --check green5 --osm city.osm.pbf --towns towns.gpkg
   --out towns-out.gpkg`` runs it (:func:`layers.coverage.zonal.run_zones`): inputs from the
   warm cache, one network, one search, the demand in chunks, the GeoPackage written.
   Target <= 30 s, <= 8 GiB. The chunks of units run in forked worker processes, one per
   core (the command line's way); ``one_process`` (4b) runs the same in one process with
   threads (the app's way: part of each chunk's work holds Python's lock);
5. ``dask_check``: the same in parts by district with a buffer of twice the walk, on a Dask
   LocalCluster of 2 worker processes (the cluster's start timed apart). Target: within
   1.5x of the single-process time (4b; the ratio to 4 is printed too); its table must
   equal stage 4's (a digest of the figures);
6. ``osmnx_baseline``: osmnx's example pipeline (graph_from_xml, nearest_nodes, networkx
   multi-source Dijkstra with a cutoff) on ``--sample`` towns, EXTRAPOLATED to all towns
   (per-town time × towns), its shares beside ours.

The machine is 2 cores, 24 GiB. No assertion: figures are printed beside their targets
("met" / "NOT met"). Not collected by pytest (not test_*).
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GIB = 1024 ** 3
RESULT_TAG = "BENCH_CITY_RESULT "


@dataclass(frozen=True)
class Stage:
    """One benchmark stage: ``run(args)`` runs in its own process and returns its figures
    (``{"seconds": …, …}``); ``target_s`` / ``target_gib`` are the targets (None: none)."""

    name: str
    title: str
    run: Callable[[argparse.Namespace], dict]
    target_s: float | None = None
    target_gib: float | None = 8.0


# --- files of one run ---------------------------------------------------------------------------
def pbf_path(args: argparse.Namespace) -> Path:
    return Path(args.workdir) / f"city-{args.n_side}.osm.pbf"


def towns_path(args: argparse.Namespace) -> Path:
    return Path(args.workdir) / f"towns-{args.n_side}.gpkg"


def cache_path(args: argparse.Namespace) -> Path:
    return Path(args.workdir) / "cache"


# --- stages (each runs in a child process) --------------------------------------------------------
def stage_generate(args: argparse.Namespace) -> dict:
    from tests.city_synth import write_city
    t0 = time.perf_counter()
    counts = write_city(pbf_path(args), n_side=args.n_side, seed=args.seed, towns=args.towns,
                        districts=args.districts, zones_path=towns_path(args))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "counts": counts,
            "pbf_mb": pbf_path(args).stat().st_size / 1e6,
            "gpkg_mb": towns_path(args).stat().st_size / 1e6}


def _load(args: argparse.Namespace) -> dict:
    from geo.osm import load_osm
    t0 = time.perf_counter()
    extract = load_osm(pbf_path(args), cache_dir=cache_path(args))
    seconds = time.perf_counter() - t0
    files = list(cache_path(args).glob("osm-full-*"))
    return {"seconds": seconds, "counts": extract.counts(), "dropped": extract.dropped,
            "cache_mb": sum(f.stat().st_size for f in files) / 1e6}


def stage_first_parse(args: argparse.Namespace) -> dict:
    return _load(args)


def stage_warm_load(args: argparse.Namespace) -> dict:
    return _load(args)


def _towns(args: argparse.Namespace):
    import geopandas as gpd
    return gpd.read_file(towns_path(args), layer="towns")


def _check(args: argparse.Namespace, client=None, fork: bool = True) -> dict:
    """The whole-city green reach by towns as ``python -m layers coverage --towns`` runs it:
    the inputs from the warm cache, one network, one search, the table, one GeoPackage."""
    import os
    os.environ["ZJ_CACHE_DIR"] = str(cache_path(args))
    from layers.coverage.zonal import run_zones
    t0 = time.perf_counter()
    import os
    result = run_zones(pbf_path(args), None, "green5", {}, zones=_towns(args),
                       parts_by="district" if client is not None else None, client=client,
                       processes=os.cpu_count() if client is None and fork else None)
    result.to_gpkg(Path(args.workdir) / ("towns-dask.gpkg" if client is not None else "towns-out.gpkg"))
    seconds = time.perf_counter() - t0
    s = result.summary()
    return {"seconds": seconds, "workers": 2 if client is not None else os.cpu_count() if fork else 0,
            "share": f"{100 * result.share:.2f}%", "zones": s["zones"],
            "zones_meeting_85pct": s["zones_meeting_target"], "units": s["units"], "gaps": s["gaps"],
            "timings_s": {k: round(v, 2) for k, v in result.timings.items()},
            "table_digest": _digest(result.table)}


def _digest(table) -> str:
    """A digest of the table's figures (rounded to 1e-9): equal digests, equal tables."""
    import hashlib
    cols = [c for c in table.columns if c.startswith(("units", "total", "covered", "share"))]
    return hashlib.sha256(table[cols].round(9).to_csv(index=False).encode()).hexdigest()[:16]


def stage_warm_check(args: argparse.Namespace) -> dict:
    return _check(args)


def stage_one_process(args: argparse.Namespace) -> dict:
    """The same in one process: the chunks in threads, no forked workers (the app's way)."""
    return _check(args, fork=False)


def stage_dask_check(args: argparse.Namespace) -> dict:
    """The same on a Dask LocalCluster (2 worker processes, one thread each), in parts by
    district with a buffer of twice the walk; the cluster's start is timed apart."""
    from dask.distributed import Client, LocalCluster
    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        start = time.perf_counter() - t0
        out = _check(args, client)
    out["cluster_start_s"] = round(start, 2)
    return out


def _write_xml(path: Path, ways, coords: dict) -> None:
    """The ways (``geo.osm`` walk rows) and their nodes as an OSM XML file for osmnx."""
    from xml.sax.saxutils import quoteattr
    ids = sorted({n for nodes in ways["nodes"] for n in nodes})
    with path.open("w", encoding="utf-8") as f:
        f.write("<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n")
        for n in ids:
            x, y = coords[n]
            f.write(f"<node id='{n}' lat='{y:.7f}' lon='{x:.7f}' version='1'/>\n")
        for k, row in enumerate(ways.itertuples(index=False)):
            f.write(f"<way id='{k + 1}' version='1'>")
            f.write("".join(f"<nd ref='{n}'/>" for n in row.nodes))
            f.write(f"<tag k='highway' v={quoteattr(str(row.highway))}/></way>\n")
        f.write("</osm>\n")


def stage_baseline(args: argparse.Namespace) -> dict:
    """The osmnx example pipeline on a sample of towns, extrapolated to all towns (said so).

    Per town, as osmnx's accessibility examples go: the streets within 300 m of the town as an
    OSM XML file (written beforehand, not timed); timed: ``osmnx.graph_from_xml`` (simplified),
    ``project_graph``, each park >= 400 m² entered at the graph nodes inside it grown by 10 m
    (else at the node nearest its centroid), each residential 25 m cell at its nearest node
    (``osmnx.distance.nearest_nodes``), one ``networkx.multi_source_dijkstra_path_length``
    with a 300 m cutoff; a cell is covered when its node's distance plus the straight walk to
    the node is <= 300 m. Shares beside those of the whole-city run (stage 4's GeoPackage).
    """
    import geopandas as gpd
    import networkx as nx
    import numpy as np
    import osmnx as ox
    import pyogrio
    import shapely

    from geo.crs import local_tm_crs
    from geo.demand import grid_cells
    from geo.osm import load_osm
    ex = load_osm(pbf_path(args), cache_dir=cache_path(args))
    towns = _towns(args)
    sample = towns.iloc[:: max(1, len(towns) // args.sample)].head(args.sample)
    crs = local_tm_crs(121.47, 31.23)
    walk = ex.walk.to_crs(crs)
    green = ex.green.to_crs(crs)
    green = green[green.geometry.area >= 400.0]
    res = ex.residential_landuse.to_crs(crs)
    flat = np.concatenate([np.asarray(n) for n in ex.walk["nodes"]])
    coords = dict(zip(flat.tolist(), map(tuple, shapely.get_coordinates(ex.walk.geometry.to_numpy()))))
    timed, rows = 0.0, []
    for i, town in sample.to_crs(crs).iterrows():
        region = town.geometry.buffer(300.0)
        xml = Path(args.workdir) / "town.osm"
        _write_xml(xml, ex.walk[walk.intersects(region).to_numpy()], coords)
        polys = shapely.intersection(res.geometry[res.intersects(town.geometry)].to_numpy(), town.geometry)
        cells, _ = grid_cells(polys, 25.0)
        pts = shapely.point_on_surface(cells)
        parks = green[green.intersects(region)]
        t0 = time.perf_counter()
        g = ox.project_graph(ox.graph_from_xml(xml, simplify=True, retain_all=True), to_crs=crs)
        nodes = ox.graph_to_gdfs(g, edges=False)
        grown = gpd.GeoDataFrame(geometry=parks.geometry.buffer(10.0).to_numpy(), crs=crs)
        hit = gpd.sjoin(nodes[["geometry"]], grown, predicate="within")
        entry = set(hit.index)
        alone = parks.geometry.to_numpy()[~np.isin(np.arange(len(parks)), hit["index_right"].to_numpy())]
        if len(alone):
            c = shapely.centroid(alone)
            entry |= set(ox.distance.nearest_nodes(g, shapely.get_x(c), shapely.get_y(c)))
        near, dist = ox.distance.nearest_nodes(g, shapely.get_x(pts), shapely.get_y(pts), return_dist=True)
        reached = nx.multi_source_dijkstra_path_length(g.to_undirected(), entry, cutoff=300.0,
                                                       weight="length") if entry else {}
        d = np.array([reached.get(n, np.inf) for n in near]) + np.asarray(dist)
        timed += time.perf_counter() - t0
        a = shapely.area(cells)
        rows.append((int(i), str(town["name"]), len(cells), float(a[d <= 300.0].sum() / a.sum())
                     if a.sum() > 0 else float("nan")))
    ours = Path(args.workdir) / "towns-out.gpkg"
    table = pyogrio.read_dataframe(ours, layer="table", read_geometry=False).set_index("zone_id") \
        if ours.exists() else None
    side = {name: f"osmnx {share:.3f} / ours {table.loc[i, 'share']:.3f}" if table is not None
            else f"osmnx {share:.3f}" for i, name, _, share in rows}
    per_town = timed / max(len(rows), 1)
    return {"seconds": timed, "towns_sampled": len(rows), "cells_sampled": sum(r[2] for r in rows),
            "seconds_per_town": round(per_town, 2),
            "all_towns_s_EXTRAPOLATED": round(per_town * len(towns), 1),
            "shares": side}


# ================================================================================================
# STAGES: the benchmark, in order. To add a stage, write ``stage_<name>(args) -> dict`` above
# (it runs in its own process; return at least {"seconds": ...}) and append it here.
# ================================================================================================
STAGES: list[Stage] = [
    Stage("generate", "1. generate the city (.osm.pbf + towns.gpkg)", stage_generate, None, None),
    Stage("first_parse", "2. first parse, empty cache (load_osm)", stage_first_parse, 120.0),
    Stage("warm_load", "3. warm load from the cache (load_osm)", stage_warm_load, 10.0),
    Stage("warm_check", "4. warm whole-city green5 by towns", stage_warm_check, 30.0),
    Stage("one_process", "4b. the same in one process (threads)", stage_one_process, None),
    Stage("dask_check", "5. the same on a Dask LocalCluster (2 workers)", stage_dask_check, None),
    Stage("osmnx_baseline", "6. osmnx example pipeline, sample of towns", stage_baseline, None, None),
]


# --- running ------------------------------------------------------------------------------------
def _peak_rss_bytes() -> int:
    """This process's peak resident set (VmHWM), bytes."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_child(args: argparse.Namespace) -> None:
    """``--stage NAME``: run one stage here and print its figures as one JSON line."""
    stage = next(s for s in STAGES if s.name == args.stage)
    result = stage.run(args)
    result["peak_rss_bytes"] = _peak_rss_bytes()
    workers = int(result.pop("workers", 0) or 0)
    if workers:  # forked workers: each one's peak added (shared pages counted in each: an upper bound)
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        result["process_peak_rss_gib"] = round(result["peak_rss_bytes"] / GIB, 2)
        result["worker_peak_rss_gib"] = round(child / GIB, 2)
        result["peak_rss_bytes"] += workers * child
    print(RESULT_TAG + json.dumps(result), flush=True)


def run_stage(stage: Stage, args: argparse.Namespace) -> dict:
    """Run ``stage`` in a new process; its figures, plus the process's wall time."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", stage.name,
           "--workdir", str(args.workdir), "--n-side", str(args.n_side), "--seed", str(args.seed),
           "--towns", str(args.towns), "--districts", str(args.districts), "--sample", str(args.sample)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_TAG)]
    if proc.returncode != 0 or not lines:
        print(proc.stdout + proc.stderr, file=sys.stderr)
        return {"error": f"exit {proc.returncode}", "process_s": wall,
                "peak_rss_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}
    result = json.loads(lines[-1][len(RESULT_TAG):])
    result["process_s"] = wall
    return result


def verdict(stage: Stage, result: dict) -> str:
    if "error" in result:
        return "FAILED"
    ok = True
    if stage.target_s is not None:
        ok &= result["seconds"] <= stage.target_s
    if stage.target_gib is not None:
        ok &= result["peak_rss_bytes"] / GIB <= stage.target_gib
    if stage.target_s is None and stage.target_gib is None:
        return "-"
    return "met" if ok else "NOT met"


def _target_text(stage: Stage) -> str:
    parts = []
    if stage.target_s is not None:
        parts.append(f"<= {stage.target_s:g} s")
    if stage.target_gib is not None:
        parts.append(f"<= {stage.target_gib:g} GiB")
    return ", ".join(parts) or "-"


def report(stage: Stage, result: dict) -> None:
    print(f"\n== {stage.title}")
    if "error" in result:
        print(f"   FAILED ({result['error']})")
        return
    target = "" if verdict(stage, result) == "-" else \
        f"  [{_target_text(stage)}: {verdict(stage, result)}]"
    print(f"   {result['seconds']:.1f} s (process {result['process_s']:.1f} s), "
          f"peak RSS {result['peak_rss_bytes'] / GIB:.2f} GiB{target}")
    for key, value in result.items():
        if key in ("seconds", "process_s", "peak_rss_bytes"):
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                              for k, v in value.items())
        elif isinstance(value, float):
            value = f"{value:.1f}"
        print(f"   {key}: {value}")


def summary(rows: list[tuple[Stage, dict]]) -> None:
    print("\n== Summary")
    head = f"{'stage':<48} {'seconds':>8} {'process s':>10} {'peak RSS GiB':>13}  {'target':<22} result"
    print(head)
    print("-" * len(head))
    for stage, result in rows:
        if "error" in result:
            print(f"{stage.title:<48} {'-':>8} {result['process_s']:>10.1f} {'-':>13}  "
                  f"{_target_text(stage):<22} FAILED")
            continue
        print(f"{stage.title:<48} {result['seconds']:>8.1f} {result['process_s']:>10.1f} "
              f"{result['peak_rss_bytes'] / GIB:>13.2f}  {_target_text(stage):<22} "
              f"{verdict(stage, result)}")
    got = {stage.name: result for stage, result in rows if "error" not in result}
    if "dask_check" in got:
        dask = got["dask_check"]
        for name, what in (("one_process", "one process"), ("warm_check", "forked workers")):
            if name in got:
                one = got[name]
                ratio = dask["seconds"] / one["seconds"]
                print(f"\nDask / {what}: {dask['seconds']:.1f} s / {one['seconds']:.1f} s = {ratio:.2f}x "
                      f"(target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'}; cluster start "
                      f"{dask['cluster_start_s']:.1f} s apart); tables "
                      f"{'identical' if dask['table_digest'] == one['table_digest'] else 'DIFFER'}")
    if "warm_check" in got and "osmnx_baseline" in got:
        base = got["osmnx_baseline"]
        print(f"osmnx pipeline: {base['seconds_per_town']:.1f} s per town on {base['towns_sampled']} towns, "
              f"all towns about {base['all_towns_s_EXTRAPOLATED']:.0f} s (EXTRAPOLATED, not run) "
              f"against {got['warm_check']['seconds']:.1f} s for ours, run")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-side", type=int, default=1230, help="street nodes per side (1230 ≈ Shanghai)")
    ap.add_argument("--workdir", default=None, help="where the city and the cache go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--towns", type=int, default=200)
    ap.add_argument("--districts", type=int, default=16)
    ap.add_argument("--sample", type=int, default=5, help="towns timed with the osmnx pipeline")
    ap.add_argument("--stage", default=None, help=argparse.SUPPRESS)  # internal: run one stage
    args = ap.parse_args()
    if args.stage:
        run_child(args)
        return
    made = args.workdir is None
    args.workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench_city-"))
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(f"city: n_side {args.n_side}, work directory {args.workdir}")
    rows = []
    try:
        for stage in STAGES:
            if stage.name == "first_parse":  # the first parse starts from an empty cache
                shutil.rmtree(cache_path(args), ignore_errors=True)
            result = run_stage(stage, args)
            report(stage, result)
            rows.append((stage, result))
            if "error" in result and stage.name == "generate":
                break
        summary(rows)
    finally:
        if made and not args.keep:
            shutil.rmtree(args.workdir, ignore_errors=True)
        elif args.keep or not made:
            print(f"\nkept: {args.workdir}")


if __name__ == "__main__":
    main()
