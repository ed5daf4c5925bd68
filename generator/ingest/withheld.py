"""`data/withheld.csv`: people whose names must never be published (contract section 10)."""
from __future__ import annotations

from pathlib import Path

from .files import read_tables
from .normalise import person_ids
from generator.core.problems import InputRefused, Problems
from generator.core.text import fold


def read_withheld(path: Path, display_name: str, problems: Problems) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    try:
        sheets = read_tables(path, display_name, problems)
    except InputRefused as refusal:
        if refusal.code == "empty-file":
            return frozenset()
        problems.error(refusal.code, refusal.message, file=display_name, details=refusal.details)
        return frozenset()
    cells = sheets[0].cells
    header = [fold(v) for v in cells.iloc[0]]
    if "person id" not in header:
        problems.error("withheld-columns", "withheld.csv phải có cột person_id ở dòng đầu.", file=display_name,
                       row=int(cells.index[0]), value=",".join(cells.iloc[0]), suggestion="Dòng đầu: person_id")
        return frozenset()
    ids = person_ids(cells.iloc[1:, header.index("person id")].astype("string"))
    return frozenset(i for i in ids if i)
