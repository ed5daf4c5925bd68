"""Progress of long steps (reading many files, writing many pages), shown in a terminal only.

Nothing is printed when standard error is not a terminal, under CI
(CI=true, as every CI service sets it) or with TERM=dumb, so logs and
tests stay clean. Bars are transient: they vanish when the step ends.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")


def enabled() -> bool:
    ci = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
    return sys.stderr.isatty() and not ci and os.environ.get("TERM") != "dumb"


def track(items: Iterable[Item], description: str, total: int | None = None) -> Iterator[Item]:
    """Yield the items, with a bar while they last (when there is a terminal to show it)."""
    if not enabled():
        yield from items
        return
    from rich.console import Console
    from rich.progress import track as rich_track

    yield from rich_track(items, description=description, total=total, console=Console(stderr=True), transient=True)


class Counter:
    """A running count for a step whose total is not known in advance (pages written)."""

    def __init__(self, description: str):
        self._progress = None
        if enabled():
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}: {task.completed}"),
                                      console=Console(stderr=True), transient=True)
            self._task = self._progress.add_task(description, total=None)
            self._progress.start()

    def advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)

    def detach(self) -> None:
        """Count nothing from here on, and leave the display alone (in a forked process,
        whose copy of the bar must neither draw nor wait for the parent's refresh thread)."""
        self._progress = None

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
