"""The search index: units and honour-list names, found with or without diacritics.

Written from the public view only. Names come from the honour lists the site
publishes (a withheld line has no name to index), never from person rows, so
the index can hold nothing the honour list pages do not show.

Everything is matched on the contract's folded text (text.fold: no tone or
vowel marks, đ -> d, lower case), so "dang" finds "Đặng" and "giang bien"
finds "Giang Biên". The browser folds the query the same way.

Files, under `tim-kiem/`:

    don-vi.json    every published unit: [code, name, block, address]
    ten.json       {"months": [[YYYY-MM, honour list address], ...],
                    a month split by block (MonthView.split) with a third item,
                    {block: the address of its part of the honour list},
                    and after it [YYYY-MM, address] for each page after the first
                    of a block of several pages (public.Pager),
                    "words": {folded word: [shard number, entries]}}
    ten/N.json     the honour entries whose name has one given word, one per line:
                   [unit number in don-vi.json, [month number, ...], name]
                   (a month number: the entry of "months" whose page holds the
                   unit's section, newest month first)

The name ends its entry, and each entry its line: the leak check reads a
number standing after a name in the same record as that person's (a
namesake's score), so nothing may follow a name but the end of its record.

A name is split into words and filed under each word, so a search loads
only the shard of its rarest word (a few KB even for a city), never all
names; the word counts in ten.json let the page choose that word, or ask
for more letters, before it downloads anything.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

from generator.core import addresses
from generator.core.names import vietnamese_name_key
from generator.view.public import HonourUnit, MonthView, SiteView
from generator.core.text import fold

FOLDER = "tim-kiem/"
UNITS_FILE = FOLDER + "don-vi.json"
NAMES_FILE = FOLDER + "ten.json"


def name_shard(number: int) -> str:
    return f"{FOLDER}ten/{number}.json"


def words(text: str) -> list[str]:
    return fold(text).split()


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _one_entry_per_line(entries: list) -> bytes:
    return b"[\n" + b",\n".join(_dumps(entry) for entry in entries) + b"\n]\n"


def _month_entry(month: MonthView) -> list:
    """[YYYY-MM, honour list address], and where the list is split by block the address of each
    block's part: a unit's section (#dv-CODE) is on its block's page (its block: don-vi.json)."""
    entry = [month.month, addresses.honour_page(month.month)]
    if month.split:
        entry.append({block.block: block.url for block in month.honour})
    return entry


def _sections(month: MonthView) -> Iterator[tuple[HonourUnit, str | None]]:
    """Each unit of a month's honour list, with the address of the block's later page holding its
    section (None: the page its month entry leads to, the month's or its block's first)."""
    for block in month.honour:
        for number, page in enumerate(block.pages or (block,)):
            for honour_unit in page.units:
                yield honour_unit, page.url if number else None


def files(site: SiteView) -> list[tuple[str, bytes]]:
    """(path, content) of every file of the index, in a stable order."""
    units = [u.unit for u in site.units]
    unit_number = {u.code: i for i, u in enumerate(units)}
    honour_months = [m for m in site.months if m.honour]
    # The "months" entries: each month's, then one for each later page of its blocks.
    month_entries, first_entry, page_entry = [], [], {}
    for month in honour_months:
        first_entry.append(len(month_entries))
        month_entries.append(_month_entry(month))
        for block in month.honour if month.split else ():
            for page in block.pages[1:]:
                page_entry[page.url] = len(month_entries)
                month_entries.append([month.month, page.url])
    # (name, unit) -> the months it is on the honour list, newest first
    entries: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position in range(len(honour_months) - 1, -1, -1):
        for honour_unit, page in _sections(honour_months[position]):
            number = first_entry[position] if page is None else page_entry[page]
            for entry in honour_unit.entries:
                if not entry.withheld and honour_unit.unit.code in unit_number:
                    months = entries[(entry.name, honour_unit.unit.code)]
                    if not months or months[-1] != number:
                        months.append(number)
    shards: dict[str, list] = defaultdict(list)
    # Within a shard, names in the honour list's order (given name first, Vietnamese alphabet).
    for (name, code), months in sorted(entries.items(), key=lambda item: (vietnamese_name_key(item[0][0]), item[0])):
        for word in dict.fromkeys(words(name)):
            shards[word].append([unit_number[code], months, name])
    ordered = sorted(shards)
    index = {
        "months": month_entries,
        "words": {word: [number, len(shards[word])] for number, word in enumerate(ordered)},
    }
    result = [
        (UNITS_FILE, _dumps([[u.code, u.name, u.block, u.url] for u in units])),
        (NAMES_FILE, _dumps(index)),
    ]
    result += [(name_shard(number), _one_entry_per_line(shards[word])) for number, word in enumerate(ordered)]
    return result
