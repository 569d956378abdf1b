"""Defaults of boundary tracing along named OSM ways (:mod:`geo.trace`), each with its source."""
from __future__ import annotations

#: How an edge follows its road or river unless the description says otherwise. Project
#: choice: a 四至 "至某路" is read as the road's centreline (道路中心线), the common
#: convention when a plan's text names no red line (红线); a description file can say
#: ``outer`` (the whole road inside) or ``inner`` per edge.
TRACE_DEFAULT_FOLLOW = "centreline"
#: What "follow" may say: the centreline, the side away from the enclosed area (outer), or
#: the side facing it (inner).
TRACE_FOLLOW_MODES = ("centreline", "outer", "inner")
#: Widest separation, metres, at which two same-named lines are taken as the two
#: carriageways of one road or the two banks of one river. Project choice: Shanghai's widest
#: boulevards (世纪大道 ≈ 100 m red line) and the boundary rivers (川杨河 ≈ 60–80 m,
#: 浦东运河 ≈ 40 m) are narrower; the 黄浦江 (≈ 400 m) is never a Science City edge.
TRACE_DUAL_MAX_WIDTH_M = 150.0
#: Longest break, metres, bridged by a straight segment inside one edge or at a corner. Every
#: bridge is reported with its place and length; a longer break stops the trace. Project
#: choice: OSM breaks at interchanges, bridges and river culverts are tens of metres; 500 m
#: is a missing road, not a break.
TRACE_MAX_GAP_M = 500.0
#: How far beyond its last vertex an edge line is extended, metres, to meet the next edge on
#: the far carriageway or at a centreline (at least a dual carriageway's width).
TRACE_CORNER_REACH_M = 200.0
#: Crossings of two edges closer than this, metres, are one corner (a dual carriageway
#: crossing a dual carriageway gives four crossings ≈ 20–60 m apart).
TRACE_CORNER_CLUSTER_M = 250.0
#: Weight factor of the first path's segments when the second (other carriageway or bank)
#: is searched: high enough that any parallel line is preferred.
TRACE_ALTERNATIVE_PENALTY = 25.0
#: Weight factor of a bridged gap against a mapped way of the same length: a mapped way is
#: always preferred to a straight bridge.
TRACE_GAP_PENALTY = 10.0
#: Spacing, metres, of the samples that build a centreline between two carriageways.
TRACE_CENTRELINE_STEP_M = 10.0
#: Generic parts of road and river names that may follow or precede a description's name in
#: OSM ("外环" matches "外环高速", "沪芦高速" matches "沪芦高速公路", "绕城高速" matches
#: "上海绕城高速"). From OSM China's naming of Shanghai roads (wiki "Zh-hans:China/道路命名").
TRACE_NAME_SUFFIXES = ("公路", "高速公路", "高速", "路", "大道", "快速路", "高架路", "高架", "河", "港", "浜",
                       "江", "塘", "泾")
TRACE_NAME_PREFIXES = ("上海", "上海市", "浦东")
#: OSM keys whose values name a way (all are compared with a description's names).
TRACE_NAME_KEYS = ("name", "name:zh", "name:zh-Hans", "name:en", "alt_name", "old_name", "official_name",
                   "short_name", "loc_name", "int_name")
#: Highway values never taken as an edge: ramps, services and paths run beside the named road
#: under its name but are not the road (OSM wiki "Key:highway").
TRACE_SKIP_HIGHWAY = ("motorway_link", "trunk_link", "primary_link", "secondary_link", "tertiary_link",
                      "service", "footway", "cycleway", "path", "steps", "pedestrian", "track", "bridleway",
                      "construction", "proposed", "platform", "corridor")
