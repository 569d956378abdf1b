"""How far a hand-digitised boundary lies from the traced one: per edge, and in area.

Distances are measured in a local transverse Mercator (metres): every traced edge is sampled
every :data:`STEP_M` and each sample's distance to the hand-digitised outline is taken.
"""
from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.crs import local_tm_crs, project_xy
from geo.measure import geodesic_area_m2
from geo.trace import TraceResult

__all__ = ["STEP_M", "edge_offsets", "area_comparison"]

#: Sample spacing along each traced edge, metres (finer than any hand-digitised vertex spacing).
STEP_M = 20.0


def _metric(geom: BaseGeometry, crs: str) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: project_xy(xy, settings.WGS84, crs))


def edge_offsets(result: TraceResult, reference: BaseGeometry) -> list[dict]:
    """Per traced edge: median, 90th percentile and largest distance (m) to ``reference``'s outline."""
    c = result.polygon.centroid
    crs = local_tm_crs(c.x, c.y)
    outline = _metric(reference, crs).boundary
    rows = []
    for i, edge in enumerate(result.edges, 1):
        line = _metric(edge.line, crs)
        n = max(2, int(np.ceil(line.length / STEP_M)) + 1)
        pts = shapely.line_interpolate_point(line, np.linspace(0.0, line.length, n))
        d = shapely.distance(pts, outline)
        rows.append({"edge": i, "side": edge.spec.side or "", "road": edge.spec.label(),
                     "length_m": round(edge.length_m), "median_m": round(float(np.median(d))),
                     "p90_m": round(float(np.percentile(d, 90))), "max_m": round(float(d.max()))})
    return rows


def area_comparison(result: TraceResult, reference: BaseGeometry, published_km2: float | None = None) -> dict:
    """Areas (km², geodesic) of the traced and hand-digitised polygons, and how they overlap."""
    ref = shapely.make_valid(reference)
    traced = result.polygon
    both = shapely.intersection(traced, ref)
    either = shapely.union(traced, ref)
    traced_km2 = result.area_m2 / 1e6
    ref_km2 = geodesic_area_m2(ref) / 1e6
    overlap = geodesic_area_m2(both) / 1e6
    union = geodesic_area_m2(either) / 1e6
    return {"traced_km2": traced_km2, "reference_km2": ref_km2, "overlap_km2": overlap, "union_km2": union,
            "published_km2": published_km2,
            "difference_pct": 100.0 * (ref_km2 - traced_km2) / traced_km2 if traced_km2 else 0.0,
            "iou": overlap / union if union else 0.0}
