"""Where OSM ways become the walking network's edges: at their ends and at shared nodes.

One rule for :meth:`geo.network.WalkNetwork.from_ways` (which builds the edges) and for
:func:`geo.citywide.partition.network_pieces` (which finds the network's connected pieces
from the node lists alone): both must agree on which OSM nodes are the network's nodes.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Junctions", "way_junctions"]


@dataclass
class Junctions:
    """The OSM nodes of a set of ways, and which become network nodes (:func:`way_junctions`)."""

    sizes: np.ndarray  # nodes per way
    inverse: np.ndarray  # each way node's index in ``osm_ids``
    osm_ids: np.ndarray  # the distinct OSM ids, in order of first use
    is_node: np.ndarray  # per way node: a way's end, or shared (a junction)
    nodes: np.ndarray  # indices in ``osm_ids`` of the network's nodes, ascending


def way_junctions(node_lists) -> Junctions:
    """Where ways become edges: at their ends and wherever an OSM node is shared by two ways
    (or visited twice by one), the junctions as mapped (:meth:`WalkNetwork.from_ways`)."""
    sizes = np.fromiter(map(len, node_lists), dtype=np.int64, count=len(node_lists))
    ids = np.fromiter(itertools.chain.from_iterable(node_lists), dtype=np.int64, count=int(sizes.sum()))
    inverse, uniq = pd.factorize(ids)  # nodes in order of first use (a hash: fast)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    is_node = np.bincount(inverse)[inverse] > 1
    is_node[starts] = True
    is_node[starts + sizes - 1] = True
    used = np.zeros(len(uniq), dtype=bool)
    used[inverse[is_node]] = True
    return Junctions(sizes, inverse, np.asarray(uniq), is_node, np.flatnonzero(used))
