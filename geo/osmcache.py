"""The cache of parsed OpenStreetMap extracts (``geo.osm``): one file per parse or clip.

The whole file's parse is kept once, and each clipped analysis box beside it, as data
only (GeoParquet frames and JSON in a zip: reading a cache never runs code); a key
holds the file's path, size and time, the box, the tag rules' version and the cache
format, so a changed file or a changed rule is parsed again. Writes are atomic; an
unreadable entry is ignored and rewritten.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from geo import osmtags, settings
from geo.files import atomic_write

if TYPE_CHECKING:
    from geo.osm import OSMExtract

#: Bump when the cached :class:`geo.osm.OSMExtract` changes shape.
CACHE_FORMAT = "3"
#: Cache file ending: a zip of meta.json and one GeoParquet file per frame (data only).
SUFFIX = ".osm.zip"
#: Clipped extracts kept in the cache (one per analysis box; the oldest are removed).
MAX_CACHED_CLIPS = 24


def cache_dir(given: Path | str | None) -> Path:
    """``given``, else env ``ZJ_CACHE_DIR``, else ``~/.cache/zhangjiang/osm``."""
    return Path(given) if given is not None else settings.cache_dir()


def file_key(path: Path, bbox: tuple | None) -> str:
    st = path.stat()
    box_text = "all" if bbox is None else ",".join(f"{v:.5f}" for v in bbox)
    raw = "|".join([str(path.resolve()), str(st.st_size), str(st.st_mtime_ns), box_text,
                    osmtags.RULES_VERSION, CACHE_FORMAT])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _cache_file(cache: Path, path: Path, bbox: tuple | None) -> Path:
    kind = "full" if bbox is None else "clip"
    return cache / f"osm-{kind}-{file_key(path, bbox)}{SUFFIX}"


__all__ = ["CACHE_FORMAT", "SUFFIX", "cache_dir", "file_key", "read", "store", "write"]


def read(cache: Path, path: Path, bbox: tuple | None) -> OSMExtract | None:
    """The cached extract, or ``None`` when absent or unreadable (then it is rewritten).

    Only data is read (JSON and GeoParquet): a cache file can never run code.
    """
    file = _cache_file(cache, path, bbox)
    if not file.is_file():
        return None
    from geo.osm import FRAME_COLUMNS, OSMExtract
    try:
        with zipfile.ZipFile(file) as zf:
            meta = json.loads(zf.read("meta.json"))
            if meta.get("format") != CACHE_FORMAT:
                return None
            frames = {name: gpd.read_parquet(io.BytesIO(zf.read(f"{name}.parquet")))
                      for name in FRAME_COLUMNS}
        lon0, lat0, lon1, lat1 = (float(v) for v in meta["bbox"])
        value = OSMExtract(source=str(meta["source"]), bbox=(lon0, lat0, lon1, lat1),
                           dropped={str(k): int(v) for k, v in meta["dropped"].items()}, **frames)
    except Exception:  # noqa: BLE001 - corrupt or from another version: ignored, rewritten later
        return None
    for name, columns in FRAME_COLUMNS.items():
        gdf = getattr(value, name)
        if list(gdf.columns) != [*columns, "geometry"]:
            return None
        if "nodes" in columns:  # parquet lists come back as arrays
            gdf["nodes"] = [n.tolist() for n in gdf["nodes"]]
        setattr(value, name, gdf.astype(columns))  # strings come back as pandas strings
    try:
        os.utime(file)  # recently used: pruned last
    except OSError:
        pass
    return value


def write(cache: Path, path: Path, bbox: tuple | None, value: OSMExtract) -> None:
    """Store ``value``: one zip of ``meta.json`` and a GeoParquet file per frame."""
    from geo.osm import FRAME_COLUMNS
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        meta = {"format": CACHE_FORMAT, "source": value.source, "bbox": list(value.bbox),
                "dropped": value.dropped}
        zf.writestr("meta.json", json.dumps(meta))
        for name in FRAME_COLUMNS:
            part = io.BytesIO()
            getattr(value, name).to_parquet(part, index=False)
            zf.writestr(f"{name}.parquet", part.getvalue())
    store(_cache_file(cache, path, bbox), buf.getvalue())
    if bbox is not None:
        _prune(cache)


def _prune(cache: Path) -> None:
    """Remove the oldest clipped extracts beyond :data:`MAX_CACHED_CLIPS`."""
    try:
        clips = sorted(cache.glob(f"osm-clip-*{SUFFIX}"), key=lambda f: f.stat().st_mtime)
        for old in clips[:-MAX_CACHED_CLIPS]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def store(file: Path, data: bytes) -> None:
    """Write ``data`` to the cache file ``file`` atomically (:func:`geo.files.atomic_write`);
    a cache that cannot be written is skipped."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(file, lambda tmp: tmp.write_bytes(data))
    except OSError:
        pass
