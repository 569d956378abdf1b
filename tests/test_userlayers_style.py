"""The planner's styled layers on the web map (layers.webmap.userlayers): each feature's colour in its
properties, the legend's classes, escaped text, filters, compact popups of big layers, the display
simplification to the vertex budget, 100,000 parcels within the payload budget, and in Chromium
the canvas that still lets the catalogue's and the planner's features be clicked."""
from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import shapely

from bench.bench_userlayers import parcels
from geo import settings
from layers.styling import categorized, feature_colours, status_style
from layers.styling.display import fit_vertex_budget, vertex_count
from layers.webmap import userlayers as ul
from tests.browser_support import skip_without_chromium

EVIL = "<img src=x onerror=alert(1)>"


def _frame() -> gpd.GeoDataFrame:
    n = 12
    geoms = [shapely.box(121.58 + i * 1e-3, 31.2, 121.5808 + i * 1e-3, 31.2008) for i in range(n)]
    return gpd.GeoDataFrame({"地块名称": [f"地块{i}" for i in range(n)],
                             "用地": ["R2", "R2", "R2", "B1", "B1", "M1", EVIL, "R2", "B1", None, "G1", "R2"],
                             "状态": ["在建", "储备", "竣工", "在建", "新开工", "在建", "储备", "竣工", "暂缓", "在建",
                                    "储备", "新开工"]}, geometry=geoms, crs=settings.WGS84)


def _page(m: folium.Map) -> str:
    return m.get_root().render()


def _data(html: str) -> list[dict]:
    """The features of every planner's layer in the page."""
    found = re.findall(r'\.addData\((\{"type":"FeatureCollection".*?\})\);\n', html)
    return [f for fc in found for f in json.loads(fc)["features"]]


def _legend(html: str) -> str:
    """The planner's legend's HTML as the browser gets it."""
    for lit in re.findall(r'div\.innerHTML = (".*?");\n', html):
        text = json.loads(lit)
        if "⬆" in text:
            return text
    raise AssertionError("no legend of the planner's layers")


def test_styled_layer_carries_each_features_colour_and_the_legend_rows():
    f = _frame()
    style = categorized(f, "用地")
    m = folium.Map()
    assert ul.add_user_layers(m, {"控规": f}, styles={"控规": style}) == 1
    html = _page(m)
    feats = _data(html)
    assert [x["properties"]["colour"] for x in feats] == list(feature_colours(f, style))
    assert [x["properties"]["tooltip"] for x in feats][:2] == ["控规: 地块0", "控规: 地块1"]
    legend = _legend(html)
    for c in style.classes:
        assert f"{ul.esc(c.label)} ({c.count:,})" in legend and c.colour in legend
    assert "无数据 (1)" in legend and settings.STYLE_NO_DATA_COLOUR in legend
    assert "L.canvas" in html and settings.USER_PANE in html
    assert "_styler" not in html  # no folium style switch over feature ids


def test_attribute_text_stays_escaped():
    f = _frame()
    f.loc[0, "地块名称"] = "<script>alert(2)</script>"
    style = categorized(f, "用地")
    m = folium.Map()
    ul.add_user_layers(m, {"<b>控规</b>": f}, styles={"<b>控规</b>": style})
    html = _page(m)
    assert "<img src=x" not in html and "<script>alert" not in html and "<b>控规" not in html
    legend = _legend(html)
    assert "&lt;img src=x onerror=alert(1)&gt; (1)" in legend and "⬆ &lt;b&gt;控规&lt;/b&gt;" in legend
    props = _data(html)[0]["properties"]
    assert "&lt;script&gt;" in props["tooltip"] and "&lt;script&gt;" in props["popup"]


def test_compact_popups_of_a_big_layer_are_escaped_values(monkeypatch):
    monkeypatch.setattr(settings, "USER_COMPACT_FEATURES", 5)
    monkeypatch.setattr(settings, "USER_COMPACT_POPUP_ROWS", 2)
    f = _frame().assign(备注=EVIL)
    f = f[["备注", "用地", "地块名称", "geometry"]]
    style = categorized(f, "用地")
    data = ul.display_data("控规", f, style=style)
    assert data["compact"] and data["columns"] == ["地块名称", "用地"] and data["named"]
    props = json.loads(data["features"][6])["properties"]
    assert set(props) == {"v", "colour"} and props["v"] == ["地块6", ul.esc(EVIL)]
    head, tail, rows = ul._popup_parts("<i>控规</i>", data["columns"])
    assert "&lt;i&gt;控规&lt;/i&gt;" in head and len(rows) == 2 and all(len(r) == 2 for r in rows)
    assert ">地块名称<" in rows[0][0] and rows[0][1].startswith("</td>")


def test_filtered_out_features_are_not_sent():
    f = _frame()
    style = status_style(f, filter_values=["under_construction", "new_start"])
    m = folium.Map()
    ul.add_user_layers(m, {"项目": f}, styles={"项目": style}, lang="en")
    html = _page(m)
    names = [x["properties"]["tooltip"] for x in _data(html)]
    assert names == ["项目: 地块0", "项目: 地块3", "项目: 地块4", "项目: 地块5", "项目: 地块9", "项目: 地块11"]
    assert "地块1<" not in html and "项目: 地块2" not in html
    legend = _legend(html)
    assert "under construction (4)" in legend and "new start (2)" in legend and "reserve" not in legend
    assert "showing 6 of 12 features (filtered)" in legend


def test_unstyled_and_gcj02_layers_still_draw():
    from geo.chinacoords import wgs84_to_gcj02
    f = _frame()
    m = folium.Map()
    ul.add_user_layers(m, {"a": f, "b": f.iloc[:2]}, "gcj02", styles={"b": categorized(f.iloc[:2], "用地")})
    feats = _data(_page(m))
    assert "colour" not in feats[0]["properties"] and "colour" in feats[12]["properties"]
    x, y = wgs84_to_gcj02(121.58, 31.2)
    ring = feats[0]["geometry"]["coordinates"][0]
    assert min(abs(px - round(x, 6)) + abs(py - round(y, 6)) for px, py in ring) < 2e-6


def test_vertex_budget_picks_the_smallest_tolerance_that_fits():
    frame = parcels(2_000)
    geoms = frame.geometry.to_numpy()
    assert vertex_count(geoms) == 26_000
    out, tol = fit_vertex_budget(geoms, 12_000)
    assert tol is not None and vertex_count(out) <= 12_000 and shapely.is_valid(out).all()
    steps = settings.USER_SIMPLIFY_STEPS_M
    i = steps.index(tol)
    if i:
        smaller = shapely.simplify(geoms, steps[i - 1] / settings.METRES_PER_DEGREE, preserve_topology=True)
        assert vertex_count(smaller) > 12_000
    assert fit_vertex_budget(geoms, 0)[1] is None and fit_vertex_budget(geoms, 10**9)[1] is None
    pts = shapely.points(np.zeros((100, 2)))
    assert fit_vertex_budget(pts, 10)[1] is None  # nothing to simplify


def test_100k_parcels_fit_the_budgets():
    """The issue's big layer: sizes and vertex counts only (timings are bench/bench_userlayers.py's)."""
    from layers.catalogue.entries import LAYERS
    from layers.webmap import build_map_report
    from layers.webmap.payload import payload_bytes
    frame = parcels(100_000)
    before = vertex_count(frame.geometry.to_numpy())
    first = frame.geometry.iloc[0]
    style = categorized(frame, "用地性质")
    made = build_map_report([s.id for s in LAYERS if s.visible_by_default], "zh", layer_control=False)
    ul.add_user_layers(made.map, {"控规地块": frame}, styles={"控规地块": style})
    data = ul._shown("控规地块", frame, "wgs84", style, settings.USER_MAP_VERTEX_BUDGET)  # what was drawn
    assert data["shown"] == 100_000 == settings.MAX_MAP_FEATURES and data["compact"]
    assert data["vertices"] <= settings.USER_MAP_VERTEX_BUDGET < before
    assert data["tolerance_m"] is not None and data["tolerance_m"] <= 1.0
    sizes = payload_bytes(made.map)
    assert sizes["html"] <= 30_000_000 and sizes["st_folium"] <= 30_000_000, sizes
    assert "显示简化" in _legend(map_html := made.map.get_root().render()) and "L.canvas" in map_html
    # the stored frame is never changed
    assert vertex_count(frame.geometry.to_numpy()) == before and frame.geometry.iloc[0].equals_exact(first, 0)


# --- in Chromium ---------------------------------------------------------------------------------

@skip_without_chromium
def test_canvas_features_and_catalogue_features_are_both_clickable(browser, tmp_path):
    import layers
    from layers.webmap import build_map_report, map_html
    sc = layers.load("science_city_2017").geometry.union_all()
    c = sc.representative_point()
    inside = [shapely.box(c.x + i * 0.004, c.y, c.x + i * 0.004 + 0.003, c.y + 0.003) for i in range(4)]
    far = [shapely.box(121.40 + i * 0.004, 31.30, 121.403 + i * 0.004, 31.303) for i in range(4)]
    f = gpd.GeoDataFrame({"name": [f"in{i}" for i in range(4)] + [f"out{i}" for i in range(4)],
                          "note": [EVIL] * 8, "kind": ["A", "B"] * 4}, geometry=inside + far, crs=settings.WGS84)
    style = categorized(f, "kind")
    made = build_map_report(["science_city_2017", "districts", "hitech_parks"], "zh", basemap=None,
                            center=(c.y + 0.0015, c.x + 0.008), zoom=15)
    ul.add_user_layers(made.map, {"地块": f}, styles={"地块": style})
    page_path = tmp_path / "m.html"
    page_path.write_text(map_html(made.map), encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(page_path.as_uri())
        page.wait_for_function("() => Object.keys(window).some(k => k.startsWith('map_') && window[k]._zjUser)")
        var = page.evaluate("() => Object.keys(window).find(k => k.startsWith('map_') && window[k]._zjUser)")
        got = page.evaluate(f"""() => {{ const out = [];
            window['{var}']._zjUser.layers.forEach(g => g.eachLayer(l => out.push(
                [l.feature.properties.colour, l.options.fillColor, l.options.renderer instanceof L.Canvas])));
            return out; }}""")
        assert got == [[col, col, True] for col in feature_colours(f, style)]
        box = page.locator(".folium-map").bounding_box()

        def at(lon: float, lat: float) -> tuple[float, float]:
            x, y = page.evaluate(f"([a, b]) => {{ const p = window['{var}'].latLngToContainerPoint([b, a]);"
                                 " return [p.x, p.y]; }", [lon, lat])
            return box["x"] + x, box["y"] + y

        def click(lon: float, lat: float) -> str:
            page.mouse.click(*at(lon, lat))
            pop = page.locator(".leaflet-popup-content")
            pop.first.wait_for(timeout=5_000)
            text = pop.first.inner_text()
            assert pop.locator("img").count() == 0  # attribute text is text
            page.evaluate(f"() => window['{var}'].closePopup()")
            return text

        p = inside[1].centroid
        text = click(p.x, p.y)  # a parcel over the catalogue's Science City polygon
        assert "in1" in text and EVIL in text
        page.mouse.move(*at(p.x - 0.001, p.y - 0.001))
        page.mouse.move(*at(p.x, p.y), steps=4)
        page.wait_for_timeout(150)
        assert "地块: in1" in page.locator(".leaflet-tooltip").all_inner_texts()
        gap = (inside[1].bounds[2] + inside[2].bounds[0]) / 2  # between two parcels: the catalogue's
        assert "地块" not in click(gap, p.y)
        assert not errors, errors
    finally:
        ctx.close()


def test_a_style_that_does_not_fit_draws_the_layer_plain_and_says_so():
    f = _frame()
    style = categorized(f.rename(columns={"用地": "YDXZ"}), "YDXZ")  # made for a renamed column
    m = folium.Map()
    assert ul.add_user_layers(m, {"控规": f}, styles={"控规": style}, lang="en") == 1
    html = _page(m)
    assert all("colour" not in x["properties"] for x in _data(html))
    assert "the style does not fit the layer and was not used" in _legend(html)
