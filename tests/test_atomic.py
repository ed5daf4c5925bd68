"""The build swaps a complete new site in, or leaves the old one: a killed build changes nothing. Same data, same bytes."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from builds import hashes
from conftest import DataDir, person_row, write_csv

ROOT = Path(__file__).resolve().parent.parent
T, XS = "Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ"


def generator(*args: str, **options) -> subprocess.Popen | subprocess.CompletedProcess:
    command = [sys.executable, "-m", "generator", *args]
    if options.pop("background", False):
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, **options)


def many_units(root: Path, units: int = 60) -> DataDir:
    """Enough units that writing their pages takes a while."""
    data = DataDir(root)
    codes = [f"U{i:03d}" for i in range(units)]
    data.units([[code, f"Đơn vị số {i}", f"Khối {i % 4}", "Cấp phường", "", "", "", ""] for i, code in enumerate(codes)])
    rows = [person_row(n, f"P{n:05d}", f"Người Thứ {n}", codes[n % units], final=XS if n % 9 == 0 else T)
            for n in range(units * 10)]
    data.export_csv("2024-10.csv", rows)
    return data


def test_a_build_killed_while_it_writes_leaves_the_previous_site_file_for_file(tmp_path):
    data = many_units(tmp_path / "data")
    output = tmp_path / "output"
    first = generator("build", "--data", str(data.root), "--output", str(output))
    assert first.returncode == 0, first.stdout + first.stderr
    before = hashes(output)

    data.export_csv("2024-11.csv", [person_row(n, f"P{n:05d}", f"Người Thứ {n}", f"U{n % 60:03d}", month="11/2024")
                                    for n in range(600)])
    build = generator("build", "--data", str(data.root), "--output", str(output), background=True)
    staging = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        staging = next(iter(tmp_path.glob(".output.new-*")), None)
        if staging is not None and sum(len(files) for _, _, files in os.walk(staging)) >= 20:
            break
        time.sleep(0.005)
    assert build.poll() is None, "the build ended before it could be killed midway"
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert staging is not None and staging.exists(), "killed while writing its staging folder"

    assert hashes(output) == before
    assert not (data.root / "store/2024-11.v1.parquet").exists()  # the store records only what was published

    again = generator("build", "--data", str(data.root), "--output", str(output))
    assert again.returncode == 0, again.stdout + again.stderr
    assert not staging.exists(), "the next build clears what the killed one left"
    assert (output / "thang/2024-11/index.html").is_file()


def test_two_builds_give_identical_files_and_so_does_one_after_the_exports_are_deleted(tmp_path):
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC", final=XS if i < 3 else T) for i in range(12)])
    write_csv(data.history / "2024.csv", [["Tháng", "Mã đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV"],
                                          ["09/2024", "PTC", "12", "1", "11", "0", "0"]])
    sites = {}
    for name in ("first", "second", "without-exports"):
        if name == "without-exports":
            shutil.rmtree(data.exports)
            shutil.rmtree(data.history)
        result = generator("build", "--data", str(data.root), "--output", str(tmp_path / name))
        assert result.returncode == 0, result.stdout + result.stderr
        sites[name] = hashes(tmp_path / name)
    assert len(sites["first"]) > 20
    assert sites["first"] == sites["second"] == sites["without-exports"]


def test_published_zip_is_the_same_bytes_for_the_same_site(tmp_path):
    from generator.round.publish import write_zip

    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC") for i in range(12)])
    result = generator("publish", "--data", str(data.root), "--output", str(tmp_path / "site"), "--dist", str(tmp_path),
                       "--site-url", "https://portal.example.vn/cong-khai",
                       env={**os.environ, "SOURCE_DATE_EPOCH": "1763769600"})
    assert result.returncode == 0, result.stdout + result.stderr
    archive = tmp_path / "congkhai-2025-11-22.zip"
    assert write_zip(tmp_path / "site", tmp_path / "again.zip").read_bytes() == archive.read_bytes()
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        assert names == sorted(names) and "index.html" in names and "feeds/all.atom.xml" in names
        assert {info.date_time for info in bundle.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert bundle.read("index.html") == (tmp_path / "site/index.html").read_bytes()
        assert "https://portal.example.vn/cong-khai/thang/2024-10/" in bundle.read("index.html").decode("utf-8")


def test_swap_exchanges_the_folders_in_one_step(tmp_path):
    from generator.round.site_folder import exchange, swap

    old, new = tmp_path / "output", tmp_path / ".output.new-1"
    old.mkdir()
    (old / "index.html").write_text("old")
    new.mkdir()
    (new / "index.html").write_text("new")
    assert exchange(new, old), "Linux renameat2(RENAME_EXCHANGE) is available here"
    assert (old / "index.html").read_text() == "new" and (new / "index.html").read_text() == "old"
    swap(new, old)
    assert (old / "index.html").read_text() == "old" and not new.exists()


@pytest.mark.parametrize("failure", ["pelican", "before_swap"])
def test_a_failing_build_leaves_the_output_and_no_staging(tmp_path, monkeypatch, failure):
    from generator.round import render as run

    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("previous site")

    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    if failure == "pelican":
        monkeypatch.setattr(run, "Pelican", broken)
        before_swap = None
    else:
        monkeypatch.setattr(run, "Pelican", lambda settings: type("P", (), {"run": lambda self: None})())
        monkeypatch.setattr(run, "pelican_settings", lambda *a: {})
        before_swap = broken
    with pytest.raises(RuntimeError):
        run.write_site(None, ROOT / "pelicanconf.py", output, before_swap=before_swap)
    assert [p.name for p in tmp_path.iterdir()] == ["output"]
    assert (output / "index.html").read_text() == "previous site"
