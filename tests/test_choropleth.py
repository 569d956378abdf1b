"""The choropleth of a check by zones (layers.webmap.choropleth): classes around the target,
a sequential ColorBrewer ramp, zones without demand hatched grey, escaped tooltips and legend."""
from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.styling.palettes import RAMPS
from layers.webmap import choropleth as ch
from layers.webmap.build import map_html

HOSTILE = '<script>alert("x")</script>'


def zones(shares: list[float | None]) -> gpd.GeoDataFrame:
    cells = [shapely.box(121.5 + 0.01 * i, 31.2, 121.509 + 0.01 * i, 31.209) for i in range(len(shares))]
    share = [np.nan if s is None else s for s in shares]
    return gpd.GeoDataFrame({"name": [HOSTILE] + [f"镇{i}" for i in range(1, len(shares))],
                             "zone_id": range(len(shares)), "share": share,
                             "share_buffer": [np.nan if s is None else min(1.0, s + 0.1) for s in shares]},
                            geometry=cells, crs="EPSG:4326")


def test_classes_are_20_percent_steps_with_the_target_a_break():
    assert ch.class_bounds(None) == [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0)]
    # 80 % lies within 5 points of the target 85 %: the target replaces it
    assert ch.class_bounds(0.85) == [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.85), (0.85, 1.0)]
    assert ch.class_bounds(0.5) == [(0.0, 0.2), (0.2, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.8), (0.8, 1.0)]
    assert ch.class_bounds(1.0)[-2:] == [(0.8, 1.0), (1.0, 1.0)]  # "100 %" is its own class


def test_a_share_falls_in_one_class_and_no_demand_in_none():
    b = ch.class_bounds(0.85)
    assert [ch.class_of(s, b) for s in (0.0, 0.19, 0.2, 0.8499, 0.85, 1.0)] == [0, 0, 1, 3, 4, 4]
    assert ch.class_of(float("nan"), b) is None and ch.class_of(None, b) is None
    full = ch.class_bounds(1.0)
    assert ch.class_of(0.999, full) == 4 and ch.class_of(1.0, full) == 5


def test_labels_say_which_classes_meet_the_target():
    assert ch.class_labels(ch.class_bounds(0.85), 0.85, "zh") == [
        "0–20 %", "20–40 %", "40–60 %", "60–85 %", "≥ 85 % · 达标"]
    assert ch.class_labels(ch.class_bounds(1.0), 1.0, "en")[-1] == "100 % · met"
    assert ch.class_labels(ch.class_bounds(None), None, "en")[-1] == "80–100 %"


def test_colours_are_the_sequential_ramp_light_to_dark():
    colours = [s["fillColor"] for s in ch.class_styles(5)]
    assert len(set(colours)) == 5 and set(colours) <= set(RAMPS[ch.RAMP])
    order = [RAMPS[ch.RAMP].index(c) for c in colours]
    assert order == sorted(order)
    assert ch.NO_DATA["fillColor"] not in RAMPS[ch.RAMP]


def test_tooltip_escapes_the_name_and_gives_the_figures():
    tip = ch.tooltip_html(HOSTILE, {"share": 0.9, "share_buffer": 1.0}, 0.85, "zh")
    assert "<script>" not in tip and "&lt;script&gt;" in tip
    assert "90.0 %" in tip and "100.0 %" in tip and "达标" in tip and "未达标" not in tip
    tip = ch.tooltip_html("镇", {"share": 0.5, "share_buffer": 0.7}, 0.85, "en")
    assert "not met" in tip and "Target 85 %" in tip
    assert "no demand" in ch.tooltip_html("镇", {"share": np.nan}, 0.85, "en")
    assert "Target" not in ch.tooltip_html("镇", {"share": 0.5, "share_buffer": 0.6}, None, "en")


def test_the_map_draws_every_zone_with_its_legend():
    m = folium.Map(location=[31.2, 121.52], zoom_start=13)
    got = ch.add_choropleth(m, zones([0.1, 0.5, 0.9, 1.0, None]), "zh", f"分区覆盖率 {HOSTILE}", target=0.85)
    assert got["counts"] == [1, 0, 1, 0, 2] and got["no_data"] == 1
    html = map_html(m)
    assert HOSTILE not in html and "alert(&quot;x&quot;)" in html.replace("\\u0026", "&")
    assert ch.PANE in html and "zj-legend-choro" in html
    assert "zj-choro-nodata" in html and ch.HATCH_ID in html  # no demand: hatched
    # the features carry their class colour; the one without demand is grey
    data = [json.loads(d) for d in re.findall(r"_add\((\{.*?\})\);?\n", html)]
    fills = [f["properties"]["style"]["fillColor"] for d in data for f in d["features"]]
    assert ch.NO_DATA["fillColor"] in fills and len(fills) == 5


def test_legend_lists_classes_high_to_low_with_counts():
    legend = ch.legend_html("标题 <b>", ch.class_bounds(0.85), 0.85, [1, 0, 2, 0, 3], 2, "zh")
    assert "&lt;b&gt;" in legend and "<b>" not in legend
    rows = re.findall(r'<li class="zj-legend-cat">.*?<span>(.*?)</span></li>', legend)
    assert rows == ["≥ 85 % · 达标 (3)", "60–85 % (0)", "40–60 % (2)", "20–40 % (0)", "0–20 % (1)", "无需求 (2)"]


def test_without_zones_without_demand_there_is_no_hatch():
    m = folium.Map(location=[31.2, 121.52], zoom_start=13)
    ch.add_choropleth(m, zones([0.3, 0.7]), "en", "Zones", target=None)
    html = map_html(m)
    assert "zj-choro-nodata\"" not in html and "zj_choro_hatch" not in html and "no demand" not in html
    assert "<pattern" not in html.replace("\\u003c", "<")


@pytest.mark.parametrize("coords", ["wgs84", "gcj02"])
def test_on_a_gcj02_basemap_the_zones_are_shifted_for_display(coords):
    m = folium.Map(location=[31.2, 121.52], zoom_start=13)
    ch.add_choropleth(m, zones([0.5]), "zh", "z", target=0.85, coords=coords)
    data = [json.loads(d) for d in re.findall(r"_add\((\{.*?\})\);?\n", map_html(m))]
    x = data[0]["features"][0]["geometry"]["coordinates"][0][0][0]
    assert (abs(x - 121.5) < 1e-6) == (coords == "wgs84")
