"""The coverage tab: inputs and parameters of a check, running it (or a scenario) safely."""
from __future__ import annotations

from typing import Any

import streamlit as st

from geo import coverage as gc
from geo import osmtags, settings
from geo.bilingual import Bilingual
from geo.errors import ZJError
from layers import coverage as cov
from layers.coverage import report as coverage_report
from layers.text import t
from layers.ui import coverage_result, coverage_zones, state
from layers.ui.common import guarded, latest_polygon, md

__all__ = ["render"]

ss = st.session_state


def _number(col: Any, lang: str, label: str, name: str, key: str, default: float) -> float:
    """A number input whose range is the one a project file may carry (cov.SETTING_KEYS)."""
    low, high = cov.SETTING_KEYS[name][1]
    return col.number_input(t(lang, label), low, high, default, settings.UI_COVERAGE_STEPS[name], key=key)


def _parameters(lang: str, check: str) -> dict[str, Any]:
    """The check's parameters (defaults from geo.settings, with their sources shown)."""
    src_note = settings.PARAMETER_SOURCES
    with st.expander(t(lang, "cov_params"), expanded=True):
        if check == "green5":
            p1, p2, p3, p4, p5 = st.columns(5)
            params: dict[str, Any] = {"minutes": _number(p1, lang, "cov_minutes", "minutes", "cov_min", settings.GREEN_WALK_MINUTES),
                      "speed_kmh": _number(p2, lang, "cov_speed", "speed_kmh", "cov_speed", settings.WALK_SPEED_KMH),
                      "min_area_m2": _number(p3, lang, "cov_min_area", "min_area_m2", "cov_mina",
                                             settings.GREEN_MIN_AREA_M2),
                      "tolerance_m": _number(p4, lang, "cov_tolerance", "tolerance_m", "cov_tol",
                                             settings.GREEN_ACCESS_TOLERANCE_M),
                      "approach_m": _number(p5, lang, "cov_approach", "approach_m", "cov_appr",
                                            settings.SOURCE_APPROACH_M)}
            notes = [src_note[k] for k in ("minutes", "speed_kmh", "min_area_m2", "green_target",
                                           "access_tolerance_m", "approach_m")]
        elif check == "life15":
            p1, p2, p3 = st.columns([1, 3, 1])
            state.seed(ss, "cov_cats", list(gc.LIFE_CATEGORIES))
            params = {"distance_m": _number(p1, lang, "cov_distance", "distance_m", "cov_dist",
                                            settings.LIFE_CIRCLE_DISTANCE_M),
                      "categories": tuple(p2.multiselect(
                          t(lang, "cov_categories"), list(gc.LIFE_CATEGORIES), key="cov_cats",
                          format_func=lambda c: Bilingual(*osmtags.CATEGORY_LABELS[c]).get(lang))),
                      "approach_m": _number(p3, lang, "cov_approach", "approach_m", "cov_appr",
                                            settings.SOURCE_APPROACH_M)}
            notes = [src_note[k] for k in ("life_distance_m", "life_target", "approach_m")]
        else:
            picked = st.multiselect(t(lang, "cov_metro_d"), list(cov.SETTING_KEYS["metro_distances_m"][1]),
                                    default=list(settings.METRO_CATCHMENT_M), key="cov_metro_d")
            params = {"distances_m": tuple(picked)}
            notes = [src_note["metro_distances_m"]]
        st.caption(" · ".join(md(n) for n in notes))
    return params


def _own_data(lang: str, per_zone: bool = True) -> tuple[dict, Any, str]:
    """Imported layers replacing OSM inputs, and (``per_zone``) zones for per-zone figures."""
    with st.expander(t(lang, "cov_own")):
        st.caption(t(lang, "cov_own_hint"))
        names = ["—"] + list(ss.imported)
        own = {k: ss.imported.get(st.selectbox(t(lang, f"cov_own_{k}"), names, key=f"cov_own_{k}"))
               for k in ("green", "demand", "facilities", "stations")}
        zones = ss.imported.get(st.selectbox(t(lang, "cov_towns"), names, key="cov_zones")) if per_zone else None
        zone_col = st.selectbox(t(lang, "cov_towns_col"), [c for c in zones.columns if c != zones.geometry.name],
                                key="cov_zone_col") if zones is not None else "name"
    return own, zones, zone_col


def render(lang: str) -> None:
    """Coverage checks: inputs and parameters, the figures against the target, downloads."""
    src = st.radio(t(lang, "cov_source"), ["test", "shanghai", "path"], key="cov_src", horizontal=False,
                   format_func=lambda k: t(lang, f"cov_src_{k}"))
    path = st.text_input(t(lang, "cov_path"), key="cov_path") if src == "path" else None
    mode = st.radio(t(lang, "cov_mode"), ["area", "zones"], key="cov_mode", horizontal=True,
                    format_func=lambda m: t(lang, f"cov_mode_{m}"))
    c1, c2, c3 = st.columns(3)
    if mode == "zones":  # every zone (district, town) at once: layers.ui.coverage_zones
        choice, column = coverage_zones.choose(lang, c1)
        state.keep(ss, "cov_area", "cov_zones", "cov_zone_col")
    else:
        state.keep(ss, "covz_zones", "covz_col")
    mine = _imported_areas()
    areas = list(cov.AREAS) + (["drawn"] if latest_polygon() is not None else []) + list(mine)
    if ss.get("cov_area") not in areas:
        ss.pop("cov_area", None)  # an imported layer since removed
    state.seed(ss, "cov_area", "extract" if src == "test" else areas[0])
    area = c1.selectbox(t(lang, "cov_area"), areas, key="cov_area",
                        format_func=lambda a: mine.get(a) or cov.label(cov.AREA_LABELS, a, lang)) \
        if mode == "area" else ss.get("cov_area", areas[0])
    check = c2.selectbox(t(lang, "cov_check"), list(gc.CHECKS), key="cov_check",
                         format_func=lambda c: cov.label(cov.CHECK_LABELS, c, lang))
    kinds = [k for k in gc.DEMAND_KINDS if k != "custom"]
    state.seed(ss, f"cov_demand_{src}", "area" if src == "test" else kinds[0])  # Helsinki: little housing
    demand = c3.selectbox(t(lang, "cov_demand"), kinds + ["custom", "parcels"], key=f"cov_demand_{src}",
                          format_func=lambda k: cov.label(cov.DEMAND_LABELS, k, lang))
    parcels = _parcels(lang) if demand == "parcels" else None
    params = _parameters(lang, check)
    own, zones, zone_col = _own_data(lang, per_zone=mode == "area")
    if demand == "parcels":  # the parcel layer is the demand
        own = {**own, "demand": None, "parcels": None if parcels is None else ss.imported[parcels["name"]]}
    with st.expander(t(lang, "cov_rules")):
        st.markdown(f"**{t(lang, 'cov_method')}**")
        st.dataframe(coverage_report.table(coverage_report.method_rows(lang), lang), hide_index=True)
        st.dataframe(osmtags.describe_rules(lang), hide_index=True)
    if mode == "zones":
        coverage_zones.render(lang, src, path, check, demand, params, own, parcels, choice, column)
        return

    b1, b2 = st.columns(2)
    run = b1.button(t(lang, "cov_run"), type="primary", key="cov_run")
    scen = b2.button(t(lang, "cov_scenario_btn"), key="cov_scen", disabled=check != "green5")
    if run or scen:
        new = latest_polygon() if scen else None
        if scen and new is None:
            st.warning(t(lang, "cov_scenario_none"))
        elif guarded(_run_coverage, lang, src, path, area, check, demand, params, own, zones, zone_col, new, parcels,
                         failed=t(lang, "cov_failed"), what="coverage check"):
            st.rerun()
    coverage_result.render(lang)


def _parcels(lang: str) -> dict[str, Any] | None:
    """Demand "parcels": the imported parcel layer, its land-use code column (as recognised)
    and its weight column (population or floor area by name, else the area); what they give."""
    from geo.landuse import recognise
    from geo.parcels import guess_weight_column, parcel_demand
    names = [n for n, f in ss.imported.items() if f.geom_type.isin(["Polygon", "MultiPolygon"]).any()]
    if not names:
        st.info(t(lang, "cov_parcels_none"))
        return None
    if ss.get("cov_parcels") not in names:
        ss.pop("cov_parcels", None)  # a layer since removed
    p1, p2, p3 = st.columns(3)
    name = p1.selectbox(t(lang, "cov_parcels_layer"), names, key="cov_parcels")
    frame = ss.imported[name]
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    if ss.get("cov_parcels_code") not in columns:
        ss.pop("cov_parcels_code", None)
        state.seed(ss, "cov_parcels_code", recognise.guess_code_column(frame) or next(iter(columns), None))
    code = p2.selectbox(t(lang, "cov_parcels_code"), columns, key="cov_parcels_code")
    if ss.get("cov_parcels_weight") not in ["area", *columns]:
        ss.pop("cov_parcels_weight", None)
        state.seed(ss, "cov_parcels_weight", guess_weight_column(frame) or "area")
    weight = p3.selectbox(t(lang, "cov_parcels_weight"), ["area", *columns], key="cov_parcels_weight",
                          format_func=lambda c: t(lang, "cov_parcels_by_area") if c == "area" else c)
    options = {"name": name, "code_column": code, "weight_column": weight}
    try:
        chosen = parcel_demand(frame, **options)
    except ZJError as exc:
        st.warning(str(exc))
    else:
        st.caption(f"{md(chosen.description.get(lang))} · {md(chosen.dropped_text.get(lang))}")
    return options


def _imported_areas() -> dict[str, str]:
    """The planner's layers with polygons (a traced boundary, an upload), as analysis areas: id → label."""
    return {f"mine:{name}": f"⬆ {name}" for name, frame in ss.imported.items()
            if frame.geom_type.isin(["Polygon", "MultiPolygon"]).any()}


def _area(area: str) -> Any:
    """What cov.run takes as the area: a catalogue id or "extract", or a polygon (drawn or imported)."""
    if area == "drawn":
        return latest_polygon()
    if area.startswith("mine:"):
        frame = ss.imported[area[5:]]
        return frame[frame.geom_type.isin(["Polygon", "MultiPolygon"])].geometry.union_all()
    return area


def _run_coverage(lang: str, src: str, path: str | None, area: str, check: str, demand: str, params: dict,
                  own: dict, zones: Any, zone_col: str, new: Any, parcels: dict | None = None) -> None:
    import geopandas as gpd

    from geo.osm import resolve_osm
    with st.spinner(t(lang, "cov_running")):
        bar = st.progress(0.0) if src == "shanghai" else None
        progress = (lambda done, total: bar.progress(min(1.0, done / total)) if total else None) if bar else False
        osm = resolve_osm({"test": "helsinki", "shanghai": "shanghai"}.get(src, path or ""), progress=progress)
        new_green = None if new is None else gpd.GeoDataFrame(geometry=[new], crs="EPSG:4326")
        run = cov.run(osm, _area(area), check, params, demand_kind=demand,
                      own=own, zones=zones, zone_column=zone_col, new_green=new_green, parcels=parcels)
    r, sc = run.result, run.scenario
    if area.startswith("mine:"):
        r.area = f"⬆ {area[5:]}"  # the figures name the planner's layer, not "drawn polygon"
    n = ss.get("coverage_n", 0) + 1
    ss.coverage_n = n
    ss.coverage = {"id": n, "figures": r.to_dict(), "zones": r.zones, "layers": run.layers(),
                   "table": {lg: cov.figures_table(r, lg) for lg in ("zh", "en")},
                   "title": {lg: cov.label(cov.CHECK_LABELS, check, lg) for lg in ("zh", "en")},
                   "scenario": None if sc is None else {"before": sc.before.share, "after": sc.after.share,
                                                        "new_km2": sc.new_km2},
                   "attribution": run.inputs.attribution}
    if new is None:  # open the map on the analysis area (a scenario keeps the planner's view)
        ss.fly = cov.area_bounds(run.study)
