"""Geometry families: every geometry type as a point, a line or a polygon.

The one table of them: the legend's swatch, the Shapefile writer's split of mixed layers
and the importer's mixed-type check all read it.
"""
from __future__ import annotations

from collections.abc import Iterable

__all__ = ["FAMILY", "FAMILY_ORDER", "family", "geometry_kind"]

#: Family of each simple-features geometry type ("LinearRing" is a closed line).
FAMILY = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line",
          "LinearRing": "line", "Polygon": "polygon", "MultiPolygon": "polygon"}
#: Families in the order a legend picks one for a mix of types (a polygon wins).
FAMILY_ORDER = ("polygon", "line", "point")


def family(geom_type: str) -> str | None:
    """``"point"``, ``"line"`` or ``"polygon"`` for a geometry type name; None for others."""
    return FAMILY.get(geom_type)


def geometry_kind(types: Iterable[str]) -> str:
    """The one family that stands for these geometry types (polygon before line before point).

    Unknown types and an empty list count as polygons (the legend's default swatch).
    """
    kinds = {FAMILY.get(t) or "polygon" for t in types}
    return next((k for k in FAMILY_ORDER if k in kinds), "polygon")
