"""Results computed from frames, kept while those very frames live.

The app reruns its whole script on every click; :class:`FrameMemo` keeps the display
data, the measurements and the overlays of imported layers from being recomputed
each time. Frames are matched by identity through weak references, so a result can
never be handed to another frame or another session.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable, TypeVar

from geo import settings

__all__ = ["FrameMemo"]

T = TypeVar("T")


class FrameMemo:
    """A small thread-safe LRU of values keyed by frames (by identity) and extra keys.

    Parameters
    ----------
    size : int, optional
        Most values kept (default ``settings.FRAME_MEMO_SIZE``).
    """

    def __init__(self, size: int | None = None) -> None:
        self._items: OrderedDict[tuple, tuple[list[weakref.ref], Any]] = OrderedDict()
        self._size = settings.FRAME_MEMO_SIZE if size is None else size
        self._lock = threading.Lock()  # Streamlit runs sessions in threads

    def get(self, frames: tuple, extra: tuple, compute: Callable[[], T]) -> T:
        """The value remembered for ``frames`` and ``extra``, or ``compute()`` (then remembered)."""
        key = tuple(id(f) for f in frames) + extra
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and all(ref() is f for ref, f in zip(hit[0], frames)):
                self._items.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._items[key] = ([weakref.ref(f) for f in frames], value)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value
