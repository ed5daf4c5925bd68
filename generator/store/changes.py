"""What changed between a stored month and the same month read again: per unit, the counts
that differ, and a few rows as examples, in the words an officer reads.
"""
from __future__ import annotations

import pandas as pd

from generator.core.formatting import format_number
from generator.figures import aggregate
from generator.ingest.exports import empty_people
from generator.ingest.history import empty_history
from generator.ingest.registry import Registry

from .rows import PEOPLE, UNITS, canonical

_COUNT_LABELS = {
    "headcount": "tổng số", "xs": "XS", "t": "T", "ht": "HT", "k": "K", "not_evaluated": "chưa đánh giá",
    "raised": "nâng mức", "lowered": "hạ mức", "reward_count": "số người khen thưởng", "reward_amount": "tiền khen thưởng",
}


_FIELD_LABELS = {
    "unit_code": "mã đơn vị", "unit_name": "tên đơn vị", "full_name": "họ tên", "position": "chức vụ",
    "is_leader": "lãnh đạo quản lý", "self_rating": "tự xếp loại", "final_rating": "xếp loại", "self_score": "điểm tự chấm",
    "final_score": "điểm", "reward": "khen thưởng", "note": "ghi chú",
}


_KIND_WORDS = {PEOPLE: "dữ liệu từng người", UNITS: "bảng tổng hợp theo đơn vị"}


def describe_difference(before: pd.DataFrame, before_kind: str, after: pd.DataFrame, after_kind: str,
                        registry: Registry, limit: int = 15) -> list[str]:
    """What changed between two versions of a month: the organisation, each unit, then the rows."""
    lines = []
    if before_kind != after_kind:
        lines.append(f"Nguồn: {_KIND_WORDS[before_kind]} → {_KIND_WORDS[after_kind]}")
    old, new = _unit_counts(before, before_kind), _unit_counts(after, after_kind)
    total = _changed_counts(old.sum(min_count=1), new.sum(min_count=1))
    if total:
        lines.append("Toàn bộ: " + total)
    unit_lines = []
    for code in sorted(set(old.index) | set(new.index)):
        name = f"{code} {registry.units[code].name}" if code in registry.units else code
        if code not in old.index:
            unit_lines.append(f"{name}: đơn vị mới trong tháng ({format_number(int(new.at[code, 'headcount']))} người)")
        elif code not in new.index:
            unit_lines.append(f"{name}: không còn trong dữ liệu mới (trước có {format_number(int(old.at[code, 'headcount']))} người)")
        else:
            changed = _changed_counts(old.loc[code], new.loc[code])
            if changed:
                unit_lines.append(f"{name}: {changed}")
    lines += unit_lines[:limit]
    if len(unit_lines) > limit:
        lines.append(f"… và {format_number(len(unit_lines) - limit)} đơn vị khác")
    if before_kind == after_kind == PEOPLE:
        lines += _row_changes(before, after)
    if not total and not unit_lines:
        lines.append("Số liệu công bố theo đơn vị không đổi; chỉ khác nội dung từng dòng.")
    return lines


def _unit_counts(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    empty = canonical(empty_people(), PEOPLE) if kind == UNITS else canonical(empty_history(), UNITS)
    people, history = (rows, empty) if kind == PEOPLE else (empty, rows)
    counts = aggregate.unit_months(people, history)
    return counts.set_index("unit_code")[list(_COUNT_LABELS)]


def _changed_counts(old: pd.Series, new: pd.Series) -> str:
    parts = []
    for column, label in _COUNT_LABELS.items():
        a, b = old[column], new[column]
        if pd.isna(a) or pd.isna(b) or a == b:
            continue
        parts.append(f"{label} {format_number(int(a))} → {format_number(int(b))}")
    return ", ".join(parts)


def _row_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    old, new = before.set_index("person_id"), after.set_index("person_id")
    added, removed = new.index.difference(old.index), old.index.difference(new.index)
    both = new.index.intersection(old.index)
    columns = [c for c in _FIELD_LABELS if c in new.columns]
    a, b = old.loc[both, columns], new.loc[both, columns]
    differs = (a.ne(b) & ~(a.isna() & b.isna())).fillna(True)  # NA against a value is a change
    changed_rows = int(differs.any(axis=1).sum())
    if not (len(added) or len(removed) or changed_rows):
        return []
    changed_columns = [_FIELD_LABELS[c] for c in columns if differs[c].any()]
    text = (f"Từng người: {format_number(len(added))} dòng thêm, {format_number(len(removed))} dòng bớt, "
            f"{format_number(changed_rows)} dòng sửa")
    lines = [text + (f" (cột: {', '.join(changed_columns)})" if changed_columns else "")]
    for person_id in differs.index[differs.any(axis=1)][:_EXAMPLE_ROWS]:
        values = ", ".join(f"{_FIELD_LABELS[c]} {_value(a.at[person_id, c])} → {_value(b.at[person_id, c])}"
                           for c in columns if differs.at[person_id, c])
        lines.append(f"{b.at[person_id, 'full_name'] if 'full_name' in columns else ''} (mã {person_id}): {values}")
    return lines


_EXAMPLE_ROWS = 5


def _value(value) -> str:
    if pd.isna(value):
        return "(trống)"
    return f"{value:g}" if isinstance(value, float) else str(value)
