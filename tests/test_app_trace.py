"""The app's "Trace boundary" panel, driven by Streamlit's AppTest (no browser): a pasted 四至
text traced on the offline Helsinki extract, used in the session (map, My layers, coverage
area), and the failures a planner meets (a road not in the extract, hostile text) as messages."""
from __future__ import annotations

import re

from layers.text import t
from layers.text.trace import EDGE_HEADERS

#: Four streets round the Esplanadi park in central Helsinki (the offline test extract).
ESPLANADI = "北至Pohjoisesplanadi，东至Unioninkatu，南至Eteläesplanadi，西至Mannerheimintie"
HOSTILE = "<script>alert(1)</script>"


def _open(at, text: str, *, name: str = "") -> None:
    """Open the panel and paste ``text`` (the Helsinki test extract is the default source)."""
    at.segmented_control(key="panel").set_value("trace").run()
    at.radio(key="tr_what").set_value("pasted").run()
    at.text_area(key="tr_text").set_value(text)
    at.text_input(key="tr_name").set_value(name).run()
    assert not at.exception, at.exception
    assert at.radio(key="tr_src").value == "test"


def _inputs_box(at):
    return next(e for e in at.expander if e.label == t("zh", "tr_inputs"))


def _trace(at) -> None:
    at.button(key="tr_go").click().run()
    assert not at.exception, at.exception


def _raw_markup(texts: list[str]) -> list[str]:
    """The texts with an unescaped ``<script`` or ``<b>`` tag (Markdown shows ``\\<`` as ``<``)."""
    return [s for s in texts if re.search(r"(?<!\\)<(?:script|b>)", s)]


def _texts(at) -> list[str]:
    """Every text the page renders as Markdown (or HTML)."""
    return [e.value for kind in ("markdown", "caption", "error", "warning", "success", "info", "html")
            for e in getattr(at, kind)] + [e.label for e in at.metric]


def test_pasted_text_is_traced_used_in_the_session_and_offered_as_a_coverage_area(app):
    _open(app, ESPLANADI)
    read = next(df.value for df in app.dataframe if "Pohjoisesplanadi" in df.value.to_string())
    assert len(read) == 4 and list(read[EDGE_HEADERS["side"].get("zh")]) == ["北", "东", "南", "西"]
    assert _inputs_box(app).proto.expanded
    _trace(app)
    assert not app.error, [e.value for e in app.error]
    assert not _inputs_box(app).proto.expanded  # the inputs fold away: the result shows without scrolling
    area = next(m for m in app.metric if m.label == t("zh", "tr_m_area"))
    assert abs(float(area.value.split()[0]) - 0.035) < 0.002, area.value
    edges = next(df.value for df in app.dataframe if EDGE_HEADERS["osm_ways"].get("zh") in df.value.columns)
    assert len(edges) == 4 and list(edges[EDGE_HEADERS["road"].get("zh")])[0] == "Pohjoisesplanadi"
    assert any(t("zh", "tr_no_gaps") in c.value for c in app.caption)

    app.button(key="tr_use").click().run()
    assert not app.exception, app.exception
    imported = app.session_state["imported"]
    assert list(imported) == ["描绘: 四至描绘边界"]
    frame = imported["描绘: 四至描绘边界"]
    assert len(frame) == 1 and set(frame.geom_type) == {"Polygon"} and frame.crs.to_epsg() == 4326
    assert "traced along OSM ways" in frame["method"].iloc[0]
    assert any("四至描绘边界" in s.value for s in app.success)
    box = app.selectbox(key="cov_area")
    assert "mine:描绘: 四至描绘边界" in box.options or "⬆ 描绘: 四至描绘边界" in box.options

    # a second use replaces the traced layer of the same name, and says so
    app.button(key="tr_use").click().run()
    assert list(app.session_state["imported"]) == ["描绘: 四至描绘边界"]
    assert any(t("zh", "tr_replaced") in s.value for s in app.success)

    # the coverage check runs on the traced polygon
    app.selectbox(key="cov_area").set_value("mine:描绘: 四至描绘边界")
    next(s for s in app.selectbox if (s.key or "").startswith("cov_demand_")).set_value("area")
    app.selectbox(key="cov_check").set_value("green5").run()
    app.button(key="cov_run").click().run()
    assert not app.exception, app.exception
    figures = app.session_state["coverage"]["figures"]
    assert figures["area"] == "⬆ 描绘: 四至描绘边界" and abs(figures["total_km2"] - 0.035) < 0.005


def test_a_road_missing_from_the_extract_is_a_bilingual_message_and_the_work_stays(app):
    _open(app, ESPLANADI)
    _trace(app)
    app.button(key="tr_use").click().run()
    before = dict(app.session_state["imported"])
    _open(app, ESPLANADI.replace("Unioninkatu", "Nosuchkatu"))
    _trace(app)
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and "Nosuchkatu" in errors[0], errors
    assert re.search(r"[\u4e00-\u9fff]", errors[0]) and "not in the OSM extract" in errors[0]
    assert list(app.session_state["imported"]) == list(before)  # the planner's layer stays
    assert app.session_state["trace_result"]["result"].description.edges[1].names == ("Unioninkatu",)


def test_catalogue_description_shows_its_published_text(app):
    app.segmented_control(key="panel").set_value("trace").run()
    box = app.selectbox(key="tr_desc") if any(s.key == "tr_desc" for s in app.selectbox) else None
    if box is None:  # no description files: the panel says so and offers the pasted text
        assert any(t("zh", "tr_no_catalogue") in i.value for i in app.info)
        return
    assert box.options and all(o for o in box.options)
    assert any(t("zh", "tr_published_text") in c.value for c in app.caption)
    assert any(t("zh", "tr_test_hint") in c.value for c in app.caption)  # Helsinki has no Shanghai roads


def test_hostile_text_is_shown_as_text(app):
    _open(app, ESPLANADI.replace("Unioninkatu", HOSTILE))
    read = next(df.value for df in app.dataframe if "Pohjoisesplanadi" in df.value.to_string())
    assert "<script>" in read.to_string()  # a table cell: text, never markup
    _trace(app)
    assert app.error and not _raw_markup(_texts(app)), _raw_markup(_texts(app))
    assert any("\\<script\\>" in e.value for e in app.error)  # escaped, shown as written

    _open(app, ESPLANADI, name=f"<b>x</b>{HOSTILE}")  # a hostile layer name
    _trace(app)
    app.button(key="tr_use").click().run()
    assert not app.exception
    assert f"描绘: <b>x</b>{HOSTILE}" in app.session_state["imported"]
    assert not _raw_markup(_texts(app)), _raw_markup(_texts(app))
    assert any("\\<b\\>x" in s.value for s in app.success)  # the name, as typed
    assert not any(m.proto.allow_html for m in app.markdown if "alert" in m.value)


def test_english_labels_and_the_choices_kept_on_a_switch(app):
    _open(app, ESPLANADI)
    app.radio(key="tr_follow").set_value("outer").run()
    app.radio(key="lang_choice").set_value("English").run()
    assert not app.exception, app.exception
    assert (app.radio(key="tr_what").value, app.radio(key="tr_follow").value) == ("pasted", "outer")
    app.radio(key="tr_follow").set_value("centreline").run()
    assert app.radio(key="tr_what").label == "What to trace"
    assert app.radio(key="tr_what").options == ["a catalogue boundary", "a pasted 四至 text"]
    assert app.radio(key="tr_follow").label == "Follow" and "centreline" in app.radio(key="tr_follow").options
    assert app.text_area(key="tr_text").label == t("en", "tr_text")
    assert app.button(key="tr_go").label == "Trace"
    _trace(app)
    assert any(m.label == "Area (geodesic)" for m in app.metric)
    edges = next(df.value for df in app.dataframe if "OSM ways" in df.value.columns)
    assert list(edges["side"]) == ["north", "east", "south", "west"]
    assert app.button(key="tr_use").label == "Use in this session"
    app.button(key="tr_use").click().run()
    assert list(app.session_state["imported"]) == ["Traced: Boundary traced from a description"]
    assert any(s.value.startswith("Added to this session") for s in app.success)


def test_the_hand_digitised_comparison_is_shown_when_the_description_names_one(app):
    """A catalogue description names the layer drawn by hand from the same text: the panel shows
    the published area, the hand-digitised area, the difference and the overlap (IoU)."""
    from dataclasses import replace

    from geo.osm import resolve_osm
    from geo.trace import trace_boundary
    from geo.tracedesc import parse_sizhi
    from layers.tracing.report import trace_report

    result = trace_boundary(parse_sizhi(ESPLANADI), resolve_osm("helsinki"))
    result.description = replace(result.description, compare="science_city_2017", published_area_km2=0.04)
    app.session_state["trace_result"] = {"result": result, "report": trace_report(result), "n": 1}
    app.segmented_control(key="panel").set_value("trace").run()
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[t("zh", "tr_m_published")] == "0.04 km²"
    assert metrics[t("zh", "tr_m_iou")] == "0.000"  # Helsinki against the Science City: no overlap
    assert metrics[t("zh", "tr_m_reference")].endswith("km²") and metrics[t("zh", "tr_m_diff")].endswith("%")
    edges = next(df.value for df in app.dataframe if EDGE_HEADERS["osm_ways"].get("zh") in df.value.columns)
    assert EDGE_HEADERS["median_m"].get("zh") in edges.columns
