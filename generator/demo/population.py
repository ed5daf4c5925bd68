"""A synthetic, realistic demo data set in the export format of the contract.

`write_demo(out)` writes a folder laid out like the `data/` folder officers
fill (EXPORT-FORMAT.md is the law for every file):

    out/units.csv          the units registry (section 6), with one
                           reorganisation on 2025-07-01: ward offices merged
                           into new ones that carry their history (successor)
    out/exports/*.xlsx|csv person-level monthly exports (section 3) for the
                           last `months` months ending at `last_month`
    out/history/*.csv      unit-level summaries (section 7) for the
                           `history_months` months before those
    out/withheld.csv       ids of a few people rated XS whose names the site
                           must withhold (section 10)
    out/DEMO               a marker: the site says "dữ liệu minh họa" while
                           it exists

Everything is invented: people are random combinations of common Vietnamese
family, middle and given names with random ids; only the place names are
real (wards of Long Biên and of Hà Nội, and the names schools carry). The data is valid per the contract
and raises only the warnings a real data set would: one month with a unit or
two over the XS quota, and one month with a small unit under the coverage
floor.

The exports vary the way real ones do. Most months are one xlsx for all
units with the administrative title block, a two-row header ("Kết quả xếp
loại" merged over "Tự xếp loại" | "Thủ trưởng xếp loại"), a row of column
numbers, a group title before each block, and the signature block below the
data; the month is only in the title line, except for two files whose names
carry it too. Every sixth month is a semicolon CSV with BOM and a "Tháng"
column, one month comes as one xlsx per block, and every fifth month writes
ratings as abbreviations (HTXSNV ...) and "-" for "not evaluated".

Large sets (more than XLSX_MAX_STAFF people in the first month) are written
as CSV only: openpyxl writes some 25k cells a second and reads some 100k, so
a city-scale month of 180k rows (2.3M cells) would take minutes to write and
about 20 s to read back, per month. (Even the xlsx of normal sets are only
laid out by openpyxl; their person rows are spliced in as XML text, see
_write_xlsx.) Measured on the 2-core machine: the default set (24 months,
5,000 people, 20 xlsx) in about 4 s; the city set (12 months, 177,379
people, 2,000 units) in about 16 s and 370 MB.

Same arguments, same bytes: all randomness comes from one seed, and xlsx
files get fixed document properties and zip timestamps derived from their
month.
"""
from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .vocabulary import (BLOCKS, FAMILY_NAMES, FEMALE_GIVEN, FEMALE_MIDDLE,
                          FEMALE_SECOND_MIDDLE, HT_NOTES, K_NOTES,
                          LOWERED_NOTES, MALE_GIVEN,
                          MALE_MIDDLE, NEW_HIRE_NOTE, NOT_EVALUATED_NOTES, QUOTA_NOTES, ROMAN, SCHOOL, SCHOOL_EXTRA_LEADER, STAFF_POSITIONS, T_NOTES, WARD, XS_NOTES)
from .months import Calendar, index_of_month, label_of_month
from .units import MERGE_RETENTION, build_units, valid_in, write_units
from .writers import write_csv, write_excel_csv, write_xlsx

XLSX_MAX_STAFF = 20_000
MARKER_NAME = "DEMO"

# ---------------------------------------------------------------- rating scale
# Levels are small integers everywhere: 0 XS, 1 T, 2 HT, 3 K, -1 not evaluated.
XS, T, HT, K, NOT_EVALUATED = 0, 1, 2, 3, -1
FULL_LABELS = np.array(
    ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
     "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"], dtype=object)
SHORT_LABELS = np.array(["HTXSNV", "HTTNV", "HTNV", "KHTNV"], dtype=object)
# Score bands of the 100-point scale: (mean, sd, lowest, highest) per level.
SCORE_BANDS = np.array([(93, 2.5, 90, 100), (84, 4.0, 70, 89), (63, 4.0, 50, 69), (42, 5.0, 20, 49)])

# Target shares of the headcount in a month (Long Biên 2024: ~12.7% XS).
XS_SHARE_OF_GOOD = 0.135  # of those rated T or XS, before the quota cap
HT_SHARE, K_SHARE = 0.026, 0.002
NOT_EVALUATED_SHARE = 0.009
RAISED_SHARE, LOWERED_SHARE = 0.03, 0.02  # nâng mức / hạ mức
MONTHLY_LEAVERS = 0.005
QUOTA_DIVISOR = 5  # Nghị định 335/2025: XS at most 20% of those rated T or XS

# Lương cơ sở (base salary) in force from each month; the XS reward is half.
BASE_SALARY = ((2017, 7, 1_300_000), (2018, 7, 1_390_000), (2019, 7, 1_490_000),
               (2023, 7, 1_800_000), (2024, 7, 2_340_000))


LEADER_SHARE = 0.10
MAX_DEPUTIES = 3

FEMALE_SHARE = {SCHOOL: 0.82, None: 0.5}
SECOND_MIDDLE_SHARE = 0.15


HISTORY_COLUMNS = ("Tháng", "Mã đơn vị", "Đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV",
                   "Không đánh giá", "Nâng mức", "Hạ mức")


@dataclass(frozen=True)
class DemoSummary:
    """What write_demo wrote, for the CLI's one-line report."""
    months: tuple[str, ...]          # person-level months, "YYYY-MM"
    history_months: tuple[str, ...]  # unit-level months before them
    files: tuple[str, ...]           # paths relative to the output folder
    units: int                       # rows of units.csv
    people_rows: int                 # person-month rows over all exports
    people: int                      # distinct people

    def describe(self) -> str:
        span = f"{self.months[0]}..{self.months[-1]}" if self.months else "no months"
        return (f"demo data: {len(self.files)} files, {self.units} units, {self.people} people, "
                f"{self.people_rows} person-month rows ({span}, "
                f"{len(self.history_months)} months of unit-level history)")


def write_demo(out: Path, *, months: int = 24, units: int = 150, staff: int = 5000,
               seed: int = 1, history_months: int = 12, last_month: str = "2026-10") -> DemoSummary:
    """Write the synthetic data set into `out` (see the module docstring).

    `units` is the number of rows of units.csv (including the wards that the
    reorganisation replaces), `staff` the headcount of the first month. Sets
    with more than XLSX_MAX_STAFF people are written as CSV only.

    `out` must be empty, missing, or a previous demo folder (it has the DEMO
    marker): then the files this function owns are replaced. Anything else is
    refused, so that real data is never overwritten.
    """
    _check_arguments(months, units, staff, history_months, last_month)
    out = Path(out)
    _prepare_output(out)
    rng_units, rng_people, rng_ratings, rng_history, rng_withheld = np.random.default_rng(seed).spawn(5)
    calendar = Calendar(index_of_month(last_month) - months + 1, months, history_months)

    registry = build_units(rng_units, units, staff, calendar)
    written = [write_units(out, registry)]
    staff_model = _Staff(rng_people, registry, calendar, staff)
    excellent: list[np.ndarray] = []  # per month, the people rated XS
    people_rows = 0
    for month in range(months):
        on_roll = staff_model.advance(month)
        rows = _rate_month(rng_ratings, staff_model, on_roll, registry, calendar, month)
        written += _write_month(out, rows, registry, calendar, month, large=staff > XLSX_MAX_STAFF)
        excellent.append(rows.excellent())
        people_rows += len(rows)
    written += _write_history(out, rng_history, registry, calendar)
    written.append(_write_withheld(out, rng_withheld, staff_model, excellent))
    written.append(_write_marker(out, calendar, units, staff, seed))
    return DemoSummary(
        months=tuple(label_of_month(m) for m in calendar.months),
        history_months=tuple(label_of_month(m) for m in calendar.history),
        files=tuple(sorted(p.relative_to(out).as_posix() for p in written)),
        units=len(registry), people_rows=people_rows, people=staff_model.count)


# ================================================================ arguments, calendar

def _check_arguments(months: int, units: int, staff: int, history_months: int, last_month: str) -> None:
    if months < 1:
        raise ValueError("months must be at least 1")
    if history_months < 0:
        raise ValueError("history_months must not be negative")
    if units < 10:
        raise ValueError("units must be at least 10 (every block, a ward merger and a school)")
    if staff < 5 * units:
        raise ValueError(f"staff must be at least 5 per unit ({5 * units} for {units} units)")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", last_month):
        raise ValueError(f"last_month must read YYYY-MM, not {last_month!r}")


def _prepare_output(out: Path) -> None:
    """Refuse to write over anything but an earlier demo; clear what we own."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER_NAME).is_file():
        raise FileExistsError(
            f"{out} is not empty and has no {MARKER_NAME} marker: it may hold real data; "
            "choose an empty or new folder")
    for folder in ("exports", "history"):
        shutil.rmtree(out / folder, ignore_errors=True)
        (out / folder).mkdir(parents=True)


def _reward(month_index: int) -> int:
    """Half of the base salary in force that month."""
    salary = 0
    for year, month, amount in BASE_SALARY:
        if month_index >= year * 12 + month - 1:
            salary = amount
    return salary // 2


# ================================================================ units registry


# ================================================================ people

def _weighted(pairs: tuple[tuple[str, float], ...]) -> tuple[np.ndarray, np.ndarray]:
    names, weights = zip(*pairs)
    weights = np.array(weights, dtype=float)
    return np.array(names, dtype=object), weights / weights.sum()


def _synthetic_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Family + middle (+ second middle) + given name, with realistic frequencies."""
    n = len(female)
    families, family_p = _weighted(FAMILY_NAMES)
    f_middles, f_middle_p = _weighted(FEMALE_MIDDLE)
    m_middles, m_middle_p = _weighted(MALE_MIDDLE)
    family = rng.choice(families, n, p=family_p)
    middle = np.where(female, rng.choice(f_middles, n, p=f_middle_p),
                      rng.choice(m_middles, n, p=m_middle_p))
    second = rng.choice(np.array(FEMALE_SECOND_MIDDLE, dtype=object), n)
    with_second = female & (middle == "Thị") & (rng.random(n) < SECOND_MIDDLE_SHARE)
    middle = np.where(with_second, middle + " " + second, middle)
    given = np.where(female, rng.choice(np.array(FEMALE_GIVEN, dtype=object), n),
                     rng.choice(np.array(MALE_GIVEN, dtype=object), n))
    return family + " " + middle + " " + given


class _Staff:
    """Everyone who is ever on the rolls, and who is where in each month.

    People keep their id, name, unit and position; each month about 0.5%
    leave and are replaced by new hires in the same post, two people move to
    another school, and at the reorganisation the staff of merged ward
    offices move to the new office (some leave).
    """

    def __init__(self, rng: np.random.Generator, units: pd.DataFrame, calendar: Calendar, staff: int):
        self.rng, self.units, self.calendar = rng, units, calendar
        self.kinds = units["kind"].to_numpy()
        sizes = np.where(valid_in(units, calendar.first), units["size"].to_numpy(), 0)
        unit = np.repeat(np.arange(len(units)), sizes)
        rank_in_unit = np.arange(len(unit)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        self.unit = unit
        self.position, self.leader_rank = self._positions(unit, rank_in_unit)  # rank 0 head .. 3 staff
        self.start = np.zeros(len(unit), dtype=np.int32)
        self.on_roll = np.ones(len(unit), dtype=bool)
        self.name = _synthetic_names(rng, self._draw_female(unit))
        self.merit = rng.normal(size=len(unit)) + 0.6 * (self.leader_rank < 3)
        # Ids in random order, so they do not follow the units; hires continue the sequence.
        self.id_width = max(6, len(str(1001 + 3 * staff)))
        self.next_serial = 1001
        self.id = self._new_ids(rng.permutation(len(unit)))
        self.next_serial += len(unit)

    @property
    def count(self) -> int:
        return len(self.unit)

    def _new_ids(self, offsets: np.ndarray) -> np.ndarray:
        serials = (self.next_serial + offsets).tolist()
        return np.array([f"CB{serial:0{self.id_width}d}" for serial in serials], dtype=object)

    def advance(self, month: int) -> np.ndarray:
        """Apply the month's events; the indices of the people on the rolls that month."""
        if month > 0:
            if month == self.calendar.merger:
                self._merge_wards()
            if month in _mover_months(self.calendar.count):
                self._move_one_teacher()
            self._replace_leavers(month)
        return np.flatnonzero(self.on_roll)

    # -- construction helpers
    def _draw_female(self, unit: np.ndarray) -> np.ndarray:
        share = np.where(self.kinds[unit] == SCHOOL, FEMALE_SHARE[SCHOOL], FEMALE_SHARE[None])
        return self.rng.random(len(unit)) < share

    def _positions(self, unit: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Head first, then deputies, then (in schools) team leaders, then staff."""
        size = self.units["size"].to_numpy()[unit]
        leaders = np.maximum(1, np.round(size * LEADER_SHARE))
        deputies = np.minimum(leaders - 1, MAX_DEPUTIES)
        is_school = self.kinds[unit] == SCHOOL
        leader_rank = np.select([rank == 0, rank <= deputies, rank < leaders], [0, 1, 2], 3)
        # Outside schools, leaders beyond the deputies are deputies too.
        leader_rank = np.where((leader_rank == 2) & ~is_school, 1, leader_rank)
        heads = self.units["head_title"].to_numpy()[unit]
        deputy_titles = self.units["deputy_title"].to_numpy()[unit]
        position = np.select([leader_rank == 0, leader_rank == 1, leader_rank == 2],
                             [heads, deputy_titles, SCHOOL_EXTRA_LEADER], self._staff_positions(unit))
        return position.astype(object), leader_rank

    def _staff_positions(self, unit: np.ndarray) -> np.ndarray:
        kind = self.kinds[unit]
        positions = np.empty(len(unit), dtype=object)
        for key, (names, shares) in STAFF_POSITIONS.items():
            chosen = (kind == key) if key is not None else ~np.isin(kind, [SCHOOL, WARD])
            positions[chosen] = self.rng.choice(np.array(names, dtype=object), chosen.sum(), p=shares)
        return positions

    # -- monthly events
    def _merge_wards(self) -> None:
        code_to_index = {code: i for i, code in enumerate(self.units["code"])}
        successors = self.units["successor"].to_numpy()
        for successor in sorted(set(successors) - {""}):
            new_unit = code_to_index[successor]
            merging = np.flatnonzero(successors == successor)
            staff = np.flatnonzero(self.on_roll & np.isin(self.unit, merging))
            staff_only = staff[self.leader_rank[staff] == 3]
            leaving = self.rng.random(len(staff_only)) > MERGE_RETENTION
            self.on_roll[staff_only[leaving]] = False
            # One head stays head; the other heads become deputies of the new office.
            heads = staff[self.leader_rank[staff] == 0]
            self.leader_rank[heads[1:]] = 1
            self.position[heads[1:]] = self.units["deputy_title"].iat[new_unit]
            self.unit[staff] = new_unit

    def _move_one_teacher(self) -> None:
        on_roll_teachers = np.flatnonzero(self.on_roll & (self.position == "Giáo viên"))
        schools = np.flatnonzero((self.kinds == SCHOOL) & valid_in(self.units, self.calendar.first))
        if len(on_roll_teachers) == 0 or len(schools) < 2:
            return
        person = self.rng.choice(on_roll_teachers)
        self.unit[person] = self.rng.choice(schools[schools != self.unit[person]])

    def _replace_leavers(self, month: int) -> None:
        """About 0.5% of staff leave; each post is filled by a new hire."""
        candidates = np.flatnonzero(self.on_roll & (self.leader_rank == 3))
        leavers = self.rng.choice(candidates, self.rng.binomial(len(candidates), MONTHLY_LEAVERS),
                                  replace=False)
        leavers.sort()
        self.on_roll[leavers] = False
        self._hire(self.unit[leavers], self.position[leavers], month)

    def _hire(self, unit: np.ndarray, position: np.ndarray, month: int) -> None:
        n = len(unit)
        self.unit = np.concatenate([self.unit, unit])
        self.position = np.concatenate([self.position, position])
        self.leader_rank = np.concatenate([self.leader_rank, np.full(n, 3)])
        self.start = np.concatenate([self.start, np.full(n, month, dtype=np.int32)])
        self.on_roll = np.concatenate([self.on_roll, np.ones(n, dtype=bool)])
        self.name = np.concatenate([self.name, _synthetic_names(self.rng, self._draw_female(unit))])
        self.merit = np.concatenate([self.merit, self.rng.normal(size=n)])
        self.id = np.concatenate([self.id, self._new_ids(np.arange(n))])
        self.next_serial += n


def _mover_months(count: int) -> set[int]:
    return {m for m in (count // 4, (3 * count) // 4) if m >= 1}


def _over_quota_month(count: int) -> int:
    return (2 * count) // 3


def _low_coverage_month(count: int) -> int:
    return count // 3


# ================================================================ ratings

@dataclass
class _MonthRows:
    """One month's person rows, already in export order."""
    frame: pd.DataFrame
    month: int  # month index (months since year 0)

    def __len__(self) -> int:
        return len(self.frame)

    def excellent(self) -> np.ndarray:
        """Indices (into _Staff) of the people rated XS."""
        return self.frame["person"].to_numpy()[self.frame["final_level"].to_numpy() == XS]


def _rank_within(groups: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """0-based rank of each element within its group, by ascending key."""
    order = np.lexsort((keys, groups))
    sorted_groups = groups[order]
    group_start = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    starts = np.repeat(group_start, np.diff(np.r_[group_start, len(order)]))
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order)) - starts
    return ranks


def _rate_month(rng: np.random.Generator, staff: _Staff, people: np.ndarray, units: pd.DataFrame,
                calendar: Calendar, month: int) -> _MonthRows:
    """Final and self ratings, scores, rewards and notes of everyone on the rolls."""
    unit = staff.unit[people]
    is_new_hire = (staff.start[people] == month) & (month > 0)
    final = _draw_lower_levels(rng, len(people))
    not_evaluated = _not_evaluated(rng, unit, is_new_hire, staff.leader_rank[people], len(units),
                                   month == _low_coverage_month(calendar.count))
    final[not_evaluated] = NOT_EVALUATED
    over_quota = month == _over_quota_month(calendar.count)
    _choose_excellent(rng, final, unit, staff.merit[people], len(units), over_quota)
    self_level = _self_levels(rng, final)
    final_score = _band_scores(rng, final)
    self_score = _self_scores(rng, self_level, final, final_score)
    frame = pd.DataFrame({
        "person": people, "id": staff.id[people], "name": staff.name[people],
        "position": staff.position[people], "leader": staff.leader_rank[people] < 3, "unit": unit,
        "self_level": self_level, "final_level": final, "self_score": self_score,
        "final_score": final_score,
        "reward": np.where(final == XS, _reward(calendar.first + month), 0),
        "note": _notes(rng, final, self_level, is_new_hire),
    })
    order = np.lexsort((people, staff.leader_rank[people], units["code"].to_numpy()[unit],
                        units["kind"].to_numpy()[unit]))
    return _MonthRows(frame.iloc[order].reset_index(drop=True), calendar.first + month)


def _draw_lower_levels(rng: np.random.Generator, n: int) -> np.ndarray:
    """HT and K at their shares; everyone else T for now (XS is chosen per unit)."""
    draw = rng.random(n)
    levels = np.full(n, T, dtype=np.int8)
    levels[draw < K_SHARE + HT_SHARE] = HT
    levels[draw < K_SHARE] = K
    return levels


def _not_evaluated(rng: np.random.Generator, unit: np.ndarray, is_new_hire: np.ndarray,
                   leader_rank: np.ndarray, n_units: int, force_low_coverage: bool) -> np.ndarray:
    """New hires and people on leave, kept within the 95% coverage floor per unit.

    Only units of 21 or more can have someone not evaluated without falling
    under the floor; elsewhere new hires are evaluated like everyone else.
    When asked, one small unit falls under the floor (a realistic warning).
    """
    headcount = np.bincount(unit, minlength=n_units)
    candidates = np.flatnonzero(is_new_hire | (rng.random(len(unit)) < NOT_EVALUATED_SHARE))
    # New hires first (key below 0), then people on leave in random order.
    key = rng.random(len(candidates)) - is_new_hire[candidates]
    allowed = (headcount - 1) // 20
    kept = candidates[_rank_within(unit[candidates], key) < allowed[unit[candidates]]]
    mask = np.zeros(len(unit), dtype=bool)
    mask[kept] = True
    if force_low_coverage:
        _push_one_unit_under_floor(rng, mask, unit, headcount, leader_rank)
    return mask


def _push_one_unit_under_floor(rng: np.random.Generator, mask: np.ndarray, unit: np.ndarray,
                               headcount: np.ndarray, leader_rank: np.ndarray) -> None:
    eligible = np.flatnonzero(headcount >= 8)
    if len(eligible) == 0:
        return
    smallest = eligible[np.argmin(headcount[eligible])]
    needed = headcount[smallest] // 20 + 1  # strictly more than 5% of the unit
    staff = np.flatnonzero((unit == smallest) & (leader_rank == 3))
    mask[rng.choice(staff, min(needed, len(staff)), replace=False)] = True


def _choose_excellent(rng: np.random.Generator, final: np.ndarray, unit: np.ndarray,
                      merit: np.ndarray, n_units: int, over_quota: bool) -> None:
    """Per unit, the best of those rated T become XS, within the quota.

    The quota (Nghị định 335/2025) is XS at most 20% of those rated T or XS.
    In the month asked, one or two units go one person over it.
    """
    good = np.flatnonzero(final == T)
    in_unit = np.bincount(unit[good], minlength=n_units)
    # Stochastic rounding keeps small units' expected share right.
    target = np.floor(in_unit * XS_SHARE_OF_GOOD + rng.random(n_units)).astype(np.int64)
    quota = in_unit // QUOTA_DIVISOR
    target = np.minimum(target, quota)
    if over_quota:
        large = np.flatnonzero(in_unit >= 10)
        if len(large):
            offenders = rng.choice(large, min(2 if n_units >= 40 else 1, len(large)), replace=False)
            target[offenders] = quota[offenders] + 1
    # Merit persists, so the same people tend to be XS again; noise rotates some.
    key = -(merit[good] + rng.normal(0, 0.7, len(good)))
    rank = _rank_within(unit[good], key)
    final[good[rank < target[unit[good]]]] = XS


def _self_levels(rng: np.random.Generator, final: np.ndarray) -> np.ndarray:
    """Mostly the final level; some rated above (nâng mức) or below (hạ mức) it."""
    self_level = final.copy()
    evaluated = final != NOT_EVALUATED
    draw = rng.random(len(final))
    can_raise = evaluated & (final <= HT)   # final above self: self one level lower
    can_lower = evaluated & (final >= T)    # final below self: self one level higher
    lower_p = LOWERED_SHARE * evaluated.sum() / max(can_lower.sum(), 1)
    raised = can_raise & (draw < RAISED_SHARE)
    lowered = can_lower & ~raised & (draw >= RAISED_SHARE) & (draw < RAISED_SHARE + lower_p)
    self_level[raised] += 1
    self_level[lowered] -= 1
    return self_level


def _band_scores(rng: np.random.Generator, levels: np.ndarray) -> np.ndarray:
    """Whole-point 100-point scores inside each level's band; NaN when not evaluated."""
    scores = np.full(len(levels), np.nan)
    rated = levels != NOT_EVALUATED
    mean, sd, low, high = SCORE_BANDS[levels[rated]].T
    scores[rated] = np.clip(np.round(rng.normal(mean, sd)), low, high)
    return scores


def _self_scores(rng: np.random.Generator, self_level: np.ndarray, final: np.ndarray,
                 final_score: np.ndarray) -> np.ndarray:
    """People score themselves a little higher than the head does, within their own band."""
    scores = _band_scores(rng, self_level)
    same = (self_level == final) & (final != NOT_EVALUATED)
    _, _, low, high = SCORE_BANDS[final[same]].T
    scores[same] = np.clip(final_score[same] + rng.integers(0, 4, same.sum()), low, high)
    return scores


def _notes(rng: np.random.Generator, final: np.ndarray, self_level: np.ndarray,
           is_new_hire: np.ndarray) -> np.ndarray:
    notes = np.full(len(final), "", dtype=object)
    draw = rng.random(len(final))

    def fill(where: np.ndarray, choices: tuple[str, ...]) -> None:
        notes[where] = rng.choice(np.array(choices, dtype=object), where.sum())

    not_evaluated = final == NOT_EVALUATED
    fill(not_evaluated & ~is_new_hire, NOT_EVALUATED_NOTES)
    notes[not_evaluated & is_new_hire] = NEW_HIRE_NOTE
    fill((final == K), K_NOTES)
    fill((final == HT) & (draw < 0.6), HT_NOTES)
    fill((final == T) & (self_level == T) & (draw < 0.01), T_NOTES)
    fill((final == XS) & (draw < 0.05), XS_NOTES)
    lowered = (final > self_level) & (final != NOT_EVALUATED) & (draw < 0.5)
    fill(lowered & (self_level == XS), QUOTA_NOTES)
    fill(lowered & (self_level != XS), LOWERED_NOTES)
    return notes


# ================================================================ monthly exports

@dataclass(frozen=True)
class _MonthStyle:
    csv: bool
    split: bool          # one file per block
    abbreviations: bool  # HTXSNV ... and "-" for not evaluated


def _month_style(month: int, count: int, large: bool) -> _MonthStyle:
    csv = large or month % 6 == 2
    split_month = count // 2 - 1
    if split_month % 6 == 2 and not large:  # keep the split month an xlsx one
        split_month -= 1
    return _MonthStyle(csv=csv, split=month == split_month, abbreviations=month % 5 == 3)


def _write_month(out: Path, rows: _MonthRows, units: pd.DataFrame, calendar: Calendar,
                 month: int, large: bool) -> list[Path]:
    style = _month_style(month, calendar.count, large)
    table = _export_values(rows, units, style)
    kinds = units["kind"].to_numpy()[rows.frame["unit"].to_numpy()]
    if style.split:
        parts = [(kind, kinds == kind) for kind in range(len(BLOCKS)) if (kinds == kind).any()]
    else:
        parts = [(None, np.ones(len(kinds), dtype=bool))]
    paths = []
    for kind, in_part in parts:
        path = out / "exports" / _file_name(rows.month, month, calendar.count, style, kind)
        if style.csv:
            write_csv(path, table[in_part], rows.month)
        else:
            titles = np.array([f"{ROMAN[kind]}. {BLOCKS[kind].upper()}" for kind in kinds[in_part]], dtype=object)
            write_xlsx(path, table[in_part], titles, rows.month, sign_day=3 + month % 5)
        paths.append(path)
    return paths


def _file_name(month_index: int, month: int, count: int, style: _MonthStyle, kind: int | None) -> str:
    """Most xlsx names carry no month (it is in the title line); two do, and agree."""
    mm, yyyy = f"{month_index % 12 + 1:02d}", f"{month_index // 12}"
    block = _ascii(BLOCKS[kind]) if kind is not None else ""
    if style.csv:
        return f"{block or 'Ket qua xep loai'}_T{mm}_{yyyy}.csv"
    if kind is None and month == count - 1:
        return f"{yyyy}-{mm} Ket qua xep loai.xlsx"
    if kind is None and month == 0:
        return f"Thang {mm}-{yyyy} - Tong hop xep loai.xlsx"
    prefix = f"{block} - " if block else ""
    return f"{prefix}Bang tong hop xep loai (ban {month + 1:02d}).xlsx"


def _ascii(text: str) -> str:
    """File names stay ASCII: 'Khối Đảng' -> 'Khoi Dang'."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _export_values(rows: _MonthRows, units: pd.DataFrame, style: _MonthStyle) -> pd.DataFrame:
    """The month's rows as export columns, values typed the way xlsx holds them."""
    frame = rows.frame
    unit = frame["unit"].to_numpy()
    labels = SHORT_LABELS if style.abbreviations else FULL_LABELS
    not_rated = "-" if style.abbreviations else None
    return pd.DataFrame({
        "STT": np.arange(1, len(frame) + 1),
        "Mã CB": frame["id"].to_numpy(),
        "Họ và tên": frame["name"].to_numpy(),
        "Chức vụ": frame["position"].to_numpy(),
        "Mã đơn vị": units["code"].to_numpy()[unit],
        "Đơn vị": units["name"].to_numpy()[unit],
        "LĐQL": np.where(frame["leader"].to_numpy(), "x", None),
        "Điểm tự chấm": _whole_or_none(frame["self_score"].to_numpy()),
        "Điểm thẩm định": _whole_or_none(frame["final_score"].to_numpy()),
        # Self rating stays blank when not evaluated, in every style.
        "Tự xếp loại": _labels(frame["self_level"].to_numpy(), labels, None),
        "Thủ trưởng xếp loại": _labels(frame["final_level"].to_numpy(), labels, not_rated),
        "Khen thưởng": np.where(frame["reward"].to_numpy() > 0, frame["reward"].to_numpy(), None),
        "Ghi chú": np.where(frame["note"].to_numpy() != "", frame["note"].to_numpy(), None),
    }, dtype=object)  # object columns keep None for blank cells (pandas would make them NaN)


def _labels(levels: np.ndarray, labels: np.ndarray, not_rated: str | None) -> np.ndarray:
    return np.where(levels >= 0, labels[np.maximum(levels, 0)], not_rated)


def _whole_or_none(scores: np.ndarray) -> np.ndarray:
    values = np.empty(len(scores), dtype=object)
    rated = ~np.isnan(scores)
    values[rated] = scores[rated].astype(np.int64).tolist()
    return values


# ---------------------------------------------------------------- CSV exports


# ---------------------------------------------------------------- xlsx exports


# ================================================================ history, withheld, marker

def _write_history(out: Path, rng: np.random.Generator, units: pd.DataFrame,
                   calendar: Calendar) -> list[Path]:
    """Unit-level summaries for the months before person-level data, one CSV per year."""
    if calendar.history_count == 0:
        return []
    frames = [_history_month(rng, units, month) for month in calendar.history]
    history = pd.concat(frames, ignore_index=True)
    years = np.array([m // 12 for m in calendar.history]).repeat([len(f) for f in frames])
    paths = []
    for year in dict.fromkeys(years.tolist()):
        path = out / "history" / f"Tong hop theo don vi - nam {year}.csv"
        write_excel_csv(path, history[years == year], separator=",")
        paths.append(path)
    return paths


def _history_month(rng: np.random.Generator, units: pd.DataFrame, month: int) -> pd.DataFrame:
    valid = units[valid_in(units, month)].sort_values(["kind", "code"])
    n = len(valid)
    total = np.maximum(np.round(valid["size"].to_numpy() * rng.normal(1, 0.02, n)), 3).astype(np.int64)
    not_evaluated = np.minimum(rng.binomial(total, NOT_EVALUATED_SHARE), (total - 1) // 20)
    evaluated = total - not_evaluated
    k = rng.binomial(evaluated, K_SHARE)
    ht = rng.binomial(evaluated - k, HT_SHARE)
    good = evaluated - k - ht
    xs = np.floor(good * XS_SHARE_OF_GOOD + rng.random(n)).astype(np.int64)
    xs = np.minimum(xs, good // QUOTA_DIVISOR)
    raised = rng.binomial(evaluated - k, RAISED_SHARE)
    lowered = rng.binomial(evaluated - xs - raised, LOWERED_SHARE)
    counts = (total, xs, good - xs, ht, k, not_evaluated, raised, lowered)
    return pd.DataFrame({
        "Tháng": f"{month % 12 + 1:02d}/{month // 12}",
        "Mã đơn vị": valid["code"].to_numpy(), "Đơn vị": valid["name"].to_numpy(),
        **dict(zip(HISTORY_COLUMNS[3:], counts)),
    })


def _write_withheld(out: Path, rng: np.random.Generator, staff: _Staff,
                    excellent: list[np.ndarray]) -> Path:
    """Three people rated XS whose names the site must withhold.

    They are taken from the latest month's XS, so that the latest honour
    list shows the withheld line; any month's XS if that month has none.
    """
    candidates = excellent[-1] if len(excellent[-1]) else np.unique(np.concatenate(excellent))
    chosen = np.sort(rng.choice(candidates, min(3, len(candidates)), replace=False))
    path = out / "withheld.csv"
    pd.DataFrame({"person_id": staff.id[chosen]}).to_csv(path, index=False, lineterminator="\n")
    return path


def _write_marker(out: Path, calendar: Calendar, units: int, staff: int, seed: int) -> Path:
    path = out / MARKER_NAME
    path.write_text(
        "Synthetic demo data (dữ liệu minh họa) written by `python -m generator demo`: "
        f"{calendar.count} months to {label_of_month(calendar.months[-1])} plus "
        f"{calendar.history_count} months of unit-level history, {units} units, {staff} people, "
        f"seed {seed}. Every person in it is invented.\n", encoding="utf-8")
    return path
