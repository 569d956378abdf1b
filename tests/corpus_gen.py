"""A generated corpus of hostile import files for ``tests/test_hostile_corpus.py``.

Each :class:`Case` knows how to write its file into a folder (at test time, into
pytest's tmp dir: nothing large is committed) and what :func:`layers.io.importer.read_layer`
must raise: the error class, its ``kind`` and a substring of the message.
"""
from __future__ import annotations

import json
import random
import sqlite3
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import geopandas as gpd
from shapely.geometry import LineString, Point, Polygon

from geo.errors import CRSError, ImportFileError, ImportGeometryError

ZJ = (121.5877, 31.2028)
SQUARE = [[121.59, 31.20], [121.60, 31.20], [121.60, 31.21], [121.59, 31.21], [121.59, 31.20]]


@dataclass(frozen=True)
class Case:
    """One hostile input and the error it must produce."""

    id: str
    make: Callable[[Path], Path]
    error: type
    kind: str | None
    contains: str
    kwargs: dict = field(default_factory=dict)


# --- writers ------------------------------------------------------------------------------------

def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return make


def _text(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    return _bytes(name, text.encode(encoding))


def _zip(name: str, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        with zipfile.ZipFile(path, "w", compression) as zf:
            for arc, data in members.items():
                zf.writestr(zipfile.ZipInfo(arc), data, compress_type=compression)
        return path
    return make


def _frame_file(name: str, gdf: gpd.GeoDataFrame, driver: str, **kw) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        gdf.to_file(path, driver=driver, **kw)
        return path
    return make


def _random(seed: int, n: int = 2048) -> bytes:
    data = bytearray(random.Random(seed).randbytes(n))
    data[0:4] = b"\x8a\x00\x13\x07"  # never a real magic number; a NUL marks it binary
    return bytes(data)


def _fc(features: list[dict], **extra) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features, **extra}, ensure_ascii=False)


def _feature(geom: dict | None, name: str = "张江") -> dict:
    return {"type": "Feature", "geometry": geom, "properties": {"name": name}}


def _point(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": [x, y]}


def _poly(ring: list[list[float]]) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


VALID_FC = _fc([_feature(_point(*ZJ)), _feature(_point(121.5963, 31.1936), "上海光源")])


def _shp_members(gdf: gpd.GeoDataFrame, folder: Path, stem: str, **kw) -> dict[str, bytes]:
    """The files of a Shapefile written by pyogrio, by extension."""
    sub = folder / f"_{stem}_{len(list(folder.iterdir()))}"
    sub.mkdir()
    gdf.to_file(sub / f"{stem}.shp", **kw)
    return {p.suffix: p.read_bytes() for p in sub.iterdir()}


def _shp_zip(name: str, layers: dict[str, gpd.GeoDataFrame], drop: tuple[str, ...] = (),
             replace: dict[str, bytes] | None = None, patch_dbf: tuple[bytes, bytes] | None = None,
             **kw) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        members: dict[str, bytes] = {}
        for arc_stem, gdf in layers.items():
            files = _shp_members(gdf, folder, Path(arc_stem).name, **kw)
            if patch_dbf:
                files[".dbf"] = files[".dbf"].replace(*patch_dbf)
            for ext, data in files.items():
                if ext not in drop:
                    members[arc_stem + ext] = (replace or {}).get(ext, data)
        return _zip(name, members)(folder)
    return make


def _bomb(name: str, megabytes: int = 20) -> Callable[[Path], Path]:
    """A zip whose one member is ``megabytes`` of zeros (ratio ~1000x; cheap to make)."""
    return _zip(name, {"layer.shp": bytes(megabytes * 1024**2)})


def _lying_zip(name: str, declared: int = 0xFFFFFFF0) -> Callable[[Path], Path]:
    """A small zip whose central directory claims a ~4 GB member."""
    def make(folder: Path) -> Path:
        path = _zip(name, {"layer.shp": b"x" * 100, "layer.dbf": b"y" * 100})(folder)
        data = bytearray(path.read_bytes())
        pos = data.find(b"PK\x01\x02")
        data[pos + 24:pos + 28] = struct.pack("<I", declared)
        path.write_bytes(bytes(data))
        return path
    return make


def _gdf(geoms, crs="EPSG:4326", names=None) -> gpd.GeoDataFrame:
    names = names or [f"f{i}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"name": names}, geometry=list(geoms), crs=crs)


def _empty_sqlite(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE notes (id INTEGER, text TEXT)")
        con.execute("INSERT INTO notes VALUES (1, '张江')")
        con.commit()
        con.close()
        return path
    return make


def _truncated_gpkg(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        good = _frame_file("_full.gpkg", _gdf([Point(*ZJ)]), "GPKG")(folder)
        path = folder / name
        path.write_bytes(good.read_bytes()[:3000])
        return path
    return make


# --- the corpus ---------------------------------------------------------------------------------

def _random_cases() -> list[Case]:
    out = []
    for suffix in (".geojson", ".json", ".shp", ".zip", ".kml", ".kmz", ".csv", ".gpkg", ".txt"):
        for seed in range(3):
            out.append(Case(f"random{suffix}-{seed}", _bytes(f"random{seed}{suffix}", _random(seed)),
                            ImportFileError, "not_geo", "not a"))
    for suffix in (".docx", ".pdf", ".xlsx", ".dwg", ""):
        out.append(Case(f"suffix{suffix or '-none'}", _bytes(f"plan{suffix}", b"PK\x03\x04 whatever"),
                        ImportFileError, "not_geo", "supported"))
    for suffix in (".geojson", ".csv", ".kml", ".zip", ".gpkg"):
        out.append(Case(f"zero-bytes{suffix}", _bytes(f"zero{suffix}", b""), ImportFileError, "empty", "0 bytes"))
    return out


def _json_cases() -> list[Case]:
    out = []
    for i, cut in enumerate((1, 10, 25, 40, 60, 80, 100, 130, 160, len(VALID_FC) - 1)):
        out.append(Case(f"json-truncated-{i}", _text(f"cut{i}.geojson", VALID_FC[:cut]),
                        ImportFileError, "broken", "broken JSON"))
    broken = {
        "trailing-comma": '{"type": "FeatureCollection", "features": [],}',
        "single-quotes": "{'type': 'FeatureCollection', 'features': []}",
        "nan-coordinate": _fc([_feature(None)]).replace("null", '{"type": "Point", "coordinates": [NaN, 31.2]}'),
        "infinity": '{"type": "Point", "coordinates": [Infinity, 31.2]}',
        "comment": '// exported\n' + VALID_FC,
        "unquoted-keys": '{type: "FeatureCollection", features: []}',
        "deep-nesting": "[" * 200_000 + "]" * 200_000,
        "two-documents": VALID_FC + VALID_FC,
        "whitespace-only": "   \n\t  ",
        "html-page": "<!DOCTYPE html><html><body>404 Not Found</body></html>",
    }
    for key, text in broken.items():
        out.append(Case(f"json-{key}", _text(f"{key}.geojson", text), ImportFileError, "broken", "broken JSON"))
    not_geo = {"array": "[]", "number": "42", "string": '"FeatureCollection"', "object": '{"a": 1}',
               "topojson": '{"type": "Topology", "objects": {}}', "null": "null",
               "typo": '{"type": "FeatureCollectionX", "features": []}', "esri-json": '{"features": [], "fields": []}'}
    for key, text in not_geo.items():
        out.append(Case(f"json-not-geojson-{key}", _text(f"{key}.json", text), ImportFileError, "not_geo",
                        "not GeoJSON"))
    out += [
        Case("geojson-no-features", _text("nofeat.geojson", _fc([])), ImportFileError, "empty", "no features"),
        Case("geojson-null-geometries", _text("nulls.geojson", _fc([_feature(None), _feature(None)])),
             ImportGeometryError, "empty", "no geometry"),
        Case("geojson-empty-geometries", _text("empties.geojson", _fc([_feature({"type": "Point", "coordinates": []}),
                                                                     _feature({"type": "GeometryCollection",
                                                                               "geometries": []})])),
             ImportGeometryError, "empty", "no geometry"),
        Case("geojson-features-not-list", _text("fnl.geojson", '{"type": "FeatureCollection", "features": {}}'),
             ImportFileError, "broken", "list"),
        Case("geojson-bad-coordinates", _text("badc.geojson", _fc([_feature({"type": "Point", "coordinates": "abc"})])),
             ImportFileError, "broken", "malformed geometry"),
        Case("geojson-short-ring", _text("ring.geojson", _fc([_feature(_poly([[121.5, 31.2], [121.6, 31.2]]))])),
             ImportFileError, "broken", "malformed geometry"),
        Case("geojson-unknown-type", _text("circle.geojson", _fc([_feature({"type": "Circle", "radius": 3})])),
             ImportFileError, "broken", "malformed geometry"),
        Case("geojson-latin1-bytes", _bytes("latin.geojson", VALID_FC.replace("张江", "Zhangjiang\xe9").encode("latin-1",
                                                                                                         "replace")
                                            .replace(b"\xe9", b"\xff\xfe")),
             ImportFileError, "encoding", "UTF-8"),
        Case("geojson-bad-crs-member", _text("badcrs.geojson", _fc([_feature(_point(*ZJ))], crs={
            "type": "name", "properties": {"name": "EPSG:99999999"}})), CRSError, None, "坐标系"),
    ]
    return out


def _zip_cases() -> list[Case]:
    pt = _gdf([Point(*ZJ)])
    poly = _gdf([Polygon(SQUARE[:-1])])
    out = [
        Case("zip-empty", _zip("empty.zip", {}), ImportFileError, "zip_no_shp", "no Shapefile"),
        Case("zip-readme-only", _zip("readme.zip", {"readme.txt": "张江".encode()}), ImportFileError, "zip_no_shp",
             "readme.txt"),
        Case("zip-nested-zip", _zip("nested.zip", {"inner.zip": b"PK\x05\x06" + bytes(18)}), ImportFileError,
             "zip_no_shp", "inner.zip"),
        Case("zip-dbf-only", _zip("dbf.zip", {"layer.dbf": b"\x03" + bytes(40)}), ImportFileError, "zip_no_shp",
             "layer.dbf"),
        Case("zip-macosx-shadow-only", _zip("mac.zip", {"__MACOSX/._layer.shp": b"junk"}), ImportFileError,
             "zip_no_shp", "no Shapefile"),
        Case("zip-two-shp", _shp_zip("two.zip", {"roads": pt, "parcels": pt}), ImportFileError, "zip_many_shp",
             "parcels.shp"),
        Case("zip-three-shp", _shp_zip("three.zip", {"a": pt, "dir/b": pt, "dir/c": pt}), ImportFileError,
             "zip_many_shp", "3 Shapefiles"),
        Case("zip-layer-not-found", _shp_zip("pick.zip", {"a": pt, "b": pt}), ImportFileError, "layer", "nope",
             {"layer": "nope"}),
        Case("zip-missing-dbf", _shp_zip("nodbf.zip", {"a": pt}, drop=(".dbf",)), ImportFileError, "broken",
             ".dbf file is missing"),
        Case("zip-shp-random", _shp_zip("rnd.zip", {"a": pt}, replace={".shp": _random(7)}), ImportFileError,
             "not_geo", "not a Shapefile"),
        Case("zip-damaged", _bytes("damaged.zip", b"PK\x03\x04" + _random(3, 500)), ImportFileError, "broken",
             "damaged"),
        Case("zip-unknown-encoding", _shp_zip("latin.zip", {"a": _gdf([Point(*ZJ)], names=["QQQ"])},
                                              drop=(".cpg",), patch_dbf=(b"QQQ", b"\xff\xfe\xff")),
             ImportFileError, "encoding", "GBK"),
        Case("zip-bowtie-no-repair", _shp_zip("bow.zip", {"a": _gdf([Polygon([(121.59, 31.20), (121.60, 31.21),
                                                                              (121.60, 31.20), (121.59, 31.21)])])}),
             ImportGeometryError, "invalid", "invalid", {"repair": False}),
        Case("zip-beijing", _shp_zip("bj.zip", {"a": _gdf([Point(116.40, 39.90)])}), ImportGeometryError, "outside",
             "outside the Shanghai region"),
        Case("zip-gk-wrong-prj", _shp_zip("gk.zip", {"a": poly.to_crs("EPSG:4550").set_crs("EPSG:4549",
                                                                                          allow_override=True)}),
             ImportGeometryError, "outside", "EPSG:4550"),
    ]
    for i, evil in enumerate(("../evil.shp", "a/../../evil.shp", "/etc/evil.shp", "C:\\evil.shp", "..\\evil.shp",
                              "C:/temp/evil.shp", "ok/../../../root.dbf")):
        out.append(Case(f"zip-unsafe-{i}", _zip(f"unsafe{i}.zip", {"good.shp": b"x", evil: b"y"}), ImportFileError,
                        "zip_unsafe", "outside the archive"))
    out += [
        Case("kmz-unsafe", _zip("unsafe.kmz", {"doc.kml": b"<kml/>", "../../x.png": b"y"}), ImportFileError,
             "zip_unsafe", "outside the archive"),
        Case("zip-bomb-zeros", _bomb("bomb.zip"), ImportFileError, "zip_bomb", "zip bomb"),
        Case("kmz-bomb-zeros", _bomb("bomb.kmz", 8), ImportFileError, "zip_bomb", "zip bomb"),
        Case("zip-lying-header", _lying_zip("lying.zip"), ImportFileError, "zip_bomb", "zip bomb"),
        Case("zip-unpacks-too-large", _zip("big.zip", {"layer.shp": " ".join(str(i) for i in range(60_000)).encode()}),
             ImportFileError, "too_large", "unpacks to", {"max_bytes": 200_000}),
    ]
    return out


def _geometry_cases() -> list[Case]:
    bowtie = _poly([[121.59, 31.20], [121.60, 31.21], [121.60, 31.20], [121.59, 31.21], [121.59, 31.20]])
    spike = _poly([[121.59, 31.20], [121.60, 31.20], [121.61, 31.20], [121.60, 31.20], [121.60, 31.21],
                   [121.59, 31.20]])
    hole_out = {"type": "Polygon", "coordinates": [SQUARE, [[121.70, 31.30], [121.71, 31.30], [121.71, 31.31],
                                                             [121.70, 31.30]]]}
    overlap = {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]}
    out = []
    for key, geom in (("bowtie", bowtie), ("spike", spike), ("hole-outside", hole_out), ("multi-overlap", overlap)):
        out.append(Case(f"invalid-{key}", _text(f"{key}.geojson", _fc([_feature(geom)])), ImportGeometryError,
                        "invalid", "invalid geometries", {"repair": False}))
    outside = {
        "beijing": [_point(116.40, 39.90)], "null-island": [_point(0, 0), _point(0.001, 0.001)],
        "southern": [_point(-121.6, -31.2)], "huge": [_point(1e7, 1e7)],
        "just-west-hangzhou": [_point(120.15, 30.27)],
    }
    for key, geoms in outside.items():
        out.append(Case(f"outside-{key}", _text(f"{key}.geojson", _fc([_feature(g) for g in geoms])),
                        ImportGeometryError, "outside", "outside the Shanghai region"))
    out.append(Case("outside-swapped-geojson", _text("swapped.geojson", _fc([_feature(_point(31.2028, 121.5877))])),
                    ImportGeometryError, "outside", "swap"))
    out.append(Case("outside-swapped-csv", _text("swapped.csv", "name,lon,lat\n张江,31.2028,121.5877\n"),
                    ImportGeometryError, "outside", "--swap"))
    out.append(Case("outside-gk-beijing", _text("bjgk.csv", "name,x,y\nA,39500000,4420000\n"),
                    ImportGeometryError, "outside", "outside"))
    mixed = {
        "point-polygon": [_point(*ZJ), _poly(SQUARE)],
        "point-line": [_point(*ZJ), {"type": "LineString", "coordinates": SQUARE[:2]}],
        "collection": [{"type": "GeometryCollection", "geometries": [_point(*ZJ)]}, _poly(SQUARE)],
    }
    for key, geoms in mixed.items():
        out.append(Case(f"mixed-{key}", _text(f"mixed-{key}.geojson", _fc([_feature(g) for g in geoms])),
                        ImportGeometryError, "mixed", "mixes geometry types"))
    out.append(Case("mixed-gpkg", _frame_file("mixed.gpkg", _gdf([Point(*ZJ), LineString(SQUARE[:2])]), "GPKG"),
                    ImportGeometryError, "mixed", "混合"))
    out.append(Case("mixed-csv-wkt", _text("mixed.csv", f'name,wkt\na,"POINT ({ZJ[0]} {ZJ[1]})"\n'
                                            f'b,"LINESTRING (121.59 31.2, 121.6 31.21)"\n'),
                    ImportGeometryError, "mixed", "mixes"))
    return out


def _csv_cases() -> list[Case]:
    no_cols = {"names-only": "name,type\n张江,park\n", "lon-only": "name,lon\nA,121.6\n",
               "jingdu-only": "名称,经度\nA,121.6\n", "ab": "a,b\n1,2\n", "single-column": "name\nA\n"}
    out = [Case(f"csv-no-coords-{k}", _text(f"{k}.csv", t), ImportFileError, "columns", "no coordinate columns")
           for k, t in no_cols.items()]
    bad_num = {"text": "name,lon,lat\nA,abc,31.2\n", "degrees-symbol": "name,经度,纬度\nA,121.5°E,31.2°N\n",
               "inf": "name,lon,lat\nA,inf,31.2\n", "dms": "name,lng,lat\nA,121°35'15\",31°12'10\"\n"}
    out += [Case(f"csv-non-numeric-{k}", _text(f"nn-{k}.csv", t), ImportFileError, "columns", "not a number")
            for k, t in bad_num.items()]
    out += [
        Case("csv-bad-wkt", _text("badwkt.csv", "name,wkt\nA,POINT (121.6\n"), ImportFileError, "columns", "WKT"),
        Case("csv-wkt-garbage", _text("garbage.csv", "name,geometry\nA,hello world\n"), ImportFileError, "columns",
             "WKT"),
        Case("csv-header-only", _text("header.csv", "name,lon,lat\n"), ImportFileError, "empty", "no data rows"),
        Case("csv-unknown-encoding", _bytes("enc.csv", b"name,lon,lat\n\xff\xfe\xff,121.6,31.2\n"), ImportFileError,
             "encoding", "UTF-8"),
        Case("csv-unknown-encoding-2", _bytes("enc2.csv", b"\x80\xff,lon,lat\n1,121.6,31.2\n"), ImportFileError,
             "encoding", "GB18030"),
        Case("csv-all-coordinates-blank", _text("blank.csv", "name,lon,lat\nA,,\nB, , \n"), ImportGeometryError,
             "empty", "no geometry"),
        Case("csv-unbalanced-quote", _text("quote.csv", 'name,lon,lat\n"A,121.6,31.2\nB,121.6,31.2\n'),
             ImportFileError, "broken", "CSV"),
    ]
    return out


def _kml_cases() -> list[Case]:
    good = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            f'<Placemark><name>张江</name><Point><coordinates>{ZJ[0]},{ZJ[1]}</coordinates></Point></Placemark>'
            '</Document></kml>')
    out = [
        Case("kml-truncated", _text("cut.kml", good[:120]), ImportFileError, "broken", "broken KML"),
        Case("kml-mismatched", _text("mis.kml", good.replace("</name>", "</nam>")), ImportFileError, "broken",
             "XML error"),
        Case("kml-garbage-after", _text("after.kml", good + "<extra>"), ImportFileError, "broken", "broken KML"),
        Case("kml-undefined-entity", _text("ent.kml", good.replace("张江", "&bogus;")), ImportFileError, "broken",
             "broken KML"),
        Case("kml-gpx-instead", _text("track.kml", '<?xml version="1.0"?><gpx version="1.1"></gpx>'),
             ImportFileError, "not_geo", "not KML"),
        Case("kml-no-placemarks", _text("none.kml", '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2">'
                                                    '<Document><name>x</name></Document></kml>'),
             ImportFileError, "empty", "no placemarks"),
        Case("kml-beijing", _text("bj.kml", good.replace(f"{ZJ[0]},{ZJ[1]}", "116.40,39.90")),
             ImportGeometryError, "outside", "outside"),
        Case("kmz-no-kml", _zip("nokml.kmz", {"images/a.png": b"\x89PNG"}), ImportFileError, "broken", "no doc.kml"),
        Case("kmz-two-kml-no-doc", _zip("two.kmz", {"a.kml": good.encode(), "b.kml": good.encode()}),
             ImportFileError, "broken", "no doc.kml"),
        Case("kmz-broken-doc", _zip("brk.kmz", {"doc.kml": good[:90].encode()}), ImportFileError, "broken",
             "broken KML"),
    ]
    return out


def _gpkg_cases() -> list[Case]:
    return [
        Case("gpkg-plain-sqlite", _empty_sqlite("plain.gpkg"), ImportFileError, "not_geo", "not a GeoPackage"),
        Case("gpkg-attribute-table-only", _frame_file("attrs.gpkg", _gdf([Point(*ZJ)]).drop(columns="geometry")
                                                      .pipe(lambda df: gpd.GeoDataFrame(df)), "GPKG"),
             ImportFileError, "empty", "no layer"),
        Case("gpkg-truncated", _truncated_gpkg("cut.gpkg"), ImportFileError, "broken", "damaged"),
        Case("gpkg-layer-not-found", _frame_file("one.gpkg", _gdf([Point(*ZJ)]), "GPKG", layer="plan"),
             ImportFileError, "layer", "plan", {"layer": "roads"}),
        Case("gpkg-bowtie-no-repair", _frame_file("bow.gpkg", _gdf([Polygon([(121.59, 31.20), (121.60, 31.21),
                                                                            (121.60, 31.20), (121.59, 31.21)])]),
                                                  "GPKG"),
             ImportGeometryError, "invalid", "Self-intersection", {"repair": False}),
    ]


def _limit_cases() -> list[Case]:
    out = []
    for suffix, text in ((".geojson", VALID_FC), (".csv", "name,lon,lat\nA,121.6,31.2\n" * 50),
                         (".kml", "<kml>" + " " * 2000 + "</kml>")):
        out.append(Case(f"too-large{suffix}", _text(f"big{suffix}", text), ImportFileError, "too_large",
                        "over the", {"max_bytes": 100}))
    out += [
        Case("bad-crs-argument", _text("ok1.geojson", VALID_FC), CRSError, None, "EPSG:999999",
             {"crs": "EPSG:999999"}),
        Case("bad-datum-argument", _text("ok2.geojson", VALID_FC), CRSError, None, "wgs72", {"datum": "wgs72"}),
        Case("missing-file", lambda folder: folder / "does-not-exist.geojson", ImportFileError, "broken",
             "not found"),
        Case("directory-not-file", lambda folder: folder, ImportFileError, "broken", "not a file"),
    ]
    return out


CASES: list[Case] = (_random_cases() + _json_cases() + _zip_cases() + _geometry_cases() + _csv_cases()
                     + _kml_cases() + _gpkg_cases() + _limit_cases())
