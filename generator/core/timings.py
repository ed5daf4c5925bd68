"""Where a build's time goes: the stages of one run, timed, for `build --timings` and `bench/`.

One recorder per process, like logging: the stages live in different layers
(pipeline, plugin, leak check) and threading a recorder through every call
would put a benchmark's concern into each signature.
"""
from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The stages in pipeline order; `bench/` prints them in this order.
INGEST = "ingest+validate"
AGGREGATE = "aggregate"
AUDIT = "subtraction audit"
PAGES = "pages"
LEAK_CHECK = "leak check"
SWAP = "store+swap"
STAGES = (INGEST, AGGREGATE, AUDIT, PAGES, LEAK_CHECK, SWAP)

_seconds: dict[str, float] = {}
_peak_mb: dict[str, float] = {}
_counts: dict[str, int] = {}


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Add the wall-clock time of the block to stage `name`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        _seconds[name] = _seconds.get(name, 0.0) + time.perf_counter() - started
        _peak_mb[name] = peak_mb()


def peak_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count(**figures: int) -> None:
    """Numbers of things a stage did (files rendered, files carried over), for `write`."""
    _counts.update(figures)


def counted() -> dict[str, int]:
    return dict(_counts)


def recorded() -> dict[str, float]:
    return dict(_seconds)


def write(path: Path, **extra: object) -> None:
    """The stages timed so far, the peak memory at the end of each, and `extra` figures, as JSON."""
    figures = {"seconds": recorded(), "peak_mb_after": dict(_peak_mb), **counted(), **extra}
    path.write_text(json.dumps(figures, indent=1, sort_keys=True), encoding="utf-8")
