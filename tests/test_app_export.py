"""The app's Export and print tab, driven by Streamlit's AppTest (no browser): a GeoPackage of
the shown layers, the offline HTML map and an A3 PDF, each readable as what it claims to be."""
from __future__ import annotations

import pyogrio



def _click(at, key: str) -> None:
    next(b for b in at.button if b.key == key).click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]


def test_geopackage_of_the_shown_layers_in_cgcs2000(app, tmp_path):
    app.selectbox(key="exp_format").set_value("gpkg")
    app.selectbox(key="exp_crs").set_value("cgcs2000").run()
    _click(app, "exp_make")
    name, data = app.session_state["export_file"]
    assert name.endswith(".gpkg")
    path = tmp_path / name
    path.write_bytes(data)
    names = {row[0] for row in pyogrio.list_layers(path)}
    import layers
    shown = {spec.id for spec in layers.LAYERS if app.session_state[f"layer_{spec.id}"]}
    assert shown and shown <= names
    info = pyogrio.read_info(path, layer="science_city_2021")
    assert "4490" in info["crs"]


def test_offline_html_and_print_map(app):
    _click(app, "exp_html")
    html = app.session_state["html_file"].decode("utf-8")
    assert "leaflet" in html.lower() and 'src="http' not in html
    _click(app, "print_make")
    name, data, fmt = app.session_state["print_file"]
    assert fmt == "pdf" and data[:5] == b"%PDF-" and "A3" in name
