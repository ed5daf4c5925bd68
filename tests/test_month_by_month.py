"""A first build of many months reads its exports month by month (pipeline.MONTH_BY_MONTH_BYTES):
what it finds, keeps and publishes is what reading every row at once finds, keeps and publishes."""
from __future__ import annotations

from pathlib import Path

from pelican.settings import read_settings

from generator.round import pipeline
from generator.core.config import Policy

from conftest import DataDir, person_row, write_csv

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
