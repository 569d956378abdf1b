"""Land-use codes of Chinese plans, their standard colours, and the land-use balance table.

Modules:

- ``codes.py``: the code tables (GB 50137-2011 and the 2023 用地用海分类指南) and the one accessor
  (normalise, lookup with parent fallback, detect the system, residential classes);
- ``recognise.py``: find the code column of a parcel layer and classify its values;
- ``balance.py``: the land-use balance table (用地平衡表), overall and per zone.

The tables themselves are CSV files in this package (``gb50137.csv``, ``gtkj2023.csv``),
each opening with ``#`` lines that cite where its names and colours come from.
"""
