"""Every catalogue description traces back to its hand-digitised boundary, on roads laid along it.

No Pudong road data is available offline, so this builds an OSM file whose roads and rivers
(synthetic: named as each description names them) run exactly along the hand-digitised
polygon's outline: the outline is cut at its four compass corners, each side into as many
stretches of equal length as the description has edges on that side, and each stretch is
drawn 300 m past its ends. Tracing the description must then give the hand-digitised polygon
back. This checks what each file says the tracer needs (names, refs, kinds, how many edges on
each side, sides going round once) and the comparison with the hand-digitised feature that
``python -m layers trace`` prints for a catalogue id. It cannot check that the roads of a side
are in their true order: only real road data can.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Polygon
from shapely.ops import substring

from geo.trace import trace_boundary
from geo.tracedesc import BoundaryDescription
from layers.tracing.descriptions import catalogue_descriptions, description, reference_feature
from layers.tracing.report import trace_report

_SIDES = ("N", "E", "S", "W")
_CORNER = {"NE": (1, 1), "SE": (1, -1), "SW": (-1, -1), "NW": (-1, 1)}  # N side ends at NE, …
_END_OF = {"N": "NE", "E": "SE", "S": "SW", "W": "NW"}
REACH_M = 300.0


def _stretches(poly: Polygon, desc: BoundaryDescription, crs: str) -> list[LineString]:
    """The outline (metric, clockwise from the NW corner) cut into one stretch per edge."""
    to_m = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    ring = np.column_stack(to_m.transform(*np.asarray(poly.exterior.coords).T))
    if shapely.is_ccw(shapely.linearrings(ring)):
        ring = ring[::-1]
    corners = {}
    for name, (sx, sy) in _CORNER.items():
        corners[name] = int(np.argmax(sx * ring[:, 0] + sy * ring[:, 1]))
    start = corners["NW"]
    ring = np.vstack([ring[start:-1], ring[:start + 1]])
    line = LineString(ring)
    positions = {k: line.project(shapely.Point(ring[(v - start) % (len(ring) - 1)])) for k, v in corners.items()}
    positions["NW_end"] = line.length
    bounds = {"N": (0.0, positions["NE"]), "E": (positions["NE"], positions["SE"]),
              "S": (positions["SE"], positions["SW"]), "W": (positions["SW"], positions["NW_end"])}
    out = []
    for side in _SIDES:
        count = sum(1 for e in desc.edges if e.side == side)
        a, b = bounds[side]
        cuts = np.linspace(a, b, count + 1)
        out += [substring(line, cuts[k], cuts[k + 1]) for k in range(count)]
    return out


def _extended(line: LineString) -> list[tuple[float, float]]:
    c = np.asarray(line.coords)
    head = c[0] - (c[1] - c[0]) / np.hypot(*(c[1] - c[0])) * REACH_M
    tail = c[-1] + (c[-1] - c[-2]) / np.hypot(*(c[-1] - c[-2])) * REACH_M
    return [tuple(p) for p in np.vstack([head, c, tail])]


def write_along(path: Path, poly: Polygon, desc: BoundaryDescription) -> Path:
    """An OSM XML file with each edge's road or river along its stretch of the outline."""
    c = poly.centroid
    crs = f"+proj=tmerc +lat_0={c.y} +lon_0={c.x} +ellps=WGS84"
    to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    nodes, ways, nid = [], [], 1
    for wid, (edge, stretch) in enumerate(zip(desc.edges, _stretches(poly, desc, crs)), 1):
        refs = []
        for x, y in _extended(stretch):
            lon, lat = to_ll.transform(x, y)
            nodes.append(f'<node id="{nid}" version="1" lat="{lat:.8f}" lon="{lon:.8f}"/>')
            refs.append(f'<nd ref="{nid}"/>')
            nid += 1
        kind = '<tag k="waterway" v="river"/>' if edge.kind == "water" else '<tag k="highway" v="primary"/>'
        ref = f'<tag k="ref" v="{edge.refs[0]}"/>' if edge.refs else ""
        name = edge.names[0] if edge.names else ""
        ways.append(f'<way id="{wid}" version="1">{"".join(refs)}{kind}{ref}<tag k="name" v="{name}"/></way>')
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
                    + "\n".join(nodes + ways) + "\n</osm>\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("boundary", sorted(catalogue_descriptions()))
def test_description_traces_back_to_its_boundary(boundary, tmp_path):
    desc = description(boundary)
    assert desc.compare, "every catalogue description names the feature it describes"
    ref, _ = reference_feature(desc.compare)
    poly = max(shapely.get_parts(ref), key=lambda p: p.area)
    osm = write_along(tmp_path / f"{boundary}.osm", poly, desc)
    result = trace_boundary(desc, osm)
    report = trace_report(result)
    areas = report["reference"]
    assert areas["iou"] > 0.999, areas
    assert abs(areas["difference_pct"]) < 0.1, areas
    assert result.gaps == []
    assert [e["road"] for e in report["edges"]] == [e.label() for e in desc.edges]
    for row in report["edges"]:
        assert row["median_m"] <= 1 and row["max_m"] <= 5, row


def test_one_command_for_the_2017_boundary(tmp_path):
    desc = description("science_city_2017")
    ref, _ = reference_feature("science_city_2017")
    osm = write_along(tmp_path / "along_2017.osm", ref, desc)
    out = tmp_path / "traced_2017.gpkg"
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-m", "layers", "trace", "science_city_2017", "--osm", str(osm),
                           "--out", str(out), "--json"], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["reference"]["reference_km2"] == pytest.approx(94.05, abs=0.01)  # the catalogue's own figure
    assert report["area_km2"] == pytest.approx(94.05, rel=1e-3)
    assert report["published_km2"] == 94
    assert out.is_file() and report["written"] == [str(out)]
    proc = subprocess.run([sys.executable, "-m", "layers", "trace", "science_city_2017", "--osm", str(osm)],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert "罗山路" in proc.stdout and "手绘" in proc.stdout  # the per-edge table, in Chinese by default
