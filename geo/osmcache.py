"""The cache of parsed OpenStreetMap extracts (``geo.osm``): one file per parse or clip.

The whole file's parse is kept once, and each clipped analysis box beside it; a key
holds the file's path, size and time, the box, the tag rules' version and the cache
format, so a changed file or a changed rule is parsed again. Writes are atomic; an
unreadable entry is ignored and rewritten.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from geo import osmtags

if TYPE_CHECKING:
    from geo.osm import OSMExtract

#: Bump when the cached :class:`geo.osm.OSMExtract` changes shape.
CACHE_FORMAT = "2"
#: Clipped extracts kept in the cache (one per analysis box; the oldest are removed).
MAX_CACHED_CLIPS = 24


def cache_dir(given: Path | str | None) -> Path:
    """``given``, else env ``ZJ_CACHE_DIR``, else ``~/.cache/zhangjiang/osm``."""
    if given is not None:
        return Path(given)
    env = os.environ.get("ZJ_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "zhangjiang" / "osm"


def file_key(path: Path, bbox: tuple | None) -> str:
    st = path.stat()
    box_text = "all" if bbox is None else ",".join(f"{v:.5f}" for v in bbox)
    raw = "|".join([str(path.resolve()), str(st.st_size), str(st.st_mtime_ns), box_text,
                    osmtags.RULES_VERSION, CACHE_FORMAT])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _cache_file(cache: Path, path: Path, bbox: tuple | None) -> Path:
    kind = "full" if bbox is None else "clip"
    return cache / f"osm-{kind}-{file_key(path, bbox)}.pickle"


__all__ = ["CACHE_FORMAT", "atomic_write", "cache_dir", "file_key", "read", "write"]


def read(cache: Path, path: Path, bbox: tuple | None) -> OSMExtract | None:
    """The cached extract, or ``None`` when absent or unreadable (then it is rewritten)."""
    file = _cache_file(cache, path, bbox)
    if not file.is_file():
        return None
    try:
        with open(file, "rb") as fh:
            value = pickle.load(fh)
    except Exception:  # corrupt or from another version: ignore, rewritten later
        return None
    from geo.osm import FRAME_COLUMNS, OSMExtract
    ok = (isinstance(value, OSMExtract)
          and all(isinstance(getattr(value, name, None), gpd.GeoDataFrame)
                  for name in FRAME_COLUMNS)
          and all(hasattr(value, f.name) for f in fields(OSMExtract)))
    if not ok:
        return None
    try:
        os.utime(file)  # recently used: pruned last
    except OSError:
        pass
    return value


def write(cache: Path, path: Path, bbox: tuple | None, value: OSMExtract) -> None:
    atomic_write(_cache_file(cache, path, bbox),
                  pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    if bbox is not None:
        _prune(cache)


def _prune(cache: Path) -> None:
    """Remove the oldest clipped extracts beyond :data:`MAX_CACHED_CLIPS`."""
    try:
        clips = sorted(cache.glob("osm-clip-*.pickle"), key=lambda f: f.stat().st_mtime)
        for old in clips[:-MAX_CACHED_CLIPS]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def atomic_write(file: Path, data: bytes) -> None:
    """Write ``data`` to ``file`` via a temporary file; a cache that cannot be written is skipped."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=file.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
