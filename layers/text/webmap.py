"""Interface text of the web map and the drawn-shape analysis, in Chinese and English (see layers.text).

Also :func:`format_value`, how a property value reads in the interface (popups, the
catalogue table): it lives with the words it uses, below every subsystem.
"""
from __future__ import annotations

import numpy as np

from geo.bilingual import Bilingual

__all__ = ["TEXT", "format_value"]

TEXT: dict[str, Bilingual] = {
    "map_layer": Bilingual("图层", "Layer"),
    "map_date": Bilingual("数字化日期", "Digitised"),
    "map_licence": Bilingual("许可", "Licence"),
    "map_attribution": Bilingual("署名", "Attribution"),
    "map_notes": Bilingual("说明", "Notes"),
    "map_failed": Bilingual("无法加载", "could not be loaded"),
    "map_legend": Bilingual("图例 Legend", "Legend 图例"),
    "map_schematic": Bilingual("虚线: 示意 (schematic)", "Dashed: schematic (示意)"),
    "map_fullscreen": Bilingual("全屏", "Full screen"),
    "map_exit_fullscreen": Bilingual("退出全屏", "Exit full screen"),
    "map_sqkm": Bilingual("平方公里", "km²"),
    # controls kept out of the map's way (layers.webmap.layout)
    "map_zoom_sc": Bilingual("张江科学城", "Science City"),
    "map_zoom_parks": Bilingual("全部园区", "All parks"),
    "map_zoom_targets": Bilingual("缩放到", "Zoom to"),
    "map_north": Bilingual("指北针 (上为北)", "North arrow (north is up)"),
    # the title block and the standalone page
    "map_default_title": Bilingual("张江科学城规划图", "Zhangjiang Science City planning map"),
    "map_failed_layers": Bilingual("以下图层无法加载", "These layers could not be loaded"),
    # property values in popups
    "map_yes": Bilingual("是", "yes"),
    "map_no": Bilingual("否", "no"),
    # how the ``method`` values read (layers.catalogue.spec.METHODS): key map_method_<value, _ for space>
    "map_method_traced": Bilingual("按道路描绘", "traced"),
    "map_method_schematic": Bilingual("示意", "schematic"),
    "map_method_point_location": Bilingual("点位", "point location"),
    "map_method_district_point": Bilingual("区级点位", "district point"),
    "map_method_derived": Bilingual("推导计算", "derived"),
    "map_method_package": Bilingual("软件包数据", "package"),
    # basemaps (layers.webmap.basemaps): key map_basemap_<id>
    "map_basemap_carto": Bilingual("浅色底图 (CARTO / OpenStreetMap)", "Light basemap (CARTO / OpenStreetMap)"),
    "map_basemap_carto_dark": Bilingual("深色底图 (CARTO / OpenStreetMap)", "Dark basemap (CARTO / OpenStreetMap)"),
    "map_basemap_osm": Bilingual("OpenStreetMap 标准底图", "OpenStreetMap standard"),
    "map_basemap_amap": Bilingual("高德地图 (GCJ-02, 图层已相应偏移)", "Amap road map (GCJ-02; layers shifted to match)"),
    "map_basemap_amap_satellite": Bilingual("高德卫星影像 (GCJ-02, 图层已相应偏移)",
                                            "Amap satellite (GCJ-02; layers shifted to match)"),
    "map_basemap_tianditu_vec": Bilingual("天地图 矢量 (CGCS2000)", "Tianditu vector map (CGCS2000)"),
    "map_basemap_tianditu_img": Bilingual("天地图 影像 (CGCS2000)", "Tianditu imagery (CGCS2000)"),
    # the planner's drawings
    "map_my_drawings": Bilingual("我的绘制", "My drawings"),
    "map_length": Bilingual("长度", "Length"),
    "map_area": Bilingual("面积", "Area"),
    # what a drawn shape meets (layers.analysis.drawn.intersecting_table)
    "map_feature": Bilingual("要素", "Feature"),
    "map_overlap_km2": Bilingual("重叠面积 (km²)", "Overlap (km²)"),
    "map_share_of_feature": Bilingual("占该要素比例", "Share of feature"),
    # thematic styles of the planner's layers (layers.styling) and their legends on the map and in print
    "style_single": Bilingual("全部要素", "all features"),
    "style_other": Bilingual("其他", "other"),
    "style_unknown": Bilingual("未识别", "unknown"),
    "style_no_data": Bilingual("无数据", "no data"),
    "style_status_under_construction": Bilingual("在建", "under construction"),
    "style_status_new_start": Bilingual("新开工", "new start"),
    "style_status_reserve": Bilingual("储备", "reserve (planned)"),
    "style_status_completed": Bilingual("竣工", "completed"),
    "style_note_bad_classes": Bilingual("样式中 {n} 个分类无效 (颜色、数值或名称有误), 已忽略",
                                        "{n} invalid classes of the style (colour, number or label) were left out"),
    "style_note_bad_filter": Bilingual("样式筛选中 {n} 个取值不是样式的分类, 已忽略",
                                       "{n} filter values of the style name no class and were left out"),
    "style_note_ignored": Bilingual("样式中 {n} 个未知字段已忽略", "{n} unknown fields of the style were ignored"),
    "style_not_applied": Bilingual("样式无法用于该图层, 按默认样式绘制: {reason}",
                                   "the style does not fit the layer and was not used: {reason}"),
    "map_user_simplified": Bilingual("显示简化 (容差 {m} 米, 数据未改变)",
                                     "simplified for display ({m} m tolerance; the data are unchanged)"),
    "map_user_filtered": Bilingual("显示 {shown} / {total} 个要素 (已筛选)", "showing {shown} of {total} features (filtered)"),
    "map_user_capped": Bilingual("只显示前 {shown} 个要素", "only the first {shown} features shown"),
}


def _method_key(method: str) -> str:
    return "map_method_" + method.replace(" ", "_")


def format_value(value: object, key: str = "", lang: str = "zh") -> str:
    """Plain-text rendering of a property value (not yet escaped).

    Booleans read yes/no in ``lang``, integers of five digits and more get thousands
    separators, whole floats lose their ``.0``, lists are joined with commas; the
    catalogue's ``method`` values (``key="method"``) read in Chinese, the English kept
    in brackets.
    """
    if isinstance(value, (bool, np.bool_)):
        return TEXT["map_yes" if value else "map_no"].get(lang)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}" if abs(int(value)) >= 10000 else str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return str(int(v)) if v.is_integer() else f"{v:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v, key, lang) for v in value)
    text = str(value)
    if key == "method" and lang == "zh":
        parts = [p.strip() for p in text.split("/")]
        if all(_method_key(p) in TEXT for p in parts):
            return " / ".join(TEXT[_method_key(p)].zh for p in parts) + f" ({text})"
    return text
