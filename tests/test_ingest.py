"""Each export quirk of EXPORT-FORMAT.md sections 1-5, one test each, on fixtures built here."""
from __future__ import annotations

from generator.core.config import Policy
from generator.round.pipeline import DataFolder, load

from conftest import PERSON_HEADER, person_row, to_cp1258, write_csv, write_xlsx


def run(data_dir):
    return load(DataFolder(data_dir.root), Policy())


def codes(problems, severity="errors"):
    return [p.code for p in getattr(problems, severity)]


def test_headers_match_after_folding(data_dir):
    header = ["stt", "MÃ  CB.", "HỌ VÀ\nTÊN", "Mã\u00a0đơn vị", "tháng", "KẾT QUẢ  XẾP LOẠI"]
    data_dir.export_csv("a.csv", [[1, "1", "Nguyễn Văn An", "PTC", "10/2024", "Hoàn thành tốt nhiệm vụ"]], header=header)
    loaded = run(data_dir)
    assert not loaded.problems.errors
    row = loaded.data.people.iloc[0]
    assert (row["person_id"], row["full_name"], row["final_rating"]) == ("1", "Nguyễn Văn An", "T")


def test_header_found_below_title_block_in_xlsx(data_dir):
    title = [["ỦY BAN NHÂN DÂN QUẬN LONG BIÊN", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
             [None, None, "Độc lập - Tự do - Hạnh phúc"], [],
             ["BẢNG TỔNG HỢP KẾT QUẢ XẾP LOẠI THÁNG 10 NĂM 2024"], []]
    header = ["STT", "Mã CB", "Họ và tên", "Mã đơn vị", "Xếp loại"]
    write_xlsx(data_dir.exports / "bang.xlsx", {"Sheet1": [*title, header, [1, "7", "Lê Thị Bình", "PTC", "HTXSNV"]]})
    loaded = run(data_dir)
    assert not loaded.problems.errors, loaded.problems.errors
    row = loaded.data.people.iloc[0]
    assert (row["month"], row["final_rating"], row["row"]) == ("2024-10", "XS", 7)


def test_two_row_header_with_merged_group_title(data_dir):
    upper = ["STT", "Mã CB", "Họ và tên", "Mã đơn vị", "Tháng", "Kết quả xếp loại", None]
    lower = [None, None, None, None, None, "Tự xếp loại", "Thủ trưởng xếp loại"]
    rows = [upper, lower, [1, "1", "An", "PTC", "10/2024", "HTTNV", "HTXSNV"]]
    merges = ["F1:G1", "A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:E2"]
    write_xlsx(data_dir.exports / "a.xlsx", {"S": rows}, merges={"S": merges})
    loaded = run(data_dir)
    assert not loaded.problems.errors, loaded.problems.errors
    row = loaded.data.people.iloc[0]
    assert (row["self_rating"], row["final_rating"]) == ("T", "XS")


def test_two_row_header_in_csv(data_dir):
    upper = ["Mã CB", "Họ tên", "Mã đơn vị", "Tháng", "Kết quả xếp loại", ""]
    lower = ["", "", "", "", "Cá nhân tự xếp loại", "Cấp có thẩm quyền xếp loại"]
    data_dir.export_csv("a.csv", [lower, ["1", "An", "PTC", "10/2024", "T", "HT"]], header=upper)
    loaded = run(data_dir)
    assert not loaded.problems.errors
    row = loaded.data.people.iloc[0]
    assert (row["self_rating"], row["final_rating"]) == ("T", "HT")


def test_plain_xep_loai_beside_specific_final_column_is_self_rating(data_dir):
    header = ["Mã CB", "Họ tên", "Mã đơn vị", "Tháng", "Xếp loại", "Thủ trưởng xếp loại", "Tổng điểm", "Điểm thẩm định"]
    data_dir.export_csv("a.csv", [["1", "An", "PTC", "10/2024", "XS", "T", "95", "85"]], header=header)
    loaded = run(data_dir)
    row = loaded.data.people.iloc[0]
    assert (row["self_rating"], row["final_rating"], row["final_score"]) == ("XS", "T", 85)
    ignored = [p.message for p in loaded.problems.of("ignored-columns")]
    assert any("Tổng điểm" in m for m in ignored)


def test_lower_ranked_alias_used_only_when_higher_absent(data_dir):
    header = ["Mã CB", "Họ tên", "Mã đơn vị", "Tháng", "Chức danh", "Xếp loại"]
    data_dir.export_csv("a.csv", [["1", "An", "PTC", "10/2024", "Kế toán", "T"]], header=header)
    assert run(data_dir).data.people.iloc[0]["position"] == "Kế toán"


def test_two_columns_of_equal_rank_is_an_error_naming_both(data_dir):
    header = ["Mã CB", "Họ tên", "Mã đơn vị", "Tháng", "Thủ trưởng xếp loại", "Mức xếp loại chính thức"]
    data_dir.export_csv("a.csv", [["1", "An", "PTC", "10/2024", "T", "T"]], header=header)
    [error] = run(data_dir).problems.of("ambiguous-columns")
    assert "Thủ trưởng xếp loại" in error.message and "Mức xếp loại chính thức" in error.message
    assert error.file == "exports/a.csv" and error.row == 1


def test_non_data_rows_are_skipped_and_data_continues_after_blank_rows(data_dir):
    rows = [
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)", "(13)", "(14)"],
        ["I. KHỐI ĐẢNG", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        person_row(1, "1", "Nguyễn Văn An", "PTC"),
        [""] * 14,
        person_row(2, "2", "Trần Thị Bình", "PTC"),
        ["", "", "Tổng cộng", "", "", "", "", "", "", "", "", "2", "", ""],
    ]
    data_dir.export_csv("a.csv", rows)
    loaded = run(data_dir)
    assert not loaded.problems.errors, loaded.problems.errors
    assert loaded.data.people["person_id"].tolist() == ["1", "2"]
    assert loaded.data.people["row"].tolist() == [4, 6]


def test_row_with_name_but_no_id_is_an_error_naming_the_row(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC"), person_row(2, "", "Bình", "PTC")])
    [error] = run(data_dir).problems.of("row-without-id")
    assert (error.file, error.row, error.column) == ("exports/a.csv", 3, "Mã CB")


def test_signature_block_ends_the_data_in_any_column(data_dir):
    rows = [
        person_row(1, "1", "An", "PTC"),
        ["", "", "", "", "", "", "", "", "", "", "Long Biên, ngày 05 tháng 11 năm 2024", "", "", ""],
        ["", "", "NGƯỜI LẬP BIỂU", "", "", "", "", "", "", "", "THỦ TRƯỞNG ĐƠN VỊ", "", "", ""],
        ["", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["", "9", "Nguyễn Văn Ký", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    data_dir.export_csv("a.csv", rows)
    loaded = run(data_dir)
    assert not loaded.problems.errors, loaded.problems.errors
    assert loaded.data.people["person_id"].tolist() == ["1"]


def test_value_merged_down_applies_to_each_row(data_dir):
    header = ["Mã CB", "Họ tên", "Đơn vị", "Tháng", "Xếp loại"]
    rows = [header, ["1", "An", "Phòng Tài chính - Kế hoạch", "10/2024", "T"], ["2", "Bình", None, "10/2024", "T"]]
    write_xlsx(data_dir.exports / "a.xlsx", {"S": rows}, merges={"S": ["C2:C3"]})
    loaded = run(data_dir)
    assert not loaded.problems.errors, loaded.problems.errors
    assert loaded.data.people["unit_code"].tolist() == ["PTC", "PTC"]


def test_hidden_sheets_and_sheets_without_header_are_skipped_and_logged(data_dir):
    good = [["Mã CB", "Họ tên", "Mã đơn vị", "Tháng", "Xếp loại"], ["1", "An", "PTC", "10/2024", "T"]]
    hidden = [["Mã CB", "Họ tên", "Mã đơn vị", "Tháng", "Xếp loại"], ["2", "Bình", "PTC", "10/2024", "T"]]
    write_xlsx(data_dir.exports / "a.xlsx", {"Data": good, "Old": hidden, "Notes": [["ghi chú"]]}, hidden=("Old",))
    loaded = run(data_dir)
    assert loaded.data.people["person_id"].tolist() == ["1"]
    assert {p.sheet for p in loaded.problems.items if p.code in ("hidden-sheet", "sheet-without-header")} == {"Old", "Notes"}


def test_header_without_data_is_a_warning(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC")])
    data_dir.export_csv("b.csv", [])
    [warning] = run(data_dir).problems.of("header-without-data")
    assert warning.file == "exports/b.csv"


def test_month_from_title_line_and_from_file_name(data_dir):
    header = ["Mã CB", "Họ tên", "Mã đơn vị", "Xếp loại"]
    write_csv(data_dir.exports / "bao cao.csv", [["KẾT QUẢ XẾP LOẠI THÁNG 9/2024"], ["Long Biên, ngày 05 tháng 10 năm 2024"], header, ["1", "An", "PTC", "T"]])
    write_csv(data_dir.exports / "ket qua_T08_2024.csv", [header, ["1", "An", "PTC", "T"]])
    loaded = run(data_dir)
    assert not loaded.problems.errors, loaded.problems.errors
    assert sorted(loaded.data.people["month"]) == ["2024-08", "2024-09"]


def test_month_sources_must_agree(data_dir):
    data_dir.export_csv("2024-09 ket qua.csv", [person_row(1, "1", "An", "PTC", month="10/2024")])
    [error] = run(data_dir).problems.of("month-disagrees")
    assert (error.row, error.value, error.column) == (2, "10/2024", "Tháng")


def test_no_month_at_all_is_an_error(data_dir):
    data_dir.export_csv("ket qua.csv", [["1", "An", "PTC", "T"]], header=["Mã CB", "Họ tên", "Mã đơn vị", "Xếp loại"])
    assert run(data_dir).problems.of("no-month")


def test_month_column_accepts_every_written_form(data_dir):
    forms = ["10/2024", "T10/2024", "Tháng 10/2024", "2024-10", "2024-10-15"]
    data_dir.export_csv("a.csv", [person_row(i, str(i), f"Người {i}", "PTC", month=m) for i, m in enumerate(forms)])
    loaded = run(data_dir)
    assert not loaded.problems.errors
    assert set(loaded.data.people["month"]) == {"2024-10"}


def test_ratings_by_label_abbreviation_code_letter_and_score(data_dir):
    finals = ["Hoàn thành xuất sắc nhiệm vụ", "HTTNV", "HT", "d", "Xuất sắc", "", "Chưa đánh giá"]
    rows = [person_row(i, str(i), f"Người {i}", "PTC", final=f) for i, f in enumerate(finals)]
    rows.append(person_row(9, "9", "Người 9", "PTC", final="", score="91"))
    data_dir.export_csv("a.csv", rows)
    people = run(data_dir).data.people
    assert people["final_rating"].tolist()[:5] == ["XS", "T", "HT", "K", "XS"]
    assert people["final_rating"].isna().tolist()[5:7] == [True, True]
    assert people["final_rating"].iloc[7] == "XS"


def test_unknown_rating_is_an_error_with_the_nearest_label(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC", final="Hoàn thành tốtt", self_rating="T")])
    [error] = run(data_dir).problems.of("invalid-rating")
    assert (error.row, error.column, error.value) == (2, "Thủ trưởng xếp loại", "Hoàn thành tốtt")
    assert error.suggestion == "Hoàn thành tốt nhiệm vụ"


def test_not_evaluated_lookalike_is_never_suggested_a_rating(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC", final="Chưa xếp loại", self_rating="T")])
    [error] = run(data_dir).problems.of("invalid-rating")
    assert error.suggestion == "Không đánh giá"


def test_score_that_disagrees_with_rating_is_a_warning(data_dir):
    rows = [person_row(i, str(i), f"An {i}", "PTC", final="HTTNV", score="80") for i in range(20)]
    rows[0] = person_row(0, "0", "An 0", "PTC", final="HTTNV", score="95,5")
    data_dir.export_csv("a.csv", rows)
    problems = run(data_dir).problems
    [warning] = problems.of("score-disagrees")  # 1 of 20 rated rows: 5%, not more
    assert warning.row == 2 and warning.value == "95,5" and not problems.has_errors
    assert warning.message == "Điểm “95,5” ứng với mức XS, nhưng xếp loại là “HTTNV” (T)."


def test_ratings_that_disagree_with_scores_in_more_than_5_percent_of_rows_are_one_error(data_dir):
    rows = [person_row(i, str(i), f"An {i}", "PTC", final="Hoàn thành tốt nhiệm vụ", score="80") for i in range(20)]
    rows[3][11] = rows[7][11] = "Hoàn thành xuất sắc nhiệm vụ"
    rows[9][10], rows[9][11] = "", "Hoàn thành nhiệm vụ"  # no score: cannot disagree
    rows[12][11] = ""  # no rating: taken from the score, agrees by itself
    data_dir.export_csv("a.csv", rows)
    problems = run(data_dir).problems
    [error] = problems.of("rating-column-suspect")
    assert not problems.of("score-disagrees")
    assert (error.row, error.column) == (5, "Thủ trưởng xếp loại")
    assert "2 trong 18 dòng" in error.message and "(11,11%, quá 5%)" in error.message
    assert "dòng 5: điểm “80” ứng với T, xếp loại “Hoàn thành xuất sắc nhiệm vụ” (XS)" in error.message


def test_numeric_id_from_a_spreadsheet_reads_as_text(data_dir):
    header = ["Mã CB", "Họ tên", "Mã đơn vị", "Tháng", "Xếp loại"]
    write_xlsx(data_dir.exports / "a.xlsx", {"S": [header, [1234.0, "An", "PTC", "10/2024", "T"]]})
    data_dir.export_csv("b.csv", [["1235.0", "Bình", "PTC", "10/2024", "T"]], header=header)
    assert sorted(run(data_dir).data.people["person_id"]) == ["1234", "1235"]


def test_identical_rows_are_merged_with_a_warning(data_dir):
    row = person_row(1, "1", "An", "PTC")
    data_dir.export_csv("a.csv", [row, [2, *row[1:]]])
    loaded = run(data_dir)
    assert len(loaded.data.people) == 1
    [warning] = loaded.problems.of("duplicate-merged")
    assert warning.row == 3 and "dòng 2" in warning.message


def test_same_person_twice_with_a_difference_names_both_rows(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC"), person_row(2, "1", "An", "PTC", final="HTXSNV")])
    [error] = run(data_dir).problems.of("person-twice")
    assert error.row == 3 and "dòng 2" in error.message


def test_same_person_in_two_units_is_an_error(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC")])
    data_dir.export_csv("b.csv", [person_row(1, "1", "An", "THGB")])
    [error] = run(data_dir).problems.of("person-two-units")
    assert "exports/a.csv" in error.message and error.file == "exports/b.csv"


def test_one_id_under_two_names_is_an_error(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC"), person_row(2, "1", "Ân", "PTC")])
    assert run(data_dir).problems.of("id-two-names")


def test_leader_flag_and_reward_text(data_dir):
    rows = [person_row(1, "1", "An", "PTC", leader="x", reward="1.170.000đ", final="HTXSNV"),
            person_row(2, "2", "Bình", "PTC", leader="Không", reward="500.000 VNĐ"),
            person_row(3, "3", "Chi", "PTC", leader="hmm", reward="")]
    data_dir.export_csv("a.csv", rows)
    loaded = run(data_dir)
    people = loaded.data.people
    assert people["is_leader"].tolist() == [True, False, False]
    assert people["reward"].tolist()[:2] == [1170000, 500000]
    [warning] = loaded.problems.of("unclear-leader")
    assert warning.value == "hmm" and warning.row == 4


def test_invalid_reward_is_an_error(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC", reward="một triệu")])
    [error] = run(data_dir).problems.of("invalid-reward")
    assert (error.row, error.value) == (2, "một triệu")


def test_semicolon_separated_windows_1258_export(data_dir):
    rows = [PERSON_HEADER, person_row(1, "1", "Đặng Thị Hường", "PTC")]
    text = "\r\n".join(";".join(str(c) for c in row) for row in rows)
    (data_dir.exports / "a.csv").write_bytes(to_cp1258(text))
    loaded = run(data_dir)
    assert not loaded.problems.errors, loaded.problems.errors
    assert loaded.data.people.iloc[0]["full_name"] == "Đặng Thị Hường"


def test_every_error_of_a_run_is_reported_together(data_dir):
    data_dir.export_csv("a.csv", [person_row(1, "1", "An", "PTC", final="??"), person_row(2, "", "Bình", "PTC")])
    data_dir.export_csv("b.csv", [person_row(1, "5", "Chi", "NOPE")])
    (data_dir.exports / "c.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    found = set(codes(run(data_dir).problems))
    assert {"invalid-rating", "row-without-id", "unknown-unit", "xls-not-supported"} <= found
