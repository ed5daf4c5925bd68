"""The leak check, timed on a built site: making the needles, then searching every file.

    .venv/bin/python bench/leakcheck.py DATA OUTPUT [--settings pelicanconf.py]

DATA is the data folder the site in OUTPUT was built from (e.g. a city set from
`python -m generator demo --out /tmp/city --months 12 --units 2000 --staff 177379`,
built with `python -m generator build --data /tmp/city --output /tmp/city-out`).
Prints wall and CPU seconds, the number of patterns, the values searched for and
skipped per kind, the bytes searched, and the peak memory of this process (most of
which is reading the data, as a build does anyway). Not part of `make test`.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.round import leak_needles, leak_scan  # noqa: E402
from generator.core.config import read_settings_file  # noqa: E402
from generator.round.pipeline import DataFolder, prepare  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--settings", type=Path, default=ROOT / "pelicanconf.py")
    args = parser.parse_args()

    started = time.perf_counter()
    view, loaded = prepare(DataFolder(args.data), read_settings_file(args.settings))
    if view is None:
        print("the data folder has errors; run `python -m generator validate` on it")
        return 1
    print(f"read and validate the data (as a build does): {time.perf_counter() - started:.1f} s")

    wall, cpu = time.perf_counter(), time.process_time()
    needles = leak_needles.private_values(loaded.all_months.private, loaded.withheld, view)
    needle_wall, needle_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        report = leak_scan.check_output(args.output, needles)
        outcome = "no private value"
        files, size = report.files, report.bytes
    except leak_scan.LeakFound as leak:
        outcome = f"{len(leak.findings)} findings"
        files = size = 0
    search_wall, search_cpu = time.perf_counter() - wall, time.process_time() - cpu

    names = {leak_needles.ID: "ids", leak_needles.NAME: "names", leak_needles.WITHHELD: "withheld names", leak_needles.NOTE: "notes"}
    print(f"{'step':<18}{'wall s':>9}{'cpu s':>9}")
    print(f"{'make needles':<18}{needle_wall:>9.2f}{needle_cpu:>9.2f}")
    print(f"{'search the site':<18}{search_wall:>9.2f}{search_cpu:>9.2f}")
    print(f"{'total':<18}{needle_wall + search_wall:>9.2f}{needle_cpu + search_cpu:>9.2f}")
    print(f"patterns: {len(needles.roles):,}; searched for: "
          + ", ".join(f"{names[k]} {v:,}" for k, v in sorted(needles.checked.items()))
          + "; too common to search for alone: "
          + ", ".join(f"{names[k]} {v:,}" for k, v in sorted(needles.skipped.items())))
    print(f"site: {files:,} files, {size / 1e6:,.0f} MB; {outcome}")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
