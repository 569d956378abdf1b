"""The planner's own (imported) layers: the import step of the app, and on the map.

An imported layer is a WGS84 GeoDataFrame kept in the planner's session only. It is drawn
like a catalogue layer (a FeatureGroup in the layer control, escaped tooltip and popup),
found by search, and measured geodesically. :func:`import_upload` turns one upload into
an :class:`Upload` outcome (imported, needs a CRS or layer choice, or refused with a
message); it never raises, so a hostile file cannot take the app down.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from geo.chinacoords import convert_frame
from geo.errors import ZJError
from geo.measure import areas_km2, geodesic_area_m2, geodesic_length_m
from layers.io import importer
from layers.catalogue.loading import load
from layers.catalogue.validate import is_missing
from layers.webmap.core import esc, format_value, layer_control_last

#: Colours given to imported layers in turn (Okabe–Ito, distinct from the catalogue's main hues).
PALETTE = ("#CC79A7", "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9")
#: Columns that name a feature, in order of preference.
#: ``MC``/``DKMC`` (名称/地块名称) are the pinyin initials Chinese GIS departments use.
NAME_COLUMNS = ("name_zh", "name", "名称", "地块名称", "项目名称", "NAME", "Name", "MC", "DKMC", "XMMC",
                "name_en", "title", "id")
#: Most features of one imported layer drawn on the interactive map (analysis, search and
#: export use every feature). Measured in bench/bench_import.py: 10,000 parcels send about
#: 8 MB to the browser and Leaflet's SVG renderer stays usable; 20,000 doubled both.
MAX_MAP_FEATURES = 10_000
#: Most attribute rows shown in a popup.
POPUP_ROWS = 12


def name_column(gdf: gpd.GeoDataFrame) -> str | None:
    """The column that names the features, if any."""
    for col in NAME_COLUMNS:
        if col in gdf.columns:
            return col
    for col in gdf.columns:
        if col != gdf.geometry.name and (pd.api.types.is_object_dtype(gdf[col])
                                         or pd.api.types.is_string_dtype(gdf[col])):
            return col
    return None


def _popup(layer: str, row: dict) -> str:
    cells = "".join(f'<tr><th style="white-space:nowrap;text-align:left;padding-right:8px;vertical-align:top">'
                    f"{esc(k)}</th><td>{esc(format_value(v))}</td></tr>"
                    for k, v in list(row.items())[:POPUP_ROWS] if not is_missing(v))
    return f'<div class="zj-popup"><b>{esc(layer)}</b><table>{cells}</table></div>'


def feature_collection(layer: str, gdf: gpd.GeoDataFrame, limit: int | None = None) -> dict:
    """Browser GeoJSON of an imported layer: escaped tooltip and popup per feature.

    At most ``limit`` features (default :data:`MAX_MAP_FEATURES`); coordinates rounded to
    1e-6° (about 0.1 m, display only).
    """
    limit = MAX_MAP_FEATURES if limit is None else limit
    col = name_column(gdf)
    gdf = gdf.iloc[:limit]
    props = gdf.drop(columns=gdf.geometry.name)
    cols = list(props.columns)
    feats = []
    geoms = shapely.set_precision(gdf.geometry.to_numpy(), 1e-6)
    for values, geom in zip(props.itertuples(index=False, name=None), geoms):
        if geom is None or geom.is_empty:
            continue
        rec = dict(zip(cols, values))
        label = rec.get(col) if col else None
        feats.append({"type": "Feature", "geometry": mapping(geom), "properties": {
            "tooltip": esc(f"{layer}: {format_value(label)}" if not is_missing(label) else layer),
            "popup": _popup(layer, rec)}})
    return {"type": "FeatureCollection", "features": feats}


class _FrameMemo:
    """Results computed from frames, kept while those very frames live (checked by identity
    through weak references, so a result can never be handed to another frame or session).

    The app reruns its whole script on every click; this keeps the display JSON, the
    measurements and the overlays of imported layers from being recomputed each time.
    """

    def __init__(self, size: int = 32) -> None:
        self._items: OrderedDict = OrderedDict()
        self._size = size
        self._lock = threading.Lock()  # Streamlit runs sessions in threads

    def get(self, frames: tuple, extra: tuple, compute):
        key = tuple(id(f) for f in frames) + extra
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and all(ref() is f for ref, f in zip(hit[0], frames)):
                self._items.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._items[key] = ([weakref.ref(f) for f in frames], value)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


_MEMO = _FrameMemo()


def _shown(layer: str, gdf: gpd.GeoDataFrame, coords: str) -> dict:
    """:func:`feature_collection` of ``gdf`` (shifted to ``coords``), remembered while ``gdf`` lives."""
    def compute():
        part = gdf.iloc[:MAX_MAP_FEATURES]
        return feature_collection(layer, convert_frame(part, "wgs84", coords) if coords != "wgs84" else part)
    return _MEMO.get((gdf,), ("shown", layer, coords), compute)


def add_user_layers(m: folium.Map, frames: dict[str, gpd.GeoDataFrame], coords: str = "wgs84") -> int:
    """Draw the planner's layers on ``m`` (shifted for a GCJ-02 basemap, display only).

    Each layer shows its first :data:`MAX_MAP_FEATURES` features (see :func:`shown_count`).
    """
    n = 0
    for i, (layer, gdf) in enumerate(frames.items()):
        if gdf is None or gdf.empty:
            continue
        color = PALETTE[i % len(PALETTE)]
        style = {"color": color, "weight": 2, "fillColor": color, "fillOpacity": 0.25, "fill": True}
        group = folium.FeatureGroup(name=esc(f"⬆ {layer}"), show=True)
        folium.GeoJson(_shown(layer, gdf, coords), style_function=lambda f, s=style: s,
                       marker=folium.CircleMarker(radius=5, fill=True, color=color, fill_color=color),
                       tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
                       popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=420),
                       control=False).add_to(group)
        group.add_to(m)
        n += 1
    if n:
        layer_control_last(m)
    return n


def bounds_of(frames) -> tuple[float, float, float, float] | None:
    """WGS84 (west, south, east, north) around every feature of ``frames``; None if empty."""
    boxes = [f.total_bounds for f in frames if f is not None and len(f)]
    boxes = [b for b in boxes if np.isfinite(b).all()]
    if not boxes:
        return None
    b = np.array(boxes)
    return (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


def shown_count(gdf: gpd.GeoDataFrame) -> int:
    """How many of the layer's features the map shows (analysis and export use all)."""
    return min(len(gdf), MAX_MAP_FEATURES)


def search_user(query: str, frames: dict[str, gpd.GeoDataFrame]) -> list[tuple[str, str, tuple]]:
    """(layer, feature name, WGS84 bounds) of imported features whose name contains ``query``."""
    q = query.strip().casefold()
    hits = []
    if not q:
        return hits
    for layer, gdf in frames.items():
        col = name_column(gdf)
        if col is None:
            continue
        names = gdf[col].astype(str)
        for idx in np.flatnonzero(names.str.casefold().str.contains(q, regex=False).to_numpy()):
            geom = gdf.geometry.iloc[idx]
            if geom is not None and not geom.is_empty:
                hits.append((layer, names.iloc[idx], tuple(geom.buffer(0.002).bounds)))
    return hits


def measure_layer(gdf: gpd.GeoDataFrame) -> dict:
    """Feature count, geodesic area (km²) and length (km) of an imported layer (remembered
    while ``gdf`` lives; do not modify the dict)."""
    def compute():
        length = sum(geodesic_length_m(g) for g in gdf.geometry
                     if g is not None and g.geom_type in ("LineString", "MultiLineString"))
        return {"features": int(len(gdf)), "area_km2": float(areas_km2(gdf).sum()), "length_km": length / 1e3}
    return _MEMO.get((gdf,), ("measure",), compute)


#: Coordinate choices offered on import: ``"auto"`` (declared, or detected and confirmed),
#: an EPSG code, or the offset datums converted to WGS84 on import.
CRS_CHOICES = {"auto": ("自动", "auto"),
               **{code: (zh, en) for code, (en, zh) in importer.CANDIDATE_CRS.items()},
               "gcj02": ("GCJ-02 经纬度 (高德/腾讯)", "GCJ-02 lon/lat (Amap/Tencent)"),
               "bd09": ("BD-09 经纬度 (百度)", "BD-09 lon/lat (Baidu)")}


def crs_choice_label(choice: str, lang: str) -> str:
    """``"EPSG:4550 · CGCS2000 …"`` in the planner's language."""
    zh, en = CRS_CHOICES[choice]
    text = zh if lang == "zh" else en
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


def drop_upload(path) -> None:
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


def unique_name(name: str, existing) -> str:
    """``name``, or ``name (2)``, ``name (3)``… when a layer of that name exists."""
    name = " ".join(str(name).split())[:80] or "layer"
    taken = set(existing)
    if name not in taken:
        return name
    k = 2
    while f"{name} ({k})" in taken:
        k += 1
    return f"{name} ({k})"


def import_upload(path, *, existing=(), choice: str = "auto", swap: bool = False, layer: str | None = None,
                  split_mixed: bool = False, max_bytes: int | None = None) -> Upload:
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


def overlay(frame: gpd.GeoDataFrame, other: gpd.GeoDataFrame) -> pd.DataFrame:
    """How much of each feature of ``frame`` lies in ``other`` (both WGS84), geodesically.

    Parameters
    ----------
    frame : GeoDataFrame
        The planner's layer.
    other : GeoDataFrame
        What it is checked against: a catalogue layer (the 2021 boundary), the gaps of a
        coverage check, another imported layer. Its polygons are merged first.

    Returns
    -------
    DataFrame
        One row per feature: ``name``, ``touches`` (bool), ``area_km2``, ``inside_km2``,
        ``share`` (0–1; points and lines: 1.0 when they touch, else 0.0).
    """
    geoms = frame.geometry.to_numpy()
    polys = [g for g in other.geometry if g is not None and not g.is_empty]
    whole = shapely.union_all(shapely.make_valid(np.array(polys, dtype=object))) if polys else None
    col = name_column(frame)
    names = frame[col].astype(str).to_numpy() if col else np.array([str(i + 1) for i in range(len(frame))])
    rows = []
    for name, g in zip(names, geoms):
        if g is None or g.is_empty:
            continue
        touches = whole is not None and bool(g.intersects(whole))
        area = geodesic_area_m2(g) / 1e6
        if area > 0:
            inside = geodesic_area_m2(g.intersection(whole)) / 1e6 if touches else 0.0
            share = inside / area
        else:
            inside, share = 0.0, float(touches)
        rows.append({"name": name, "touches": touches, "area_km2": area, "inside_km2": inside, "share": share})
    return pd.DataFrame(rows, columns=["name", "touches", "area_km2", "inside_km2", "share"])


def overlay_summary(table: pd.DataFrame) -> dict:
    """Totals of :func:`overlay`: ``features``, ``touching``, ``area_km2``, ``inside_km2``, ``share``."""
    area = float(table["area_km2"].sum())
    inside = float(table["inside_km2"].sum())
    return {"features": int(len(table)), "touching": int(table["touches"].sum()), "area_km2": area,
            "inside_km2": inside, "share": inside / area if area > 0 else
            (float(table["touches"].mean()) if len(table) else 0.0)}


def overlay_with(frame: gpd.GeoDataFrame, other: gpd.GeoDataFrame | None = None, *,
                 layer_id: str | None = None) -> tuple[pd.DataFrame, dict]:
    """:func:`overlay` and :func:`overlay_summary` of ``frame`` against ``other`` or the
    catalogue layer ``layer_id``, remembered while the frames live (do not modify them)."""
    if layer_id is not None:
        def compute():
            table = overlay(frame, load(layer_id))
            return table, overlay_summary(table)
        return _MEMO.get((frame,), ("overlay", layer_id), compute)

    def compute_other():
        table = overlay(frame, other)
        return table, overlay_summary(table)
    return _MEMO.get((frame, other), ("overlay",), compute_other)
