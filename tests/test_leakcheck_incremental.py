"""The leak check searches only what is new (generator/round/leakcheck.py, "Checking only what is new"),
and is exactly as safe as searching everything: a file the last published site held byte for
byte is searched for the needles added since, everything is searched when withheld.csv changes,
and a file edited by hand is searched for every needle."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PERSON_HEADER, person_row, write_csv
from generator.round import leak_record, leak_scan
from generator.core.config import read_settings_file
from generator.round.leakcheck import LeakCheck
from generator.round.leak_scan import LeakFound
from generator.round.leak_needles import NAME
from generator.round.pipeline import DataFolder, prepare
from site_fixture import HONOUR_NAMES, HT, PRIVATE_NAME, WITHHELD_ID, XS, build, write_data

ROOT = Path(__file__).resolve().parent.parent
CARRIED = "gioi-thieu-du-lieu/index.html"  # a page no new month rewrites
NEWCOMER = "Hồ Văn Mới Đến"  # joins in the fourth month, rated HT: private


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A site built and published with the real command, and its record beside it."""
    root = tmp_path_factory.mktemp("published")
    build(write_data(root / "data"), root / "output")
    assert (root / ".output.build" / leak_record.RECORD_FILE).exists()
    return root


def copy_of(published: Path, into: Path, link: bool = False) -> Path:
    """The published site, its data and its record; the site's files hard-linked when `link`, as a
    build carries them over."""
    shutil.copytree(published / "data", into / "data")
    shutil.copytree(published / ".output.build", into / ".output.build")
    shutil.copytree(published / "output", into / "output", copy_function=os.link if link else shutil.copy2)
    return into


def check(root: Path) -> leak_scan.Report:
    """The check a build of `root/data` runs on `root/output` as its new site."""
    view, loaded = prepare(DataFolder(root / "data"), read_settings_file(ROOT / "pelicanconf.py"))
    assert view is not None, [p.render() for p in loaded.problems.errors]
    checker = LeakCheck(loaded.all_months.private, loaded.withheld, view, root / ".output.build")
    report = checker(root / "output")
    checker.save()
    return report


def plant_unseen(root: Path, relative: str, text: str) -> None:
    """Put `text` into a published file, and make the record say those bytes were found clean:
    what only a search for every needle (or for an added one) can find."""
    path = root / "output" / relative
    content = path.read_bytes().replace(b"</main>", f"<p>{text}</p></main>".encode(), 1)
    path.write_bytes(content)
    record_path = root / ".output.build" / leak_record.RECORD_FILE
    record = json.loads(record_path.read_text("utf-8"))
    stat = path.stat()
    record["files"][relative] = [stat.st_size, hashlib.sha256(content).hexdigest(), stat.st_dev, stat.st_ino, stat.st_mtime_ns]
    record_path.write_text(json.dumps(record), "utf-8")


def found(leak: LeakFound) -> set[tuple[str, int]]:
    return {(finding.path, finding.kind) for finding in leak.findings}


def test_a_rebuild_with_nothing_new_searches_no_file_again(published, tmp_path):
    root = copy_of(published, tmp_path)
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(root / "data"),
                             "--output", str(root / "output")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 tệp mới hoặc đã đổi; 0 tệp không đổi được tìm lại dữ liệu mới" in result.stdout, result.stdout
    report = check(copy_of(published, tmp_path / "linked", link=True))
    assert (report.scanned, report.rescanned, report.full_reason) == (0, 0, "")
    assert report.files > 50


def test_a_recorded_file_is_trusted_until_the_needles_change(published, tmp_path):
    root = copy_of(published, tmp_path)
    plant_unseen(root, CARRIED, PRIVATE_NAME)
    report = check(root)  # nothing new: the record's word is taken for the file's bytes
    assert (report.scanned, report.rescanned) == (0, 0)


def test_a_withheld_change_searches_every_file_again(published, tmp_path):
    root = copy_of(published, tmp_path)
    plant_unseen(root, CARRIED, "Người Phòng 3")  # private before and after: no added needle finds it
    (root / "data" / "withheld.csv").write_text(f"person_id\n{WITHHELD_ID}\nP-3\n", "utf-8")
    with pytest.raises(LeakFound) as leak:
        check(root)
    assert found(leak.value) == {(CARRIED, NAME)}


def add_month_with_newcomer(root: Path) -> None:
    month = "08/2025"
    rows = [person_row(1, "P-1", HONOUR_NAMES[0], "PTC", month=month, final=XS, reward="1.170.000"),
            person_row(2, "P-NEW", NEWCOMER, "PTC", month=month, final=HT)]
    rows += [person_row(3 + i, f"PT-{i}", f"Người Phòng {i}", "PTC", month=month) for i in range(9)]
    write_csv(root / "data" / "exports" / "2025-08.csv", [PERSON_HEADER, *rows])


def test_a_new_month_searches_carried_files_for_its_new_values_only(published, tmp_path):
    root = copy_of(published, tmp_path)
    add_month_with_newcomer(root)
    report = check(root)
    assert (report.scanned, report.rescanned, report.full_reason) == (0, report.files, "")


def test_a_new_persons_name_planted_in_a_carried_file_is_found(published, tmp_path):
    root = copy_of(published, tmp_path)
    plant_unseen(root, CARRIED, NEWCOMER)
    add_month_with_newcomer(root)
    with pytest.raises(LeakFound) as leak:
        check(root)
    assert found(leak.value) == {(CARRIED, NAME)}


def test_a_carried_file_edited_by_hand_is_searched_again(published, tmp_path):
    root = copy_of(published, tmp_path, link=True)
    planted = f"<p>{PRIVATE_NAME}</p>".encode()
    with open(root / "output" / CARRIED, "r+b") as page:  # in place, same size: only the modification time tells
        page.seek(page.read().index(b"</main>") - len(planted))
        page.write(planted)
    with pytest.raises(LeakFound) as leak:
        check(root)
    assert found(leak.value) == {(CARRIED, NAME)}
