"""The app's import step: an upload saved privately, read, named, and turned into layers.

:func:`import_upload` turns one upload into an :class:`Upload` outcome (imported, needs
a CRS or layer choice, or refused with a message); it never raises, so a hostile file
cannot take the app down. The reading itself is :mod:`layers.io.importer`'s.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from geo.bilingual import Bilingual
from geo.errors import ZJError
from layers.io import importer

__all__ = ["CRS_CHOICES", "UPLOAD_MAX_AGE_S", "UPLOAD_PREFIX", "Upload", "clean_stale_uploads", "crs_choice_label",
           "drop_upload", "import_upload", "save_upload", "unique_name"]

#: Coordinate choices offered on import: ``"auto"`` (declared, or detected and confirmed),
#: an EPSG code, or the offset datums converted to WGS84 on import.
CRS_CHOICES: dict[str, Bilingual] = {
    "auto": Bilingual("自动", "auto"),
    **{code: Bilingual(zh, en) for code, (en, zh) in importer.CANDIDATE_CRS.items()},
    "gcj02": Bilingual("GCJ-02 经纬度 (高德/腾讯)", "GCJ-02 lon/lat (Amap/Tencent)"),
    "bd09": Bilingual("BD-09 经纬度 (百度)", "BD-09 lon/lat (Baidu)"),
}


def crs_choice_label(choice: str, lang: str) -> str:
    """``"EPSG:4550 · CGCS2000 …"`` in the planner's language."""
    text = CRS_CHOICES[choice].get(lang)
    return text if choice in ("auto", "gcj02", "bd09") else f"{choice} · {text}"


@dataclass
class Upload:
    """What one import attempt gave.

    Attributes
    ----------
    status : {"ok", "confirm", "layer", "error"}
        ``ok``: ``frames`` hold the new layers. ``confirm``: the CRS must be chosen from
        ``candidates``. ``layer``: the file holds several layers; choose from ``layers``.
        ``error``: ``message`` says why (``kind`` names the case).
    frames : dict
        New layer name -> WGS84 GeoDataFrame (several when a mixed layer was split).
    message : str
        Bilingual text for the planner (error, or what needs confirming).
    kind : str
        Error kind (``ImportFileError.kind`` and friends, ``"crs"``, ``"unexpected"``).
    candidates : list of importer.Candidate
        CRS choices (for ``confirm``, and for an ``outside`` error that a swap or CRS would fix).
    layers : list of str
        Layer names (for ``layer``).
    info : dict
        :func:`layers.io.importer.summary` of an import (``ok`` and ``confirm``).
    """

    status: str
    frames: dict = field(default_factory=dict)
    message: str = ""
    kind: str = ""
    candidates: list = field(default_factory=list)
    layers: list = field(default_factory=list)
    info: dict = field(default_factory=dict)


#: Prefix of the private folders uploads are written to (one per upload, under the system temp dir).
UPLOAD_PREFIX = "zj_import_"
#: Upload folders older than this are removed (an import left waiting when its session ended).
UPLOAD_MAX_AGE_S = 24 * 3600


def save_upload(name: str, data: bytes) -> Path:
    """Write an uploaded file under its own base name into a new private folder; its path.

    The folder is created with mode 0700 (``tempfile.mkdtemp``); the name is reduced to its
    last path component, so an upload cannot write elsewhere. Folders of earlier uploads
    older than :data:`UPLOAD_MAX_AGE_S` are removed first.
    """
    clean_stale_uploads()
    folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))
    base = Path(str(name).replace("\\", "/")).name.strip() or "upload"
    path = folder / base
    path.write_bytes(data)
    return path


def drop_upload(path: str | Path | None) -> None:
    """Remove an upload and its folder (no-op for None or a path outside an upload folder)."""
    if path and Path(path).parent.name.startswith(UPLOAD_PREFIX):
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def clean_stale_uploads(max_age_s: float = UPLOAD_MAX_AGE_S) -> int:
    """Remove upload folders older than ``max_age_s``; how many were removed."""
    now, n = time.time(), 0
    for folder in Path(tempfile.gettempdir()).glob(UPLOAD_PREFIX + "*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > max_age_s:
                shutil.rmtree(folder, ignore_errors=True)
                n += 1
        except OSError:
            continue
    return n


def unique_name(name: str, existing: Iterable[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``… when a layer of that name exists."""
    name = " ".join(str(name).split())[:80] or "layer"
    taken = set(existing)
    if name not in taken:
        return name
    k = 2
    while f"{name} ({k})" in taken:
        k += 1
    return f"{name} ({k})"


def import_upload(path: str | Path, *, existing: Iterable[str] = (), choice: str = "auto", swap: bool = False,
                  layer: str | None = None, split_mixed: bool = False, max_bytes: int | None = None) -> Upload:
    """Import one uploaded file for the app; never raises.

    Parameters
    ----------
    path : Path
        The uploaded file, saved under its own name (the suffix picks the reader).
    existing : iterable of str
        Names of the planner's layers: a new layer never replaces one.
    choice : str
        A key of :data:`CRS_CHOICES`.
    swap : bool
        The coordinates are latitude first.
    layer : str, optional
        Layer of a GeoPackage / Shapefile in a zip / KML folder.
    split_mixed : bool
        Split a layer mixing points, lines and polygons into one layer per type.
    max_bytes : int, optional
        Size limit (default :func:`layers.io.importer.max_import_bytes`).
    """
    path = Path(path)
    limit = max_bytes or importer.max_import_bytes()
    crs = None if choice in ("auto", "gcj02", "bd09") else choice
    datum = choice if choice in ("gcj02", "bd09") else None
    try:
        if layer is None:
            names = importer.list_layers(path, max_bytes=limit)
            if len(names) > 1:
                return Upload("layer", layers=names, message=f"文件含 {len(names)} 个图层, 请选择一个 / "
                              f"the file holds {len(names)} layers: choose one")
        imp = importer.read_layer(path, layer=layer, crs=crs, datum=datum, swap=swap, allow_mixed=split_mixed,
                                  max_bytes=limit)
    except ZJError as exc:
        fits = list(getattr(exc, "candidates", None) or [])
        return Upload("error", message=str(exc), kind=getattr(exc, "kind", "crs"), candidates=fits)
    except Exception as exc:  # a reader library failing on a hostile file: refuse it, keep the app up
        print(f"import of {path.name!r} failed: {exc!r}", file=sys.stderr)
        return Upload("error", kind="unexpected", message=(
            f"{path.name}: 文件无法读取 ({type(exc).__name__}); 请检查文件或换一种格式导出 / "
            f"{path.name}: the file cannot be read ({type(exc).__name__}); check it or export it in another format"))
    info = importer.summary(imp)
    if imp.needs_confirmation:
        return Upload("confirm", message=" ".join(imp.warnings[-1:]), candidates=list(imp.candidates), info=info)
    lay = imp.layer[:-4] if imp.layer.lower().endswith(".shp") else imp.layer
    base = path.stem + (f" · {lay}" if lay and lay != path.stem else "")
    parts = importer.split_by_type(imp) if split_mixed else {"": imp.frame}
    frames: dict = {}
    for kind, frame in parts.items():
        name = unique_name(f"{base} ({kind.lower()})" if len(parts) > 1 else base, list(existing) + list(frames))
        frames[name] = frame.reset_index(drop=True)
    return Upload("ok", frames=frames, info=info)
