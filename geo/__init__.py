"""Pure geospatial analysis for the Zhangjiang planning map.

No Streamlit imports here: everything in this package is testable without a browser.
"""
