"""Map controls: HTML controls and scripts (:class:`MapScript`), measure, draw, layer-control order."""
from __future__ import annotations

from typing import Callable

import folium
from branca.element import MacroElement
from folium import plugins
from folium.template import Template

from layers.text import t
from layers.webmap.assets import control_js

__all__ = ["MapScript", "MeasureControl", "add_control", "draw_control", "layer_control_last", "measure_control"]


class MapScript(MacroElement):
    """A script run once the map exists; ``code(map_var)`` writes it.

    The code is produced at render time from the map's current JavaScript name, so it
    also works inside streamlit-folium, which renames the map variable.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.code(this._parent.get_name()) }}{% endmacro %}")

    def __init__(self, code: Callable[[str], str], name: str = "zj_script") -> None:
        super().__init__()
        self._name = name
        self.code = code


def add_control(m: folium.Map, html_text: str, position: str, css_class: str,
                first: bool = False) -> MapScript:
    """Add a Leaflet control showing ``html_text`` (escaped markup) at ``position``."""
    script = MapScript(lambda var: control_js(var, html_text, position, css_class, first), "zj_control")
    script.add_to(m)
    return script


class MeasureControl(plugins.MeasureControl):
    """folium's MeasureControl with the Leaflet ≥ 1.8 fix applied first.

    (leaflet-measure 2.1.7 pans to its invisible capture marker on focus under Leaflet
    1.8+, its issue 171; folium carries the same fix with a link in a comment, which
    would be the only URL left in an offline page.)
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
            L.Control.Measure.include({
                _setCaptureMarkerIcon: function () {
                    this._captureMarker.options.autoPanOnFocus = false;
                    this._captureMarker.setIcon(L.divIcon({iconSize: this._map.getSize().multiplyBy(2)}));
                },
            });
            var {{ this.get_name() }} = new L.Control.Measure({{ this.options|tojavascript }});
            {{ this._parent.get_name() }}.addControl({{ this.get_name() }});
        {% endmacro %}
        """)


def measure_control(lang: str) -> MeasureControl:
    """The measure control (distance and area, metric; km² labelled in ``lang``)."""
    return MeasureControl(
        # top right with every other control: the city centre's parks lie west of the
        # Science City, nothing east of it (layers.webmap.layout)
        position="topright",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="hectares",
        secondary_area_unit="sqkilometers",
        units={"sqkilometers": {"factor": 1e-6, "display": t(lang, "map_sqkm"), "decimals": 3}},
        localization="cn" if lang == "zh" else "en",
        active_color="#D55E00",
        completed_color="#0072B2",
    )


def draw_control() -> plugins.Draw:
    """The draw toolbar: lines and polygons only (read with streamlit-folium's ``all_drawings``)."""
    shape = {"color": "#D55E00", "weight": 3, "opacity": 0.9, "fillOpacity": 0.1}
    return plugins.Draw(
        export=False,
        position="topright",
        show_geometry_on_click=False,
        draw_options={
            "polyline": {"shapeOptions": shape, "metric": True},
            "polygon": {"shapeOptions": shape, "allowIntersection": False, "showArea": True,
                        "metric": ["km", "ha", "m"]},
            "rectangle": False, "circle": False, "marker": False, "circlemarker": False,
        },
        edit_options={"edit": True, "remove": True},
    )


def layer_control_last(m: folium.Map) -> None:
    """Render the layer control after groups added to a built map: its script names them,
    and a group defined after it would be undefined when the control is built."""
    for key, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[key]
            m._children[key] = child
