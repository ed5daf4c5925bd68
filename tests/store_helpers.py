"""Months written, read and committed to the store, as the store's tests and the month products' tests do."""
from __future__ import annotations

from conftest import person_row
from generator.round.pipeline import DataFolder, prepare

XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"


def month_rows(month: str, *, xs: int = 2, people: int = 12, unit: str = "PTC", first_id: int = 0) -> list[list]:
    return [person_row(i, f"P{first_id + i:04d}", f"Người Số {first_id + i}", unit, month=month, final=XS if i < xs else T,
                       score="95" if i < xs else "80")
            for i in range(people)]


def commit(data_dir, correction: str | None = None):
    """Read the data folder as a build does and commit what it read to the store."""
    view, loaded = prepare(DataFolder(data_dir.root), {}, correction)
    assert view is not None, [p.render() for p in loaded.problems.errors]
    loaded.store.commit(loaded.update)
    return view, loaded
