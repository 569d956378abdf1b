"""Boundary descriptions (四至): the ordered edges a boundary follows, read from a file or a text.

A description is a list of edges around the area, in ring order. Each edge is a road or a
river named as the plan names it (Chinese or English, with optional ``ref`` such as S20 or
G1503), the side of the area it bounds (北/东/南/西) and how the line follows it
(centreline, outer or inner side). Description files are TOML::

    [boundary]
    id = "science_city_2017"
    name_zh = "张江科学城 (2017年规划范围)"
    name_en = "Zhangjiang Science City (2017 boundary)"
    source = "沪府〔2017〕68号"
    text = "北至龙东大道，东至外环—沪芦高速，南至下盐公路，西至罗山路—沪奉高速"
    compare = "science_city_2017"          # the catalogue layer drawn by hand (optional)

    [[edge]]
    side = "北"
    names = ["龙东大道", "Longdong Avenue"] # every name the road has along this edge
    ref = []                                # optional route numbers
    kind = "road"                           # road | water | any
    follow = "centreline"                   # centreline | outer | inner
    source = "北至龙东大道"                  # the sentence of the source that says so

:func:`parse_sizhi` reads a pasted 四至 text ("东至…、南至…" or "…以南、…以西") into the
same structure.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from geo import settings
from geo.errors import TraceDescriptionError

__all__ = ["SIDES", "EdgeSpec", "BoundaryDescription", "normalise_name", "read_description",
           "parse_description", "parse_sizhi", "to_toml", "check", "check_side_order", "with_follow", "way_refs",
           "way_name_stems"]

#: Sides, clockwise from north, with the words that name them.
SIDES = ("N", "E", "S", "W")
_SIDE_WORDS = {"北": "N", "东": "E", "南": "S", "西": "W", "n": "N", "e": "E", "s": "S", "w": "W",
               "north": "N", "east": "E", "south": "S", "west": "W"}
_SIDE_ZH = {"N": "北", "E": "东", "S": "南", "W": "西"}
_OPPOSITE = {"N": "S", "S": "N", "E": "W", "W": "E"}
_KINDS = ("road", "water", "any")
_WATER_END = ("河", "港", "浜", "江", "塘", "泾", "沟", "渠", "river", "canal", "creek")
#: Route numbers: S20, G1503, A3, S2 (expressways and national roads).
_REF = re.compile(r"^[A-Z]{1,2}\d{1,4}$")


def normalise_name(name: str) -> str:
    """A name as compared: NFKC (full-width to half-width), no spaces, lower case."""
    return re.sub(r"[\s·・]", "", unicodedata.normalize("NFKC", name)).lower()


@dataclass(frozen=True)
class EdgeSpec:
    """One edge of a boundary: a named road or river on one side of the area.

    Attributes
    ----------
    names : tuple of str
        Every name the road or river carries along this edge (a name change along the road
        is one edge with both names).
    side : {"N", "E", "S", "W"} or None
        The side of the area the edge bounds.
    refs : tuple of str
        Route numbers (OSM ``ref``), such as ``S20``.
    kind : {"road", "water", "any"}
    follow : {"centreline", "outer", "inner"}
    source : str
        The sentence of the source document that names this edge.
    note : str
        Anything else the text says of the edge ("沿浦东新区区界").
    """

    names: tuple[str, ...]
    side: str | None = None
    refs: tuple[str, ...] = ()
    kind: str = "any"
    follow: str = settings.TRACE_DEFAULT_FOLLOW
    source: str = ""
    note: str = ""

    def label(self) -> str:
        """The edge as a planner reads it: its names and route numbers."""
        parts = list(self.names) + [r for r in self.refs if r not in self.names]
        return " / ".join(parts)

    def side_label(self, lang: str = "zh") -> str:
        """The side in words (北 / north)."""
        if self.side is None:
            return ""
        return _SIDE_ZH[self.side] if lang == "zh" else {"N": "north", "E": "east", "S": "south",
                                                          "W": "west"}[self.side]

    def matches(self, tags: Mapping[str, str]) -> bool:
        """Whether an OSM way with these tags is (part of) this edge's road or river."""
        if way_refs(tags) & {r.upper() for r in self.refs}:
            return True
        return bool(way_name_stems(tags) & {normalise_name(n) for n in self.names})


def way_refs(tags: Mapping[str, str]) -> set[str]:
    """The route numbers of an OSM way (``ref=S20;G1501`` → {"S20", "G1501"})."""
    return {r.strip().upper() for r in tags.get("ref", "").replace(",", ";").split(";") if r.strip()}


def way_name_stems(tags: Mapping[str, str]) -> set[str]:
    """Every normalised name of an OSM way, and each without a generic prefix or suffix
    ("上海绕城高速公路" also gives "绕城高速公路", "上海绕城高速", "绕城高速", …): a description's
    name matches a way when it is one of these (stems of one character are not kept)."""
    prefixes = [""] + [normalise_name(p) for p in settings.TRACE_NAME_PREFIXES]
    suffixes = [""] + [normalise_name(x) for x in settings.TRACE_NAME_SUFFIXES]
    out: set[str] = set()
    for key in settings.TRACE_NAME_KEYS:
        value = tags.get(key)
        if not value:
            continue
        for name in (normalise_name(v) for v in value.split(";")):
            if not name:
                continue
            out.add(name)
            for head in prefixes:
                if not name.startswith(head):
                    continue
                for tail in suffixes:
                    if name.endswith(tail) and len(name) - len(head) - len(tail) >= 2:
                        out.add(name[len(head):len(name) - len(tail)])
    return out


@dataclass(frozen=True)
class BoundaryDescription:
    """A boundary as the ordered edges around it (ring order, either direction).

    Attributes
    ----------
    id, name_zh, name_en : str
    edges : tuple of EdgeSpec
    source : str
        The document the description comes from.
    text : str
        The description as published (the 四至 sentence).
    compare : str or None
        Id of the catalogue feature drawn by hand from the same text, to compare with.
    published_area_km2 : float or None
    """

    id: str
    name_zh: str
    name_en: str
    edges: tuple[EdgeSpec, ...]
    source: str = ""
    text: str = ""
    compare: str | None = None
    published_area_km2: float | None = None
    meta: dict = field(default_factory=dict, compare=False)

    def name(self, lang: str = "zh") -> str:
        """The boundary's name in ``lang``."""
        return self.name_en if lang == "en" else self.name_zh


def read_description(path: str | Path) -> BoundaryDescription:
    """Read a TOML description file; :class:`TraceDescriptionError` when it is not one."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceDescriptionError(f"cannot read the description {p.name}: {exc}",
                                    f"无法读取边界描述文件 {p.name}: {exc}") from exc
    return parse_description(text, origin=p.name)


def parse_description(text: str, *, origin: str = "description") -> BoundaryDescription:
    """Parse a TOML description (see the module docstring) and check it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TraceDescriptionError(f"{origin} is not valid TOML: {exc}",
                                    f"{origin} 不是有效的 TOML 文件: {exc}") from exc
    head = data.get("boundary", {})
    raw_edges = data.get("edge", [])
    if not isinstance(head, dict) or not isinstance(raw_edges, list):
        raise TraceDescriptionError(f"{origin}: expected a [boundary] table and [[edge]] entries",
                                    f"{origin}: 需要 [boundary] 表和若干 [[edge]] 条目")
    edges = tuple(_edge(e, i + 1, origin, head.get("follow")) for i, e in enumerate(raw_edges))
    area = head.get("published_area_km2")
    desc = BoundaryDescription(
        id=str(head.get("id", "traced")), name_zh=str(head.get("name_zh", head.get("name", "描绘边界"))),
        name_en=str(head.get("name_en", head.get("name", "Traced boundary"))), edges=edges,
        source=str(head.get("source", "")), text=str(head.get("text", "")),
        compare=head.get("compare"), published_area_km2=float(area) if area is not None else None)
    check(desc)
    return desc


def _edge(raw: object, number: int, origin: str, default_follow: object) -> EdgeSpec:
    if not isinstance(raw, dict):
        raise TraceDescriptionError(f"{origin}: edge {number} is not a table",
                                    f"{origin}: 第 {number} 条边不是表")
    names = raw.get("names", raw.get("name")) or []
    names = [names] if isinstance(names, str) else list(names)
    refs = raw.get("ref") or []
    refs = [refs] if isinstance(refs, str) else list(refs)
    side = raw.get("side")
    return EdgeSpec(names=tuple(str(n).strip() for n in names if str(n).strip()),
                    side=_side(side, number) if side else None,
                    refs=tuple(str(r).strip().upper() for r in refs if str(r).strip()),
                    kind=str(raw.get("kind", "any")), follow=str(raw.get("follow", default_follow
                                                                        or settings.TRACE_DEFAULT_FOLLOW)),
                    source=str(raw.get("source", "")), note=str(raw.get("note", "")))


def _side(value: object, number: int) -> str:
    word = re.sub(r"^([东南西北])[侧面边]$", r"\1", str(value).strip())
    side = _SIDE_WORDS.get(word.lower())
    if side is None:
        raise TraceDescriptionError(f"edge {number}: side {value!r} is not one of 北/东/南/西 (N/E/S/W)",
                                    f"第 {number} 条边: 方位 {value!r} 不是 北/东/南/西 之一")
    return side


def check(desc: BoundaryDescription) -> None:
    """Raise :class:`TraceDescriptionError` when a description cannot make a ring."""
    edges = desc.edges
    if len(edges) < 3:
        raise TraceDescriptionError(
            f"a boundary needs at least three edges; the description has {len(edges)}",
            f"边界至少需要三条边, 描述中只有 {len(edges)} 条")
    for i, e in enumerate(edges, 1):
        if not e.names and not e.refs:
            raise TraceDescriptionError(f"edge {i} names no road or river", f"第 {i} 条边没有道路或河流名称")
        if e.kind not in _KINDS:
            raise TraceDescriptionError(f"edge {i}: kind {e.kind!r} is not one of {_KINDS}",
                                        f"第 {i} 条边: 类型 {e.kind!r} 不是 road/water/any 之一")
        if e.follow not in settings.TRACE_FOLLOW_MODES:
            raise TraceDescriptionError(
                f"edge {i}: follow {e.follow!r} is not one of {settings.TRACE_FOLLOW_MODES}",
                f"第 {i} 条边: 沿线方式 {e.follow!r} 不是 centreline/outer/inner 之一")
    for i, (a, b) in enumerate(zip(edges, edges[1:] + edges[:1]), 1):
        if _same_road(a, b):
            j = i % len(edges) + 1
            raise TraceDescriptionError(
                f"edges {i} and {j} are the same road ({a.label()}): the description loops back on "
                "itself; list each stretch once",
                f"第 {i} 和第 {j} 条边是同一条路 ({a.label()}): 描述首尾相接成环, 每段只需列一次")
    seen: dict[tuple, int] = {}
    for i, e in enumerate(edges, 1):
        key = (frozenset(normalise_name(n) for n in e.names), frozenset(e.refs))
        if key in seen and len(edges) > 3:
            raise TraceDescriptionError(
                f"edges {seen[key]} and {i} are the same road ({e.label()}): the ring would cross "
                "itself (a loop); each road bounds the area once",
                f"第 {seen[key]} 和第 {i} 条边是同一条路 ({e.label()}): 边界会自相交 (成环), 每条路只能出现一次")
        seen[key] = i
    check_side_order([e.side for e in edges])


def _same_road(a: EdgeSpec, b: EdgeSpec) -> bool:
    names_a = {normalise_name(n) for n in a.names}
    names_b = {normalise_name(n) for n in b.names}
    return bool(names_a and names_a == names_b and set(a.refs) == set(b.refs))


def check_side_order(sides: Iterable[str | None]) -> None:
    """The sides must go round the area once, in one direction (北→东→南→西 or back).

    Repeated sides (several roads on the north side) and missing sides (a triangle) are fine;
    edges without a side are not checked.
    """
    run = [s for s in sides if s is not None]
    collapsed = [s for i, s in enumerate(run) if i == 0 or s != run[i - 1]]
    if len(collapsed) > 1 and collapsed[0] == collapsed[-1]:
        collapsed.pop()
    if len(collapsed) < 2:
        return
    steps = [(SIDES.index(b) - SIDES.index(a)) % 4 for a, b in zip(collapsed, collapsed[1:] + collapsed[:1])]
    if len(collapsed) == 2 and steps[0] != 2:  # two neighbouring sides (roads bounding a corner)
        return
    if any(s == 2 for s in steps) or not (all(s == 1 for s in steps) or all(s == 3 for s in steps)) \
            or len(collapsed) > 4:
        order = "→".join(_SIDE_ZH[s] for s in collapsed)
        order_en = "→".join(collapsed)
        raise TraceDescriptionError(
            f"the edges are in the wrong order ({order_en}): list them round the area, "
            "north → east → south → west or the other way",
            f"边的顺序不对 ({order}): 请沿边界依次列出, 北→东→南→西 或反向")


# --- 四至 text ----------------------------------------------------------------------------------------

_SEP = re.compile(r"[，,、；;。\n]+")
_DASH = re.compile(r"\s*[—–\-－~～至]+\s*")
_LEADING = re.compile(r"^(?P<side>[东南西北])(?:侧|面|边)?(?:至|起|到|抵|临|靠|接|邻|为|以)\s*(?P<rest>.+)$")
_TRAILING = re.compile(r"^(?P<rest>.+?)\s*以(?P<side>[东南西北])$")
_ENGLISH = re.compile(r"^(?:(?:to|on)\s+the\s+)?(?P<side>north|east|south|west)\s*(?:to|by|:)?\s*(?P<rest>.+)$",
                      re.IGNORECASE)
#: Words that open a remark in brackets rather than another name of the road.
_NOTE_START = re.compile(r"^(沿|含|不含|包括|包含|即|约|以|至|暂|规划|现状|along|incl|excl|approx)", re.IGNORECASE)
_PAREN = re.compile(r"[（(](?P<note>[^)）]*)[)）]")


def parse_sizhi(text: str, *, id: str = "pasted", name_zh: str = "四至描绘边界",
                name_en: str = "Boundary traced from a description", source: str = "",
                follow: str = settings.TRACE_DEFAULT_FOLLOW) -> BoundaryDescription:
    """Read a 四至 text ("北至龙东大道，东至外环—沪芦高速…" or "龙东大道以南、金科路以西…").

    Each clause names one side; dashes inside a clause separate the successive roads of that
    side, each an edge. The sides are put in ring order (北→东→南→西); roads within a side keep
    the text's order (the tracer turns a side round when its far end meets the previous side).
    """
    body = re.sub(r"^.*?(?:四至|范围)(?:为|是|：|:)\s*", "", text.strip(), count=1)
    by_side: dict[str, list[EdgeSpec]] = {}
    unread: list[str] = []
    for clause in _SEP.split(body):
        clause = clause.strip()
        if not clause:
            continue
        side, rest = _clause_side(clause)
        if side is None:
            unread.append(clause)
            continue
        for part in (p.strip() for p in _DASH.split(rest)):
            inside = [m.group("note").strip() for m in _PAREN.finditer(part)]
            part = _PAREN.sub("", part).strip()
            if not part:
                continue
            edge = _text_edge(part, side, clause, "", follow)
            for extra in inside:  # "A3 (S3沪奉高速)": another name of the road; "(沿区界)": a note
                if _NOTE_START.match(extra) or not extra:
                    edge = replace(edge, note="; ".join(filter(None, [edge.note, extra])))
                else:
                    alias = _text_edge(extra, side, clause, "", follow)
                    edge = replace(edge, names=tuple(dict.fromkeys(edge.names + alias.names)),
                                   refs=tuple(dict.fromkeys(edge.refs + alias.refs)))
            by_side.setdefault(side, []).append(edge)
    if not by_side:
        raise TraceDescriptionError(
            "no edge found in the text: write it as 北至…、东至…、南至…、西至… or …以南、…以西",
            "文字中没有找到边界: 请写成 北至…、东至…、南至…、西至… 或 …以南、…以西 的形式")
    edges = tuple(e for side in SIDES for e in by_side.get(side, []))
    desc = BoundaryDescription(id=id, name_zh=name_zh, name_en=name_en, edges=edges, source=source,
                               text=text.strip(), meta={"unread": unread})
    check(desc)
    return desc


def _clause_side(clause: str) -> tuple[str | None, str]:
    m = _LEADING.match(clause)
    if m:
        return _SIDE_WORDS[m.group("side")], m.group("rest")
    m = _TRAILING.match(clause)
    if m:  # "龙东大道以南": the area is south of the road, so the road is its north edge
        return _OPPOSITE[_SIDE_WORDS[m.group("side")]], m.group("rest")
    m = _ENGLISH.match(clause)
    if m:
        return _SIDE_WORDS[m.group("side").lower()], m.group("rest")
    return None, clause


def _text_edge(part: str, side: str, clause: str, note: str, follow: str) -> EdgeSpec:
    tokens = part.replace("/", " ").split()
    refs = tuple(t.upper() for t in tokens if _REF.match(t.upper()))
    words = [t for t in tokens if not _REF.match(t.upper())]
    glued = re.match(r"^([A-Z]{1,2}\d{1,4})(.+)$", part.strip())  # "S20外环"
    if glued and not refs:
        refs, words = (glued.group(1),), [glued.group(2)]
    name = "".join(words) if all(ord(c) > 0x2E80 for w in words for c in w[:1]) else " ".join(words)
    kind = "water" if name.lower().endswith(_WATER_END) else "road"
    return EdgeSpec(names=(name,) if name else (), side=side, refs=refs, kind=kind, follow=follow,
                    source=clause, note=note)


def to_toml(desc: BoundaryDescription) -> str:
    """The description as a TOML file :func:`parse_description` reads back."""
    def q(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    def arr(values: Iterable[str]) -> str:
        return "[" + ", ".join(q(v) for v in values) + "]"

    lines = ["[boundary]", f"id = {q(desc.id)}", f"name_zh = {q(desc.name_zh)}", f"name_en = {q(desc.name_en)}",
             f"source = {q(desc.source)}", f"text = {q(desc.text)}"]
    if desc.compare:
        lines.append(f"compare = {q(desc.compare)}")
    if desc.published_area_km2 is not None:
        lines.append(f"published_area_km2 = {desc.published_area_km2:g}")
    for e in desc.edges:
        lines += ["", "[[edge]]"]
        if e.side:
            lines.append(f"side = {q(_SIDE_ZH[e.side])}")
        lines += [f"names = {arr(e.names)}", f"ref = {arr(e.refs)}", f"kind = {q(e.kind)}",
                  f"follow = {q(e.follow)}", f"source = {q(e.source)}"]
        if e.note:
            lines.append(f"note = {q(e.note)}")
    return "\n".join(lines) + "\n"


def with_follow(desc: BoundaryDescription, follow: str) -> BoundaryDescription:
    """The same description with every edge following ``follow``."""
    return replace(desc, edges=tuple(replace(e, follow=follow) for e in desc.edges))
