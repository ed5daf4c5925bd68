"""Raw tables of text cells as every reader hands them on, and the bounds they are held to.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.core.problems import InputRefused

# Nearly 9 times the largest real export (177,000 rows x 13 columns). Beyond
# this, memory rather than content is at stake: refuse instead of swapping.
MAX_TABLE_CELLS = 20_000_000


SAVE_AS_XLSX = "Hãy mở tệp trong Excel và lưu lại dưới dạng .xlsx (Excel Workbook)."


SEND_A_TABLE = "Hãy đặt vào đây tệp .xlsx hoặc .csv xuất từ phần mềm đánh giá."


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


def refuse_unless_table_fits(rows: int, columns: int) -> None:
    if rows * columns > MAX_TABLE_CELLS:
        raise table_too_large(rows, columns)


def table_too_large(rows: int, columns: int, sheet: str | None = None) -> InputRefused:
    where = f"Trang tính “{sheet}” quá lớn" if sheet else "Bảng quá lớn"
    return InputRefused(
        "table-too-large",
        f"{where} để đọc: khoảng {thousands(rows)} dòng × {thousands(columns)} cột. Có thể có ô "
        "dữ liệu nằm rất xa vùng bảng. Hãy xóa các dòng và cột thừa rồi lưu lại, hoặc tách dữ liệu "
        "thành nhiều tệp nhỏ hơn.",
    )


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Vietnamese groups digits with dots


def clear_whitespace_only(cells: pd.DataFrame) -> pd.DataFrame:
    for column in cells.columns:
        values = cells[column]
        spaces = values.str.isspace()
        if spaces.any():
            cells[column] = values.mask(spaces, "")
    return cells


def trim_blank_edges(cells: pd.DataFrame) -> pd.DataFrame:
    if cells.empty:
        return no_cells()
    filled = (cells != "").to_numpy()
    rows = np.flatnonzero(filled.any(axis=1))
    columns = np.flatnonzero(filled.any(axis=0))
    if rows.size == 0:
        return no_cells()
    return cells.iloc[: rows[-1] + 1, : columns[-1] + 1]


def no_cells() -> pd.DataFrame:
    return pd.DataFrame(index=pd.RangeIndex(1, 1), columns=pd.RangeIndex(0), dtype=str)


def cell_name(sheet: RawSheet, row: int, column: int) -> str:
    """A cell as an officer finds it: “trang tính “Sheet1”, ô C9” (no sheet for a CSV)."""
    from openpyxl.utils import get_column_letter

    where = f"trang tính “{sheet.sheet}”, " if sheet.sheet else ""
    return f"{where}ô {get_column_letter(column + 1)}{row}"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " MB"
