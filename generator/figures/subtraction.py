"""What an outsider can prove by adding and subtracting published figures.

The attacker's model (contract section 10, "Merged must stay merged"): every
published total of K, nâng mức or hạ mức (a block's, a level's, the
organisation's, a month's or a year's) is a linear equation over the units'
true counts. A unit that publishes HT and K only merged hides three counts,
unknown whole numbers bounded by what its own row does publish:

    0 <= K <= HT+K
    nâng mức + K <= evaluated        (nobody rated K is above their self rating)
    hạ mức + XS <= evaluated         (nobody rated XS is below theirs)
    nâng mức + hạ mức <= evaluated

A hidden count is disclosed when the least value consistent with all of this
is above zero. That least value is an integer program (scipy's `milp`, HiGHS)
over the unit-months that the equations link, one month as a rule. Proving
that a hidden count is zero is allowed: the contract accepts that "nobody in
the merged units got a K" can be learnt.

The module knows nothing of where the cells and totals come from: the
auditor (`view.audit`) feeds it what the site view publishes. The suppression
does not use it: a proof reads the hidden counts, and what is merged must not
depend on them (`suppression`).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

QUANTITIES = ("k", "raised", "lowered")
Key = tuple[str, str]  # (month "YYYY-MM", unit code)


@dataclass(frozen=True, slots=True)
class Cell:
    """One unit-month as the site publishes it; a count of None is hidden."""

    month: str
    unit: str
    evaluated: int
    xs: int
    ht_k: int  # HT+K: known for every unit (evaluated - XS - T)
    k: int | None
    raised: int | None
    lowered: int | None

    @property
    def key(self) -> Key:
        return (self.month, self.unit)


@dataclass(frozen=True, slots=True)
class Total:
    """A published sum: `quantity` over the unit-months `members` is `value`."""

    label: str  # who publishes it, for the officer ("Khối Đảng, 10/2026")
    quantity: str
    members: tuple[Key, ...]
    value: int


@dataclass(frozen=True, slots=True)
class Exposure:
    """A hidden count that the published figures prove to be above zero."""

    month: str  # "YYYY" where only the sum over the unit's months of a year is proven
    unit: str
    quantity: str
    least: int  # the least value consistent with every published figure
    giveaway: tuple[str, ...]  # labels of the totals it takes part in


class Inconsistent(ValueError):
    """Published figures that no true counts can produce (a bug: they must add up)."""


def exposures(cells: Iterable[Cell], totals: Iterable[Total], only: Iterable[tuple[Key, str]] | None = None) -> list[Exposure]:
    """Every hidden count of `cells` that `totals` prove above zero (of `only` these, if given).

    Ordered by month, unit and quantity.
    """
    model = _Model(list(cells), list(totals))
    wanted = None if only is None else {model.variable[(key, q)] for key, q in only if (key, q) in model.variable}
    found: list[Exposure] = []
    for component in model.components():
        if wanted is not None and not wanted.intersection(component):
            continue
        found.extend(model.solve(component, wanted))
    return sorted(found, key=lambda e: (e.month, e.unit, QUANTITIES.index(e.quantity)))


class _Model:
    """The hidden counts as integer variables, the totals as equations over them."""

    def __init__(self, cells: list[Cell], totals: list[Total]):
        self.cells = {cell.key: cell for cell in cells}
        self.variable: dict[tuple[Key, str], int] = {}
        self.names: list[tuple[Key, str]] = []
        self.upper: list[int] = []
        for cell in cells:
            for quantity in QUANTITIES:
                if getattr(cell, quantity) is None:
                    self.variable[(cell.key, quantity)] = len(self.names)
                    self.names.append((cell.key, quantity))
                    self.upper.append(max(0, _upper(cell, quantity)))
        # Equations: (indices of variables, right-hand side, label).
        self.equations: list[tuple[tuple[int, ...], int, str]] = []
        seen = set()
        for total in totals:
            unknown, known = [], 0
            for key in total.members:
                cell = self.cells.get(key)
                if cell is None:
                    raise Inconsistent(f"{total.label}: counts a unit-month that publishes no row ({key[1]}, {key[0]})")
                value = getattr(cell, total.quantity)
                if value is None:
                    unknown.append(self.variable[(key, total.quantity)])
                else:
                    known += value
            signature = (tuple(sorted(unknown)), total.value - known)
            if unknown and signature not in seen:
                seen.add(signature)
                self.equations.append((signature[0], signature[1], total.label))
        self.labels: dict[int, list[str]] = defaultdict(list)
        for members, _, label in self.equations:
            for index in members:
                self.labels[index].append(label)

    def components(self) -> list[list[int]]:
        """Sets of variables linked by an equation or by sharing a unit-month."""
        parent = list(range(len(self.names)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        def join(members: Sequence[int]) -> None:
            root = find(members[0])
            for other in members[1:]:
                parent[find(other)] = root

        for members, _, _ in self.equations:
            join(members)
        by_cell: dict[Key, list[int]] = defaultdict(list)
        for index, (key, _) in enumerate(self.names):
            by_cell[key].append(index)
        for members in by_cell.values():
            join(members)
        groups: dict[int, list[int]] = defaultdict(list)
        for index in range(len(self.names)):
            groups[find(index)].append(index)
        # Variables that no equation touches have least value 0 by their bounds.
        constrained = {i for members, _, _ in self.equations for i in members}
        return [members for members in groups.values() if constrained.intersection(members)]

    def solve(self, component: list[int], wanted: set[int] | None) -> list[Exposure]:
        problem = _Problem(self, component)
        queries = [[i] for i in component if wanted is None or i in wanted]
        queries += self._sums_over_months(component, wanted)
        proven_zero: set[int] = set()
        witness = problem.minimise({i: 1 for i in component})
        proven_zero.update(i for i in component if witness[i] == 0)
        found = []
        for query in queries:
            if all(i in proven_zero for i in query):
                continue
            # The query first, then every count not yet proven zero: the solution is
            # a witness for as many others as it can be.
            others = [i for i in component if i not in proven_zero and i not in query]
            weight = 1 + sum(self.upper[i] for i in others)
            solution = problem.minimise({i: weight for i in query} | {i: 1 for i in others})
            least = sum(solution[i] for i in query)
            proven_zero.update(i for i in component if solution[i] == 0)
            if least > 0:
                found.append(self._exposure(query, least))
        return found

    def _sums_over_months(self, component: list[int], wanted: set[int] | None) -> list[list[int]]:
        """A unit's count summed over its months, where equations link months (a year's total)."""
        by_unit: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for i in component:
            (month, unit), quantity = self.names[i]
            by_unit[(month[:4], unit, quantity)].append(i)
        return [members for members in by_unit.values()
                if len(members) > 1 and (wanted is None or wanted.intersection(members))]

    def _exposure(self, query: list[int], least: int) -> Exposure:
        (month, unit), quantity = self.names[query[0]]
        if len(query) > 1:
            month = month[:4]
        labels = dict.fromkeys(label for i in query for label in self.labels[i])
        return Exposure(month, unit, quantity, least, tuple(labels))


class _Problem:
    """One component as matrices for `milp`: equations, the bounds of each cell, integrality."""

    def __init__(self, model: _Model, component: list[int]):
        self.model = model
        self.position = {index: n for n, index in enumerate(component)}
        self.size = len(component)
        members = set(component)
        rows, cols, rhs = [], [], []
        for members_of, value, _ in model.equations:
            if members_of[0] in members:
                for index in members_of:
                    rows.append(len(rhs))
                    cols.append(self.position[index])
                rhs.append(value)
        self.equalities = LinearConstraint(
            coo_array((np.ones(len(rows)), (rows, cols)), shape=(len(rhs), self.size)).tocsr(), rhs, rhs)
        self.couplings = self._couplings(component)
        self.bounds = Bounds(np.zeros(self.size), np.array([model.upper[i] for i in component], dtype=float))

    def _couplings(self, component: list[int]) -> LinearConstraint | None:
        """nâng mức + K <= evaluated and nâng mức + hạ mức <= evaluated, where both are hidden."""
        rows, cols, limits = [], [], []
        by_cell: dict[Key, dict[str, int]] = defaultdict(dict)
        for index in component:
            key, quantity = self.model.names[index]
            by_cell[key][quantity] = self.position[index]
        for key, hidden in by_cell.items():
            cell = self.model.cells[key]
            for pair in (("raised", "k"), ("raised", "lowered")):
                if all(q in hidden for q in pair):
                    for quantity in pair:
                        rows.append(len(limits))
                        cols.append(hidden[quantity])
                    limits.append(cell.evaluated)
        if not limits:
            return None
        matrix = coo_array((np.ones(len(rows)), (rows, cols)), shape=(len(limits), self.size)).tocsr()
        return LinearConstraint(matrix, -np.inf, limits)

    def minimise(self, weights: dict[int, int]) -> dict[int, int]:
        cost = np.zeros(self.size)
        for index, weight in weights.items():
            cost[self.position[index]] = weight
        constraints = [self.equalities] + ([self.couplings] if self.couplings is not None else [])
        result = milp(cost, constraints=constraints, integrality=np.ones(self.size), bounds=self.bounds)
        if result.status == 2 and self.couplings is not None:
            # Source figures that break the coupling (a summary with more nâng mức than
            # it can have): an outsider cannot use it, so solve without it.
            result = milp(cost, constraints=[self.equalities], integrality=np.ones(self.size), bounds=self.bounds)
        if result.x is None:
            months = sorted({self.model.names[i][0][0] for i in self.position})
            raise Inconsistent(f"published figures of {', '.join(months)} do not add up ({result.message})")
        return {index: int(round(result.x[n])) for index, n in self.position.items()}


def _upper(cell: Cell, quantity: str) -> int:
    """The most a hidden count can be, given the cell's published figures."""
    if quantity == "k":
        return min(cell.ht_k, cell.evaluated - (cell.raised or 0))
    if quantity == "raised":
        return cell.evaluated - max(cell.k or 0, cell.lowered or 0)
    return cell.evaluated - max(cell.xs, cell.raised or 0)
