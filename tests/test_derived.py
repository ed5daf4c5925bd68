"""Each published month is kept as small products of its person rows (store/derived/): a site made
from them is the site made from the rows, whatever happened to the cache."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from store_helpers import commit, month_rows
from generator.store import products as derived
from generator.round import leak_needles
from generator.store import record as store_module
from generator.round.pipeline import DataFolder, prepare


def two_months(data_dir):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    data_dir.export_csv("2024-11.csv", month_rows("11/2024", xs=3, first_id=5))
    return commit(data_dir)


def caches(data_dir) -> list:
    return sorted(p for p in (data_dir.root / "store" / derived.FOLDER).iterdir() if not p.name.startswith("."))


def rebuilt(data_dir):
    view, loaded = prepare(DataFolder(data_dir.root), {})
    assert view is not None, [p.render() for p in loaded.problems.errors]
    return view, loaded


def needles_of(view, loaded):
    needles = leak_needles.private_values(loaded.all_months.private, loaded.withheld, view, fixed=set())
    return needles.values, {needles.values[k]: v.scores for k, v in needles.attached.items()}


def test_a_site_from_the_store_alone_is_the_site_from_the_exports(data_dir):
    view, loaded = two_months(data_dir)
    shutil.rmtree(data_dir.exports)
    again, from_store = rebuilt(data_dir)
    assert again == view
    assert needles_of(again, from_store) == needles_of(view, loaded)
    assert len(caches(data_dir)) == 2  # one per month, kept by the commit


@pytest.mark.parametrize("damage", ["deleted", "table-changed", "index-garbled"])
def test_a_missing_or_damaged_cache_is_made_again_and_the_site_is_the_same(data_dir, damage):
    view, loaded = two_months(data_dir)
    folder = caches(data_dir)[0]
    if damage == "deleted":
        shutil.rmtree(folder)
    elif damage == "table-changed":
        counts = pd.read_parquet(folder / "counts.parquet")
        counts["xs"] = 0
        counts.to_parquet(folder / "counts.parquet")
    else:
        (folder / derived.INDEX).write_text("{", "utf-8")
    again, from_store = rebuilt(data_dir)
    assert again == view
    assert needles_of(again, from_store) == needles_of(view, loaded)
    assert derived._sound(folder)


def test_a_cache_made_by_other_code_is_not_used_and_is_removed(data_dir):
    view, _ = two_months(data_dir)
    for folder in caches(data_dir):
        # Other code, with its own figures: a sound cache under another digest.
        other = folder.with_name(folder.name.rsplit("-", 1)[0] + "-0123456789abcdef")
        shutil.copytree(folder, other)
        counts = pd.read_parquet(other / "counts.parquet")
        counts["xs"] = 0
        counts.to_parquet(other / "counts.parquet")
        index = json.loads((other / derived.INDEX).read_text("utf-8"))
        index["counts"]["sha256"] = store_module.file_sha256(other / "counts.parquet")
        (other / derived.INDEX).write_text(json.dumps(index), "utf-8")
        shutil.rmtree(folder)
    again, loaded = rebuilt(data_dir)
    assert again == view
    data_dir.export_csv("2024-12.csv", month_rows("12/2024"))
    commit(data_dir)
    assert all(p.name.endswith(derived.CODE_DIGEST) for p in caches(data_dir))


def test_a_rebuild_with_nothing_new_reads_no_stored_month(data_dir, monkeypatch):
    view, _ = two_months(data_dir)

    def refuse(*_):
        raise AssertionError("a stored month's person rows were read")

    monkeypatch.setattr(store_module.Store, "read", refuse)
    assert rebuilt(data_dir)[0] == view


def test_a_person_withheld_after_the_month_was_stored_is_blanked_from_the_store(data_dir):
    two_months(data_dir)
    shutil.rmtree(data_dir.exports)
    data_dir.withheld(["P0000"])
    view, loaded = rebuilt(data_dir)
    names = leak_needles.published_names(view)
    assert "Người Số 0" not in names and "Người Số 1" in names
    needles = leak_needles.private_values(loaded.all_months.private, loaded.withheld, view, fixed=set())
    assert needles.roles[needles.owners == needles.values.index("Người Số 0")].tolist()[0] == leak_needles.WITHHELD


def test_a_refused_build_leaves_no_cache_in_the_store(data_dir):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    view, loaded = prepare(DataFolder(data_dir.root), {})
    assert view is not None
    assert not (data_dir.root / "store").exists()
    pending = loaded.update.months[0].products.folder
    assert pending.is_dir()  # this run's own folder, outside the data folder
    assert data_dir.root not in pending.parents


def test_the_folder_a_killed_build_left_is_removed_by_the_next_build(data_dir):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = Path(tempfile.gettempdir()) / f"congkhai-months-{finished.stdout.strip()}-x"
    (left / "a").mkdir(parents=True)
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    assert prepare(DataFolder(data_dir.root), {})[0] is not None
    assert not left.exists()
