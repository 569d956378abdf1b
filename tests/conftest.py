"""Shared fixtures: the reference data beside the checkout (../shared), and for the browser tests
one app server and one Chromium for the whole session (tests/browser_support.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of ../shared/data; skips the test when it is absent."""
    if not (SHARED_DATA / "MANIFEST.md").exists():
        pytest.skip(f"reference data not found at {SHARED_DATA} (CI places ../shared beside the checkout)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def seeds_text() -> str:
    """All five seed documents as one string; skips when ../shared/seeds is absent."""
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip(f"seed documents not found at {SEEDS}")
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The app in Streamlit's AppTest (no browser), run once, with its own OSM cache folder."""
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("ZJ_CACHE_DIR", str(tmp_path / "cache"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def downloads(monkeypatch):
    """What the app's download buttons offer, by key (bytes, or the deferred callable)."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator
    got: dict[str, object] = {}
    real = DeltaGenerator.download_button

    def spy(self, label, data=None, *args, **kwargs):
        got[kwargs.get("key") or label] = data
        return real(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: spy(st._main, *a, **k))
    return got


def open_project(at, filename: str, data: bytes) -> None:
    """Open the project file ``data`` in the AppTest ``at`` as a planner does: the uploader of
    the project panel, then its button."""
    opener = next(u for u in at.file_uploader if u.key and u.key.startswith("prj_open_"))
    opener.set_value((filename, data, "application/geopackage+sqlite3"))
    at.button(key="prj_open_go").click().run()


@pytest.fixture(scope="session")
def app_url():
    """``streamlit run app.py`` on the project's data, one server for every browser test."""
    from tests.browser_support import run_app
    with run_app() as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, one for every browser test (each test opens its own context)."""
    from tests.browser_support import chromium
    with chromium() as b:
        yield b


def pytest_collection_modifyitems(config, items):
    """Mark ``browser`` every test of tests/test_browser*.py and every test that drives Chromium
    (deselect them with ``-m "not browser"``)."""
    for item in items:
        if item.path.name.startswith("test_browser") or {"browser", "app_url"} & set(item.fixturenames):
            item.add_marker(pytest.mark.browser)
