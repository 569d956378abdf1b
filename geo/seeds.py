"""Where things meet the walking network: seeds of sources and joins of places.

:class:`Seeds` are intervals of edges from which a walk starts (a park's stretch of
street, a shop's nearest street point, with the straight walk to it as an offset);
:class:`Snap` holds where places (homes, cells) join the network. Both are built by
:class:`geo.network.WalkNetwork` and :mod:`geo.access`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Seeds:
    """Where sources touch the network: intervals ``[a, b]`` of edges, with an offset.

    A point source at distance ``offset`` from its nearest edge point ``t`` is the
    interval ``[t, t]`` with that offset; a polygon crossed by an edge from ``a`` to
    ``b`` metres (from the edge's first node) is ``[a, b]`` with offset 0.
    """

    edge: np.ndarray
    a: np.ndarray
    b: np.ndarray
    offset: np.ndarray
    source: np.ndarray  # index of the source feature each seed belongs to

    @classmethod
    def empty(cls) -> "Seeds":
        z = np.zeros(0)
        return cls(np.zeros(0, dtype=np.int64), z, z, z, np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.edge)

    def concat(self, other: "Seeds", source_shift: int = 0) -> "Seeds":
        """Both sets of seeds; ``other``'s source indices shifted by ``source_shift``."""
        return Seeds(np.concatenate([self.edge, other.edge]), np.concatenate([self.a, other.a]),
                     np.concatenate([self.b, other.b]),
                     np.concatenate([self.offset, other.offset]),
                     np.concatenate([self.source, other.source + source_shift]))


@dataclass
class Snap:
    """Points joined to the network: edge index, position along it (m from ``u``), straight
    distance, and the point each join belongs to (``owner``).

    Every point has one join to the main piece of the network; a point inside the outline
    of a smaller piece has a second one to that piece (:meth:`WalkNetwork.snap`).
    """

    edge: np.ndarray
    t: np.ndarray
    dist: np.ndarray
    owner: np.ndarray
    n: int

    @property
    def on_fragment(self) -> int:
        """How many points are also joined to a smaller piece they lie in."""
        return int(len(self.edge) - self.n)


__all__ = ["Seeds", "Snap"]
