"""Analysis of what the planner draws and imports (no Streamlit here).

Modules
-------
drawn    a drawn shape: checked geometry, its length or area, the catalogue features it meets
overlay  imported layers measured and overlaid on other layers; the one overlap figure
names    naming and finding features of imported layers
memo     results kept while the frames they came from live (fast reruns)
"""
