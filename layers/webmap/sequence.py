"""Saved views: the prepared meeting sequence and the planner's own views (no Streamlit here).

A :class:`SavedView` is what a planner steps to in a meeting: the layers shown and where
the map opens (a box to fit, or a centre and zoom). :data:`MEETING_SEQUENCE` is the
prepared story, 2017 boundary → 2021 expansion → spatial structure → blue-green corridors
→ the 22 parks; its boxes are the layers' real extents (:func:`resolve`). :func:`step`
moves through a sequence; :func:`checkbox_state` and :func:`opening` turn a view into the
app's state (layer switches, the map's opening view).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Callable, Sequence, TypeVar

from geo.bilingual import Bilingual
from geo.errors import ZJError
from layers.catalogue.entries import LAYERS
from layers.text import text
from layers.webmap.bounds import layer_bounds
from layers.webmap.options import check_box, check_center, check_zoom

__all__ = ["MEETING_SEQUENCE", "SavedView", "checkbox_state", "from_record", "opening", "prepared", "resolve",
           "saved_view", "step", "to_record"]

Box = tuple[float, float, float, float]

T = TypeVar("T")

#: Longest title a saved view may carry from a project file (characters).
MAX_TITLE = 200


@dataclass(frozen=True)
class SavedView:
    """One view of a sequence: its layers and where the map opens.

    ``bounds`` (WGS84 west, south, east, north) wins over ``centre`` (lat, lon) and ``zoom``;
    ``extent`` names the layers whose joint extent :func:`resolve` makes the ``bounds``.
    """

    id: str
    title: Bilingual
    layers: tuple[str, ...]
    bounds: Box | None = None
    centre: tuple[float, float] | None = None
    zoom: float | None = None
    extent: tuple[str, ...] = ()


#: The prepared meeting sequence (issue 14): each view's layers (the context districts under
#: every one) and the layers whose extent it opens on.
MEETING_SEQUENCE: tuple[SavedView, ...] = (
    SavedView("boundary_2017", text("seq_boundary_2017"), ("science_city_2017", "districts"),
              extent=("science_city_2017",)),
    SavedView("expansion_2021", text("seq_expansion_2021"),
              ("science_city_2017", "science_city_2021", "science_city_expansion", "districts"),
              extent=("science_city_2021",)),
    SavedView("structure", text("seq_structure"), ("science_city_2021", "structure", "districts"),
              extent=("science_city_2021", "structure")),
    SavedView("corridors", text("seq_corridors"), ("science_city_2021", "corridors", "districts"),
              extent=("science_city_2021", "corridors")),
    SavedView("parks", text("seq_parks"), ("science_city_2021", "hitech_parks", "districts"),
              extent=("hitech_parks",)),
)


@lru_cache(maxsize=64)
def _extent_box(layer_ids: tuple[str, ...]) -> Box | None:
    """The joint extent of ``layer_ids`` (those that load); None when none does."""
    boxes = []
    for layer_id in layer_ids:
        try:
            boxes.append(layer_bounds(layer_id))
        except ZJError:
            continue
    if not boxes:
        return None
    x0, y0, x1, y1 = zip(*boxes)
    return min(x0), min(y0), max(x1), max(y1)


def resolve(view: SavedView) -> SavedView:
    """``view`` with its ``bounds`` set from its ``extent`` layers (cached; unchanged when it
    has bounds already, no extent, or none of its extent layers loads)."""
    if view.bounds is not None or not view.extent:
        return view
    box = _extent_box(view.extent)
    return view if box is None else replace(view, bounds=box)


def prepared() -> tuple[SavedView, ...]:
    """:data:`MEETING_SEQUENCE` with every view's box resolved."""
    return tuple(resolve(v) for v in MEETING_SEQUENCE)


def step(index: int | None, delta: int, length: int) -> int:
    """The index ``delta`` views on from ``index`` in a sequence of ``length`` views.

    Clamped, not wrapping: ▶ on the last view stays there (a presenter never jumps back to
    the start by one click too many). ``index`` None (not stepping yet) starts at the first
    view going forward and at the last going back.
    """
    if length <= 0:
        raise ValueError("an empty sequence has no views")
    if index is None:
        return 0 if delta >= 0 else length - 1
    return min(max(index + delta, 0), length - 1)


def checkbox_state(view: SavedView) -> dict[str, bool]:
    """Every catalogue layer id → shown in ``view`` (the sidebar's layer switches)."""
    return {spec.id: spec.id in view.layers for spec in LAYERS}


def opening(view: SavedView) -> dict:
    """The map's opening view for ``view``: ``{"fit": box}``, ``{"center": (lat, lon), "zoom": z}``,
    or ``{}`` when it has no place (the map stays where it is)."""
    if view.bounds is not None:
        return {"fit": tuple(view.bounds)}
    if view.centre is not None:
        return {"center": tuple(view.centre), "zoom": view.zoom}
    return {}  # no place: the map stays where it is


def saved_view(number: int, layers: Sequence[str], centre: tuple[float, float] | None, zoom: float | None,
               bounds: Box | None = None) -> SavedView:
    """A planner's own view ``number`` (1, 2, …): the layers shown now and where the map is."""
    known = {spec.id for spec in LAYERS}
    return SavedView(f"saved_{number}", text("seq_saved").format(n=number),
                     tuple(i for i in layers if i in known), bounds=None if centre is not None else bounds,
                     centre=centre, zoom=zoom)


def to_record(view: SavedView) -> dict:
    """``view`` as JSON-able data (a project file keeps the planner's own views this way)."""
    return {"id": view.id, "title": [view.title.zh, view.title.en], "layers": list(view.layers),
            "bounds": list(view.bounds) if view.bounds is not None else None,
            "centre": list(view.centre) if view.centre is not None else None, "zoom": view.zoom}


def _checked(value: object, n: int, check: Callable[[Any], T]) -> T | None:
    """``value`` (``n`` JSON numbers) through one of :mod:`layers.webmap.options`' checks;
    None when it is not numbers or the check refuses it."""
    if not isinstance(value, (list, tuple)) or len(value) != n \
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return None
    try:
        return check(value if n > 1 else value[0])
    except ZJError:
        return None


def from_record(record: object) -> SavedView | None:
    """A saved view from :func:`to_record`'s data, or None when it is not one.

    A project file is anybody's text: the title must be two short strings, layers are kept
    only if the catalogue knows them, a box must be a WGS84 box (west < east, south < north),
    a centre a latitude and longitude, a zoom within Leaflet's levels (the map's own option
    checks, :mod:`layers.webmap.options`); a view with no place
    and no layer is dropped.
    """
    if not isinstance(record, dict):
        return None
    title = record.get("title")
    if not (isinstance(title, (list, tuple)) and len(title) == 2
            and all(isinstance(x, str) and 0 < len(x) <= MAX_TITLE for x in title)):
        return None
    known = {spec.id for spec in LAYERS}
    raw_layers = record.get("layers")
    view_layers = tuple(dict.fromkeys(i for i in raw_layers if isinstance(i, str) and i in known)) \
        if isinstance(raw_layers, (list, tuple)) else ()
    box = _checked(record.get("bounds"), 4, lambda v: check_box(v, "bounds"))
    if box is not None and not (box[0] < box[2] and box[1] < box[3]):
        box = None  # a box with no extent is no place to fit
    centre = _checked(record.get("centre"), 2, check_center)
    zoom = _checked([record.get("zoom")], 1, check_zoom)
    if box is None and centre is None and not view_layers:
        return None
    view_id = record.get("id")
    return SavedView(view_id if isinstance(view_id, str) and view_id.startswith("saved_") and len(view_id) < 40
                     else "saved_0", Bilingual(title[0], title[1]), view_layers, bounds=box,
                     centre=centre if box is None else None,
                     zoom=zoom if box is None and centre is not None else None)
