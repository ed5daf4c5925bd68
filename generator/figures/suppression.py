"""Which units publish HT and K only as one merged count, and why (contract section 10).

Primary: a unit with fewer evaluated staff than the minimum. Its HT and K,
nâng mức and hạ mức are hidden.

Secondary (complementary cells, as statistical offices call them, the method
of tau-ARGUS and sdcTable): the block, level and organisation totals stay
published, so that subtracting every other unit's figures from them could
still prove that a merged unit holds a K, or a nâng mức or hạ mức above zero.

The pattern is chosen from what the site publishes anyway, never from what it
hides. An outsider who knows the rule and sees which cells are merged must
learn nothing from the choice: a rule that merged more where a merged unit
holds a K would name that unit by merging. So nothing here reads HT, K, nâng
mức or hạ mức. Each unit-month is seen only through its headcount, its
evaluated staff, its XS and its HT+K (published for every unit), and through
what these bound: a merged unit can hide at most HT+K of K, at most its
evaluated staff of nâng mức and at most its evaluated less XS of hạ mức.

The merged units whose sum a published total gives (those of a block whose
total is published; those of a level's blocks whose totals are merged, which
the level less its other blocks gives) are a *merged group*. A group is
covered when, for each of the three bounds, the others of the group together
reach at least the margin (`Policy.merge_margin`, 2 unless set) and at least the largest one's bound (HT+K) or half of
it (evaluated, evaluated less XS): then a total proves a merged unit's count
above zero only where nearly everyone the others could hide holds it, e.g.
where the others' HT+K are all K.

Per month, block by block: a block with a small unit merges the fewest staff
of its other units that make its merged group covered. Where no choice of
them can, the block's total is merged too, and the level's merged group (the
merged units of its blocks whose totals are merged) is covered the same way
from the level's other units, merging the total of each block it takes a
unit from. Where even the whole level cannot cover nâng mức or hạ mức, the
level's and the organisation's show none (the last resort of the contract);
where it cannot cover K, the auditor (`view.audit`) decides and the build
refuses if anything is proven. The auditor checks every build whatever the
rule says.

Years need nothing of their own: a block's or level's year shows HT and K
merged when any of its months does (see `public`), so each year total is the
sum of published month totals and proves nothing they do not.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from .aggregate import ORGANISATION_KEY
from generator.core.config import Policy
from generator.ingest.registry import Registry

SMALL = "small"  # fewer evaluated staff than the minimum
PROTECTS = "protects"  # merged so that a small unit of its block cannot be recovered
# Share of the largest bound the others must reach: K can be all of a unit's HT+K,
# nâng mức and hạ mức are a few in a hundred.
SHARES = (1.0, 0.5, 0.5)  # HT+K, evaluated, evaluated less XS
# Partners are searched exhaustively among this many candidates (fewest staff first),
# in sets of at most PARTNERS; beyond that, one at a time.
CANDIDATES_TRIED = 16
PARTNERS = 3


@dataclass(frozen=True)
class Merges:
    """The merged unit-months and why, and the block-months whose totals show HT and K merged."""

    reasons: Mapping[tuple[str, str], str]  # (month, unit code) -> SMALL or PROTECTS
    blocks: frozenset[tuple[str, str]] = frozenset()  # (month, block) merged to protect a unit
    # (month, "level" | "org", key): totals that show no nâng mức or hạ mức, the last
    # resort where a level cannot cover a small unit of its own.
    quiet: frozenset[tuple[str, str, str]] = frozenset()

    def reason(self, month: str, unit: str) -> str | None:
        return self.reasons.get((month, unit))

    def block_reason(self, month: str, block: str) -> str | None:
        return PROTECTS if (month, block) in self.blocks else None

    def shows_self_compared(self, month: str, group: str, key: str) -> bool:
        return (month, group, key) not in self.quiet

    def count(self, reason: str) -> int:
        return sum(1 for r in self.reasons.values() if r == reason)


# The only columns the rule may read: what every unit's row publishes.
PUBLISHED = ("month", "unit_code", "headcount", "evaluated", "xs", "t")


def choose_merges(units: pd.DataFrame, registry: Registry, policy: Policy) -> Merges:
    """The merged unit-months of `units` (aggregate.unit_months): small units, and their complements."""
    reasons: dict[tuple[str, str], str] = {}
    blocks: set[tuple[str, str]] = set()
    quiet: set[tuple[str, str, str]] = set()
    if units.empty:
        return Merges(reasons)
    frame = _published(units, registry)
    order = {code: i for i, code in enumerate(registry.units)}
    for month, rows in frame.groupby("month", sort=True):
        chosen = _Month(rows, order, policy)
        chosen.protect()
        for code in chosen.small:
            reasons[(month, code)] = SMALL
        for code in chosen.merged.difference(chosen.small):
            reasons[(month, code)] = PROTECTS
        blocks.update((month, block) for block in chosen.hidden_blocks)
        quiet.update((month, group, key) for group, key in chosen.quiet)
    return Merges(reasons, frozenset(blocks), frozenset(quiet))


@dataclass(frozen=True, slots=True)
class _Unit:
    code: str
    block: str
    level: str
    order: int
    headcount: int
    bounds: tuple[int, int, int]  # the most it can hide: K (HT+K), nâng mức (evaluated), hạ mức (evaluated - XS)

    @property
    def key(self) -> tuple[int, int]:
        return (self.headcount, self.order)


def covered(units: Iterable[_Unit], margin: int, quantities: tuple[int, ...] = (0, 1, 2)) -> bool:
    """Whether a merged group's hidden counts are each covered by the others of the group."""
    return _shortfall(list(units), margin, quantities) == 0


def _shortfall(units: list[_Unit], margin: int, quantities: tuple[int, ...] = (0, 1, 2)) -> float:
    """How far a merged group is from covered, summed over the bounds `quantities` (0: covered)."""
    missing = 0.0
    for index in quantities:
        share = SHARES[index]
        values = [u.bounds[index] for u in units]
        total = sum(values)
        if total == 0:
            continue  # nothing hidden: the group's count is 0 for all to see
        top = max(values)
        missing += max(0.0, max(margin, share * top) - (total - top))
    return missing


class _Month:
    """One month's units as published, and the merges chosen so far."""

    def __init__(self, rows: pd.DataFrame, order: Mapping[str, int], policy: Policy):
        self.margin = policy.merge_margin
        self.units: dict[str, _Unit] = {}
        for code, block, level, headcount, evaluated, xs, t in zip(
                rows["unit_code"], rows["block"], rows["level"], rows["headcount"], rows["evaluated"], rows["xs"],
                rows["t"]):
            evaluated, xs, t = int(evaluated), int(xs), int(t)
            self.units[code] = _Unit(code, block, level, order[code], int(headcount),
                                     (evaluated - xs - t, evaluated, evaluated - xs))
        ordered = sorted(self.units.values(), key=lambda u: u.order)
        self.small = [u.code for u in ordered if policy.merges(u.bounds[1])]
        self.merged = set(self.small)
        self.blocks = _members(ordered, "block")
        self.levels = _members(ordered, "level")
        # A total too small to show HT and K apart is merged whatever this rule says.
        self.small_blocks = {b for b, members in self.blocks.items()
                             if policy.merges(sum(self.units[c].bounds[1] for c in members))}
        self.hidden_blocks: set[str] = set()
        self.quiet: set[tuple[str, str]] = set()

    def protect(self) -> None:
        for block, members in self.blocks.items():
            if self.merged.intersection(members) and block not in self.small_blocks:
                partners = self._partners(self._group(members), [c for c in members if c not in self.merged])
                if partners is not None:
                    self.merged.update(u.code for u in partners)
                else:
                    self.hidden_blocks.add(block)
        for level, members in self.levels.items():
            self._protect_level(level, members)

    def _hidden(self, block: str) -> bool:
        return block in self.hidden_blocks or block in self.small_blocks

    def _group(self, codes: Iterable[str]) -> list[_Unit]:
        return [self.units[c] for c in codes if c in self.merged]

    def _protect_level(self, level: str, members: list[str]) -> None:
        """The level less its blocks whose totals are published gives the sum of the merged units of the others."""
        pool = self._group(c for c in members if self._hidden(self.units[c].block))
        if not pool or covered(pool, self.margin):
            return
        # A unit of a block whose total is published joins the pool only with its block's
        # total merged, and brings the block's merged units with it.
        candidates = [c for c in members if c not in self.merged]
        for quantities in ((0, 1, 2), (1, 2)):
            partners = self._partners(pool, candidates, quantities, joining=True)
            if partners is not None:
                self.merged.update(u.code for u in partners)
                self.hidden_blocks.update(u.block for u in partners if not self._hidden(u.block))
                return
        # Even the whole level cannot cover nâng mức or hạ mức: they go from the level's
        # total and the organisation's (which less the other levels gives the level's).
        # What it cannot cover of K is the auditor's to judge.
        if level:
            self.quiet.add(("level", level))
        self.quiet.add(("org", ORGANISATION_KEY))

    def _partners(self, group: list[_Unit], candidates: list[str], quantities: tuple[int, ...] = (0, 1, 2),
                  joining: bool = False) -> list[_Unit] | None:
        """The fewest staff of `candidates` whose merging covers `group`; None if none do.

        `joining`: a candidate's block total is merged with it, so its block's merged units join the group too."""
        pool = sorted((self.units[c] for c in candidates), key=lambda u: u.key)

        def brought(chosen: tuple[_Unit, ...]) -> list[_Unit]:
            extra = list(chosen)
            if joining:
                seen = {u.code for u in group} | {u.code for u in chosen}
                for block in dict.fromkeys(u.block for u in chosen):
                    if not self._hidden(block):
                        extra += [self.units[c] for c in self.blocks[block] if c in self.merged and c not in seen]
            return extra

        def cost(chosen: tuple[_Unit, ...]) -> tuple:
            new_blocks = len({u.block for u in chosen if not self._hidden(u.block)}) if joining else 0
            return (new_blocks, sum(u.headcount for u in chosen), tuple(u.order for u in chosen))

        best = None
        tried = pool[:CANDIDATES_TRIED]
        for size in range(1, PARTNERS + 1):
            for chosen in itertools.combinations(tried, size):
                if (best is None or cost(chosen) < cost(best)) and covered(group + brought(chosen), self.margin, quantities):
                    best = chosen
        if best is not None:
            return list(best)
        # One at a time, the candidate that brings the group nearest to covered (fewest staff on a tie).
        chosen: list[_Unit] = []
        rest = list(pool)
        while rest:
            current = _shortfall(group + brought(tuple(chosen)), self.margin, quantities)
            if current == 0:
                return chosen
            step = min(rest, key=lambda u: (_shortfall(group + brought((*chosen, u)), self.margin, quantities), u.key))
            if _shortfall(group + brought((*chosen, step)), self.margin, quantities) >= current:
                return None
            chosen.append(step)
            rest.remove(step)
        return chosen if covered(group + brought(tuple(chosen)), self.margin, quantities) else None


def _members(units: list[_Unit], group: str) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for unit in units:
        members.setdefault(getattr(unit, group), []).append(unit.code)
    return members


def _published(units: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """The unit-months' published columns with their block and level: nothing hidden is read past here."""
    groups = registry.frame()[["unit_code", "block", "level"]]
    frame = units[list(PUBLISHED)].merge(groups, on="unit_code", how="left")
    frame["level"] = frame["level"].fillna("")
    return frame
