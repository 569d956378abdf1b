"""Page CSS of the web map: compact controls, the legend, the title block, labels, meeting mode."""
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
/* with the planner's legend too, the two legends share the height one would take */
.leaflet-bottom.leaflet-right:has(.zj-legend-user) .zj-legend { max-height: min(17.5vh, calc(50vh - 165px)); }
.zj-legend summary { font-weight: bold; cursor: pointer; }
.zj-legend ul { list-style: none; margin: 4px 0 0 0; padding: 0; }
.zj-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.zj-legend li.zj-legend-cat { margin-left: 14px; }
.zj-legend li.zj-legend-key { margin-top: 5px; border-top: 1px solid #ddd; padding-top: 4px; }
.zj-legend svg { flex: none; }
.zj-title { padding: 6px 10px; max-width: 420px; }
.zj-title-main { font-size: 16px; font-weight: bold; }
.zj-title-sub { font-size: 11px; color: #555; }
.leaflet-container .leaflet-bar.zj-zoom-targets a { width: auto; min-width: 26px; padding: 0 8px; white-space: nowrap;
  font-size: 12px; font-weight: bold; }
.zj-north { background: rgba(255,255,255,0.85); border-radius: 4px; padding: 2px 3px; line-height: 0; }
.zj-north-svg { width: 20px; height: 33px; }
.leaflet-right .leaflet-control-scale { clear: none; margin-top: 14px; }
.leaflet-control-scale-line { background: rgba(255,255,255,0.8); }
.zj-label-anchor { background: none; border: none; }
.zj-label { position: absolute; white-space: nowrap; font: 600 12px/1.2 sans-serif; color: #1a1a1a;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; pointer-events: none; }
.zj-label-area { transform: translate(-50%, -50%); font-weight: 700; color: #333; }
.zj-label-point { left: 9px; transform: translateY(-50%); }
.zj-label-hidden { display: none; }
</style>"""

#: Extra CSS in meeting mode: everything readable from across a room or on a projector.
MEETING_CSS = """<style>
.leaflet-control-layers { font-size: 16px; max-width: 440px; }
.leaflet-control-layers .zj-alt { font-size: 14px; margin-left: 24px; }
.leaflet-control-layers-selector { width: 16px; height: 16px; }
.leaflet-tooltip { font-size: 16px; }
.leaflet-popup-content .zj-popup { font-size: 16px !important; max-width: 560px !important; }
.zj-legend { font-size: 18px; line-height: 1.3; max-width: 380px; max-height: min(40vh, calc(100vh - 400px)); }
.leaflet-bottom.leaflet-right:has(.zj-legend-user) .zj-legend { max-height: min(20vh, calc(50vh - 200px)); }
.zj-legend svg { transform: scale(1.3); margin: 0 4px; }
.zj-title { padding: 10px 16px; max-width: 440px; }
.zj-title-main { font-size: 30px; line-height: 1.2; }
.zj-title-sub { font-size: 18px; }
.leaflet-control-scale-line { font-size: 20px; line-height: 1.3; border-width: 3px; padding: 2px 8px; }
.leaflet-right .leaflet-control-scale { margin-top: 30px; }
.zj-north-svg { width: 38px; height: 63px; }
.leaflet-container .leaflet-bar.zj-zoom-targets a { font-size: 18px; height: 36px; line-height: 36px; padding: 0 12px; }
.zj-label { font-size: 20px; }
.zj-label-point { left: 11px; }
.leaflet-control-attribution { font-size: 12px; }
.leaflet-draw-tooltip, .leaflet-measure-resultpopup, .leaflet-control-measure { font-size: 15px; }
</style>"""
