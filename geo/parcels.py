"""A planner's control-plan parcels (控规地块) as the demand of a coverage check.

From a parcel layer with a land-use code column (GB 50137-2011 ``R…`` or the 2023
用地用海分类 ``07…``, :mod:`geo.landuse`), :func:`parcel_demand` keeps the residential
parcels and gives each a weight: its population (人口, POP, 居住人口, RK …), else its floor
area (建筑面积, 住宅建筑面积, JZMJ, FLOOR_AREA …), else its area. The coverage check spreads a
parcel's weight over its cells in proportion to area (:func:`geo.demand.demand_units`).

Nothing is lost silently: every parcel is kept, not residential, or dropped for a reason
(:data:`DROP_REASONS`), and the result describes itself in both languages.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import settings
from geo.bilingual import Bilingual
from geo.errors import CoverageError
from geo.landuse import codes as lu
from geo.landuse import recognise
from geo.measure import areas_km2

__all__ = ["DROP_REASONS", "FLOOR_AREA_COLUMNS", "POPULATION_COLUMNS", "WEIGHT_KINDS", "ParcelDemand",
           "guess_weight_column", "parcel_demand"]

#: Column names of a parcel's population and floor area: the one settings module.
POPULATION_COLUMNS = settings.PARCEL_POPULATION_COLUMNS
FLOOR_AREA_COLUMNS = settings.PARCEL_FLOOR_AREA_COLUMNS
_NOT_AN_AMOUNT = ("密度", "率", "比", "系数", "DENSITY", "RATIO", "RATE")
#: What a parcel's weight is: its population, its floor area, another numeric column, or its area.
WEIGHT_KINDS = ("population", "floor_area", "column", "area")

#: Why a parcel that could be demand was left out (keys of ``ParcelDemand.dropped``).
DROP_REASONS: dict[str, Bilingual] = {
    "no_code": Bilingual("没有用地代码", "no land-use code"),
    "unknown_code": Bilingual("用地代码无法识别", "unknown land-use code"),
    "empty_geometry": Bilingual("居住地块没有几何", "residential parcel with empty geometry"),
    "not_polygon": Bilingual("居住地块不是面", "residential parcel not a polygon"),
    "zero_weight": Bilingual("居住地块权重为空或为零", "residential parcel with no or zero weight"),
}
_WEIGHT_TEXT = {
    "population": Bilingual("按人口加权 {total:,.0f} 人", "weighted by population ({total:,.0f})"),
    "floor_area": Bilingual("按建筑面积加权 {total:,.0f}", "weighted by floor area ({total:,.0f})"),
    "column": Bilingual("按字段 '{column}' 加权 {total:,.6g}", "weighted by column '{column}' ({total:,.6g})"),
    "area": Bilingual("按用地面积 {total:,.2f} 公顷", "by area ({total:,.2f} ha)"),
}


@dataclass
class ParcelDemand:
    """The residential parcels of a layer, weighted, and what happened to every other parcel.

    ``frame`` holds the residential parcels kept (the layer's CRS and columns) with a
    ``weight`` column (people, floor area, the column's value, or m² for ``"area"``).
    ``given`` = ``len(frame)`` + ``not_residential`` + the sum of ``dropped``.
    """

    frame: gpd.GeoDataFrame
    name: str
    code_column: str
    system: str
    residential_class: str  # "R" (GB 50137) or "07" (2023)
    weight_kind: str  # one of WEIGHT_KINDS
    weight_column: str | None
    given: int
    not_residential: int
    dropped: dict[str, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)  # residential code → parcels kept

    @property
    def weight_total(self) -> float:
        return float(self.frame["weight"].sum())

    @property
    def description(self) -> Bilingual:
        """Which demand: "导入地块 '控规' 的居住用地 (R, 312 块, 按人口加权 45,210 人)" and its English."""
        total = self.weight_total / 1e4 if self.weight_kind == "area" else self.weight_total
        how = _WEIGHT_TEXT[self.weight_kind].format(total=total, column=self.weight_column)
        n, cls = len(self.frame), self.residential_class
        if self.name:
            return Bilingual(f"导入地块 '{self.name}' 的居住用地 ({cls}, {n:,} 块, {how.zh})",
                             f"residential parcels ({cls}) of the imported layer '{self.name}', "
                             f"{n:,} parcels, {how.en}")
        return Bilingual(f"导入地块的居住用地 ({cls}, {n:,} 块, {how.zh})",
                         f"residential parcels ({cls}) of the imported layer, {n:,} parcels, {how.en}")

    @property
    def dropped_text(self) -> Bilingual:
        """How many parcels were left out and why, in both languages."""
        parts = [(DROP_REASONS[k], v) for k, v in self.dropped.items() if v]
        if not parts:
            return Bilingual("没有地块未计入", "no parcel left out")
        total = sum(v for _, v in parts)
        return Bilingual(f"未计入 {total:,} 块: " + ", ".join(f"{r.zh} {v:,}" for r, v in parts),
                         f"{total:,} parcels left out: " + ", ".join(f"{r.en} {v:,}" for r, v in parts))

    def as_demand(self) -> gpd.GeoDataFrame:
        """The demand frame of a check: the parcels, with ``weight`` unless weighted by area
        (then the cells' areas are the weights, as for any polygon demand)."""
        cols = [self.code_column] + ([] if self.weight_kind == "area" else ["weight"])
        return gpd.GeoDataFrame(self.frame[cols].copy(), geometry=self.frame.geometry, crs=self.frame.crs)

    def summary(self) -> dict:
        """Plain counts and texts for a result's ``inputs`` (JSON)."""
        return {"layer": self.name, "code_column": self.code_column, "system": self.system,
                "class": self.residential_class, "weight": self.weight_kind,
                "weight_column": self.weight_column, "given": self.given, "residential": len(self.frame),
                "not_residential": self.not_residential, "dropped": dict(self.dropped),
                "codes": dict(self.codes), "weight_total": round(self.weight_total, 6),
                "description": self.description._asdict(), "dropped_text": self.dropped_text._asdict()}


def _norm(name: object) -> str:
    return re.sub(r"[\s_\-()（）\[\]]", "", unicodedata.normalize("NFKC", str(name))).upper()


def _numbers(values: pd.Series) -> np.ndarray:
    """A column as floats: text numbers too ("45,210", "１２００"); anything else NaN."""
    if values.dtype == object:
        values = values.map(lambda v: unicodedata.normalize("NFKC", v).replace(",", "").strip()
                            if isinstance(v, str) else v)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)


def _kind_of(column: str) -> str:
    n = _norm(column)
    for kind, names, word in (("population", POPULATION_COLUMNS, "人口"),
                              ("floor_area", FLOOR_AREA_COLUMNS, "建筑面积")):
        if n in {_norm(c) for c in names} or (word in n and not any(w in n for w in _NOT_AN_AMOUNT)):
            return kind
    return "column"


def guess_weight_column(frame: pd.DataFrame) -> str | None:
    """The population column of a parcel layer, else its floor-area column (by name, holding
    at least one positive number), else ``None`` (weight by area)."""
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    names = {c: _norm(c) for c in frame.columns if c != geometry}

    def usable(column: object) -> bool:
        return bool(np.nanmax(np.r_[_numbers(frame[column]), -1.0]) > 0)
    for wanted, word in ((POPULATION_COLUMNS, "人口"), (FLOOR_AREA_COLUMNS, "建筑面积")):
        exact = [c for w in wanted for c, n in names.items() if n == _norm(w)]
        loose = [c for c, n in names.items() if word in n and not any(x in n for x in _NOT_AN_AMOUNT)]
        hit = next((c for c in dict.fromkeys(exact + loose) if usable(c)), None)
        if hit is not None:
            return str(hit)
    return None


def _residential_class(system: str) -> str:
    return next(c.code for c in lu.classes(system).values() if c.level == 1 and lu.is_residential(c.code, system))


def parcel_demand(frame: gpd.GeoDataFrame, *, code_column: str | None = None, weight_column: str | None = None,
                  system: str | None = None, name: str = "") -> ParcelDemand:
    """The residential parcels of ``frame``, each with a ``weight``.

    Parameters
    ----------
    frame : GeoDataFrame
        The parcel layer (polygons, a declared CRS; none: WGS84).
    code_column : str, optional
        Its land-use code column; default :func:`geo.landuse.recognise.guess_code_column`.
    weight_column : str, optional
        A numeric column to weight by, or ``"area"``; default :func:`guess_weight_column`
        (population, else floor area, else area).
    system : {"gb50137", "gtkj2023"}, optional
        The code system; default :func:`geo.landuse.codes.detect_system` of the codes.
    name : str
        The layer's name, for the description.
    """
    if frame.crs is None:
        frame = frame.set_crs(settings.WGS84)
    code_column = code_column or recognise.guess_code_column(frame)
    if not code_column or code_column not in frame:
        raise CoverageError(
            f"no land-use code column {'found' if not code_column else repr(code_column)} in the parcel layer; "
            f"name it (columns: {', '.join(map(str, frame.columns))})",
            f"地块图层中{'未找到' if not code_column else '没有'}用地代码字段 {code_column or ''}; 请指定")
    raw = frame[code_column]
    system = lu.check_system(system) if system else lu.detect_system(raw)
    if system is None:
        raise CoverageError(f"the values of {code_column!r} are neither GB 50137-2011 nor 2023 land-use codes",
                            f"字段 {code_column!r} 的值既不是 GB 50137-2011 也不是 2023 用地用海分类代码")
    found = recognise.classify(raw, system)
    empty = raw.map(lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                    or (isinstance(v, str) and not v.strip())).to_numpy(dtype=bool)
    known = found["known"].to_numpy(dtype=bool) & ~empty
    resid = known & np.array([bool(k) and lu.is_residential(c, system)
                              for k, c in zip(known, found["class_code"])], dtype=bool)
    dropped = {"no_code": int(empty.sum()), "unknown_code": int((~empty & ~known).sum())}
    geoms = frame.geometry.to_numpy()
    no_geom = resid & (shapely.is_missing(geoms) | shapely.is_empty(geoms))
    not_poly = resid & ~no_geom & ~np.isin(shapely.get_type_id(geoms), (3, 6))
    dropped |= {"empty_geometry": int(no_geom.sum()), "not_polygon": int(not_poly.sum())}
    keep = resid & ~no_geom & ~not_poly
    if weight_column is None:
        weight_column = guess_weight_column(frame[keep])
    if weight_column == "area" or weight_column is None:
        kind, weight_column = "area", None
        w = np.zeros(len(frame))
        w[keep] = areas_km2(frame[keep]) * 1e6
    elif weight_column not in frame:
        raise CoverageError(f"the parcel layer has no column {weight_column!r} to weight by",
                            f"地块图层没有用于加权的字段 {weight_column!r}")
    else:
        kind, w = _kind_of(weight_column), _numbers(frame[weight_column])
    zero = keep & ~(np.isfinite(w) & (w > 0))
    dropped["zero_weight"] = int(zero.sum())
    keep &= ~zero
    if not keep.any():
        raise CoverageError(
            f"no residential parcel left in the layer ({len(frame)} parcels; not residential "
            f"{int((known & ~resid).sum())}; left out: " + ", ".join(f"{k} {v}" for k, v in dropped.items() if v) + ")",
            f"图层中没有可用的居住地块 (共 {len(frame)} 块, 非居住 {int((known & ~resid).sum())} 块)")
    kept = frame[keep].copy()
    kept["weight"] = w[keep]
    kinds = found["code"][keep].value_counts()
    return ParcelDemand(frame=kept, name=name, code_column=str(code_column), system=system,
                        residential_class=_residential_class(system), weight_kind=kind,
                        weight_column=None if kind == "area" else str(weight_column), given=len(frame),
                        not_residential=int((known & ~resid).sum()), dropped=dropped,
                        codes={str(k): int(v) for k, v in kinds.items()})
