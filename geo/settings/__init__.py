"""Project-wide defaults, each with its source: the one settings module.

Change a default here and nowhere else. Values a planner may change in the UI are
only *defaults*; the functions that use them take them as parameters. Read them as
``from geo import settings; settings.NAME``; the sections below are one namespace:

========================  ===========================================================
``analysis``              CRSs, Chinese offsets, layer files, coverage checks
``webmap``                the interactive map (display, budgets, controls)
``printing``              printed meeting maps (paper, fonts, scale bar)
``io``                    file import, export and project files
``ui``                    the app's panels
``trace``                 boundaries traced along named roads and rivers
``environment``           every environment variable the project reads (read only there)
========================  ===========================================================
"""
from __future__ import annotations

from geo.settings.analysis import *  # noqa: F401,F403
from geo.settings.environment import *  # noqa: F401,F403
from geo.settings.io import *  # noqa: F401,F403
from geo.settings.printing import *  # noqa: F401,F403
from geo.settings.trace import *  # noqa: F401,F403
from geo.settings.ui import *  # noqa: F401,F403
from geo.settings.webmap import *  # noqa: F401,F403
