"""Unit-level summaries for months before person-level data (contract section 7)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.core.months import month_from_file_name, month_from_title, parse_month_column
from generator.core.problems import InputRefused, Problems, Severity, report_values
from .columns import HISTORY_ANCHOR, HISTORY_FIELDS, AliasTable
from .exports import headers_of, with_headers
from .files import read_tables
from .header import find_header
from .normalise import clean_text

HISTORY_TABLE = AliasTable(HISTORY_FIELDS)
COUNT_FIELDS = ("headcount", "xs", "t", "ht", "k", "not_evaluated", "raised", "lowered")
HISTORY_COLUMNS = ("month", "unit_code", "unit_name", *COUNT_FIELDS, "file", "sheet", "row")


def empty_history() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="string") for c in HISTORY_COLUMNS})
    return frame.astype({c: "Int64" for c in COUNT_FIELDS} | {"row": "int64"})


def read_history_file(path: Path, name: str, problems: Problems) -> pd.DataFrame | None:
    try:
        sheets = read_tables(path, name, problems)
    except InputRefused as refusal:
        problems.error(refusal.code, refusal.message, file=name, details=refusal.details)
        return None
    frames = []
    for sheet in sheets:
        header = find_header(sheet, HISTORY_TABLE, HISTORY_ANCHOR)
        if header is None:
            problems.info("sheet-without-header", "Trang tính không có dòng tiêu đề tổng hợp, bỏ qua.", file=name, sheet=sheet.sheet)
            continue
        frames.append(_read_sheet(sheet, header, month_from_title(header.title_lines) or month_from_file_name(path.stem), problems))
    frames = [f for f in frames if len(f)]
    return with_headers(pd.concat(frames, ignore_index=True), headers_of(frames)) if frames else None


def _read_sheet(sheet, header, fallback_month: str | None, problems: Problems) -> pd.DataFrame:
    where = {"file": sheet.file, "sheet": sheet.sheet}
    columns = header.columns.columns
    missing = [f for f in ("xs", "t", "ht", "k") if f not in columns]
    if "unit_code" not in columns and "unit_name" not in columns:
        missing.append("unit_name")
    if missing:
        wanted = ", ".join(HISTORY_FIELDS[f][0][0] for f in missing)
        problems.error("missing-column", f"Bảng tổng hợp thiếu cột: {wanted}.", **where, row=header.last_row)
        return empty_history()
    body = sheet.cells.loc[header.last_row + 1 :]
    unit_cells = body[columns["unit_code"].column] if "unit_code" in columns else body[columns["unit_name"].column]
    body = body[unit_cells.ne("")]
    rows = pd.Series(body.index, index=body.index)
    out = pd.DataFrame(index=body.index)
    if "month" in columns:
        months, invalid = parse_month_column(body[columns["month"].column])
        _report(problems, "invalid-month", "Không đọc được tháng.", body[columns["month"].column], rows, invalid, columns["month"].header, where)
        out["month"] = months.fillna(fallback_month) if fallback_month else months
    else:
        out["month"] = pd.Series(fallback_month, index=body.index, dtype="string")
    if out["month"].isna().any():
        problems.error("no-month", "Không xác định được tháng của dòng tổng hợp.", **where, row=int(rows[out["month"].isna()].iloc[0]))
    for field in ("unit_code", "unit_name"):
        out[field] = clean_text(body[columns[field].column]) if field in columns else pd.Series("", index=body.index, dtype="string")
    for field in COUNT_FIELDS:
        if field not in columns:
            out[field] = pd.Series(0, index=body.index, dtype="Int64")
            continue
        raw = body[columns[field].column].str.strip().replace("", "0")
        numbers = pd.to_numeric(raw.str.replace(r"\.0+$", "", regex=True), errors="coerce")
        invalid = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
        _report(problems, "invalid-count", "Số lượng không phải số nguyên không âm.", body[columns[field].column], rows, invalid, columns[field].header, where)
        out[field] = numbers.where(~invalid).astype("Int64")
    if "headcount" in columns:
        parts = out[["xs", "t", "ht", "k", "not_evaluated"]].sum(axis=1)
        wrong = parts.ne(out["headcount"]).fillna(False)
        for row in rows[wrong]:
            unit = out.at[row, "unit_code"] or out.at[row, "unit_name"]
            month = out.at[row, "month"]
            levels = ", ".join(f"{columns[f].header} {int(out.at[row, f])}" for f in ("xs", "t", "ht", "k", "not_evaluated")
                               if f in columns and pd.notna(out.at[row, f]))
            when = f"{month[5:]}/{month[:4]}" if isinstance(month, str) else "?"
            problems.error("counts-do-not-add-up",
                           f"Đơn vị {unit}, tháng {when}: {levels} cộng lại {int(parts[row])}, khác "
                           f"{columns['headcount'].header} {int(out.at[row, 'headcount'])}.",
                           **where, row=int(row), column=columns["headcount"].header, value=str(out.at[row, "headcount"]),
                           details=f"{unit}, {when}: {levels} = {int(parts[row])} ≠ {columns['headcount'].header} "
                                   f"{int(out.at[row, 'headcount'])}",
                           suggestion=f"Tổng số = {int(parts[row])}?")
    out["file"], out["sheet"], out["row"] = sheet.file, sheet.sheet or "", body.index.astype("int64")
    return with_headers(out.reset_index(drop=True)[list(HISTORY_COLUMNS)],
                        {(sheet.file, sheet.sheet or ""): {field: match.header for field, match in columns.items()}})


def _report(problems, code, message, values, rows, mask, column, where):
    if mask.any():
        report_values(problems, Severity.ERROR, code, message, values[mask].tolist(), rows[mask].tolist(), column=column, **where)
