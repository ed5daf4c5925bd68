"""What an officer uploads to the portal: the built site as a full zip, and what changed since the last publish.

Same site, same bytes: the full zip, the manifest and the delta depend only on the files of the site (and, for
the delta, on the manifest of the last publish), never on the day or the machine they were made on.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.core.files import atomic_write

# Zip entries carry a modification time; a fixed one (the format's earliest)
# makes two zips of the same site identical, whatever day they were made.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

# Inside the delta, beside the site's files: what the officer acts on once the delta is extracted.
# The leading underscore keeps it apart from every address of the site.
DELTA_FOLDER = "_cap-nhat"
DELTA_MANIFEST = f"{DELTA_FOLDER}/kiem-tra.sha256"
DELTA_DELETIONS = f"{DELTA_FOLDER}/xoa.txt"

# The record of the last publish, kept in the dist folder (output/ is swapped by every build).
LAST_MANIFEST = "last-publish.sha256"
LAST_RECORD = "last-publish.json"

_MANIFEST_LINE = re.compile(r"([0-9a-f]{64})  (\S.*)")


def site_files(site: Path) -> list[Path]:
    """Every file of `site`, sorted by its path inside the site."""
    return sorted((p for p in site.rglob("*") if p.is_file()), key=lambda p: p.relative_to(site).as_posix())


def _write_archive(archive: Path, entries) -> Path:
    """A zip of (name, bytes) entries, in the order given, with fixed times and permissions, written atomically."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    temporary = archive.with_name(f".{archive.name}.tmp-{os.getpid()}")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
            for name, content in entries:
                entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
                entry.external_attr = 0o644 << 16
                entry.create_system = 3  # Unix, whatever system wrote it
                entry.compress_type = zipfile.ZIP_DEFLATED
                bundle.writestr(entry, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        os.replace(temporary, archive)
    finally:
        temporary.unlink(missing_ok=True)
    return archive




def write_zip(site: Path, archive: Path) -> Path:
    """Every file of `site`, at the root of the zip, in sorted order, with fixed times and permissions."""
    return _write_archive(archive, ((p.relative_to(site).as_posix(), p.read_bytes()) for p in site_files(site)))


def manifest_of(site: Path) -> dict[str, str]:
    """The SHA-256 of every file of `site`, by its path inside the site, sorted."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in site_files(site)}


def manifest_text(manifest: dict[str, str]) -> str:
    """`sha256sum` format (hash, two spaces, path; one line a file, sorted), so `sha256sum -c` checks a copy."""
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(manifest.items()))


def parse_manifest(text: str) -> dict[str, str] | None:
    """The manifest written by manifest_text, or None if any line is not one of its lines."""
    manifest: dict[str, str] = {}
    for line in text.splitlines():
        match = _MANIFEST_LINE.fullmatch(line)
        if match is None or match[2] in manifest:
            return None
        manifest[match[2]] = match[1]
    return manifest if manifest and text.endswith("\n") else None


@dataclass(frozen=True)
class LastPublish:
    """The manifest of the last publish, or why it cannot be trusted (`problem`)."""
    manifest: dict[str, str] | None
    problem: str | None  # Vietnamese, one plain clause (no final stop); None when the manifest can be used
    first: bool = False  # no record at all: the first publish from this dist folder


def read_last_publish(dist: Path, site_url: str) -> LastPublish:
    """The last publish's manifest, checked against its own recorded checksum and the site's address."""
    record_path, manifest_path = dist / LAST_RECORD, dist / LAST_MANIFEST
    if not record_path.exists() and not manifest_path.exists():
        return LastPublish(None, None, first=True)
    damaged = f"Bản ghi lần công bố trước ({record_path.resolve()}, {manifest_path.name}) bị thiếu hoặc hỏng"
    try:
        record = json.loads(record_path.read_text("utf-8"))
        raw = manifest_path.read_bytes()
        recorded_digest, recorded_url = record["manifest_sha256"], record["site_url"]
    except (OSError, ValueError, TypeError, KeyError):
        return LastPublish(None, damaged)
    if hashlib.sha256(raw).hexdigest() != recorded_digest:
        return LastPublish(None, damaged + " (tổng kiểm tra SHA-256 không khớp)")
    try:
        manifest = parse_manifest(raw.decode("utf-8"))
    except UnicodeDecodeError:
        manifest = None
    if manifest is None:
        return LastPublish(None, damaged)
    if recorded_url != site_url:
        return LastPublish(None, f"Địa chỉ trang đã đổi từ {recorded_url} sang {site_url}: mọi trang đều khác")
    return LastPublish(manifest, None)


def last_zip_size(dist: Path) -> int:
    """The size of the last publish's full zip (0 when there is none): what the next one will need, about."""
    try:
        name = json.loads((dist / LAST_RECORD).read_text("utf-8"))["full_zip"]
        return (dist / name).stat().st_size
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def record_publish(dist: Path, manifest: dict[str, str], site_url: str, archive: Path) -> None:
    """Keep `manifest` as the last publish; the record is written last, so a half-written pair reads as damaged."""
    text = manifest_text(manifest)
    atomic_write(dist / LAST_MANIFEST, text.encode("utf-8"))
    record = {"full_zip": archive.name, "manifest_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
              "site_url": site_url}
    atomic_write(dist / LAST_RECORD, (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))


@dataclass(frozen=True)
class Delta:
    changed: list[str]  # added or changed files, by path in the site
    deletions: list[str]  # files, or whole folders (ending in "/") left with no file, to delete on the portal
    archive: Path


def deletions(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """The files of `previous` gone from `current`; a folder left with no file is listed once, as "folder/"."""
    kept_folders = {str(parent) for path in current for parent in PurePosixPath(path).parents}
    listed = set()
    for path in previous.keys() - current.keys():
        gone = [str(parent) for parent in PurePosixPath(path).parents if str(parent) not in kept_folders]
        listed.add(f"{gone[-1]}/" if gone else path)  # the outermost folder with nothing left in it
    return sorted(listed)


def write_delta(site: Path, previous: dict[str, str], current: dict[str, str], archive: Path) -> Delta:
    """A zip of the files added or changed since `previous`, with the new manifest and the list of files to delete."""
    changed = [path for path, digest in current.items() if previous.get(path) != digest]
    removed = deletions(previous, current)
    entries = [(path, (site / path).read_bytes()) for path in sorted(changed)]
    entries.append((DELTA_MANIFEST, manifest_text(current).encode("utf-8")))
    entries.append((DELTA_DELETIONS, "".join(f"{path}\n" for path in removed).encode("utf-8")))
    _write_archive(archive, entries)
    return Delta(sorted(changed), removed, archive)
