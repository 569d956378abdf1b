"""Switching the language keeps the planner's choices (driven by Streamlit's AppTest, no browser).

The issue: widget keys carried the language, so a switch reset the coverage check, the
export selection, the print preset and other choices. Now keys and option values are
language-free; only the labels follow the language.
"""
from __future__ import annotations


import layers.printing as printmap
from layers.text import t


def _widget(widgets, key: str):
    """The widget whose key is ``key`` (or, in an app whose keys carry the language, starts with it)."""
    return next(w for w in widgets if w.key == key or (w.key or "").startswith(f"{key}_"))


def _value(widgets, key: str):
    """The value of the widget ``key`` (a list for a multiselect); None when it is not shown."""
    try:
        value = _widget(widgets, key).value
    except StopIteration:
        return None
    return list(value) if isinstance(value, (list, tuple)) else value


def _choices(at) -> dict:
    return {"check": _value(at.selectbox, "cov_check"), "area": _value(at.selectbox, "cov_area"),
            "categories": _value(at.multiselect, "cov_cats"), "export": _value(at.multiselect, "exp_layers"),
            "format": _value(at.selectbox, "exp_format"), "preset": _value(at.selectbox, "print_preset"),
            "zoom_to": _value(at.selectbox, "zoom_pick")}


def _switch(at, label: str) -> None:
    at.radio(key="lang_choice").set_value(label).run()
    assert not at.exception


def test_language_switch_keeps_the_choices_both_ways(app):
    _widget(app.selectbox, "cov_check").set_value("life15").run()  # not the default green5
    _widget(app.selectbox, "cov_area").set_value("science_city_2021").run()  # not the test extract's
    _widget(app.multiselect, "cov_cats").set_value(["health", "education"]).run()
    _widget(app.multiselect, "exp_layers").set_value(["science_city_2021", "sites"]).run()
    _widget(app.selectbox, "exp_format").set_value("gpkg").run()
    _widget(app.selectbox, "print_preset").set_value("industry").run()
    _widget(app.selectbox, "zoom_pick").set_value("sites").run()
    assert not app.exception
    chosen = _choices(app)
    assert chosen == {"check": "life15", "area": "science_city_2021", "categories": ["health", "education"],
                      "export": ["science_city_2021", "sites"], "format": "gpkg", "preset": "industry",
                      "zoom_to": "sites"}

    _switch(app, "English")
    assert _widget(app.selectbox, "cov_check").label == t("en", "cov_check")  # labels follow the language
    assert _choices(app) == chosen
    _switch(app, "中文")
    assert _widget(app.selectbox, "cov_check").label == t("zh", "cov_check")
    assert _choices(app) == chosen
    _switch(app, "English")
    assert _choices(app) == chosen


def test_titles_follow_the_language_unless_typed(app):
    preset = printmap.PRESETS["boundaries"]
    _widget(app.selectbox, "print_preset").set_value("boundaries").run()
    assert _widget(app.text_input, "print_title").value == preset.title("zh")
    assert _widget(app.text_input, "meeting_title").value == t("zh", "app_title")
    _switch(app, "English")  # still the defaults: they follow
    assert _widget(app.text_input, "print_title").value == preset.title("en")
    assert _widget(app.text_input, "meeting_title").value == t("en", "app_title")
    _widget(app.text_input, "meeting_title").set_value("Board meeting, 3 May").run()
    _widget(app.text_input, "print_title").set_value("Parks for the board").run()
    _switch(app, "中文")  # typed titles are kept as typed
    assert _widget(app.text_input, "meeting_title").value == "Board meeting, 3 May"
    assert _widget(app.text_input, "print_title").value == "Parks for the board"
