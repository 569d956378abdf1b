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
everything, GEOS and osmium's C++ heaps included.

1. ``generate``: write the city and its towns (counts, file size);
2. ``first_parse``: ``geo.osm.load_osm(path, cache_dir=EMPTY)``: parses the whole file and
   writes the cache (GeoParquet + JSON in a zip, keyed by the file's content hash).
   Target <= 120 s, peak RSS <= 8 GiB;
3. ``warm_load``: the same call in a new process: reads the cache. Target <= 10 s, <= 8 GiB.

Stages still to add (see ``STAGES``): 4. the warm whole-city check by towns
(``python -m layers coverage --check green5 --area <file> --osm <pbf> --towns towns.gpkg``),
target <= 30 s and <= 8 GiB; 5. the same on Dask, target within 1.5x of stage 4;
6. an osmnx-style baseline on a sample of towns.

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


# ================================================================================================
# STAGES: the benchmark, in order. To add a stage, write ``stage_<name>(args) -> dict`` above
# (it runs in its own process; return at least {"seconds": ...}) and append it here.
# Still to add:
#   4. Stage("warm_check", "warm whole-city green5 check by towns", stage_warm_check, 30.0)
#      python -m layers coverage --check green5 --area <file> --osm <pbf> --towns towns.gpkg ...
#   5. Stage("dask_check", "the same on Dask", stage_dask_check, <1.5 x stage 4>)
#   6. Stage("osmnx_baseline", "osmnx-style baseline on a sample of towns", stage_baseline, None)
# ================================================================================================
STAGES: list[Stage] = [
    Stage("generate", "1. generate the city (.osm.pbf + towns.gpkg)", stage_generate, None, None),
    Stage("first_parse", "2. first parse, empty cache (load_osm)", stage_first_parse, 120.0),
    Stage("warm_load", "3. warm load from the cache (load_osm)", stage_warm_load, 10.0),
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
    print(RESULT_TAG + json.dumps(result), flush=True)


def run_stage(stage: Stage, args: argparse.Namespace) -> dict:
    """Run ``stage`` in a new process; its figures, plus the process's wall time."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", stage.name,
           "--workdir", str(args.workdir), "--n-side", str(args.n_side), "--seed", str(args.seed),
           "--towns", str(args.towns), "--districts", str(args.districts)]
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-side", type=int, default=1230, help="street nodes per side (1230 ≈ Shanghai)")
    ap.add_argument("--workdir", default=None, help="where the city and the cache go (default: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--towns", type=int, default=200)
    ap.add_argument("--districts", type=int, default=16)
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
