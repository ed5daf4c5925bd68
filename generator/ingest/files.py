"""Turn one file on disk into raw tables of text cells (contract section 3, "Files").

This is the lowest stage of ingest: it knows nothing of headers or fields.
It decides what the file really is from its first bytes (never from its
name alone), reads it, and hands back every cell as text. Whatever keeps a
file from being read as a table ends in `InputRefused`, whose message tells
an officer what is wrong and what to do, in Vietnamese.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from generator.core.problems import InputRefused, Problems

from .delimited import read_delimited
from .legacyfont import refuse_legacy_cells
from .mojibake import refuse_mojibake_cells
from .sheets import SAVE_AS_XLSX, SEND_A_TABLE, RawSheet, megabytes
from .xlsx import XLSX_SUFFIXES, read_xlsx

MAX_FILE_BYTES = 50 * 1024 * 1024


_SNIFF_BYTES = 8192


def read_tables(path: Path, display_name: str, problems: Problems) -> list[RawSheet]:
    """The non-empty tables of one export file, or InputRefused saying why not.

    Hidden and empty sheets are skipped and named in `problems` as info.
    """
    head = _first_bytes(path)
    if _is_zip(head):
        sheets = read_xlsx(path, display_name, problems)
    else:
        _refuse_if_not_text_table(head, path)
        sheets = [read_delimited(path.read_bytes(), display_name)]
    refuse_mojibake_cells(sheets, path)  # first: some of it would pass for a legacy font
    refuse_legacy_cells(sheets, path)
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
            f"Tệp nặng {megabytes(size)}, vượt giới hạn {megabytes(MAX_FILE_BYTES)}. "
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
    if path.suffix.lower() in XLSX_SUFFIXES:
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


# --- csv, tsv, txt -----------------------------------------------------------


# --- Shared by both kinds ----------------------------------------------------


# --- Legacy Vietnamese font encodings ----------------------------------------
#
# One name typed with a .VnTime or VNI-Times font among thousands of Unicode
# cells must not reach a page: every distinct cell is judged (legacyfont.py).


