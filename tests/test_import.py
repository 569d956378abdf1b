"""Round trips of :mod:`layers.io.importer` for every format and CRS case, at known Zhangjiang points."""
from __future__ import annotations

import argparse
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon

from geo.chinacoords import convert_frame
from geo.errors import ImportFileError, ImportGeometryError
from layers.io import cli_import, importer
from layers.io.importer import detect_crs, read_layer, summary

NAMES = ["张江科学城", "上海光源", "<script>alert('x')</script> & 药谷"]
DEG = 1e-6


def load(path, **kw):
    """:func:`read_layer` accepting the reference frame's points + polygon (mixed)."""
    kw.setdefault("allow_mixed", True)
    return read_layer(path, **kw)


def reference() -> gpd.GeoDataFrame:
    """Three features with Chinese names at known Zhangjiang positions (WGS84)."""
    square = Polygon([(121.59, 31.20), (121.60, 31.20), (121.60, 31.21), (121.59, 31.21)])
    geoms = [Point(121.5877, 31.2028), Point(121.5963, 31.1936), square]
    return gpd.GeoDataFrame({"name": NAMES, "n": [1, 2, 3]}, geometry=geoms, crs="EPSG:4326")


def polygons() -> gpd.GeoDataFrame:
    """The reference features as small squares (0.001°) with one corner on each known point.

    A Shapefile holds one geometry type.
    """
    ref = reference()
    lo = ref.geometry.bounds[["minx", "miny"]].to_numpy()
    return ref.set_geometry([shapely.box(x, y, x + 0.001, y + 0.001) for x, y in lo], crs="EPSG:4326")


def points_only() -> gpd.GeoDataFrame:
    ref = reference()
    ref.loc[2, "geometry"] = Point(121.6, 31.21)
    return ref


def assert_same(got: gpd.GeoDataFrame, want: gpd.GeoDataFrame, tol: float = DEG, name_col: str = "name") -> None:
    assert len(got) == len(want)
    assert list(got[name_col]) == list(want["name"])
    a = shapely.get_coordinates(shapely.orient_polygons(got.geometry.to_numpy()))  # Shapefiles reorient rings
    b = shapely.get_coordinates(shapely.orient_polygons(want.to_crs(got.crs).geometry.to_numpy()))
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, atol=tol, rtol=0)


def write_shp_zip(gdf: gpd.GeoDataFrame, folder: Path, name: str, *, encoding: str = "UTF-8",
                  prj: bool = True, cpg: bool = True, cpg_text: str | None = None) -> Path:
    """Write a Shapefile with pyogrio and zip it, with or without .prj/.cpg."""
    shp_dir = folder / f"{name}_shp"
    shp_dir.mkdir()
    gdf.to_file(shp_dir / f"{name}.shp", encoding=encoding)
    if not prj:
        (shp_dir / f"{name}.prj").unlink()
    if (shp_dir / f"{name}.cpg").exists() and not cpg:
        (shp_dir / f"{name}.cpg").unlink()
    if cpg_text is not None:
        (shp_dir / f"{name}.cpg").write_text(cpg_text)
    out = folder / f"{name}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(shp_dir.iterdir()):
            zf.write(f, f.name)
    return out


# --- formats, declared CRS ------------------------------------------------------------------------

def test_geojson_round_trip(tmp_path):
    path = tmp_path / "a.geojson"
    reference().to_file(path, driver="GeoJSON")
    imp = load(path)
    assert imp.crs_used == "EPSG:4326" and not imp.needs_confirmation
    assert_same(imp.frame, reference())
    assert imp.frame.crs.to_epsg() == 4326


def test_geojson_legacy_crs_member_is_honoured(tmp_path):
    gk = reference().to_crs("EPSG:4549")
    doc = json.loads(gk.to_json())
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}}
    path = tmp_path / "gk.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    imp = load(path)
    assert imp.crs_used == "EPSG:4549"
    assert_same(imp.frame, reference())


def test_gpkg_two_layers_choose(tmp_path):
    path = tmp_path / "two.gpkg"
    reference().to_file(path, layer="plan", driver="GPKG")
    reference().to_crs("EPSG:4550").iloc[:2].to_file(path, layer="sites_gk", driver="GPKG")
    assert importer.list_layers(path) == ["plan", "sites_gk"]
    with pytest.raises(ImportFileError) as err:
        load(path)
    assert err.value.kind == "layer" and "sites_gk" in str(err.value)
    assert_same(load(path, layer="plan").frame, reference())
    imp = load(path, layer="sites_gk")
    assert imp.crs_used == "EPSG:4550" and imp.layer == "sites_gk"
    assert_same(imp.frame, reference().iloc[:2])
    with pytest.raises(ImportFileError) as err:
        load(path, layer="nope")
    assert err.value.kind == "layer"


def test_shp_zip_with_prj(tmp_path):
    imp = load(write_shp_zip(polygons(), tmp_path, "plan"))
    assert imp.crs_used == "EPSG:4326" and imp.fmt == "shpzip"
    assert_same(imp.frame, polygons())


def test_shp_zip_gk_no_prj_gbk_no_cpg(tmp_path):
    gk = polygons().to_crs("EPSG:4550")
    path = write_shp_zip(gk, tmp_path, "gk", encoding="GBK", prj=False, cpg=False)
    imp = load(path)
    assert imp.needs_confirmation and imp.candidates[0].crs == "EPSG:4550"
    assert list(imp.frame["name"]) == NAMES
    assert any("GBK" in w for w in imp.warnings)
    confirmed = load(path, crs="EPSG:4550")
    assert not confirmed.needs_confirmation
    assert_same(confirmed.frame.to_crs("EPSG:4550"), gk, tol=0.01)


def test_shp_zip_cpg_gbk(tmp_path):
    path = write_shp_zip(polygons(), tmp_path, "gbk", encoding="GBK", cpg_text="GBK")
    assert_same(load(path).frame, polygons())
    path936 = write_shp_zip(polygons(), tmp_path, "ansi", encoding="GBK", cpg_text="ANSI 936")
    assert_same(load(path936).frame, polygons())


def test_shp_zip_utf8_no_cpg(tmp_path):
    path = write_shp_zip(polygons(), tmp_path, "u8", encoding="UTF-8", cpg=False)
    assert_same(load(path).frame, polygons())


def test_shp_zip_several_choose_layer(tmp_path):
    one = write_shp_zip(polygons(), tmp_path, "a")
    with zipfile.ZipFile(one, "a") as zf:
        src = write_shp_zip(polygons().iloc[:1], tmp_path, "b")
        with zipfile.ZipFile(src) as zb:
            for n in zb.namelist():
                zf.writestr(f"sub/{n}", zb.read(n))
    assert importer.list_layers(one) == ["a.shp", "b.shp"]
    with pytest.raises(ImportFileError) as err:
        load(one)
    assert err.value.kind == "zip_many_shp" and "a.shp" in str(err.value) and "b.shp" in str(err.value)
    assert len(load(one, layer="b").frame) == 1
    assert len(load(one, layer="a.shp").frame) == 3


def test_kml_and_kmz(tmp_path):
    kml = tmp_path / "a.kml"
    reference().to_file(kml, driver="KML")
    imp = load(kml)
    assert imp.fmt == "kml" and imp.crs_used == "EPSG:4326"
    assert_same(imp.frame, reference())
    kmz = tmp_path / "a.kmz"
    with zipfile.ZipFile(kmz, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("doc.kml", kml.read_bytes())
    assert_same(load(kmz).frame, reference())


@pytest.mark.parametrize("lon,lat", [("lon", "lat"), ("经度", "纬度"), ("Longitude", "Latitude"), ("lng", "lat")])
def test_csv_lonlat(tmp_path, lon, lat):
    ref = points_only()
    path = tmp_path / "p.csv"
    rows = [f"name,{lon},{lat}"] + [f"\"{n}\",{g.x!r},{g.y!r}" for n, g in zip(ref["name"], ref.geometry)]
    path.write_text("\n".join(rows), encoding="utf-8")
    imp = load(path)
    assert imp.crs_used == "EPSG:4326" and not imp.needs_confirmation
    assert_same(imp.frame, ref)


def test_csv_gbk_and_wkt(tmp_path):
    ref = reference()
    path = tmp_path / "w.csv"
    ref.assign(wkt=ref.geometry.to_wkt(rounding_precision=-1)).drop(columns="geometry").to_csv(
        path, index=False, encoding="gb18030")
    imp = load(path)
    assert_same(imp.frame, ref)


def test_csv_gk_xy_needs_confirmation(tmp_path):
    gk = points_only().to_crs("EPSG:4550")
    path = tmp_path / "gk.csv"
    gk.assign(x=gk.geometry.x, y=gk.geometry.y).drop(columns="geometry").to_csv(path, index=False)
    imp = load(path)
    assert imp.needs_confirmation and imp.candidates[0].crs == "EPSG:4550"
    assert_same(load(path, crs="EPSG:4550").frame.to_crs("EPSG:4550"), gk, tol=0.01)


# --- CRS detection --------------------------------------------------------------------------------

def _undeclared(code: str) -> gpd.GeoDataFrame:
    return reference().to_crs(code).set_crs(None, allow_override=True)


@pytest.mark.parametrize("code", ["EPSG:4528", "EPSG:4529", "EPSG:4549", "EPSG:4550"])
def test_detect_gk_zone_first(code):
    ranked = detect_crs(_undeclared(code))
    assert ranked[0].crs == code and ranked[0].share_inside == 1.0


def test_detect_gk_prefix_is_unique():
    assert [c.crs for c in detect_crs(_undeclared("EPSG:4529"))] == ["EPSG:4529"]
    assert [c.crs for c in detect_crs(_undeclared("EPSG:4528"))] == ["EPSG:4528"]


def test_detect_utm51n_ties_with_gk123():
    """UTM 51N and GK CM 123°E differ by ~1.4 km here: both fit fully, the planner chooses."""
    ranked = detect_crs(_undeclared("EPSG:32651"))
    top = [c.crs for c in ranked if c.share_inside == 1.0]
    assert set(top) == {"EPSG:32651", "EPSG:4550"}
    assert "EPSG:4549" not in top


def test_utm51n_confirmed_round_trip(tmp_path):
    utm = polygons().to_crs("EPSG:32651")
    path = write_shp_zip(utm, tmp_path, "utm", prj=False)
    first = load(path)
    assert first.needs_confirmation and "EPSG:32651" in [c.crs for c in first.candidates]
    assert_same(load(path, crs="EPSG:32651").frame.to_crs("EPSG:32651"), utm, tol=0.01)


def test_detect_lonlat_and_swap():
    ranked = detect_crs(reference().set_crs(None, allow_override=True))
    assert [c.crs for c in ranked[:2]] == ["EPSG:4326", "EPSG:4490"] and not ranked[0].swap
    swapped = reference().set_geometry(shapely.transform(reference().geometry.to_numpy(), lambda c: c[:, ::-1]))
    ranked = detect_crs(swapped.set_crs(None, allow_override=True))
    assert ranked[0].swap and ranked[0].crs == "EPSG:4326"


def test_swapped_csv_offered_then_applied(tmp_path):
    ref = points_only()
    path = tmp_path / "swap.csv"
    rows = ["name,lon,lat"] + [f"{n},{g.y!r},{g.x!r}" for n, g in zip(ref["name"], ref.geometry)]
    path.write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(ImportGeometryError) as err:
        load(path)
    assert err.value.kind == "outside" and "swap" in str(err.value)
    assert err.value.candidates[0].swap
    imp = load(path, swap=True)
    assert_same(imp.frame, ref)
    assert any("swapped" in f for f in imp.fixes)


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_offset_datums_converted(tmp_path, datum):
    ref = reference()
    shifted = convert_frame(ref, "wgs84", datum)
    path = tmp_path / f"{datum}.geojson"
    shifted.to_file(path, driver="GeoJSON")
    imp = load(path, datum=datum)
    assert imp.datum == datum
    expected = convert_frame(shifted, datum, "wgs84")
    assert_same(imp.frame, expected, tol=1e-9)
    assert_same(imp.frame, ref, tol=2e-6)  # the public BD-09 inverse is good to ~1e-6°


def test_declared_crs_can_be_overridden(tmp_path):
    gk = reference().to_crs("EPSG:4550").set_crs("EPSG:4549", allow_override=True)
    path = tmp_path / "wrong.gpkg"
    gk.to_file(path, driver="GPKG")
    with pytest.raises(ImportGeometryError) as err:
        load(path)
    assert err.value.kind == "outside" and "EPSG:4550" in str(err.value)
    imp = load(path, crs="EPSG:4550")
    assert_same(imp.frame, reference())
    assert any("overridden" in w for w in imp.warnings)


# --- geometry repair, mixed, verbatim text ---------------------------------------------------------

def _bowtie_geojson(tmp_path) -> Path:
    bowtie = Polygon([(121.59, 31.20), (121.60, 31.21), (121.60, 31.20), (121.59, 31.21)])
    gdf = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[bowtie, bowtie], crs="EPSG:4326")
    path = tmp_path / "bowtie.geojson"
    gdf.to_file(path, driver="GeoJSON")
    return path


def test_invalid_repaired_and_reported(tmp_path):
    imp = load(_bowtie_geojson(tmp_path))
    assert imp.frame.geometry.is_valid.all()
    assert set(imp.frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert any("2 个几何已修复" in f for f in imp.fixes)
    with pytest.raises(ImportGeometryError) as err:
        load(_bowtie_geojson(tmp_path), repair=False)
    assert err.value.kind == "invalid"


def test_mixed_types_allowed_and_split(tmp_path):
    path = tmp_path / "mixed.geojson"
    reference().to_file(path, driver="GeoJSON")
    imp = load(path, allow_mixed=True)
    assert any("mixed" in w for w in imp.warnings)
    parts = importer.split_by_type(imp)
    assert sorted(parts) == ["Point", "Polygon"] and len(parts["Point"]) == 2


def test_html_attribute_kept_verbatim(tmp_path):
    path = tmp_path / "a.geojson"
    reference().to_file(path, driver="GeoJSON")
    assert load(path, allow_mixed=True).frame["name"].iloc[2] == "<script>alert('x')</script> & 药谷"


def test_null_geometries_dropped_and_reported(tmp_path):
    doc = json.loads(points_only().to_json())
    doc["features"].append({"type": "Feature", "geometry": None, "properties": {"name": "无"}})
    path = tmp_path / "n.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    imp = load(path)
    assert len(imp.frame) == 3 and any("1 个无几何要素已移除" in f for f in imp.fixes)


def test_summary(tmp_path):
    path = tmp_path / "a.geojson"
    reference().to_file(path, driver="GeoJSON")
    info = summary(load(path, allow_mixed=True))
    assert info["features"] == 3 and info["geometry_types"] == {"Point": 2, "Polygon": 1}
    assert info["crs_used"] == "EPSG:4326"
    assert info["bounds"] == pytest.approx([121.5877, 31.1936, 121.6, 31.21])
    json.dumps(info, ensure_ascii=False)


# --- command line -----------------------------------------------------------------------------------

def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    cli_import.register_cli(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_ok_error_confirm(tmp_path, capsys):
    good = tmp_path / "a.geojson"
    points_only().to_file(good, driver="GeoJSON")
    assert run_cli(["import", str(good), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["features"] == 3
    assert run_cli(["import", str(good)]) == 0
    assert "EPSG:4326" in capsys.readouterr().out
    bad = tmp_path / "b.geojson"
    bad.write_text("{\"type\": \"FeatureCollection\", \"features\": [", encoding="utf-8")
    assert run_cli(["import", str(bad)]) == 1
    assert "broken JSON" in capsys.readouterr().err
    gk = write_shp_zip(polygons().to_crs("EPSG:4550"), tmp_path, "gk", prj=False)
    assert run_cli(["import", str(gk), "--allow-mixed"]) == 3
    out = capsys.readouterr().out
    assert "EPSG:4550" in out and "--crs" in out
    assert run_cli(["import", str(gk), "--allow-mixed", "--crs", "EPSG:4550"]) == 0
    bowtie = _bowtie_geojson(tmp_path)
    assert run_cli(["import", str(bowtie), "--check"]) == 1
    assert run_cli(["import", str(bowtie)]) == 0


def test_loose_shapefile_and_list_layers(tmp_path):
    path = tmp_path / "loose.shp"
    polygons().to_file(path, encoding="GBK")
    imp = load(path)
    assert imp.fmt == "shp" and importer.list_layers(path) == []
    assert_same(imp.frame, polygons())


@pytest.mark.parametrize("code", ["EPSG:4490", "EPSG:4549", "EPSG:4550", "EPSG:4528", "EPSG:4529", "EPSG:32651"])
@pytest.mark.parametrize("fmt", ["gpkg", "shpzip"])
def test_declared_crs_round_trip(tmp_path, code, fmt):
    """Every accepted CRS, declared in the file (GeoPackage srs, Shapefile .prj), comes back to
    the known WGS84 positions within 1 cm (CGCS2000 and WGS84 are taken as equal, < 1 m)."""
    want = polygons()
    if fmt == "gpkg":
        path = tmp_path / "plan.gpkg"
        want.to_crs(code).to_file(path, driver="GPKG")
    else:
        path = write_shp_zip(want.to_crs(code), tmp_path, "plan")
    imp = read_layer(path)
    assert imp.crs_used == code and not imp.needs_confirmation
    assert_same(imp.frame, want, tol=1e-7)
