"""Which units publish HT and K only as one merged count, and why (contract section 10).

Primary: a unit with fewer evaluated staff than the minimum. Its HT and K,
nâng mức and hạ mức are hidden.

Secondary (complementary cells, as statistical offices call them, the method
of tau-ARGUS and sdcTable): the block, level and organisation totals stay
published, so that subtracting every other unit's figures from them could
still prove that a merged unit holds a K, or a nâng mức or hạ mức above zero.
Where it could, another unit of the same block and month is merged as well:
the one with the fewest staff that alone takes away the proof, else the
smallest that helps, until nothing is proven (`subtraction.exposures`).
Where no unit of the block can hold what is hidden (its other units have no
HT+K at all), the block's own total shows HT and K merged, and so does
another block's of the same level, since the level less its other blocks
would give it back.

Years need nothing of their own: a block's or level's year shows HT and K
merged when any of its months does (see `public`), so each year total is the
sum of published month totals and proves nothing they do not.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from .aggregate import ORGANISATION_KEY
from generator.core.config import Policy
from generator.ingest.registry import Registry
from .subtraction import QUANTITIES, Cell, Exposure, Total, exposures

SMALL = "small"  # fewer evaluated staff than the minimum
PROTECTS = "protects"  # merged so that a small unit of its block cannot be recovered
TOTAL_GROUPS = ("block", "level", "org")
# How many candidate units (fewest staff first) are tried for taking away a proof on their own.
CANDIDATES_TRIED = 12
# How many steps one proof may take before the month is left to the auditor: where the
# published totals prove it whatever is merged, more merging only hides more.
STEPS_PER_PROOF = 8


@dataclass(frozen=True)
class Merges:
    """The merged unit-months and why, and the block-months whose totals show HT and K merged."""

    reasons: Mapping[tuple[str, str], str]  # (month, unit code) -> SMALL or PROTECTS
    blocks: frozenset[tuple[str, str]] = frozenset()  # (month, block) merged to protect a unit
    # (month, "block" | "level" | "org", key): totals that show no nâng mức or hạ mức, the
    # last resort where a small unit is all there is of its level.
    quiet: frozenset[tuple[str, str, str]] = frozenset()

    def reason(self, month: str, unit: str) -> str | None:
        return self.reasons.get((month, unit))

    def block_reason(self, month: str, block: str) -> str | None:
        return PROTECTS if (month, block) in self.blocks else None

    def shows_self_compared(self, month: str, group: str, key: str) -> bool:
        return (month, group, key) not in self.quiet

    def count(self, reason: str) -> int:
        return sum(1 for r in self.reasons.values() if r == reason)


def choose_merges(units: pd.DataFrame, registry: Registry, policy: Policy) -> Merges:
    """The merged unit-months of `units` (aggregate.unit_months): small units, and their complements."""
    reasons: dict[tuple[str, str], str] = {}
    blocks: set[tuple[str, str]] = set()
    quiet: set[tuple[str, str, str]] = set()
    if units.empty:
        return Merges(reasons)
    frame = _with_groups(units, registry)
    order = {code: i for i, code in enumerate(registry.units)}
    for month, rows in frame.groupby("month", sort=True):
        month_units = _MonthUnits(month, rows, order, policy)
        for code in month_units.small:
            reasons[(month, code)] = SMALL
        month_units.protect()
        for code in month_units.merged.difference(month_units.small):
            reasons[(month, code)] = PROTECTS
        blocks.update((month, block) for block in month_units.hidden_blocks)
        quiet.update((month, group, key) for group, key in month_units.quiet)
    return Merges(reasons, frozenset(blocks), frozenset(quiet))


def _month_totals(month: str, rows: pd.DataFrame, policy: Policy) -> Iterator[tuple[str, str, Total]]:
    """(group, key, total): the K, nâng mức and hạ mức totals a month publishes for its blocks,
    levels and organisation before any of them is merged or left out.

    A group too small to publish HT and K separately publishes none of them; a nâng
    mức or hạ mức total exists only where every unit of the group has one.
    """
    for group in TOTAL_GROUPS:
        for key, members in rows.groupby(group, sort=True):
            if key == "" or policy.merges(int(members["evaluated"].sum())):
                continue
            keys = tuple((month, code) for code in members["unit_code"])
            for quantity in QUANTITIES:
                values = members[quantity]
                if values.notna().all():
                    yield group, key, Total(f"{key}, {month}", quantity, keys, int(values.sum()))


@dataclass(frozen=True)
class _Move:
    units: frozenset[str] = frozenset()
    blocks: frozenset[str] = frozenset()
    quiet: frozenset[tuple[str, str]] = frozenset()


class _MonthUnits:
    """One month's units, their true counts, and the merges chosen so far."""

    def __init__(self, month: str, rows: pd.DataFrame, order: Mapping[str, int], policy: Policy):
        self.month = month
        self.policy = policy
        self.rows = rows.assign(_order=rows["unit_code"].map(order)).sort_values("_order", kind="stable")
        self.by_code = {r["unit_code"]: r for r in self.rows.to_dict("records")}
        self.small = [code for code, r in self.by_code.items() if policy.merges(int(r["evaluated"]))]
        self.merged = set(self.small)
        self.hidden_blocks: set[str] = set()
        self.quiet: set[tuple[str, str]] = set()
        # Made once: each trial move only leaves some of them out.
        self.totals = list(_month_totals(month, self.rows, policy))

    def protect(self) -> None:
        """Merge more units (and, where no unit can help, block totals) until nothing is proven."""
        if not self.small:
            return
        steps: dict[tuple[str, str], int] = {}
        while found := self._exposures(_Move()):
            target = min(found, key=lambda e: (self.by_code[e.unit]["_order"], QUANTITIES.index(e.quantity)))
            steps[(target.unit, target.quantity)] = steps.get((target.unit, target.quantity), 0) + 1
            move = self._next_move(target) if steps[(target.unit, target.quantity)] <= STEPS_PER_PROOF else None
            if move is None:  # nothing left that helps: the auditor refuses the build
                return
            self.merged |= move.units
            self.hidden_blocks |= move.blocks
            self.quiet |= move.quiet

    def _exposures(self, move: _Move, only: Exposure | None = None) -> list[Exposure]:
        merged, hidden, quiet = self.merged | move.units, self.hidden_blocks | move.blocks, self.quiet | move.quiet
        cells = (_cell(self.month, r, r["unit_code"] in merged) for r in self.by_code.values())
        totals = (total for group, key, total in self.totals
                  if not (group == "block" and key in hidden) and (total.quantity == "k" or (group, key) not in quiet))
        wanted = None if only is None else [((self.month, only.unit), only.quantity)]
        return exposures(cells, totals, wanted)

    def _clears(self, move: _Move, target: Exposure) -> bool:
        return not self._exposures(move, only=target)

    def _candidates(self, group: str, value: str, quantity: str) -> list[str]:
        """Unmerged units of a group that could hold some of `quantity`, fewest staff first."""
        codes = [code for code, r in self.by_code.items()
                 if code not in self.merged and r[group] == value and _can_hold(r, quantity)]
        return sorted(codes, key=lambda code: (int(self.by_code[code]["headcount"]), self.by_code[code]["_order"]))

    def _next_move(self, target: Exposure) -> _Move | None:
        """Fewest staff that take away the proof: a unit of the block; else the block's total with
        another block's of the level (the level less the other blocks gives a block's total);
        else the smallest step that helps."""
        unit = self.by_code[target.unit]
        block, quantity = unit["block"], target.quantity
        in_block = self._candidates("block", block, quantity)
        for code in in_block[:CANDIDATES_TRIED]:
            if self._clears(_Move(units=frozenset({code})), target):
                return _Move(units=frozenset({code}))
        if block not in self.hidden_blocks:
            own = _Move(blocks=frozenset({block}))
            if self._clears(own, target):
                return own
            # Units without a level are given away by the organisation less the levels.
            scope = ("level", unit["level"])
            for other in self._other_blocks(scope, block, quantity):
                both = _Move(blocks=frozenset({block, other}))
                if self._clears(both, target):
                    return both
                for code in self._candidates("block", other, quantity)[:CANDIDATES_TRIED]:
                    with_unit = _Move(units=frozenset({code}), blocks=both.blocks)
                    if self._clears(with_unit, target):
                        return with_unit
        if in_block:
            return _Move(units=frozenset({in_block[0]}))
        if block not in self.hidden_blocks:
            return _Move(blocks=frozenset({block}))
        wider = self._candidates("level", unit["level"], quantity)
        if wider:
            return _Move(units=frozenset({wider[0]}))
        if quantity != "k":
            # The unit is all there is of its level: the organisation less the other levels
            # gives it. HT and K of levels and organisation stay; nâng mức and hạ mức go.
            for group in TOTAL_GROUPS:
                if unit[group] and (group, unit[group]) not in self.quiet:
                    return _Move(quiet=frozenset({(group, unit[group])}))
            for key in sorted(set(self.rows["level"]) - {""}):
                if ("level", key) not in self.quiet:
                    return _Move(quiet=frozenset({("level", key)}))
        return None

    def _other_blocks(self, scope: tuple[str, str], block: str, quantity: str) -> list[str]:
        """The level's other blocks, those whose merged units can already hold `quantity` first, then smallest."""
        group, value = scope
        sizes: dict[str, int] = {}
        ready: set[str] = set()
        for code, r in self.by_code.items():
            if r[group] != value or r["block"] == block or r["block"] in self.hidden_blocks:
                continue
            sizes[r["block"]] = sizes.get(r["block"], 0) + int(r["headcount"])
            if code in self.merged and _can_hold(r, quantity):
                ready.add(r["block"])
        return sorted(sizes, key=lambda b: (b not in ready, sizes[b], b))


def _can_hold(row: Mapping, quantity: str) -> bool:
    """Whether a unit, once merged, could hold some of the hidden `quantity`."""
    if quantity == "k":
        return int(row["ht"]) + int(row["k"]) > 0
    if quantity == "raised":
        return int(row["evaluated"]) > 0
    return int(row["evaluated"]) - int(row["xs"]) > 0


def _cell(month: str, row: Mapping, merged: bool) -> Cell:
    def shown(name: str) -> int | None:
        value = row[name]
        return None if merged or pd.isna(value) else int(value)

    return Cell(month, row["unit_code"], int(row["evaluated"]), int(row["xs"]), int(row["ht"]) + int(row["k"]),
                shown("k"), shown("raised"), shown("lowered"))


def _with_groups(units: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    groups = registry.frame()[["unit_code", "block", "level"]]
    frame = units.merge(groups, on="unit_code", how="left")
    frame["level"] = frame["level"].fillna("")
    frame["org"] = ORGANISATION_KEY
    return frame
