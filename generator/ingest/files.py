"""Turn one file on disk into raw tables of text cells (contract section 3, "Files").

This is the lowest stage of ingest: it knows nothing of headers or fields.
It decides what the file really is from its first bytes (never from its
name alone), reads it, and hands back every cell as text. Whatever keeps a
file from being read as a table ends in `InputRefused`, whose message tells
an officer what is wrong and what to do, in Vietnamese.
"""
from __future__ import annotations

import codecs
import csv
import io
import marshal
import os
import re
import struct
import subprocess
import sys
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.core.problems import InputRefused, Problems
from generator.core.text import nfc

from . import legacyfont
from .xlsx_worker import CELL_SEPARATOR

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
# Nearly 9 times the largest real export (177,000 rows x 13 columns). Beyond
# this, memory rather than content is at stake: refuse instead of swapping.
MAX_TABLE_CELLS = 20_000_000
XLSX_WORKER_TIMEOUT_SECONDS = 120
XLSX_WORKER_MEMORY_BYTES = 4 * 1024**3

SAVE_AS_XLSX = "Hãy mở tệp trong Excel và lưu lại dưới dạng .xlsx (Excel Workbook)."
SEND_A_TABLE = "Hãy đặt vào đây tệp .xlsx hoặc .csv xuất từ phần mềm đánh giá."

_WORKER_SCRIPT = Path(__file__).with_name("xlsx_worker.py")
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class RawSheet:
    """One table exactly as read, before any header is looked for.

    `cells` holds every cell as text: NFC, "" for a blank or whitespace-only
    cell, nothing else trimmed. Its columns are 0-based sheet columns (0 is
    column A, also when the data starts further right); its index is the row
    number a spreadsheet program shows, contiguous from the first row read
    (for CSV, the record number: a cell with line breaks is one row).
    Trailing blank rows and columns are dropped.
    """

    file: str
    sheet: str | None
    cells: pd.DataFrame
    # (first_row, first_col, last_row, last_col): rows 1-based like the
    # index, columns 0-based like the columns. Always () for CSV.
    merged: tuple[tuple[int, int, int, int], ...]


def read_tables(path: Path, display_name: str, problems: Problems) -> list[RawSheet]:
    """The non-empty tables of one export file, or InputRefused saying why not.

    Hidden and empty sheets are skipped and named in `problems` as info.
    """
    head = _first_bytes(path)
    if _is_zip(head):
        sheets = _read_xlsx(path, display_name, problems)
    else:
        _refuse_if_not_text_table(head, path)
        sheets = [_read_delimited(path.read_bytes(), display_name)]
    _refuse_legacy_cells(sheets, path)
    return sheets


# --- What the file really is -------------------------------------------------

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a file entry; an empty archive

# Formats an officer might drop by mistake, named so the message says which.
_OTHER_FORMAT_MAGICS = {
    b"%PDF": "tài liệu PDF",
    b"\x89PNG": "ảnh PNG",
    b"\xff\xd8\xff": "ảnh JPEG",
    b"GIF8": "ảnh GIF",
    b"Rar!": "tệp nén RAR",
    b"7z\xbc\xaf\x27\x1c": "tệp nén 7z",
    b"\x1f\x8b": "tệp nén gzip",
    b"{\\rtf": "văn bản RTF",
}

# Software that "exports to Excel" often writes a web page or an Excel 2003
# XML file and names it .xls; Excel opens these, so officers believe them.
_MARKUP_SIGNS = ("<html", "<!doctype", "<table", "<?xml", "<?mso-application", "<workbook")


def _first_bytes(path: Path) -> bytes:
    """The bytes to sniff, once the file's size is known to be acceptable."""
    try:
        _refuse_unless_size_fits(path.stat().st_size)
        with path.open("rb") as stream:
            return stream.read(_SNIFF_BYTES)
    except OSError as error:
        raise InputRefused(
            "unreadable-file",
            f"Không mở được tệp ({error.strerror or error}). Hãy kiểm tra tệp còn đó và không bị "
            "chương trình khác (ví dụ Excel) đang khóa, rồi chạy lại.",
        ) from None


def _refuse_unless_size_fits(size: int) -> None:
    if size == 0:
        raise InputRefused(
            "empty-file",
            "Tệp rỗng (0 byte), không có dữ liệu. Hãy xuất lại dữ liệu từ phần mềm đánh giá "
            "rồi chép lại tệp.",
        )
    if size > MAX_FILE_BYTES:
        raise InputRefused(
            "file-too-large",
            f"Tệp nặng {_megabytes(size)}, vượt giới hạn {_megabytes(MAX_FILE_BYTES)}. "
            "Hãy tách dữ liệu thành nhiều tệp nhỏ hơn (ví dụ mỗi tháng hoặc mỗi đơn vị một tệp).",
        )


def _is_zip(head: bytes) -> bool:
    return head.startswith(_ZIP_MAGICS)


def _refuse_if_not_text_table(head: bytes, path: Path) -> None:
    """Refuse the binary and markup formats that are not a CSV; return for text."""
    if head.startswith(_OLE2_MAGIC):
        raise _refusal_for_ole2(path.read_bytes())
    for magic, kind in _OTHER_FORMAT_MAGICS.items():
        if head.startswith(magic):
            raise InputRefused("not-a-table", f"Tệp này là {kind}, không phải bảng tính. {SEND_A_TABLE}")
    if _looks_like_markup(head):
        raise InputRefused(
            "xls-not-supported",
            "Tệp này thực chất là trang web (HTML) hoặc tệp XML được đặt đuôi "
            f"{path.suffix or '.xls'}, không phải bảng tính. {SAVE_AS_XLSX}",
        )
    if path.suffix.lower() in _XLSX_SUFFIXES:
        raise InputRefused(
            "misnamed-file",
            f"Tệp này thực chất là tệp văn bản CSV, không phải bảng tính .xlsx như đuôi “{path.suffix}” "
            f"của tên tệp. Hãy đổi tên tệp thành “{path.stem}.csv”, hoặc mở trong Excel rồi lưu lại "
            "dưới dạng .xlsx (Excel Workbook).",
            details=f"{path.name} → {path.stem}.csv",
        )
    if path.suffix.lower() == ".xls":
        raise InputRefused(
            "xls-not-supported",
            f"Tệp có đuôi .xls, định dạng Excel cũ mà chương trình không đọc. {SAVE_AS_XLSX}",
        )


def _refusal_for_ole2(data: bytes) -> InputRefused:
    # An encrypted .xlsx is an OLE2 container like an .xls; the stream names
    # in its directory (UTF-16LE) tell the two apart.
    if "EncryptionInfo".encode("utf-16-le") in data:
        return InputRefused(
            "password-protected",
            "Tệp được đặt mật khẩu nên chương trình không đọc được. Hãy mở tệp trong Excel, "
            "gỡ mật khẩu (Tệp › Thông tin › Bảo vệ Sổ làm việc › Mã hóa bằng Mật khẩu, "
            "xóa mật khẩu) rồi lưu lại dưới dạng .xlsx (Excel Workbook).",
        )
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return InputRefused(
            "xls-not-supported",
            f"Tệp ở định dạng Excel cũ (.xls), chương trình không đọc được. {SAVE_AS_XLSX}",
        )
    return InputRefused(
        "xls-not-supported",
        "Tệp có mật khẩu hoặc ở định dạng .xls cũ nên chương trình không đọc được. "
        "Hãy mở tệp trong Excel, gỡ mật khẩu nếu có, rồi lưu lại dưới dạng .xlsx (Excel Workbook).",
    )


def _looks_like_markup(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("latin-1")
    text = text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    if text.startswith("mime-version:"):  # "single file web page" (.mht)
        return True
    return text.startswith("<") and any(sign in text for sign in _MARKUP_SIGNS)


# --- xlsx --------------------------------------------------------------------


def _read_xlsx(path: Path, display_name: str, problems: Problems) -> list[RawSheet]:
    _refuse_unless_xlsx_container(path)
    sheets = []
    for payload in _run_xlsx_worker(path)["sheets"]:
        name = payload["name"]
        if not payload["visible"]:
            problems.info("hidden-sheet", f"Bỏ qua trang tính ẩn “{name}”.", file=display_name, sheet=name)
            continue
        cells = _sheet_cells(payload)
        if cells.empty:
            problems.info("empty-sheet", f"Bỏ qua trang tính trống “{name}”.", file=display_name, sheet=name)
            continue
        merged = tuple(
            (first_row + 1, first_col, last_row + 1, last_col)
            for first_row, first_col, last_row, last_col in payload["merged"]
        )
        sheets.append(RawSheet(display_name, name, cells, merged))
    if not sheets:
        raise _refusal_for_no_visible_data(problems, display_name)
    return sheets


_XLSX_SUFFIXES = (".xlsx", ".xlsm")


def _refuse_unless_xlsx_container(path: Path) -> None:
    """Check the zip directory alone, so that a zip bomb costs milliseconds."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error, NotImplementedError):
        raise InputRefused(
            "truncated",
            "Tệp .xlsx bị hỏng hoặc không đầy đủ (có thể do tải về hay sao chép bị gián đoạn). "
            "Hãy chép lại tệp từ nguồn hoặc xuất lại từ phần mềm đánh giá.",
        ) from None
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise InputRefused(
            "xlsx-too-large",
            f"Nội dung tệp .xlsx khi giải nén lên tới {_megabytes(declared)}, vượt giới hạn "
            f"{_megabytes(MAX_XLSX_UNCOMPRESSED_BYTES)}; tệp có thể bị hỏng hoặc chứa quá nhiều dữ liệu. "
            "Hãy xuất lại từ phần mềm đánh giá, hoặc tách dữ liệu thành nhiều tệp nhỏ hơn.",
        )
    _refuse_other_zip_formats({entry.filename for entry in entries})
    if path.suffix.lower() == ".xls":
        # Excel itself refuses a workbook named as its old format.
        raise InputRefused(
            "misnamed-file",
            f"Tệp này thực chất là bảng tính .xlsx nhưng tên lại có đuôi “{path.suffix}”. "
            f"Hãy đổi tên tệp thành “{path.stem}.xlsx” (chỉ đổi đuôi, không cần mở lại).",
            details=f"{path.name} → {path.stem}.xlsx",
        )


def _refuse_other_zip_formats(names: set[str]) -> None:
    if "xl/workbook.bin" in names:
        raise InputRefused(
            "not-a-table",
            f"Tệp ở định dạng Excel nhị phân (.xlsb), chương trình không đọc được. {SAVE_AS_XLSX}",
        )
    if "content.xml" in names and "mimetype" in names:
        raise InputRefused(
            "not-a-table",
            f"Tệp ở định dạng OpenDocument (.ods), chương trình không đọc được. {SAVE_AS_XLSX}",
        )
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise InputRefused(
            "not-a-table", f"Tệp này là tài liệu Word hoặc PowerPoint, không phải bảng tính. {SEND_A_TABLE}"
        )
    if "[Content_Types].xml" not in names:
        raise InputRefused("not-a-table", f"Tệp này là tệp nén .zip, không phải bảng tính. {SEND_A_TABLE}")


def _run_xlsx_worker(path: Path) -> dict[str, Any]:
    """Read the workbook in a child process bounded in memory and time.

    See xlsx_worker.py for why: a hostile sheet can make calamine abort
    the whole interpreter, which no `except` could catch in-process.
    """
    limits = [str(XLSX_WORKER_MEMORY_BYTES), str(MAX_TABLE_CELLS)]
    command = [sys.executable, "-I", str(_WORKER_SCRIPT), str(path), *limits]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=XLSX_WORKER_TIMEOUT_SECONDS,
            env={**os.environ, "RUST_BACKTRACE": "0"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputRefused(
            "xlsx-unreadable",
            f"Đọc tệp .xlsx mất quá {XLSX_WORKER_TIMEOUT_SECONDS} giây nên đã dừng: tệp có thể bị hỏng "
            "hoặc quá lớn. Hãy xuất lại từ phần mềm đánh giá, hoặc tách dữ liệu thành nhiều tệp nhỏ hơn.",
        ) from None
    result = _worker_result(done)
    if "error" in result:
        raise _refusal_for_worker_error(result)
    return result


def _worker_result(done: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    if done.returncode != 0 or not done.stdout:
        raise _worker_crashed()
    try:
        result = marshal.loads(done.stdout)
    except (EOFError, ValueError, TypeError):
        raise _worker_crashed() from None
    if not isinstance(result, dict):
        raise _worker_crashed()
    return result


def _worker_crashed() -> InputRefused:
    # Most likely the memory limit: a stray cell far from the table makes
    # calamine allocate the whole rectangle up to it.
    return InputRefused(
        "xlsx-unreadable",
        "Không đọc được tệp .xlsx: tệp bị hỏng, hoặc có vùng dữ liệu quá lớn (ví dụ một ô có dữ liệu "
        "ở tận cột XFD hay dòng 1.048.576). Hãy mở tệp trong Excel, xóa các dòng và cột thừa ở cuối "
        "bảng rồi lưu lại, hoặc xuất lại từ phần mềm đánh giá.",
    )


def _refusal_for_worker_error(result: dict[str, Any]) -> InputRefused:
    if result["error"] == "too-large":
        return _table_too_large(result["rows"], result["columns"], result["sheet"])
    if result["error"] == "password":
        return InputRefused(
            "password-protected",
            "Tệp được đặt mật khẩu nên chương trình không đọc được. Hãy mở tệp trong Excel, "
            "gỡ mật khẩu rồi lưu lại dưới dạng .xlsx (Excel Workbook).",
        )
    return InputRefused(
        "xlsx-unreadable",
        "Tệp .xlsx bị hỏng, chương trình không đọc được nội dung "
        f"(chi tiết kỹ thuật: {result.get('detail', '')}). "
        "Hãy mở tệp trong Excel và lưu lại, hoặc xuất lại từ phần mềm đánh giá.",
    )


def _refusal_for_no_visible_data(problems: Problems, display_name: str) -> InputRefused:
    hidden = [p.sheet for p in problems.of("hidden-sheet") if p.file == display_name]
    if hidden:
        names = ", ".join(f"“{name}”" for name in hidden)
        return InputRefused(
            "only-hidden-sheets",
            f"Tệp không có dữ liệu ở trang tính nào đang hiện; các trang tính ẩn ({names}) bị bỏ qua. "
            "Nếu dữ liệu nằm trong trang tính ẩn, hãy bỏ ẩn trang tính đó trong Excel rồi lưu lại.",
        )
    return InputRefused(
        "empty-file",
        "Tệp không có dữ liệu: mọi trang tính đều trống. Hãy xuất lại dữ liệu từ phần mềm đánh giá.",
    )


def _sheet_cells(payload: dict[str, Any]) -> pd.DataFrame:
    height, width = payload["height"], payload["width"]
    first_row, first_column = payload["first_row"], payload["first_column"]
    if height == 0 or width == 0:
        return _no_cells()
    _refuse_unless_table_fits(height, first_column + width)
    flat = _as_arrow_strings(payload["cells"])
    if len(flat) != height * width:
        raise _worker_crashed()
    columns: dict[str, pa.Array] = {}
    blank = pa.repeat(pa.scalar("", pa.large_string()), height)
    for column in range(first_column):  # keep columns aligned with sheet letters
        columns[str(column)] = blank
    for offset in range(width):
        positions = pa.array(np.arange(offset, height * width, width))
        columns[str(first_column + offset)] = flat.take(positions)
    cells = pa.table(columns).to_pandas()
    cells.columns = pd.RangeIndex(first_column + width)
    cells.index = pd.RangeIndex(first_row + 1, first_row + 1 + height)
    return _trim_blank_edges(_clear_whitespace_only(cells))


def _as_arrow_strings(cells: bytes | list[str]) -> pa.Array:
    if isinstance(cells, list):  # the worker's fallback when a cell held the separator
        return pa.array(cells, pa.large_string())
    # Splitting bytes skips UTF-8 checks per piece; the cast checks once.
    whole = pa.array([cells], pa.large_binary())
    pieces = pc.split_pattern(whole, CELL_SEPARATOR.encode()).flatten()
    return pieces.cast(pa.large_string())


# --- csv, tsv, txt -----------------------------------------------------------

_SEPARATORS = ("\t", ";", ",")  # ties go to the earlier: a tab is never decimal punctuation
_SNIFF_RECORDS = 30
_SNIFF_CHARS = 65536


def _read_delimited(raw: bytes, display_name: str) -> RawSheet:
    text = nfc(_decode(raw))
    _refuse_binary_text(text)
    _refuse_question_marks_for_letters(text)
    text, separator = _excel_separator_line(text)
    text = _without_trailing_blank_lines(text, separator)
    if not text.strip():
        raise InputRefused("empty-file", "Tệp không có dữ liệu, chỉ có dòng trống. "
                           "Hãy xuất lại dữ liệu từ phần mềm đánh giá.")
    separator = separator or _choose_separator(text)
    cells = _trim_blank_edges(_clear_whitespace_only(_parse_delimited(text, separator)))
    if cells.empty:
        raise InputRefused("empty-file", "Tệp không có dữ liệu: mọi ô đều trống. "
                           "Hãy xuất lại dữ liệu từ phần mềm đánh giá.")
    return RawSheet(display_name, None, cells, ())


def _decode(raw: bytes) -> str:
    """The contract's order: a byte-order mark, else UTF-8 if valid, else Windows-1258."""
    if raw.startswith(codecs.BOM_UTF8):
        return _decode_declared(raw[len(codecs.BOM_UTF8):], "utf-8", "UTF-8")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_declared(raw, "utf-16", "UTF-16")  # the codec consumes the mark
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if _mostly_utf8(raw):
            raise _broken_utf8(raw, error.start) from None
    # A legacy font's bytes are judged as the Windows-1252 look-alikes Excel
    # shows (Windows-1258 would turn some into combining marks).
    # Bytes Windows-1258 leaves undefined become U+FFFD, which the binary
    # check counts, rather than failing here with a less useful message.
    decoded = raw.decode("cp1258", errors="replace")
    latin = raw.decode("latin-1")
    if legacyfont.reads_better_as_legacy(latin[:_SNIFF_CHARS], nfc(decoded[:_SNIFF_CHARS])):
        return latin
    return decoded


def _mostly_utf8(raw: bytes, sample_bytes: int = 1 << 20) -> bool:
    """UTF-8 with a few bad bytes, which read as Windows-1258 would be all mojibake.

    Windows-1258 Vietnamese almost never forms a valid UTF-8 sequence: its
    letters are single high bytes between ASCII letters.
    """
    text = raw[:sample_bytes].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    good = non_ascii - bad
    return good >= 10 and good >= 20 * bad


def _broken_utf8(raw: bytes, position: int) -> InputRefused:
    line = raw.count(b"\n", 0, position) + 1
    return InputRefused(
        "bad-encoding",
        f"Tệp mã hóa UTF-8 nhưng có byte không hợp lệ ở dòng {line}; tệp có thể bị cắt cụt hoặc bị "
        "dán lẫn văn bản mã khác. Hãy xuất lại, hoặc mở trong Excel rồi lưu dưới dạng .xlsx hay CSV UTF-8.",
    )


def _decode_declared(raw: bytes, codec: str, label: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as error:
        raise InputRefused(
            "bad-encoding",
            f"Tệp ghi rõ mã hóa {label} ở đầu tệp nhưng có byte không hợp lệ ở vị trí {error.start}; "
            "tệp có thể bị hỏng. Hãy xuất lại, hoặc mở trong Excel rồi lưu dưới dạng .xlsx hay "
            "CSV UTF-8.",
        ) from None


# Saved from Excel as "CSV" in a Western code page, every Vietnamese letter
# that page lacks becomes "?": "M? c?n b?", "Nguy?n Th? Giang".
_QUESTION_MARK_IN_WORD = re.compile(r"(?<=[^\W\d_])\?+(?=[^\W\d_])")  # "Nguy?n", "tr??ng"; never in real text
_LETTERS_LOST_FROM = 5


def _refuse_question_marks_for_letters(text: str) -> None:
    if len(_QUESTION_MARK_IN_WORD.findall(text[:_SNIFF_CHARS])) >= _LETTERS_LOST_FROM:
        raise InputRefused(
            "letters-lost",
            "Các chữ tiếng Việt có dấu trong tệp đã bị thay bằng dấu “?” (ví dụ “Nguy?n”): tệp CSV được "
            "lưu bằng bảng mã không có tiếng Việt, và các chữ đó đã mất. Hãy mở tệp gốc trong Excel và lưu "
            "lại bằng “CSV UTF-8 (Comma delimited)” (Lưu thành › CSV UTF-8), hoặc dưới dạng .xlsx.",
        )


_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


def _refuse_binary_text(text: str) -> None:
    sample = text[:_SNIFF_CHARS]
    suspicious = len(_CONTROL_CHARACTERS.findall(sample))
    if "\x00" in text or suspicious > max(2, len(sample) // 200):
        raise InputRefused(
            "binary-file",
            "Tệp không phải văn bản CSV mà chứa dữ liệu nhị phân; có thể tệp bị hỏng hoặc bị đổi đuôi. "
            f"{SEND_A_TABLE}",
        )


_EXCEL_SEPARATOR_LINE = re.compile(r"\Asep=([,;\t|])[ \t]*(?:\r\n|\r|\n|\Z)", re.IGNORECASE)


def _excel_separator_line(text: str) -> tuple[str, str | None]:
    """Excel writes and honours a first line "sep=;"; it is not a row."""
    match = _EXCEL_SEPARATOR_LINE.match(text)
    if not match:
        return text, None
    return text[match.end():], match.group(1)


def _without_trailing_blank_lines(text: str, separator: str | None) -> str:
    """Cut lines of only spaces and separators at the end, without parsing them.

    Formatting copied far down a sheet exports as thousands of ",,,,," lines.
    """
    blank = " \t\r\n" + (separator or ";,")
    last_content = _end_of_content(text, blank)
    line_ends = [i for i in (text.find("\n", last_content), text.find("\r", last_content)) if i >= 0]
    return text[: min(line_ends, default=len(text))]


def _end_of_content(text: str, blank: str, step: int = 65536) -> int:
    """Index just after the last character not in `blank`; 0 if none.

    Walks back a window at a time, so a long blank tail is never copied whole.
    """
    end = len(text)
    while end > 0:
        start = max(0, end - step)
        kept = len(text[start:end].rstrip(blank))
        if kept:
            return start + kept
        end = start
    return 0


def _choose_separator(text: str) -> str:
    """The separator that splits the first records into a steady number (> 1) of fields.

    With none, the file is one column (a list of ids, say) and "," is as good
    as any; whether one column makes sense is for the stage that reads it.
    """
    sample = text[:_SNIFF_CHARS]
    scores = {sep: _steadiness(_first_field_counts(sample, sep)) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: scores[sep])  # max keeps the first of equals
    return best if scores[best] != (0, 0) else ","


def _first_field_counts(sample: str, separator: str) -> list[int]:
    counts = []
    try:
        for record in csv.reader(io.StringIO(sample, newline=""), delimiter=separator):
            if any(cell.strip() for cell in record):  # blank lines say nothing
                counts.append(len(record))
            if len(counts) == _SNIFF_RECORDS:
                break
    except csv.Error:
        pass  # judge on the records read so far
    return counts


def _steadiness(counts: list[int]) -> tuple[int, int]:
    """(how many records share the commonest field count > 1, that count)."""
    tally = Counter(count for count in counts if count > 1)
    if not tally:
        return (0, 0)
    fields, records = max(tally.items(), key=lambda item: (item[1], item[0]))
    return (records, fields)


class _TooManyFields(Exception):
    """A record has more fields than the column count given to pandas."""


_EXPECTED_FIELDS = re.compile(r"Expected \d+ fields")


def _parse_delimited(text: str, separator: str) -> pd.DataFrame:
    data = text.encode("utf-8")
    line_break = b"\n" if b"\n" in data else b"\r"
    records_bound = data.count(line_break) + 1
    fields = _max_fields_per_line(data, separator.encode(), line_break)
    _refuse_unless_table_fits(records_bound, fields)
    try:
        return _pandas_read(data, separator, fields)
    except _TooManyFields:
        # A quoted cell with line breaks can hold more separators than any
        # single line: count records exactly, once, with the csv module.
        fields = _max_fields_per_record(text, separator)
        _refuse_unless_table_fits(records_bound, fields)
        try:
            return _pandas_read(data, separator, fields)
        except _TooManyFields as error:
            raise _malformed_csv(str(error)) from None


def _pandas_read(data: bytes, separator: str, fields: int) -> pd.DataFrame:
    """Parse with pandas' C engine, every cell as text.

    Rows may be ragged (a one-cell title above the header), so all column
    names are given. A longer row makes pandas either fail or, with
    index_col=False, warn and drop cells; both become _TooManyFields.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            cells = pd.read_csv(
                io.BytesIO(data),
                sep=separator,
                header=None,
                names=range(fields),
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,  # a blank line is a row an officer sees
                engine="c",
                encoding="utf-8",
            )
        except pd.errors.ParserWarning as warning:
            raise _TooManyFields(str(warning)) from None
        except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
            if _EXPECTED_FIELDS.search(str(error)):
                raise _TooManyFields(str(error)) from None
            raise _malformed_csv(str(error)) from None
    cells.index = pd.RangeIndex(1, len(cells) + 1)
    return cells


def _max_fields_per_line(data: bytes, separator: bytes, line_break: bytes, window: int = 1 << 22) -> int:
    """Separators on the fullest physical line, plus one: the field count to expect.

    Counted with numpy over windows of the bytes (both characters are ASCII,
    so UTF-8 bytes are safe), so that millions of short lines cost no Python
    objects.
    """
    most = 0
    for chunk in _line_aligned_windows(data, line_break, window):
        codes = np.frombuffer(chunk, np.uint8)
        separators = np.flatnonzero(codes == separator[0])
        line_ends = np.flatnonzero(codes == line_break[0])
        separators_before = np.searchsorted(separators, line_ends)
        totals = np.concatenate(([0], separators_before, [separators.size]))
        most = max(most, int(np.diff(totals).max()))
    return most + 1


def _line_aligned_windows(data: bytes, line_break: bytes, size: int) -> Iterator[bytes]:
    start = 0
    while start < len(data):
        end = data.rfind(line_break, start, start + size) + 1 if start + size < len(data) else len(data)
        if end <= start:  # one line longer than the window
            end = data.find(line_break, start + size)
            end = len(data) if end < 0 else end + 1
        yield data[start:end]
        start = end


def _max_fields_per_record(text: str, separator: str) -> int:
    try:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        return max((len(record) for record in records), default=1)
    except csv.Error as error:
        raise _malformed_csv(str(error)) from None


def _malformed_csv(detail: str) -> InputRefused:
    return InputRefused(
        "malformed-csv",
        "Không tách được các cột của tệp CSV; thường do một ô có dấu ngoặc kép (\") mở mà không đóng "
        f"(chi tiết kỹ thuật: {detail.strip()}). Hãy mở tệp trong Excel, kiểm tra rồi lưu lại dưới "
        "dạng .xlsx hoặc CSV UTF-8.",
    )


# --- Shared by both kinds ----------------------------------------------------


def _refuse_unless_table_fits(rows: int, columns: int) -> None:
    if rows * columns > MAX_TABLE_CELLS:
        raise _table_too_large(rows, columns)


def _table_too_large(rows: int, columns: int, sheet: str | None = None) -> InputRefused:
    where = f"Trang tính “{sheet}” quá lớn" if sheet else "Bảng quá lớn"
    return InputRefused(
        "table-too-large",
        f"{where} để đọc: khoảng {_thousands(rows)} dòng × {_thousands(columns)} cột. Có thể có ô "
        "dữ liệu nằm rất xa vùng bảng. Hãy xóa các dòng và cột thừa rồi lưu lại, hoặc tách dữ liệu "
        "thành nhiều tệp nhỏ hơn.",
    )


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Vietnamese groups digits with dots


def _clear_whitespace_only(cells: pd.DataFrame) -> pd.DataFrame:
    for column in cells.columns:
        values = cells[column]
        spaces = values.str.isspace()
        if spaces.any():
            cells[column] = values.mask(spaces, "")
    return cells


def _trim_blank_edges(cells: pd.DataFrame) -> pd.DataFrame:
    if cells.empty:
        return _no_cells()
    filled = (cells != "").to_numpy()
    rows = np.flatnonzero(filled.any(axis=1))
    columns = np.flatnonzero(filled.any(axis=0))
    if rows.size == 0:
        return _no_cells()
    return cells.iloc[: rows[-1] + 1, : columns[-1] + 1]


def _no_cells() -> pd.DataFrame:
    return pd.DataFrame(index=pd.RangeIndex(1, 1), columns=pd.RangeIndex(0), dtype=str)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " MB"


# --- Legacy Vietnamese font encodings ----------------------------------------
#
# One name typed with a .VnTime or VNI-Times font among thousands of Unicode
# cells must not reach a page: every distinct cell is judged (legacyfont.py).

_LEGACY_EXAMPLES = 3


def _refuse_legacy_cells(sheets: list[RawSheet], path: Path) -> None:
    found: list[tuple[RawSheet, int, int, str, str]] = []  # sheet, row, column, value, encoding
    count = 0
    for sheet in sheets:
        for column in sheet.cells.columns:
            values = sheet.cells[column]
            suspects = values[_only_latin1_with_marks(values)]
            legacy = {v: e for v in pd.unique(suspects.to_numpy()) if (e := legacyfont.legacy_encoding(v))}
            if not legacy:
                continue
            hits = values[values.isin(list(legacy))]
            count += len(hits)
            for row, value in hits.items():
                if len(found) < _LEGACY_EXAMPLES:
                    found.append((sheet, int(row), int(column), value, legacy[value]))
    if not count:
        return
    encodings = sorted({encoding for *_, encoding in found})
    described = " và ".join(legacyfont.DESCRIBED[e] for e in encodings)
    examples = "; ".join(
        f"{_cell_name(sheet, row, column)}: “{value}” (đúng ra là “{legacyfont.convert(value, encoding)}”)"
        for sheet, row, column, value, encoding in found
    )
    raise InputRefused(
        "legacy-font-encoding",
        f"{count} ô chữ được gõ bằng {described}, không phải Unicode; ví dụ {examples}. "
        f"Hãy chạy: python -m generator convert-font \"{path}\" — lệnh ghi một bản Unicode của tệp "
        "(chỉ đổi các ô gõ bằng bảng mã cũ), rồi thay tệp cũ bằng bản đó.",
        details=f"{count} × {'/'.join(encodings)}; "
        + "; ".join(f"{_cell_name(sheet, row, column).replace('trang tính ', '').replace('ô ', '')}: “{value}” → "
                    f"“{legacyfont.convert(value, encoding)}”" for sheet, row, column, value, encoding in found)
        + f"; python -m generator convert-font \"{path}\"",
    )


def _only_latin1_with_marks(values: pd.Series) -> np.ndarray:
    """Cells that could be legacy text, found without a Python call per cell: some character
    from ¡ to ÿ, and nothing beyond Windows-1252 (real Vietnamese nearly always has ă, ơ, ư, đ, ạ ...)."""
    text = pa.array(values)
    marked = pc.match_substring_regex(text, legacyfont.CANDIDATE_PATTERN)
    beyond = pc.match_substring_regex(text, legacyfont.BEYOND_LATIN1_PATTERN)
    return pc.and_(marked, pc.invert(beyond)).to_numpy(zero_copy_only=False)


def _cell_name(sheet: RawSheet, row: int, column: int) -> str:
    where = f"trang tính “{sheet.sheet}”, " if sheet.sheet else ""
    return f"{where}ô {column_letter(column)}{row}"


def column_letter(column: int) -> str:
    """A 0-based column as a spreadsheet names it: 0 -> A, 26 -> AA."""
    letters = ""
    column += 1
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def legacy_font_encoding(sample: str) -> str | None:
    """TCVN3 or VNI when most legacy-looking cells of `sample` read as typed in it."""
    return legacyfont.legacy_font_encoding(sample)
