"""Folders where a month-by-month first build keeps each file's rows until its month is
validated; removed when the run ends, and by the next run when a killed run left one.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path

from generator.core.processes import process_alive

PENDING_PREFIX = "congkhai-months-"


def pending_folder(owner: object) -> Path:
    """A new folder of this process, removed when `owner` is collected or the run ends."""
    remove_folders_of_killed_runs()
    path = Path(tempfile.mkdtemp(prefix=f"{PENDING_PREFIX}{os.getpid()}-"))
    weakref.finalize(owner, _remove_own_folder, path, os.getpid())
    return path


def remove_folders_of_killed_runs() -> None:
    """A run killed before it ended left its folder: removed once its process is gone."""
    for path in Path(tempfile.gettempdir()).glob(f"{PENDING_PREFIX}*-*"):
        owner = path.name[len(PENDING_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not process_alive(int(owner)):
            shutil.rmtree(path, ignore_errors=True)


def _remove_own_folder(path: Path, owner: int) -> None:
    if os.getpid() == owner:  # not from a forked child that exits
        shutil.rmtree(path, ignore_errors=True)
