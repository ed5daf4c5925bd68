"""`python -m generator convert-font FILE`: a Unicode copy of an export typed in TCVN3 or VNI,
or damaged by a round trip through Windows-1252 ("NguyÃªn").

Only the cells that read as a legacy font encoding (legacyfont.py) or as
UTF-8 read as Windows-1252 (mojibake.py) change, decided as ingest decides;
every other cell, sheet, format and formula stays. The copy is written
beside the file (or to --out) and the officer replaces the old file with it.
"""
from __future__ import annotations

import codecs
import csv
import io
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from . import legacyfont, mojibake
from .delimited import choose_separator, excel_separator_line


class CannotConvert(Exception):
    """The file is not an xlsx or a CSV this command can rewrite; the message says why."""


@dataclass(frozen=True)
class Change:
    sheet: str | None
    cell: str  # "B5"
    before: str
    after: str
    encoding: str  # TCVN3, VNI or MOJIBAKE

    def describe(self) -> str:
        where = f"trang tính “{self.sheet}”, " if self.sheet else ""
        return f"{where}ô {self.cell}: “{self.before}” → “{self.after}” ({self.encoding})"


MOJIBAKE = "UTF-8 → ANSI"


def _fixes(cells) -> dict[str, tuple[str, str]]:
    """cell text -> (its Unicode text, what it was) for the cells of one file that need converting."""
    cells = dict.fromkeys(cells)
    fixes = {cell: (fixed, MOJIBAKE) for cell, fixed in mojibake.repairs(cells).items()}
    for cell in cells:
        if cell not in fixes and (encoding := legacyfont.legacy_encoding(cell)):
            fixes[cell] = (legacyfont.convert(cell, encoding), encoding)
    return fixes


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
    texts = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.data_type != "f"]
    fixes = _fixes(cell.value for cell in texts)
    changes = []
    for cell in texts:
        if cell.value not in fixes:
            continue
        after, encoding = fixes[cell.value]
        changes.append(Change(cell.parent.title, cell.coordinate, cell.value, after, encoding))
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
    fixes = _fixes(value for record in records for value in record)
    changes = []
    for number, record in enumerate(records, start=1):
        for column, value in enumerate(record):
            if value not in fixes:
                continue
            record[column], encoding = fixes[value]
            changes.append(Change(None, f"{get_column_letter(column + 1)}{number}", value, record[column], encoding))
    if changes:
        written = io.StringIO(newline="")
        csv.writer(written, delimiter=separator, lineterminator="\r\n").writerows(records)
        out.write_bytes(codecs.BOM_UTF8 + written.getvalue().encode("utf-8"))  # UTF-8 with BOM: Excel reads it as such
    return changes
