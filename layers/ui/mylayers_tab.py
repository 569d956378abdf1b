"""The "My layers" tab: an imported layer's figures, its style and land-use balance table
(layers.ui.styling_panel), its attributes, and how it sits against a catalogue layer, the
coverage gaps or another imported layer."""
from __future__ import annotations

import streamlit as st

import layers
from geo import settings
from geo.errors import ZJError
from layers.analysis import overlay
from layers.text import t
from layers.ui import styling_panel
from layers.webmap import bounds

__all__ = ["render"]

ss = st.session_state


def render(lang: str) -> None:
    """The planner's imported layers: figures, attributes, and how they sit against other layers."""
    if not ss.imported:
        st.caption(t(lang, "mine_none"))
        return
    name = st.selectbox(t(lang, "mine_layer"), list(ss.imported), key="mine_layer")
    frame = ss.imported[name]
    m = overlay.measure_layer(frame)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t(lang, "mine_features"), f"{m['features']:,}")
    c2.metric(t(lang, "area"), f"{m['area_km2']:,.3f} km²")
    c3.metric(t(lang, "length"), f"{m['length_km']:,.2f} km")
    if c4.button(t(lang, "fly_to"), key="mine_fly"):
        ss.fly = bounds.bounds_of([frame])
        st.rerun()
    styling_panel.render(lang, name, frame)
    st.divider()
    st.dataframe(frame.drop(columns=frame.geometry.name).head(settings.UI_ATTRIBUTE_ROWS),
                 hide_index=True)  # shown as text
    targets = {f"layer:{s.id}": s.title(lang) for s in layers.LAYERS if s.is_areal}
    if ss.get("coverage"):
        targets["gaps"] = t(lang, "mine_gaps")
    targets.update({f"mine:{n}": f"⬆ {n}" for n in ss.imported if n != name})
    key = st.selectbox(t(lang, "mine_against"), list(targets), key="mine_against",
                       format_func=lambda k: targets[k])
    try:
        table, tot = (overlay.overlay_with(frame, layer_id=key[6:]) if key.startswith("layer:") else
                      overlay.overlay_with(frame, ss.coverage["layers"]["gap"] if key == "gaps"
                                              else ss.imported[key[5:]]))
    except ZJError as exc:
        st.error(str(exc))
        return
    c1, c2, c3 = st.columns(3)
    c1.metric(t(lang, "mine_touching"), f"{tot['touching']} / {tot['features']}")
    c2.metric(t(lang, "mine_inside"), f"{tot['inside_km2']:,.3f} km²")
    c3.metric(t(lang, "mine_share"), f"{tot['share']:.1%}")
    st.dataframe(table.rename(columns={c: t(lang, f"mine_col_{c}") for c in table.columns}).round(4),
                 hide_index=True)
