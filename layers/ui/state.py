"""Every ``st.session_state`` key of the app, with its type, default and meaning: the one schema.

Two kinds of keys live in Streamlit's session state:

* **app keys**, written by the UI code itself (the planner's imported layers, drawings,
  the last coverage result, files made for download, requests for the next run);
* **widget keys**, the ``key=`` of a widget; Streamlit keeps the widget's value under it.

Widget keys never carry the language: switching language must keep every choice
(issue: the language switch reset the coverage check and the export selection). Option
values are language-independent ids; only the labels (``format_func``) follow the
language. A key with ``{…}`` is a family (one key per layer, per upload, …).
The UI code reads and writes only keys declared here (``tests/test_app_state.py``).
"""
from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import layers
from layers.text import LANG_CHOICES, t
from layers.webmap import sequence, viewstate

__all__ = ["APP_KEYS", "Key", "RELABELLED", "WIDGET_KEYS", "apply_pending", "declared", "init_state",
           "is_declared", "keep", "lang_of", "seed", "switch_language"]


@dataclass(frozen=True)
class Key:
    """One session-state key: its name (``{…}`` marks a family), type, default and meaning."""

    name: str
    type: str
    default: Callable[[], Any] | None
    meaning: str


def _none() -> None:
    return None


def _prepared() -> list:
    return list(sequence.prepared())


#: Keys the UI code writes itself; ``default`` is set by :func:`init_state` on a session's first run
#: (``None`` as default factory: set elsewhere on that first run, or only when needed).
APP_KEYS: tuple[Key, ...] = (
    Key("view0", "viewstate.ViewState", None, "the view read from the link on the session's first run"),
    Key("opacity_values", "dict[str, float]", None, "layer id → opacity; kept outside widget state"),
    Key("basemap_value", "str", None, "the chosen basemap id, or 'none'"),
    Key("drawings", "list[dict]", list, "the planner's drawings (GeoJSON features, WGS84)"),
    Key("fly", "tuple[float, float, float, float] | None", _none, "bounds the map flies to on this run"),
    Key("imported", "dict[str, GeoDataFrame]", dict, "the planner's imported layers, by name (this session only)"),
    Key("lang_shown", "str", None, "the language of the last run (to translate default titles on a switch)"),
    Key("pending_layers", "list[str]", None, "layers to switch on at the start of the next run"),
    Key("pending_coverage", "dict[str, object]", None, "coverage widget values to set at the next run (project)"),
    Key("pending_panel", "str", None, "the panel to open at the start of the next run (a new drawing: its figures)"),
    Key("goto", "dict | None", _none, "the opening view (fit or centre/zoom) of a saved view stepped to on this run"),
    Key("seq_views", "list[sequence.SavedView]", _prepared,
        "the session's view sequence: the prepared meeting views, then the planner's saved ones"),
    Key("seq_index", "int | None", _none, "the view of the sequence shown last (None: not stepped yet)"),
    Key("coverage_n", "int", None, "number of coverage results made in this session"),
    Key("coverage", "dict | None", None, "the last coverage result (figures, layers, tables, title)"),
    Key("print_file", "tuple[str, bytes, str] | None", None, "the last print map: file name, bytes, format"),
    Key("export_file", "tuple[str, bytes] | None", None, "the last layer file: file name, bytes"),
    Key("html_file", "bytes | None", None, "the last standalone HTML map"),
    Key("imp_file", "str | None", None, "path of the saved upload being imported"),
    Key("imp_pending", "dict | None", None, "an import waiting for the planner's layer or CRS choice"),
    Key("imp_message", "str | None", None, "the last import's (or project's) success message"),
    Key("imp_error", "str | None", None, "the last import's error, shown once"),
    Key("imp_nonce", "int", None, "counter renewing the import form (a fresh, empty uploader)"),
    Key("prj_nonce", "int", None, "counter renewing the project form"),
    Key("content", "tuple", None, "what the map showed on the last run (layers, basemap, language, …)"),
    Key("map_view", "dict", None, "the map's opening view on the last run (centre/zoom or fit)"),
)

#: Widget keys (``key=`` of a widget or form); Streamlit keeps each widget's value under it.
WIDGET_KEYS: tuple[Key, ...] = (
    # sidebar
    Key("lang_choice", "str", None, "the language radio: a label of LANG_CHOICES"),
    Key("search_q", "str", None, "search text"),
    Key("search_pick", "int", None, "index of the chosen search hit"),
    Key("fly_btn", "bool", None, "fly to the chosen search hit"),
    Key("own_pick", "int", None, "index of the chosen hit in the planner's layers"),
    Key("own_fly_btn", "bool", None, "fly to the chosen own hit"),
    Key("layer_{id}", "bool", None, "catalogue layer shown on the map"),
    Key("op_{id}", "float", None, "opacity slider of a shown layer"),
    Key("zoom_pick", "str", None, "layer id to zoom to"),
    Key("zoom_btn", "bool", None, "zoom to the chosen layer"),
    Key("basemap", "str", None, "the basemap selectbox (its value is copied to basemap_value)"),
    Key("meeting", "bool", None, "meeting mode on"),
    Key("meeting_title", "str", None, "the title shown in meeting mode (default: the app title)"),
    Key("exit_meeting", "bool", None, "leave meeting mode"),
    Key("labels", "bool", None, "name labels of parks, sites and zones on the map"),
    Key("panel", "str | None", None, "the panel open beside the map (a key of layout.PANELS), or None"),
    Key("seq_prev", "bool", None, "step back to the previous saved view"),
    Key("seq_next", "bool", None, "step on to the next saved view"),
    Key("seq_save", "bool", None, "save the current view at the end of the sequence"),
    # layout containers (layers.ui.layout): their keys name them in the page CSS (st-key-…)
    Key("zj_head", "container", None, "the one-line header above the map"),
    Key("zj_body", "container", None, "the row of the map and the panel beside it"),
    Key("zj_mapcol", "container", None, "the map's column"),
    Key("zj_panel", "container", None, "the panel column beside the map (hidden when no panel is chosen)"),
    Key("zj_p_{panel}", "container", None, "one panel (hidden unless chosen)"),
    Key("zj_meetbar", "container", None, "meeting mode's bar: the view sequence and leaving meeting mode"),
    Key("map", "dict", None, "the map (streamlit-folium): what the browser returned"),
    # import panel and projects
    Key("imp_form_{n}", "form", None, "the import form (renewed by imp_nonce)"),
    Key("imp_up_{n}", "UploadedFile | None", None, "the uploaded layer file"),
    Key("imp_crs", "str", None, "CRS choice id for the import"),
    Key("imp_swap", "bool", None, "swap longitude and latitude"),
    Key("imp_split", "bool", None, "split mixed geometry types into layers"),
    Key("imp_go", "bool", None, "import the file"),
    Key("imp_layer", "str", None, "layer of a multi-layer file to import"),
    Key("imp_go_layer", "bool", None, "import the chosen layer"),
    Key("imp_cand", "int", None, "index of the chosen CRS candidate"),
    Key("imp_use", "bool", None, "import with the chosen candidate"),
    Key("imp_cancel", "bool", None, "cancel the pending import"),
    Key("imp_rm_{name}", "bool", None, "remove an imported layer"),
    Key("prj_save", "bool", None, "download the project file"),
    Key("prj_form_{n}", "form", None, "the project form (renewed by prj_nonce)"),
    Key("prj_open_{n}", "UploadedFile | None", None, "the project file to open"),
    Key("prj_open_go", "bool", None, "open the project file"),
    # coverage tab
    Key("cov_src", "str", None, "OSM source id: test, shanghai or path"),
    Key("cov_path", "str", None, "path of a local .osm.pbf"),
    Key("cov_area", "str", None, "analysis area id"),
    Key("cov_check", "str", None, "check id: green5, life15 or metro"),
    Key("cov_demand_{src}", "str", None, "demand kind id (its default depends on the source)"),
    Key("cov_min", "float", None, "green5: walking minutes"),
    Key("cov_speed", "float", None, "green5: walking speed (km/h)"),
    Key("cov_mina", "float", None, "green5: smallest green space (m²)"),
    Key("cov_tol", "float", None, "green5: access tolerance (m)"),
    Key("cov_appr", "float", None, "straight approach into a source (m)"),
    Key("cov_dist", "float", None, "life15: walking distance (m)"),
    Key("cov_cats", "list[str]", None, "life15: facility category ids"),
    Key("cov_metro_d", "list[float]", None, "metro: catchment distances (m)"),
    Key("cov_own_{kind}", "str", None, "imported layer replacing an OSM input (green, demand, facilities, stations)"),
    Key("cov_zones", "str", None, "imported layer of zones for per-zone figures"),
    Key("cov_zone_col", "str", None, "the zones' name column"),
    Key("cov_run", "bool", None, "run the check"),
    Key("cov_scen", "bool", None, "test the latest drawn polygon as a new green space"),
    Key("coverage_show", "bool", None, "show the coverage result on the map"),
    Key("cov_dl_gpkg", "bool", None, "download the result as GeoPackage"),
    Key("cov_dl_geojson", "bool", None, "download the gaps as GeoJSON"),
    Key("cov_dl_json", "bool", None, "download the figures as JSON"),
    Key("cov_clear", "bool", None, "clear the result"),
    # export and print
    Key("exp_layers", "list[str]", None, "ids of the layers to export (catalogue ids, drawings, coverage, imported:…)"),
    Key("exp_format", "str", None, "export format id"),
    Key("exp_crs", "str", None, "export CRS id"),
    Key("exp_make", "bool", None, "make the layer file"),
    Key("exp_dl", "bool", None, "download the layer file"),
    Key("exp_html", "bool", None, "make the standalone HTML map"),
    Key("html_dl", "bool", None, "download the HTML map"),
    Key("print_preset", "str", None, "print preset id"),
    Key("print_paper", "str", None, "paper: A3 or A4"),
    Key("print_format", "str", None, "print format: pdf or png"),
    Key("print_title_{preset}", "str", None, "title of the print map, per preset (default: the preset's title)"),
    Key("print_overlays", "list[str]", None, "names of the imported layers drawn over the print map"),
    Key("print_make", "bool", None, "make the print map"),
    Key("print_dl", "bool", None, "download the print map"),
    # my layers, indicators
    Key("mine_layer", "str", None, "the imported layer looked at"),
    Key("mine_fly", "bool", None, "fly to it"),
    Key("mine_against", "str", None, "what it is checked against: layer:<id>, gaps or mine:<name>"),
    Key("ind_table", "str", None, "indicator table id"),
    Key("ind_layer", "str", None, "layer linked to the indicator table"),
    Key("ind_fly", "bool", None, "show the linked layer and fly to it"),
)


#: Choice widgets whose option labels follow the language. Streamlit keeps a choice as its
#: label in the browser; on a switch each is set again, so the browser shows it in the new language.
RELABELLED: tuple[str, ...] = (
    "search_pick", "zoom_pick", "basemap", "cov_src", "cov_area", "cov_check", "cov_demand_{src}", "cov_cats",
    "exp_layers", "exp_format", "exp_crs", "print_preset", "print_format", "imp_crs", "mine_against",
    "ind_table", "ind_layer", "panel")

# trace panel (layers.ui.trace_panel): its app keys, widget keys and relabelled choices in one place
APP_KEYS += (
    Key("trace_result", "dict | None", _none, "the last traced boundary: TraceResult, its report, n (traces so far)"),
    Key("trace_message", "str | None", _none, "the last 'use in this session' message, shown once"),
)
WIDGET_KEYS += (
    Key("tr_what", "str", None, "what to trace: catalogue or pasted"),
    Key("tr_desc", "str", None, "id of the catalogue description to trace"),
    Key("tr_text", "str", None, "the pasted 四至 text"),
    Key("tr_name", "str", None, "name of the boundary traced from pasted text (optional)"),
    Key("tr_follow", "str", None, "how every edge follows its road: described, centreline, outer or inner"),
    Key("tr_src", "str", None, "OSM source id: test, shanghai or path"),
    Key("tr_path", "str", None, "path of a local .osm.pbf"),
    Key("tr_go", "bool", None, "trace the boundary"),
    Key("tr_use", "bool", None, "put the traced boundary into the session's imported layers"),
    Key("tr_inputs_{n}", "expander", None, "the trace panel's inputs; renewed by each trace (n), so they fold "
        "away and the result shows"),
)
RELABELLED += ("tr_what", "tr_desc", "tr_follow", "tr_src")

# coverage tab, demand "parcels" (layers.ui.coverage_tab): the parcel layer and its columns
WIDGET_KEYS += (
    Key("cov_parcels", "str", None, "imported parcel layer of demand 'parcels' (control-plan parcels)"),
    Key("cov_parcels_code", "str", None, "the parcels' land-use code column"),
    Key("cov_parcels_weight", "str", None, "the parcels' weight column (population, floor area) or 'area'"),
)
RELABELLED += ("cov_parcels_weight",)


# coverage tab, every zone at once (layers.ui.coverage_zones): the mode, the zones, the result
APP_KEYS += (
    Key("coverage_zones_n", "int", None, "number of all-zones coverage results made in this session"),
    Key("coverage_zones", "dict | None", None, "the last all-zones coverage result: ZoneCoverage, titles, "
        "the zones' English name column, the GeoPackage bytes"),
)
WIDGET_KEYS += (
    Key("cov_mode", "str", None, "run the check for one analysis area ('area') or for every zone ('zones')"),
    Key("covz_zones", "str", None, "the zones of an all-zones run: 'districts' or mine:<imported layer>"),
    Key("covz_col", "str", None, "the imported zones' name column"),
    Key("covz_run", "bool", None, "run the check for every zone"),
    Key("covz_show", "bool", None, "show the zones' choropleth on the map"),
    Key("covz_csv", "bool", None, "download the zones table as CSV"),
    Key("covz_gpkg", "bool", None, "download zones, gaps and table as one GeoPackage"),
    Key("covz_clear", "bool", None, "clear the all-zones result"),
)
RELABELLED += ("cov_mode", "covz_zones")

# My layers, style and land-use balance (layers.ui.styling_panel), and the land-use print preset
APP_KEYS += (
    Key("styles", "dict[str, dict]", dict, "imported layer name → its style (layers.styling.Style.to_dict()); "
        "a layer without one is drawn in its default colour"),
    Key("sty_for", "tuple[str, dict | None] | None", _none,
        "the layer (and its stored style) the style widgets show; another value re-seeds them"),
    Key("sty_message", "str | None", _none, "the last style error, shown once"),
)
WIDGET_KEYS += (
    Key("sty_kind", "str", None, "style kind: none, single, category, graduated, landuse or status"),
    Key("sty_colour", "str", None, "single colour (#RRGGBB)"),
    Key("sty_cat_col", "str", None, "category style: the column"),
    Key("sty_palette", "str", None, "category style: the palette id"),
    Key("sty_num_col", "str", None, "graduated style: the numeric column"),
    Key("sty_method", "str", None, "graduated style: quantiles, equal_interval or natural_breaks"),
    Key("sty_k", "int", None, "graduated style: number of classes (3–9)"),
    Key("sty_ramp", "str", None, "graduated style: the colour ramp id"),
    Key("sty_lu_col", "str", None, "land-use style: the code column"),
    Key("sty_lu_sys", "str", None, "land-use style: auto, gb50137 or gtkj2023"),
    Key("sty_st_col", "str", None, "status style: the status column"),
    Key("sty_st_filter", "list[str]", None, "status style: the status keys shown"),
    Key("bal_level", "int", None, "balance table level: 1 (大类) or 2 (中类)"),
    Key("bal_zones", "str", None, "balance table zones: none, catalogue:<id> or mine:<name>"),
    Key("bal_zone_col", "str", None, "the imported zones' name column"),
    Key("bal_csv", "bool", None, "download the balance table as CSV"),
    Key("bal_xlsx", "bool", None, "download the balance table as XLSX"),
    Key("print_lu_layer", "str", None, "land-use print preset: the imported layer with a land-use style"),
    Key("print_lu_level", "int", None, "land-use print preset: the balance table's level"),
)
RELABELLED += ("sty_kind", "sty_method", "sty_lu_sys", "sty_st_filter", "bal_level", "bal_zones", "print_lu_level")


def _pattern(name: str) -> str:
    """A key name with every ``{…}`` part made ``{}`` (so families compare equal)."""
    return re.sub(r"\{[^{}]*\}", "{}", name)


_DECLARED = {_pattern(k.name): k for k in APP_KEYS + WIDGET_KEYS}


def declared(name: str) -> Key | None:
    """The declaration of ``name`` (a key, or a family written with ``{…}``); None if undeclared."""
    found = _DECLARED.get(_pattern(name))
    if found is not None:
        return found
    for pattern, key in _DECLARED.items():
        if "{}" in pattern and re.fullmatch(".+".join(map(re.escape, pattern.split("{}"))), name):
            return key
    return None


def is_declared(name: str) -> bool:
    """Whether ``name`` is a declared session-state key (or a member of a declared family)."""
    return declared(name) is not None


def lang_of(ss: MutableMapping) -> str:
    """The language of this run ("zh" or "en"), from the language radio's value."""
    return LANG_CHOICES[ss["lang_choice"]]


def init_state(ss: MutableMapping, query: dict, basemaps: tuple[str, ...]) -> None:
    """On a session's first run, set every app key from its default and the view in the link."""
    if "view0" in ss:
        return
    v0 = viewstate.from_query(query, basemaps=basemaps)
    ss["view0"] = v0
    ss["lang_choice"] = next(k for k, v in LANG_CHOICES.items() if v == v0.lang)
    for spec in layers.LAYERS:
        ss[f"layer_{spec.id}"] = spec.id in v0.layers
    ss["opacity_values"] = v0.opacity_map()
    ss["basemap_value"] = v0.basemap or "none"
    ss["meeting"] = v0.meeting
    ss["meeting_title"] = t(v0.lang, "app_title")
    ss["lang_shown"] = v0.lang
    for key in APP_KEYS:
        if key.default is not None:
            ss[key.name] = key.default()


def apply_pending(ss: MutableMapping) -> None:
    """Apply the changes asked for after the widgets were drawn (indicator links, a project's
    coverage settings), before the widgets of this run exist."""
    for layer_id in ss.pop("pending_layers", []):
        ss[f"layer_{layer_id}"] = True
    for key, value in (ss.pop("pending_coverage", None) or {}).items():
        ss[key] = value
    panel = ss.pop("pending_panel", None)
    if panel is not None:
        ss["panel"] = panel


def seed(ss: MutableMapping, key: str, default: Any) -> None:
    """Give widget ``key`` its first value (instead of the widget's ``index``/``default``, which
    Streamlit would report as set twice once :func:`switch_language` sets the value again)."""
    if key not in ss:
        ss[key] = default


def keep(ss: MutableMapping, *keys: str) -> None:
    """Keep the values of widgets not drawn on this run (Streamlit forgets them otherwise), e.g.
    the analysis area while the coverage tab runs every zone."""
    for key in keys:
        if key in ss:
            ss[key] = ss[key]


def switch_language(ss: MutableMapping, titles: dict[str, Callable[[str], str]]) -> str:
    """The language of this run; on a switch, the choices are shown again in it.

    Every choice is kept by its language-free key; the choice widgets of :data:`RELABELLED`
    are set again to their value, so the browser shows its label in the new language.
    ``titles`` maps a text widget's key to its default title in a language: a title still at
    the old language's default follows the switch, one the planner typed is kept as typed.
    """
    lang = lang_of(ss)
    old = ss.get("lang_shown")
    if old is not None and old != lang:
        for key in list(ss.keys()):
            found = declared(key)
            if found is not None and found.name in RELABELLED:
                ss[key] = ss[key]
        for key, default in titles.items():
            if key in ss and ss[key] == default(old):
                ss[key] = default(lang)
    ss["lang_shown"] = lang
    return lang
