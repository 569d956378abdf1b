"""The legend: exactly what is drawn, one row per layer and per category that occurs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from geo import settings
from layers.catalogue.spec import LayerSpec
from layers.catalogue.symbology import base_style, common_name, geometry_kind
from layers.printing.fonts import font, text_width_pt, wrap
from layers.printing.styles import mpl_style
from layers.text import t

__all__ = ["LegendRow", "draw_legend", "is_schematic", "layer_legend_rows"]


@dataclass
class LegendRow:
    """One legend entry: a layer (level 0), a category (1) or the schematic key (2)."""

    layer: str
    label: str
    kind: str
    style: dict
    level: int = 0


def is_schematic(gdf: gpd.GeoDataFrame) -> bool:
    """Whether a feature of the layer is schematic (``method == "schematic"``, drawn dashed)."""
    return "method" in gdf.columns and bool((gdf["method"].astype(str) == "schematic").any())


def layer_legend_rows(spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str) -> tuple[list[LegendRow], bool]:
    """Legend rows of one drawn layer (as :func:`layers.webmap.legend_html` lists them):
    the layer, then each category that occurs, named in ``lang``; and whether a
    feature is schematic."""
    kind = geometry_kind(gdf.geometry.geom_type) if len(gdf) else geometry_kind(spec.geometry_types)
    rows = [LegendRow(spec.id, spec.title(lang), kind, base_style(spec))]
    st = spec.style
    if st.by is not None and st.categories and st.by in gdf.columns:
        zh_col = st.by[:-3] + "_zh" if st.by.endswith("_en") else None
        for value, override in st.categories.items():
            members = gdf[gdf[st.by].astype(str) == value]
            if members.empty:
                continue
            label = value
            if lang == "zh" and zh_col in members.columns:
                name = common_name([str(v) for v in members[zh_col] if isinstance(v, str) and v.strip()])
                label = f"{name} ({value})" if name else value
            rows.append(LegendRow(spec.id, label, geometry_kind(members.geometry.geom_type),
                                  {**base_style(spec), **override}, 1))
    return rows, is_schematic(gdf)


def _handle(row: LegendRow, s: float) -> Any:
    st = mpl_style(row.style, s)
    if row.kind == "point":
        return Line2D([], [], marker="o", linestyle="none", markersize=min(st["ms"], 9 * s),
                      markerfacecolor=st["face"], markeredgecolor=st["edge"], markeredgewidth=max(st["lw"], 0.3))
    if row.kind == "line":
        return Line2D([], [], color=st["edge"], linewidth=min(max(st["lw"], 0.6), 4 * s), linestyle=st["ls"])
    return Patch(facecolor=st["face"], edgecolor=st["edge"], linewidth=min(max(st["lw"], 0.4), 2.5 * s),
                 linestyle=st["ls"])


def draw_legend(pax: Any, rows: list[LegendRow], lang: str, s: float, width_pt: float) -> Legend:
    """The legend in the panel axes: one handle per row, categories indented."""
    size = settings.PRINT_FONT_PT["legend"] * s
    handles, labels = [], []
    for row in rows:
        indent = "    " if row.level == 1 else ""
        handles.append(_handle(row, s))
        room = width_pt - 3.6 * size - text_width_pt(indent, size)
        labels.append(indent + wrap(row.label, room, size).replace("\n", "\n" + indent))
    leg = pax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, 1.0), frameon=False,
                     borderaxespad=0.0, borderpad=0.0, handlelength=2.6, handleheight=1.1, labelspacing=0.55,
                     prop=font(size), title=t(lang, "map_legend"), alignment="left",
                     title_fontproperties=font(settings.PRINT_FONT_PT["legend_title"] * s, "bold"))
    leg.set_gid("legend")
    for txt in leg.get_texts():
        txt.set_parse_math(False)  # a "$" in a name is a dollar sign
        txt.set_usetex(False)
    return leg
