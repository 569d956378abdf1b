"""Text that reaches the browser as HTML: escaping, property values, names, tooltips, popups.

Every string shown on the map passes :func:`esc`; values read as
:func:`layers.text.webmap.format_value` renders them. :func:`popup_table` is the one popup
builder: catalogue layers (:func:`popup_html`) and the planner's imported layers
(:mod:`layers.webmap.userlayers`) both use it.
"""
from __future__ import annotations

import html
from typing import Iterable

from geo.bilingual import check_lang
from layers.catalogue.spec import LayerSpec
from layers.catalogue.validate import is_missing
from layers.text import t
from layers.text.webmap import format_value

__all__ = ["esc", "feature_name", "layer_attribution", "layer_label", "other_lang",
           "popup_html", "popup_table", "tooltip_html"]


def esc(value: object) -> str:
    """HTML-escape any value for display (quotes included)."""
    return html.escape(str(value), quote=True)


def other_lang(lang: str) -> str:
    """The other interface language ("en" for "zh", "zh" otherwise)."""
    return "en" if lang == "zh" else "zh"


def feature_name(props: dict, lang: str) -> str:
    """The feature's name in ``lang``, falling back to the other language, then the id."""
    for key in (f"name_{lang}", f"name_{other_lang(lang)}", "id"):
        if not is_missing(props.get(key)):
            return str(props[key])
    return ""


def tooltip_html(props: dict, lang: str) -> str:
    """Escaped tooltip text: the name in the current language."""
    return esc(feature_name(props, lang))


def popup_table(title: object, rows: Iterable[tuple[object, object]]) -> str:
    """A popup: the escaped ``title`` over a table of escaped (label, value) rows.

    The one popup builder of the map (catalogue and imported layers); values must
    already be plain text (:func:`format_value`).
    """
    body = "".join(
        f'<tr><th style="text-align:left;vertical-align:top;padding:1px 8px 1px 0;white-space:nowrap">'
        f"{esc(label)}</th><td style=\"padding:1px 0\">{esc(value)}</td></tr>"
        for label, value in rows
    )
    return (f'<div class="zj-popup" style="font-size:12px;max-width:380px">'
            f'<div style="font-weight:bold;margin-bottom:4px">{esc(title)}</div>'
            f'<table style="border-collapse:collapse">{body}</table></div>')


def popup_html(spec: LayerSpec, props: dict, lang: str) -> str:
    """An escaped HTML table of the spec's popup fields, plus the layer's provenance.

    Labels come in ``lang``; every value is HTML-escaped, so attribute text can never
    inject markup. Fields a feature lacks are left out.
    """
    check_lang(lang)
    rows = []
    for f in spec.popup_fields:
        col = f.column(lang)
        value = props.get(col)
        if is_missing(value) and col.endswith(("_zh", "_en")):  # fall back to the other language
            value = props.get(col[:-2] + other_lang(lang))
        if is_missing(value):
            continue
        rows.append((f.label(lang), format_value(value, col, lang)))
    p = spec.provenance
    rows.append((t(lang, "map_date"), p.date))
    rows.append((t(lang, "map_licence"), p.licence))
    return popup_table(spec.title(lang), rows)


def layer_label(spec: LayerSpec, lang: str) -> str:
    """Escaped, bilingual layer-control label: the current language first."""
    main, other = spec.title(lang), spec.title(other_lang(lang))
    return f'{esc(main)}<span class="zj-alt">{esc(other)}</span>'


def layer_attribution(spec: LayerSpec) -> str:
    """Escaped attribution line of a layer (shown while the layer is on; licence is in the popup)."""
    return esc(spec.provenance.attribution)
