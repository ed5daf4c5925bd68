"""Five months of five units, written from a plan, for the trends, charts and key points tests.

The plan is the truth the tests count from; `plan_built` (conftest.py) is the view and the
trends built from it, once per test module.
"""
from __future__ import annotations

from pathlib import Path

from conftest import DataDir, person_row
from generator.core.config import TrendSettings
from generator.round.pipeline import DataFolder, site_view
from generator.view.trends import build_trends

XS, T, HT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
REWARD = "1.170.000"

# unit -> month -> (XS, T, HT, not evaluated, hạ mức among the T)
PLAN = {
    "PTC": {"2025-04": (2, 8, 0, 0, 0), "2025-05": (2, 8, 0, 0, 1), "2025-06": (1, 9, 0, 0, 0),
            "2025-07": (1, 9, 0, 1, 2), "2025-08": (3, 7, 0, 0, 0)},
    "GB": {"2025-04": (1, 9, 0, 0, 0), "2025-05": (1, 9, 0, 0, 0), "2025-06": (1, 9, 0, 0, 0)},
    "TL": {"2025-04": (0, 4, 1, 0, 0), "2025-05": (1, 3, 1, 0, 0), "2025-06": (1, 4, 0, 0, 0)},
    "PM": {"2025-07": (3, 17, 0, 0, 0), "2025-08": (4, 16, 0, 0, 3)},
    "THGB": {"2025-04": (2, 10, 0, 0, 0), "2025-05": (2, 10, 0, 0, 0), "2025-06": (2, 10, 0, 0, 0),
             "2025-07": (2, 10, 0, 0, 0)},  # absent in 2025-08 with no successor: missing
}
SETTINGS = {
    "CONGKHAI_BASE_SALARY": {"2019-07": 1_490_000, "2023-07": 1_800_000, "2024-07": 2_340_000},
    "CONGKHAI_REWARD_MULTIPLES": {"XS": "0.5"},
    "CONGKHAI_REWARD_BUDGET": 10_000_000,
    "CONGKHAI_MOVERS": 2,
}


def plan_rows():
    rows, n = [], 0
    for unit, months in PLAN.items():
        for month, (xs, t, ht, blank, lowered) in months.items():
            label = f"{month[5:]}/{month[:4]}"
            levels = [XS] * xs + [T] * t + [HT] * ht + [""] * blank
            for i, final in enumerate(levels):
                n += 1
                own = XS if final == T and i - xs < lowered else None
                rows.append(person_row(n, f"{unit}-{month}-{i}", f"Người {n}", unit, month=label, final=final,
                                       self_rating=own, reward=REWARD if final == XS else ""))
    return rows


def build(root: Path):
    """(view, trends) of the plan's data written under `root`."""
    data = DataDir(root / "data")
    data.export_csv("ket-qua.csv", plan_rows())
    view, problems = site_view(DataFolder(data.root), SETTINGS)
    assert view is not None, [p.render() for p in problems.errors]
    return view, build_trends(view, TrendSettings.from_settings(SETTINGS))
