"""Reading an .xlsx export: the container checked before it is opened, the cells read by a
worker process held to time and memory bounds (xlsx_worker.py), hidden and empty sheets named.
"""
from __future__ import annotations

import marshal
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from generator.core.problems import InputRefused, Problems

from . import sheets
from .sheets import (
    SAVE_AS_XLSX,
    SEND_A_TABLE,
    RawSheet,
    clear_whitespace_only,
    megabytes,
    no_cells,
    refuse_unless_table_fits,
    table_too_large,
    trim_blank_edges,
)
from .xlsx_worker import CELL_SEPARATOR

MAX_XLSX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024


XLSX_WORKER_TIMEOUT_SECONDS = 120


XLSX_WORKER_MEMORY_BYTES = 4 * 1024**3


_WORKER_SCRIPT = Path(__file__).with_name("xlsx_worker.py")


def read_xlsx(path: Path, display_name: str, problems: Problems) -> list[RawSheet]:
    _refuse_unless_xlsx_container(path)
    sheets = []
    for payload in _run_xlsx_worker(path)["sheets"]:
        name = payload["name"]
        if not payload["visible"]:
            problems.info("hidden-sheet", f"Bỏ qua trang tính ẩn “{name}”.", file=display_name, sheet=name)
            continue
        cells = _sheet_cells(payload)
        if cells.empty:
            problems.info("empty-sheet", f"Bỏ qua trang tính trống “{name}”.", file=display_name, sheet=name)
            continue
        merged = tuple(
            (first_row + 1, first_col, last_row + 1, last_col)
            for first_row, first_col, last_row, last_col in payload["merged"]
        )
        sheets.append(RawSheet(display_name, name, cells, merged))
    if not sheets:
        raise _refusal_for_no_visible_data(problems, display_name)
    return sheets


XLSX_SUFFIXES = (".xlsx", ".xlsm")


def _refuse_unless_xlsx_container(path: Path) -> None:
    """Check the zip directory alone, so that a zip bomb costs milliseconds."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error, NotImplementedError):
        raise InputRefused(
            "truncated",
            "Tệp .xlsx bị hỏng hoặc không đầy đủ (có thể do tải về hay sao chép bị gián đoạn). "
            "Hãy chép lại tệp từ nguồn hoặc xuất lại từ phần mềm đánh giá.",
        ) from None
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise InputRefused(
            "xlsx-too-large",
            f"Nội dung tệp .xlsx khi giải nén lên tới {megabytes(declared)}, vượt giới hạn "
            f"{megabytes(MAX_XLSX_UNCOMPRESSED_BYTES)}; tệp có thể bị hỏng hoặc chứa quá nhiều dữ liệu. "
            "Hãy xuất lại từ phần mềm đánh giá, hoặc tách dữ liệu thành nhiều tệp nhỏ hơn.",
        )
    _refuse_other_zip_formats({entry.filename for entry in entries})
    if path.suffix.lower() == ".xls":
        # Excel itself refuses a workbook named as its old format.
        raise InputRefused(
            "misnamed-file",
            f"Tệp này thực chất là bảng tính .xlsx nhưng tên lại có đuôi “{path.suffix}”. "
            f"Hãy đổi tên tệp thành “{path.stem}.xlsx” (chỉ đổi đuôi, không cần mở lại).",
            details=f"{path.name} → {path.stem}.xlsx",
        )


def _refuse_other_zip_formats(names: set[str]) -> None:
    if "xl/workbook.bin" in names:
        raise InputRefused(
            "not-a-table",
            f"Tệp ở định dạng Excel nhị phân (.xlsb), chương trình không đọc được. {SAVE_AS_XLSX}",
        )
    if "content.xml" in names and "mimetype" in names:
        raise InputRefused(
            "not-a-table",
            f"Tệp ở định dạng OpenDocument (.ods), chương trình không đọc được. {SAVE_AS_XLSX}",
        )
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise InputRefused(
            "not-a-table", f"Tệp này là tài liệu Word hoặc PowerPoint, không phải bảng tính. {SEND_A_TABLE}"
        )
    if "[Content_Types].xml" not in names:
        raise InputRefused("not-a-table", f"Tệp này là tệp nén .zip, không phải bảng tính. {SEND_A_TABLE}")


def _run_xlsx_worker(path: Path) -> dict[str, Any]:
    """Read the workbook in a child process bounded in memory and time.

    See xlsx_worker.py for why: a hostile sheet can make calamine abort
    the whole interpreter, which no `except` could catch in-process.
    """
    limits = [str(XLSX_WORKER_MEMORY_BYTES), str(sheets.MAX_TABLE_CELLS)]  # read at call time: a test lowers it
    command = [sys.executable, "-I", str(_WORKER_SCRIPT), str(path), *limits]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=XLSX_WORKER_TIMEOUT_SECONDS,
            env={**os.environ, "RUST_BACKTRACE": "0"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputRefused(
            "xlsx-unreadable",
            f"Đọc tệp .xlsx mất quá {XLSX_WORKER_TIMEOUT_SECONDS} giây nên đã dừng: tệp có thể bị hỏng "
            "hoặc quá lớn. Hãy xuất lại từ phần mềm đánh giá, hoặc tách dữ liệu thành nhiều tệp nhỏ hơn.",
        ) from None
    result = _worker_result(done)
    if "error" in result:
        raise _refusal_for_worker_error(result)
    return result


def _worker_result(done: subprocess.CompletedProcess[bytes]) -> dict[str, Any]:
    if done.returncode != 0 or not done.stdout:
        raise _worker_crashed()
    try:
        result = marshal.loads(done.stdout)
    except (EOFError, ValueError, TypeError):
        raise _worker_crashed() from None
    if not isinstance(result, dict):
        raise _worker_crashed()
    return result


def _worker_crashed() -> InputRefused:
    # Most likely the memory limit: a stray cell far from the table makes
    # calamine allocate the whole rectangle up to it.
    return InputRefused(
        "xlsx-unreadable",
        "Không đọc được tệp .xlsx: tệp bị hỏng, hoặc có vùng dữ liệu quá lớn (ví dụ một ô có dữ liệu "
        "ở tận cột XFD hay dòng 1.048.576). Hãy mở tệp trong Excel, xóa các dòng và cột thừa ở cuối "
        "bảng rồi lưu lại, hoặc xuất lại từ phần mềm đánh giá.",
    )


def _refusal_for_worker_error(result: dict[str, Any]) -> InputRefused:
    if result["error"] == "too-large":
        return table_too_large(result["rows"], result["columns"], result["sheet"])
    if result["error"] == "password":
        return InputRefused(
            "password-protected",
            "Tệp được đặt mật khẩu nên chương trình không đọc được. Hãy mở tệp trong Excel, "
            "gỡ mật khẩu rồi lưu lại dưới dạng .xlsx (Excel Workbook).",
        )
    return InputRefused(
        "xlsx-unreadable",
        "Tệp .xlsx bị hỏng, chương trình không đọc được nội dung "
        f"(chi tiết kỹ thuật: {result.get('detail', '')}). "
        "Hãy mở tệp trong Excel và lưu lại, hoặc xuất lại từ phần mềm đánh giá.",
    )


def _refusal_for_no_visible_data(problems: Problems, display_name: str) -> InputRefused:
    hidden = [p.sheet for p in problems.of("hidden-sheet") if p.file == display_name]
    if hidden:
        names = ", ".join(f"“{name}”" for name in hidden)
        return InputRefused(
            "only-hidden-sheets",
            f"Tệp không có dữ liệu ở trang tính nào đang hiện; các trang tính ẩn ({names}) bị bỏ qua. "
            "Nếu dữ liệu nằm trong trang tính ẩn, hãy bỏ ẩn trang tính đó trong Excel rồi lưu lại.",
        )
    return InputRefused(
        "empty-file",
        "Tệp không có dữ liệu: mọi trang tính đều trống. Hãy xuất lại dữ liệu từ phần mềm đánh giá.",
    )


def _sheet_cells(payload: dict[str, Any]) -> pd.DataFrame:
    height, width = payload["height"], payload["width"]
    first_row, first_column = payload["first_row"], payload["first_column"]
    if height == 0 or width == 0:
        return no_cells()
    refuse_unless_table_fits(height, first_column + width)
    flat = _as_arrow_strings(payload["cells"])
    if len(flat) != height * width:
        raise _worker_crashed()
    columns: dict[str, pa.Array] = {}
    blank = pa.repeat(pa.scalar("", pa.large_string()), height)
    for column in range(first_column):  # keep columns aligned with sheet letters
        columns[str(column)] = blank
    for offset in range(width):
        positions = pa.array(np.arange(offset, height * width, width))
        columns[str(first_column + offset)] = flat.take(positions)
    cells = pa.table(columns).to_pandas()
    cells.columns = pd.RangeIndex(first_column + width)
    cells.index = pd.RangeIndex(first_row + 1, first_row + 1 + height)
    return trim_blank_edges(clear_whitespace_only(cells))


def _as_arrow_strings(cells: bytes | list[str]) -> pa.Array:
    if isinstance(cells, list):  # the worker's fallback when a cell held the separator
        return pa.array(cells, pa.large_string())
    # Splitting bytes skips UTF-8 checks per piece; the cast checks once.
    whole = pa.array([cells], pa.large_binary())
    pieces = pc.split_pattern(whole, CELL_SEPARATOR.encode()).flatten()
    return pieces.cast(pa.large_string())
