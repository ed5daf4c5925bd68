"""Unit pages and downloads are written in a forked process beside the rest: same files, same sitemap, errors not lost."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from builds import hashes
from conftest import DataDir, person_row
from generator.cli import main
from pelican.plugins.congkhai import parallel

ROOT = Path(__file__).resolve().parent.parent
XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
DEADLOCK = 300  # seconds


def test_the_worker_returns_what_it_wrote_while_the_block_runs():
    with parallel.beside(lambda: ["don-vi/A/", "en/don-vi/A/"]) as written:
        assert written == []  # not known until the worker is done
    assert written == ["don-vi/A/", "en/don-vi/A/"]


def test_a_failing_worker_fails_the_build(capfd):
    def broken() -> list[str]:
        raise ValueError("template exploded")

    with pytest.raises(parallel.WorkerFailed), parallel.beside(broken):
        pass
    assert "template exploded" in capfd.readouterr().err


def test_one_process_or_two_the_site_is_the_same_bytes(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC" if i % 2 else "THGB", final=XS if i < 3 else T)
                                    for i in range(20)])
    built = {}
    for name, forks in (("two", True), ("one", False)):
        monkeypatch.setattr(parallel, "available", lambda forks=forks: forks)
        output = tmp_path / name
        status = main(["build", "--data", str(data.root), "--output", str(output), "--site-url", "https://example.vn"])
        assert status == 0
        built[name] = hashes(output)
        sitemap = (output / "sitemap.xml").read_text("utf-8")
        assert "https://example.vn/don-vi/PTC/" in sitemap and "https://example.vn/en/don-vi/THGB/" in sitemap
    assert built["one"] == built["two"]
    assert "don-vi/PTC/index.html" in built["one"]


# A real build in its own process: the terminal's page counter is on, and its lock is held by
# another thread at the fork, as rich's refresh thread holds it for a moment ten times a second.
# The forked writer's copy of the lock then stays held for ever: if the writer touches the bar,
# it waits for ever, and so does the build waiting for it.
BUILD_WITH_THE_BAR_LOCKED_AT_THE_FORK = r"""
import os, sys, threading
from generator.core import progress
from generator.cli import main
from pelican.plugins.congkhai import parallel

progress.enabled = lambda: True  # as in a terminal
parallel.available = lambda: True  # fork even on one core
shown = progress.Counter.__init__
locked_at_a_fork = []


def counter_locked_until_the_fork(self, description):
    shown(self, description)
    held, forked = threading.Event(), threading.Event()

    def hold():
        with self._progress._lock:
            held.set()
            forked.wait()

    def after_fork():
        locked_at_a_fork.append(not forked.is_set())
        forked.set()

    os.register_at_fork(after_in_parent=after_fork)
    threading.Thread(target=hold, daemon=True).start()
    held.wait()


progress.Counter.__init__ = counter_locked_until_the_fork
status = main(sys.argv[1:])
sys.exit(status if any(locked_at_a_fork) else 3)
"""


def test_the_forked_writer_lets_go_of_the_terminal_progress_bar(tmp_path):
    """A forked copy of a rich progress bar may hold a lock its refresh thread had at the fork:
    the worker must not touch it, or it waits forever (only in a terminal, where bars show)."""
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC" if i % 2 else "THGB", final=XS if i < 3 else T)
                                    for i in range(20)])
    output = tmp_path / "site"
    build = subprocess.Popen([sys.executable, "-c", BUILD_WITH_THE_BAR_LOCKED_AT_THE_FORK, "build", "--data", str(data.root),
                              "--output", str(output)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)
    try:
        # Not a timing check: a build of 20 people takes seconds; only a deadlock takes this long.
        out, _ = build.communicate(timeout=DEADLOCK)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)  # the build and its forked writer
        build.communicate()
        pytest.fail(f"the build was still running after {DEADLOCK} s: the forked writer waits on the progress bar's lock")
    assert build.returncode != 3, "the build forked no writer while the bar was on"
    assert build.returncode == 0, out
    assert (output / "don-vi/PTC/index.html").is_file() and (output / "en/don-vi/THGB/index.html").is_file()
