"""The CRS guess for files that declare none, and the choice of the CRS an import uses.

When a file declares no CRS, :func:`detect_crs` lists the CRSs under which the data land
in Shanghai (:data:`CANDIDATE_CRS`: WGS84/CGCS2000 lon/lat, CGCS2000 3° Gauss-Krüger
zones 40/41 with and without zone prefix, UTM 51N), ranked, plus "swap axes" for
lon/lat numbers given latitude first. :func:`choose_crs` takes a given CRS, else the
declared one, else the best guess: lon/lat in Shanghai is read as WGS84 with a warning,
projected data need the planner's confirmation. Coordinates that land nowhere near
Shanghai raise :func:`raise_outside`, whose message names the CRS that would fit.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

from geo import settings
from geo.crs import as_crs, to_wgs84
from geo.errors import CRSError, ImportGeometryError
from layers.io.importbase import Raw
from layers.text import text

__all__ = ["CANDIDATE_CRS", "DATUMS", "GEOGRAPHIC", "Candidate", "check_datum", "choose_crs", "crs_code",
           "detect_crs", "looks_lonlat", "raise_outside", "transform_to_wgs84"]

#: CRSs tried when a file declares none, in order of prior likelihood for Shanghai
#: planning data (ties in fit are broken by this order): code → (English, Chinese name).
CANDIDATE_CRS: dict[str, tuple[str, str]] = {
    code: (text(f"io_crs_{code.replace(':', '').lower()}").en, text(f"io_crs_{code.replace(':', '').lower()}").zh)
    for code in ("EPSG:4326", "EPSG:4490", "EPSG:4550", "EPSG:4549", "EPSG:4529", "EPSG:4528", "EPSG:32651")}
#: The lon/lat candidates (their numbers are degrees).
GEOGRAPHIC = ("EPSG:4326", "EPSG:4490")
#: Offset datums of lon/lat data a planner may name (Amap/Tencent GCJ-02, Baidu BD-09).
DATUMS = ("wgs84", "gcj02", "bd09")


@dataclass(frozen=True)
class Candidate:
    """A CRS under which undeclared coordinates land in Shanghai.

    Attributes
    ----------
    crs : str
        ``"EPSG:xxxx"``.
    name_en, name_zh : str
        Planner-readable name.
    share_inside : float
        Share of sampled vertices inside ``settings.SHANGHAI_BBOX`` (0-1) after transforming.
    swap : bool
        True for the "swap axes" fix: the file has (lat, lon) instead of (lon, lat).
    """

    crs: str
    name_en: str
    name_zh: str
    share_inside: float
    swap: bool = False

    @property
    def label(self) -> str:
        """``"EPSG:4550 CGCS2000 … / …"`` for lists shown to planners."""
        swap = text("io_swap_axes")
        extra = f" + {swap.en} / {swap.zh}" if self.swap else ""
        return f"{self.crs}{extra}: {self.name_zh} / {self.name_en} ({self.share_inside:.0%} in Shanghai)"


def detect_crs(gdf: gpd.GeoDataFrame) -> list[Candidate]:
    """CRSs under which ``gdf``'s coordinates (its CRS ignored) land in Shanghai, best first.

    Tries :data:`CANDIDATE_CRS` and, for lon/lat-like numbers, the swapped axes.
    Ranked by the share of vertices inside ``settings.SHANGHAI_BBOX``, then by
    :data:`CANDIDATE_CRS` order. GK CM 123°E (EPSG:4550) and UTM 51N (EPSG:32651)
    share a central meridian and false easting; near Shanghai they differ by ~1.4 km
    only, so both are listed and the planner must choose.
    """
    xy = _sample_xy(gdf)
    if len(xy) == 0:
        return []
    found = [_candidate(code, xy, swap=False) for code in CANDIDATE_CRS]
    found += [_candidate(code, xy[:, ::-1], swap=True) for code in GEOGRAPHIC]
    order = list(CANDIDATE_CRS)
    kept = [c for c in found if c is not None and c.share_inside > 0]
    return sorted(kept, key=lambda c: (-round(c.share_inside, 3), c.swap, order.index(c.crs)))


def choose_crs(frame: gpd.GeoDataFrame, raw: Raw, given: CRS | None) -> tuple[str, list[Candidate], bool, list[str]]:
    """The CRS to read ``frame`` in.

    Returns
    -------
    (str, list of Candidate, bool, list of str)
        The CRS code used, the candidates, whether it needs confirmation, warnings.
    """
    if given is not None:
        notes = []
        if raw.declared is not None and not given.equals(raw.declared, ignore_axis_order=True):
            notes.append(f"文件声明的坐标系 {crs_code(raw.declared)} 已被 {crs_code(given)} 替代 / the declared CRS "
                         f"{crs_code(raw.declared)} was overridden by {crs_code(given)}")
        return crs_code(given), [], False, notes
    if raw.declared is not None:
        return crs_code(raw.declared), [], False, []
    lonlat = looks_lonlat(frame)
    if raw.lonlat_default and lonlat:
        return settings.WGS84, [], False, []
    candidates = detect_crs(frame)
    usable = [c for c in candidates if not c.swap]
    if not usable:
        raise_outside(frame, None, candidates)
    best = usable[0]
    if best.crs in GEOGRAPHIC:
        return best.crs, candidates, False, [
            "未声明坐标系, 数据为上海范围内的经纬度, 按 WGS84 读取; 若来自高德/腾讯或百度地图, 请选择 GCJ-02 或 BD-09 / "
            "no CRS declared; lon/lat in Shanghai read as WGS84; choose GCJ-02 or BD-09 if it comes from "
            "Amap/Tencent or Baidu"]
    return best.crs, candidates, True, [
        f"未声明坐标系, 推测为 {best.crs} ({best.name_zh}), 请确认 / no CRS declared; best guess {best.crs} "
        f"({best.name_en}): please confirm"]


def transform_to_wgs84(frame: gpd.GeoDataFrame, code: str) -> gpd.GeoDataFrame:
    """``frame``'s coordinates read in ``code`` and transformed to WGS84.

    Raises
    ------
    CRSError
        The transformation fails.
    ImportGeometryError
        ``outside``: the result is not finite (the CRS cannot be right).
    """
    try:
        out = to_wgs84(frame.set_crs(as_crs(code), allow_override=True))
    except CRSError:
        raise
    except Exception as exc:
        raise CRSError(f"the coordinates cannot be transformed from {code} to WGS84 ({str(exc)[:80]})",
                       f"坐标无法从 {code} 转换为 WGS84") from None
    if not np.isfinite(shapely.get_coordinates(out.geometry.to_numpy())).all():
        raise_outside(frame, code, detect_crs(frame))
    return out


def raise_outside(frame: gpd.GeoDataFrame, code: str | None, candidates: list[Candidate]) -> None:
    """Raise ``ImportGeometryError("outside")`` naming where the data are and which CRS fits.

    The error's ``candidates`` attribute lists the CRSs that would fit.
    """
    x0, y0, x1, y1 = frame.total_bounds
    where = f"x {x0:.6g}…{x1:.6g}, y {y0:.6g}…{y1:.6g}"
    fits = [c for c in candidates if c.crs != code or c.swap]
    if any(c.swap for c in fits[:1]):
        hint_en, hint_zh = "longitude and latitude look swapped: import with swap axes (--swap)", \
            "经纬度似乎颠倒: 请选择交换经纬度 (--swap) 重新导入"
    elif fits:
        hint_en = f"the numbers fit {fits[0].crs} ({fits[0].name_en}): import with --crs {fits[0].crs}"
        hint_zh = f"数据符合 {fits[0].crs} ({fits[0].name_zh}): 请用 --crs {fits[0].crs} 重新导入"
    else:
        hint_en, hint_zh = "wrong CRS or swapped axes? check the source's CRS", "坐标系是否有误或经纬度颠倒? 请核对数据来源的坐标系"
    used = f" read as {code}" if code else ""
    err = ImportGeometryError("outside", f"the coordinates ({where}){used} lie far outside the Shanghai region; "
                              f"{hint_en}", f"坐标 ({where}) 远在上海范围之外; {hint_zh}")
    setattr(err, "candidates", fits)  # read by the app and the command line (geo.errors declares no slot)
    raise err


def looks_lonlat(frame: gpd.GeoDataFrame) -> bool:
    """True when every coordinate is within ±180 (x) and ±90 (y)."""
    x0, y0, x1, y1 = frame.total_bounds
    return bool(-180 <= x0 and x1 <= 180 and -90 <= y0 and y1 <= 90)


def _sample_xy(gdf: gpd.GeoDataFrame, n: int = settings.CRS_GUESS_SAMPLE) -> np.ndarray:
    xy = shapely.get_coordinates(gdf.geometry.to_numpy())
    xy = xy[np.isfinite(xy).all(axis=1)]
    if len(xy) > n:
        xy = xy[np.linspace(0, len(xy) - 1, n).astype(int)]
    return xy


def _candidate(code: str, xy: np.ndarray, swap: bool) -> Candidate | None:
    if code in GEOGRAPHIC and not ((np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all()):
        return None
    if code in GEOGRAPHIC:
        lon, lat = xy[:, 0], xy[:, 1]
    else:
        with np.errstate(all="ignore"):
            lon, lat = _transformer(code).transform(xy[:, 0], xy[:, 1])
    bx0, by0, bx1, by1 = settings.SHANGHAI_BBOX
    share = float(np.mean((lon >= bx0) & (lon <= bx1) & (lat >= by0) & (lat <= by1)))
    en, zh = CANDIDATE_CRS[code]
    return Candidate(code, en, zh, share, swap)


@functools.lru_cache(maxsize=None)
def _transformer(code: str) -> Transformer:
    return Transformer.from_crs(code, settings.WGS84, always_xy=True)


def crs_code(crs: CRS) -> str:
    """``"EPSG:xxxx"`` (OGC CRS84 counts as EPSG:4326), else another authority code, else WKT."""
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return settings.WGS84
    auth = crs.to_authority(min_confidence=70)
    return f"{auth[0]}:{auth[1]}" if auth else crs.to_wkt()


def check_datum(datum: str | None) -> str:
    """``"wgs84"`` (for None), ``"gcj02"`` or ``"bd09"``; a CRSError for anything else."""
    value = (datum or "wgs84").lower().replace("-", "")
    if value not in DATUMS:
        raise CRSError(f"unknown datum {datum!r}; choose one of {', '.join(DATUMS)}",
                       f"未知的坐标基准 {datum!r}; 可选: {', '.join(DATUMS)}")
    return value
