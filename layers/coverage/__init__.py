"""Coverage checks for planners: areas, inputs, prepared studies, results, reports.

The analysis itself is ``geo.coverage`` (walking network, demand, access rules); this
package puts it to work for the app and the command line.

==================  ==============================================================
``areas``           analysis areas (catalogue boundaries, the extract, drawn, files)
``inputs``          OSM inputs clipped to the area, the planner's own data instead
``services``        studies prepared once and kept; running a check (``run``)
``results``         a result's map/export layers, its figures table, its files
``report``          the inputs table (what was cut, dropped, joined) and the method table
``mapping``         a result on the web map (gaps, covered, sources, legend)
``saved``           the coverage tab's settings in a project file, checked on opening
``zonal``           a check for every zone (town, district) of an area at once
``zonesaved``       a check by zones kept in a project file, rebuilt and checked on opening
``cli``             ``python -m layers coverage``
==================  ==============================================================
"""
from __future__ import annotations

from layers.coverage.areas import AREAS, area_bounds, area_geometry, extract_share, read_frame
from layers.coverage.inputs import Inputs, load_inputs
from layers.coverage.results import export_bytes, figures_table, result_layers, sources_layer
from layers.coverage.saved import SETTING_KEYS, renamed_choice, renamed_settings, settings_from_state, state_from_settings
from layers.coverage.services import Run, clear, run, run_check, study_for
from layers.coverage.zonal import CITY, DISTRICTS, district_zones, run_zones
from layers.coverage.zonesaved import zone_record, zone_result
from layers.text.coverage import AREA_LABELS, CHECK_LABELS, DEMAND_LABELS, label

__all__ = ["AREAS", "AREA_LABELS", "CITY", "CHECK_LABELS", "DEMAND_LABELS", "DISTRICTS", "Inputs", "Run", "SETTING_KEYS",
           "area_bounds", "area_geometry", "clear", "district_zones", "export_bytes", "extract_share", "figures_table", "label",
           "load_inputs", "read_frame", "renamed_choice", "renamed_settings", "result_layers", "run", "run_check", "run_zones", "settings_from_state",
           "sources_layer", "state_from_settings", "study_for", "zone_record", "zone_result"]
