"""Loading the layers a map draws: each failure becomes a bilingual message, never an exception."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

import geopandas as gpd

from geo.bilingual import Bilingual
from geo.errors import ZJError
from layers.catalogue.entries import LAYERS
from layers.catalogue.loading import get_spec, load
from layers.catalogue.spec import LayerSpec

__all__ = ["LayerFailure", "failed_layers", "load_layers"]


@dataclass(frozen=True)
class LayerFailure:
    """A layer that could not be drawn, with its bilingual message."""

    layer_id: str
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str

    def title(self, lang: str) -> str:
        """The layer's title in ``lang``."""
        return Bilingual(self.title_zh, self.title_en).get(lang)

    def message(self, lang: str) -> str:
        """Why it failed, in ``lang``."""
        return Bilingual(self.message_zh, self.message_en).get(lang)


def _failure(spec: LayerSpec, exc: ZJError) -> LayerFailure:
    return LayerFailure(spec.id, spec.title_zh, spec.title_en, exc.zh, exc.en)


def load_layers(layer_ids: Iterable[str], loader: Callable[[str], gpd.GeoDataFrame] = load
                ) -> tuple[dict[str, gpd.GeoDataFrame], list[LayerFailure]]:
    """Load layers by id: (loaded frames by id, failures). Never raises a ZJError."""
    loaded: dict[str, gpd.GeoDataFrame] = {}
    failed: list[LayerFailure] = []
    for layer_id in layer_ids:
        spec = get_spec(layer_id)
        try:
            loaded[layer_id] = loader(layer_id)
        except ZJError as exc:
            failed.append(_failure(spec, exc))
    return loaded, failed


def failed_layers(layer_ids: Iterable[str] | None = None) -> list[LayerFailure]:
    """The layers (default: the whole catalogue) that fail to load, with messages."""
    ids = [s.id for s in LAYERS] if layer_ids is None else list(layer_ids)
    return load_layers(ids)[1]
