"""Small helpers shared by the panels: Markdown escaping and the session's drawings as geometry."""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import streamlit as st
from shapely.geometry.base import BaseGeometry

from geo.errors import ZJError
from layers.analysis import drawn as analysis
from layers.text import text

__all__ = ["drawings_frame", "guarded", "latest_polygon", "md"]

ss = st.session_state


def md(value: object) -> str:
    """Escape Markdown so names and messages show as written."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in str(value))


def latest_polygon() -> BaseGeometry | None:
    """The planner's latest drawn polygon (WGS84), or None."""
    for d in reversed(ss.drawings):
        try:
            g = analysis.drawn_geometry(d, region=None)  # the test extract lies outside Shanghai
        except ZJError:
            continue
        if g.geom_type in ("Polygon", "MultiPolygon"):
            return g
    return None


def drawings_frame() -> gpd.GeoDataFrame | None:
    """The session's drawings as a WGS84 frame (None when there are none)."""
    geoms = []
    for d in ss.drawings:
        try:
            geoms.append(analysis.drawn_geometry(d, region=None))
        except ZJError:
            continue
    if not geoms:
        return None
    names = [text("drawing_name").format(i=i).both() for i in range(1, len(geoms) + 1)]
    return gpd.GeoDataFrame({"name_zh": names, "name_en": names}, geometry=geoms, crs="EPSG:4326")


def guarded(run: Callable[..., Any], *args: Any, failed: str, what: str) -> bool:
    """Run ``run(*args)``; True when it ran. A project error is shown as its message, anything
    else as ``failed`` with its type (and logged as ``what``): the app and the planner's other
    work stay."""
    try:
        run(*args)
    except ZJError as exc:
        st.error(md(str(exc)))
    except Exception as exc:  # keep the app up; the planner's other work stays
        st.error(f"{failed}: {md(type(exc).__name__)}: {md(exc)}")
        print(f"{what} failed: {exc!r}", file=sys.stderr)
    else:
        return True
    return False
