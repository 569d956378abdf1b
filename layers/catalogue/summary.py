"""Catalogue summaries: one dict per layer, for the CLI, the app and the tests."""
from __future__ import annotations

import pandas as pd

from geo.errors import ZJError
from geo.measure import total_area_km2
from layers.catalogue.entries import LAYERS
from layers.catalogue.loading import load
from layers.catalogue.spec import LayerSpec

__all__ = ["summarise", "catalogue_summary", "catalogue_table"]


def summarise(spec: LayerSpec) -> dict:
    """Summary of one layer: spec fields, feature count, area, provenance.

    A layer that fails to load is summarised with ``feature_count`` None and its
    error in ``error``, so one broken file never hides the rest of the catalogue.
    """
    row: dict[str, object] = {
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


def catalogue_table(rows: list[dict], lang: str) -> pd.DataFrame:
    """The catalogue summary as a display table with headers in ``lang``."""
    from layers.text import t
    from layers.text.webmap import format_value

    out = []
    for r in rows:
        p = r["provenance"]
        area = "—" if r["area_km2"] is None else f"{r['area_km2']:.2f}"
        count = "—" if r["feature_count"] is None else str(r["feature_count"])
        out.append((r["id"], r[f"title_{lang}"], count, area, format_value(p["method"], "method", lang),
                    f"±{p['accuracy_m']:g}", t(lang, "error") if r["error"] else t(lang, "ok")))
    return pd.DataFrame(out, columns=t(lang, "catalogue_cols").split("|"))
