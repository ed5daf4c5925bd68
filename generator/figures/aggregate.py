"""The figures of contract section 8, per unit, block, level and organisation.

Counts only: shares and the small-unit merge are decided by the public view,
which is where publication policy applies. Everything here is whole-column
pandas work; no Python loop runs over rows.
"""
from __future__ import annotations

import pandas as pd

from generator.core.ratings import rank
from generator.ingest.registry import Registry

COUNTS = (
    "headcount", "evaluated", "not_evaluated", "xs", "t", "ht", "k", "raised", "lowered",
    "leaders", "reward_count", "reward_amount", "score_sum", "score_count",
)
# Figures that only person-level months have; unit-level summaries leave them unknown.
PERSON_ONLY = ("leaders", "reward_count", "reward_amount", "score_sum", "score_count")
# Figures that compare the final rating with the self rating.
SELF_COMPARED = ("raised", "lowered")
GROUPS = ("unit", "block", "level", "org")
ORGANISATION_KEY = "toan-bo"


def unit_months(people: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """One row per unit and month: the counts, from person rows or from summaries."""
    return combine([from_people(people)] if len(people) else [], history)


def combine(people_counts: list[pd.DataFrame], history: pd.DataFrame) -> pd.DataFrame:
    """`unit_months` from the counts `from_people` made of each month apart, and the summaries."""
    parts = [part for part in people_counts if len(part)]
    if len(history):
        parts.append(_from_history(history))
    if not parts:
        return pd.DataFrame(columns=["month", "unit_code", *COUNTS, "source"])
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values(["month", "unit_code"], kind="stable").reset_index(drop=True)


def from_people(people: pd.DataFrame) -> pd.DataFrame:
    final, own = people["final_rating"], people["self_rating"]
    final_rank, self_rank = rank(final), rank(own)
    both = final_rank.notna() & self_rank.notna()
    reward = people["reward"].fillna(0)
    indicators = pd.DataFrame({
        "month": people["month"].astype("category"),
        "unit_code": people["unit_code"].astype("category"),
        "headcount": 1,
        "xs": final.eq("XS").fillna(False),
        "t": final.eq("T").fillna(False),
        "ht": final.eq("HT").fillna(False),
        "k": final.eq("K").fillna(False),
        "raised": (both & (final_rank > self_rank)).fillna(False),
        "lowered": (both & (final_rank < self_rank)).fillna(False),
        "leaders": people["is_leader"].fillna(False),
        "reward_count": reward.gt(0),
        "reward_amount": reward,
        "score_sum": people["final_score"].fillna(0.0),
        "score_count": people["final_score"].notna(),
    })
    sums = indicators.groupby(["month", "unit_code"], observed=True, sort=True).sum()
    sums = sums.astype({c: "Int64" for c in sums.columns if c != "score_sum"} | {"score_sum": "Float64"})
    sums["evaluated"] = sums[["xs", "t", "ht", "k"]].sum(axis=1)
    sums["not_evaluated"] = sums["headcount"] - sums["evaluated"]
    sums["source"] = "people"
    frame = sums.reset_index()
    frame["month"] = frame["month"].astype("string")
    frame["unit_code"] = frame["unit_code"].astype("string")
    return frame


def _from_history(history: pd.DataFrame) -> pd.DataFrame:
    frame = history[["month", "unit_code", "headcount", "xs", "t", "ht", "k", "not_evaluated", "raised", "lowered"]].copy()
    frame["evaluated"] = frame[["xs", "t", "ht", "k"]].sum(axis=1)
    for column in PERSON_ONLY:
        frame[column] = pd.NA
    frame = frame.astype({c: "Int64" for c in COUNTS if c != "score_sum"} | {"score_sum": "Float64"})
    frame["source"] = "history"
    return frame


def rollup(units: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Figures for every period (month and year) and group (unit, block, level, organisation).

    Columns: period, period_kind ("month"/"year"), group, key, then COUNTS.
    A year sums its months; figures that summaries lack stay unknown (<NA>)
    when no month of the period has them.
    """
    if units.empty:
        return pd.DataFrame(columns=["period", "period_kind", "group", "key", *COUNTS])
    enriched = units.merge(registry.frame()[["unit_code", "block", "level"]], on="unit_code", how="left")
    enriched["year"] = enriched["month"].str.slice(0, 4)
    enriched["unit"] = enriched["unit_code"]
    enriched["org"] = ORGANISATION_KEY
    enriched["has_people"] = enriched["source"].eq("people")
    frames = []
    for period_kind, period in (("month", "month"), ("year", "year")):
        for group in GROUPS:
            grouped = enriched.groupby([period, group], sort=True, dropna=False)
            summed = grouped[list(COUNTS)].sum(min_count=1)
            # A group's nâng mức is known only where every member's is: a sum over some
            # members would be taken for the group's, and the rest computed from it.
            summed[list(SELF_COMPARED)] = grouped[list(SELF_COMPARED)].sum(skipna=False)
            summed = summed.reset_index().rename(columns={period: "period", group: "key"})
            summed.insert(1, "period_kind", period_kind)
            summed.insert(2, "group", group)
            frames.append(summed)
    result = pd.concat(frames, ignore_index=True)
    result["key"] = result["key"].fillna("").astype("string")
    return result
