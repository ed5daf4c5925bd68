"""Progress shows in a terminal and stays quiet in CI or when output goes to a file."""
from __future__ import annotations

import io
import sys

from generator.core import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_in_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert progress.enabled()
    monkeypatch.setenv("CI", "true")
    assert not progress.enabled()
    monkeypatch.setenv("CI", "false")
    assert progress.enabled()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert not progress.enabled()


def test_quiet_progress_passes_items_through_and_prints_nothing(monkeypatch, capsys):
    monkeypatch.setenv("CI", "true")
    assert list(progress.track(iter([1, 2, 3]), "Đọc tệp", total=3)) == [1, 2, 3]
    counter = progress.Counter("Số trang đã ghi")
    counter.advance()
    counter.stop()
    assert capsys.readouterr() == ("", "")
