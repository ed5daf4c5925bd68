"""Reading the store: pyarrow month by month, or DuckDB over the Parquet files? (prints figures)

    .venv/bin/python bench/store_engines.py DATA        # DATA/store/ filled by one build
    .venv/bin/pip install duckdb                        # for the DuckDB column only; not a requirement

Each engine computes the per-unit-month counts (`aggregate.unit_months` of every
person-level month) in a process of its own, so that its peak RSS is its own:
  pyarrow   one month's file at a time -> pandas -> aggregate.from_people (what a build does
            for a month whose products are not cached)
  duckdb    one SQL query over every month's file, its threads set to the machine's cores
  cached    the build's path for months already derived: read each month's counts.parquet
Not part of `make test`.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENGINES = ("pyarrow", "duckdb", "cached")

_RANK = "CASE {c} WHEN 'XS' THEN 4 WHEN 'T' THEN 3 WHEN 'HT' THEN 2 WHEN 'K' THEN 1 END"
_SQL = f"""
SELECT month, unit_code,
  count(*) AS headcount,
  count(*) FILTER (final_rating = 'XS') AS xs, count(*) FILTER (final_rating = 'T') AS t,
  count(*) FILTER (final_rating = 'HT') AS ht, count(*) FILTER (final_rating = 'K') AS k,
  count(*) FILTER ({_RANK.format(c='final_rating')} > {_RANK.format(c='self_rating')}) AS raised,
  count(*) FILTER ({_RANK.format(c='final_rating')} < {_RANK.format(c='self_rating')}) AS lowered,
  count(*) FILTER (is_leader) AS leaders,
  count(*) FILTER (coalesce(reward, 0) > 0) AS reward_count, sum(coalesce(reward, 0)) AS reward_amount,
  sum(coalesce(final_score, 0.0)) AS score_sum, count(final_score) AS score_count
FROM read_parquet($files)
WHERE unit_code IS NOT NULL
GROUP BY month, unit_code ORDER BY month, unit_code
"""


def current_people_files(store: Path) -> list[tuple[str, Path, str]]:
    manifest = json.loads((store / "manifest.json").read_text("utf-8"))
    return [(month, store / versions[-1]["file"], versions[-1]["sha256"])
            for month, versions in sorted(manifest["months"].items()) if versions[-1]["kind"] == "people"]


def run(engine: str, store: Path):
    import pandas as pd

    from generator.figures import aggregate
    from generator.store import products as derived
    from generator.store.rows import from_parquet

    files = current_people_files(store)
    if engine == "pyarrow":
        return aggregate.combine([aggregate.from_people(from_parquet(path.read_bytes())) for _, path, _ in files], pd.DataFrame())
    if engine == "cached":
        return aggregate.combine([pd.read_parquet(derived.folder_of(store, sha) / "counts.parquet") for *_, sha in files],
                                 pd.DataFrame())
    import os

    import duckdb

    connection = duckdb.connect()
    connection.execute(f"SET threads = {os.cpu_count()}")
    return connection.execute(_SQL, {"files": [str(path) for _, path, _ in files]}).df()


def measure(engine: str, store: Path) -> None:
    """In a process of its own: the engine's wall time (its imports excluded), its peak RSS, and its totals."""
    import pandas  # noqa: F401

    import generator.figures.aggregate  # noqa: F401
    if engine == "duckdb":
        import duckdb  # noqa: F401
    started = time.perf_counter()
    counts = run(engine, store)
    seconds = time.perf_counter() - started
    columns = ["headcount", "xs", "t", "ht", "k", "raised", "lowered", "leaders", "reward_count", "reward_amount", "score_count"]
    totals = {c: int(counts[c].sum()) for c in columns} | {"score_sum": round(float(counts["score_sum"].sum()), 3)}
    print(json.dumps({"engine": engine, "seconds": round(seconds, 2), "rows": len(counts),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "totals": totals}))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--engine":
        measure(sys.argv[2], Path(sys.argv[3]))
        return
    store = Path(sys.argv[1]) / "store"
    files = current_people_files(store)
    size = sum(path.stat().st_size for _, path, _ in files)
    print(f"{store}: {len(files)} person-level months, {size / 2**20:.0f} MB of Parquet")
    results = []
    for engine in ENGINES:
        done = subprocess.run([sys.executable, __file__, "--engine", engine, str(store)], capture_output=True, text=True)
        if done.returncode:
            print(f"{engine:8} failed: {done.stderr.strip().splitlines()[-1]}")
            continue
        results.append(json.loads(done.stdout))
        r = results[-1]
        print(f"{engine:8} {r['seconds']:7.1f} s  peak RSS {r['peak_rss_mb']:5} MB  {r['rows']} unit-months")
    agree = len({json.dumps(r["totals"], sort_keys=True) for r in results}) == 1
    print("the engines' counts agree" if agree else "THE ENGINES' COUNTS DIFFER: " + json.dumps(results))


if __name__ == "__main__":
    main()
