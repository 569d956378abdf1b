"""The result of a check by zones: a table per zone, the zones with their figures, the gaps.

:class:`ZoneCoverage` is what :func:`geo.citywide.zone_coverage` returns, on one machine or
partitioned (:mod:`geo.citywide.partition`). It is written as one GeoPackage (the zones
with their figures, the gap layer and the plain table) or the table as CSV.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import settings
from geo.files import atomic_write

__all__ = ["OUTSIDE_ZONE", "ZoneCoverage", "table_from_sums"]

#: ``zone_id`` of the demand inside the area but in no zone.
OUTSIDE_ZONE = -1
#: What the totals of each weight are counted in (the table's column suffix).
WEIGHT_KEYS = {"area": "km2", "count": "count", "weight": "weight"}


@dataclass
class ZoneCoverage:
    """One check's figures for every zone of an area, from one network and one search.

    Attributes
    ----------
    table : DataFrame
        One row per zone (``zone_id`` = its row in the zones given), in the zones' order,
        then one row for the demand in no zone (``zone_id`` −1) when there is any. Columns
        ``zone``, ``units``, ``total_<k>``, ``covered_<k>`` (``k``: km2, count or weight),
        ``share`` (network), ``share_buffer`` (straight line), ``meets_target`` and one
        ``share_<key>`` per figure of the check (life circle: each category; metro: each
        distance). A zone with no demand has no share (NaN).
    zones : GeoDataFrame
        The zones (WGS84) with the table's figures: the choropleth.
    gaps : GeoDataFrame
        The uncovered demand (WGS84), merged per demand feature and zone.
    """

    check: str
    area: str
    distance_m: float
    target: float | None
    weight: str
    share: float
    share_buffer: float
    table: pd.DataFrame
    zones: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame
    crs: str
    parameters: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    zone_column: str = "name"
    sums: pd.DataFrame | None = None  # per zone_id: units, total, covered, covered_line, covered_<key>
    grand: np.ndarray | None = None  # whole area, each unit once: total, covered, covered_line
    share_keys: list = field(default_factory=list)

    @classmethod
    def from_sums(cls, *, check: str, area: str, distance_m: float, target: float | None, weight: str,
                  share_keys: list, sums: pd.DataFrame, grand: np.ndarray, zones: gpd.GeoDataFrame,
                  zone_column: str, gaps: gpd.GeoDataFrame, crs: str, parameters: dict,
                  inputs: dict, notes: list[str]) -> "ZoneCoverage":
        """The result from its sums per zone (zones WGS84; gaps WGS84)."""
        table = table_from_sums(zones, zone_column, sums, weight, target, share_keys)
        figures = table.drop(columns=["zone"])
        base = zones.drop(columns=[c for c in figures.columns if c in zones])
        out = gpd.GeoDataFrame(base.assign(zone_id=np.arange(len(base))).merge(figures, on="zone_id",
                                                                               how="left"),
                               geometry=zones.geometry.name, crs=settings.WGS84)
        share = grand[1] / grand[0] if grand[0] > 0 else float("nan")
        share_line = grand[2] / grand[0] if grand[0] > 0 else float("nan")
        return cls(check=check, area=area, distance_m=distance_m, target=target, weight=weight,
                   share=share, share_buffer=share_line, table=table, zones=out, gaps=gaps, crs=crs,
                   parameters=parameters, inputs=inputs, notes=notes, zone_column=zone_column,
                   sums=sums, grand=np.asarray(grand, dtype=float), share_keys=list(share_keys))

    @property
    def weight_key(self) -> str:
        return WEIGHT_KEYS[self.weight]

    def meets(self) -> int:
        """How many zones with demand meet the target (0 without a target)."""
        if self.target is None:
            return 0
        return int(self.table["meets_target"].fillna(False).astype(bool).sum())

    def summary(self) -> dict:
        """Plain figures for JSON (the command line's ``--json``)."""
        with_demand = self.table[(self.table["zone_id"] >= 0) & (self.table["units"] > 0)]
        return {"check": self.check, "area": self.area, "distance_m": self.distance_m,
                "target": self.target, "weight": self.weight, "share": _r(self.share),
                "share_buffer": _r(self.share_buffer), "zones": int((self.table["zone_id"] >= 0).sum()),
                "zones_with_demand": len(with_demand), "zones_meeting_target": self.meets(),
                "units": int(self.table["units"].sum()), "gaps": len(self.gaps),
                "parameters": self.parameters, "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
                "inputs": self.inputs, "notes": self.notes}

    def to_csv(self) -> bytes:
        """The table as UTF-8 CSV with a BOM (opens in Excel with its Chinese names)."""
        return self.table.to_csv(index=False).encode("utf-8-sig")

    def to_gpkg(self, path: str | Path) -> Path:
        """One GeoPackage: layers ``zones`` (figures), ``gaps`` and ``table`` (no geometry).

        Written to a temporary file and moved in place (:func:`geo.files.atomic_write`).
        """
        import pyogrio
        path = Path(path)

        def write(tmp: Path) -> None:
            pyogrio.write_dataframe(self.zones, tmp, layer="zones", driver="GPKG")
            gaps = self.gaps if not self.gaps.empty else self.gaps.set_geometry(
                gpd.GeoSeries([], crs=settings.WGS84))
            pyogrio.write_dataframe(gaps, tmp, layer="gaps", driver="GPKG", append=True,
                                    geometry_type="MultiPolygon" if self.gaps.empty else None)
            pyogrio.write_dataframe(pd.DataFrame(self.table), tmp, layer="table", driver="GPKG",
                                    append=True)
        atomic_write(path, write)
        return path


def _r(x) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 6)


def table_from_sums(zones: gpd.GeoDataFrame, zone_column: str, sums: pd.DataFrame, weight: str,
                    target: float | None, share_keys: list) -> pd.DataFrame:
    """The zone table from per-zone sums (index ``zone_id``; columns ``units``, ``total``,
    ``covered``, ``covered_line`` and ``covered_<key>``), every zone listed."""
    key = WEIGHT_KEYS[weight]
    ids = np.arange(len(zones))
    has_outside = OUTSIDE_ZONE in sums.index and sums.loc[OUTSIDE_ZONE, "units"] > 0
    if has_outside:
        ids = np.append(ids, OUTSIDE_ZONE)
    s = sums.reindex(ids, fill_value=0.0)
    total = s["total"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        def share(col: str) -> np.ndarray:
            return np.where(total > 0, s[col].to_numpy(dtype=float) / np.where(total > 0, total, 1), np.nan)
        names = zones[zone_column].astype(str).to_numpy() if zone_column in zones else ids.astype(str)
        table = pd.DataFrame({"zone_id": ids,
                              "zone": np.append(names, "(outside zones)") if has_outside else names,
                              "units": s["units"].to_numpy(dtype=np.int64),
                              f"total_{key}": total, f"covered_{key}": s["covered"].to_numpy(dtype=float),
                              "share": share("covered"), "share_buffer": share("covered_line")})
        for k in share_keys:
            table[f"share_{k}"] = share(f"covered_{k}")
    meets = table["share"] >= (target - 1e-12) if target is not None else pd.Series(False, index=table.index)
    table["meets_target"] = pd.Series(np.where(table["share"].isna() | (target is None), None, meets),
                                      dtype="object")
    return table
