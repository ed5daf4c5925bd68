"""Writing pages on two cores: one section of the site in a forked process while the parent writes the rest.

Rendering is pure Python, so threads would not help; a forked child shares
the public view and the Jinja environment with the parent for free (no
pickling of a city's view). Output does not depend on which process wrote a
file, so the site stays byte-identical.
"""
from __future__ import annotations

import gc
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from generator.core import space

# The worker's report of a full, read-only or forbidden disk, in place of its list.
DISK_ERROR = "disk-error"


_in_worker = False


def in_worker() -> bool:
    """True in the forked process: it must not touch what other threads of the parent held
    at the fork (a terminal progress bar's lock), or it may wait forever."""
    return _in_worker


class WorkerFailed(RuntimeError):
    """The forked writer stopped with an error (its traceback went to standard error)."""


def available() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


@contextmanager
def beside(write: Callable[[], list]) -> Iterator[list]:
    """Run `write` in a forked process while the block runs.

    `write` returns a list that JSON can carry (the addresses of the pages it
    wrote, for the sitemap, and what it carried over); its items are in the
    yielded list once the block has ended. If the block or the worker fails,
    the other is waited for and the error raised.
    """
    written: list = []
    if not available():
        written.extend(write())
        yield written
        return
    read_end, write_end = os.pipe()
    sys.stdout.flush(), sys.stderr.flush()
    # What exists now is shared with the worker: frozen, the collector of neither process walks
    # it (a walk writes to every object it visits, and each write copies a shared page).
    gc.freeze()
    pid = os.fork()
    if pid == 0:  # the worker: never returns into the parent's code
        global _in_worker
        _in_worker = True
        os.close(read_end)
        status = 0
        try:
            with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
                try:
                    result = write()
                except OSError as error:
                    if not space.is_disk_error(error):
                        raise
                    # A full or read-only disk is the parent's to say, once, in its own words.
                    result, status = {DISK_ERROR: [space.error_number(error), error.strerror, error.filename]}, 2
                json.dump(result, pipe)
        except KeyboardInterrupt:  # Ctrl-C reaches both processes; the parent says it once
            status = 130
        except BaseException:
            traceback.print_exc()
            status = 1
        finally:
            sys.stdout.flush(), sys.stderr.flush()
            os._exit(status)
    os.close(write_end)
    try:
        yield written
    finally:
        with os.fdopen(read_end, encoding="utf-8") as pipe:
            reported = pipe.read()
        _, status = os.waitpid(pid, 0)
        gc.unfreeze()
    if os.waitstatus_to_exitcode(status) == 2 and reported:
        number, text, filename = json.loads(reported)[DISK_ERROR]
        raise OSError(number, text or os.strerror(number), filename)
    if os.waitstatus_to_exitcode(status) != 0 or not reported:
        raise WorkerFailed("Lỗi khi ghi trang trong tiến trình phụ (xem thông báo ở trên).")
    written.extend(json.loads(reported))
