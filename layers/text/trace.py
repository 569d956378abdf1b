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
    # the app's trace panel (layers.ui.trace_panel)
    "tr_panel": Bilingual("描绘边界", "Trace"),
    "tr_intro": Bilingual("按四至描述, 沿 OpenStreetMap 中有名称的道路和河流描绘边界。",
                          "Trace a boundary along the named roads and rivers of an OpenStreetMap extract, "
                          "from its 四至 (four sides) description."),
    "tr_what": Bilingual("描绘什么", "What to trace"),
    "tr_what_catalogue": Bilingual("目录中的边界", "a catalogue boundary"),
    "tr_what_pasted": Bilingual("粘贴的四至文字", "a pasted 四至 text"),
    "tr_desc": Bilingual("边界", "Boundary"),
    "tr_desc_broken": Bilingual("(无法读取)", "(cannot be read)"),
    "tr_no_catalogue": Bilingual("目录中暂无边界描述文件 (data/boundaries/descriptions); 请粘贴四至文字。",
                                 "The catalogue has no boundary description files yet "
                                 "(data/boundaries/descriptions); paste a 四至 text instead."),
    "tr_published_text": Bilingual("公布的四至", "Published 四至"),
    "tr_source": Bilingual("来源", "Source"),
    "tr_text": Bilingual("四至文字", "四至 text"),
    "tr_text_help": Bilingual(
        "每个方位一句, 如 “北至龙东大道，东至外环—沪芦高速，南至下盐公路，西至罗山路—沪奉高速” "
        "或 “龙东大道以南、金科路以西…”; 破折号分隔同一方位上相接的几条路。",
        "One clause per side, such as “北至龙东大道，东至外环—沪芦高速，南至下盐公路，西至罗山路—沪奉高速” "
        "or “龙东大道以南、金科路以西…” (English: “north to …, east to …”); a dash separates the successive "
        "roads of one side."),
    "tr_name": Bilingual("名称 (可选)", "Name (optional)"),
    "tr_name_help": Bilingual("描绘出的图层的名称; 同名的描绘图层会被替换。",
                              "The traced layer's name; a traced layer of the same name is replaced."),
    "tr_read": Bilingual("读到的边 (按边界环的顺序)", "Edges read (in ring order)"),
    "tr_unread": Bilingual("未读懂、未使用的部分: {clauses}", "Not understood, not used: {clauses}"),
    "tr_col_ref": Bilingual("道路编号", "route no."),
    "tr_col_kind": Bilingual("类型", "kind"),
    "tr_kind_road": Bilingual("道路", "road"),
    "tr_kind_water": Bilingual("河流", "river"),
    "tr_kind_any": Bilingual("道路或河流", "road or river"),
    "tr_follow": Bilingual("沿线方式", "Follow"),
    "tr_follow_described": Bilingual("按描述文件 (每条边各自的方式)", "as the description says (per edge)"),
    "tr_follow_help": Bilingual("中心线: 沿道路或河流的中心线; 外侧: 道路或河道全部在边界内; 内侧: 全部在边界外。",
                                "centreline: along the road's or river's centre; outer side: the whole road "
                                "or river inside the boundary; inner side: all of it outside."),
    "tr_test_hint": Bilingual("测试数据是赫尔辛基市中心, 没有上海的道路: 描绘目录中的边界请选上海数据或本地文件。",
                              "The test extract is central Helsinki, with no Shanghai roads: to trace a "
                              "catalogue boundary choose the Shanghai extract or a local file."),
    "tr_inputs": Bilingual("要描绘的边界、沿线方式与数据", "What to trace, how, and in which data"),
    "tr_go": Bilingual("描绘", "Trace"),
    "tr_running": Bilingual("正在沿 OSM 道路和河流描绘…", "Tracing along the OSM roads and rivers…"),
    "tr_failed": Bilingual("描绘未能完成", "The boundary could not be traced"),
    "tr_m_area": Bilingual("面积 (椭球面)", "Area (geodesic)"),
    "tr_m_published": Bilingual("公布面积 (约)", "Published area (about)"),
    "tr_m_reference": Bilingual("目录手绘图层", "Hand-digitised layer"),
    "tr_m_diff": Bilingual("手绘与描绘之差", "Hand-digitised − traced"),
    "tr_m_iou": Bilingual("重叠度 IoU", "Overlap (IoU)"),
    "tr_reference_help": Bilingual("与目录中按同一四至手绘的图层对照: 差 = (手绘 − 描绘) / 描绘; IoU = 交集面积 / 并集面积。",
                                   "Against the catalogue layer digitised by hand from the same 四至: "
                                   "difference = (hand − traced) / traced; IoU = intersection / union."),
    "tr_edges": Bilingual("各条边", "Edges"),
    "tr_method": Bilingual("{date} 沿 OSM 道路和河流描绘: {edges} 条边, {ways} 个 OSM 路段, 以直线补接 {gaps} 处缺口 "
                           "(© OpenStreetMap 贡献者, ODbL)",
                           "Traced along OSM ways on {date}: {edges} edges, {ways} OSM ways, {gaps} gaps bridged "
                           "by straight lines (© OpenStreetMap contributors, ODbL)"),
    "tr_gaps": Bilingual("缺口 (以直线补接)", "Gaps (bridged by straight lines)"),
    "tr_notes": Bilingual("说明", "Notes"),
    "tr_use": Bilingual("在本次会话中使用", "Use in this session"),
    "tr_use_help": Bilingual("作为我的图层加入本次会话: 画在地图上, 可用于“我的图层”、覆盖检查 (分析范围) 和导出; "
                             "目录文件不变。",
                             "Adds it to this session's own layers: drawn on the map, offered in My layers, "
                             "Coverage checks (analysis area) and Export; the catalogue's files are not changed."),
    "tr_used": Bilingual("已加入本次会话: ⬆ {name}。地图已移到该范围; 可在“我的图层”、覆盖检查 (分析范围) 和导出中使用。",
                         "Added to this session: ⬆ {name}. The map now shows it; use it in My layers, Coverage "
                         "checks (analysis area) and Export."),
    "tr_replaced": Bilingual("已替换之前同名的描绘图层。", "It replaced the earlier traced layer of the same name."),
}
