"""Merged stays merged, measured: what secondary suppression merges, and what the auditor costs.

    .venv/bin/python bench/disclosure.py DATA [DATA ...] [--settings pelicanconf.py]

For each data folder (the demo's `data/`, or a city set from `python -m generator demo --out
/tmp/city --months 12 --units 2000 --staff 177379`) prints: unit-months, those merged for being
small and those merged to protect them (with the staff the extra merges hide, and their share of
the unit-months at or above the minimum, which the contract caps at 5%), block-months and
block-years whose totals are merged, totals without nâng mức / hạ mức, the seconds of choosing the merges and of
the auditor (CPU and wall), and how many merged counts the auditor proved safe. Not part of
`make test`.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.figures import aggregate  # noqa: E402
from generator.view import audit
from generator.figures import suppression
from generator.core.config import Policy, read_settings_file, units_per_page  # noqa: E402
from generator.round.pipeline import DataFolder, load  # noqa: E402
from generator.core.problems import Problems  # noqa: E402
from generator.view.build import build_site_view, honour_rows


def measure(data: Path, settings: dict) -> dict:
    policy = Policy.from_settings(settings)
    loaded = load(DataFolder(data), policy).without_rows()
    if loaded.problems.has_errors:
        raise SystemExit(f"{data}: the data has errors; run `python -m generator validate --data {data}`")
    everything = loaded.all_months
    units = everything.units
    clock, cpu = time.perf_counter(), time.process_time()
    merges = suppression.choose_merges(units, everything.registry, policy)
    choose = (time.perf_counter() - clock, time.process_time() - cpu)
    view = build_site_view(aggregate.rollup(units, everything.registry), units,
                           honour_rows(everything.honour, loaded.withheld), everything.registry, policy, merges,
                           organisation="bench", demo=True, units_per_page=units_per_page(settings))
    problems = Problems()
    clock, cpu = time.perf_counter(), time.process_time()
    checked = audit.check(view, policy, problems)
    auditing = (time.perf_counter() - clock, time.process_time() - cpu)
    staff = dict(zip(zip(units["month"], units["unit_code"]), units["headcount"].astype(int)))
    protects = [key for key, reason in merges.reasons.items() if reason == suppression.PROTECTS]
    at_or_above = int((units["evaluated"] >= policy.min_evaluated).sum())
    return {
        "unit-months": len(units),
        "months": units["month"].nunique(),
        "merged: small": merges.count(suppression.SMALL),
        "merged: to protect them": len(protects),
        "  staff they hide": sum(staff[key] for key in protects),
        "  share of unit-months >= minimum": f"{len(protects) / at_or_above:.2%}" if at_or_above else "-",
        "block-months merged": len(merges.blocks),
        "block-years merged": sum(1 for year in view.years for block in year.blocks if block.figures.merged),
        "totals without nâng/hạ mức": len(merges.quiet),
        "choose merges s (wall / cpu)": f"{choose[0]:.2f} / {choose[1]:.2f}",
        "auditor s (wall / cpu)": f"{auditing[0]:.2f} / {auditing[1]:.2f}",
        "merged unit-months proven safe": checked,
        "auditor errors": len(problems.errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="+")
    parser.add_argument("--settings", type=Path, default=ROOT / "pelicanconf.py")
    args = parser.parse_args()
    settings = read_settings_file(args.settings)
    results = {str(folder): measure(folder, settings) for folder in args.data}
    width = max(16, *(len(str(folder)) for folder in results)) + 2
    print(f"{'':36}" + "".join(f"{name:>{width}}" for name in results))
    for line in next(iter(results.values())):
        print(f"{line:36}" + "".join(f"{str(r[line]):>{width}}" for r in results.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
