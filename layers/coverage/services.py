"""Coverage checks for the app and the command line: areas, inputs, caching.

Resolves an analysis area (a catalogue boundary, the expansion ring, the extract's
extent, a drawn polygon or a polygon file), loads the OpenStreetMap inputs clipped to
it, lets the planner's own data replace any of them, prepares the study once and runs
``geo.coverage``'s checks on it.
"""
from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import shapely
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from geo import coverage, settings
from geo.crs import to_wgs84
from geo.errors import CoverageError, GeometryError, LayerFileError

#: Analysis areas from the catalogue (layer ids), plus "extract": the OSM extract's extent.
AREAS = ("science_city_2021", "science_city_2017", "science_city_expansion", "extract")
AREA_LABELS = {
    "science_city_2021": ("张江科学城 (2021, 约220 km²)", "Science City (2021, ≈220 km²)"),
    "science_city_2017": ("张江科学城 (2017, 约95 km²)", "Science City (2017, ≈95 km²)"),
    "science_city_expansion": ("2021年扩区范围", "2021 expansion ring"),
    "extract": ("OSM 数据范围", "extent of the OSM extract"),
    "drawn": ("绘制的范围", "drawn polygon"),
}
CHECK_LABELS = {
    "green5": ("5分钟步行可达公共绿地与广场 (≥400 m²)", "Green reach: 5-minute walk to green space or plaza ≥ 400 m²"),
    "life15": ("15分钟社区生活圈", "15-minute life circle"),
    "metro": ("轨道交通站点服务范围", "Metro catchment"),
}
DEMAND_LABELS = {
    "residential_landuse": ("居住用地 (landuse=residential)", "residential land use"),
    "residential_buildings": ("居住建筑", "residential buildings"),
    "area": ("整个分析范围", "the whole area"),
    "custom": ("自有数据", "own data"),
}
_MAX_STUDIES = 4


@dataclass
class Inputs:
    """What the checks read, all WGS84; any of them may be the planner's own data."""

    walk: gpd.GeoDataFrame
    green: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame | None
    facilities: gpd.GeoDataFrame
    stations: gpd.GeoDataFrame
    source: str
    attribution: str = "© OpenStreetMap contributors (ODbL)"
    replaced: dict = field(default_factory=dict)
    entrances: gpd.GeoDataFrame | None = None
    osm_report: dict = field(default_factory=dict)  # geo.osm.OSMExtract.report()


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
        path = Path(area)
        if not path.exists():
            raise CoverageError(
                f"unknown area {area!r}: give one of {', '.join(AREAS)} or a polygon file",
                f"未知分析范围 {area!r}: 可选 {', '.join(AREAS)} 或面文件路径")
        gdf = read_frame(path)
        geom = gdf.geometry.union_all()
        name = path.stem
    geom = shapely.make_valid(geom)
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        raise GeometryError("the analysis area has no polygon", "分析范围不含面")
    return name, shapely.union_all(polys)


def read_frame(path: str | Path) -> gpd.GeoDataFrame:
    """A planner's GeoJSON or GeoPackage as WGS84 (a declared CRS is required)."""
    path = Path(path)
    if not path.is_file():
        raise LayerFileError(f"file not found: {path}", f"找不到文件: {path}")
    if path.stat().st_size > settings.MAX_LAYER_FILE_BYTES:
        raise LayerFileError(f"{path.name} is larger than {settings.MAX_LAYER_FILE_BYTES // 2**20} MB",
                             f"{path.name} 超过 {settings.MAX_LAYER_FILE_BYTES // 2**20} MB")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several kinds
        raise LayerFileError(f"cannot read {path.name}: {exc}", f"无法读取 {path.name}") from exc
    if gdf.empty:
        raise LayerFileError(f"{path.name} has no features", f"{path.name} 没有要素")
    return to_wgs84(gdf)


def _pad_bbox(geom: BaseGeometry, metres: float) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = geom.bounds
    dlat = metres / 111_320.0
    dlon = metres / (111_320.0 * math.cos(math.radians((miny + maxy) / 2)))
    return (minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)


def load_inputs(osm_path: str | Path, area: BaseGeometry, reach_m: float,
                demand_kind: str = "residential_landuse", *, clip: bool = True,
                own: dict[str, gpd.GeoDataFrame] | None = None) -> Inputs:
    """OSM inputs for an area (clipped to it grown by ``reach_m``), own data replacing them.

    ``own`` maps ``"green"``, ``"demand"``, ``"facilities"``, ``"stations"`` to frames.
    """
    from geo.osm import load_osm
    bbox = _pad_bbox(area, reach_m + 200.0) if clip else None
    ex = load_osm(osm_path, bbox)
    demand = {"residential_landuse": ex.residential_landuse,
              "residential_buildings": coverage.residential_buildings(ex.buildings,
                                                                      ex.residential_landuse),
              "area": None, "custom": None}[demand_kind]
    inputs = Inputs(walk=ex.walk, green=ex.green, demand=demand, facilities=ex.facilities,
                    stations=ex.metro, source=str(osm_path), entrances=ex.entrances,
                    osm_report=ex.report())
    for key, frame in (own or {}).items():
        if frame is None:
            continue
        if key not in ("green", "demand", "facilities", "stations"):
            raise CoverageError(f"unknown input {key!r}", f"未知输入 {key!r}")
        setattr(inputs, key, to_wgs84(frame))
        inputs.replaced[key] = len(frame)
    if demand_kind == "custom" and inputs.demand is None:
        raise CoverageError("demand 'custom' needs the planner's own demand file",
                            "需求类型“自有数据”需要提供需求文件")
    return inputs


def extract_share(osm_path: str | Path, area: BaseGeometry) -> float:
    """Share of ``area`` (WGS84) inside the OSM extract's extent (its header box)."""
    from geo.osm import extract_bounds
    ext = box(*extract_bounds(osm_path))
    return float(area.intersection(ext).area / area.area) if area.area > 0 else 0.0


def _key(*parts) -> str:
    h = hashlib.sha1()
    for p in parts:
        if isinstance(p, gpd.GeoDataFrame):
            h.update(str(len(p)).encode())
            h.update(b"".join(shapely.to_wkb(p.geometry.to_numpy())))
        elif isinstance(p, BaseGeometry):
            h.update(shapely.to_wkb(p))
        else:
            h.update(repr(p).encode())
    return h.hexdigest()


_STUDIES: "OrderedDict[str, tuple[coverage.Study, Inputs]]" = OrderedDict()


def study_for(osm_path: str | Path, area: str | BaseGeometry | Path = "science_city_2021", *,
              demand_kind: str = "residential_landuse", reach_m: float | None = None,
              own: dict[str, gpd.GeoDataFrame] | None = None, zones: gpd.GeoDataFrame | None = None,
              zone_column: str = "name") -> tuple[coverage.Study, Inputs]:
    """Prepare (or reuse) the study of an area; the few most recent are kept in memory."""
    reach = max(reach_m or 0.0, settings.LIFE_CIRCLE_DISTANCE_M, max(settings.METRO_CATCHMENT_M))
    name, geom = area_geometry(area, osm_path)
    own = own or {}
    key = _key(str(Path(osm_path).resolve()), name, geom, demand_kind, reach, zone_column,
               *(own.get(k) for k in ("green", "demand", "facilities", "stations")), zones)
    if key in _STUDIES:
        _STUDIES.move_to_end(key)
        return _STUDIES[key]
    inputs = load_inputs(osm_path, geom, reach, demand_kind, clip=name != "extract", own=own)
    study = coverage.prepare(geom, inputs.walk, inputs.demand, name=name, demand_kind=demand_kind,
                             zones=zones, zone_column=zone_column, reach_m=reach,
                             entrances=inputs.entrances)
    study.inputs["osm"] = inputs.osm_report
    study.inputs["replaced_by_own_data"] = dict(inputs.replaced)
    covered = extract_share(osm_path, geom)
    if covered < 0.99:
        study.notes.append(f"the OSM extract covers only {100 * covered:.0f}% of the area: "
                           "places beyond it count as not reached")
    if not any(v is not None for v in own.values()) and zones is None:
        # only public inputs are shared between sessions; a planner's own data never are
        _STUDIES[key] = (study, inputs)
        while len(_STUDIES) > _MAX_STUDIES:
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


def needed_reach(check: str, params: dict) -> float:
    """The longest walk a check with these parameters takes, m."""
    if check == "green5":
        return coverage.walk_distance_m(params.get("minutes", settings.GREEN_WALK_MINUTES),
                                        params.get("speed_kmh", settings.WALK_SPEED_KMH))
    if check == "life15":
        return float(params.get("distance_m", settings.LIFE_CIRCLE_DISTANCE_M))
    return float(max(params.get("distances_m") or settings.METRO_CATCHMENT_M))


@dataclass
class Run:
    """A check as run for the app or the command line: the result, its study and inputs."""

    result: coverage.CoverageResult
    study: coverage.Study
    inputs: Inputs
    scenario: coverage.Scenario | None = None

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        return result_layers(self.result, self.inputs, self.scenario)


def run(osm_path: str | Path, area: str | BaseGeometry | Path, check: str, params: dict, *,
        demand_kind: str = "residential_landuse", own: dict | None = None,
        zones: gpd.GeoDataFrame | None = None, zone_column: str = "name",
        new_green: gpd.GeoDataFrame | None = None) -> Run:
    """Prepare (or reuse) the area's study and run ``check``; with ``new_green``, before/after."""
    if check not in coverage.CHECKS:
        raise CoverageError(f"unknown check {check!r}; known: {', '.join(coverage.CHECKS)}",
                            f"未知检查 {check!r}")
    study, inputs = study_for(osm_path, area, demand_kind=demand_kind,
                              reach_m=needed_reach(check, params), own=own, zones=zones,
                              zone_column=zone_column)
    if new_green is not None:
        if check != "green5":
            raise CoverageError("a new green space can only be tested with the green reach check",
                                "新增绿地方案只能用于绿地可达性检查")
        scenario = coverage.green_scenario(study, inputs.green, new_green, **params)
        return Run(scenario.before, study, inputs, scenario)
    return Run(run_check(check, study, inputs, **params), study, inputs)


def area_bounds(study: coverage.Study) -> tuple[float, float, float, float]:
    """WGS84 (lon_min, lat_min, lon_max, lat_max) of a study's area, to fly the map to."""
    geom = gpd.GeoSeries([study.area], crs=study.crs).to_crs(settings.WGS84).iloc[0]
    return tuple(float(v) for v in geom.bounds)


def clear() -> None:
    """Forget prepared studies."""
    _STUDIES.clear()


def sources_layer(result: coverage.CoverageResult, inputs: Inputs) -> gpd.GeoDataFrame:
    """The sources a check used (green spaces, facilities or stations), WGS84, for the map."""
    frame = {"green5": inputs.green, "life15": inputs.facilities, "metro": inputs.stations}[result.check]
    if frame is None or frame.empty:
        return gpd.GeoDataFrame(geometry=[], crs=settings.WGS84)
    if result.check == "green5" and "area_m2" in frame:
        frame = frame[frame["area_m2"] >= result.parameters.get("min_area_m2", 0)]
    cols = [c for c in ("name", "kind", "category", "area_m2", "osm_id") if c in frame]
    return gpd.GeoDataFrame(frame[cols].copy(), geometry=frame.geometry, crs=settings.WGS84)


def result_layers(result: coverage.CoverageResult, inputs: Inputs,
                  scenario: coverage.Scenario | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The map and export layers of a result: gaps, covered places, sources, a scenario's gain."""
    out = {"gap": result.gap_layer(False), "covered": result.gap_layer(True),
           "source": sources_layer(result, inputs)}
    if scenario is not None:
        out["new"] = scenario.newly_covered
    return out


def export_bytes(frames: dict[str, gpd.GeoDataFrame], fmt: str = "gpkg") -> bytes:
    """Result layers as one GeoPackage (a table each, plus ``layer_provenance``) or, for
    ``geojson``, the gaps alone; any other format of :data:`layers.io.export.FORMATS` holds
    every layer. WGS84, written by :func:`layers.io.export.export_bytes` with OSM provenance."""
    from layers.io import export
    if str(fmt).lower() not in export.FORMATS:
        raise CoverageError(f"unknown export format {fmt!r}", f"未知导出格式 {fmt!r}")
    chosen = {"gap": frames.get("gap")} if fmt == "geojson" else dict(frames)
    chosen = {k: v for k, v in chosen.items() if v is not None}
    if not chosen:
        raise CoverageError("nothing to export", "没有可导出的内容")
    prov = {k: export.OSM_DERIVED_PROVENANCE for k in chosen}
    return export.export_bytes(chosen, fmt, "wgs84", stem="coverage", provenance=prov)[1]


def figures_table(result: coverage.CoverageResult, lang: str):
    """The result's figures as a two-column table (label, value) in ``lang``."""
    import pandas as pd
    zh = lang == "zh"

    def pct(x):
        return "-" if x is None or x != x else f"{100 * x:.1f}%"
    unit = "km²"
    rows = [
        ("检查" if zh else "check", label(CHECK_LABELS, result.check, lang)),
        ("范围" if zh else "area", label(AREA_LABELS, result.area, lang)),
        ("需求" if zh else "demand", label(DEMAND_LABELS, result.parameters.get("demand", ""), lang)),
        ("步行距离" if zh else "walking distance", f"{result.distance_m:,.0f} m"),
        ("沿路网覆盖率" if zh else "share along the network", pct(result.share)),
        ("直线缓冲覆盖率 (高估)" if zh else "straight-line buffer share (overstates)",
         pct(result.share_buffer)),
        ("目标" if zh else "target", pct(result.target) if result.target is not None else "-"),
    ]
    if result.weight == "area":
        rows.append(("覆盖面积" if zh else "covered area",
                     f"{result.covered_km2:,.3f} / {result.total_km2:,.3f} {unit}"))
    if result.share_floor is not None:
        rows.append(("建筑面积覆盖率" if zh else "floor-area share", pct(result.share_floor)))
    if result.share_count is not None:
        rows.append(("个数覆盖率" if zh else "share by count", pct(result.share_count)))
    for k, v in result.shares.items():
        rows.append((f"  {k}" + (" m" if isinstance(k, (int, float)) else ""), pct(v)))
    rows.append(("来源对象" if zh else "sources", f"{result.n_sources:,}"))
    rows.append(("需求单元" if zh else "demand units", f"{len(result.units):,}"))
    return pd.DataFrame(rows, columns=["项目" if zh else "item", "值" if zh else "value"])


def label(table: dict, key: str, lang: str) -> str:
    """Chinese or English label of ``key`` from one of the label tables."""
    zh, en = table.get(key, (key, key))
    return zh if lang == "zh" else en


__all__ = ["AREAS", "area_bounds", "AREA_LABELS", "CHECK_LABELS", "DEMAND_LABELS", "Inputs", "area_geometry",
           "clear", "export_bytes", "figures_table", "label", "load_inputs", "read_frame",
           "needed_reach", "result_layers", "run", "run_check", "sources_layer", "study_for"]


# --- the coverage tab's settings in a project file ---------------------------------------------

class _Range(NamedTuple):
    low: float
    high: float


#: Settings of the app's coverage tab kept in a project: name -> (widget key, allowed values
#: or (low, high) for numbers). ``{lang}`` and ``{src}`` are filled in by the app's state.
SETTING_KEYS = {
    "source": ("cov_src", ("test", "shanghai", "path")),
    "osm_path": ("cov_path", str),
    "area": ("cov_area_{lang}", AREAS),
    "check": ("cov_check_{lang}", coverage.CHECKS),
    "demand": ("cov_demand_{src}_{lang}", coverage.DEMAND_KINDS),
    "minutes": ("cov_min", _Range(1.0, 30.0)),
    "speed_kmh": ("cov_speed", _Range(1.0, 8.0)),
    "min_area_m2": ("cov_mina", _Range(0.0, 1e6)),
    "tolerance_m": ("cov_tol", _Range(0.0, 50.0)),
    "approach_m": ("cov_appr", _Range(0.0, 200.0)),
    "distance_m": ("cov_dist", _Range(100.0, 2000.0)),
    "categories": ("cov_cats_{lang}", coverage.LIFE_CATEGORIES),
    "metro_distances_m": ("cov_metro_d", (400.0, 500.0, 600.0, 800.0, 1000.0)),
    "own_green": ("cov_own_green", "layer"), "own_demand": ("cov_own_demand", "layer"),
    "own_facilities": ("cov_own_facilities", "layer"), "own_stations": ("cov_own_stations", "layer"),
    "zones": ("cov_zones", "layer"), "zone_column": ("cov_zone_col", str),
}


_MULTI = ("categories", "metro_distances_m")


def _widget_key(name: str, lang: str, src: str) -> str:
    return SETTING_KEYS[name][0].format(lang=lang, src=src)


def settings_from_state(state, lang: str) -> dict:
    """The coverage tab's current settings (JSON-able) read from the app's widget state."""
    src = state.get("cov_src", "test")
    out = {}
    for name in SETTING_KEYS:
        key = _widget_key(name, lang, src)
        if key in state and state[key] is not None:
            value = state[key]
            out[name] = list(value) if isinstance(value, (list, tuple)) else value
    return out


def state_from_settings(saved: dict, lang: str, layer_names) -> dict:
    """Widget key -> value for the saved settings that are still valid; the rest are dropped.

    A project file is the planner's (or anybody's) text: every value is checked against
    the options the tab offers, numbers against their ranges, layer names against the
    layers the project brought.
    """
    if not isinstance(saved, dict):
        return {}
    src = saved.get("source") if saved.get("source") in SETTING_KEYS["source"][1] else "test"
    names = set(layer_names)
    out = {}
    for name, (_, allowed) in SETTING_KEYS.items():
        if name not in saved:
            continue
        value = saved[name]
        if allowed is str:
            ok = isinstance(value, str) and len(value) < 1000
        elif allowed == "layer":
            ok = isinstance(value, str) and (value in names or value == "—")
        elif isinstance(allowed, _Range):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and allowed.low <= value <= allowed.high
            value = float(value) if ok else value
        elif name in _MULTI:
            ok = isinstance(value, list) and all(isinstance(v, (str, int, float)) and v in allowed for v in value)
        else:
            ok = isinstance(value, str) and value in allowed
        if ok:
            out[_widget_key(name, lang, src)] = value
    return out
