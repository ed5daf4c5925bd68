"""Errors, warnings and log lines found during a run, reported together.

Every stage appends to one `Problems`; nothing stops at the first error,
so an officer sees everything to fix in one pass.
"""
from __future__ import annotations
from generator.core.formatting import format_number

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Problem:
    severity: Severity
    code: str
    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    suggestion: str | None = None
    # The particulars of this one problem in no language (names, codes, headers, numbers,
    # commands), so that a translated line keeps them: "DV001 (Văn phòng Quận ủy)".
    details: str | None = None

    def location(self, word: Callable[[str], str] = str) -> str:
        """File, sheet, row and column, with `word` translating the Vietnamese labels."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"{word('trang tính')} “{self.sheet}”")
        if self.row is not None:
            parts.append(f"{word('dòng')} {self.row}")
        if self.column:
            parts.append(f"{word('cột')} “{self.column}”")
        return ", ".join(parts)

    def render(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None:
            text += f" Giá trị: “{_shorten(self.value)}”."
        if self.suggestion:
            text += f" Gợi ý: {self.suggestion}"
        return text


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, severity: Severity, code: str, message: str, **where) -> None:
        if where.get("value") is not None:
            where["value"] = str(where["value"])
        self.items.append(Problem(severity, code, message, **where))

    def error(self, code: str, message: str, **where) -> None:
        self.add(Severity.ERROR, code, message, **where)

    def warning(self, code: str, message: str, **where) -> None:
        self.add(Severity.WARNING, code, message, **where)

    def info(self, code: str, message: str, **where) -> None:
        self.add(Severity.INFO, code, message, **where)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.items)

    def of(self, code: str) -> list[Problem]:
        return [p for p in self.items if p.code == code]


class InputRefused(Exception):
    """A whole file cannot be read as a table; carries the reason for the officer."""

    def __init__(self, code: str, message: str, details: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


def report_values(
    problems: Problems,
    severity: Severity,
    code: str,
    message: str,
    values,
    rows,
    *,
    file: str | None,
    sheet: str | None,
    column: str | None,
    suggest=None,
    limit_per_value: int = 3,
) -> None:
    """One problem per offending row, but at most a few rows per distinct value.

    A whole column of the same wrong text would otherwise bury every other
    problem; the last reported row says how many more share that value.
    """
    seen: dict[str, int] = {}
    pairs = list(zip(values, rows))
    totals: dict[str, int] = {}
    for value, _ in pairs:
        totals[value] = totals.get(value, 0) + 1
    for value, row in pairs:
        count = seen.get(value, 0)
        if count >= limit_per_value:
            continue
        seen[value] = count + 1
        text = message
        remaining = totals[value] - limit_per_value
        if count + 1 == limit_per_value and remaining > 0:
            text += f" (và {format_number(remaining)} dòng khác có cùng giá trị)"
        problems.add(
            severity,
            code,
            text,
            file=file,
            sheet=sheet,
            row=int(row),
            column=column,
            value=value,
            suggestion=suggest(value) if suggest else None,
        )
