"""Command line: ``python -m layers trace DESCRIPTION --osm PATH --out FILE``.

DESCRIPTION is a catalogue boundary id (``science_city_2017``, see
``data/boundaries/descriptions``), a TOML description file, or ``-`` with ``--text`` for a
pasted 四至 text. Prints the area, the per-edge table (what each edge followed, gaps, how far
the hand-digitised line was off) and writes the traced polygon (format from the file's
extension). The catalogue's files are never written. Exit codes: 0 ok, 1 the boundary could
not be traced (a clear message on stderr), 2 bad arguments.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo import settings
from geo.errors import ZJError
from geo.trace import TraceResult, trace_boundary
from geo.tracedesc import BoundaryDescription, parse_sizhi, with_follow
from layers.text import t
from layers.text.trace import EDGE_HEADERS, FOLLOW_LABELS
from layers.tracing import layer
from layers.tracing.descriptions import catalogue_descriptions, description
from layers.tracing.report import trace_report

__all__ = ["register_cli", "run_cli", "report_lines"]

_FORMATS = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shp", ".shp": "shp",
            ".kml": "kml", ".csv": "csv"}


def register_cli(subparsers) -> argparse.ArgumentParser:
    """Add ``trace`` to ``python -m layers``' sub-commands."""
    c = subparsers.add_parser(
        "trace", help="trace a boundary along named roads and rivers of an OSM extract",
        description="Build a boundary polygon from its 四至 description along the named OSM ways. "
                    f"Catalogue descriptions: {', '.join(catalogue_descriptions())}.")
    c.add_argument("description", help="catalogue id, TOML description file, or '-' with --text")
    c.add_argument("--osm", required=True, help="path of an .osm.pbf/.osm file, or 'helsinki' (test extract)")
    c.add_argument("--out", help="file to write: .geojson, .gpkg, .zip (Shapefile), .kml or .csv")
    c.add_argument("--edges-out", help="also write the traced edges (lines with their attributes)")
    c.add_argument("--text", help="a 四至 text (北至…、东至…) when DESCRIPTION is '-'")
    c.add_argument("--follow", choices=settings.TRACE_FOLLOW_MODES,
                   help="make every edge follow the centreline, outer or inner side")
    c.add_argument("--max-gap", type=float, default=settings.TRACE_MAX_GAP_M,
                   help=f"longest break bridged, metres (default {settings.TRACE_MAX_GAP_M:g})")
    c.add_argument("--lang", choices=("zh", "en"), default="zh")
    c.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    c.set_defaults(func=run_cli)
    return c


def run_cli(args: argparse.Namespace) -> int:
    """Run ``python -m layers trace``: 0 ok, 1 could not trace (message on stderr), 2 bad arguments."""
    try:
        desc = _description(args)
    except ZJError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    try:
        from geo.osm import resolve_osm
        osm = resolve_osm(args.osm)
        print(t(args.lang, "tr_reading").format(osm=Path(osm).name), file=sys.stderr)
        result = trace_boundary(desc, osm, max_gap_m=args.max_gap)
        report = trace_report(result)
        if args.out:
            report["written"] = [str(p) for p in _write(result, args.out, edges=False)]
        if args.edges_out:
            report["written"] += [str(p) for p in _write(result, args.edges_out, edges=True)]
    except ZJError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print("\n".join(report_lines(result, report, args.lang)))
    return 0


def _description(args: argparse.Namespace) -> BoundaryDescription:
    if args.description == "-":
        if not args.text:
            raise ZJError("give the 四至 text with --text", "请用 --text 给出四至文字")
        desc = parse_sizhi(args.text)
    else:
        desc = description(args.description)
    return with_follow(desc, args.follow) if args.follow else desc


def report_lines(result: TraceResult, report: dict, lang: str) -> list[str]:
    """The report as text lines in ``lang``."""
    desc = result.description
    lines = [t(lang, "tr_traced").format(name=desc.name(lang), edges=len(result.edges),
                                         osm=Path(result.osm_source).name),
             t(lang, "tr_area").format(km2=result.area_km2)]
    if desc.published_area_km2:
        lines.append(t(lang, "tr_published").format(km2=desc.published_area_km2))
    ref = report.get("reference")
    if ref:
        lines.append(t(lang, "tr_reference").format(km2=ref["reference_km2"], pct=ref["difference_pct"],
                                                    iou=ref["iou"]))
    cols = ["edge", "side", "road", "follow", "osm_ways", "length_m", "dual", "gaps"]
    if ref:
        cols += ["median_m", "p90_m", "max_m"]
    lines.append(" | ".join(EDGE_HEADERS[c].get(lang) for c in cols))
    for row in report["edges"]:
        cells = []
        for c in cols:
            v = row.get(c, "")
            if c == "side":
                v = {"N": "北", "E": "东", "S": "南", "W": "西"}.get(v, v) if lang == "zh" else v
            elif c == "follow":
                v = FOLLOW_LABELS[v].get(lang)
            elif c == "dual":
                v = f"{row['width_m']:.0f}" if v else "-"
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                v = f"{v:,}"
            cells.append(str(v))
        lines.append(" | ".join(cells))
    lines += [t(lang, "tr_gap").format(**g) for g in result.gaps] or [t(lang, "tr_no_gaps")]
    lines += [zh if lang == "zh" else en for zh, en in result.notes]
    lines += [t(lang, "tr_written").format(path=p) for p in report.get("written", [])]
    return lines


def _write(result: TraceResult, out: str, *, edges: bool) -> list[Path]:
    from layers.io.export import export_report
    path = Path(out)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ZJError(f"unknown output format {path.suffix!r}: use {', '.join(_FORMATS)}",
                      f"无法识别的输出格式 {path.suffix!r}: 可用 {', '.join(_FORMATS)}")
    name = f"traced_{result.description.id}" + ("_edges" if edges else "")
    frame = layer.edges_frame(result) if edges else layer.boundary_frame(result)
    return export_report({name: frame}, fmt, path, provenance={name: layer.provenance(result)}).paths
