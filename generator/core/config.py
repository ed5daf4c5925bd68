"""Settings the data code needs, read from the site's settings file.

The settings live in `pelicanconf.py` beside Pelican's own (one place for an
officer to look); this module reads them without importing Pelican.
"""
from __future__ import annotations

import runpy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .formatting import round_half_up
from .ratings import RatingScale


class SettingsError(ValueError):
    """A CONGKHAI_* setting that cannot be used; the message says which, its value and what is allowed."""


@dataclass(frozen=True)
class QuotaRule:
    """The most XS a unit may give: `share` of the base ("T+XS" or "evaluated")."""

    share: Decimal = Decimal("0.20")
    base: str = "T+XS"
    name: str = "Nghị định 335/2025/NĐ-CP"


@dataclass(frozen=True)
class Policy:
    """What may be published and which figures deserve a warning (contract sections 9-10)."""

    honour_list: bool = True
    min_evaluated: int = 10
    quota: QuotaRule = field(default_factory=QuotaRule)
    coverage_floor: Decimal = Decimal("0.95")
    scale: RatingScale = field(default_factory=RatingScale)
    # How much of HT+K, evaluated and evaluated less XS the other units of a merged group
    # must hold at least (suppression.covered): more merges more, and leaves the auditor
    # less to refuse.
    merge_margin: int = 2

    def merges(self, evaluated: int) -> bool:
        """Whether a group of `evaluated` rated staff is too small to show HT and K apart."""
        return evaluated < self.min_evaluated

    @classmethod
    def from_settings(cls, settings: Mapping) -> Policy:
        """The policy; SettingsError (naming every bad setting) if one cannot be used."""
        bad = settings_problems(settings, checks=_POLICY_CHECKS)
        if bad:
            raise SettingsError("\n".join(bad))
        quota = QuotaRule(
            share=Decimal(str(settings.get("CONGKHAI_QUOTA_SHARE", "0.20"))),
            base=settings.get("CONGKHAI_QUOTA_BASE", "T+XS"),
            name=str(settings.get("CONGKHAI_QUOTA_NAME", QuotaRule.name)),
        )
        return cls(
            honour_list=settings.get("CONGKHAI_HONOUR_LIST", True),
            min_evaluated=settings.get("CONGKHAI_MIN_EVALUATED", 10),
            quota=quota,
            coverage_floor=Decimal(str(settings.get("CONGKHAI_COVERAGE_FLOOR", "0.95"))),
            merge_margin=settings.get("CONGKHAI_MERGE_MARGIN", 2),
        )


# A month of more units has a page per block (its month page and honour list would exceed
# 50 KB gzipped at about 400 units); CONGKHAI_UNITS_PER_PAGE changes it.
UNITS_PER_PAGE = 300


def units_per_page(settings: Mapping) -> int | None:
    """CONGKHAI_UNITS_PER_PAGE: a month of more units is split by block (None: never)."""
    value = settings.get("CONGKHAI_UNITS_PER_PAGE", UNITS_PER_PAGE)
    if value is None:
        return None
    if not _whole(value, 1):
        raise SettingsError(f"CONGKHAI_UNITS_PER_PAGE = {value!r}: {_ALLOWED['CONGKHAI_UNITS_PER_PAGE']}")
    return value


# --- every setting checked in one place ----------------------------------------------


def _whole(value, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _share(value) -> bool:
    if isinstance(value, bool):
        return False
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return False
    return number.is_finite() and 0 <= number <= 1


# What each setting may be, in the officer's words (its value is shown before it).
_ALLOWED = {
    "CONGKHAI_HONOUR_LIST": "phải là True (công bố danh sách HTXSNV) hoặc False.",
    "CONGKHAI_MIN_EVALUATED": "phải là số nguyên không âm, không đặt trong ngoặc kép, ví dụ 10.",
    "CONGKHAI_QUOTA_SHARE": "phải là tỷ lệ từ 0 đến 1, ví dụ \"0.20\" (20%).",
    "CONGKHAI_QUOTA_BASE": "phải là \"T+XS\" (Nghị định 335/2025) hoặc \"evaluated\" (số được đánh giá).",
    "CONGKHAI_QUOTA_NAME": "phải là chữ, ví dụ \"Nghị định 335/2025/NĐ-CP\".",
    "CONGKHAI_COVERAGE_FLOOR": "phải là tỷ lệ từ 0 đến 1, ví dụ \"0.95\" (95%).",
    "CONGKHAI_MERGE_MARGIN": "phải là số nguyên từ 1 trở lên, không đặt trong ngoặc kép, ví dụ 2.",
    "CONGKHAI_UNITS_PER_PAGE": "phải là số nguyên từ 1 trở lên (ví dụ 300), hoặc None (không chia trang).",
    "CONGKHAI_ORGANISATION": "phải là chữ: tên cơ quan, ví dụ \"Quận Long Biên\".",
}
_POLICY_CHECKS: dict[str, Callable[[object], bool]] = {
    "CONGKHAI_HONOUR_LIST": lambda v: isinstance(v, bool),
    "CONGKHAI_MIN_EVALUATED": lambda v: _whole(v, 0),
    "CONGKHAI_QUOTA_SHARE": _share,
    "CONGKHAI_QUOTA_BASE": lambda v: v in ("T+XS", "evaluated"),
    "CONGKHAI_QUOTA_NAME": lambda v: isinstance(v, str) and bool(v.strip()),
    "CONGKHAI_COVERAGE_FLOOR": _share,
    "CONGKHAI_MERGE_MARGIN": lambda v: _whole(v, 1),
}
_OTHER_CHECKS: dict[str, Callable[[object], bool]] = {
    "CONGKHAI_UNITS_PER_PAGE": lambda v: v is None or _whole(v, 1),
    "CONGKHAI_ORGANISATION": lambda v: isinstance(v, str) and bool(v.strip()),
}


def settings_problems(settings: Mapping, checks: Mapping[str, Callable[[object], bool]] | None = None) -> list[str]:
    """One line per CONGKHAI_* setting that cannot be used: its name, its value, what is allowed.

    Without `checks`, every setting the generator reads (the trend settings too).
    """
    lines = [
        f"{name} = {settings[name]!r}: {_ALLOWED[name]}"
        for name, good in (checks or {**_POLICY_CHECKS, **_OTHER_CHECKS}).items()
        if name in settings and not good(settings[name])
    ]
    if checks is None:
        lines += trend_settings_problems(settings)
    return lines


def read_settings_file(path: Path) -> dict:
    """The upper-case names a Pelican settings file defines; SettingsError if it cannot be run."""
    if not path.exists():
        return {}
    try:
        namespace = runpy.run_path(str(path))
    except SyntaxError as error:
        raise SettingsError(f"{path.resolve()}, dòng {error.lineno}: lỗi cú pháp Python ({error.msg}). "
                            "Sửa dòng đó (thường do thiếu dấu ngoặc kép hay dấu phẩy).") from None
    except Exception as error:  # noqa: BLE001 (any error of a settings file is the officer's to fix)
        raise SettingsError(f"{path.resolve()}: tệp cài đặt lỗi khi chạy ({type(error).__name__}: {error}).") from None
    return {k: v for k, v in namespace.items() if k.isupper()}


# --- the trend settings: rewards by the rule, movers -----------------------------


# Rated levels a reward can follow, and the Figures field that counts each.
REWARD_LEVELS = {"XS": "xs", "T": "t", "HT": "ht", "K": "k"}


@dataclass(frozen=True, slots=True)
class RewardRule:
    """Reward per person = multiple of the base salary in force that month.

    `base_salaries`: (first month "YYYY-MM", amount in đồng), oldest first;
    `multiples`: (level code, multiple); `budget`: the monthly budget in đồng.
    """

    base_salaries: tuple[tuple[str, int], ...] = ()
    multiples: tuple[tuple[str, Decimal], ...] = ()
    budget: int | None = None

    def base_salary(self, month: str) -> int | None:
        """The base salary in force in `month`, None before the first entry."""
        current = None
        for first, amount in self.base_salaries:
            if first <= month:
                current = amount
        return current

    def amount(self, figures, month: str) -> int | None:
        """What the month's rewards come to by the rule (`figures`: the month's public Figures);
        None without a base salary or multiples."""
        base = self.base_salary(month)
        if base is None or not self.multiples:
            return None
        counts = [(getattr(figures, REWARD_LEVELS[level]), multiple) for level, multiple in self.multiples]
        if any(count is None for count, _ in counts):
            return None  # a level the rule pays is merged (not published): no amount is made from it
        total = sum((Decimal(count) * multiple * base for count, multiple in counts), Decimal(0))
        return int(round_half_up(total, 0))


@dataclass(frozen=True, slots=True)
class TrendSettings:
    policy: Policy = field(default_factory=Policy)
    rewards: RewardRule = field(default_factory=RewardRule)
    movers: int = 5

    @classmethod
    def from_settings(cls, settings: Mapping) -> TrendSettings:
        return cls(
            policy=Policy.from_settings(settings),
            rewards=RewardRule(
                base_salaries=_base_salaries(settings.get("CONGKHAI_BASE_SALARY", {})),
                multiples=_multiples(settings.get("CONGKHAI_REWARD_MULTIPLES", {})),
                budget=_whole_amount("CONGKHAI_REWARD_BUDGET", settings.get("CONGKHAI_REWARD_BUDGET")),
            ),
            movers=_whole_amount("CONGKHAI_MOVERS", settings.get("CONGKHAI_MOVERS", 5)) or 0,
        )


def trend_settings_problems(settings: Mapping) -> list[str]:
    """One line per trend setting that cannot be used (config.settings_problems lists them all)."""
    checks = {
        "CONGKHAI_BASE_SALARY": _base_salaries,
        "CONGKHAI_REWARD_MULTIPLES": _multiples,
        "CONGKHAI_REWARD_BUDGET": lambda value: _whole_amount("CONGKHAI_REWARD_BUDGET", value),
        "CONGKHAI_MOVERS": lambda value: _whole_amount("CONGKHAI_MOVERS", value),
    }
    lines = []
    for name, check in checks.items():
        if name in settings:
            try:
                check(settings[name])
            except SettingsError as error:
                lines.append(str(error))
    return lines


def _base_salaries(table) -> tuple[tuple[str, int], ...]:
    if not isinstance(table, Mapping):
        raise SettingsError(f'CONGKHAI_BASE_SALARY = {table!r}: phải là bảng {{"YYYY-MM": số đồng}}, ví dụ {{"2024-07": 2340000}}.')
    rows = []
    for month, amount in table.items():
        if not (isinstance(month, str) and len(month) == 7 and month[4] == "-" and month[:4].isdigit()
                and month[5:].isdigit() and 1 <= int(month[5:]) <= 12):
            raise SettingsError(f"CONGKHAI_BASE_SALARY: “{month}” không phải tháng dạng YYYY-MM (ví dụ 2024-07).")
        rows.append((month, _whole_amount(f"CONGKHAI_BASE_SALARY[{month}]", amount)))
    return tuple(sorted(rows))


def _multiples(table) -> tuple[tuple[str, Decimal], ...]:
    if not isinstance(table, Mapping):
        raise SettingsError(f'CONGKHAI_REWARD_MULTIPLES = {table!r}: phải là bảng {{"XS": "0.5"}}.')
    rows = []
    for level, multiple in table.items():
        if level not in REWARD_LEVELS:
            raise SettingsError(f"CONGKHAI_REWARD_MULTIPLES: mức “{level}” không có; dùng một trong {', '.join(REWARD_LEVELS)}.")
        try:
            value = Decimal(str(multiple))
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value < 0:
            raise SettingsError(f"CONGKHAI_REWARD_MULTIPLES[{level}]: “{multiple}” không phải hệ số (ví dụ \"0.5\").")
        rows.append((level, value))
    return tuple(rows)


def _whole_amount(name: str, value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SettingsError(f"{name}: “{value}” phải là số nguyên không âm (ví dụ 2340000), không có dấu chấm.")
    return value
