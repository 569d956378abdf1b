"""The Layer catalogue tab: every layer with its features, area, method, accuracy and status."""
from __future__ import annotations

import streamlit as st

from layers.catalogue.summary import catalogue_summary, catalogue_table

__all__ = ["render"]


@st.cache_data(show_spinner=False)
def _summary() -> list[dict]:
    return catalogue_summary()


def render(lang: str) -> None:
    """The catalogue table in ``lang``."""
    st.dataframe(catalogue_table(_summary(), lang), hide_index=True)
