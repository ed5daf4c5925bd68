"""Cell values to typed values: ids, names, yes/no, scores, amounts.

Each parser works on a whole column and returns the values plus a mask of
cells it could not read; parsing runs once per distinct cell text, because
export columns repeat the same few values thousands of times.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pandas as pd

from generator.core.text import fold

_WHOLE_NUMBER_ID = re.compile(r"^(\d+)\.0+$")
_YES = {"x", "co", "1", "true", "yes"}
_NO = {"", "0", "khong", "false", "no"}
_CURRENCY = re.compile(r"\s*(?:vnđ|vnd|đồng|dong|đ|d)\.?\s*$", re.IGNORECASE)
_MAX_AMOUNT = 10**12
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")


def per_distinct(values: pd.Series, parse: Callable[[str], object], dtype: str) -> pd.Series:
    codes, uniques = pd.factorize(values)
    parsed = pd.array([parse(u) for u in uniques], dtype=dtype)
    return pd.Series(parsed.take(codes, allow_fill=True), index=values.index, dtype=dtype)


# Printable ASCII words with single spaces: text `clean_cell` would return unchanged.
_CLEAN_ASCII = r"[!-~]+(?: [!-~]+)*"


def clean_text(values: pd.Series) -> pd.Series:
    """NFC, one space between words, no spaces at the ends, nothing invisible.

    Most ids and codes are plain ASCII already: one vectorised match finds
    them, and only the rest go through `clean_cell` (at city scale this saves
    a Python call per distinct id, ~3 s).
    """
    values = values.astype("string")
    plain = values.str.fullmatch(_CLEAN_ASCII).fillna(True).astype(bool)
    if plain.all():
        return values
    if plain.mean() < 0.5:  # names: mostly Vietnamese letters, cheaper to clean every distinct value
        return per_distinct(values, clean_cell, "string")
    return values.mask(~plain, per_distinct(values[~plain], clean_cell, "string"))


def clean_cell(value: str) -> str:
    """One cell's text as it is compared and published.

    Control and format characters (bell, escape, zero-width spaces, the
    right-to-left marks and overrides that can turn a page's text around,
    byte-order marks) are dropped: no Vietnamese text needs them, and in a
    feed they would make the XML invalid. Other spaces (tab, no-break
    space, line breaks) become one plain space.
    """
    if not value.isprintable():
        value = "".join(ch if ch.isprintable() else " " if ch.isspace() else "" for ch in value)
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return " ".join(value.split())


def person_ids(values: pd.Series) -> pd.Series:
    """person_id is text; an id a spreadsheet turned into 1234.0 reads as "1234".

    Invisible characters are dropped on both sides (exports and withheld.csv),
    so that an id copied with a zero-width space still matches.
    """
    stripped = clean_text(values)
    # A regex over every id is slow at city scale; only ids ending in ".0" need one.
    float_like = stripped.str.endswith(".0").fillna(False)
    if float_like.any():
        stripped = stripped.mask(float_like, stripped[float_like].str.replace(_WHOLE_NUMBER_ID, r"\1", regex=True))
    return stripped


def yes_no(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    def parse(value: str) -> bool | None:
        folded = fold(value)
        if folded in _YES:
            return True
        if folded in _NO:
            return False
        return None

    parsed = per_distinct(values, parse, "boolean")
    return parsed.fillna(False), parsed.isna()


def _score(value: str) -> float | None:
    if not value.strip():
        return None
    try:
        score = float(value.strip().replace(",", "."))
    except ValueError:
        return float("nan")
    return score if 0 <= score <= 100 else float("nan")


def scores(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """100-point scores; "92,5" and "92.5" alike. Unreadable or outside 0-100 is invalid."""
    parsed = per_distinct(values, _score, "Float64")
    invalid = parsed.isna() & values.str.strip().ne("")
    # NaN marks invalid; <NA> marks blank. Keep only real scores.
    return parsed.where(~invalid), invalid


def _amount(value: str) -> int | None:
    text = _CURRENCY.sub("", value.strip())
    text = text.replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if text.isascii() and text.isdigit():
        amount = int(text)
    elif _GROUPED.match(text):
        amount = int(re.sub(r"[.,]", "", text))
    else:
        return -1
    # More than a trillion đồng is no reward (and would not fit the column).
    return amount if amount <= _MAX_AMOUNT else -1


def amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Reward amounts in đồng: 500000, "500.000", "500.000đ", "500.000 VNĐ"; blank is none."""
    parsed = per_distinct(values, _amount, "Int64")
    invalid = parsed.eq(-1).fillna(False)
    return parsed.where(~invalid), invalid
