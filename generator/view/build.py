"""Building the public view from the figures and the honour candidates.

The one place where rows of people become public objects (`honour_rows` keeps
the four published columns of the XS rows) and counts become `Figures` with
the merges applied (`make_figures`). What it returns is made of public.py's
classes only.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from itertools import groupby

import pandas as pd

from generator.core import addresses
from generator.core.config import Policy
from generator.core.formatting import round_half_up, share
from generator.core.names import vietnamese_name_key
from generator.figures.aggregate import ORGANISATION_KEY
from generator.figures.suppression import PROTECTS, SMALL, Merges
from generator.ingest.registry import Registry, Unit

from .public import (
    BlockTable,
    CorrectionNotice,
    Figures,
    GroupRow,
    HonourBlock,
    HonourEntry,
    HonourUnit,
    MonthView,
    Pager,
    SiteView,
    UnitInfo,
    UnitMonth,
    UnitRow,
    UnitView,
    YearView,
)

HONOUR_COLUMNS = ["month", "unit_code", "full_name", "position", "reward"]


def honour_rows(people: pd.DataFrame, withheld: frozenset[str]) -> pd.DataFrame:
    """The XS rows with only their published columns; withheld names blanked.

    The only place person rows are read on the way to the site.
    """
    xs = people.loc[people["final_rating"].eq("XS").fillna(False)]
    kept = xs.loc[:, HONOUR_COLUMNS].copy()
    # A position can name a person as surely as a name ("Hiệu trưởng" of one
    # school), so a withheld line keeps only its unit and reward.
    hidden = xs["person_id"].isin(withheld).to_numpy()
    kept.loc[hidden, "full_name"] = pd.NA
    kept.loc[hidden, "position"] = ""
    return kept.reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None (not <NA> or NaN) for unknown figures.

    Column by column through plain lists: twice as fast as pandas' own
    `where(...).to_dict("records")`, which a 60-month city calls on 150,000 rows."""
    names = list(frame.columns)
    columns = [[None if value is pd.NA or value is None or value != value else value for value in frame[name].tolist()]
               for name in names]
    return [dict(zip(names, row)) for row in zip(*columns)]


def make_figures(counts: dict, policy: Policy, merged_as: str | None = None, self_compared: bool = True) -> Figures:
    """A group's figures as published: HT, K, nâng mức and hạ mức hidden where merged.

    `merged_as` is why a unit is merged (suppression.Merges); a group too small to
    show HT and K apart is merged whatever it says. Not `self_compared`: nâng mức
    and hạ mức are hidden (a total that would give away a small unit's).
    """
    def known(name: str) -> int | None:
        value = counts.get(name)
        return None if value is None else int(value)

    headcount, evaluated = known("headcount") or 0, known("evaluated") or 0
    ht, k = known("ht") or 0, known("k") or 0
    if merged_as is None and policy.merges(evaluated):
        merged_as = SMALL
    merge = merged_as is not None
    score_count = known("score_count")
    # One person's score must not show through a small unit's average.
    average = (
        round_half_up(Fraction(Decimal(str(counts["score_sum"]))) / score_count, 2)
        if score_count and not merge else None
    )
    return Figures(
        headcount=headcount,
        evaluated=evaluated,
        not_evaluated=known("not_evaluated") or 0,
        xs=known("xs") or 0,
        t=known("t") or 0,
        ht=None if merge else ht,
        k=None if merge else k,
        ht_k=ht + k if merge else None,
        # They point at the members' own self ratings (contract section 10).
        raised=known("raised") if self_compared and not merge else None,
        lowered=known("lowered") if self_compared and not merge else None,
        reward_count=known("reward_count"),
        reward_amount=known("reward_amount"),
        average_score=average,
        coverage=share(evaluated, headcount),
        xs_share=share(known("xs") or 0, headcount),
        t_share=share(known("t") or 0, headcount),
        ht_share=None if merge else share(ht, headcount),
        k_share=None if merge else share(k, headcount),
        ht_k_share=share(ht + k, headcount) if merge else None,
        not_evaluated_share=share(known("not_evaluated") or 0, headcount),
        merged_as=merged_as,
    )


def unit_info(unit: Unit) -> UnitInfo:
    return UnitInfo(unit.code, unit.name, unit.block, unit.level, addresses.unit_page(unit.code))


def build_site_view(
    figures: pd.DataFrame,
    unit_months: pd.DataFrame,
    honour: pd.DataFrame,
    registry: Registry,
    policy: Policy,
    merges: Merges,
    *,
    organisation: str,
    demo: bool,
    units_per_page: int | None = None,
) -> SiteView:
    """Assemble the site's public objects from the rolled-up figures and the honour rows.

    `merges`: the unit-months that show HT and K merged (suppression.choose_merges).
    A month of more than `units_per_page` units (None: no limit) is split by block."""
    by_period = {
        key: group for key, group in figures.groupby(["period_kind", "period"], sort=True)
    }
    months = sorted(p for kind, p in by_period if kind == "month")
    sources = unit_months.groupby("month")["source"].first().to_dict()
    honour_by_month = _honour_by_month(honour, registry) if policy.honour_list else {}
    block_order = _block_order(registry)
    slugs = addresses.block_slugs(block_order)

    month_views = []
    for position, month in enumerate(months):
        table = by_period[("month", month)]
        from_summaries = sources.get(month) == "history"
        previous = months[position - 1] if position else None
        month_views.append(
            _month_view(
                month, table, registry, policy, merges, block_order, from_summaries,
                previous_table=by_period[("month", previous)] if previous else None,
                previous=previous,
                next_month=months[position + 1] if position + 1 < len(months) else None,
                honour=None if from_summaries or not policy.honour_list else honour_by_month.get(month, ()),
            )
        )
        if units_per_page is not None and len(month_views[-1].rows) > units_per_page:
            month_views[-1] = split_by_block(month_views[-1], slugs, units_per_page)
    unit_views = _unit_views(figures, registry, policy, merges, month_views)
    # A year hides what any of its months hides of a group: otherwise the year less its
    # other months gives that month's figure.
    month_groups = [((view.year, "org", ORGANISATION_KEY), view.total) for view in month_views]
    month_groups += [((view.year, "block", b.block), b.subtotal) for view in month_views for b in view.blocks]
    month_groups += [((view.year, "level", row.name), row.figures) for view in month_views for row in view.levels]
    merged_in_year = {key for key, figures in month_groups if figures.merged}
    quiet_in_year = {key for key, figures in month_groups if figures.raised is None or figures.lowered is None}

    def year_rows(period: str, table: pd.DataFrame, group: str, order=None) -> tuple[GroupRow, ...]:
        return _group_rows(table, group, policy, order=order,
                           merged_as=lambda key: PROTECTS if (period, group, key) in merged_in_year else None,
                           self_compared=lambda key: (period, group, key) not in quiet_in_year)

    years = tuple(
        YearView(
            period,
            year_rows(period, table, "org")[0].figures,
            year_rows(period, table, "block", block_order),
            year_rows(period, table, "level"),
        )
        for (kind, period), table in by_period.items()
        if kind == "year"
    )
    return SiteView(organisation, demo, tuple(month_views), unit_views, years, policy.min_evaluated, policy.honour_list,
                    quota=policy.quota, coverage_floor=policy.coverage_floor, merge_margin=policy.merge_margin)


def with_corrections(site: SiteView, corrections: list[CorrectionNotice]) -> SiteView:
    """The view with each month's correction notices, and the list of every correction."""
    by_month: dict[str, list[CorrectionNotice]] = {}
    for notice in sorted(corrections, key=lambda c: (c.date, c.month, c.number)):
        by_month.setdefault(notice.month, []).append(notice)
    months = tuple(replace(m, corrections=tuple(by_month.get(m.month, ()))) for m in site.months)
    newest_first = tuple(sorted(corrections, key=lambda c: (c.date, c.month, c.number), reverse=True))
    return replace(site, months=months, corrections=newest_first)


def split_by_block(month: MonthView, slugs: dict[str, str], units_per_page: int) -> MonthView:
    """The month with pages of its own for each block of its table and of its honour list: one
    page per `units_per_page` units of the block, in its order; the honour list's pages follow
    the table's, so a unit's section is on the page of the number of its row's page."""
    blocks, page_of, page_count = [], {}, {}
    for block in month.blocks:
        slug = slugs[block.block]
        parts = [block.rows[start:start + units_per_page] for start in range(0, len(block.rows), units_per_page)] or [()]
        urls = tuple(addresses.month_block_page(month.month, slug, n) for n in range(1, len(parts) + 1))
        pages = tuple(
            replace(block, rows=rows, url=url, pager=Pager(number, urls) if len(urls) > 1 else None)
            for number, (rows, url) in enumerate(zip(parts, urls), start=1)
        )
        page_of.update({row.unit.code: number for number, rows in enumerate(parts, start=1) for row in rows})
        page_count[block.block] = len(parts)
        blocks.append(replace(block, url=urls[0], pages=pages))
    honour = None if month.honour is None else tuple(
        _split_honour(month.month, b, slugs[b.block], page_of, page_count.get(b.block, 1)) for b in month.honour
    )
    return replace(month, blocks=tuple(blocks), honour=honour, split=True)


def _split_honour(month: str, block: HonourBlock, slug: str, page_of: dict[str, int], count: int) -> HonourBlock:
    """A block's part of a split month's honour list, on as many pages (`count`) as its table
    (`page_of`: the page number of each unit's row). A unit with no row (none is expected)
    has its section on the first page."""
    urls = tuple(addresses.honour_block_page(month, slug, n) for n in range(1, count + 1))
    pages = tuple(
        replace(block, units=tuple(hu for hu in block.units if page_of.get(hu.unit.code, 1) == number), url=url,
                pager=Pager(number, urls) if count > 1 else None)
        for number, url in enumerate(urls, start=1)
    )
    return replace(block, url=urls[0], pages=pages)


def block_month(month: MonthView, block: BlockTable) -> MonthView:
    """The month as one block of it: what a block's page ranks in its chart."""
    return replace(month, blocks=(block,), levels=())


def _group_rows(table: pd.DataFrame, group: str, policy: Policy, order: dict[str, int] | None = None,
                merged_as=lambda key: None, self_compared=lambda key: True) -> tuple[GroupRow, ...]:
    """A period's rows of one kind of group ("org" has one, ORGANISATION_KEY), each group's figures
    merged as `merged_as(key)` says and with nâng mức and hạ mức where `self_compared(key)`."""
    records = _records(table.loc[table["group"].eq(group) & table["key"].ne("")])
    if order is not None:
        records.sort(key=lambda r: order.get(r["key"], len(order)))
    return tuple(
        GroupRow(group, r["key"], make_figures(r, policy, merged_as(r["key"]), self_compared(r["key"])))
        for r in records
    )


def _organisation(table: pd.DataFrame, month: str, policy: Policy, merges: Merges) -> Figures:
    return _group_rows(table, "org", policy, self_compared=lambda key: merges.shows_self_compared(month, "org", key))[0].figures


def _block_order(registry: Registry) -> dict[str, int]:
    order: dict[str, int] = {}
    for unit in registry.units.values():
        order.setdefault(unit.block, len(order))
    return order


def _month_view(month, table, registry, policy, merges, block_order, from_summaries, *, previous_table, previous, next_month, honour) -> MonthView:
    units = table.loc[table["group"].eq("unit")]
    unit_order = {code: i for i, code in enumerate(registry.units)}
    rows = sorted(
        (UnitRow(unit_info(registry.units[r["key"]]), make_figures(r, policy, merges.reason(month, r["key"])))
         for r in _records(units)),
        key=lambda row: (block_order[row.unit.block], unit_order[row.unit.code]),
    )
    blocks_of_month = _group_rows(table, "block", policy, merged_as=lambda key: merges.block_reason(month, key),
                                  self_compared=lambda key: merges.shows_self_compared(month, "block", key))
    subtotals = {row.name: row.figures for row in blocks_of_month}
    blocks = tuple(
        BlockTable(block, tuple(block_rows), subtotals[block])
        for block, block_rows in groupby(rows, key=lambda row: row.unit.block)
    )
    levels = _group_rows(table, "level", policy, self_compared=lambda key: merges.shows_self_compared(month, "level", key))
    return MonthView(
        month=month,
        from_summaries=from_summaries,
        blocks=blocks,
        levels=levels,
        total=_organisation(table, month, policy, merges),
        previous_total=_organisation(previous_table, previous, policy, merges) if previous_table is not None else None,
        honour=honour,
        previous=previous,
        next=next_month,
        url=addresses.month_page(month),
        honour_url=addresses.honour_page(month) if honour is not None else None,
    )


def _honour_by_month(honour: pd.DataFrame, registry: Registry) -> dict[str, tuple[HonourBlock, ...]]:
    """Honour lists grouped by block then unit, each unit's people in Vietnamese name order."""
    block_order = _block_order(registry)
    unit_order = {code: i for i, code in enumerate(registry.units)}
    result: dict[str, tuple[HonourBlock, ...]] = {}
    for month, rows in honour.groupby("month", sort=True):
        by_unit: dict[str, list[HonourEntry]] = {}
        # Columns as lists rather than a dict per row: a city's year is 250,000 honour rows.
        columns = (rows[c].tolist() for c in ("unit_code", "full_name", "position", "reward"))
        for code, name, position, reward in zip(*columns):
            entry = HonourEntry(None if pd.isna(name) else name, "" if pd.isna(position) else position,
                                None if pd.isna(reward) else int(reward))
            by_unit.setdefault(code, []).append(entry)
        units = []
        for code in sorted(by_unit, key=lambda c: (block_order[registry.units[c].block], unit_order[c])):
            # Withheld lines sort last: their names cannot place them.
            entries = sorted(by_unit[code], key=lambda e: (e.withheld, vietnamese_name_key(e.name or ""), e.position))
            units.append(HonourUnit(unit_info(registry.units[code]), tuple(entries)))
        result[month] = tuple(
            HonourBlock(block, tuple(group)) for block, group in groupby(units, key=lambda u: u.unit.block)
        )
    return result


def _unit_views(figures, registry, policy, merges, month_views) -> tuple[UnitView, ...]:
    units = figures.loc[figures["group"].eq("unit") & figures["period_kind"].eq("month")]
    honour_counts = {
        (view.month, hu.unit.code): len(hu.entries)
        for view in month_views if view.honour
        for block in view.honour for hu in block.units
    }
    has_honour = {view.month: view.honour is not None for view in month_views}
    # Where the month is split, a unit's row and honour section are on its block's pages.
    table_pages = {(view.month, row.unit.code): page.url for view in month_views if view.split
                   for block in view.blocks for page in block.pages for row in page.rows}
    honour_pages = {(view.month, hu.unit.code): page.url for view in month_views if view.split and view.honour
                    for block in view.honour for page in block.pages for hu in page.units}
    published = set(units["key"])
    # The month tables made these figures already: the same objects serve the unit pages.
    made = {(view.month, row.unit.code): row.figures for view in month_views for block in view.blocks for row in block.rows}
    records = _records(units.sort_values(["key", "period"], ascending=[True, False], kind="stable"))
    views = []
    # One pass over sorted records: a pandas operation per unit costs seconds at city scale.
    for code, rows in groupby(records, key=lambda r: r["key"]):
        unit = registry.units[code]
        months = tuple(
            UnitMonth(
                r["period"], made.get((r["period"], code)) or make_figures(r, policy, merges.reason(r["period"], code)),
                honour_counts.get((r["period"], code), 0) if has_honour.get(r["period"]) else None,
                url=table_pages.get((r["period"], code)) or addresses.month_page(r["period"]),
                honour_url=honour_pages.get((r["period"], code)) or addresses.honour_page(r["period"]),
            )
            for r in rows
        )
        views.append(
            UnitView(
                unit=unit_info(unit),
                months=months,
                predecessors=tuple(unit_info(u) for u in registry.predecessors(code) if u.code in published),
                successor=unit_info(registry.units[unit.successor]) if unit.successor in published else None,
                parent=unit_info(registry.units[unit.parent]) if unit.parent in published else None,
            )
        )
    order = {code: i for i, code in enumerate(registry.units)}
    return tuple(sorted(views, key=lambda v: order[v.unit.code]))
