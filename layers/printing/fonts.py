"""The print font (a CJK face) and the measure of text set in it.

Every print text uses a CJK font found by matplotlib's font manager (Debian
``fonts-noto-cjk``: Noto Sans CJK SC). Without one, rendering stops with
:class:`~geo.errors.PrintFontError` rather than printing empty boxes.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from matplotlib import font_manager
from matplotlib.text import Text

from geo import settings
from geo.errors import PrintFontError

__all__ = ["CJKFont", "draw_text", "find_cjk_font", "font", "text_width_pt", "wrap"]


@dataclass(frozen=True)
class CJKFont:
    """The font every print text uses: family name, file and face index in it."""

    family: str
    path: str
    index: int = 0


#: The font found, once found (a cache of one).
_CJK: list[CJKFont] = []


def find_cjk_font() -> CJKFont:
    """The first installed font of ``settings.PRINT_CJK_FAMILIES`` (cached).

    Raises
    ------
    PrintFontError
        If none is installed (the project's set-up installs ``fonts-noto-cjk``).
    """
    if _CJK:
        return _CJK[0]
    entries = {e.name: e for e in reversed(font_manager.fontManager.ttflist)
               if str(e.weight) in ("400", "normal", "regular", "book")}
    for family in settings.PRINT_CJK_FAMILIES:
        e = entries.get(family)
        if e is not None:
            _CJK.append(CJKFont(e.name, str(e.fname), int(getattr(e, "index", 0) or 0)))
            return _CJK[0]
    raise PrintFontError(
        "no Chinese (CJK) font found for printing; install Noto Sans CJK "
        "(Debian: apt-get install fonts-noto-cjk, or bash scripts/setup.sh)",
        "未找到可打印中文的字体; 请安装 Noto Sans CJK (Debian: apt-get install fonts-noto-cjk)")


def font(size: float, weight: str = "normal") -> font_manager.FontProperties:
    """Font properties of a print text: the CJK font at ``size`` pt."""
    return font_manager.FontProperties(family=[find_cjk_font().family, "DejaVu Sans"], size=size, weight=weight)


def draw_text(target: Any, x: float, y: float, s: str, size: float, weight: str = "normal", **kw: Any) -> Text:
    """A text on a figure or axes in the CJK font, never parsed as mathtext or TeX (names are data)."""
    return target.text(x, y, s, fontproperties=font(size, weight), parse_math=False, usetex=False, **kw)


def text_width_pt(text: str, size: float) -> float:
    """Estimated width of one line of ``text`` at ``size`` pt (CJK = 1 em, others ≈ 0.52 em)."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return size * (wide + 0.52 * (len(text) - wide))


def wrap(text: str, width_pt: float, size: float) -> str:
    """Break ``text`` into lines no wider than ``width_pt`` (at spaces, or anywhere in Chinese)."""
    lines, line = [], ""
    for token in re.findall(r"\S+\s*|\s+", text):
        if line and text_width_pt((line + token).rstrip(), size) > width_pt:
            lines.append(line.rstrip())
            line = ""
        while text_width_pt(token.rstrip(), size) > width_pt:  # a long unbroken run (Chinese)
            cut = max(1, int(len(token) * width_pt / text_width_pt(token, size)))
            lines.append(token[:cut])
            token = token[cut:]
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)
