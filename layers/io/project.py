"""The planner's project file: imported layers, drawings and coverage settings in one GeoPackage.

A project is saved with :func:`save` and reopened with :func:`load` (or :func:`to_bytes` /
:func:`from_bytes` for a browser download and upload).

Layout of the GeoPackage (every table is an ordinary GPKG table, so QGIS opens the file too):

``project_meta``  (attributes only)
    ``key``/``value`` rows; every value is JSON text. Keys: ``format`` (:data:`FORMAT_NAME`,
    how :func:`load` knows the file is a project), ``format_version``, ``app_version``,
    ``name``, ``created``, ``saved``, ``coverage``, ``view``, ``layer_count``, ``drawing_count``.
``project_layers``  (attributes only)
    One row per imported layer, in order: ``position``, ``table_name`` (``layer_000``...),
    ``layer_name`` (the planner's name, any language), ``geometry_column``, ``columns``
    (JSON list of ``[original name, stored name, pandas dtype]``) and ``rows``.
``layer_000``, ``layer_001``, ...
    The imported layers. Columns are stored as ``c0``, ``c1``... (SQLite column names are
    case-insensitive and some names clash with GPKG's own), their real names and dtypes
    are in ``project_layers.columns``.
``drawings``  (EPSG:4326)
    The planner's drawings, in order: ``position``, ``properties`` (JSON text), ``extra``
    (JSON text: other top-level keys of the GeoJSON feature) and the geometry.

Saving is atomic: everything is written to a new file in a hidden temporary folder beside
the target (same file system), flushed to disk, then moved over the target with
``os.replace``. A crash or kill at any moment leaves either the old file or the new one,
never a mix; the old file is never opened for writing. Reading goes through pyogrio (GDAL)
only and parses JSON, so opening somebody else's project file cannot run code.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import struct
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping, shape

from geo.errors import ProjectFileError
from layers.io.importer import MAX_IMPORT_BYTES

#: Value of the ``format`` key in ``project_meta``: marks a GeoPackage as a project file.
FORMAT_NAME = "zhangjiang-planning-project"
#: Version of the file layout this code writes; :func:`load` reads this and older versions.
FORMAT_VERSION = 1
#: Version of the app recorded in saved files (informational).
APP_VERSION = "1.0"
#: Largest project file :func:`load` / :func:`from_bytes` accept, in bytes: the layer import
#: limit, since a project holds imported layers.
MAX_PROJECT_BYTES = MAX_IMPORT_BYTES
#: File extension of project files.
SUFFIX = ".gpkg"

META_TABLE = "project_meta"
LAYERS_TABLE = "project_layers"
DRAWINGS_TABLE = "drawings"
_TEMP_TAG = ".saving"  # name of the temporary folder: ".<target name>.<pid>.<random>.saving"
_GPKG = "GPKG"


@dataclass(eq=False)
class Project:
    """Everything the planner saves: see the module docstring for the file layout.

    ``layers`` maps the planner's layer name to a WGS84 GeoDataFrame (index not kept: it
    comes back as 0..n-1). ``drawings`` are GeoJSON features as the app stores them.
    ``coverage`` and ``view`` must be JSON-able. Timestamps are ISO 8601 strings (UTC).
    """

    name: str = ""
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    drawings: list[dict] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)
    view: dict = field(default_factory=dict)
    created: str = field(default_factory=lambda: _now())
    saved: str = ""
    app_version: str = APP_VERSION
    format_version: int = FORMAT_VERSION


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------------- saving

def save(project: Project, path) -> Path:
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
    cleanup_stale_temps(path)
    saved = _now()
    tmpdir = None
    try:
        tmpdir = Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}.", suffix=_TEMP_TAG, dir=folder))
        tmp = tmpdir / ("project" + SUFFIX)
        _write_project(project, tmp, saved)
        _keep_mode(path, tmp)
        _fsync_file(tmp)
        os.replace(tmp, path)
        _fsync_dir(folder)
    except ProjectFileError:
        raise
    except Exception as exc:
        raise ProjectFileError(f"cannot save the project to {path.name}: {exc}; the previous file is unchanged",
                               f"无法保存项目到 {path.name}:{exc};原文件未改动") from exc
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
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
    rows = []
    for i, (name, gdf) in enumerate((project.layers or {}).items()):
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise ProjectFileError(f"layer '{name}' is not a GeoDataFrame", f"图层 '{name}' 不是 GeoDataFrame")
        table = f"layer_{i:03d}"
        frame, columns = _encode_frame(gdf, str(name))
        _write_table(frame, tmp, table)
        rows.append({"position": i, "table_name": table, "layer_name": str(name),
                     "geometry_column": gdf.geometry.name, "columns": _dumps(columns), "rows": len(gdf)})
    drawings = _encode_drawings(project.drawings or [])
    _write_table(drawings, tmp, DRAWINGS_TABLE)
    layers = pd.DataFrame(rows, columns=["position", "table_name", "layer_name", "geometry_column", "columns",
                                         "rows"]).astype({"position": "int64", "rows": "int64"})
    _write_table(layers, tmp, LAYERS_TABLE)
    meta = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "app_version": APP_VERSION,
            "name": str(project.name or ""), "created": str(project.created or saved), "saved": saved,
            "coverage": project.coverage or {}, "view": project.view or {},
            "layer_count": len(rows), "drawing_count": len(drawings)}
    # written last: a file without it is never taken for a project
    _write_table(pd.DataFrame({"key": list(meta), "value": [_dumps(v, what=k) for k, v in meta.items()]}),
                 tmp, META_TABLE)


def _write_table(frame: pd.DataFrame, path: Path, table: str) -> None:
    """Write one table into the (temporary) GeoPackage; the single place files are written."""
    kwargs = {}
    if isinstance(frame, gpd.GeoDataFrame):
        kwargs = {"geometry_type": _geometry_type(frame.geometry.to_numpy()), "promote_to_multi": False}
    pyogrio.write_dataframe(frame, path, layer=table, driver=_GPKG, **kwargs)


def _geometry_type(geoms: np.ndarray) -> str:
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))] if len(geoms) else geoms
    types = set(shapely.get_type_id(present).tolist())
    if len(types) != 1:
        return "Unknown"
    name = _GPKG_TYPES.get(types.pop())
    if name is None:
        return "Unknown"
    return name + (" Z" if shapely.has_z(present).any() else "")


_GPKG_TYPES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString",
               6: "MultiPolygon", 7: "GeometryCollection"}


def _encode_frame(gdf: gpd.GeoDataFrame, name: str) -> tuple[gpd.GeoDataFrame, list]:
    gcol = gdf.geometry.name
    out, columns = {}, []
    for j, col in enumerate(c for c in gdf.columns if c != gcol):
        stored = f"c{j}"
        s = gdf[col]
        dtype = str(s.dtype)
        if isinstance(s.dtype, gpd.array.GeometryDtype):  # a second geometry column: kept as WKB hex
            s = pd.Series(shapely.to_wkb(s.to_numpy(), hex=True), index=s.index, dtype=object)
        elif isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object).where(s.notna(), None)
        elif s.dtype == object:
            s = s.map(_plain)
        out[stored] = s.to_numpy() if s.dtype == object else s.array
        columns.append([_json_key(col), stored, dtype])
    frame = gpd.GeoDataFrame(out, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    frame.index = pd.RangeIndex(len(frame))
    return frame, columns


def _json_key(col):
    return col if isinstance(col, (str, int, float, bool)) or col is None else str(col)


def _plain(v):
    """An object-column value GDAL can store: text, number, bool, None (others become text)."""
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, (dict, list, tuple)):
        return _dumps(v)
    return str(v)


def _encode_drawings(drawings: list) -> gpd.GeoDataFrame:
    pos, props, extra, geoms = [], [], [], []
    for i, feat in enumerate(drawings):
        if not isinstance(feat, dict):
            raise ProjectFileError(f"drawing {i + 1} is not a GeoJSON feature", f"第 {i + 1} 个绘图不是 GeoJSON 要素")
        geom = feat.get("geometry")
        try:
            geoms.append(None if geom is None else shape(geom))
        except Exception as exc:
            raise ProjectFileError(f"drawing {i + 1} has an unreadable geometry ({exc})",
                                   f"第 {i + 1} 个绘图的几何无法读取({exc})") from exc
        pos.append(i)
        props.append(_dumps(feat.get("properties"), what=f"drawing {i + 1}"))
        extra.append(_dumps({k: v for k, v in feat.items() if k not in ("type", "geometry", "properties")},
                            what=f"drawing {i + 1}"))
    return gpd.GeoDataFrame({"position": np.asarray(pos, dtype="int64"), "properties": np.asarray(props, dtype=object),
                             "extra": np.asarray(extra, dtype=object)},
                            geometry=np.asarray(geoms, dtype=object) if geoms else gpd.GeoSeries([]).to_numpy(),
                            crs="EPSG:4326")


def _dumps(value, what: str = "value") -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise ProjectFileError(f"{what} cannot be saved: {exc}", f"{what} 无法保存:{exc}") from exc


def _json_default(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (datetime, pd.Timestamp)):
        return v.isoformat()
    if isinstance(v, (set, frozenset, tuple)):
        return list(v)
    raise TypeError(f"{type(v).__name__} is not JSON-able")


def _keep_mode(target: Path, tmp: Path) -> None:
    """Give the new file the permissions of the file it replaces."""
    try:
        os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
    except OSError:
        pass


def _fsync_file(p: Path) -> None:
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; NTFS journals the rename itself
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on folders
    finally:
        os.close(fd)


def temp_paths(path) -> list[Path]:
    """Temporary folders that saves of ``path`` are using or left behind (after a crash)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    prefix = f".{path.name}."
    try:
        return sorted(p for p in folder.iterdir() if p.name.startswith(prefix) and p.name.endswith(_TEMP_TAG))
    except OSError:
        return []


def cleanup_stale_temps(path, max_age_s: float = 24 * 3600) -> list[Path]:
    """Remove temporary folders left by saves of ``path`` that crashed: those whose process
    is gone (same machine) or older than ``max_age_s``. Returns what was removed."""
    removed = []
    for p in temp_paths(path):
        m = re.match(r"\.(?:.*)\.(\d+)\.[^.]*" + re.escape(_TEMP_TAG) + "$", p.name)
        pid = int(m.group(1)) if m else None
        try:
            old = time.time() - p.stat().st_mtime > max_age_s
        except OSError:
            continue
        if old or (pid is not None and pid != os.getpid() and not _alive(pid)):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


# ---------------------------------------------------------------------------------- loading

def load(path) -> Project:
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
    _check_sqlite_header(path, size)
    try:
        tables = {str(n) for n in pyogrio.list_layers(path)[:, 0]}
    except Exception as exc:
        raise _corrupt(path, exc) from exc
    if META_TABLE not in tables:
        raise _not_project(path)
    try:
        meta = _read_meta(path)
    except ProjectFileError:
        raise
    except Exception as exc:
        raise _corrupt(path, exc) from exc
    if meta.get("format") != FORMAT_NAME:
        raise _not_project(path)
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _corrupt(path, "bad format_version")
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
        raise _corrupt(path, exc) from exc


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


def _not_project(path: Path) -> ProjectFileError:
    return ProjectFileError(f"{path.name} is not a project file of this app (use Import for other GeoPackages)",
                            f"{path.name} 不是本应用的项目文件(其他 GeoPackage 请用“导入图层”)")


def _corrupt(path: Path, why) -> ProjectFileError:
    why = str(why).strip().splitlines()[0][:160] if str(why).strip() else type(why).__name__
    return ProjectFileError(f"project file {path.name} is damaged or incomplete ({why})",
                            f"项目文件 {path.name} 已损坏或不完整({why})")


def _check_sqlite_header(path: Path, size: int) -> None:
    """Reject non-SQLite files and truncated ones (file shorter than the size its header records)."""
    with open(path, "rb") as f:
        head = f.read(100)
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        raise _not_project(path)
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages, change, valid_for = struct.unpack(">I", head[28:32])[0], head[24:28], head[92:96]
    if page_size < 512 or page_size & (page_size - 1):
        raise _corrupt(path, "bad page size")
    if size % page_size:
        raise _corrupt(path, "truncated")
    if pages and change == valid_for and size < pages * page_size:
        raise _corrupt(path, "truncated")


def _read_table(path: Path, table: str, **kw):
    return pyogrio.read_dataframe(path, layer=table, **kw)


def _read_meta(path: Path) -> dict:
    df = _read_table(path, META_TABLE, read_geometry=False)
    if not {"key", "value"} <= set(df.columns):
        raise _not_project(path)
    meta = {}
    for k, v in zip(df["key"], df["value"]):
        try:
            meta[str(k)] = json.loads(v)
        except (TypeError, ValueError) as exc:
            raise _corrupt(path, f"meta '{k}'") from exc
    return meta


def _read_project(path: Path, meta: dict, tables: set[str]) -> Project:
    layers: dict[str, gpd.GeoDataFrame] = {}
    if int(meta.get("layer_count", 0)):
        index = _read_table(path, LAYERS_TABLE, read_geometry=False).sort_values("position")
        if len(index) != int(meta["layer_count"]):
            raise _corrupt(path, "layer list incomplete")
        for row in index.itertuples(index=False):
            if row.table_name not in tables:
                raise _corrupt(path, f"table {row.table_name} missing")
            layers[str(row.layer_name)] = _decode_frame(path, row)
    drawings = _decode_drawings(path) if DRAWINGS_TABLE in tables else []
    if len(drawings) != int(meta.get("drawing_count", 0)):
        raise _corrupt(path, "drawings incomplete")
    coverage, view = meta.get("coverage") or {}, meta.get("view") or {}
    if not isinstance(coverage, dict) or not isinstance(view, dict):
        raise _corrupt(path, "coverage/view")
    return Project(name=str(meta.get("name") or ""), layers=layers, drawings=drawings, coverage=coverage,
                   view=view, created=str(meta.get("created") or ""), saved=str(meta.get("saved") or ""),
                   app_version=str(meta.get("app_version") or ""), format_version=int(meta["format_version"]))


def _decode_frame(path: Path, row) -> gpd.GeoDataFrame:
    raw = _read_table(path, row.table_name)
    if len(raw) != int(row.rows):
        raise _corrupt(path, f"{row.table_name}: {len(raw)} of {int(row.rows)} rows")
    columns = json.loads(row.columns)
    data = {}
    for original, stored, dtype in columns:
        if stored not in raw.columns:
            raise _corrupt(path, f"{row.table_name}: column {stored} missing")
        s = raw[stored]
        if dtype == "geometry":
            s = gpd.GeoSeries(shapely.from_wkb(s.where(s.notna(), None).to_numpy()), crs=raw.crs)
        elif dtype == "object":
            s = s.astype(object).where(s.notna(), None)
        elif dtype != str(s.dtype):
            try:
                s = s.astype(dtype)
            except (TypeError, ValueError):
                pass
        data[original] = s.to_numpy() if dtype == "object" else s.array
    gcol = str(row.geometry_column or "geometry")
    geoms = raw.geometry.to_numpy() if isinstance(raw, gpd.GeoDataFrame) else np.full(len(raw), None)
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(raw)), columns=[c[0] for c in columns] or None)
    frame[gcol] = gpd.GeoSeries(geoms, index=frame.index, crs=getattr(raw, "crs", None))
    return gpd.GeoDataFrame(frame, geometry=gcol, crs=getattr(raw, "crs", None))


def _decode_drawings(path: Path) -> list[dict]:
    raw = _read_table(path, DRAWINGS_TABLE)
    if len(raw) == 0:
        return []
    raw = raw.sort_values("position")
    out = []
    for props, extra, geom in zip(raw["properties"], raw["extra"], raw.geometry):
        feat = {"type": "Feature",
                "geometry": None if geom is None else json.loads(json.dumps(mapping(geom))),
                "properties": json.loads(props) if isinstance(props, str) else None}
        if isinstance(extra, str):
            more = json.loads(extra)
            if isinstance(more, dict):
                feat.update({k: v for k, v in more.items() if k not in feat})
        out.append(feat)
    return out
