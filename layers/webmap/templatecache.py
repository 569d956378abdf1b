"""Memoised Jinja compilation for folium/branca rendering.

branca builds a fresh ``jinja2.Template`` for every element it creates, also while a
map renders (about 250 per render of the default view), and Jinja compiles each
source string anew: that was most of a map's render time, paid on every Streamlit
rerun. Compiled code objects are immutable, so compiling each distinct template
source once per environment is safe. :func:`install` is idempotent.
"""
from __future__ import annotations

import functools

import jinja2

_installed = False


def install() -> None:
    """Make ``jinja2.Environment.compile`` reuse code compiled from the same source."""
    global _installed
    if _installed:
        return
    original = jinja2.Environment.compile
    cache: dict = {}

    @functools.wraps(original)
    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if not isinstance(source, str):  # an already-parsed template node: no caching
            return original(self, source, name, filename, raw, defer_init)
        key = (id(self), source, name, filename, raw, defer_init)
        try:
            return cache[key]
        except KeyError:
            code = cache[key] = original(self, source, name, filename, raw, defer_init)
            return code

    jinja2.Environment.compile = compile
    _installed = True
