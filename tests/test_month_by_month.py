"""A first build of many months reads its exports month by month (pipeline.MONTH_BY_MONTH_BYTES):
what it finds, keeps and publishes is what reading every row at once finds, keeps and publishes."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from pelican.settings import read_settings

from generator.cli import INTERRUPTED

from generator.ingest import batch
from generator.round import pipeline
from generator.core.config import Policy
from generator.store.pending import PENDING_PREFIX, remove_folders_of_killed_runs

from conftest import DataDir, person_row, write_csv
from store_helpers import commit, month_rows

ROOT = Path(__file__).resolve().parent.parent

XS = "Hoàn thành xuất sắc nhiệm vụ"


def messy_months(data: DataDir) -> None:
    """Three months in four files, one file holding two months, and a problem of each kind."""
    data.export_csv("2024-10.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC", final=XS if i < 2 else
                                               "Hoàn thành tốt nhiệm vụ") for i in range(12)])
    # The same person twice in October, in another file and another unit: an error naming both rows.
    data.export_csv("2024-10-them.csv", [person_row(1, "P3", "Người Ba", "PTC"),
                                         person_row(2, "Q1", "Người Q", "XYZ")])  # XYZ: no such unit
    data.export_csv("ket-qua-hai-thang.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC", month=month,
                                                         score="95" if i == 0 else "80")
                                       for month in ("11/2024", "12/2024") for i in range(12)])
    # A summary of a month that has person rows is left out, with a note; another month's is kept.
    write_csv(data.history / "2024.csv", [["Tháng", "Mã đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV"],
                                         ["09/2024", "PTC", "12", "1", "11", "0", "0"],
                                         ["11/2024", "PTC", "12", "1", "11", "0", "0"]])


def loaded_both_ways(data: DataDir, monkeypatch) -> tuple[pipeline.Loaded, pipeline.Loaded]:
    policy = Policy.from_settings(read_settings(str(ROOT / "pelicanconf.py")))
    folder = pipeline.DataFolder(data.root)
    monkeypatch.setattr(pipeline, "MONTH_BY_MONTH_BYTES", 1 << 60)
    at_once = pipeline.load(folder, policy)
    monkeypatch.setattr(pipeline, "MONTH_BY_MONTH_BYTES", 0)
    by_month = pipeline.load(folder, policy)
    return at_once, by_month


def test_month_by_month_finds_every_problem_that_reading_at_once_finds(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "data")
    messy_months(data)
    at_once, by_month = loaded_both_ways(data, monkeypatch)

    def said(loaded):
        return sorted((p.severity.name, p.code, p.file, p.row, p.message) for p in loaded.problems.items)

    assert said(by_month) == said(at_once)
    codes = {p[1] for p in said(by_month)}
    assert {"id-two-names", "unknown-unit", "history-overlap"} <= codes, codes


def test_month_by_month_keeps_and_publishes_the_same_months(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC", final=XS if i < 2 else
                                               "Hoàn thành tốt nhiệm vụ") for i in range(12)])
    data.export_csv("ket-qua-hai-thang.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC", month=month,
                                                         score="95" if i == 0 else "80")
                                       for month in ("11/2024", "12/2024") for i in range(12)])
    write_csv(data.history / "2024.csv", [["Tháng", "Mã đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV"],
                                         ["09/2024", "PTC", "12", "1", "11", "0", "0"]])
    at_once, by_month = loaded_both_ways(data, monkeypatch)
    assert not at_once.problems.has_errors
    assert by_month.data is None, "no frame of every month's rows is kept"

    def kept(loaded):
        return [(m.month, m.kind, m.status, m.row_count, m.content) for m in loaded.update.months]

    assert kept(by_month) == kept(at_once) and len(kept(at_once)) == 4
    assert by_month.update.file_months == at_once.update.file_months
    assert by_month.all_months.units.reset_index(drop=True).equals(at_once.all_months.units.reset_index(drop=True))
    assert by_month.all_months.honour.reset_index(drop=True).equals(at_once.all_months.honour.reset_index(drop=True))


# --- on every core: the same problems, in the same order, and the same store ---------------------


def loaded_on(processes: int, data: DataDir, monkeypatch, correction: str | None = None) -> pipeline.Loaded:
    """A month-by-month load with files read and months checked by `processes` processes; the first
    month is checked slowly, so that with a pool it ends after the others (its problems still come first)."""
    policy = Policy.from_settings(read_settings(str(ROOT / "pelicanconf.py")))
    monkeypatch.setattr(pipeline, "MONTH_BY_MONTH_BYTES", 0)
    monkeypatch.setattr(batch, "workers", lambda items, size_of: processes)
    checked_by = data.root.parent / f"checked-by-{processes}"
    checked_by.mkdir(exist_ok=True)
    real_validate = pipeline.validate

    def slow_first_month(people, history, *args, **kwargs):
        month = min([*people["month"].dropna(), *history["month"].dropna()], default="none")
        (checked_by / month).write_text(str(os.getpid()))
        if month == "2024-09":
            time.sleep(1)
        return real_validate(people, history, *args, **kwargs)

    monkeypatch.setattr(pipeline, "validate", slow_first_month)
    loaded = pipeline.load(pipeline.DataFolder(data.root), policy, correction)
    checkers = {path.read_text() for path in checked_by.iterdir()}
    assert checkers and (str(os.getpid()) in checkers) == (processes == 1), "each month checked where it should be"
    return loaded


def rendered(loaded: pipeline.Loaded) -> list[str]:
    return [p.render() for p in loaded.problems.items]


def test_every_core_finds_the_problems_one_process_finds_in_the_same_order(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "data")
    messy_months(data)
    one, two = (rendered(loaded_on(n, data, monkeypatch)) for n in (1, 2))
    assert len(one) >= 3 and two == one
    assert [line for line in one if "XYZ" in line], one  # the unknown unit of October, with its file and row


def test_every_core_keeps_the_store_one_process_keeps(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733011200")
    first = DataDir(tmp_path / "first")
    first.export_csv("2024-10.csv", month_rows("10/2024"))
    first.export_csv("2024-11.csv", month_rows("11/2024"))
    monkeypatch.setattr(pipeline, "MONTH_BY_MONTH_BYTES", 1 << 60)
    commit(first)
    # Next: October corrected (compared with the stored month), November as it was, three new months in two files.
    first.export_csv("2024-10.csv", month_rows("10/2024", xs=3))
    first.export_csv("ket-qua-hai-thang.csv", month_rows("12/2024") + month_rows("01/2025"))
    first.export_csv("2025-02.csv", month_rows("02/2025", xs=1))
    write_csv(first.history / "2024.csv", [["Tháng", "Mã đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV"],
                                          ["09/2024", "PTC", "12", "1", "11", "0", "0"]])
    stores = {}
    for processes in (1, 2):
        data = DataDir(tmp_path / f"on-{processes}")
        shutil.copytree(first.root, data.root, dirs_exist_ok=True)
        refused = loaded_on(processes, data, monkeypatch)
        assert [p.code for p in refused.problems.errors] == ["month-changed"], rendered(refused)
        loaded = loaded_on(processes, data, monkeypatch, correction="Sửa xếp loại tháng 10")
        assert not loaded.problems.has_errors, rendered(loaded)
        assert [(m.month, m.status) for m in loaded.update.months] == [
            ("2024-10", "changed"), ("2024-12", "new"), ("2025-01", "new"), ("2025-02", "new"), ("2024-09", "new")]
        loaded.store.commit(loaded.update)
        store = data.root / "store"
        stores[processes] = {p.relative_to(store): p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()}
    assert len(stores[1]) > 10 and stores[2] == stores[1]


# --- a first build stopped while its workers check months ----------------------------------------

# `generator build` reading month by month on two workers, whose every month's validation
# says so (a file named argv[1] + "." + the worker's pid) and then waits forever.
BUILD_WAITING_IN_ITS_MONTHS = r"""
import os, sys, time
from pathlib import Path
from generator.cli import main
from generator.ingest import batch
from generator.round import pipeline

pipeline.MONTH_BY_MONTH_BYTES = 0
batch.workers = lambda items, size_of: 2


def waiting(*args, **kwargs):
    Path(f"{sys.argv[1]}.{os.getpid()}").touch()
    while True:
        time.sleep(0.05)


pipeline.validate = waiting
sys.exit(main(sys.argv[2:]))
"""
HANG = 300  # seconds: a small build reaches its months in seconds; only a hang takes this long


def build_in_its_months(tmp_path: Path) -> tuple[subprocess.Popen, list[int], Path]:
    """A first build of three months, once both its workers are checking a month; their pids."""
    data = DataDir(tmp_path / "data")
    for month in ("10/2024", "11/2024", "12/2024"):
        data.export_csv(f"{month[3:]}-{month[:2]}.csv", month_rows(month))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    waiting = tmp_path / "waiting"
    build = subprocess.Popen([sys.executable, "-c", BUILD_WAITING_IN_ITS_MONTHS, str(waiting),
                              "build", "--data", str(data.root), "--output", str(tmp_path / "site")],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                             env={**os.environ, "TMPDIR": str(temporary), "CI": "true"})
    deadline = time.monotonic() + HANG
    while len(workers := [int(p.suffix[1:]) for p in tmp_path.glob("waiting.*")]) < 2:
        assert build.poll() is None, "the build ended before its months were checked: " + "".join(build.communicate())
        assert time.monotonic() < deadline, "the build never reached its months"
        time.sleep(0.05)
    return build, workers, temporary


def ended(pid: int) -> bool:
    """Gone, or a zombie that nothing has reaped yet (its parent is gone too)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] in ("Z", "X")
    except OSError:
        return True


def wait_until_ended(pids: list[int], seconds: float = 30) -> list[int]:
    deadline = time.monotonic() + seconds
    while (running := [pid for pid in pids if not ended(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_while_months_are_checked_stops_the_workers_and_keeps_nothing(tmp_path):
    build, workers, temporary = build_in_its_months(tmp_path)
    try:
        os.killpg(build.pid, signal.SIGINT)
        out, err = build.communicate(timeout=HANG)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.communicate()
    assert build.returncode == 130, out + err
    assert "Traceback" not in out + err
    assert err.strip().splitlines()[-1] == INTERRUPTED
    assert wait_until_ended(workers) == [], "no worker is left checking its month"
    assert not (tmp_path / "data/store").exists() and not (tmp_path / "site").exists()
    assert not list(temporary.iterdir()), "the rows waiting on disk are removed"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers end with their parent on Linux")
def test_a_killed_build_takes_its_workers_with_it_and_the_next_run_removes_its_rows(tmp_path, monkeypatch):
    build, workers, temporary = build_in_its_months(tmp_path)
    try:
        build.kill()  # the build alone, as an out-of-memory killer would
        build.communicate(timeout=HANG)
        assert wait_until_ended(workers) == [], "no worker outlives the build"
    finally:
        for pid in workers:
            if not ended(pid):
                os.kill(pid, signal.SIGKILL)
    assert list(temporary.glob(f"{PENDING_PREFIX}{build.pid}-*/rows/*.parquet")), "the killed build left its rows"
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    remove_folders_of_killed_runs()  # as the next build does when it opens the store
    assert not list(temporary.iterdir())
