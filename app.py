"""张江科学城规划图 / Zhangjiang Science City planning map — the Streamlit UI.

UI only: the map comes from layers.webmap, the table from layers.summary.
Run: .venv/bin/streamlit run app.py
"""
from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import layers
from layers.summary import catalogue_summary
from layers.webmap import BASEMAPS, DEFAULT_BASEMAP, build_map_report, format_value

LANGS = {"中文": "zh", "English": "en"}
TEXT = {
    "zh": {
        "layers": "图层",
        "basemap": "底图",
        "no_basemap": "无底图",
        "offline": "底图瓦片需要联网; 离线时规划图层照常显示在空白底图上。",
        "failed": "无法加载",
        "none": "未选择图层。",
        "catalogue": "图层目录",
        "cols": ("编号", "图层", "要素数", "面积 (km²)", "方法", "精度 (米)", "状态"),
        "ok": "正常",
        "error": "错误",
    },
    "en": {
        "layers": "Layers",
        "basemap": "Basemap",
        "no_basemap": "No basemap",
        "offline": "Basemap tiles need internet; offline, the plan layers still draw on a blank background.",
        "failed": "could not be loaded",
        "none": "No layer selected.",
        "catalogue": "Layer catalogue",
        "cols": ("Id", "Layer", "Features", "Area (km²)", "Method", "Accuracy (m)", "Status"),
        "ok": "ok",
        "error": "error",
    },
}


def _md(text: str) -> str:
    """Escape Markdown so file paths and messages show as written."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in str(text))


@st.cache_data(show_spinner=False)
def _summary() -> list[dict]:
    return catalogue_summary()


def _catalogue_table(lang: str) -> pd.DataFrame:
    t = TEXT[lang]
    rows = []
    for r in _summary():
        p = r["provenance"]
        area = "—" if r["area_km2"] is None else f"{r['area_km2']:.2f}"
        count = "—" if r["feature_count"] is None else str(r["feature_count"])
        rows.append((r["id"], r[f"title_{lang}"], count, area, format_value(p["method"], "method", lang),
                     f"±{p['accuracy_m']:g}", t["error"] if r["error"] else t["ok"]))
    return pd.DataFrame(rows, columns=list(t["cols"]))


st.set_page_config(page_title="张江科学城规划图 / Zhangjiang Science City", layout="wide")
st.title("张江科学城规划图")
st.caption("Zhangjiang Science City planning map")

with st.sidebar:
    lang = LANGS[st.radio("语言 / Language", list(LANGS), horizontal=True, key="lang")]
    t = TEXT[lang]
    st.header(t["layers"])
    selected = []
    for group, titles in layers.GROUPS.items():
        specs = [s for s in layers.LAYERS if s.group == group]
        if not specs:
            continue
        st.subheader(titles[0] if lang == "zh" else titles[1])
        for spec in specs:
            if st.checkbox(spec.title(lang), value=spec.visible_by_default, key=f"layer_{spec.id}"):
                selected.append(spec.id)
    # The widget key carries the language so its option names follow the switch;
    # the choice itself survives the switch in session state.
    basemap_ids = list(BASEMAPS) + [None]
    basemap = st.selectbox(
        t["basemap"], basemap_ids, key=f"basemap_{lang}",
        index=basemap_ids.index(st.session_state.get("basemap_choice", DEFAULT_BASEMAP)),
        format_func=lambda b: t["no_basemap"] if b is None else BASEMAPS[b].title(lang),
    )
    st.session_state["basemap_choice"] = basemap
    st.caption(t["offline"])

build = build_map_report(selected, lang, basemap=basemap)
if build.failed:  # one line per layer that could not be drawn; the rest of the map still shows
    st.warning("\n".join(f"- **{_md(f.title(lang))}** {t['failed']}: {_md(f.message(lang))}" for f in build.failed))
if not selected:
    st.info(t["none"])
st_folium(build.map, height=640, use_container_width=True, returned_objects=[])

st.subheader(t["catalogue"])
st.dataframe(_catalogue_table(lang), hide_index=True)
