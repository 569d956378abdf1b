"""Thematic styles of the planner's layers: which colour each feature gets, on the web map and in print.

No folium or matplotlib here: the web map (:mod:`layers.webmap.userlayers`) and print
(:mod:`layers.printing.overlays`) draw what these modules decide. A :class:`Style` is a small,
hashable value that a project file keeps (:meth:`Style.to_dict`, :meth:`Style.from_dict`).

Modules
-------
style      :class:`Style`, :class:`StyleClass`, the project-file form and its checks
palettes   categorical palettes (Okabe–Ito, Tol, ColorBrewer) and ColorBrewer ramps, cited
classify   one colour, categories (most frequent first), graduated classes (quantiles, equal
           interval, Fisher–Jenks natural breaks)
landuse    land-use classes in their standard colours (:mod:`geo.landuse`)
status     project statuses (在建 / 新开工 / 储备 / 竣工) in conventional colours, with a filter
apply      each feature's class and colour, the features shown, the legend rows
display    display geometry of big layers: the vertex budget, simplification for display, compact GeoJSON

>>> import geopandas as gpd                                   # doctest: +SKIP
>>> style = categorized(parcels, "用地性质")                   # doctest: +SKIP
>>> add_user_layers(m, {"控规": parcels}, styles={"控规": style})  # layers.webmap  # doctest: +SKIP
"""
from __future__ import annotations

from layers.styling.apply import class_index, feature_colours, legend_rows, visible_mask
from layers.styling.classify import categorized, graduated, single
from layers.styling.landuse import landuse_style
from layers.styling.palettes import CATEGORICAL, DEFAULT_PALETTE, DEFAULT_RAMP, RAMPS, categorical, ramp
from layers.styling.status import STATUSES, find_status_column, status_of, status_style
from layers.styling.style import KINDS, METHODS, Style, StyleClass

__all__ = [
    "CATEGORICAL", "DEFAULT_PALETTE", "DEFAULT_RAMP", "KINDS", "METHODS", "RAMPS", "STATUSES", "Style", "StyleClass",
    "categorical", "categorized", "class_index", "feature_colours", "find_status_column", "graduated",
    "landuse_style", "legend_rows", "ramp", "single", "status_of", "status_style", "visible_mask",
]
