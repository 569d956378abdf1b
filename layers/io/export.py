"""Export layers for a planner's own GIS: GeoJSON, GeoPackage, zipped Shapefile, KML, CSV (the façade).

Anything the app holds can be exported: catalogue layers (:func:`export_layers`), a
whole group (:func:`export_group`), or frames the planner drew or computed, coverage
gaps included (:func:`export_frames`, :func:`export_bytes`). Every export is **one
file**. Where each rule lives:

* formats (:data:`FORMATS`): :mod:`layers.io.exportformats`; ``gpkg``, ``shp`` (always
  a zip) and ``kml`` hold several layers, ``geojson`` and ``csv`` one (several become a
  zip: :mod:`layers.io.bundle`);
* coordinates (:data:`CRS_CHOICES`, :func:`resolve_crs`, GCJ-02 naming):
  :mod:`layers.io.exportcrs`;
* names, attributes as plain values, frames in the target CRS: :mod:`layers.io.prepare`;
* provenance (``PROVENANCE.txt``, ``layer_provenance`` table): :mod:`layers.io.provenance`;
* one writer per format: :mod:`~layers.io.geojson_writer`, :mod:`~layers.io.gpkg_writer`,
  :mod:`~layers.io.shapefile_writer`, :mod:`~layers.io.kml_writer`, :mod:`~layers.io.csv_writer`.

Attribute text is data: it is written verbatim (never HTML-escaped); list and dict
values become JSON text. Stored data are WGS84; nothing here changes them.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import geopandas as gpd

from geo.errors import CRSError, ExportWarning, LayerNotFoundError
from layers.io.bundle import write_bundle
from layers.io.csv_writer import write_csv
from layers.io.exportcrs import CRS_CHOICES, GCJ02_WARNING, CRSChoice, Target, resolve_crs
from layers.io.exportformats import FORMATS, ExportFormat, check_format
from layers.io.geojson_writer import write_geojson
from layers.io.gpkg_writer import write_gpkg
from layers.io.kml_writer import kml_document, write_kml
from layers.io.prepare import Prepared, prepare, safe_names, serialise_attributes
from layers.io.provenance import OSM_DERIVED_PROVENANCE, PROVENANCE_FILE, PROVENANCE_TABLE, layer_provenance
from layers.io.shapefile_writer import read_field_mapping, short_field_names, write_shp

__all__ = ["CRS_CHOICES", "FORMATS", "GCJ02_WARNING", "CRSChoice", "ExportFormat", "ExportReport",
           "ExportWarning", "OSM_DERIVED_PROVENANCE", "PROVENANCE_FILE", "PROVENANCE_TABLE", "Target",
           "check_format", "export_bytes", "export_frames", "export_group", "export_layers", "export_report",
           "group_layer_ids", "kml_document", "layer_provenance", "load_layers", "output_path",
           "read_field_mapping", "resolve_crs", "safe_names", "serialise_attributes", "short_field_names"]

#: Writers of the formats that hold one layer per file.
WRITERS_ONE: dict[str, Callable[[Prepared, Path, Target], None]] = {"geojson": write_geojson, "csv": write_csv}
#: Writers of the formats that hold every layer in one file.
WRITERS_MANY: dict[str, Callable[[list[Prepared], Path, Target], None]] = {
    "gpkg": write_gpkg, "shp": write_shp, "kml": write_kml}


@dataclass
class ExportReport:
    """What an export wrote: the file(s), features per layer, the CRS, notes for the planner."""

    paths: list[Path]
    format: str
    target: Target
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


_KNOWN_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".kml", ".csv", ".shp"}


def output_path(out: str | Path, fmt: str, target: Target, stem: str, bundled: bool) -> Path:
    """Where an export goes: ``out``, or in a folder ``out`` the file ``<stem>_<CRS tag>.<ext>``
    (``<stem>_<CRS tag>_<format>.zip`` when zipped), with the format's extension and
    ``_GCJ02`` added for GCJ-02 (e.g. ``hitech_parks_WGS84.kml``, ``corridors_EPSG4550_shp.zip``)."""
    ext = ".zip" if bundled else FORMATS[fmt].extension
    folder = str(out).endswith(("/", os.sep))
    out = Path(out)
    if folder or out.is_dir():
        base = out / (f"{stem}_{target.tag}" + (f"_{fmt}" if bundled else ""))
        keep = None
    else:
        suffix = out.suffix.lower()
        keep = suffix if (suffix == ext or (fmt == "geojson" and not bundled and suffix == ".json")) else None
        base = out.with_name(out.name[: -len(suffix)]) if suffix in _KNOWN_SUFFIXES else out
    name = base.name
    if target.gcj02 and "GCJ02" not in name.upper():
        name += "_GCJ02"
    return base.with_name(name + (keep or ext))


def export_report(frames: Mapping[str, gpd.GeoDataFrame | None], fmt: str, out: str | Path,
                  crs: str = "wgs84", *, stem: str | None = None,
                  provenance: Mapping[str, Mapping] | None = None) -> ExportReport:
    """Export ``frames`` and report what was written (see :func:`export_frames`)."""
    fmt = check_format(fmt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExportWarning)
        target = resolve_crs(crs, {k: v for k, v in frames.items() if v is not None})
        if fmt == "kml" and not target.is_wgs84:
            raise CRSError(f"KML is WGS84 by definition; export it as wgs84 (or gcj02), not {target.crs}",
                           f"KML 只能使用 WGS84 坐标 (或 GCJ-02), 不能导出为 {target.crs}")
        layers_ = prepare(frames, target, provenance)
        bundled = fmt == "shp" or (len(layers_) > 1 and not FORMATS[fmt].multi_layer)
        default_stem = stem or (layers_[0].name if len(layers_) == 1 else "zhangjiang_layers")
        path = output_path(out, fmt, target, default_stem, bundled)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp) / path.name
            if fmt in WRITERS_MANY:
                WRITERS_MANY[fmt](layers_, work, target)
            elif bundled:
                write_bundle(layers_, work, fmt, target, WRITERS_ONE[fmt])
            else:
                WRITERS_ONE[fmt](layers_[0], work, target)
            shutil.move(str(work), path)
    notes = [str(w.message) for w in caught if issubclass(w.category, ExportWarning)]
    for w in caught:  # pass on anything else
        if not issubclass(w.category, ExportWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    for n in notes:
        warnings.warn(ExportWarning(n), stacklevel=2)
    return ExportReport([path], fmt, target, {p.name: int(len(p.frame)) for p in layers_},
                        notes + list(target.notes))


def export_frames(frames: Mapping[str, gpd.GeoDataFrame | None], fmt: str, out: str | Path,
                  crs: str = "wgs84", *, stem: str | None = None,
                  provenance: Mapping[str, Mapping] | None = None) -> list[Path]:
    """Write frames (catalogue layers, drawings, coverage results) for another GIS.

    Parameters
    ----------
    frames : mapping of str to GeoDataFrame
        Layer name → frame with a declared CRS. Names become ASCII file/table names
        (:func:`safe_names`); a catalogue id brings the catalogue's provenance.
    fmt : str
        A key of :data:`FORMATS`.
    out : path
        The file to write (its extension is corrected to the format's; ``_GCJ02`` is
        added for GCJ-02) or an existing folder (the file is ``<stem>_<CRS tag>.<ext>``).
    crs : str
        A key of :data:`CRS_CHOICES` or ``"EPSG:xxxx"`` (:func:`resolve_crs`).
    stem : str, optional
        File name stem when ``out`` is a folder; default the layer's name, or
        ``zhangjiang_layers`` for several.
    provenance : mapping, optional
        Layer name → provenance keys (``source``, ``method``, ``date``, ``accuracy_m``,
        ``licence``, ``attribution``, ``notes``, ``title_zh``, ``title_en``) overriding
        the catalogue's or the defaults.

    Returns
    -------
    list of Path
        The written file (always one: several layers of a single-layer format are zipped).

    Raises
    ------
    LayerFileError, CRSError, GeometryError
    """
    return export_report(frames, fmt, out, crs, stem=stem, provenance=provenance).paths


def load_layers(layer_ids: Iterable[str]) -> dict[str, gpd.GeoDataFrame]:
    """The catalogue layers ``layer_ids``, loaded and validated, by id."""
    from layers.catalogue.loading import load
    return {i: load(i) for i in layer_ids}


def export_layers(layer_ids: Iterable[str], fmt: str, out: str | Path, crs: str = "wgs84") -> list[Path]:
    """Export catalogue layers (validated, with their provenance); see :func:`export_frames`.

    Raises
    ------
    LayerNotFoundError, LayerFileError, LayerValidationError, CRSError, GeometryError
    """
    ids = list(layer_ids)
    return export_frames(load_layers(ids), fmt, out, crs, stem=ids[0] if len(ids) == 1 else None)


def group_layer_ids(group: str) -> list[str]:
    """Catalogue ids of a group (:data:`layers.catalogue.spec.GROUPS`), in catalogue order."""
    from layers.catalogue.entries import LAYERS
    from layers.catalogue.spec import GROUPS
    if group not in GROUPS:
        raise LayerNotFoundError(f"no layer group '{group}'; known groups: {', '.join(GROUPS)}",
                                 f"没有图层组 '{group}'")
    return [spec.id for spec in LAYERS if spec.group == group]


def export_group(group: str, fmt: str, out: str | Path, crs: str = "wgs84") -> list[Path]:
    """Export every layer of a group; a folder ``out`` gets ``zhangjiang_<group>_<CRS>.<ext>``."""
    return export_frames(load_layers(group_layer_ids(group)), fmt, out, crs, stem=f"zhangjiang_{group}")


def export_bytes(frames: Mapping[str, gpd.GeoDataFrame | None], fmt: str, crs: str = "wgs84", *,
                 stem: str | None = None, provenance: Mapping[str, Mapping] | None = None
                 ) -> tuple[str, bytes]:
    """An export as ``(file name, bytes)`` for a download button (see :func:`export_frames`)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = export_frames(frames, fmt, Path(tmp), crs, stem=stem, provenance=provenance)[0]
        return path.name, path.read_bytes()
