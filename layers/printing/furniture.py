"""The map's furniture: title block, scale bar, north arrow, panel notes and footer."""
from __future__ import annotations

import math
from typing import Any

from matplotlib.figure import Figure
from matplotlib.patches import Polygon as MplPolygon, Rectangle

from geo import settings
from geo.errors import GeometryError
from layers.printing.extent import Bounds
from layers.printing.fonts import draw_text, text_width_pt, wrap
from layers.printing.page import FOOTER_LINE_SPACING, MAX_FOOTER_LINES, MM_PER_INCH, PT_PER_MM, Page
from layers.text import t, text

__all__ = ["crs_note", "draw_footer", "draw_margin_marks", "footer_lines", "draw_north_arrow", "draw_panel_notes",
           "draw_scalebar", "draw_title_block", "length_label", "nice_length", "north_note", "scale_note"]


def nice_length(limit_m: float) -> float:
    """Largest 1, 2 or 5 × 10ⁿ metres not above ``limit_m`` (a scale bar length)."""
    if not limit_m > 0:
        raise GeometryError(f"no scale bar length fits {limit_m} m", f"比例尺长度无效: {limit_m} m")
    exp = math.floor(math.log10(limit_m))
    for m in (5, 2, 1):
        if m * 10 ** exp <= limit_m * (1 + 1e-9):
            return float(m * 10 ** exp)
    return float(10 ** exp)


def length_label(metres: float) -> str:
    """``"5 km"``, ``"500 m"``: the scale bar's label."""
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def crs_note(lang: str, lon0: float) -> str:
    """The projection, for the footer."""
    return text("print_crs_note").format(lon0=lon0).get(lang)


def north_note(lang: str, lon0: float, conv: float) -> str:
    """What the north arrow means, and the largest meridian convergence ``conv`` (degrees)."""
    return text("print_north_note").format(lon0=lon0, conv=conv).get(lang)


def scale_note(lang: str, denominator: float, paper: str) -> str:
    """The 1:N scale on ``paper``."""
    n = f"{denominator:,.0f}".replace(",", " ")
    return text("print_scale_note").format(n=n, paper=paper).get(lang)


def draw_scalebar(ax: Any, extent: Bounds, denominator: float, s: float,
                  at_mm: tuple[float, float], max_mm: float) -> float:
    """A scale bar drawn in map units; returns its length (m).

    Alternating segments of a 1, 2 or 5 × 10ⁿ length up to ``max_mm`` on paper. It is
    drawn with the map's own transform but outside the frame, ``at_mm`` (x, y) from the
    map's lower left corner (in the legend panel), so it covers no data.
    """
    x0, y0, _, _ = extent
    mm = denominator / 1000.0  # ground metres per paper mm
    length = nice_length(max_mm * mm)
    bar_h = settings.PRINT_SCALEBAR_HEIGHT_MM * s * mm
    bx, by = x0 + at_mm[0] * mm, y0 + at_mm[1] * mm
    size = settings.PRINT_FONT_PT["scale"] * s
    common: dict[str, Any] = {"clip_on": False, "zorder": 9}
    n = settings.PRINT_SCALEBAR_SEGMENTS
    for i in range(n):
        ax.add_patch(Rectangle((bx + i * length / n, by), length / n, bar_h, facecolor="black" if i % 2 == 0
                               else "white", edgecolor="black", linewidth=0.5 * s, gid="scalebar-seg", **common))
    ax.add_patch(Rectangle((bx, by), length, bar_h, facecolor="none", edgecolor="black", linewidth=0.6 * s,
                           gid="scalebar", **common))
    ty = by + bar_h + 1.0 * s * mm
    mid = f"{length / 2000:g}" if length >= 1000 else f"{length / 2:g}"
    for x, label, gid in ((bx, "0", "scalebar-zero"), (bx + length / 2, mid, "scalebar-mid"),
                          (bx + length, length_label(length), "scalebar-label")):
        draw_text(ax, x, ty, label, size, ha="center", va="bottom", gid=gid, **common)
    return length


def draw_north_arrow(fig: Figure, left_mm: float, bottom_mm: float, s: float) -> None:
    """A north arrow (pointing up the sheet: grid north) with its lower left corner at the given
    position on the page, in mm."""
    w_mm, h_mm = (v * s for v in settings.PRINT_NORTH_ARROW_MM)
    fw, fh = fig.get_size_inches() * MM_PER_INCH
    nax = fig.add_axes((left_mm / fw, bottom_mm / fh, w_mm / fw, h_mm / fh), gid="north-arrow")
    nax.set_xlim(-0.5, 0.5)
    nax.set_ylim(-0.1, 1.25)
    nax.set_aspect("equal")
    nax.axis("off")
    nax.add_patch(MplPolygon([(0, 0.9), (-0.28, 0.0), (0, 0.22)], closed=True, facecolor="black",
                             edgecolor="black", linewidth=0.5 * s, gid="north-arrow-left"))
    nax.add_patch(MplPolygon([(0, 0.9), (0.28, 0.0), (0, 0.22)], closed=True, facecolor="white",
                             edgecolor="black", linewidth=0.5 * s, gid="north-arrow-right"))
    draw_text(nax, 0, 0.95, "N", settings.PRINT_FONT_PT["north"] * s, "bold", ha="center", va="bottom",
              gid="north-arrow-label")


def draw_title_block(fig: Figure, page: Page, title: str, subtitle: str, lang: str, day: str) -> None:
    """The title (shrunk to fit the sheet's width) and, under it, ``subtitle`` and the date."""
    s = page.s
    m = page.layout_mm("margin")
    x = m / page.width_mm
    top = 1 - m / page.height_mm
    size = settings.PRINT_FONT_PT["title"] * s
    room = (page.width_mm - 2 * m) * PT_PER_MM
    size = min(size, size * room / max(text_width_pt(title, size), 1.0))  # a long title shrinks to fit
    draw_text(fig, x, top, title, size, "bold", ha="left", va="top", gid="title")
    sub = [subtitle, t(lang, "print_date") + day]
    below = (settings.PRINT_FONT_PT["title"] * 1.45 * s / PT_PER_MM) / page.height_mm
    draw_text(fig, x, top - below, "  ·  ".join(sub), settings.PRINT_FONT_PT["subtitle"] * s,
              ha="left", va="top", color="#444444", gid="subtitle")


def draw_panel_notes(pax: Any, notes: list[str], s: float, width_pt: float) -> float:
    """The notes at the foot of the legend panel; returns their height in mm."""
    size = settings.PRINT_FONT_PT["note"] * s
    body = "\n".join(wrap(n, width_pt, size) for n in notes)
    draw_text(pax, 0.0, 0.0, body, size, ha="left", va="bottom", color="#444444", gid="notes",
              transform=pax.transAxes, linespacing=1.35)
    return (body.count("\n") + 1) * size * 1.35 * 1.2 / PT_PER_MM


def draw_margin_marks(fig: Figure, ax: Any, page: Page, extent: Bounds, denominator: float,
                      notes_mm: float) -> float:
    """Scale bar and north arrow in the legend panel, above the notes; returns the bar's length (m)."""
    s = page.s
    map_w_mm, _ = page.map_mm
    panel_x_mm = map_w_mm + page.layout_mm("gap")  # panel's left edge, from the map's left edge
    arrow_w = settings.PRINT_NORTH_ARROW_MM[0] * s
    at = (panel_x_mm + 2 * s, notes_mm + 6 * s)
    room = page.layout_mm("panel") - arrow_w - 14 * s
    length = draw_scalebar(ax, extent, denominator, s, at, min(room, settings.PRINT_SCALEBAR_MAX_SHARE * map_w_mm))
    draw_north_arrow(fig, page.panel_rect[0] * page.width_mm + page.layout_mm("panel") - arrow_w,
                     page.map_rect[1] * page.height_mm + notes_mm + 3 * s, s)
    return length


def _footer_lines_of(footer: str, page: Page) -> list[str]:
    size = settings.PRINT_FONT_PT["footer"] * page.s
    width_pt = (page.width_mm - 2 * page.layout_mm("margin")) * PT_PER_MM
    lines = wrap(footer, width_pt, size).split("\n")
    if len(lines) > MAX_FOOTER_LINES:  # the page never gives the footer more: the rest is cut
        lines = lines[:MAX_FOOTER_LINES]
        lines[-1] = lines[-1].rstrip()[:-1] + "…"
    return lines


def footer_lines(footer: str, page: Page) -> int:
    """How many lines ``footer`` takes on the sheet of ``page`` (at most ``MAX_FOOTER_LINES``)."""
    return len(_footer_lines_of(footer, page))


def draw_footer(fig: Figure, page: Page, footer: str) -> None:
    """The source and attribution line under the map, wrapped to the sheet's width."""
    size = settings.PRINT_FONT_PT["footer"] * page.s
    m = page.layout_mm("margin")
    draw_text(fig, page.map_rect[0], m * 0.55 / page.height_mm, "\n".join(_footer_lines_of(footer, page)),
              size, ha="left", va="bottom", color="#333333", gid="footer", linespacing=FOOTER_LINE_SPACING)
