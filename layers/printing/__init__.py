"""Printed meeting maps: A4/A3 landscape PNG (300 dpi) and vector PDF.

A print map is a matplotlib figure of one page: title block, map, a legend of exactly
what is drawn, scale bar, north arrow and a source / attribution footer. It needs no
network; an OpenStreetMap tile basemap is an option.

Modules
-------
``presets``    the ready-made maps (:data:`PRESETS`)
``render``     :func:`render`: one page from a preset
``overlays``   the planner's own layers drawn over a preset (styled, in the legend and footer)
``table``      the land-use balance table beside the map (the "landuse" preset)
``page``       paper sizes, the page layout, option checks
``extent``     the map's extent in the print CRS, meridian convergence
``fonts``      the CJK print font and text measure
``styles``     Leaflet styles as matplotlib's
``draw``       features drawn on the map frame
``labels``     feature names and their placement
``legend``     legend rows and the legend
``coverage``   a coverage check's result on the map
``furniture``  title block, scale bar, north arrow, notes, footer
``sources``    the footer's sources and attributions
``tiles``      the optional OpenStreetMap basemap
``truetype``   TrueType font subsets for PDF text
``output``     :func:`save`, :func:`to_bytes`, :func:`default_filename`
``cli``        ``python -m layers map`` (:func:`register_cli`)

>>> from layers.printing import render, save          # doctest: +SKIP
>>> save(render("parks", paper="A3"), "parks.pdf")     # doctest: +SKIP
"""
from __future__ import annotations

from layers.printing.cli import register_cli
from layers.printing.coverage import coverage_frames, read_coverage_file
from layers.printing.fonts import find_cjk_font
from layers.printing.legend import LegendRow
from layers.printing.output import default_filename, save, to_bytes
from layers.printing.overlays import OverlayWarning
from layers.printing.page import paper_mm
from layers.printing.presets import PRESETS, Preset, get_preset
from layers.printing.render import PrintInfo, render

__all__ = ["PRESETS", "LegendRow", "OverlayWarning", "Preset", "PrintInfo", "coverage_frames", "default_filename", "find_cjk_font",
           "get_preset", "paper_mm", "read_coverage_file", "register_cli", "render", "save", "to_bytes"]
