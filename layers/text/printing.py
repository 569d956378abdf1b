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
    "print_basemap_failed": Bilingual(
        "无法获取 OpenStreetMap 底图 (可能未联网); 仅以矢量背景打印",
        "the OpenStreetMap basemap could not be fetched ({exc}); printed with vector context only"),
}
