"""The coordinates of an export: :func:`resolve_crs` turns a planner's choice into a :class:`Target`.

Choices (:data:`CRS_CHOICES`): ``wgs84`` (default, EPSG:4326), ``cgcs2000`` (EPSG:4490),
``gk3`` (CGCS2000 3-degree Gauss-Krüger, zone of the features' median longitude:
EPSG:4550 for Pudong), any ``EPSG:xxxx`` pyproj knows, and ``gcj02`` only when asked:
coordinates shifted with :mod:`geo.chinacoords`, CRS written as WGS84 (GCJ-02 has no
EPSG code), the file name ends in ``_GCJ02`` and the metadata carry :data:`GCJ02_WARNING`.
A projected CRS whose area of use the data leave is refused.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from geo import settings
from geo.crs import as_crs, gk3_crs_for, to_wgs84
from geo.errors import CRSError, ExportWarning, GeometryError
from layers.text import t

__all__ = ["CGCS2000_NOTE", "CRS_CHOICES", "GCJ02_WARNING", "GEOJSON_CRS_NOTE", "CRSChoice", "Target",
           "centre_lon", "check_area_of_use", "resolve_crs"]

#: Written into every GCJ-02 export's metadata and notes.
GCJ02_WARNING = ("坐标为GCJ-02 (火星坐标), 非WGS84; 仅用于高德/腾讯底图 / Coordinates are GCJ-02 "
                 "(\"Mars coordinates\"), not WGS84; for Amap/Tencent basemaps only")
#: Written when the export is in CGCS2000 (geographic or Gauss-Krüger).
CGCS2000_NOTE = ("CGCS2000 与 WGS84 相差不到 1 米 (低于图层精度), 未做基准转换 / CGCS2000 and WGS84 differ "
                 "by less than 1 m here (below the layers' accuracy); no datum shift was applied")
#: Written into a GeoJSON export that is not in WGS84.
GEOJSON_CRS_NOTE = ("非 RFC 7946 GeoJSON: 坐标系见 \"crs\" 成员 / not RFC 7946 GeoJSON: the legacy \"crs\" "
                    "member names the coordinate system (GDAL, QGIS and ArcGIS read it; web maps may not)")


@dataclass(frozen=True)
class CRSChoice:
    """A coordinate choice offered to planners; ``crs`` None means "chosen from the data"."""

    key: str
    crs: str | None

    def label(self, lang: str) -> str:
        """The choice's name for planners in ``lang``."""
        return t(lang, f"io_exportcrs_{self.key}")


#: The coordinate choices offered to planners, by key.
CRS_CHOICES: dict[str, CRSChoice] = {
    "wgs84": CRSChoice("wgs84", settings.WGS84),
    "cgcs2000": CRSChoice("cgcs2000", settings.CGCS2000),
    "gk3": CRSChoice("gk3", None),
    "gcj02": CRSChoice("gcj02", settings.WGS84),
}


@dataclass(frozen=True)
class Target:
    """A resolved coordinate choice: the CRS written, and whether vertices are GCJ-02."""

    crs: str
    tag: str
    name: str
    gcj02: bool = False
    notes: tuple[str, ...] = ()

    @property
    def is_wgs84(self) -> bool:
        return self.crs == settings.WGS84


_ALIASES = {"wgs84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84", "cgcs2000": "cgcs2000",
            "epsg:4490": "cgcs2000", "4490": "cgcs2000", "gk3": "gk3", "gk": "gk3",
            "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02"}


def _bounds(frames: Iterable[gpd.GeoDataFrame]) -> tuple[float, float, float, float] | None:
    boxes = [to_wgs84(f).total_bounds for f in frames if f is not None and len(f)]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        return None
    b = np.array(boxes)
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())


def centre_lon(frames: Iterable[gpd.GeoDataFrame | None]) -> float:
    """Median WGS84 longitude of the features (a point inside each): the centre that picks a
    Gauss-Krüger zone, so a few distant features (a park in Jiading) do not pull it.

    Raises
    ------
    GeometryError
        If the frames hold no geometry.
    """
    parts = [shapely.get_x(to_wgs84(f).geometry.dropna().representative_point().to_numpy())
             for f in frames if f is not None and len(f)]
    xs = np.concatenate(parts) if parts else np.array([])
    xs = xs[np.isfinite(xs)]
    if not len(xs):
        raise GeometryError("nothing to export: the layers have no geometry", "没有可导出的几何")
    return float(np.median(xs))


def _epsg_target(crs: CRS, notes: tuple[str, ...] = ()) -> Target:
    code = crs.to_epsg()
    tag = f"EPSG{code}" if code else "CRS"
    return Target(f"EPSG:{code}" if code else crs.to_wkt(), tag, crs.name, notes=notes)


def check_area_of_use(crs: CRS, box: tuple[float, float, float, float] | None) -> None:
    """Refuse a projected CRS whose area of use the data leave by more than
    ``settings.EXPORT_AREA_PAD_DEG`` (a wrong Gauss-Krüger zone gives useless coordinates);
    only warn (:class:`ExportWarning`) for a geographic one."""
    area = crs.area_of_use
    if area is None or box is None:
        return
    pad = settings.EXPORT_AREA_PAD_DEG
    if (box[0] >= area.west - pad and box[2] <= area.east + pad
            and box[1] >= area.south - pad and box[3] <= area.north + pad):
        return
    en = (f"the data ({box[0]:.2f}–{box[2]:.2f}°E, {box[1]:.2f}–{box[3]:.2f}°N) lie outside the area of use "
          f"of {crs.name} ({area.west:g}–{area.east:g}°E, {area.south:g}–{area.north:g}°N)")
    if crs.is_projected:
        raise CRSError(en + "; choose gk3 for the right Gauss-Krüger zone",
                       f"数据超出 {crs.name} 的适用范围; 请选择 gk3 (自动选带)")
    warnings.warn(ExportWarning(en), stacklevel=3)


def resolve_crs(choice: str, frames: Mapping[str, gpd.GeoDataFrame] | None = None) -> Target:
    """Turn a coordinate choice into the CRS to write.

    Parameters
    ----------
    choice : str
        A key of :data:`CRS_CHOICES` (``wgs84``, ``cgcs2000``, ``gk3``, ``gcj02``) or an
        explicit CRS such as ``"EPSG:4550"``.
    frames : mapping, optional
        The data; ``gk3`` picks its zone from their :func:`centre_lon`; an explicit CRS is
        checked against its area of use (see :func:`check_area_of_use`).

    Raises
    ------
    CRSError
        Unknown CRS, not a 2D geographic or projected CRS, a projected CRS whose area of
        use the data leave, or data outside China's zones for ``gk3``.
    """
    key = _ALIASES.get(str(choice).strip().lower(), None)
    if key == "wgs84":
        return Target(settings.WGS84, "WGS84", "WGS 84")
    if key == "gcj02":
        return Target(settings.WGS84, "GCJ02", "GCJ-02 (labelled WGS 84)", gcj02=True, notes=(GCJ02_WARNING,))
    if key == "cgcs2000":
        return Target(settings.CGCS2000, "CGCS2000", "China Geodetic Coordinate System 2000",
                      notes=(CGCS2000_NOTE,))
    box = _bounds((frames or {}).values())
    if key == "gk3":
        return _epsg_target(as_crs(gk3_crs_for(centre_lon((frames or {}).values()))), (CGCS2000_NOTE,))
    crs = as_crs(str(choice).strip())
    if crs.is_geocentric or not (crs.is_geographic or crs.is_projected) or len(crs.axis_info) > 2:
        raise CRSError(f"{choice!r} is not a 2D geographic or projected CRS", f"{choice!r} 不是二维地理或投影坐标系")
    check_area_of_use(crs, box)
    notes = (CGCS2000_NOTE,) if "2000" in crs.name and "China" in crs.name else ()
    return _epsg_target(crs, notes)
