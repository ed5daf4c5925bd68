"""Warnings about the figures themselves (contract section 9): quota, coverage, missing units."""
from __future__ import annotations

import pandas as pd

from generator.core.config import Policy
from generator.core.formatting import format_percent, share
from generator.ingest.registry import Registry, month_bounds
from generator.core.formatting import format_number


def check_figures(units: pd.DataFrame, registry: Registry, policy: Policy, problems, months: set[str] | None = None) -> None:
    """Warnings for `months` (default: every month); months already in the store were checked when they came."""
    checked = units if months is None else units.loc[units["month"].isin(months)]
    people_months = checked.loc[checked["source"].eq("people")]
    _check_quota(people_months, registry, policy, problems)
    _check_coverage(people_months, registry, policy, problems)
    _check_missing(units, registry, problems, months)


def _check_quota(units: pd.DataFrame, registry: Registry, policy: Policy, problems) -> None:
    quota = policy.quota
    base = units["xs"] + units["t"] if quota.base == "T+XS" else units["evaluated"]
    # Compare in integers: XS * 100 > share% * base, so exactly 20% does not warn.
    percent = int(quota.share * 100)
    over = (units["xs"] * 100 > base * percent).fillna(False)
    for row in units.loc[over].itertuples(index=False):
        base_value = row.xs + row.t if quota.base == "T+XS" else row.evaluated
        problems.warning(
            "over-quota",
            f"Tháng {row.month}: {registry.units[row.unit_code].name} ({row.unit_code}) có {row.xs} HTXSNV "
            f"trên {base_value} ({_percent(row.xs, base_value)}), vượt tỷ lệ {percent}% theo {quota.name}.",
            value=str(row.xs),
        )


def _check_coverage(units: pd.DataFrame, registry: Registry, policy: Policy, problems) -> None:
    floor = policy.coverage_floor
    low = (units["evaluated"] * 100 < units["headcount"] * int(floor * 100)).fillna(False)
    for row in units.loc[low].itertuples(index=False):
        problems.warning(
            "low-coverage",
            f"Tháng {row.month}: {registry.units[row.unit_code].name} ({row.unit_code}) mới đánh giá "
            f"{format_number(row.evaluated)}/{format_number(row.headcount)} người ({_percent(row.evaluated, row.headcount)}), dưới {int(floor * 100)}%.",
        )


def _check_missing(units: pd.DataFrame, registry: Registry, problems, checked: set[str] | None = None) -> None:
    """A unit present last month and absent now, unless it ended or was replaced."""
    present = {month: set(codes) for month, codes in units.groupby("month")["unit_code"]}
    months = sorted(present)
    for before, month in zip(months, months[1:]):
        if _next_month(before) != month or (checked is not None and month not in checked):
            continue
        first_day, _ = month_bounds(month)
        for code in sorted(present[before] - present[month]):
            unit = registry.units[code]
            if unit.valid_to is not None and unit.valid_to < first_day:
                continue
            problems.warning("unit-missing", f"Tháng {month} thiếu {unit.name} ({code}), đơn vị có dữ liệu tháng {before}.", value=code)


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _percent(part: int, whole: int) -> str:
    return format_percent(share(part, whole))
