"""The leak check searches only what is new (generator/round/leak_record.py, "Checking only what is new"),
and is exactly as safe as searching everything: a file the last published site held byte for
byte is searched for the needles added since, a score newly beside a name only in the files that
hold the name, everything is searched when withheld.csv changes, and a file edited by hand is
searched for every needle."""
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
from generator.round.leak_needles import ATTACHED, NAME
from generator.round.pipeline import DataFolder, prepare
from site_fixture import HONOUR_NAMES, HT, PRIVATE_NAME, WITHHELD_ID, XS, build, write_data

ROOT = Path(__file__).resolve().parent.parent
CARRIED = "gioi-thieu-du-lieu/index.html"  # a page no new month rewrites
NEWCOMER = "Hồ Văn Mới Đến"  # joins in the fourth month, rated HT: private
HONOURED = HONOUR_NAMES[0]  # on every month's honour list, with no score until a new month gives one


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
    own = copy_of(published, tmp_path / "own")  # the page is edited in place: not the fixture's
    check(own)  # the record holds its own files
    root = copy_of(own, tmp_path / "linked", link=True)
    planted = f"<p>{PRIVATE_NAME}</p>".encode()
    with open(root / "output" / CARRIED, "r+b") as page:  # in place, same size: only the modification time tells
        page.seek(page.read().index(b"</main>") - len(planted))
        page.write(planted)
    with pytest.raises(LeakFound) as leak:
        check(root)
    assert found(leak.value) == {(CARRIED, NAME)}


def add_month(root: Path, month: str, scores: dict[str, str], newcomer: str | None = None) -> None:
    """A month of the people already known (no new id, name or note), the honoured person with the
    scores in `scores`; with `newcomer`, the newcomer joins, rated that."""
    rows = [person_row(1, "P-1", HONOURED, "PTC", month=month, final=XS, reward="1.170.000", score=scores.get(HONOURED, ""))]
    if newcomer:
        rows.append(person_row(2, "P-NEW", NEWCOMER, "PTC", month=month, final=newcomer, score=scores.get(NEWCOMER, "")))
    rows += [person_row(3 + i, f"PT-{i}", f"Người Phòng {i}", "PTC", month=month) for i in range(9)]
    write_csv(root / "data" / "exports" / f"{month[3:]}-{month[:2]}.csv", [PERSON_HEADER, *rows])


def plant_checked(root: Path, relative: str, text: str) -> None:
    """Put `text` into a published file and check the site, as a build would have published it: the
    record then holds those bytes, found clean, and where the names are in them."""
    path = root / "output" / relative
    content = path.read_bytes().replace(b"</main>", f"<p>{text}</p></main>".encode(), 1)
    path.unlink()  # a hard link to the published fixture: a new file, as a build writes one
    path.write_bytes(content)
    report = check(root)
    assert report.scanned == 1


class ReadSpy:
    """The site files a check reads."""

    def __init__(self, monkeypatch, output: Path):
        self.read: set[str] = set()
        read_bytes = Path.read_bytes

        def spied(path: Path) -> bytes:
            if path.is_relative_to(output):
                self.read.add(path.relative_to(output).as_posix())
            return read_bytes(path)
        monkeypatch.setattr(Path, "read_bytes", spied)


def test_a_new_score_beside_a_name_is_searched_only_in_the_files_that_hold_the_name(published, tmp_path, monkeypatch):
    root = copy_of(published, tmp_path, link=True)
    add_month(root, "08/2025", {HONOURED: "87"})
    holding = {path.relative_to(root / "output").as_posix() for path in (root / "output").rglob("*")
               if path.is_file() and HONOURED.encode() in path.read_bytes()}
    spy = ReadSpy(monkeypatch, root / "output")
    report = check(root)
    assert (report.scanned, report.full_reason) == (0, "")
    assert report.rescanned == report.beside_names == len(spy.read)
    assert {"thang/2025-05/xuat-sac/index.html", "du-lieu/2025-05/xuat-sac.csv"} <= spy.read <= holding
    assert CARRIED not in spy.read and len(spy.read) < report.files / 5


def test_a_new_score_planted_beside_a_name_in_a_carried_file_is_found(published, tmp_path):
    root = copy_of(published, tmp_path, link=True)
    plant_checked(root, CARRIED, f"{HONOURED}: 87 điểm")  # 87 is nobody's score yet
    plant_checked(root, "thang/2025-05/xuat-sac/index.html", f"{HONOURED} (92,5)")
    add_month(root, "08/2025", {HONOURED: "87"})
    with pytest.raises(LeakFound) as leak:
        check(root)
    assert found(leak.value) == {(CARRIED, ATTACHED)}
    add_month(root, "08/2025", {HONOURED: "92.5"})
    with pytest.raises(LeakFound) as leak:
        check(root)
    assert found(leak.value) == {("thang/2025-05/xuat-sac/index.html", ATTACHED)}


def test_a_newly_published_name_is_found_beside_its_scores_in_a_carried_file(published, tmp_path):
    root = copy_of(published, tmp_path, link=True)
    plant_checked(root, CARRIED, f"{NEWCOMER}: 88 điểm")  # a name nobody bears yet
    add_month(root, "08/2025", {NEWCOMER: "88"}, newcomer=XS)
    with pytest.raises(LeakFound) as leak:
        check(root)
    assert found(leak.value) == {(CARRIED, ATTACHED)}


def test_where_a_newly_published_name_is_stays_known_for_its_later_scores(published, tmp_path):
    root = copy_of(published, tmp_path, link=True)
    plant_checked(root, CARRIED, f"{NEWCOMER}: 88 điểm")
    add_month(root, "08/2025", {}, newcomer=XS)  # published, with nothing beside the name yet
    check(root)
    add_month(root, "09/2025", {NEWCOMER: "88"}, newcomer=XS)
    with pytest.raises(LeakFound) as leak:
        check(root)
    assert found(leak.value) == {(CARRIED, ATTACHED)}
