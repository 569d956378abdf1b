"""The one value type of bilingual text: :class:`Bilingual` (Chinese and English).

Every text the planner reads exists in both languages. Interface text lives in the
catalogue :mod:`layers.text`; error messages carry theirs (:class:`geo.errors.ZJError`).
"""
from __future__ import annotations

from typing import NamedTuple

__all__ = ["LANGS", "Bilingual", "check_lang"]

#: The interface languages: Chinese (default) and English.
LANGS = ("zh", "en")


def check_lang(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGS`; a ValueError otherwise."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGS}")
    return lang


class Bilingual(NamedTuple):
    """A text in Chinese and English.

    >>> Bilingual("图层", "Layers").get("en")
    'Layers'
    """

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` ("zh" or "en")."""
        return self.en if check_lang(lang) == "en" else self.zh

    def format(self, *args: object, **kwargs: object) -> Bilingual:
        """Both texts with :meth:`str.format` applied."""
        return Bilingual(self.zh.format(*args, **kwargs), self.en.format(*args, **kwargs))

    def both(self, sep: str = " / ") -> str:
        """Chinese and English in one string (the same text when they are equal)."""
        return self.zh if self.zh == self.en else f"{self.zh}{sep}{self.en}"
