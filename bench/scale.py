"""What a month costs as history piles up: district, 12-month city and 60-month city, measured.

    .venv/bin/python bench/scale.py [--sets district,city12,city60] [--keep DIR] [--yardsticks] [--profile DIR]
    make bench

For each set it writes demo data (`python -m generator demo`) with one month
more than the set holds and takes that newest month's export out. Then, each
step a fresh `python -m generator build --timings` process:

  full build        no store, no earlier site: every export read, every page written
  nothing new       the same again: the store holds every month, the site is there
  monthly round     the newest month's export put back: one month added to a site
                    built from the store (what an officer runs every month)

For each step: wall time, the stages (from --timings), peak memory, and what
`publish` would upload after it: the files added or changed since the site
before the step (its delta; the full site after the full build), in bytes,
against the size of the whole site. Peak memory is that of the build and all
its child processes together: the sum of their proportional set sizes (PSS,
so pages the forked workers share with the build are counted once), sampled
every 0.1 s; the build process's own peak RSS is printed beside it.

Then the targets of issue 24, and the growth per month of history (the slope
between the 12- and the 60-month city). `--yardsticks` adds the earlier
comparison with pandas reading the exports bare and bare Pelican writing as
many one-line pages. `--keep DIR` keeps the data sets in DIR and reuses them on
the next run. Nothing here is part of `make test`; it never fails.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from monthly import newest_month_files  # noqa: E402

from generator.demo.population import write_demo  # noqa: E402
from generator.round.publish import site_files  # noqa: E402
from generator.core.timings import STAGES  # noqa: E402


@dataclass(frozen=True)
class DataSet:
    name: str
    units: int
    staff: int
    months: int


SETS = {
    "district": DataSet("district", units=152, staff=5_000, months=36),
    "city12": DataSet("city12", units=2_000, staff=177_379, months=12),
    "city60": DataSet("city60", units=2_000, staff=177_379, months=60),
}
STEPS = ("full build", "nothing new", "monthly round")

# The targets of issue 24 (the 12-month city's full build from issue 5).
CITY60_FULL_SECONDS = 150.0
ROUND_OVER_FULL = 0.15
NOTHING_NEW_OVER_FULL = 0.05
BUILD_PEAK_MB = 1536.0  # the build process alone
PEAK_MB = 2048.0  # the build and its children together (PSS)
ROUND_GROWTH = 1.2  # the monthly round at 60 months over the one at 12
DELTA_OVER_SITE = 0.10
DELTA_GROWTH = 1.1  # the round's upload at 60 months over the one at 12
DISTRICT_ROUND_SECONDS = 3.0
CITY12_FULL_SECONDS = 60.0
SAMPLE_SECONDS = 0.1


# --- measuring one process and its children --------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float  # the build and its children together (PSS)
    own_peak_mb: float  # the build process alone (RSS)
    stdout: str


def _children(pid: int) -> list[int]:
    """Children forked by any thread of `pid` (a pool forks from a thread of its own)."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(p) for p in handle.read().split()]
    except OSError:
        pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_mb(pid: int) -> float:
    """The proportional set size of `pid` and all its descendants, in MB."""
    total, waiting = 0, [pid]
    while waiting:
        current = waiting.pop()
        total += _pss_kb(current)
        waiting += _children(current)
    return total / 1024


def run_measured(args: list[str]) -> Run:
    """Run a command in a fresh process: wall seconds, peak memory of its process tree, and its own peak RSS."""
    started = time.perf_counter()
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, "CI": "true"})
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            peak[0] = max(peak[0], tree_pss_mb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout = process.stdout.read()
    done.set()
    sampler.join()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed:\n{stdout}")
    own = usage.ru_maxrss / 1024
    return Run(seconds, max(peak[0], own), own, stdout)


# --- one data set ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    run: Run
    stages: dict
    site_bytes: int
    site_files: int
    upload_bytes: int  # what publish would upload after this step: the full site, or the delta
    upload_files: int


def build(data: Path, output: Path, timings: Path) -> tuple[Run, dict]:
    run = run_measured([sys.executable, "-m", "generator", "build", "--data", str(data), "--output", str(output),
                        "--timings", str(timings)])
    return run, json.loads(timings.read_text("utf-8"))


def site_manifest(site: Path) -> dict[str, tuple[str, int]]:
    """Each file of the site: its sha256 and size (what publish's manifest compares)."""
    manifest = {}
    for path in site_files(site):
        content = path.read_bytes()
        manifest[path.relative_to(site).as_posix()] = (hashlib.sha256(content).hexdigest(), len(content))
    return manifest


def measured_step(data: Path, output: Path, timings: Path, before: dict | None) -> tuple[Step, dict]:
    run, stages = build(data, output, timings)
    after = site_manifest(output)
    changed = [path for path, entry in after.items() if before is None or before.get(path) != entry]
    step = Step(run, stages, sum(size for _, size in after.values()), len(after),
                sum(after[path][1] for path in changed), len(changed))
    return step, after


def prepared_data(dataset: DataSet, work: Path) -> tuple[Path, list[Path], Path]:
    """The set's data folder (written, or reused from an earlier --keep run), its newest month's
    exports, and where they wait while taken out."""
    data, aside = work / "data", work / "aside"
    marker = work / "bench-set.json"
    wanted = json.dumps(asdict(dataset), sort_keys=True)
    if marker.exists() and marker.read_text("utf-8") == wanted and (work / "added.json").exists():
        added = [data / "exports" / name for name in json.loads((work / "added.json").read_text("utf-8"))]
        for path in added:
            if (aside / path.name).exists():
                shutil.move(aside / path.name, path)
        print(f"{dataset.name}: reusing {data}", file=sys.stderr, flush=True)
        return data, added, aside
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    summary = write_demo(data, months=dataset.months + 1, units=dataset.units, staff=dataset.staff)
    added = newest_month_files(data / "exports", summary.months[-1])
    if not added:
        sys.exit(f"{dataset.name}: found no export holding only {summary.months[-1]}")
    (work / "added.json").write_text(json.dumps([p.name for p in added]), "utf-8")
    marker.write_text(wanted, "utf-8")
    print(f"{dataset.name}: {summary.describe()}; the round adds {summary.months[-1]}", file=sys.stderr, flush=True)
    return data, added, aside


def measure(dataset: DataSet, work: Path, yardsticks: bool, profile: Path | None) -> dict:
    data, added, aside = prepared_data(dataset, work)
    output = work / "output"
    for leftover in [data / "store", *work.glob(".output*"), output]:
        shutil.rmtree(leftover, ignore_errors=True)
    aside.mkdir(exist_ok=True)
    for path in added:
        shutil.move(path, aside / path.name)

    steps: dict[str, Step] = {}
    print(f"{dataset.name}: full build", file=sys.stderr, flush=True)
    steps["full build"], manifest = measured_step(data, output, work / "timings-full.json", None)
    print(f"{dataset.name}: nothing new", file=sys.stderr, flush=True)
    steps["nothing new"], manifest = measured_step(data, output, work / "timings-again.json", manifest)
    for path in added:
        shutil.move(aside / path.name, path)
    print(f"{dataset.name}: monthly round", file=sys.stderr, flush=True)
    steps["monthly round"], _ = measured_step(data, output, work / "timings-round.json", manifest)

    result = {"set": dataset, "steps": steps}
    if yardsticks:
        result["bare read"] = run_measured([sys.executable, str(Path(__file__)), "--bare-read", str(data)])
        result["bare Pelican"] = run_measured([sys.executable, str(Path(__file__)), "--bare-pelican",
                                               str(steps["full build"].site_files), str(work / "bare-pelican")])
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(data / "store")
        run_measured([sys.executable, "-m", "pyinstrument", "-r", "html", "-o", str(profile / f"{dataset.name}.html"),
                      "-m", "generator", "build", "--data", str(data), "--output", str(work / "output-profiled")])
    return result


# --- yardsticks (--yardsticks) -----------------------------------------------------


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
    import logging

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
    logging.getLogger("pelican").setLevel(logging.WARNING)
    Pelican(settings).run()


# --- the table ------------------------------------------------------------------------


WIDTH = 36
COLUMN = 17


def _line(label: str, values: list[str]) -> None:
    print(f"{label:{WIDTH}}" + "".join(f"{v:>{COLUMN}}" for v in values))


def _mb(size: float) -> str:
    return f"{size / 1e6:,.0f}" if size >= 1e6 or size == 0 else f"{size / 1e6:.2f}"


def report(results: list[dict]) -> bool:
    """Print the table; True if every target that applies holds."""
    names = [r["set"].name for r in results]
    _line("", names)
    _line("units / staff / months", [f"{r['set'].units:,}/{r['set'].staff // 1000:,}k/{r['set'].months}" for r in results])
    for step in STEPS:
        print(step)
        for stage in STAGES:
            _line(f"  {stage} s", [f"{r['steps'][step].stages['seconds'].get(stage, 0):.1f}" for r in results])
        _line("  wall s (fresh process)", [f"{r['steps'][step].run.seconds:.1f}" for r in results])
        _line("  peak MB, build + children (PSS)", [f"{r['steps'][step].run.peak_mb:,.0f}" for r in results])
        _line("  peak MB, build alone (RSS)", [f"{r['steps'][step].run.own_peak_mb:,.0f}" for r in results])
        _line("  upload MB (files)", [f"{_mb(r['steps'][step].upload_bytes)} ({r['steps'][step].upload_files:,})"
                                     for r in results])
    _line("site MB (files)", [f"{_mb(r['steps']['monthly round'].site_bytes)} ({r['steps']['monthly round'].site_files:,})"
                              for r in results])
    if any("bare read" in r for r in results):
        _line("yardstick: bare pandas read s", [f"{r['bare read'].seconds:.1f}" if "bare read" in r else "" for r in results])
        _line("yardstick: bare Pelican s", [f"{r['bare Pelican'].seconds:.1f}" if "bare Pelican" in r else "" for r in results])

    met = True
    print()
    _line("target", names)

    def target(label: str, values: dict[str, float | None], limit: float, shown) -> None:
        nonlocal met
        cells = []
        for name in names:
            value = values.get(name)
            if value is None:
                cells.append("")
                continue
            ok = value <= limit
            met &= ok
            cells.append(f"{shown(value)} {'ok' if ok else 'MISS'}")
        if any(cells):
            _line(label, cells)

    by = {r["set"].name: r["steps"] for r in results}
    share = lambda v: f"{v:.0%}"  # noqa: E731
    target(f"full build ≤ {CITY60_FULL_SECONDS:.0f} s (city60)",
           {"city60": by["city60"]["full build"].run.seconds} if "city60" in by else {}, CITY60_FULL_SECONDS,
           lambda v: f"{v:.0f} s")
    target(f"full build ≤ {CITY12_FULL_SECONDS:.0f} s (city12)",
           {"city12": by["city12"]["full build"].run.seconds} if "city12" in by else {}, CITY12_FULL_SECONDS,
           lambda v: f"{v:.0f} s")
    target(f"monthly round / full ≤ {ROUND_OVER_FULL:.0%}",
           {n: s["monthly round"].run.seconds / s["full build"].run.seconds for n, s in by.items()}, ROUND_OVER_FULL, share)
    target(f"nothing new / full ≤ {NOTHING_NEW_OVER_FULL:.0%}",
           {n: s["nothing new"].run.seconds / s["full build"].run.seconds for n, s in by.items()}, NOTHING_NEW_OVER_FULL,
           share)
    target(f"district round ≤ {DISTRICT_ROUND_SECONDS:.0f} s",
           {"district": by["district"]["monthly round"].run.seconds} if "district" in by else {}, DISTRICT_ROUND_SECONDS,
           lambda v: f"{v:.1f} s")
    target(f"build alone, every step ≤ {BUILD_PEAK_MB:,.0f} MB",
           {n: max(s[step].run.own_peak_mb for step in STEPS) for n, s in by.items() if n.startswith("city")},
           BUILD_PEAK_MB, lambda v: f"{v:,.0f}")
    target(f"build + children, every step ≤ {PEAK_MB:,.0f} MB",
           {n: max(s[step].run.peak_mb for step in STEPS) for n, s in by.items() if n.startswith("city")}, PEAK_MB,
           lambda v: f"{v:,.0f}")
    target(f"round delta / site ≤ {DELTA_OVER_SITE:.0%}",
           {n: s["monthly round"].upload_bytes / s["monthly round"].site_bytes for n, s in by.items()}, DELTA_OVER_SITE, share)
    if "city12" in by and "city60" in by:
        ratio = by["city60"]["monthly round"].run.seconds / by["city12"]["monthly round"].run.seconds
        target(f"round at 60 / round at 12 ≤ {ROUND_GROWTH}", {"city60": ratio}, ROUND_GROWTH, lambda v: f"{v:.2f}×")
        uploads = by["city60"]["monthly round"].upload_bytes / by["city12"]["monthly round"].upload_bytes
        target(f"round upload at 60 / at 12 ≤ {DELTA_GROWTH}", {"city60": uploads}, DELTA_GROWTH, lambda v: f"{v:.2f}×")
        print()
        months = SETS["city60"].months - SETS["city12"].months
        print("growth per month of history (city, from 12 to 60 months):")
        for step in STEPS:
            a, b = by["city12"][step], by["city60"][step]
            print(f"  {step:14} {(b.run.seconds - a.run.seconds) / months:+6.2f} s, "
                  f"{(b.run.peak_mb - a.run.peak_mb) / months:+6.1f} MB peak, "
                  f"{(b.upload_bytes - a.upload_bytes) / months / 1e6:+6.1f} MB upload per month")
        print(f"  site           {(by['city60']['monthly round'].site_bytes - by['city12']['monthly round'].site_bytes) / months / 1e6:+6.1f} MB per month")
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
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of: {', '.join(SETS)} (default all)")
    parser.add_argument("--keep", type=Path, help="keep the data sets in DIR and reuse them next time (default: a temporary folder)")
    parser.add_argument("--yardsticks", action="store_true", help="also time bare pandas reading and bare Pelican writing")
    parser.add_argument("--profile", type=Path, help="also profile each full build with pyinstrument into DIR/SET.html")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="congkhai-scale-"))
    try:
        results = [measure(SETS[name], root / name, args.yardsticks, args.profile) for name in args.sets.split(",")]
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    met = report(results)
    print("every target met" if met else "some targets missed (see MISS above)")
    return 0  # a benchmark reports; it does not pass or fail


if __name__ == "__main__":
    sys.exit(main())
