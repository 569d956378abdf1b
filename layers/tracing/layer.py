"""A traced boundary as a layer: the polygon (and its edges) with provenance, for the map,
the coverage checks, exports and print. The catalogue's own files are never written."""
from __future__ import annotations

import geopandas as gpd

from geo import settings
from geo.trace import TraceResult

__all__ = ["layer_name", "boundary_frame", "edges_frame", "provenance"]


def layer_name(result: TraceResult, lang: str = "zh") -> str:
    """The name the traced layer carries in the session ("描绘: …" / "Traced: …")."""
    prefix = "描绘" if lang == "zh" else "Traced"
    return f"{prefix}: {result.description.name(lang)}"


def provenance(result: TraceResult) -> dict[str, str]:
    """Export provenance (source, method, date, accuracy, licence, titles)."""
    rec = dict(result.provenance())
    rec.update(licence="ODbL 1.0 (© OpenStreetMap contributors)",
               attribution="© OpenStreetMap contributors",
               title_zh=f"描绘边界: {result.description.name_zh}",
               title_en=f"Traced boundary: {result.description.name_en}")
    return rec


def boundary_frame(result: TraceResult) -> gpd.GeoDataFrame:
    """One polygon feature with the description, area, gaps and provenance as attributes."""
    d = result.description
    p = result.provenance()
    return gpd.GeoDataFrame([{
        "id": f"traced_{d.id}", "name_zh": d.name_zh, "name_en": d.name_en,
        "area_km2": round(result.area_km2, 3), "edges": len(result.edges), "gaps": len(result.gaps),
        "gaps_m": round(sum(g["length_m"] for g in result.gaps), 1),
        "description": d.text or " / ".join(e.label() for e in d.edges),
        "source": p["source"], "method": p["method"], "date": p["date"], "accuracy": p["accuracy_m"],
    }], geometry=[result.polygon], crs=settings.WGS84)


def edges_frame(result: TraceResult) -> gpd.GeoDataFrame:
    """One line per edge: road, side, what it followed, OSM names, length, gaps, source sentence."""
    rows = [{"edge": i, "side": e.spec.side or "", "road": e.spec.label(), "follow": e.follow,
             "dual": e.dual, "width_m": round(e.width_m, 1), "osm_names": "; ".join(e.osm_names),
             "osm_ways": e.osm_ways, "length_m": round(e.length_m, 1), "gaps": len(e.gaps),
             "source": e.spec.source} for i, e in enumerate(result.edges, 1)]
    return gpd.GeoDataFrame(rows, geometry=[e.line for e in result.edges], crs=settings.WGS84)
