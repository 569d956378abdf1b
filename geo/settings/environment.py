"""Every environment variable the project reads, read here and nowhere else.

Each is read when asked (not at import), so a test or a launcher can set it first.

================================  ======================================================
``ZJ_DATA_ROOT``                  folder holding ``data/`` (default: the project root;
                                  the browser tests run the app on a copy)
``ZJ_CACHE_DIR``                  OSM download and parse cache (default ``~/.cache/zhangjiang/osm``)
``ZJ_MAX_IMPORT_MB``              largest file a planner may import, MB (default 200)
``ZJ_TIANDITU_KEY``               Tianditu tile key (or ``tianditu_key`` in ``settings.local.toml``)
================================  ======================================================
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PROJECT_ROOT", "DATA_ROOT_ENV", "CACHE_DIR_ENV", "MAX_IMPORT_ENV", "TIANDITU_KEY_ENV",
           "env_text", "data_root", "cache_dir"]

#: The project's root folder (the one holding app.py, geo/, layers/ and data/).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_ROOT_ENV = "ZJ_DATA_ROOT"
CACHE_DIR_ENV = "ZJ_CACHE_DIR"
MAX_IMPORT_ENV = "ZJ_MAX_IMPORT_MB"
TIANDITU_KEY_ENV = "ZJ_TIANDITU_KEY"


def env_text(name: str) -> str:
    """The stripped value of environment variable ``name`` ("" when unset)."""
    return os.environ.get(name, "").strip()


def data_root() -> Path:
    """Folder holding ``data/``: ``$ZJ_DATA_ROOT`` or the project root."""
    return Path(env_text(DATA_ROOT_ENV) or PROJECT_ROOT)


def cache_dir() -> Path:
    """OSM download and parse cache: ``$ZJ_CACHE_DIR`` or ``~/.cache/zhangjiang/osm``."""
    env = env_text(CACHE_DIR_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "zhangjiang" / "osm"
