"""Benchmark: server time of app reruns and bytes sent for the default view (issue 14 targets).

Run: .venv/bin/python bench/bench_app.py [--repeat N] [--profile]

Figures, side by side in one run (this 2-core machine is noisy, so each is the median of N
sessions; min and max beside it):

* the first run of a session (the per-process layer caches are warmed once beforehand, as in
  a running server), a rerun with nothing changed;
* a rerun after a layer switch (``sites`` off), the language switch (English), a basemap
  switch, switching the map's name labels on, switching meeting mode on, and a step (▶) of
  the saved-view sequence (shown in meeting mode);
* the bytes the browser receives for the default view's map: the map the app itself builds
  on its first run (the call to ``build_map_report`` is recorded and made again, so the
  rendered map is not rendered twice) and ``layers.webmap.payload.default_view_bytes`` (the
  builder's defaults: layer control, no labels).

Targets (issue 14): layer switch and language switch ≤ 0.3 s server time; default view
≤ 2 MB (``geo.settings.MAP_BYTES_BUDGET``) sent. Each figure is printed with "met" / "NOT met".
Server time is the script's run in Streamlit's script thread (``app.py`` from start to end,
the map rendered for ``st_folium`` included), driven by ``streamlit.testing.v1.AppTest``; the
browser's own rendering is not included. ``--profile`` adds cProfile listings (top costs by cumulative
and by own time, file:line) of a layer-switch and a language-switch rerun.
No assertion; not collected by pytest.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit  # noqa: E402
from streamlit.runtime.scriptrunner import script_runner  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from geo import settings  # noqa: E402
from layers.ui import mapview  # noqa: E402
from layers.webmap import payload as webmap  # noqa: E402

APP = str(ROOT / "app.py")
#: Where installed packages live (cut from the profile's file names).
SITE = str(Path(streamlit.__file__).resolve().parent.parent) + "/"
#: Seconds of server time allowed per rerun (issue 14).
RERUN_TARGET_S = 0.3
#: The reruns the issue sets a target for.
TARGETED = ("layer switch", "language switch")
#: Widget keys of the labels switch and the saved-view sequence's ▶ (helper B's widgets).
LABELS_KEY = "labels"
FORWARD_KEY = "seq_next"


class Recorder:
    """Wraps ``layers.ui.mapview.build_map_report`` to keep the arguments of its last call."""

    def __init__(self) -> None:
        self.real = mapview.build_map_report
        self.last: tuple[tuple, dict] | None = None

    def __call__(self, *args: Any, **kwargs: Any):
        self.last = (args, kwargs)
        return self.real(*args, **kwargs)


class ScriptClock:
    """Wraps the call that runs the app's script (in Streamlit's script thread): times each run
    and, when :attr:`profiler` is set, profiles it (cProfile is per thread)."""

    def __init__(self) -> None:
        self.real = script_runner.exec_func_with_error_handling
        self.last = 0.0
        self.profiler: cProfile.Profile | None = None

    def __call__(self, func, ctx):
        prof = self.profiler
        t = time.perf_counter()
        if prof is not None:
            prof.enable()
        try:
            return self.real(func, ctx)
        finally:
            if prof is not None:
                prof.disable()
            self.last = time.perf_counter() - t


CLOCK = ScriptClock()


def _timed(at: AppTest) -> float:
    """Run the app once; the script's own time (Streamlit's script thread, ``time.perf_counter``)."""
    at.run()
    if at.exception:
        raise SystemExit(f"app raised: {at.exception}")
    return CLOCK.last


def _by_key(at: AppTest, kind: str, key: str):
    """The widget of ``kind`` ("checkbox", "toggle", "button", …) with ``key``; None when absent."""
    try:
        return getattr(at, kind)(key=key)
    except KeyError:
        return None


def _switch_on(at: AppTest, key: str) -> bool:
    """Switch the checkbox or toggle ``key`` on; False when the app has none."""
    widget = _by_key(at, "checkbox", key) or _by_key(at, "toggle", key)
    if widget is None:
        return False
    widget.set_value(True)
    return True


def _press(at: AppTest, key: str) -> bool:
    """Click the button ``key``; False when the app has none."""
    button = _by_key(at, "button", key)
    if button is None:
        return False
    button.click()
    return True


#: Each step after the first run: (name, action on the AppTest; False when the widget is missing).
STEPS: list[tuple[str, Callable[[AppTest], bool]]] = [
    ("rerun, no change", lambda at: True),
    ("layer switch", lambda at: bool(at.checkbox(key="layer_sites").uncheck())),
    ("language switch", lambda at: bool(at.radio(key="lang_choice").set_value("English"))),
    ("basemap switch", lambda at: bool(at.selectbox(key="basemap").set_value("osm"))),
    ("labels on", lambda at: _switch_on(at, LABELS_KEY)),
    ("meeting mode on", lambda at: _switch_on(at, "meeting")),
    ("sequence step ▶", lambda at: _press(at, FORWARD_KEY)),
]


def session(results: dict[str, list[float]], missing: set[str]) -> None:
    """One session: the first run and every step of :data:`STEPS`, timed."""
    at = AppTest.from_file(APP, default_timeout=120)
    results["first run"].append(_timed(at))
    for name, action in STEPS:
        if not action(at):
            missing.add(name)
            continue
        results[name].append(_timed(at))


def profile(top: int = 14) -> None:
    """cProfile of a layer-switch and a language-switch rerun (the script thread): top costs, file:line."""
    for name in TARGETED:
        at = AppTest.from_file(APP, default_timeout=120)
        _timed(at)
        dict(STEPS)[name](at)
        CLOCK.profiler = prof = cProfile.Profile()
        try:
            _timed(at)
        finally:
            CLOCK.profiler = None
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(order).print_stats(top)
            body = out.getvalue().replace(SITE, "").replace(f"{ROOT}/", "")
            start = body.find("   ncalls")
            print(f"\n--- profile: rerun after {name}, top {top} by {order} ---")
            print(body[start:].rstrip() if start >= 0 else body.rstrip())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--profile", action="store_true", help="cProfile the targeted reruns")
    args = ap.parse_args()
    n = args.repeat

    script_runner.exec_func_with_error_handling = CLOCK  # type: ignore[assignment]
    recorder = Recorder()
    mapview.build_map_report = recorder  # type: ignore[assignment]  # the app's module, in this process
    warm = AppTest.from_file(APP, default_timeout=120)
    _timed(warm)  # warms the per-process layer caches once, as a running server would be
    first_call = recorder.last

    results: dict[str, list[float]] = {k: [] for k in ["first run"] + [name for name, _ in STEPS]}
    missing: set[str] = set()
    for _ in range(n):
        session(results, missing)

    print(f"app reruns, server time = the script's run (median of {n} sessions, AppTest, 2-core machine)")
    for name, values in results.items():
        if not values:
            print(f"  {name:<18}      —      (the app has no such widget yet)")
            continue
        med = statistics.median(values)
        target = ""
        if name in TARGETED:
            target = f"   target ≤ {RERUN_TARGET_S:.1f} s: {'met' if med <= RERUN_TARGET_S else 'NOT met'}"
        print(f"  {name:<18} {med * 1000:7.0f} ms   (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"
              f"{target}")

    budget = settings.MAP_BYTES_BUDGET
    print(f"default view, bytes sent by st_folium (upper bound; target ≤ {budget:,} bytes)")
    rows = []
    if first_call is not None:
        fargs, fkwargs = first_call
        shown = {k: v for k, v in fkwargs.items() if k in ("layer_control", "labels", "meeting", "url_sync")}
        rows.append((f"as the app builds it {shown}", webmap.payload_bytes(recorder.real(*fargs, **fkwargs).map)))
        if "labels" in fkwargs:  # the same view with the name labels on (not the default; for reference)
            rows.append(("the same with labels on", webmap.payload_bytes(
                recorder.real(*fargs, **{**fkwargs, "labels": True}).map)))
    rows.append(("builder defaults (default_view_bytes)", webmap.default_view_bytes()))
    for name, sizes in rows:
        sent = sizes["st_folium"]
        print(f"  {name}: {sent:,} ({sent / 1e6:.2f} MB; standalone HTML {sizes['html']:,})   "
              f"{'met' if sent <= budget else 'NOT met'}")

    if args.profile:
        profile()


if __name__ == "__main__":
    main()
