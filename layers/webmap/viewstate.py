"""The shareable view: which layers, basemap, centre, zoom, language and mode, as URL query parameters.

``from_query`` never fails: unknown layers, bad numbers and unknown values are dropped
(and listed in ``ViewState.ignored``) so a stale or edited link still opens the app.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Mapping

from geo import settings
from geo.bilingual import LANGS
from layers.catalogue.entries import LAYERS

__all__ = ["ViewState", "default_layers", "from_query", "to_query"]


def default_layers() -> tuple[str, ...]:
    """Layers shown when the URL names none: the catalogue's visible-by-default ones."""
    return tuple(s.id for s in LAYERS if s.visible_by_default)


@dataclass(frozen=True)
class ViewState:
    """Everything a shared link restores. ``lat``/``lon``/``zoom`` are WGS84 and optional."""

    lang: str = "zh"
    layers: tuple[str, ...] = field(default_factory=default_layers)
    basemap: str | None = "carto"
    lat: float | None = None
    lon: float | None = None
    zoom: float | None = None
    meeting: bool = False
    opacity: tuple[tuple[str, float], ...] = ()
    ignored: tuple[str, ...] = ()

    @property
    def centre(self) -> tuple[float, float] | None:
        return None if self.lat is None or self.lon is None else (self.lat, self.lon)

    def opacity_map(self) -> dict[str, float]:
        return dict(self.opacity)

    def with_(self, **changes) -> "ViewState":
        return replace(self, **changes)


def _first(params: Mapping, key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    return None if value is None else str(value)


def _float(text: str | None) -> float | None:
    try:
        v = float(text) if text is not None else None
    except ValueError:
        return None
    return v if v is not None and math.isfinite(v) else None


def from_query(params: Mapping, basemaps: tuple[str, ...] = ("carto",)) -> ViewState:
    """Read a :class:`ViewState` from query parameters (``st.query_params`` or a dict).

    Parameters
    ----------
    params : mapping
        ``lang``, ``layers`` (comma-separated ids), ``base`` (basemap id or ``none``),
        ``lat``, ``lon``, ``z``, ``meet`` (``1``), ``op`` (``id:0.5,id2:0.8``).
    basemaps : tuple of str
        Basemap ids that can be chosen now.
    """
    known = {s.id for s in LAYERS}
    ignored: list[str] = []
    state = ViewState()
    lang = _first(params, "lang")
    if lang in LANGS:
        state = state.with_(lang=lang)
    elif lang is not None:
        ignored.append(f"lang={lang}")
    raw_layers = _first(params, "layers")
    if raw_layers is not None:
        ids = [i for i in raw_layers.split(",") if i]
        ignored += [f"layer {i}" for i in ids if i not in known]
        state = state.with_(layers=tuple(dict.fromkeys(i for i in ids if i in known)))
    base = _first(params, "base")
    if base == "none":
        state = state.with_(basemap=None)
    elif base in basemaps:
        state = state.with_(basemap=base)
    elif base is not None:
        ignored.append(f"basemap {base}")
    lat, lon, z = _float(_first(params, "lat")), _float(_first(params, "lon")), _float(_first(params, "z"))
    x0, y0, x1, y1 = settings.URL_CENTRE_BOX
    if lat is not None and lon is not None and x0 <= lon <= x1 and y0 <= lat <= y1:
        state = state.with_(lat=lat, lon=lon)
        if z is not None:
            state = state.with_(zoom=min(max(z, settings.URL_ZOOM_RANGE[0]), settings.URL_ZOOM_RANGE[1]))
    elif _first(params, "lat") is not None or _first(params, "lon") is not None:
        ignored.append("centre")
    state = state.with_(meeting=_first(params, "meet") in ("1", "true", "yes"))
    raw_op = _first(params, "op")
    if raw_op:
        ops = []
        for part in raw_op.split(","):
            lid, _, val = part.partition(":")
            v = _float(val)
            if lid in known and v is not None:
                ops.append((lid, min(max(v, 0.0), 1.0)))
            else:
                ignored.append(f"opacity {part}")
        state = state.with_(opacity=tuple(ops))
    return state.with_(ignored=tuple(ignored))


def to_query(state: ViewState) -> dict[str, str]:
    """Query parameters for ``state`` (the inverse of :func:`from_query`)."""
    q = {"lang": state.lang, "layers": ",".join(state.layers),
         "base": state.basemap if state.basemap is not None else "none"}
    if state.centre is not None:
        q["lat"], q["lon"] = f"{state.lat:.5f}", f"{state.lon:.5f}"
        if state.zoom is not None:
            q["z"] = f"{state.zoom:.2f}"
    if state.meeting:
        q["meet"] = "1"
    ops = [(lid, v) for lid, v in state.opacity if v < 1.0]
    if ops:
        q["op"] = ",".join(f"{lid}:{v:.2f}" for lid, v in ops)
    return q
