"""Rules across rows and against the registry (contract sections 4, 6, 9).

Every rule runs on the whole data set and reports every breach; a rule never
stops the others.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .config import Policy
from .ingest.exports import PERSON_COLUMNS
from .problems import Problems
from .registry import Registry, resolve_units

IDENTITY_FIELDS = [c for c in PERSON_COLUMNS if c != "unit_code"]


@dataclass(frozen=True)
class ValidatedData:
    people: pd.DataFrame  # person rows, unit_code resolved to the registry's
    history: pd.DataFrame  # unit-level summaries, unit_code resolved
    registry: Registry


def validate(people: pd.DataFrame, history: pd.DataFrame, registry: Registry, policy: Policy, problems: Problems) -> ValidatedData:
    people = people.dropna(subset=["month"])
    people = people.assign(unit_code=resolve_units(people, registry, problems))
    people = merge_identical_rows(people, problems)
    check_identity(people, problems)
    check_scores(people, policy, problems)
    history = history.dropna(subset=["month"])
    if len(history):
        history = history.assign(unit_code=resolve_units(history, registry, problems))
        history = drop_months_with_people(history, people, problems)
        check_history_duplicates(history, problems)
    return ValidatedData(people.dropna(subset=["unit_code"]).reset_index(drop=True), history.dropna(subset=["unit_code"]).reset_index(drop=True), registry)


def _row_label(frame: pd.DataFrame, position) -> str:
    row = frame.loc[position]
    sheet = f", trang tính “{row['sheet']}”" if row["sheet"] else ""
    return f"{row['file']}{sheet}, dòng {row['row']}"


def merge_identical_rows(people: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Rows identical in every mapped field are one row (with a warning)."""
    key = ["month", "unit_code", *[c for c in IDENTITY_FIELDS if c != "month"]]
    # Identical rows share month and person_id; compare whole rows only among those.
    candidates = people.loc[people.duplicated(subset=["month", "person_id"], keep=False)]
    if candidates.empty:
        return people
    group = candidates.groupby(key, dropna=False, sort=False).ngroup()
    repeated = group.duplicated()
    if not repeated.any():
        return people
    first_of = pd.Series(candidates.index, index=candidates.index).groupby(group).transform("first")
    for position in candidates.index[repeated]:
        row = people.loc[position]
        problems.warning("duplicate-merged", f"Dòng trùng hoàn toàn với {_row_label(people, first_of[position])}; chỉ tính một lần.",
                         file=row["file"], sheet=row["sheet"] or None, row=int(row["row"]), column="Mã cán bộ", value=row["person_id"])
    return people.drop(index=candidates.index[repeated])


def check_identity(people: pd.DataFrame, problems: Problems) -> None:
    """The same person twice in a month (with any difference, or in two units) is an error."""
    twice = people[people.duplicated(subset=["month", "person_id"], keep=False)]
    for (month, person_id), group in twice.groupby(["month", "person_id"], sort=True):
        first = group.index[0]
        for other in group.index[1:]:
            a, b = people.loc[first], people.loc[other]
            if a["full_name"] != b["full_name"]:
                code, what = "id-two-names", f"Mã cán bộ {person_id} mang hai họ tên khác nhau trong tháng {month}"
            elif a["unit_code"] != b["unit_code"]:
                code, what = "person-two-units", f"Mã cán bộ {person_id} ở hai đơn vị trong tháng {month}"
            else:
                code, what = "person-twice", f"Mã cán bộ {person_id} có hai dòng khác nhau trong tháng {month}"
            problems.error(code, f"{what}: dòng này và {_row_label(people, first)}.",
                           file=b["file"], sheet=b["sheet"] or None, row=int(b["row"]), column="Mã cán bộ", value=person_id,
                           suggestion="Giữ một dòng đúng cho mỗi người mỗi tháng.")


def check_scores(people: pd.DataFrame, policy: Policy, problems: Problems) -> None:
    """A final score that earns another rating than the one given is a warning."""
    earned = policy.scale.from_score(people["final_score"])
    disagree = (earned.notna() & people["final_rating"].notna() & earned.ne(people["final_rating"])).fillna(False)
    for position in people.index[disagree]:
        row = people.loc[position]
        problems.warning("score-disagrees",
                         f"Điểm {row['final_score']:g} ứng với mức {earned[position]}, nhưng xếp loại là {row['final_rating']}.",
                         file=row["file"], sheet=row["sheet"] or None, row=int(row["row"]), column="Điểm", value=f"{row['final_score']:g}")


def drop_months_with_people(history: pd.DataFrame, people: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Person-level data is the better source; a summary for the same month is left out."""
    overlap = history["month"].isin(set(people["month"].unique()))
    for month in sorted(history.loc[overlap, "month"].unique()):
        problems.info("history-overlap", f"Tháng {month} có cả dữ liệu từng người; bỏ qua bảng tổng hợp của tháng này.")
    return history.loc[~overlap]


def check_history_duplicates(history: pd.DataFrame, problems: Problems) -> None:
    repeated = history.duplicated(subset=["month", "unit_code"], keep="first")
    for position in history.index[repeated]:
        row = history.loc[position]
        problems.error("history-duplicate", f"Đơn vị {row['unit_code']} có hai dòng tổng hợp trong tháng {row['month']}.",
                       file=row["file"], sheet=row["sheet"] or None, row=int(row["row"]), column="Đơn vị", value=row["unit_code"])
