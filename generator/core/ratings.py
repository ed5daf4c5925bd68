"""The rating scale (contract section 2): codes, accepted spellings, score bands."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .text import fold, fold_series

# Highest first: the order of the scale, used for nâng mức / hạ mức.
RATING_CODES: tuple[str, ...] = ("XS", "T", "HT", "K")
RATING_RANK = {code: rank for rank, code in enumerate(reversed(RATING_CODES), start=1)}

NOT_EVALUATED = "not-evaluated"
_DASHES = ("-", "–", "—")
_NOT_EVALUATED_HINTS = ("chua", "danh gia", "xep loai", "nghi", "vang")


@dataclass(frozen=True)
class Rating:
    code: str
    label: str
    also: tuple[str, ...]
    min_score: float  # lowest 100-point score that earns this rating


@dataclass(frozen=True)
class RatingScale:
    ratings: tuple[Rating, ...] = (
        Rating("XS", "Hoàn thành xuất sắc nhiệm vụ", ("HTXSNV", "HTXS", "XS", "Xuất sắc", "A"), 90),
        Rating("T", "Hoàn thành tốt nhiệm vụ", ("HTTNV", "HTT", "T", "Tốt", "B"), 70),
        Rating("HT", "Hoàn thành nhiệm vụ", ("HTNV", "HT", "Hoàn thành", "C"), 50),
        Rating("K", "Không hoàn thành nhiệm vụ", ("KHTNV", "KHT", "K", "Không hoàn thành", "D"), float("-inf")),
    )
    not_evaluated: tuple[str, ...] = ("-", "Không đánh giá", "Chưa đánh giá", "Không xếp loại")
    _lookup: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for rating in self.ratings:
            for spelling in (rating.label, rating.code, *rating.also):
                lookup[fold(spelling)] = rating.code
        for spelling in self.not_evaluated:
            if fold(spelling):  # "-" folds to nothing; `parse` handles it
                lookup[fold(spelling)] = NOT_EVALUATED
        object.__setattr__(self, "_lookup", lookup)

    def label(self, code: str) -> str:
        return next(r.label for r in self.ratings if r.code == code)

    def parse(self, values: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Codes for a column of cells, and a mask of cells that are not a rating.

        Not-evaluated cells give <NA>; invalid cells give <NA> and True in the mask.
        """
        folded = fold_series(values)
        mapped = folded.map(self._lookup)
        # Blank and "-" fold to nothing; other punctuation ("??") folds to
        # nothing too but is not a way of writing "not evaluated".
        stripped = values.fillna("").str.strip()
        mapped = mapped.mask(stripped.eq("") | stripped.isin(_DASHES), NOT_EVALUATED)
        invalid = mapped.isna()
        codes = mapped.where(mapped != NOT_EVALUATED)
        return codes.astype("string"), invalid

    def suggest(self, value: str) -> str | None:
        """The nearest spelling to a cell that is not a rating, if any is close.

        A value that reads like "not evaluated" is pointed to that spelling,
        never to a rating: guessing a rating for it would invent one.
        """
        folded = fold(value)
        if any(word in folded for word in _NOT_EVALUATED_HINTS):
            return self.not_evaluated[1]
        candidates = dict(self._suggestion_spellings())
        match = difflib.get_close_matches(folded, list(candidates), n=1, cutoff=0.6)
        return candidates[match[0]] if match else None

    def _suggestion_spellings(self):
        for rating in self.ratings:
            yield fold(rating.label), rating.label
            # "Hoàn thành tốt" is how people shorten the label; comparing
            # against it keeps a typo there from matching a shorter alias.
            yield fold(rating.label).removesuffix(" nhiem vu"), rating.label
            for spelling in rating.also:
                if len(spelling) > 2:
                    yield fold(spelling), rating.label
        for spelling in self.not_evaluated[1:]:
            yield fold(spelling), spelling

    def from_score(self, scores: pd.Series) -> pd.Series:
        """The rating a 100-point score earns (90-100 XS, 70-<90 T, 50-<70 HT, <50 K)."""
        conditions = [(scores >= r.min_score).fillna(False).to_numpy(bool) for r in self.ratings]
        picked = np.select(conditions, [r.code for r in self.ratings], default="")
        result = pd.Series(picked, index=scores.index, dtype="string")
        return result.where(scores.notna() & (result != ""))


def rank(codes: pd.Series) -> pd.Series:
    """Numeric rank of codes (K=1 ... XS=4), <NA> where there is no rating."""
    return codes.map(RATING_RANK).astype("Int8")
