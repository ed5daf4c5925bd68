"""How the demo rates its staff each month: the shares of each level, the XS quota and who
is chosen under it, those not evaluated, self ratings and scores in their bands, and the
notes an officer would write beside each.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .months import Calendar
from .staff import Staff, low_coverage_month, over_quota_month
from .vocabulary import (
    HT_NOTES,
    K_NOTES,
    LOWERED_NOTES,
    NEW_HIRE_NOTE,
    NOT_EVALUATED_NOTES,
    QUOTA_NOTES,
    T_NOTES,
    XS_NOTES,
)

# ---------------------------------------------------------------- rating scale
# Levels are small integers everywhere: 0 XS, 1 T, 2 HT, 3 K, -1 not evaluated.
XS, T, HT, K, NOT_EVALUATED = 0, 1, 2, 3, -1


# Score bands of the 100-point scale: (mean, sd, lowest, highest) per level.
SCORE_BANDS = np.array([(93, 2.5, 90, 100), (84, 4.0, 70, 89), (63, 4.0, 50, 69), (42, 5.0, 20, 49)])


# Target shares of the headcount in a month (Long Biên 2024: ~12.7% XS).
XS_SHARE_OF_GOOD = 0.135  # of those rated T or XS, before the quota cap


HT_SHARE, K_SHARE = 0.026, 0.002


NOT_EVALUATED_SHARE = 0.009


RAISED_SHARE, LOWERED_SHARE = 0.03, 0.02  # nâng mức / hạ mức


QUOTA_DIVISOR = 5  # Nghị định 335/2025: XS at most 20% of those rated T or XS


@dataclass
class MonthRows:
    """One month's person rows, already in export order."""
    frame: pd.DataFrame
    month: int  # month index (months since year 0)

    def __len__(self) -> int:
        return len(self.frame)

    def excellent(self) -> np.ndarray:
        """Indices (into Staff) of the people rated XS."""
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


def rate_month(rng: np.random.Generator, staff: Staff, people: np.ndarray, units: pd.DataFrame,
                calendar: Calendar, month: int) -> MonthRows:
    """Final and self ratings, scores, rewards and notes of everyone on the rolls."""
    unit = staff.unit[people]
    is_new_hire = (staff.start[people] == month) & (month > 0)
    final = _draw_lower_levels(rng, len(people))
    not_evaluated = _not_evaluated(rng, unit, is_new_hire, staff.leader_rank[people], len(units),
                                   month == low_coverage_month(calendar.spread))
    final[not_evaluated] = NOT_EVALUATED
    over_quota = month == over_quota_month(calendar.spread)
    _choose_excellent(rng, final, unit, staff.merit[people], len(units), over_quota)
    self_level = _self_levels(rng, final)
    final_score = _band_scores(rng, final)
    self_score = _self_scores(rng, self_level, final, final_score)
    frame = pd.DataFrame({
        "person": people, "id": staff.id[people], "name": staff.name[people],
        "position": staff.position[people], "leader": staff.leader_rank[people] < 3, "unit": unit,
        "self_level": self_level, "final_level": final, "self_score": self_score,
        "final_score": final_score,
        "reward": np.where(final == XS, half_base_salary(calendar.first + month), 0),
        "note": _notes(rng, final, self_level, is_new_hire),
    })
    order = np.lexsort((people, staff.leader_rank[people], units["code"].to_numpy()[unit],
                        units["kind"].to_numpy()[unit]))
    return MonthRows(frame.iloc[order].reset_index(drop=True), calendar.first + month)


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


# Lương cơ sở (base salary) in force from each month; the XS reward is half.
BASE_SALARY = ((2017, 7, 1_300_000), (2018, 7, 1_390_000), (2019, 7, 1_490_000),
               (2023, 7, 1_800_000), (2024, 7, 2_340_000))


def half_base_salary(month_index: int) -> int:
    """Half of the base salary in force that month."""
    salary = 0
    for year, month, amount in BASE_SALARY:
        if month_index >= year * 12 + month - 1:
            salary = amount
    return salary // 2
