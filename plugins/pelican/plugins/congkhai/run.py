"""Run Pelican for a public view, into a fresh folder swapped in only on success.

A failed or killed build leaves the previous site whole: the new site is
written beside the output folder and exchanged with it at the very end, in
one step (Linux renameat2 with RENAME_EXCHANGE), so that there is no moment
at which the output folder is missing or half written.
"""
from __future__ import annotations

import ctypes
import errno
import itertools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from generator.core import timings
from generator.view.public import SiteView

from .carry import Carrier, build_fingerprint
from .syndication import ANNOUNCEMENT_FEEDS, FEED_SETTINGS, absolute_site_url


def pelican_settings(settings_file: Path, output: Path, site: SiteView | None, site_url: str | None) -> dict:
    """The settings file's settings with the build's own: its output, its view and its address.

    The address given on the command line is the feeds' domain too: a settings file's
    `FEED_DOMAIN = SITEURL` was evaluated with the file's own SITEURL. Feeds need absolute
    addresses (ids, self links, entry links), so a build with no address writes none."""
    override: dict = {"OUTPUT_PATH": str(output)}
    if site is not None:
        override["CONGKHAI_SITE"] = site
    if site_url is not None:
        override["SITEURL"] = site_url.rstrip("/")
        override["FEED_DOMAIN"] = site_url.rstrip("/")
        override["RELATIVE_URLS"] = False
    settings = read_settings(str(settings_file), override=override)
    if absolute_site_url(settings) is None:
        settings.update({name: None for name in FEED_SETTINGS})
    else:
        for name, path in ANNOUNCEMENT_FEEDS.items():
            settings[name] = settings.get(name) or path
    return settings


def write_site(site: SiteView, settings_file: Path, output: Path, site_url: str | None = None,
               before_swap: Callable[[], None] | None = None,
               check: Callable[[Path], object] | None = None,
               after_swap: Callable[[], None] | None = None, full: bool = False) -> int:
    """Build the site into `output` atomically; returns the number of files written.

    Files whose inputs did not change since the build of the site in `output`
    are carried over from it (carry.py), unless `full`.

    `before_swap` runs once the new site is complete and before it replaces
    the old one (the build records its months in the store there): if it
    fails, the old site stays. `after_swap` runs once the new site is
    published (the checks keep their records of it in `carry.build_folder`).
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output)
    staging = None
    try:  # from the staging folder's creation on, so that Ctrl-C at any point removes it
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-{os.getpid()}-", dir=output.parent))
        settings = pelican_settings(settings_file, staging, site, site_url)
        carrier = Carrier(output, staging, build_fingerprint(settings), full=full)
        settings["CONGKHAI_CARRIER"] = carrier
        logging.getLogger("pelican").setLevel(logging.WARNING)
        with timings.stage(timings.PAGES):
            Pelican(settings).run()
        count = sum(len(files) for _, _, files in os.walk(staging))
        timings.count(rendered=count - carrier.carried_files, carried=carrier.carried_files)
        if check is not None:  # the leak check: raises if the new site holds a private value
            with timings.stage(timings.LEAK_CHECK):
                check(staging)
        # Checks that can still refuse the new site go above this line: once
        # `before_swap` has run, the build's months are recorded in the store.
        with timings.stage(timings.SWAP):
            if before_swap is not None:
                before_swap()
            _swap(staging, output)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    try:  # only now: the record describes the site in place
        carrier.save()
    except OSError as error:  # the site is published; the next build renders more, that is all
        logging.getLogger(__name__).warning("Không ghi được sổ các tệp đã tạo (%s): lần tạo sau có thể phải tạo lại nhiều tệp hơn.", error)
    if after_swap is not None:
        after_swap()
    return count


def _swap(staging: Path, output: Path) -> None:
    """Put `staging` where `output` is, in one step; the old site is removed after, in the background."""
    staging.chmod(0o755)
    if not output.exists():
        os.rename(staging, output)
    elif exchange(staging, output):
        _retire(staging, output)  # it holds the old site now
    else:
        # No atomic exchange here (not Linux, or a file system without it):
        # two renames, with a moment between them where output/ is missing.
        retired = output.with_name(f".{output.name}.old-{os.getpid()}")
        os.rename(output, retired)
        os.rename(staging, output)
        _retire(retired, output)


def _retire(folder: Path, output: Path) -> None:
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
        if kind in ("new", "old") and pid.isdigit() and not _alive(int(pid)) and path.is_dir():
            _retire(path, output)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
