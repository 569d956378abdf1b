"""The one accessor for layer data: :func:`load`."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import geopandas as gpd

from geo import settings
from geo.crs import to_wgs84
from geo.errors import LayerFileError, LayerNotFoundError, LayerValidationError
from layers.catalogue import builders
from layers.catalogue.entries import LAYERS
from layers.catalogue.spec import LayerSpec
from layers.catalogue.validate import problems

__all__ = ["ROOT", "layer_ids", "get_spec", "read_file", "display_path", "load", "clear_cache"]

#: Folder holding ``data/``: the project root, or ``$ZJ_DATA_ROOT`` (tests run the app on a copy).
ROOT = settings.data_root()

_BY_ID: dict[str, LayerSpec] = {spec.id: spec for spec in LAYERS}


def layer_ids() -> list[str]:
    """Ids of every catalogue layer, in catalogue order."""
    return [spec.id for spec in LAYERS]


def get_spec(layer_id: str) -> LayerSpec:
    """The spec of ``layer_id``.

    Raises
    ------
    LayerNotFoundError
        If the catalogue has no such layer.
    """
    try:
        return _BY_ID[layer_id]
    except KeyError:
        raise LayerNotFoundError(
            f"no layer '{layer_id}'; known layers: {', '.join(_BY_ID)}",
            f"没有图层 '{layer_id}'",
        ) from None


def read_file(path: Path) -> gpd.GeoDataFrame:
    """Read a project GeoJSON file, with errors that name the file and the problem."""
    rel = display_path(path)
    if not path.exists():
        raise LayerFileError(f"{rel}: file not found", f"{rel}: 文件不存在")
    size = path.stat().st_size
    if size == 0:
        raise LayerFileError(f"{rel}: file is empty", f"{rel}: 文件为空")
    if size > settings.MAX_LAYER_FILE_BYTES:
        raise LayerFileError(f"{rel}: file is {size} bytes, over the {settings.MAX_LAYER_FILE_BYTES} limit",
                             f"{rel}: 文件过大")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise LayerFileError(f"{rel}: not UTF-8 text ({exc.reason})", f"{rel}: 不是 UTF-8 文本") from exc
    except json.JSONDecodeError as exc:
        raise LayerFileError(f"{rel}: broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                             f"{rel}: JSON 格式错误 (第 {exc.lineno} 行)") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise LayerFileError(f"{rel}: not a GeoJSON FeatureCollection", f"{rel}: 不是 GeoJSON 要素集合")
    if not doc.get("features"):
        raise LayerFileError(f"{rel}: the FeatureCollection has no features", f"{rel}: 没有要素")
    try:
        gdf = gpd.GeoDataFrame.from_features(doc["features"], crs=settings.WGS84)
    except Exception as exc:  # malformed geometry objects
        raise LayerFileError(f"{rel}: malformed GeoJSON feature: {exc}", f"{rel}: GeoJSON 要素格式错误") from exc
    # RFC 7946 GeoJSON is WGS84 by definition; a legacy "crs" member other than that is an error.
    crs_member = doc.get("crs")
    if crs_member:
        name = str(crs_member.get("properties", {}).get("name", ""))
        if not any(tag in name for tag in ("4326", "CRS84")):
            raise LayerFileError(f"{rel}: declares CRS {name!r}; project files must be WGS84",
                                 f"{rel}: 声明的坐标系为 {name!r}, 项目文件必须为 WGS84")
    return gdf


def display_path(path: Path) -> str:
    """``path`` relative to the data root when inside it, for messages."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=None)
def _load_cached(layer_id: str) -> gpd.GeoDataFrame:
    spec = get_spec(layer_id)
    if spec.builder is not None:
        gdf = getattr(builders, spec.builder)(load)
    else:
        path = spec.file_path(ROOT)
        if path is None:
            raise LayerFileError(f"layer {spec.id} has neither a file nor a builder",
                                 f"图层 {spec.id} 既没有文件也没有构建函数")
        gdf = read_file(path)
    gdf = to_wgs84(gdf)
    found = problems(gdf, spec)
    if found:
        raise LayerValidationError(layer_id, found)
    return gdf


def load(layer_id: str) -> gpd.GeoDataFrame:
    """Load a catalogue layer as a validated GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    layer_id : str
        A catalogue id, e.g. ``"science_city_2021"`` (see :func:`layer_ids`).

    Returns
    -------
    GeoDataFrame
        A fresh copy (callers may modify it); the parsed file is cached.

    Raises
    ------
    LayerNotFoundError, LayerFileError, LayerValidationError
    """
    return _load_cached(layer_id).copy()


def clear_cache() -> None:
    """Forget every loaded layer (after the files changed on disk)."""
    _load_cached.cache_clear()
