"""The cache of parsed OpenStreetMap extracts (``geo.osm``): one file per parse or clip.

The whole file's parse is kept once, and each clipped analysis box beside it, as data
only (GeoParquet frames and JSON in a zip: reading a cache never runs code). The key
(:func:`file_key`) is the SHA-256 of the file's content with the box, the tag rules'
version and the cache format: a copy of the file elsewhere finds the same entry, a
changed file or a changed rule is parsed again. The content hash is computed once per
file per process (memoised by path, size and modification time). Writes are atomic,
streamed to the file (no second copy in memory); an unreadable entry is ignored and
rewritten.
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
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

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


#: Read size when hashing a file's content.
_HASH_BLOCK = 4 << 20
_CONTENT_MEMO: dict[tuple[str, int, int], str] = {}


def content_hash(path: Path) -> str:
    """SHA-256 of the file's bytes (hex), read in 4 MB blocks; memoised per process by
    (resolved path, size, modification time)."""
    resolved = Path(path).resolve()
    st = resolved.stat()
    memo = (str(resolved), st.st_size, st.st_mtime_ns)
    if memo not in _CONTENT_MEMO:
        digest = hashlib.sha256()
        with open(resolved, "rb") as fh:
            while block := fh.read(_HASH_BLOCK):
                digest.update(block)
        _CONTENT_MEMO[memo] = digest.hexdigest()
    return _CONTENT_MEMO[memo]


def file_key(path: Path, bbox: tuple | None) -> str:
    """Cache key of ``path`` clipped to ``bbox`` (``None``: the whole file): its content
    hash, the box, :data:`geo.osmtags.RULES_VERSION` and :data:`CACHE_FORMAT`."""
    box_text = "all" if bbox is None else ",".join(f"{v:.5f}" for v in bbox)
    raw = "|".join([content_hash(path), box_text, osmtags.RULES_VERSION, CACHE_FORMAT])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _cache_file(cache: Path, path: Path, bbox: tuple | None) -> Path:
    kind = "full" if bbox is None else "clip"
    return cache / f"osm-{kind}-{file_key(path, bbox)}{SUFFIX}"


__all__ = ["CACHE_FORMAT", "SUFFIX", "cache_dir", "content_hash", "file_key", "read", "store",
           "write"]


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
            frames = {}
            for name, columns in FRAME_COLUMNS.items():
                frame = _read_frame(zf, name, columns)
                if frame is None:
                    return None
                frames[name] = frame
        lon0, lat0, lon1, lat1 = (float(v) for v in meta["bbox"])
        # the path asked for: a copy of the file elsewhere shares the entry
        value = OSMExtract(source=str(path), bbox=(lon0, lat0, lon1, lat1),
                           dropped={str(k): int(v) for k, v in meta["dropped"].items()}, **frames)
    except Exception:  # noqa: BLE001 - corrupt or from another version: ignored, rewritten later
        return None
    try:
        os.utime(file)  # recently used: pruned last
    except OSError:
        pass
    return value


def _read_frame(zf: zipfile.ZipFile, name: str, columns: dict[str, str]) -> gpd.GeoDataFrame | None:
    """One frame of a cache zip with its columns' types (``None`` when it has other columns).

    A ``nodes`` column (a Parquet list) is read apart, straight to one Python list per row
    (not through pandas' per-row numpy arrays).
    """
    data = zf.read(f"{name}.parquet")
    parquet = pq.ParquetFile(pa.BufferReader(data))
    if parquet.schema_arrow.names != [*columns, "geometry"]:
        return None
    nodes = parquet.read(columns=["nodes"]).column("nodes").to_pylist() if "nodes" in columns else None
    gdf = gpd.read_parquet(io.BytesIO(data), columns=[c for c in (*columns, "geometry") if c != "nodes"])
    if nodes is not None:
        gdf.insert(list(columns).index("nodes"), "nodes", pd.Series(nodes, dtype=object))
    return gdf.astype(columns)  # strings come back as pandas strings


def write(cache: Path, path: Path, bbox: tuple | None, value: OSMExtract) -> None:
    """Store ``value``: one zip of ``meta.json`` and a GeoParquet file per frame, written
    straight to the (temporary, then renamed) cache file."""
    from geo.osm import FRAME_COLUMNS

    def write_zip(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            meta = {"format": CACHE_FORMAT, "source": value.source, "bbox": list(value.bbox),
                    "dropped": value.dropped}
            zf.writestr("meta.json", json.dumps(meta))
            for name in FRAME_COLUMNS:
                with zf.open(f"{name}.parquet", "w", force_zip64=True) as fh:
                    getattr(value, name).to_parquet(fh, index=False)

    _store_with(_cache_file(cache, path, bbox), write_zip)
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
    _store_with(file, lambda tmp: tmp.write_bytes(data))


def _store_with(file: Path, write_tmp) -> None:
    """Create ``file`` atomically with ``write_tmp(tmp)``; skipped when it cannot be written."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(file, write_tmp)
    except OSError:
        pass
