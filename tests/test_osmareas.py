"""Areas cut by an extract's edge, rebuilt inside it (geo.osmareas), on shapes with known answers.

Coordinates are lon/lat near the equator's scale (0.001° ≈ 111 m); expected areas are in
the same local metres the module uses, so they are compared as shares of the known part.
"""
from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Polygon, box

from geo.osmareas import HOW_CHORD, HOW_EDGE, rebuild_area

BOX = (0.0, 0.0, 0.005, 0.003)


def clip_truth(ring) -> Polygon:
    return Polygon(ring).intersection(box(*BOX))


def runs_inside(ring) -> list[np.ndarray]:
    """The ring's runs of vertices inside the box, in ring order (as an extract keeps them)."""
    pts = np.asarray(ring)
    inside = [BOX[0] <= x <= BOX[2] and BOX[1] <= y <= BOX[3] for x, y in pts]
    runs, cur = [], []
    for p, ok in zip(pts, inside):
        if ok:
            cur.append(p)
        elif cur:
            runs.append(np.array(cur))
            cur = []
    if cur:
        runs.append(np.array(cur))
    return [r for r in runs if len(r) >= 2]


@pytest.mark.parametrize("ring", [
    # a park crossing the east edge (x = 0.005), either orientation
    [(0.004, 0.0008), (0.006, 0.0008), (0.006, 0.002), (0.004, 0.002), (0.004, 0.0008)],
    [(0.004, 0.0008), (0.004, 0.002), (0.006, 0.002), (0.006, 0.0008), (0.004, 0.0008)],
    # poking out of the east edge twice (a U: two runs inside)
    [(0.003, 0.0005), (0.007, 0.0005), (0.007, 0.001), (0.0045, 0.001), (0.0045, 0.002),
     (0.007, 0.002), (0.007, 0.0025), (0.003, 0.0025), (0.003, 0.0005)],
])
def test_an_area_crossing_one_edge_is_rebuilt_exactly(ring):
    runs = runs_inside(ring)
    got = rebuild_area(runs, BOX, ring_order=True)
    truth = clip_truth(ring)
    assert got.how == HOW_EDGE
    assert got.geometry.is_valid
    assert got.geometry.symmetric_difference(truth).area < 1e-6 * truth.area


def test_a_slanted_crossing_is_guessed_at_the_nearest_point_of_the_edge():
    # where the outline crosses the south edge is not in the file: the guess is the edge point
    # below the last node inside, wrong by a sliver (here 0.11 m in the 11 m the segment runs)
    ring = [(0.001, 0.001), (0.002, 0.0012), (0.0022, -0.001), (0.0008, -0.001), (0.001, 0.001)]
    got = rebuild_area(runs_inside(ring), BOX, ring_order=True)
    truth = clip_truth(ring)
    assert got.how == HOW_EDGE
    assert got.geometry.area == pytest.approx(truth.area, rel=0.1)
    assert got.geometry.intersection(truth).area > 0.9 * truth.area


def test_a_complete_ring_is_kept_as_it_is():
    ring = [(0.001, 0.001), (0.002, 0.001), (0.002, 0.002), (0.001, 0.001)]
    got = rebuild_area([np.array(ring)], BOX, ring_order=True)
    assert got.geometry.equals(Polygon(ring))


def test_gaps_far_from_the_box_edge_are_closed_straight():
    # nodes missing in the middle of the box (an extract cut along a polygon, not the box)
    runs = [np.array([(0.001, 0.001), (0.002, 0.001)]), np.array([(0.002, 0.002), (0.001, 0.002)])]
    got = rebuild_area(runs, (-0.02, -0.02, 0.04, 0.04), ring_order=True)
    assert got.how == HOW_CHORD
    assert got.geometry.area == pytest.approx(0.001 * 0.001, rel=1e-9)


def test_nothing_to_build_says_so():
    assert rebuild_area([], BOX).geometry is None
    assert rebuild_area([np.array([(0.001, 0.001)])], BOX).geometry is None


def test_a_relation_with_one_member_beyond_the_edge():
    # outer ring of two members: the west one inside, the east one entirely beyond the edge
    # (absent from the file): what is left is one open chain, closed along the edge
    west = np.array([(0.0045, 0.0025), (0.004, 0.0025), (0.004, 0.0005), (0.0045, 0.0005)])
    got = rebuild_area([np.vstack([[0.0055, 0.0025], west[:, :]])[1:]], BOX, outer=[True])
    truth = box(0.004, 0.0005, 0.005, 0.0025)
    assert got.geometry.symmetric_difference(truth).area < 1e-6 * truth.area
