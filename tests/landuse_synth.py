"""A synthetic control-plan (控规) parcel layer near Zhangjiang, with its expected land-use areas.

``write_parcels`` writes N rectangular parcels on a street grid around lon 121.60, lat 31.20 as
a zipped Shapefile in EPSG:4550 (CGCS2000 3-degree Gauss-Krüger, CM 123°E) with a .prj and
attributes in GBK (a .cpg saying GBK, or none), as planners receive them: 地块编号 (parcel
numbers like "A1-01" that must not pass for codes), 用地代码, 容积率, 人口 (residential parcels
only), 建筑面积, and a few unknown codes. The expected areas are computed here, independently
of geo.landuse: WGS84 vertices from pyproj's own transformer, areas from pyproj.Geod, classes
from the code's characters (GB: letter / letter + digit; 2023: 2 / 4 digits).
"""
from __future__ import annotations

import math
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
from pyproj import Geod, Transformer
from shapely.geometry import Polygon, box

CRS = "EPSG:4550"
CENTRE = (121.60, 31.20)
#: (GB 50137 code, 2023 code, weight): the same land use in both systems.
PAIRS = [
    ("R21", "070102", 10), ("R22", "0702", 3), ("R2", "0701", 6), ("R2 二类居住用地", "0701城镇住宅用地", 2),
    ("A33", "080403", 3), ("A35", "0802", 5), ("A51", "080601", 1), ("B1", "0901", 4), ("B29", "0902", 4),
    ("B14", "090104", 1), ("M1", "100101", 6), ("M2", "100102", 2), ("W1", "110101", 1), ("S41", "120802", 1),
    ("S42", "120803", 1), ("U12", "1303", 1), ("U21", "1302", 1), ("G1", "1401", 6), ("G2", "1402", 3),
    ("G3", "1403", 1), ("R2/B1", "0701/0901", 2), ("B1+B2", "0901+0902", 1),
]
#: Codes no table knows, one per unknown parcel (cycled).
UNKNOWN = {"gb50137": ["X9", "QZ", "Y2"], "gtkj2023": ["99", "2599", "9901"]}
GEOD = Geod(ellps="WGS84")


@dataclass
class SynthParcels:
    """What ``write_parcels`` wrote, and the areas a correct balance table must report.

    ``areas_m2`` is per parcel; ``expected[system][level]`` maps class code → m² (known codes
    only); ``unknown[system]`` maps raw code → parcels; ``codes[system]`` is per parcel.
    """

    path: Path
    column: dict[str, str]
    areas_m2: list[float]
    codes: dict[str, list[str]]
    expected: dict[str, dict[int, dict[str, float]]] = field(default_factory=dict)
    unknown: dict[str, dict[str, int]] = field(default_factory=dict)
    residential: list[bool] = field(default_factory=list)

    @property
    def total_m2(self) -> float:
        """Summed geodesic area of all parcels."""
        return float(sum(self.areas_m2))


def _level_key(code: str, system: str, level: int) -> str:
    first = code.replace("+", "/").split("/")[0].split(" ")[0]
    first = "".join(ch for ch in first if ch.isascii())
    if system == "gb50137":
        return first[: level] if level <= 2 else first[:3]
    return first[: 2 * level]


def _centre_xy() -> tuple[float, float]:
    return Transformer.from_crs("EPSG:4326", CRS, always_xy=True).transform(*CENTRE)


def _grid(n: int, seed: int) -> list[Polygon]:
    """n rectangles 60–110 m wide on a 130 m street grid, in EPSG:4550 metres."""
    rng = random.Random(seed)
    cols = math.ceil(math.sqrt(n))
    x0, y0 = _centre_xy()
    x0 -= cols * 65.0
    y0 -= math.ceil(n / cols) * 65.0
    out = []
    for i in range(n):
        r, c = divmod(i, cols)
        w, h = rng.uniform(60, 110), rng.uniform(60, 110)
        out.append(box(x0 + c * 130.0, y0 + r * 130.0, x0 + c * 130.0 + w, y0 + r * 130.0 + h))
    return out


def geodesic_area(poly_gk: Polygon, to_wgs: Transformer) -> float:
    """Geodesic area (m²) of an EPSG:4550 polygon, via pyproj only."""
    xs, ys = poly_gk.exterior.coords.xy
    lon, lat = to_wgs.transform(list(xs), list(ys))
    area, _ = GEOD.polygon_area_perimeter(lon, lat)
    return abs(area)


def zones(n_cols: int | None = None, n: int = 400) -> gpd.GeoDataFrame:
    """Two zones (西区, 东区) splitting the grid at its middle column; the top rows lie outside both."""
    cols = n_cols or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    x0, y0 = _centre_xy()
    x0 -= cols * 65.0
    y0 -= rows * 65.0
    mid_x = x0 + cols * 65.0 + 7.0  # cuts through parcels of the middle column
    top_y = y0 + (rows - 2) * 130.0 - 23.0  # cuts through the second row from the top
    west = box(x0 - 50, y0 - 50, mid_x, top_y)
    east = box(mid_x, y0 - 50, x0 + cols * 130.0 + 50, top_y)
    return gpd.GeoDataFrame({"分区": ["西区", "东区"]}, geometry=[west, east], crs=CRS)


def write_parcels(path: str | Path, system: str = "gb50137", n: int = 400, unknown: int = 3, *,
                  seed: int = 15, cpg: bool = True) -> SynthParcels:
    """Write the parcel layer to ``path`` (a .zip) and return what a balance table must find.

    ``system`` "gb50137" or "gtkj2023" puts that system's codes in 用地代码; "both" puts GB
    codes in 用地代码 and 2023 codes in YDDM. ``unknown`` parcels get codes no table knows.
    """
    path = Path(path)
    systems = ["gb50137", "gtkj2023"] if system == "both" else [system]
    rng = random.Random(seed)
    polys = _grid(n, seed)
    weights = [w for *_, w in PAIRS]
    picks = rng.choices(range(len(PAIRS)), weights=weights, k=n)
    unknown_at = set(rng.sample(range(n), unknown)) if unknown else set()
    codes: dict[str, list[str]] = {s: [] for s in ("gb50137", "gtkj2023")}
    for i, k in enumerate(picks):
        if i in unknown_at:
            j = sorted(unknown_at).index(i)
            for s in codes:
                codes[s].append(UNKNOWN[s][j % len(UNKNOWN[s])])
        else:
            codes["gb50137"].append(PAIRS[k][0])
            codes["gtkj2023"].append(PAIRS[k][1])
    to_wgs = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    areas = [geodesic_area(p, to_wgs) for p in polys]
    residential = [i not in unknown_at and PAIRS[k][0].startswith("R") for i, k in enumerate(picks)]
    far = [round(rng.uniform(1.0, 3.5), 1) for _ in range(n)]
    blocks = "ABCDEFGHJK"
    attrs = {
        "地块编号": [f"{blocks[(i // 40) % len(blocks)]}{(i // 10) % 4 + 1}-{i % 10 + 1:02d}" for i in range(n)],
        "容积率": far,
        "人口": [int(a * f / 35.0) if res else 0 for a, f, res in zip(areas, far, residential)],
        "建筑面积": [round(a * f, 1) for a, f in zip(areas, far)],
    }
    column = {"gb50137": "用地代码"} if system != "gtkj2023" else {"gtkj2023": "用地代码"}
    if system == "both":
        column["gtkj2023"] = "YDDM"
    for s, col in column.items():
        attrs[col] = codes[s]
    ordered = ["地块编号"] + list(column.values()) + ["容积率", "人口", "建筑面积"]
    frame = gpd.GeoDataFrame({k: attrs[k] for k in ordered}, geometry=polys, crs=CRS)
    folder = path.parent / f"{path.stem}_shp"
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_file(folder / f"{path.stem}.shp", encoding="GBK")
    cpg_file = folder / f"{path.stem}.cpg"
    if cpg:
        cpg_file.write_text("GBK")
    elif cpg_file.exists():
        cpg_file.unlink()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f.name)

    out = SynthParcels(path=path, column=column, areas_m2=areas, codes=codes, residential=residential)
    for s in systems:
        out.expected[s] = {}
        for level in (1, 2):
            sums: dict[str, float] = {}
            for i, code in enumerate(codes[s]):
                if i in unknown_at:
                    continue
                key = _level_key(code, s, level)
                sums[key] = sums.get(key, 0.0) + areas[i]
            out.expected[s][level] = sums
        out.unknown[s] = {}
        for i in sorted(unknown_at):
            out.unknown[s][codes[s][i]] = out.unknown[s].get(codes[s][i], 0) + 1
    return out
