"""What a map sends to the browser, in bytes (the budget is ``settings.MAP_BYTES_BUDGET``)."""
from __future__ import annotations

import re
from typing import Callable

import folium
import geopandas as gpd

from layers.catalogue.entries import LAYERS
from layers.catalogue.loading import load
from layers.webmap.assets import walk
from layers.webmap.basemaps import DEFAULT_BASEMAP
from layers.webmap.build import build_map, map_html, page_of

__all__ = ["default_view_bytes", "payload_bytes"]


def payload_bytes(m: folium.Map) -> dict[str, int]:
    """What the browser receives for ``m``, in bytes (UTF-8).

    ``"html"``: the standalone page of :func:`layers.webmap.build.map_html`.
    ``"st_folium"``: what ``streamlit_folium.st_folium`` sends to its component: the page
    header (the CSS), the map's body HTML and rendered script, and each embedded script
    and stylesheet (``data:`` URLs) once. streamlit-folium renames the long folium
    variable names, so its real payload is slightly smaller; this is an upper bound.
    """
    page = map_html(m)
    root = page_of(m)
    links = {u for e in walk(m) for _, u in list(getattr(e, "default_js", [])) + list(getattr(e, "default_css", []))}
    # streamlit-folium drops the header's <script src> and <link> tags and sends the URLs instead
    header = re.sub(r"<script\b[^>]*\bsrc=[\"'][^\"']*[\"'][^>]*>.*?</script\b[^>]*>", "", root.header.render(),
                    flags=re.I | re.S)
    header = re.sub(r'<link rel="stylesheet" href=".*?"/>', "", header)
    parts = [header, root.html.render(), root.script.render(), *links]
    return {"html": len(page.encode("utf-8")), "st_folium": sum(len(p.encode("utf-8")) for p in parts)}


def default_view_bytes(loader: Callable[[str], gpd.GeoDataFrame] = load) -> dict[str, int]:
    """:func:`payload_bytes` of the default view: default-visible layers, default basemap, all controls.

    The budget is ``geo.settings.MAP_BYTES_BUDGET`` (2 MB) for each figure.
    """
    ids = [s.id for s in LAYERS if s.visible_by_default]
    return payload_bytes(build_map(ids, "zh", basemap=DEFAULT_BASEMAP, loader=loader))
