"""Defaults of the interactive web map (layers.webmap), each with its source."""
from __future__ import annotations
