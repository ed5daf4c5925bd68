"""Warnings on the figures (EXPORT-FORMAT.md section 9): quota and coverage."""
from __future__ import annotations

from generator.round import pipeline
from generator.round.pipeline import DataFolder

from conftest import person_row

XS, T, HT = "HTXSNV", "HTTNV", "HTNV"


def unit_rows(unit: str, counts: dict[str, int], start: int = 0) -> list[list]:
    rows, n = [], start
    for final, count in counts.items():
        for _ in range(count):
            n += 1
            rows.append(person_row(n, f"{unit}{n}", f"Người {n}", unit, final=final))
    return rows


def warnings_of(data_dir, rows, **settings):
    data_dir.export_csv("a.csv", rows)
    view, problems = pipeline.site_view(DataFolder(data_dir.root), settings)
    assert view is not None, problems.errors
    return problems


def test_exactly_twenty_percent_of_t_and_xs_does_not_warn(data_dir):
    problems = warnings_of(data_dir, unit_rows("PTC", {XS: 2, T: 8}))
    assert not problems.of("over-quota")


def test_over_the_quota_warns_naming_unit_month_and_share(data_dir):
    problems = warnings_of(data_dir, unit_rows("PTC", {XS: 3, T: 8, HT: 5}))
    [warning] = problems.of("over-quota")
    assert "2024-10" in warning.message and "PTC" in warning.message and "27,27%" in warning.message
    assert warning.value == "3"


def test_hanoi_2018_quota_counts_everyone_evaluated(data_dir):
    rows = unit_rows("PTC", {XS: 3, T: 2, HT: 5})  # 3 of 10 evaluated = 30%: at the limit
    assert not warnings_of(data_dir, rows, CONGKHAI_QUOTA_SHARE="0.30", CONGKHAI_QUOTA_BASE="evaluated").of("over-quota")
    rows = unit_rows("PTC", {XS: 4, T: 1, HT: 5})
    assert warnings_of(data_dir, rows, CONGKHAI_QUOTA_SHARE="0.30", CONGKHAI_QUOTA_BASE="evaluated").of("over-quota")


def test_coverage_under_the_floor_warns(data_dir):
    rows = unit_rows("PTC", {T: 18, "": 2})  # 18 of 20 = 90%
    [warning] = warnings_of(data_dir, rows).of("low-coverage")
    assert "18/20" in warning.message and "90,00%" in warning.message
    assert not warnings_of(data_dir, unit_rows("PTC", {T: 19, "": 1})).of("low-coverage")
