"""Land-use codes, their standard colours, and the land-use balance table (geo.landuse)."""
from __future__ import annotations

import io
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from pyproj import Geod
from shapely.geometry import LineString, box

from geo.errors import LandUseError
from geo.landuse import codes
from geo.landuse.balance import OUTSIDE, balance_table
from geo.landuse.codes import (SYSTEMS, classes, colour, detect_system, is_residential, lookup, match,
                               normalise_code, split_mixed)
from geo.landuse.recognise import EMPTY, classify, code_columns, guess_code_column, is_clean_code, unknown_codes
from layers.io.importer import read_layer
from tests.landuse_synth import write_parcels, zones

GEOD = Geod(ellps="WGS84")
REL = 1e-6

# --- colours ---------------------------------------------------------------------------------

#: GB 50137-2011 classes: colours transcribed from the legend tables "城市建设用地(大类)制图图例"
#: (blog.csdn.net/gandongusa/article/details/104227112; 色号 2, 6, 1, 35, 195, 8, 144, 3) and
#: "城乡建设用地制图图例" / "城市建设用地制图图例" (www.cnblogs.com/ban1234/p/14409844, "附录:
#: 城市规划制图图例(AutoCAD2016)"; R1 色号 51, R3 53, H4 87, E1 131, E2 82), read independently of the CSV.
GB_STANDARD = {
    "R": (255, 255, 0), "A": (255, 0, 255), "B": (255, 0, 0), "M": (127, 95, 63), "W": (95, 63, 127),
    "S": (128, 128, 128), "U": (0, 95, 127), "G": (0, 255, 0), "R1": (255, 255, 127), "R2": (255, 255, 0),
    "R3": (165, 165, 82), "H4": (47, 76, 38), "E1": (127, 255, 255), "E2": (41, 165, 0),
}
#: 2023 用地用海分类: colours of 《市级国土空间总体规划制图规范（试行）》(2021) 附录 B
#: 「用地用海分类配色指引表」 (RGB), as transcribed in the GitHub file landuse_colors.js.
GTKJ_STANDARD = {
    "01": (245, 248, 220), "03": (104, 177, 103), "0701": (255, 255, 45), "0703": (255, 211, 128),
    "0801": (255, 0, 255), "0802": (230, 0, 92), "0804": (255, 133, 201), "09": (255, 0, 0),
    "1001": (187, 150, 116), "11": (135, 97, 211), "13": (0, 99, 128), "1401": (0, 255, 0),
    "1402": (20, 141, 74), "1403": (172, 255, 207), "16": (255, 255, 255), "17": (51, 142, 192),
}


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#%02X%02X%02X" % rgb


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_class_has_a_colour_and_a_parent(system):
    table = classes(system)
    assert len(table) > 100
    for code, cls in table.items():
        assert re.fullmatch(r"#[0-9A-F]{6}", cls.colour), code
        assert cls.colour_source in codes.COLOUR_SOURCES
        assert cls.name_zh and cls.name_en
        if cls.parent is None:
            assert cls.level == 1
        else:
            assert table[cls.parent].level == cls.level - 1 and code.startswith(cls.parent)
        if cls.colour_source == "parent":
            assert cls.colour == table[cls.parent].colour, code
    assert "source:" in codes.source(system)


@pytest.mark.parametrize("system,expected", [("gb50137", GB_STANDARD), ("gtkj2023", GTKJ_STANDARD)])
def test_main_classes_have_the_cited_standard_colours(system, expected):
    table = classes(system)
    for code, rgb in expected.items():
        assert table[code].colour == _hex(rgb), code
        assert table[code].colour_source == "standard", code


def test_required_codes_are_present():
    gb = classes("gb50137")
    for code in ("R", "A", "B", "M", "W", "S", "U", "G", "H", "E", "R1", "R2", "R3", "A1", "A9", "B9", "M3", "W3",
                 "S4", "S9", "U9", "G3", "R21", "R22", "A31", "A32", "A33", "A34", "A35", "B11", "B14", "S41",
                 "S42", "U11", "U12", "U13", "U14", "U15", "U21", "U22"):
        assert code in gb, code
    gt = classes("gtkj2023")
    assert [c for c in gt if len(c) == 2] == [f"{i:02d}" for i in range(1, 25)]
    for code in ("0701", "070101", "070102", "070103", "0702", "0703", "0801", "0806", "0807", "1207", "1401",
                 "1402", "1403", "16", "1701"):
        assert code in gt, code
    assert [c for c, cls in gb.items() if cls.level == 1] == list("RABMWSUGHE")


def test_child_coloured_top_classes_are_documented():
    gt = classes("gtkj2023")
    for top, child in {"07": "0701", "08": "0801", "10": "1001", "14": "1401"}.items():
        assert gt[top].colour_source == "child" and gt[top].colour == gt[child].colour


# --- codes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,code", [
    (" R2 ", "R2"), ("ｒ２", "R2"), ("R2 二类居住用地", "R2"), ("R2二类居住用地", "R2"), ("R2类", "R2"),
    ("B1用地", "B1"), ("二类居住用地(R2)", "R2"), ("（R2）", "R2"), ("0701 城镇住宅用地", "0701"),
    ("０７０１", "0701"), ("070101", "070101"), (701, "0701"), (70101.0, "070101"), (7, "07"),
    ("R2/B1", "R2"), ("R2＋B1", "R2"), ("B1B2", "B1"), (None, None), ("", None), (float("nan"), None),
    ("二类居住用地", None), (2.5, None), (pd.NA, None), (np.str_("R2"), "R2"), (np.int64(701), "0701"),
    (np.float64(1401), "1401"), (True, None),
])
def test_normalise_code(raw, code):
    assert normalise_code(raw) == code


def test_mixed_codes():
    assert split_mixed("R2/B1") == ("R2", "B1")
    assert split_mixed("R2+B1") == ("R2", "B1")
    assert split_mixed("R2、B1、B2") == ("R2", "B1", "B2")
    assert split_mixed("0701/0901") == ("0701", "0901")
    m = match("R2/B1", "gb50137")
    assert m.cls is not None and m.cls.code == "R2" and m.mixed == ("R2", "B1") and m.exact
    assert match("R2", "gb50137").mixed == ()


def test_lookup_falls_back_to_the_longest_known_prefix():
    assert lookup("R22", "gb50137").code == "R22"
    cls = lookup("R22x", "gb50137")
    assert cls.code == "R22" and cls.level == 3
    assert lookup("R29", "gb50137").code == "R2"
    assert lookup("R9", "gb50137").code == "R"
    m = match("07010199", "gtkj2023")
    assert m.cls.code == "070101" and m.level_matched == 3 and not m.exact
    assert lookup("0799", "gtkj2023").code == "07"
    assert lookup("X9", "gb50137") is None and lookup("99", "gtkj2023") is None
    assert lookup("二类居住用地", "gb50137").code == "R2"  # a unique name
    assert lookup("住宅用地", "gb50137") is None  # R11, R21, R31: ambiguous
    assert colour("R21", "gb50137") == "#FFFF00" and colour("X9", "gb50137", "#CCCCCC") == "#CCCCCC"
    with pytest.raises(LandUseError):
        lookup("R2", "gb2011")


def test_detect_system():
    assert detect_system(["R2", "B1", "G1", "0701"]) == "gb50137"
    assert detect_system(["0701", "070102", "1401", "R2"]) == "gtkj2023"
    assert detect_system([701, 1401.0, None]) == "gtkj2023"
    assert detect_system(["", None, "X9?"]) is None


def test_is_residential():
    for code in ("R", "R2", "R21", "R22", "R3", "R2/B1"):
        assert is_residential(code, "gb50137")
    for code in ("B1", "A33", "X9", None, "B1/R2"):
        assert not is_residential(code, "gb50137")
    assert not is_residential("R22", "gb50137", housing_only=True)
    assert is_residential("R21", "gb50137", housing_only=True) and is_residential("R2", "gb50137", housing_only=True)
    for code in ("07", "0701", "070102", "0702", "0703", "070301", "0704"):
        assert is_residential(code, "gtkj2023")
    assert not is_residential("0702", "gtkj2023", housing_only=True)
    assert not is_residential("0704", "gtkj2023", housing_only=True)
    assert is_residential("070103", "gtkj2023", housing_only=True)
    for code in ("0801", "09", "1401", "R2"):
        assert not is_residential(code, "gtkj2023")


def test_clean_code_test_rejects_parcel_numbers():
    assert is_clean_code("R2", "gb50137") and is_clean_code("R2 二类居住用地", "gb50137")
    assert is_clean_code("二类居住用地(R2)", "gb50137") and is_clean_code("R2/B1", "gb50137")
    assert not is_clean_code("A1-01", "gb50137") and not is_clean_code("ZJ-0001", "gb50137")
    assert is_clean_code(701, "gtkj2023") and not is_clean_code(123, "gtkj2023")
    assert not is_clean_code(2.5, "gtkj2023")


def test_classify_and_unknown_codes():
    s = pd.Series(["R2", "R2/B1", "X9", "", None, "X9", "R22x"], index=list("abcdefg"))
    out = classify(s)
    assert list(out.index) == list("abcdefg")
    assert list(out["class_code"][:2]) == ["R2", "R2"] and out.loc["b", "mixed"] == "R2/B1"
    assert out.loc["g", "class_code"] == "R22" and out.loc["g", "level_matched"] == 3
    assert list(out["known"]) == [True, True, False, False, False, False, True]
    assert out.loc["a", "colour"] == "#FFFF00" and (out["system"].dropna() == "gb50137").all()
    assert unknown_codes(out) == {"X9": 2, EMPTY: 2}
    typed = classify(pd.Series(["0701", pd.NA, "1401"], dtype="string"))
    assert list(typed["known"]) == [True, False, True] and unknown_codes(typed) == {EMPTY: 1}
    nothing = classify(pd.Series(["?", "!"]))
    assert not nothing["known"].any() and unknown_codes(nothing) == {"!": 1, "?": 1}


# --- the synthetic parcel layer, read through the importer -----------------------------------

@pytest.fixture(scope="module")
def parcels(tmp_path_factory):
    folder = tmp_path_factory.mktemp("landuse")
    out = {}
    for system in ("gb50137", "gtkj2023", "both"):
        synth = write_parcels(folder / f"{system}.zip", system=system, cpg=system != "gtkj2023")
        imported = read_layer(synth.path)
        assert imported.crs_used == "EPSG:4550" and not imported.needs_confirmation
        out[system] = (synth, imported.frame)
    return out


def _geod_total(frame: gpd.GeoDataFrame) -> float:
    return sum(abs(GEOD.geometry_area_perimeter(g)[0]) for g in frame.to_crs(4326).geometry)


def test_guess_code_column(parcels):
    for system in ("gb50137", "gtkj2023"):
        synth, frame = parcels[system]
        assert list(frame["地块编号"][:2]) == ["A1-01", "A1-02"]  # GBK attributes read back
        assert guess_code_column(frame) == "用地代码"
        assert code_columns(frame)[0].system == system
    synth, frame = parcels["both"]
    found = {c.column: c.system for c in code_columns(frame)}
    assert found == {"用地代码": "gb50137", "YDDM": "gtkj2023"}
    renamed = frame.rename(columns={"用地代码": "col_a", "YDDM": "col_b"})
    assert guess_code_column(renamed) in ("col_a", "col_b")  # the value test alone finds it
    assert guess_code_column(frame[["地块编号", "容积率", "人口", "geometry"]]) is None


@pytest.mark.parametrize("system", ["gb50137", "gtkj2023"])
@pytest.mark.parametrize("level", [1, 2])
def test_balance_table_areas(parcels, system, level):
    synth, frame = parcels[system]
    table = balance_table(frame, "用地代码", level=level)
    assert table.system == system and table.level == level
    assert table.total_m2 == pytest.approx(_geod_total(frame), rel=1e-9)
    assert table.total_m2 == pytest.approx(synth.total_m2, rel=REL)
    rows = table.rows
    body = rows[rows["kind"].isin(["class", "unknown"])]
    assert body["area_m2"].sum() == pytest.approx(table.total_m2, rel=1e-12)
    assert body["parcels"].sum() == len(frame)
    got = dict(zip(rows.loc[rows["kind"] == "class", "code"], rows.loc[rows["kind"] == "class", "area_m2"]))
    expected = synth.expected[system][level]
    assert set(got) == set(expected)
    for code, m2 in expected.items():
        assert got[code] == pytest.approx(m2, rel=REL), code
    total = rows[rows["kind"] == "total"].iloc[0]
    assert total["area_m2"] == pytest.approx(table.total_m2) and total["share"] == pytest.approx(1.0)
    order = list(classes(system))
    positions = [order.index(c) for c in rows.loc[rows["kind"] == "class", "code"]]
    assert positions == sorted(positions)


def test_unknown_codes_are_listed(parcels):
    synth, frame = parcels["gb50137"]
    table = balance_table(frame, "用地代码")
    assert table.unknown == synth.unknown["gb50137"] and sum(table.unknown.values()) == 3
    row = table.rows[table.rows["kind"] == "unknown"].iloc[0]
    assert row["name_zh"] == "未识别" and row["parcels"] == 3
    for raw in synth.unknown["gb50137"]:
        assert raw in row["note_zh"]
    unknown_area = sum(a for a, c in zip(synth.areas_m2, synth.codes["gb50137"]) if c in synth.unknown["gb50137"])
    assert row["area_m2"] == pytest.approx(unknown_area, rel=REL)


def test_level_two_has_subtotals_and_mixed_notes(parcels):
    synth, frame = parcels["gb50137"]
    rows = balance_table(frame, "用地代码", level=2).rows
    sub = rows[(rows["kind"] == "subtotal") & (rows["code"] == "R")].iloc[0]
    parts = rows[(rows["kind"] == "class") & rows["code"].str.startswith("R")]
    assert sub["area_m2"] == pytest.approx(parts["area_m2"].sum())
    r2 = rows[(rows["kind"] == "class") & (rows["code"] == "R2")].iloc[0]
    assert "混合用地" in r2["note_zh"]


def test_both_layer_balances_each_system(parcels):
    synth, frame = parcels["both"]
    gb = balance_table(frame, "用地代码", system="gb50137")
    gt = balance_table(frame, "YDDM")
    assert gt.system == "gtkj2023" and gb.total_m2 == pytest.approx(gt.total_m2)
    got = dict(zip(gt.rows["code"], gt.rows["area_m2"]))
    for code, m2 in synth.expected["gtkj2023"][1].items():
        assert got[code] == pytest.approx(m2, rel=REL)
    residential = gb.rows[gb.rows["code"] == "R"]["area_m2"].iloc[0]
    housing = gt.rows[gt.rows["code"] == "07"]["area_m2"].iloc[0]
    assert residential == pytest.approx(housing)  # the same parcels, both systems


def test_per_zone_balance_sums_to_the_same_total(parcels):
    synth, frame = parcels["gb50137"]
    z = zones()
    table = balance_table(frame, "用地代码", zones=z, zone_column="分区")
    plain = balance_table(frame, "用地代码")
    assert table.zones == ("西区", "东区") and not table.notes
    assert table.total_m2 == pytest.approx(plain.total_m2)
    rows = table.rows
    cols = ["area_m2@西区", "area_m2@东区", f"area_m2@{OUTSIDE}"]
    for _, row in rows.iterrows():
        assert sum(row[c] for c in cols) == pytest.approx(row["area_m2"], rel=1e-6, abs=1e-3)
    total = rows[rows["kind"] == "total"].iloc[0]
    assert total["area_m2@西区"] > 0 and total["area_m2@东区"] > 0 and total[f"area_m2@{OUTSIDE}"] > 0
    west = z.to_crs(4326).geometry.iloc[0]
    clipped = sum(abs(GEOD.geometry_area_perimeter(g.intersection(west))[0]) for g in frame.geometry)
    assert total["area_m2@西区"] == pytest.approx(clipped, rel=1e-9)
    body = rows[rows["kind"].isin(["class", "unknown"])]
    assert body["share@东区"].sum() == pytest.approx(1.0)


def test_overlapping_zones_are_reported(parcels):
    synth, frame = parcels["gb50137"]
    z = zones()
    z.loc[len(z)] = ["重叠", z.geometry.iloc[0]]
    table = balance_table(frame, "用地代码", zones=z, zone_column="分区")
    assert any("重叠" in n.zh for n in table.notes)


def test_csv_has_bom_and_chinese_headers(parcels):
    synth, frame = parcels["gb50137"]
    table = balance_table(frame, "用地代码", zones=zones(), zone_column="分区")
    data = table.to_csv("zh")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("代码,用地名称,地块数,面积 (公顷),占比 (%)") and "西区 面积 (公顷)" in header
    assert "分区外 面积 (公顷)" in header
    assert "合计" in text and "未识别" in text
    en = table.to_csv("en").decode("utf-8-sig")
    assert en.splitlines()[0].startswith("Code,Land use,Parcels,Area (ha),Share (%)") and "total" in en
    frame_csv = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    total = frame_csv[frame_csv["用地名称"] == "合计"].iloc[0]
    assert total["面积 (公顷)"] == pytest.approx(table.total_m2 / 1e4, abs=1e-4)
    assert table.headers("zh") == list(frame_csv.columns)


def test_xlsx_holds_the_same_numbers(parcels):
    synth, frame = parcels["gtkj2023"]
    table = balance_table(frame, "用地代码", level=2)
    book = load_workbook(io.BytesIO(table.to_xlsx("zh")))
    sheet = book.active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == table.headers("zh")
    records = [[v if v != "" else None for v in r] for r in table.records("zh")]
    assert values[1:] == records
    total = next(r for r in values if r[1] == "合计")
    assert total[3] == pytest.approx(table.total_m2 / 1e4, abs=1e-4)


def test_balance_table_errors_and_non_polygons():
    frame = gpd.GeoDataFrame({"code": ["R2", "G1"]}, geometry=[box(121.6, 31.2, 121.601, 31.201),
                                                               LineString([(121.6, 31.2), (121.61, 31.2)])],
                             crs="EPSG:4326")
    with pytest.raises(LandUseError):
        balance_table(frame, "missing")
    with pytest.raises(LandUseError):
        balance_table(frame, "code", level=4)
    with pytest.raises(LandUseError):
        balance_table(frame, "code", system="gb2011")
    table = balance_table(frame, "code")
    assert any("非面要素" in n.zh for n in table.notes)
    g1 = table.rows[table.rows["code"] == "G"].iloc[0]
    assert g1["area_m2"] == 0.0 and g1["parcels"] == 1
