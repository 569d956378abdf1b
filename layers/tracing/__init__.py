"""Boundaries traced along named roads and rivers, for the catalogue and the app.

- ``descriptions``: the description files of the catalogue's boundaries and the
  hand-digitised features they are compared with
- ``compare``: how far the hand-digitised line lies from the traced one, edge by edge
- ``report``: areas and the per-edge table of a traced boundary (command line and app)
- ``layer``: a traced boundary as a layer with its provenance (map, coverage, export, print)
- ``cli``: ``python -m layers trace``
"""
