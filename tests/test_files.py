"""Reading one file into raw text tables (generator/ingest/files.py).

Every fixture is built here, in tmp_path, from known strings.
"""
from __future__ import annotations

import datetime
import tempfile
import time
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.ingest import sheets
from generator.ingest.files import MAX_FILE_BYTES, read_tables
from generator.ingest.legacyfont import legacy_font_encoding
from generator.ingest.xlsx import MAX_XLSX_UNCOMPRESSED_BYTES
from generator.ingest.sheets import RawSheet
from generator.ingest.xlsx_worker import cell_text
from generator.core.problems import InputRefused, Problems

HEADER = ["STT", "Mã cán bộ", "Họ và tên", "Đơn vị", "Xếp loại"]
ROWS = [
    ["1", "1234", "Nguyễn Văn An", "Phòng Nội vụ", "Hoàn thành xuất sắc nhiệm vụ"],
    ["2", "1235", "Trần Thị Bình", "Phòng Tài chính – Kế hoạch", "Hoàn thành tốt nhiệm vụ"],
]


def read(path: Path, problems: Problems | None = None) -> list[RawSheet]:
    return read_tables(path, f"exports/{path.name}", problems if problems is not None else Problems())


def read_one(path: Path) -> RawSheet:
    sheets = read(path)
    assert len(sheets) == 1
    return sheets[0]


def refusal(path: Path) -> InputRefused:
    with pytest.raises(InputRefused) as caught:
        read(path)
    return caught.value


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def delimited(rows: list[list[str]], separator: str, line_end: str = "\r\n") -> str:
    return "".join(separator.join(row) + line_end for row in rows)


def rows_of(sheet: RawSheet) -> list[list[str]]:
    return sheet.cells.to_numpy().tolist()


# --- Encodings ---------------------------------------------------------------


CP1258_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


def to_cp1258(text: str) -> bytes:
    """Windows-1258 has ê, ơ, ă ... but no toned letters: those are a base
    letter followed by one of its five combining tone marks."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tone = next(mark for mark in CP1258_TONES if mark in decomposed)
            base = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf")],
    ids=["utf-8", "utf-8-bom"],
)
def test_utf8_with_and_without_bom(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = delimited([HEADER, *ROWS], ",")
    sheet = read_one(write(tmp_path, "t.csv", prefix + text.encode(encoding)))
    assert sheet.sheet is None
    assert sheet.file == "exports/t.csv"
    assert sheet.merged == ()
    assert rows_of(sheet) == [HEADER, *ROWS]
    assert list(sheet.cells.index) == [1, 2, 3]
    assert list(sheet.cells.columns) == [0, 1, 2, 3, 4]


def test_utf16_unicode_text_is_tab_separated(tmp_path: Path) -> None:
    # Excel's "Unicode text": UTF-16 LE with a byte-order mark, tabs.
    text = delimited([HEADER, *ROWS], "\t")
    sheet = read_one(write(tmp_path, "t.txt", b"\xff\xfe" + text.encode("utf-16-le")))
    assert rows_of(sheet) == [HEADER, *ROWS]


def test_windows_1258_comes_out_nfc(tmp_path: Path) -> None:
    text = delimited([HEADER, *ROWS], ";")
    data = to_cp1258(text)
    assert b"\xde" in data  # a combining tilde byte: the decomposed form is exercised
    sheet = read_one(write(tmp_path, "t.csv", data))
    assert rows_of(sheet) == [HEADER, *ROWS]
    assert all(unicodedata.is_normalized("NFC", cell) for cell in sheet.cells.to_numpy().ravel())


def test_decomposed_utf8_is_normalised(tmp_path: Path) -> None:
    text = unicodedata.normalize("NFD", delimited([HEADER, *ROWS], ","))
    sheet = read_one(write(tmp_path, "t.csv", text.encode("utf-8")))
    assert rows_of(sheet) == [HEADER, *ROWS]


def test_utf8_with_a_stray_byte_is_refused_not_read_as_mojibake(tmp_path: Path) -> None:
    data = delimited([HEADER, *ROWS], ",").encode() + "3,1236,Lê Văn Cường".encode() + b"\x92s\r\n"
    refused = refusal(write(tmp_path, "t.csv", data))
    assert refused.code == "bad-encoding"
    assert "dòng 4" in refused.message


def test_broken_utf16_with_bom_is_refused(tmp_path: Path) -> None:
    data = b"\xff\xfe" + "a\tb\r\n".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    assert refusal(write(tmp_path, "t.txt", data)).code == "bad-encoding"


# --- Separators and rows -----------------------------------------------------


@pytest.mark.parametrize("separator", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_separators(tmp_path: Path, separator: str) -> None:
    sheet = read_one(write(tmp_path, "t.csv", delimited([HEADER, *ROWS], separator).encode()))
    assert rows_of(sheet) == [HEADER, *ROWS]


def test_semicolon_wins_over_decimal_commas(tmp_path: Path) -> None:
    # Excel in a Vietnamese locale: ";" between cells, "," in numbers.
    rows = [["Mã", "Điểm", "Ghi chú"], ["1", "92,5", ""], ["2", "88,25", ""], ["3", "75,5", "x"]]
    sheet = read_one(write(tmp_path, "t.csv", delimited(rows, ";").encode()))
    assert rows_of(sheet) == rows


def test_excel_sep_line_sets_separator_and_is_not_a_row(tmp_path: Path) -> None:
    text = "sep=;\r\n" + delimited([HEADER, *ROWS], ";")
    sheet = read_one(write(tmp_path, "t.csv", text.encode()))
    assert rows_of(sheet) == [HEADER, *ROWS]
    assert sheet.cells.index[0] == 1


def test_ragged_title_rows_above_the_header(tmp_path: Path) -> None:
    text = (
        "ỦY BAN NHÂN DÂN QUẬN LONG BIÊN\r\n"
        "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG 10/2024\r\n"
        "\r\n" + delimited([HEADER, *ROWS], ";")
    )
    sheet = read_one(write(tmp_path, "t.csv", text.encode()))
    assert sheet.cells.shape == (6, 5)
    assert sheet.cells.loc[1].tolist() == ["ỦY BAN NHÂN DÂN QUẬN LONG BIÊN", "", "", "", ""]
    # The comma in the title did not make it two cells: ";" is the separator.
    assert sheet.cells.loc[2, 0] == "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THÁNG 10/2024"
    assert sheet.cells.loc[3].tolist() == [""] * 5
    assert sheet.cells.loc[4].tolist() == HEADER
    assert sheet.cells.loc[6].tolist() == ROWS[1]


def test_quoted_line_break_is_one_row(tmp_path: Path) -> None:
    text = (
        "Mã,Họ và tên,Ghi chú\r\n"
        '1234,Nguyễn Văn An,"Sáng kiến:\r\ncải tiến quy trình, ""một cửa"""\r\n'
        "1235,Trần Thị Bình,\r\n"
    )
    sheet = read_one(write(tmp_path, "t.csv", text.encode()))
    assert list(sheet.cells.index) == [1, 2, 3]
    assert sheet.cells.loc[2, 2] == 'Sáng kiến:\r\ncải tiến quy trình, "một cửa"'
    assert sheet.cells.loc[3].tolist() == ["1235", "Trần Thị Bình", ""]


def test_record_wider_than_any_physical_line(tmp_path: Path) -> None:
    # Line 2 holds one comma and line 3 two; the record across them has four
    # cells, more than the per-line count guesses: the exact count is used.
    text = 'a,b\r\n1,"x\r\ny",2,3\r\n'
    sheet = read_one(write(tmp_path, "t.csv", text.encode()))
    assert rows_of(sheet) == [["a", "b", "", ""], ["1", "x\r\ny", "2", "3"]]


def test_whitespace_only_cells_become_blank_and_text_is_not_trimmed(tmp_path: Path) -> None:
    text = "Mã,Họ và tên,Ghi chú\r\n1234, Nguyễn Văn An ,\u00a0 \r\n"
    sheet = read_one(write(tmp_path, "t.csv", text.encode()))
    assert sheet.cells.loc[2].tolist() == ["1234", " Nguyễn Văn An ", ""]


def test_ids_keep_leading_zeros_and_nothing_becomes_nan(tmp_path: Path) -> None:
    text = "Mã,Tên,Điểm\r\n001234,NA,null\r\n"
    sheet = read_one(write(tmp_path, "t.csv", text.encode()))
    assert sheet.cells.loc[2].tolist() == ["001234", "NA", "null"]


def test_million_blank_rows_are_cheap(tmp_path: Path) -> None:
    text = delimited([HEADER, *ROWS], ",") + ",,,,\r\n" * 1_000_000
    path = write(tmp_path, "t.csv", text.encode())
    started = time.perf_counter()
    sheet = read_one(path)
    assert time.perf_counter() - started < 5
    assert rows_of(sheet) == [HEADER, *ROWS]


def test_blank_lines_between_rows_keep_row_numbers(tmp_path: Path) -> None:
    text = "Mã,Tên\n\n\n1234,An\n"
    sheet = read_one(write(tmp_path, "t.csv", text.encode()))
    assert list(sheet.cells.index) == [1, 2, 3, 4]
    assert sheet.cells.loc[4].tolist() == ["1234", "An"]


def test_old_mac_line_endings(tmp_path: Path) -> None:
    sheet = read_one(write(tmp_path, "t.csv", delimited([HEADER, *ROWS], ";", "\r").encode()))
    assert rows_of(sheet) == [HEADER, *ROWS]


def test_unterminated_quote_is_refused(tmp_path: Path) -> None:
    text = 'Mã,Tên\r\n1234,"Nguyễn Văn An\r\n1235,Trần Thị Bình\r\n'
    assert refusal(write(tmp_path, "t.csv", text.encode())).code == "malformed-csv"


def test_single_column_is_one_column(tmp_path: Path) -> None:
    sheet = read_one(write(tmp_path, "withheld.csv", "person_id\r\nCB-0001\r\n1235\r\n".encode()))
    assert rows_of(sheet) == [["person_id"], ["CB-0001"], ["1235"]]


def test_blank_csv_is_empty(tmp_path: Path) -> None:
    assert refusal(write(tmp_path, "t.csv", b"\r\n ;;;\r\n\r\n")).code == "empty-file"


# --- xlsx --------------------------------------------------------------------


def save(workbook: openpyxl.Workbook, tmp_path: Path, name: str = "t.xlsx") -> Path:
    path = tmp_path / name
    workbook.save(path)
    return path


def test_xlsx_cells_as_text(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tháng 10"
    sheet.append(["Mã cán bộ", "Họ và tên", "Điểm", "Tháng", "Ngày ký", "LĐQL", "Trống"])
    sheet.append([1234.0, "Nguyễn Văn An", 92.5, datetime.date(2024, 10, 1),
                  datetime.datetime(2024, 11, 5, 9, 30), True, "   "])
    sheet.append([1235, unicodedata.normalize("NFD", "Trần Thị Bình"), 0.1 + 0.2, None, None, False, None])
    raw = read_one(save(workbook, tmp_path))
    assert raw.sheet == "Tháng 10"
    assert rows_of(raw) == [
        ["Mã cán bộ", "Họ và tên", "Điểm", "Tháng", "Ngày ký", "LĐQL", "Trống"],
        ["1234", "Nguyễn Văn An", "92.5", "2024-10-01", "2024-11-05", "TRUE", ""],
        ["1235", "Trần Thị Bình", "0.3", "", "", "FALSE", ""],
    ]
    assert list(raw.cells.index) == [1, 2, 3]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.0, "1234"),
        (-0.0, "0"),
        (123456789012.0, "123456789012"),
        (92.5, "92.5"),
        (0.1 + 0.2, "0.3"),
        (7, "7"),
        (True, "TRUE"),
        (datetime.date(2024, 10, 1), "2024-10-01"),
        (datetime.datetime(2024, 10, 1, 13, 5), "2024-10-01"),
        (datetime.time(13, 5), "13:05:00"),
        (None, ""),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def title_block_workbook() -> openpyxl.Workbook:
    """A sheet starting at B2, with merged title and group-header cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet["B2"] = "KẾT QUẢ ĐÁNH GIÁ THÁNG 10/2024"
    sheet.merge_cells("B2:F2")
    sheet["B4"], sheet["C4"], sheet["D4"], sheet["F4"] = "Mã cán bộ", "Họ và tên", "Kết quả xếp loại", "Ghi chú"
    sheet.merge_cells("D4:E4")
    sheet["D5"], sheet["E5"] = "Tự xếp loại", "Thủ trưởng xếp loại"
    sheet.merge_cells("B4:B5")
    sheet["B6"], sheet["C6"], sheet["D6"], sheet["E6"] = "1234", "Nguyễn Văn An", "HTT", "HTXS"
    return workbook


def test_merged_ranges_and_offsets(tmp_path: Path) -> None:
    raw = read_one(save(title_block_workbook(), tmp_path))
    # Rows are the numbers Excel shows; columns stay aligned with letters (A = 0).
    assert list(raw.cells.index) == [2, 3, 4, 5, 6]
    assert list(raw.cells.columns) == [0, 1, 2, 3, 4, 5]
    assert raw.cells.loc[2, 1] == "KẾT QUẢ ĐÁNH GIÁ THÁNG 10/2024"
    assert raw.cells[0].tolist() == [""] * 5
    assert raw.cells.loc[6].tolist() == ["", "1234", "Nguyễn Văn An", "HTT", "HTXS", ""]
    assert sorted(raw.merged) == [(2, 1, 2, 5), (4, 1, 5, 1), (4, 3, 4, 4)]
    # Merged cells are not filled here: that is the next stage's decision.
    assert raw.cells.loc[5, 1] == ""
    assert raw.cells.loc[4, 4] == ""


def test_hidden_sheet_is_skipped_and_logged(tmp_path: Path) -> None:
    workbook = title_block_workbook()
    hidden = workbook.create_sheet("Danh mục")
    hidden["A1"] = "bảng tra"
    hidden.sheet_state = "hidden"
    very_hidden = workbook.create_sheet("Macro")
    very_hidden["A1"] = "x"
    very_hidden.sheet_state = "veryHidden"
    second = workbook.create_sheet("Tháng 11")
    second.append(HEADER)
    problems = Problems()
    sheets = read(save(workbook, tmp_path), problems)
    assert [s.sheet for s in sheets] == ["Data", "Tháng 11"]
    logged = problems.of("hidden-sheet")
    assert [(p.sheet, p.file, p.severity.value) for p in logged] == [
        ("Danh mục", "exports/t.xlsx", "info"),
        ("Macro", "exports/t.xlsx", "info"),
    ]
    assert "Danh mục" in logged[0].message
    assert not problems.has_errors


def test_empty_sheet_is_skipped_and_logged(tmp_path: Path) -> None:
    workbook = title_block_workbook()
    workbook.create_sheet("Trống")
    problems = Problems()
    assert [s.sheet for s in read(save(workbook, tmp_path), problems)] == ["Data"]
    assert [p.sheet for p in problems.of("empty-sheet")] == ["Trống"]


def test_empty_workbook_is_refused(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active["C3"] = "   "
    assert refusal(save(workbook, tmp_path)).code == "empty-file"


def test_workbook_with_only_hidden_data_is_refused_naming_the_sheet(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    hidden = workbook.create_sheet("Dữ liệu")
    hidden.append(HEADER)
    hidden.sheet_state = "hidden"
    refused = refusal(save(workbook, tmp_path))
    assert refused.code == "only-hidden-sheets"
    assert "Dữ liệu" in refused.message


def test_trailing_blank_rows_are_dropped(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(ROWS[0])
    for row in range(3, 5000):
        sheet.cell(row=row, column=2, value=" ")
    raw = read_one(save(workbook, tmp_path))
    assert rows_of(raw) == [HEADER, ROWS[0]]


def test_cell_holding_the_worker_separator_survives(tmp_path: Path) -> None:
    # OOXML escapes control characters as _xHHHH_; calamine unescapes them.
    workbook = openpyxl.Workbook()
    workbook.active.append(["Mã", "Ghi chú"])
    workbook.active.append(["1234", "PLACEHOLDER"])
    plain = zipfile.ZipFile(save(workbook, tmp_path))
    escaped = tmp_path / "escaped.xlsx"
    with zipfile.ZipFile(escaped, "w") as target:
        for entry in plain.infolist():
            target.writestr(entry, plain.read(entry.filename).replace(b"PLACEHOLDER", b"a_x001F_b"))
    assert rows_of(read_one(escaped)) == [["Mã", "Ghi chú"], ["1234", "a\x1fb"]]


def test_xlsx_named_csv_is_read_as_xlsx(tmp_path: Path) -> None:
    path = save(title_block_workbook(), tmp_path, "t.csv")
    assert read_one(path).sheet == "Data"


# --- Refusals ----------------------------------------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_xls_is_refused_with_save_as_xlsx(tmp_path: Path) -> None:
    data = OLE2 + "Workbook".encode("utf-16-le") + b"\x00" * 1000
    refused = refusal(write(tmp_path, "t.xls", data))
    assert refused.code == "xls-not-supported"
    assert "lưu lại dưới dạng .xlsx" in refused.message


def test_xls_renamed_xlsx_is_refused(tmp_path: Path) -> None:
    data = OLE2 + "Workbook".encode("utf-16-le") + b"\x00" * 1000
    assert refusal(write(tmp_path, "t.xlsx", data)).code == "xls-not-supported"


def test_password_protected_xlsx_is_refused(tmp_path: Path) -> None:
    data = OLE2 + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")
    refused = refusal(write(tmp_path, "t.xlsx", data))
    assert refused.code == "password-protected"
    assert "mật khẩu" in refused.message


def test_unknown_ole2_says_password_or_xls(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "t.xlsx", OLE2))
    assert refused.code == "xls-not-supported"
    assert "mật khẩu hoặc ở định dạng .xls" in refused.message


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><meta charset='utf-8'></head><body><table><tr><td>Mã</td></tr></table></body></html>",
        "\r\n  <!DOCTYPE html><html><table></table></html>",
        '<?xml version="1.0"?>\r\n<?mso-application progid="Excel.Sheet"?>\r\n<Workbook></Workbook>',
    ],
    ids=["html", "doctype", "spreadsheet-xml-2003"],
)
def test_web_page_saved_as_xls_is_refused(tmp_path: Path, page: str) -> None:
    refused = refusal(write(tmp_path, "t.xls", page.encode()))
    assert refused.code == "xls-not-supported"
    assert "lưu lại dưới dạng .xlsx" in refused.message


def test_text_named_xls_is_refused(tmp_path: Path) -> None:
    data = delimited([HEADER, *ROWS], "\t").encode()
    assert refusal(write(tmp_path, "t.xls", data)).code == "xls-not-supported"


def test_zero_byte_file_is_refused(tmp_path: Path) -> None:
    for name in ("t.csv", "t.xlsx"):
        assert refusal(write(tmp_path, name, b"")).code == "empty-file"


def test_binary_garbage_named_csv_is_refused(tmp_path: Path) -> None:
    data = bytes(range(256)) * 40
    assert refusal(write(tmp_path, "t.csv", data)).code == "binary-file"


def test_nul_bytes_in_csv_are_refused(tmp_path: Path) -> None:
    data = delimited([HEADER, *ROWS], ",").encode() + b"\x00\x00"
    assert refusal(write(tmp_path, "t.csv", data)).code == "binary-file"


def test_pdf_named_csv_is_refused_saying_what_it_is(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "t.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"))
    assert refused.code == "not-a-table"
    assert "PDF" in refused.message


def test_truncated_xlsx_is_refused(tmp_path: Path) -> None:
    whole = save(title_block_workbook(), tmp_path).read_bytes()
    refused = refusal(write(tmp_path, "cut.xlsx", whole[: len(whole) // 2]))
    assert refused.code == "truncated"


def test_corrupt_sheet_inside_a_valid_zip_is_refused(tmp_path: Path) -> None:
    source = zipfile.ZipFile(save(title_block_workbook(), tmp_path))
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            target.writestr(entry, data)
    assert refusal(broken).code == "xlsx-unreadable"


def test_other_zip_formats_are_refused(tmp_path: Path) -> None:
    ods = tmp_path / "t.xlsx"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    refused = refusal(ods)
    assert refused.code == "not-a-table"
    assert ".ods" in refused.message


def declare_size(path: Path, declared: int) -> None:
    """Patch the zip's central directory so its one entry claims `declared` bytes."""
    data = bytearray(path.read_bytes())
    directory = data.rindex(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = declared.to_bytes(4, "little")
    path.write_bytes(bytes(data))


def test_zip_bomb_is_refused_from_the_directory_alone(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x/>" * 1000)
    declare_size(bomb, MAX_XLSX_UNCOMPRESSED_BYTES + 100 * 1024 * 1024)
    started = time.perf_counter()
    refused = refusal(bomb)
    assert time.perf_counter() - started < 0.5
    assert refused.code == "xlsx-too-large"
    assert "500 MB" in refused.message


def test_file_over_50_mb_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: no 50 MB written
    refused = refusal(path)
    assert refused.code == "file-too-large"
    assert "50 MB" in refused.message


def test_stray_cell_far_away_is_refused_and_the_process_survives(tmp_path: Path) -> None:
    # A1 and XFD1048576: calamine would allocate the whole 17-billion-cell
    # rectangle and abort the interpreter; the worker process absorbs it.
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Mã cán bộ"
    workbook.active["XFD1048576"] = "x"
    started = time.perf_counter()
    refused = refusal(save(workbook, tmp_path))
    assert time.perf_counter() - started < 10
    assert refused.code == "xlsx-unreadable"


def test_table_too_large_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sheets, "MAX_TABLE_CELLS", 10)
    refused = refusal(write(tmp_path, "t.csv", delimited([HEADER, *ROWS], ",").encode()))
    assert refused.code == "table-too-large"
    assert "3 dòng × 5 cột" in refused.message


def test_sheet_too_large_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sheets, "MAX_TABLE_CELLS", 10)
    refused = refusal(save(title_block_workbook(), tmp_path))
    assert refused.code == "table-too-large"
    assert "“Data”" in refused.message


# --- Legacy font encodings ---------------------------------------------------

# TCVN3 (ABC) bytes of the letters used below, from the TCVN 5712:1993 VN3
# table (checked against glibc iconv's TCVN5712-1).
TCVN3 = {
    "à": 0xB5, "á": 0xB8, "ả": 0xB6, "ạ": 0xB9, "ă": 0xA8, "ắ": 0xBE, "ặ": 0xC6, "â": 0xA9,
    "ấ": 0xCA, "ầ": 0xC7, "đ": 0xAE, "Đ": 0xA7, "ê": 0xAA, "ễ": 0xD4, "ệ": 0xD6, "ế": 0xD5,
    "ị": 0xDE, "ò": 0xDF, "ọ": 0xE4, "ô": 0xAB, "ồ": 0xE5, "ố": 0xE8, "ộ": 0xE9, "ơ": 0xAC,
    "ờ": 0xEA, "ù": 0xEF, "ụ": 0xF4, "ư": 0xAD,
}
# VNI Windows: a base letter, then a mark byte (ø huyền, ù sắc, û hỏi, õ ngã,
# ï nặng, â circumflex, ê breve; á à å ã ä are circumflex with a tone, é è ú
# ü ë breve with a tone); ơ ư đ are ô ö ñ. Shown as Windows-1252 characters.
VNI = {
    "à": "aø", "á": "aù", "ả": "aû", "ạ": "aï", "ă": "aê", "ắ": "aé", "ặ": "aë", "â": "aâ",
    "ấ": "aá", "ầ": "aà", "đ": "ñ", "Đ": "Ñ", "ê": "eâ", "ễ": "eã", "ệ": "eä", "ế": "eá",
    "ị": "ò", "ò": "oø", "ọ": "oï", "ô": "oâ", "ồ": "oà", "ố": "oá", "ộ": "oä", "ơ": "ô",
    "ờ": "ôø", "ù": "uø", "ụ": "uï", "ư": "ö",
}

LEGACY_ROWS = [
    ["Mã cán bộ", "Họ và tên", "Đơn vị", "Xếp loại"],
    ["1234", "Nguyễn Văn Hoàn", "Phòng Nội vụ", "Hoàn thành tốt nhiệm vụ"],
    ["1235", "Trần Thị Bình", "Văn phòng", "Hoàn thành xuất sắc nhiệm vụ"],
    ["1236", "Đặng Quốc Hùng", "Phòng Tư pháp", "Hoàn thành nhiệm vụ"],
]


def to_tcvn3(text: str) -> bytes:
    return bytes(TCVN3.get(char, ord(char)) for char in text)  # ValueError if a letter is missing


def to_vni(text: str) -> str:
    """VNI text as Excel holds it: each byte as its Windows-1252 character."""
    return "".join(VNI.get(char, char) for char in text)


def test_legacy_fixtures_match_known_forms() -> None:
    assert to_tcvn3("Nguyễn Văn Hoàn thành") == b"Nguy\xd4n V\xa8n Ho\xb5n th\xb5nh"
    assert to_tcvn3("Nguyễn Hoàn thành").decode("cp1252") == "NguyÔn Hoµn thµnh"
    assert to_vni("Nguyễn Văn Hoàn thành") == "Nguyeãn Vaên Hoaøn thaønh"


def test_tcvn3_csv_is_refused_naming_it(tmp_path: Path) -> None:
    data = to_tcvn3(delimited(LEGACY_ROWS, ","))
    refused = refusal(write(tmp_path, "t.csv", data))
    assert refused.code == "legacy-font-encoding"
    assert "TCVN3" in refused.message
    assert "Unicode" in refused.message


def test_vni_csv_is_refused_naming_it(tmp_path: Path) -> None:
    data = to_vni(delimited(LEGACY_ROWS, ",")).encode("cp1252")
    refused = refusal(write(tmp_path, "t.csv", data))
    assert refused.code == "legacy-font-encoding"
    assert "VNI" in refused.message


def test_vni_saved_as_utf8_is_refused(tmp_path: Path) -> None:
    data = to_vni(delimited(LEGACY_ROWS, ";")).encode("utf-8")
    assert refusal(write(tmp_path, "t.csv", data)).code == "legacy-font-encoding"


@pytest.mark.parametrize("encoding", ["TCVN3", "VNI"])
def test_legacy_text_typed_into_xlsx_is_refused(tmp_path: Path, encoding: str) -> None:
    # Typed with a .VnTime or VNI-Times font, the cells hold Latin-1 look-alikes.
    convert = (lambda s: to_tcvn3(s).decode("cp1252")) if encoding == "TCVN3" else to_vni
    workbook = openpyxl.Workbook()
    for row in LEGACY_ROWS:
        workbook.active.append([convert(cell) for cell in row])
    refused = refusal(save(workbook, tmp_path))
    assert refused.code == "legacy-font-encoding"
    assert encoding in refused.message


NORMAL_VIETNAMESE = (
    "Hoàn thành xuất sắc nhiệm vụ; Hoàn thành tốt nhiệm vụ; Không hoàn thành nhiệm vụ\n"
    "Nguyễn Thị Thuỷ, Phòng Tài chính – Kế hoạch, khoá học, hoà giải, quà tặng, mùa xuân,\n"
    "thuế, khuyến khích, hoặc, xoã tóc, Trường THCS Ngọc Thuỵ, Lê Văn Hưng, Đoàn Thanh niên\n"
    "Ông Müller (chuyên gia), Công ty ABC®, © 2024, Thu hồi 2×3 m², 50 °C\n"
)


def test_normal_vietnamese_is_not_taken_for_legacy() -> None:
    assert legacy_font_encoding(NORMAL_VIETNAMESE) is None
    assert legacy_font_encoding(NORMAL_VIETNAMESE.upper()) is None
    decomposed = unicodedata.normalize("NFD", NORMAL_VIETNAMESE)
    assert legacy_font_encoding(unicodedata.normalize("NFC", decomposed)) is None


def test_normal_vietnamese_in_cp1258_reads(tmp_path: Path) -> None:
    notes = [line.replace(",", " ").replace(";", " ") for line in NORMAL_VIETNAMESE.splitlines()]
    rows = [["Mã", "Ghi chú"], *([str(number), note] for number, note in enumerate(notes))]
    sheet = read_one(write(tmp_path, "t.csv", to_cp1258(delimited(rows, ";"))))
    assert rows_of(sheet) == rows


# --- Property ----------------------------------------------------------------


def outcome_is_tables_or_refusal(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_bytes(data)
        try:
            sheets = read_tables(path, name, Problems())
        except InputRefused as refused:
            assert refused.code and refused.message
            return
    for sheet in sheets:
        cells = sheet.cells
        assert not cells.empty
        assert list(cells.columns) == list(range(cells.shape[1]))
        assert list(cells.index) == list(range(cells.index[0], cells.index[0] + len(cells)))
        values = cells.to_numpy().ravel().tolist()
        assert all(isinstance(v, str) and (v == "" or not v.isspace()) for v in values)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_give_tables_or_a_refusal(data: bytes) -> None:
    outcome_is_tables_or_refusal(data, "t.csv")


csv_like_text = st.text(alphabet=st.sampled_from(list(',;\t"\r\n ab1ễĐ\u0301\u00a0')), max_size=400)


@settings(max_examples=300, deadline=None)
@given(csv_like_text, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258"]))
def test_arbitrary_csv_like_text_gives_tables_or_a_refusal(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    outcome_is_tables_or_refusal(data, "t.csv")
