"""Shared fixtures: the reference data beside the checkout (../shared)."""
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
