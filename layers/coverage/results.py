"""What a coverage result shows and exports: its map layers, its figures table, its files."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo import coverage, settings
from geo.errors import CoverageError
from geo.scenario import Scenario
from layers.coverage.inputs import Inputs
from layers.text import t
from layers.text.coverage import AREA_LABELS, CHECK_LABELS, DEMAND_LABELS, label

__all__ = ["export_bytes", "figures_table", "result_layers", "sources_layer"]


def sources_layer(result: coverage.CoverageResult, inputs: Inputs) -> gpd.GeoDataFrame:
    """The sources a check used (green spaces, facilities or stations), WGS84, for the map."""
    frame = {"green5": inputs.green, "life15": inputs.facilities, "metro": inputs.stations}[result.check]
    if frame is None or frame.empty:
        return gpd.GeoDataFrame(geometry=[], crs=settings.WGS84)
    if result.check == "green5" and "area_m2" in frame:
        frame = frame[frame["area_m2"] >= result.parameters.get("min_area_m2", 0)]
    cols = [c for c in ("name", "kind", "category", "area_m2", "osm_id") if c in frame]
    return gpd.GeoDataFrame(frame[cols].copy(), geometry=frame.geometry, crs=settings.WGS84)


def result_layers(result: coverage.CoverageResult, inputs: Inputs,
                  scenario: Scenario | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The map and export layers of a result: gaps, covered places, sources, a scenario's gain."""
    out = {"gap": result.gap_layer(False), "covered": result.gap_layer(True),
           "source": sources_layer(result, inputs)}
    if scenario is not None:
        out["new"] = scenario.newly_covered
    return out


def export_bytes(frames: dict[str, gpd.GeoDataFrame], fmt: str = "gpkg") -> bytes:
    """Result layers as one GeoPackage (a table each, plus ``layer_provenance``) or, for
    ``geojson``, the gaps alone; any other format of :data:`layers.io.export.FORMATS` holds
    every layer. WGS84, written by :func:`layers.io.export.export_bytes` with OSM provenance."""
    from layers.io import export
    if str(fmt).lower() not in export.FORMATS:
        raise CoverageError(f"unknown export format {fmt!r}", f"未知导出格式 {fmt!r}")
    chosen = {"gap": frames.get("gap")} if fmt == "geojson" else dict(frames)
    chosen = {k: v for k, v in chosen.items() if v is not None}
    if not chosen:
        raise CoverageError("nothing to export", "没有可导出的内容")
    prov = {k: export.OSM_DERIVED_PROVENANCE for k in chosen}
    return export.export_bytes(chosen, fmt, "wgs84", stem="coverage", provenance=prov)[1]


def figures_table(result: coverage.CoverageResult, lang: str) -> pd.DataFrame:
    """The result's figures as a two-column table (label, value) in ``lang``."""

    def pct(x):
        return "-" if x is None or x != x else f"{100 * x:.1f}%"
    parcels = (result.inputs.get("demand") or {}).get("parcels")
    demand = parcels["description"][lang] if parcels else label(DEMAND_LABELS, result.parameters.get("demand", ""), lang)
    rows = [
        (t(lang, "cov_fig_check"), label(CHECK_LABELS, result.check, lang)),
        (t(lang, "cov_fig_area"), label(AREA_LABELS, result.area, lang)),
        (t(lang, "cov_fig_demand"), demand),
        (t(lang, "cov_fig_distance"), f"{result.distance_m:,.0f} m"),
        (t(lang, "cov_fig_share"), pct(result.share)),
        (t(lang, "cov_fig_buffer"), pct(result.share_buffer)),
        (t(lang, "cov_fig_target"), pct(result.target) if result.target is not None else "-"),
    ]
    if parcels:
        rows.append((t(lang, "cov_fig_dropped"), parcels["dropped_text"][lang]))
    if result.weight == "area" or (result.weight == "weight" and result.total_km2 > 0):
        rows.append((t(lang, "cov_fig_covered"), f"{result.covered_km2:,.3f} / {result.total_km2:,.3f} km²"))
    if result.weight == "weight":
        w = result.units["weight"]
        rows.append((t(lang, "cov_fig_weighted"), f"{w[result.units['covered']].sum():,.0f} / {w.sum():,.0f}"))
    if result.share_floor is not None:
        rows.append((t(lang, "cov_fig_floor"), pct(result.share_floor)))
    if result.share_count is not None:
        rows.append((t(lang, "cov_fig_count"), pct(result.share_count)))
    for k, v in result.shares.items():
        rows.append((f"  {k}" + (" m" if isinstance(k, (int, float)) else ""), pct(v)))
    rows.append((t(lang, "cov_fig_sources"), f"{result.n_sources:,}"))
    rows.append((t(lang, "cov_fig_units"), f"{len(result.units):,}"))
    return pd.DataFrame(rows, columns=[t(lang, "cov_fig_item"), t(lang, "cov_fig_value")])
