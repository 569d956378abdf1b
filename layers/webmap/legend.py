"""The map legend (a swatch per layer and category, the schematic key) and the title block."""
from __future__ import annotations

import datetime
import functools
from typing import Iterable, Mapping

import geopandas as gpd

from geo import settings
from geo.bilingual import check_lang
from geo.geometry import geometry_kind
from layers.catalogue.entries import LAYERS
from layers.catalogue.loading import get_spec, load
from layers.catalogue.spec import LayerSpec
from layers.catalogue.symbology import BOTTOM_GROUPS, SCHEMATIC_KEY, base_style, common_name, number_or
from layers.catalogue.validate import is_missing
from layers.text import t
from layers.webmap.features import scale_opacity
from layers.webmap.html import esc

__all__ = ["catalogue_legend", "legend_html", "swatch_svg", "title_html"]


def swatch_svg(kind: str, style: Mapping) -> str:
    """A small inline SVG showing how a polygon, line or point with Leaflet ``style`` looks.

    ``kind`` is ``"polygon"``, ``"line"`` or ``"point"``; every style value is escaped.
    The size is ``settings.SWATCH_SIZE``.
    """
    color = esc(style.get("color", "#3388ff"))
    fill = esc(style.get("fillColor", style.get("color", "#3388ff")))
    op = number_or(style.get("opacity"), 1.0)
    fop = number_or(style.get("fillOpacity"), 0.2)
    dash = style.get("dashArray")
    dash_attr = f' stroke-dasharray="{esc(dash)}"' if dash else ""
    w, h = settings.SWATCH_SIZE
    if kind == "line":
        sw = min(max(number_or(style.get("weight"), 3.0), 1.0), 6.0)
        shape = (f'<line x1="1" y1="{h / 2:g}" x2="{w - 1}" y2="{h / 2:g}" stroke="{color}" '
                 f'stroke-opacity="{op:g}" stroke-width="{sw:g}"{dash_attr}/>')
    elif kind == "point":
        r = min(max(number_or(style.get("radius"), 6.0), 3.0), 6.0)
        sw = min(max(number_or(style.get("weight"), 2.0), 0.5), 2.5)
        shape = (f'<circle cx="{w / 2:g}" cy="{h / 2:g}" r="{r:g}" fill="{fill}" fill-opacity="{fop:g}" '
                 f'stroke="{color}" stroke-opacity="{op:g}" stroke-width="{sw:g}"{dash_attr}/>')
    else:
        sw = min(max(number_or(style.get("weight"), 2.0), 0.5), 3.0)
        shape = (f'<rect x="2" y="2" width="{w - 4}" height="{h - 4}" fill="{fill}" fill-opacity="{fop:g}" '
                 f'stroke="{color}" stroke-opacity="{op:g}" stroke-width="{sw:g}"{dash_attr}/>')
    return f'<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}" aria-hidden="true">{shape}</svg>'


def _legend_rows(spec: LayerSpec, lang: str, gdf: gpd.GeoDataFrame | None,
                 factor: float = 1.0) -> tuple[list[str], bool]:
    """The legend rows of one layer and whether it draws a schematic feature."""
    if gdf is not None:
        gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
        kind = geometry_kind(gdf.geometry.geom_type) if len(gdf) else geometry_kind(spec.geometry_types)
        schematic = "method" in gdf.columns and bool((gdf["method"].astype(str) == "schematic").any())
    else:
        kind = geometry_kind(spec.geometry_types)
        schematic = "schematic" in [m.strip() for m in spec.provenance.method.split("/")]
    rows = [f'<li class="zj-legend-layer">{swatch_svg(kind, scale_opacity(base_style(spec), factor))}'
            f'<span>{esc(spec.title(lang))}</span></li>']
    st = spec.style
    if st.by is None or not st.categories:
        return rows, schematic
    zh_col = st.by[:-3] + "_zh" if st.by.endswith("_en") else None
    for value, override in st.categories.items():
        cat_kind = kind
        label = value
        if gdf is not None:
            if st.by not in gdf.columns:
                continue
            members = gdf[gdf[st.by].astype(str) == value]
            if members.empty:
                continue  # only categories that are drawn
            cat_kind = geometry_kind(members.geometry.geom_type)
            if lang == "zh" and zh_col in members.columns:
                name = common_name([str(v) for v in members[zh_col] if not is_missing(v)])
                if name:
                    label = f"{name} ({value})"
        elif number_or(override.get("fillOpacity"), 1.0) == 0:
            cat_kind = "line"  # an unfilled category is drawn as a line
        style = scale_opacity({**base_style(spec), **override}, factor)
        rows.append(f'<li class="zj-legend-cat">{swatch_svg(cat_kind, style)}<span>{esc(label)}</span></li>')
    return rows, schematic


def legend_html(layer_ids: Iterable[str | LayerSpec], lang: str, *,
                frames: Mapping[str, gpd.GeoDataFrame] | None = None,
                opacity: Mapping[str, float] | None = None) -> str:
    """The map legend as escaped HTML ("" when there is no layer).

    One entry per layer with its swatch (polygon fill and stroke, line, or circle), an
    indented entry per category of styles with ``by``/``categories``, and a dashed
    "示意 schematic" key when a schematic feature is drawn.

    Parameters
    ----------
    layer_ids : iterable of str or LayerSpec
        Layers to list (catalogue ids, or specs); plan layers first, context last.
    lang : {"zh", "en"}
        Language of the labels.
    frames : mapping, optional
        The layers' data by id. With it, only categories that occur are listed (named
        in ``lang``), swatches follow the geometry drawn, and the schematic key appears
        only if a feature's ``method`` is ``schematic``; without it, the catalogue decides.
    opacity : mapping, optional
        Layer id → opacity factor, as given to :func:`layers.webmap.build.build_map_report`
        (swatches follow it).
    """
    check_lang(lang)
    specs = [x if isinstance(x, LayerSpec) else get_spec(x) for x in layer_ids]
    specs = list({s.id: s for s in specs}.values())
    if not specs:
        return ""
    rank = {s.id: i for i, s in enumerate(LAYERS)}
    specs.sort(key=lambda s: (s.group in BOTTOM_GROUPS, rank.get(s.id, len(rank))))
    rows: list[str] = []
    any_schematic = False
    for spec in specs:
        gdf = None if frames is None else frames.get(spec.id)
        layer_rows, schematic = _legend_rows(spec, lang, gdf, (opacity or {}).get(spec.id, 1.0))
        rows += layer_rows
        any_schematic |= schematic
    if any_schematic:
        key = dict(SCHEMATIC_KEY)
        rows.append(f'<li class="zj-legend-key">{swatch_svg("line", key)}'
                    f'<span>{esc(t(lang, "map_schematic"))}</span></li>')
    return (f'<details class="zj-legend-body" open><summary>{esc(t(lang, "map_legend"))}</summary>'
            f'<ul>{"".join(rows)}</ul></details>')


@functools.lru_cache(maxsize=settings.MAP_LEGEND_CACHE_SIZE)
def catalogue_legend(layer_ids: tuple[str, ...], lang: str, opacity: tuple[tuple[str, float], ...]) -> str:
    """:func:`legend_html` of catalogue layers, cached (their data do not change while running)."""
    return legend_html(layer_ids, lang, frames={i: load(i) for i in layer_ids}, opacity=dict(opacity))


def title_html(title: str, when: datetime.date | str | None = None) -> str:
    """The title block: the escaped title and the date (ISO, default today)."""
    if when is None:
        when = datetime.date.today()
    day = when.isoformat() if isinstance(when, datetime.date) else str(when)
    return f'<div class="zj-title-main">{esc(title)}</div><div class="zj-title-sub">{esc(day)}</div>'
