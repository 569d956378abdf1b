"""Find catalogue features by name, in Chinese or English, to fly to them."""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass


from geo.errors import ZJError
from layers.catalogue.entries import LAYERS
from layers.catalogue.loading import get_spec, load

__all__ = ["POINT_BOX_DEG", "Match", "normalise", "search", "clear_cache"]

#: Half-size of the box a point result is shown in, in degrees (≈ 400 m in Shanghai).
POINT_BOX_DEG = 0.004


@dataclass(frozen=True)
class Match:
    """One search hit: the feature, its layer, and the box to fly to."""

    layer_id: str
    feature_id: str
    name_zh: str
    name_en: str
    bounds: tuple[float, float, float, float]
    score: int

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def label(self, lang: str) -> str:
        """``"名称 — 图层"`` for a result list."""
        return f"{self.name(lang)} — {get_spec(self.layer_id).title(lang)}"


def normalise(text: str) -> str:
    """Fold width, case and spacing so "ＳＳＲＦ ", "ssrf" and "SSRF" compare equal."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(text.split())


def _strip_notes(text: str) -> str:
    """Drop bracketed notes such as "(示意)" or "(phase 1)" for exact matching."""
    for open_, close in (("(", ")"), ("（", "）")):
        while open_ in text and close in text.split(open_, 1)[1]:
            head, rest = text.split(open_, 1)
            text = head + rest.split(close, 1)[1]
    return text


@functools.lru_cache(maxsize=8)
def _index(layer_ids: tuple[str, ...]) -> tuple[tuple, ...]:
    rows = []
    for layer_id in layer_ids:
        try:
            gdf = load(layer_id)
        except ZJError:
            continue  # a broken layer is reported elsewhere; search the rest
        for i, row in gdf.iterrows():
            geom = row.geometry
            if geom is None or geom.is_empty:
                continue
            x0, y0, x1, y1 = geom.bounds
            if x1 - x0 < 2 * POINT_BOX_DEG and y1 - y0 < 2 * POINT_BOX_DEG:
                cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
                x0, y0, x1, y1 = cx - POINT_BOX_DEG, cy - POINT_BOX_DEG, cx + POINT_BOX_DEG, cy + POINT_BOX_DEG
            zh, en = str(row.get("name_zh", "")), str(row.get("name_en", ""))
            keys = tuple({normalise(k) for k in (zh, en, _strip_notes(zh), _strip_notes(en), str(row.get("id", i))) if k})
            rows.append((layer_id, str(row.get("id", i)), zh, en, (x0, y0, x1, y1), keys))
    return tuple(rows)


def search(query: str, layer_ids: list[str] | None = None, limit: int = 10) -> list[Match]:
    """Features whose Chinese or English name (or id) matches ``query``.

    Exact names rank first, then names that start with the query, then names that
    contain it; ties keep catalogue order. An empty query finds nothing.

    Parameters
    ----------
    query : str
        Text typed by the planner, e.g. ``"普陀园"``, ``"上海光源"``, ``"pharma valley"``.
    layer_ids : list of str, optional
        Layers to search; default the whole catalogue except the context layers.
    limit : int
        Largest number of matches returned.
    """
    q = normalise(query)
    if not q:
        return []
    ids = tuple(layer_ids) if layer_ids is not None else tuple(s.id for s in LAYERS if s.group != "context")
    found = []
    for order, (layer_id, fid, zh, en, bounds, keys) in enumerate(_index(ids)):
        if q in keys:
            score = 3
        elif any(k.startswith(q) for k in keys):
            score = 2
        elif any(q in k for k in keys):
            score = 1
        else:
            continue
        found.append((-score, order, Match(layer_id, fid, zh, en, bounds, score)))
    found.sort(key=lambda t: (t[0], t[1]))
    return [m for _, _, m in found[:limit]]


def clear_cache() -> None:
    """Forget the search index (after layer files changed)."""
    _index.cache_clear()
