"""The saved-view sequence (issue 14): the prepared meeting views, stepping through them in the
app (driven by Streamlit's AppTest, no browser) and saving the current view."""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import layers
from layers.webmap import layer_bounds
from layers.io import project
from layers.webmap import sequence as views
from tests.conftest import ROOT, open_project


# --- the pure module -----------------------------------------------------------------------

def test_the_prepared_sequence_tells_the_story_with_catalogue_layers_and_real_extents():
    seq = views.prepared()
    assert [v.id for v in seq] == ["boundary_2017", "expansion_2021", "structure", "corridors", "parks"]
    known = {s.id for s in layers.LAYERS}
    for v in seq:
        assert v.layers and set(v.layers) <= known, v.id
        assert v.bounds is not None and v.title.zh and v.title.en, v.id
        x0, y0, x1, y1 = v.bounds
        assert x0 < x1 and y0 < y1
    assert seq[0].bounds == layer_bounds("science_city_2017")
    assert seq[1].bounds == layer_bounds("science_city_2021")
    assert seq[-1].bounds == layer_bounds("hitech_parks")
    assert "structure" in seq[2].layers and "corridors" in seq[3].layers and "hitech_parks" in seq[4].layers


@pytest.mark.parametrize("index,delta,want", [(None, 1, 0), (None, -1, 4), (0, 1, 1), (3, 1, 4), (4, 1, 4),
                                              (0, -1, 0), (2, -1, 1), (1, 10, 4), (3, -10, 0)])
def test_step_is_clamped_at_both_ends(index, delta, want):
    assert views.step(index, delta, 5) == want


def test_step_of_an_empty_sequence_is_an_error():
    with pytest.raises(ValueError):
        views.step(None, 1, 0)


def test_a_view_becomes_layer_switches_and_an_opening_view():
    v = views.prepared()[2]
    switches = views.checkbox_state(v)
    assert set(switches) == {s.id for s in layers.LAYERS}
    assert {i for i, on in switches.items() if on} == set(v.layers)
    assert views.opening(v) == {"fit": v.bounds}
    own = views.saved_view(1, ["sites", "bogus"], (31.2, 121.6), 14.0)
    assert own.layers == ("sites",) and own.title.get("en") == "View 1"
    assert views.opening(own) == {"center": (31.2, 121.6), "zoom": 14.0}
    assert views.opening(views.SavedView("x", own.title, ())) == {}


# --- in the app ------------------------------------------------------------------------------

def _click(at, key: str) -> None:
    at.button(key=key).click().run()
    assert not at.exception, at.exception


def _shown(at) -> set[str]:
    """The layers whose sidebar switch is on (the widgets' values, as the browser shows them)."""
    return {s.id for s in layers.LAYERS if at.checkbox(key=f"layer_{s.id}").value}


def _assert_at(at, view) -> None:
    assert _shown(at) == set(view.layers), view.id
    assert at.session_state["map_view"] == views.opening(view), view.id
    url_layers = at.query_params["layers"]
    url_layers = url_layers[0] if isinstance(url_layers, list) else url_layers
    assert set(url_layers.split(",")) == set(view.layers), view.id  # the URL view follows


def test_stepping_forward_and_back_restores_layers_and_place(app):
    seq = views.prepared()
    assert app.session_state["seq_index"] is None
    for i, v in enumerate(seq):
        _click(app, "seq_next")
        assert app.session_state["seq_index"] == i
        _assert_at(app, v)
    assert app.button(key="seq_next").disabled  # clamped at the end
    for i in range(len(seq) - 2, -1, -1):
        _click(app, "seq_prev")
        assert app.session_state["seq_index"] == i
        _assert_at(app, seq[i])
    assert app.button(key="seq_prev").disabled
    # a rerun without a step keeps the map where the view put it
    app.run()
    assert app.session_state["map_view"] == views.opening(seq[0])


def test_the_current_view_is_saved_and_stepped_back_to(app):
    _click(app, "seq_next")
    _click(app, "seq_next")  # the 2021 expansion
    app.checkbox(key="layer_sites").check().run()
    app.query_params["lat"], app.query_params["lon"], app.query_params["z"] = "31.2", "121.6", "14.5"
    _click(app, "seq_save")  # the map wrote its place into the URL; saved with the layers shown
    saved = app.session_state["seq_views"][-1]
    assert len(app.session_state["seq_views"]) == len(views.prepared()) + 1
    assert saved.centre == (31.2, 121.6) and saved.zoom == 14.5
    assert set(saved.layers) == set(views.prepared()[1].layers) | {"sites"}
    _click(app, "seq_prev")
    assert "sites" not in _shown(app)
    _click(app, "seq_next")
    assert _shown(app) == set(saved.layers)
    assert app.session_state["map_view"] == {"center": (31.2, 121.6), "zoom": 14.5}


def test_steps_work_in_meeting_mode_too(app):
    app.toggle(key="meeting").set_value(True).run()
    assert not app.exception
    _click(app, "seq_next")
    _assert_at(app, views.prepared()[0])
    _click(app, "exit_meeting")
    assert app.session_state["meeting"] is False


# --- saved views in a project file -----------------------------------------------------------

def test_a_saved_view_survives_its_record():
    view = views.saved_view(3, ["science_city_2021", "sites", "nope"], (31.2, 121.6), 14.5)
    back = views.from_record(json.loads(json.dumps(views.to_record(view))))  # as a project keeps it
    assert back == view and back.layers == ("science_city_2021", "sites")
    boxed = views.prepared()[0]
    assert views.from_record(views.to_record(boxed)).bounds == boxed.bounds


@pytest.mark.parametrize("record", [
    None, [], "view", {"title": "one string"}, {"title": ["", "x"], "layers": ["sites"]},
    {"title": ["<b>" * 100, "x"], "layers": ["sites"]},
    {"title": ["a", "b"], "layers": ["nope"], "bounds": [1, 2, 3], "centre": ["31", 121]},
    {"title": ["a", "b"], "layers": 5, "bounds": [121.7, 31.0, 121.5, 31.2]},  # west > east
    {"title": ["a", "b"], "centre": [95.0, 121.6], "zoom": 12},  # latitude out of range
])
def test_a_hostile_record_is_no_view(record):
    assert views.from_record(record) is None


def test_a_hostile_record_keeps_only_what_is_sound():
    v = views.from_record({"id": "<script>", "title": ["<b>x</b>", "y"], "layers": ["sites", 7, "sites"],
                           "centre": [31.2, 121.6], "zoom": 99, "bounds": [float("nan"), 0, 1, 1]})
    assert v is not None and v.id == "saved_0" and v.layers == ("sites",) and v.bounds is None
    assert v.centre == (31.2, 121.6) and v.zoom is None  # a zoom beyond Leaflet's levels is dropped
    assert v.title.zh == "<b>x</b>"  # kept as text; escaped where it is shown


def test_saved_views_travel_in_the_project_file(app):
    _click(app, "seq_next")
    app.query_params["lat"], app.query_params["lon"], app.query_params["z"] = "31.21", "121.61", "15"
    _click(app, "seq_save")
    own = [v for v in app.session_state["seq_views"] if v.id.startswith("saved_")]
    records = [views.to_record(v) for v in own] + [{"title": ["bad"]}]  # one hostile record
    data = project.to_bytes(project.Project(name="t", view={"saved_views": records}))  # as the app's save does

    at2 = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at2.run()
    open_project(at2, "views.gpkg", data)
    assert not at2.exception and not at2.error
    seq = at2.session_state["seq_views"]
    assert len(seq) == len(views.prepared()) + 1  # the hostile record dropped
    assert seq[-1].centre == (31.21, 121.61) and seq[-1].zoom == 15.0 and seq[-1].layers == own[0].layers
    # stepping to it shows its layers and place
    for _ in range(len(seq)):
        _click(at2, "seq_next")
    assert _shown(at2) == set(own[0].layers)
    assert at2.session_state["map_view"] == {"center": (31.21, 121.61), "zoom": 15.0}
    # opening the same project again adds nothing twice
    open_project(at2, "views.gpkg", data)
    assert len(at2.session_state["seq_views"]) == len(seq)
