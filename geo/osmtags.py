"""OpenStreetMap tag rules of the coverage checks, written down in one place.

Every rule that decides what an OSM object *is* for the checks (walkable way, public
green space or plaza, residential building or land, metro entrance or station,
life-circle facility) lives here, with its source. ``geo.osm`` applies them while
reading an extract; :func:`describe_rules` lists them for the UI.

Bump :data:`RULES_VERSION` whenever a rule changes: cached extracts are keyed by it.

Sources
-------
* osmnx 2.x ``osmnx/_overpass.py::_get_network_filter("walk")`` (named
  ``_get_osm_filter`` before 2.0), https://github.com/gboeing/osmnx
* OSM wiki: Key:highway, Key:access, Key:foot, Key:service, Key:area, Tag:leisure=park,
  Tag:leisure=garden (garden:type), Tag:leisure=common, Tag:landuse=recreation_ground,
  Tag:landuse=village_green, Tag:place=square, Tag:highway=pedestrian (area=yes),
  Key:building (accommodation values), Tag:landuse=residential,
  Tag:railway=subway_entrance, Tag:railway=station (station=subway), Tag:public_transport=station,
  Tag:amenity=school, kindergarten, clinic, doctors, hospital, Key:healthcare,
  Tag:amenity=marketplace, Key:shop, Tag:amenity=social_facility (social_facility, social_facility:for),
  Tag:amenity=nursing_home, Key:leisure (sports_centre, fitness_centre, stadium, pitch,
  swimming_pool, track). All at https://wiki.openstreetmap.org/wiki/<page>.
* GB 50180-2018《城市居住区规划设计标准》: 15-minute life circle facility types.
* CJJ/T 85-2017《城市绿地分类标准》: 公园绿地 (G1) and 广场用地 (G3) are the public green
  spaces and plazas of a city; 区域绿地 (EG, e.g. nature reserves) are not.
"""
from __future__ import annotations

from geo.bilingual import Bilingual

from collections.abc import Mapping

__all__ = ["RULES_VERSION", "WALK_EXCLUDED_HIGHWAY", "WALK_CLOSED_ACCESS", "FOOT_ALLOWED", "FOOT_FORBIDDEN",
           "is_walkable", "GREEN_TAGS", "PRIVATE_GARDEN_TYPES", "CLOSED_ACCESS", "green_kind",
           "ENTRANCE_VALUES", "GATE_BARRIERS", "entrance_kind", "RESIDENTIAL_BUILDINGS",
           "is_residential_building", "is_residential_landuse", "METRO_STATION_VALUES", "metro_kind",
           "FACILITY_TAGS", "ELDERLY_FACILITY", "ELDERLY_FOR", "facility_match", "facility_category",
           "CATEGORY_LABELS", "GREEN_LABELS", "METRO_LABELS", "describe_rules"]

#: Bump whenever a rule below changes (cache keys of ``geo.osm`` include it).
RULES_VERSION = "2"

# --- Walking network --------------------------------------------------------------
#: ``highway`` values that are not walkable. osmnx 2.x ``_get_network_filter("walk")``
#: excludes ``abandoned|bus_guideway|construction|cycleway|motor|no|planned|platform|
#: proposed|raceway|razed`` ("motor" matches motorway and motorway_link). Added here:
#: ``rest_area`` and ``service_area`` (motorway facilities, mapped as areas, OSM wiki
#: Key:highway), ``services`` (a motorway service area mapped as an area: OSM wiki
#: Tag:highway=services; ``service_area`` is not an OSM value and stays for old data),
#: ``disused``; and roads tagged ``motorroad=yes`` (OSM wiki Key:motorroad:
#: motor vehicles only), see :func:`is_walkable`. Kept, like osmnx: ``corridor``, ``elevator``, ``escalator``,
#: ``steps`` (they link footbridges and metro stations), and ``trunk``, ``primary`` …
#: (Shanghai's arterials have sidewalks; a separately mapped sidewalk beside them only
#: adds a parallel edge, which does not change walking distances).
WALK_EXCLUDED_HIGHWAY = frozenset({
    "abandoned", "bus_guideway", "construction", "cycleway", "disused", "motorway",
    "motorway_link", "no", "planned", "platform", "proposed", "raceway",
    "razed", "rest_area", "service_area", "services",
})
#: ``access`` values that close a way to the public (osmnx ``settings.default_access``
#: ``["access"!~"private"]``; ``no`` per OSM wiki Key:access) …
WALK_CLOSED_ACCESS = frozenset({"private", "no"})
#: … unless ``foot`` says pedestrians may use it (OSM wiki Key:foot).
FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
#: ``foot`` values that forbid walking (osmnx ``["foot"!~"no"]``; ``private`` per Key:access).
FOOT_FORBIDDEN = frozenset({"no", "private"})


def is_walkable(tags: Mapping[str, str]) -> bool:
    """True if a way with these tags belongs to the walking network.

    Follows osmnx 2.x's ``walk`` filter: a ``highway`` way, not ``area=yes``, not in
    :data:`WALK_EXCLUDED_HIGHWAY`, not ``foot=no|private``, not ``service=private``, and
    neither ``motorroad=yes`` nor ``access=private|no`` unless
    ``foot=yes|designated|permissive``. Unlike osmnx 2.x, roads tagged
    ``sidewalk=separate`` are kept (see :data:`WALK_EXCLUDED_HIGHWAY`).
    """
    hw = tags.get("highway")
    if not hw or hw in WALK_EXCLUDED_HIGHWAY:
        return False
    if tags.get("area") == "yes":
        return False
    foot = tags.get("foot")
    if foot in FOOT_FORBIDDEN:
        return False
    if tags.get("service") == "private":
        return False
    if tags.get("motorroad") == "yes" and foot not in FOOT_ALLOWED:
        return False
    if tags.get("access") in WALK_CLOSED_ACCESS and foot not in FOOT_ALLOWED:
        return False
    return True


# --- Public green spaces and plazas (公共绿地与广场) ---------------------------------
#: ``(key, value) → kind`` of public green spaces and plazas (seed 000 §三(五)3:
#: "400平方米以上绿地、广场等公共开放空间"; CJJ/T 85-2017 G1 公园绿地 + G3 广场用地).
#: ``leisure=nature_reserve`` is left out: a protected area (区域绿地 EG in CJJ/T 85-2017,
#: e.g. 崇明东滩), not a green space a resident walks to daily. ``landuse=grass`` is left
#: out: mostly road verges and lawns that are not open spaces.
GREEN_TAGS: dict[tuple[str, str], str] = {
    ("leisure", "park"): "park",
    ("leisure", "garden"): "garden",
    ("leisure", "common"): "common",
    ("landuse", "recreation_ground"): "recreation_ground",
    ("landuse", "village_green"): "village_green",
    ("place", "square"): "square",
}
#: ``garden:type`` values of private gardens (OSM wiki Tag:leisure=garden).
PRIVATE_GARDEN_TYPES = frozenset({"residential", "private"})
#: ``access`` values that make a space not public (OSM wiki Key:access).
CLOSED_ACCESS = frozenset({"private", "no"})


def green_kind(tags: Mapping[str, str]) -> str | None:
    """Kind of public green space or plaza (``"park"``, ``"garden"``, ``"square"``,
    ``"plaza"`` …), or ``None``.

    ``highway=pedestrian`` with ``area=yes`` is a plaza (OSM wiki Tag:highway=pedestrian).
    ``access=private|no`` and private gardens (``garden:type=residential|private``) are
    not public.
    """
    if tags.get("access") in CLOSED_ACCESS:
        return None
    if tags.get("highway") == "pedestrian" and tags.get("area") == "yes":
        return "plaza"
    for key in ("leisure", "landuse", "place"):
        kind = GREEN_TAGS.get((key, tags.get(key) or ""))
        if kind is None:
            continue
        if kind == "garden" and tags.get("garden:type") in PRIVATE_GARDEN_TYPES:
            return None
        return kind
    return None


# --- Entrances and gates (where a fenced park or a campus is entered) ----------------
#: ``entrance`` values a walker may go in by (OSM wiki Key:entrance). Left out: ``exit``
#: (way out only), ``emergency``, and the building-internal ``staircase``, ``home``,
#: ``garage``; ``no``.
ENTRANCE_VALUES = frozenset({"yes", "main", "secondary", "entrance", "service"})
#: ``barrier`` values of openings in a fence or wall that a walker passes (OSM wiki
#: Key:barrier, "access control on linear barriers"). Fenced parks in Shanghai are entered
#: only at such gates (公园出入口).
GATE_BARRIERS = frozenset({
    "gate", "entrance", "lift_gate", "swing_gate", "kissing_gate", "turnstile",
    "full-height_turnstile", "wicket_gate", "sliding_gate", "hampshire_gate", "bump_gate",
    "stile",
})


def entrance_kind(tags: Mapping[str, str]) -> str | None:
    """``"entrance"`` (``entrance=*``), ``"gate"`` (``barrier=gate`` and kin) or ``None``.

    Closed ones are not entrances: ``access=private|no`` unless ``foot=yes|designated|
    permissive``, and ``locked=yes`` (OSM wiki Key:access, Key:locked).
    """
    if tags.get("locked") == "yes":
        return None
    if tags.get("access") in WALK_CLOSED_ACCESS and tags.get("foot") not in FOOT_ALLOWED:
        return None
    if tags.get("foot") in FOOT_FORBIDDEN:
        return None
    if tags.get("entrance") in ENTRANCE_VALUES:
        return "entrance"
    if tags.get("barrier") in GATE_BARRIERS:
        return "gate"
    return None


# --- Residential demand ---------------------------------------------------------------
#: ``building`` values counted as residential: the accommodation values of OSM wiki
#: Key:building, without ``hotel`` (not a home) and ``barracks`` (military).
RESIDENTIAL_BUILDINGS = frozenset({
    "residential", "apartments", "house", "detached", "semidetached_house", "terrace",
    "dormitory", "bungalow", "cabin", "farm", "ger", "houseboat", "static_caravan",
    "stilt_house", "trullo", "annexe",
})


def is_residential_building(tags: Mapping[str, str]) -> bool:
    """True if ``building`` is one of :data:`RESIDENTIAL_BUILDINGS`."""
    return tags.get("building") in RESIDENTIAL_BUILDINGS


def is_residential_landuse(tags: Mapping[str, str]) -> bool:
    """True for ``landuse=residential`` (OSM wiki Tag:landuse=residential; 居住用地, 小区)."""
    return tags.get("landuse") == "residential"


# --- Metro ---------------------------------------------------------------------------------
#: ``station`` values counted as metro. ``light_rail`` and tram stops are left out: metro
#: only (OSM wiki Tag:station=subway). If Shanghai Metro stations of a line turn out to be
#: tagged ``station=light_rail``, add it here and bump :data:`RULES_VERSION`.
METRO_STATION_VALUES = frozenset({"subway"})


def metro_kind(tags: Mapping[str, str]) -> str | None:
    """``"entrance"`` (``railway=subway_entrance``), ``"station"`` or ``None``.

    A station is ``railway=station|halt`` with ``station=subway`` or ``subway=yes``, or
    ``public_transport=station`` with ``subway=yes`` or ``station=subway``
    (OSM wiki Tag:railway=station, Tag:public_transport=station).
    """
    railway = tags.get("railway")
    if railway == "subway_entrance":
        return "entrance"
    subway = tags.get("subway") == "yes" or tags.get("station") in METRO_STATION_VALUES
    if subway and (railway in ("station", "halt") or tags.get("public_transport") == "station"):
        return "station"
    return None


# --- 15-minute life circle facilities (GB 50180-2018) ------------------------------------
#: ``category → [(key, values)]``: an object matching any pair is in the category. First
#: matching category wins, in this order.
FACILITY_TAGS: dict[str, list[tuple[str, frozenset[str]]]] = {
    "education": [("amenity", frozenset({"school", "kindergarten"}))],
    "health": [("amenity", frozenset({"clinic", "doctors", "hospital"})),
               ("healthcare", frozenset({"clinic", "doctor", "centre", "hospital"}))],
    "market": [("amenity", frozenset({"marketplace"})),
               ("shop", frozenset({"supermarket", "convenience", "greengrocer", "butcher",
                                   "general"}))],
    "elderly": [("amenity", frozenset({"nursing_home"}))],
    "sports": [("leisure", frozenset({"sports_centre", "fitness_centre", "stadium", "pitch",
                                      "swimming_pool", "track"}))],
}
#: ``social_facility`` values of elderly care when ``social_facility:for`` is absent or
#: names the elderly (OSM wiki Tag:amenity=social_facility; 养老院, 日间照料中心) …
ELDERLY_FACILITY = frozenset({"nursing_home", "assisted_living", "day_care", "group_home"})
#: … and the ``social_facility:for`` values of the elderly (any ``social_facility``).
ELDERLY_FOR = frozenset({"senior", "elderly"})


def facility_match(tags: Mapping[str, str]) -> tuple[str, str] | None:
    """``(category, "key=value")`` of a life-circle facility, or ``None``.

    See :func:`facility_category`.
    """
    for category, rules in FACILITY_TAGS.items():
        if category == "sports" and tags.get("access") in CLOSED_ACCESS:
            continue
        for key, values in rules:
            value = tags.get(key)
            if value in values:
                return category, f"{key}={value}"
        if category == "elderly":
            found = _elderly_social_facility(tags)
            if found:
                return category, found
    return None


def _elderly_social_facility(tags: Mapping[str, str]) -> str | None:
    if tags.get("amenity") != "social_facility":
        return None
    kind = tags.get("social_facility") or ""
    target = tags.get("social_facility:for")
    if target in ELDERLY_FOR:
        return f"social_facility:for={target}"
    if kind in ELDERLY_FACILITY and target is None:
        return f"social_facility={kind}"
    return None


def facility_category(tags: Mapping[str, str]) -> str | None:
    """Life-circle facility category of an object, or ``None``.

    Categories (GB 50180-2018 15-minute life circle): ``"education"`` (amenity=school,
    kindergarten), ``"health"`` (amenity=clinic, doctors, hospital; healthcare=clinic,
    doctor, centre, hospital), ``"market"`` (amenity=marketplace; shop=supermarket,
    convenience, greengrocer, butcher, general), ``"elderly"`` (amenity=nursing_home;
    amenity=social_facility with social_facility:for=senior|elderly, or
    social_facility=nursing_home|assisted_living|day_care|group_home without another
    ``social_facility:for``), ``"sports"`` (leisure=sports_centre, fitness_centre,
    stadium, pitch, swimming_pool, track; not access=private|no).
    """
    found = facility_match(tags)
    return found[0] if found else None


# --- Labels ------------------------------------------------------------------------------------
#: Facility category → (zh, en).
CATEGORY_LABELS: dict[str, Bilingual] = {
    "education": Bilingual("教育 (中小学、幼儿园)", "education (schools, kindergartens)"),
    "health": Bilingual("医疗 (医院、诊所、社区卫生服务中心)", "health (hospitals, clinics)"),
    "market": Bilingual("商业 (菜场、超市、便利店)", "shopping (markets, supermarkets, convenience stores)"),
    "elderly": Bilingual("养老 (养老院、日间照料)", "elderly care (nursing homes, day care)"),
    "sports": Bilingual("体育 (体育中心、健身、球场)", "sports (sports centres, fitness, pitches)"),
}
#: Green kind → (zh, en).
GREEN_LABELS: dict[str, Bilingual] = {
    "park": Bilingual("公园", "park"),
    "garden": Bilingual("游园/花园", "public garden"),
    "common": Bilingual("公共绿地", "common"),
    "recreation_ground": Bilingual("游憩绿地", "recreation ground"),
    "village_green": Bilingual("村头绿地", "village green"),
    "square": Bilingual("广场", "square"),
    "plaza": Bilingual("步行广场", "pedestrian plaza"),
}
#: Metro kind → (zh, en).
METRO_LABELS: dict[str, tuple[str, str]] = {
    "entrance": ("地铁出入口", "metro entrance"),
    "station": ("地铁站", "metro station"),
}
_LAYER_LABELS = {
    "walk": ("步行路网", "walking network"),
    "green": ("公共绿地与广场", "public green space and plazas"),
    "residential": ("居住", "residential"),
    "metro": ("轨道交通", "metro"),
    "facilities": ("生活圈设施", "life-circle facilities"),
    "entrances": ("出入口", "entrances"),
}


def describe_rules(lang: str = "zh") -> list[dict]:
    """All rules as rows ``{"layer", "rule", "note"}``, for display (``lang`` "zh" or "en")."""
    i = 0 if lang == "zh" else 1

    def row(layer: str, rule: str, zh: str, en: str) -> dict:
        return {"layer": _LAYER_LABELS[layer][i], "rule": rule, "note": (zh, en)[i]}

    rows = [
        row("walk", "highway=*", "所有道路与小路 (含主干道: 上海主干道有人行道)",
            "every road and path, arterials included (Shanghai arterials have sidewalks)"),
        row("walk", "highway≠" + "|".join(sorted(WALK_EXCLUDED_HIGHWAY)),
            "排除: 不可步行或未建成的道路 (依 osmnx 2.x walk 过滤器)",
            "excluded: not walkable or not built (osmnx 2.x walk filter)"),
        row("walk", "area≠yes", "排除面状道路 (广场面)", "excluded: areas (plazas)"),
        row("walk", "foot≠no|private; service≠private; motorroad≠yes", "排除禁止步行的路段",
            "excluded: no pedestrians"),
        row("walk", "access≠private|no (foot=yes|designated|permissive 除外)",
            "排除不对公众开放的路段", "excluded: closed to the public unless foot is allowed"),
    ]
    for (key, value), kind in GREEN_TAGS.items():
        zh, en = GREEN_LABELS[kind]
        rows.append(row("green", f"{key}={value}", zh, en))
    rows += [
        row("green", "highway=pedestrian + area=yes", *GREEN_LABELS["plaza"]),
        row("green", "access≠private|no; garden:type≠residential|private",
            "排除非公共绿地", "excluded: not public"),
        row("green", "leisure=nature_reserve (不计入 / not counted)",
            "自然保护区属区域绿地 (CJJ/T 85-2017), 非日常步行可达的公共绿地",
            "nature reserves are regional green (CJJ/T 85-2017), not a daily walk's green space"),
        row("residential", "building=" + "|".join(sorted(RESIDENTIAL_BUILDINGS)),
            "居住建筑 (building=yes 按所在居住用地判定)",
            "residential buildings (building=yes counts when inside residential land)"),
        row("residential", "landuse=residential", "居住用地 (小区)", "residential land"),
        row("metro", "railway=subway_entrance", *METRO_LABELS["entrance"]),
        row("metro", "railway=station|halt + station=subway|subway=yes",
            "地铁站 (不含轻轨、有轨电车)", "metro station (not light rail or tram)"),
        row("metro", "public_transport=station + subway=yes|station=subway",
            *METRO_LABELS["station"]),
    ]
    rows += [
        row("entrances", "entrance=" + "|".join(sorted(ENTRANCE_VALUES)),
            "出入口: 有出入口的公园与设施只从出入口和穿过边界的道路进入",
            "entrances: a park or facility with mapped entrances is entered only there "
            "and where a path crosses its outline"),
        row("entrances", "barrier=" + "|".join(sorted(GATE_BARRIERS)),
            "门 (围墙或围栏上的开口)", "gates (openings in a fence or wall)"),
        row("entrances", "locked≠yes; access≠private|no", "排除锁闭或不开放的出入口",
            "excluded: locked or closed entrances"),
    ]
    for category, rules in FACILITY_TAGS.items():
        zh, en = CATEGORY_LABELS[category]
        for key, values in rules:
            rows.append(row("facilities", f"{key}=" + "|".join(sorted(values)), zh, en))
        if category == "elderly":
            rows.append(row("facilities",
                            "amenity=social_facility + social_facility:for=senior|elderly, or "
                            "social_facility=nursing_home|assisted_living|day_care|group_home",
                            zh, en))
        if category == "sports":
            rows.append(row("facilities", "access≠private|no", "排除不对公众开放的体育设施",
                            "excluded: sports facilities closed to the public"))
    return rows
