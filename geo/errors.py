"""All errors raised by the project, in one place.

Every error carries a bilingual, planner-readable message. Code that shows
errors to users (the app, the command line) prints ``str(err)`` and nothing else.
"""
from __future__ import annotations

__all__ = ["ZJError", "CRSError", "CoordinateError", "LayerNotFoundError", "LayerFileError",
           "LayerValidationError", "GeometryError", "OSMError", "CoverageError", "PrintError",
           "PrintFontError", "BasemapWarning", "ImportFileError", "ImportGeometryError", "ProjectFileError",
           "MapOptionError", "OfflineAssetError", "BasemapKeyError", "UnknownBasemapError", "ExportWarning",
           "TraceDescriptionError", "TraceError", "OverlayWarning", "StyleError"]


class ZJError(Exception):
    """Base class of every error the project raises on purpose."""

    def __init__(self, en: str, zh: str = "") -> None:
        self.en = en
        self.zh = zh or en
        super().__init__(f"{zh} / {en}" if zh else en)


class CRSError(ZJError):
    """A coordinate reference system is missing, unknown or not allowed."""


class CoordinateError(ZJError):
    """Coordinates are implausible (out of range, outside the study region)."""


class LayerNotFoundError(ZJError, KeyError):
    """No layer with this id exists in the catalogue."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return Exception.__str__(self)


class LayerFileError(ZJError):
    """A layer's file is missing, unreadable or not a valid GeoJSON file."""


class LayerValidationError(ZJError):
    """A layer loaded but breaks its spec (geometry, CRS, attributes)."""

    def __init__(self, layer_id: str, problems: list[str]) -> None:
        self.layer_id = layer_id
        self.problems = list(problems)
        listing = "; ".join(self.problems)
        super().__init__(
            f"layer '{layer_id}' is invalid: {listing}",
            f"图层 '{layer_id}' 校验未通过: {listing}",
        )


class GeometryError(ZJError):
    """A geometry is missing, malformed, empty or invalid."""


class OSMError(ZJError):
    """An OpenStreetMap extract is missing, unreadable, or does not cover the area."""


class CoverageError(ZJError):
    """A coverage check cannot run: bad parameters, no network, no demand or sources."""


class PrintError(ZJError, ValueError):
    """A print option (preset, paper, format, language, input) is not valid."""


class PrintFontError(PrintError):
    """No font that can show Chinese text is installed."""


class BasemapWarning(UserWarning):
    """The optional tile basemap could not be fetched; the map is printed without it."""


class ImportFileError(ZJError):
    """A planner's file cannot be imported; ``kind`` says why in one word.

    Kinds: ``not_geo``, ``broken``, ``zip_no_shp``, ``zip_many_shp``, ``zip_unsafe``,
    ``zip_bomb``, ``too_large``, ``encoding``, ``empty``, ``layer`` (no such layer),
    ``columns`` (CSV without coordinate columns).
    """

    def __init__(self, kind: str, en: str, zh: str = "") -> None:
        self.kind = kind
        super().__init__(en, zh)


class ImportGeometryError(GeometryError):
    """Imported geometry is unusable: ``kind`` is ``invalid``, ``mixed``, ``outside`` or ``empty``."""

    def __init__(self, kind: str, en: str, zh: str = "") -> None:
        self.kind = kind
        super().__init__(en, zh)


class ProjectFileError(ZJError):
    """A project file cannot be saved or opened."""


class MapOptionError(ZJError, ValueError):
    """A map option (zoom, opacity) is out of range."""


class OfflineAssetError(ZJError):
    """A web asset the map needs is not available from the installed packages."""


class BasemapKeyError(ZJError):
    """A basemap needs a key that is not configured (or is malformed)."""


class UnknownBasemapError(ZJError, ValueError):
    """No basemap with this id."""


class OverlayWarning(UserWarning):
    """A planner's layer was not drawn on a printed map (empty, no CRS, far from the map); the map was printed without it."""


class ExportWarning(UserWarning):
    """Something about an export the planner should know (it was still written)."""


class TraceDescriptionError(ZJError, ValueError):
    """A boundary description (四至) cannot make a ring: too few edges, wrong order, a loop."""


class TraceError(ZJError):
    """A boundary cannot be traced in an OSM extract; ``kind`` says why in one word.

    Kinds: ``missing`` (a named road or river is not in the extract), ``apart`` (two edges
    never meet), ``broken`` (an edge's own ways have a break longer than allowed),
    ``self_intersection`` (the ring would cross itself), ``no_ring`` (the edges enclose nothing).
    ``where`` is a WGS84 (lon, lat) the planner can look at, when there is one.
    """

    def __init__(self, kind: str, en: str, zh: str = "", where: tuple[float, float] | None = None) -> None:
        self.kind = kind
        self.where = where
        super().__init__(en, zh)


__all__ += ["LandUseError"]


class LandUseError(ZJError, ValueError):
    """A land-use code system, column or table option is unknown or unusable (geo.landuse)."""


class StyleError(ZJError, ValueError):
    """A thematic style cannot be made or read: an unknown kind, method or palette, a column the
    layer lacks, a column without usable values, or a malformed style from a project file."""
