"""The one catalogue of interface text, in Chinese and English.

Each subsystem keeps its labels in its own section, a ``TEXT: dict[str, Bilingual]``:
``ui`` (the app's panels), ``webmap`` (the interactive map), ``printing`` (printed maps),
``io`` (import, export, projects), ``coverage`` (coverage checks) and ``trace`` (boundary
tracing). Keys are unique
across sections; look any of them up with :func:`t`. Layer titles and provenance live
in the layer catalogue (:mod:`layers.catalogue`), error messages in :mod:`geo.errors`.

>>> from layers.text import t
>>> t("en", "layers")
'Layers'
"""
from __future__ import annotations

from geo.bilingual import LANGS, Bilingual, check_lang
from layers.text import coverage, io, printing, trace, ui, webmap

__all__ = ["LANGS", "LANG_CHOICES", "TEXT", "Bilingual", "check_lang", "t", "text"]

#: The language picker's choices: label → language code.
LANG_CHOICES = {"中文": "zh", "English": "en"}


def _merge() -> dict[str, Bilingual]:
    merged: dict[str, Bilingual] = {}
    for section in (ui, webmap, printing, io, coverage, trace):
        clash = merged.keys() & section.TEXT.keys()
        if clash:
            raise RuntimeError(f"interface text keys defined twice ({section.__name__}): {sorted(clash)}")
        merged.update(section.TEXT)
    return merged


#: Every interface text by key.
TEXT: dict[str, Bilingual] = _merge()


def text(key: str) -> Bilingual:
    """The interface text ``key`` in both languages."""
    return TEXT[key]


def t(lang: str, key: str) -> str:
    """The interface text ``key`` in ``lang`` ("zh" or "en")."""
    return TEXT[key].get(lang)
