"""A check by zones kept in a project file, and rebuilt from it with every value checked.

What is kept is what the result is made from: the zones (their geometry and columns), the
sums per zone (units, total, covered, …), the whole area's sums, the gaps and the check's
parameters. Opening rebuilds the result with :meth:`geo.citywide.ZoneCoverage.from_sums`,
so the table, the shares and the verdicts are computed again, never read from the file.
A project file is anybody's text: a value that does not fit is a :class:`ProjectFileError`
and the caller leaves the result out with a note (the rest of the project still opens).
"""
from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import coverage, settings
from geo.citywide import ZoneCoverage
from geo.citywide.result import OUTSIDE_ZONE, WEIGHT_KEYS
from geo.errors import ProjectFileError
from layers.coverage.report import inputs_rows
from layers.text import text

__all__ = ["FRAME_KEYS", "zone_record", "zone_result"]

#: The project frames of a kept result, by role.
FRAME_KEYS = {"zones": "zones_result/zones", "gaps": "zones_result/gaps", "sums": "zones_result/sums"}
#: The sums every kept result has per zone (then ``covered_<key>`` per figure of the check).
_SUMS = ("units", "total", "covered", "covered_line")
#: Longest text kept from a note or a name (a file's text is untrusted).
_MAX_TEXT = 500


def zone_record(res: ZoneCoverage) -> tuple[dict, dict[str, gpd.GeoDataFrame]]:
    """The result as JSON-able figures and the frames a project keeps (:data:`FRAME_KEYS`)."""
    if res.sums is None or res.grand is None:
        raise ProjectFileError("this result has no sums to keep", "该结果没有可保存的汇总")
    meta = {"check": res.check, "area": res.area, "distance_m": float(res.distance_m),
            "target": None if res.target is None else float(res.target), "weight": res.weight,
            "share_keys": [k.item() if isinstance(k, np.generic) else k for k in res.share_keys],
            "grand": [float(v) for v in res.grand], "zone_column": res.zone_column, "crs": res.crs,
            "parameters": res.parameters, "inputs": res.inputs, "notes": [str(n) for n in res.notes],
            "timings": {k: float(v) for k, v in res.timings.items()}}
    figures = [c for c in res.table.columns if c not in ("zone",)]
    zones = res.zones.drop(columns=[c for c in figures if c in res.zones and c != res.zone_column])
    sums = res.sums.rename_axis("zone_id").reset_index()
    frames = {FRAME_KEYS["zones"]: zones, FRAME_KEYS["gaps"]: res.gaps,
              FRAME_KEYS["sums"]: gpd.GeoDataFrame(sums, geometry=[None] * len(sums), crs=settings.WGS84)}
    return meta, frames


def _bad(what: str) -> ProjectFileError:
    message = text("covz_result_unusable").format(what=what)
    return ProjectFileError(message.en, message.zh)


def _number(value: Any, what: str, low: float = 0.0, high: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise _bad(what)
    return float(value)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        raise _bad(what)
    return value


def _sums(frame: gpd.GeoDataFrame | None, columns: list[str], n_zones: int) -> pd.DataFrame:
    """The sums per zone_id, every value a finite number ≥ 0, every id a zone or outside."""
    if frame is None or "zone_id" not in frame or not set(columns) <= set(frame.columns):
        raise _bad("sums")
    table = pd.DataFrame({c: pd.to_numeric(frame[c], errors="coerce") for c in ["zone_id", *columns]})
    values = table.to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values[:, 1:] < 0).any():
        raise _bad("sums")
    ids = table["zone_id"].to_numpy()
    if (ids != np.round(ids)).any() or ((ids < 0) & (ids != OUTSIDE_ZONE)).any() or (ids >= n_zones).any() \
            or len(np.unique(ids)) != len(ids):
        raise _bad("zone ids")
    return table.astype({"zone_id": np.int64, "units": np.int64}).set_index("zone_id")


def zone_result(meta: Any, frames: dict[str, gpd.GeoDataFrame]) -> ZoneCoverage:
    """The result rebuilt from a project's record (:func:`zone_record`), every value checked.

    Raises
    ------
    ProjectFileError
        A value that does not fit (the caller leaves the result out with a note).
    """
    if not isinstance(meta, dict):
        raise _bad("record")
    check = meta.get("check")
    weight = meta.get("weight")
    if check not in coverage.CHECKS or weight not in WEIGHT_KEYS:
        raise _bad("check")
    target = meta.get("target")
    target = None if target is None else _number(target, "target", 0.0, 1.0)
    keys = meta.get("share_keys")
    if not isinstance(keys, list) or len(keys) > 50 or not all(
            isinstance(k, str) and len(k) < 50 or isinstance(k, (int, float)) and not isinstance(k, bool)
            for k in keys):
        raise _bad("share keys")
    grand = meta.get("grand")
    if not isinstance(grand, list) or len(grand) != 3:
        raise _bad("grand")
    grand_arr = np.array([_number(v, "grand") for v in grand])
    zones = frames.get(FRAME_KEYS["zones"])
    gaps = frames.get(FRAME_KEYS["gaps"])
    if zones is None or gaps is None or zones.crs is None or not zones.crs.equals(settings.WGS84) \
            or not zones.geom_type.isin(["Polygon", "MultiPolygon"]).all():
        raise _bad("zones")
    column = _text(meta.get("zone_column"), "zone column")
    if column not in zones:
        raise _bad("zone column")
    sums = _sums(frames.get(FRAME_KEYS["sums"]), [*_SUMS, *(f"covered_{k}" for k in keys)], len(zones))
    notes = meta.get("notes")
    parameters, inputs = meta.get("parameters"), meta.get("inputs")
    timings = meta.get("timings")
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes) or not isinstance(parameters, dict) \
            or not isinstance(inputs, dict) or not isinstance(timings, dict):
        raise _bad("record")
    try:  # the inputs table is drawn from this dict: it must read as the app's own does
        inputs_rows(inputs)
    except Exception as exc:  # noqa: BLE001 - any shape the file may hold
        raise _bad("inputs") from exc
    res = ZoneCoverage.from_sums(
        check=check, area=_text(meta.get("area"), "area"), distance_m=_number(meta.get("distance_m"), "distance"),
        target=target, weight=weight, share_keys=keys, sums=sums, grand=grand_arr, zones=zones,
        zone_column=column, gaps=gaps.to_crs(settings.WGS84) if gaps.crs is not None else gaps,
        crs=_text(meta.get("crs"), "crs"), parameters=parameters, inputs=inputs,
        notes=[n[:_MAX_TEXT] for n in notes[:100]])
    res.timings = {str(k): _number(v, "timings") for k, v in timings.items()}
    return res
