"""``python -m layers coverage --towns``: every town's figures, a progress bar, one GeoPackage."""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
import time
from typing import Any


from geo.errors import CoverageError

__all__ = ["ProgressBar", "run_towns"]

class ProgressBar:
    """A one-line progress bar with the time left, on ``stream`` (stderr).

    On a terminal it redraws in place; elsewhere (a log) it writes a line per stage and
    per tenth of the units.
    """

    def __init__(self, stream: Any = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.t0 = time.perf_counter()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = ("", -1)

    def __call__(self, stage: str, done: float, total: float) -> None:
        from geo.citywide.batch import progress_share, time_left
        frac = progress_share(stage, done, total)
        elapsed = time.perf_counter() - self.t0
        left = time_left(elapsed, frac)
        eta = "" if left is None else f", about {left:.0f} s left"
        bar = "#" * int(frac * self.width)
        text = f"[{bar:<{self.width}}] {100 * frac:3.0f}% {stage} · {elapsed:.0f} s{eta}"
        tenth = int(frac * 10)
        if self.tty:
            self.stream.write("\r" + text)
            if frac >= 1.0:
                self.stream.write("\n")
        elif (stage, tenth) != self._last:
            self.stream.write(text + "\n")
        self._last = (stage, tenth)
        self.stream.flush()


def run_towns(args, osm, own: dict, parcels: dict | None, params: dict, t0: float) -> int:
    """The check for every town of ``--towns`` at once; prints the table, writes ``--out``."""
    from layers.coverage.areas import read_frame
    from layers.coverage.cli import pct
    from layers.coverage.zonal import district_zones, run_zones
    if args.new_green:
        raise CoverageError("--new-green compares one area before and after: give it without --towns",
                            "--new-green 只用于单一范围的方案比较, 请勿与 --towns 同用")
    zones = district_zones() if str(args.towns).lower() == "districts" else read_frame(args.towns)
    column = "name" if str(args.towns).lower() == "districts" else args.towns_column
    bar = ProgressBar()
    parts = str(args.parts or "")
    by, n_parts = (None, int(parts)) if parts.isdigit() else (parts or None, None)
    with _client(args.dask) as client:
        result = run_zones(osm, args.area, args.check, params, zones=zones, zone_column=column,
                           demand_kind=args.demand, own=own, parcels=parcels, progress=bar,
                           parts_by=by, n_parts=n_parts, client=client,
                           processes=(os.cpu_count() or 1) if (os.cpu_count() or 1) > 1 else None)
    bar("units", 1, 1)
    if args.out:
        result.to_gpkg(args.out)
    if args.gaps_out:
        driver = "GPKG" if args.gaps_out.lower().endswith(".gpkg") else "GeoJSON"
        result.gaps.to_file(args.gaps_out, driver=driver)
    out = result.summary()
    out["osm"] = str(osm)
    out["total_elapsed_s"] = round(time.perf_counter() - t0, 3)
    out["out"] = args.out
    if args.json:
        table = result.table.astype(object).where(result.table.notna(), None)
        print(json.dumps({**out, "table": table.to_dict(orient="records")}, ensure_ascii=False, default=str))
        return 0
    key = result.weight_key
    target = "" if result.target is None else f"; target {100 * result.target:.0f}%: " \
        f"{result.meets()} of {out['zones_with_demand']} towns with demand meet it"
    print(f"{result.check} · {result.area} · {out['zones']} towns · {out['units']:,} units{target}")
    print(f"  whole area: {pct(result.share)} within {result.distance_m:.0f} m "
          f"(straight-line buffer {pct(result.share_buffer)})")
    for row in result.table.sort_values("share", na_position="last").itertuples(index=False):
        total = getattr(row, f"total_{key}")
        print(f"    {row.zone}: {pct(row.share)} (buffer {pct(row.share_buffer)}), "
              f"{total:,.3f} {key.replace('km2', 'km²')}")
    for n in result.notes:
        print(f"  note: {n}")
    times = ", ".join(f"{k[:-2]} {v:.1f} s" for k, v in result.timings.items())
    print(f"  {times}; total {out['total_elapsed_s']:.1f} s" + (f"; written {args.out}" if args.out else ""))
    return 0


@contextmanager
def _client(address: str | None) -> Iterator[Any]:
    """A Dask client: ``None`` (no Dask), ``"local"`` (a LocalCluster, one worker process per
    core) or a scheduler's address; closed at the end."""
    if not address:
        yield None
        return
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise CoverageError("--dask needs the dask[distributed] package", "--dask 需要安装 dask[distributed]") from exc
    if address == "local":
        with LocalCluster(n_workers=max(1, os.cpu_count() or 1), threads_per_worker=1,
                          processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
    else:
        with Client(address) as client:
            yield client
