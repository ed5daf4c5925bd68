"""`python -m generator convert-font FILE`: a Unicode copy of an export typed in TCVN3 or VNI.

Only the cells that read as a legacy font encoding change (legacyfont.py
decides, cell by cell, as ingest does); every other cell, sheet, format and
formula stays. The copy is written beside the file (or to --out) and the
officer replaces the old file with it.
"""
from __future__ import annotations

import codecs
import csv
import io
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from . import legacyfont
from .delimited import choose_separator, excel_separator_line


class CannotConvert(Exception):
    """The file is not an xlsx or a CSV this command can rewrite; the message says why."""


@dataclass(frozen=True)
class Change:
    sheet: str | None
    cell: str  # "B5"
    before: str
    after: str
    encoding: str

    def describe(self) -> str:
        where = f"trang tính “{self.sheet}”, " if self.sheet else ""
        return f"{where}ô {self.cell}: “{self.before}” → “{self.after}” ({self.encoding})"


def default_output(path: Path) -> Path:
    return path.with_name(f"{path.stem} (Unicode){path.suffix}")


def convert_file(path: Path, out: Path) -> list[Change]:
    """Write the Unicode copy of `path` to `out`; the cells changed (none: nothing written)."""
    if not path.is_file():
        raise CannotConvert(f"Không có tệp {path.resolve()}.")
    with path.open("rb") as stream:
        head = stream.read(8)
    if head.startswith(b"PK\x03\x04"):
        return _convert_xlsx(path, out)
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        return _convert_delimited(path, out)
    raise CannotConvert(f"{path.name}: chỉ chuyển được tệp .xlsx hoặc .csv/.tsv/.txt.")


# Fonts made for the legacy encodings; a converted cell gets a Unicode font instead.
_LEGACY_FONT_PREFIXES = (".vn", "vni")


def _convert_xlsx(path: Path, out: Path) -> list[Change]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path)
    except Exception as error:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise CannotConvert(f"{path.name}: không mở được tệp .xlsx ({type(error).__name__}).") from None
    changes = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.data_type == "f":
                    continue
                encoding = legacyfont.legacy_encoding(cell.value)
                if encoding is None:
                    continue
                after = legacyfont.convert(cell.value, encoding)
                changes.append(Change(sheet.title, cell.coordinate, cell.value, after, encoding))
                cell.value = after
                if (cell.font.name or "").lower().startswith(_LEGACY_FONT_PREFIXES):
                    font = copy(cell.font)
                    font.name = "Times New Roman"
                    cell.font = font
    if changes:
        workbook.save(out)
    return changes


def _convert_delimited(path: Path, out: Path) -> list[Change]:
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        text = raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")  # the legacy bytes, as the look-alikes Excel shows
    body, separator = excel_separator_line(text)
    separator = separator or choose_separator(body)
    records = list(csv.reader(io.StringIO(body, newline=""), delimiter=separator))
    changes = []
    for number, record in enumerate(records, start=1):
        for column, value in enumerate(record):
            encoding = legacyfont.legacy_encoding(value)
            if encoding is None:
                continue
            record[column] = legacyfont.convert(value, encoding)
            changes.append(Change(None, f"{get_column_letter(column + 1)}{number}", value, record[column], encoding))
    if changes:
        written = io.StringIO(newline="")
        csv.writer(written, delimiter=separator, lineterminator="\r\n").writerows(records)
        out.write_bytes(codecs.BOM_UTF8 + written.getvalue().encode("utf-8"))  # UTF-8 with BOM: Excel reads it as such
    return changes
