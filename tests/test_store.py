"""The store of published months (DATA/store/): nothing lost, nothing read twice, nothing changed unseen."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_csv
from store_helpers import commit, month_rows
from generator.store import record as store_module
from generator.round.pipeline import DataFolder, load, prepare
from generator.core.config import Policy

ROOT = Path(__file__).resolve().parent.parent


def test_a_built_month_is_stored_once_and_not_read_again(data_dir):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    _, first = commit(data_dir)
    assert [f.name for f in first.inputs.read] == ["exports/2024-10.csv"]
    manifest = json.loads((data_dir.root / "store/manifest.json").read_text("utf-8"))
    assert list(manifest["months"]) == ["2024-10"]
    assert (data_dir.root / "store" / manifest["months"]["2024-10"][0]["file"]).is_file()

    data_dir.export_csv("2024-11.csv", month_rows("11/2024", xs=3))
    _, second = commit(data_dir)
    assert [f.name for f in second.inputs.read] == ["exports/2024-11.csv"]
    assert [f.name for f in second.inputs.skipped] == ["exports/2024-10.csv"]
    assert [(m.month, m.status) for m in second.update.months] == [("2024-11", "new")]
    assert sorted(second.all_months.units["month"].unique()) == ["2024-10", "2024-11"]


def test_a_rebuild_with_nothing_new_writes_nothing_in_the_store(data_dir):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    commit(data_dir)
    before = _files(data_dir.root / "store")
    _, again = commit(data_dir)
    after = _files(data_dir.root / "store")
    assert again.update.months == () and after == before


def _files(folder):
    return {p.relative_to(folder): (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}


def test_the_site_is_the_same_after_the_exports_are_deleted(data_dir):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    data_dir.export_csv("2024-11.csv", month_rows("11/2024", xs=1))
    view, _ = commit(data_dir)
    shutil.rmtree(data_dir.exports)
    again, loaded = prepare(DataFolder(data_dir.root), {})
    assert not loaded.problems.errors
    assert again == view


def test_same_rows_in_another_order_file_name_and_encoding_are_the_same_month(data_dir):
    rows = month_rows("10/2024")
    data_dir.export_csv("2024-10.csv", rows)
    commit(data_dir)
    (data_dir.exports / "2024-10.csv").unlink()
    data_dir.export_csv("Ket qua thang 10-2024 (ban cuoi).csv", list(reversed(rows)), encoding="utf-16", sep="\t")
    view, loaded = prepare(DataFolder(data_dir.root), {})
    assert not loaded.problems.errors, [p.render() for p in loaded.problems.errors]
    assert [(m.month, m.status) for m in loaded.update.months] == [("2024-10", "same")]


def test_same_bytes_give_the_same_store_file(data_dir):
    rows = month_rows("10/2024")
    data_dir.export_csv("2024-10.csv", rows)
    loaded = load(DataFolder(data_dir.root), Policy())
    (change,) = loaded.update.months
    rows = store_module.from_parquet(change.content)
    assert store_module.to_parquet(rows, change.kind) == change.content
    shuffled = store_module.canonical(rows.sample(frac=1, random_state=3), change.kind)
    assert store_module.to_parquet(shuffled, change.kind) == change.content


def test_a_store_file_edited_by_hand_is_reported_and_nothing_is_built(data_dir):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    commit(data_dir)
    stored = next((data_dir.root / "store").glob("2024-10.*.parquet"))
    content = bytearray(stored.read_bytes())
    content[len(content) // 2] ^= 0xFF
    stored.write_bytes(bytes(content))
    view, loaded = prepare(DataFolder(data_dir.root), {})
    assert view is None
    (problem,) = loaded.problems.of("store-file-changed")
    assert problem.file == f"store/{stored.name}" and "2024-10" in problem.message


def test_a_missing_store_file_is_reported(data_dir):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    commit(data_dir)
    next((data_dir.root / "store").glob("2024-10.*.parquet")).unlink()
    view, loaded = prepare(DataFolder(data_dir.root), {})
    assert view is None and loaded.problems.of("store-file-missing")


def test_a_stray_file_in_the_store_is_a_warning(data_dir):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    commit(data_dir)
    (data_dir.root / "store" / "notes.txt").write_text("hello")
    view, loaded = prepare(DataFolder(data_dir.root), {})
    assert view is not None and loaded.problems.of("store-unknown-file")


def test_a_commit_killed_before_the_manifest_leaves_the_store_as_it_was(data_dir, monkeypatch):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    commit(data_dir)
    manifest = (data_dir.root / "store/manifest.json").read_bytes()
    data_dir.export_csv("2024-11.csv", month_rows("11/2024"))
    view, loaded = prepare(DataFolder(data_dir.root), {})
    real_write = store_module.atomic_write

    def dies_at_the_manifest(path, content):
        if path.name == "manifest.json":
            raise KeyboardInterrupt("killed")
        real_write(path, content)

    monkeypatch.setattr(store_module, "atomic_write", dies_at_the_manifest)
    with pytest.raises(KeyboardInterrupt):
        loaded.store.commit(loaded.update)
    monkeypatch.setattr(store_module, "atomic_write", real_write)
    assert (data_dir.root / "store/manifest.json").read_bytes() == manifest
    again, loaded = prepare(DataFolder(data_dir.root), {})
    assert not loaded.problems.errors
    assert [(m.month, m.status) for m in loaded.update.months] == [("2024-11", "new")]
    loaded.store.commit(loaded.update)
    assert not prepare(DataFolder(data_dir.root), {})[1].problems.items


def test_unit_level_summaries_are_stored_and_person_rows_take_their_place_only_as_a_correction(data_dir):
    write_csv(data_dir.history / "2024.csv", [
        ["Tháng", "Mã đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV"],
        ["10/2024", "PTC", "12", "2", "10", "0", "0"],
    ])
    commit(data_dir)
    manifest = json.loads((data_dir.root / "store/manifest.json").read_text("utf-8"))
    assert manifest["months"]["2024-10"][0]["kind"] == "units"
    data_dir.export_csv("2024-10.csv", month_rows("10/2024"))
    view, loaded = prepare(DataFolder(data_dir.root), {})
    (problem,) = loaded.problems.of("month-changed")
    assert "dữ liệu từng người" in problem.message
    view, loaded = commit(data_dir, correction="Thay bảng tổng hợp bằng dữ liệu từng người")
    assert not view.months[0].from_summaries
    shutil.rmtree(data_dir.exports)
    again, loaded = prepare(DataFolder(data_dir.root), {})
    assert not loaded.problems.errors and again == view


def test_a_unit_removed_from_the_registry_after_its_month_was_stored_is_an_error(data_dir):
    data_dir.export_csv("2024-10.csv", month_rows("10/2024", unit="THGB"))
    commit(data_dir)
    from conftest import DEFAULT_UNITS

    data_dir.units([u for u in DEFAULT_UNITS if u[0] != "THGB"])
    view, loaded = prepare(DataFolder(data_dir.root), {})
    assert view is None and loaded.problems.of("store-unit-unknown")[0].value == "THGB"


def test_store_is_never_published(tmp_path):
    from conftest import DataDir

    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", month_rows("10/2024"))
    output = tmp_path / "output"
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data.root), "--output", str(output)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (data.root / "store/manifest.json").is_file()
    assert not [p for p in output.rglob("*") if p.suffix == ".parquet" or p.name == "manifest.json"]


def test_a_month_in_several_files_is_compared_whole_when_one_of_them_changes(data_dir):
    data_dir.export_csv("PTC 2024-10.csv", month_rows("10/2024", unit="PTC"))
    data_dir.export_csv("THGB 2024-10.csv", month_rows("10/2024", unit="THGB", first_id=100))
    data_dir.export_csv("2024-11.csv", month_rows("11/2024"))
    commit(data_dir)
    data_dir.export_csv("THGB 2024-10.csv", month_rows("10/2024", unit="THGB", first_id=100, xs=4))
    view, loaded = prepare(DataFolder(data_dir.root), {})
    assert sorted(f.name for f in loaded.inputs.read) == ["exports/PTC 2024-10.csv", "exports/THGB 2024-10.csv"]
    assert [f.name for f in loaded.inputs.skipped] == ["exports/2024-11.csv"]
    (problem,) = loaded.problems.of("month-changed")
    assert "THGB Trường Tiểu học Giang Biên: XS 2 → 4, T 10 → 8" in problem.message
    assert "PTC Phòng" not in problem.message


def test_a_unit_sending_its_file_late_is_a_correction_of_the_published_month(data_dir):
    data_dir.export_csv("PTC 2024-10.csv", month_rows("10/2024", unit="PTC"))
    commit(data_dir)
    data_dir.export_csv("THGB 2024-10.csv", month_rows("10/2024", unit="THGB", first_id=100))
    view, loaded = prepare(DataFolder(data_dir.root), {})
    (problem,) = loaded.problems.of("month-changed")
    assert "THGB Trường Tiểu học Giang Biên: đơn vị mới trong tháng (12 người)" in problem.message
    assert "Từng người: 12 dòng thêm, 0 dòng bớt, 0 dòng sửa" in problem.message
