"""Atomic file writes: a file is replaced whole or not at all.

:func:`atomic_write` writes into a new temporary folder beside the target (same file
system), flushes it to disk, moves it over the target with ``os.replace`` and flushes
the folder. A crash or kill at any moment leaves either the old file or the new one,
never a mix; the old file is never opened for writing. Temporary folders are named
``.<target name>.<pid>.<random>.saving``; those left by a crashed writer are removed by
:func:`cleanup_stale_temps` (run before every write).
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Callable

from geo import settings

__all__ = ["TEMP_TAG", "atomic_write", "cleanup_stale_temps", "fsync_dir", "fsync_file", "temp_paths"]

#: Ending of the temporary folders: ``.<target name>.<pid>.<random>.saving``.
TEMP_TAG = ".saving"


def atomic_write(path: str | Path, write: Callable[[Path], object], *, temp_name: str | None = None) -> Path:
    """Create or replace ``path`` atomically with what ``write`` writes.

    Parameters
    ----------
    path : str or Path
        The file to create or replace; its folder must exist.
    write : callable
        ``write(tmp)`` writes the whole new file at ``tmp`` (a path in a fresh private
        folder beside ``path``).
    temp_name : str, optional
        Name of the temporary file inside its folder (default: the target's name).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    Exception
        Whatever ``write`` or the file system raises; the temporary folder is then
        removed and a previous file at ``path`` is untouched.

    Notes
    -----
    The new file gets the permissions of the file it replaces.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    cleanup_stale_temps(path)
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_TAG, dir=folder))
    try:
        tmp = tmpdir / (temp_name or path.name)
        write(tmp)
        _keep_mode(path, tmp)
        fsync_file(tmp)
        os.replace(tmp, path)
        fsync_dir(folder)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return path


def _keep_mode(target: Path, tmp: Path) -> None:
    """Give the new file the permissions of the file it replaces."""
    try:
        os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
    except OSError:
        pass


def fsync_file(path: Path) -> None:
    """Flush a file's content to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk; a no-op where folders cannot be opened."""
    if os.name != "posix":  # Windows cannot open a folder; NTFS journals the rename itself
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on folders
    finally:
        os.close(fd)


def temp_paths(path: str | Path) -> list[Path]:
    """Temporary folders that writes of ``path`` are using or left behind (after a crash)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    prefix = f".{path.name}."
    try:
        return sorted(p for p in folder.iterdir() if p.name.startswith(prefix) and p.name.endswith(TEMP_TAG))
    except OSError:
        return []


def cleanup_stale_temps(path: str | Path, max_age_s: float = settings.STALE_TEMP_AGE_S) -> list[Path]:
    """Remove temporary folders left by writes of ``path`` that crashed.

    Those whose process is gone (same machine) or older than ``max_age_s`` go.

    Returns
    -------
    list of Path
        What was removed.
    """
    removed = []
    for p in temp_paths(path):
        m = re.match(r"\.(?:.*)\.(\d+)\.[^.]*" + re.escape(TEMP_TAG) + "$", p.name)
        pid = int(m.group(1)) if m else None
        try:
            old = time.time() - p.stat().st_mtime > max_age_s
        except OSError:
            continue
        if old or (pid is not None and pid != os.getpid() and not _alive(pid)):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
