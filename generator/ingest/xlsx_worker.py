"""Read an .xlsx workbook into text cells, in a child process.

Run as `python -I xlsx_worker.py PATH MEMORY_LIMIT_BYTES MAX_CELLS`; the
result goes to stdout as `marshal` data (see `read_workbook`).

Why a separate process: calamine lays every sheet out as a dense grid before
Python sees it, so a 5 KB file with one value in A1 and one in XFD1048576 asks
for half a terabyte and aborts the interpreter (a Rust abort, not an
exception). Under a memory limit in a child, that abort becomes an exit code
the parent can turn into a refusal. A time limit is applied by the parent.

This file imports neither pandas nor the rest of the generator (hence its
own `nfc`), so the child starts in tens of milliseconds.
"""
from __future__ import annotations

import datetime
import marshal
import math
import sys
import unicodedata
from typing import Any

Payload = dict[str, Any]

# ASCII "unit separator": made for this, and absent from real cell text.
CELL_SEPARATOR = "\x1f"


def cell_text(value: object) -> str:
    """The text a cell shows for the purposes of the export contract."""
    if value.__class__ is float:  # the commonest non-text cell: test it first
        return _number_text(value)  # type: ignore[arg-type]
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime.datetime):  # before date: datetime is a date
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def _number_text(number: float) -> str:
    if number.is_integer():
        # An id the spreadsheet turned into a number (1234.0) must read "1234".
        return str(int(number))
    if not math.isfinite(number):
        return str(number)
    # 15 significant digits is what Excel displays; it hides binary noise
    # such as 0.30000000000000004 while keeping 92.5 as "92.5".
    return format(number, ".15g")


def _joined_cells(raw_rows: list[list[object]]) -> bytes | list[str]:
    """All cells row by row as UTF-8, joined by CELL_SEPARATOR when no cell contains it.

    One long byte string crosses the pipe and is split by Arrow in the
    parent far faster than millions of small strings would be (de)serialised.
    Blank and whitespace-only cells are left for the parent, which clears
    them in bulk.
    """
    # Most cells are already text: skip the function call for them.
    cells = [v if v.__class__ is str else cell_text(v) for row in raw_rows for v in row]
    joined = CELL_SEPARATOR.join(cells)
    if joined.count(CELL_SEPARATOR) != max(len(cells) - 1, 0):
        return [nfc(cell) for cell in cells]  # a cell holds the separator itself
    # The separator is a starter: NFC never merges across it.
    return nfc(joined).encode("utf-8")


def nfc(text: str) -> str:
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


class SheetTooLarge(Exception):
    def __init__(self, sheet: str, rows: int, columns: int):
        super().__init__(sheet)
        self.payload = {"error": "too-large", "sheet": sheet, "rows": rows, "columns": columns}


def _sheet_payload(workbook: Any, metadata: Any, max_cells: int) -> Payload:
    from python_calamine import SheetVisibleEnum

    name = nfc(metadata.name)
    if metadata.visible != SheetVisibleEnum.Visible:
        return {"name": name, "visible": False}  # skipped: not worth reading
    sheet = workbook.get_sheet_by_name(metadata.name)
    start = sheet.start or (0, 0)
    # The parent pads columns from A; stop before building millions of
    # Python objects for a sheet it would refuse anyway.
    if sheet.height * (start[1] + sheet.width) > max_cells:
        raise SheetTooLarge(name, sheet.height, start[1] + sheet.width)
    raw_rows = sheet.to_python(skip_empty_area=True)
    merged = [
        (first[0], first[1], last[0], last[1])
        for first, last in (sheet.merged_cell_ranges or [])
    ]
    return {
        "name": name,
        "visible": True,
        "first_row": start[0],  # 0-based, as calamine reports it
        "first_column": start[1],
        "merged": merged,  # 0-based rows and columns
        "height": len(raw_rows),
        "width": len(raw_rows[0]) if raw_rows else 0,
        "cells": _joined_cells(raw_rows),
    }


def read_workbook(path: str, max_cells: int) -> Payload:
    """{"sheets": [...]} on success, {"error": kind, ...} otherwise."""
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    try:
        with CalamineWorkbook.from_path(path) as workbook:
            return {"sheets": [_sheet_payload(workbook, m, max_cells) for m in workbook.sheets_metadata]}
    except SheetTooLarge as error:
        return error.payload
    except PasswordError as error:
        return {"error": "password", "detail": str(error)}
    except (CalamineError, ValueError, OSError) as error:
        return {"error": "unreadable", "detail": str(error)}


def _limit_memory(limit_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on Windows; the parent's time limit still applies
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def main(argv: list[str]) -> int:
    path, memory_limit, max_cells = argv[1], int(argv[2]), int(argv[3])
    _limit_memory(memory_limit)
    result = read_workbook(path, max_cells)
    sys.stdout.buffer.write(marshal.dumps(result))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
