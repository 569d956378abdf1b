"""The web map without a browser: layers, escaping, offline assets, failures."""
from __future__ import annotations

import base64
import json
import re

import folium
import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, shape

import layers
from geo import settings
from geo.errors import LayerFileError, MapOptionError, ZJError
from layers.catalogue.symbology import draw_order
from layers.webmap import assets as webassets
import layers.webmap as webmap

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
    url = dict(folium.Map.default_js)["leaflet"]
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
    assert draw_order(["sites", "districts", "science_city_2017"]) == [
        "districts", "science_city_2017", "sites"]
    with pytest.raises(layers.catalogue.loading.LayerNotFoundError):
        draw_order(["nope"])


def test_bounds_fall_back_to_the_science_city_box():
    def loader(layer_id):
        raise LayerFileError("missing", "缺失")

    assert webmap.science_city_bounds(loader) == settings.SCIENCE_CITY_FALLBACK_BOUNDS
    x0, y0, x1, y1 = webmap.science_city_bounds()
    assert 121.3 < x0 < x1 < 121.9 and 30.9 < y0 < y1 < 31.4


def test_attributions_basemap_and_layers(full_html):
    assert _in_html(full_html, webmap.BASEMAPS[webmap.DEFAULT_BASEMAP].attribution)
    assert _in_html(full_html, webmap.esc(layers.get_spec("districts").provenance.attribution))


def test_gcj02_basemap_shifts_layers():
    plain = webmap.feature_collection(layers.get_spec("districts"), layers.load("districts"), "zh")
    m = webmap.build_map(["districts"], "zh", basemap="amap")
    assert "autonavi" in webmap.map_html(m)
    (drawn,) = [e for e in webassets.walk(m) if isinstance(e, folium.GeoJson)]
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


# --- basemaps ---------------------------------------------------------------------

from pathlib import Path  # noqa: E402

from geo.chinacoords import gcj02_to_wgs84, wgs84_to_gcj02  # noqa: E402
from geo.errors import CoordinateError  # noqa: E402
from layers.webmap import basemaps  # noqa: E402
from layers.catalogue.spec import LayerSpec, PopupField, Provenance, Style  # noqa: E402

TEST_KEY = "0123456789abcdef0123456789abcdef"
PLAIN = dict(legend=False, fullscreen=False, measure=False, draw=False)


@pytest.fixture
def no_key(monkeypatch, tmp_path):
    """No Tianditu key anywhere (the developer's own settings.local.toml is ignored)."""
    monkeypatch.delenv(basemaps.TIANDITU_KEY_ENV, raising=False)
    monkeypatch.setattr(basemaps, "LOCAL_SETTINGS", tmp_path / "settings.local.toml")
    return tmp_path / "settings.local.toml"


@pytest.fixture
def with_key(no_key, monkeypatch):
    monkeypatch.setenv(basemaps.TIANDITU_KEY_ENV, TEST_KEY)
    return TEST_KEY


EXPECTED_BASEMAPS = {
    # id: (tile URL start, text in the attribution, datum)
    "carto": ("https://{s}.basemaps.cartocdn.com/light_all/", "CARTO", "wgs84"),
    "carto_dark": ("https://{s}.basemaps.cartocdn.com/dark_all/", "CARTO", "wgs84"),
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "OpenStreetMap", "wgs84"),
    "amap": ("https://webrd0{s}.is.autonavi.com/appmaptile?", "高德地图 / AutoNavi", "gcj02"),
    "amap_satellite": ("https://webst0{s}.is.autonavi.com/appmaptile?style=6", "高德地图 / AutoNavi", "gcj02"),
    "tianditu_vec": ("https://t{s}.tianditu.gov.cn/vec_w/wmts?", "国家地理信息公共服务平台", "wgs84"),
    "tianditu_img": ("https://t{s}.tianditu.gov.cn/img_w/wmts?", "国家地理信息公共服务平台", "wgs84"),
}


def _tile_layers(m) -> list:
    return [e for e in webassets.walk(m) if isinstance(e, folium.TileLayer)]


@pytest.mark.parametrize("basemap_id", list(EXPECTED_BASEMAPS))
def test_each_basemap_tiles_and_attribution(basemap_id, with_key):
    start, attribution, coords = EXPECTED_BASEMAPS[basemap_id]
    base = webmap.BASEMAPS[basemap_id]
    assert base.coords == coords and attribution in base.attribution
    m = webmap.build_map(["science_city_2017"], "zh", basemap=basemap_id, **PLAIN)
    html = webmap.map_html(m)
    tiles = _tile_layers(m)
    assert tiles[0].tiles.startswith(start)
    assert _in_html(html, tiles[0].tiles) and _in_html(html, base.attribution)
    if base.needs_key:
        # the key is filled in; the annotation layer (cva/cia) is drawn over the tiles
        assert tiles[0].tiles.endswith("&tk=" + TEST_KEY) and "{tk}" not in html
        label = {"tianditu_vec": "/cva_w/wmts?", "tianditu_img": "/cia_w/wmts?"}[basemap_id]
        assert len(tiles) == 2 and label in tiles[1].tiles and "LAYER=" + label[1:4] in tiles[1].tiles
        assert not tiles[1].control
    else:
        assert len(tiles) == 1


def test_basemaps_are_reexported_from_webmap():
    assert webmap.BASEMAPS is basemaps.BASEMAPS and webmap.DEFAULT_BASEMAP == "carto"
    assert webmap.BASEMAPS[webmap.DEFAULT_BASEMAP].title("en").startswith("Light")


def test_tianditu_hidden_without_a_key(no_key):
    assert basemaps.tianditu_key() is None
    available = webmap.available_basemaps()
    assert "tianditu_vec" not in available and "tianditu_img" not in available
    assert {"carto", "carto_dark", "osm", "amap", "amap_satellite"} <= set(available)
    with pytest.raises(basemaps.BasemapKeyError) as err:
        webmap.build_map(["districts"], "zh", basemap="tianditu_vec")
    assert basemaps.TIANDITU_KEY_ENV in err.value.en and "settings.local.toml" in err.value.en
    assert "天地图" in err.value.zh and "密钥" in err.value.zh


def test_tianditu_present_with_a_key(with_key):
    assert basemaps.tianditu_key() == TEST_KEY
    assert {"tianditu_vec", "tianditu_img"} <= set(webmap.available_basemaps())
    assert list(webmap.available_basemaps()) == list(webmap.BASEMAPS)


def test_tianditu_key_from_the_local_settings_file(no_key):
    no_key.write_text('tianditu_key = "%s"\n' % TEST_KEY, encoding="utf-8")
    assert basemaps.tianditu_key() == TEST_KEY
    assert "tianditu_img" in webmap.available_basemaps()
    # a broken file hides Tianditu quietly; asking for it explains what is wrong
    no_key.write_text('tianditu_key = "unterminated\n', encoding="utf-8")
    assert "tianditu_vec" not in webmap.available_basemaps()
    with pytest.raises(basemaps.BasemapKeyError, match="settings.local.toml"):
        webmap.build_map(["districts"], "zh", basemap="tianditu_vec")


def test_a_malformed_key_never_reaches_the_page(no_key, monkeypatch):
    monkeypatch.setenv(basemaps.TIANDITU_KEY_ENV, 'abc"+alert(1)+"')
    with pytest.raises(basemaps.BasemapKeyError):
        webmap.build_map(["districts"], "zh", basemap="tianditu_vec")


def test_unknown_basemap_is_a_bilingual_value_error():
    with pytest.raises(basemaps.UnknownBasemapError) as err:
        webmap.build_map(["districts"], "zh", basemap="google")
    assert isinstance(err.value, ValueError) and err.value.zh != err.value.en


# --- GCJ-02 display shift ------------------------------------------------------------

def _one_site(lon: float = 121.6051234, lat: float = 31.2059876) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        [{"id": "p", "name_zh": "点", "name_en": "pt", "source": "s", "method": "point location",
          "accuracy_m": 1, "category_zh": "类", "category_en": "cat", "location_source": "x"}],
        geometry=[Point(lon, lat)], crs="EPSG:4326")


def _geojson(m, layer_id: str | None = None) -> dict:
    for e in webassets.walk(m):
        if isinstance(e, folium.GeoJson) and (layer_id is None or e.layer_name == layer_id):
            return e.data
    raise AssertionError(f"no GeoJson {layer_id}")


@pytest.mark.parametrize("basemap_id", ["amap", "amap_satellite"])
def test_amap_draws_points_at_their_gcj02_position(basemap_id):
    lon, lat = 121.6051234, 31.2059876
    m = webmap.build_map(["sites"], "zh", basemap=basemap_id, loader=lambda _id: _one_site(lon, lat), **PLAIN)
    glon, glat = wgs84_to_gcj02(lon, lat)
    x, y = _geojson(m)["features"][0]["geometry"]["coordinates"]
    assert (x, y) == (round(glon, 6), round(glat, 6))
    html = webmap.map_html(m)
    assert f"[{round(glon, 6)}, {round(glat, 6)}]" in html
    # the stored (WGS84) point is not in the page, and the data were not changed
    assert f"[{round(lon, 6)}, {round(lat, 6)}]" not in html
    plain = webmap.build_map(["sites"], "zh", basemap="carto", loader=lambda _id: _one_site(lon, lat), **PLAIN)
    assert _geojson(plain)["features"][0]["geometry"]["coordinates"] == (round(lon, 6), round(lat, 6))


def test_amap_view_options_are_shifted_too():
    lat, lon = 31.2, 121.6
    m = webmap.build_map(["sites"], "zh", basemap="amap", loader=lambda _id: _one_site(),
                         center=(lat, lon), zoom=14, **PLAIN)
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert m.location == pytest.approx([glat, glon], abs=1e-9)
    m = webmap.build_map(["sites"], "zh", basemap="amap", loader=lambda _id: _one_site(),
                         fit=(121.5, 31.1, 121.7, 31.3), **PLAIN)
    (fb,) = [e for e in webassets.walk(m) if type(e).__name__ == "FitBounds"]
    (sw_lat, sw_lon), (ne_lat, ne_lon) = fb.bounds
    assert (sw_lon, sw_lat) == pytest.approx(wgs84_to_gcj02(121.5, 31.1), abs=1e-9)
    assert (ne_lon, ne_lat) == pytest.approx(wgs84_to_gcj02(121.7, 31.3), abs=1e-9)


def test_drawings_come_back_in_wgs84():
    glon, glat = wgs84_to_gcj02(121.6, 31.2)
    drawn = [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString",
                                                              "coordinates": [[glon, glat], [glon + 0.01, glat]]}}]
    (back,) = webmap.drawings_to_wgs84(drawn, "amap")
    assert back["geometry"]["coordinates"][0] == pytest.approx((121.6, 31.2), abs=2e-6)
    assert webmap.drawings_to_wgs84(drawn, "carto") == drawn
    assert drawn[0]["geometry"]["coordinates"][0] == [glon, glat]  # input untouched


# --- opacity and view -----------------------------------------------------------------

def test_opacity_multiplies_stroke_and_fill():
    spec = layers.get_spec("science_city_2021")
    full = webmap.build_map(["science_city_2021"], "zh", **PLAIN)
    half = webmap.build_map(["science_city_2021"], "zh", opacity={"science_city_2021": 0.5}, **PLAIN)
    s_full = _geojson(full)["features"][0]["properties"]["style"]
    s_half = _geojson(half)["features"][0]["properties"]["style"]
    assert s_full["opacity"] == spec.style.opacity and s_full["fillOpacity"] == spec.style.fill_opacity
    assert s_half["opacity"] == pytest.approx(0.5 * spec.style.opacity)
    assert s_half["fillOpacity"] == pytest.approx(0.5 * spec.style.fill_opacity)
    # points too (CircleMarkers take their style from the same feature style)
    pts = webmap.feature_collection(layers.get_spec("sites"), _one_site(), "zh", opacity=0.2)
    style = pts["features"][0]["properties"]["style"]
    assert style["fillOpacity"] == pytest.approx(0.2 * layers.get_spec("sites").style.fill_opacity)
    assert style["opacity"] == pytest.approx(0.2)
    # the legend swatch follows
    assert 'fill-opacity="0.02"' in webmap.legend_html(["science_city_2021"], "zh",
                                                         opacity={"science_city_2021": 0.5})


@pytest.mark.parametrize("bad", [{"science_city_2021": 1.5}, {"science_city_2021": -0.1},
                                 {"science_city_2021": float("nan")}, {"science_city_2021": "x"}])
def test_bad_opacity_is_refused(bad):
    with pytest.raises(MapOptionError):
        webmap.build_map(["science_city_2021"], "zh", opacity=bad, **PLAIN)
    with pytest.raises(layers.catalogue.loading.LayerNotFoundError):
        webmap.build_map(["science_city_2021"], "zh", opacity={"nope": 0.5}, **PLAIN)


def test_center_and_zoom_replace_the_fit():
    m = webmap.build_map(["districts"], "en", center=(31.21, 121.61), zoom=14.5, **PLAIN)
    assert m.location == [31.21, 121.61] and m.options["zoom"] == 14.5
    assert not [e for e in webassets.walk(m) if type(e).__name__ == "FitBounds"]
    # zoom alone: the Science City's centre
    m = webmap.build_map(["districts"], "en", zoom=11, **PLAIN)
    x0, y0, x1, y1 = webmap.science_city_bounds()
    assert m.location == pytest.approx([(y0 + y1) / 2, (x0 + x1) / 2])
    # default: fit the Science City
    m = webmap.build_map(["districts"], "en", **PLAIN)
    (fb,) = [e for e in webassets.walk(m) if type(e).__name__ == "FitBounds"]
    assert fb.bounds == [[y0, x0], [y1, x1]]


def test_fit_wins_and_is_capped():
    box = webmap.layer_bounds("sites")
    m = webmap.build_map(["districts"], "en", fit=box, center=(31.0, 121.0), zoom=5, **PLAIN)
    (fb,) = [e for e in webassets.walk(m) if type(e).__name__ == "FitBounds"]
    x0, y0, x1, y1 = box
    assert fb.bounds == [[y0, x0], [y1, x1]] and fb.options["maxZoom"] == settings.FIT_MAX_ZOOM
    # a single point (a search result) is fine too
    webmap.build_map(["districts"], "en", fit=(121.6, 31.2, 121.6, 31.2), **PLAIN)


@pytest.mark.parametrize("kwargs, error", [
    ({"center": (121.6, 31.2)}, CoordinateError),  # (lon, lat) by mistake
    ({"center": (float("nan"), 121.6)}, CoordinateError),
    ({"fit": (121.7, 31.1, 121.5, 31.3)}, CoordinateError),
    ({"fit": (121.5, 31.1)}, CoordinateError),
    ({"zoom": 40}, MapOptionError),
])
def test_bad_view_options(kwargs, error):
    with pytest.raises(error) as err:
        webmap.build_map(["districts"], "en", **kwargs, **PLAIN)
    assert err.value.zh and err.value.en


def test_layer_bounds():
    x0, y0, x1, y1 = webmap.layer_bounds("science_city_2021")
    assert (x0, y0, x1, y1) == tuple(layers.load("science_city_2021").total_bounds)
    assert webmap.layer_bounds("sites", loader=lambda _id: _one_site(121.6, 31.2)) == (121.6, 31.2, 121.6, 31.2)
    with pytest.raises(layers.catalogue.loading.LayerNotFoundError):
        webmap.layer_bounds("nope")
    with pytest.raises(LayerFileError):
        webmap.layer_bounds("sites", loader=lambda _id: (_ for _ in ()).throw(LayerFileError("gone", "没有")))


# --- legend, title, meeting mode ------------------------------------------------------

def test_legend_entries_one_per_layer_with_categories():
    ids = ["districts", "structure", "corridors", "sites"]
    text = webmap.legend_html(ids, "en")
    entries = re.findall(r'<li class="zj-legend-layer">(<svg.*?</svg>)<span>(.*?)</span>', text)
    assert [t for _, t in entries] == [webmap.esc(layers.get_spec(i).title_en)
                                       for i in ("structure", "corridors", "sites", "districts")]
    swatches = dict((t, s) for s, t in entries)
    assert "<rect" in swatches[webmap.esc(layers.get_spec("structure").title_en)]
    assert "<circle" in swatches[webmap.esc(layers.get_spec("sites").title_en)]
    assert 'stroke-dasharray="4 3"' in swatches[webmap.esc(layers.get_spec("districts").title_en)]
    cats = re.findall(r'<li class="zj-legend-cat">(<svg.*?</svg>)<span>(.*?)</span>', text)
    assert [t for _, t in cats] == ["centre", "core", "river", "corridor", "wedge", "wetland", "green ring"]
    assert "<line" in dict((t, s) for s, t in cats)["river"]  # an unfilled category is a line
    assert 'class="zj-legend-key"' in text and "schematic" in text and 'stroke-dasharray="6 4"' in text
    assert webmap.legend_html([], "zh") == ""


def test_legend_from_data_names_categories_in_chinese():
    frames = {"structure": layers.load("structure")}
    text = webmap.legend_html(["structure"], "zh", frames=frames)
    assert "一心 (centre)" in text and "两核 (core)" in text and "示意" in text
    # no schematic feature drawn: no dashed key
    plain = frames["structure"].assign(method="traced")
    assert "zj-legend-key" not in webmap.legend_html(["structure"], "zh", frames={"structure": plain})


def test_legend_escapes_hostile_titles_and_categories():
    spec = LayerSpec(
        id="hostile", title_zh=HOSTILE, title_en=HOSTILE, group="sites", geometry_types=("Point",),
        path="data/none.geojson", popup_fields=(PopupField("name_*", "名称", "Name"),),
        style=Style(color='red" onload="alert(1)', by="kind_en",
                    categories={HOSTILE: {"color": "#000"}, "ok": {"color": "#fff"}}),
        provenance=Provenance("s", "schematic", "2026-01-01", 1, "l", "a"))
    frame = _one_site().assign(kind_en=HOSTILE, kind_zh="<i>类</i>")
    for text in (webmap.legend_html([spec], "en"), webmap.legend_html([spec], "zh", frames={"hostile": frame})):
        assert "<script" not in text and "<i>" not in text and 'onload="' not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert 'stroke="red&quot; onload=&quot;alert(1)"' in text


def test_legend_on_the_map_and_off():
    html = webmap.map_html(webmap.build_map(["structure"], "zh"))
    assert "zj-legend" in html and _in_html(html, "一心两核 (空间结构)")
    assert '"bottomright"' in html  # issue 14: every control in the right column, east of the plan
    assert "zj-legend-body" not in webmap.map_html(webmap.build_map(["structure"], "zh", legend=False))


def test_meeting_mode_title_and_larger_labels():
    m = webmap.build_map(["districts"], "zh", meeting=True, date="2026-11-22")
    html = webmap.map_html(m)
    assert webmap.MEETING_CSS in html and _in_html(html, "张江科学城规划图") and "2026-11-22" in html
    en = webmap.map_html(webmap.build_map(["districts"], "en", meeting=True))
    assert _in_html(en, "Zhangjiang Science City planning map")
    plain = webmap.map_html(webmap.build_map(["districts"], "zh"))
    assert webmap.MEETING_CSS not in plain and "zj-title" not in plain.split("</style>", 1)[1]


def test_meeting_title_is_escaped():
    html = webmap.map_html(webmap.build_map(["districts"], "en", meeting=True, title=HOSTILE))
    assert HOSTILE not in html and "\\u003cscript\\u003ealert" not in html
    assert _in_html(html, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assert webmap.title_html(HOSTILE, "2026-01-01").startswith(
        '<div class="zj-title-main">&lt;script&gt;alert(1)&lt;/script&gt;</div>')


# --- URL sync, controls, assets, size ------------------------------------------------

def test_url_sync_script_only_when_asked():
    plain = webmap.map_html(webmap.build_map(["districts"], "zh", **PLAIN))
    assert "replaceState" not in plain and "moveend" not in plain
    synced = webmap.map_html(webmap.build_map(["districts"], "zh", url_sync=True, **PLAIN))
    assert "replaceState" in synced and "window.top" in synced and "try {" in synced
    for param in ('"lat"', '"lon"', '"z"', "toFixed(5)", "toFixed(2)"):
        assert param in synced
    assert "zjGcj02ToWgs84" not in synced  # a WGS84 basemap needs no conversion
    gcj = webmap.map_html(webmap.build_map(["districts"], "zh", basemap="amap", url_sync=True, **PLAIN))
    assert "zjGcj02ToWgs84(lon, lat)" in gcj


def _all_controls(basemap: str = "carto") -> folium.Map:
    return webmap.build_map(["districts", "structure", "sites"], "zh", basemap=basemap, meeting=True,
                            title="标题", url_sync=True, fullscreen=True, measure=True, draw=True,
                            legend=True)


def test_controls_are_on_the_map():
    m = _all_controls()
    kinds = {type(e).__name__ for e in webassets.walk(m)}
    assert {"Fullscreen", "MeasureControl", "Draw", "LayerControl"} <= kinds
    html = webmap.map_html(m)
    assert '"localization": "cn"' in html and '"primaryLengthUnit": "meters"' in html
    assert '"polygon": {' in html and '"marker": false' in html and "alert(coords)" not in html
    assert "drawLocal" in html  # Chinese draw labels
    en = webmap.map_html(webmap.build_map(["districts"], "en"))
    assert '"localization": "en"' in en and "drawLocal" not in en
    assert "L.control.scale" in en


@pytest.mark.parametrize("basemap_id", [None, "carto", "amap"])
def test_no_external_asset_urls_with_all_controls_on(basemap_id):
    m = _all_controls(basemap_id)
    assert webassets.external_assets(m) == []
    html = webmap.map_html(m)
    base = None if basemap_id is None else webmap.BASEMAPS[basemap_id]
    allowed = () if base is None else tuple([base.tiles.split("{z}")[0].split("{x}")[0].split("?")[0]]
                                            + re.findall(r'href="([^"]+)"', base.attribution))
    for url in re.findall(r"https?://[^\s\"'\\)]+", html):
        assert allowed and url.startswith(allowed), url
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", html, flags=re.I):
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag, flags=re.I), tag[:200]
    # every stylesheet's images are inlined (leaflet.draw's sprite, leaflet-measure's icons)
    for elem in webassets.walk(m):
        for _, url in getattr(elem, "default_css", []):
            css = base64.b64decode(url.split("base64,", 1)[1]).decode("utf-8")
            assert webassets.css_external_urls(css) == [], url[:60]


def test_css_url_check_finds_relative_images():
    css = ".a{background:url(images/spritesheet.svg)} .b{background:url('data:image/png;base64,AA')}"
    assert webassets.css_external_urls(css) == ["images/spritesheet.svg"]


def test_context_layer_is_simplified_for_display_only():
    full = layers.load("districts")
    shown = webmap.simplify_for_display(full)
    n_full = int(shapely.get_num_coordinates(full.geometry.to_numpy()).sum())
    n_shown = int(shapely.get_num_coordinates(shown.geometry.to_numpy()).sum())
    assert n_shown < 0.8 * n_full
    assert shown.geometry.is_valid.all() and len(shown) == len(full)
    metric_full, metric_shown = full.to_crs(32651), shown.to_crs(32651)
    assert (metric_shown.area / metric_full.area).between(0.99, 1.01).all()
    # neighbours still share their edges: no gaps or overlaps open up between districts
    overlap = metric_shown.geometry.union_all().area - metric_shown.area.sum()
    assert abs(overlap) < 1e-6 * metric_shown.area.sum()
    assert int(shapely.get_num_coordinates(layers.load("districts").geometry.to_numpy()).sum()) == n_full
    m = webmap.build_map(["districts"], "zh", **PLAIN)
    xy = _geojson(m)["features"][0]["geometry"]["coordinates"][0][0][0]
    assert all(round(v, 5) == v for v in xy)


def test_default_view_within_budget():
    sizes = webmap.default_view_bytes()
    print(f"\ndefault view: {sizes}")
    assert 0 < sizes["html"] <= settings.MAP_BYTES_BUDGET
    assert 0 < sizes["st_folium"] <= settings.MAP_BYTES_BUDGET


def test_st_folium_payload_estimate_is_an_upper_bound():
    sf = pytest.importorskip("streamlit_folium")
    ids = [s.id for s in layers.LAYERS if s.visible_by_default]
    estimate = webmap.payload_bytes(webmap.build_map(ids, "zh"))["st_folium"]
    m = webmap.build_map(ids, "zh")
    try:
        html, header, script = sf._get_html(m), sf._get_header(m), sf._get_map_string(m)
    except AttributeError:
        pytest.skip("streamlit-folium internals changed")
    links = {u for e in webassets.walk(m)
             for _, u in list(getattr(e, "default_js", [])) + list(getattr(e, "default_css", []))}
    exact = sum(len(p.encode()) for p in [html, header, script, *links])
    assert exact <= estimate <= 1.05 * exact
    assert exact <= settings.MAP_BYTES_BUDGET


# --- one small check in a real browser (skipped without Debian's Chromium) -------------

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
#: Set the Leaflet map's view once its opening zoom animation is over (Leaflet ignores a
#: setView while a zoom animation runs); resolves to the new zoom.
_JS_SET_VIEW = """([lat, lon, z]) => new Promise(resolve => {
  const map = window[document.querySelector('.folium-map').id];
  const go = () => {
    if (map._animatingZoom) { setTimeout(go, 50); return; }
    map.setView([lat, lon], z, {animate: false});
    resolve(map.getZoom());
  };
  go();
})"""
_JS_IMAGE_SIZE = """async (sel) => {
  const el = document.querySelector(sel);
  if (!el) return null;
  const bg = getComputedStyle(el).backgroundImage;
  const m = bg.match(/url\\("([^"]+)"\\)/);
  if (!m) return {bg: bg.slice(0, 60), width: 0};
  const img = new Image();
  const ok = await new Promise(r => { img.onload = () => r(true); img.onerror = () => r(false); img.src = m[1]; });
  return {bg: m[1].slice(0, 30), width: ok ? img.naturalWidth : 0};
}"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (browser checks never download one)")
def test_controls_icons_gcj_formula_and_url_sync_in_chromium(tmp_path, browser):
    import functools
    import http.server
    import threading
    from urllib.parse import parse_qs, urlsplit

    ids = [s.id for s in layers.LAYERS if s.visible_by_default]
    pages = {"map.html": webmap.build_map(ids, "zh", meeting=True, url_sync=True),
             "map_amap.html": webmap.build_map(["science_city_2021"], "en", basemap="amap", url_sync=True)}
    for name, m in pages.items():
        (tmp_path / name).write_text(webmap.map_html(m), encoding="utf-8")
        (tmp_path / f"parent_{name}").write_text(
            f'<!doctype html><meta charset="utf-8"><body style="margin:0">'
            f'<iframe src="{name}" style="border:0;width:1280px;height:800px"></iframe>', encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"

    blocked, errors = [], []

    def route(r):
        url = r.request.url
        if url.split(":", 1)[0] in ("data", "blob", "about") or urlsplit(url).hostname == "127.0.0.1":
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    pts = [(121.6, 31.2), (121.45, 31.05), (121.9, 31.4), (116.39, 39.91), (113.26, 23.13), (2.35, 48.85)]
    try:
        ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        try:
            ctx.route("**/*", route)
            page = ctx.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))

            # 1. all controls drawn, with icons that load from data: URIs
            page.goto(f"{origin}/parent_map.html?lang=zh&keep=1", wait_until="load")
            frame = page.frame_locator("iframe")
            frame.locator(".leaflet-draw-draw-polygon").wait_for(timeout=30_000)
            f = page.frames[1]
            icons = {sel: f.evaluate(_JS_IMAGE_SIZE, sel) for sel in (
                ".leaflet-draw-draw-polyline", ".leaflet-draw-draw-polygon", ".leaflet-draw-edit-edit",
                ".leaflet-control-measure-toggle", ".leaflet-control-zoom-fullscreen",
            )}
            for sel, info in icons.items():
                assert info and info["bg"].startswith("data:image/") and info["width"] > 0, (sel, info)
            assert f.locator(".zj-title-main").inner_text() == "张江科学城规划图"
            assert "图例" in f.locator(".zj-legend summary").inner_text()

            # 2. the JavaScript GCJ-02 formula agrees with geo.chinacoords (< 0.5 m)
            js = webassets.gcj02_js()
            fwd = f.evaluate("(pts) => {" + js + "return pts.map(p => zjWgs84ToGcj02(p[0], p[1])); }", pts)
            gcj = [wgs84_to_gcj02(*pt) for pt in pts]
            inv = f.evaluate("(pts) => {" + js + "return pts.map(p => zjGcj02ToWgs84(p[0], p[1])); }", gcj)
            for (jx, jy), (px, py) in list(zip(fwd, gcj)) + list(zip(inv, [gcj02_to_wgs84(*g) for g in gcj])):
                assert abs(jx - px) * 111_320 < 0.5 and abs(jy - py) * 111_320 < 0.5

            # 3. moving the map writes lat/lon/z into the top window's URL, keeping the rest
            assert f.evaluate(_JS_SET_VIEW, [31.21, 121.61, 14]) == 14
            page.wait_for_function("() => location.search.includes('z=14.00')", timeout=10_000)
            q = parse_qs(urlsplit(page.url).query)
            assert q["lang"] == ["zh"] and q["keep"] == ["1"]
            assert abs(float(q["lat"][0]) - 31.21) < 1e-4 and abs(float(q["lon"][0]) - 121.61) < 1e-4

            # 4. nothing covers the controls (the legend stays clear of the left column);
            #    the screenshot a reviewer looks at shows the measure control open
            for sel in (".leaflet-draw-edit-remove", ".leaflet-control-measure-toggle"):
                hit = f.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                    const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                    return e === document.querySelector(sel) || document.querySelector(sel).contains(e); }""", sel)
                assert hit, f"{sel} is covered"
            frame.locator(".leaflet-control-measure").hover()
            page.wait_for_timeout(400)
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "webmap_controls.png"))

            # 5. on Amap tiles the URL still gets WGS84 (the displayed centre converted back)
            page.goto(f"{origin}/parent_map_amap.html", wait_until="load")
            page.frame_locator("iframe").locator(".leaflet-control-measure").wait_for(timeout=30_000)
            glon, glat = wgs84_to_gcj02(121.61, 31.21)
            amap_frame = next(f for f in page.frames if f.url.endswith("/map_amap.html"))
            amap_frame.wait_for_function("() => { const el = document.querySelector('.folium-map');"
                                         " return el && window[el.id] && window[el.id]._loaded; }",
                                         timeout=30_000)
            page.wait_for_function("() => location.search.includes('z=')", timeout=10_000)  # opening view written
            assert amap_frame.evaluate(_JS_SET_VIEW, [glat, glon, 15]) == 15
            page.wait_for_function("() => location.search.includes('z=15.00')", timeout=10_000)
            q = parse_qs(urlsplit(page.url).query)
            assert abs(float(q["lat"][0]) - 31.21) < 1e-4 and abs(float(q["lon"][0]) - 121.61) < 1e-4
            assert not errors, errors
        finally:
            ctx.close()
    finally:
        server.shutdown()
    # nothing but basemap tiles was ever requested from another host
    hosts = {urlsplit(u).hostname for u in blocked}
    assert hosts <= {"a.basemaps.cartocdn.com", "b.basemaps.cartocdn.com", "c.basemaps.cartocdn.com",
                     "d.basemaps.cartocdn.com", "webrd01.is.autonavi.com", "webrd02.is.autonavi.com",
                     "webrd03.is.autonavi.com", "webrd04.is.autonavi.com"}, hosts


# --- issue 14: layer control, labels, zoom targets, north arrow, layer classes -------------

def test_layer_control_is_optional_and_collapsed():
    with_lc = webmap.build_map(["structure"], "zh", **PLAIN)
    (lc,) = [e for e in webassets.walk(with_lc) if isinstance(e, folium.LayerControl)]
    assert lc.options["collapsed"] is True
    without = webmap.build_map(["structure", "sites"], "zh", layer_control=False, **PLAIN)
    assert not [e for e in webassets.walk(without) if isinstance(e, folium.LayerControl)]
    html = webmap.map_html(without)
    assert "L.control.layers" not in html and "zj-layer-structure" in html
    webmap.layer_control_last(without)  # nothing to move: no error


def test_every_catalogue_path_carries_its_layer_class():
    html = webmap.map_html(webmap.build_map(["structure", "sites"], "zh", **PLAIN))
    assert '"className": "zj-layer-structure"' in html  # polygons (the GeoJSON layer's option)
    assert '"className": "zj-layer-sites"' in html  # circle markers (the marker's option)


def test_short_labels():
    from layers.webmap.labels import short_label
    assert short_label("张江城市副中心 (示意)", "zh") == "张江城市副中心"
    assert short_label("南部科技创新核: 上海国际医学园区", "zh") == "南部科技创新核"
    assert short_label("Shanghai Synchrotron Radiation Facility (SSRF)", "en") == "SSRF"
    assert short_label("Zhangjiang Science City (core park)", "en") == "Zhangjiang Science City"
    long = short_label("A very long name without any acronym at all", "en")
    assert long.endswith("…") and len(long) <= settings.LABEL_MAX_CHARS["en"]


def test_label_records_rank_and_escape():
    from layers.webmap.labels import label_markers_js, label_records
    parks = label_records(layers.get_spec("hitech_parks"), layers.load("hitech_parks"), "zh")
    assert len(parks) == 22 and [r["rank"] for r in parks] == sorted(r["rank"] for r in parks)
    assert all(r["kind"] == "point" and r["text"] for r in parks)
    zones = label_records(layers.get_spec("structure"), layers.load("structure"), "en")
    assert {r["kind"] for r in zones} == {"area"} and max(r["rank"] for r in zones) < min(r["rank"] for r in parks)
    for z, (_, geom) in zip(zones, layers.load("structure").geometry.items()):
        pass
    structure = layers.load("structure").geometry.union_all()
    assert all(structure.contains(Point(r["lon"], r["lat"])) for r in zones)  # inside its area
    assert label_records(layers.get_spec("science_city_2021"), layers.load("science_city_2021"), "zh") == []
    js = label_markers_js("g", [{"text": HOSTILE, "kind": "point", "lat": 31.2, "lon": 121.6, "rank": 3}])
    assert "<script" not in js and "alert" in js and "zj-label" in js


def test_labels_only_when_asked():
    ids = ["structure", "hitech_parks", "science_city_2021"]
    plain = webmap.map_html(webmap.build_map(ids, "zh", **PLAIN))
    assert "zj-label zj-label" not in plain and "zjLabelPass" not in plain
    html = webmap.map_html(webmap.build_map(ids, "zh", labels=True, **PLAIN))
    assert "zjLabelPass" in html and "createPane" in html and "zj-label-hidden" in html
    assert html.count("zj-label zj-label-point") == 22 and html.count("zj-label zj-label-area") == 3
    assert _in_html(html, "张江城市副中心") and _in_html(webmap.map_html(
        webmap.build_map(ids, "en", labels=True, **PLAIN)), "Lujiazui Park")


def test_zoom_targets_north_arrow_and_scale():
    html = webmap.map_html(webmap.build_map(["districts"], "zh", **PLAIN))
    assert "zj-zoom-sc" in html and "zj-zoom-parks" in html and _in_html(html, "全部园区")
    assert "leaflet-control zj-north" in html and 'position: "bottomright", imperial: false' in html
    sc = webmap.layer_bounds("science_city_2021")
    assert all(json.dumps(v) in html for v in sc) and "map.zjFit(tg[2])" in html  # bounds embedded
    off = webmap.map_html(webmap.build_map(["districts"], "en", zoom_targets=False, north_arrow=False, **PLAIN))
    assert "zj-zoom-sc" not in off and "leaflet-control zj-north" not in off and "L.control.scale" in off
    meeting = webmap.map_html(webmap.build_map(["districts"], "en", meeting=True, **PLAIN))
    assert f"maxWidth: {settings.MEETING_SCALE_WIDTH}" in meeting and ".zj-north-svg { width: 38px" in meeting


def test_zoom_targets_skip_a_layer_that_fails():
    def loader(layer_id):
        if layer_id == "hitech_parks":
            raise LayerFileError("missing", "缺失")
        return layers.load(layer_id)
    html = webmap.map_html(webmap.build_map(["districts"], "en", loader=loader, **PLAIN))
    assert "zj-zoom-sc" in html and "zj-zoom-parks" not in html


_JS_BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const map = window[document.querySelector('.folium-map').id];
  const b = map.getBounds();
  return {
    labels: [...document.querySelectorAll('.zj-label:not(.zj-label-hidden)')].map(box),
    controls: [...document.querySelectorAll('.leaflet-control')].filter(e => e.offsetWidth > 0).map(box),
    plan: [...document.querySelectorAll('.leaflet-overlay-pane path')]
      .filter(p => !p.classList.contains('zj-layer-districts')).map(box)
      .filter(r => r[2] > 0 && r[3] > 0 && r[0] < innerWidth && r[1] < innerHeight),
    zoom: map.getZoom(), bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
  };
}"""


def _meet(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (browser checks never download one)")
def test_labels_zoom_targets_and_clear_controls_in_chromium(tmp_path, browser):
    import functools
    import http.server
    import threading

    ids = [s.id for s in layers.LAYERS if s.visible_by_default]
    for name, meeting in (("normal", False), ("meeting", True)):
        m = webmap.build_map(ids, "zh", basemap=None, labels=True, layer_control=False, meeting=meeting)
        (tmp_path / f"{name}.html").write_text(webmap.map_html(m), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    sc, parks = webmap.layer_bounds("science_city_2021"), webmap.layer_bounds("hitech_parks")
    try:
        # the app's map iframe at a 1366 x 768 laptop (sidebar 300 px) and a 1280 x 720 projector
        for name, (w, h) in (("normal", (1066, 708)), ("meeting", (1280, 720))):
            ctx = browser.new_context(viewport={"width": w, "height": h})
            try:
                page = ctx.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"{origin}/{name}.html", wait_until="load")
                page.locator(".zj-label").first.wait_for(state="attached", timeout=30_000)
                page.wait_for_timeout(400)
                got = page.evaluate(_JS_BOXES)
                labels, controls = got["labels"], got["controls"]
                assert len(labels) >= 8, (name, len(labels))
                assert not [(a, b) for i, a in enumerate(labels) for b in labels[i + 1:] if _meet(a, b)]
                assert not [(a, c) for a in labels for c in controls if _meet(a, c)]
                assert not [(a, b) for i, a in enumerate(controls) for b in controls[i + 1:] if _meet(a, b)]
                assert len(got["plan"]) > 40
                assert not [(p, c) for p in got["plan"] for c in controls if _meet(p, c)], name
                x0, y0, x1, y1 = got["bounds"]
                assert x0 <= sc[0] and y0 <= sc[1] and x1 >= sc[2] and y1 >= sc[3]
                if name == "normal":
                    assert page.locator("details.zj-legend-body").get_attribute("open") is not None
                    # zoom targets: all parks, then back to the Science City
                    z0 = got["zoom"]
                    page.locator(".zj-zoom-parks").click()
                    page.wait_for_timeout(300)
                    after = page.evaluate(_JS_BOXES)
                    x0, y0, x1, y1 = after["bounds"]
                    assert after["zoom"] < z0 and x0 <= parks[0] and y0 <= parks[1] and x1 >= parks[2] \
                        and y1 >= parks[3]
                    page.locator(".zj-zoom-sc").click()
                    page.wait_for_timeout(300)
                    back = page.evaluate(_JS_BOXES)
                    assert back["zoom"] == z0
                    assert not [(a, b) for i, a in enumerate(back["labels"]) for b in back["labels"][i + 1:]
                                if _meet(a, b)]
                else:
                    assert page.locator(".zj-title-main").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 28
                    assert page.locator(".zj-label").first.evaluate(
                        "e => parseFloat(getComputedStyle(e).fontSize)") >= 18
                    assert page.locator(".zj-north svg").bounding_box()["height"] >= 50
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"webmap_labels_{name}.png"))
                assert not errors, errors
            finally:
                ctx.close()
        # a narrow map opens with the legend collapsed
        ctx = browser.new_context(viewport={"width": 900, "height": 640})
        try:
            page = ctx.new_page()
            page.goto(f"{origin}/normal.html", wait_until="load")
            page.locator(".zj-legend").wait_for(timeout=30_000)
            assert page.locator("details.zj-legend-body").get_attribute("open") is None
        finally:
            ctx.close()
    finally:
        server.shutdown()
