"""Page CSS of the web map: a compact layer control, the legend, the title block, meeting mode."""
from __future__ import annotations

__all__ = ["MAP_CSS", "MEETING_CSS"]

#: Page CSS for the map: a compact layer control, no focus box around clicked shapes,
#: the legend and the title block.
MAP_CSS = """<style>
.leaflet-control-layers { font-size: 12px; line-height: 1.3; max-width: 320px; }
.leaflet-control-layers .zj-alt { display: block; margin-left: 20px; color: #555; font-size: 11px; }
.leaflet-control-layers label { margin-bottom: 3px; }
.leaflet-interactive:focus { outline: none; }
.leaflet-container { background: #f2f2ef; }
.leaflet-control-attribution { font-size: 10px; }
.zj-legend, .zj-title { background: rgba(255,255,255,0.92); border-radius: 4px;
  box-shadow: 0 1px 5px rgba(0,0,0,0.4); color: #222; }
.zj-legend { font-size: 11px; line-height: 1.25; padding: 4px 8px; max-width: 260px;
  max-height: min(35vh, calc(100vh - 330px)); min-height: 1.4em; overflow-y: auto; }
.zj-legend summary { font-weight: bold; cursor: pointer; }
.zj-legend ul { list-style: none; margin: 4px 0 0 0; padding: 0; }
.zj-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.zj-legend li.zj-legend-cat { margin-left: 14px; }
.zj-legend li.zj-legend-key { margin-top: 5px; border-top: 1px solid #ddd; padding-top: 4px; }
.zj-legend svg { flex: none; }
.zj-title { padding: 6px 10px; max-width: 420px; }
.zj-title-main { font-size: 16px; font-weight: bold; }
.zj-title-sub { font-size: 11px; color: #555; }
</style>"""

#: Extra CSS in meeting mode: everything readable from across a room or on a projector.
MEETING_CSS = """<style>
.leaflet-control-layers { font-size: 16px; max-width: 440px; }
.leaflet-control-layers .zj-alt { font-size: 14px; margin-left: 24px; }
.leaflet-control-layers-selector { width: 16px; height: 16px; }
.leaflet-tooltip { font-size: 16px; }
.leaflet-popup-content .zj-popup { font-size: 16px !important; max-width: 560px !important; }
.zj-legend { font-size: 15px; max-width: 360px; max-height: min(35vh, calc(100vh - 440px)); }
.zj-legend svg { transform: scale(1.25); margin: 0 3px; }
.zj-title { padding: 10px 16px; max-width: 640px; }
.zj-title-main { font-size: 28px; }
.zj-title-sub { font-size: 15px; }
.leaflet-control-scale-line { font-size: 14px; }
.leaflet-control-attribution { font-size: 12px; }
.leaflet-draw-tooltip, .leaflet-measure-resultpopup, .leaflet-control-measure { font-size: 15px; }
</style>"""
