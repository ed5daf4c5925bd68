"""Rows in their one canonical form: the columns the store keeps, typed, in the store's row
order, and as Parquet bytes; two exports that say the same thing give equal frames.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.ingest.exports import PERSON_COLUMNS
from generator.ingest.history import COUNT_FIELDS

from . import parquet

PEOPLE, UNITS = "people", "units"  # what a month holds: person rows, or unit-level summaries


PEOPLE_SCHEMA = pa.schema(
    [(c, pa.string()) for c in ("month", "unit_code", "unit_name", "person_id", "full_name", "position")]
    + [("is_leader", pa.bool_()), ("self_rating", pa.string()), ("final_rating", pa.string()),
       ("self_score", pa.float64()), ("final_score", pa.float64()), ("reward", pa.int64()), ("note", pa.string())]
)


UNITS_SCHEMA = pa.schema(
    [("month", pa.string()), ("unit_code", pa.string()), ("unit_name", pa.string())]
    + [(c, pa.int64()) for c in COUNT_FIELDS]
)


SCHEMAS = {PEOPLE: PEOPLE_SCHEMA, UNITS: UNITS_SCHEMA}


assert tuple(PEOPLE_SCHEMA.names) == PERSON_COLUMNS, "the store keeps every mapped field of a person row"
_SORT_KEYS = {PEOPLE: ["unit_code", "person_id"], UNITS: ["unit_code"]}


def canonical(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The columns the store keeps, typed, in the store's row order.

    Row order, file names and row numbers do not matter: two exports that say
    the same thing give equal frames (and equal files).
    """
    return _typed(frame, kind).sort_values(_SORT_KEYS[kind], kind="stable").reset_index(drop=True)


def _typed(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    schema = SCHEMAS[kind]
    return frame.loc[:, schema.names].astype({f.name: parquet.PANDAS_TYPES[f.type] for f in schema})


def canonical_months(frame: pd.DataFrame, kind: str) -> Iterator[tuple[str, pd.DataFrame]]:
    """(month, its canonical rows) for every month of `frame`, oldest first.

    One sort of the whole frame, then a slice per month: equal to `canonical`
    of each month's rows, without a copy per month on the way (at city scale
    a month-by-month groupby held two extra copies of every row at once).
    """
    if not len(frame):
        return
    ordered = _typed(frame, kind).sort_values(["month", *_SORT_KEYS[kind]], kind="stable").reset_index(drop=True)
    months = ordered["month"]
    starts = [0, *np.flatnonzero(months.ne(months.shift()).to_numpy()[1:]) + 1]
    for start, end in zip(starts, [*starts[1:], len(ordered)]):
        yield str(months.iat[start]), ordered.iloc[start:end].reset_index(drop=True)


def to_parquet(frame: pd.DataFrame, kind: str) -> bytes:
    return parquet.to_bytes(frame, SCHEMAS[kind])


def from_parquet(content: bytes) -> pd.DataFrame:
    return parquet.from_bytes(content)
