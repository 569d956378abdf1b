"""What every import reader shares: the raw frame, the format from the file name, common errors.

:func:`format_of` checks a file's existence and size and names its format from its
extension (:data:`SUFFIXES`); every reader returns a :class:`Raw` frame (as read, before
CRS, repair and checks). Damaged or mislabelled files raise the bilingual errors of
:func:`not_format` and :func:`broken`; :func:`decode_text` tries a list of encodings.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
from pyproj import CRS

from geo.errors import ImportFileError
from layers.text import text

__all__ = ["SUFFIXES", "Raw", "broken", "choose_layer", "decode_text", "format_of", "mb", "not_format", "quiet"]

#: Format key of each accepted file extension.
SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".zip": "shpzip", ".shp": "shp",
            ".kml": "kml", ".kmz": "kmz", ".csv": "csv", ".txt": "csv", ".tsv": "csv"}


@dataclass
class Raw:
    """A frame as read from the file, before CRS, repair and checks.

    ``lonlat_default`` is True for formats that are WGS84 by definition (GeoJSON, KML)
    when the numbers fit.
    """

    frame: gpd.GeoDataFrame
    declared: CRS | None
    fmt: str
    layer: str = ""
    fixes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    lonlat_default: bool = False


def format_of(path: Path, max_bytes: int) -> str:
    """The format key of ``path`` after the existence and size checks.

    Raises
    ------
    ImportFileError
        ``broken`` (no such file), ``too_large``, ``empty`` or ``not_geo`` (unknown extension).
    """
    name = path.name
    if not path.is_file():
        raise ImportFileError("broken", f"{name}: file not found or not a file; check the path",
                              f"{name}: 找不到该文件, 请检查路径")
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError("too_large", f"{name}: the file is {mb(size)}, over the {mb(max_bytes)} import "
                              "limit; clip it to the study area or simplify it first",
                              f"{name}: 文件大小 {mb(size)}, 超过导入上限 {mb(max_bytes)}; 请先裁剪到研究范围或简化")
    if size == 0:
        raise ImportFileError("empty", f"{name}: the file is empty (0 bytes); export it again",
                              f"{name}: 文件为空 (0 字节), 请重新导出")
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        supported = text("io_supported")
        raise ImportFileError("not_geo", f"{name}: not a geographic data file; supported: {supported.en}",
                              f"{name}: 不是地理数据文件; 支持的格式: {supported.zh}")
    return fmt


def decode_text(data: bytes, name: str, what: str, encodings: tuple[str, ...]) -> str:
    """``data`` decoded with the first of ``encodings`` that fits; binary data are refused."""
    if b"\x00" in data[:8192]:
        raise not_format(name, what)
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    tried = " / ".join(e.upper().removesuffix("-SIG") for e in encodings)
    raise ImportFileError("encoding", f"{name}: the text is not in a known encoding (tried {tried}); save it "
                          "again as UTF-8", f"{name}: 文字编码无法识别 (已尝试 {tried}), 请另存为 UTF-8")


@contextmanager
def quiet() -> Iterator[None]:
    """Silence GDAL's RuntimeWarnings (our own messages say what matters)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def mb(n: int) -> str:
    """A byte count as ``"1.5 MB"`` (or KB below one megabyte)."""
    return f"{n / 1024**2:.1f} MB" if n >= 1024**2 else f"{n / 1024:.1f} KB"


def not_format(name: str, what: str) -> ImportFileError:
    """The error for a file whose content does not match its extension."""
    supported = text("io_supported")
    return ImportFileError("not_geo", f"{name}: not a {what} file (its content does not match its extension); "
                           f"supported: {supported.en}", f"{name}: 不是 {what} 文件 (内容与扩展名不符); "
                           f"支持的格式: {supported.zh}")


def broken(name: str, what: str, exc: Exception) -> ImportFileError:
    """The error for a damaged file that GDAL cannot read."""
    return ImportFileError("broken", f"{name}: the {what} file is damaged and cannot be read "
                           f"({str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__}); export it again",
                           f"{name}: {what} 文件已损坏, 无法读取, 请重新导出")


def choose_layer(names: list[str], layer: str | None, name: str, what: str) -> str:
    """The layer to read: ``layer`` if it is one of ``names``, the only one when ``layer`` is None."""
    if layer is None:
        if len(names) == 1:
            return names[0]
        raise ImportFileError("layer", f"{name}: the {what} holds {len(names)} layers: {', '.join(names)}; "
                              "choose one (layer= / --layer NAME)",
                              f"{name}: {what} 中有 {len(names)} 个图层: {', '.join(names)}; 请选择一个 (--layer)")
    if layer in names:
        return layer
    raise ImportFileError("layer", f"{name}: no layer '{layer}'; the layers are: {', '.join(names)}",
                          f"{name}: 没有图层 '{layer}'; 现有图层: {', '.join(names)}")
