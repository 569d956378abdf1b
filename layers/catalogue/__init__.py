"""The catalogue of planning layers: what each layer is, where it comes from, how it loads.

==================  ==============================================================
``spec``            LayerSpec, Style, PopupField, Provenance; groups, methods, the schematic dash
``entries``         the layers themselves (``LAYERS``): ids, files, styles, provenance
``sources``         the source documents the provenance cites (seed 000–004, 沪府〔2017〕68号)
``builders``        layers derived in code (the expansion ring, Shanghai's districts)
``loading``         ``load(id)``: read, convert to WGS84, validate, cache
``validate``        a layer's problems against its spec; the one missing-value test
``symbology``       how layers are symbolised, shared by the web map and printed maps
``summary``         the catalogue as rows (``python -m layers list``)
``search``          find features by name, in Chinese or English
``indicators``      the plans' indicator tables and the layers they link to
==================  ==============================================================
"""
