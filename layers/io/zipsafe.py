"""Zip archives checked before anything is read: entry names, declared sizes, compression ratio.

:func:`open_zip` refuses archives with too many entries (``settings.MAX_ZIP_ENTRIES``),
entries pointing outside the archive (absolute paths, ``..``), a member that expands
more than ``settings.MAX_ZIP_RATIO`` times (a zip bomb) and archives that unpack to more
than the import limit. :func:`read_member` never reads more than a member's checked size.
Nothing is extracted to disk here.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from geo import settings
from geo.errors import ImportFileError
from layers.io.importbase import mb, not_format

__all__ = ["check_zip", "open_zip", "read_member", "unsafe_name"]


def open_zip(path: Path, max_bytes: int) -> zipfile.ZipFile:
    """Open a zip after checking its entries' names and declared sizes; nothing is extracted.

    Raises
    ------
    ImportFileError
        ``not_geo``, ``broken``, ``zip_bomb``, ``zip_unsafe`` or ``too_large``.
    """
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic[:2] != b"PK":
        raise not_format(path.name, "zip")
    try:
        zf = zipfile.ZipFile(path)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError("broken", f"{path.name}: the zip archive is damaged ({str(exc)[:80]}); zip it again",
                              f"{path.name}: 压缩包已损坏, 请重新压缩") from None
    try:
        check_zip(infos, path.name, max_bytes)
    except ImportFileError:
        zf.close()
        raise
    return zf


def check_zip(infos: list[zipfile.ZipInfo], name: str, max_bytes: int) -> None:
    """Raise :class:`ImportFileError` if the listed entries are unsafe or too big."""
    limit = settings.MAX_ZIP_ENTRIES
    if len(infos) > limit:
        raise ImportFileError("zip_bomb", f"{name}: the zip lists {len(infos)} entries (limit {limit}); "
                              "it is not a layer archive", f"{name}: 压缩包含 {len(infos)} 个条目, 超过上限, 不是图层压缩包")
    for info in infos:
        if unsafe_name(info.filename):
            raise ImportFileError("zip_unsafe", f"{name}: the zip entry '{info.filename}' points outside the archive "
                                  "(absolute path or '..'); refused for safety. Zip the files again from their folder",
                                  f"{name}: 压缩包条目 '{info.filename}' 指向压缩包之外 (绝对路径或 '..'), "
                                  "出于安全已拒绝; 请在文件所在文件夹中重新压缩")
    total = sum(i.file_size for i in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > settings.ZIP_RATIO_MIN_BYTES and ratio > settings.MAX_ZIP_RATIO:
            raise ImportFileError("zip_bomb", f"{name}: the entry '{info.filename}' expands {ratio:.0f}x to "
                                  f"{mb(info.file_size)} (limit {settings.MAX_ZIP_RATIO}x); this looks like a zip "
                                  "bomb and was not unpacked", f"{name}: 条目 '{info.filename}' 解压后膨胀 "
                                  f"{ratio:.0f} 倍至 {mb(info.file_size)}, 疑似压缩炸弹, 未解压")
    if total > max_bytes:
        raise ImportFileError("too_large", f"{name}: the zip unpacks to {mb(total)}, over the {mb(max_bytes)} import "
                              "limit; clip the layer to the study area first",
                              f"{name}: 压缩包解压后为 {mb(total)}, 超过导入上限 {mb(max_bytes)}; 请先裁剪到研究范围")


def unsafe_name(member: str) -> bool:
    """True for an entry name that points outside the archive (absolute, drive letter, ``..``, NUL)."""
    norm = member.replace("\\", "/")
    return (norm.startswith("/") or re.match(r"^[A-Za-z]:", norm) is not None or "\x00" in norm
            or ".." in norm.split("/"))


def read_member(zf: zipfile.ZipFile, member: str) -> bytes:
    """A member's bytes, never more than its (checked) declared size."""
    info = zf.getinfo(member)
    try:
        with zf.open(info) as fh:
            return fh.read(info.file_size + 1)[:info.file_size]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ImportFileError("broken", f"{member}: cannot be unpacked ({str(exc)[:80]}); zip it again "
                              "without a password", f"{member}: 无法解压 (可能损坏或加密), 请不加密重新压缩") from None
