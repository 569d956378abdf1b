"""Catalogue summaries: one dict per layer, for the CLI, the app and the tests."""
from __future__ import annotations

from geo.errors import ZJError
from geo.measure import total_area_km2
from layers.catalogue import LAYERS
from layers.loading import load
from layers.spec import LayerSpec


def summarise(spec: LayerSpec) -> dict:
    """Summary of one layer: spec fields, feature count, area, provenance.

    A layer that fails to load is summarised with ``feature_count`` None and its
    error in ``error``, so one broken file never hides the rest of the catalogue.
    """
    row = {
        "id": spec.id,
        "title_zh": spec.title_zh,
        "title_en": spec.title_en,
        "group": spec.group,
        "geometry_type": spec.geometry_type,
        "feature_count": None,
        "area_km2": None,
        "provenance": spec.provenance_dict(),
        "error": None,
    }
    try:
        gdf = load(spec.id)
    except ZJError as exc:
        row["error"] = str(exc)
        return row
    row["feature_count"] = int(len(gdf))
    if spec.is_areal:
        row["area_km2"] = round(total_area_km2(gdf), 3)
    return row


def catalogue_summary() -> list[dict]:
    """Summaries of every catalogue layer, in catalogue order."""
    return [summarise(spec) for spec in LAYERS]
