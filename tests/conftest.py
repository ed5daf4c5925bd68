"""Fixture builders: every test writes the files it reads."""
from __future__ import annotations

import csv
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent

# A suite started in the background of a script (`make test &`, some CI runners) inherits Ctrl-C
# ignored, and so would every build and server the tests start: the tests that press Ctrl-C would
# wait for a process that never hears it. An officer's terminal delivers it; so do the tests.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

UNITS_HEADER = ["code", "name", "block", "level", "parent", "valid_from", "valid_to", "successor"]

DEFAULT_UNITS = [
    ["PTC", "Phòng Tài chính - Kế hoạch", "Khối Chính quyền", "Cấp quận", "", "", "", ""],
    ["GB", "UBND phường Giang Biên", "Khối Phường", "Cấp phường", "", "", "2025-06-30", "PM"],
    ["TL", "UBND phường Thượng Thanh", "Khối Phường", "Cấp phường", "", "", "2025-06-30", "PM"],
    ["PM", "UBND phường Việt Hưng mới", "Khối Phường", "Cấp phường", "", "2025-07-01", "", ""],
    ["THGB", "Trường Tiểu học Giang Biên", "Khối Trường học", "Cấp phường", "", "", "", ""],
]

PERSON_HEADER = ["STT", "Mã CB", "Họ và tên", "Chức vụ", "Mã đơn vị", "Đơn vị", "Tháng", "LĐQL",
                 "Điểm tự chấm", "Tự xếp loại", "Điểm thẩm định", "Thủ trưởng xếp loại", "Khen thưởng", "Ghi chú"]


def write_csv(path: Path, rows: list[list[object]], *, encoding: str = "utf-8-sig", sep: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=sep).writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], *, merges: dict[str, list[str]] | None = None,
               hidden: tuple[str, ...] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell_range in (merges or {}).get(name, []):
            sheet.merge_cells(cell_range)
        if name in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def person_row(n, pid, name, unit_code, month="10/2024", final="Hoàn thành tốt nhiệm vụ", self_rating=None,
               score="", self_score="", position="Chuyên viên", unit_name="", leader="", reward="", note=""):
    return [n, pid, name, position, unit_code, unit_name, month, leader, self_score,
            final if self_rating is None else self_rating, score, final, reward, note]


class DataDir:
    """A folder laid out like data/, filled by a test."""

    def __init__(self, root: Path):
        self.root = root
        self.exports = root / "exports"
        self.history = root / "history"
        self.exports.mkdir(parents=True, exist_ok=True)
        self.units(DEFAULT_UNITS)

    def units(self, rows: list[list[str]]) -> None:
        write_csv(self.root / "units.csv", [UNITS_HEADER, *rows])

    def withheld(self, ids: list[str]) -> None:
        write_csv(self.root / "withheld.csv", [["person_id"], *[[i] for i in ids]])

    def export_csv(self, name: str, rows: list[list[object]], header=PERSON_HEADER, **options) -> Path:
        return write_csv(self.exports / name, [header, *rows], **options)


@pytest.fixture
def data_dir(tmp_path) -> DataDir:
    return DataDir(tmp_path / "data")


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Text as Windows-1258 writes it: precomposed vowels, tone marks as combining characters."""
    import unicodedata

    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
        tones = "".join(c for c in parts if c in _TONE_MARKS)
        out += (base + tones).encode("cp1258")
    return bytes(out)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium for a module's browser tests (skipped where it is not installed)."""
    from browsing import CHROMIUM, MISSING, chromium

    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def plan_built(tmp_path_factory):
    """(view, trends) of five months of five units written from tests/trends_plan.py's PLAN."""
    import trends_plan

    return trends_plan.build(tmp_path_factory.mktemp("trends"))


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    """A small demo site (6 months, 20 units) made by `generator demo` and `generator build`, once per module."""
    root = tmp_path_factory.mktemp("demo-site")
    data, output = root / "data", root / "site"
    for command in (["demo", "--out", str(data), "--months", "6", "--units", "20", "--staff", "400"],
                    ["build", "--data", str(data), "--output", str(output)]):
        result = subprocess.run([sys.executable, "-m", "generator", *command], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    return output
