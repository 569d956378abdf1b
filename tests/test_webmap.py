"""The web map without a browser: layers, escaping, offline assets, failures."""
from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon, shape

import layers
from geo.errors import LayerFileError, ZJError
from layers import webassets, webmap

ALL_IDS = [s.id for s in layers.LAYERS]
CDN_HOSTS = ("cdn.jsdelivr", "cdnjs", "code.jquery.com", "unpkg", "bootstrapcdn", "d3js.org")
HOSTILE = "<script>alert(1)</script>"


def _loadable() -> list[str]:
    out = []
    for layer_id in ALL_IDS:
        try:
            layers.load(layer_id)
        except ZJError:
            continue
        out.append(layer_id)
    return out


def _in_html(html: str, text: str) -> bool:
    """``text`` appears in rendered HTML as is, or as folium's escaped JSON string."""
    forms = {text, json.dumps(text)[1:-1]}
    forms |= {f.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
              .replace("'", "\\u0027") for f in list(forms)}
    return any(f in html for f in forms)


@pytest.fixture(scope="module")
def full_build():
    return webmap.build_map_report(ALL_IDS, "zh")


@pytest.fixture(scope="module")
def full_html(full_build):
    return webmap.map_html(full_build.map)


def test_districts_layer_loads():
    # the one layer that needs no project data file; the map must always have it
    assert "districts" in _loadable()


def test_every_loadable_layer_is_drawn_and_named(full_build, full_html):
    loadable = _loadable()
    assert full_build.drawn and set(full_build.drawn) == set(loadable)
    for layer_id in loadable:
        spec = layers.get_spec(layer_id)
        for lang in ("zh", "en"):
            assert _in_html(full_html, webmap.esc(spec.title(lang))), (layer_id, lang)


def test_failures_are_reported_not_raised(full_build):
    failed = {f.layer_id for f in full_build.failed}
    assert failed == set(ALL_IDS) - set(_loadable())
    for f in full_build.failed:
        assert f.message("zh") and f.message("en")
        assert f.title("en") == layers.get_spec(f.layer_id).title_en
    assert {f.layer_id for f in webmap.failed_layers()} == failed


def test_a_broken_layer_does_not_hide_the_rest():
    def loader(layer_id):
        if layer_id == "sites":
            raise LayerFileError("data/sites/sites.geojson: file not found", "文件不存在")
        return layers.load(layer_id)

    build = webmap.build_map_report(["sites", "districts"], "en", loader=loader)
    assert build.drawn == ["districts"]
    assert [(f.layer_id, f.message("en")) for f in build.failed] == [
        ("sites", "data/sites/sites.geojson: file not found")]
    assert build.feature_counts["districts"] == len(layers.load("districts"))


def test_no_external_scripts_or_stylesheets(full_build, full_html):
    assert webassets.external_assets(full_build.map) == []
    for host in CDN_HOSTS:
        assert host not in full_html, host
    tags = re.findall(r"<(?:script|link)\b[^>]*>", full_html, flags=re.I)
    assert tags, "the page loads Leaflet somehow"
    for tag in tags:
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag, flags=re.I), tag[:200]
    # every http(s) URL left is the basemap tile template or a link in its attribution
    base = webmap.BASEMAPS[webmap.DEFAULT_BASEMAP]
    allowed = tuple([base.tiles.split("{z}")[0]] + re.findall(r'href="([^"]+)"', base.attribution))
    assert len(allowed) >= 2
    for url in re.findall(r"https?://[^\s\"'\\)]+", full_html):
        assert url.startswith(allowed), url
    # Leaflet itself is embedded from the installed folium-offline package
    assert "data:text/javascript;charset=utf-8;base64," in full_html
    assert "data:text/css;charset=utf-8;base64," in full_html


def test_offline_assets_are_the_real_leaflet():
    url = dict(layers.webmap.folium.Map.default_js)["leaflet"]
    text = webassets.asset_text(url)
    assert "Leaflet" in text[:300] and len(text) > 100_000
    assert webassets.data_url(url).startswith("data:text/javascript;")


def test_unknown_asset_is_a_clear_error():
    with pytest.raises(webassets.OfflineAssetError, match="folium-offline"):
        webassets.asset_text("https://cdn.example.org/nothing.js")


def test_no_basemap_means_no_http_at_all():
    html = webmap.map_html(webmap.build_map(["districts"], "en", basemap=None))
    assert not re.search(r"https?://", html)


def _hostile_frame() -> gpd.GeoDataFrame:
    common = {"source": f"seed {HOSTILE}", "method": "point location", "accuracy_m": 100,
              "category_zh": "类别 & <b>", "category_en": "cat & <b>", "location_source": '"quoted"'}
    rows = [
        {"id": "x1", "name_zh": HOSTILE, "name_en": HOSTILE, **common},
        {"id": "x2", "name_zh": "正常 & 名称", "name_en": "Normal & name", **common},
    ]
    return gpd.GeoDataFrame(rows, geometry=[Point(121.6, 31.2), Point(121.61, 31.21)], crs="EPSG:4326")


def test_popup_and_tooltip_escape_attribute_text():
    spec = layers.get_spec("sites")
    props = _hostile_frame().iloc[0].to_dict()
    for lang in ("zh", "en"):
        popup = webmap.popup_html(spec, props, lang)
        assert HOSTILE not in popup and "<b>" not in popup
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in popup
        assert "&quot;quoted&quot;" in popup
        assert webmap.tooltip_html(props, lang) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_hostile_names_are_escaped_in_the_rendered_map():
    html = webmap.map_html(webmap.build_map(["sites"], "en", loader=lambda _id: _hostile_frame()))
    assert "alert(1)" in html  # the text is there …
    assert HOSTILE not in html  # … but never as markup
    assert "\\u003cscript\\u003ealert" not in html  # nor as JSON that becomes markup in innerHTML
    assert _in_html(html, "&lt;script&gt;alert(1)&lt;/script&gt;")


def test_popup_labels_follow_the_language():
    spec = layers.get_spec("sites")
    props = _hostile_frame().iloc[1].to_dict()
    zh, en = webmap.popup_html(spec, props, "zh"), webmap.popup_html(spec, props, "en")
    assert "名称" in zh and "来源" in zh and "正常 &amp; 名称" in zh
    assert "Name" in en and "Source" in en and "Normal &amp; name" in en
    # provenance rows: per-feature source/method/accuracy and the layer's date and licence
    assert "预计精度 (米)" in zh and "点位 (point location)" in zh
    assert spec.provenance.date in en and webmap.esc(spec.provenance.licence) in en


def test_styles_radius_and_rounding():
    spec = layers.get_spec("industry")
    gdf = gpd.GeoDataFrame(
        [{"name_zh": "点", "name_en": "pt", "source": "s", "method": "point location", "accuracy_m": 1,
          "kind_en": "site"},
         {"name_zh": "轴", "name_en": "axis", "source": "s", "method": "schematic", "accuracy_m": 1,
          "kind_en": "axis"},
         {"name_zh": "面", "name_en": "area", "source": "s", "method": "traced", "accuracy_m": 1,
          "kind_en": "park"}],
        geometry=[Point(121.123456789, 31.987654321), LineString([(121.5, 31.1), (121.6, 31.2)]),
                  Polygon([(121.5, 31.1), (121.6, 31.1), (121.6, 31.2)])],
        crs="EPSG:4326",
    )
    fc = webmap.feature_collection(spec, gdf, "en")
    kinds = [f["geometry"]["type"] for f in fc["features"]]
    assert kinds == ["Polygon", "LineString", "Point"]  # areas beneath, points on top
    point, line = fc["features"][2], fc["features"][1]
    assert point["geometry"]["coordinates"] == (121.123457, 31.987654)
    assert point["properties"]["style"]["radius"] == spec.style.radius
    assert line["properties"]["style"]["color"] == "#000000"  # category "axis"
    assert line["properties"]["style"]["dashArray"] == "6 4"  # schematic drawn dashed
    assert "radius" not in line["properties"]["style"]


def test_draw_order_puts_context_first():
    assert webmap.draw_order(["sites", "districts", "science_city_2017"]) == [
        "districts", "science_city_2017", "sites"]
    with pytest.raises(layers.loading.LayerNotFoundError):
        webmap.draw_order(["nope"])


def test_bounds_fall_back_to_the_science_city_box():
    def loader(layer_id):
        raise LayerFileError("missing", "缺失")

    assert webmap.science_city_bounds(loader) == webmap.SCIENCE_CITY_FALLBACK_BOUNDS
    x0, y0, x1, y1 = webmap.science_city_bounds()
    assert 121.3 < x0 < x1 < 121.9 and 30.9 < y0 < y1 < 31.4


def test_attributions_basemap_and_layers(full_html):
    assert _in_html(full_html, webmap.BASEMAPS[webmap.DEFAULT_BASEMAP].attribution)
    assert _in_html(full_html, webmap.esc(layers.get_spec("districts").provenance.attribution))


def test_gcj02_basemap_shifts_layers():
    plain = webmap.feature_collection(layers.get_spec("districts"), layers.load("districts"), "zh")
    m = webmap.build_map(["districts"], "zh", basemap="amap")
    assert "autonavi" in webmap.map_html(m)
    (drawn,) = [e for e in webassets.walk(m) if isinstance(e, webmap.folium.GeoJson)]
    c0 = shape(plain["features"][0]["geometry"]).centroid
    c1 = shape(drawn.data["features"][0]["geometry"]).centroid
    lon0, lat0, lon1, lat1 = c0.x, c0.y, c1.x, c1.y
    # GCJ-02 moves Shanghai by roughly +0.0045° lon, -0.002° lat (about 500 m)
    assert 0.003 < lon1 - lon0 < 0.006 and -0.004 < lat1 - lat0 < -0.001


def test_bad_arguments():
    with pytest.raises(ValueError):
        webmap.build_map(["districts"], "fr")
    with pytest.raises(ValueError):
        webmap.build_map(["districts"], "zh", basemap="google")
