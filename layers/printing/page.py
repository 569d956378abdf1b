"""The sheet: paper sizes, units on paper, the page layout and the print options.

A print is landscape A4 or A3 (``settings.PRINT_PAPERS_MM``). Sizes on paper are
set for A4 and multiplied by the paper factor ``s`` (1 on A4, √2 on A3).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from geo import settings
from geo.bilingual import LANGS
from geo.errors import PrintError

__all__ = ["FOOTER_LINES", "FOOTER_LINE_SPACING", "FORMATS", "MAX_FOOTER_LINES", "MM_PER_INCH", "PT_PER_MM", "Page",
           "check_format", "check_lang", "iso_date", "page_layout", "paper_mm"]

#: Output formats of :func:`layers.printing.output.save`.
FORMATS = ("pdf", "png")
MM_PER_INCH = 25.4
PT_PER_MM = 72.0 / MM_PER_INCH
#: Lines of footer text the footer band (``settings.PRINT_LAYOUT_MM["footer"]``) holds; each further
#: line (a long credit of the planner's layers) takes its height from the map, up to the most lines.
FOOTER_LINES = 2
MAX_FOOTER_LINES = 8
#: The footer's line spacing (a line is this × its font size high).
FOOTER_LINE_SPACING = 1.3


def paper_mm(paper: str) -> tuple[float, float]:
    """(width, height) of a landscape paper size in mm.

    Raises
    ------
    PrintError
        If the paper is not A4 or A3.
    """
    papers = settings.PRINT_PAPERS_MM
    key = str(paper).strip().upper()
    if key not in papers:
        raise PrintError(f"unknown paper size {paper!r}; use {' or '.join(papers)}",
                         f"未知纸张尺寸 {paper!r}; 可用: {' / '.join(papers)}")
    return papers[key]


def check_lang(lang: str) -> str:
    """``lang`` if it is ``"zh"`` or ``"en"``.

    Raises
    ------
    PrintError
        For any other language.
    """
    if lang not in LANGS:
        raise PrintError(f"unknown language {lang!r}; use zh or en", f"未知语言 {lang!r}; 可用 zh 或 en")
    return lang


def check_format(fmt: str) -> str:
    """The output format ``fmt`` (``"pdf"`` or ``"png"``; case and a leading dot ignored).

    Raises
    ------
    PrintError
        For any other format.
    """
    f = str(fmt).lower().lstrip(".")
    if f not in FORMATS:
        raise PrintError(f"unknown print format {fmt!r}; use pdf or png", f"未知输出格式 {fmt!r}; 可用 pdf 或 png")
    return f


def iso_date(date: datetime.date | str | None) -> str:
    """The date printed on a map: ``date`` as ISO text, default today."""
    if date is None:
        return datetime.date.today().isoformat()
    return date.isoformat() if isinstance(date, datetime.date) else str(date)


@dataclass
class Page:
    """Figure geometry: paper in mm, the A4 → paper factor, map and panel rectangles (fractions)."""

    width_mm: float
    height_mm: float
    s: float
    map_rect: tuple[float, float, float, float]
    panel_rect: tuple[float, float, float, float]

    @property
    def map_mm(self) -> tuple[float, float]:
        """Width and height of the map frame in mm."""
        return self.map_rect[2] * self.width_mm, self.map_rect[3] * self.height_mm

    @property
    def panel_width_pt(self) -> float:
        """Width of the legend panel in points."""
        return self.panel_rect[2] * self.width_mm * PT_PER_MM

    def layout_mm(self, part: str) -> float:
        """A part of ``settings.PRINT_LAYOUT_MM`` (margin, title, footer, panel, gap) on this paper."""
        return settings.PRINT_LAYOUT_MM[part] * self.s


def page_layout(paper: str, footer_lines: int = FOOTER_LINES) -> Page:
    """Map and legend panel rectangles for a landscape paper size, with room for ``footer_lines``
    lines of footer (more than :data:`FOOTER_LINES` make the map lower)."""
    w, h = paper_mm(paper)
    s = w / settings.PRINT_PAPERS_MM["A4"][0]
    L = {k: v * s for k, v in settings.PRINT_LAYOUT_MM.items()}
    extra = min(max(footer_lines, FOOTER_LINES), MAX_FOOTER_LINES) - FOOTER_LINES
    L["footer"] += extra * settings.PRINT_FONT_PT["footer"] * FOOTER_LINE_SPACING * s / PT_PER_MM
    map_w = w - 2 * L["margin"] - L["panel"] - L["gap"]
    map_h = h - L["margin"] - L["title"] - L["footer"]
    bottom = L["footer"]
    map_rect = (L["margin"] / w, bottom / h, map_w / w, map_h / h)
    px = (L["margin"] + map_w + L["gap"]) / w
    panel_rect = (px, bottom / h, L["panel"] / w, map_h / h)
    return Page(w, h, s, map_rect, panel_rect)
