"""The published folder, replaced whole: a new site is written beside it and exchanged with it
in one step, so that a failed or killed build leaves the previous site whole.

The new site is written into a staging folder beside the output folder and
exchanged with it at the very end (Linux renameat2 with RENAME_EXCHANGE), so
that there is no moment at which the output folder is missing or half written.
The build's own bookkeeping (the record of what was rendered, the leak check's
record) lives beside it in `build_folder(output)`, never inside the published
folder; records made for a new site wait there as pending files and become
current only once the site is swapped in.
"""
from __future__ import annotations

import ctypes
import errno
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from generator.core.processes import process_alive

_PENDING = ".pending-"


def build_folder(output: Path) -> Path:
    """Where a build keeps its own bookkeeping: beside the published folder, never inside it."""
    return output.parent / f".{output.name}.build"


def pending_record(output: Path, name: str) -> Path:
    """Where a record of the site being built waits until `commit_records` (after the swap)."""
    return build_folder(output) / f"{name}{_PENDING}{os.getpid()}"


def commit_records(output: Path) -> None:
    """The pending records of this build describe the site in place now: make them current."""
    for path in build_folder(output).glob(f"*{_PENDING}{os.getpid()}"):
        os.replace(path, path.with_name(path.name.split(_PENDING)[0]))


def discard_records(output: Path) -> None:
    """The new site was refused: its records must not describe the old one (and a first build
    that was refused leaves no folder behind)."""
    folder = build_folder(output)
    for path in folder.glob(f"*{_PENDING}{os.getpid()}"):
        path.unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:  # not empty: the records of the site in place
        pass


def new_staging(output: Path) -> Path:
    """A fresh folder beside `output` for the new site, after removing what killed builds left."""
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output)
    return Path(tempfile.mkdtemp(prefix=f".{output.name}.new-{os.getpid()}-", dir=output.parent))


def swap(staging: Path, output: Path) -> None:
    """Put `staging` where `output` is, in one step; the old site is removed after, in the background."""
    staging.chmod(0o755)
    if not output.exists():
        os.rename(staging, output)
    elif exchange(staging, output):
        retire(staging, output)  # it holds the old site now
    else:
        # No atomic exchange here (not Linux, or a file system without it):
        # two renames, with a moment between them where output/ is missing.
        retired = output.with_name(f".{output.name}.old-{os.getpid()}")
        os.rename(output, retired)
        os.rename(staging, output)
        retire(retired, output)


def retire(folder: Path, output: Path) -> None:
    """Move `folder` out of the way at once and delete it in a process of its own.

    Deleting a site's 20,000 files took 25 s of a city's rebuild on a disk that
    discards freed blocks (ext4 `discard`), with nothing left to wait for. If
    the deleting process dies, the next build finds the folder by its name
    (`.OUTPUT.old-PID-…`, PID this build's) and retires it again."""
    retired = folder
    if not folder.name.startswith(f".{output.name}.old-{os.getpid()}-"):
        retired = output.with_name(f".{output.name}.old-{os.getpid()}-{next(_retired)}")
        os.rename(folder, retired)
    subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                      str(retired)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, close_fds=True)


_retired = itertools.count()


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(first: Path, second: Path) -> bool:
    """Swap two directory entries atomically; False where the system cannot (the caller falls back)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(first), None, str(second))


def clear_killed_builds(output: Path) -> None:
    """What builds into `output` that were killed left beside it (a build that stops early renders
    nothing, but clears these as any build does)."""
    _remove_leftovers(output.resolve())


def _remove_leftovers(output: Path) -> None:
    """Staging and retired folders of builds that were killed (their process is gone)."""
    for path in output.parent.glob(f".{output.name}.*-*"):
        kind, _, rest = path.name[len(output.name) + 2:].partition("-")
        pid = rest.split("-")[0]
        if kind in ("new", "old") and pid.isdigit() and not process_alive(int(pid)) and path.is_dir():
            retire(path, output)
