"""Numbers, percentages, money, months and dates as the site shows them.

Vietnamese ("vi") writes 1.234,5 and 05/11/2024; English ("en") writes
1,234.5 and 5 Nov 2024. Grouping, decimal signs and month names come from
babel (CLDR). Rounding does not: babel rounds half to even, while the
contract (section 8) shows shares with two decimals rounded half up
(5,585 -> 5,59), so every function here rounds with `round_half_up` first
and hands babel a value that needs no further rounding.

A number and its unit are joined by a no-break space, so that a line never
breaks between "1.170.000" and "đ" or between "0,89" and "điểm %".

All functions are pure; the only thing kept between calls is babel's
parsed locale data.
"""
from __future__ import annotations

import math
import numbers
import operator
import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Literal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

__all__ = [
    "EN_DASH",
    "LANGUAGES",
    "MINUS",
    "NBSP",
    "change_unit",
    "format_change",
    "format_date",
    "format_money",
    "format_money_short",
    "format_month",
    "format_number",
    "format_percent",
    "round_half_up",
    "share",
]

Number = Decimal | Fraction | int | float
Language = Literal["vi", "en"]
MonthStyle = Literal["short", "long", "tick"]

LANGUAGES: tuple[Language, ...] = ("vi", "en")

NBSP = "\u00a0"
MINUS = "\u2212"  # typographic minus, the width of the plus sign
EN_DASH = "\u2013"  # shown where there is no figure (e.g. a share of nobody)

_CHANGE_UNITS = {"vi": f"điểm{NBSP}%", "en": "pp"}
_CURRENCY_SYMBOLS = {"vi": "đ", "en": "VND"}
_LARGE_MONEY = {"vi": ((10**9, "tỷ"), (10**6, "triệu")), "en": ((10**9, "billion"), (10**6, "million"))}
_MONTH_PATTERNS = {
    ("vi", "short"): "'T'M/y",
    ("vi", "long"): "'Tháng' M/y",
    ("en", "short"): "MMM y",
    ("en", "long"): "MMMM y",
    # A chart's month ticks: short enough for six side by side on a phone.
    ("vi", "tick"): "'T'M/yy",
    ("en", "tick"): "MMM yy",
}
_DATE_PATTERNS = {"vi": "dd/MM/y", "en": "d MMM y"}
_YEAR_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


# --- rounding ---------------------------------------------------------------


def round_half_up(value: Number, places: int = 0) -> Decimal:
    """`value` rounded to `places` decimals, ties away from zero (5.585 -> 5.59).

    Negative values round like their magnitude (-0.125 -> -0.13), so a change
    of the same size reads the same either way; zero never comes back as -0.
    The result has exactly `places` decimals (Decimal("12.00")).
    """
    if places < 0:
        raise ValueError(f"places must be 0 or more, not {places}")
    numerator, denominator = _integer_ratio(value)
    return _round_ratio(numerator * 10**places, denominator, places)


def share(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage (0-100) of `whole`, rounded half up to 2 decimals.

    Computed exactly from the two counts, so 1 of 800 is 0.13, not the
    0.12 that the float 0.125 would risk. None when `whole` is 0: a share
    of nobody is not 0%.
    """
    part, whole = operator.index(part), operator.index(whole)
    if whole < 0 or part < 0:
        raise ValueError(f"counts cannot be negative: {part} of {whole}")
    if whole == 0:
        return None
    return _round_ratio(part * 100 * 10**2, whole, 2)


def _integer_ratio(value: Number) -> tuple[int, int]:
    """The exact value of a number as numerator / denominator (> 0).

    A float is taken as its shortest repr, i.e. the decimal its writer meant:
    the binary double nearest 5.585 is 5.58499999..., which would round down.
    Callers with counts should pass ints or Fractions (see `share`).
    """
    if isinstance(value, Decimal):
        # Raises ValueError / OverflowError for NaN or infinity.
        return value.as_integer_ratio()
    if isinstance(value, numbers.Rational):  # int, Fraction, numpy's ints
        return int(value.numerator), int(value.denominator)
    if isinstance(value, numbers.Real):  # float, numpy's floats
        as_float = float(value)
        if not math.isfinite(as_float):
            raise ValueError(f"cannot round {value!r}")
        return Decimal(repr(as_float)).as_integer_ratio()
    raise TypeError(f"expected a number, not {type(value).__name__}")


def _round_ratio(scaled_numerator: int, denominator: int, places: int) -> Decimal:
    """numerator / denominator (already times 10**places) to a whole number of
    10**-places, half away from zero; integer arithmetic only, for speed."""
    magnitude, remainder = divmod(abs(scaled_numerator), denominator)
    if 2 * remainder >= denominator:
        magnitude += 1
    units = -magnitude if scaled_numerator < 0 else magnitude
    # Built from a string: exact whatever the size, untouched by the
    # decimal context's precision.
    return Decimal(f"{units}E-{places}")


# --- numbers ------------------------------------------------------------------


def format_number(n: Number, lang: Language = "vi", places: int | None = None) -> str:
    """A number with the language's grouping and decimal sign: 1.234,5 / 1,234.5.

    Without `places`, ints, Decimals and floats are shown with the digits
    they have (a float as its repr); with `places`, the number is rounded
    half up and shown with exactly that many decimals (an average score:
    `places=1`). A Fraction needs `places`.
    """
    locale = _locale(lang)
    if places is not None:
        rounded = round_half_up(n, places)
        return babel_numbers.format_decimal(rounded, format=_fixed_pattern(places), locale=locale)
    if isinstance(n, Fraction) or not isinstance(n, (Decimal, float, numbers.Integral)):
        raise TypeError(f"format_number needs places= for a {type(n).__name__}")
    if n == 0:
        n = abs(n)  # no "-0"
    return babel_numbers.format_decimal(n, locale=locale, decimal_quantization=False)


def format_percent(p: Number | None, lang: Language = "vi") -> str:
    """A percentage (0-100) with two decimals: 5,59% / 5.59%; None as an en dash."""
    if p is None:
        return EN_DASH
    rounded = round_half_up(p, 2)
    # babel expects a ratio and multiplies it by 100; both steps are exact
    # on a two-decimal Decimal, so babel's own rounding never applies.
    return babel_numbers.format_percent(
        rounded / 100, format="#,##0.00%", locale=_locale(lang)
    )


def format_change(p: Number | None, lang: Language = "vi", unit: bool = True) -> str:
    """A change in percentage points: +0,89 điểm % / −0,40 pp; None as an en dash.

    Always signed except for zero ("0,00 điểm %"), with a typographic minus.
    For figures that add up on the page, pass the difference of the two
    shares as shown (already rounded), not of the exact ones. `unit=False`
    leaves out "điểm %" / "pp", for a narrow column whose header says it
    (`change_unit` gives it).
    """
    if p is None:
        return EN_DASH
    rounded = round_half_up(p, 2)
    magnitude = babel_numbers.format_decimal(
        abs(rounded), format=_fixed_pattern(2), locale=_locale(lang)
    )
    sign = "+" if rounded > 0 else MINUS if rounded < 0 else ""
    return f"{sign}{magnitude}{NBSP}{_CHANGE_UNITS[lang]}" if unit else f"{sign}{magnitude}"


def change_unit(lang: Language = "vi") -> str:
    """The unit of a change in percentage points: "điểm %" / "pp"."""
    _locale(lang)
    return _CHANGE_UNITS[lang]


def format_money(amount: Number, lang: Language = "vi") -> str:
    """An amount in đồng, to the whole đồng: 1.170.000 đ / 1,170,000 VND.

    "đ" is how Vietnamese public documents write the currency (babel's
    CLDR symbol would be "₫"); English pages spell out the ISO code.
    """
    whole_dong = round_half_up(amount, 0)
    digits = babel_numbers.format_decimal(whole_dong, format="#,##0", locale=_locale(lang))
    return f"{digits}{NBSP}{_CURRENCY_SYMBOLS[lang]}"


def format_money_short(amount: Number, lang: Language = "vi") -> str:
    """An amount as a leader says it, in millions or billions to one decimal (rounded half up):
    758,2 triệu đ / 758.2 million VND; under a million, to the whole đồng as `format_money`."""
    exact = Fraction(*_integer_ratio(amount))
    for size, word in _LARGE_MONEY[lang]:
        if abs(exact) >= size:
            rounded = round_half_up(exact / size, 1)
            return f"{format_number(rounded, lang)}{NBSP}{word}{NBSP}{_CURRENCY_SYMBOLS[lang]}"
    return format_money(amount, lang)


def _fixed_pattern(places: int) -> str:
    return ("#,##0." + "0" * places) if places else "#,##0"


# --- months and dates -----------------------------------------------------------


@lru_cache(maxsize=1 << 12)  # a city's view asks for the same few hundred months ~150,000 times
def format_month(ym: str, lang: Language = "vi", style: MonthStyle = "short") -> str:
    """A month given as "YYYY-MM": T10/2024, Tháng 10/2024, Oct 2024, October 2024; as a chart's tick, T10/24, Oct 24."""
    locale = _locale(lang)
    pattern = _MONTH_PATTERNS.get((lang, style))
    if pattern is None:
        raise ValueError(f"unknown month style {style!r}; expected 'short', 'long' or 'tick'")
    return babel_dates.format_date(_parse_month(ym), format=pattern, locale=locale)


def format_date(d: date, lang: Language = "vi") -> str:
    """A day: 05/11/2024 in Vietnamese, 5 Nov 2024 in English."""
    locale = _locale(lang)
    return babel_dates.format_date(d, format=_DATE_PATTERNS[lang], locale=locale)


def _parse_month(ym: str) -> date:
    match = _YEAR_MONTH.fullmatch(ym.strip()) if isinstance(ym, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"expected a month as YYYY-MM, not {ym!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)


# --- languages ------------------------------------------------------------------


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    """babel's locale for one of our languages; every function checks `lang` here."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return Locale.parse(lang)
