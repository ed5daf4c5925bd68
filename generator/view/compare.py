"""The data of the compare page (/so-sanh/): each unit's XS share and coverage, month by month.

Written from the leaders' view (trends.py, itself from the public view): the
same series the unit's own chart draws (a unit's months, with its
predecessors' before a reorganisation), so a comparison shows nothing the
unit pages do not. The units themselves, their names and blocks, come from
the search index (search.UNITS_FILE), which the compare page reuses.

Files, under `so-sanh/du-lieu/`:

    toan-bo.json   {"months": [YYYY-MM, ...], "xs": [...], "coverage": [...]}: the organisation
    CODE.json      {"xs": [...], "coverage": [...]}: one unit, on the same months

Shares are percentages with two decimals; null where a month has no figure
(the unit did not exist, or the figure is not published).
"""
from __future__ import annotations

import json
from decimal import Decimal

from generator.core import addresses
from .public import Figures
from .trends import Series, TrendsView

DATA_FOLDER = addresses.compare_page() + "du-lieu/"
ORGANISATION_FILE = DATA_FOLDER + "toan-bo.json"
MOST_UNITS = 5  # a comparison of more lines than this is no longer readable on a phone


def unit_file(code: str) -> str:
    return f"{DATA_FOLDER}{code}.json"


def _share(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _columns(figures: tuple[Figures | None, ...]) -> dict:
    return {
        "xs": [None if f is None else _share(f.xs_share) for f in figures],
        "coverage": [None if f is None else _share(f.coverage) for f in figures],
    }


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def files(trends: TrendsView) -> list[tuple[str, bytes]]:
    """(path, content) of every file, the organisation's first, then the units' in code order."""
    organisation: Series = trends.organisation
    result = [(ORGANISATION_FILE, _dumps({"months": list(organisation.months), **_columns(organisation.figures)}))]
    for code in sorted(trends.units):
        series = trends.units[code].series
        if series.months != organisation.months:
            raise ValueError(f"unit {code}: its months are not the site's")
        result.append((unit_file(code), _dumps(_columns(series.figures))))
    return result
