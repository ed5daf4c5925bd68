"""Input files read by a pool of forked workers give the rows and the problems of reading them one by one."""
from __future__ import annotations

from conftest import DataDir, person_row, write_xlsx

from generator.round import pipeline
from generator.ingest import batch
from generator.core.problems import Problems
from generator.core.ratings import RatingScale
from generator.store.record import scan_inputs


def read(data: DataDir, processes: int, monkeypatch):
    monkeypatch.setattr(batch, "workers", lambda files, size_of: processes)
    files = scan_inputs(data.root, data.exports, data.history)
    problems = Problems()
    people, history = pipeline._read_files(files, RatingScale(), problems)
    return people, history, [p.render() for p in problems.items]


def test_two_workers_read_what_one_reads_with_the_same_problems_in_the_same_order(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "data")
    data.export_csv("a 2024-10.csv", [person_row(i, f"A{i}", f"Người A {i}", "PTC") for i in range(30)])
    data.export_csv("b 2024-10.csv", [person_row(1, "B1", "Người B", "THGB", final="Xuất sắc lắm")])  # an unknown rating
    (data.exports / "c.csv").write_bytes(b"\x00\x01\x02 binary")  # refused
    write_xlsx(data.exports / "d 2024-11.xlsx", {"Sheet1": [
        ["Mã CB", "Họ và tên", "Mã đơn vị", "Tháng", "Thủ trưởng xếp loại"],
        *[[f"D{i}", f"Người D {i}", "PTC", "11/2024", "Hoàn thành tốt nhiệm vụ"] for i in range(20)],
    ]})
    one = read(data, 1, monkeypatch)
    two = read(data, 2, monkeypatch)
    assert len(one[0]) == 51 and one[0].equals(two[0]) and one[1].equals(two[1])
    assert len(one[2]) >= 2 and one[2] == two[2]
    assert any("c.csv" in line for line in two[2]) and any("Xuất sắc lắm" in line for line in two[2])


def test_a_pool_only_for_large_inputs_on_more_than_one_core(tmp_path, monkeypatch):
    data = DataDir(tmp_path / "data")
    data.export_csv("a.csv", [person_row(1, "A1", "Người A", "PTC")])
    data.export_csv("b.csv", [person_row(1, "B1", "Người B", "PTC", month="11/2024")])
    files = scan_inputs(data.root, data.exports, data.history)
    monkeypatch.setattr(batch.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert batch.workers(files, lambda file: file.path.stat().st_size) == 1  # small
    assert batch.workers(files, lambda file: batch.POOL_FROM_BYTES) == 2  # one worker per file at most
    monkeypatch.setattr(batch.os, "sched_getaffinity", lambda pid: {0})
    assert batch.workers(files, lambda file: batch.POOL_FROM_BYTES) == 1
