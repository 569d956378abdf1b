"""Interface text of printing, in Chinese and English (see layers.text)."""
from __future__ import annotations

from geo.bilingual import Bilingual

__all__ = ["TEXT"]

TEXT: dict[str, Bilingual] = {
    # the presets' titles and caveats (layers.printing.presets): keys print_heading_<id>, print_note_<id>
    "print_heading_boundaries": Bilingual(
        "张江科学城规划范围: 2017年、2021年扩区及扩区范围",
        "Zhangjiang Science City: the 2017 and 2021 boundaries and the expansion area"),
    "print_heading_structure": Bilingual(
        "张江科学城空间结构: 一心两核·多圈多廊",
        "Zhangjiang Science City spatial structure: one centre, two cores, rings and corridors"),
    "print_heading_corridors": Bilingual("张江科学城蓝绿廊道: 三横三纵", "Zhangjiang Science City blue-green corridors"),
    "print_heading_industry": Bilingual(
        "张江科学城产业布局与创新联动廊", "Zhangjiang Science City industrial layout and the innovation axis"),
    "print_heading_parks": Bilingual(
        "张江高新区一区二十二园 (上海全市)", "The 22 parks of the Zhangjiang High-Tech Zone across Shanghai"),
    "print_heading_coverage": Bilingual("覆盖检查结果与覆盖缺口", "Coverage check: gaps and covered places"),
    "print_note_corridors": Bilingual("廊道宽度为假设值 (规划未公布宽度)。",
                                      "Corridor widths are assumed: none is published."),
    "print_note_parks": Bilingual(
        "园区为点位, 不是园区范围; 位置未公布的园区置于所在区。",
        "Parks are points, not outlines; a park whose site is unpublished sits in its district."),
    # legend rows
    "print_area": Bilingual("分析范围", "analysis area"),
    # the title block and the footer
    "print_date": Bilingual("制图日期 ", "Date "),
    "print_sources": Bilingual("来源: ", "Sources: "),
    "print_digitised": Bilingual("数字化 ", "digitised "),
    "print_printed": Bilingual("制图日期 ", "printed "),
    # notes under the legend (str.format fields in braces)
    "print_crs_note": Bilingual(
        "投影: 横轴墨卡托 (WGS84, 中央经线 {lon0:.2f}°E, 比例尺误差 <0.01%)",
        "projection: transverse Mercator (WGS84, central meridian {lon0:.2f}°E, scale error <0.01%)"),
    "print_north_note": Bilingual(
        "指北针 N 指向图面正上方 (坐标北), 即中央经线 {lon0:.2f}°E 上的真北; "
        "图幅边缘真北与坐标北相差不超过 {conv:.2f}°。",
        "The N arrow points up the sheet (grid north), which is true north on the central meridian "
        "{lon0:.2f}°E; at the map's edges true north differs by at most {conv:.2f}°."),
    "print_scale_note": Bilingual("比例尺 1:{n} ({paper} 原尺寸打印)", "Scale 1:{n} (printed on {paper} at 100 %)"),
    # the planner's own layers over a print map (layers.printing.overlays; the print panel)
    "print_overlays": Bilingual("叠加我的图层", "Overlay my layers"),
    "print_overlays_help": Bilingual(
        "所选图层画在预设图层之上 (深色粗边框、浅色填充), 图例中为 “⬆ 名称”, 其来源与方法 (属性 source、method) "
        "列在页脚; 地图范围随之扩大。",
        "Drawn over the preset's layers (a strong dark outline, a faint fill), in the legend as \"⬆ name\"; "
        "their source and method attributes are credited in the footer; the map's extent grows to show them."),
    "print_overlay_sources": Bilingual("我的图层: ", "my layers: "),
    "print_overlay_unsourced": Bilingual("未注明来源", "no source given"),
    "print_overlay_skipped": Bilingual("叠加图层 {name} 未绘制: {reason}", "overlay {name} not drawn: {reason}"),
    "print_overlay_empty": Bilingual("没有可绘制的几何", "it has no geometry to draw"),
    "print_overlay_no_crs": Bilingual("未声明坐标系", "it declares no coordinate reference system"),
    "print_overlay_bad_crs": Bilingual("无法转换为 WGS84 ({exc})", "it cannot be reprojected to WGS84 ({exc})"),
    "print_overlay_far": Bilingual("距本图约 {km:,.0f} km, 超出地图可容纳的范围 (坐标系是否有误?)",
                                   "it lies about {km:,.0f} km from this map, too far to show (a wrong CRS?)"),
    "print_basemap_failed": Bilingual(
        "无法获取 OpenStreetMap 底图 (可能未联网); 仅以矢量背景打印",
        "the OpenStreetMap basemap could not be fetched ({exc}); printed with vector context only"),
    # the land-use preset: a parcel layer in its land-use colours and its balance table (layers.printing.table)
    "print_heading_landuse": Bilingual("用地规划图与用地平衡表", "Land-use plan and land-use balance"),
    "print_note_landuse": Bilingual(
        "用地按用地代码着色 (标准色); 面积为 WGS84 椭球面积; 混合用地按首个代码计。",
        "Parcels coloured by land-use code (standard colours); areas are ellipsoidal (WGS84); "
        "a mixed-use parcel counts by its first code."),
    "print_table_more": Bilingual("… 另有 {n} 行 (见 CSV)", "… {n} more rows (see the CSV)"),
    "print_table_code": Bilingual("代码", "Code"),
    "print_table_name": Bilingual("用地名称", "Land use"),
    "print_table_area": Bilingual("面积 (ha)", "Area (ha)"),
    "print_table_share": Bilingual("占比 (%)", "Share (%)"),
}
