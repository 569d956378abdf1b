"""Naming and finding the features of the planner's imported layers."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

__all__ = ["NAME_COLUMNS", "name_column", "search_user"]

#: Columns that name a feature, in order of preference.
#: ``MC``/``DKMC`` (名称/地块名称) are the pinyin initials Chinese GIS departments use.
NAME_COLUMNS = ("name_zh", "name", "名称", "地块名称", "项目名称", "NAME", "Name", "MC", "DKMC", "XMMC",
                "name_en", "title", "id")
#: Margin (degrees, about 200 m) around a found feature's box, so the map shows its surroundings.
_HIT_MARGIN_DEG = 0.002


def name_column(gdf: gpd.GeoDataFrame) -> str | None:
    """The column that names the features, if any: the first of :data:`NAME_COLUMNS`,
    else the first text column."""
    for col in NAME_COLUMNS:
        if col in gdf.columns:
            return col
    for col in gdf.columns:
        if col != gdf.geometry.name and (pd.api.types.is_object_dtype(gdf[col])
                                         or pd.api.types.is_string_dtype(gdf[col])):
            return col
    return None


def search_user(query: str, frames: dict[str, gpd.GeoDataFrame]) -> list[tuple[str, str, tuple]]:
    """(layer, feature name, WGS84 bounds) of imported features whose name contains ``query``."""
    q = query.strip().casefold()
    hits: list[tuple[str, str, tuple]] = []
    if not q:
        return hits
    for layer, gdf in frames.items():
        col = name_column(gdf)
        if col is None:
            continue
        names = gdf[col].astype(str)
        for idx in np.flatnonzero(names.str.casefold().str.contains(q, regex=False).to_numpy()):
            geom = gdf.geometry.iloc[idx]
            if geom is not None and not geom.is_empty:
                hits.append((layer, names.iloc[idx], tuple(geom.buffer(_HIT_MARGIN_DEG).bounds)))
    return hits
