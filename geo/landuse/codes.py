"""The land-use code tables and their one accessor.

Two systems, each a CSV file in this package read once (``#`` lines at its top cite the
sources of its names and colours):

- ``gb50137``: GB 50137-2011 《城市用地分类与规划建设用地标准》 (大类 R…G of 城市建设用地,
  H and E of 城乡用地, their 中类 and 小类);
- ``gtkj2023``: 《国土空间调查、规划、用途管制用地用海分类指南》 (自然资发〔2023〕234号),
  一级 01–24 with the 二级 and 三级 codes urban plans use.

Values found in planners' files ("R2 二类居住用地", "０７０１", "R2/B1", 70101) are brought to
a code by :func:`normalise_code`; :func:`lookup` falls back to the longest known prefix
("R22x" → R22, "07010199" → 070101) and :func:`match` says which level matched and what a
mixed code (混合用地) mixes.
"""
from __future__ import annotations

import csv
import io
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Iterable

from geo.bilingual import Bilingual
from geo.errors import LandUseError

__all__ = ["SYSTEMS", "SYSTEM_NAMES", "LEVEL_NAMES", "LandUseClass", "CodeMatch", "classes", "source",
           "normalise_code", "split_mixed", "detect_system", "lookup", "match", "colour", "is_residential",
           "check_system", "COLOUR_SOURCES"]

#: The code systems, in the order :func:`detect_system` prefers on a tie.
SYSTEMS = ("gb50137", "gtkj2023")

#: Display names of the systems.
SYSTEM_NAMES = {
    "gb50137": Bilingual("GB 50137-2011 城市用地分类", "GB 50137-2011 urban land classification"),
    "gtkj2023": Bilingual("国土空间用地用海分类 (2023)", "Territorial land and sea use classification (2023)"),
}

#: Names of the levels of each system (1 = coarsest).
LEVEL_NAMES = {
    "gb50137": {1: Bilingual("大类", "major class"), 2: Bilingual("中类", "medium class"),
                3: Bilingual("小类", "minor class")},
    "gtkj2023": {1: Bilingual("一级类", "level 1"), 2: Bilingual("二级类", "level 2"),
                 3: Bilingual("三级类", "level 3")},
}

#: Where a class's colour comes from (the ``colour_source`` column).
COLOUR_SOURCES = ("standard", "parent", "child")

_FILES = {"gb50137": "gb50137.csv", "gtkj2023": "gtkj2023.csv"}
_COLOUR = re.compile(r"^#[0-9A-F]{6}$")
#: Separators between the codes of a mixed-use parcel (after NFKC: "／" → "/", "＋" → "+").
_MIX_SEP = re.compile(r"\s*(?:/|\+|、|,|;|&|\|)\s*")
#: A code at the start of a value: letters then letters/digits (GB), or digits (2023).
_TOKEN = re.compile(r"^(?:[A-Z][A-Z0-9]*|[0-9]+)")
#: A code in brackets after a name: "二类居住用地(R2)", "城镇住宅用地【0701】".
_BRACKETED = re.compile(r"[(\[【〔]\s*([A-Z][A-Z0-9]*|[0-9]{2,8})\s*[)\]】〕]")
#: Concatenated GB codes of a mixed parcel written without a separator ("B1B2", "R2B1").
_GB_RUN = re.compile(r"^(?:[A-Z][0-9]+){2,}$")
_GB_PART = re.compile(r"[A-Z][0-9]+")
#: pandas' missing-value types (pd.NA, pd.NaT), recognised without importing pandas.
_MISSING_TYPES = ("NAType", "NaTType")
#: Words planners append to a code ("R2类", "B1用地"); text after a code is dropped anyway.
_TRAILING = ("用地", "类")


@dataclass(frozen=True)
class LandUseClass:
    """One class of a code table.

    ``level`` 1 is the coarsest (大类 / 一级类); ``parent`` is ``None`` at level 1;
    ``colour`` is ``#RRGGBB``; ``colour_source`` is "standard" (transcribed from the cited
    standard), "parent" (the standard gives none: the parent class's colour) or "child" (a
    level-1 class the standard gives no colour: its main subclass's colour; see :func:`source`).
    """

    code: str
    system: str
    level: int
    parent: str | None
    name_zh: str
    name_en: str
    colour: str
    colour_source: str

    @property
    def name(self) -> Bilingual:
        """The class name in both languages."""
        return Bilingual(self.name_zh, self.name_en)


@dataclass(frozen=True)
class CodeMatch:
    """What one raw value means in one system.

    ``code`` is the normalised (first) code, ``mixed`` every code of a mixed value (empty
    when not mixed), ``cls`` the matched class (``None``: unknown) and ``exact`` whether the
    code itself is in the table (``False``: a parent/prefix matched, at ``cls.level``).
    """

    raw: object
    code: str | None
    system: str | None
    cls: LandUseClass | None
    exact: bool
    mixed: tuple[str, ...]

    @property
    def known(self) -> bool:
        """Whether the value matched a class (exactly or through a parent)."""
        return self.cls is not None

    @property
    def level_matched(self) -> int | None:
        """The level of the matched class (``None`` when unknown)."""
        return self.cls.level if self.cls is not None else None


def check_system(system: str) -> str:
    """``system`` if it is one of :data:`SYSTEMS`; a LandUseError otherwise."""
    if system not in SYSTEMS:
        raise LandUseError(f"unknown land-use code system {system!r}; use one of {', '.join(SYSTEMS)}",
                           f"未知的用地分类体系 {system!r}; 可用: {', '.join(SYSTEMS)}")
    return system


@cache
def _table(system: str) -> tuple[dict[str, LandUseClass], str]:
    """The classes (in the standard's order) and the source note of one system's CSV."""
    text = resources.files(__package__).joinpath(_FILES[check_system(system)]).read_text(encoding="utf-8")
    note = [line[1:].strip() for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    out: dict[str, LandUseClass] = {}
    for row in csv.DictReader(io.StringIO(body)):
        cls = LandUseClass(code=row["code"].strip(), system=system, level=int(row["level"]),
                           parent=row["parent"].strip() or None, name_zh=row["name_zh"].strip(),
                           name_en=row["name_en"].strip(), colour=row["colour"].strip().upper(),
                           colour_source=row["colour_source"].strip())
        if cls.code in out or not _COLOUR.match(cls.colour) or cls.colour_source not in COLOUR_SOURCES:
            raise LandUseError(f"bad row {cls.code!r} in {_FILES[system]}", f"{_FILES[system]} 中 {cls.code!r} 行有误")
        if cls.parent is not None and cls.parent not in out:
            raise LandUseError(f"{cls.code!r} before its parent in {_FILES[system]}",
                               f"{_FILES[system]} 中 {cls.code!r} 出现在其上级之前")
        out[cls.code] = cls
    return out, "\n".join(note)


def classes(system: str) -> dict[str, LandUseClass]:
    """All classes of ``system``, code → class, in the standard's order (a fresh dict)."""
    return dict(_table(system)[0])


def source(system: str) -> str:
    """The source note of ``system``'s table: where its codes, names and colours come from."""
    return _table(system)[1]


def _as_text(raw: object) -> str | None:
    """A raw cell as text; numbers lose a leading zero in DBF/Excel, so odd digit counts get it back."""
    if raw is None or isinstance(raw, bool) or type(raw).__name__ in _MISSING_TYPES:
        return None
    if isinstance(raw, numbers.Real):  # int, float and numpy numbers
        value = float(raw)
        if math.isnan(value) or value != int(value) or value < 0:
            return None
        digits = str(int(value))
        return "0" + digits if len(digits) % 2 else digits
    text = str(raw)
    return text if text.strip() else None


def _one_code(part: str) -> str | None:
    """The code of one (non-mixed) part: at its start ("R2 二类居住用地") or in brackets ("二类居住用地(R2)")."""
    for word in _TRAILING:
        if part.endswith(word):
            part = part[: -len(word)].strip()
    part = part.lstrip("([【〔<").strip()
    found = _TOKEN.match(part.replace(" ", "") if re.fullmatch(r"[0-9 ]+", part) else part)
    if found:
        return found.group(0)
    inner = _BRACKETED.search(part)
    return inner.group(1) if inner else None


def split_mixed(raw: object) -> tuple[str, ...]:
    """Every code of a value, normalised, in order ("R2/B1", "R2+B1", "B1B2" → ("R2", "B1")…)."""
    text = _as_text(raw)
    if text is None:
        return ()
    text = unicodedata.normalize("NFKC", text).strip().upper()
    codes: list[str] = []
    for part in _MIX_SEP.split(text):
        code = _one_code(part.strip())
        if code is None:
            continue
        codes += _GB_PART.findall(code) if _GB_RUN.match(code) else [code]
    return tuple(dict.fromkeys(codes))


def normalise_code(raw: object) -> str | None:
    """The code a raw value stands for (the first code of a mixed value), or ``None``.

    Strips, folds full-width characters (NFKC), upper-cases, drops the name after the code
    ("R2 二类居住用地" → "R2", "0701城镇住宅用地" → "0701", "B1用地" → "B1"), and restores the
    leading zero numbers lose (701 → "0701", 70101 → "070101").
    """
    codes = split_mixed(raw)
    return codes[0] if codes else None


def _by_prefix(code: str, system: str) -> LandUseClass | None:
    table = _table(system)[0]
    for n in range(len(code), 0, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None


@cache
def _names(system: str) -> dict[str, str]:
    """Chinese class name → code, for names that are unique in ``system``."""
    seen: dict[str, list[str]] = {}
    for cls in _table(system)[0].values():
        seen.setdefault(cls.name_zh, []).append(cls.code)
    return {name: codes[0] for name, codes in seen.items() if len(codes) == 1}


def match(raw: object, system: str) -> CodeMatch:
    """What ``raw`` means in ``system``: code, matched class (longest known prefix), mix.

    A value with no code but a class name that is unique in the system ("二类居住用地")
    matches that class.
    """
    check_system(system)
    codes = split_mixed(raw)
    mixed = codes if len(codes) > 1 else ()
    if not codes:
        text = _as_text(raw)
        name = unicodedata.normalize("NFKC", text).strip() if text else ""
        code = _names(system).get(name)
        if code is None:
            return CodeMatch(raw, None, system, None, False, ())
        codes = (code,)
    cls = _by_prefix(codes[0], system)
    return CodeMatch(raw, codes[0], system, cls, cls is not None and cls.code == codes[0], mixed)


def lookup(code: object, system: str) -> LandUseClass | None:
    """The class of ``code`` in ``system``, falling back to the longest known prefix.

    "R22x" → R22, "R9" → R, "07010199" → 070101; the returned class's ``level`` is the
    level that matched. ``None`` when not even the first character is a class.
    """
    return match(code, system).cls


def colour(code: object, system: str, default: str | None = None) -> str | None:
    """The ``#RRGGBB`` colour of ``code``'s class in ``system`` (via :func:`lookup`), else ``default``."""
    cls = lookup(code, system)
    return cls.colour if cls is not None else default


def detect_system(values: Iterable[object]) -> str | None:
    """The system whose table matches more of ``values`` (by known prefix), or ``None`` if neither does.

    Empty cells are ignored; on a tie the first of :data:`SYSTEMS` wins.
    """
    counts = dict.fromkeys(SYSTEMS, 0)
    for value in values:
        codes = split_mixed(value)
        if not codes:
            continue
        for system in SYSTEMS:
            if _by_prefix(codes[0], system) is not None:
                counts[system] += 1
    best = max(SYSTEMS, key=lambda s: counts[s])
    return best if counts[best] else None


#: Residential classes. GB 50137-2011 §3.3.2: 居住用地 R = R1/R2/R3 with their 住宅用地
#: (R11/R21/R31) and 服务设施用地 (R12/R22/R32). Guide 2023: 07 居住用地 = 0701 城镇住宅用地,
#: 0702 城镇社区服务设施用地, 0703 农村宅基地, 0704 农村社区服务设施用地.
_SERVICES = {"gb50137": ("R12", "R22", "R32"), "gtkj2023": ("0702", "0704")}
_RESIDENTIAL = {"gb50137": ("R",), "gtkj2023": ("07",)}


def is_residential(code: object, system: str, *, housing_only: bool = False) -> bool:
    """Whether ``code`` (its first code if mixed) is residential land in ``system``.

    Default: the standard's whole 居住用地 class — GB 50137 ``R*``; guide 2023 ``07*``
    (0701 城镇住宅用地, 0702 城镇社区服务设施用地, 0703 农村宅基地, 0704 农村社区服务设施用地).
    ``housing_only`` drops the service classes (GB R12/R22/R32; 2023 0702/0704), leaving the
    housing itself (R11/R21/R31 and unspecified R, R1–R3; 0701*, 0703* and unspecified 07).
    Unknown codes are not residential.
    """
    cls = lookup(code, system)
    if cls is None or not cls.code.startswith(_RESIDENTIAL[system]):
        return False
    return not (housing_only and cls.code.startswith(_SERVICES[system]))
