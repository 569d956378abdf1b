"""``python -m layers map PRESET …``: print a preset to PDF or PNG from the command line.

``--overlay FILE`` (repeatable) draws a planner's layer over the preset: any file the app
imports (GeoJSON, GeoPackage — ``FILE::LAYER`` for one of several layers —, zipped Shapefile,
KML, CSV), read by :func:`layers.io.importer.read_layer` with its checks and messages.

The ``landuse`` preset prints the first ``--overlay`` (a control-plan parcel layer) in its
land-use colours with its balance table beside the legend: ``--landuse-column`` names the code
column (default: found by :func:`geo.landuse.recognise.guess_code_column`), ``--landuse-system``
overrides the detected code system, ``--landuse-level`` is the table's level (1 大类, 2 中类).
"""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from geo import settings
import geopandas as gpd

from geo.bilingual import LANGS
from geo.landuse.codes import SYSTEMS

from geo.errors import BasemapWarning, ImportFileError, PrintError, ZJError
from layers.printing.coverage import read_coverage_file
from layers.printing.output import default_filename, save
from layers.printing.overlays import OverlayWarning
from layers.printing.page import FORMATS, MM_PER_INCH, PT_PER_MM, check_format, paper_mm
from layers.printing.presets import PRESETS, get_preset
from layers.printing.render import render
from layers.printing.table import landuse_inputs

__all__ = ["cmd_map", "read_overlay_file", "register_cli"]


def read_overlay_file(arg: str) -> tuple[str, gpd.GeoDataFrame, list[str]]:
    """A layer to draw over the map, from ``FILE`` or ``FILE::LAYER``: its name (the layer's, or the
    file's stem), its WGS84 features and what the import fixed or warns about.

    Raises
    ------
    ImportFileError, ImportGeometryError, CRSError
        The file cannot be imported (see :func:`layers.io.importer.read_layer`).
    PrintError
        A GeoPackage of several layers without ``::LAYER``; a CRS that is only a guess.
    """
    from layers.io.importer import list_layers, read_layer
    path, layer = arg, None
    if "::" in arg and not Path(arg).exists():
        path, layer = arg.rsplit("::", 1)
    name = Path(path).name
    try:
        imp = read_layer(path, layer=layer or None, allow_mixed=True)
    except ImportFileError as err:
        if err.kind != "layer":
            raise
        names = ", ".join(list_layers(path))
        raise PrintError(f"{name}: choose one of its layers ({names}) with --overlay {name}::LAYER",
                         f"{name}: 请以 --overlay {name}::图层名 选择其中一个图层 ({names})") from None
    if imp.needs_confirmation:
        raise PrintError(f"{name}: declares no CRS, and {imp.crs_used} is only a guess; save it with its CRS "
                         "(e.g. as GeoJSON in WGS84) or check it with python -m layers import",
                         f"{name}: 未声明坐标系, {imp.crs_used} 只是推测; 请以声明坐标系的格式保存 (如 WGS84 GeoJSON), "
                         "或先用 python -m layers import 检查")
    return layer or Path(path).stem, imp.frame, imp.fixes + imp.warnings


def _overlays(files: list[str] | None) -> dict[str, gpd.GeoDataFrame]:
    """The ``--overlay`` files by name (a repeated name numbered); the import's notes to stderr."""
    out: dict[str, gpd.GeoDataFrame] = {}
    for arg in files or []:
        name, frame, notes = read_overlay_file(arg)
        for note in notes:
            print(f"warning: {name}: {note}", file=sys.stderr)
        key, n = name, 1
        while key in out:
            n += 1
            key = f"{name} ({n})"
        out[key] = frame
    return out


def _landuse(args: argparse.Namespace, overlays: dict[str, gpd.GeoDataFrame]) -> tuple[dict, Any]:
    """For the ``landuse`` preset: the first overlay's land-use style (by name) and balance table."""
    if not get_preset(args.preset).needs_table:
        return {}, None
    if not overlays:
        raise PrintError("the landuse preset needs the parcel layer: --overlay FILE (e.g. 控规.zip)",
                         "landuse 预设需要地块图层: --overlay 文件 (如 控规.zip)")
    name, frame = next(iter(overlays.items()))
    column, style, table = landuse_inputs(frame, getattr(args, "landuse_column", None),
                                          getattr(args, "landuse_system", None), getattr(args, "landuse_level", 1))
    print(f"{name}: land-use column {column}, {style.system}, {len(style.classes)} classes, "
          f"{table.total_m2 / 1e4:,.2f} ha", file=sys.stderr)
    return {name: style}, table


def cmd_map(args: argparse.Namespace) -> int:
    """Render and save a print map; prints the path and the page size. Returns the exit code."""
    try:
        fmt = check_format(args.format or (Path(args.out).suffix if args.out else "") or "pdf")
        extra = read_coverage_file(args.coverage) if getattr(args, "coverage", None) else None
        overlays = _overlays(getattr(args, "overlay", None))
        styles, table = _landuse(args, overlays)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", BasemapWarning)
            warnings.simplefilter("always", OverlayWarning)
            fig = render(args.preset, lang=args.lang, paper=args.paper, title=args.title, date=args.date,
                         extra=extra, basemap=args.basemap, overlays=overlays, overlay_styles=styles, table=table)
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
        out = Path(args.out) if args.out else Path(default_filename(args.preset, args.paper, fmt, args.date))
        if out.is_dir():
            out = out / default_filename(args.preset, args.paper, fmt, args.date)
        save(fig, out, fmt, dpi=args.dpi)
    except ZJError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    w_mm, h_mm = paper_mm(args.paper)
    size = f"{args.paper.upper()} landscape {w_mm:g}×{h_mm:g} mm"
    if fmt == "pdf":
        size += f" = {w_mm * PT_PER_MM:.2f}×{h_mm * PT_PER_MM:.2f} pt"
    else:
        size += f" = {int(w_mm / MM_PER_INCH * args.dpi)}×{int(h_mm / MM_PER_INCH * args.dpi)} px at {args.dpi} dpi"
    print(out)
    print(size)
    return 0


def register_cli(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``map`` subcommand to ``python -m layers``'s subparsers."""
    p = subparsers.add_parser("map", help="print a map preset to PDF or PNG (offline)",
                              description="Print a ready-made map for meetings: A4/A3 landscape, PDF or PNG.")
    p.add_argument("preset", help="one of: " + ", ".join(PRESETS))
    p.add_argument("--format", choices=FORMATS, default=None, help="pdf or png (default: from --out, else pdf)")
    p.add_argument("--paper", default="A3", type=str.upper, help="A3 or A4 landscape (default A3)")
    p.add_argument("--lang", choices=LANGS, default="zh", help="language of the texts (default zh)")
    p.add_argument("--title", default=None, help="title (default: the preset's)")
    p.add_argument("--date", default=None, help="date printed on the map (default today)")
    p.add_argument("--out", default=None, help="output file (default zhangjiang_<preset>_<paper>_<date>.<fmt>)")
    p.add_argument("--dpi", type=int, default=settings.PRINT_PNG_DPI,
                   help=f"PNG resolution (default {settings.PRINT_PNG_DPI})")
    p.add_argument("--basemap", choices=("none", "osm"), default="none",
                   help="osm: OpenStreetMap tiles underneath (online only; default none)")
    p.add_argument("--coverage", default=None, metavar="FILE",
                   help="coverage preset: layers exported by the app (.gpkg) or a GeoJSON of gaps")
    p.add_argument("--overlay", action="append", default=None, metavar="FILE",
                   help="a layer of your own drawn over the map (repeatable): GeoJSON, GeoPackage "
                        "(FILE::LAYER for one of several layers), zipped Shapefile, KML or CSV; named by the "
                        "file (or layer), credited by its source/method attributes")
    p.add_argument("--landuse-column", default=None, metavar="COLUMN",
                   help="landuse preset: the land-use code column of the first --overlay (default: found)")
    p.add_argument("--landuse-system", choices=SYSTEMS, default=None,
                   help="landuse preset: the code system (default: detected from the codes)")
    p.add_argument("--landuse-level", type=int, choices=(1, 2, 3), default=1,
                   help="landuse preset: level of the balance table, 1 大类 (default), 2 中类, 3 小类")
    p.set_defaults(func=cmd_map)
    return p
