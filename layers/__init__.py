"""The catalogue of planning layers: specs, loading, validation, summaries.

>>> import layers
>>> gdf = layers.load("science_city_2021")   # GeoDataFrame, EPSG:4326, validated
"""
from layers.catalogue.entries import LAYERS
from layers.catalogue.loading import clear_cache, get_spec, layer_ids, load
from layers.catalogue.spec import GROUPS, LayerSpec

__all__ = ["LAYERS", "GROUPS", "LayerSpec", "load", "get_spec", "layer_ids", "clear_cache"]
