"""Reading a month's worth of input files on every core.

Files are independent, and reading one is CPU work in Python and pandas, so
a city's dozen 180,000-row exports are read by a small pool of forked
processes, one file each at a time. Each worker returns its rows and its
problems; they are put back together in the order of the files, so that the
rows, and the order of the problems reported, are the same as when reading
one file after another.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

import pandas as pd

from generator.core.problems import Problem, Problems

File = TypeVar("File")
ReadOne = Callable[[File, Problems], "pd.DataFrame | None"]

# Below this many bytes in all, a pool costs more to start than it saves.
POOL_FROM_BYTES = 16 << 20


def workers(files: Sequence, size_of: Callable[[object], int]) -> int:
    """How many processes to read `files` with: 1 for little input or one core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2 or len(files) < 2 or sum(size_of(f) for f in files) < POOL_FROM_BYTES:
        return 1
    return min(cores, len(files))


def read_each(files: Sequence[File], read_one: ReadOne, problems: Problems, processes: int) -> Iterator[pd.DataFrame | None]:
    """`read_one(file, problems)` for every file, in order; with `processes` > 1 in forked workers.

    `read_one` must be a module-level function (it is sent to the workers by name).
    """
    if processes <= 1:
        for file in files:
            yield read_one(file, problems)
        return
    context = multiprocessing.get_context("fork")  # the workers inherit the imported modules: no start-up cost
    # Ctrl-C reaches the workers too: they leave it to the parent, which stops the pool and says it once.
    with ProcessPoolExecutor(max_workers=processes, mp_context=context,
                             initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN)) as pool:
        try:
            for frame, found in pool.map(_read_in_worker, [read_one] * len(files), files):
                problems.items.extend(found)
                yield frame
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _read_in_worker(read_one: ReadOne, file: File) -> tuple[pd.DataFrame | None, list[Problem]]:
    found = Problems()
    return read_one(file, found), found.items
