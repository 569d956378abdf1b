"""The declarative description of a planning layer.

A :class:`LayerSpec` says what a layer is (titles, group, geometry), how it looks
(:class:`Style`), what its popups show (:class:`PopupField`) and where it comes
from (:class:`Provenance`). Specs hold no data; :mod:`layers.catalogue.loading` reads it.
"""
from __future__ import annotations

from geo.bilingual import Bilingual

from dataclasses import dataclass, field, asdict
from pathlib import Path

__all__ = ["GROUPS", "METHODS", "SCHEMATIC_DASH", "FEATURE_REQUIRED", "Provenance", "Style", "PopupField",
           "LayerSpec"]

#: Layer groups, in display order, with their Chinese and English titles.
GROUPS: dict[str, Bilingual] = {
    "boundaries": Bilingual("规划范围", "Boundaries"),
    "structure": Bilingual("空间结构", "Spatial structure"),
    "industry": Bilingual("产业布局", "Industrial layout"),
    "parks": Bilingual("高新区园区", "High-Tech Zone parks"),
    "sites": Bilingual("设施与地标", "Facilities and landmarks"),
    "context": Bilingual("背景", "Context"),
}

#: Digitising methods a feature or layer may declare.
METHODS = ("traced", "schematic", "point location", "district point", "derived", "package")

#: Properties every feature must carry (names plus per-feature provenance).
#: Leaflet ``dashArray`` of schematic (示意) features: every renderer draws them with it.
SCHEMATIC_DASH = "6 4"

FEATURE_REQUIRED = ("name_zh", "name_en", "source", "method", "accuracy_m")


@dataclass(frozen=True)
class Provenance:
    """Where a layer comes from and how far to trust it.

    Attributes
    ----------
    source : str
        Source document(s) and section, e.g. ``"seed 000 §二(四)"``.
    method : str
        How the geometry was made; one of :data:`METHODS` (or several, joined by " / ").
    date : str
        When the geometry was digitised or derived (ISO date).
    accuracy_m : float
        Expected positional accuracy in metres (typical error of an edge or point).
    licence : str
        Licence of the layer as the project distributes it.
    attribution : str
        Attribution line to show with the layer.
    notes : str
        Caveats a planner should read.
    """

    source: str
    method: str
    date: str
    accuracy_m: float
    licence: str
    attribution: str
    notes: str = ""


@dataclass(frozen=True)
class Style:
    """Leaflet-style path and marker options, chosen to print well and stay
    distinguishable for colour-blind viewers (Okabe–Ito palette).

    ``by`` names a property whose values pick an override from ``categories``;
    features whose ``method`` is ``schematic`` are drawn dashed by the renderers.
    """

    color: str
    fill_color: str | None = None
    weight: float = 2.0
    opacity: float = 1.0
    fill_opacity: float = 0.15
    dash_array: str | None = None
    radius: float = 6.0
    by: str | None = None
    categories: dict[str, dict] = field(default_factory=dict)

    def for_feature(self, props: dict) -> dict:
        """Leaflet path options for one feature's properties."""
        opts = {
            "color": self.color,
            "fillColor": self.fill_color or self.color,
            "weight": self.weight,
            "opacity": self.opacity,
            "fillOpacity": self.fill_opacity,
        }
        if self.dash_array:
            opts["dashArray"] = self.dash_array
        if self.by is not None:
            over = self.categories.get(str(props.get(self.by)), {})
            opts.update(over)
        if props.get("method") == "schematic" and "dashArray" not in opts:
            opts["dashArray"] = SCHEMATIC_DASH
        return opts


@dataclass(frozen=True)
class PopupField:
    """One row of a feature popup: the property and its bilingual label."""

    key: str
    label_zh: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def column(self, lang: str) -> str:
        """Property to read: ``"industries_*"`` means ``industries_zh`` or ``industries_en``."""
        if self.key.endswith("_*"):
            return self.key[:-1] + ("zh" if lang == "zh" else "en")
        return self.key


@dataclass(frozen=True)
class LayerSpec:
    """Everything the catalogue knows about one layer except its data.

    Exactly one of ``path`` (a GeoJSON file under ``data/``) or ``builder`` (the
    name of a function in :mod:`layers.catalogue.builders` that derives the layer) is set.
    """

    id: str
    title_zh: str
    title_en: str
    group: str
    geometry_types: tuple[str, ...]
    style: Style
    popup_fields: tuple[PopupField, ...]
    provenance: Provenance
    path: str | None = None
    builder: str | None = None
    required_fields: tuple[str, ...] = ()
    description_zh: str = ""
    description_en: str = ""
    visible_by_default: bool = True
    #: Label priority on the web map (1 first; None: the layer's features carry no label).
    label_rank: int | None = None
    #: Property naming a feature on its map label ("name_*": ``name_zh`` or ``name_en``).
    label_field: str = "name_*"

    def __post_init__(self) -> None:
        if (self.path is None) == (self.builder is None):
            raise ValueError(f"layer {self.id}: set exactly one of path or builder")
        if self.group not in GROUPS:
            raise ValueError(f"layer {self.id}: unknown group {self.group!r}")

    @property
    def geometry_type(self) -> str:
        """Human-readable geometry type ("Polygon", or "Mixed (LineString, Polygon)")."""
        if len(self.geometry_types) == 1:
            return self.geometry_types[0]
        return "Mixed (" + ", ".join(self.geometry_types) + ")"

    def label_column(self, lang: str) -> str:
        """Property holding a feature's map label in ``lang`` (see ``label_field``)."""
        if self.label_field.endswith("_*"):
            return self.label_field[:-1] + ("zh" if lang == "zh" else "en")
        return self.label_field

    @property
    def is_areal(self) -> bool:
        return "Polygon" in self.geometry_types

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def file_path(self, root: Path) -> Path | None:
        return None if self.path is None else root / self.path

    def provenance_dict(self) -> dict:
        return asdict(self.provenance)
