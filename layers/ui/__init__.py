"""The Streamlit interface: one module per panel; the only package (with app.py) that imports streamlit.

- ``state``: every session-state key, with its type, default and meaning; first run, pending changes, language switch
- ``common``: Markdown escaping; the session's drawings as geometry
- ``sidebar``: language, search, catalogue layers, opacity and zoom, basemap, meeting mode
- ``import_panel``: uploading a planner's file, choosing its layer or CRS, the imported layers
- ``project_panel``: saving and opening project files
- ``urlview``: the sidebar's choices as a shareable view, written to the URL
- ``layout``: the map fills the window: page CSS, the one-line header, the panel beside the map, meeting mode's bar
- ``sequence``: stepping through saved views (◀ / ▶) and saving the current one
- ``mapview``: the map with the planner's layers, drawings and coverage result
- ``draw_tab``: the latest drawing's figures and the plan features it meets
- ``mylayers_tab``: an imported layer's figures and its overlay with other layers
- ``styling_panel``: the style of an imported layer (category, graduated, land use, project status) and its land-use balance table
- ``trace_panel``: a boundary traced along named OSM roads and rivers from a 四至 description; using it in the session
- ``coverage_tab``: a coverage check's inputs and parameters; running it
- ``coverage_zones``: the coverage check for every zone (districts, towns) at once: table, downloads, choropleth
- ``coverage_result``: the coverage result's figures, tables and downloads
- ``export_tab``: layer files, the standalone HTML map and the print map
- ``indicators_tab``: the planning indicator tables
- ``catalogue_tab``: the layer catalogue table
"""
from __future__ import annotations

__all__: list[str] = []
