"""Import and project-file timings, side by side with plain geopandas in the same run.

A control-plan-like layer (N square parcels with Chinese names, CGCS2000 3° GK CM 123°E,
GBK, no .prj, zipped) is imported the way the app does it (detect -> confirm -> import),
and read with ``geopandas.read_file`` + ``to_crs`` as the baseline (which knows the CRS,
does no checks and no repair). Then a project with that layer is saved atomically and
loaded back. Prints medians of several runs.

    .venv/bin/python bench/bench_import.py [--n 20000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402

from geo import settings  # noqa: E402
from layers.io import project  # noqa: E402
from layers.io import uploads


def parcels(n: int) -> gpd.GeoDataFrame:
    """``n`` 80 m parcels on a grid in Zhangjiang (GK CM 123°E metres)."""
    side = int(np.ceil(np.sqrt(n)))
    x0, y0 = 362_000.0, 3_450_000.0  # about 121.55 E, 31.17 N
    i = np.arange(n)
    xs, ys = x0 + (i % side) * 100.0, y0 + (i // side) * 100.0
    geoms = shapely.box(xs, ys, xs + 80.0, ys + 80.0)
    return gpd.GeoDataFrame({"地块名称": [f"张江地块{k:05d}" for k in i], "用地": np.where(i % 3, "M2", "G1"),
                             "容积率": np.round(1 + (i % 30) / 10, 1)}, geometry=geoms, crs="EPSG:4550")


def write_zip(frame: gpd.GeoDataFrame, folder: Path) -> Path:
    frame.to_file(folder / "kg.shp", encoding="GBK")
    (folder / "kg.prj").unlink()
    (folder / "kg.cpg").unlink(missing_ok=True)
    out = folder / "控规.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for ext in ("shp", "shx", "dbf"):
            zf.write(folder / f"kg.{ext}", f"kg.{ext}")
    return out


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_zip(parcels(args.n), folder)
        print(f"layer: {args.n} parcels, {path.stat().st_size / 1e6:.1f} MB zipped Shapefile, GK CM123, GBK, no .prj")

        def app_import():
            first = uploads.import_upload(path)
            assert first.status == "confirm", first
            res = uploads.import_upload(path, choice=first.candidates[0].crs)
            assert res.status == "ok", res
            return next(iter(res.frames.values()))

        def baseline():
            return gpd.read_file(f"zip://{path}!kg.shp", encoding="GBK").set_crs(4550).to_crs(4326)

        t_app, frame = median_time(app_import, args.repeat)
        t_base, _ = median_time(baseline, args.repeat)
        tracemalloc.start()
        app_import()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"import (detect + confirm + import, checks and repair): {t_app:.2f} s median; "
              f"Python heap peak {peak / 1e6:.0f} MB")
        print(f"baseline geopandas.read_file + to_crs (CRS known, no checks): {t_base:.2f} s median; "
              f"ratio {t_app / t_base:.1f}x")

        import folium
        from layers.webmap.userlayers import add_user_layers

        def render():
            m = folium.Map()
            add_user_layers(m, {"控规": frame})
            return m.get_root().render()
        t_first, html = median_time(render, 1)
        t_again, _ = median_time(render, args.repeat)
        print(f"map with the layer ({min(args.n, settings.MAX_MAP_FEATURES)} features shown): first render {t_first:.2f} s, "
              f"rerun {t_again:.2f} s median, {len(html) / 1e6:.1f} MB of HTML")

        prj = project.Project(name="bench", layers={"控规": frame}, drawings=[])
        target = folder / "project.gpkg"
        t_save, _ = median_time(lambda: project.save(prj, target), args.repeat)
        t_load, back = median_time(lambda: project.load(target), args.repeat)
        assert len(back.layers["控规"]) == args.n
        t_gpkg, _ = median_time(lambda: frame.to_file(folder / "plain.gpkg", driver="GPKG"), args.repeat)
        print(f"project save (atomic, fsync): {t_save:.2f} s; load: {t_load:.2f} s; "
              f"{target.stat().st_size / 1e6:.1f} MB")
        print(f"baseline GeoDataFrame.to_file GPKG: {t_gpkg:.2f} s; ratio {t_save / t_gpkg:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
