"""Colour palettes of thematic styles, as data with their sources.

Categorical palettes (one colour per category; none of them uses the neutral greys that mark
"其他 / other", "未识别 / unknown" and "无数据 / no data", ``settings.STYLE_OTHER_COLOUR`` and
``settings.STYLE_NO_DATA_COLOUR``):

* ``okabe_ito``: Okabe & Ito, *Color Universal Design* (2002, jfly.uni-koeln.de/color), the
  palette designed to stay distinct under every common colour-vision deficiency; its black is
  left out (it reads as an outline).
* ``tol_muted``: Paul Tol, *Colour schemes* (SRON/EPS/TN/09-002, 2021), "muted": nine colours
  distinct for colour-blind readers.
* ``set2``: ColorBrewer 2.0 "Set2" (Brewer, colorbrewer2.org; Harrower & Brewer 2003), its grey
  left out; ColorBrewer rates it colour-blind safe up to 3 classes.
* ``paired``: ColorBrewer "Paired", 12 colours in light/dark pairs (colour-blind safe up to 4
  classes, ColorBrewer's rating); for many categories.

Sequential ramps for graduated styles: ColorBrewer's 9-class sequential schemes (light to dark),
the same values matplotlib ships (``matplotlib._cm``; tests/test_styling.py compares them).
:func:`ramp` picks ``k`` of them evenly; below 9 classes the lightest (near white, lost on a
light basemap) is skipped. ColorBrewer's own 3–8 class schemes differ from these picks by a
shade at most.
"""
from __future__ import annotations

import numpy as np

from geo.errors import StyleError

__all__ = ["CATEGORICAL", "DEFAULT_PALETTE", "DEFAULT_RAMP", "RAMPS", "categorical", "ramp"]

#: Categorical palettes by name (see the module docstring for sources).
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "okabe_ito": ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"),
    "tol_muted": ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933",
                  "#AA4499"),
    "set2": ("#66C2A5", "#FC8D62", "#8DA0CB", "#E78AC3", "#A6D854", "#FFD92F", "#E5C494"),
    "paired": ("#A6CEE3", "#1F78B4", "#B2DF8A", "#33A02C", "#FB9A99", "#E31A1C", "#FDBF6F", "#FF7F00",
               "#CAB2D6", "#6A3D9A", "#FFFF99", "#B15928"),
}
#: ColorBrewer 9-class sequential schemes by name (colorbrewer2.org), light to dark.
RAMPS: dict[str, tuple[str, ...]] = {
    "YlOrRd": ("#FFFFCC", "#FFEDA0", "#FED976", "#FEB24C", "#FD8D3C", "#FC4E2A", "#E31A1C", "#BD0026", "#800026"),
    "OrRd": ("#FFF7EC", "#FEE8C8", "#FDD49E", "#FDBB84", "#FC8D59", "#EF6548", "#D7301F", "#B30000", "#7F0000"),
    "Reds": ("#FFF5F0", "#FEE0D2", "#FCBBA1", "#FC9272", "#FB6A4A", "#EF3B2C", "#CB181D", "#A50F15", "#67000D"),
    "Blues": ("#F7FBFF", "#DEEBF7", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#08519C", "#08306B"),
    "Greens": ("#F7FCF5", "#E5F5E0", "#C7E9C0", "#A1D99B", "#74C476", "#41AB5D", "#238B45", "#006D2C", "#00441B"),
    "Purples": ("#FCFBFD", "#EFEDF5", "#DADAEB", "#BCBDDC", "#9E9AC8", "#807DBA", "#6A51A3", "#54278F", "#3F007D"),
    "YlGnBu": ("#FFFFD9", "#EDF8B1", "#C7E9B4", "#7FCDBB", "#41B6C4", "#1D91C0", "#225EA8", "#253494", "#081D58"),
}
#: The palette of a new category style and the ramp of a new graduated style.
DEFAULT_PALETTE = "okabe_ito"
DEFAULT_RAMP = "YlOrRd"


def categorical(name: str | None) -> tuple[str, ...]:
    """The colours of the categorical palette ``name`` (default :data:`DEFAULT_PALETTE`)."""
    key = DEFAULT_PALETTE if name is None else name
    if key not in CATEGORICAL:
        raise StyleError(f"unknown palette {name!r}; use one of {', '.join(CATEGORICAL)}",
                         f"未知配色 {name!r}; 可用 {', '.join(CATEGORICAL)}")
    return CATEGORICAL[key]


def ramp(name: str | None, k: int) -> tuple[str, ...]:
    """``k`` colours (light to dark) of the sequential ramp ``name`` (default :data:`DEFAULT_RAMP`), 1 ≤ k ≤ 9."""
    key = DEFAULT_RAMP if name is None else name
    if key not in RAMPS:
        raise StyleError(f"unknown colour ramp {name!r}; use one of {', '.join(RAMPS)}",
                         f"未知色带 {name!r}; 可用 {', '.join(RAMPS)}")
    colours = RAMPS[key]
    if not 1 <= k <= len(colours):
        raise StyleError(f"a ramp has 1 to {len(colours)} classes, not {k}", f"色带分级数应为 1 至 {len(colours)}, 而不是 {k}")
    if k == len(colours):
        return colours
    first = 1 if k < len(colours) else 0
    picks = np.rint(np.linspace(first, len(colours) - 1, k)).astype(int) if k > 1 else np.array([len(colours) // 2])
    return tuple(colours[i] for i in picks)
