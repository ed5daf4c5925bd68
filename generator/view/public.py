"""The public view: everything the site may show, and nothing else.

This is the privacy boundary. Pelican, templates, downloads, feeds and the
search index receive only the classes below. They are frozen, slotted
dataclasses whose fields are all public by the contract's section 10: none of
them can hold a person_id, a self rating, a score of one person, a note, or
the name of anyone not on the honour list. Person rows enter this module in
exactly one place, `honour_rows`, which keeps the four published columns of
the XS rows and drops the rest before anything else happens.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from generator.core import addresses
from generator.core.config import QuotaRule
from generator.figures.suppression import PROTECTS

PUBLIC = dict(frozen=True, slots=True)


@dataclass(**PUBLIC)
class Figures:
    """One group's figures for one period. Shares are percentages of the headcount."""

    headcount: int
    evaluated: int
    not_evaluated: int
    xs: int
    t: int
    ht: int | None  # None where the small-unit rule merges HT and K
    k: int | None
    ht_k: int | None  # filled only where merged
    raised: int | None
    lowered: int | None
    reward_count: int | None  # None where the source (a unit summary) does not say
    reward_amount: int | None
    average_score: Decimal | None
    coverage: Decimal | None
    xs_share: Decimal | None
    t_share: Decimal | None
    ht_share: Decimal | None
    k_share: Decimal | None
    ht_k_share: Decimal | None
    not_evaluated_share: Decimal | None
    # Why HT and K show only merged (then nâng mức and hạ mức are not shown either):
    # suppression.SMALL, too few rated; suppression.PROTECTS, merged so that a small unit
    # of its block cannot be recovered by subtraction. None: published separately.
    merged_as: str | None = None

    @property
    def merged(self) -> bool:
        return self.merged_as is not None

    @property
    def protects(self) -> bool:
        """Merged only to protect a small unit (secondary suppression)."""
        return self.merged_as == PROTECTS


@dataclass(**PUBLIC)
class LevelLine:
    """One level of a total, with its change in percentage points since the month before."""

    code: str  # "XS", "T", "HT", "K", "HT+K" (merged), "CDG" (not evaluated) or "DG" (evaluated: its share is the coverage)
    count: int
    share: Decimal | None
    change: Decimal | None


def level_lines(figures: Figures, previous: Figures | None) -> tuple[LevelLine, ...]:
    def line(code: str, attribute: str) -> LevelLine:
        count, value = getattr(figures, attribute), getattr(figures, attribute + "_share")
        before = getattr(previous, attribute + "_share") if previous is not None else None
        change = value - before if value is not None and before is not None else None
        return LevelLine(code, count, value, change)

    lower = [line("HT+K", "ht_k")] if figures.merged else [line("HT", "ht"), line("K", "k")]
    return (line("XS", "xs"), line("T", "t"), *lower, line("CDG", "not_evaluated"))


@dataclass(**PUBLIC)
class UnitInfo:
    code: str
    name: str
    block: str
    level: str
    url: str


@dataclass(**PUBLIC)
class UnitRow:
    unit: UnitInfo
    figures: Figures


@dataclass(**PUBLIC)
class GroupRow:
    group: str  # "block", "level" or "org"
    name: str
    figures: Figures


@dataclass(**PUBLIC)
class Pager:
    """One of a series of numbered pages: its number (1 for the first) and every page's address."""

    number: int
    urls: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.urls)

    @property
    def url(self) -> str:
        return self.urls[self.number - 1]

    @property
    def previous_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < len(self.urls) else None

    @property
    def links(self) -> tuple[tuple[int, str], ...]:
        """(number, address) of every page, first to last."""
        return tuple(enumerate(self.urls, start=1))


@dataclass(**PUBLIC)
class BlockTable:
    block: str
    rows: tuple[UnitRow, ...]
    subtotal: Figures
    url: str | None = None  # its own page, where the month is split by block (MonthView.split)
    # Where the month is split: the block's pages, each a BlockTable of its part of the rows
    # (at most CONGKHAI_UNITS_PER_PAGE, in the block's order), the whole block's subtotal, its
    # own address and, where the block has more than one page, a pager. The first is at `url`.
    pages: tuple[BlockTable, ...] = ()
    pager: Pager | None = None


@dataclass(**PUBLIC)
class HonourEntry:
    name: str | None  # None: withheld at the person's request (data/withheld.csv)
    position: str
    reward: int | None

    @property
    def withheld(self) -> bool:
        return self.name is None


@dataclass(**PUBLIC)
class HonourUnit:
    unit: UnitInfo
    entries: tuple[HonourEntry, ...]


@dataclass(**PUBLIC)
class HonourBlock:
    block: str
    units: tuple[HonourUnit, ...]
    url: str | None = None  # its own page, where the month is split by block (MonthView.split)
    # Where the month is split: the block's pages, numbered as its table's (page N holds the
    # sections of the units on the table's page N; a page may hold none), as in BlockTable.
    pages: tuple[HonourBlock, ...] = ()
    pager: Pager | None = None

    @property
    def count(self) -> int:
        return sum(len(u.entries) for u in self.units)


@dataclass(**PUBLIC)
class CorrectionNotice:
    """A published month corrected later: the month, the day, and the reason the officer gave (all public)."""

    month: str
    number: int  # 1 for a month's first correction, 2 for the next ...
    date: date
    reason: str

    @property
    def anchor(self) -> str:
        return f"dinh-chinh-{self.month}-{self.number}"

    @property
    def url(self) -> str:
        """Its announcement (an article, in the feed)."""
        return addresses.correction_page(self.month, self.number)

    @property
    def month_url(self) -> str:
        return addresses.month_page(self.month)


@dataclass(**PUBLIC)
class MonthView:
    month: str
    from_summaries: bool  # figures from unit-level summaries: no honour list exists
    blocks: tuple[BlockTable, ...]
    levels: tuple[GroupRow, ...]
    total: Figures
    previous_total: Figures | None
    honour: tuple[HonourBlock, ...] | None  # None: not published (switched off, or summaries)
    previous: str | None
    next: str | None
    url: str
    honour_url: str | None
    corrections: tuple[CorrectionNotice, ...] = ()  # oldest first
    # More units than one page may hold (CONGKHAI_UNITS_PER_PAGE): the month's page and its
    # honour list show one line per block, and each block has pages of its own (the blocks' url).
    split: bool = False

    @property
    def rows(self) -> tuple[UnitRow, ...]:
        return tuple(row for block in self.blocks for row in block.rows)

    @property
    def year(self) -> str:
        return self.month[:4]

    @property
    def previous_url(self) -> str | None:
        return addresses.month_page(self.previous) if self.previous else None

    @property
    def next_url(self) -> str | None:
        return addresses.month_page(self.next) if self.next else None

    @property
    def units_csv(self) -> str:
        return addresses.month_units_csv(self.month)

    @property
    def honour_csv(self) -> str:
        return addresses.month_honour_csv(self.month)

    @property
    def total_levels(self) -> tuple[LevelLine, ...]:
        return level_lines(self.total, self.previous_total)

    @property
    def honour_count(self) -> int:
        return sum(b.count for b in self.honour) if self.honour else 0

    def honour_block(self, block: str) -> HonourBlock | None:
        """A block's part of the honour list (None where nobody of it is on the list)."""
        return next((b for b in self.honour or () if b.block == block), None)


@dataclass(**PUBLIC)
class UnitMonth:
    month: str
    figures: Figures
    honour_count: int | None  # None where the month has no honour list
    # The pages holding the unit's row and its honour-list section (#dv-CODE): the month's,
    # or its block's where the month is split.
    url: str
    honour_url: str


# A unit's page holds its latest months only (contract section 11), so that the page a round
# renders for every unit does not grow with the years published; the rest is on its year pages.
UNIT_PAGE_MONTHS = 24


@dataclass(**PUBLIC)
class UnitYear:
    """One unit's months of one year: its page at /don-vi/CODE/YYYY/."""

    unit: UnitInfo
    year: str
    months: tuple[UnitMonth, ...]  # oldest first

    @property
    def url(self) -> str:
        return addresses.unit_year_page(self.unit.code, self.year)

    @property
    def honour_months(self) -> tuple[UnitMonth, ...]:
        return tuple(m for m in self.months if m.honour_count)


@dataclass(**PUBLIC)
class UnitLead:
    """What a unit's page leads with: its latest month's key figures as published (evaluated, XS,
    then HT and K, or HT+K where merged), each with its change in percentage points since the
    site's month before, where the unit has figures for it and the share was published both times."""

    month: UnitMonth
    previous: UnitMonth | None
    lines: tuple[LevelLine, ...]  # "DG" (evaluated: its share is the coverage), "XS", "HT" and "K", or "HT+K"


@dataclass(**PUBLIC)
class UnitView:
    unit: UnitInfo
    months: tuple[UnitMonth, ...]  # newest first
    predecessors: tuple[UnitInfo, ...]
    successor: UnitInfo | None
    parent: UnitInfo | None

    @property
    def honour_months(self) -> tuple[UnitMonth, ...]:
        return tuple(m for m in self.months if m.honour_count)

    @property
    def latest(self) -> UnitMonth | None:
        return self.months[0] if self.months else None

    @property
    def recent(self) -> tuple[UnitMonth, ...]:
        """The months its page shows, newest first."""
        return self.months[:UNIT_PAGE_MONTHS]

    @property
    def recent_honour_months(self) -> tuple[UnitMonth, ...]:
        return tuple(m for m in self.recent if m.honour_count)

    @property
    def years(self) -> tuple[UnitYear, ...]:
        """Every year it has figures for, newest first, each with its months oldest first."""
        return tuple(UnitYear(self.unit, year, tuple(reversed(tuple(months))))
                     for year, months in groupby(self.months, key=lambda m: m.month[:4]))

    def lead(self, month_before: str | None) -> UnitLead | None:
        """Its latest month's key figures, with the change since `month_before` (the site's
        month before that one; None where there is none)."""
        latest = self.latest
        if latest is None:
            return None
        previous = next((m for m in self.months[1:2] if m.month == month_before), None)
        figures, before = latest.figures, previous.figures if previous is not None else None
        coverage_change = (figures.coverage - before.coverage
                           if before is not None and figures.coverage is not None and before.coverage is not None
                           else None)
        evaluated = LevelLine("DG", figures.evaluated, figures.coverage, coverage_change)
        levels = tuple(line for line in level_lines(figures, before) if line.code not in ("T", "CDG"))
        return UnitLead(latest, previous, (evaluated, *levels))


@dataclass(**PUBLIC)
class YearView:
    year: str
    total: Figures
    blocks: tuple[GroupRow, ...]
    levels: tuple[GroupRow, ...]


@dataclass(**PUBLIC)
class SiteView:
    organisation: str
    demo: bool
    months: tuple[MonthView, ...]  # oldest first
    units: tuple[UnitView, ...]
    years: tuple[YearView, ...]  # oldest first
    min_evaluated: int
    honour_list: bool
    # The rest of the publication policy, shown on the "about the data" page.
    quota: QuotaRule = QuotaRule()
    coverage_floor: Decimal = Decimal("0.95")
    merge_margin: int = 2  # suppression: what the others of a merged group must hold at least
    corrections: tuple[CorrectionNotice, ...] = ()  # newest first

    @property
    def latest(self) -> MonthView | None:
        return self.months[-1] if self.months else None

    @property
    def units_by_block(self) -> tuple[tuple[str, tuple[UnitView, ...]], ...]:
        """Every unit under its block, blocks and units in the registry's order."""
        blocks: dict[str, list[UnitView]] = {}
        for unit in self.units:
            blocks.setdefault(unit.unit.block, []).append(unit)
        return tuple((block, tuple(units)) for block, units in blocks.items())


# --- building the view ---------------------------------------------------


