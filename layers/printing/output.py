"""Write a print map: PNG at print resolution, or a vector PDF with real text."""
from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import IO

from matplotlib.figure import Figure

from geo import settings
from geo.files import atomic_write
from geo.errors import PrintError
from layers.printing.page import check_format, iso_date
from layers.printing.truetype import swap_to_truetype

__all__ = ["default_filename", "save", "to_bytes"]


def _savefig(fig: Figure, target: str | Path | IO[bytes], fmt: str, dpi: int) -> None:
    import matplotlib
    if fmt == "png":
        fig.savefig(target, format="png", dpi=dpi, facecolor="white")
        return
    info = getattr(fig, "zj_print", None)
    restore = swap_to_truetype(fig)
    try:
        with matplotlib.rc_context({"pdf.fonttype": 42}):
            fig.savefig(target, format="pdf", facecolor="white", metadata={
                "Title": info.title if info else None,
                "Subject": f"{info.preset} ({info.paper})" if info else None,
                "Creator": "Zhangjiang planning map (layers.printing)"})
    finally:
        for t, fp in restore:
            t.set_fontproperties(fp)


def save(fig: Figure, path: str | Path, fmt: str | None = None, dpi: int = settings.PRINT_PNG_DPI) -> Path:
    """Write a print map: PNG (``dpi``, default 300) or vector PDF with real text.

    Parameters
    ----------
    fig : Figure
        From :func:`layers.printing.render.render`.
    path : str or Path
        Output file; its folder must exist. Written atomically (:func:`geo.files.atomic_write`).
    fmt : {"pdf", "png"}, optional
        Default: from the file name's suffix.
    dpi : int
        PNG resolution.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    PrintError
        Unknown format; the file cannot be written.
    """
    p = Path(path)
    f = check_format(fmt or p.suffix or "")

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            _savefig(fig, fh, f, dpi)
    try:
        atomic_write(p, write)  # a failed or killed write never leaves half a map in place of the last
    except OSError as exc:
        raise PrintError(f"cannot write {p}: {exc.strerror or exc}", f"无法写入 {p}: {exc.strerror or exc}") from exc
    return p


def to_bytes(fig: Figure, fmt: str = "pdf", dpi: int = settings.PRINT_PNG_DPI) -> bytes:
    """The print map as PDF or PNG bytes (for a download button)."""
    buf = io.BytesIO()
    _savefig(fig, buf, check_format(fmt), dpi)
    return buf.getvalue()


def default_filename(preset: str, paper: str, fmt: str, date: datetime.date | str | None = None) -> str:
    """``zhangjiang_<preset>_<paper>_<date>.<fmt>``."""
    return f"zhangjiang_{preset}_{str(paper).upper()}_{iso_date(date)}.{check_format(fmt)}"
