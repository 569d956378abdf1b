"""The ready-made print maps (presets): what each draws, fits, names and notes."""
from __future__ import annotations

from dataclasses import dataclass

from geo import settings
from geo.bilingual import Bilingual
from geo.errors import PrintError
from layers.text import text

__all__ = ["PRESETS", "Preset", "get_preset"]

_NO_NOTE = Bilingual("", "")


@dataclass(frozen=True)
class Preset:
    """A ready-made print map.

    Attributes
    ----------
    id : str
        Identifier.
    heading : Bilingual
        The default title.
    layers : tuple of str
        Catalogue layers drawn (context first, whatever the order given here).
    fit : tuple of str
        Layers whose extent the map shows; ``"extra"`` means the coverage frames.
    margin : float
        Space added around the fitted extent, as a share of its larger side.
    labels : tuple of (layer id, kinds)
        Layers whose features are named on the map, and for which geometry kinds
        (``"polygon"``, ``"line"``, ``"point"``).
    district_labels : bool
        Name the districts (grey) inside the view.
    caveat : Bilingual
        A caveat printed under the legend (empty: none).
    needs_extra : bool
        The preset draws input passed as ``extra`` (a coverage result).
    needs_table : bool
        The preset prints a planner's parcel layer (an overlay, styled as land use) with its
        land-use balance table (``render(…, table=…)``, :mod:`layers.printing.table`).
    fit_overlays : bool
        The map's extent is the overlays' (the planner's layer), not the ``fit`` layers' (which
        then only bound how far an overlay may lie).
    """

    id: str
    heading: Bilingual
    layers: tuple[str, ...]
    fit: tuple[str, ...]
    margin: float = settings.PRINT_PRESET_MARGIN
    labels: tuple[tuple[str, tuple[str, ...]], ...] = ()
    district_labels: bool = True
    caveat: Bilingual = _NO_NOTE
    needs_extra: bool = False
    needs_table: bool = False
    fit_overlays: bool = False

    def title(self, lang: str) -> str:
        """The default title in ``lang``."""
        return self.heading.get(lang)

    def note(self, lang: str) -> str:
        """The caveat in ``lang`` (empty: none)."""
        return self.caveat.get(lang)


_SC = ("science_city_2021",)
#: Every preset by id.
PRESETS: dict[str, Preset] = {p.id: p for p in (
    Preset("boundaries", text("print_heading_boundaries"),
           ("districts", "science_city_expansion", "science_city_2017", "science_city_2021"), _SC),
    Preset("structure", text("print_heading_structure"),
           ("districts", "science_city_2021", "corridors", "structure"), _SC,
           labels=(("structure", ("polygon",)),)),
    Preset("corridors", text("print_heading_corridors"),
           ("districts", "science_city_2021", "corridors"), _SC,
           labels=(("corridors", ("line",)),), caveat=text("print_note_corridors")),
    Preset("industry", text("print_heading_industry"),
           ("districts", "science_city_2021", "industry"), _SC,
           labels=(("industry", ("polygon", "line", "point")),)),
    Preset("parks", text("print_heading_parks"),
           ("districts", "science_city_2021", "hitech_parks"), ("districts",), margin=0.02,
           labels=(("hitech_parks", ("point",)),), district_labels=False, caveat=text("print_note_parks")),
    Preset("coverage", text("print_heading_coverage"),
           ("districts",), ("extra",), margin=0.05, needs_extra=True),
    Preset("landuse", text("print_heading_landuse"), ("districts", "science_city_2021"), _SC, margin=0.04,
           caveat=text("print_note_landuse"), needs_table=True, fit_overlays=True),
)}


def get_preset(preset: str | Preset) -> Preset:
    """The preset named ``preset`` (or ``preset`` itself).

    Raises
    ------
    PrintError
        If there is no such preset.
    """
    if isinstance(preset, Preset):
        return preset
    try:
        return PRESETS[str(preset)]
    except KeyError:
        raise PrintError(f"no map preset {preset!r}; known presets: {', '.join(PRESETS)}",
                         f"没有地图预设 {preset!r}; 可用预设: {', '.join(PRESETS)}") from None
