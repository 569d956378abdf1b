"""``python -m layers import``: check and import a planner's file, print a summary.

Exit codes: 0 imported; 1 the file cannot be imported (the message says why); 3 the
file declares no CRS and the detected one must be confirmed with ``--crs``.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from geo.errors import CRSError, ImportFileError, ImportGeometryError
from layers.io.importer import MAX_IMPORT_BYTES, MAX_IMPORT_ENV, max_import_bytes, read_layer, summary
from layers.text import text

__all__ = ["cmd_import", "register_cli"]


def cmd_import(args: argparse.Namespace) -> int:
    """``python -m layers import``: print the summary; exit 0 ok, 1 error, 3 CRS needs confirmation."""
    try:
        imp = read_layer(args.path, layer=args.layer, crs=args.crs, datum=args.datum, swap=args.swap,
                         repair=not args.check, allow_mixed=args.allow_mixed,
                         max_bytes=int(args.max_mb * 1024**2) if args.max_mb else max_import_bytes())
    except (ImportFileError, ImportGeometryError, CRSError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        for c in getattr(exc, "candidates", []) or []:
            print(f"  candidate: {c.label}", file=sys.stderr)
        return 1
    info = summary(imp)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
    else:
        _print_summary(info)
    if imp.needs_confirmation:
        print(text("io_sum_confirm").both())
        for c in imp.candidates:
            print(f"  {c.label}")
        return 3
    return 0


def _label(key: str) -> str:
    b = text(key)
    return f"{b.en} / {b.zh}"


def _print_summary(info: dict[str, Any]) -> None:
    print(f"{info['source']} ({info['format']}{', layer ' + info['layer'] if info['layer'] else ''})")
    print(f"  {_label('io_sum_features')}: {info['features']}  {_label('io_sum_types')}: "
          + ", ".join(f"{k} {v}" for k, v in info["geometry_types"].items()))
    print(f"  {_label('io_sum_crs')}: {info['crs_used']}  datum: {info['datum']}")
    print(f"  bounds (WGS84): {', '.join(f'{b:.6f}' for b in info['bounds'])}")
    for line in info["fixes"]:
        print(f"  {_label('io_sum_fixed')}: {line}")
    for line in info["warnings"]:
        print(f"  {_label('io_sum_warning')}: {line}")


def register_cli(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``import`` to ``python -m layers``' sub-commands.

    Exit codes: 0 imported; 1 the file cannot be imported (the message says why);
    3 the file declares no CRS and the detected one must be confirmed with ``--crs``.
    """
    p = subparsers.add_parser(
        "import", help="check and import a planner's file (GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, CSV)",
        description="Import a file as a WGS84 layer and print a summary. 导入图层文件并显示摘要. "
                    "Exit 0 ok, 1 error, 3 CRS needs confirmation (--crs).")
    p.add_argument("path", help="the file")
    p.add_argument("--crs", default=None, help="CRS of the coordinates, e.g. EPSG:4550 (confirms or overrides)")
    p.add_argument("--datum", choices=["gcj02", "bd09"], default=None,
                   help="lon/lat from Amap/Tencent (gcj02) or Baidu (bd09): converted to WGS84")
    p.add_argument("--layer", default=None, help="GeoPackage layer, Shapefile in a zip, or KML folder")
    p.add_argument("--swap", action="store_true", help="swap x and y (latitude first)")
    p.add_argument("--check", action="store_true", help="strict check: report invalid geometries instead of repairing")
    p.add_argument("--allow-mixed", action="store_true", help="accept mixed points/lines/polygons")
    p.add_argument("--max-mb", type=float, default=None,
                   help=f"size limit in MB (default ${MAX_IMPORT_ENV} or {MAX_IMPORT_BYTES // 1024**2})")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_import)
    return p
