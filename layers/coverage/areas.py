"""Analysis areas of the coverage checks: a catalogue boundary, the OSM extract's extent,
a drawn polygon or a planner's polygon file, each as one WGS84 (multi)polygon."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from geo import coverage, settings
from geo.crs import to_wgs84
from geo.errors import CoverageError, GeometryError, LayerFileError

__all__ = ["AREAS", "area_bounds", "area_geometry", "extract_share", "read_frame"]

#: Analysis areas from the catalogue (layer ids), plus "extract": the OSM extract's extent.
AREAS = ("science_city_2021", "science_city_2017", "science_city_expansion", "extract")


def area_geometry(area: str | BaseGeometry | Path, osm_path: str | Path | None = None
                  ) -> tuple[str, BaseGeometry]:
    """The analysis area's name and WGS84 (multi)polygon.

    ``area`` is a catalogue boundary id (:data:`AREAS`), ``"extract"`` (needs
    ``osm_path``), a shapely polygon (a drawn one), or a GeoJSON/GeoPackage file path.
    """
    if isinstance(area, BaseGeometry):
        geom = area
        name = "drawn"
    elif str(area) == "extract":
        if osm_path is None:
            raise CoverageError("the 'extract' area needs an OSM file", "“数据范围”需要 OSM 文件")
        from geo.osm import extract_bounds
        return "extract", box(*extract_bounds(osm_path))
    elif str(area) in AREAS:
        from layers.catalogue.loading import load
        geom = load(str(area)).geometry.union_all()
        name = str(area)
    else:
        path = Path(str(area).rsplit("::", 1)[0] if not Path(area).exists() else area)  # FILE::LAYER
        if not path.exists():
            raise CoverageError(
                f"unknown area {area!r}: give one of {', '.join(AREAS)} or a polygon file",
                f"未知分析范围 {area!r}: 可选 {', '.join(AREAS)} 或面文件路径")
        gdf = read_frame(area)
        geom = gdf.geometry.union_all()
        name = path.stem
    geom = shapely.make_valid(geom)
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        raise GeometryError("the analysis area has no polygon", "分析范围不含面")
    return name, shapely.union_all(polys)


def read_frame(path: str | Path) -> gpd.GeoDataFrame:
    """A planner's GeoJSON or GeoPackage as WGS84 (a declared CRS is required).

    ``FILE::LAYER`` picks one layer of a GeoPackage; a GeoPackage of several layers without
    it is refused with their names (never the first one silently).
    """
    text = str(path)
    layer = None
    if "::" in text and not Path(text).exists():
        text, layer = text.rsplit("::", 1)
    path = Path(text)
    if not path.is_file():
        raise LayerFileError(f"file not found: {path}", f"找不到文件: {path}")
    if path.stat().st_size > settings.MAX_LAYER_FILE_BYTES:
        raise LayerFileError(f"{path.name} is larger than {settings.MAX_LAYER_FILE_BYTES // 2**20} MB",
                             f"{path.name} 超过 {settings.MAX_LAYER_FILE_BYTES // 2**20} MB")
    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception as exc:  # pyogrio raises several kinds
        raise LayerFileError(f"cannot read {path.name}: {exc}", f"无法读取 {path.name}") from exc
    if layer is None and len(names) > 1:
        raise LayerFileError(f"{path.name} holds {len(names)} layers ({', '.join(names)}): "
                             f"give one as {path.name}::LAYER",
                             f"{path.name} 含 {len(names)} 个图层 ({', '.join(names)}): 请用 {path.name}::图层名 指定")
    if layer is not None and layer not in names:
        raise LayerFileError(f"{path.name} has no layer {layer!r} (it has {', '.join(names)})",
                             f"{path.name} 没有图层 {layer!r} (有 {', '.join(names)})")
    try:
        gdf = gpd.read_file(path, layer=layer or (names[0] if names else None))
    except Exception as exc:  # pyogrio raises several kinds
        raise LayerFileError(f"cannot read {path.name}: {exc}", f"无法读取 {path.name}") from exc
    if gdf.empty:
        raise LayerFileError(f"{path.name} has no features", f"{path.name} 没有要素")
    return to_wgs84(gdf)


def extract_share(osm_path: str | Path, area: BaseGeometry) -> float:
    """Share of ``area`` (WGS84) inside the OSM extract's extent (its header box)."""
    from geo.osm import extract_bounds
    ext = box(*extract_bounds(osm_path))
    return float(area.intersection(ext).area / area.area) if area.area > 0 else 0.0


def area_bounds(study: coverage.Study) -> tuple[float, float, float, float]:
    """WGS84 (lon_min, lat_min, lon_max, lat_max) of a study's area, to fly the map to."""
    geom = gpd.GeoSeries([study.area], crs=study.crs).to_crs(settings.WGS84).iloc[0]
    x0, y0, x1, y1 = (float(v) for v in geom.bounds)
    return x0, y0, x1, y1
