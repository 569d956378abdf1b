"""A big imported layer on the web map: 100,000 parcels, unstyled, styled, styled + simplified.

Generates N parcels (default 100,000) on a grid over Zhangjiang: rectangles of about 50 × 70 m
digitised with extra vertices along their edges (as CAD exports are: 13 vertices a parcel,
1.3 million for 100,000), with a parcel number, a land-use code, a floor-area ratio and an
area. Each variant builds the map the app builds (``build_map_report`` of the default layers,
then ``add_user_layers``) and renders its HTML; printed: seconds for the first map (display data
computed) and for a rerun (display data reused, as the app's reruns do), the bytes of the map
payload (``layers.webmap.payload.payload_bytes``: the standalone page, and what
streamlit-folium sends), and the features and vertices sent. Variants:

* ``unstyled``: one colour, no display simplification (``vertex_budget=0``);
* ``styled``: by land-use code (``layers.styling.categorized``), no simplification;
* ``styled+simplified``: the same with the vertex budget (``settings.USER_MAP_VERTEX_BUDGET``).

The issue's target: a first map within a minute and a payload a browser can take (≤ 30 MB).

    .venv/bin/python bench/bench_userlayers.py [--n 100000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402

from geo import settings  # noqa: E402
from geo.landuse.balance import balance_table  # noqa: E402
from layers.io.importer import read_layer  # noqa: E402
from layers.styling import categorized, landuse_style  # noqa: E402
from layers.webmap import build_map_report  # noqa: E402
from layers.webmap.payload import payload_bytes  # noqa: E402
from layers.webmap.userlayers import _shown, add_user_layers  # noqa: E402

#: Land-use codes of the generated parcels (GB 50137-2011), with their shares.
CODES = {"R2": 0.30, "M1": 0.15, "B1": 0.10, "G1": 0.10, "S1": 0.10, "A3": 0.06, "B2": 0.06, "U1": 0.05,
         "W1": 0.04, "R21": 0.02, "A5": 0.02}


def parcels(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` parcels (WGS84) on a grid from 121.55 E, 31.15 N; each rectangle's edges carry two
    extra vertices off the straight line by at most 0.1 m (digitising noise)."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    dx, dy = 60.0 / 95_300, 80.0 / 111_320  # grid step in degrees (60 m × 80 m at 31° N)
    x0 = 121.55 + (i % side) * dx
    y0 = 31.15 + (i // side) * dy
    w, h = 0.85 * dx, 0.85 * dy
    t = np.array([0.0, 1 / 3, 2 / 3])
    # corners and two points along each edge, counter-clockwise, then closed
    ux = np.concatenate([t, np.ones(3), 1 - t, np.zeros(3)])
    uy = np.concatenate([np.zeros(3), t, np.ones(3), 1 - t])
    noise = rng.normal(0.0, 0.05 / 111_320, size=(n, 12)) * (np.arange(12) % 3 != 0)  # corners stay exact
    xs = x0[:, None] + ux[None, :] * w + noise
    ys = y0[:, None] + uy[None, :] * h + noise[:, ::-1]
    rings = np.stack([np.concatenate([xs, xs[:, :1]], axis=1), np.concatenate([ys, ys[:, :1]], axis=1)], axis=2)
    geoms = shapely.polygons(rings)
    codes = rng.choice(list(CODES), size=n, p=np.array(list(CODES.values())) / sum(CODES.values()))
    return gpd.GeoDataFrame({"地块编号": [f"ZJ-{k:06d}" for k in i], "用地性质": codes,
                             "容积率": np.round(rng.uniform(0.5, 4.0, n), 2),
                             "面积": np.round(w * h * 95_300 * 111_320 * rng.uniform(0.98, 1.02, n), 1)},
                            geometry=geoms, crs=settings.WGS84)


def build(frame: gpd.GeoDataFrame, styles: dict | None, budget: int | None) -> tuple[float, dict]:
    """Seconds to build the app's map with the layer and render it, and its payload sizes."""
    from layers.catalogue.entries import LAYERS
    ids = [s.id for s in LAYERS if s.visible_by_default]
    t = time.perf_counter()
    made = build_map_report(ids, "zh", layer_control=False, url_sync=True)
    add_user_layers(made.map, {"控规地块": frame}, styles=styles, vertex_budget=budget)
    sizes = payload_bytes(made.map)
    return time.perf_counter() - t, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="parcels (default 100,000)")
    args = parser.parse_args()
    if args.n > settings.MAX_MAP_FEATURES:
        print(f"note: the map shows at most settings.MAX_MAP_FEATURES = {settings.MAX_MAP_FEATURES:,} features")
    t = time.perf_counter()
    frame = parcels(args.n)
    verts = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum())
    print(f"{args.n:,} parcels, {verts:,} vertices, generated in {time.perf_counter() - t:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:  # imported as a planner would: a GK-projected GeoPackage
        path = Path(tmp) / "控规.gpkg"
        frame.to_crs("EPSG:4550").to_file(path, driver="GPKG")
        t = time.perf_counter()
        frame = read_layer(path).frame
        print(f"imported {len(frame):,} parcels from EPSG:4550 ({path.stat().st_size / 1e6:.0f} MB GeoPackage) "
              f"in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    style = categorized(frame, "用地性质")
    print(f"category style ({len(style.classes)} classes) in {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    land = landuse_style(frame, "用地性质")
    table = balance_table(frame, "用地性质")
    print(f"land-use style ({len(land.classes)} classes) and balance table ({table.total_m2 / 1e6:.1f} km²) "
          f"in {time.perf_counter() - t:.2f} s")
    build(frame.iloc[:10], None, 0)  # warm up: imports, catalogue layers, templates
    variants = (("unstyled", None, 0), ("styled", {"控规地块": style}, 0),
                ("styled+simplified", {"控规地块": style}, None))
    print(f"{'variant':<20}{'first map s':>12}{'rerun s':>10}{'page MB':>10}{'st_folium MB':>14}"
          f"{'features':>10}{'vertices':>11}{'simplified':>12}")
    for name, styles, budget in variants:
        first, sizes = build(frame, styles, budget)
        rerun, _ = build(frame, styles, budget)
        share = settings.USER_MAP_VERTEX_BUDGET if budget is None else budget
        data = _shown("控规地块", frame, "wgs84", (styles or {}).get("控规地块"), share)
        tol = "-" if data["tolerance_m"] is None else f"{data['tolerance_m']:g} m"
        print(f"{name:<20}{first:>12.1f}{rerun:>10.1f}{sizes['html'] / 1e6:>10.1f}{sizes['st_folium'] / 1e6:>14.1f}"
              f"{data['shown']:>10,}{data['vertices']:>11,}{tol:>12}")
    print(f"budget: {settings.USER_MAP_VERTEX_BUDGET:,} vertices; target: first map < 60 s, payload ≤ 30 MB")


if __name__ == "__main__":
    main()
