"""The land-use balance table (用地平衡表) on a print map, in a panel of its own beside the legend.

The "landuse" preset prints a parcel layer in its land-use colours (an overlay styled by
:func:`layers.styling.landuse_style`) and its balance table (:func:`geo.landuse.balance.balance_table`):
one row per class (a colour swatch, the code, the name), its area in hectares and its share,
level-1 subtotals at level 2, the unknown codes, the total. The table is set with matplotlib
text in the print font (plain text, never mathtext), so a PDF keeps it as searchable text.

Layout: the page's map frame gives up :data:`TABLE_PANEL_MM` (A4, × the paper factor) and a gap
on its right; the legend panel moves left beside the map and the table takes the sheet's right
edge (map | legend | table), the title block and footer keep the whole width. When the rows do
not fit the panel's height, the last ones before the total give way to a "… n more rows" line
(the CSV and XLSX downloads have them all).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import geopandas as gpd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from geo import settings
from geo.errors import PrintError, StyleError
from geo.landuse.balance import BalanceTable, balance_table
from geo.landuse.recognise import guess_code_column
from layers.printing.fonts import draw_text, text_width_pt, wrap
from layers.printing.page import Page
from layers.printing.overlays import plain
from layers.styling import Style, landuse_style
from layers.text import t

__all__ = ["TABLE_COLUMNS", "TABLE_PANEL_MM", "draw_balance_table", "landuse_inputs", "table_lines",
           "with_table_panel"]

#: Width of the table panel on A4 in mm (× √2 on A3). Project choice: the legend panel's width
#: less a little, room for a 10-character class name at the legend's font size.
TABLE_PANEL_MM = 74.0
#: The printed columns: header text key, share of the panel's width, alignment.
TABLE_COLUMNS = (("print_table_code", 0.17, "left"), ("print_table_name", 0.45, "left"),
                 ("print_table_area", 0.22, "right"), ("print_table_share", 0.16, "right"))
#: A row is this × the font size high.
_ROW = 1.55


def with_table_panel(page: Page) -> tuple[Page, tuple[float, float, float, float]]:
    """The page with room for the table: the map narrower, the legend panel beside it, and the
    table panel's rectangle (figure fractions) at the sheet's right edge."""
    w = page.width_mm
    table_mm = TABLE_PANEL_MM * page.s
    gap = page.layout_mm("gap")
    mx, my, mw, mh = page.map_rect
    px, py, pw, ph = page.panel_rect
    shift = (table_mm + gap) / w
    if mw - shift <= 0.2:
        raise PrintError("the sheet has no room for the balance table", "图纸没有放置用地平衡表的空间")
    narrowed = replace(page, map_rect=(mx, my, mw - shift, mh), panel_rect=(px - shift, py, pw, ph))
    return narrowed, (px + pw - table_mm / w, py, table_mm / w, ph)


def table_lines(table: BalanceTable, lang: str) -> list[dict[str, Any]]:
    """The printed rows: ``cells`` (code, name, area ha, share %), ``colour`` (None: no swatch),
    ``bold`` (subtotals and the total), ``indent`` (classes under a subtotal), ``rule`` (a line above)."""
    out = []
    for row in table.rows.to_dict("records"):
        kind = row["kind"]
        name = row[f"name_{lang}"] if kind != "unknown" else t(lang, "style_unknown")
        cells = [str(row["code"] or ""), plain(name), f"{float(row['area_m2']) / 1e4:,.2f}",
                 f"{float(row['share']) * 100:.2f}"]
        colour = row["colour"] if isinstance(row["colour"], str) and row["colour"] else None
        if kind == "unknown":
            colour = settings.STYLE_OTHER_COLOUR
        out.append({"cells": cells, "colour": colour if kind in ("class", "subtotal", "unknown") else None,
                    "bold": kind in ("subtotal", "total"), "indent": kind == "class" and table.level > 1,
                    "rule": kind == "total", "kind": kind})
    return out


def _fit(text: str, width_pt: float, size: float) -> str:
    """``text`` cut with "…" to ``width_pt``."""
    if text_width_pt(text, size) <= width_pt:
        return text
    while text and text_width_pt(text + "…", size) > width_pt:
        text = text[:-1]
    return text + "…"


def draw_balance_table(fig: Figure, rect: tuple[float, float, float, float], table: BalanceTable, lang: str,
                       s: float) -> Any:
    """Draw ``table`` in the panel ``rect`` (figure fractions) of ``fig``; returns the panel's axes."""
    tax = fig.add_axes(rect, gid="balance-table")
    tax.axis("off")
    tax.set_xlim(0, 1)
    tax.set_ylim(0, 1)
    w_pt = rect[2] * fig.get_figwidth() * 72.0
    h_pt = rect[3] * fig.get_figheight() * 72.0
    size = settings.PRINT_FONT_PT["legend"] * s
    head = settings.PRINT_FONT_PT["legend_title"] * s
    row_h = _ROW * size / h_pt  # axes fraction
    title = wrap(plain(table.title.get(lang), 160), w_pt, head)
    draw_text(tax, 0, 1, title, head, "bold", ha="left", va="top", gid="table-title", linespacing=1.2)
    y = 1 - (title.count("\n") + 1) * head * 1.35 / h_pt - 0.4 * row_h
    lefts, x = [], 0.0
    for _, share, _ in TABLE_COLUMNS:
        lefts.append(x)
        x += share
    pad = 1.5 * s / w_pt  # 1.5 pt between a cell's text and the column edge

    def cell_x(j: int) -> tuple[float, str]:
        align = TABLE_COLUMNS[j][2]
        return (lefts[j] + TABLE_COLUMNS[j][1] - pad, "right") if align == "right" else (lefts[j], "left")

    for j, (key, _, _) in enumerate(TABLE_COLUMNS):
        xx, ha = cell_x(j)
        draw_text(tax, xx, y, t(lang, key), size, "bold", ha=ha, va="top", gid="table-header")
    y -= row_h
    tax.plot([0, 1], [y + 0.15 * row_h] * 2, color="#333333", linewidth=0.6 * s, gid="table-rule")
    lines = table_lines(table, lang)
    notes = _notes(table, lang, w_pt, size * 0.9)
    room = int((y - (notes.count("\n") + 2) * size * 0.9 * 1.35 / h_pt) / row_h) if notes else int(y / row_h)
    if len(lines) > room:  # the total always prints; the rows before it give way
        hidden = len(lines) - max(room - 1, 1)
        more = {"cells": ["", t(lang, "print_table_more").format(n=hidden), "", ""], "colour": None,
                "bold": False, "indent": False, "rule": False, "kind": "more"}
        lines = lines[:max(room - 2, 0)] + [more, lines[-1]]
    swatch_w, swatch_h = 2.2 * size / w_pt, 0.62 * size / h_pt
    for line in lines:
        yy = y - 0.1 * row_h
        if line["rule"]:
            tax.plot([0, 1], [y + 0.05 * row_h] * 2, color="#333333", linewidth=0.5 * s, gid="table-rule")
        for j, value in enumerate(line["cells"]):
            xx, ha = cell_x(j)
            width = TABLE_COLUMNS[j][1] * w_pt - 2 * pad * w_pt
            if j == 0 and line["colour"]:
                tax.add_patch(Rectangle((xx, yy - 0.36 * row_h - swatch_h / 2), swatch_w, swatch_h,
                                        facecolor=line["colour"], edgecolor="#555555", linewidth=0.3 * s,
                                        gid="table-swatch"))
                xx += swatch_w + pad
                width -= (swatch_w + pad) * w_pt
            if j == 1 and line["indent"]:
                xx += 2 * pad
                width -= 2 * pad * w_pt
            if line["kind"] == "more" and j == 1:
                width = w_pt * 0.8
            draw_text(tax, xx, yy, _fit(value, width, size), size, "bold" if line["bold"] else "normal",
                      ha=ha, va="top", gid=f"table-{line['kind']}")
        y -= row_h
    if notes:
        draw_text(tax, 0, y - 0.3 * row_h, notes, size * 0.9, ha="left", va="top", color="#444444",
                  gid="table-notes", linespacing=1.35)
    return tax


def _notes(table: BalanceTable, lang: str, width_pt: float, size: float) -> str:
    """The table's notes: the unknown codes (their parcels) and what the table says about itself."""
    out = []
    if table.unknown:
        listing = ", ".join(f"{plain(k, 24)} ×{n}" for k, n in list(table.unknown.items())[:12])
        out.append(f"{t(lang, 'style_unknown')}: {listing}" + (" …" if len(table.unknown) > 12 else ""))
    out += [plain(n.get(lang), 300) for n in table.notes]
    return "\n".join(wrap(n, width_pt, size) for n in out)


def landuse_inputs(frame: gpd.GeoDataFrame, column: str | None = None, system: str | None = None,
                   level: int = 1) -> tuple[str, Style, BalanceTable]:
    """The code column, land-use style and balance table of a parcel layer (for the "landuse" preset).

    ``column`` defaults to :func:`geo.landuse.recognise.guess_code_column`'s answer; ``system`` is
    detected when omitted.

    Raises
    ------
    PrintError
        No land-use code column found.
    StyleError, LandUseError
        The column holds no code of either system; an unknown system or level.
    """
    column = column or guess_code_column(frame)
    if column is None:
        raise PrintError("no land-use code column found in the layer; name it with --landuse-column",
                         "图层中未找到用地代码列; 请用 --landuse-column 指定")
    if column not in frame.columns:
        raise StyleError(f"the layer has no column {column!r}", f"图层没有属性列 {column!r}")
    style = landuse_style(frame, column, system)
    return column, style, balance_table(frame, column, system=style.system, level=level)

