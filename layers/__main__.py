"""Command line: ``python -m layers list [--json]``, ``validate``, ``export``, ``map``, ``import``, ``coverage`` and ``trace``."""
from __future__ import annotations

import argparse
import json
import sys

from layers.catalogue.summary import catalogue_summary


def _cmd_list(args: argparse.Namespace) -> int:
    rows = catalogue_summary()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        area = f"{r['area_km2']:.2f} km²" if r["area_km2"] is not None else "-"
        count = r["feature_count"] if r["feature_count"] is not None else "ERROR"
        p = r["provenance"]
        print(f"{r['id']:<24} {r['title_zh']} / {r['title_en']}")
        print(f"{'':<24} group={r['group']} geometry={r['geometry_type']} features={count} area={area}")
        print(f"{'':<24} source: {p['source']}")
        print(f"{'':<24} method: {p['method']}; date {p['date']}; accuracy ±{p['accuracy_m']:g} m; "
              f"licence: {p['licence']}")
        if r["error"]:
            print(f"{'':<24} ERROR: {r['error']}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    rows = catalogue_summary()
    bad = [r for r in rows if r["error"]]
    for r in rows:
        status = "FAIL" if r["error"] else "ok"
        detail = r["error"] or f"{r['feature_count']} features"
        print(f"{status:<5}{r['id']:<24} {detail}")
    print(f"{len(rows) - len(bad)} of {len(rows)} layers valid")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers", description="The planning layer catalogue.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_list = sub.add_parser("list", help="print the catalogue")
    p_list.add_argument("--json", action="store_true", help="print a JSON array")
    p_list.set_defaults(func=_cmd_list)
    p_val = sub.add_parser("validate", help="check every layer; exit 1 on any problem")
    p_val.set_defaults(func=_cmd_validate)
    from layers.io.cli_export import register_cli as register_export
    from layers.printing.cli import register_cli as register_map_cli  # matplotlib: load only here
    from layers.io.cli_import import register_cli as register_import
    from layers.coverage.cli import register_cli as register_coverage
    from layers.tracing.cli import register_cli as register_trace
    register_export(sub)
    register_map_cli(sub)
    register_import(sub)
    register_coverage(sub)
    register_trace(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `python -m layers list | head`
        sys.stderr.close()
        sys.exit(0)
