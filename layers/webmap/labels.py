"""Feature name labels on the web map, and the browser pass that keeps them from overlapping.

Layers with a ``label_rank`` (:class:`layers.catalogue.spec.LayerSpec`) label each feature
with a short name (:func:`short_label`): areas at their pole of inaccessibility, lines at
their middle, points beside the marker. Each label is a ``div.zj-label`` inside a Leaflet
``divIcon`` in the ``zjLabels`` pane, carrying ``data-rank`` (0 first: layer rank, then
larger features). :func:`label_pass_js` runs after load and every move or zoom: it keeps
labels in rank order and hides (``zj-label-hidden``) any label overlapping a kept label or
a control box, or leaving the map, so no two visible labels overlap.
"""
from __future__ import annotations

import functools
import json
import re

import geopandas as gpd
import shapely
from shapely.ops import polylabel

from geo import settings
from geo.geometry import family
from layers.catalogue.loading import get_spec
from layers.catalogue.spec import LayerSpec
from layers.catalogue.validate import is_missing
from layers.webmap.assets import js_string
from layers.webmap.features import display_layer
from layers.webmap.html import esc

__all__ = ["LABEL_PANE", "catalogue_labels", "label_markers_js", "label_pane_js", "label_pass_js",
           "label_records", "short_label"]

#: The Leaflet pane of the labels (above the shapes, below popups; clicks pass through).
LABEL_PANE = "zjLabels"
#: Rank step between layers: a layer's features rank within it by size.
_RANK_STEP = 1000
_BRACKETS = re.compile(r"\s*[(（]([^()（）]*)[)）]\s*$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9-]{1,7}$")


def short_label(name: str, lang: str) -> str:
    """A map label for ``name``: trailing brackets and a ": …" tail dropped.

    "张江城市副中心 (示意)" → "张江城市副中心"; "Southern innovation core: Shanghai
    International Medical Zone" → "Southern innovation core". A name still longer than
    ``settings.LABEL_MAX_CHARS[lang]`` shows its bracketed acronym ("… (SSRF)" → "SSRF")
    or is cut with an ellipsis.
    """
    text = " ".join(str(name).split())
    acronym = None
    while True:
        m = _BRACKETS.search(text)
        if not m or m.start() == 0:
            break
        if _ACRONYM.match(m.group(1).strip()):
            acronym = m.group(1).strip()
        text = text[:m.start()].rstrip()
    for sep in (":", "："):
        head = text.split(sep, 1)[0].strip()
        if head:
            text = head
    limit = settings.LABEL_MAX_CHARS[lang]
    if len(text) <= limit:
        return text
    if acronym is not None:
        return acronym
    return text[:limit - 1].rstrip(" ,;-–") + "…"


def _anchor(geom) -> tuple[str, float, float, float] | None:
    """("area" | "point", lon, lat, size) where a feature's label sits; None for no geometry."""
    if geom is None or geom.is_empty:
        return None
    kind = family(geom.geom_type)
    if kind == "polygon":
        parts = getattr(geom, "geoms", [geom])
        part = max(parts, key=lambda g: g.area)
        p = polylabel(part, tolerance=settings.LABEL_POLE_TOLERANCE)
        return "area", p.x, p.y, float(geom.area)
    if kind == "line":
        p = shapely.line_interpolate_point(geom, 0.5, normalized=True)
        if p.geom_type != "Point":  # a MultiLineString: the middle of its longest part
            p = max(geom.geoms, key=lambda g: g.length).interpolate(0.5, normalized=True)
        return "area", p.x, p.y, float(geom.length) ** 2
    p = geom.representative_point()
    return "point", p.x, p.y, 0.0


def label_records(spec: LayerSpec, gdf: gpd.GeoDataFrame, lang: str) -> list[dict]:
    """The labels of one layer (display coordinates of ``gdf``), most important first.

    Each record: ``text`` (plain), ``kind`` ("area" beside nothing, centred; "point"
    beside its marker), ``lat``/``lon`` (6 decimals) and ``rank`` (smaller first: the
    layer's ``label_rank``, then larger features, points by ``area_km2`` when present).
    Empty when the layer has no ``label_rank``; duplicate names keep the larger feature.
    """
    if spec.label_rank is None:
        return []
    col = spec.label_column(lang)
    if col not in gdf.columns:
        return []
    areas = gdf["area_km2"] if "area_km2" in gdf.columns else None
    found = []
    for i, (name, geom) in enumerate(zip(gdf[col], gdf.geometry)):
        if is_missing(name):
            continue
        anchor = _anchor(geom)
        if anchor is None:
            continue
        kind, lon, lat, size = anchor
        if kind == "point" and areas is not None and not is_missing(areas.iloc[i]):
            try:
                size = float(areas.iloc[i])
            except (TypeError, ValueError):
                pass
        found.append((size, short_label(str(name), lang), kind, lon, lat))
    found.sort(key=lambda r: -r[0])
    out: list[dict] = []
    seen: set[str] = set()
    for size, text, kind, lon, lat in found:
        if not text or text in seen:
            continue
        seen.add(text)
        out.append({"text": text, "kind": kind, "lat": round(lat, 6), "lon": round(lon, 6),
                    "rank": spec.label_rank * _RANK_STEP + len(out)})
    return out


@functools.lru_cache(maxsize=settings.MAP_LAYER_CACHE_SIZE)
def catalogue_labels(layer_id: str, lang: str, coords: str) -> tuple[dict, ...]:
    """:func:`label_records` of a catalogue layer as displayed (cached: the data do not change)."""
    gdf, _, _ = display_layer(layer_id, lang, coords, 1.0)
    return tuple(label_records(get_spec(layer_id), gdf, lang))


def label_pane_js(map_var: str) -> str:
    """Script creating the labels' pane (run before any layer with labels is added)."""
    return f"""(function (map) {{
  if (!map.getPane({js_string(LABEL_PANE)})) {{
    var pane = map.createPane({js_string(LABEL_PANE)});
    pane.style.zIndex = 450; pane.style.pointerEvents = "none";
  }}
}})({map_var});
"""


def label_markers_js(group_var: str, records: list[dict] | tuple[dict, ...]) -> str:
    """Script adding the label markers of ``records`` to the layer group ``group_var``
    (so a label shows and hides with its layer). Texts are escaped."""
    rows = [[r["lat"], r["lon"], r["rank"], r["kind"],
             f'<div class="zj-label zj-label-{r["kind"]}" data-rank="{int(r["rank"])}">{esc(r["text"])}</div>']
            for r in records]
    data = js_string(json.dumps(rows, ensure_ascii=False, separators=(",", ":")))
    return f"""(function (group) {{
  JSON.parse({data}).forEach(function (r) {{
    L.marker([r[0], r[1]], {{pane: {js_string(LABEL_PANE)}, interactive: false, keyboard: false,
      icon: L.divIcon({{className: "zj-label-anchor", iconSize: [0, 0], html: r[4]}})}}).addTo(group);
  }});
}})({group_var});
"""


def label_pass_js(map_var: str) -> str:
    """Script hiding overlapping labels after load and every move, zoom or layer change.

    Labels are taken in ``data-rank`` order; one is hidden (``zj-label-hidden``) when its
    box, grown by ``settings.LABEL_GAP``, meets a label already kept or a ``.leaflet-control``,
    or leaves the map. ``map.zjLabelPass()`` runs it at once.
    """
    gap = float(settings.LABEL_GAP)
    return f"""(function (map) {{
  var timer = null, GAP = {gap:g};
  function meets(a, b) {{
    return a.left - GAP < b.right && b.left < a.right + GAP && a.top - GAP < b.bottom && b.top < a.bottom + GAP;
  }}
  function pass() {{
    timer = null;
    var root = map.getContainer(), frame = root.getBoundingClientRect();
    var els = Array.prototype.slice.call(root.querySelectorAll(".zj-label"));
    els.forEach(function (el) {{ el.classList.remove("zj-label-hidden"); }});
    var kept = [];
    root.querySelectorAll(".leaflet-control").forEach(function (c) {{
      var r = c.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) kept.push(r);
    }});
    var items = els.map(function (el) {{
      return {{el: el, rank: +el.getAttribute("data-rank"), box: el.getBoundingClientRect()}};
    }});
    items.sort(function (a, b) {{ return a.rank - b.rank; }});
    items.forEach(function (it) {{
      var b = it.box;
      var out = b.left < frame.left || b.right > frame.right || b.top < frame.top || b.bottom > frame.bottom;
      if (out || b.width === 0 || kept.some(function (k) {{ return meets(b, k); }})) it.el.classList.add("zj-label-hidden");
      else kept.push(b);
    }});
  }}
  function later() {{ if (timer === null) timer = setTimeout(pass, 0); }}
  map.zjLabelPass = pass;
  map.on("zoomend moveend layeradd layerremove resize", later);
  document.addEventListener("toggle", later, true);
  map.whenReady(later);
}})({map_var});
"""
