"""The demo's units registry: how many units of each block, their names (real wards and
places, invented schools' themes), the 2025 merger of wards, each unit's size, units.csv.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .months import REORGANISATION_DATE, Calendar, index_of_date
from .vocabulary import (
    BLOCKS,
    EDUCATION_OFFICE,
    GOVERNMENT,
    GOVERNMENT_UNITS,
    HANOI_PLACES,
    LEADER_TITLES,
    LEVEL_OF_BLOCK,
    LONG_BIEN_WARDS,
    MASS,
    MASS_UNITS,
    MERGES,
    PARTY,
    PARTY_UNITS,
    SCHOOL,
    SCHOOL_THEMED_NAMES,
    SCHOOL_TYPES,
    WARD,
)


def build_units(rng: np.random.Generator, n_units: int, staff: int, calendar: Calendar) -> pd.DataFrame:
    """The registry plus working columns (kind, size, ...) the other steps need.

    Rows are in block order; codes follow that order, except the new merged
    wards, which get the last codes (they were created last).
    """
    plan = _plan_blocks(n_units)
    rows = (_party_and_mass_rows(PARTY, PARTY_UNITS[:plan["party"]])
            + _government_rows(plan["government"])
            + _party_and_mass_rows(MASS, MASS_UNITS[:plan["mass"]])
            + _school_rows(plan["schools"])
            + _ward_rows(plan["old_wards"], plan["merges"]))
    units = pd.DataFrame(rows)
    width = max(3, len(str(n_units)))
    creation_order = np.argsort(units["created_late"].to_numpy(), kind="stable")
    codes = np.empty(n_units, dtype=object)
    codes[creation_order] = [f"DV{i + 1:0{width}d}" for i in range(n_units)]
    units["code"] = codes
    _link_units(units)
    units["valid_from_month"] = units["valid_from"].map(lambda d: index_of_date(d) if d else -1)
    units["valid_to_month"] = units["valid_to"].map(lambda d: index_of_date(d) if d else 1 << 30)
    units["size"] = _unit_sizes(rng, units, staff, calendar.first)
    units["head_title"], units["deputy_title"] = zip(*units["name"].map(_leader_titles))
    return units


def _plan_blocks(n_units: int) -> dict[str, int]:
    """How many units of each kind; schools are the bulk, as in a district."""
    merges = len(MERGES) if n_units >= 40 else 1
    merging_wards = sum(len(old) for old, _ in MERGES[:merges])
    ward_pool = len(_old_ward_names(merges))
    plan = {
        "party": min(len(PARTY_UNITS), max(1, round(n_units * 0.04))),
        "government": min(len(GOVERNMENT_UNITS), max(2, round(n_units * 0.10))),
        "mass": min(len(MASS_UNITS), max(1, round(n_units * 0.035))),
        "old_wards": min(ward_pool, max(merging_wards + 1, round(n_units * 0.08))),
        "merges": merges,
    }
    plan["schools"] = n_units - sum(plan.values())
    return plan


def _old_ward_names(merges: int) -> list[str]:
    """Ward offices before the reform: the merging ones first, so small sets keep a merger."""
    merging = [name for old, _ in MERGES[:merges] for name in old]
    new_names = {new for _, new in MERGES}
    rest = [w for w in LONG_BIEN_WARDS + HANOI_PLACES if w not in merging and w not in new_names]
    return merging + rest


def _row(kind: int, name: str, **extra: object) -> dict[str, object]:
    return {"kind": kind, "name": name, "block": BLOCKS[kind], "level": LEVEL_OF_BLOCK[kind],
            "school_type": "", "valid_from": "", "valid_to": "", "merges_into": "",
            "parent_name": "", "created_late": False, **extra}


def _party_and_mass_rows(kind: int, names: tuple[str, ...]) -> list[dict[str, object]]:
    umbrella = MASS_UNITS[0] if kind == MASS else ""
    return [_row(kind, name, parent_name=umbrella if name != umbrella else "") for name in names]


def _government_rows(count: int) -> list[dict[str, object]]:
    return [_row(GOVERNMENT, name) for name in GOVERNMENT_UNITS[:count]]


def _school_rows(count: int) -> list[dict[str, object]]:
    """Schools named after wards, then after people and flowers, then numbered."""
    # Rounded cumulative shares: the counts add up to `count` and none is starved.
    counts = np.diff(np.r_[0, np.round(np.cumsum(SCHOOL_TYPE_SHARES) * count)]).astype(int)
    rows = []
    for school_type, n in zip(SCHOOL_TYPES, counts):
        for place in _school_places(school_type, n):
            rows.append(_row(SCHOOL, f"Trường {school_type} {place}", school_type=school_type,
                             parent_name=EDUCATION_OFFICE))
    return rows


def _school_places(school_type: str, count: int) -> list[str]:
    base = list(dict.fromkeys(LONG_BIEN_WARDS + SCHOOL_THEMED_NAMES[school_type] + HANOI_PLACES))
    places = base[:count]
    number = 2
    while len(places) < count:  # only city-scale sets get here
        places += [f"{p} số {number}" for p in base[:count - len(places)]]
        number += 1
    return places


def _ward_rows(old_wards: int, merges: int) -> list[dict[str, object]]:
    reform_eve = (pd.Timestamp(REORGANISATION_DATE) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    merged_into = {old: f"UBND phường {new}" for olds, new in MERGES[:merges] for old in olds}
    rows = []
    for place in _old_ward_names(merges)[:old_wards]:
        successor = merged_into.get(place, "")
        rows.append(_row(WARD, f"UBND phường {place}", merges_into=successor,
                         valid_to=reform_eve if successor else ""))
    rows += [_row(WARD, f"UBND phường {new}", valid_from=REORGANISATION_DATE, created_late=True)
             for _, new in MERGES[:merges]]
    return rows


def _link_units(units: pd.DataFrame) -> None:
    """Turn parent and successor names into codes."""
    code_of = dict(zip(units["name"], units["code"]))
    units["parent"] = units["parent_name"].map(lambda n: code_of.get(n, ""))
    units["successor"] = units["merges_into"].map(lambda n: code_of.get(n, ""))


def _leader_titles(unit_name: str) -> tuple[str, str]:
    for prefix, head, deputy in LEADER_TITLES:
        if unit_name.startswith(prefix):
            return head, deputy
    raise AssertionError("the last prefix matches everything")


def _unit_sizes(rng: np.random.Generator, units: pd.DataFrame, staff: int, first_month: int) -> np.ndarray:
    """Headcounts: typical per kind, schools scaled so the first month has `staff` people."""
    kinds = units["kind"].to_numpy()
    low, high = np.zeros(len(units)), np.zeros(len(units))
    for kind, (lo, hi) in SIZE_RANGES.items():
        low[kinds == kind], high[kinds == kind] = lo, hi
    for school_type, (lo, hi) in SCHOOL_SIZE_RANGES.items():
        of_type = (units["school_type"] == school_type).to_numpy()
        low[of_type], high[of_type] = lo, hi
    sizes = rng.uniform(low, high + 1)
    for successor_code, group in units[units["successor"] != ""].groupby("successor"):
        new_ward = (units["code"] == successor_code).to_numpy()
        sizes[new_ward] = MERGE_RETENTION * sizes[group.index].sum()

    valid = valid_in(units, first_month)
    schools = valid & (kinds == SCHOOL)
    room = staff - sizes[valid & ~schools].sum()
    if room >= 10 * schools.sum():
        sizes[schools] *= room / sizes[schools].sum()
    else:  # too few people for the typical sizes: shrink every unit alike
        sizes[valid] *= staff / sizes[valid].sum()
    sizes = np.maximum(np.round(sizes), 3).astype(np.int64)
    _fix_total(sizes, valid, staff)
    return sizes


def _fix_total(sizes: np.ndarray, valid: np.ndarray, staff: int) -> None:
    """Absorb rounding into the largest valid units, one person each."""
    largest = np.flatnonzero(valid)[np.argsort(-sizes[valid], kind="stable")]
    difference = staff - int(sizes[valid].sum())
    steps = np.resize(largest, abs(difference))
    np.add.at(sizes, steps, np.sign(difference))


def valid_in(units: pd.DataFrame, month: int) -> np.ndarray:
    return ((units["valid_from_month"] <= month) & (month <= units["valid_to_month"])).to_numpy()


def write_units(out: Path, units: pd.DataFrame) -> Path:
    path = out / "units.csv"
    columns = ["code", "name", "block", "level", "parent", "valid_from", "valid_to", "successor"]
    units.sort_values("code")[columns].to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


SCHOOL_TYPE_SHARES = (0.40, 0.33, 0.27)


# Typical headcounts (lowest, highest) before scaling to the requested staff.
SIZE_RANGES = {PARTY: (5, 18), GOVERNMENT: (8, 30), MASS: (4, 12), WARD: (20, 40)}


SCHOOL_SIZE_RANGES = {"Mầm non": (30, 60), "Tiểu học": (40, 80), "THCS": (35, 70)}


MERGE_RETENTION = 0.9  # some staff of merged wards leave at the merger
