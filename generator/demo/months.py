"""The demo's months: indexes counted from year 0, labels YYYY-MM, and the calendar of one
demo (its person-level months, its history months before them, the reorganisation).
"""
from __future__ import annotations

from dataclasses import dataclass

REORGANISATION_DATE = "2025-07-01"  # two-tier local government (Hà Nội)


def index_of_month(label: str) -> int:
    """'2026-10' -> months since year 0, so that month arithmetic is integer arithmetic."""
    year, month = map(int, label.split("-"))
    return year * 12 + month - 1


def label_of_month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def index_of_date(date: str) -> int:
    return index_of_month(date[:7])


@dataclass(frozen=True)
class Calendar:
    first: int     # month index of the first person-level month
    count: int
    history_count: int
    # How many months the quirks are spread over (the month with a unit over the quota, the split export ...):
    # `count`, unless the set continues a shorter one, whose months must come out the same.
    quirks: int = 0

    @property
    def spread(self) -> int:
        return self.quirks or self.count

    @property
    def months(self) -> range:
        return range(self.first, self.first + self.count)

    @property
    def history(self) -> range:
        return range(self.first - self.history_count, self.first)

    @property
    def merger(self) -> int:
        """The person-level month (0-based) of the reorganisation; may lie outside."""
        return index_of_date(REORGANISATION_DATE) - self.first
