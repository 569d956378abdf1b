"""Interface text of the coverage checks, in Chinese and English (see layers.text).

Besides the keyed texts (``TEXT``), the label tables of the checks' choices: areas,
checks, demand kinds, result layers and the rows of the inputs table.
"""
from __future__ import annotations

from geo.bilingual import Bilingual

__all__ = ["AREA_LABELS", "CHECK_LABELS", "DEMAND_LABELS", "INPUT_DEMAND", "INPUT_FRAMES", "INPUT_GREEN",
           "INPUT_SECTIONS", "RESULT_LABELS", "TABLE_HEADERS", "TEXT", "label"]

#: Analysis areas (layers.coverage.areas.AREAS and a drawn polygon).
AREA_LABELS: dict[str, Bilingual] = {
    "science_city_2021": Bilingual("张江科学城 (2021, 约220 km²)", "Science City (2021, ≈220 km²)"),
    "science_city_2017": Bilingual("张江科学城 (2017, 约95 km²)", "Science City (2017, ≈95 km²)"),
    "science_city_expansion": Bilingual("2021年扩区范围", "2021 expansion ring"),
    "extract": Bilingual("OSM 数据范围", "extent of the OSM extract"),
    "drawn": Bilingual("绘制的范围", "drawn polygon"),
}

#: The checks (geo.coverage.CHECKS).
CHECK_LABELS: dict[str, Bilingual] = {
    "green5": Bilingual("5分钟步行可达公共绿地与广场 (≥400 m²)", "Green reach: 5-minute walk to green space or plaza ≥ 400 m²"),
    "life15": Bilingual("15分钟社区生活圈", "15-minute life circle"),
    "metro": Bilingual("轨道交通站点服务范围", "Metro catchment"),
}

#: Demand kinds (geo.coverage.DEMAND_KINDS and own data).
DEMAND_LABELS: dict[str, Bilingual] = {
    "residential_landuse": Bilingual("居住用地 (landuse=residential)", "residential land use"),
    "residential_buildings": Bilingual("居住建筑", "residential buildings"),
    "area": Bilingual("整个分析范围", "the whole area"),
    "custom": Bilingual("自有数据", "own data"),
}

#: A result's map layers (layers.coverage.mapping).
RESULT_LABELS: dict[str, Bilingual] = {
    "gap": Bilingual("覆盖缺口 (步行不可达)", "gap (not reached on foot)"),
    "covered": Bilingual("已覆盖 (沿路网)", "covered (along the network)"),
    "new": Bilingual("新增绿地新覆盖", "newly covered by the new green"),
    "source": Bilingual("服务设施 / 绿地", "sources (green spaces, facilities, stations)"),
}

#: Inputs table: OSM frames whose areas the extract's edge cut.
INPUT_FRAMES: dict[str, Bilingual] = {
    "walk": Bilingual("步行道路 (保留边界内的部分)", "walkable ways (the parts inside kept)"),
    "green": Bilingual("绿地与广场 (在边界内重建)", "green spaces and plazas (rebuilt inside the edge)"),
    "residential_landuse": Bilingual("居住用地 (在边界内重建)", "residential land (rebuilt inside the edge)"),
    "buildings": Bilingual("建筑 (在边界内重建)", "buildings (rebuilt inside the edge)"),
    "facilities": Bilingual("设施 (在边界内重建)", "facilities (rebuilt inside the edge)"),
    "metro": Bilingual("地铁站 (在边界内重建)", "metro stations (rebuilt inside the edge)"),
}

#: Inputs table: what happened to the demand.
INPUT_DEMAND: dict[str, Bilingual] = {
    "empty": Bilingual("没有几何的需求要素 (未计入)", "demand features without geometry (left out)"),
    "not_polygonal": Bilingual("没有面积的需求面 (未计入)", "demand polygons without area (left out)"),
    "outside": Bilingual("在分析范围外的需求要素", "demand features outside the area"),
    "units": Bilingual("需求单元", "demand units"),
    "joined_to_smaller_piece": Bilingual("同时连接其所在小片路网的单元", "units also joined to a smaller piece they lie in"),
}

#: Inputs table: green spaces and plazas.
INPUT_GREEN: dict[str, Bilingual] = {
    "given": Bilingual("绿地与广场 (全部)", "green spaces and plazas (all)"),
    "not_polygons": Bilingual("非面要素 (未计入)", "not polygons (left out)"),
    "below_min_area": Bilingual("小于最小面积", "below the minimum area"),
    "in_reach": Bilingual("在步行范围内", "within reach"),
}

#: Inputs table: its sections.
INPUT_SECTIONS: dict[str, Bilingual] = {
    "osm_cut": Bilingual("被数据边界切断", "cut by the extract's edge"),
    "osm_dropped": Bilingual("无法读取 (整个文件)", "could not be read (whole file)"),
    "network": Bilingual("步行路网", "walking network"),
    "demand": Bilingual("需求", "demand"),
    "sources": Bilingual("来源", "sources"),
}

#: Column headers of the inputs and method tables.
TABLE_HEADERS: dict[str, Bilingual] = {
    "section": Bilingual("类别", "section"),
    "item": Bilingual("项目", "item"),
    "value": Bilingual("数量", "count"),
    "rule": Bilingual("规则", "rule"),
    "default": Bilingual("默认值", "default"),
    "source": Bilingual("来源", "source"),
}

#: Keyed texts of the coverage figures.
TEXT: dict[str, Bilingual] = {
    "cov_fig_check": Bilingual("检查", "check"),
    "cov_fig_area": Bilingual("范围", "area"),
    "cov_fig_demand": Bilingual("需求", "demand"),
    "cov_fig_distance": Bilingual("步行距离", "walking distance"),
    "cov_fig_share": Bilingual("沿路网覆盖率", "share along the network"),
    "cov_fig_buffer": Bilingual("直线缓冲覆盖率 (高估)", "straight-line buffer share (overstates)"),
    "cov_fig_target": Bilingual("目标", "target"),
    "cov_fig_covered": Bilingual("覆盖面积", "covered area"),
    "cov_fig_floor": Bilingual("建筑面积覆盖率", "floor-area share"),
    "cov_fig_count": Bilingual("个数覆盖率", "share by count"),
    "cov_fig_sources": Bilingual("来源对象", "sources"),
    "cov_fig_units": Bilingual("需求单元", "demand units"),
    "cov_fig_item": Bilingual("项目", "item"),
    "cov_fig_value": Bilingual("值", "value"),
    "cov_walk": Bilingual("步行", "walk"),
}


def label(table: dict[str, Bilingual], key: str, lang: str) -> str:
    """The label of ``key`` in one of the tables above, in ``lang``; the key itself if unknown."""
    found = table.get(key)
    return found.get(lang) if found is not None else key


# --- demand "parcels": a planner's control-plan parcels (layers.coverage.inputs, geo.parcels) ---
DEMAND_LABELS["parcels"] = Bilingual("控规地块的居住用地 (导入图层)", "residential parcels of a control plan (imported layer)")
INPUT_DEMAND["no_weight"] = Bilingual("权重为空或为零的需求要素 (未计入)", "demand features with no or zero weight (left out)")
INPUT_DEMAND["weight_in_area"] = Bilingual("分析范围内的权重合计", "total weight inside the area")

#: Inputs table: the parcels of demand "parcels" (geo.parcels.ParcelDemand.summary); the
#: reasons a parcel was left out are geo.parcels.DROP_REASONS.
INPUT_PARCELS: dict[str, Bilingual] = {
    "given": Bilingual("地块 (全部)", "parcels (all)"),
    "not_residential": Bilingual("非居住地块", "parcels not residential"),
    "residential": Bilingual("计入的居住地块", "residential parcels counted"),
}
__all__ += ["INPUT_PARCELS"]

TEXT.update({
    "cov_fig_dropped": Bilingual("未计入的地块", "parcels left out"),
    "cov_fig_weighted": Bilingual("覆盖的权重 / 合计", "covered weight / total"),
    "cov_parcels_layer": Bilingual("地块图层 (控规)", "parcel layer (control plan)"),
    "cov_parcels_code": Bilingual("用地代码字段", "land-use code column"),
    "cov_parcels_weight": Bilingual("权重 (人口或建筑面积)", "weight (population or floor area)"),
    "cov_parcels_by_area": Bilingual("按用地面积", "by area"),
    "cov_parcels_none": Bilingual("请先导入控规地块图层 (带用地代码字段的面)",
                                  "import a parcel layer first (polygons with a land-use code column)"),
})
