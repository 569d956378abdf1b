"""``python -m layers export``: export catalogue layers, or a whole group, for another GIS."""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from geo.errors import ExportWarning, LayerFileError, LayerNotFoundError, ZJError
from layers.io.export import FORMATS, check_format, export_report, group_layer_ids, load_layers

__all__ = ["cmd_export", "register_cli"]


def _format_from(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower() if args.out else ""
    if suffix:
        return check_format(suffix)
    raise LayerFileError("give --format (geojson, gpkg, shp, kml, csv) or an --out file with an extension",
                         "请用 --format 指定格式, 或给出带扩展名的 --out 文件")


def cmd_export(args: argparse.Namespace) -> int:
    """``python -m layers export``: write the file, print its path, layers, counts and CRS."""
    try:
        if bool(args.layers) == bool(args.group):
            raise LayerNotFoundError("give LAYER_ID(s) or --group GROUP (one of the two)",
                                     "请给出图层 ID 或 --group 图层组 (二选一)")
        fmt = _format_from(args)
        ids = group_layer_ids(args.group) if args.group else list(args.layers)
        stem = f"zhangjiang_{args.group}" if args.group else (ids[0] if len(ids) == 1 else None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ExportWarning)
            report = export_report(load_layers(ids), fmt, args.out or ".", args.crs, stem=stem)
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
    except ZJError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in report.paths:
        print(f"{path}  ({FORMATS[report.format].label('en')}, {path.stat().st_size:,} bytes)")
    print(f"crs: {report.target.crs} ({report.target.name})")
    for note in report.target.notes:
        print(f"note: {note}")
    for name, n in report.counts.items():
        print(f"  {name:<24} {n:>6} features")
    return 0


def register_cli(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``export`` to ``python -m layers``' sub-commands."""
    from layers.catalogue.spec import GROUPS
    p = subparsers.add_parser(
        "export", help="export layers for another GIS (GeoJSON, GeoPackage, Shapefile, KML, CSV)",
        description="Export catalogue layers, or a whole group, for another GIS. "
                    "导出图层 (GeoJSON / GeoPackage / Shapefile / KML / CSV).")
    p.add_argument("layers", nargs="*", metavar="LAYER_ID", help="catalogue layer ids (python -m layers list)")
    p.add_argument("--group", choices=list(GROUPS), help="export every layer of a group instead")
    p.add_argument("--format", choices=list(FORMATS), help="file format (default: from --out's extension)")
    p.add_argument("--crs", default="wgs84",
                   help="wgs84 (default, EPSG:4326), cgcs2000 (EPSG:4490), gk3 (CGCS2000 3° Gauss-Krüger, "
                        "EPSG:4549/4550 by the data), EPSG:xxxx, or gcj02 (Amap/Tencent only; file "
                        "name gets _GCJ02)")
    p.add_argument("--out", default=None, help="output file, or a folder (default: the current folder)")
    p.set_defaults(func=cmd_export)
    return p
