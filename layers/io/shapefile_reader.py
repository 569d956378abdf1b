"""The Shapefile reader: loose or zipped, with or without ``.prj``, attribute encoding detected.

A zipped Shapefile's members are read into memory with a cap (:mod:`layers.io.zipsafe`)
and written under fixed names into a private temporary folder, then read like a loose
one. The ``.dbf`` text encoding is its ``.cpg`` when that fits the bytes, else the
first of ``settings.SHP_ENCODINGS`` (UTF-8, then GB18030/GBK) that decodes every text.
"""
from __future__ import annotations

import codecs
import re
import struct
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import pyogrio

from geo import settings
from geo.errors import ImportFileError
from layers.io.importbase import Raw, broken, not_format, quiet
from layers.io.zipsafe import open_zip, read_member

__all__ = ["dbf_texts", "read_shp", "read_shp_zip", "shp_encoding", "shp_members"]

#: Files of one Shapefile that are unpacked from a zip (others are ignored).
_SHP_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")
#: ``.cpg`` spellings (upper case, no spaces, ``_`` or ``-``, ``ANSI`` prefix removed) → codec.
_CPG_CODECS = {"936": "GB18030", "CP936": "GB18030", "GBK": "GB18030", "GB2312": "GB18030",
               "GB18030": "GB18030", "65001": "UTF-8", "UTF8": "UTF-8", "88591": "ISO-8859-1",
               "ISO88591": "ISO-8859-1", "1252": "CP1252", "CP1252": "CP1252", "950": "CP950", "BIG5": "CP950"}


def read_shp_zip(path: Path, layer: str | None, max_bytes: int) -> Raw:
    """Read one Shapefile of a zip (``layer``: its name with or without ``.shp``, or the only one)."""
    with open_zip(path, max_bytes) as zf:
        shps = shp_members(zf)
        if not shps:
            inside = ", ".join(n for n in zf.namelist()[:10]) or "nothing"
            raise ImportFileError("zip_no_shp", f"{path.name}: the zip holds no Shapefile (.shp); it contains: "
                                  f"{inside}. Zip the .shp with its .shx, .dbf and .prj, or import the file directly",
                                  f"{path.name}: 压缩包中没有 Shapefile (.shp), 内含: {inside}; "
                                  "请将 .shp 与 .shx/.dbf/.prj 一起压缩, 或直接导入该文件")
        chosen = _choose_shp(shps, layer, path.name)
        stem = chosen[:-4]
        members = {n[len(stem):].lower(): n for n in zf.namelist() if n[:len(stem)] == stem
                   and n[len(stem):].lower() in _SHP_SIDECARS}
        with tempfile.TemporaryDirectory(prefix="zj_import_") as tmp:
            for ext, member in members.items():
                (Path(tmp) / f"layer{ext}").write_bytes(read_member(zf, member))
            raw = read_shp(Path(tmp) / "layer.shp", None, max_bytes, label=path.name)
    raw.fmt, raw.layer = "shpzip", PurePosixPath(chosen).name
    return raw


def shp_members(zf: zipfile.ZipFile) -> list[str]:
    """The ``.shp`` members of a zip, sorted (macOS resource forks left out)."""
    return sorted(n for n in zf.namelist() if n.lower().endswith(".shp") and not n.startswith("__MACOSX/")
                  and not PurePosixPath(n).name.startswith("._"))


def _choose_shp(shps: list[str], layer: str | None, name: str) -> str:
    if layer is None and len(shps) == 1:
        return shps[0]
    listing = ", ".join(PurePosixPath(s).name for s in shps)
    if layer is None:
        raise ImportFileError("zip_many_shp", f"{name}: the zip holds {len(shps)} Shapefiles: {listing}; "
                              "choose one (layer= / --layer NAME)",
                              f"{name}: 压缩包中有 {len(shps)} 个 Shapefile: {listing}; 请选择一个 (--layer)")
    want = layer.lower().removesuffix(".shp")
    hits = [s for s in shps if s.lower().removesuffix(".shp") in (want,) or
            PurePosixPath(s).stem.lower() == want]
    if len(hits) == 1:
        return hits[0]
    raise ImportFileError("layer", f"{name}: no Shapefile '{layer}' in the zip; it holds: {listing}",
                          f"{name}: 压缩包中没有 Shapefile '{layer}'; 现有: {listing}")


def read_shp(path: Path, layer: str | None, max_bytes: int, label: str | None = None) -> Raw:
    """Read a loose Shapefile (``.shx`` and ``.dbf`` beside it); ``label`` names it in messages."""
    label = label or path.name
    with path.open("rb") as fh:
        if fh.read(4) != struct.pack(">i", 9994):  # the file code of every .shp (ESRI, 1998)
            raise not_format(label, "Shapefile")
    dbf, cpg = path.with_suffix(".dbf"), path.with_suffix(".cpg")
    for need in (".shx", ".dbf"):
        if not path.with_suffix(need).exists():
            raise ImportFileError("broken", f"{label}: the Shapefile's {need} file is missing; a Shapefile needs "
                                  ".shp, .shx and .dbf (and .prj) together",
                                  f"{label}: 缺少 Shapefile 的 {need} 文件; 需要 .shp、.shx、.dbf (及 .prj) 一起提供")
    encoding, notes = shp_encoding(dbf, cpg if cpg.exists() else None, label)
    try:
        with quiet():
            frame = pyogrio.read_dataframe(path, encoding=encoding)
    except Exception as exc:
        raise broken(label, "Shapefile", exc) from None
    return Raw(frame, frame.crs, "shp", warnings=notes)


def shp_encoding(dbf: Path, cpg: Path | None, label: str) -> tuple[str, list[str]]:
    """Encoding of a .dbf: its .cpg when it fits the bytes, else UTF-8, else GBK (GB18030).

    Returns
    -------
    (str, list of str)
        The codec name and notes for the planner.
    """
    texts = dbf_texts(dbf.read_bytes())
    notes: list[str] = []
    if cpg is not None:
        declared = _codec_of_cpg(cpg.read_bytes().decode("ascii", "replace").strip())
        if declared and _decodes(texts, declared):
            return declared, notes
        notes.append(f"{label}: 属性编码与 .cpg 声明不符, 已自动识别 / the .cpg encoding does not fit the "
                     "attribute text; detected it instead")
    for enc in settings.SHP_ENCODINGS:
        if _decodes(texts, enc):
            if cpg is None and enc == "GB18030" and any(any(b > 127 for b in t) for t in texts):
                notes.append(f"{label}: 无 .cpg 文件, 属性按 GBK 读取 / no .cpg file; attributes read as GBK")
            return enc, notes
    raise ImportFileError("encoding", f"{label}: the attribute text is neither UTF-8 nor GBK/GB18030 and no .cpg "
                          "names its encoding; export again as UTF-8, or add a .cpg file naming the code page",
                          f"{label}: 属性文字既不是 UTF-8 也不是 GBK/GB18030, 且没有 .cpg 说明编码; "
                          "请以 UTF-8 重新导出, 或添加注明编码的 .cpg 文件")


def _codec_of_cpg(text: str) -> str | None:
    key = re.sub(r"[\s_\-]", "", text).upper().removeprefix("ANSI")
    enc = _CPG_CODECS.get(key)
    if enc is None:
        try:
            enc = codecs.lookup(text.strip()).name
        except LookupError:
            return None
    return enc


def dbf_texts(data: bytes, max_records: int = settings.SHP_ENCODING_SAMPLE_RECORDS) -> list[bytes]:
    """Field names and character-field values of a dBASE file, as raw bytes."""
    if len(data) < 32:
        return []
    count, header_len, rec_len = struct.unpack("<IHH", data[4:12])
    fields, pos = [], 32
    while pos + 32 <= min(header_len, len(data)) and data[pos] != 0x0D:
        desc = data[pos:pos + 32]
        fields.append((desc[:11].split(b"\x00")[0], chr(desc[11]), desc[16]))
        pos += 32
    out = [f[0] for f in fields]
    for r in range(min(count, max_records)):
        start = header_len + r * rec_len + 1
        offset = start
        for _, ftype, length in fields:
            if ftype == "C":
                out.append(data[offset:offset + length].rstrip(b" \x00"))
            offset += length
    return [t for t in out if t]


def _decodes(texts: list[bytes], encoding: str) -> bool:
    """True if every text decodes; a multi-byte character cut at a field's end is tolerated."""
    try:
        for t in texts:
            codecs.getincrementaldecoder(encoding)("strict").decode(t, final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
