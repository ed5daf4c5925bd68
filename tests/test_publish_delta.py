"""`publish` writes, beside the full zip, a manifest of the site and the files changed since the last publish.

The officer uploads the delta, deletes what it lists, and the portal holds exactly the new site; when the
last publish's record cannot be trusted, only the full zip is offered, with one plain line saying why.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from builds import settings_file
from conftest import DataDir, person_row
from generator.round.publish import (DELTA_DELETIONS, DELTA_FOLDER, DELTA_MANIFEST, LAST_MANIFEST, manifest_of,
                               manifest_text, parse_manifest, read_last_publish, record_publish, write_delta)

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://portal.example.vn/cong-khai"
XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
# One day apart, so that each publish writes files of its own name.
DAYS = {"first": "1763769600", "second": "1763856000", "third": "1763942400"}  # 2025-11-22, -23, -24


def month_rows(month: str) -> list[list[object]]:
    return [person_row(i, f"P{i}", f"Người Số {i}", "PTC" if i < 12 else "GB", month=month, final=XS if i % 5 == 0 else T)
            for i in range(24)]


def publish(data: DataDir, dist: Path, day: str, settings: Path | None = None, site_url: str = SITE_URL):
    command = [sys.executable, "-m", "generator", "publish", "--data", str(data.root), "--dist", str(dist),
               "--site-url", site_url]
    if settings is not None:
        command += ["--settings", str(settings)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": DAYS[day]})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def apply_delta(portal: Path, delta: Path) -> None:
    """What docs/upload.md tells the officer: extract over the folder, delete what xoa.txt lists, drop _cap-nhat/."""
    with zipfile.ZipFile(delta) as bundle:
        bundle.extractall(portal)
    for line in (portal / DELTA_DELETIONS).read_text("utf-8").splitlines():
        target = portal / line
        shutil.rmtree(target) if line.endswith("/") else target.unlink()
    shutil.rmtree(portal / DELTA_FOLDER)


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """Three publishes into one dist folder: a first month, a second month added, the honour list switched off."""
    root = tmp_path_factory.mktemp("publish-delta")
    data = DataDir(root / "data")
    data.export_csv("2024-10.csv", month_rows("10/2024"))
    dist = root / "dist"
    outputs, snapshots = {}, {}
    outputs["first"] = publish(data, dist, "first")
    snapshots["first"] = shutil.copytree(dist, root / "after-first")
    data.export_csv("2024-11.csv", month_rows("11/2024"))
    outputs["second"] = publish(data, dist, "second")
    snapshots["second"] = shutil.copytree(dist, root / "after-second")
    outputs["third"] = publish(data, dist, "third", settings_file(root, CONGKHAI_HONOUR_LIST=False))
    snapshots["third"] = shutil.copytree(dist, root / "after-third")
    return root, data, outputs, snapshots


def test_the_first_publish_writes_the_full_zip_and_the_manifest_only(rounds):
    _, _, outputs, snapshots = rounds
    first = snapshots["first"]
    assert "Lần công bố đầu tiên" in outputs["first"].stdout
    assert "congkhai-2025-11-22.zip" in outputs["first"].stdout
    assert not list(first.glob("*-cap-nhat.zip"))
    manifest = (first / "congkhai-2025-11-22.sha256").read_text("utf-8")
    assert manifest == manifest_text({path: hashlib.sha256(content).hexdigest()
                                      for path, content in tree(first / "site").items()})
    assert (first / LAST_MANIFEST).read_text("utf-8") == manifest
    with zipfile.ZipFile(first / "congkhai-2025-11-22.zip") as bundle:
        assert sorted(bundle.namelist()) == sorted(parse_manifest(manifest))


def test_a_month_added_gives_a_delta_of_exactly_the_changed_files_and_applying_it_gives_the_new_site(rounds):
    root, _, outputs, snapshots = rounds
    before = parse_manifest((snapshots["first"] / "congkhai-2025-11-22.sha256").read_text("utf-8"))
    after = parse_manifest((snapshots["second"] / "congkhai-2025-11-23.sha256").read_text("utf-8"))
    delta = snapshots["second"] / "congkhai-2025-11-23-cap-nhat.zip"
    uploaded = (root / "dist/congkhai-2025-11-23-cap-nhat.zip").resolve()
    assert f"Tệp để tải lên cổng thông tin: {uploaded} (" in outputs["second"].stdout
    with zipfile.ZipFile(delta) as bundle:
        names = set(bundle.namelist())
        assert bundle.read(DELTA_MANIFEST).decode("utf-8") == manifest_text(after)
        assert bundle.read(DELTA_DELETIONS) == b""  # a month added removes nothing
    changed = {path for path, digest in after.items() if before.get(path) != digest}
    assert "thang/2024-11/index.html" in changed and "du-lieu/2024-10/don-vi.csv" not in changed
    assert "theme/css/site.css" not in changed
    assert names - {DELTA_MANIFEST, DELTA_DELETIONS} == changed
    assert len(changed) < len(after)

    portal = shutil.copytree(snapshots["first"] / "site", root / "portal-second")
    apply_delta(portal, delta)
    assert tree(portal) == tree(snapshots["second"] / "site")


def test_files_gone_from_the_site_are_listed_for_deletion_and_applying_the_delta_removes_them(rounds):
    root, _, outputs, snapshots = rounds
    before = parse_manifest((snapshots["second"] / LAST_MANIFEST).read_text("utf-8"))
    after = parse_manifest((snapshots["third"] / LAST_MANIFEST).read_text("utf-8"))
    gone = before.keys() - after.keys()
    assert gone, "switching the honour list off removes its pages"
    delta = snapshots["third"] / "congkhai-2025-11-24-cap-nhat.zip"
    with zipfile.ZipFile(delta) as bundle:
        listed = bundle.read(DELTA_DELETIONS).decode("utf-8").splitlines()
    assert listed == sorted(listed)
    covered = {path for path in gone if path in listed or any(line.endswith("/") and path.startswith(line) for line in listed)}
    assert covered == gone
    assert not any(path.startswith(line) for line in listed if line.endswith("/") for path in after)
    assert all(f"  xóa: {line}\n" in outputs["third"].stdout for line in listed[:10])

    portal = shutil.copytree(snapshots["second"] / "site", root / "portal-third")
    apply_delta(portal, delta)
    assert tree(portal) == tree(snapshots["third"] / "site")


def test_a_damaged_record_of_the_last_publish_gives_only_the_full_zip_with_one_plain_line(rounds):
    root, data, _, snapshots = rounds
    dist = shutil.copytree(snapshots["first"], root / "damaged")
    record = dist / LAST_MANIFEST
    record.write_text(record.read_text("utf-8").replace("index.html", "index.htm", 1), "utf-8")
    result = publish(data, dist, "second")
    lines = [line for line in result.stdout.splitlines() if "hỏng" in line]
    assert len(lines) == 1 and "chỉ tạo tệp zip đầy đủ" in lines[0], result.stdout
    assert (dist / "congkhai-2025-11-23.zip").is_file()
    assert not (dist / "congkhai-2025-11-23-cap-nhat.zip").exists()
    # The record is whole again: the next publish can make a delta.
    assert read_last_publish(dist, SITE_URL).manifest == manifest_of(dist / "site")


def test_an_update_over_half_the_full_zip_is_written_but_the_full_zip_is_recommended(rounds):
    root, data, _, snapshots = rounds
    dist = shutil.copytree(snapshots["second"], root / "all-changed")
    # A last publish in which every file differed from today's: what a theme change does.
    every_file_other = {path: "0" * 64 for path in manifest_of(dist / "site")}
    record_publish(dist, every_file_other, SITE_URL, dist / "congkhai-2025-11-23.zip")
    result = publish(data, dist, "third")
    assert "lớn hơn một nửa tệp đầy đủ: nên tải lên tệp zip đầy đủ" in result.stdout
    assert f"Tệp để tải lên cổng thông tin: {(dist / 'congkhai-2025-11-24.zip').resolve()}" in result.stdout
    assert (dist / "congkhai-2025-11-24-cap-nhat.zip").is_file()


def test_a_changed_site_address_or_a_missing_half_of_the_record_is_not_trusted(tmp_path):
    site = tmp_path / "site"
    (site / "thang").mkdir(parents=True)
    (site / "index.html").write_text("trang chủ", "utf-8")
    (site / "thang/index.html").write_text("các tháng", "utf-8")
    dist = tmp_path / "dist"
    dist.mkdir()
    assert read_last_publish(dist, SITE_URL).first
    record_publish(dist, manifest_of(site), SITE_URL, dist / "congkhai-2025-11-22.zip")
    assert read_last_publish(dist, SITE_URL).manifest == manifest_of(site)
    moved = read_last_publish(dist, "https://moi.gov.vn/cong-khai")
    assert moved.manifest is None and "https://moi.gov.vn/cong-khai" in moved.problem
    (dist / LAST_MANIFEST).unlink()
    missing = read_last_publish(dist, SITE_URL)
    assert missing.manifest is None and not missing.first and "thiếu hoặc hỏng" in missing.problem


def test_the_same_site_gives_the_same_manifest_and_delta_bytes(rounds):
    root, _, _, snapshots = rounds
    previous = parse_manifest((snapshots["first"] / LAST_MANIFEST).read_text("utf-8"))
    site = snapshots["second"] / "site"
    again = write_delta(site, previous, manifest_of(site), root / "again.zip").archive
    assert again.read_bytes() == (snapshots["second"] / "congkhai-2025-11-23-cap-nhat.zip").read_bytes()
    assert manifest_text(manifest_of(site)) == (snapshots["second"] / "congkhai-2025-11-23.sha256").read_text("utf-8")
