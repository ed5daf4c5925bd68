"""Rules across rows and against the registry (contract sections 4, 6, 9).

Every rule runs on the whole data set and reports every breach; a rule never
stops the others.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from generator.core.config import Policy
from generator.core.formatting import format_month, format_percent
from .columns import PERSON_FIELDS
from .exports import PERSON_COLUMNS, as_written
from generator.core.problems import Problems
from generator.core.formatting import format_number
from .registry import Registry, resolve_units

IDENTITY_FIELDS = [c for c in PERSON_COLUMNS if c != "unit_code"]
# The fields two rows of one person are compared on, in the order a message names them.
COMPARED_FIELDS = ["unit_code", "full_name", "position", "is_leader", "self_rating", "final_rating",
                   "self_score", "final_score", "reward", "note"]
# A month whose rows are mostly in two files is one export sent twice (a corrected copy beside the old one).
SAME_MONTH_SHARE = 0.5
# Beyond this share of a file's rated rows disagreeing with their scores, the rating column
# itself is suspect (contract section 2): one error for the file, not a warning per row.
SCORE_DISAGREEMENT_SHARE = 0.05
# One row is a head's decision about one person, never evidence against the column: in a
# sheet of a dozen people it alone would be more than 5%.
SCORE_DISAGREEMENT_MIN_ROWS = 2
SCORE_EXAMPLES = 3
Headers = dict[tuple[str, str], dict[str, str]]


@dataclass(frozen=True)
class ValidatedData:
    people: pd.DataFrame  # person rows, unit_code resolved to the registry's
    history: pd.DataFrame  # unit-level summaries, unit_code resolved
    registry: Registry


def validate(people: pd.DataFrame, history: pd.DataFrame, registry: Registry, policy: Policy, problems: Problems,
             headers: Headers | None = None) -> ValidatedData:
    headers = headers or {}
    people = people.dropna(subset=["month"])
    people = people.assign(**{as_written("unit_code"): people["unit_code"],
                              "unit_code": resolve_units(people, registry, problems, headers)})
    people = check_month_sent_twice(people, registry, headers, problems)
    people = merge_identical_rows(people, problems, headers)
    check_identity(people, registry, headers, problems)
    check_scores(people, policy, problems, headers)
    history = history.dropna(subset=["month"])
    if len(history):
        history = history.assign(unit_code=resolve_units(history, registry, problems, headers))
        history = drop_months_with_people(history, people, problems)
        check_history_duplicates(history, problems, headers)
    return ValidatedData(people.dropna(subset=["unit_code"]).reset_index(drop=True), history.dropna(subset=["unit_code"]).reset_index(drop=True), registry)


def _row_label(frame: pd.DataFrame, position) -> str:
    row = frame.loc[position]
    sheet = f", trang tính “{row['sheet']}”" if row["sheet"] else ""
    return f"{row['file']}{sheet}, dòng {row['row']}"


def header_as_written(row: pd.Series, field: str, headers: Headers) -> str:
    """The column of `field` as its header reads in the row's own file."""
    return headers.get((row["file"], row["sheet"] or ""), {}).get(field) or PERSON_FIELDS[field][0][0]


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    if pd.isna(a) or pd.isna(b):
        return False
    return a == b


def _written(row: pd.Series, field: str) -> str | None:
    """The cell of `field` as the file has it; None for rows read without it."""
    value = row.get(as_written(field))
    return None if value is None or pd.isna(value) else str(value)


def quoted(written: str, meaning: str | None = None) -> str:
    """A value as the file has it, then what it was read as where that says more:
    “Hoàn thành tốt nhiệm vụ” (T), “x” (có), “” (T) for a rating taken from the score."""
    text = f"“{written}”"
    return f"{text} ({meaning})" if meaning and meaning != written else text


def _plain(value, field: str = "") -> str:
    if pd.isna(value) or value == "":
        return ""
    if field == "is_leader":
        return "có" if value else "không"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def shown(row: pd.Series, field: str, registry: Registry | None = None) -> str:
    """`field` of `row` as the file has it, with its meaning after it where that helps."""
    if field == "unit_code":
        code = row["unit_code"]
        name = registry.units[code].name if registry and not pd.isna(code) and code in registry.units else None
        written = _written(row, "unit_code")
        if written:  # the file names units by code
            return quoted(written, name)
        return quoted(_plain(row["unit_name"]), None if pd.isna(code) else code)
    written = _written(row, field)
    meaning = _plain(row[field], field)
    if written is None:
        return quoted(meaning)
    if field in ("self_rating", "final_rating", "is_leader"):
        return quoted(written, meaning)
    return quoted(written)


def header_of_unit(row: pd.Series, headers: Headers) -> str:
    """The unit's column as its header reads: the code's if the file has one, else the name's."""
    written = headers.get((row["file"], row["sheet"] or ""), {})
    if "unit_code" in written or "unit_name" not in written:
        return header_as_written(row, "unit_code", headers)
    return written["unit_name"]


def differences(a: pd.Series, b: pd.Series, registry: Registry, headers: Headers) -> list[str]:
    """Each column in which two rows of one person differ, with both values as the file has them."""
    return [
        f"“{header_of_unit(b, headers) if field == 'unit_code' else header_as_written(b, field, headers)}”: "
        f"{shown(a, field, registry)} ↔ {shown(b, field, registry)}"
        for field in COMPARED_FIELDS if not _same(a[field], b[field])
    ]


def check_month_sent_twice(people: pd.DataFrame, registry: Registry, headers: Headers, problems: Problems) -> pd.DataFrame:
    """One error for a month that came in two files holding mostly the same people, not one per row.

    The usual case is a corrected export put beside the old one. The rows of
    the second file are left out of the row-by-row checks, which would
    otherwise repeat the same finding for every person.
    """
    dropped = []
    for month, rows in people.groupby("month", sort=True):
        files = list(dict.fromkeys(rows["file"]))
        for index, first in enumerate(files):
            for second in files[index + 1:]:
                if second in dropped:
                    continue
                a = rows[rows["file"] == first].drop_duplicates("person_id").set_index("person_id")
                b = rows[rows["file"] == second].drop_duplicates("person_id").set_index("person_id")
                shared = a.index.intersection(b.index)
                if len(shared) < SAME_MONTH_SHARE * min(len(a), len(b)) or len(shared) < 2:
                    continue
                left, right = a.loc[shared, COMPARED_FIELDS], b.loc[shared, COMPARED_FIELDS]
                differs = (left.ne(right) & ~(left.isna() & right.isna())).fillna(True).any(axis=1)
                changed = list(shared[differs.to_numpy()])
                examples = "; ".join(
                    f"{a.loc[pid, 'full_name']} (dòng {a.loc[pid, 'row']} ↔ {b.loc[pid, 'row']}): "
                    + ", ".join(differences(a.loc[pid], b.loc[pid], registry, headers))
                    for pid in changed[:3]
                )
                what = (f"{format_number(len(changed))} người khác nhau giữa hai tệp, ví dụ {examples}" + (" …" if len(changed) > 3 else "")
                        if changed else "hai tệp giống nhau ở mọi người có trong cả hai")
                problems.error(
                    "month-sent-twice",
                    f"{format_month(month, 'vi', 'long')} có trong hai tệp: “{first}” ({format_number(len(a))} người) và “{second}” "
                    f"({format_number(len(b))} người); {format_number(len(shared))} người có trong cả hai; {what}.",
                    file=second,
                    details=f"“{first}” ({format_number(len(a))}) ↔ “{second}” ({format_number(len(b))}): {format_number(len(shared))} ∩, {format_number(len(changed))} ≠"
                            + (f"; {examples}" if changed else ""),
                    suggestion=f"Mỗi tháng chỉ để một bản trong exports/: nếu “{second}” là bản đã sửa, chuyển “{first}” "
                               "ra chỗ khác (và ngược lại), rồi chạy lại.",
                )
                dropped.append(second)
    return people[~people["file"].isin(dropped)] if dropped else people


def merge_identical_rows(people: pd.DataFrame, problems: Problems, headers: Headers | None = None) -> pd.DataFrame:
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
                         file=row["file"], sheet=row["sheet"] or None, row=int(row["row"]),
                         column=header_as_written(row, "person_id", headers or {}), value=row["person_id"])
    return people.drop(index=candidates.index[repeated])


def check_identity(people: pd.DataFrame, registry: Registry, headers: Headers, problems: Problems) -> None:
    """The same person twice in a month (with any difference, or in two units) is an error naming both sides."""
    known = people[people["unit_code"].notna()]  # a row whose unit is unknown is an error already
    twice = known[known.duplicated(subset=["month", "person_id"], keep=False)]
    for (month, person_id), group in twice.groupby(["month", "person_id"], sort=True):
        first = group.index[0]
        for other in group.index[1:]:
            a, b = people.loc[first], people.loc[other]
            when = format_month(month, "vi", "long").lower()
            if not _same(a["full_name"], b["full_name"]):
                code, what = "id-two-names", f"Mã cán bộ {person_id} mang hai họ tên khác nhau trong {when}"
            elif not _same(a["unit_code"], b["unit_code"]):
                units = f"{shown(a, 'unit_code', registry)} và {shown(b, 'unit_code', registry)}"
                code, what = "person-two-units", f"Mã cán bộ {person_id} ở hai đơn vị trong {when}: {units}"
            else:
                code, what = "person-twice", f"Mã cán bộ {person_id} có hai dòng khác nhau trong {when}"
            changed = "; ".join(differences(a, b, registry, headers))
            problems.error(code, f"{what}: {_row_label(people, first)} và dòng này; khác ở {changed}.",
                           file=b["file"], sheet=b["sheet"] or None, row=int(b["row"]),
                           column=header_as_written(b, "person_id", headers), value=person_id,
                           suggestion="Giữ một dòng đúng cho mỗi người mỗi tháng.",
                           details=f"{a['file']} {a['row']} ↔ {b['file']} {b['row']}; {changed}")


def check_scores(people: pd.DataFrame, policy: Policy, problems: Problems, headers: Headers | None = None) -> None:
    """A final score that earns another rating than the one given is a warning; in more than
    5% of a sheet's rated rows of a month (and two rows at least), the rating column itself is
    suspect: one error for the sheet and month."""
    headers = headers or {}
    earned = policy.scale.from_score(people["final_score"])
    given = people["final_rating"].notna()
    if as_written("final_rating") in people.columns:  # a rating the file left blank came from the score
        given &= people[as_written("final_rating")].fillna("").ne("")
    rated = (earned.notna() & given).fillna(False)
    disagree = (rated & earned.ne(people["final_rating"])).fillna(False)
    if not disagree.any():
        return
    # Per month too: validation runs a month at a time for large data, and must say the same either way.
    for _, sheet_rows in people.loc[rated].groupby(["file", "sheet", "month"], sort=False, dropna=False):
        wrong = sheet_rows.index[disagree[sheet_rows.index].to_numpy()]
        if len(wrong) >= SCORE_DISAGREEMENT_MIN_ROWS and len(wrong) > SCORE_DISAGREEMENT_SHARE * len(sheet_rows):
            _rating_column_suspect(people, earned, wrong, len(sheet_rows), problems, headers)
            continue
        for position in wrong:
            row = people.loc[position]
            score, rating = _score_text(row), shown(row, "final_rating")
            problems.warning("score-disagrees",
                             f"Điểm {score} ứng với mức {earned[position]}, nhưng xếp loại là {rating}.",
                             file=row["file"], sheet=row["sheet"] or None, row=int(row["row"]),
                             column=header_as_written(row, "final_score", headers), value=_score_cell(row),
                             details=f"{score} → {earned[position]} ≠ “{header_as_written(row, 'final_rating', headers)}”: {rating}")


def _score_cell(row: pd.Series) -> str:
    return _written(row, "final_score") or _plain(row["final_score"])


def _score_text(row: pd.Series) -> str:
    return quoted(_score_cell(row))


def _rating_column_suspect(people: pd.DataFrame, earned: pd.Series, wrong: pd.Index, rated: int,
                           problems: Problems, headers: Headers) -> None:
    first = people.loc[wrong[0]]
    rating_header = header_as_written(first, "final_rating", headers)
    score_header = header_as_written(first, "final_score", headers)
    share = format_percent(100 * len(wrong) / rated)
    limit = format_percent(100 * SCORE_DISAGREEMENT_SHARE).replace(",00", "")
    examples = [(int(people.at[p, "row"]), _score_text(people.loc[p]), earned[p], shown(people.loc[p], "final_rating"))
                for p in wrong[:SCORE_EXAMPLES]]
    listed = "; ".join(f"dòng {row}: điểm {score} ứng với {level}, xếp loại {rating}" for row, score, level, rating in examples)
    problems.error(
        "rating-column-suspect",
        f"Cột “{rating_header}” được đọc là xếp loại chính thức, nhưng ở {len(wrong)} trong {rated} dòng có cả xếp "
        f"loại và điểm ({share}, quá {limit}), xếp loại khác mức ứng với điểm ở cột “{score_header}”: cột này có "
        f"thể không phải xếp loại chính thức, ví dụ là cột cá nhân tự xếp loại. Ví dụ: {listed}.",
        file=first["file"], sheet=first["sheet"] or None, row=int(first["row"]), column=rating_header,
        details=f"“{rating_header}” ↔ “{score_header}”: {len(wrong)}/{rated} ({share}) > {limit}; "
                + "; ".join(f"{row}: {score} → {level} ≠ {rating}" for row, score, level, rating in examples),
        suggestion=f"Kiểm tra cột “{rating_header}”: nếu đó là cột tự xếp loại, thêm lại cột xếp loại của thủ trưởng "
                   "(cấp có thẩm quyền) hoặc xuất lại tệp từ phần mềm đánh giá; nếu điểm ghi nhầm cột, sửa cột điểm.",
    )


def drop_months_with_people(history: pd.DataFrame, people: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """Person-level data is the better source; a summary for the same month is left out."""
    overlap = history["month"].isin(set(people["month"].unique()))
    for month in sorted(history.loc[overlap, "month"].unique()):
        problems.info("history-overlap", f"Tháng {month} có cả dữ liệu từng người; bỏ qua bảng tổng hợp của tháng này.")
    return history.loc[~overlap]


def check_history_duplicates(history: pd.DataFrame, problems: Problems, headers: Headers | None = None) -> None:
    repeated = history.duplicated(subset=["month", "unit_code"], keep="first")
    for position in history.index[repeated]:
        row = history.loc[position]
        problems.error("history-duplicate", f"Đơn vị {row['unit_code']} có hai dòng tổng hợp trong tháng {row['month']}.",
                       file=row["file"], sheet=row["sheet"] or None, row=int(row["row"]),
                       column=header_of_unit(row, headers or {}), value=row["unit_code"])
