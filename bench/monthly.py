"""The monthly round, timed: a full build of the demo data vs the build after adding one month.

    .venv/bin/python bench/monthly.py [--months 24] [--units 150] [--staff 5000] [--repeat 2] [--keep DIR]

Writes a demo data set with one month more than asked (`python -m generator
demo`), takes the newest month's export out, then times, as a user runs them
(`python -m generator build` in a fresh process, wall clock):

  full build       no store: every export read, validated, stored; every page written
  rebuild          nothing new: the store holds every month, no export is read
  add one month    the newest month's export put back: only that file is read

and the same for `validate`. Prints a table; the best of --repeat runs of
each. Not part of `make test`: it takes a few minutes.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.demo.population import write_demo  # noqa: E402
from generator.ingest.exports import read_person_file  # noqa: E402
from generator.core.problems import Problems  # noqa: E402
from generator.core.ratings import RatingScale  # noqa: E402


def run(*args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "CI": "true"})
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"python -m generator {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return seconds


def newest_month_files(exports: Path, month: str) -> list[Path]:
    """The export files whose rows are all of `month` (read once, to set the bench up)."""
    found = []
    for path in sorted(p for p in exports.iterdir() if p.is_file()):
        rows = read_person_file(path, path.name, RatingScale(), Problems())
        if rows is not None and set(rows["month"].dropna()) == {month}:
            found.append(path)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="congkhai-bench-"))
    data, output, aside = work / "data", work / "output", work / "aside"
    shutil.rmtree(data, ignore_errors=True)
    summary = write_demo(data, months=args.months + 1, units=args.units, staff=args.staff)
    newest = summary.months[-1]
    new_files = newest_month_files(data / "exports", newest)
    if not new_files:
        sys.exit(f"found no export holding only {newest}")
    print(f"demo: {summary.describe()}")
    print(f"added month: {newest} ({', '.join(p.name for p in new_files)})\n")

    def take_out() -> None:
        aside.mkdir(parents=True, exist_ok=True)
        for path in new_files:
            if path.exists():
                shutil.move(path, aside / path.name)

    def put_back() -> None:
        for path in new_files:
            if (aside / path.name).exists():
                shutil.move(aside / path.name, path)

    build = ("build", "--data", str(data), "--output", str(output))
    validate = ("validate", "--data", str(data), "--report", str(work / "validation-report.html"))
    times: dict[str, list[float]] = {name: [] for name in (
        "build: full", "build: rebuild, nothing new", "build: add one month",
        "validate: full", "validate: nothing new", "validate: one month new")}
    for _ in range(args.repeat):
        take_out()
        shutil.rmtree(data / "store", ignore_errors=True)
        times["validate: full"].append(run(*validate))
        times["build: full"].append(run(*build))
        times["validate: nothing new"].append(run(*validate))
        times["build: rebuild, nothing new"].append(run(*build))
        put_back()
        times["validate: one month new"].append(run(*validate))
        times["build: add one month"].append(run(*build))

    full = min(times["build: full"])
    print(f"{'step':32} {'best s':>8} {'median s':>9} {'of full build':>14}")
    for name, values in times.items():
        best = min(values)
        print(f"{name:32} {best:8.1f} {statistics.median(values):9.1f} {best / full:14.0%}")
    pages = sum(1 for p in output.rglob("*") if p.is_file())
    print(f"\n{pages} files in the site; each run is a fresh process (python -m generator ...), wall clock.")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
