"""Coverage results on the map: gaps, covered places, sources, a scenario's gain, a legend.

The result layers are WGS84 frames (``CoverageResult.gap_layer``); on a GCJ-02 basemap
they are shifted for display only, like the catalogue layers. Every text is escaped.
"""
from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from geo import settings
from geo.chinacoords import convert_frame
from layers.text import t
from layers.text.coverage import RESULT_LABELS
from layers.webmap.controls import add_control, layer_control_last
from layers.webmap.html import esc
from layers.webmap.legend import swatch_svg

#: Okabe–Ito colours (colour-blind safe), as in the catalogue's styles.
STYLES: dict[str, dict[str, Any]] = {
    "gap": {"color": "#D55E00", "weight": 0.6, "fillColor": "#D55E00", "fillOpacity": 0.55},
    "covered": {"color": "#0072B2", "weight": 0.4, "fillColor": "#56B4E9", "fillOpacity": 0.35},
    "new": {"color": "#CC79A7", "weight": 1.0, "fillColor": "#CC79A7", "fillOpacity": 0.75},
    "source": {"color": "#006D4F", "weight": 2.0, "fillColor": "#009E73", "fillOpacity": 0.45,
               "radius": 4},
}


def _prepare(gdf: gpd.GeoDataFrame, coords: str) -> gpd.GeoDataFrame:
    if gdf is None or gdf.empty:
        return gdf
    out = gdf.copy()
    polys = out.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if polys.any():
        geoms = out.geometry.to_numpy().copy()
        geoms[polys] = shapely.simplify(geoms[polys], settings.COVERAGE_DISPLAY_SIMPLIFY_M / 111_320.0,
                                        preserve_topology=True)
        out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=out.crs))
    if len(out) > settings.COVERAGE_MAX_FEATURES and polys.all():
        merged = shapely.union_all(out.geometry.to_numpy())
        out = gpd.GeoDataFrame({"area_m2": [float(out["area_m2"].sum())] if "area_m2" in out else [np.nan]},
                               geometry=[merged], crs=out.crs)
    if coords != "wgs84":
        out = convert_frame(out, "wgs84", coords)
    return out


def _tip(kind: str, row: dict, lang: str) -> str:
    parts = [RESULT_LABELS[kind].get(lang)]
    name = row.get("name")
    if isinstance(name, str) and name:
        parts.append(name)
    if row.get("category"):
        parts.append(str(row["category"]))
    d = row.get("dist_m")
    if d is not None and np.isfinite(d):
        parts.append(t(lang, "cov_walk") + " " + f"{d:,.0f} m")
    a = row.get("area_m2")
    if a is not None and np.isfinite(a) and a > 0:
        parts.append(f"{a:,.0f} m²")
    return esc(" · ".join(parts))


def add_result_layer(m: folium.Map, kind: str, gdf: gpd.GeoDataFrame | None, lang: str,
                     coords: str = "wgs84", show: bool = True) -> int:
    """Draw one result layer (``kind`` in :data:`STYLES`) as one GeoJSON layer; returns its features.

    Each feature carries an escaped ``tooltip`` (which also tells the app that a click on
    it is not a drawing) and its ``style``.
    """
    if gdf is None or gdf.empty:
        return 0
    shown = _prepare(gdf, coords)
    shown = shown[shown.geometry.notna() & ~shown.geometry.is_empty]
    style = dict(STYLES[kind])
    props = [c for c in ("name", "category", "dist_m", "area_m2") if c in shown]
    geoms = shapely.set_precision(shown.geometry.to_numpy(), 1e-6)
    features = []
    for row, geom in zip(shown[props].to_dict("records"), geoms):
        feature_style = dict(style, fill=True) if geom.geom_type == "Point" else style
        features.append({"type": "Feature", "geometry": mapping(geom),
                         "properties": {"tooltip": _tip(kind, row, lang), "style": feature_style}})
    group = folium.FeatureGroup(name=esc(RESULT_LABELS[kind].get(lang)), show=show)
    folium.GeoJson({"type": "FeatureCollection", "features": features},
                   style_function=lambda f: f["properties"]["style"],
                   marker=folium.CircleMarker(radius=float(style.get("radius", 4)), fill=True),
                   tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
                   control=False, smooth_factor=0.5).add_to(group)
    group.add_to(m)
    return len(features)


def legend_html(kinds: list[str], lang: str, title: str) -> str:
    """Escaped legend rows for the result layers shown."""
    rows = [f'<div class="zj-legend-title">{esc(title)}</div>']
    for kind in kinds:
        style = STYLES[kind]
        shape = "point" if kind == "source" else "polygon"
        rows.append(f'<div class="zj-legend-row">{swatch_svg(shape, style)} '
                    f'{esc(RESULT_LABELS[kind].get(lang))}</div>')
    return "".join(rows)


def add_coverage(m: folium.Map, layers_: dict[str, gpd.GeoDataFrame | None], lang: str,
                 title: str, coords: str = "wgs84") -> dict[str, int]:
    """Draw a coverage result (``{"gap": …, "covered": …, "source": …, "new": …}``) and its legend."""
    counts = {}
    for kind in ("covered", "gap", "new", "source"):
        counts[kind] = add_result_layer(m, kind, layers_.get(kind), lang, coords)
    shown = [k for k in ("gap", "covered", "new", "source") if counts[k]]
    if shown:
        add_control(m, legend_html(shown, lang, title), "bottomright", "zj-legend")
        layer_control_last(m)
    return counts


__all__ = ["STYLES", "add_coverage", "add_result_layer", "legend_html"]
