"""Render a print map: a matplotlib :class:`~matplotlib.figure.Figure` of one page.

The page has a title block, the map, a legend of exactly what is drawn, a scale bar,
a north arrow and a source / attribution line. It needs no network: the context is the
catalogue's own vector layers (the districts); an OpenStreetMap tile basemap is an option.
The planner's own layers (imported, traced) can be drawn over the preset (``overlays``).

>>> fig = render("parks", paper="A3")          # doctest: +SKIP
"""
from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
from matplotlib.figure import Figure
from shapely.geometry import box

from geo import settings
from geo.crs import local_tm_crs
from geo.errors import PrintError
from geo.landuse.balance import BalanceTable
from layers.catalogue.loading import get_spec, load
from layers.catalogue.symbology import SCHEMATIC_KEY, draw_order
from layers.printing.coverage import coverage_frames, coverage_title, draw_coverage
from layers.printing.draw import draw_frame, simplify_context
from layers.printing.extent import Bounds, center, fit_bounds, fit_extent, max_convergence_deg
from layers.printing.fonts import find_cjk_font
from layers.printing.furniture import (crs_note, draw_footer, draw_margin_marks, draw_panel_notes,
                                       draw_title_block, footer_lines, north_note, scale_note)
from layers.printing.labels import LabelPlacer, draw_labels
from layers.printing.legend import LegendRow, draw_legend, layer_legend_rows
from layers.printing.overlays import draw_overlays, overlay_credits, overlay_legend_rows, prepare_overlays
from layers.printing.page import MM_PER_INCH, Page, check_lang, iso_date, page_layout
from layers.printing.presets import Preset, get_preset
from layers.printing.sources import footer_text
from layers.printing.styles import mpl_style
from layers.printing.table import draw_balance_table, with_table_panel
from layers.printing.tiles import draw_basemap
from layers.styling import Style
from layers.text import t, text

__all__ = ["PrintInfo", "render"]


@dataclass
class PrintInfo:
    """What :func:`render` drew, attached to the figure as ``fig.zj_print`` (for tests and the app)."""

    preset: str
    paper: str
    lang: str
    title: str
    date: str
    crs: str
    central_meridian: float
    extent: Bounds
    scale_denominator: float
    scalebar_m: float
    convergence_deg: float
    layers: list[str]
    legend_rows: list[LegendRow]
    footer: str
    basemap: str | None = None
    notes: list[str] = field(default_factory=list)
    overlays: list[str] = field(default_factory=list)
    overlays_skipped: list[str] = field(default_factory=list)


@dataclass
class _Scene:
    """Everything in the print CRS: the CRS, the map extent and scale, and the frames."""

    crs: str
    lon0: float
    extent: Bounds
    denominator: float
    proj: dict[str, gpd.GeoDataFrame]
    cov: dict[str, gpd.GeoDataFrame]
    area: gpd.GeoDataFrame | None


def render(preset: str | Preset, *, lang: str = "zh", paper: str = "A3", title: str | None = None,
           date: datetime.date | str | None = None, extra: Any = None, basemap: str | None = None,
           overlays: Mapping[str, gpd.GeoDataFrame] | None = None,
           overlay_styles: Mapping[str, Style] | None = None, table: BalanceTable | None = None) -> Figure:
    """Draw a print map.

    Parameters
    ----------
    preset : str or Preset
        One of :data:`~layers.printing.presets.PRESETS` (``boundaries``, ``structure``,
        ``corridors``, ``industry``, ``parks``, ``coverage``).
    lang : {"zh", "en"}
        Language of the title, legend and notes.
    paper : {"A3", "A4"}
        Landscape paper size.
    title : str, optional
        The title; default the preset's (or the coverage check's) title.
    date : date or str, optional
        Date printed in the title block and the footer; default today.
    extra : optional
        Input of presets that need it: for ``coverage`` a ``CoverageResult`` or a mapping of
        frames (see :func:`layers.printing.coverage.coverage_frames`).
    basemap : {None, "none", "osm"}
        ``"osm"`` draws OpenStreetMap tiles underneath (online only). When they cannot be
        fetched the map is drawn without them and a :class:`BasemapWarning` says so.
    overlays : mapping of name → GeoDataFrame, optional
        The planner's own layers (any declared CRS), drawn over the preset's in a print style
        of their own, each a legend row "⬆ name" and credited in the footer by its ``source``
        / ``method`` attributes; the extent grows to show them. One that is empty, declares no
        CRS or lies far from the map is left out: an :class:`~layers.printing.overlays.OverlayWarning`
        and a note on the map say so (``PrintInfo.overlays_skipped``).
    overlay_styles : mapping of name → :class:`layers.styling.Style`, optional
        Thematic styles of overlays (by their names in ``overlays``): each feature filled in its
        class colour, the classes listed in the legend under "⬆ name" (label and count), features
        the style's filter leaves out not drawn; a style that does not fit its layer is not used
        (an OverlayWarning).
    table : BalanceTable, optional
        A land-use balance table printed in a panel beside the legend (:mod:`layers.printing.table`;
        the "landuse" preset, whose map is the extent of its overlay, the parcel layer).

    Returns
    -------
    matplotlib.figure.Figure
        The page, with ``fig.zj_print`` (:class:`PrintInfo`) describing what was drawn.

    Raises
    ------
    PrintError
        Unknown preset, paper, language or basemap; a coverage map without a result; an
        overlay that is not a GeoDataFrame.
    PrintFontError
        No CJK font installed.
    LayerNotFoundError, LayerFileError, LayerValidationError
        A layer cannot be loaded.
    """
    p = get_preset(preset)
    check_lang(lang)
    paper = str(paper).strip().upper()
    page_layout(paper)  # checks the paper
    if basemap not in (None, "none", "osm"):
        raise PrintError(f"unknown basemap {basemap!r}; use osm or none", f"未知底图 {basemap!r}; 可用 osm 或 none")
    find_cjk_font()
    day = iso_date(date)
    frames = _load_layers(p)
    cov, meta = coverage_frames(extra) if p.needs_extra else ({}, {})
    fit = _fit_frames(p, frames, cov, meta.get("area"))
    drawn, skipped = prepare_overlays(overlays, fit_bounds(fit), overlay_styles)
    fit += [o.frame for o in drawn]
    if p.fit_overlays and drawn:  # the land-use preset: the map is the planner's layer
        fit = [o.frame for o in drawn]
    lon0 = center(fit_bounds(fit))[0]
    specs = sorted((get_spec(i) for i in frames), key=lambda spec: spec.group == "context")
    credits = overlay_credits(drawn, lang)

    def footer_for(osm: bool) -> str:
        return footer_text(specs, lang, day, crs_note(lang, lon0), osm, meta.get("attribution") if cov else None,
                           credits)

    # a long footer (the overlays' credits) takes its room from the map
    page = page_layout(paper, footer_lines(footer_for(bool(cov) or basemap == "osm"), page_layout(paper)))
    page, table_rect = with_table_panel(page) if table is not None else (page, None)
    scene = _scene(p, page, frames, cov, meta.get("area"), fit)
    fig, ax = _new_figure(page, scene.extent)
    notes: list[str] = []
    used_basemap = draw_basemap(ax, scene.crs, scene.extent, basemap, lang, notes)
    draw_overlays(ax, drawn, scene.crs, settings.PRINT_SIMPLIFY_MM * scene.denominator / 1000.0, page.s)
    not_drawn = [text("print_overlay_skipped").format(name=name, reason=why.get(lang)).get(lang)
                 for name, why in skipped]
    notes += not_drawn
    rows = _draw_layers(ax, scene, lang, page.s, overlay_legend_rows(drawn, lang))
    draw_labels(ax, LabelPlacer(1000.0 / scene.denominator), p, scene.proj, lang, box(*scene.extent), page.s)
    conv = max_convergence_deg(scene.crs, scene.extent)
    heading = coverage_title(meta, lang) or p.title(lang)
    main_title = title or heading
    subtitle = heading if title else p.title("en" if lang == "zh" else "zh")
    draw_title_block(fig, page, main_title, subtitle, lang, day)
    pax = fig.add_axes(page.panel_rect, gid="legend-panel")
    pax.axis("off")
    draw_legend(pax, rows, lang, page.s, page.panel_width_pt)
    if table is not None and table_rect is not None:
        draw_balance_table(fig, table_rect, table, lang, page.s)
    panel_notes = [p.note(lang), scale_note(lang, scene.denominator, paper), north_note(lang, scene.lon0, conv)]
    notes_mm = draw_panel_notes(pax, [n for n in panel_notes + notes if n], page.s, page.panel_width_pt)
    scalebar_m = draw_margin_marks(fig, ax, page, scene.extent, scene.denominator, notes_mm)
    footer = footer_for(bool(cov) or used_basemap == "osm")
    draw_footer(fig, page, footer)
    info = PrintInfo(
        preset=p.id, paper=paper, lang=lang, title=main_title, date=day, crs=scene.crs,
        central_meridian=scene.lon0, extent=scene.extent, scale_denominator=scene.denominator,
        scalebar_m=scalebar_m, convergence_deg=conv,
        layers=list(scene.proj) + [f"coverage-{k}" for k in scene.cov],
        legend_rows=rows, footer=footer, basemap=used_basemap, notes=notes,
        overlays=[o.name for o in drawn], overlays_skipped=not_drawn)
    setattr(fig, "zj_print", info)  # the record rides on the figure
    return fig


def _load_layers(preset: Preset) -> dict[str, gpd.GeoDataFrame]:
    """The preset's catalogue layers in drawing order, features without geometry left out."""
    frames = {}
    for layer_id in draw_order(preset.layers):
        gdf = load(layer_id)
        frames[layer_id] = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    return frames


def _fit_frames(p: Preset, frames: Mapping[str, gpd.GeoDataFrame], cov: Mapping[str, gpd.GeoDataFrame],
                area: gpd.GeoDataFrame | None) -> list[gpd.GeoDataFrame]:
    """The frames the map's extent fits: the preset's layers, or a coverage result's demand
    (gaps and covered places, else everything) and its analysis area."""
    fit = [frames[i] for i in p.fit if i in frames]
    if "extra" in p.fit:
        fit += [cov[k] for k in ("gap", "covered") if k in cov] or list(cov.values())
        if area is not None:
            fit.append(area)
    return fit


def _scene(p: Preset, page: Page, frames: Mapping[str, gpd.GeoDataFrame],
           cov: Mapping[str, gpd.GeoDataFrame], area: gpd.GeoDataFrame | None, fit: list[gpd.GeoDataFrame]) -> _Scene:
    """Project everything to a transverse Mercator centred on the extent of the ``fit`` frames (WGS84);
    fit the extent to the map frame and compute the scale (ground metres per paper metre)."""
    lon0, lat0 = center(fit_bounds(fit))
    crs = local_tm_crs(lon0, lat0)
    map_w_mm, map_h_mm = page.map_mm
    x0, y0, x1, y1 = fit_extent(fit_bounds([f.to_crs(crs) for f in fit]), p.margin, map_w_mm / map_h_mm)
    return _Scene(crs=crs, lon0=lon0, extent=(float(x0), float(y0), float(x1), float(y1)),
                  denominator=(x1 - x0) / (map_w_mm / 1000.0),
                  proj={k: v.to_crs(crs) for k, v in frames.items()},
                  cov={k: v.to_crs(crs) for k, v in cov.items()},
                  area=None if area is None else area.to_crs(crs))


def _new_figure(page: Page, extent: Bounds) -> tuple[Figure, Any]:
    """The page and its map frame (no ticks; the frame is the neatline)."""
    fig = Figure(figsize=(page.width_mm / MM_PER_INCH, page.height_mm / MM_PER_INCH))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes(page.map_rect, gid="map")
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8 * page.s)
    return fig, ax


def _draw_layers(ax: Any, scene: _Scene, lang: str, s: float, overlay_rows: list[LegendRow]) -> list[LegendRow]:
    """Draw the catalogue layers (context first) and the coverage layers; returns the legend
    rows (plan layers, coverage, the overlays' ``overlay_rows``, context, schematic key)."""
    view = box(*scene.extent).buffer(0.2 * (scene.extent[2] - scene.extent[0]))
    rows: list[LegendRow] = []
    context_rows: list[LegendRow] = []
    schematic = False
    for rank, (layer_id, gdf) in enumerate(scene.proj.items()):
        spec = get_spec(layer_id)
        if spec.group == "context":
            gdf = simplify_context(gdf, settings.PRINT_SIMPLIFY_MM * scene.denominator / 1000.0, view)
        styles = [mpl_style(spec.style.for_feature(props), s)
                  for props in gdf.drop(columns="geometry").to_dict("records")]
        draw_frame(ax, gdf, styles, layer_id, rank * 0.01)
        layer_rows, sch = layer_legend_rows(spec, gdf, lang)
        schematic |= sch
        (context_rows if spec.group == "context" else rows).extend(layer_rows)
    rows += draw_coverage(ax, scene.cov, scene.area, lang, s) + overlay_rows + context_rows
    if schematic:
        rows.append(LegendRow("schematic", t(lang, "map_schematic"), "line", dict(SCHEMATIC_KEY), 2))
    return rows
