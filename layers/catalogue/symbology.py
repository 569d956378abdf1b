"""How the catalogue's layers are symbolised, shared by the web map and printed maps.

The geometry kind a legend swatch shows, a layer's base style, the dash of schematic
features, the drawing order of layers and the name a category's features share. The
renderers (:mod:`layers.webmap`, :mod:`layers.printing`) draw from these; neither has
its own copy.
"""
from __future__ import annotations

import math
import os
from collections.abc import Iterable

from geo.geometry import geometry_kind
from layers.catalogue.entries import LAYERS
from layers.catalogue.loading import get_spec
from layers.catalogue.spec import SCHEMATIC_DASH, LayerSpec

__all__ = ["BOTTOM_GROUPS", "SCHEMATIC_KEY", "base_style", "common_name", "draw_order",
           "geometry_kind", "number_or"]

#: Groups drawn first (under everything else): the context layers.
BOTTOM_GROUPS = ("context",)

#: The legend key of schematic (示意) features: a dashed grey line.
SCHEMATIC_KEY = {"color": "#444444", "weight": 2, "dashArray": SCHEMATIC_DASH}


def number_or(value, default: float) -> float:
    """``value`` as a finite float, else ``default`` (style values may be strings or missing)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    return v if math.isfinite(v) else default


def base_style(spec: LayerSpec) -> dict:
    """The Leaflet style dict of a layer's :class:`Style` (before per-feature overrides)."""
    st = spec.style
    out = {"color": st.color, "fillColor": st.fill_color or st.color, "weight": st.weight,
           "opacity": st.opacity, "fillOpacity": st.fill_opacity, "radius": st.radius}
    if st.dash_array:
        out["dashArray"] = st.dash_array
    return out


def common_name(names: list[str]) -> str:
    """The name shared by a category's features: the one name, or their common leading words."""
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return names[0] if names else ""
    prefix = os.path.commonprefix(names)
    return prefix.rstrip(" ·:-–(（/").strip()


def draw_order(layer_ids: Iterable[str]) -> list[str]:
    """``layer_ids`` in drawing order: context groups first, then catalogue order."""
    wanted = list(dict.fromkeys(layer_ids))
    for layer_id in wanted:
        get_spec(layer_id)  # unknown ids raise LayerNotFoundError
    rank = {s.id: i for i, s in enumerate(LAYERS)}
    return sorted(wanted, key=lambda i: (get_spec(i).group not in BOTTOM_GROUPS, rank[i]))
