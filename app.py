"""张江科学城规划图 / Zhangjiang Science City planning map — the Streamlit UI.

UI only. The map comes from layers.webmap, search from layers.catalogue.search, drawing figures
from layers.analysis, the shareable view from layers.webmap.viewstate, the indicator tables
from layers.catalogue.indicators and the interface text from layers.text.ui.
Run: .venv/bin/streamlit run app.py
"""
from __future__ import annotations

import json
import sys

import streamlit as st
from streamlit_folium import st_folium

import layers
from geo.errors import ZJError
from layers.analysis import drawn as analysis
from layers.catalogue import indicators
from layers.catalogue import search
from layers.webmap import templatecache
from layers.webmap import viewstate
from layers.coverage import services as cov
from layers.coverage import report as coverage_report
from layers.io import userlayers
from layers.coverage.mapping import add_coverage
from layers.text import LANG_CHOICES, t
from layers.webmap.drawings import add_drawings, is_planner_drawing
from layers.catalogue.summary import catalogue_summary, catalogue_table
from layers.webmap.core import available_basemaps, build_map_report, drawings_to_wgs84, layer_bounds

templatecache.install()
st.set_page_config(page_title="张江科学城规划图 / Zhangjiang Science City", layout="wide")
ss = st.session_state
qp = st.query_params
BASEMAP_IDS = tuple(available_basemaps())


def _md(text: str) -> str:
    """Escape Markdown so names and messages show as written."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in str(text))


@st.cache_data(show_spinner=False)
def _summary() -> list[dict]:
    return catalogue_summary()


def _map(layer_ids: tuple[str, ...], lang: str, basemap: str | None, opacity: tuple, meeting: bool,
         title: str | None, view: tuple, drawings: str, result: dict | None = None):
    """The map for these inputs. It is rebuilt on every run (folium maps cannot be rendered
    twice); the layer data behind it are cached in layers.webmap, and streamlit-folium
    keeps the map in the browser as it is when the rebuilt map has the same structure."""
    build = build_map_report(list(layer_ids), lang, basemap=basemap, opacity=dict(opacity), meeting=meeting,
                             title=title, url_sync=True, **dict(view))
    coords = available_basemaps()[basemap].coords if basemap in available_basemaps() else "wgs84"
    userlayers.add_user_layers(build.map, ss.imported, coords)
    add_drawings(build.map, json.loads(drawings), lang, coords)
    if result is not None:
        add_coverage(build.map, result["layers"], lang, result["title"][lang], coords)
    return build


def _latest_polygon():
    for d in reversed(ss.drawings):
        try:
            g = analysis.drawn_geometry(d, region=None)  # the test extract lies outside Shanghai
        except ZJError:
            continue
        if g.geom_type in ("Polygon", "MultiPolygon"):
            return g
    return None


def _coverage_tab(lang: str) -> None:
    """Coverage checks: inputs and parameters, the figures against the target, downloads."""
    from geo import coverage as gc, osmtags, settings
    src = st.radio(t(lang, "cov_source"), ["test", "shanghai", "path"], key="cov_src", horizontal=False,
                   format_func=lambda k: t(lang, f"cov_src_{k}"))
    path = st.text_input(t(lang, "cov_path"), key="cov_path") if src == "path" else None
    c1, c2, c3 = st.columns(3)
    areas = list(cov.AREAS) + (["drawn"] if _latest_polygon() is not None else [])
    area = c1.selectbox(t(lang, "cov_area"), areas, key=f"cov_area_{lang}",
                        index=areas.index("extract") if src == "test" else 0,
                        format_func=lambda a: cov.label(cov.AREA_LABELS, a, lang))
    check = c2.selectbox(t(lang, "cov_check"), list(gc.CHECKS), key=f"cov_check_{lang}",
                         format_func=lambda c: cov.label(cov.CHECK_LABELS, c, lang))
    kinds = [k for k in gc.DEMAND_KINDS if k != "custom"]
    demand = c3.selectbox(t(lang, "cov_demand"), kinds + ["custom"], key=f"cov_demand_{src}_{lang}",
                          index=kinds.index("area") if src == "test" else 0,  # Helsinki: little housing
                          format_func=lambda k: cov.label(cov.DEMAND_LABELS, k, lang))
    src_note = settings.PARAMETER_SOURCES
    with st.expander(t(lang, "cov_params"), expanded=True):
        if check == "green5":
            p1, p2, p3, p4, p5 = st.columns(5)
            params = {"minutes": p1.number_input(t(lang, "cov_minutes"), 1.0, 30.0, settings.GREEN_WALK_MINUTES, 1.0, key="cov_min"),
                      "speed_kmh": p2.number_input(t(lang, "cov_speed"), 1.0, 8.0, settings.WALK_SPEED_KMH, 0.1, key="cov_speed"),
                      "min_area_m2": p3.number_input(t(lang, "cov_min_area"), 0.0, 1e6, settings.GREEN_MIN_AREA_M2, 100.0, key="cov_mina"),
                      "tolerance_m": p4.number_input(t(lang, "cov_tolerance"), 0.0, 50.0, settings.GREEN_ACCESS_TOLERANCE_M, 1.0, key="cov_tol"),
                      "approach_m": p5.number_input(t(lang, "cov_approach"), 0.0, 200.0, settings.SOURCE_APPROACH_M, 5.0, key="cov_appr")}
            notes = [src_note[k] for k in ("minutes", "speed_kmh", "min_area_m2", "green_target", "access_tolerance_m", "approach_m")]
        elif check == "life15":
            p1, p2, p3 = st.columns([1, 3, 1])
            params = {"distance_m": p1.number_input(t(lang, "cov_distance"), 100.0, 2000.0, settings.LIFE_CIRCLE_DISTANCE_M, 50.0, key="cov_dist"),
                      "categories": tuple(p2.multiselect(t(lang, "cov_categories"), list(gc.LIFE_CATEGORIES), default=list(gc.LIFE_CATEGORIES),
                                                         key=f"cov_cats_{lang}", format_func=lambda c: osmtags.CATEGORY_LABELS[c][0 if lang == "zh" else 1])),
                      "approach_m": p3.number_input(t(lang, "cov_approach"), 0.0, 200.0, settings.SOURCE_APPROACH_M, 5.0, key="cov_appr")}
            notes = [src_note[k] for k in ("life_distance_m", "life_target", "approach_m")]
        else:
            picked = st.multiselect(t(lang, "cov_metro_d"), [400.0, 500.0, 600.0, 800.0, 1000.0],
                                    default=list(settings.METRO_CATCHMENT_M), key="cov_metro_d")
            params = {"distances_m": tuple(picked)}
            notes = [src_note["metro_distances_m"]]
        st.caption(" · ".join(_md(n) for n in notes))
    with st.expander(t(lang, "cov_own")):
        st.caption(t(lang, "cov_own_hint"))
        names = ["—"] + list(ss.imported)
        own = {k: ss.imported.get(st.selectbox(t(lang, f"cov_own_{k}"), names, key=f"cov_own_{k}"))
               for k in ("green", "demand", "facilities", "stations")}
        zones = ss.imported.get(st.selectbox(t(lang, "cov_towns"), names, key="cov_zones"))
        zone_col = st.selectbox(t(lang, "cov_towns_col"), [c for c in zones.columns if c != zones.geometry.name],
                                key="cov_zone_col") if zones is not None else "name"
    with st.expander(t(lang, "cov_rules")):
        st.markdown(f"**{t(lang, 'cov_method')}**")
        st.dataframe(coverage_report.table(coverage_report.method_rows(lang), lang), hide_index=True)
        st.dataframe(osmtags.describe_rules(lang), hide_index=True)

    b1, b2 = st.columns(2)
    run = b1.button(t(lang, "cov_run"), type="primary", key="cov_run")
    scen = b2.button(t(lang, "cov_scenario_btn"), key="cov_scen", disabled=check != "green5")
    if run or scen:
        new = _latest_polygon() if scen else None
        if scen and new is None:
            st.warning(t(lang, "cov_scenario_none"))
        elif _try_coverage(lang, src, path, area, check, demand, params, own, zones, zone_col, new):
            st.rerun()
    _coverage_result(lang)


def _try_coverage(*args) -> bool:
    """Run the check; a failure is shown as a message and the app (and the last result) stays."""
    try:
        _run_coverage(*args)
    except ZJError as exc:
        st.error(str(exc))
    except Exception as exc:  # keep the app up; the planner's other work stays
        st.error(f"{t(args[0], 'cov_failed')}: {_md(type(exc).__name__)}: {_md(exc)}")
        print(f"coverage check failed: {exc!r}", file=sys.stderr)
    else:
        return True
    return False


def _run_coverage(lang, src, path, area, check, demand, params, own, zones, zone_col, new) -> None:
    import geopandas as gpd
    from geo.osm import resolve_osm
    with st.spinner(t(lang, "cov_running")):
        bar = st.progress(0.0) if src == "shanghai" else None
        progress = (lambda done, total: bar.progress(min(1.0, done / total)) if total else None) if bar else False
        osm = resolve_osm({"test": "helsinki", "shanghai": "shanghai"}.get(src, path or ""), progress=progress)
        new_green = None if new is None else gpd.GeoDataFrame(geometry=[new], crs="EPSG:4326")
        run = cov.run(osm, _latest_polygon() if area == "drawn" else area, check, params, demand_kind=demand,
                      own=own, zones=zones, zone_column=zone_col, new_green=new_green)
    r, sc = run.result, run.scenario
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


def _coverage_result(lang: str) -> None:
    res = ss.get("coverage")
    if res is None:
        return
    f = res["figures"]
    cols = st.columns(4)
    cols[0].metric(t(lang, "cov_share"), f"{100 * f['share']:.1f}%" if f["share"] is not None else "-",
                   None if f["target"] is None else f"{t(lang, 'cov_target')} {100 * f['target']:.0f}%",
                   delta_color="off", delta_arrow="off")
    if f["meets_target"] is not None:
        (cols[0].success if f["meets_target"] else cols[0].error)(t(lang, "cov_met" if f["meets_target"] else "cov_not_met"))
    cols[1].metric(t(lang, "cov_buffer"), f"{100 * f['share_buffer']:.1f}%" if f["share_buffer"] is not None else "-")
    if f["weight"] == "area":
        cols[2].metric(t(lang, "cov_covered"), f"{f['covered_km2']:.3f} km²",
                       f"/ {f['total_km2']:.3f} km²", delta_color="off", delta_arrow="off")
    cols[3].metric(t(lang, "cov_time"), f"{f['elapsed_s']:.2f} s")
    if res["scenario"]:
        s = res["scenario"]
        c = st.columns(3)
        c[0].metric(t(lang, "cov_before"), f"{100 * s['before']:.1f}%")
        c[1].metric(t(lang, "cov_after"), f"{100 * s['after']:.1f}%", f"{100 * (s['after'] - s['before']):+.1f}%")
        c[2].metric(t(lang, "cov_new_km2"), f"{s['new_km2']:.3f} km²")
    st.dataframe(res["table"][lang], hide_index=True)
    if res["zones"] is not None:
        st.markdown(f"**{t(lang, 'cov_by_zone')}**")
        st.dataframe(res["zones"], hide_index=True)
    if f["notes"]:
        st.caption(f"{t(lang, 'cov_notes')}: " + "; ".join(_md(n) for n in f["notes"]))
    with st.expander(t(lang, "cov_inputs")):
        st.dataframe(coverage_report.table(coverage_report.inputs_rows(f.get("inputs") or {}, lang), lang),
                     hide_index=True)
    st.caption(_md(res["attribution"]))
    st.toggle(t(lang, "cov_show"), value=True, key="coverage_show")
    d1, d2, d3, d4 = st.columns(4)
    d1.download_button(f"{t(lang, 'cov_download')} GeoPackage", cov.export_bytes(res["layers"], "gpkg"),
                       file_name=f"coverage_{f['check']}.gpkg", key="cov_dl_gpkg")
    d2.download_button(f"{t(lang, 'cov_download')} GeoJSON", cov.export_bytes(res["layers"], "geojson"),
                       file_name=f"gaps_{f['check']}.geojson", key="cov_dl_geojson")
    d3.download_button(f"{t(lang, 'cov_download')} JSON", json.dumps(f, ensure_ascii=False, indent=1),
                       file_name=f"coverage_{f['check']}.json", key="cov_dl_json")
    if d4.button(t(lang, "cov_clear"), key="cov_clear"):
        ss.pop("coverage", None)
        st.rerun()


def _print_panel(lang: str) -> None:
    """A print button: preset, paper, format and title → a PDF or PNG to download."""
    from layers.printing import core as printmap
    presets = [p for p in printmap.PRESETS if p != "coverage" or ss.get("coverage")]
    c1, c2, c3 = st.columns([3, 1, 1])
    preset = c1.selectbox(t(lang, "print_preset"), presets, key=f"print_preset_{lang}",
                          format_func=lambda p: printmap.PRESETS[p].title(lang))
    paper = c2.selectbox(t(lang, "print_paper"), ["A3", "A4"], key="print_paper")
    fmt = c3.selectbox(t(lang, "print_format"), ["pdf", "png"], key="print_format",
                       format_func=lambda f: "PDF (矢量 vector)" if f == "pdf" else "PNG 300 dpi")
    title = st.text_input(t(lang, "print_title"), value=printmap.PRESETS[preset].title(lang),
                          key=f"print_title_{preset}_{lang}")
    if st.button(t(lang, "print_make"), key="print_make"):
        extra = None
        if preset == "coverage":
            res = ss.coverage
            extra = {**res["layers"], "title": res["title"][lang], "attribution": res["attribution"]}
        try:
            with st.spinner(t(lang, "print_making")):
                fig = printmap.render(preset, lang=lang, paper=paper, title=title or None, extra=extra)
                data = printmap.to_bytes(fig, fmt)
                import matplotlib.pyplot as plt
                plt.close(fig)
            ss.print_file = (printmap.default_filename(preset, paper, fmt), data, fmt)
        except ZJError as exc:
            st.error(str(exc))
    if ss.get("print_file"):
        name, data, fmt = ss.print_file
        st.download_button(f"{t(lang, 'cov_download')} {name}", data, file_name=name,
                           mime="application/pdf" if fmt == "pdf" else "image/png", key="print_dl")


def _drawings_frame():
    """The session's drawings as a WGS84 frame (None when there are none)."""
    import geopandas as gpd
    geoms = []
    for d in ss.drawings:
        try:
            geoms.append(analysis.drawn_geometry(d, region=None))
        except ZJError:
            continue
    if not geoms:
        return None
    names = [f"绘制 {i} / drawing {i}" for i in range(1, len(geoms) + 1)]
    return gpd.GeoDataFrame({"name_zh": names, "name_en": names}, geometry=geoms, crs="EPSG:4326")


def _export_panel(lang: str, selected: list[str], state) -> None:
    """Layer files (catalogue layers, drawings, coverage results) and the standalone HTML map."""
    from layers.io import export
    from layers.webmap import standalone
    extras = ([("drawings", t(lang, "exp_drawings"))] if ss.drawings else []) + \
        ([("coverage", t(lang, "exp_coverage"))] if ss.get("coverage") else [])
    extras += [(f"imported:{n}", f"⬆ {n}") for n in ss.imported]
    options = [spec.id for spec in layers.LAYERS] + [k for k, _ in extras]
    labels = dict(extras)
    picked = st.multiselect(t(lang, "exp_layers"), options, default=[i for i in selected if i in options],
                            key=f"exp_layers_{lang}",
                            format_func=lambda i: labels.get(i) or layers.get_spec(i).title(lang))
    c1, c2 = st.columns(2)
    fmt = c1.selectbox(t(lang, "exp_format"), list(export.FORMATS), key="exp_format",
                       format_func=lambda f: export.FORMATS[f].label(lang))
    crs = c2.selectbox(t(lang, "exp_crs"), list(export.CRS_CHOICES), key="exp_crs",
                       format_func=lambda c: export.CRS_CHOICES[c].label(lang))
    if crs == "gcj02":
        st.warning(t(lang, "exp_gcj_warning"))
    b1, b2 = st.columns(2)
    if b1.button(t(lang, "exp_make"), key="exp_make", disabled=not picked):
        try:
            frames = {i: layers.load(i) for i in picked if i not in labels and ":" not in i}
            if "drawings" in picked:
                frames["my_drawings"] = _drawings_frame()
            frames.update({i.split(":", 1)[1]: ss.imported[i.split(":", 1)[1]] for i in picked
                           if i.startswith("imported:")})
            if "coverage" in picked:
                frames.update({f"coverage_{k}": v for k, v in ss.coverage["layers"].items()})
            provenance = {k: export.OSM_DERIVED_PROVENANCE for k in frames if k.startswith("coverage_")}
            ss.export_file = export.export_bytes(frames, fmt, crs, provenance=provenance)
        except ZJError as exc:
            st.error(str(exc))
    if ss.get("export_file"):
        name, data = ss.export_file
        b1.download_button(f"{t(lang, 'cov_download')} {name}", data, file_name=name, key="exp_dl")
    if b2.button(t(lang, "exp_html"), key="exp_html"):
        res = ss.get("coverage")
        decorate = (lambda m: add_coverage(m, res["layers"], lang, res["title"][lang])) if res else None
        try:
            html_text = standalone.standalone_html(selected, lang, title=ss.get(f"title_{lang}") or None,
                                                   decorate=decorate, **ss.map_view)
            ss.html_file = html_text.encode("utf-8")
        except ZJError as exc:
            st.error(str(exc))
    if ss.get("html_file"):
        b2.download_button(f"{t(lang, 'cov_download')} zhangjiang_map.html", ss.html_file,
                           file_name="zhangjiang_map.html", mime="text/html", key="html_dl")


def _import_panel(lang: str) -> None:
    """Import a planner's file (choosing layer and CRS when needed); open and save projects."""
    with st.expander(t(lang, "imp_title"), expanded=bool(ss.imported or ss.get("imp_pending"))):
        # a form: "Import" cannot be pressed while the file is still uploading
        with st.form(f"imp_form_{ss.get('imp_nonce', 0)}", border=False):
            up = st.file_uploader(t(lang, "imp_file"), key=f"imp_up_{ss.get('imp_nonce', 0)}",
                                  type=["geojson", "json", "gpkg", "zip", "kml", "kmz", "csv", "txt", "tsv"])
            choice = st.selectbox(t(lang, "imp_crs"), list(userlayers.CRS_CHOICES), key="imp_crs",
                                  format_func=lambda c: userlayers.crs_choice_label(c, lang))
            swap = st.checkbox(t(lang, "imp_swap"), key="imp_swap")
            split = st.checkbox(t(lang, "imp_split"), key="imp_split")
            go = st.form_submit_button(t(lang, "imp_go"), key="imp_go", type="primary")
        if go and up is None:
            st.warning(t(lang, "imp_nofile"))
        elif go:
            ss.imp_pending = None
            ss.imp_file = _save_upload(up)
            _import(lang, choice=choice, swap=swap, split_mixed=split)
        _import_pending(lang)
        if ss.get("imp_message"):
            st.success(ss.imp_message)
        for name in list(ss.imported):
            m = userlayers.measure_layer(ss.imported[name])
            c1, c2 = st.columns([3, 2], vertical_alignment="center")
            shown = userlayers.shown_count(ss.imported[name])
            c1.caption(f"⬆ {_md(name)}: {m['features']} · {m['area_km2']:.3f} km² · {m['length_km']:.2f} km"
                       + (f" · {t(lang, 'imp_shown')} {shown:,}" if shown < m["features"] else ""))
            if c2.button(t(lang, "imp_remove_btn"), key=f"imp_rm_{name}", help=t(lang, "imp_remove")):
                ss.imported = {k: v for k, v in ss.imported.items() if k != name}
                ss.imp_message = None
                st.rerun()
        st.divider()
        _project_panel(lang)


def _my_layers_tab(lang: str) -> None:
    """The planner's imported layers: figures, attributes, and how they sit against other layers."""
    if not ss.imported:
        st.caption(t(lang, "mine_none"))
        return
    name = st.selectbox(t(lang, "mine_layer"), list(ss.imported), key="mine_layer")
    frame = ss.imported[name]
    m = userlayers.measure_layer(frame)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t(lang, "mine_features"), f"{m['features']:,}")
    c2.metric(t(lang, "area"), f"{m['area_km2']:,.3f} km²")
    c3.metric(t(lang, "length"), f"{m['length_km']:,.2f} km")
    if c4.button(t(lang, "fly_to"), key="mine_fly"):
        ss.fly = userlayers.bounds_of([frame])
        st.rerun()
    st.dataframe(frame.drop(columns=frame.geometry.name).head(500), hide_index=True)  # shown as text
    targets = {f"layer:{s.id}": s.title(lang) for s in layers.LAYERS if s.is_areal}
    if ss.get("coverage"):
        targets["gaps"] = t(lang, "mine_gaps")
    targets.update({f"mine:{n}": f"⬆ {n}" for n in ss.imported if n != name})
    key = st.selectbox(t(lang, "mine_against"), list(targets), key="mine_against",
                       format_func=lambda k: targets[k])
    try:
        table, tot = (userlayers.overlay_with(frame, layer_id=key[6:]) if key.startswith("layer:") else
                      userlayers.overlay_with(frame, ss.coverage["layers"]["gap"] if key == "gaps"
                                              else ss.imported[key[5:]]))
    except ZJError as exc:
        st.error(str(exc))
        return
    c1, c2, c3 = st.columns(3)
    c1.metric(t(lang, "mine_touching"), f"{tot['touching']} / {tot['features']}")
    c2.metric(t(lang, "mine_inside"), f"{tot['inside_km2']:,.3f} km²")
    c3.metric(t(lang, "mine_share"), f"{tot['share']:.1%}")
    st.dataframe(table.rename(columns={c: t(lang, f"mine_col_{c}") for c in table.columns}).round(4),
                 hide_index=True)


def _save_upload(up) -> str:
    """Write an upload into a private temporary folder of its own; the path."""
    return str(userlayers.save_upload(up.name, up.getvalue()))


def _drop_upload() -> None:
    userlayers.drop_upload(ss.get("imp_file"))
    ss.imp_file = None
    ss.imp_pending = None


def _import(lang: str, **kw) -> None:
    """Import the saved upload; keep it pending when a layer or CRS must be chosen."""
    res = userlayers.import_upload(ss.imp_file, existing=ss.imported, **kw)
    if res.status == "ok":
        ss.imported = {**ss.imported, **res.frames}
        info = res.info
        ss.imp_message = (f"{t(lang, 'imp_done')}: " + ", ".join(_md(n) for n in res.frames)
                          + f" · {info['features']} · {_md(info['crs_used'])}"
                          + "".join(f"\n- {_md(line)}" for line in info["fixes"] + info["warnings"]))
        ss.fly = userlayers.bounds_of(res.frames.values())  # show the planner what came in
        ss.imp_nonce = ss.get("imp_nonce", 0) + 1  # a fresh, empty uploader
        _drop_upload()
        st.rerun()
    ss.imp_message = None
    if res.status == "error" and not res.candidates:
        _drop_upload()
    else:  # a layer or CRS to choose: keep the file until the planner does
        ss.imp_pending = {"status": res.status, "message": res.message, "candidates": res.candidates,
                          "layers": res.layers, "kw": kw}
    if res.status == "error":
        ss.imp_error = res.message
    st.rerun()


def _import_pending(lang: str) -> None:
    """The error of the last import, or the choice it waits for (layer, CRS)."""
    if ss.get("imp_error"):
        st.error(ss.imp_error)
        ss.imp_error = None
    pend = ss.get("imp_pending")
    if not pend:
        return
    kw = dict(pend["kw"])
    if pend["status"] == "layer":
        st.info(pend["message"])
        layer = st.selectbox(t(lang, "imp_layer"), pend["layers"], key="imp_layer")
        if st.button(t(lang, "imp_go_layer"), key="imp_go_layer"):
            _import(lang, **{**kw, "layer": layer})
        return
    if pend["status"] == "confirm":
        st.warning(t(lang, "imp_confirm") + "\n\n" + _md(pend["message"]))
    cands = pend["candidates"]
    pick = st.radio(t(lang, "imp_candidates"), range(len(cands)), key="imp_cand",
                    format_func=lambda i: cands[i].label)
    b1, b2 = st.columns(2)
    if b1.button(t(lang, "imp_use"), key="imp_use", type="primary"):
        c = cands[pick]
        _import(lang, **{**kw, "choice": c.crs, "swap": c.swap != kw.get("swap", False)})
    if b2.button(t(lang, "imp_cancel"), key="imp_cancel"):
        _drop_upload()
        st.rerun()


def _project_panel(lang: str) -> None:
    """Save the planner's work as a project file; open one (its layers join the current work)."""
    from layers.io import project
    prj = project.Project(
        name=t(lang, "app_title"), layers=dict(ss.imported), drawings=list(ss.drawings),
        coverage={"settings": cov.settings_from_state(ss, lang),
                  "figures": (ss.get("coverage") or {}).get("figures")},
        view={"layers": [s.id for s in layers.LAYERS if ss.get(f"layer_{s.id}")],
              "basemap": ss.basemap_value, "lang": lang})
    # written only when the planner clicks (a deferred download): no cost on other reruns
    st.download_button(t(lang, "prj_save"), lambda: project.to_bytes(prj), file_name="zhangjiang_project.gpkg",
                       mime="application/geopackage+sqlite3", key="prj_save", on_click="ignore",
                       disabled=not (ss.imported or ss.drawings or ss.get("coverage")))
    with st.form(f"prj_form_{ss.get('prj_nonce', 0)}", border=False):
        opened = st.file_uploader(t(lang, "prj_open"), type=["gpkg"], key=f"prj_open_{ss.get('prj_nonce', 0)}")
        go = st.form_submit_button(t(lang, "prj_open_go"), key="prj_open_go")
    if go and opened is None:
        st.warning(t(lang, "imp_nofile"))
    elif go:
        try:
            loaded = project.from_bytes(opened.getvalue(), opened.name)
        except ZJError as exc:
            st.error(str(exc))
            return
        renamed = {}
        for name, frame in loaded.layers.items():  # nothing the planner has is replaced
            renamed[userlayers.unique_name(name, list(ss.imported) + list(renamed))] = frame
        ss.imported = {**ss.imported, **renamed}
        ss.drawings = list(ss.drawings) + [d for d in loaded.drawings if d not in ss.drawings]
        ss.pending_layers = [i for i in (loaded.view or {}).get("layers", []) if i in layers.layer_ids()]
        ss.pending_coverage = cov.state_from_settings((loaded.coverage or {}).get("settings", {}), lang,
                                                      ss.imported)
        ss.prj_nonce = ss.get("prj_nonce", 0) + 1
        ss.imp_message = t(lang, "prj_opened").format(layers=len(renamed), drawings=len(loaded.drawings))
        if renamed:
            ss.fly = userlayers.bounds_of(renamed.values())
        st.rerun()


# --- first run of a session: restore the view from the link -----------------------
if "view0" not in ss:
    v0 = viewstate.from_query(qp.to_dict(), basemaps=BASEMAP_IDS)
    ss.view0 = v0
    ss.lang_choice = next(k for k, v in LANG_CHOICES.items() if v == v0.lang)
    for spec in layers.LAYERS:
        ss[f"layer_{spec.id}"] = spec.id in v0.layers
    ss.opacity_values = v0.opacity_map()
    ss.basemap_value = v0.basemap or "none"
    ss.meeting = v0.meeting
    ss.drawings = []
    ss.fly = None
    ss.imported = {}  # the planner's own layers: this session only

# Changes asked for after the widgets were drawn (indicator links, leaving meeting mode)
# are applied here, before the widgets of this run exist.
for layer_id in ss.pop("pending_layers", []):
    ss[f"layer_{layer_id}"] = True
for key, value in (ss.pop("pending_coverage", None) or {}).items():
    ss[key] = value
if ss.pop("pending_meeting_off", False):
    ss.meeting = False

# --- sidebar: language, search, layers, basemap, meeting mode ----------------------
with st.sidebar:
    st.radio("语言 / Language", list(LANG_CHOICES), horizontal=True, key="lang_choice")
    lang = LANG_CHOICES[ss.lang_choice]

    query = st.text_input(t(lang, "search"), placeholder=t(lang, "search_hint"), key="search_q")
    if query.strip():
        hits = search.search(query)
        own_hits = userlayers.search_user(query, ss.imported)
        if hits:
            pick = st.selectbox(t(lang, "search_results"), range(len(hits)),
                                format_func=lambda i: hits[i].label(lang), key=f"search_pick_{lang}")
            if st.button(t(lang, "fly_to"), key="fly_btn"):
                hit = hits[pick]
                ss[f"layer_{hit.layer_id}"] = True
                ss.fly = hit.bounds
        if own_hits:
            own_pick = st.selectbox(t(lang, "imp_search"), range(len(own_hits)), key=f"own_pick_{lang}",
                                    format_func=lambda i: f"{own_hits[i][1]} · {own_hits[i][0]}")
            if st.button(t(lang, "fly_to"), key="own_fly_btn"):
                ss.fly = own_hits[own_pick][2]
        if not hits and not own_hits:
            st.caption(t(lang, "no_match"))

    st.header(t(lang, "layers"))
    for group, titles in layers.GROUPS.items():
        specs = [s for s in layers.LAYERS if s.group == group]
        if specs:
            st.subheader(titles[0] if lang == "zh" else titles[1])
            for spec in specs:
                st.checkbox(spec.title(lang), key=f"layer_{spec.id}")
    selected = [s.id for s in layers.LAYERS if ss[f"layer_{s.id}"]]

    _import_panel(lang)
    with st.expander(t(lang, "layer_settings")):
        for layer_id in selected:  # kept outside widget state: a hidden slider forgets its value
            ss.opacity_values[layer_id] = st.slider(
                f"{t(lang, 'opacity')}: {layers.get_spec(layer_id).title(lang)}", 0.0, 1.0,
                value=float(ss.opacity_values.get(layer_id, 1.0)), step=0.1, key=f"op_{layer_id}_{lang}")
        if selected:
            target = st.selectbox(t(lang, "zoom_to"), selected, key=f"zoom_pick_{lang}",
                                  format_func=lambda i: layers.get_spec(i).title(lang))
            if st.button(t(lang, "zoom_button"), key="zoom_btn"):
                try:
                    ss.fly = layer_bounds(target)
                except ZJError as exc:
                    st.error(str(exc))

    options = list(BASEMAP_IDS) + ["none"]  # a string: Streamlit shows None as "no choice"
    if ss.basemap_value not in options:
        ss.basemap_value = "carto"
    # the key carries the language so the option names follow the switch; the value survives it
    ss.basemap_value = st.selectbox(
        t(lang, "basemap"), options, index=options.index(ss.basemap_value), key=f"basemap_{lang}",
        format_func=lambda b: t(lang, "no_basemap") if b == "none" else available_basemaps()[b].title(lang))
    st.caption(t(lang, "offline"))

    st.toggle(t(lang, "meeting"), key="meeting")
    st.text_input(t(lang, "meeting_title"), value=t(lang, "app_title"), key=f"title_{lang}")
    st.caption(t(lang, "share"))
    if ss.view0.ignored:
        st.caption(f"{t(lang, 'ignored')}: {_md(', '.join(ss.view0.ignored))}")

# --- the view, written back to the URL -----------------------------------------------
opacity = {i: float(v) for i, v in ss.opacity_values.items() if i in selected and float(v) < 1.0}
state = viewstate.ViewState(lang=lang, layers=tuple(selected), basemap=None if ss.basemap_value == "none" else ss.basemap_value,
                            meeting=bool(ss.meeting), opacity=tuple(sorted(opacity.items())))
current = viewstate.from_query(qp.to_dict(), basemaps=BASEMAP_IDS)  # lat/lon/z as the map last wrote them
if ss.fly is not None:
    for key in ("lat", "lon", "z"):
        qp.pop(key, None)
    current = current.with_(lat=None, lon=None, zoom=None)
wanted = viewstate.to_query(state.with_(lat=current.lat, lon=current.lon, zoom=current.zoom))
for key in ("meet", "op"):
    if key not in wanted:
        qp.pop(key, None)
for key, value in wanted.items():
    if qp.get(key) != value:
        qp[key] = value

# Rebuild the map's opening view only when what it shows changes; otherwise reuse the last
# one, so a rerun caused by a drawing does not reset the map.
title = ss.get(f"title_{lang}") or t(lang, "app_title")
shown = ss.get("coverage") if ss.get("coverage_show", True) else None
# what the map shows; a new drawing or coverage result alone keeps the current view
content = (state.layers, state.basemap, lang, state.opacity, state.meeting, title, tuple(ss.imported))
if ss.fly is not None:
    view = {"fit": ss.fly}
    ss.fly = None
elif content != ss.get("content"):
    view = {"center": current.centre, "zoom": current.zoom}
else:
    view = ss.map_view
ss.content, ss.map_view = content, view

if state.meeting:
    st.markdown("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],"
                "header[data-testid='stHeader']{display:none}</style>", unsafe_allow_html=True)
    if st.button(t(lang, "exit_meeting"), key="exit_meeting"):
        ss.pending_meeting_off = True
        st.rerun()
else:
    st.title(t(lang, "app_title"))
    st.caption(t(lang, "app_subtitle"))

build = _map(tuple(selected), lang, state.basemap, state.opacity, state.meeting,
             title if state.meeting else None, tuple(sorted(view.items())), json.dumps(ss.drawings),
             shown)
if build.failed:  # one line per layer that could not be drawn; the rest of the map still shows
    st.warning("\n".join(f"- **{_md(f.title(lang))}** {t(lang, 'failed')}: {_md(f.message(lang))}"
                         for f in build.failed))
if not selected:
    st.info(t(lang, "none"))
out = st_folium(build.map, key="map", height=820 if state.meeting else 640, use_container_width=True,
                returned_objects=["last_active_drawing"])

# --- what the planner drew ----------------------------------------------------------
drawing = (out or {}).get("last_active_drawing")
if drawing and is_planner_drawing(drawing):
    drawing = drawings_to_wgs84([drawing], state.basemap)[0]  # drawn on GCJ-02 tiles → WGS84
if drawing and is_planner_drawing(drawing) and drawing not in ss.drawings:
    ss.drawings = ss.drawings + [drawing]

if not state.meeting:
    tab_draw, tab_mine, tab_cov, tab_out, tab_ind, tab_cat = st.tabs(
        [t(lang, "draw_title"), t(lang, "tab_mine"), t(lang, "tab_coverage"), t(lang, "tab_export"),
         t(lang, "tab_indicators"), t(lang, "tab_catalogue")])
    with tab_mine:
        _my_layers_tab(lang)
    with tab_out:
        _export_panel(lang, selected, state)
        st.divider()
        _print_panel(lang)
    with tab_cov:
        _coverage_tab(lang)
    with tab_draw:
        if not ss.drawings:
            st.caption(t(lang, "draw_hint"))
        for n, d in enumerate(reversed(ss.drawings), 1):
            try:
                geom = analysis.drawn_geometry(d, region=None)  # measured anywhere (test extract)
            except ZJError as exc:
                st.error(str(exc))
                continue
            m = analysis.measure(geom)
            cols = st.columns(3)
            if m["length_m"] is not None:
                cols[0].metric(t(lang, "length"), f"{m['length_m']:,.0f} m")
            if m["area_km2"] is not None:
                cols[0].metric(t(lang, "area"), f"{m['area_km2']:,.3f} km²")
                cols[1].metric(t(lang, "perimeter"), f"{m['perimeter_m']:,.0f} m")
            table = analysis.intersecting_table(geom, lang)
            st.markdown(f"**{t(lang, 'intersects')}**")
            if table.empty:
                st.caption(t(lang, "no_intersection"))
            else:
                st.dataframe(table, hide_index=True)
            if n == 1:
                break  # the latest drawing; older ones stay on the map
    with tab_ind:
        try:
            tables = indicators.indicator_tables()
        except ZJError as exc:
            st.error(str(exc))
            tables = []
        if tables:
            tid = st.selectbox(t(lang, "indicator_table"), [tb.id for tb in tables], key=f"ind_{lang}",
                               format_func=lambda i: next(tb.title(lang) for tb in tables if tb.id == i))
            st.dataframe(indicators.indicators_frame(tid, lang), hide_index=True)
            table_obj = next(tb for tb in tables if tb.id == tid)
            st.caption(_md(table_obj.source))
            linked = sorted({i.layer_id for i in table_obj.all_indicators if i.layer_id} | ({table_obj.layer_id} - {None}))
            if linked:
                lid = st.selectbox(t(lang, "show_layer"), linked, key=f"ind_layer_{lang}",
                                   format_func=lambda i: layers.get_spec(i).title(lang))
                if st.button(t(lang, "fly_to"), key="ind_fly"):
                    ss.pending_layers = [lid]
                    ss.fly = layer_bounds(lid)
                    st.rerun()
    with tab_cat:
        st.dataframe(catalogue_table(_summary(), lang), hide_index=True)
