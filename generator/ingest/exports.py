"""Person-level exports (contract section 3) to one typed table of rows.

This stage reads and normalises; rules that compare rows with each other or
with the units registry belong to `generator.validate`.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from generator.core.months import month_from_file_name, month_from_title, parse_month_column
from generator.core.problems import InputRefused, Problems, Severity, report_values
from generator.core.ratings import RatingScale
from generator.core.formatting import format_number
from .columns import FIELD_LABELS, PERSON_ANCHOR, PERSON_FIELDS, AliasTable, ColumnMap, headers_looked_for
from .files import RawSheet, read_tables
from .header import Header, find_header
from .normalise import amounts, clean_text, person_ids, scores, yes_no
from .rows import fill_merged_down, split_rows

PERSON_TABLE = AliasTable(PERSON_FIELDS)
TEXT_FIELDS = ("unit_code", "unit_name", "full_name", "position", "note")
PERSON_COLUMNS = (
    "month", "unit_code", "unit_name", "person_id", "full_name", "position", "is_leader",
    "self_rating", "final_rating", "self_score", "final_score", "reward", "note",
)
PROVENANCE_COLUMNS = ("file", "sheet", "row")
# Fields whose value is not the cell's text (a code, a number, yes/no): the cell as the file
# has it rides along, so that a problem can show it as written (contract section 9). The
# store never keeps these columns.
WRITTEN_FIELDS = ("is_leader", "self_rating", "final_rating", "self_score", "final_score", "reward")


def as_written(field: str) -> str:
    """The column holding `field`'s cell text as the file has it."""
    return f"{field}_as_written"


WRITTEN_COLUMNS = tuple(as_written(f) for f in WRITTEN_FIELDS)
EXPORT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".xlsm")


def empty_people() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="string") for c in PERSON_COLUMNS + WRITTEN_COLUMNS + PROVENANCE_COLUMNS})


def list_export_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))


def read_person_file(path: Path, name: str, scale: RatingScale, problems: Problems) -> pd.DataFrame | None:
    if path.suffix.lower() not in EXPORT_SUFFIXES:
        problems.info("ignored-file", "Tệp không phải bảng tính hay CSV, bỏ qua.", file=name)
        return None
    try:
        sheets = read_tables(path, name, problems)
    except InputRefused as refusal:
        problems.error(refusal.code, refusal.message, file=name, details=refusal.details)
        return None
    file_month = month_from_file_name(path.stem)
    frames = []
    for sheet in sheets:
        header = find_header(sheet, PERSON_TABLE, PERSON_ANCHOR)
        if header is None:
            problems.info("sheet-without-header", "Trang tính không có dòng tiêu đề khớp mẫu, bỏ qua.", file=name, sheet=sheet.sheet)
            continue
        frames.append(read_person_sheet(sheet, header, file_month, scale, problems))
    if not frames:
        problems.error(
            "no-header",
            "Không tìm thấy dòng tiêu đề có cột “Mã cán bộ” trong 30 dòng đầu của tệp.",
            file=name,
            suggestion="Kiểm tra tệp có đúng là bảng kết quả xếp loại và có cột mã cán bộ.",
        )
        return None
    return with_headers(pd.concat(frames, ignore_index=True), headers_of(frames))


HEADERS = "headers"  # frame.attrs key: {(file, sheet): {field: the column's header as written}}


def headers_of(frames) -> dict[tuple[str, str], dict[str, str]]:
    """The headers as written of the sheets behind `frames` (messages name columns by them)."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for frame in frames:
        if frame is not None:
            found.update(frame.attrs.get(HEADERS, {}))
    return found


def with_headers(frame: pd.DataFrame, headers: dict) -> pd.DataFrame:
    frame.attrs[HEADERS] = headers
    return frame


def read_person_sheet(
    sheet: RawSheet, header: Header, file_month: str | None, scale: RatingScale, problems: Problems
) -> pd.DataFrame:
    where = {"file": sheet.file, "sheet": sheet.sheet}
    columns = header.columns
    if not _has_required_columns(columns, header, where, problems):
        return empty_people()

    cells = fill_merged_down(sheet, header.last_row)
    content = [columns.columns[f].column for f in ("full_name", "final_rating", "self_rating") if f in columns.columns]
    split = split_rows(cells, header.last_row, columns.columns[PERSON_ANCHOR].column, content)
    for row in split.orphans:
        problems.error(
            "row-without-id",
            "Dòng có họ tên hoặc xếp loại nhưng không có mã cán bộ.",
            **where, row=row, column=columns.header_of(PERSON_ANCHOR), value="",
            suggestion="Điền mã cán bộ, hoặc xóa dòng nếu không phải dữ liệu.",
        )
    data = split.data
    if data.empty:
        problems.warning("header-without-data", "Có dòng tiêu đề nhưng không có dòng dữ liệu nào.", **where, row=header.last_row)
        return empty_people()

    def text(field: str) -> pd.Series:
        if field in columns.columns:
            return data[columns.columns[field].column].astype("string")
        return pd.Series("", index=data.index, dtype="string")

    rows = pd.Series(data.index, index=data.index)
    out = pd.DataFrame(index=data.index)
    out["month"] = _resolve_month(text("month"), rows, header, file_month, columns, where, problems)
    out["person_id"] = person_ids(text("person_id"))
    for field in TEXT_FIELDS:
        out[field] = clean_text(text(field))

    for field in ("self_rating", "final_rating"):
        codes, invalid = scale.parse(text(field))
        out[field] = codes
        _report(problems, "invalid-rating", "Xếp loại không đúng thang.", text(field), rows, invalid, columns, field, where, scale.suggest)

    for field in ("self_score", "final_score"):
        values, invalid = scores(text(field))
        out[field] = values
        _report(problems, "invalid-score", "Điểm không đọc được hoặc ngoài thang 0–100.", text(field), rows, invalid, columns, field, where)

    derived = scale.from_score(out["final_score"])
    out["final_rating"] = out["final_rating"].fillna(derived)

    leader, unclear = yes_no(text("is_leader"))
    out["is_leader"] = leader
    _report(problems, "unclear-leader", "Không rõ có phải lãnh đạo quản lý; tính là không.", text("is_leader"), rows, unclear, columns, "is_leader", where, severity=Severity.WARNING, suggest=lambda _: "Ghi “x” nếu là lãnh đạo quản lý, để trống nếu không.")

    reward, invalid = amounts(text("reward"))
    out["reward"] = reward
    _report(problems, "invalid-reward", "Số tiền khen thưởng không đọc được.", text("reward"), rows, invalid, columns, "reward", where, suggest=lambda _: "Ghi số tiền bằng đồng, ví dụ 1.170.000.")

    for field in WRITTEN_FIELDS:
        out[as_written(field)] = text(field)
    out["file"] = sheet.file
    out["sheet"] = sheet.sheet or ""
    out["row"] = data.index.astype("int64")
    written = {field: match.header for field, match in columns.columns.items()}
    return with_headers(out.reset_index(drop=True)[list(PERSON_COLUMNS + WRITTEN_COLUMNS + PROVENANCE_COLUMNS)],
                        {(sheet.file, sheet.sheet or ""): written})


def _has_required_columns(columns: ColumnMap, header: Header, where: dict, problems: Problems) -> bool:
    ok = True
    for first, second in columns.ambiguous:
        problems.error(
            "ambiguous-columns",
            f"Hai cột cùng được đọc là {FIELD_LABELS[first.field]}: “{first.header}” (cột {get_column_letter(1 + first.column)}) "
            f"và “{second.header}” (cột {get_column_letter(1 + second.column)}).",
            **where, row=header.last_row, column=second.header,
            details=f"“{first.header}” ({get_column_letter(1 + first.column)}) = “{second.header}” ({get_column_letter(1 + second.column)})",
            suggestion="Xóa hoặc đổi tên một trong hai cột.",
        )
        ok = False
    if "self_rating" in columns.columns and "final_rating" not in columns.columns:
        # A self rating is never the result (contract section 3): the head's column was
        # most likely deleted, and the scores alone would hide that.
        found = columns.columns["self_rating"]
        looked_for = headers_looked_for(PERSON_FIELDS, "final_rating")
        problems.error(
            "self-rating-only",
            f"Không có cột xếp loại chính thức: cột xếp loại duy nhất là “{found.header}” (cột "
            f"{get_column_letter(1 + found.column)}), tức cá nhân tự xếp loại, không bao giờ được dùng làm kết quả. "
            f"Cột xếp loại chính thức được tìm theo tiêu đề {looked_for}.",
            **where, row=header.last_row, column=found.header,
            details=f"“{found.header}” ({get_column_letter(1 + found.column)}); {looked_for.replace(' hoặc ', ', ')}",
            suggestion="Có thể cột xếp loại của thủ trưởng (cấp có thẩm quyền) đã bị xóa nhầm: thêm lại cột đó "
                       "với một trong các tiêu đề trên, hoặc xuất lại tệp từ phần mềm đánh giá.",
        )
        ok = False
    required = {
        "full_name": ("full_name",),
        "unit_code": ("unit_code", "unit_name"),
        "final_rating": ("final_rating", "final_score"),
    }
    if "self_rating" in columns.columns:
        del required["final_rating"]  # said above, with the self rating it found
    for name, alternatives in required.items():
        if not any(a in columns.columns for a in alternatives):
            wanted = " hoặc ".join(f"“{PERSON_FIELDS[a][0][0]}”" for a in alternatives)
            problems.error("missing-column", f"Thiếu cột {wanted}.", **where, row=header.last_row, suggestion=f"Thêm cột {wanted} vào dòng tiêu đề.")
            ok = False
    if columns.ignored:
        problems.info("ignored-columns", "Các cột không dùng: " + ", ".join(f"“{h}”" for h in columns.ignored), **where, row=header.last_row)
    return ok


def _report(problems, code, message, values, rows, mask, columns: ColumnMap, field, where, suggest=None, severity=Severity.ERROR):
    if not mask.any():
        return
    report_values(
        problems, severity, code, message, values[mask].tolist(), rows[mask].tolist(),
        column=columns.header_of(field), suggest=suggest, **where,
    )


def _resolve_month(
    column: pd.Series, rows: pd.Series, header: Header, file_month: str | None,
    columns: ColumnMap, where: dict, problems: Problems,
) -> pd.Series:
    """Month per row from the month column, else the title line, else the file name; all must agree."""
    title_month = month_from_title(header.title_lines)
    fallback = title_month or file_month
    if title_month and file_month and title_month != file_month:
        problems.error(
            "month-disagrees",
            f"Tháng ở dòng tiêu đề ({title_month}) khác tháng trong tên tệp ({file_month}).",
            **where, row=header.first_row,
            suggestion="Sửa tên tệp hoặc dòng tiêu đề cho cùng một tháng.",
        )
    if "month" not in columns.columns:
        months = pd.Series(fallback, index=column.index, dtype="string")
    else:
        parsed, invalid = parse_month_column(column)
        _report(problems, "invalid-month", "Không đọc được tháng.", column, rows, invalid, columns, "month", where,
                suggest=lambda _: "Ghi tháng dạng 10/2024.")
        for source, label in ((title_month, "dòng tiêu đề"), (file_month, "tên tệp")):
            if source:
                conflict = parsed.notna() & parsed.ne(source)
                _report(problems, "month-disagrees", f"Tháng trong cột khác tháng ở {label} ({source}).", column, rows, conflict.fillna(False), columns, "month", where,
                        suggest=lambda _, s=source: f"Kiểm tra lại: {s[5:]}/{s[:4]}?")
        months = parsed.fillna(fallback) if fallback else parsed
    missing = months.isna()
    if missing.any():
        first = int(rows[missing].iloc[0])
        problems.error(
            "no-month",
            f"Không xác định được tháng cho {format_number(int(missing.sum()))} dòng (không có cột tháng, dòng tiêu đề hay tên tệp ghi tháng).",
            **where, row=first,
            suggestion="Thêm cột “Tháng” (ví dụ 10/2024) hoặc đặt tên tệp bắt đầu bằng 2024-10.",
        )
    return months.astype("string")
