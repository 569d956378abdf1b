"""Benchmark: server time of app reruns and bytes sent for the default view.

Run: .venv/bin/python bench/bench_app.py [--repeat N]

Figures, side by side in one run (this machine is noisy, so each is the median of N):
* first run of a session (cold caches inside the process are warmed once beforehand),
* a rerun with nothing changed, a layer switched off, the language switched, the basemap switched,
* bytes of the map HTML the browser receives for the default view.
Times are Streamlit's script time measured by ``streamlit.testing.v1.AppTest``; the
browser's own rendering is not included.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from layers.webmap import payload as webmap  # noqa: E402


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    n = ap.parse_args().repeat
    app = str(ROOT / "app.py")

    warm = AppTest.from_file(app, default_timeout=120)
    warm.run()  # warms the per-process layer caches once, as a running server would be
    if warm.exception:
        raise SystemExit(f"app raised: {warm.exception}")

    results: dict[str, list[float]] = {k: [] for k in
                                       ("first run", "rerun, no change", "layer off", "language switch",
                                        "basemap switch")}
    for _ in range(n):
        at = AppTest.from_file(app, default_timeout=120)
        results["first run"].append(_timed(at.run))
        results["rerun, no change"].append(_timed(at.run))
        at.checkbox(key="layer_sites").uncheck()
        results["layer off"].append(_timed(at.run))
        at.radio(key="lang_choice").set_value("English")
        results["language switch"].append(_timed(at.run))
        at.selectbox(key="basemap_en").set_value("osm")
        results["basemap switch"].append(_timed(at.run))
        assert not at.exception, at.exception

    print(f"app reruns, server time (median of {n}, AppTest, 2-core machine)")
    for name, values in results.items():
        print(f"  {name:<18} {statistics.median(values) * 1000:7.0f} ms   (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})")

    sizes = webmap.default_view_bytes()
    print(f"default view bytes: standalone HTML {sizes['html']:,}; sent by st_folium ≤ {sizes['st_folium']:,} "
          f"({sizes['st_folium'] / 2**20:.2f} MiB; target ≤ 2 MiB)")

if __name__ == "__main__":
    main()
