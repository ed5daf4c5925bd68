"""Text matching rules of the export contract (section 1).

Headers, ratings, unit names and yes/no cells are compared after folding.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

# Punctuation, line breaks and every kind of space become one plain space.
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """Remove tone and vowel marks, with đ -> d; case is kept."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(value: object) -> str:
    """The folded form used for every comparison the contract makes."""
    if value is None:
        return ""
    return _fold_text(str(value))


@lru_cache(maxsize=1 << 16)
def _fold_text(value: str) -> str:
    # Headers, ratings and unit names repeat across files and months.
    text = strip_marks(nfc(value).lower())
    return _SEPARATORS.sub(" ", text).strip()


def fold_series(values: pd.Series) -> pd.Series:
    """Fold a column by folding each distinct value once (columns repeat a lot)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    folded = pd.Index([fold(u) for u in uniques], dtype=object)
    result = pd.Series(folded.take(codes, allow_fill=True, fill_value=""), index=values.index)
    return result.where(codes >= 0, "")
