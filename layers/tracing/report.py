"""What a traced boundary comes with, for the command line and the app: areas, the per-edge
table (what each edge followed, gaps, how far the hand-digitised line was off), notes."""
from __future__ import annotations

from geo.errors import ZJError
from geo.trace import TraceResult
from layers.text.trace import EDGE_HEADERS, FOLLOW_LABELS
from layers.tracing import compare
from layers.tracing.descriptions import reference_feature

__all__ = ["trace_report", "edge_table"]


def trace_report(result: TraceResult) -> dict:
    """Everything the CLI and the app show: areas, edges (with the hand-digitised offsets), gaps."""
    desc = result.description
    edges = [{"edge": i, "side": e.spec.side or "", "road": e.spec.label(), "follow": e.follow,
              "osm_names": e.osm_names, "osm_ways": e.osm_ways, "length_m": round(e.length_m),
              "dual": e.dual, "width_m": round(e.width_m, 1), "gaps": len(e.gaps), "source": e.spec.source}
             for i, e in enumerate(result.edges, 1)]
    out: dict = {"id": desc.id, "name_zh": desc.name_zh, "name_en": desc.name_en,
                 "osm": result.osm_source, "area_km2": round(result.area_km2, 4),
                 "published_km2": desc.published_area_km2, "edges": edges, "gaps": result.gaps,
                 "notes": [{"zh": zh, "en": en} for zh, en in result.notes],
                 "provenance": result.provenance(), "written": []}
    if desc.compare:
        try:
            ref, _ = reference_feature(desc.compare)
        except ZJError:
            return out
        out["reference"] = compare.area_comparison(result, ref, desc.published_area_km2)
        for row, off in zip(edges, compare.edge_offsets(result, ref)):
            row.update(median_m=off["median_m"], p90_m=off["p90_m"], max_m=off["max_m"])
    return out


def edge_table(report: dict, lang: str) -> list[dict]:
    """The per-edge rows with headers and values in ``lang`` (for a table in the app)."""
    sides = {"N": ("北", "north"), "E": ("东", "east"), "S": ("南", "south"), "W": ("西", "west")}
    rows = []
    for row in report["edges"]:
        out = {}
        for key, head in EDGE_HEADERS.items():
            if key not in row and key != "dual":
                continue
            value = row.get(key)
            if key == "side":
                value = sides[value][0 if lang == "zh" else 1] if value else ""
            elif key == "follow":
                value = FOLLOW_LABELS[value].get(lang)
            elif key == "dual":
                value = f"{row['width_m']:.0f}" if row["dual"] else "-"
            elif key == "osm_names":
                value = "; ".join(value)
            out[head.get(lang)] = value
        rows.append(out)
    return rows
