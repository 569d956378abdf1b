"""The result of one coverage check: its figures, its units, and the tables and layers
made from them (``geo.coverage`` computes it)."""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import settings
from geo.demand import cell_parent, merge_cells


@dataclass
class CoverageResult:
    """The figures of one check on one study, and the units behind them."""

    check: str
    area: str
    method: str  # "network" (the figure) — "buffer" figures sit beside it
    distance_m: float
    share: float
    share_buffer: float
    target: float | None
    covered_km2: float
    total_km2: float
    parameters: dict
    elapsed_s: float
    weight: str
    units: gpd.GeoDataFrame  # study units with dist_m, dist_line_m, covered, covered_line
    crs: str
    share_floor: float | None = None
    share_count: float | None = None
    shares: dict = field(default_factory=dict)  # life15: per category; metro: per distance
    zones: pd.DataFrame | None = None
    n_sources: int = 0
    n_reached_sources: int = 0
    notes: list[str] = field(default_factory=list)
    inputs: dict = field(default_factory=dict)  # what was joined, cut or left out (geo.access)
    cells: tuple | None = None  # the study's cells of polygons (geo.demand.DemandSource.cells)

    def meets_target(self) -> bool | None:
        return None if self.target is None else bool(self.share >= self.target - 1e-12)

    def to_dict(self) -> dict:
        """Plain figures for JSON (the command line's ``--json``)."""
        out = {
            "check": self.check, "area": self.area, "method": self.method,
            "share": _r(self.share), "share_buffer": _r(self.share_buffer),
            "target": self.target, "meets_target": self.meets_target(),
            "covered_km2": _r(self.covered_km2), "total_km2": _r(self.total_km2),
            "distance_m": self.distance_m, "weight": self.weight,
            "share_floor": _r(self.share_floor), "share_count": _r(self.share_count),
            "shares": {str(k): _r(v) for k, v in self.shares.items()},
            "units": len(self.units), "sources": self.n_sources,
            "sources_reached_by_network": self.n_reached_sources,
            "parameters": self.parameters, "elapsed_s": round(self.elapsed_s, 4),
            "notes": self.notes, "inputs": self.inputs,
        }
        if self.zones is not None:
            out["zones"] = self.zones.to_dict(orient="records")
        return out

    def gap_layer(self, covered: bool = False) -> gpd.GeoDataFrame:
        """Uncovered (or covered) units merged per demand feature, WGS84, for the map and export."""
        u = self.units[self.units["covered"] == covered]
        if u.empty:
            return gpd.GeoDataFrame({"parent": [], "area_m2": [], "status": []},
                                    geometry=[], crs=settings.WGS84)
        if self.weight == "count" or u.geometry.geom_type.isin(["Point"]).all():
            merged = u[["parent", "area_m2", "dist_m", "geometry"]].copy()
        else:
            rows = []
            for parent, grp in u.groupby("parent", sort=True):
                geom = merge_cells(grp.geometry.to_numpy(), *cell_parent(self.cells, int(parent)))
                rows.append((parent, float(grp["area_m2"].sum()),
                             float(np.nanmin(grp["dist_m"])), geom))
            merged = gpd.GeoDataFrame(rows, columns=["parent", "area_m2", "dist_m", "geometry"],
                                      geometry="geometry", crs=self.crs)
        merged["status"] = "covered" if covered else "gap"
        merged["dist_m"] = merged["dist_m"].replace(np.inf, np.nan).round(1)
        merged["area_m2"] = merged["area_m2"].round(1)
        return gpd.GeoDataFrame(merged, geometry="geometry", crs=self.crs).to_crs(settings.WGS84)


def _r(x):
    return None if x is None or (isinstance(x, float) and not np.isfinite(x)) else round(float(x), 6)


def shares_of(units: pd.DataFrame, covered: np.ndarray, weight: str) -> tuple[float, float | None, float]:
    """Primary share (by area or count), floor-area share, count share."""
    def share(w: np.ndarray) -> float:
        tot = float(np.nansum(w))
        return float(np.nansum(w[covered])) / tot if tot > 0 else float("nan")
    count = share(units["count"].to_numpy())
    main = count if weight == "count" else share(units["area_m2"].to_numpy())
    floor = units["floor_m2"].to_numpy()
    floor_share = share(np.where(np.isfinite(floor), floor, 0.0)) if np.isfinite(floor).any() else None
    return main, floor_share, count


def zone_table(units: gpd.GeoDataFrame, weight: str) -> pd.DataFrame | None:
    """Per zone: total and covered area (or count), network and buffer shares."""
    if not (units["zone"] != "").any():
        return None
    w = units["count"] if weight == "count" else units["area_m2"] / 1e6
    df = pd.DataFrame({"zone": units["zone"], "w": w, "cov": w * units["covered"],
                       "cov_line": w * units["covered_line"]})
    g = df[df["zone"] != ""].groupby("zone").sum()
    key = "count" if weight == "count" else "km2"
    return pd.DataFrame({"zone": g.index, f"total_{key}": g["w"].round(4).to_numpy(),
                         f"covered_{key}": g["cov"].round(4).to_numpy(),
                         "share": (g["cov"] / g["w"]).round(4).to_numpy(),
                         "share_buffer": (g["cov_line"] / g["w"]).round(4).to_numpy()})


__all__ = ["CoverageResult", "shares_of", "zone_table"]
