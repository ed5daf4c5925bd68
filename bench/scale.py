"""Build time and memory at district and city scale, against two yardsticks measured in the same run.

    .venv/bin/python bench/scale.py [--sets district,city] [--keep DIR] [--profile DIR]
    make bench

For each set it writes demo data (`python -m generator demo`) with one month
more than the set holds, takes that newest month's export out, and measures:

  full build      `python -m generator build --timings`: every export read and
                  validated, every page written (stages from --timings)
  add one month   the newest export put back, built again over the store
  bare read       pandas reading the same export and history files, nothing else
  bare Pelican    Pelican writing as many pages as the build wrote, from a
                  one-line template (the cost of Pelican and the file system)

then prints the figures and the issue's targets as ratios of the yardsticks.
Each build runs in a fresh process; peak memory is that process's (and its
children's) maximum resident set. Nothing here is part of `make test`.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from monthly import newest_month_files  # noqa: E402

from generator.demo import write_demo  # noqa: E402
from generator.timings import STAGES  # noqa: E402


@dataclass(frozen=True)
class DataSet:
    name: str
    units: int
    staff: int
    months: int


SETS = {
    "district": DataSet("district", units=152, staff=5_000, months=36),
    "city": DataSet("city", units=2_000, staff=177_379, months=12),
}

# The targets: ratios against the yardsticks, and absolute ones for the city set.
INGEST_OVER_READ = 3.0
BUILD_OVER_YARDSTICKS = 1.5
ADD_MONTH_OVER_FULL = 0.20
CITY_SECONDS = 60.0
CITY_PEAK_MB = 2048.0


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    stdout: str


def run_measured(args: list[str]) -> Run:
    """Run a command in a fresh process: wall seconds and peak resident memory (its own and its children's)."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "CI": "true"})
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed:\n{stdout}")
    return Run(seconds, usage.ru_maxrss / 1024, stdout)


def build(data: Path, output: Path, timings: Path) -> tuple[Run, dict]:
    run = run_measured([sys.executable, "-m", "generator", "build", "--data", str(data), "--output", str(output),
                        "--timings", str(timings)])
    return run, json.loads(timings.read_text("utf-8"))


def bare_read(data: Path) -> Run:
    return run_measured([sys.executable, str(Path(__file__)), "--bare-read", str(data)])


def bare_pelican(pages: int, work: Path) -> Run:
    return run_measured([sys.executable, str(Path(__file__)), "--bare-pelican", str(pages), str(work)])


def do_bare_read(data: Path) -> None:
    """pandas reading every export and history file's table as it is: no header search beyond
    skipping the title lines, no mapping, no checks."""
    import pandas as pd

    rows = 0
    for path in sorted([*(data / "exports").iterdir(), *(data / "history").iterdir()]):
        if path.suffix.lower() == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="calamine")
            rows += sum(len(sheet) for sheet in sheets.values())
        else:
            raw = path.read_bytes()
            encoding = "utf-8" if raw.startswith(b"\xef\xbb\xbf") else "cp1258"
            first = raw[:8192].decode(encoding, errors="replace").splitlines()[:30]
            separator = max(",;\t", key=lambda s: max(line.count(s) for line in first))
            title_lines = max(range(len(first)), key=lambda i: first[i].count(separator))
            table = pd.read_csv(path, sep=separator, skiprows=title_lines, dtype=str, encoding=encoding,
                                encoding_errors="replace", on_bad_lines="skip")
            rows += len(table)
    print(rows)


def do_bare_pelican(pages: int, work: Path) -> None:
    """Pelican writing `pages` pages from a one-line template, through its Writer, as the build does."""
    from pelican import Pelican, signals
    from pelican.generators import Generator
    from pelican.settings import read_settings

    theme = work / "theme"
    (theme / "templates").mkdir(parents=True, exist_ok=True)
    (theme / "templates" / "bare.html").write_text("<!doctype html><title>{{ n }}</title><p>{{ n }}</p>\n", "utf-8")
    (work / "content").mkdir(exist_ok=True)

    class BareGenerator(Generator):
        def generate_output(self, writer):
            template = self.get_template("bare")
            for n in range(pages):
                writer.write_file(f"p/{n}/index.html", template, self.context, n=n)

    signals.get_generators.connect(lambda pelican: BareGenerator, weak=False)
    settings = read_settings(None, override={
        "PATH": str(work / "content"), "OUTPUT_PATH": str(work / "output"), "THEME": str(theme),
        "DIRECT_TEMPLATES": [], "FEED_ALL_ATOM": None, "CATEGORY_FEED_ATOM": None, "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None, "TRANSLATION_FEED_ATOM": None, "PLUGINS": [], "CACHE_CONTENT": False,
    })
    import logging

    logging.getLogger("pelican").setLevel(logging.WARNING)
    Pelican(settings).run()


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(dataset: DataSet, work: Path, profile: Path | None) -> dict:
    data, output, aside = work / "data", work / "output", work / "aside"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    summary = write_demo(data, months=dataset.months + 1, units=dataset.units, staff=dataset.staff)
    newest = summary.months[-1]
    added = newest_month_files(data / "exports", newest)
    if not added:
        sys.exit(f"{dataset.name}: found no export holding only {newest}")
    aside.mkdir()
    for path in added:
        shutil.move(path, aside / path.name)
    print(f"{dataset.name}: {summary.describe()}; added month {newest}", file=sys.stderr, flush=True)

    read = bare_read(data)
    full, stages = build(data, output, work / "timings-full.json")
    pages = stages["files"]
    pelican = bare_pelican(pages, work / "bare-pelican")
    size = folder_bytes(output)
    for path in added:
        shutil.move(aside / path.name, path)
    add_one, _ = build(data, output, work / "timings-add.json")
    if profile is not None:
        for path in added:
            shutil.move(path, aside / path.name)
        shutil.rmtree(data / "store")
        profile.mkdir(parents=True, exist_ok=True)
        run_measured([sys.executable, "-m", "pyinstrument", "-r", "html", "-o", str(profile / f"{dataset.name}.html"),
                      "-m", "generator", "build", "--data", str(data), "--output", str(work / "output-profiled")])
    return {"set": dataset, "read": read, "full": full, "stages": stages, "pelican": pelican, "pages": pages,
            "bytes": size, "add": add_one}


def report(results: list[dict]) -> bool:
    """Print the table; True if every target holds."""
    met = True
    names = [r["set"].name for r in results]
    width = 34

    def line(label: str, values: list[str]) -> None:
        print(f"{label:{width}}" + "".join(f"{v:>22}" for v in values))

    line("", names)
    line("units / staff / months", [f"{r['set'].units:,} / {r['set'].staff:,} / {r['set'].months}" for r in results])
    for stage in STAGES:
        line(f"  {stage} s", [f"{r['stages']['seconds'].get(stage, 0):.1f}" for r in results])
    line("full build s (wall, fresh process)", [f"{r['full'].seconds:.1f}" for r in results])
    line("full build peak memory MB", [f"{r['full'].peak_mb:,.0f}" for r in results])
    line("pages and files written", [f"{r['pages']:,}" for r in results])
    line("output size MB", [f"{r['bytes'] / 1e6:,.0f}" for r in results])
    line("add one month s", [f"{r['add'].seconds:.1f}" for r in results])
    line("yardstick: bare pandas read s", [f"{r['read'].seconds:.1f}" for r in results])
    line("yardstick: bare Pelican s", [f"{r['pelican'].seconds:.1f}" for r in results])
    print()
    print(f"{'target':{width}}" + "".join(f"{n:>22}" for n in names))

    def target(label: str, values: list[float], limit: float, unit: str = "×") -> None:
        nonlocal met
        cells = []
        for value in values:
            ok = value <= limit
            met &= ok
            cells.append(f"{value:.2f}{unit} {'ok' if ok else 'MISS'}")
        print(f"{label:{width}}" + "".join(f"{c:>22}" for c in cells))

    target(f"ingest+validate / bare read ≤ {INGEST_OVER_READ}", [r["stages"]["seconds"]["ingest+validate"] / r["read"].seconds for r in results], INGEST_OVER_READ)
    target(f"build / (read + Pelican) ≤ {BUILD_OVER_YARDSTICKS}",
           [r["full"].seconds / (r["read"].seconds + r["pelican"].seconds) for r in results], BUILD_OVER_YARDSTICKS)
    target(f"add one month / full ≤ {ADD_MONTH_OVER_FULL:.2f}", [r["add"].seconds / r["full"].seconds for r in results], ADD_MONTH_OVER_FULL)
    city = [r for r in results if r["set"].name == "city"]
    if city:
        c = city[0]
        for label, value, limit, unit in ((f"city full build ≤ {CITY_SECONDS:.0f} s", c["full"].seconds, CITY_SECONDS, " s"),
                                          (f"city peak memory ≤ {CITY_PEAK_MB:.0f} MB", c["full"].peak_mb, CITY_PEAK_MB, " MB")):
            ok = value <= limit
            met &= ok
            print(f"{label:{width}}{f'{value:,.0f}{unit} ' + ('ok' if ok else 'MISS'):>22}")
    print(f"\n{os.cpu_count()} CPUs; wall clock; each build a fresh `python -m generator build` process.")
    return met


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--bare-read":
        do_bare_read(Path(sys.argv[2]))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--bare-pelican":
        do_bare_pelican(int(sys.argv[2]), Path(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="district,city", help="comma-separated: district, city (default both)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--profile", type=Path, help="also profile each full build with pyinstrument into DIR/SET.html")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="congkhai-scale-"))
    try:
        results = [measure(SETS[name], root / name, args.profile) for name in args.sets.split(",")]
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    met = report(results)
    print("every target met" if met else "some targets missed (see MISS above)")
    return 0  # a benchmark reports; it does not pass or fail


if __name__ == "__main__":
    sys.exit(main())
