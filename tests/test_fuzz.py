"""Property tests over the reader and the normaliser: whatever bytes or text come in, the
result is either a value of the promised shape or a clear refusal, never an exception.

(tests/test_files.py fuzzes the lowest stage, bytes to raw tables; these go through header
detection, column mapping, row selection and value parsing, as an export file does.)
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ingest.exports import PERSON_COLUMNS, read_person_file
from generator.ingest.normalise import amounts, clean_cell, clean_text, person_ids, scores, yes_no
from generator.core.months import month_from_file_name, month_from_title, parse_month_cell
from generator.core.problems import Problems
from generator.core.ratings import RATING_CODES, RatingScale
from generator.ingest.registry import read_registry
from generator.core.text import fold
from generator.ingest.withheld import read_withheld

SCALE = RatingScale()
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
HEADER = ["STT", "Mã CB", "Họ và tên", "Chức vụ", "Mã đơn vị", "Tháng", "Tự xếp loại", "Điểm thẩm định",
          "Thủ trưởng xếp loại", "Khen thưởng", "Ghi chú", "LĐQL"]
# Cells as exports have them: ratings, months, numbers, Vietnamese, and anything at all.
CELL = st.one_of(
    st.sampled_from(["", " ", "-", "XS", "HTXSNV", "Hoàn thành tốt nhiệm vụ", "Không đánh giá", "10/2024", "T10/2024",
                     "2024-10-01", "92,5", "101", "1.170.000", "500.000đ", "x", "Tổng cộng", "NGƯỜI LẬP BIỂU", "PTC",
                     "=1+1", "ngày 05 tháng 11 năm 2024"]),
    st.text(max_size=30),
)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# --- text rules ---------------------------------------------------------------------


@FAST
@given(st.text())
def test_fold_is_plain_stable_text(text):
    folded = fold(text)
    assert folded == fold(folded)
    assert folded == folded.strip() and "  " not in folded
    assert not any(unicodedata.combining(ch) for ch in folded)
    assert "đ" not in folded and folded == folded.lower()


@FAST
@given(st.text())
def test_clean_cell_leaves_only_visible_text(text):
    cleaned = clean_cell(text)
    assert cleaned == clean_cell(cleaned)
    assert all(ch.isprintable() for ch in cleaned)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned


# --- column parsers -------------------------------------------------------------------


@FAST
@given(st.lists(CELL, max_size=20))
def test_column_parsers_give_values_of_their_kind_or_flag_the_cell(cells):
    column = pd.Series(cells, dtype="string")
    assert len(clean_text(column)) == len(cells)
    ids = person_ids(column)
    assert all(i == clean_cell(i) and not re.fullmatch(r"\d+\.0+", i) for i in ids.dropna())
    leader, unclear = yes_no(column)
    assert leader.notna().all() and len(unclear) == len(cells)
    values, invalid = scores(column)
    assert all(0 <= v <= 100 for v in values.dropna())
    assert not (values.notna() & invalid).any()
    money, invalid = amounts(column)
    assert all(v >= 0 for v in money.dropna())
    codes, invalid = SCALE.parse(column)
    assert set(codes.dropna()) <= set(RATING_CODES)
    for cell in cells:
        suggestion = SCALE.suggest(cell)
        assert suggestion is None or isinstance(suggestion, str)


@FAST
@given(st.one_of(CELL, st.text()), st.lists(st.text(max_size=40), max_size=3), st.text(max_size=40))
def test_month_sources_give_a_real_month_or_none(cell, title, stem):
    for month in (parse_month_cell(cell), month_from_title(tuple(title)), month_from_file_name(stem)):
        assert month is None or (MONTH.fullmatch(month) and 1990 <= int(month[:4]) <= 2100)


# --- whole files through the reader ---------------------------------------------------


def read(path: Path) -> tuple[pd.DataFrame | None, Problems]:
    problems = Problems()
    people = read_person_file(path, f"exports/{path.name}", SCALE, problems)
    return people, problems


def check_outcome(people: pd.DataFrame | None, problems: Problems) -> None:
    assert people is not None or problems.has_errors or problems.items
    for problem in problems.items:
        assert problem.message and problem.render()
    if people is not None:
        assert set(PERSON_COLUMNS) <= set(people.columns)
        assert all(MONTH.fullmatch(m) for m in people["month"].dropna())
        assert set(people["final_rating"].dropna()) <= set(RATING_CODES)


@SLOW
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".tsv"]))
def test_any_bytes_named_as_an_export_give_rows_or_errors(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"2024-10{suffix}"
    path.write_bytes(data)
    check_outcome(*read(path))


@SLOW
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=len(HEADER) + 2), max_size=12),
       separator=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8-sig", "utf-16", "cp1258"]))
def test_any_cells_under_a_real_header_give_rows_or_errors(tmp_path_factory, rows, separator, encoding):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator).writerows([HEADER, *rows])
    path = tmp_path_factory.mktemp("fuzz") / "2024-10.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    check_outcome(*read(path))


# openpyxl refuses the characters XML 1.0 cannot hold; everything else goes in.
XLSX_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff"),
                    max_size=30)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.one_of(CELL.filter(lambda c: XLSX_TEXT_OK(c)), XLSX_TEXT, st.integers(), st.floats(allow_nan=False)),
                              max_size=len(HEADER)), max_size=8))
def test_any_cells_in_an_xlsx_give_rows_or_errors(tmp_path_factory, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    path = tmp_path_factory.mktemp("fuzz") / "2024-10.xlsx"
    workbook.save(path)
    check_outcome(*read(path))


def XLSX_TEXT_OK(cell: str) -> bool:  # noqa: N802 (used inside a strategy above)
    return not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", cell)


@SLOW
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_registry_or_withheld_list_give_a_result_or_errors(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "units.csv").write_bytes(data)
    (folder / "withheld.csv").write_bytes(data)
    problems = Problems()
    registry = read_registry(folder / "units.csv", "units.csv", problems)
    withheld = read_withheld(folder / "withheld.csv", "withheld.csv", problems)
    assert all(code and ".." not in code for code in registry.units)
    assert all(isinstance(i, str) and i for i in withheld)
    for problem in problems.items:
        assert problem.render()
