"""Interface text of webmap, in Chinese and English (see layers.text)."""
from __future__ import annotations

from geo.bilingual import Bilingual

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
}
