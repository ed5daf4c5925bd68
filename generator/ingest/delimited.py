"""Reading a CSV, TSV or TXT export: its encoding decoded (UTF-8, UTF-16, Windows-1258),
its separator found, its records parsed, and text that lost its letters refused.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections import Counter
from collections.abc import Iterator

import numpy as np
import pandas as pd

from generator.core.problems import InputRefused
from generator.core.text import nfc

from .legacyfont import reads_better_as_legacy
from .sheets import (
    SEND_A_TABLE,
    RawSheet,
    clear_whitespace_only,
    refuse_unless_table_fits,
    trim_blank_edges,
)

_SEPARATORS = ("\t", ";", ",")  # ties go to the earlier: a tab is never decimal punctuation


_SNIFF_RECORDS = 30


_SNIFF_CHARS = 65536


def read_delimited(raw: bytes, display_name: str) -> RawSheet:
    text = nfc(_decode(raw))
    _refuse_binary_text(text)
    _refuse_question_marks_for_letters(text)
    text, separator = excel_separator_line(text)
    text = _without_trailing_blank_lines(text, separator)
    if not text.strip():
        raise InputRefused("empty-file", "Tệp không có dữ liệu, chỉ có dòng trống. "
                           "Hãy xuất lại dữ liệu từ phần mềm đánh giá.")
    separator = separator or choose_separator(text)
    cells = trim_blank_edges(clear_whitespace_only(_parse_delimited(text, separator)))
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
    if reads_better_as_legacy(latin[:_SNIFF_CHARS], nfc(decoded[:_SNIFF_CHARS])):
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


def excel_separator_line(text: str) -> tuple[str, str | None]:
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


def choose_separator(text: str) -> str:
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
    refuse_unless_table_fits(records_bound, fields)
    try:
        return _pandas_read(data, separator, fields)
    except _TooManyFields:
        # A quoted cell with line breaks can hold more separators than any
        # single line: count records exactly, once, with the csv module.
        fields = _max_fields_per_record(text, separator)
        refuse_unless_table_fits(records_bound, fields)
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
