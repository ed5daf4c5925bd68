"""Vietnamese alphabetical order for people's names and other text.

Contract section 10: the honour list is ordered by given name (the last
word), then the middle names, then the family name. Each word compares by
its letters in Vietnamese order

    a ă â b c d đ e ê (f) g h i (j) k l m n o ô ơ p q r s t u ư v (w) x y (z)

ignoring tone marks, and then by its tone marks
(none, huyền, hỏi, ngã, sắc, nặng). f, j, w and z only occur in foreign
names; they sit after their Latin neighbours.

How the keys work: the text is decomposed (NFD), so every Vietnamese letter
becomes a base letter followed by at most one vowel mark (breve, circumflex,
horn) and at most one tone mark, in whatever order the writer typed them.
Two `str.translate` tables then split each word into

* a *letter key*: base letters mapped to code points in Vietnamese order,
  vowel marks mapped to code points above every letter (so "ă" = a + breve
  sorts after "a" followed by anything, and before "b"), tone marks dropped;
* a *tone key*: only the tone marks, as the digits 1-5 in tone order; a word
  without a tone gets "" and sorts first.

Because the tone key ignores where the tone mark sits, old and new tone
placement (hoà / hòa, thuý / thúy, khoẻ / khỏe) give equal keys. Case,
NFC/NFD form and extra spaces make no difference either.

Characters the tables were not built for (foreign letters, other scripts,
punctuation) are classified the first time they are met and remembered,
so sorting stays two C-level translations per word.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from typing import Callable

# (letters, tones) of one word; see the module docstring.
WordKey = tuple[str, str]

__all__ = ["WordKey", "vietnamese_name_key", "vietnamese_text_key"]

# Base letters in Vietnamese order, with the foreign f, j, w, z after their
# Latin neighbours. "đ" is a letter of its own (it has no decomposition);
# "ð" / "Ð" (eth) are the look-alikes that legacy-encoding converters and
# some keyboards produce for "đ" / "Đ".
_BASE_LETTERS = "abcdđefghijklmnopqrstuvwxyz"
_LOOKALIKES = {"ð": "đ"}

# Vowel marks in the order of the letters they make:
# a < ă (breve) < â (circumflex), o < ô (circumflex) < ơ (horn).
_VOWEL_MARKS = "\u0306\u0302\u031b"

# Tone marks in tone order: huyền, hỏi, ngã, sắc, nặng.
_TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"

# Letters map to code points from "a" upwards; all of ASCII's letters are in
# the alphabet, so no unmapped letter can land inside this range. Vowel marks
# map to the very top of Unicode so that they outrank any letter.
_FIRST_LETTER_CODE = ord("a")
_FIRST_VOWEL_MARK_CODE = sys.maxunicode - len(_VOWEL_MARKS) + 1

_LETTER_CODES = {
    letter: chr(_FIRST_LETTER_CODE + rank) for rank, letter in enumerate(_BASE_LETTERS)
}
_LETTER_CODES.update(
    {lookalike: _LETTER_CODES[letter] for lookalike, letter in _LOOKALIKES.items()}
)
_VOWEL_MARK_CODES = {
    mark: chr(_FIRST_VOWEL_MARK_CODE + rank) for rank, mark in enumerate(_VOWEL_MARKS)
}
_TONE_CODES = {mark: str(rank) for rank, mark in enumerate(_TONE_MARKS, start=1)}

# Numbers in unit names ("Tổ dân phố số 2" before "số 10") compare by value:
# every run of digits is left-padded to this width before translation.
_NUMBER_WIDTH = 20
_DIGIT_RUN = re.compile(r"\d+")


def _letter_code(char: str) -> str | None:
    """What one character contributes to a letter key (None: nothing)."""
    lower = char.lower()
    if len(lower) == 1 and lower in _LETTER_CODES:
        return _LETTER_CODES[lower]
    if char in _VOWEL_MARK_CODES:
        return _VOWEL_MARK_CODES[char]
    category = unicodedata.category(char)
    if category == "Nd":
        # Digits sort before letters; any script's digits count as ASCII ones.
        return str(unicodedata.decimal(char))
    if category.startswith("L"):
        # A letter from outside the alphabet (ß, ł, other scripts) keeps its
        # own code point, which is above every Vietnamese letter's code.
        return lower if len(lower) == 1 else char
    # Tone marks, other accents (the diaeresis of ö), punctuation, symbols
    # and invisible characters do not take part in the letter order.
    return None


def _tone_code(char: str) -> str | None:
    return _TONE_CODES.get(char)


class _TranslationTable(dict):
    """A `str.translate` table that classifies an unseen character once.

    str.translate looks characters up with `__getitem__`, so a miss calls
    `__missing__`, which stores its answer: each distinct character costs one
    Python call for the life of the process, and every later lookup is C.
    """

    def __init__(self, classify: Callable[[str], str | None], prefill: str) -> None:
        super().__init__()
        self._classify = classify
        for char in prefill:
            self[ord(char)] = classify(char)

    def __missing__(self, codepoint: int) -> str | None:
        code = self._classify(chr(codepoint))
        self[codepoint] = code
        return code


# Prefilled with ASCII, Latin-1 and the combining marks, which cover almost
# every name in the data; the rest are learnt on first sight.
_PREFILL = "".join(chr(cp) for cp in range(0x250)) + "".join(chr(cp) for cp in range(0x300, 0x370))
_LETTERS = _TranslationTable(_letter_code, _PREFILL)
_TONES = _TranslationTable(_tone_code, _PREFILL)

_NO_WORD: WordKey = ("", "")


def _word_keys(text: str) -> list[WordKey]:
    """Keys of the words of `text`, skipping words with nothing to sort by."""
    decomposed = unicodedata.normalize("NFD", text)
    return [key for key in map(_word_key, decomposed.split()) if key != _NO_WORD]


# Names are made of a few thousand distinct words (Nguyễn, Thị, Anh ...):
# remembering their keys makes a city's month of names several times faster.
@lru_cache(maxsize=1 << 16)
def _word_key(decomposed_word: str) -> WordKey:
    return (decomposed_word.translate(_LETTERS), decomposed_word.translate(_TONES))


@lru_cache(maxsize=1 << 18)  # honour lists name the same people month after month
def vietnamese_name_key(full_name: str) -> tuple[WordKey, tuple[WordKey, ...], WordKey]:
    """Sort key for a person's full name: (given name, middle names, family name).

    The given name is the last word and the family name the first; a
    one-word name has only a given name, and sorts before longer names
    sharing it. Use with `sorted(names, key=vietnamese_name_key)`; names
    with equal keys (differing only in case, spacing, Unicode form or tone
    placement) keep their input order, as `sorted` is stable.
    """
    words = _word_keys(full_name)
    if not words:
        return (_NO_WORD, (), _NO_WORD)
    if len(words) == 1:
        return (words[0], (), _NO_WORD)
    return (words[-1], tuple(words[1:-1]), words[0])


def vietnamese_text_key(text: str) -> tuple[WordKey, ...]:
    """Sort key for any text (unit names, blocks ...), word by word in reading order.

    Same letter and tone rules as names; punctuation is ignored and runs of
    digits compare by their value, so "Trường số 2" sorts before "Trường số 10".
    """
    return tuple(_word_keys(_DIGIT_RUN.sub(_pad_number, text)))


def _pad_number(match: re.Match[str]) -> str:
    return match.group().zfill(_NUMBER_WIDTH)
