"""Land-use styles: each parcel in its class's standard colour, from the code tables of :mod:`geo.landuse`.

The code system (GB 50137-2011 or the 2023 用地用海分类指南) is detected from the values unless
given; each value is matched by :func:`geo.landuse.recognise.classify` (normalised, mixed codes
by their first code, unknown subclasses by their longest known prefix). One class per matched
table class, in the standard's order, labelled "code name" in each language and coloured as the
table says. Codes no table class matches share one grey "未识别 / unknown" class whose label
lists them (the first ``settings.STYLE_UNKNOWN_LISTED``); empty cells are "no data".
"""
from __future__ import annotations

import pandas as pd

from geo import settings
from geo.errors import LandUseError, StyleError
from geo.landuse.codes import SYSTEMS, classes
from geo.landuse.recognise import EMPTY, classify, unknown_codes
from layers.styling.style import Style, StyleClass
from layers.text import text

__all__ = ["landuse_classes", "landuse_style", "unknown_label"]


def landuse_classes(series: pd.Series, system: str | None) -> pd.DataFrame:
    """:func:`geo.landuse.recognise.classify` of ``series``; an unknown system is a StyleError."""
    try:
        return classify(series, system)
    except LandUseError as exc:
        raise StyleError(exc.en, exc.zh) from exc


def unknown_label(codes: list[str]) -> tuple[str, str]:
    """The unknown class's label in Chinese and English, listing ``codes`` (the first few, then "…")."""
    listed = codes[:settings.STYLE_UNKNOWN_LISTED] + (["…"] if len(codes) > settings.STYLE_UNKNOWN_LISTED else [])
    name = text("style_unknown")
    if not listed:
        return name.zh, name.en
    return f"{name.zh}: {', '.join(listed)}", f"{name.en}: {', '.join(listed)}"


def landuse_style(frame: pd.DataFrame, column: str, system: str | None = None) -> Style:
    """Colour each feature by the land-use class of its code in ``column``.

    Parameters
    ----------
    frame : DataFrame
        The layer.
    column : str
        Its land-use code column (see :func:`geo.landuse.recognise.guess_code_column`).
    system : {"gb50137", "gtkj2023"}, optional
        The code system; detected from the values when omitted.

    Raises
    ------
    StyleError
        No such column, an unknown system, or no value of the column is a code of either system.
    """
    if column not in frame.columns or column == getattr(frame, "_geometry_column_name", None):
        raise StyleError(f"the layer has no attribute column {column!r}", f"图层没有属性列 {column!r}")
    result = landuse_classes(frame[column], system)
    system = result["system"].dropna().iloc[0] if result["system"].notna().any() else None
    if system is None or not bool(result["known"].any()):
        raise StyleError(f"column {column!r} holds no land-use code of {' or '.join(SYSTEMS)}",
                         f"属性列 {column!r} 中没有可识别的用地代码 ({' / '.join(SYSTEMS)})")
    known = result[result["known"].astype(bool)]
    counts = known["class_code"].value_counts()
    order = {code: i for i, code in enumerate(classes(system))}
    out = []
    for code in sorted(counts.index, key=lambda c: order.get(c, len(order))):
        row = known[known["class_code"] == code].iloc[0]
        out.append(StyleClass(f"{code} {row['name_zh']}", str(row["colour"]).upper(), value=str(code),
                              label_en=f"{code} {row['name_en']}", count=int(counts[code])))
    unknown = {k: n for k, n in unknown_codes(result).items() if k != EMPTY}
    if unknown:
        zh, en = unknown_label(list(unknown))
        out.append(StyleClass(zh, settings.STYLE_OTHER_COLOUR, label_en=en, count=int(sum(unknown.values()))))
    return Style("landuse", column=column, classes=tuple(out), system=system)

