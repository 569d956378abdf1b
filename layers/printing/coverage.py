"""A coverage check's result on a print map: its input, drawing and legend rows.

The layers' styles are the web map's (:data:`layers.coverage.mapping.STYLES`), their
names the coverage text tables' (:mod:`layers.text.coverage`).
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo import settings
from geo.bilingual import Bilingual
from geo.crs import to_wgs84
from geo.errors import LayerFileError, PrintError
from layers.catalogue.symbology import geometry_kind
from layers.printing.draw import draw_frame
from layers.printing.legend import LegendRow
from layers.printing.sources import OSM_ATTRIBUTION
from layers.printing.styles import mpl_style
from layers.text import t
from layers.text.coverage import CHECK_LABELS, RESULT_LABELS

__all__ = ["AREA_STYLE", "COVERAGE_DRAW", "COVERAGE_LEGEND", "coverage_frames", "coverage_legend_rows", "coverage_title",
           "draw_coverage", "read_coverage_file"]

#: Coverage result layers, drawn bottom to top, and their legend order.
COVERAGE_DRAW = ("covered", "gap", "new", "source")
COVERAGE_LEGEND = ("gap", "covered", "new", "source")
#: The analysis area's outline: black, dash-dotted, unfilled.
AREA_STYLE = {"color": "#000000", "weight": 2, "fillOpacity": 0.0, "dashArray": "8 3 2 3"}


def coverage_frames(extra: Any) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    """Coverage layers and metadata from ``extra``.

    Parameters
    ----------
    extra : CoverageResult or mapping
        A :class:`geo.coverage.CoverageResult` (its gaps and covered places are
        drawn), or a mapping with any of the frames ``"gap"``, ``"covered"``,
        ``"source"``, ``"new"`` (as ``layers.coverage.result_layers`` makes them)
        and optionally ``"title"`` (str, Bilingual or ``{"zh": …, "en": …}``),
        ``"attribution"`` (str) and ``"area"`` (the analysis area: shapely geometry
        or GeoDataFrame).

    Returns
    -------
    frames : dict
        Non-empty WGS84 frames by kind.
    meta : dict
        ``title``, ``attribution`` and ``area`` (a WGS84 frame or None).

    Raises
    ------
    PrintError
        If ``extra`` is missing or holds nothing to draw.
    """
    if extra is None:
        raise PrintError("the coverage preset needs a coverage result (run a check first)",
                         "覆盖缺口地图需要一个覆盖检查结果 (请先运行检查)")
    meta: dict = {"title": None, "attribution": OSM_ATTRIBUTION + " (ODbL)", "area": None}
    if hasattr(extra, "gap_layer"):
        raw = {"gap": extra.gap_layer(False), "covered": extra.gap_layer(True)}
        meta["title"] = CHECK_LABELS.get(getattr(extra, "check", ""))
    elif isinstance(extra, Mapping):
        raw = {k: extra.get(k) for k in COVERAGE_DRAW}
        for key in ("title", "attribution", "area"):
            if extra.get(key) is not None:
                meta[key] = extra[key]
    else:
        raise PrintError(f"cannot print a coverage result from {type(extra).__name__}",
                         "无法识别的覆盖检查结果")
    frames = {}
    for kind, gdf in raw.items():
        if gdf is not None and len(gdf):
            gdf = to_wgs84(gdf)
            frames[kind] = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    frames = {k: v for k, v in frames.items() if len(v)}
    if not frames:
        raise PrintError("the coverage result has nothing to draw (no gaps, covered places or sources)",
                         "覆盖检查结果没有可绘制的内容")
    area = meta["area"]
    if area is not None and not isinstance(area, gpd.GeoDataFrame):
        area = gpd.GeoDataFrame(geometry=[area], crs=settings.WGS84)
    meta["area"] = None if area is None else to_wgs84(area)
    return frames, meta


def coverage_title(meta: Mapping, lang: str) -> str | None:
    """The title of a coverage result (``meta["title"]``) in ``lang``, if it has one."""
    title = meta.get("title")
    if isinstance(title, Bilingual):
        title = title.get(lang)
    elif isinstance(title, Mapping):
        title = title.get(lang) or title.get("zh")
    return str(title) if title else None


def read_coverage_file(path: str | Path) -> dict[str, gpd.GeoDataFrame]:
    """Coverage layers from a file the app exported: a GeoPackage (layers gap, covered,
    source, new) or a GeoJSON of gaps.

    Raises
    ------
    LayerFileError
        If the file is missing or cannot be read.
    """
    p = Path(path)
    if not p.exists():
        raise LayerFileError(f"{p}: file not found", f"{p}: 文件不存在")
    try:
        if p.suffix.lower() == ".gpkg":
            import pyogrio
            names = [str(n) for n in pyogrio.list_layers(p)[:, 0]]
            return {n: gpd.read_file(p, layer=n) for n in names if n in COVERAGE_DRAW}
        return {"gap": gpd.read_file(p)}
    except Exception as exc:  # pyogrio / GDAL errors
        raise LayerFileError(f"{p}: cannot read coverage layers: {exc}", f"{p}: 无法读取覆盖检查图层") from exc


def coverage_legend_rows(frames: Mapping[str, gpd.GeoDataFrame], lang: str, area: bool) -> list[LegendRow]:
    """Legend rows of the coverage layers drawn (and of the analysis area, if drawn)."""
    from layers.coverage.mapping import STYLES
    rows = []
    for kind in COVERAGE_LEGEND:
        if kind in frames:
            shape = geometry_kind(frames[kind].geometry.geom_type)
            rows.append(LegendRow(kind, RESULT_LABELS[kind].get(lang), shape, dict(STYLES[kind])))
    if area:
        rows.append(LegendRow("area", t(lang, "print_area"), "polygon", AREA_STYLE))
    return rows


def draw_coverage(ax: Any, cov: Mapping[str, gpd.GeoDataFrame], area: gpd.GeoDataFrame | None, lang: str,
                  s: float) -> list[LegendRow]:
    """Draw a coverage result's layers (projected) and its analysis area; returns their legend rows."""
    if not cov:
        return []
    from layers.coverage.mapping import STYLES
    for rank, kind in enumerate(k for k in COVERAGE_DRAW if k in cov):
        g = cov[kind]
        draw_frame(ax, g, [mpl_style(STYLES[kind], s)] * len(g), f"coverage-{kind}", 0.5 + rank * 0.01)
    if area is not None:
        draw_frame(ax, area, [mpl_style(AREA_STYLE, s)] * len(area), "coverage-area", 0.9)
    return coverage_legend_rows(cov, lang, area is not None)
