"""What a coverage check did with its inputs, and its method, as tables for the app and CLI.

A check's result carries ``inputs`` (``geo.coverage.CoverageResult.inputs``): what the OSM
reader cut or dropped, the network's pieces, the demand left out, and how each kind of
source was reached (``geo.access``). :func:`inputs_rows` turns it into rows a planner
reads; :func:`method_rows` lists the access rules with their defaults and sources.
"""
from __future__ import annotations

from geo import settings
from geo.access import COUNT_LABELS
from geo.osmparse import DROP_REASONS
from layers.text.coverage import (INPUT_DEMAND, INPUT_FRAMES, INPUT_GREEN, INPUT_PARCELS, INPUT_SECTIONS,
                                  TABLE_HEADERS)


def inputs_rows(inputs: dict, lang: str = "zh") -> list[dict]:
    """Rows ``{"section", "item", "value"}`` of a result's ``inputs``, in ``lang``."""
    i = 0 if lang == "zh" else 1
    rows: list[dict] = []

    def add(section: str, label: tuple[str, str], value) -> None:
        rows.append({"section": INPUT_SECTIONS[section][i], "item": label[i], "value": _count(value)})

    osm = inputs.get("osm") or {}
    for frame, n in (osm.get("cut_by_extract_edge") or {}).items():
        if n and frame in INPUT_FRAMES:
            add("osm_cut", INPUT_FRAMES[frame], n)
    for reason, n in (osm.get("dropped") or {}).items():
        if n:
            add("osm_dropped", DROP_REASONS.get(reason, (reason, reason)), n)
    net = inputs.get("network")
    if net:
        share = f"{100 * net['main_length_share']:.1f}%"
        add("network", ("分片数", "pieces"), net["pieces"])
        add("network", ("最大片 (长度占比)", "largest piece (share of length)"), share)
        add("network", ("最大片节点 / 全部", "nodes in the largest / all"),
            f"{net['main_nodes']:,} / {net['nodes']:,}")
    demand = inputs.get("demand") or {}
    for key, label in INPUT_DEMAND.items():
        n = demand.get(key)
        if n or key == "units":
            add("demand", label, n or 0)
    parcels = demand.get("parcels")
    if parcels:
        from geo.parcels import DROP_REASONS as PARCEL_DROPS
        for key, label in INPUT_PARCELS.items():
            add("demand", label, parcels.get(key, 0))
        for key, n in (parcels.get("dropped") or {}).items():
            if n:
                add("demand", PARCEL_DROPS.get(key, (key, key)), n)
    sources = inputs.get("sources") or {}
    per_category = all(isinstance(v, dict) for v in sources.values()) and sources
    groups = sources.items() if per_category else [("", sources)]
    for name, counts in groups:
        labels: dict[str, tuple[str, str]] = {**INPUT_GREEN, **COUNT_LABELS,
                                              "units_inside_sources": ("位于来源内的单元 (0 米)",
                                                                       "units inside a source (0 m)")}
        for key, lab in labels.items():
            n = counts.get(key)
            if n:
                text = (f"{name}: " if name else "") + lab[i]
                rows.append({"section": INPUT_SECTIONS["sources"][i], "item": text, "value": _count(n)})
    return rows


def _count(value) -> str:
    """A count with thousands separators (a total of weights too); other values as they are."""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.3g}"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def method_rows(lang: str = "zh") -> list[dict]:
    """The access rules: ``{"rule", "default", "source"}`` rows in ``lang``."""
    zh = lang == "zh"
    s = settings
    rules = [
        ("住宅、点状设施、地铁出入口连接到最大连通路网上的最近点, 直线步行到该点; 位于较小路网片 (如校园、公园内部道路) 凸包内的, 也连接该片, 取较短者",
         ("Homes, point facilities and metro entrances join the nearest point of the largest "
          "connected network, walking straight to it; a place inside the hull of a smaller piece "
          "(a campus's or park's own paths) also joins that piece, and the shorter walk counts"),
         "—", "osmnx keeps the largest component (retain_all=False)"),
        ("面状来源的边界上 (距离不超过该值) 有出入口或门时, 只能从出入口和穿过边界的道路进入",
         ("A polygon with an entrance or gate on its outline (within this distance) is entered "
          "only there and by the paths crossing its outline"),
         f"{s.ENTRANCE_OUTLINE_M:g} m", s.PARAMETER_SOURCES["entrance_outline_m"]),
        ("没有出入口的绿地: 道路距边界不超过该值即可进入 (设施为 0 m, 即道路接触)",
         ("An open green space is reached by any street this close to it (facilities: 0 m, "
          "the street must touch it)"),
         f"{s.GREEN_ACCESS_TOLERANCE_M:g} m", s.PARAMETER_SOURCES["access_tolerance_m"]),
        ("没有道路接触时: 从最近的道路点直线进入, 不超过该距离; 更远则不可达并计数",
         ("When no street touches it: from the nearest street point, walking straight, up to "
          "this distance; beyond it the source is unreachable and counted"),
         f"{s.SOURCE_APPROACH_M:g} m", s.PARAMETER_SOURCES["approach_m"]),
        ("位于绿地或设施面内的住宅距离为 0", "Homes inside a green space or facility are at 0 m",
         "0 m", "—"),
        ("被数据边界切断的面沿边界闭合并在边界内重建, 并计数",
         "Areas cut by the extract's edge are closed along it and rebuilt inside it, and counted",
         "—", "geo.osmareas"),
    ]
    return [{"rule": zh_text if zh else en_text, "default": default, "source": source}
            for zh_text, en_text, default, source in rules]


def table(rows: list[dict], lang: str = "zh"):
    """``rows`` (of :func:`inputs_rows` or :func:`method_rows`) as a frame with headers in ``lang``."""
    import pandas as pd
    i = 0 if lang == "zh" else 1
    frame = pd.DataFrame(rows)
    return frame.rename(columns={k: v[i] for k, v in TABLE_HEADERS.items()})


__all__ = ["inputs_rows", "method_rows", "table"]
