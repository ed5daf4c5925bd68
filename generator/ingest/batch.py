"""Work on independent items on every core: input files, or the months of a first build.

Reading a file, and validating a month, is CPU work in Python and pandas, so
a city's exports are read, and a first build's months validated, by a small
pool of forked processes, one item each at a time. Each worker returns its
result and its problems; they are put back together in the order of the
items, so that the results, and the order of the problems reported, are the
same as when working on one item after another.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from generator.core.problems import Problem, Problems

Item = TypeVar("Item")
Result = TypeVar("Result")
WorkOn = Callable[[Item, Problems], Result]

# Below this many bytes in all, a pool costs more to start than it saves.
POOL_FROM_BYTES = 16 << 20


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def workers(items: Sequence, size_of: Callable[[object], int]) -> int:
    """How many processes to work on `items` with: 1 for little input or one core."""
    if cores() < 2 or len(items) < 2 or sum(size_of(f) for f in items) < POOL_FROM_BYTES:
        return 1
    return min(cores(), len(items))


def each(items: Sequence[Item], work_on: WorkOn, problems: Problems, processes: int) -> Iterator[Result]:
    """`work_on(item, problems)` for every item, in order; with `processes` > 1 in forked workers.

    `work_on` must be a module-level function, or a partial of one (it is sent
    to the workers by pickling, as are the items and the results); one result
    is held per item the parent has not taken yet.
    """
    if processes <= 1:
        for item in items:
            yield work_on(item, problems)
        return
    context = multiprocessing.get_context("fork")  # the workers inherit the imported modules: no start-up cost
    before = set(multiprocessing.active_children())
    with ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_start_worker,
                             initargs=(os.getpid(),)) as pool:
        try:
            for result, found in pool.map(_work_in_worker, [work_on] * len(items), items):
                problems.items.extend(found)
                yield result
        except BaseException:  # Ctrl-C, an error, or the parent stopped taking results
            pool.shutdown(wait=False, cancel_futures=True)
            # The item a worker is on (a city's month, a large workbook) is not waited for.
            for worker in set(multiprocessing.active_children()) - before:
                worker.kill()
            raise


def _start_worker(parent: int) -> None:
    # Ctrl-C reaches the workers too: they leave it to the parent, which stops the pool and says it once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed outright (SIGKILL, SIGTERM) cannot stop its pool: the workers end with it.
    if sys.platform.startswith("linux"):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _work_in_worker(work_on: WorkOn, item: Item) -> tuple[Result, list[Problem]]:
    found = Problems()
    return work_on(item, found), found.items
