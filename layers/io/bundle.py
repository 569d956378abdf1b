"""Zip archives of exports: :func:`write_zip`, and :func:`write_bundle` for several one-layer files.

GeoJSON and CSV hold one layer per file: several layers become one zip with a file per
layer plus ``PROVENANCE.txt`` (with a BOM, for Notepad and Excel on Windows).
"""
from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Callable

from layers.io.exportcrs import GEOJSON_CRS_NOTE, Target
from layers.io.exportformats import BOM, FORMATS
from layers.io.prepare import Prepared
from layers.io.provenance import PROVENANCE_FILE, provenance_text

__all__ = ["provenance_bytes", "write_bundle", "write_zip"]


def write_zip(members: Mapping[str, bytes | Path], path: Path) -> None:
    """A deflated zip at ``path`` of ``{name in the archive: bytes or a file}``."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arcname, content in members.items():
            data = content.read_bytes() if isinstance(content, Path) else content
            zf.writestr(arcname, data)


def provenance_bytes(layers_: list[Prepared], target: Target, fmt: str, extra: tuple[str, ...] = ()) -> bytes:
    """``PROVENANCE.txt`` as UTF-8 bytes with a BOM."""
    return (BOM + provenance_text(layers_, target, fmt, extra)).encode("utf-8")


def write_bundle(layers_: list[Prepared], path: Path, fmt: str, target: Target,
                 write_one: Callable[[Prepared, Path, Target], None]) -> None:
    """Several GeoJSON or CSV layers: one zip, a file per layer (``write_one``) plus PROVENANCE.txt."""
    members: dict[str, bytes | Path] = {}
    suffix = "_GCJ02" if target.gcj02 else ""
    with tempfile.TemporaryDirectory() as tmp:
        for p in layers_:
            member = Path(tmp) / f"{p.name}{suffix}{FORMATS[fmt].extension}"
            write_one(p, member, target)
            members[member.name] = member.read_bytes()
        extra = () if fmt != "geojson" or target.is_wgs84 else (GEOJSON_CRS_NOTE,)
        members[PROVENANCE_FILE] = provenance_bytes(layers_, target, fmt, extra)
        write_zip(members, path)
