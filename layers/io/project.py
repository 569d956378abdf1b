"""The planner's project file: imported layers, drawings and coverage settings in one GeoPackage.

A project is saved with :func:`save` and reopened with :func:`load` (or :func:`to_bytes` /
:func:`from_bytes` for a browser download and upload).

Layout of the GeoPackage (every table is an ordinary GPKG table, so QGIS opens the file too;
how layers and drawings are encoded: :mod:`layers.io.projecttables`):

``project_meta``  (attributes only)
    ``key``/``value`` rows; every value is JSON text. Keys: ``format`` (:data:`FORMAT_NAME`,
    how :func:`load` knows the file is a project), ``format_version``, ``app_version``,
    ``name``, ``created``, ``saved``, ``coverage``, ``view``, ``layer_count``, ``drawing_count``,
    ``frame_count``, ``styles`` (layer name → :meth:`layers.styling.Style.to_dict`; checked on loading by
    :meth:`~layers.styling.Style.from_dict` against the layer read, a style that does not fit
    is left out and counted in :attr:`Project.notes`).
``project_layers``  (attributes only)
    One row per imported layer, in order: ``position``, ``table_name`` (``layer_000``...),
    ``layer_name`` (the planner's name, any language), ``geometry_column``, ``columns``
    (JSON list of ``[original name, stored name, pandas dtype]``) and ``rows``.
``layer_000``, ``layer_001``, ...
    The imported layers. Columns are stored as ``c0``, ``c1``... (SQLite column names are
    case-insensitive and some names clash with GPKG's own), their real names and dtypes
    are in ``project_layers.columns``.
``project_frames``  (attributes only) and ``frame_000``, ``frame_001``, ...
    Further frames the app keeps with the project (a check by zones: its zones, gaps and
    sums), indexed and encoded as the layers are; ``table_name``, ``frame_key`` (e.g.
    ``zones_result/zones``). Not layers of the planner's: they are never imported as such.
``drawings``  (EPSG:4326)
    The planner's drawings, in order: ``position``, ``properties`` (JSON text), ``extra``
    (JSON text: other top-level keys of the GeoJSON feature) and the geometry.

Saving is atomic (:func:`geo.files.atomic_write`): everything is written to a new file in a
hidden temporary folder beside the target (same file system), flushed to disk, then moved
over the target with ``os.replace``. A crash or kill at any moment leaves either the old
file or the new one, never a mix; the old file is never opened for writing. Reading goes
through pyogrio (GDAL) only and parses JSON, so opening somebody else's project file cannot
run code.
"""
from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import settings
from geo.bilingual import Bilingual
from geo.errors import ProjectFileError
from geo.files import TEMP_TAG, atomic_write, cleanup_stale_temps, temp_paths
from layers.io.projecttables import (check_sqlite_header, corrupt, decode_drawings, decode_frame, dumps,
                                     encode_drawings, encode_frame, geometry_type, not_project, read_styles,
                                     read_table)

__all__ = ["APP_VERSION", "DRAWINGS_TABLE", "FORMAT_NAME", "FORMAT_VERSION", "FRAMES_TABLE", "LAYERS_TABLE", "MAX_PROJECT_BYTES",
           "META_TABLE", "SUFFIX", "Project", "cleanup_stale_temps", "from_bytes", "load", "save", "temp_paths",
           "to_bytes"]

#: Value of the ``format`` key in ``project_meta``: marks a GeoPackage as a project file.
FORMAT_NAME = "zhangjiang-planning-project"
#: Version of the file layout this code writes; :func:`load` reads this and older versions.
FORMAT_VERSION = 1
#: Version of the app recorded in saved files (informational).
APP_VERSION = "1.0"
#: Largest project file :func:`load` / :func:`from_bytes` accept, in bytes (``settings.MAX_PROJECT_BYTES``).
MAX_PROJECT_BYTES = settings.MAX_PROJECT_BYTES
#: File extension of project files.
SUFFIX = ".gpkg"

META_TABLE = "project_meta"
LAYERS_TABLE = "project_layers"
FRAMES_TABLE = "project_frames"
DRAWINGS_TABLE = "drawings"
_TEMP_TAG = TEMP_TAG  # ending of the temporary folders: ".<target name>.<pid>.<random>.saving"
_GPKG = "GPKG"


@dataclass(eq=False)
class Project:
    """Everything the planner saves: see the module docstring for the file layout.

    ``layers`` maps the planner's layer name to a WGS84 GeoDataFrame (index not kept: it
    comes back as 0..n-1). ``drawings`` are GeoJSON features as the app stores them.
    ``coverage`` and ``view`` must be JSON-able. Timestamps are ISO 8601 strings (UTC).
    ``styles`` maps a layer's name to its style (``Style.to_dict()``); only those of ``layers``
    are saved. ``frames``: further frames the app keeps (key → GeoDataFrame, any CRS kept;
    e.g. a check by zones, ``layers.coverage.zonesaved``). ``notes`` (read only): what
    :func:`load` left out (styles not fitting their layer).
    """

    name: str = ""
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    drawings: list[dict] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    view: dict = field(default_factory=dict)
    styles: dict[str, dict] = field(default_factory=dict)
    frames: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    notes: list[Bilingual] = field(default_factory=list)
    created: str = field(default_factory=lambda: _now())
    saved: str = ""
    app_version: str = APP_VERSION
    format_version: int = FORMAT_VERSION


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------------- saving

def save(project: Project, path: str | Path) -> Path:
    """Write ``project`` to ``path`` (a ``.gpkg`` file) atomically and return the path.

    On success ``project.saved`` is set to the time written in the file. On any failure the
    temporary file is removed, a previous file at ``path`` is left untouched, and
    :class:`~geo.errors.ProjectFileError` is raised.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ProjectFileError(f"cannot save the project: folder {folder} does not exist",
                               f"无法保存项目:文件夹 {folder} 不存在")
    if path.is_dir():
        raise ProjectFileError(f"cannot save the project: {path.name} is a folder",
                               f"无法保存项目:{path.name} 是文件夹")
    saved = _now()
    try:
        atomic_write(path, lambda tmp: _write_project(project, tmp, saved), temp_name="project" + SUFFIX)
    except ProjectFileError:
        raise
    except Exception as exc:
        raise ProjectFileError(f"cannot save the project to {path.name}: {exc}; the previous file is unchanged",
                               f"无法保存项目到 {path.name}:{exc};原文件未改动") from exc
    project.saved = saved
    return path


def to_bytes(project: Project) -> bytes:
    """The project file as bytes (for a download button)."""
    with tempfile.TemporaryDirectory(prefix="zj-project-") as d:
        p = save(project, Path(d) / ("project" + SUFFIX))
        return p.read_bytes()


def _write_project(project: Project, tmp: Path, saved: str) -> None:
    if not isinstance(project, Project):
        raise ProjectFileError("not a Project", "不是项目对象")
    rows = _write_frames(project.layers, tmp, "layer", "layer_name")
    _write_table(_index(rows, "layer_name"), tmp, LAYERS_TABLE)
    frames = _write_frames(project.frames, tmp, "frame", "frame_key")
    if frames:
        _write_table(_index(frames, "frame_key"), tmp, FRAMES_TABLE)
    drawings = encode_drawings(project.drawings or [])
    _write_table(drawings, tmp, DRAWINGS_TABLE)
    meta = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "app_version": APP_VERSION,
            "name": str(project.name or ""), "created": str(project.created or saved), "saved": saved,
            "coverage": project.coverage or {}, "view": project.view or {},
            "layer_count": len(rows), "frame_count": len(frames), "drawing_count": len(drawings),
            "styles": {str(k): v for k, v in (project.styles or {}).items() if k in (project.layers or {})}}
    # written last: a file without it is never taken for a project
    _write_table(pd.DataFrame({"key": list(meta), "value": [dumps(v, what=k) for k, v in meta.items()]}),
                 tmp, META_TABLE)


def _write_frames(frames: dict | None, tmp: Path, prefix: str, key: str) -> list[dict]:
    """Write each frame as table ``<prefix>_000``...; their index rows."""
    rows = []
    for i, (name, gdf) in enumerate((frames or {}).items()):
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise ProjectFileError(f"layer '{name}' is not a GeoDataFrame", f"图层 '{name}' 不是 GeoDataFrame")
        table = f"{prefix}_{i:03d}"
        frame, columns = encode_frame(gdf, str(name))
        _write_table(frame, tmp, table)
        rows.append({"position": i, "table_name": table, key: str(name),
                     "geometry_column": gdf.geometry.name, "columns": dumps(columns), "rows": len(gdf)})
    return rows


def _index(rows: list[dict], key: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["position", "table_name", key, "geometry_column", "columns", "rows"]
                        ).astype({"position": "int64", "rows": "int64"})


def _write_table(frame: pd.DataFrame, path: Path, table: str) -> None:
    """Write one table into the (temporary) GeoPackage; the single place files are written."""
    kwargs = {}
    if isinstance(frame, gpd.GeoDataFrame):
        kwargs = {"geometry_type": geometry_type(frame.geometry.to_numpy()), "promote_to_multi": False}
    pyogrio.write_dataframe(frame, path, layer=table, driver=_GPKG, **kwargs)


# ---------------------------------------------------------------------------------- loading

def load(path: str | Path) -> Project:
    """Open a project file written by :func:`save`.

    Raises :class:`~geo.errors.ProjectFileError` when the file is missing, too large, not a
    project file (e.g. any other GeoPackage), written by a newer version, or damaged.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ProjectFileError(f"project file {path.name} cannot be opened: {exc.strerror or exc}",
                               f"项目文件 {path.name} 无法打开:{exc.strerror or exc}") from exc
    if not path.is_file():
        raise ProjectFileError(f"{path.name} is not a file", f"{path.name} 不是文件")
    if size > MAX_PROJECT_BYTES:
        raise _too_large(path.name)
    check_sqlite_header(path, size)
    try:
        tables = {str(n) for n in pyogrio.list_layers(path)[:, 0]}
    except Exception as exc:
        raise corrupt(path, exc) from exc
    if META_TABLE not in tables:
        raise not_project(path)
    try:
        meta = _read_meta(path)
    except ProjectFileError:
        raise
    except Exception as exc:
        raise corrupt(path, exc) from exc
    if meta.get("format") != FORMAT_NAME:
        raise not_project(path)
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise corrupt(path, "bad format_version")
    if version > FORMAT_VERSION:
        raise ProjectFileError(
            f"{path.name} was saved by a newer version of the app (project format {version}; this app reads "
            f"up to {FORMAT_VERSION}); please update the app",
            f"{path.name} 由更新版本的应用保存(项目格式 {version},本应用最高支持 {FORMAT_VERSION}),请更新应用")
    try:
        return _read_project(path, meta, tables)
    except ProjectFileError:
        raise
    except Exception as exc:
        raise corrupt(path, exc) from exc


def from_bytes(data: bytes, name: str = "project.gpkg") -> Project:
    """Open a project file given as bytes (an upload); ``name`` is used in messages only."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ProjectFileError("no project file data", "没有项目文件数据")
    if len(data) > MAX_PROJECT_BYTES:
        raise _too_large(name)
    safe = re.sub(r"[^\w.-]", "_", Path(str(name)).name)[-100:] or "project.gpkg"
    with tempfile.TemporaryDirectory(prefix="zj-project-") as d:
        p = Path(d) / safe
        p.write_bytes(bytes(data))
        return load(p)


def _too_large(name: str) -> ProjectFileError:
    return ProjectFileError(f"project file {name} is larger than {MAX_PROJECT_BYTES // 2**20} MB",
                            f"项目文件 {name} 超过 {MAX_PROJECT_BYTES // 2**20} MB")


def _read_meta(path: Path) -> dict:
    df = read_table(path, META_TABLE, read_geometry=False)
    if not {"key", "value"} <= set(df.columns):
        raise not_project(path)
    meta = {}
    for k, v in zip(df["key"], df["value"]):
        try:
            meta[str(k)] = json.loads(v)
        except (TypeError, ValueError) as exc:
            raise corrupt(path, f"meta '{k}'") from exc
    return meta


def _read_project(path: Path, meta: dict, tables: set[str]) -> Project:
    layers = _read_frames(path, tables, LAYERS_TABLE, "layer_name", int(meta.get("layer_count", 0)))
    frames = _read_frames(path, tables, FRAMES_TABLE, "frame_key", int(meta.get("frame_count", 0)))
    drawings = decode_drawings(path, DRAWINGS_TABLE) if DRAWINGS_TABLE in tables else []
    if len(drawings) != int(meta.get("drawing_count", 0)):
        raise corrupt(path, "drawings incomplete")
    coverage, view = meta.get("coverage") or {}, meta.get("view") or {}
    if not isinstance(coverage, dict) or not isinstance(view, dict):
        raise corrupt(path, "coverage/view")
    styles, notes = read_styles(meta.get("styles"), layers)
    return Project(name=str(meta.get("name") or ""), layers=layers, drawings=drawings, coverage=coverage,
                   view=view, styles=styles, frames=frames, notes=notes, created=str(meta.get("created") or ""), saved=str(meta.get("saved") or ""),
                   app_version=str(meta.get("app_version") or ""), format_version=int(meta["format_version"]))


def _read_frames(path: Path, tables: set[str], index_table: str, key: str, count: int
                 ) -> dict[str, gpd.GeoDataFrame]:
    """The frames listed in ``index_table`` (``count`` of them, as the meta says)."""
    out: dict[str, gpd.GeoDataFrame] = {}
    if not count:
        return out
    if index_table not in tables:
        raise corrupt(path, f"table {index_table} missing")
    index = read_table(path, index_table, read_geometry=False).sort_values("position")
    if len(index) != count:
        raise corrupt(path, f"{index_table} incomplete")
    for row in index.itertuples(index=False):
        if row.table_name not in tables:
            raise corrupt(path, f"table {row.table_name} missing")
        out[str(getattr(row, key))] = decode_frame(path, row)
    return out
