"""Which rows of a sheet are data (contract section 3, "Rows")."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from generator.core.text import fold
from .files import RawSheet

_PLACE_AND_DATE = re.compile(r"\bngay\s+\d{1,2}\s+(?:thang\s+)?\d{1,2}\s+(?:nam\s+)?\d{4}\b")
_SIGNING_TITLE = re.compile(
    r"^(?:nguoi lap(?: bieu| bang)?|thu truong(?: co quan)?(?: don vi)?|(?:tm|kt)\s.+)$"
)
_GROUP_TITLE = re.compile(r"^(?:(?:[ivx]+|[a-d]|\d{1,2})\s+)?(?:khoi|cap|don vi|phong|nhom|to)\b|^[ivx]+\s\S")
_TOTAL = re.compile(r"^(?:tong cong|cong|tong so|tong)\b")
_COLUMN_NUMBER = re.compile(r"^\(?[0-9a-z]{1,2}\)?$")


@dataclass(frozen=True)
class RowSplit:
    data: pd.DataFrame  # the data rows, every cell as text, index = spreadsheet row
    orphans: tuple[int, ...]  # rows with a name or a rating but no person_id
    signature_row: int | None  # where the signature block starts, if any


def fill_merged_down(sheet: RawSheet, below_row: int) -> pd.DataFrame:
    """Cells with the value of a cell merged down several rows copied into each row."""
    cells = sheet.cells
    vertical = [(r0, c0, r1) for r0, c0, r1, c1 in sheet.merged if r1 > r0 and r1 > below_row]
    if not vertical:
        return cells
    cells = cells.copy()
    for r0, c0, r1 in vertical:
        if c0 in cells.columns and r0 in cells.index:
            cells.loc[max(r0, below_row + 1) : r1, c0] = cells.at[r0, c0]
    return cells


def is_signing_cell(value: str) -> bool:
    folded = fold(value)
    return bool(_PLACE_AND_DATE.search(folded) or _SIGNING_TITLE.match(folded))


def split_rows(cells: pd.DataFrame, header_last_row: int, id_column: int, content_columns: list[int]) -> RowSplit:
    body = cells.loc[header_last_row + 1 :]
    body = _drop_column_numbers(body)
    ids = body[id_column]
    has_id = ids.ne("")

    signature_row = _signature_start(body, has_id, id_column)
    if signature_row is not None:
        body = body.loc[: signature_row - 1]
        has_id = has_id.loc[: signature_row - 1]

    without_id = body.loc[~has_id]
    orphans = tuple(
        row
        for row, values in without_id.iterrows()
        if any(values[c] for c in content_columns) and not _is_title_or_total(values)
    )
    return RowSplit(body.loc[has_id], orphans, signature_row)


def _drop_column_numbers(body: pd.DataFrame) -> pd.DataFrame:
    """Skip the row of column numbers ("(1)", "(2)" ...) printed under many headers."""
    for row, values in body.head(2).iterrows():
        filled = [v for v in values if v]
        if len(filled) >= 3 and all(_COLUMN_NUMBER.match(fold(v) or v) for v in filled):
            return body.drop(index=row)
    return body


def _signature_start(body: pd.DataFrame, has_id: pd.Series, id_column: int) -> int | None:
    # Rows with an id are data unless the id cell itself is a signing line;
    # only rows without an id are searched in every cell (they are few).
    # Signing lines have spaces and ids do not: fold only the few id cells with one.
    spaced = body[id_column].loc[body[id_column].str.contains(" ", regex=False).fillna(False).to_numpy()]
    candidates = [row for row, value in spaced.items() if is_signing_cell(value)]
    for row, values in body.loc[~has_id].iterrows():
        if any(is_signing_cell(v) for v in values if v):
            candidates.append(row)
            break
    return min(candidates) if candidates else None


def _is_title_or_total(values: pd.Series) -> bool:
    for value in values:
        if value:
            folded = fold(value)
            if _GROUP_TITLE.match(folded) or _TOTAL.match(folded):
                return True
    return False
