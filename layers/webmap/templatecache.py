"""Memoised Jinja compilation for folium/branca rendering.

branca builds a fresh ``jinja2.Template`` for every element it creates, also while a
map renders (about 250 per render of the default view), and Jinja compiles each
source string anew: that was most of a map's render time, paid on every Streamlit
rerun. Compiled code objects are immutable, so compiling each distinct template
source once per environment is safe. :func:`install` is idempotent; :func:`uninstall`
restores Jinja's own compile (tests compare pages rendered both ways).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import jinja2

__all__ = ["cache_hits", "install", "installed", "uninstall"]

_original: Callable[..., Any] = jinja2.Environment.compile
_cache: dict = {}
_hits = 0


@functools.wraps(_original)
def _compile(self: jinja2.Environment, source: Any, name: str | None = None, filename: str | None = None,
             raw: bool = False, defer_init: bool = False) -> Any:
    global _hits
    if not isinstance(source, str):  # an already-parsed template node: no caching
        return _original(self, source, name, filename, raw, defer_init)
    key = (id(self), source, name, filename, raw, defer_init)
    try:
        code = _cache[key]
    except KeyError:
        code = _cache[key] = _original(self, source, name, filename, raw, defer_init)
    else:
        _hits += 1
    return code


def install() -> None:
    """Make ``jinja2.Environment.compile`` reuse code compiled from the same source."""
    jinja2.Environment.compile = _compile  # type: ignore[method-assign]


def uninstall() -> None:
    """Restore Jinja's own ``compile`` and drop the cache (no-op when not installed)."""
    jinja2.Environment.compile = _original  # type: ignore[method-assign]
    _cache.clear()


def installed() -> bool:
    """Whether :func:`install` is in effect."""
    return jinja2.Environment.compile is _compile


def cache_hits() -> int:
    """How many compilations the cache has saved since the process started."""
    return _hits
