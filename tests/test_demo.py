"""The synthetic demo data set: deterministic, valid, and realistic.

The files are read back here with openpyxl and pandas directly, not with the
project's reader, so that these tests check the files themselves.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from builds import hashes
from generator.demo.population import DemoSummary, write_demo

SMALL = dict(units=12, staff=300, months=4, history_months=3)
FULL = {"Hoàn thành xuất sắc nhiệm vụ": "XS", "Hoàn thành tốt nhiệm vụ": "T",
        "Hoàn thành nhiệm vụ": "HT", "Không hoàn thành nhiệm vụ": "K",
        "HTXSNV": "XS", "HTTNV": "T", "HTNV": "HT", "KHTNV": "K"}
SIGNING_TITLES = ("NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoSummary]:
    out = tmp_path_factory.mktemp("demo")
    return out, write_demo(out, **SMALL)


@pytest.fixture(scope="module")
def people(demo: tuple[Path, DemoSummary]) -> pd.DataFrame:
    """Every person row of every export, with the month it belongs to."""
    out, _ = demo
    frames = [_read_export(path) for path in sorted((out / "exports").iterdir())]
    return pd.concat(frames, ignore_index=True)


def _read_export(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        month_year = frame.pop("Tháng").str.split("/", expand=True)
        frame["month"] = month_year[1] + "-" + month_year[0]
        return frame.drop(columns="STT")
    return read_xlsx(path)


def read_xlsx(path: Path) -> pd.DataFrame:
    """The data rows between the row of column numbers and the signature block."""
    sheet = load_workbook(path, read_only=True).worksheets[0]
    # Read-only mode gives short rows where trailing cells are empty: pad them.
    rows = [["" if v is None else str(v) for v in row] + [""] * (13 - len(row))
            for row in sheet.iter_rows(values_only=True)]
    title = next(cell for row in rows[:6] for cell in row if cell.startswith("BẢNG TỔNG HỢP"))
    month_number, year = title.split("THÁNG ")[1].split(" NĂM ")
    header_row = next(i for i, row in enumerate(rows) if row[0] == "STT")
    # Two header rows: the lower one names the columns under the merged group title.
    header = [low or top for top, low in zip(rows[header_row], rows[header_row + 1])]
    assert rows[header_row + 2][0] == "(1)"
    data = []
    for row in rows[header_row + 3:]:
        if any(cell.startswith("Long Biên, ngày ") or cell in SIGNING_TITLES for cell in row):
            break
        data.append(row)
    frame = pd.DataFrame(data, columns=header)
    is_group_title = frame["STT"].str.match(r"^[IVX]+\. KHỐI ")
    frame = frame[~is_group_title & (frame.drop(columns="STT") != "").any(axis=1)]
    frame["month"] = f"{year}-{int(month_number):02d}"
    return frame.drop(columns="STT").reset_index(drop=True)


def test_same_arguments_give_identical_bytes(tmp_path: Path) -> None:
    first = write_demo(tmp_path / "a", **SMALL)
    second = write_demo(tmp_path / "b", **SMALL)
    assert first == second
    assert hashes(tmp_path / "a") == hashes(tmp_path / "b")
    assert write_demo(tmp_path / "a", **SMALL) == first  # rewriting an earlier demo is allowed
    assert hashes(tmp_path / "a") == hashes(tmp_path / "b")


def test_another_seed_gives_other_people(tmp_path: Path) -> None:
    write_demo(tmp_path / "a", **SMALL)
    write_demo(tmp_path / "b", **SMALL, seed=2)
    assert hashes(tmp_path / "a")["withheld.csv"] != hashes(tmp_path / "b")["withheld.csv"]


def test_refuses_a_folder_that_may_hold_real_data(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("code,name\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_demo(tmp_path, **SMALL)


def test_layout_and_summary(demo: tuple[Path, DemoSummary]) -> None:
    out, summary = demo
    assert summary.months == ("2026-07", "2026-08", "2026-09", "2026-10")
    assert summary.history_months == ("2026-04", "2026-05", "2026-06")
    assert set(summary.files) == set(hashes(out))
    assert summary.units == 12 and "demo" in summary.describe()
    assert "python -m generator demo" in (out / "DEMO").read_text(encoding="utf-8")
    exports = [f for f in summary.files if f.startswith("exports/")]
    assert any(f.endswith(".csv") for f in exports) and any(f.endswith(".xlsx") for f in exports)


def test_every_person_row_has_an_id_and_appears_once_a_month(people: pd.DataFrame) -> None:
    assert (people["Mã CB"].str.fullmatch(r"CB\d{6}")).all()
    assert not people.duplicated(["month", "Mã CB"]).any()
    assert sorted(people["month"].unique()) == ["2026-07", "2026-08", "2026-09", "2026-10"]
    # One id, one name and one position throughout.
    assert (people.groupby("Mã CB")["Họ và tên"].nunique() == 1).all()


def test_rating_shares_are_realistic(people: pd.DataFrame) -> None:
    final = people["Thủ trưởng xếp loại"].map(FULL).fillna("not evaluated")
    shares = final.value_counts(normalize=True)
    assert 0.09 <= shares["XS"] <= 0.16
    assert 0.78 <= shares["T"] <= 0.90
    assert 0.005 <= shares.get("HT", 0) <= 0.06
    assert shares.get("K", 0) <= 0.01
    assert shares.get("not evaluated", 0) <= 0.03
    assert set(people["Thủ trưởng xếp loại"]) <= set(FULL) | {"", "-"}


def test_scores_agree_with_ratings_and_only_xs_is_rewarded(people: pd.DataFrame) -> None:
    level = people["Thủ trưởng xếp loại"].map(FULL)
    rated = level.notna()
    score = pd.to_numeric(people.loc[rated, "Điểm thẩm định"])
    bands = {"XS": (90, 100), "T": (70, 89.99), "HT": (50, 69.99), "K": (0, 49.99)}
    for name, (low, high) in bands.items():
        assert score[level[rated] == name].between(low, high).all(), name
    reward = people["Khen thưởng"].str.replace(".", "", regex=False)
    assert (reward[level == "XS"] == "1170000").all()
    assert (reward[level != "XS"] == "").all()
    self_level = people["Tự xếp loại"].map(FULL)
    order = {"XS": 0, "T": 1, "HT": 2, "K": 3}
    both = rated & self_level.notna()
    step = self_level[both].map(order) - level[both].map(order)
    assert step.isin([-1, 0, 1]).all() and (step != 0).mean() < 0.1


def test_xs_stays_within_the_quota_but_in_one_month(people: pd.DataFrame) -> None:
    level = people["Thủ trưởng xếp loại"].map(FULL)
    counts = pd.crosstab([people["month"], people["Mã đơn vị"]], level)
    over = counts[counts["XS"] * 5 > counts["XS"] + counts["T"]]
    assert over.index.get_level_values("month").nunique() <= 1
    assert len(over) <= 2


def test_registry_has_the_reorganisation(demo: tuple[Path, DemoSummary]) -> None:
    out, _ = demo
    units = pd.read_csv(out / "units.csv", dtype=str, keep_default_na=False)
    assert list(units.columns) == ["code", "name", "block", "level", "parent", "valid_from",
                                   "valid_to", "successor"]
    assert units["code"].is_unique and units["code"].str.fullmatch(r"[A-Z]+\d+").all()
    merged = units[units["successor"] != ""]
    assert len(merged) >= 2
    for _, old in merged.iterrows():
        new = units.set_index("code").loc[old["successor"]]
        assert old["valid_to"] == "2025-06-30" and new["valid_from"] == "2025-07-01"
        assert new["valid_to"] == ""
    assert set(units["parent"]) - {""} <= set(units["code"])
    assert units.groupby(["name"]).size().max() == 1  # a name never names two units


def test_exports_use_only_units_valid_that_month(demo: tuple[Path, DemoSummary],
                                                  people: pd.DataFrame) -> None:
    out, _ = demo
    units = pd.read_csv(out / "units.csv", dtype=str, keep_default_na=False).set_index("code")
    used = people[["month", "Mã đơn vị", "Đơn vị"]].drop_duplicates()
    assert (units.loc[used["Mã đơn vị"], "name"].to_numpy() == used["Đơn vị"].to_numpy()).all()
    for _, row in used.iterrows():
        unit = units.loc[row["Mã đơn vị"]]
        assert unit["valid_from"][:7] <= row["month"] and (unit["valid_to"] in ("", None) or
                                                           row["month"] <= unit["valid_to"][:7])


def test_history_counts_add_up(demo: tuple[Path, DemoSummary]) -> None:
    out, summary = demo
    files = sorted((out / "history").iterdir())
    history = pd.concat(pd.read_csv(path, encoding="utf-8-sig") for path in files)
    levels = ["HTXSNV", "HTTNV", "HTNV", "KHTNV", "Không đánh giá"]
    assert (history[levels].sum(axis=1) == history["Tổng số"]).all()
    months = history["Tháng"].str.split("/").map(lambda mm_yyyy: f"{mm_yyyy[1]}-{mm_yyyy[0]}")
    assert sorted(set(months)) == list(summary.history_months)
    assert (history["HTXSNV"] * 5 <= history["HTXSNV"] + history["HTTNV"]).all()


def test_withheld_people_are_rated_xs(demo: tuple[Path, DemoSummary], people: pd.DataFrame) -> None:
    out, _ = demo
    withheld = pd.read_csv(out / "withheld.csv", dtype=str)
    assert list(withheld.columns) == ["person_id"] and 2 <= len(withheld) <= 3
    excellent = set(people.loc[people["Thủ trưởng xếp loại"].map(FULL) == "XS", "Mã CB"])
    assert set(withheld["person_id"]) <= excellent


def test_xlsx_month_sources_agree(demo: tuple[Path, DemoSummary]) -> None:
    """File names that carry a month must name the month of the title line."""
    out, _ = demo
    named = {"2026-10 Ket qua xep loai.xlsx": "2026-10",
             "Thang 07-2026 - Tong hop xep loai.xlsx": "2026-07"}
    for name, month in named.items():
        assert set(read_xlsx(out / "exports" / name)["month"]) == {month}


def test_xlsx_has_the_layout_of_an_administrative_report(demo: tuple[Path, DemoSummary]) -> None:
    out, _ = demo
    sheet = load_workbook(out / "exports" / "2026-10 Ket qua xep loai.xlsx").worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert "ỦY BAN NHÂN DÂN QUẬN LONG BIÊN" in cells and "Độc lập - Tự do - Hạnh phúc" in cells
    assert any(str(v).endswith("THÁNG 10 NĂM 2026") for v in cells)
    assert "Tháng" not in cells  # the month is in the title line only
    merged = {str(r) for r in sheet.merged_cells.ranges}
    group = cells["Kết quả xếp loại"]
    row, column = group.row, group.column_letter
    right = get_column_letter(group.column + 1)
    assert f"{column}{row}:{right}{row}" in merged
    assert sheet[f"{column}{row + 1}"].value == "Tự xếp loại"
    assert sheet[f"{right}{row + 1}"].value == "Thủ trưởng xếp loại"
    assert f"A{row}:A{row + 1}" in merged and sheet[f"A{row}"].value == "STT"
    assert sheet[f"A{row + 2}"].value == "(1)"
    assert "I. KHỐI ĐẢNG" in cells and "NGƯỜI LẬP BIỂU" in cells
    assert any(str(v).startswith("Long Biên, ngày ") and "tháng 11 năm 2026" in str(v) for v in cells)
    rewards = [c for c in sheet[cells["Khen thưởng"].column_letter] if isinstance(c.value, int)]
    assert rewards and all(c.value == 1_170_000 and c.number_format == "#,##0" for c in rewards)


def test_csv_looks_like_excel_in_a_vietnamese_locale(demo: tuple[Path, DemoSummary]) -> None:
    out, _ = demo
    path = out / "exports" / "Ket qua xep loai_T09_2026.csv"
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert header.split(";")[:3] == ["STT", "Tháng", "Mã CB"]
    assert first.split(";")[1] == "09/2026"
    assert ";1.170.000;" in raw.decode("utf-8-sig")


def test_large_sets_are_written_as_csv_only(tmp_path: Path) -> None:
    summary = write_demo(tmp_path, units=40, staff=20_400, months=2, history_months=0)
    exports = [f for f in summary.files if f.startswith("exports/")]
    assert exports and all(f.endswith(".csv") for f in exports)
    assert summary.people_rows >= 2 * 20_000
