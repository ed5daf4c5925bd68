"""Text that was UTF-8, opened as Windows-1252 ("ANSI") and saved again: "NguyÃªn" for "Nguyên".

Excel opens a CSV without a byte-order mark in the computer's ANSI code
page; on a Western Windows every Vietnamese letter then shows as two or three
Latin-1 look-alikes ("Ã´", "á»…"), and saving the file as .xlsx or as CSV
UTF-8 keeps them. The damage is undone by encoding the text back and decoding
it as UTF-8; ftfy decides whether a cell is such text and undoes it, and it
leaves real Vietnamese, legacy-font text (TCVN3, VNI) and foreign names alone.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import ftfy
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.core.problems import InputRefused

from .sheets import RawSheet, cell_name

# Every UTF-8 sequence read as Windows-1252 (or Latin-1) starts with a letter from Â to ï
# followed by one of the 64 characters a continuation byte becomes; the two, in RE2 syntax for pyarrow.
_CONTINUATION = "\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
CANDIDATE_PATTERN = "[\\x{c2}-\\x{ef}][\\x{80}-\\x{bf}€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]"
_CANDIDATE = re.compile(f"[\xc2-\xef][{_CONTINUATION}]")
# Undoing it: the text back to the bytes Windows-1252 read (ftfy's "sloppy" codec keeps the five
# bytes Windows leaves undefined), read as UTF-8.
_ROUND_TRIP = [("encode", "sloppy-windows-1252"), ("decode", "utf-8")]


@lru_cache(maxsize=1 << 16)
def repaired(cell: str) -> str | None:
    """The cell as it read before the round trip through Windows-1252, or None if ftfy sees no damage."""
    if not _CANDIDATE.search(cell):
        return None
    fixed = ftfy.fix_encoding(cell)
    return unicodedata.normalize("NFC", fixed) if fixed != cell else None


def is_mojibake(cell: str) -> bool:
    return repaired(cell) is not None


def repairs(cells: Iterable[str]) -> dict[str, str]:
    """The damaged cells among `cells` (distinct texts of one file), each with its repair.

    ftfy judges each cell on its own, and is cautious with a short one ("VÅ©
    Thu Nga" has a single damaged letter). Once it has found damage in a file,
    the round trip is undone on the file's other suspect cells too: one that
    comes back as valid UTF-8 was damaged the same way (text typed in
    Windows-1252 almost never is valid UTF-8 once encoded back).
    """
    found: dict[str, str] = {}
    doubtful = []
    for cell in cells:
        if not _CANDIDATE.search(cell):
            continue
        fixed = repaired(cell)
        if fixed is None:
            doubtful.append(cell)
        else:
            found[cell] = fixed
    for cell in doubtful if found else ():
        try:
            fixed = ftfy.apply_plan(cell, _ROUND_TRIP)
        except (UnicodeError, ValueError):
            continue
        if fixed != cell:
            found[cell] = unicodedata.normalize("NFC", fixed)
    return found


_EXAMPLES = 3


def refuse_mojibake_cells(sheets: list[RawSheet], path: Path) -> None:
    """Refuse a file with such text in any cell, saying what happened and how to repair it."""
    suspects: dict[str, None] = {}
    for sheet in sheets:
        for column in sheet.cells.columns:
            values = sheet.cells[column]
            # One regex over the column in Arrow; ftfy sees only the distinct cells it matches.
            maybe = pc.match_substring_regex(pa.array(values), CANDIDATE_PATTERN).to_numpy(zero_copy_only=False)
            suspects.update(dict.fromkeys(pd.unique(values[maybe].to_numpy())))
    fixed = repairs(suspects)
    if not fixed:
        return
    found: list[tuple[RawSheet, int, int, str]] = []
    count = 0
    for sheet in sheets:
        for column in sheet.cells.columns:
            hits = sheet.cells[column][sheet.cells[column].isin(list(fixed))]
            count += len(hits)
            found += [(sheet, int(row), int(column), value) for row, value in hits.head(_EXAMPLES - len(found)).items()]
    examples = "; ".join(f"{cell_name(sheet, row, column)}: “{value}” (đúng ra là “{fixed[value]}”)"
                         for sheet, row, column, value in found)
    command = f'python -m generator convert-font "{path}"'
    raise InputRefused(
        "mojibake",
        f"{count} ô chữ bị hỏng mã: tệp vốn ở dạng UTF-8 nhưng đã được mở như văn bản ANSI (Windows-1252) rồi lưu "
        f"lại, nên mỗi chữ có dấu biến thành hai, ba ký tự lạ; ví dụ {examples}. Đây không phải phông chữ cũ (TCVN3, "
        f"VNI). Hãy chạy: {command} — lệnh ghi một bản đã sửa của tệp (chỉ đổi các ô bị hỏng), rồi thay tệp cũ bằng "
        "bản đó. Lần sau, mở tệp CSV trong Excel bằng Dữ liệu › Từ Văn bản/CSV và chọn mã 65001: Unicode (UTF-8).",
        details=f"{count} × UTF-8 → ANSI (Windows-1252); "
        + "; ".join(f"{cell_name(sheet, row, column).replace('trang tính ', '').replace('ô ', '')}: “{value}” → "
                    f"“{fixed[value]}”" for sheet, row, column, value in found)
        + f"; {command}",
    )
