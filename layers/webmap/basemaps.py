"""Tile basemaps for the web map: what each one is, its datum, its attribution and its key.

Tiles are pictures fetched by the browser; everything else on the map is embedded
(see :mod:`layers.webmap.assets`). Two datums occur:

* ``"wgs84"``: OpenStreetMap, CARTO and Tianditu (天地图 draws in CGCS2000, which
  differs from WGS84 by less than a metre, well below a tile pixel), and
* ``"gcj02"``: Amap / Gaode (高德). The web map shifts its overlays to GCJ-02 on the
  fly for display; stored data are never shifted.

Tianditu needs a (free) developer key. It is read from the environment variable
``ZJ_TIANDITU_KEY`` or, failing that, from ``tianditu_key = "..."`` in
``settings.local.toml`` in the project root (git-ignored, never committed). Without a
key the Tianditu basemaps are not offered (:func:`available_basemaps`) and asking for
one raises :class:`BasemapKeyError`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from geo import settings
from geo.errors import BasemapKeyError, UnknownBasemapError
from layers.text import t

__all__ = ["BASEMAPS", "DEFAULT_BASEMAP", "KEY_PLACEHOLDER", "LOCAL_SETTINGS", "TIANDITU_KEY_ENV", "Basemap",
           "BasemapKeyError", "UnknownBasemapError", "available_basemaps", "basemap_key", "get_basemap",
           "tianditu_key"]

#: Environment variable holding the Tianditu key.
TIANDITU_KEY_ENV = settings.TIANDITU_KEY_ENV
#: Local, git-ignored settings file in the project root (TOML, ``tianditu_key = "..."``).
LOCAL_SETTINGS = settings.PROJECT_ROOT / settings.LOCAL_SETTINGS_NAME
#: Placeholder of the key in tile URL templates (replaced before the map is rendered).
KEY_PLACEHOLDER = "{tk}"
#: What a key may look like (Tianditu keys are 32 hex digits); anything else is refused
#: so that a stray quote or space can never reach the page's JavaScript.
_KEY_RE = re.compile(r"[A-Za-z0-9]{8,64}")

_OSM = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
_CARTO = _OSM + ' &copy; <a href="https://carto.com/attributions">CARTO</a>'
_AMAP = "&copy; 高德地图 / AutoNavi"
_TIANDITU = '<a href="https://www.tianditu.gov.cn/">天地图</a> / &copy; 国家地理信息公共服务平台'
_TIANDITU_WMTS = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                  "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                  "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + KEY_PLACEHOLDER)


def _tianditu(layer: str) -> str:
    # {s},{z},{x},{y} stay Leaflet placeholders; only the layer name is filled in here
    return _TIANDITU_WMTS.replace("{layer}", layer)


@dataclass(frozen=True)
class Basemap:
    """A tile basemap; its name is the interface text ``map_basemap_<id>`` (:meth:`title`).

    Attributes
    ----------
    id : str
        Key in :data:`BASEMAPS`.
    tiles : str
        Leaflet URL template; ``{tk}`` marks where the key goes.
    attribution : str
        Attribution HTML shown while the basemap is on (trusted text, not escaped).
    coords : {"wgs84", "gcj02"}
        Datum the tiles are drawn in; overlays are shifted to it for display.
    subdomains : str
        Values of ``{s}``.
    max_zoom : int
        Deepest zoom the service has tiles for.
    labels : str or None
        URL template of a label (annotation) layer drawn over the tiles, if any.
    needs_key : bool
        Whether the service needs the Tianditu key.
    """

    id: str
    tiles: str
    attribution: str
    coords: str = "wgs84"
    subdomains: str = "abc"
    max_zoom: int = 19
    labels: str | None = None
    needs_key: bool = False

    def title(self, lang: str) -> str:
        """The name in the layer control and the basemap picker (text ``map_basemap_<id>``)."""
        return t(lang, f"map_basemap_{self.id}")

    def tile_url(self, key: str | None = None) -> str:
        """The tiles template with the key filled in (``key`` is ignored when none is needed)."""
        return _with_key(self, self.tiles, key)

    def labels_url(self, key: str | None = None) -> str | None:
        """The label layer's template with the key filled in, or None."""
        return None if self.labels is None else _with_key(self, self.labels, key)


def _with_key(base: Basemap, template: str, key: str | None) -> str:
    if not base.needs_key:
        return template
    if key is None:
        raise _no_key_error(base)
    return template.replace(KEY_PLACEHOLDER, _check_key(key, "key"))


#: Every basemap the map knows, in the order a picker lists them.
BASEMAPS: dict[str, Basemap] = {
    "carto": Basemap(
        id="carto",
        tiles="https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        attribution=_CARTO,
        subdomains="abcd",
        max_zoom=20,
    ),
    "carto_dark": Basemap(
        id="carto_dark",
        tiles="https://{s}.basemaps.cartocdn.com/dark_all/{z}/{x}/{y}{r}.png",
        attribution=_CARTO,
        subdomains="abcd",
        max_zoom=20,
    ),
    "osm": Basemap(
        id="osm",
        tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        attribution=_OSM,
        max_zoom=19,
    ),
    "amap": Basemap(
        id="amap",
        tiles="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
        attribution=_AMAP,
        coords="gcj02",
        subdomains="1234",
        max_zoom=18,
    ),
    "amap_satellite": Basemap(
        id="amap_satellite",
        tiles="https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
        attribution=_AMAP,
        coords="gcj02",
        subdomains="1234",
        max_zoom=18,
    ),
    "tianditu_vec": Basemap(
        id="tianditu_vec",
        tiles=_tianditu("vec"),
        labels=_tianditu("cva"),
        attribution=_TIANDITU,
        subdomains="01234567",
        max_zoom=18,
        needs_key=True,
    ),
    "tianditu_img": Basemap(
        id="tianditu_img",
        tiles=_tianditu("img"),
        labels=_tianditu("cia"),
        attribution=_TIANDITU,
        subdomains="01234567",
        max_zoom=18,
        needs_key=True,
    ),
}
DEFAULT_BASEMAP = "carto"


def _no_key_error(base: Basemap) -> BasemapKeyError:
    return BasemapKeyError(
        f"the basemap '{base.title('en')}' needs a Tianditu key: set the environment variable "
        f"{TIANDITU_KEY_ENV}, or write tianditu_key = \"...\" into {LOCAL_SETTINGS.name} in the "
        "project root (git-ignored); free keys: console.tianditu.gov.cn",
        f"底图“{base.title('zh')}”需要天地图密钥: 请设置环境变量 {TIANDITU_KEY_ENV}, 或在项目根目录的 "
        f"{LOCAL_SETTINGS.name} 中写入 tianditu_key = \"...\" (该文件不纳入 git); 密钥可在天地图控制台免费申请",
    )


def _check_key(key: str, where: str) -> str:
    if not _KEY_RE.fullmatch(key):
        raise BasemapKeyError(f"the Tianditu key in {where} is malformed (letters and digits only)",
                              f"{where} 中的天地图密钥格式不正确 (只能包含字母和数字)")
    return key


def tianditu_key() -> str | None:
    """The configured Tianditu key, or None.

    Looks at the environment variable :data:`TIANDITU_KEY_ENV` first, then at
    ``tianditu_key`` in :data:`LOCAL_SETTINGS`.

    Raises
    ------
    BasemapKeyError
        If the settings file cannot be read or the key is malformed.
    """
    env = settings.env_text(TIANDITU_KEY_ENV)
    if env:
        return _check_key(env, TIANDITU_KEY_ENV)
    path = LOCAL_SETTINGS
    if not path.is_file():
        return None
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BasemapKeyError(f"{path.name}: cannot be read as TOML ({exc})",
                              f"{path.name}: 无法按 TOML 读取 ({exc})") from exc
    value = doc.get("tianditu_key")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise BasemapKeyError(f"{path.name}: tianditu_key must be a string",
                              f"{path.name}: tianditu_key 必须是字符串")
    return _check_key(value.strip(), path.name)


def get_basemap(basemap_id: str) -> Basemap:
    """The basemap ``basemap_id`` (any of :data:`BASEMAPS`, keyed or not).

    Raises
    ------
    UnknownBasemapError
        If there is no such basemap (also a ValueError).
    """
    try:
        return BASEMAPS[basemap_id]
    except KeyError:
        raise UnknownBasemapError(
            f"unknown basemap {basemap_id!r}; choose from {list(BASEMAPS)} or None",
            f"没有底图 {basemap_id!r}",
        ) from None


def basemap_key(base: Basemap) -> str | None:
    """The key ``base`` needs (None if it needs none).

    Raises
    ------
    BasemapKeyError
        If ``base`` needs a key and none is configured.
    """
    if not base.needs_key:
        return None
    key = tianditu_key()
    if key is None:
        raise _no_key_error(base)
    return key


def available_basemaps() -> dict[str, Basemap]:
    """The basemaps that can be chosen now: all, minus those whose key is not configured.

    Never raises: a broken settings file just hides the keyed basemaps (choosing one
    explicitly then says what is wrong).
    """
    try:
        has_key = tianditu_key() is not None
    except BasemapKeyError:
        has_key = False
    return {k: b for k, b in BASEMAPS.items() if has_key or not b.needs_key}
