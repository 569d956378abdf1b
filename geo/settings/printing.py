"""Defaults of printed meeting maps (layers.printing), each with its source."""
from __future__ import annotations
