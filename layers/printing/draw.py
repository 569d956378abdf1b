"""Features drawn on the map frame: one matplotlib collection per geometry family and style."""
from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from shapely.geometry.polygon import orient

from geo.geometry import family

__all__ = ["draw_frame", "polygon_path", "simplify_context"]

#: Drawing order of the families (+ 0.5: polygon edges, over every fill).
_Z = {"polygon": 2.0, "line": 3.0, "point": 4.0}


def polygon_path(geom: Any) -> MplPath:
    """A matplotlib path of a (multi)polygon, holes wound opposite to their shells."""
    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        poly = orient(poly, 1.0)
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _style_key(st: dict) -> tuple:
    return st["edge"], st["face"], st["lw"], str(st["ls"]), st["ms"]


def draw_frame(ax: Any, gdf: gpd.GeoDataFrame, styles: list[dict], gid: str, rank: float) -> int:
    """Draw projected features with their (matplotlib) styles, one collection per style.

    Parameters
    ----------
    ax : matplotlib Axes
        The map frame.
    gdf : GeoDataFrame
        Features in the print CRS.
    styles : list of dict
        One :func:`layers.printing.styles.mpl_style` per feature.
    gid : str
        The collections' id (the layer id).
    rank : float
        Added to the family's z-order (layers drawn later come out on top).

    Returns
    -------
    int
        The number of features drawn.
    """
    groups: dict[tuple, list] = {}
    for geom, st in zip(gdf.geometry, styles):
        if geom is None or geom.is_empty:
            continue
        parts = getattr(geom, "geoms", [geom]) if geom.geom_type == "GeometryCollection" else [geom]
        for part in parts:
            kind = family(part.geom_type)
            if kind is not None:
                groups.setdefault((kind, _style_key(st)), [st, []])[1].append(part)
    for (kind, _), (st, geoms) in groups.items():
        z = _Z[kind] + rank
        if kind == "polygon":  # fills under every edge, so a fill never veils another layer's outline
            paths = [polygon_path(g) for g in geoms]
            if st["face"][3] > 0:
                ax.add_collection(PatchCollection([PathPatch(q) for q in paths], facecolor=st["face"],
                                                  edgecolor="none", linewidth=0, zorder=z, gid=gid))
            if st["edge"][3] > 0 and st["lw"] > 0:
                ax.add_collection(PatchCollection([PathPatch(q) for q in paths], facecolor="none",
                                                  edgecolor=st["edge"], linewidth=st["lw"], linestyle=st["ls"],
                                                  zorder=z + 0.5, gid=gid))
        elif kind == "line":
            segs = [np.asarray(part.coords)[:, :2] for g in geoms for part in getattr(g, "geoms", [g])]
            ax.add_collection(LineCollection(segs, colors=[st["edge"]], linewidths=st["lw"], linestyles=st["ls"],
                                             capstyle="round", zorder=z, gid=gid))
        else:
            xy = shapely.get_coordinates(np.asarray(geoms, dtype=object))
            ax.scatter(xy[:, 0], xy[:, 1], s=st["ms"] ** 2, c=[st["face"]], edgecolors=[st["edge"]],
                       linewidths=max(st["lw"], 0.3), linestyles=st["ls"], zorder=z, gid=gid)
    return sum(len(g) for _, g in groups.values())


def simplify_context(gdf: gpd.GeoDataFrame, tolerance: float, view: Any) -> gpd.GeoDataFrame:
    """Projected context geometry clipped near the view and simplified below visibility."""
    out = gdf[gdf.geometry.intersects(view)].copy()
    geoms = shapely.simplify(shapely.intersection(out.geometry.to_numpy(), view), tolerance,
                             preserve_topology=True)
    return out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=out.crs))
