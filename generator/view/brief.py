"""The flag-ceremony brief of one month, made from the trends: the month's key figures, its
movers, rewards and each block's honour count, sized to print on one A4 page.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from generator.core import addresses

from .public import PUBLIC, LevelLine, MonthView, SiteView, UnitInfo
from .trends import MonthNotes, Movers, Series, TrendsView

# The brief lists each unit's honour count only while the list fits the printed page in
# readable type (8 pt): up to this many characters of unit names and counts, some nine
# lines of A4; past it, the brief gives each block's count and links the honour list.
# Measured on demo data: every brief of 10 to 50 units (up to 1,345 characters) printed on
# one page in both languages, and some of 1,610 characters took two; this leaves a margin
# for longer key points and names.
BRIEF_HONOUR_CHARACTERS = 1200


# The brief's movers tables show the first few of each list (the trends page has them all):
# four tables of five rows would take a third of the printed page.
BRIEF_MOVERS = 3


@dataclass(**PUBLIC)
class HonourCount:
    unit: UnitInfo
    count: int


@dataclass(**PUBLIC)
class BlockHonour:
    block: str
    count: int
    units: tuple[HonourCount, ...]  # units with at least one person rated XS
    units_without: int


@dataclass(**PUBLIC)
class Brief:
    month: MonthView
    notes: MonthNotes
    honour: tuple[BlockHonour, ...]
    organisation: Series  # the organisation's figures up to this month

    @property
    def url(self) -> str:
        return addresses.brief_page(self.month.month)

    @property
    def movers_notes(self) -> MonthNotes:
        """The month's notes with the first BRIEF_MOVERS units of each movers list."""
        def first(movers: Movers | None) -> Movers | None:
            if movers is None:
                return None
            return dataclasses.replace(movers, by_xs=movers.by_xs[:BRIEF_MOVERS], by_lowered=movers.by_lowered[:BRIEF_MOVERS])

        return dataclasses.replace(self.notes, movers=first(self.notes.movers), movers_3=first(self.notes.movers_3))

    @property
    def xs(self) -> LevelLine:
        """The month's XS count and share, and its change since the month before."""
        return self._level("XS")

    @property
    def k(self) -> LevelLine | None:
        """The month's K (did not complete duties); None where it is merged with HT (not published)."""
        return self._level("K")

    @property
    def coverage_change(self) -> Decimal | None:
        previous = self.month.previous_total
        if previous is None or previous.coverage is None or self.month.total.coverage is None:
            return None
        return self.month.total.coverage - previous.coverage

    @property
    def honour_by_unit(self) -> bool:
        """Whether the page holds every unit's honour count (else each block's, and a link to the list)."""
        length = sum(len(h.unit.name) + 6 for b in self.honour for h in b.units)
        return length <= BRIEF_HONOUR_CHARACTERS

    def _level(self, code: str) -> LevelLine | None:
        return next((line for line in self.month.total_levels if line.code == code), None)


def build_briefs(site: SiteView, trends: TrendsView) -> tuple[Brief, ...]:
    return tuple(Brief(view, trends.notes_for(view.month), _honour_counts(view), trends.organisation.until(view.month))
                 for view in site.months)


def _honour_counts(view: MonthView) -> tuple[BlockHonour, ...]:
    """XS count per unit, by block (the honour list's counts; its names stay on its own page)."""
    return tuple(
        BlockHonour(
            block.block,
            sum(row.figures.xs for row in block.rows),
            tuple(HonourCount(row.unit, row.figures.xs) for row in block.rows if row.figures.xs),
            sum(1 for row in block.rows if not row.figures.xs),
        )
        for block in view.blocks
    )
