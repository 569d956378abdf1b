"""The seeds' indicator tables, for the indicators panel.

Each table is a JSON file under ``data/indicators/`` transcribed from a seed plan:
the indicators in the seed's order, values as strings in the seed's own wording
("1~5", "200 左右", "2500亿元,占全市70%以上"), ``null`` where the seed gives nothing.
``text_targets`` holds quantified targets the plan states in its text but not in
its table (e.g. the 85% five-minute green-space coverage of seed 000).

>>> from layers.catalogue.indicators import indicator_tables, indicators_frame
>>> [t.id for t in indicator_tables()]
['science_city', 'hitech_zone', 'putuo']
>>> indicators_frame("putuo", "en").columns[0]
'Category'
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.errors import LayerFileError, LayerNotFoundError
from layers.catalogue.loading import ROOT, display_path, get_spec, layer_ids

__all__ = ["INDICATORS_DIR", "FILES", "COVERAGE_CHECKS", "COLUMNS", "MISSING", "Indicator", "IndicatorTable",
           "read_table", "indicator_tables", "clear_cache", "get_table", "indicators_frame",
           "indicators_for_layer"]

#: Folder of the indicator files.
INDICATORS_DIR = ROOT / "data" / "indicators"

#: The indicator files, in display order.
FILES = ("science_city.json", "hitech_zone.json", "putuo.json")

#: Coverage checks an indicator may ask for (computed elsewhere, later).
COVERAGE_CHECKS = {
    "green5": "5-minute walk to a public open space of 400 m² or more",
    "life15": "15-minute community life circle",
    "metro": "metro station catchment",
}

#: Column headers of :func:`indicators_frame`.
COLUMNS = {
    "zh": ("类别", "指标", "单位", "基期值", "目标值", "类型", "地图图层"),
    "en": ("Category", "Indicator", "Unit", "Base", "Target", "Type", "Map layer"),
}

#: What a missing cell shows.
MISSING = "—"

_TABLE_KEYS = ("id", "title_zh", "title_en", "source", "indicators")
_INDICATOR_KEYS = ("id", "category_zh", "category_en", "name_zh", "name_en", "unit_zh", "unit_en",
                   "base_year", "base_value", "target_year", "target_value", "type_zh", "type_en",
                   "layer_id", "coverage_check", "note")


@dataclass(frozen=True)
class Indicator:
    """One row of an indicator table.

    Attributes
    ----------
    id : str
        ASCII slug, unique within its table.
    base_value, target_value : str or None
        The seed's wording; ``None`` where the seed gives no value (see ``note``).
    layer_id : str or None
        The catalogue layer showing what the indicator is about, if any.
    coverage_check : str or None
        A key of :data:`COVERAGE_CHECKS` for indicators a map analysis can test.
    in_table : bool
        False for targets stated in the plan's text rather than its table.
    """

    id: str
    table_id: str
    category_zh: str | None
    category_en: str | None
    name_zh: str
    name_en: str
    unit_zh: str | None
    unit_en: str | None
    base_year: int | None
    base_value: str | None
    target_year: int | None
    target_value: str | None
    type_zh: str | None
    type_en: str | None
    layer_id: str | None
    coverage_check: str | None
    note: str | None
    in_table: bool = True

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def category(self, lang: str) -> str | None:
        return self.category_zh if lang == "zh" else self.category_en

    def unit(self, lang: str) -> str | None:
        return self.unit_zh if lang == "zh" else self.unit_en

    def type(self, lang: str) -> str | None:
        return self.type_zh if lang == "zh" else self.type_en


@dataclass(frozen=True)
class IndicatorTable:
    """One seed's indicator table, with the targets its text adds."""

    id: str
    title_zh: str
    title_en: str
    source: str
    indicators: tuple[Indicator, ...]
    text_targets: tuple[Indicator, ...] = ()
    layer_id: str | None = None
    note: str = ""

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    @property
    def all_indicators(self) -> tuple[Indicator, ...]:
        """The table's indicators followed by its text targets."""
        return self.indicators + self.text_targets


def _broken(rel: str, en: str, zh: str) -> LayerFileError:
    return LayerFileError(f"{rel}: {en}", f"{rel}: {zh}")


def _indicator(raw: object, table_id: str, in_table: bool, rel: str, known: set[str]) -> Indicator:
    if not isinstance(raw, dict):
        raise _broken(rel, "every indicator must be a JSON object", "每个指标必须是 JSON 对象")
    where = f"indicator {raw.get('id', '?')!r}"
    missing = [k for k in _INDICATOR_KEYS if k not in raw]
    if missing:
        raise _broken(rel, f"{where} lacks {', '.join(missing)}", f"指标 {raw.get('id', '?')!r} 缺少字段 {', '.join(missing)}")
    for key in ("id", "name_zh", "name_en"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise _broken(rel, f"{where}: {key} must be a non-empty string", f"指标字段 {key} 必须是非空字符串")
    for key in _INDICATOR_KEYS:
        value = raw[key]
        if key.endswith("_year"):
            if value is not None and not isinstance(value, int):
                raise _broken(rel, f"{where}: {key} must be a year (integer) or null", f"指标字段 {key} 必须是年份或 null")
        elif value is not None and not isinstance(value, str):
            raise _broken(rel, f"{where}: {key} must be a string or null", f"指标字段 {key} 必须是字符串或 null")
    if raw["layer_id"] is not None and raw["layer_id"] not in known:
        raise _broken(rel, f"{where}: unknown layer_id {raw['layer_id']!r}", f"未知图层 {raw['layer_id']!r}")
    if raw["coverage_check"] is not None and raw["coverage_check"] not in COVERAGE_CHECKS:
        raise _broken(rel, f"{where}: unknown coverage_check {raw['coverage_check']!r} "
                           f"(known: {', '.join(COVERAGE_CHECKS)})",
                      f"未知覆盖检查 {raw['coverage_check']!r}")
    return Indicator(table_id=table_id, in_table=in_table, **{k: raw[k] for k in _INDICATOR_KEYS})


def read_table(path: Path) -> IndicatorTable:
    """Read and check one indicator file.

    Raises
    ------
    LayerFileError
        If the file is missing, not UTF-8 JSON, or breaks the indicator schema;
        the message names the file and the problem.
    """
    rel = display_path(path)
    if not path.exists():
        raise _broken(rel, "file not found", "文件不存在")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise _broken(rel, f"not UTF-8 text ({exc.reason})", "不是 UTF-8 文本") from exc
    except json.JSONDecodeError as exc:
        raise _broken(rel, f"broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
                      f"JSON 格式错误 (第 {exc.lineno} 行)") from exc
    if not isinstance(doc, dict):
        raise _broken(rel, "not an indicator table (a JSON object)", "不是指标表 (JSON 对象)")
    missing = [k for k in _TABLE_KEYS if k not in doc]
    if missing:
        raise _broken(rel, f"missing {', '.join(missing)}", f"缺少字段 {', '.join(missing)}")
    rows, extra = doc["indicators"], doc.get("text_targets") or []
    if not isinstance(rows, list) or not rows or not isinstance(extra, list):
        raise _broken(rel, "indicators must be a non-empty list", "indicators 必须是非空列表")
    known = set(layer_ids())
    if doc.get("layer_id") is not None and doc["layer_id"] not in known:
        raise _broken(rel, f"unknown table layer_id {doc['layer_id']!r}", f"未知图层 {doc['layer_id']!r}")
    table_id = str(doc["id"])
    indicators = tuple(_indicator(r, table_id, True, rel, known) for r in rows)
    text_targets = tuple(_indicator(r, table_id, False, rel, known) for r in extra)
    ids = [i.id for i in indicators + text_targets]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise _broken(rel, f"duplicate indicator ids {', '.join(dupes)}", f"指标 id 重复: {', '.join(dupes)}")
    return IndicatorTable(id=table_id, title_zh=doc["title_zh"], title_en=doc["title_en"], source=doc["source"],
                          indicators=indicators, text_targets=text_targets, layer_id=doc.get("layer_id"),
                          note=doc.get("note") or "")


@functools.lru_cache(maxsize=None)
def _tables_cached(folder: Path) -> tuple[IndicatorTable, ...]:
    return tuple(read_table(folder / name) for name in FILES)


def indicator_tables() -> list[IndicatorTable]:
    """Every indicator table, in display order (parsed once, then cached).

    Raises
    ------
    LayerFileError
        If an indicator file is missing or broken.
    """
    return list(_tables_cached(INDICATORS_DIR))


def clear_cache() -> None:
    """Forget the parsed tables (after the files changed on disk)."""
    _tables_cached.cache_clear()


def get_table(table_id: str) -> IndicatorTable:
    """The table ``table_id``; raises :class:`LayerNotFoundError` if there is none."""
    tables = indicator_tables()
    for table in tables:
        if table.id == table_id:
            return table
    raise LayerNotFoundError(
        f"no indicator table '{table_id}'; known tables: {', '.join(t.id for t in tables)}",
        f"没有指标表 '{table_id}'",
    )


def _with_year(value: str | None, year: int | None) -> str:
    if value is None:
        return MISSING
    return value if year is None else f"{value} ({year})"


def indicators_frame(table_id: str, lang: str, include_text_targets: bool = True) -> pd.DataFrame:
    """The table ``table_id`` for display, headers and cells in ``lang`` ("zh" or "en").

    Base and target cells carry their year, e.g. ``"1254亿元 (2020)"``; missing cells
    show "—". Text targets follow the table rows unless ``include_text_targets`` is False.
    """
    table = get_table(table_id)
    rows = table.all_indicators if include_text_targets else table.indicators
    out = [(i.category(lang) or MISSING, i.name(lang), i.unit(lang) or MISSING,
            _with_year(i.base_value, i.base_year), _with_year(i.target_value, i.target_year),
            i.type(lang) or MISSING,
            get_spec(i.layer_id).title(lang) if i.layer_id else MISSING)
           for i in rows]
    return pd.DataFrame(out, columns=list(COLUMNS["zh" if lang == "zh" else "en"]))


def indicators_for_layer(layer_id: str) -> list[Indicator]:
    """Indicators (table rows and text targets, every table) linked to ``layer_id``.

    Raises
    ------
    LayerNotFoundError
        If the catalogue has no such layer.
    """
    get_spec(layer_id)
    return [i for t in indicator_tables() for i in t.all_indicators if i.layer_id == layer_id]
