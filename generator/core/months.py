"""The month a row belongs to (contract section 5), always as "YYYY-MM"."""
from __future__ import annotations

import re

import pandas as pd

from .text import fold

_NUMERIC = [
    # "10/2024", "T10/2024", "Tháng 10/2024", "10-2024", "thang 10 nam 2024"
    re.compile(r"^(?:thang\s*|t\s*)?(\d{1,2})\s*(?:[/.\- ]|\s+nam\s+)\s*(\d{4})$"),
]
_ISO = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")

# A date of signing ("ngày 05 tháng 11 năm 2024", "ngày 05/11/2024") is never the month.
# Text is folded first, so "/" and "-" are spaces by then.
_SIGNING_DATE = re.compile(r"\bngay\s+\d{1,2}\s+(?:thang\s+)?\d{1,2}\s+(?:nam\s+)?\d{4}\b")
_TITLE_MONTH = re.compile(r"\bthang\s+(\d{1,2})\s+(?:nam\s+)?(\d{4})\b")
_FILE_NAME_MONTHS = [
    re.compile(r"(?<!\d)(\d{4})[-_ .](\d{1,2})(?!\d)"),
    re.compile(r"(?:^|[^a-z])(?:t|thang)[ _\-]?(\d{1,2})[ _\-/.](\d{4})(?!\d)"),
]


def _month(year: str, month: str) -> str | None:
    y, m = int(year), int(month)
    if 1 <= m <= 12 and 1990 <= y <= 2100:
        return f"{y:04d}-{m:02d}"
    return None


def parse_month_cell(value: str) -> str | None:
    """A month-column cell, or None if it is not a month."""
    raw = value.strip().lower()
    iso = _ISO.match(raw)
    if iso:
        return _month(iso.group(1), iso.group(2))
    folded = fold(value)
    for pattern in _NUMERIC:
        hit = pattern.match(folded)
        if hit:
            return _month(hit.group(2), hit.group(1))
    return None


def parse_month_column(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Months for a column (parsing each distinct cell once), and a mask of unreadable cells."""
    codes, uniques = pd.factorize(values)
    parsed = pd.array([parse_month_cell(u) if u else None for u in uniques], dtype="string")
    months = pd.Series(parsed.take(codes, allow_fill=True), index=values.index, dtype="string")
    invalid = months.isna() & values.ne("")
    return months, invalid


def month_from_title(lines: tuple[str, ...]) -> str | None:
    """The month named by a title line ("THÁNG 10 NĂM 2024"), ignoring dates of signing."""
    for line in lines:
        folded = _SIGNING_DATE.sub(" ", fold(line))
        hit = _TITLE_MONTH.search(folded)
        if hit:
            return _month(hit.group(2), hit.group(1))
    return None


def month_from_file_name(stem: str) -> str | None:
    folded = fold(stem)  # "-" and "_" fold to spaces, which the patterns accept
    for position, pattern in enumerate(_FILE_NAME_MONTHS):
        hit = pattern.search(folded)
        if hit:
            year, month = (hit.group(1), hit.group(2)) if position == 0 else (hit.group(2), hit.group(1))
            found = _month(year, month)
            if found:
                return found
    return None

