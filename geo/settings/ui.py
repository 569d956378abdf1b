"""Defaults of the app's panels (layers.ui, app.py), each with its source."""
from __future__ import annotations
