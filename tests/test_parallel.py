"""Unit pages and downloads are written in a forked process beside the rest: same files, same sitemap, errors not lost."""
from __future__ import annotations

import pytest

from builds import hashes
from conftest import DataDir, person_row
from generator.cli import main
from pelican.plugins.congkhai import parallel

XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"


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


def test_the_worker_lets_go_of_the_terminal_progress_bar(monkeypatch):
    """A forked copy of a rich progress bar may hold a lock its refresh thread had at the fork:
    the worker must not touch it, or it waits forever (only in a terminal, where bars show)."""
    from pelican.plugins.congkhai.pages import DashboardGenerator

    class Bar:
        detached = False

        def detach(self):
            self.detached = True

    generator = DashboardGenerator.__new__(DashboardGenerator)
    generator.written, generator.pages_written, generator.carrier = Bar(), [], None
    monkeypatch.setattr(DashboardGenerator, "write_unit_pages", lambda self: None)
    monkeypatch.setattr(DashboardGenerator, "write_open_data", lambda self: None)
    monkeypatch.setattr(parallel, "in_worker", lambda: True)
    generator.write_on_second_core()
    assert generator.written.detached
