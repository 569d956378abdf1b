"""The coverage tab's settings as kept in a project file, checked when a project is opened."""
from __future__ import annotations

from typing import Any, NamedTuple

from geo import coverage
from layers.coverage.areas import AREAS
from layers.coverage.inputs import DEMAND_KINDS
from layers.coverage.zonal import DISTRICTS

__all__ = ["SETTING_KEYS", "renamed_choice", "renamed_settings", "settings_from_state", "state_from_settings"]


class _Range(NamedTuple):
    low: float
    high: float


#: Settings of the app's coverage tab kept in a project: name -> (widget key, allowed values
#: or (low, high) for numbers). ``{src}`` (the OSM source) is filled in from the app's state;
#: no key carries the language, so a language switch keeps every choice.
SETTING_KEYS: dict[str, tuple[str, Any]] = {
    "source": ("cov_src", ("test", "shanghai", "path")),
    "osm_path": ("cov_path", str),
    "area": ("cov_area", "area"),  # a catalogue area, or "mine:<layer>" (a planner's polygon layer)
    "check": ("cov_check", coverage.CHECKS),
    "demand": ("cov_demand_{src}", DEMAND_KINDS),
    "minutes": ("cov_min", _Range(1.0, 30.0)),
    "speed_kmh": ("cov_speed", _Range(1.0, 8.0)),
    "min_area_m2": ("cov_mina", _Range(0.0, 1e6)),
    "tolerance_m": ("cov_tol", _Range(0.0, 50.0)),
    "approach_m": ("cov_appr", _Range(0.0, 200.0)),
    "distance_m": ("cov_dist", _Range(100.0, 2000.0)),
    "categories": ("cov_cats", coverage.LIFE_CATEGORIES),
    "metro_distances_m": ("cov_metro_d", (400.0, 500.0, 600.0, 800.0, 1000.0)),
    "own_green": ("cov_own_green", "layer"), "own_demand": ("cov_own_demand", "layer"),
    "own_facilities": ("cov_own_facilities", "layer"), "own_stations": ("cov_own_stations", "layer"),
    "zones": ("cov_zones", "layer"), "zone_column": ("cov_zone_col", str),
    # demand "parcels": the parcel layer, its land-use code column, its weight column (or "area")
    "parcels": ("cov_parcels", "layer"), "parcels_code": ("cov_parcels_code", str),
    "parcels_weight": ("cov_parcels_weight", str),
    # the "all zones" mode: Shanghai's districts (DISTRICTS) or "mine:<layer>", its name column
    "mode": ("cov_mode", ("area", "zones")),
    "all_zones": ("covz_zones", "zones"), "all_zones_column": ("covz_col", str),
}


_MULTI = ("categories", "metro_distances_m")
#: Settings that choose a fixed option or a planner's layer (``"mine:<layer>"``): their options.
_CHOICES = {"area": AREAS, "zones": (DISTRICTS,)}


def _widget_key(name: str, src: str) -> str:
    key, _ = SETTING_KEYS[name]
    return key.format(src=src)


def settings_from_state(state, lang: str = "zh") -> dict:
    """The coverage tab's current settings (JSON-able) read from the app's widget state.

    ``lang`` is accepted for the callers' convenience; the widget keys do not depend on it.
    """
    src = state.get("cov_src", "test")
    out = {}
    for name in SETTING_KEYS:
        key = _widget_key(name, src)
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
    src = str(saved["source"]) if saved.get("source") in SETTING_KEYS["source"][1] else "test"
    names = set(layer_names)
    out = {}
    for name, (_, allowed) in SETTING_KEYS.items():
        if name not in saved:
            continue
        value = saved[name]
        if allowed is str:
            ok = isinstance(value, str) and len(value) < 1000
        elif isinstance(allowed, str) and allowed in _CHOICES:
            ok = isinstance(value, str) and (value in _CHOICES[allowed]
                                             or (value.startswith("mine:") and value[5:] in names))
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
            out[_widget_key(name, src)] = value
    return out


def renamed_settings(saved: dict, new_names: dict[str, str]) -> dict:
    """``saved`` with its layer references (``"mine:<layer>"`` and own-layer names) following
    the layers renamed when the project joined the current work (``old -> new``)."""
    if not isinstance(saved, dict) or not new_names:
        return saved
    out = dict(saved)
    for name, (_, allowed) in SETTING_KEYS.items():
        value = out.get(name)
        if not isinstance(value, str):
            continue
        if isinstance(allowed, str) and allowed in _CHOICES:
            out[name] = renamed_choice(value, new_names)
        elif allowed == "layer" and value in new_names:
            out[name] = new_names[value]
    return out


def renamed_choice(value: str, new_names: dict[str, str]) -> str:
    """A ``"mine:<layer>"`` choice following its layer's new name (any other value as it is)."""
    if value.startswith("mine:") and value[5:] in new_names:
        return "mine:" + new_names[value[5:]]
    return value
