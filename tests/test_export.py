"""Exports for planners' own GIS (layers.io.export): every format × coordinate choice round-trips.

Each case writes real catalogue layers (a polygon boundary, Chinese-named points, a layer
of mixed lines and polygons) plus a hostile frame (markup, CDATA terminators, quotes,
newlines, long Chinese text, lists and dicts, long colliding column names, a polygon with
a hole, a multi-line) in one export, reads it back with pyogrio, and checks the same
features, the same attributes (Chinese text verbatim; Shapefile through its field mapping
and long-text file), the same geometry within 1e-7° once back in WGS84, and the CRS asked for.
"""
from __future__ import annotations

import argparse
import html
import io
import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import MultiLineString, Point, Polygon

from geo.chinacoords import convert_geometry
from geo.errors import CRSError, GeometryError, LayerFileError, LayerNotFoundError
from layers import coverage as cov
from layers.io import cli_export
from layers.io import export as ex
from layers.catalogue.loading import load

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ("science_city_2021", "hitech_parks", "corridors")
HOSTILE = "<script>alert(1)</script>"
#: Geometry tolerance in degrees after transforming back to WGS84: 1e-7° ≈ 1.1 cm, the issue's
#: figure. It holds for every case: GeoJSON (RFC 7946) rounds to 7 decimals (error ≤ 5e-8°);
#: the other files keep ≥ 15 significant digits; PROJ's Gauss-Krüger forward + inverse
#: (Poder/Engsager) is exact to far below a millimetre within a zone, and the GCJ-02 inverse
#: leaves < 1e-8° (geo.settings.GCJ_INVERSE_ITERATIONS). The worst error seen is printed.
TOL_DEG = 1e-7
CASES = {  # crs choice → EPSG code the file must declare
    "wgs84": 4326,
    "cgcs2000": 4490,
    "gk3": 4550,  # the centre of these layers (121.61°E) is in the CM 123°E zone
    "gcj02": 4326,  # GCJ-02 has no EPSG code: labelled WGS84, named _GCJ02
}


def hostile_frame() -> gpd.GeoDataFrame:
    ring = [(121.60, 31.20), (121.62, 31.20), (121.62, 31.22), (121.60, 31.22), (121.60, 31.20)]
    hole = [(121.605, 31.205), (121.61, 31.205), (121.61, 31.21), (121.605, 31.205)]
    long_zh = "张江科学城" * 60  # 900 bytes of UTF-8: beyond a DBF text field
    return gpd.GeoDataFrame({
        "name_zh": ["张江<script>alert(1)</script>", "科学之门 ]]> & \"引号\"", "川杨河\n第二行"],
        "name_en": [HOSTILE, "a ]]> b <![CDATA[ & &amp; 'q'", "tab\there"],
        "note": [long_zh, "[1, 2]", None],
        "tags": [["绿地", "广场"], {"层": 1, "ok": True}, []],
        "count": np.array([1, -2, 3], dtype="int64"),
        "share": [0.125, np.nan, 1e-9],
        "a_very_long_attribute_name": ["x", "y", "z"],
        "a_very_long_attribute_other": ["1", "2", "3"],
    }, geometry=[Point(121.6123456, 31.2012345), Polygon(ring, [hole]),
                 MultiLineString([[(121.55, 31.15), (121.56, 31.16)], [(121.57, 31.17), (121.58, 31.18)]])],
        crs="EPSG:4326")


@pytest.fixture(scope="module")
def frames() -> dict[str, gpd.GeoDataFrame]:
    out = {i: load(i) for i in CATALOGUE}
    out["hostile"] = hostile_frame()
    return out


# --- reading back ------------------------------------------------------------------------------

def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def same_value(original, read, empty_is_null: bool = False) -> bool:
    """Equal attribute values: text exactly; numbers numerically (CSV and KML give text).

    A missing value may read back as empty text (CSV has no null); with ``empty_is_null``
    (DBF, which stores both as blanks) empty text may read back as missing.
    """
    if _missing(original):
        return _missing(read) or read == ""
    if empty_is_null and original == "" and _missing(read):
        return True
    if isinstance(original, (bool, np.bool_)):
        return str(read).lower() in (("1", "true") if original else ("0", "false"))
    if isinstance(original, (int, float, np.integer, np.floating)):
        return not _missing(read) and math.isclose(float(read), float(original), rel_tol=1e-12, abs_tol=1e-15)
    return isinstance(read, str) and read == original


def assert_attributes(original: pd.DataFrame, read: pd.DataFrame, where: str, empty_is_null: bool = False) -> None:
    assert len(read) == len(original), where
    for col in original.columns:
        if col == original.geometry.name:
            continue
        assert col in read.columns, f"{where}: column {col} missing; have {list(read.columns)}"
        for i, (a, b) in enumerate(zip(original[col].tolist(), read[col].tolist())):
            assert same_value(a, b, empty_is_null), f"{where}: {col}[{i}] {a!r} != {b!r}"


def wgs84_geoms(geoms, crs, gcj02: bool) -> list:
    series = gpd.GeoSeries(list(geoms), crs=crs).to_crs("EPSG:4326")
    return [convert_geometry(g, "gcj02", "wgs84") if gcj02 else g for g in series]


def vertex_error(a, b) -> float:
    """Largest distance (degrees) from a vertex of either geometry to the nearest vertex of the
    other: ring start and orientation may differ between formats, the vertices may not."""
    ca, cb = shapely.get_coordinates(a), shapely.get_coordinates(b)
    d = np.hypot(ca[:, None, 0] - cb[None, :, 0], ca[:, None, 1] - cb[None, :, 1])
    return float(max(d.min(axis=1).max(), d.min(axis=0).max()))


def assert_geometry(original: gpd.GeoDataFrame, read_geoms, read_crs, gcj02: bool, where: str) -> float:
    want = wgs84_geoms(original.geometry, original.crs, False)
    got = wgs84_geoms(read_geoms, read_crs, gcj02)
    assert len(got) == len(want), where
    worst = 0.0
    for i, (a, b) in enumerate(zip(want, got)):
        assert shapely.get_dimensions(a) == shapely.get_dimensions(b), f"{where}: feature {i} {b.geom_type}"
        assert shapely.get_num_coordinates(a) == shapely.get_num_coordinates(b), f"{where}: feature {i}"
        assert shapely.get_num_interior_rings(shapely.get_geometry(a, 0)) == \
            shapely.get_num_interior_rings(shapely.get_geometry(b, 0)), f"{where}: feature {i} holes"
        err = max(vertex_error(a, b), shapely.hausdorff_distance(a, b))
        worst = max(worst, err)
    assert worst <= TOL_DEG, f"{where}: geometry off by {worst:.2e}°"
    return worst


def expected(frames) -> dict[str, gpd.GeoDataFrame]:
    """What a file should hold: the frames with list/dict values as JSON text."""
    return {name: ex.serialise_attributes(f).reset_index(drop=True) for name, f in frames.items()}


def unzip(path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(path) as zf:
        zf.extractall(dest)
    return dest


def read_geojson(path: Path, tmp: Path, names, gcj: bool) -> dict[str, gpd.GeoDataFrame]:
    folder = unzip(path, tmp / "gj")
    suffix = "_GCJ02" if gcj else ""
    # the file holds "2026-11-22" as text; GDAL's GeoJSON reader would guess a date type
    return {n: pyogrio.read_dataframe(folder / f"{n}{suffix}.geojson", DATE_AS_STRING="YES") for n in names}


def read_gpkg(path: Path, names) -> dict[str, gpd.GeoDataFrame]:
    listed = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    assert listed == [*names, ex.PROVENANCE_TABLE]
    return {n: pyogrio.read_dataframe(path, layer=n) for n in names}


def read_csv(path: Path, tmp: Path, names, gcj: bool) -> dict[str, tuple[pd.DataFrame, str]]:
    folder = unzip(path, tmp / "csv")
    suffix = "_GCJ02" if gcj else ""
    out = {}
    for n in names:
        f = folder / f"{n}{suffix}.csv"
        assert f.read_bytes().startswith(b"\xef\xbb\xbf"), "CSV has a UTF-8 BOM for Excel"
        df = pyogrio.read_dataframe(f)  # GDAL takes the geometry from the WKT column
        assert set(df["crs"]) == {df["crs"].iloc[0]}
        out[n] = df
    return out


def read_shp(path: Path, tmp: Path, frames_: dict[str, gpd.GeoDataFrame]) -> dict[str, list]:
    """Per layer: [(rows of the original in this shapefile, the shapefile read back)]."""
    folder = unzip(path, tmp / "shp")
    mapping = ex.read_field_mapping(path)
    long_text = folder / "long_text.csv"
    longs = pd.read_csv(long_text, encoding="utf-8-sig", keep_default_na=False) if long_text.exists() else None
    out = {}
    for name, frame in frames_.items():
        fam = frame.geometry.geom_type.map({"Point": "point", "MultiPoint": "point", "LineString": "line",
                                            "MultiLineString": "line", "Polygon": "polygon",
                                            "MultiPolygon": "polygon"})
        present = list(dict.fromkeys(fam))
        parts = [(name, np.ones(len(frame), bool))] if len(present) == 1 else \
                [(f"{name}_{f}", (fam == f).to_numpy()) for f in present]
        out[name] = []
        for stem, mask in parts:
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                assert (folder / f"{stem}{ext}").exists(), f"{stem}{ext} missing from the zip"
            assert (folder / f"{stem}.cpg").read_text().strip() == "UTF-8"
            df = pyogrio.read_dataframe(folder / f"{stem}.shp")
            assert all(len(c.encode("utf-8")) <= 10 for c in df.columns if c != "geometry")
            df = df.rename(columns=mapping[stem])
            if longs is not None:
                for r in longs[longs["layer"] == stem].itertuples():
                    assert r.value.startswith(df.at[int(r.row), r.field])  # cut at a character boundary
                    df.at[int(r.row), r.field] = r.value
            out[name].append((mask, df))
    return out


# --- the matrix -------------------------------------------------------------------------------

@pytest.mark.parametrize("crs", list(CASES))
@pytest.mark.parametrize("fmt", list(ex.FORMATS))
def test_round_trip(fmt, crs, frames, tmp_path):
    gcj = crs == "gcj02"
    epsg = CASES[crs]
    if fmt == "kml" and crs in ("cgcs2000", "gk3"):
        with pytest.raises(CRSError, match="KML"):
            ex.export_frames(frames, fmt, tmp_path, crs)
        return
    report = ex.export_report(frames, fmt, tmp_path, crs)
    [path] = report.paths
    assert path.exists() and report.target.crs == f"EPSG:{epsg}"
    assert report.counts == {n: len(f) for n, f in frames.items()}
    assert ("_GCJ02" in path.name) == gcj
    want = expected(frames)
    names = list(frames)
    worst = 0.0

    if fmt == "shp":
        read = read_shp(path, tmp_path, frames)
        for name, parts in read.items():
            for mask, df in parts:
                where = f"shp {crs} {name}"
                assert df.crs.to_epsg() == epsg, where
                sub = want[name][mask].reset_index(drop=True)
                assert_attributes(sub, df, where, empty_is_null=True)
                worst = max(worst, assert_geometry(sub, df.geometry, df.crs, gcj, where))
        prov = (tmp_path / "shp" / ex.PROVENANCE_FILE).read_text(encoding="utf-8-sig")
        assert (ex.GCJ02_WARNING in prov) == gcj and f"EPSG:{epsg}" in prov
    elif fmt == "kml":
        titles = {ex.layer_provenance(n)["title_zh"]: n for n in names}
        listed = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
        assert listed == list(titles)  # one folder per layer, named by its Chinese title
        for title, name in titles.items():
            df = pyogrio.read_dataframe(path, layer=title)
            where = f"kml {crs} {name}"
            assert df.crs.to_epsg() == 4326
            assert_attributes(want[name], df, where)
            # <name> is the Chinese name; <description> the English one, as HTML text
            assert df["Name"].tolist() == want[name]["name_zh"].tolist(), where
            assert df["description"].tolist() == [html.escape(v) for v in want[name]["name_en"]], where
            worst = max(worst, assert_geometry(want[name], df.geometry, df.crs, gcj, where))
        text = path.read_text(encoding="utf-8")
        ET.fromstring(text.encode("utf-8"))  # well-formed despite the hostile text
        assert "张江高新区" in text  # Chinese as characters, not numeric entities
        assert (ex.GCJ02_WARNING.split(";")[0] in text) == gcj
    else:
        if fmt == "gpkg":
            read = read_gpkg(path, names)
            table = pyogrio.read_dataframe(path, layer=ex.PROVENANCE_TABLE)
            assert table["layer"].tolist() == names and set(table["crs"]) == {f"EPSG:{epsg}"}
            assert table.set_index("layer").at["hitech_parks", "licence"].startswith("CC BY 4.0")
            assert all((ex.GCJ02_WARNING in n) == gcj for n in table["coordinates_note"])
        elif fmt == "geojson":
            read = read_geojson(path, tmp_path, names, gcj)
            meta = json.loads((tmp_path / "gj" / f"hitech_parks{'_GCJ02' if gcj else ''}.geojson")
                              .read_text(encoding="utf-8"))
            assert meta["metadata"]["licence"].startswith("CC BY 4.0")
            assert ("crs" in meta) == (epsg != 4326)  # RFC 7946 unless another CRS was asked for
            assert (ex.GCJ02_WARNING in meta["metadata"]["coordinates_note"]) == gcj
        else:
            read = read_csv(path, tmp_path, names, gcj)
            for df in read.values():
                assert df["crs"].iloc[0] == f"EPSG:{epsg}"
                assert ("coord_note" in df) == (crs != "wgs84")
                assert (gcj and ex.GCJ02_WARNING in df["coord_note"].iloc[0]) or not gcj
        for name, df in read.items():
            where = f"{fmt} {crs} {name}"
            if fmt != "csv":
                assert df.crs.to_epsg() == epsg, where
            assert_attributes(want[name], df, where)
            worst = max(worst, assert_geometry(want[name], df.geometry, f"EPSG:{epsg}", gcj, where))
    print(f"{fmt} {crs}: worst vertex error {worst:.1e}°")


# --- details of the formats ------------------------------------------------------------------------

def test_short_field_names_are_predictable():
    names = ["name_zh", "accuracy_m", "description_zh", "description_en", "official_area_km2",
             "location_source", "a_very_long_attribute_name", "a_very_long_attribute_other", "面积平方公里"]
    short = ex.short_field_names(names)
    assert short == ex.short_field_names(names)  # deterministic
    assert short["name_zh"] == "name_zh" and short["accuracy_m"] == "accuracy_m"
    assert short["description_zh"] == "descrip_zh" and short["description_en"] == "descrip_en"
    assert short["official_area_km2"] == "offici_km2" and short["location_source"] == "location_s"
    assert short["a_very_long_attribute_name"] == "a_very_lon"
    assert short["a_very_long_attribute_other"] == "a_very_l_2"
    assert short["面积平方公里"] == "面积平"  # 9 bytes: never half a character
    assert all(len(v.encode("utf-8")) <= 10 for v in short.values())
    assert len({v.lower() for v in short.values()}) == len(names)


def test_shapefile_zip_contents(frames, tmp_path):
    [path] = ex.export_frames({"corridors": frames["corridors"], "hostile": frames["hostile"]}, "shp",
                              tmp_path / "out.zip", "gk3")
    assert path.name == "out.zip"
    members = set(zipfile.ZipFile(path).namelist())
    assert {"fields.csv", "long_text.csv", ex.PROVENANCE_FILE} <= members
    for stem in ("corridors_line", "corridors_polygon", "hostile_point", "hostile_polygon", "hostile_line"):
        assert {f"{stem}{e}" for e in (".shp", ".shx", ".dbf", ".prj", ".cpg")} <= members
    zf = zipfile.ZipFile(path)
    assert zf.read("corridors_line.cpg").decode().strip() == "UTF-8"
    assert "CGCS2000_3_Degree_GK_CM_123E" in zf.read("corridors_line.prj").decode()
    fields = pd.read_csv(io.BytesIO(zf.read("fields.csv")), encoding="utf-8-sig")
    row = fields[(fields["layer"] == "hostile_point") & (fields["field"] == "note")].iloc[0]
    assert "long_text.csv" in row["note"]
    provenance = zf.read(ex.PROVENANCE_FILE).decode("utf-8-sig")
    assert "EPSG:4550" in provenance and "seed 000" in provenance


def test_geopackage_lists_every_layer_and_their_provenance(tmp_path):
    [path] = ex.export_group("parks", "gpkg", tmp_path)
    assert path.name == "zhangjiang_parks_WGS84.gpkg"
    names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    assert names == ["hitech_parks", "putuo_subparks", ex.PROVENANCE_TABLE]
    info = pyogrio.read_info(path, layer="hitech_parks")
    assert info["layer_metadata"]["licence"].startswith("CC BY 4.0")
    assert "张江高新区" in info["layer_metadata"]["title_zh"]


def test_gk3_picks_the_zone_of_the_data(frames):
    assert ex.resolve_crs("gk3", {"a": frames["science_city_2021"]}).crs == "EPSG:4550"
    west = gpd.GeoDataFrame(geometry=[Point(121.2, 31.0)], crs="EPSG:4326")  # Songjiang, CM 120°E
    assert ex.resolve_crs("gk3", {"a": west}).crs == "EPSG:4549"
    assert ex.resolve_crs("EPSG:4490").crs == "EPSG:4490"
    assert ex.resolve_crs("EPSG:32651", {"a": west}).crs == "EPSG:32651"
    with pytest.raises(CRSError):
        ex.resolve_crs("EPSG:999999")
    with pytest.raises(CRSError, match="area of use"):
        ex.resolve_crs("EPSG:4534", {"a": west})  # the CM 75°E zone, far from Shanghai
    assert ex.resolve_crs("EPSG:4550", {"a": west}).crs == "EPSG:4550"  # 0.3° beyond the zone: usual


def test_names_and_paths(frames, tmp_path):
    one = {"hitech_parks": frames["hitech_parks"]}
    assert ex.export_frames(one, "kml", tmp_path / "parks.txt")[0].name == "parks.txt.kml"
    assert ex.export_frames(one, "geojson", tmp_path / "p.json")[0].name == "p.json"
    assert ex.export_frames(one, "geojson", tmp_path / "p.gpkg", "gcj02")[0].name == "p_GCJ02.geojson"
    assert ex.export_frames(one, "csv", tmp_path, "cgcs2000")[0].name == "hitech_parks_CGCS2000.csv"
    name, data = ex.export_bytes(one, "shp", "gk3")
    assert name == "hitech_parks_EPSG4549_shp.zip" and data[:2] == b"PK"  # the parks reach west Shanghai
    assert ex.safe_names(["gap", "我的绘制", "layer_provenance", "a b"]) == {
        "gap": "gap", "我的绘制": "layer_2", "layer_provenance": "layer_provenance_2", "a b": "a_b"}


def test_refusals(frames, tmp_path):
    with pytest.raises(LayerFileError, match="unknown export format"):
        ex.export_frames(frames, "dxf", tmp_path)
    with pytest.raises(GeometryError):
        ex.export_frames({}, "gpkg", tmp_path)
    no_crs = gpd.GeoDataFrame(geometry=[Point(121.6, 31.2)])
    with pytest.raises(CRSError):
        ex.export_frames({"x": no_crs}, "gpkg", tmp_path)
    collection = gpd.GeoDataFrame(geometry=[shapely.GeometryCollection([Point(121.6, 31.2)])], crs=4326)
    with pytest.raises(GeometryError, match="Shapefile"):
        ex.export_frames({"x": collection}, "shp", tmp_path)
    with pytest.raises(LayerNotFoundError):
        ex.export_group("nope", "gpkg", tmp_path)


def test_coverage_export_bytes_delegates(tmp_path):
    gap = gpd.GeoDataFrame({"parent": ["住宅 A"], "area_m2": [625.0], "dist_m": [np.nan], "status": ["gap"]},
                           geometry=[Point(121.6, 31.2).buffer(0.001)], crs=4326)
    empty = gap.iloc[:0]
    layers_ = {"gap": gap, "covered": empty, "source": gap.assign(status="x"), "new": None}
    path = tmp_path / "c.gpkg"
    path.write_bytes(cov.export_bytes(layers_, "gpkg"))
    names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    assert names == ["gap", "covered", "source", ex.PROVENANCE_TABLE]
    assert len(gpd.read_file(path, layer="covered")) == 0  # "nothing uncovered" is a result too
    table = pyogrio.read_dataframe(path, layer=ex.PROVENANCE_TABLE)
    assert set(table["licence"]) == {ex.OSM_DERIVED_PROVENANCE["licence"]}
    gj = tmp_path / "g.geojson"
    gj.write_bytes(cov.export_bytes(layers_, "geojson"))
    back = gpd.read_file(gj)
    assert back["parent"].tolist() == ["住宅 A"] and back.crs.to_epsg() == 4326
    with pytest.raises(Exception, match="unknown export format"):
        cov.export_bytes(layers_, "dxf")


# --- command line ---------------------------------------------------------------------------------

def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m layers")
    cli_export.register_cli(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_cli_handler(tmp_path, capsys):
    args = _parse(["export", "hitech_parks", "science_city_2021", "--format", "gpkg", "--crs", "EPSG:4490",
                   "--out", str(tmp_path / "x.gpkg")])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "x.gpkg") in out and "EPSG:4490" in out
    assert "hitech_parks" in out and "22 features" in out
    args = _parse(["export", "--group", "boundaries", "--format", "shp", "--out", str(tmp_path)])
    assert args.func(args) == 0
    assert (tmp_path / "zhangjiang_boundaries_WGS84_shp.zip").exists()
    args = _parse(["export", "sites", "--out", str(tmp_path / "s.kml"), "--crs", "gcj02"])
    assert args.func(args) == 0 and (tmp_path / "s_GCJ02.kml").exists()
    assert "GCJ-02" in capsys.readouterr().out

    for argv, message in ((["export", "nope", "--format", "csv"], "no layer 'nope'"),
                          (["export", "sites", "--format", "kml", "--crs", "cgcs2000"], "KML"),
                          (["export", "--format", "csv"], "LAYER_ID"),
                          (["export", "sites", "--out", str(tmp_path / "noext")], "--format")):
        args = _parse(argv)
        assert args.func(args) == 1, argv
        err = capsys.readouterr().err
        assert err.startswith("error: ") and message in err, err


def test_cli_subprocess(tmp_path):
    p = subprocess.run([sys.executable, "-m", "layers", "export", "science_city_2021", "--format", "geojson",
                        "--crs", "gk3", "--out", str(tmp_path / "sc.geojson")], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "EPSG:4550" in p.stdout
    assert gpd.read_file(tmp_path / "sc.geojson").crs.to_epsg() == 4550
    bad = subprocess.run([sys.executable, "-m", "layers", "export", "nope", "--format", "csv"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "nope" in bad.stderr


def test_kml_of_a_drawing_with_a_blank_name():
    """A drawn layer whose name is blank exports to KML (once an AttributeError); the blank
    feature gets the layer's own label, the named one keeps its name."""
    square = Polygon([(121.60, 31.20), (121.61, 31.20), (121.61, 31.21), (121.60, 31.21)])
    frame = gpd.GeoDataFrame({"name": ["", "新公园"]}, geometry=[square, square], crs=4326)
    name, data = ex.export_bytes({"drawings": frame}, "kml", "wgs84", stem="mine")
    text = data.decode("utf-8")
    assert name.endswith(".kml")
    assert "<name>drawings 1</name>" in text and "<name>新公园</name>" in text
