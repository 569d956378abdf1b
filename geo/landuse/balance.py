"""The land-use balance table (用地平衡表): area and share of each class, overall and per zone.

Areas are geodesic (:func:`geo.measure.geodesic_area_m2` on the WGS84 ellipsoid), so the
table does not depend on the layer's projection. The total is the summed area of all polygons
(a parcel layer's parcels do not overlap; overlapping parcels would be counted twice), and the
class rows plus the "未识别 / unknown" row add up to it: no parcel is lost. A mixed parcel
("R2/B1") counts in its first code's class; the ``note`` column says how many were mixed.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.bilingual import Bilingual, check_lang
from geo.crs import to_wgs84
from geo.errors import LandUseError
from geo.landuse.codes import SYSTEM_NAMES, LandUseClass, check_system, classes
from geo.landuse.recognise import classify, unknown_codes
from geo.measure import geodesic_area_m2

__all__ = ["BalanceTable", "balance_table", "HEADERS", "OUTSIDE", "KINDS"]

#: Row kinds: a class at the chosen level, a level-1 subtotal (level ≥ 2 only), the unknown
#: codes, the total. The ``class`` and ``unknown`` rows add up to the total.
KINDS = ("class", "subtotal", "unknown", "total")
#: The key of the "outside every zone" column.
OUTSIDE = "outside"
#: Column headers of the exported table.
HEADERS = {
    "code": Bilingual("代码", "Code"),
    "name": Bilingual("用地名称", "Land use"),
    "parcels": Bilingual("地块数", "Parcels"),
    "area_ha": Bilingual("面积 (公顷)", "Area (ha)"),
    "share": Bilingual("占比 (%)", "Share (%)"),
    "note": Bilingual("备注", "Note"),
    "zone_area": Bilingual("{zone} 面积 (公顷)", "{zone} area (ha)"),
    "zone_share": Bilingual("{zone} 占比 (%)", "{zone} share (%)"),
}
_OUTSIDE_NAME = Bilingual("分区外", "outside zones")
_UNKNOWN = Bilingual("未识别", "unknown")
_TOTAL = Bilingual("合计", "total")
_SUBTOTAL = Bilingual("{name} 小计", "{name}, subtotal")
_NOT_SUBDIVIDED = Bilingual("{n} 块未细分到本级", "{n} parcels not subdivided to this level")
_MIXED = Bilingual("{n} 块混合用地 (按首个代码计)", "{n} mixed-use parcels (counted by their first code)")
_OVERLAP = Bilingual("分区相互重叠 {m2:.0f} m²: 重叠部分在每个分区中都计入",
                     "zones overlap by {m2:.0f} m²: the overlap counts in each zone")
_NOT_AREAL = Bilingual("{n} 个非面要素没有面积", "{n} features are not polygons and have no area")
#: Decimals of the exported numbers: 0.0001 ha = 1 m², 0.01 %.
_HA_DECIMALS, _SHARE_DECIMALS = 4, 2


@dataclass(frozen=True)
class BalanceTable:
    """A land-use balance table.

    Attributes
    ----------
    rows : DataFrame
        One row per class (standard order), subtotal, unknown and total: ``code``, ``level``,
        ``kind`` (:data:`KINDS`), ``name_zh``, ``name_en``, ``colour``, ``parcels``, ``area_m2``,
        ``share`` (0–1 of the total), ``note_zh``, ``note_en``; with zones, ``area_m2@<zone>``
        and ``share@<zone>`` for each zone and for :data:`OUTSIDE`.
    total_m2 : float
        Summed geodesic area of all polygons.
    unknown : dict
        Raw value → parcels, for values that matched no class.
    system, level : str or None, int
        The code system (``None`` when no value matched any) and the level of the class rows.
    zones : tuple of str
        Zone names, in order (empty without zones).
    notes : tuple of Bilingual
        What the planner should know (overlapping zones, features without area).
    """

    rows: pd.DataFrame
    total_m2: float
    unknown: dict[str, int]
    system: str | None
    level: int
    zones: tuple[str, ...] = ()
    notes: tuple[Bilingual, ...] = field(default_factory=tuple)

    def _columns(self) -> list[tuple[str, str | None]]:
        """(header key, zone) of each exported column."""
        cols: list[tuple[str, str | None]] = [("code", None), ("name", None), ("parcels", None),
                                              ("area_ha", None), ("share", None)]
        for zone in (*self.zones, OUTSIDE) if self.zones else ():
            cols += [("zone_area", zone), ("zone_share", zone)]
        return cols + [("note", None)]

    def headers(self, lang: str) -> list[str]:
        """The exported column headers in ``lang`` ("zh" or "en")."""
        check_lang(lang)
        out = []
        for key, zone in self._columns():
            if zone is None:
                out.append(HEADERS[key].get(lang))
            else:
                label = _OUTSIDE_NAME.get(lang) if zone == OUTSIDE else zone
                out.append(HEADERS[key].format(zone=label).get(lang))
        return out

    def records(self, lang: str) -> list[list[object]]:
        """The exported rows: numbers rounded (ha to 4 decimals, % to 2), text in ``lang``."""
        check_lang(lang)
        out = []
        for row in self.rows.to_dict("records"):
            values: list[object] = []
            for key, zone in self._columns():
                if key == "code":
                    values.append(row["code"])
                elif key == "name":
                    values.append(row[f"name_{lang}"])
                elif key == "parcels":
                    values.append(int(row["parcels"]))
                elif key == "area_ha":
                    values.append(round(float(row["area_m2"]) / 1e4, _HA_DECIMALS))
                elif key == "share":
                    values.append(round(float(row["share"]) * 100, _SHARE_DECIMALS))
                elif key == "zone_area":
                    values.append(round(float(row[f"area_m2@{zone}"]) / 1e4, _HA_DECIMALS))
                elif key == "zone_share":
                    values.append(round(float(row[f"share@{zone}"]) * 100, _SHARE_DECIMALS))
                else:
                    values.append(row[f"note_{lang}"])
            out.append(values)
        return out

    def to_csv(self, lang: str = "zh") -> bytes:
        """The table as CSV, UTF-8 with a byte-order mark (Excel opens it with the right encoding)."""
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(self.headers(lang))
        writer.writerows(self.records(lang))
        return buf.getvalue().encode("utf-8-sig")

    def to_xlsx(self, lang: str = "zh") -> bytes:
        """The table as an Excel workbook (one sheet, the same numbers as :meth:`to_csv`)."""
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        book = Workbook()
        sheet = book.active
        sheet.title = "用地平衡表" if lang == "zh" else "Land-use balance"
        sheet.append(self.headers(lang))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values, row in zip(self.records(lang), self.rows.to_dict("records")):
            sheet.append(values)
            if row["kind"] in ("subtotal", "total"):
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
            if isinstance(row["colour"], str) and row["colour"]:
                sheet.cell(sheet.max_row, 1).fill = PatternFill("solid", fgColor=row["colour"][1:])
        sheet.column_dimensions["B"].width = 28
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    @property
    def title(self) -> Bilingual:
        """"用地平衡表 (system, level)" in both languages."""
        if self.system is None:
            return Bilingual("用地平衡表", "Land-use balance")
        name = SYSTEM_NAMES[self.system]
        return Bilingual(f"用地平衡表 ({name.zh}, 第 {self.level} 级)",
                         f"Land-use balance ({name.en}, level {self.level})")


def _ancestor(cls: LandUseClass, table: dict[str, LandUseClass], level: int) -> LandUseClass:
    while cls.level > level and cls.parent is not None:
        cls = table[cls.parent]
    return cls


def _zone_areas(wgs: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, float]:
    """Per parcel: area inside each zone (parcels × zones), area outside every zone, zone overlap m²."""
    geoms = wgs.geometry.to_numpy()
    zgeoms = [shapely.make_valid(g) for g in zones.geometry.to_numpy()]
    inside = np.zeros((len(geoms), len(zgeoms)))
    tree = shapely.STRtree(geoms)
    for j, zone in enumerate(zgeoms):
        hits = tree.query(zone, predicate="intersects")
        for i, piece in zip(hits, shapely.intersection(geoms[hits], zone)):
            inside[i, j] = geodesic_area_m2(piece)
    union = shapely.union_all(zgeoms)
    outside = np.array([geodesic_area_m2(g) for g in geoms])
    hits = tree.query(union, predicate="intersects")
    for i, rest in zip(hits, shapely.difference(geoms[hits], union)):
        outside[i] = geodesic_area_m2(rest)
    overlap = sum(geodesic_area_m2(z) for z in zgeoms) - geodesic_area_m2(union)
    return inside, outside, max(overlap, 0.0)


def _zone_names(zones: gpd.GeoDataFrame, zone_column: str | None) -> list[str]:
    if zone_column is None:
        return [str(i + 1) for i in range(len(zones))]
    if zone_column not in zones.columns:
        raise LandUseError(f"the zones have no column {zone_column!r}", f"分区图层没有字段 {zone_column!r}")
    names = [str(v) for v in zones[zone_column].tolist()]
    seen: dict[str, int] = {}
    out = []
    for name in names:  # duplicate names get a suffix so that each zone has its own column
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def balance_table(frame: gpd.GeoDataFrame, column: str, *, system: str | None = None, level: int = 1,
                  zones: gpd.GeoDataFrame | None = None, zone_column: str | None = None) -> BalanceTable:
    """The land-use balance table of a parcel layer.

    Parameters
    ----------
    frame : GeoDataFrame
        Parcels, any CRS (brought to WGS84 for geodesic areas).
    column : str
        The land-use code column (see :func:`geo.landuse.recognise.guess_code_column`).
    system : {"gb50137", "gtkj2023"}, optional
        The code system; detected from the values when omitted.
    level : int
        1 = 大类 / 一级类, 2 = 中类 / 二级类 (with level-1 subtotals), 3 = 小类 / 三级类.
        Parcels coded only at a coarser level count in that coarser class ("not subdivided").
    zones : GeoDataFrame, optional
        Zone polygons, any CRS: the table gains each zone's area and share (intersection areas)
        and the area outside every zone, so that each row's zones and outside add up to it.
    zone_column : str, optional
        Column of ``zones`` with their names (default: 1, 2, …).

    Raises
    ------
    LandUseError
        Unknown column, system or level.
    CRSError
        A layer declares no CRS.
    """
    if column not in frame.columns:
        raise LandUseError(f"the layer has no column {column!r}", f"图层没有字段 {column!r}")
    if level not in (1, 2, 3):
        raise LandUseError(f"level must be 1, 2 or 3, not {level!r}", f"级别应为 1、2 或 3, 而不是 {level!r}")
    if system is not None:
        check_system(system)
    wgs = to_wgs84(frame)
    areas = np.array([geodesic_area_m2(g) for g in wgs.geometry])
    result = classify(frame[column], system)
    system = system or next((s for s in result["system"].tolist() if s is not None), None)
    table = classes(system) if system is not None else {}
    notes: list[Bilingual] = []
    areal = wgs.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if (~areal).any():
        notes.append(_NOT_AREAL.format(n=int((~areal).sum())))

    names = _zone_names(zones, zone_column) if zones is not None else []
    parts: dict[str, np.ndarray] = {}
    if zones is not None:
        inside, outside, overlap = _zone_areas(wgs, to_wgs84(zones))
        parts = {name: inside[:, j] for j, name in enumerate(names)}
        parts[OUTSIDE] = outside
        if overlap > 1.0:
            notes.append(_OVERLAP.format(m2=overlap))

    group = np.array([_ancestor(table[c], table, level).code if k else "" for c, k in
                      zip(result["class_code"].tolist(), result["known"].tolist())], dtype=object)
    mixed = (result["mixed"] != "").to_numpy()
    rows: list[dict] = []

    def add(code: str, lvl: int | None, kind: str, name: Bilingual, colour: str | None, mask: np.ndarray,
            note: Bilingual = Bilingual("", "")) -> None:
        row = {"code": code, "level": lvl, "kind": kind, "name_zh": name.zh, "name_en": name.en,
               "colour": colour, "parcels": int(mask.sum()), "area_m2": float(areas[mask].sum()),
               "note_zh": note.zh, "note_en": note.en}
        row.update({f"area_m2@{z}": float(v[mask].sum()) for z, v in parts.items()})
        rows.append(row)

    present = set(group.tolist()) - {""}
    for top in (c for c in table.values() if c.level == 1):
        members = [c for c in table.values() if c.code in present and _ancestor(c, table, 1) is top]
        if not members:
            continue
        if level > 1:
            in_top = np.isin(group, [c.code for c in members])
            subtotal = Bilingual(_SUBTOTAL.zh.format(name=top.name_zh), _SUBTOTAL.en.format(name=top.name_en))
            add(top.code, 1, "subtotal", subtotal, top.colour, in_top)
        for cls in members:
            mask = group == cls.code
            notes_here = []
            if cls.level < level:
                notes_here.append(_NOT_SUBDIVIDED.format(n=int(mask.sum())))
            if (mask & mixed).any():
                notes_here.append(_MIXED.format(n=int((mask & mixed).sum())))
            note = Bilingual("; ".join(n.zh for n in notes_here), "; ".join(n.en for n in notes_here))
            add(cls.code, cls.level, "class", cls.name, cls.colour, mask, note)
    unknown_mask = ~result["known"].to_numpy(dtype=bool)
    unknown = unknown_codes(result)
    if unknown_mask.any():
        listing = ", ".join(f"{raw} ×{n}" for raw, n in unknown.items())
        add("", None, "unknown", _UNKNOWN, None, unknown_mask, Bilingual(listing, listing))
    add("", None, "total", _TOTAL, None, np.ones(len(areas), dtype=bool))

    out = pd.DataFrame(rows)
    out["level"] = out["level"].astype("Int64")
    total = float(areas.sum())
    out["share"] = out["area_m2"] / total if total > 0 else 0.0
    for z in parts:
        zone_total = float(parts[z].sum())
        out[f"share@{z}"] = out[f"area_m2@{z}"] / zone_total if zone_total > 0 else 0.0
    return BalanceTable(rows=out, total_m2=total, unknown=unknown, system=system, level=level,
                        zones=tuple(names), notes=tuple(notes))
