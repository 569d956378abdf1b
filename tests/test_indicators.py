"""The indicator tables: they load, match the seeds and link to real layers."""
from __future__ import annotations

import json
import re
import shutil

import pytest

import layers
from geo.errors import LayerFileError, LayerNotFoundError
from layers.catalogue import indicators
from layers.catalogue.indicators import (COLUMNS, COVERAGE_CHECKS, indicator_tables, indicators_for_layer,
                               indicators_frame)

TABLE_IDS = ["science_city", "hitech_zone", "putuo"]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def broken_dir(tmp_path, monkeypatch):
    """A copy of data/indicators in tmp_path, used instead of the real folder."""
    folder = tmp_path / "indicators"
    shutil.copytree(indicators.INDICATORS_DIR, folder)
    monkeypatch.setattr(indicators, "INDICATORS_DIR", folder)
    indicators.clear_cache()
    yield folder
    indicators.clear_cache()


def test_three_tables_load():
    tables = indicator_tables()
    assert [t.id for t in tables] == TABLE_IDS
    for t in tables:
        assert t.indicators and t.title_zh and t.title_en and t.source.startswith("seed 00")
        ids = [i.id for i in t.all_indicators]
        assert len(ids) == len(set(ids))
        assert all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids)


def test_tables_are_cached():
    assert indicator_tables()[0] is indicator_tables()[0]


def test_science_city_table_has_the_seeds_15_indicators():
    table = indicators.get_table("science_city")
    assert len(table.indicators) == 15
    assert all(i.in_table for i in table.indicators)
    assert table.indicators[0].name_zh == "新增国家重大科技基础设施数量"
    assert table.indicators[-1].target_value == "100"
    assert [i.category_zh for i in table.indicators].count("创新浓度") == 5


def test_other_table_sizes():
    assert len(indicators.get_table("putuo").indicators) == 8
    assert len(indicators.get_table("hitech_zone").indicators) == 17


def test_green_space_indicator():
    found = [i for t in indicator_tables() for i in t.all_indicators if i.coverage_check == "green5"]
    assert len(found) == 1
    green = found[0]
    assert "85" in green.target_value
    assert "绿地" in green.name_zh and green.table_id == "science_city"


def test_coverage_checks_are_known():
    checks = {i.coverage_check for t in indicator_tables() for i in t.all_indicators} - {None}
    assert checks <= set(COVERAGE_CHECKS)
    assert {"green5", "life15"} <= checks


def test_every_layer_id_is_in_the_catalogue():
    known = set(layers.layer_ids())
    for t in indicator_tables():
        assert t.layer_id is None or t.layer_id in known
        for i in t.all_indicators:
            assert i.layer_id is None or i.layer_id in known, (t.id, i.id)


def test_every_indicator_name_occurs_in_the_seeds(seeds_text):
    text = _squash(seeds_text)
    for t in indicator_tables():
        for i in t.all_indicators:
            assert _squash(i.name_zh) in text, (t.id, i.id, i.name_zh)


def test_values_occur_in_the_seeds(seeds_text):
    text = _squash(seeds_text)
    for t in indicator_tables():
        for i in t.all_indicators:
            for value in (i.base_value, i.target_value):
                if value is not None:
                    assert _squash(value) in text, (t.id, i.id, value)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_frames_have_headers_in_the_language(table_id, lang):
    frame = indicators_frame(table_id, lang)
    assert list(frame.columns) == list(COLUMNS[lang])
    table = indicators.get_table(table_id)
    assert len(frame) == len(table.all_indicators)
    assert len(indicators_frame(table_id, lang, include_text_targets=False)) == len(table.indicators)
    assert not frame.isna().any().any()


def test_frame_cells():
    zh = indicators_frame("science_city", "zh")
    en = indicators_frame("science_city", "en")
    assert zh.iloc[0]["指标"] == "新增国家重大科技基础设施数量"
    assert zh.iloc[0]["目标值"] == "1~5 (2025)"
    assert zh.iloc[0]["地图图层"] == layers.get_spec("sites").title_zh
    assert en.iloc[0]["Map layer"] == layers.get_spec("sites").title_en
    assert en.iloc[1]["Map layer"] == "—" and en.iloc[0]["Base"] == "—"
    hitech = indicators_frame("hitech_zone", "en")
    assert "1254亿元 (2020)" in set(hitech["Base"])


def test_unknown_table():
    with pytest.raises(LayerNotFoundError, match="no indicator table"):
        indicators_frame("nowhere", "en")


def test_indicators_for_layer():
    sites = indicators_for_layer("sites")
    assert {i.id for i in sites} == {"new_major_facilities", "new_world_class_institutes"}
    assert [i.id for i in indicators_for_layer("corridors")] == ["green_space_5min"]
    assert indicators_for_layer("districts") == []
    with pytest.raises(LayerNotFoundError):
        indicators_for_layer("no_such_layer")


def test_broken_json_names_the_file(broken_dir):
    (broken_dir / "putuo.json").write_text('{"id": "putuo", "indicators": [', encoding="utf-8")
    with pytest.raises(LayerFileError, match=r"putuo\.json: broken JSON at line 1") as err:
        indicator_tables()
    assert "JSON 格式错误" in str(err.value)


def test_missing_file_names_the_file(broken_dir):
    (broken_dir / "hitech_zone.json").unlink()
    with pytest.raises(LayerFileError, match=r"hitech_zone\.json: file not found") as err:
        indicator_tables()
    assert "文件不存在" in str(err.value)


def test_bad_layer_id_names_file_and_indicator(broken_dir):
    path = broken_dir / "science_city.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["indicators"][0]["layer_id"] = "not_a_layer"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LayerFileError, match=r"science_city\.json: indicator 'new_major_facilities'.*not_a_layer"):
        indicator_tables()


def test_missing_field_is_reported(broken_dir):
    path = broken_dir / "putuo.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["indicators"][2]["target_value"]
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LayerFileError, match=r"putuo\.json: indicator 'sei_output' lacks target_value"):
        indicator_tables()
