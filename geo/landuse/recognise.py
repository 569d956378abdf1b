"""Find the land-use code column of a parcel layer and classify its values.

A column counts as a code column when most of its non-empty values are *clean* codes of one
system: a code alone, a code and its name ("R2 二类居住用地", "0701城镇住宅用地"), a name and
its code in brackets ("二类居住用地(R2)"), or mixed codes ("R2/B1"). Parcel numbers such as
"A1-01" or 101 are not clean codes, so the value test does not mistake them for codes; the
column name (用地代码, YDDM, DLBM …, :data:`geo.settings.LANDUSE_CODE_COLUMNS`) only breaks
ties and is the fallback.
"""
from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from geo import settings
from geo.landuse.codes import SYSTEMS, CodeMatch, check_system, detect_system, match

__all__ = ["CodeColumn", "is_clean_code", "code_columns", "guess_code_column", "classify", "unknown_codes",
           "RESULT_COLUMNS", "EMPTY"]

#: Columns of :func:`classify`'s result, in order.
RESULT_COLUMNS = ("raw", "code", "system", "class_code", "level_matched", "name_zh", "name_en", "colour",
                  "known", "mixed")
#: The key :func:`unknown_codes` uses for empty cells.
EMPTY = "(空 / empty)"

_CODE = r"(?:[A-Z][A-Z0-9]{0,4}|[0-9]{2,8})"
_NAME = r"[\u3400-\u9fff（）()·、\s]*"
_CLEAN = re.compile(rf"^{_CODE}(?:\s*[/+、,;&|]\s*{_CODE})*\s*(?:类|用地)?\s*{_NAME}$"
                    rf"|^[\u3400-\u9fff]+\s*[(\[【〔]\s*{_CODE}\s*[)\]】〕]$")


@dataclass(frozen=True)
class CodeColumn:
    """A column whose values look like land-use codes: ``share`` of its non-empty values are clean codes of ``system``."""

    column: str
    system: str
    share: float
    by_name: bool


def _is_empty(value: object) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def is_clean_code(value: object, system: str) -> bool:
    """Whether ``value`` is a clean code of ``system`` (see the module docstring) that it knows.

    Numbers (codes stored in a numeric field) must match a class exactly, so that parcel
    numbers, populations or floor-area ratios never pass.
    """
    if _is_empty(value) or isinstance(value, bool):
        return False
    if isinstance(value, numbers.Real):  # a code stored in a numeric field
        found = match(value, system)
        return found.exact
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    return bool(_CLEAN.match(text)) and match(value, system).known


def _name_rank(column: str) -> int | None:
    names = [n.upper() for n in settings.LANDUSE_CODE_COLUMNS]
    key = unicodedata.normalize("NFKC", str(column)).strip().upper()
    return names.index(key) if key in names else None


def code_columns(frame: pd.DataFrame, *, min_share: float | None = None,
                 sample: int = 2000) -> list[CodeColumn]:
    """Every column that looks like a land-use code column, best first.

    Parameters
    ----------
    frame : DataFrame
        Any table (a GeoDataFrame's geometry column is skipped).
    min_share : float, optional
        Smallest share of clean codes (default :data:`geo.settings.LANDUSE_CODE_MIN_SHARE`).
    sample : int
        Non-empty values tested per column (the first ones; enough to decide).

    Returns
    -------
    list of CodeColumn
        Columns passing the value test (best share first, then the name hint), followed by
        columns that only have a code-column name and at least one known code.
    """
    need = settings.LANDUSE_CODE_MIN_SHARE if min_share is None else min_share
    geometry = getattr(frame, "_geometry_column_name", None)
    passed: list[tuple[float, int, CodeColumn]] = []
    named: list[tuple[int, CodeColumn]] = []
    for column in frame.columns:
        if column == geometry:
            continue
        values = [v for v in frame[column].tolist() if not _is_empty(v)][:sample]
        if not values:
            continue
        rank = _name_rank(column)
        shares = {s: sum(is_clean_code(v, s) for v in values) / len(values) for s in SYSTEMS}
        system = max(SYSTEMS, key=lambda s: shares[s])
        identifiers = len(values) >= 50 and len({str(v) for v in values}) == len(values)
        if shares[system] >= need and not identifiers:
            passed.append((-shares[system], rank if rank is not None else len(settings.LANDUSE_CODE_COLUMNS),
                           CodeColumn(str(column), system, shares[system], rank is not None)))
        elif rank is not None:
            guess = detect_system(values)
            if guess is not None:
                named.append((rank, CodeColumn(str(column), guess, shares[guess], True)))
    passed.sort(key=lambda t: (t[0], t[1]))
    named.sort(key=lambda t: t[0])
    return [c for *_, c in passed] + [c for _, c in named]


def guess_code_column(frame: pd.DataFrame) -> str | None:
    """The column of ``frame`` most likely to hold land-use codes, or ``None`` (see :func:`code_columns`)."""
    found = code_columns(frame)
    return found[0].column if found else None


def _row(found: CodeMatch) -> tuple:
    cls = found.cls
    return (found.code, found.system, cls.code if cls else None, cls.level if cls else None,
            cls.name_zh if cls else None, cls.name_en if cls else None, cls.colour if cls else None,
            cls is not None, "/".join(found.mixed))


def classify(series: pd.Series, system: str | None = None) -> pd.DataFrame:
    """The class of every value of ``series`` (same index).

    Parameters
    ----------
    series : Series
        Raw land-use values.
    system : {"gb50137", "gtkj2023"}, optional
        The code system; detected from the values when omitted (``None`` if nothing matches,
        and then every row is unknown).

    Returns
    -------
    DataFrame
        :data:`RESULT_COLUMNS`: ``raw``; ``code`` (normalised first code); ``system``;
        ``class_code``, ``level_matched``, ``name_zh``, ``name_en``, ``colour`` of the matched
        class (longest known prefix; ``None`` when unknown); ``known``; ``mixed`` (the codes of
        a mixed value joined by "/", "" otherwise).
    """
    system = check_system(system) if system is not None else detect_system(series.tolist())
    cache: dict[object, tuple] = {}
    rows = []
    for value in series.tolist():
        key = None if _is_empty(value) else (type(value).__name__, value)
        if key not in cache:
            if system is None or key is None:
                cache[key] = (None, system, None, None, None, None, None, False, "")
            else:
                cache[key] = _row(match(value, system))
        rows.append(cache[key])
    out = pd.DataFrame(rows, index=series.index, columns=list(RESULT_COLUMNS[1:]))
    out["level_matched"] = out["level_matched"].astype("Int64")
    out.insert(0, "raw", series)
    return out


def unknown_codes(result: pd.DataFrame) -> dict[str, int]:
    """Raw value → number of rows, for every row of a :func:`classify` result that matched no class.

    Empty cells count under :data:`EMPTY`; the dict is ordered by count, largest first.
    """
    counts: dict[str, int] = {}
    for raw, known in zip(result["raw"].tolist(), result["known"].tolist()):
        if known:
            continue
        key = EMPTY if _is_empty(raw) else str(raw).strip()
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
