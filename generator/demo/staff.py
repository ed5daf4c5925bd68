"""The demo's staff month by month: synthetic names, who joins, leaves, moves between
units and is promoted, and the months chosen for a unit over the XS quota or under the
coverage floor.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .months import Calendar
from .units import MERGE_RETENTION, valid_in
from .vocabulary import (
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    FEMALE_SECOND_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    SCHOOL,
    SCHOOL_EXTRA_LEADER,
    STAFF_POSITIONS,
    WARD,
)

MONTHLY_LEAVERS = 0.005


LEADER_SHARE = 0.10


MAX_DEPUTIES = 3


FEMALE_SHARE = {SCHOOL: 0.82, None: 0.5}


SECOND_MIDDLE_SHARE = 0.15


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


class Staff:
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
            if month in mover_months(self.calendar.spread):
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


def mover_months(count: int) -> set[int]:
    return {m for m in (count // 4, (3 * count) // 4) if m >= 1}


def over_quota_month(count: int) -> int:
    return (2 * count) // 3


def low_coverage_month(count: int) -> int:
    return count // 3
