"""Find the header of a sheet: below a title block, over one row or two merged rows."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from generator.core.text import fold

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

    A header must name the anchor field; a pair of rows wins over one row when
    it names more fields, or as many when its lower row is a header row too:
    it names a field and leaves the anchor's column to the cell above. That is
    a two-row header whose group title lost its other columns ("Kết quả xếp
    loại" over "Tự xếp loại" alone, once "Thủ trưởng xếp loại" was deleted);
    read as one row, its second row would be taken for data.
    """
    top = sheet.cells.head(HEADER_SEARCH_ROWS + 1)
    rows = list(top.index)
    group_titles = _horizontal_merge_starts(sheet)
    best: tuple[tuple[int, int, int], int, ColumnMap] | None = None  # (key, row, map)
    for position, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        candidates = [(1, _single_row_names(top.loc[row]), False)]
        if position + 1 < len(rows):
            below = rows[position + 1]
            names = _two_row_names(top.loc[row], top.loc[below], row, group_titles)
            candidates.append((2, names, _is_header_row(top.loc[below], table)))
        for height, names, lower_is_header in candidates:
            mapped = match_headers(names, table)
            if anchor not in mapped.columns:
                continue
            if lower_is_header and top.loc[rows[position + 1], mapped.columns[anchor].column]:
                lower_is_header = False
            key = (len(mapped.columns), int(lower_is_header), -height)
            if best is None or key > best[0]:
                best = (key, row, mapped)
    if best is None:
        return None
    (_, _, negative_height), first_row, mapped = best
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


def _is_header_row(row: pd.Series, table: AliasTable) -> bool:
    """Most filled cells name a field (a data row has values, a group title row has none)."""
    filled = [value for value in row if value]
    headers = sum(1 for value in filled if fold(value) in table.lookup)
    return headers > 0 and 2 * headers >= len(filled)


def _horizontal_merge_starts(sheet: RawSheet) -> set[tuple[int, int]]:
    return {(r0, c0) for r0, c0, r1, c1 in sheet.merged if c1 > c0}
