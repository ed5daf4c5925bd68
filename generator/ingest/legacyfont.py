"""Vietnamese typed in a legacy font encoding (TCVN3/ABC, VNI): found per cell, and converted.

Before Unicode, Vietnamese was typed with 8-bit fonts. In a spreadsheet such
a cell holds Latin-1 look-alikes: TCVN3 (.VnTime) "Nguyễn Thị" is
"NguyÔn ThÞ", VNI (VNI-Times) writes the marks after the vowel, "Nguyeãn
Thò". One such name among thousands must be found, and real Vietnamese,
English or a foreign name (Müller, ABC®) must not be taken for one.

A cell is judged word by word: a word that is not Vietnamese as it stands
but becomes a Vietnamese syllable once converted is evidence for the
encoding; a word that is Vietnamese and would stop being one is evidence
against. A cell is legacy when some word is fixed and none broken.

The TCVN3 table is glibc iconv's TCVN5712-1 (bytes 0xA1-0xFE, which the ABC
fonts use); VNI Windows follows the VNI table of xvnkb (a base letter, then a
mark byte). No maintained Python package converts either.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.core.problems import InputRefused
from generator.core.formatting import format_number

from . import mojibake
from .sheets import RawSheet, cell_name

TCVN3, VNI = "TCVN3", "VNI"

# Byte -> letter, bytes shown as the Windows-1252 characters a spreadsheet holds.
_TCVN3_LETTERS = (
    "ĂÂÊÔƠƯĐăâêôơưđẰ\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴẮẦẨẪẤỀặầẩẫấậèỂẻẽéẹềểễếệìỉỄẾỒĩíịò"
    "ỔỏõóọồổỗốộờởỡớợùỖủũúụừửữứựỳỷỹýỵ"
)
_TCVN3_TABLE = {chr(0xA1 + offset): letter for offset, letter in enumerate(_TCVN3_LETTERS)}

# VNI: single bytes that are whole letters, and mark bytes that follow a vowel.
_VNI_LETTERS = {"ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư", "ñ": "đ", "Ñ": "Đ", "ò": "ị", "Ò": "Ị",
                "ó": "ĩ", "Ó": "Ĩ", "æ": "ỉ", "Æ": "Ỉ", "î": "ỵ", "Î": "Ỵ"}
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
_VNI_TONES = {"ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "à": _GRAVE, "á": _ACUTE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "è": _GRAVE, "é": _ACUTE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}


def _vni_marks(base: str) -> dict[str, str]:
    """The mark bytes that may follow `base`, and the combining marks each adds."""
    lower = base.lower()
    marks = {mark: tone for mark, tone in _VNI_TONES.items()}
    if lower in "aeo":
        marks.update({mark: _CIRCUMFLEX + tone for mark, tone in _VNI_CIRCUMFLEX.items()})
    if lower == "a":
        marks.update({mark: _BREVE + tone for mark, tone in _VNI_BREVE.items()})
    if base.isupper():
        marks = {mark.upper(): combining for mark, combining in marks.items()}
    return marks


_VNI_BASES = "aeiouyAEIOUY" + "ôÔöÖ"


def convert(text: str, encoding: str) -> str:
    """`text` read as typed in `encoding`, in Unicode (NFC)."""
    converted = _from_tcvn3(text) if encoding == TCVN3 else _from_vni(text)
    return unicodedata.normalize("NFC", converted)


def _from_tcvn3(text: str) -> str:
    words = []
    for word in re.split(r"(\s+)", text):
        converted = "".join(_TCVN3_TABLE.get(char, char) for char in word)
        # Capitals were typed with the lower-case codes and a capitals font (.VnTimeH).
        letters = [c for c in word if c.isascii() and c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters) and converted != word:
            converted = converted.upper()
        words.append(converted)
    return "".join(words)


def _from_vni(text: str) -> str:
    out = []
    position = 0
    while position < len(text):
        char = text[position]
        base = _VNI_LETTERS.get(char, char) if char in "ôÔöÖ" else char
        following = text[position + 1] if position + 1 < len(text) else ""
        if char in _VNI_BASES and following in _vni_marks(char if char.isascii() else base):
            marks = _vni_marks(char if char.isascii() else base)[following]
            out.append(base + marks)
            position += 2
            continue
        out.append(_VNI_LETTERS.get(char, char))
        position += 1
    return "".join(out)


# --- is a word Vietnamese? -----------------------------------------------------------

_TONES = {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT}
_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
# Vowel groups that end in a glide (or are whole) take no final consonant: "tai", never "taim".
_CLOSED_NUCLEI = ("uôi|ươi|ươu|iêu|yêu|oai|oay|oao|oeo|uây|uyu|uya|"
                  "ai|ao|au|ay|âu|ây|eo|êu|iu|oi|ôi|ơi|ui|ưi|ưu|ia|ua|ưa")
_OPEN_NUCLEI = "uyê|iê|yê|oa|oă|oe|oo|uâ|uê|uô|uơ|ươ|uy|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y"
_SYLLABLE = re.compile(f"(?:{_INITIALS})?(?:(?:{_CLOSED_NUCLEI})|(?:{_OPEN_NUCLEI})(?:ch|ng|nh|c|m|n|p|t)?)")
_WORD_EDGES = "\"'()[]{}.,;:!?-–/\\*"
_VOWELS = "aăâeêioôơuưy"
_LETTERS = frozenset("bcdđghklmnpqrstvx" + "".join(
    unicodedata.normalize("NFC", vowel + tone) for vowel in _VOWELS for tone in ("", *sorted(_TONES))))


@lru_cache(maxsize=1 << 14)
def is_vietnamese_word(word: str) -> bool:
    """A Vietnamese syllable in one case style (nguyễn, Nguyễn, NGUYỄN), at most one tone."""
    if not word or not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False
    if not set(word.lower()) <= _LETTERS:
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def _words(text: str) -> list[str]:
    return [w.strip(_WORD_EDGES) for w in text.split() if w.strip(_WORD_EDGES)]


# Beyond Latin-1, a cell holds real Unicode (ă, ơ, ư, đ, ạ ... ) and was never legacy;
# Windows-1252's few extra characters (’, “, –, €) are allowed.
BEYOND_LATIN1_PATTERN = "[^\\x{00}-\\x{ff}’‘“”–—…€•]"  # the same two, in RE2 syntax for pyarrow
CANDIDATE_PATTERN = "[\\x{a1}-\\x{ff}]"
_BEYOND_LATIN1 = re.compile("[^\x00-\xff’‘“”–—…€•]")
_CANDIDATE = re.compile("[\xa1-\xff]")


@lru_cache(maxsize=1 << 16)
def legacy_encoding(cell: str) -> str | None:
    """TCVN3 or VNI if the cell reads as typed in it, else None.

    UTF-8 read as Windows-1252 ("NguyÃªn") is made of the same Latin-1
    look-alikes, and some of it converts into Vietnamese-looking syllables;
    it is never a legacy font (mojibake.py says what it is).
    """
    if not _CANDIDATE.search(cell) or _BEYOND_LATIN1.search(cell) or mojibake.is_mojibake(cell):
        return None
    best, best_fixed = None, 0
    for encoding in (TCVN3, VNI):
        fixed = 0
        for word in _words(cell):
            verdict = _word_verdict(word, encoding)
            if verdict < 0:
                fixed = -1
                break
            fixed += verdict
        if fixed > best_fixed:
            best, best_fixed = encoding, fixed
    return best


@lru_cache(maxsize=1 << 16)
def _word_verdict(word: str, encoding: str) -> int:
    """1 if `word` becomes Vietnamese in `encoding` (evidence for it), -1 if it stops being Vietnamese, else 0."""
    if word.isascii():
        return 0
    converted = convert(word, encoding)
    if converted == word:
        return 0
    before = is_vietnamese_word(word)
    after = is_vietnamese_word(converted) or is_vietnamese_word(converted.lower())
    if before and not after:
        return -1
    return 1 if after and not before and len(converted) > 1 else 0  # "©" alone is no evidence of "â"


def legacy_font_encoding(text: str) -> str | None:
    """The encoding most cells (lines, or ';' / ',' / tab separated parts) of `text` are in, if any."""
    tally = {TCVN3: 0, VNI: 0}
    for cell in re.split(r"[\n;,\t]", text):
        encoding = legacy_encoding(cell.strip())
        if encoding:
            tally[encoding] += 1
    if not any(tally.values()):
        return None
    return TCVN3 if tally[TCVN3] >= tally[VNI] else VNI


def vietnamese_words(text: str) -> int:
    """How many words of `text` with a mark are Vietnamese syllables."""
    return sum(1 for word in _words(text) if not word.isascii() and is_vietnamese_word(word))


def reads_better_as_legacy(latin: str, decoded: str) -> bool:
    """True if bytes shown as Latin-1 (`latin`) make more Vietnamese in a legacy encoding
    than decoded in Windows-1258 (`decoded`)."""
    encoding = legacy_font_encoding(latin)
    if encoding is None:
        return False
    return vietnamese_words(convert(latin, encoding)) > vietnamese_words(decoded)


DESCRIBED = {
    TCVN3: "bảng mã TCVN3 (ABC), phông chữ như .VnTime",
    VNI: "bảng mã VNI Windows, phông chữ như VNI-Times",
}


_LEGACY_EXAMPLES = 3


def refuse_legacy_cells(sheets: list[RawSheet], path: Path) -> None:
    found: list[tuple[RawSheet, int, int, str, str]] = []  # sheet, row, column, value, encoding
    count = 0
    for sheet in sheets:
        for column in sheet.cells.columns:
            values = sheet.cells[column]
            suspects = values[_only_latin1_with_marks(values)]
            legacy = {v: e for v in pd.unique(suspects.to_numpy()) if (e := legacy_encoding(v))}
            if not legacy:
                continue
            hits = values[values.isin(list(legacy))]
            count += len(hits)
            for row, value in hits.items():
                if len(found) < _LEGACY_EXAMPLES:
                    found.append((sheet, int(row), int(column), value, legacy[value]))
    if not count:
        return
    encodings = sorted({encoding for *_, encoding in found})
    described = " và ".join(DESCRIBED[e] for e in encodings)
    examples = "; ".join(
        f"{cell_name(sheet, row, column)}: “{value}” (đúng ra là “{convert(value, encoding)}”)"
        for sheet, row, column, value, encoding in found
    )
    raise InputRefused(
        "legacy-font-encoding",
        f"{format_number(count)} ô chữ được gõ bằng {described}, không phải Unicode; ví dụ {examples}. "
        f"Hãy chạy: python -m generator convert-font \"{path}\" — lệnh ghi một bản Unicode của tệp "
        "(chỉ đổi các ô gõ bằng bảng mã cũ), rồi thay tệp cũ bằng bản đó.",
        details=f"{format_number(count)} × {'/'.join(encodings)}; "
        + "; ".join(f"{cell_name(sheet, row, column).replace('trang tính ', '').replace('ô ', '')}: “{value}” → "
                    f"“{convert(value, encoding)}”" for sheet, row, column, value, encoding in found)
        + f"; python -m generator convert-font \"{path}\"",
    )


def _only_latin1_with_marks(values: pd.Series) -> np.ndarray:
    """Cells that could be legacy text, found without a Python call per cell: some character
    from ¡ to ÿ, and nothing beyond Windows-1252 (real Vietnamese nearly always has ă, ơ, ư, đ, ạ ...)."""
    text = pa.array(values)
    marked = pc.match_substring_regex(text, CANDIDATE_PATTERN)
    beyond = pc.match_substring_regex(text, BEYOND_LATIN1_PATTERN)
    return pc.and_(marked, pc.invert(beyond)).to_numpy(zero_copy_only=False)
