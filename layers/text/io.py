"""Interface text of io, in Chinese and English (see layers.text)."""
from __future__ import annotations

from geo.bilingual import Bilingual

TEXT: dict[str, Bilingual] = {
    # geometry families (import's mixed-type check and split)
    "io_family_point": Bilingual("点", "Point"),
    "io_family_line": Bilingual("线", "Line"),
    "io_family_polygon": Bilingual("面", "Polygon"),
    "io_family_geometrycollection": Bilingual("几何集合", "GeometryCollection"),
    # import: formats and CRS candidates
    "io_supported": Bilingual("GeoJSON、GeoPackage (.gpkg)、Shapefile 压缩包 (.zip)、KML、KMZ、CSV",
                              "GeoJSON, GeoPackage (.gpkg), zipped Shapefile (.zip), KML, KMZ, CSV"),
    "io_crs_epsg4326": Bilingual("WGS84 经纬度", "WGS84 lon/lat"),
    "io_crs_epsg4490": Bilingual("CGCS2000 经纬度", "CGCS2000 lon/lat"),
    "io_crs_epsg4550": Bilingual("CGCS2000 3度带 中央经线123° (无带号)",
                                 "CGCS2000 3° Gauss-Krüger CM 123°E, no zone prefix"),
    "io_crs_epsg4549": Bilingual("CGCS2000 3度带 中央经线120° (无带号)",
                                 "CGCS2000 3° Gauss-Krüger CM 120°E, no zone prefix"),
    "io_crs_epsg4529": Bilingual("CGCS2000 3度带 第41带 (带号)",
                                 "CGCS2000 3° Gauss-Krüger zone 41 (CM 123°E, prefixed)"),
    "io_crs_epsg4528": Bilingual("CGCS2000 3度带 第40带 (带号)",
                                 "CGCS2000 3° Gauss-Krüger zone 40 (CM 120°E, prefixed)"),
    "io_crs_epsg32651": Bilingual("WGS84 UTM 51N 带", "WGS84 UTM zone 51N"),
    "io_swap_axes": Bilingual("交换经纬度", "swap axes"),
    # import: command-line summary
    "io_sum_features": Bilingual("要素", "features"),
    "io_sum_types": Bilingual("类型", "types"),
    "io_sum_crs": Bilingual("坐标系", "CRS used"),
    "io_sum_fixed": Bilingual("已修复", "fixed"),
    "io_sum_warning": Bilingual("注意", "warning"),
    "io_sum_confirm": Bilingual("坐标系需要确认, 请用 --crs 指定以下之一",
                                "the CRS needs confirmation; rerun with --crs one of:"),
    # export: formats and coordinate choices
    "io_format_geojson": Bilingual("GeoJSON", "GeoJSON"),
    "io_format_gpkg": Bilingual("GeoPackage (多图层)", "GeoPackage (several layers)"),
    "io_format_shp": Bilingual("Shapefile (zip 压缩包)", "Shapefile (zipped)"),
    "io_format_kml": Bilingual("KML (Google Earth / 奥维互动地图)", "KML (Google Earth, Ovi Map)"),
    "io_format_csv": Bilingual("CSV (WKT 几何 + 属性)", "CSV (WKT geometry + attributes)"),
    "io_exportcrs_wgs84": Bilingual("WGS84 经纬度 (EPSG:4326, 默认)", "WGS84 lon/lat (EPSG:4326, default)"),
    "io_exportcrs_cgcs2000": Bilingual("CGCS2000 经纬度 (EPSG:4490)", "CGCS2000 lon/lat (EPSG:4490)"),
    "io_exportcrs_gk3": Bilingual("CGCS2000 3度带高斯-克吕格 (EPSG:4549/4550, 按数据选带)",
                                  "CGCS2000 3° Gauss-Krüger (EPSG:4549/4550, zone from the data)"),
    "io_exportcrs_gcj02": Bilingual("GCJ-02 火星坐标 (仅用于高德/腾讯底图)", "GCJ-02 (for Amap/Tencent basemaps only)"),
}
