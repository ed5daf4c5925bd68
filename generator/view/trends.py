"""The leaders' view: trends month by month, and what changed this month.

Built from the public view alone (`SiteView`): every figure here is one the
site already publishes, or a sum or difference of published figures, so this
module cannot leak anything the privacy boundary keeps out. Its classes follow
public.py's rules (frozen, slotted, public fields only).

- Series: one group's figures for every month of the site (organisation,
  each level, each block, each unit with the units whose history it carries).
- MonthNotes: for one month, the units that moved most since the month
  before and over three months (XS share, hạ mức count), units over the XS
  quota, with low coverage, missing; rewards against the budget.
- Brief: the one-page flag-ceremony brief of one month.

Reward amounts by the rule follow the base salary (lương cơ sở) in force that
month and a multiple per rated level, both from the settings (RewardRule).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from generator.core import addresses
from generator.core.config import Policy, QuotaRule, RewardRule, TrendSettings
from generator.core.formatting import round_half_up, share
from generator.figures.aggregate import SELF_COMPARED

from .build import make_figures
from .public import PUBLIC, Figures, MonthView, SiteView, UnitInfo, UnitView, YearView

ORGANISATION_KEY = "toan-bo"


# --- the public classes --------------------------------------------------------


@dataclass(**PUBLIC)
class Series:
    """One group's figures for every month of the site, oldest first (None: no figures that month)."""

    key: str
    name: str
    months: tuple[str, ...]
    figures: tuple[Figures | None, ...]

    def at(self, month: str) -> Figures | None:
        try:
            return self.figures[self.months.index(month)]
        except ValueError:
            return None

    @property
    def known(self) -> tuple[tuple[str, Figures], ...]:
        return tuple((m, f) for m, f in zip(self.months, self.figures) if f is not None)

    def window(self, start: int, end: int) -> Series:
        """The months from index `start` (at least 0) to `end`, excluded."""
        start = max(start, 0)
        return Series(self.key, self.name, self.months[start:end], self.figures[start:end])

    def until(self, month: str) -> Series:
        """The series up to `month`, included (what a month's page knew when it was that month)."""
        end = self.months.index(month) + 1 if month in self.months else 0
        return Series(self.key, self.name, self.months[:end], self.figures[:end])


@dataclass(**PUBLIC)
class UnitTrend:
    unit: UnitInfo
    series: Series  # the unit's months plus, before a reorganisation, its predecessors' summed
    predecessors: tuple[UnitInfo, ...]  # every unit whose history is summed in, at any depth
    carried_months: tuple[str, ...]  # months whose figures include a predecessor's


@dataclass(**PUBLIC)
class Change:
    """A unit's figures now and at an earlier month (its predecessors' where it did not exist yet)."""

    unit: UnitInfo
    xs_share_before: Decimal | None
    xs_share_now: Decimal | None
    lowered_before: int | None
    lowered_now: int | None

    @property
    def xs_change(self) -> Decimal | None:
        # The difference of the shares as shown, so that the page adds up.
        if self.xs_share_before is None or self.xs_share_now is None:
            return None
        return self.xs_share_now - self.xs_share_before

    @property
    def lowered_change(self) -> int | None:
        if self.lowered_before is None or self.lowered_now is None:
            return None
        return self.lowered_now - self.lowered_before


@dataclass(**PUBLIC)
class Movers:
    since: str  # the month compared with
    by_xs: tuple[Change, ...]  # largest change of the XS share first
    by_lowered: tuple[Change, ...]  # largest change of the hạ mức count first


@dataclass(**PUBLIC)
class OverQuota:
    unit: UnitInfo
    xs: int
    base: int  # T+XS, or the evaluated, as the quota rule says
    share: Decimal  # XS as a percentage of the base


@dataclass(**PUBLIC)
class LowCoverage:
    unit: UnitInfo
    evaluated: int
    headcount: int
    coverage: Decimal


@dataclass(**PUBLIC)
class RewardLine:
    """The rule for one level: `multiple` × the base salary = `per_person`."""

    level: str
    multiple: Decimal
    per_person: int | None  # None: no base salary known for the month


@dataclass(**PUBLIC)
class Rewards:
    """One month's rewards: as reported, by the rule, against the budget."""

    month: str
    count: int | None  # None: the month comes from unit summaries, which do not say
    amount: int | None
    base_salary: int | None
    rule: tuple[RewardLine, ...]
    by_rule: int | None
    budget: int | None

    @property
    def compared(self) -> int | None:
        """The amount set against the budget: as reported, else by the rule."""
        return self.amount if self.amount is not None else self.by_rule

    @property
    def estimated(self) -> bool:
        return self.amount is None and self.by_rule is not None

    @property
    def budget_share(self) -> Decimal | None:
        if not self.budget or self.compared is None:
            return None
        return share(self.compared, self.budget)

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.compared is not None and self.compared > self.budget


@dataclass(**PUBLIC)
class MonthNotes:
    """What a leader reads about one month."""

    month: str
    previous: str | None
    movers: Movers | None  # since the month before
    movers_3: Movers | None  # over three months
    over_quota: tuple[OverQuota, ...]
    low_coverage: tuple[LowCoverage, ...]
    missing: tuple[UnitInfo, ...]  # had figures the month before, none now, not replaced by a successor
    rewards: Rewards
    quota_percent: Decimal
    quota_base: str  # "T+XS" or "evaluated"
    quota_name: str
    coverage_floor: Decimal  # percent

    @property
    def url(self) -> str:
        return addresses.brief_page(self.month)


@dataclass(**PUBLIC)
class YearRow:
    view: YearView
    months: int  # months of the year the site has
    summary_months: int  # of which from unit-level summaries


@dataclass(**PUBLIC)
class TrendsView:
    organisation: Series
    levels: tuple[Series, ...]
    blocks: tuple[Series, ...]
    years: tuple[YearRow, ...]  # oldest first
    rewards: tuple[Rewards, ...]  # every month, oldest first
    notes: tuple[MonthNotes, ...]  # every month, oldest first
    units: Mapping[str, UnitTrend]
    coverage_floor: Decimal  # percent
    quota_percent: Decimal
    quota_base: str
    quota_name: str

    @property
    def latest(self) -> MonthNotes | None:
        return self.notes[-1] if self.notes else None

    @property
    def url(self) -> str:
        return addresses.trends_page()

    def notes_for(self, month: str) -> MonthNotes:
        return self.notes[[n.month for n in self.notes].index(month)]


# --- building it -----------------------------------------------------------------


def build_trends(site: SiteView, settings: TrendSettings) -> TrendsView:
    policy = settings.policy
    months = tuple(m.month for m in site.months)
    organisation = Series(ORGANISATION_KEY, site.organisation, months, tuple(m.total for m in site.months))
    levels = _group_series(site, months, lambda view: ((row.name, row.figures) for row in view.levels))
    blocks = _group_series(site, months, lambda view: ((b.block, b.subtotal) for b in view.blocks))
    units = unit_trends(site, months, policy)
    rewards = tuple(_rewards(view, settings.rewards) for view in site.months)
    notes = tuple(
        _month_notes(site, view, units, reward, settings)
        for view, reward in zip(site.months, rewards)
    )
    return TrendsView(
        organisation=organisation,
        levels=levels,
        blocks=blocks,
        years=_years(site),
        rewards=rewards,
        notes=notes,
        units=MappingProxyType(units),
        coverage_floor=policy.coverage_floor * 100,
        quota_percent=policy.quota.share * 100,
        quota_base=policy.quota.base,
        quota_name=policy.quota.name,
    )


def _group_series(site: SiteView, months, rows_of) -> tuple[Series, ...]:
    by_name: dict[str, dict[str, Figures]] = {}
    for view in site.months:
        for name, figures in rows_of(view):
            by_name.setdefault(name, {})[view.month] = figures
    # Latest month's order first (the registry's), then groups that ended earlier.
    latest = [name for name, _ in rows_of(site.months[-1])] if site.months else []
    order = latest + [name for name in by_name if name not in latest]
    return tuple(Series(name, name, months, tuple(by_name[name].get(m) for m in months)) for name in order)


def unit_trends(site: SiteView, months: tuple[str, ...], policy: Policy) -> dict[str, UnitTrend]:
    views = {view.unit.code: view for view in site.units}
    own = {code: {m.month: m.figures for m in view.months} for code, view in views.items()}
    trends = {}
    for code, view in views.items():
        lineage = _lineage(view, views)
        figures, carried = [], []
        for month in months:
            members = [member for member in lineage if month in own[member]]
            figures.append(combine([own[member][month] for member in members], policy) if members else None)
            if any(member != code for member in members):
                carried.append(month)
        trends[code] = UnitTrend(
            view.unit,
            Series(code, view.unit.name, months, tuple(figures)),
            tuple(views[member].unit for member in lineage[1:]),
            tuple(carried),
        )
    return trends


def _lineage(view: UnitView, views: Mapping[str, UnitView]) -> list[str]:
    """The unit and every published unit whose history it carries, through any number of reorganisations."""
    seen, queue = [], [view.unit.code]
    while queue:
        code = queue.pop(0)
        if code not in seen and code in views:
            seen.append(code)
            queue.extend(p.code for p in views[code].predecessors)
    return seen


def combine(parts: list[Figures], policy: Policy) -> Figures:
    """The figures of several units together (a unit and its predecessors in one month).

    Where any part shows HT and K merged, the sum does too (and hides nâng mức
    and hạ mức): its split is not published and must not be recoverable by
    subtraction.
    """
    if len(parts) == 1:
        return parts[0]

    def total(name: str) -> int | None:
        values = [getattr(p, name) for p in parts if getattr(p, name) is not None]
        return sum(values) if values else None

    def total_of_all(name: str) -> int | None:
        # A part's count not published (a small unit's) leaves the sum unpublished: a partial
        # sum would pass for the whole.
        values = [getattr(p, name) for p in parts]
        return None if any(v is None for v in values) else sum(values)

    lower = sum(p.ht_k if p.merged else p.ht + p.k for p in parts)
    merged_as = next((p.merged_as for p in parts if p.merged), None)
    counts = {
        name: total(name)
        for name in ("headcount", "evaluated", "not_evaluated", "xs", "t", "reward_count", "reward_amount")
    } | {name: total_of_all(name) for name in SELF_COMPARED}
    counts |= {"ht": lower if merged_as else total("ht"), "k": 0 if merged_as else total("k")}
    return make_figures(counts, policy, merged_as)


def _rewards(view: MonthView, rule: RewardRule) -> Rewards:
    total = view.total
    return Rewards(
        month=view.month,
        count=total.reward_count,
        amount=total.reward_amount,
        base_salary=rule.base_salary(view.month),
        rule=reward_lines(rule, view.month),
        by_rule=rule.amount(total, view.month),
        budget=rule.budget,
    )


def reward_lines(rule: RewardRule, month: str) -> tuple[RewardLine, ...]:
    base = rule.base_salary(month)
    return tuple(
        RewardLine(level, multiple, None if base is None else int(round_half_up(multiple * base, 0)))
        for level, multiple in rule.multiples
    )


def _month_notes(site: SiteView, view: MonthView, units: Mapping[str, UnitTrend], rewards: Rewards,
                 settings: TrendSettings) -> MonthNotes:
    quota, floor = settings.policy.quota, settings.policy.coverage_floor
    months = [m.month for m in site.months]
    three_back = _shift(view.month, -3)
    return MonthNotes(
        month=view.month,
        previous=view.previous,
        movers=_movers(view, view.previous, units, settings.movers) if view.previous else None,
        movers_3=_movers(view, three_back, units, settings.movers) if three_back in months else None,
        over_quota=_over_quota(view, quota),
        low_coverage=tuple(
            LowCoverage(row.unit, row.figures.evaluated, row.figures.headcount, row.figures.coverage)
            for row in view.rows
            if row.figures.headcount and Decimal(row.figures.evaluated) < floor * row.figures.headcount
        ),
        missing=_missing(site, view),
        rewards=rewards,
        quota_percent=quota.share * 100,
        quota_base=quota.base,
        quota_name=quota.name,
        coverage_floor=floor * 100,
    )


def _movers(view: MonthView, since: str, units: Mapping[str, UnitTrend], count: int) -> Movers:
    changes = []
    for row in view.rows:
        before = units[row.unit.code].series.at(since)
        if before is None:
            continue
        changes.append(Change(row.unit, before.xs_share, row.figures.xs_share, before.lowered, row.figures.lowered))
    order = {change.unit.code: i for i, change in enumerate(changes)}

    def largest(attribute: str) -> tuple[Change, ...]:
        moved = [c for c in changes if getattr(c, attribute)]
        moved.sort(key=lambda c: (-abs(getattr(c, attribute)), order[c.unit.code]))
        return tuple(moved[:count])

    return Movers(since, largest("xs_change"), largest("lowered_change"))


def _over_quota(view: MonthView, quota: QuotaRule) -> tuple[OverQuota, ...]:
    over = []
    for row in view.rows:
        f = row.figures
        base = f.xs + f.t if quota.base == "T+XS" else f.evaluated
        # Exactly at the quota is within it (contract section 9).
        if base and Decimal(f.xs) > quota.share * base:
            over.append(OverQuota(row.unit, f.xs, base, share(f.xs, base)))
    return tuple(over)


def _missing(site: SiteView, view: MonthView) -> tuple[UnitInfo, ...]:
    if view.previous is None or view.previous != _shift(view.month, -1):
        return ()
    before = next(m for m in site.months if m.month == view.previous)
    present = {row.unit.code for row in view.rows}
    replaced = {u.unit.code for u in site.units if u.successor is not None}
    return tuple(row.unit for row in before.rows if row.unit.code not in present and row.unit.code not in replaced)


def _years(site: SiteView) -> tuple[YearRow, ...]:
    return tuple(
        YearRow(
            year,
            sum(1 for m in site.months if m.month.startswith(year.year)),
            sum(1 for m in site.months if m.month.startswith(year.year) and m.from_summaries),
        )
        for year in site.years
    )


def _shift(month: str, by: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
