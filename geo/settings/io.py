"""Defaults of file import, export and project files (layers.io), each with its source."""
from __future__ import annotations
