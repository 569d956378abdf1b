"""Coverage checks for the app and the command line: studies prepared once, checks run on them.

Resolves the analysis area (:mod:`layers.coverage.areas`), loads its inputs
(:mod:`layers.coverage.inputs`), prepares the study once (the few most recent public
ones are kept in memory) and runs ``geo.coverage``'s checks on it.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import coverage, settings
from geo.citywide import check_reach
from geo.errors import CoverageError
from geo.scenario import Scenario, green_scenario
from layers.coverage.areas import area_geometry, extract_share
from layers.coverage.inputs import Inputs, geo_demand_kind, load_inputs
from layers.coverage.results import result_layers

__all__ = ["Run", "clear", "run", "run_check", "study_for"]


def _key(*parts) -> str:
    h = hashlib.sha1()
    for p in parts:
        if isinstance(p, gpd.GeoDataFrame):
            h.update(str(len(p)).encode())
            h.update(b"".join(w or b"-" for w in shapely.to_wkb(p.geometry.to_numpy())))  # None: no geometry
        elif isinstance(p, BaseGeometry):
            h.update(shapely.to_wkb(p))
        else:
            h.update(repr(p).encode())
    return h.hexdigest()


_STUDIES: "OrderedDict[str, tuple[coverage.Study, Inputs]]" = OrderedDict()


def study_for(osm_path: str | Path, area: str | BaseGeometry | Path = "science_city_2021", *,
              demand_kind: str = "residential_landuse", reach_m: float | None = None,
              own: dict[str, gpd.GeoDataFrame] | None = None, zones: gpd.GeoDataFrame | None = None,
              zone_column: str = "name", parcels: dict | None = None) -> tuple[coverage.Study, Inputs]:
    """Prepare (or reuse) the study of an area; the few most recent are kept in memory.

    Demand ``"parcels"``: ``own["parcels"]`` is the parcel layer, ``parcels`` the options of
    :func:`geo.parcels.parcel_demand`; the study counts its residential parcels as a weighted
    custom demand, and its ``inputs["demand"]["parcels"]`` says which parcels and weights.
    """
    reach = max(reach_m or 0.0, settings.LIFE_CIRCLE_DISTANCE_M, max(settings.METRO_CATCHMENT_M))
    name, geom = area_geometry(area, osm_path)
    own = own or {}
    key = _key(str(Path(osm_path).resolve()), name, geom, demand_kind, reach, zone_column,
               *(own.get(k) for k in ("green", "demand", "facilities", "stations", "parcels")), zones,
               sorted((parcels or {}).items()))
    if key in _STUDIES:
        _STUDIES.move_to_end(key)
        return _STUDIES[key]
    inputs = load_inputs(osm_path, geom, reach, demand_kind, clip=name != "extract", own=own,
                         parcels=parcels)
    study = coverage.prepare(geom, inputs.walk, inputs.demand, name=name,
                             demand_kind=geo_demand_kind(demand_kind), zones=zones,
                             zone_column=zone_column, reach_m=reach, entrances=inputs.entrances)
    if inputs.parcels is not None:
        study.demand_kind = demand_kind  # the figures name the parcels, not "own data"
        study.inputs["demand"]["parcels"] = inputs.parcels.summary()
    study.inputs["osm"] = inputs.osm_report
    study.inputs["replaced_by_own_data"] = dict(inputs.replaced)
    covered = extract_share(osm_path, geom)
    if covered < 0.99:
        study.notes.append(f"the OSM extract covers only {100 * covered:.0f}% of the area: "
                           "places beyond it count as not reached")
    if not any(v is not None for v in own.values()) and zones is None:
        # only public inputs are shared between sessions; a planner's own data never are
        _STUDIES[key] = (study, inputs)
        while len(_STUDIES) > settings.COVERAGE_STUDIES_KEPT:
            _STUDIES.popitem(last=False)
    return study, inputs


def run_check(check: str, study: coverage.Study, inputs: Inputs, **params
              ) -> coverage.CoverageResult:
    """Run one of :data:`geo.coverage.CHECKS` with its parameters."""
    if check == "green5":
        return coverage.green_reach(study, inputs.green, **params)
    if check == "life15":
        return coverage.life_circle(study, inputs.facilities, **params)
    if check == "metro":
        return coverage.metro_catchment(study, inputs.stations, **params)
    raise CoverageError(f"unknown check {check!r}; known: {', '.join(coverage.CHECKS)}",
                        f"未知检查 {check!r}")


@dataclass
class Run:
    """A check as run for the app or the command line: the result, its study and inputs."""

    result: coverage.CoverageResult
    study: coverage.Study
    inputs: Inputs
    scenario: Scenario | None = None

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        return result_layers(self.result, self.inputs, self.scenario)


def run(osm_path: str | Path, area: str | BaseGeometry | Path, check: str, params: dict, *,
        demand_kind: str = "residential_landuse", own: dict | None = None,
        zones: gpd.GeoDataFrame | None = None, zone_column: str = "name",
        new_green: gpd.GeoDataFrame | None = None, parcels: dict | None = None) -> Run:
    """Prepare (or reuse) the area's study and run ``check``; with ``new_green``, before/after.

    ``parcels``: the options of demand ``"parcels"`` (:func:`study_for`)."""
    if check not in coverage.CHECKS:
        raise CoverageError(f"unknown check {check!r}; known: {', '.join(coverage.CHECKS)}",
                            f"未知检查 {check!r}")
    study, inputs = study_for(osm_path, area, demand_kind=demand_kind,
                              reach_m=check_reach(check, params), own=own, zones=zones,
                              zone_column=zone_column, parcels=parcels)
    if new_green is not None:
        if check != "green5":
            raise CoverageError("a new green space can only be tested with the green reach check",
                                "新增绿地方案只能用于绿地可达性检查")
        scenario = green_scenario(study, inputs.green, new_green, **params)
        return Run(scenario.before, study, inputs, scenario)
    return Run(run_check(check, study, inputs, **params), study, inputs)


def clear() -> None:
    """Forget prepared studies."""
    _STUDIES.clear()
