"""Units registry and unit-level summaries (EXPORT-FORMAT.md sections 6-7)."""
from __future__ import annotations

from generator.core.config import Policy
from generator.round.pipeline import DataFolder, load

from conftest import person_row, write_csv


def run(data_dir):
    return load(DataFolder(data_dir.root), Policy())


def test_unit_found_by_code_or_by_folded_name(data_dir):
    data_dir.export_csv("a.csv", [
        person_row(1, "1", "An", "PTC"),
        person_row(2, "2", "Bình", "", unit_name="phòng tài chính – kế hoạch"),
        person_row(3, "3", "Chi", "", unit_name="TRƯỜNG TIỂU HỌC GIANG BIÊN"),
    ])
    loaded = run(data_dir)
    assert not loaded.problems.errors, loaded.problems.errors
    assert loaded.data.people["unit_code"].tolist() == ["PTC", "PTC", "THGB"]


def test_code_and_name_of_different_units_is_an_error(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC", unit_name="Trường Tiểu học Giang Biên")])
    [error] = run(data_dir).problems.of("unit-code-name-mismatch")
    assert error.row == 2 and "THGB" in error.message


def test_unit_used_outside_its_validity_is_an_error(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "GB", month="07/2025")])
    [error] = run(data_dir).problems.of("unit-outside-validity")
    assert error.row == 2 and "PM" in error.suggestion


def test_unknown_unit_prints_closest_names_and_the_line_to_add(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "", unit_name="Trường Tiểu học Giang Biên 2")])
    [error] = run(data_dir).problems.of("unknown-unit")
    assert error.row == 2 and error.value == "Trường Tiểu học Giang Biên 2"
    assert "Trường Tiểu học Giang Biên" in error.suggestion
    assert "MA_MOI,Trường Tiểu học Giang Biên 2,<khối>,<cấp>,,2024-10-01,," in error.suggestion


def test_unit_replaced_by_successor_is_not_missing(data_dir):
    data_dir.export_csv("06.csv", [person_row(1, "1", "An", "GB", month="06/2025"), person_row(2, "2", "Bình", "PTC", month="06/2025")])
    data_dir.export_csv("07.csv", [person_row(1, "1", "An", "PM", month="07/2025")])
    from generator.round import pipeline
    view, problems = pipeline.site_view(DataFolder(data_dir.root), {})
    missing = problems.of("unit-missing")
    assert [p.value for p in missing] == ["PTC"]


def test_history_counts_must_add_up(data_dir):
    header = ["Tháng", "Mã đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV", "Không đánh giá"]
    write_csv(data_dir.history / "2023.csv", [header, ["01/2023", "PTC", "10", "1", "8", "1", "0", "0"],
                                              ["02/2023", "PTC", "10", "1", "8", "0", "0", "0"]])
    [error] = run(data_dir).problems.of("counts-do-not-add-up")
    assert (error.file, error.row, error.value) == ("history/2023.csv", 3, "10")
    assert "9" in error.message


def test_history_months_feed_the_figures_without_honour_list(data_dir):
    header = ["Tháng", "Đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV", "Nâng mức", "Hạ mức"]
    write_csv(data_dir.history / "2023.csv", [header, ["01/2023", "Phòng Tài chính - Kế hoạch", "12", "2", "9", "1", "0", "1", "0"]])
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC")])
    from generator.round import pipeline
    view, problems = pipeline.site_view(DataFolder(data_dir.root), {})
    assert not problems.errors, problems.errors
    january = view.months[0]
    assert (january.month, january.from_summaries, january.honour) == ("2023-01", True, None)
    assert (january.total.headcount, january.total.xs, january.total.raised) == (12, 2, 1)
