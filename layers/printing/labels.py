"""Names on the map: greedy label placement, with leader lines to labels set apart."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import shapely
import shapely.ops
from matplotlib import patheffects
from matplotlib.text import Text
from shapely.geometry import box

from geo import settings
from geo.geometry import family
from layers.catalogue.loading import get_spec
from layers.catalogue.symbology import number_or
from layers.printing.fonts import draw_text, text_width_pt
from layers.printing.page import PT_PER_MM
from layers.printing.presets import Preset

__all__ = ["LabelPlacer", "draw_labels", "label_anchor", "label_features"]


class LabelPlacer:
    """Greedy label placement: the first candidate spot whose box hits no placed label or
    marker, near before far; when every spot is taken, the one overlapping least.

    Parameters
    ----------
    mm_per_unit : float
        Paper millimetres per map unit (1000 / the scale denominator).
    """

    #: Candidate directions (dx, dy, horizontal alignment) around a point.
    AROUND = {"r": (1, 0, "left"), "l": (-1, 0, "right"), "t": (0, 1, "center"), "b": (0, -1, "center"),
              "tr": (0.7, 0.7, "left"), "br": (0.7, -0.7, "left"), "tl": (-0.7, 0.7, "right"),
              "bl": (-0.7, -0.7, "right"), "c": (0, 0, "center")}

    def __init__(self, mm_per_unit: float) -> None:
        self.pt = 1.0 / (PT_PER_MM * mm_per_unit)  # data units per point
        self.mm = 1.0 / mm_per_unit  # data units per paper mm
        self.boxes: list = []
        self.markers: list[tuple[float, float]] = []

    def block(self, x: float, y: float, radius_pt: float) -> None:
        """Keep labels off a marker at (x, y)."""
        r = radius_pt * self.pt
        self.boxes.append(box(x - r, y - r, x + r, y + r))
        self.markers.append((x, y))

    def _leader(self, b: Any, x: float, y: float) -> shapely.LineString:
        end = shapely.ops.nearest_points(b.exterior, shapely.Point(x, y))[0]
        return shapely.LineString([(x, y), (end.x, end.y)])

    def _leader_clear(self, b: Any, x: float, y: float) -> bool:
        """A leader line to a label set apart crosses no other label or marker."""
        line, own = self._leader(b, x, y), shapely.Point(x, y)
        return not any(line.intersects(o) for o in self.boxes if not o.contains(own))

    def _ambiguous(self, b: Any, x: float, y: float) -> bool:
        """A label right beside its marker reads as another marker's when that one is clearly nearer."""
        own = b.distance(shapely.Point(x, y))
        return any(b.distance(shapely.Point(mx, my)) < 0.75 * own for mx, my in self.markers if (mx, my) != (x, y))

    def _spot(self, x: float, y: float, w: float, h: float, g: float, name: str, far: float) -> tuple[Any, str]:
        dx, dy, ha = self.AROUND[name]
        cx = x + dx * g * far + {"left": w / 2, "right": -w / 2, "center": 0}[ha]
        cy = y + dy * (g * far + h / 2)
        return box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), ha

    def place(self, ax: Any, x: float, y: float, text: str, size: float, gap_pt: float, color: str,
              gid: str, candidates: tuple[str, ...] = ("r", "l", "t", "b", "tr", "br", "tl", "bl")) -> Text:
        """Place ``text`` at ``size`` pt near (x, y), ``gap_pt`` off a marker there; returns the text."""
        w, h = (text_width_pt(text, size) + 1.0) * self.pt, 1.25 * size * self.pt
        g = gap_pt * self.pt
        spots = [(*self._spot(x, y, w, h, g, c, far), far)
                 for far in settings.PRINT_LABEL_RINGS for c in candidates]
        free = [sp for sp in spots if not any(sp[0].intersects(b) for b in self.boxes)
                and (self._leader_clear(sp[0], x, y) if sp[2] > 1.0 else not self._ambiguous(sp[0], x, y))]
        bx, ha, far = free[0] if free else min(
            spots, key=lambda sp: sum(sp[0].intersection(b).area for b in self.boxes))
        self.boxes.append(bx)
        x0, y0, x1, y1 = bx.bounds
        if far > 1.0 and g > 0:  # a leader line ties a label set apart to its marker
            leader = self._leader(bx, x, y)
            self.boxes.append(leader.buffer(0.5 * self.pt))
            (x0_, y0_), (x1_, y1_) = leader.coords
            ax.plot([x0_, x1_], [y0_, y1_], color="#333333", linewidth=size * 0.07, zorder=3.9,
                    gid=f"{gid}-leader", solid_capstyle="butt")
        tx = {"left": x0, "right": x1, "center": (x0 + x1) / 2}[ha]
        t = draw_text(ax, tx, (y0 + y1) / 2, text, size, ha=ha, va="center", color=color, gid=gid, zorder=6,
                      clip_on=True)
        t.set_path_effects([patheffects.withStroke(linewidth=size * 0.28, foreground="white")])
        return t


def label_anchor(geom: Any, view: Any, min_share: float = 0.0) -> tuple[float, float] | None:
    """Where to label a geometry: a point inside its visible part (None when that part is
    empty, or for polygons, smaller than ``min_share`` of the view)."""
    part = geom.intersection(view)
    if part.is_empty or (min_share and part.area < min_share * view.area):
        return None
    if part.geom_type in ("LineString", "MultiLineString"):
        longest = max(getattr(part, "geoms", [part]), key=lambda g: g.length)
        p = longest.interpolate(0.5, normalized=True)
    elif part.geom_type in ("Point", "MultiPoint"):
        p = getattr(part, "geoms", [part])[0]
    else:
        p = part.representative_point()
    return p.x, p.y


def _crowding(geom: Any, points: list, radius: float) -> int:
    """How many of ``points`` lie within ``radius`` of a point geometry (0 for other geometries)."""
    if geom is None or geom.geom_type != "Point":
        return 0
    return sum(1 for p in points if p is not geom and geom.distance(p) < radius)


def label_features(ax: Any, placer: LabelPlacer, gdf: gpd.GeoDataFrame, kinds: tuple[str, ...], lang: str,
                   view: Any, s: float, gid: str, color: str = "#222222", size: float | None = None,
                   gap_pt: float = 0.0, min_share: float = 0.0) -> int:
    """Name features of ``kinds`` (polygon/line/point) at their anchor; returns labels drawn.

    Crowded points are named first, while the most room is free; ``size`` is in pt on A4
    (default ``settings.PRINT_FONT_PT["label"]``).
    """
    col = f"name_{lang}"
    n = 0
    points = [g for g in gdf.geometry if g is not None and g.geom_type == "Point" and "point" in kinds]
    if gap_pt > 0:
        for g in points:
            placer.block(g.x, g.y, gap_pt * 0.8)
    names = gdf[col] if col in gdf else [None] * len(gdf)
    radius = settings.PRINT_LABEL_CROWDING_MM * placer.mm
    for geom, name in sorted(zip(gdf.geometry, names), key=lambda gn: -_crowding(gn[0], points, radius)):
        if geom is None or geom.is_empty or not isinstance(name, str) or not name.strip():
            continue
        if family(geom.geom_type) not in kinds:
            continue
        at = label_anchor(geom, view, min_share)
        if at is None:
            continue
        is_point = geom.geom_type in ("Point", "MultiPoint")
        placer.place(ax, *at, name, (size or settings.PRINT_FONT_PT["label"]) * s, gap_pt if is_point else 0.0,
                     color, gid, candidates=tuple(LabelPlacer.AROUND)[:-1] if is_point else ("c", "t", "b", "r", "l"))
        n += 1
    return n


def draw_labels(ax: Any, placer: LabelPlacer, p: Preset, proj: Mapping[str, gpd.GeoDataFrame], lang: str,
                view: Any, s: float) -> None:
    """The names a preset shows: its labelled layers', then the districts' (grey, inside the view)."""
    for layer_id, kinds in p.labels:
        if layer_id in proj:
            spec = get_spec(layer_id)
            gap = 2 * number_or(spec.style.radius, 6.0) * settings.PRINT_PX_TO_PT * s / 2 + 2 * s
            label_features(ax, placer, proj[layer_id], kinds, lang, view, s, f"label-{layer_id}", gap_pt=gap)
    if p.district_labels and "districts" in proj:
        inset = view.buffer(-0.04 * min(view.bounds[2] - view.bounds[0], view.bounds[3] - view.bounds[1]))
        label_features(ax, placer, proj["districts"], ("polygon",), lang, inset, s, "label-districts",
                       color="#777777", size=settings.PRINT_FONT_PT["district"],
                       min_share=settings.PRINT_DISTRICT_LABEL_MIN_SHARE)
