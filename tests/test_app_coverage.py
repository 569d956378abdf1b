"""The app's coverage tab, driven by Streamlit's AppTest (no browser): each check runs on
the offline test extract, and a failing check is a message while the app stays up."""
from __future__ import annotations

import pytest



def _select(at, prefix: str, value: str) -> None:
    box = next(s for s in at.selectbox if s.key and s.key.startswith(prefix))
    box.set_value(value)


@pytest.mark.parametrize("check,label", [("green5", "沿路网覆盖率"), ("life15", "沿路网覆盖率"),
                                         ("metro", "沿路网覆盖率")])
def test_each_check_runs_on_the_test_extract(app, check, label):
    _select(app, "cov_check", check)
    _select(app, "cov_demand_", "area")
    app.run()
    next(b for b in app.button if b.key == "cov_run").click().run()
    assert not app.exception
    # the only red box allowed is the verdict against the target
    assert all(e.value == "未达标" for e in app.error), [e.value for e in app.error]
    metric = next(m for m in app.metric if m.label == label)
    assert metric.value.endswith("%")
    figures = app.session_state["coverage"]["figures"]
    assert figures["check"] == check and 0 <= figures["share"] <= figures["share_buffer"] <= 1
    assert app.session_state["coverage"]["layers"]["gap"].crs.to_epsg() == 4326


def test_area_the_extract_does_not_cover_is_a_message_and_the_app_stays_up(app):
    next(b for b in app.button if b.key == "cov_run").click().run()  # a first, good result
    first = app.session_state["coverage"]["id"]
    _select(app, "cov_area", "science_city_2021")
    app.run()
    next(b for b in app.button if b.key == "cov_run").click().run()
    assert not app.exception
    assert any("不覆盖" in e.value for e in app.error), [e.value for e in app.error]
    assert app.session_state["coverage"]["id"] == first  # the earlier result is kept
    assert any(m.label == "沿路网覆盖率" for m in app.metric)


def test_local_path_that_does_not_exist_is_a_message(app):
    app.radio(key="cov_src").set_value("path").run()
    app.text_input(key="cov_path").set_value("/no/such/file.osm.pbf").run()
    next(b for b in app.button if b.key == "cov_run").click().run()
    assert not app.exception
    assert any("/no/such/file.osm.pbf" in e.value or "找不到" in e.value for e in app.error), \
        [e.value for e in app.error]


def test_the_result_says_what_was_joined_cut_or_left_out(app):
    _select(app, "cov_check", "green5")
    _select(app, "cov_demand_", "area")
    app.run()
    next(b for b in app.button if b.key == "cov_run").click().run()
    assert not app.exception
    inputs = app.session_state["coverage"]["figures"]["inputs"]
    assert inputs["osm"]["cut_by_extract_edge"]["green"] > 0
    assert inputs["network"]["pieces"] > 1 and inputs["sources"]["in_reach"] > 0
    assert any(e.label == "输入处理: 连接、切断与未计入的数据" for e in app.expander)
    tables = [df.value for df in app.dataframe]
    cut = [t for t in tables if "项目" in t and t["项目"].astype(str).str.contains("在边界内重建").any()]
    assert cut, "the inputs table lists the areas rebuilt inside the extract's edge"
    # the approach distance is a parameter the planner sets, kept in the result
    assert app.session_state["coverage"]["figures"]["parameters"]["approach_m"] == 50.0
