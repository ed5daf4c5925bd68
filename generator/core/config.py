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
        from generator.view.trends import trend_settings_problems  # trends builds on this module

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
