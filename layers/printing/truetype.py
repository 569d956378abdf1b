"""PDF fonts: TrueType subsets of the CJK font, so a PDF's text is real and valid.

Noto CJK fonts carry CFF outlines, which matplotlib would embed in a PDF under a
TrueType header. Before a PDF is saved, each text in a CFF face is pointed at a
TrueType (glyf) subset of that face converted with fontTools, keeping the PDF valid
and its text layer real Unicode (``pdf.fonttype`` 42).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.text import Text

__all__ = ["swap_to_truetype", "truetype_subset"]


def _font_dir() -> Path:
    """Where converted font subsets are kept (matplotlib's per-user cache folder)."""
    import matplotlib
    d = Path(matplotlib.get_cachedir()) / "zj_print_fonts"
    d.mkdir(parents=True, exist_ok=True)
    return d


def truetype_subset(path: str, index: int, chars: str) -> Path | None:
    """A TrueType (glyf) copy of the font face's glyphs for ``chars``, cached by content.

    Returns None when the face already has TrueType outlines (matplotlib embeds it
    correctly) — CFF faces (Noto CJK) are converted with fontTools' cu2qu.
    """
    from fontTools import subset

    key = hashlib.sha1(f"{path}|{index}|{''.join(sorted(set(chars)))}".encode()).hexdigest()[:16]
    out = _font_dir() / f"zjprint-{key}.ttf"
    if out.exists():
        return out
    opts = subset.Options()
    opts.font_number = index
    opts.layout_features = []
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "GDEF", "GPOS", "GSUB", "DSIG"]
    ft = subset.load_font(path, opts)
    try:
        return _write_truetype(ft, opts, chars, out) if "CFF " in ft else None
    finally:
        ft.close()


def _write_truetype(ft: Any, opts: Any, chars: str, out: Path) -> Path:
    """Subset ``ft`` to ``chars``, replace its CFF outlines by quadratic glyf ones, save as ``out``."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(ft)
    order = ft.getGlyphOrder()
    glyph_set = ft.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
        glyf.glyphs[name].recalcBounds(glyf)
    ft["glyf"], ft["loca"] = glyf, newTable("loca")
    del ft["CFF "]
    maxp = ft["maxp"]
    maxp.tableVersion = 0x00010000
    for k in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, k, 0)
    maxp.maxZones = 1
    maxp.recalc(ft)
    post = ft["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    ft["head"].glyphDataFormat = 0
    ft.sfntVersion = "\x00\x01\x00\x00"
    tmp = out.with_suffix(f".{id(ft)}.tmp")
    ft.save(tmp)
    tmp.replace(out)
    return out


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text() and t.get_visible()]


def _charmap(fp: Any) -> set[int]:
    return set(font_manager.get_font(fp).get_charmap())


def swap_to_truetype(fig: Figure) -> list[tuple[Text, font_manager.FontProperties]]:
    """Point every text drawn in a CFF font face (Noto CJK) at a TrueType subset of that face.

    Texts with a character the face lacks (drawn by the fallback font) keep their font.
    Returns (text, original font) pairs to restore after saving.
    """
    by_face: dict[tuple[str, int], list[Text]] = {}
    for t in _texts(fig):
        fp = font_manager.findfont(t.get_fontproperties())
        face = (str(fp), int(getattr(fp, "face_index", 0) or 0))
        cmap = _charmap(fp)
        if all(ord(c) in cmap for c in t.get_text() if c != "\n"):
            by_face.setdefault(face, []).append(t)
    restore = []
    for (path, index), texts in by_face.items():
        # matplotlib measures "lp" for every text's line height
        chars = "".join(sorted({c for t in texts for c in t.get_text() + "lp" if c != "\n"}))
        sub = truetype_subset(path, index, chars)
        if sub is None:
            continue  # TrueType outlines already: matplotlib embeds them correctly
        for t in texts:
            old = t.get_fontproperties()
            restore.append((t, old))
            t.set_fontproperties(font_manager.FontProperties(fname=str(sub), size=old.get_size_in_points()))
    return restore
