"""Number, percent, money, month and date formatting (contract sections 8 and 11)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from generator.core.formatting import (
    change_unit,
    format_change,
    format_date,
    format_money,
    format_money_short,
    format_month,
    format_number,
    format_percent,
    round_half_up,
    share,
)

NBSP = "\u00a0"
MINUS = "\u2212"
EN_DASH = "\u2013"


# --- round_half_up ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("5.585"), 2, "5.59"),
        (5.585, 2, "5.59"),  # the double is 5.58499999...; its repr is what was meant
        (Fraction(5585, 1000), 2, "5.59"),
        (0.125, 2, "0.13"),
        (2.675, 2, "2.68"),
        (Decimal("5.584999"), 2, "5.58"),
        (Decimal("-0.125"), 2, "-0.13"),  # ties away from zero, like the magnitude
        (Decimal("-0.004"), 2, "0.00"),  # never -0.00
        (12, 2, "12.00"),
        (0, 2, "0.00"),
        (Fraction(2, 3) * 100, 2, "66.67"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("1170000.5"), 0, "1170001"),
        (Decimal("123456789012345678901234567890.125"), 2, "123456789012345678901234567890.13"),
    ],
)
def test_round_half_up(value, places: int, expected: str) -> None:
    result = round_half_up(value, places)
    assert isinstance(result, Decimal)
    assert str(result) == expected


def test_round_half_up_agrees_with_decimal_half_up_on_every_thousandth() -> None:
    quantum = Decimal("0.01")
    for thousandths in range(-20_000, 20_001):
        exact = Decimal(thousandths) / 1000
        expected = exact.quantize(quantum, rounding=ROUND_HALF_UP)
        assert round_half_up(exact, 2) == expected
        assert round_half_up(Fraction(thousandths, 1000), 2) == expected
        assert round_half_up(thousandths / 1000, 2) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN")])
def test_round_half_up_refuses_what_is_not_a_number(bad) -> None:
    with pytest.raises((ValueError, OverflowError)):
        round_half_up(bad, 2)


def test_round_half_up_refuses_other_types_and_negative_places() -> None:
    with pytest.raises(TypeError):
        round_half_up("5.585", 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        round_half_up(5, -1)


def test_round_half_up_takes_numpy_numbers() -> None:
    numpy = pytest.importorskip("numpy")
    assert str(round_half_up(numpy.int64(7), 2)) == "7.00"
    assert str(round_half_up(numpy.float64(5.585), 2)) == "5.59"


# --- share ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (2, 3, "66.67"),
        (1, 3, "33.33"),
        (1, 800, "0.13"),  # 0.125 exactly: rounds up
        (1117, 20000, "5.59"),  # 5.585 exactly
        (0, 5, "0.00"),
        (5, 5, "100.00"),
    ],
)
def test_share(part: int, whole: int, expected: str) -> None:
    assert str(share(part, whole)) == expected


def test_share_of_nobody_is_none() -> None:
    assert share(0, 0) is None


def test_share_takes_only_counts() -> None:
    with pytest.raises(TypeError):
        share(1.5, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        share(-1, 3)


def test_share_takes_numpy_counts() -> None:
    numpy = pytest.importorskip("numpy")
    assert str(share(numpy.int64(2), numpy.int64(3))) == "66.67"


# --- format_number ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "vi", "en"),
    [
        (1234, "1.234", "1,234"),
        (1234.5, "1.234,5", "1,234.5"),
        (177379, "177.379", "177,379"),
        (1234567890, "1.234.567.890", "1,234,567,890"),
        (999, "999", "999"),
        (0, "0", "0"),
        (-0.0, "0", "0"),
        (-1234, "-1.234", "-1,234"),
        (Decimal("90.73"), "90,73", "90.73"),
    ],
)
def test_format_number(n, vi: str, en: str) -> None:
    assert format_number(n) == vi
    assert format_number(n, "vi") == vi
    assert format_number(n, "en") == en


@pytest.mark.parametrize(
    ("n", "places", "vi", "en"),
    [
        (Decimal("87.25"), 1, "87,3", "87.3"),
        (87.25, 1, "87,3", "87.3"),
        (Fraction(2, 3), 2, "0,67", "0.67"),
        (92, 1, "92,0", "92.0"),
        (1234.5, 0, "1.235", "1,235"),
    ],
)
def test_format_number_with_fixed_places(n, places: int, vi: str, en: str) -> None:
    assert format_number(n, "vi", places=places) == vi
    assert format_number(n, "en", places=places) == en


def test_format_number_needs_places_for_a_fraction() -> None:
    with pytest.raises(TypeError):
        format_number(Fraction(2, 3))


# --- format_percent ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "vi", "en"),
    [
        (Decimal("5.59"), "5,59%", "5.59%"),
        (Decimal("5.585"), "5,59%", "5.59%"),
        (Decimal("0.125"), "0,13%", "0.13%"),
        (Decimal("12"), "12,00%", "12.00%"),
        (Decimal("100"), "100,00%", "100.00%"),
        (Decimal("0"), "0,00%", "0.00%"),
        (Decimal("99.32"), "99,32%", "99.32%"),
        (share(2, 3), "66,67%", "66.67%"),
        (share(1, 800), "0,13%", "0.13%"),
        (None, EN_DASH, EN_DASH),
        (share(0, 0), EN_DASH, EN_DASH),
    ],
)
def test_format_percent(p, vi: str, en: str) -> None:
    assert format_percent(p) == vi
    assert format_percent(p, "en") == en


def test_long_bien_2017_shares_add_up_as_published() -> None:
    published = ["5,59%", "90,73%", "3,49%", "0,19%"]
    assert [format_percent(Decimal(p.replace(",", ".").rstrip("%"))) for p in published] == published


# --- format_change ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "vi", "en"),
    [
        (Decimal("0.89"), f"+0,89{NBSP}điểm{NBSP}%", f"+0.89{NBSP}pp"),
        (Decimal("-0.4"), f"{MINUS}0,40{NBSP}điểm{NBSP}%", f"{MINUS}0.40{NBSP}pp"),
        (Decimal("0"), f"0,00{NBSP}điểm{NBSP}%", f"0.00{NBSP}pp"),
        (Decimal("-0.004"), f"0,00{NBSP}điểm{NBSP}%", f"0.00{NBSP}pp"),  # rounds to zero: no sign
        (Decimal("-0.125"), f"{MINUS}0,13{NBSP}điểm{NBSP}%", f"{MINUS}0.13{NBSP}pp"),
        (Decimal("12.5"), f"+12,50{NBSP}điểm{NBSP}%", f"+12.50{NBSP}pp"),
        (Decimal("-1234.5"), f"{MINUS}1.234,50{NBSP}điểm{NBSP}%", f"{MINUS}1,234.50{NBSP}pp"),
        (None, EN_DASH, EN_DASH),
    ],
)
def test_format_change(p, vi: str, en: str) -> None:
    assert format_change(p, "vi") == vi
    assert format_change(p, "en") == en


def test_format_change_without_its_unit_for_a_column_that_says_it() -> None:
    assert format_change(Decimal("-9.09"), "vi", unit=False) == f"{MINUS}9,09"
    assert format_change(Decimal("6.25"), "en", unit=False) == "+6.25"
    assert format_change(None, "vi", unit=False) == EN_DASH
    assert (change_unit("vi"), change_unit("en")) == (f"điểm{NBSP}%", "pp")


# --- format_money -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [
        (1_170_000, f"1.170.000{NBSP}đ", f"1,170,000{NBSP}VND"),
        (2_340_000, f"2.340.000{NBSP}đ", f"2,340,000{NBSP}VND"),
        (0, f"0{NBSP}đ", f"0{NBSP}VND"),
        (500, f"500{NBSP}đ", f"500{NBSP}VND"),
        (Decimal("1170000.5"), f"1.170.001{NBSP}đ", f"1,170,001{NBSP}VND"),
        (1_234_567_890_000, f"1.234.567.890.000{NBSP}đ", f"1,234,567,890,000{NBSP}VND"),
    ],
)
def test_format_money(amount, vi: str, en: str) -> None:
    assert format_money(amount) == vi
    assert format_money(amount, "en") == en


# --- format_month and format_date ---------------------------------------------------


@pytest.mark.parametrize(
    ("ym", "lang", "style", "expected"),
    [
        ("2024-10", "vi", "short", "T10/2024"),
        ("2024-10", "vi", "long", "Tháng 10/2024"),
        ("2024-10", "en", "short", "Oct 2024"),
        ("2024-10", "en", "long", "October 2024"),
        ("2024-05", "vi", "short", "T5/2024"),
        ("2024-05", "vi", "long", "Tháng 5/2024"),
        ("2024-05", "en", "short", "May 2024"),
        ("2026-01", "en", "long", "January 2026"),
        ("2024-01", "vi", "tick", "T1/24"),  # a chart's month labels, six side by side on a phone
        ("2024-10", "en", "tick", "Oct 24"),
    ],
)
def test_format_month(ym: str, lang: str, style: str, expected: str) -> None:
    assert format_month(ym, lang, style) == expected


def test_format_month_defaults_to_vietnamese_short() -> None:
    assert format_month("2024-10") == "T10/2024"


@pytest.mark.parametrize("bad", ["2024-13", "2024-00", "2024-1", "10/2024", "2024-10-01", ""])
def test_format_month_refuses_what_is_not_a_month(bad: str) -> None:
    with pytest.raises(ValueError):
        format_month(bad)


@pytest.mark.parametrize(
    ("d", "vi", "en"),
    [
        (date(2024, 11, 5), "05/11/2024", "5 Nov 2024"),
        (date(2025, 7, 1), "01/07/2025", "1 Jul 2025"),
        (date(2024, 12, 31), "31/12/2024", "31 Dec 2024"),
        (datetime(2024, 11, 5, 23, 59), "05/11/2024", "5 Nov 2024"),
    ],
)
def test_format_date(d: date, vi: str, en: str) -> None:
    assert format_date(d) == vi
    assert format_date(d, "vi") == vi
    assert format_date(d, "en") == en


# --- languages and styles ---------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: format_number(1, "fr"),
        lambda: format_percent(Decimal(1), "fr"),
        lambda: format_change(Decimal(1), "fr"),
        lambda: format_money(1, "fr"),
        lambda: format_month("2024-10", "fr"),
        lambda: format_month("2024-10", "vi", "medium"),
        lambda: format_date(date(2024, 1, 1), "fr"),
    ],
)
def test_unknown_language_or_style_is_an_error(call) -> None:
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [
        (758_160_000, f"758,2{NBSP}triệu{NBSP}đ", f"758.2{NBSP}million{NBSP}VND"),
        (758_150_000, f"758,2{NBSP}triệu{NBSP}đ", f"758.2{NBSP}million{NBSP}VND"),  # half up
        (12_345_678_901, f"12,3{NBSP}tỷ{NBSP}đ", f"12.3{NBSP}billion{NBSP}VND"),
        (1_000_000, f"1{NBSP}triệu{NBSP}đ", f"1{NBSP}million{NBSP}VND"),
        (999_999, f"999.999{NBSP}đ", f"999,999{NBSP}VND"),
    ],
)
def test_format_money_short_in_millions_and_billions(amount, vi: str, en: str) -> None:
    assert format_money_short(amount) == vi
    assert format_money_short(amount, "en") == en
