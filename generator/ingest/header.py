"""Find the header of a sheet: below a title block, over one row or two merged rows."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .columns import AliasTable, ColumnMap, match_headers
from .files import RawSheet

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Header:
    first_row: int  # spreadsheet row numbers, as in RawSheet.cells.index
    last_row: int
    columns: ColumnMap
    title_lines: tuple[str, ...]  # the text above the header, for the month


def find_header(sheet: RawSheet, table: AliasTable, anchor: str) -> Header | None:
    """The row (or pair of rows) within the first 30 that names the most fields.

    A header must name the anchor field; a pair of rows wins over one row only
    when it names more fields.
    """
    top = sheet.cells.head(HEADER_SEARCH_ROWS + 1)
    rows = list(top.index)
    group_titles = _horizontal_merge_starts(sheet)
    best: tuple[int, int, int, ColumnMap] | None = None  # (score, -height, row, map)
    for position, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        candidates = [(1, _single_row_names(top.loc[row]))]
        if position + 1 < len(rows):
            below = rows[position + 1]
            candidates.append((2, _two_row_names(top.loc[row], top.loc[below], row, group_titles)))
        for height, names in candidates:
            mapped = match_headers(names, table)
            if anchor not in mapped.columns:
                continue
            key = (len(mapped.columns), -height)
            if best is None or key > best[:2]:
                best = (key[0], key[1], row, mapped)
    if best is None:
        return None
    _, negative_height, first_row, mapped = best
    last_row = rows[rows.index(first_row) - negative_height - 1]
    title = sheet.cells.loc[: first_row - 1]
    lines = tuple(" ".join(v for v in values if v) for values in title.itertuples(index=False))
    return Header(first_row, last_row, mapped, tuple(line for line in lines if line))


def _single_row_names(row: pd.Series) -> dict[int, str]:
    return {column: value for column, value in row.items() if value}


def _two_row_names(
    upper: pd.Series, lower: pd.Series, upper_row: int, group_titles: set[tuple[int, int]]
) -> dict[int, str]:
    """One name per column from two header rows.

    The lower cell names its column; a cell merged down over both rows (empty
    below) names it from above; a group title merged across columns names
    nothing itself.
    """
    names: dict[int, str] = {}
    for column in upper.index:
        if lower[column]:
            names[column] = lower[column]
        elif upper[column] and (upper_row, column) not in group_titles:
            names[column] = upper[column]
    return names


def _horizontal_merge_starts(sheet: RawSheet) -> set[tuple[int, int]]:
    return {(r0, c0) for r0, c0, r1, c1 in sheet.merged if c1 > c0}
