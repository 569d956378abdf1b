"""The description files of the catalogue's boundaries (``data/boundaries/descriptions``)
and the hand-digitised features they describe."""
from __future__ import annotations

from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import LayerNotFoundError
from geo.tracedesc import BoundaryDescription, read_description
from layers.catalogue.loading import ROOT, load

__all__ = ["DESCRIPTIONS_DIR", "catalogue_descriptions", "description", "reference_feature"]

#: Where the catalogue's boundary descriptions live, one TOML file per boundary.
DESCRIPTIONS_DIR = ROOT / "data" / "boundaries" / "descriptions"
#: Catalogue layers whose features a description may be compared with.
_BOUNDARY_LAYERS = ("science_city_2017", "science_city_2021", "structure", "industry")


def catalogue_descriptions() -> dict[str, Path]:
    """Id → file of every description shipped with the catalogue, in file-name order."""
    return {p.stem: p for p in sorted(DESCRIPTIONS_DIR.glob("*.toml"))}


def description(name: str | Path) -> BoundaryDescription:
    """A catalogue description by id (``science_city_2017``) or any description file."""
    files = catalogue_descriptions()
    return read_description(files[str(name)] if str(name) in files else Path(name))


def reference_feature(feature_id: str) -> tuple[BaseGeometry, dict]:
    """The hand-digitised polygon of a catalogue feature (WGS84) and its properties."""
    for layer_id in _BOUNDARY_LAYERS:
        gdf = load(layer_id)
        hit = gdf[gdf["id"] == feature_id] if "id" in gdf.columns else gdf.iloc[0:0]
        if len(hit):
            row = hit.iloc[0]
            props = {k: v for k, v in row.items() if k != gdf.geometry.name}
            return shapely.union_all(hit.geometry.values), props
    raise LayerNotFoundError(f"no catalogue feature with id {feature_id!r}",
                             f"目录中没有 id 为 {feature_id!r} 的要素")
