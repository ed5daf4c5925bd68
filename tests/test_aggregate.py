"""Aggregates equal counts made independently from the fixture rows (EXPORT-FORMAT.md section 8)."""
from __future__ import annotations

import random
from decimal import Decimal

from generator.round import pipeline
from generator.core.config import Policy
from generator.round.pipeline import DataFolder

from conftest import person_row

LEVELS = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ", ""]
CODES = {LEVELS[0]: "XS", LEVELS[1]: "T", LEVELS[2]: "HT", LEVELS[3]: "K", "": None}
ORDER = {"K": 1, "HT": 2, "T": 3, "XS": 4}
UNITS = {"PTC": "Khối Chính quyền", "GB": "Khối Phường", "TL": "Khối Phường", "THGB": "Khối Trường học"}


def random_rows(seed: int, months=("09/2024", "10/2024")):
    rng = random.Random(seed)
    rows, n = [], 0
    for month in months:
        for unit in UNITS:
            for person in range(rng.randint(3, 25)):
                n += 1
                final = rng.choices(LEVELS, weights=[12, 80, 5, 1, 2])[0]
                own = rng.choice(LEVELS[:4])
                score = str(rng.randint(50, 100)) if rng.random() < 0.5 else ""
                reward = str(rng.choice([0, 1170000])) if final == LEVELS[0] else ""
                rows.append(person_row(n, f"{unit}-{person}", f"Người {unit} {person}", unit, month=month, final=final,
                                       self_rating=own, reward=reward))
    return rows


def expected(rows, month, units):
    picked = [r for r in rows if r[6] == month and r[4] in units]
    finals = [CODES[r[11]] for r in picked]
    selfs = [CODES[r[9]] for r in picked]
    pairs = [(f, s) for f, s in zip(finals, selfs) if f and s]
    return {
        "headcount": len(picked),
        "evaluated": sum(1 for f in finals if f),
        "xs": finals.count("XS"), "t": finals.count("T"), "ht": finals.count("HT"), "k": finals.count("K"),
        "raised": sum(1 for f, s in pairs if ORDER[f] > ORDER[s]),
        "lowered": sum(1 for f, s in pairs if ORDER[f] < ORDER[s]),
        "reward_count": sum(1 for r in picked if r[12] not in ("", "0")),
        "reward_amount": sum(int(r[12]) for r in picked if r[12]),
    }


def figures_of(f):
    return {"headcount": f.headcount, "evaluated": f.evaluated, "xs": f.xs, "t": f.t, "ht": f.ht, "k": f.k,
            "raised": f.raised, "lowered": f.lowered, "reward_count": f.reward_count, "reward_amount": f.reward_amount}


def build(data_dir, rows, **settings):
    data_dir.export_csv("a.csv", rows)
    view, problems = pipeline.site_view(DataFolder(data_dir.root), {"CONGKHAI_MIN_EVALUATED": 0, **settings})
    assert view is not None, problems.errors
    return view


def test_unit_block_and_organisation_figures_equal_independent_counts(data_dir):
    rows = random_rows(7)
    view = build(data_dir, rows)
    for month_view, month in zip(view.months, ("09/2024", "10/2024")):
        for row in month_view.rows:
            assert figures_of(row.figures) == expected(rows, month, {row.unit.code}), row.unit.code
        for block in month_view.blocks:
            units = {u for u, b in UNITS.items() if b == block.block}
            assert figures_of(block.subtotal) == expected(rows, month, units)
        assert figures_of(month_view.total) == expected(rows, month, set(UNITS))


def test_yearly_figures_sum_the_months(data_dir):
    rows = random_rows(3)
    view = build(data_dir, rows)
    [year] = view.years
    both = {k: expected(rows, "09/2024", set(UNITS))[k] + expected(rows, "10/2024", set(UNITS))[k] for k in ("headcount", "xs", "raised")}
    assert (year.year, year.total.headcount, year.total.xs, year.total.raised) == ("2024", both["headcount"], both["xs"], both["raised"])


def test_shares_are_of_headcount_and_add_up_to_100(data_dir):
    rows = random_rows(11)
    view = build(data_dir, rows)
    f = view.latest.total
    exact = expected(rows, "10/2024", set(UNITS))
    assert f.xs_share == (Decimal(exact["xs"] * 100) / exact["headcount"]).quantize(Decimal("0.01"), "ROUND_HALF_UP")
    total = f.xs_share + f.t_share + f.ht_share + f.k_share + f.not_evaluated_share
    assert abs(total - 100) <= Decimal("0.03")


def test_small_unit_shows_ht_and_k_merged(data_dir):
    rows = [person_row(i, str(i), f"N {i}", "PTC", final=LEVELS[2] if i < 2 else LEVELS[1]) for i in range(5)]
    data_dir.export_csv("a.csv", rows)
    view, _ = pipeline.site_view(DataFolder(data_dir.root), {})
    [row] = view.latest.rows
    assert (row.figures.ht, row.figures.k, row.figures.ht_k) == (None, None, 2)
    assert Policy().min_evaluated == 10


def test_average_final_score_per_unit(data_dir):
    rows = [person_row(1, "1", "A", "PTC", final="", score="91"), person_row(2, "2", "B", "PTC", final="", score="80")]
    view = build(data_dir, rows)
    assert view.latest.rows[0].figures.average_score == Decimal("85.50")
