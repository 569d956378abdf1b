"""The planner's own layers on a print map: drawn over the preset's layers, named in the legend
("⬆ name", as the web map lists them) and credited in the footer (their ``source`` / ``method``).

An overlay is a layer the planner imported or traced (a GeoDataFrame, any CRS declared). It
is drawn in a print style of its own: a strong 2 pt outline (A4; × √2 on A3) over a thin
white casing, a faint fill, so the catalogue layers under it stay readable. The colours are
not the web map's (:data:`layers.webmap.userlayers.PALETTE` is the catalogue's own Okabe–Ito
set, which on paper would mistake an overlay for a plan layer): dark, saturated hues none of
the catalogue's layers uses, the first a dark magenta-red.

A styled overlay (``render(…, overlay_styles={name: Style})``, :mod:`layers.styling`) fills each
feature with its class colour (lines and points in it), the fills under the plan layers' outlines
(so the plan reads over a land-use or status map) and thin white edges between parcels; the
legend lists the style's classes (label and count) under "⬆ name"; features the style's filter
leaves out are not drawn. A style that does not fit its layer is not used (an OverlayWarning).

Names and attribute values are data: they are set as plain text (never mathtext or TeX), one
line, without control characters. An overlay that is empty, declares no CRS, cannot be
reprojected, or lies far from the map is not drawn: an :class:`OverlayWarning` says so, and
:class:`~layers.printing.render.PrintInfo` counts it.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from geo import settings
from geo.bilingual import Bilingual
from geo.crs import to_wgs84
from geo.errors import OverlayWarning, PrintError, StyleError, ZJError
from geo.geometry import family
from layers.catalogue.symbology import geometry_kind
from layers.printing.draw import draw_frame
from layers.printing.extent import Bounds
from layers.printing.legend import LegendRow
from layers.printing.styles import mpl_style
from layers.styling import Style, class_index, legend_rows, visible_mask
from layers.text import text

__all__ = ["OVERLAY_COLOURS", "OVERLAY_REACH_DEG", "Overlay", "OverlayWarning", "draw_overlays", "overlay_credits",
           "overlay_legend_rows", "overlay_style", "plain", "prepare_overlays", "styled_style"]

#: Outline colours of overlays, in turn (project choice: dark hues outside the catalogue's Okabe–Ito set).
OVERLAY_COLOURS = ("#A3005C", "#4B2A8C", "#7A4300", "#00585A")
#: The outline on A4 in pt, its white casing (each side) in pt, and the fill's opacity (project choice:
#: twice the catalogue's boundary weight on paper, a fill faint enough to read the plan through).
OVERLAY_LINE_PT = 2.0
OVERLAY_CASING_PT = 0.6
OVERLAY_FILL_OPACITY = 0.07
#: A styled overlay: fill opacity, the white edge between features and the line width on A4 in pt
#: (project choice: class colours read as on a land-use map, the plan's outlines drawn over them).
STYLED_FILL_OPACITY = 0.75
STYLED_EDGE_PT = 0.25
STYLED_LINE_PT = 1.5
#: An overlay is drawn only within this many degrees (≈ 110 km each) of the preset's own extent:
#: further, it would shrink the plan to a dot (a layer read in the wrong CRS lands thousands of km off).
OVERLAY_REACH_DEG = 1.0
#: Longest overlay name and attribute value printed (characters; longer ones end in "…").
NAME_CHARS = 80
CREDIT_CHARS = 160
#: Distinct values of an attribute credited per overlay (features with different sources).
CREDIT_VALUES = 3
#: Attributes credited in the footer, in this order (case-insensitive column names).
CREDIT_COLUMNS = ("source", "method", "attribution")
#: Drawing order above every catalogue and coverage layer, below the labels (z 6).
_RANK = 1.6
#: A styled overlay's polygons: fills over the catalogue's fills, under their outlines and the coverage layers.
_STYLED_RANK = 0.45

_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Overlay:
    """One overlay ready to draw: its printed name, WGS84 geometry, colour, geometry kind and credit
    values; a styled one also its style, each part's fill colour (column ``colour`` of ``frame``) and
    the class of each feature drawn (for the legend's counts)."""

    name: str
    frame: gpd.GeoDataFrame
    colour: str
    kind: str
    credit: list[str]
    style: Style | None = None
    index: Any = None


def plain(value: Any, limit: int = NAME_CHARS) -> str:
    """``value`` as one line of plain text: whitespace collapsed, control and direction characters
    removed, at most ``limit`` characters (cut with "…")."""
    s = _BIDI.sub("", str(value))
    s = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in s)
    s = " ".join(s.split())
    return s if len(s) <= limit else s[:limit - 1].rstrip() + "…"


def overlay_style(colour: str) -> dict:
    """The Leaflet-style dict of an overlay (for :func:`~layers.printing.styles.mpl_style` and the legend)."""
    return {"color": colour, "weight": OVERLAY_LINE_PT / settings.PRINT_PX_TO_PT, "opacity": 1.0,
            "fillColor": colour, "fillOpacity": OVERLAY_FILL_OPACITY, "radius": 6}


def _casing(colour: str) -> dict:
    return {"color": "#ffffff", "weight": (OVERLAY_LINE_PT + 2 * OVERLAY_CASING_PT) / settings.PRINT_PX_TO_PT,
            "opacity": 0.85, "fillOpacity": 0.0, "radius": 6}


def _credit_values(gdf: gpd.GeoDataFrame) -> list[str]:
    """Distinct ``source``, ``method`` and ``attribution`` values, none repeating another."""
    cols = {str(c).lower(): c for c in gdf.columns if c != gdf.geometry.name}
    out: list[str] = []
    for key in CREDIT_COLUMNS:
        if key not in cols:
            continue
        values = [plain(v, CREDIT_CHARS) for v in gdf[cols[key]].dropna().astype(str).unique()]
        values = [v for v in values if v and v.lower() not in ("nan", "none")]
        for v in values[:CREDIT_VALUES]:
            if not any(v in o for o in out):
                out.append(v)
        if len(values) > CREDIT_VALUES:
            out.append("…")
    return out


def _reach(fit: Bounds | None) -> Bounds | None:
    if fit is None:
        return None
    r = OVERLAY_REACH_DEG
    return fit[0] - r, fit[1] - r, fit[2] + r, fit[3] + r


def prepare_overlays(overlays: Mapping[str, Any] | None, fit: Bounds | None,
                     styles: Mapping[str, Style] | None = None) -> tuple[list[Overlay], list[tuple[str, Bilingual]]]:
    """The overlays to draw, in WGS84 with their colours; and those skipped, with why.

    Parameters
    ----------
    overlays : mapping of name → GeoDataFrame, optional
        The planner's layers, in drawing order (the last on top).
    fit : bounds, optional
        The preset's own extent (WGS84); an overlay reaching more than :data:`OVERLAY_REACH_DEG`
        beyond it is skipped.
    styles : mapping of name → Style, optional
        Thematic styles by overlay name (as in ``overlays``); one that does not fit its layer is
        not used (an OverlayWarning says so).

    Returns
    -------
    drawn : list of Overlay
    skipped : list of (name, Bilingual reason)
        Each also warned as an :class:`OverlayWarning`.

    Raises
    ------
    PrintError
        If an overlay is not a GeoDataFrame (a programming error, not the planner's data).
    """
    drawn: list[Overlay] = []
    skipped: list[tuple[str, Bilingual]] = []
    reach = _reach(fit)
    for raw_name, gdf in (overlays or {}).items():
        name = plain(raw_name) or "?"
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise PrintError(f"overlay {name!r} is a {type(gdf).__name__}, not a GeoDataFrame",
                             f"叠加图层 {name!r} 不是 GeoDataFrame ({type(gdf).__name__})")
        style, index, colours = _styled(name, gdf, (styles or {}).get(raw_name))
        why = _problem(gdf, reach, colours)
        if isinstance(why, tuple):
            key, fmt = why
            msg = text(key).format(**fmt)
            skipped.append((name, msg))
            warnings.warn(OverlayWarning(f"{name}: {msg.both()}"), stacklevel=3)
            continue
        frame = why
        kept = None if index is None else index[_drawable(gdf, colours)]
        drawn.append(Overlay(name, frame, OVERLAY_COLOURS[len(drawn) % len(OVERLAY_COLOURS)],
                             geometry_kind(frame.geometry.geom_type.unique()), _credit_values(gdf), style, kept))
    return drawn, skipped


def _styled(name: str, gdf: gpd.GeoDataFrame, style: Style | None) -> tuple[Style | None, Any, list | None]:
    """The style (None when it does not fit the layer: warned), each row's class and fill colour (None: filtered out)."""
    if style is None:
        return None, None, None
    try:
        index = class_index(gdf, style)
        shown = visible_mask(gdf, style, index).to_numpy()
    except StyleError as exc:
        msg = text("style_not_applied").format(reason=str(exc))
        warnings.warn(OverlayWarning(f"{name}: {msg.both()}"), stacklevel=4)
        return None, None, None
    palette = [c.colour for c in style.classes] + [settings.STYLE_NO_DATA_COLOUR]
    return style, index, [palette[i] if ok else None for i, ok in zip(index, shown)]


def _drawable(gdf: gpd.GeoDataFrame, colours: list | None) -> np.ndarray:
    """Rows with geometry (and, styled, not filtered out)."""
    geoms = gdf.geometry
    keep = (geoms.notna() & ~geoms.is_empty).to_numpy().copy()
    if colours is not None:
        keep &= np.array([c is not None for c in colours], dtype=bool)
    return keep


def _problem(gdf: gpd.GeoDataFrame, reach: Bounds | None,
             colours: list | None = None) -> gpd.GeoDataFrame | tuple[str, dict]:
    """The overlay's drawable geometry in WGS84 (with each part's ``colour`` when styled), or (text
    key, format fields) saying why there is none."""
    keep = _drawable(gdf, colours)
    if not keep.any():
        return "print_overlay_empty", {}
    attrs = {} if colours is None else {"colour": [c for c, k in zip(colours, keep) if k]}
    try:
        out = to_wgs84(gpd.GeoDataFrame(attrs, geometry=gdf.geometry.to_numpy()[keep], crs=gdf.crs))
    except ZJError:
        return "print_overlay_no_crs", {}
    except Exception as exc:  # pyproj: a CRS that cannot be transformed
        return "print_overlay_bad_crs", {"exc": plain(exc, 120)}
    out = out.explode(index_parts=False, ignore_index=True)  # collections → simple parts, each in its family
    out = out[out.geometry.notna() & ~out.geometry.is_empty]
    b = np.asarray(out.total_bounds, dtype=float) if len(out) else np.full(4, np.nan)
    if not np.all(np.isfinite(b)):
        return "print_overlay_empty", {}
    if reach is not None and (b[0] < reach[0] or b[1] < reach[1] or b[2] > reach[2] or b[3] > reach[3]):
        over = max(reach[0] - b[0], reach[1] - b[1], b[2] - reach[2], b[3] - reach[3], 0.0)
        return "print_overlay_far", {"km": (over + OVERLAY_REACH_DEG) * 111.0}
    return out


def styled_style(kind: str, colour: str) -> dict:
    """The Leaflet-style dict of a styled overlay's feature in ``colour``: a filled area with a thin
    white edge, a line, or a filled point."""
    if kind == "line":
        return {"color": colour, "weight": STYLED_LINE_PT / settings.PRINT_PX_TO_PT, "opacity": 1.0,
                "fillOpacity": 0.0}
    return {"color": "#FFFFFF", "weight": STYLED_EDGE_PT / settings.PRINT_PX_TO_PT, "opacity": 1.0,
            "fillColor": colour, "fillOpacity": STYLED_FILL_OPACITY, "radius": 4}


def overlay_legend_rows(drawn: list[Overlay], lang: str = "zh") -> list[LegendRow]:
    """One legend row per overlay: "⬆ name" with its outline; under a styled one, its classes in
    ``lang`` with their colours and the number of features drawn."""
    rows = []
    for i, o in enumerate(drawn):
        if o.style is None:
            rows.append(LegendRow(f"overlay-{i}", f"⬆ {o.name}", o.kind, overlay_style(o.colour)))
            continue
        rows.append(LegendRow(f"overlay-{i}", f"⬆ {o.name}", o.kind,
                              {"color": "#555555", "weight": 1.0, "fillOpacity": 0.0, "radius": 4}))
        rows += [LegendRow(f"overlay-{i}", plain(f"{label} ({count:,})" if count is not None else label),
                           o.kind, styled_style(o.kind, colour), 1)
                 for label, colour, count in legend_rows(o.style, lang, index=o.index)]
    return rows


def draw_overlays(ax: Any, drawn: list[Overlay], crs: str, tolerance: float, s: float) -> None:
    """Draw the overlays (projected to ``crs``, simplified below ``tolerance`` map units) over everything
    but the labels, each over a white casing."""
    for i, o in enumerate(drawn):
        g = o.frame.to_crs(crs)
        g = g.set_geometry(shapely.simplify(g.geometry.to_numpy(), tolerance, preserve_topology=True))
        rank = _RANK + min(i, 15) * 0.02
        if o.style is not None:
            kinds = [family(t) or "polygon" for t in g.geometry.geom_type]
            styles = [mpl_style(styled_style(k, c), s) for k, c in zip(kinds, g["colour"])]
            areas = np.array([k == "polygon" for k in kinds])
            for part, r in ((areas, _STYLED_RANK + min(i, 15) * 0.002), (~areas, rank)):
                if part.any():
                    draw_frame(ax, g[part], [st for st, ok in zip(styles, part) if ok], f"overlay-{i}", r)
            continue
        draw_frame(ax, g, [mpl_style(_casing(o.colour), s)] * len(g), f"overlay-{i}-casing", rank - 0.01)
        draw_frame(ax, g, [mpl_style(overlay_style(o.colour), s)] * len(g), f"overlay-{i}", rank)


def overlay_credits(drawn: list[Overlay], lang: str) -> list[str]:
    """The footer's credit of each overlay: "⬆ name — source; method" (overlays of one source together);
    an overlay without either is said to have none."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for o in drawn:
        groups.setdefault(tuple(o.credit), []).append(f"⬆ {o.name}")
    return [f"{', '.join(names)} — {'; '.join(values) if values else text('print_overlay_unsourced').get(lang)}"
            for values, names in groups.items()]
