"""Pure geospatial analysis for the Zhangjiang planning map (no Streamlit, no ``layers``).

Everything here is testable without a browser; nothing here imports the layer catalogue.

==================  ==============================================================
``settings``        every default with its source; environment variables (one place)
``errors``          every error class, each with a bilingual message
``bilingual``       ``Bilingual(zh, en)``, the one type of bilingual text
``crs``             CRSs: WGS84, CGCS2000, Gauss-Krüger zones, local transverse Mercator
``chinacoords``     WGS84 ⇄ GCJ-02 ⇄ BD-09 (Amap/Tencent and Baidu offsets)
``measure``         geodesic lengths and areas
``geometry``        geometry families (point, line, polygon)
``files``           atomic file writes
``osm``             reading an OpenStreetMap extract (entry point; download, clip, cache)
``osmparse``        the pyosmium reader; ``osmframes`` its typed frames
``osmareas``        areas cut by the extract's edge, rebuilt inside it
``osmcache``        the parse cache (GeoParquet and JSON: data only)
``osmtags``         tag rules: what is walkable, green, residential, a facility, a gate
``network``         the walking network and its multi-source Dijkstra; ``seeds`` its start points;
                    ``junctions`` where OSM ways become its edges
``access``          how sources are entered (gates, touching streets, approach)
``demand``          demand units (cells of residential land, buildings, points)
``study``           a study: an area prepared once for every check
``coverage``        the checks as plans: green reach, 15-minute life circle, metro catchment
``search``          one multi-source search, read for any places
``results``         a check's result; ``scenario`` before/after a new green space
``citywide``        a check for every zone (town, district) of a city at once; parts on Dask
``landuse``         land-use codes, standard colours and the balance table
==================  ==============================================================
"""
