"""Interface text of boundary tracing (``python -m layers trace`` and the app's trace panel),
in Chinese and English (see layers.text)."""
from __future__ import annotations

from geo.bilingual import Bilingual

__all__ = ["TEXT", "FOLLOW_LABELS", "EDGE_HEADERS"]

#: How an edge follows its road or river (geo.settings.TRACE_FOLLOW_MODES).
FOLLOW_LABELS: dict[str, Bilingual] = {
    "centreline": Bilingual("道路中心线", "centreline"),
    "outer": Bilingual("外侧 (道路或河道全部在内)", "outer side (the whole road inside)"),
    "inner": Bilingual("内侧", "inner side"),
}

#: Columns of the per-edge table (CLI and app).
EDGE_HEADERS: dict[str, Bilingual] = {
    "edge": Bilingual("边", "edge"),
    "side": Bilingual("方位", "side"),
    "road": Bilingual("道路/河流", "road / river"),
    "follow": Bilingual("沿线方式", "follows"),
    "osm_names": Bilingual("OSM 名称", "OSM names"),
    "osm_ways": Bilingual("OSM 路段数", "OSM ways"),
    "length_m": Bilingual("长度 (m)", "length (m)"),
    "dual": Bilingual("双幅路/两岸 (宽度 m)", "dual / two banks (width m)"),
    "gaps": Bilingual("补接缺口", "gaps bridged"),
    "median_m": Bilingual("手绘线偏差 中位数 (m)", "hand-digitised off: median (m)"),
    "p90_m": Bilingual("偏差 90% (m)", "off: 90th pct (m)"),
    "max_m": Bilingual("偏差 最大 (m)", "off: max (m)"),
}

TEXT: dict[str, Bilingual] = {
    "tr_traced": Bilingual("{name}: 沿 {edges} 条边描绘, 数据 {osm}",
                           "{name}: traced along {edges} edges in {osm}"),
    "tr_area": Bilingual("面积 {km2:.4g} km² (椭球面)", "area {km2:.4g} km² (geodesic)"),
    "tr_published": Bilingual("公布面积约 {km2:g} km²", "published about {km2:g} km²"),
    "tr_reference": Bilingual("手绘图层 {km2:.2f} km² ({pct:+.1f}%), 重叠度 IoU {iou:.3f}",
                              "hand-digitised layer {km2:.2f} km² ({pct:+.1f}%), overlap IoU {iou:.3f}"),
    "tr_gap": Bilingual("缺口: {edge} 于 ({lon}, {lat}) 以直线补接 {length_m:,.0f} 米",
                        "gap: {edge} at ({lon}, {lat}) bridged by a straight {length_m:,.0f} m"),
    "tr_no_gaps": Bilingual("没有缺口: 每段都沿 OSM 道路/河流", "no gaps: every stretch follows an OSM way"),
    "tr_written": Bilingual("已写出: {path}", "written: {path}"),
    "tr_reading": Bilingual("正在读取 {osm} 中的道路和河流…", "reading the roads and rivers of {osm}…"),
}
