"""A thematic style of one of the planner's layers: :class:`Style`, its :class:`StyleClass` es, and
how it is kept in a project file (:meth:`Style.to_dict`, :meth:`Style.from_dict`).

A style says how each feature is coloured: ``single`` (one colour), ``category`` (a colour per
value of a column), ``graduated`` (numeric classes of a column), ``landuse`` (the land-use code
tables of :mod:`geo.landuse`) or ``status`` (the project lists' 在建 / 新开工 / 储备 / 竣工). Its
classes are fixed when it is made (:mod:`layers.styling.classify` and friends), so a saved
style draws the same colours on the same data. ``filter_values`` lists the class keys
(:attr:`StyleClass.key`) the map shows; None shows all.

:meth:`Style.from_dict` reads what a project file holds, which may be anything: every field is
checked (kind, method, palette, colours as ``#RRGGBB``, finite numbers, the column in the layer,
sizes bounded by ``settings.STYLE_MAX_CLASSES`` and ``settings.STYLE_MAX_TEXT``). What cannot
make a style raises :class:`~geo.errors.StyleError`; a bad class or filter value is dropped and
said in ``notes``.

>>> s = Style("single", classes=(StyleClass("全部", "#0072B2"),))
>>> Style.from_dict(s.to_dict(), None) == s
True
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from geo import settings
from geo.bilingual import Bilingual
from geo.errors import StyleError
from geo.landuse.codes import SYSTEMS as LANDUSE_SYSTEMS
from layers.styling.palettes import CATEGORICAL, RAMPS
from layers.text import text

__all__ = ["KINDS", "METHODS", "Style", "StyleClass", "check_colour", "value_key"]

#: The kinds of style.
KINDS = ("single", "category", "graduated", "landuse", "status")
#: Classification methods of graduated styles.
METHODS = ("quantiles", "equal_interval", "natural_breaks")
#: Version written into :meth:`Style.to_dict` (read back by :meth:`Style.from_dict`).
FORMAT = 1

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_FIELDS = ("kind", "column", "method", "k", "palette", "classes", "filter_values", "system", "format")


def check_colour(value: Any) -> str:
    """``value`` as ``#RRGGBB`` (upper case); a StyleError if it is not one."""
    if isinstance(value, str) and _COLOUR.fullmatch(value.strip()):
        return value.strip().upper()
    raise StyleError(f"not a colour (#RRGGBB): {str(value)[:40]!r}", f"不是颜色 (#RRGGBB): {str(value)[:40]!r}")


def value_key(value: Any) -> str | None:
    """How a category value is matched: text stripped, whole numbers without ``.0``; None when missing."""
    if value is None or isinstance(value, bool):
        return None if value is None else str(value)
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        f = float(value)
        if not math.isfinite(f):
            return None
        return str(int(f)) if f.is_integer() else repr(f)
    if type(value).__name__.startswith(("int", "uint")):
        return str(int(value))
    s = str(value).strip()
    return s if s and s.lower() not in ("nan", "none", "null", "<na>", "nat") else None


@dataclass(frozen=True)
class StyleClass:
    """One class of a style: its legend label (``label_en`` in English, if different), colour, and
    what falls in it: the value ``value`` (category, land-use code, status key), or numbers in
    ``(low, high]`` (graduated; the first class includes ``low``). A class with neither is the
    catch-all ("其他 / other", "未识别 / unknown"). ``count``: features in it when it was made."""

    label: str
    colour: str
    value: str | None = None
    low: float | None = None
    high: float | None = None
    label_en: str | None = None
    count: int | None = None

    @property
    def key(self) -> str:
        """What ``Style.filter_values`` names this class by: its value, else its label."""
        return self.value if self.value is not None else self.label

    @property
    def catch_all(self) -> bool:
        """Whether features matching no other class fall here."""
        return self.value is None and self.low is None and self.high is None

    def label_in(self, lang: str) -> str:
        """The label in ``lang`` ("zh" or "en")."""
        return self.label_en if lang == "en" and self.label_en else self.label


@dataclass(frozen=True)
class Style:
    """A thematic style; see the module docstring. Hashable (a map's display data are kept per style)."""

    kind: str
    column: str | None = None
    method: str | None = None
    k: int | None = None
    palette: str | None = None
    classes: tuple[StyleClass, ...] = ()
    filter_values: tuple[str, ...] | None = None
    system: str | None = None

    def to_dict(self) -> dict:
        """The style as plain JSON values (what a project file keeps)."""
        classes = []
        for c in self.classes:
            d: dict[str, Any] = {"label": c.label, "colour": c.colour}
            for name in ("value", "low", "high", "label_en", "count"):
                if getattr(c, name) is not None:
                    d[name] = getattr(c, name)
            classes.append(d)
        return {"format": FORMAT, "kind": self.kind, "column": self.column, "method": self.method, "k": self.k,
                "palette": self.palette, "classes": classes,
                "filter_values": None if self.filter_values is None else list(self.filter_values),
                "system": self.system}

    @classmethod
    def from_dict(cls, d: Any, frame: Any = None, notes: list[Bilingual] | None = None) -> Style:
        """A style from :meth:`to_dict`'s output, checked against the layer ``frame`` (untrusted input).

        Parameters
        ----------
        d : any
            What the project file holds.
        frame : DataFrame, optional
            The layer the style is for: its ``column`` must be one of the frame's columns.
        notes : list, optional
            Gets a Bilingual note for each part dropped (bad classes, unknown filter values).

        Raises
        ------
        StyleError
            Not a dict, an unknown kind, method or palette, a missing column, too many classes,
            or no usable class where the kind needs them.
        """
        if not isinstance(d, dict):
            raise StyleError(f"a style must be a mapping, not {type(d).__name__}",
                             f"样式应为字典, 而不是 {type(d).__name__}")
        kind = d.get("kind")
        if kind not in KINDS:
            raise StyleError(f"unknown style kind {str(kind)[:40]!r}; use one of {', '.join(KINDS)}",
                             f"未知样式类型 {str(kind)[:40]!r}; 可用 {', '.join(KINDS)}")
        column = _text_or_none(d.get("column"), "column")
        if kind != "single":
            if column is None:
                raise StyleError(f"a {kind} style needs a column", f"{kind} 样式需要一个属性列")
            if frame is not None and column not in [str(c) for c in frame.columns]:
                raise StyleError(f"the layer has no column {column!r}", f"图层没有属性列 {column!r}")
        method = d.get("method")
        if kind == "graduated" and method not in METHODS:
            raise StyleError(f"unknown classification method {str(method)[:40]!r}; use one of {', '.join(METHODS)}",
                             f"未知分级方法 {str(method)[:40]!r}; 可用 {', '.join(METHODS)}")
        if kind != "graduated":
            method = None
        k = d.get("k")
        lo, hi = settings.STYLE_CLASS_RANGE
        if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not lo <= k <= hi):
            raise StyleError(f"the number of classes must be a whole number from {lo} to {hi}, not {str(k)[:20]}",
                             f"分级数应为 {lo} 至 {hi} 的整数, 而不是 {str(k)[:20]}")
        palette = _text_or_none(d.get("palette"), "palette")
        if palette is not None and palette not in CATEGORICAL and palette not in RAMPS:
            raise StyleError(f"unknown palette {palette!r}", f"未知配色 {palette!r}")
        raw = d.get("classes", [])
        if not isinstance(raw, (list, tuple)):
            raise StyleError("the classes of a style must be a list", "样式的分类应为列表")
        if len(raw) > settings.STYLE_MAX_CLASSES:
            raise StyleError(f"a style may have at most {settings.STYLE_MAX_CLASSES} classes, not {len(raw)}",
                             f"样式最多 {settings.STYLE_MAX_CLASSES} 个分类, 而不是 {len(raw)} 个")
        classes, bad = [], 0
        for item in raw:
            try:
                classes.append(_class(item, kind))
            except StyleError:
                bad += 1
        if bad and notes is not None:
            notes.append(text("style_note_bad_classes").format(n=bad))
        if not classes:
            raise StyleError("the style has no usable class", "样式没有可用的分类")
        keys = {c.key for c in classes}
        if len(keys) < len(classes):
            raise StyleError("two classes of the style have the same value", "样式中有两个分类的取值相同")
        filt = d.get("filter_values")
        filter_values: tuple[str, ...] | None = None
        if filt is not None:
            if not isinstance(filt, (list, tuple)) or len(filt) > settings.STYLE_MAX_CLASSES:
                raise StyleError("the style's filter must be a short list of class values",
                                 "样式的筛选应为分类取值的列表")
            filter_values = tuple(dict.fromkeys(str(v) for v in filt if isinstance(v, (str, int, float))
                                                and str(v) in keys))
            dropped = len(filt) - len(filter_values)
            if dropped and notes is not None:
                notes.append(text("style_note_bad_filter").format(n=dropped))
        system = _text_or_none(d.get("system"), "system")
        if kind == "landuse" and system is not None and system not in LANDUSE_SYSTEMS:
            raise StyleError(f"unknown land-use code system {system!r}; use one of {', '.join(LANDUSE_SYSTEMS)}",
                             f"未知的用地分类体系 {system!r}; 可用 {', '.join(LANDUSE_SYSTEMS)}")
        if notes is not None and set(d) - set(_FIELDS):
            notes.append(text("style_note_ignored").format(n=len(set(d) - set(_FIELDS))))
        return cls(kind, column, method, k, palette, tuple(classes), filter_values, system)


def _text_or_none(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > settings.STYLE_MAX_TEXT:
        raise StyleError(f"the style's {what} must be a short text", f"样式的 {what} 应为简短文字")
    return value


def _number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise StyleError(f"not a finite number: {str(value)[:40]!r}", f"不是有限数值: {str(value)[:40]!r}")
    return float(value)


def _class(item: Any, kind: str) -> StyleClass:
    """One class from a project file's dict; a StyleError if any part is bad."""
    if not isinstance(item, dict):
        raise StyleError("a class must be a mapping", "分类应为字典")
    label = _text_or_none(item.get("label"), "label")
    if label is None:
        raise StyleError("a class needs a label", "分类需要名称")
    label_en = _text_or_none(item.get("label_en"), "label_en")
    colour = check_colour(item.get("colour"))
    value = item.get("value")
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise StyleError("a class value must be text or a number", "分类取值应为文字或数值")
        if isinstance(value, float) and not math.isfinite(value):
            raise StyleError("a class value must be finite", "分类取值应为有限数值")
        value = value_key(value)
        if value is None or len(value) > settings.STYLE_MAX_TEXT:
            raise StyleError("a class value must be short text", "分类取值应为简短文字")
    low, high = _number(item.get("low")), _number(item.get("high"))
    if low is not None and high is not None and low > high:
        raise StyleError("a class's lower bound is above its upper bound", "分类下限大于上限")
    if kind == "graduated" and (low is None or high is None):
        raise StyleError("a graduated class needs both bounds", "分级的分类需要上下限")
    count = item.get("count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        count = None
    return StyleClass(label, colour, value, low, high, label_en, count)
