"""``python -m layers map PRESET …``: print a preset to PDF or PNG from the command line."""
from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path
from typing import Any

from geo import settings
from geo.bilingual import LANGS
from geo.errors import BasemapWarning, ZJError
from layers.printing.coverage import read_coverage_file
from layers.printing.output import default_filename, save
from layers.printing.page import FORMATS, MM_PER_INCH, PT_PER_MM, check_format, paper_mm
from layers.printing.presets import PRESETS
from layers.printing.render import render

__all__ = ["cmd_map", "register_cli"]


def cmd_map(args: argparse.Namespace) -> int:
    """Render and save a print map; prints the path and the page size. Returns the exit code."""
    try:
        fmt = check_format(args.format or (Path(args.out).suffix if args.out else "") or "pdf")
        extra = read_coverage_file(args.coverage) if getattr(args, "coverage", None) else None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", BasemapWarning)
            fig = render(args.preset, lang=args.lang, paper=args.paper, title=args.title, date=args.date,
                         extra=extra, basemap=args.basemap)
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
    p.set_defaults(func=cmd_map)
    return p
