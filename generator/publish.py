"""The zip an officer uploads to the portal: the built site, byte for byte the same for the same site."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

# Zip entries carry a modification time; a fixed one (the format's earliest)
# makes two zips of the same site identical, whatever day they were made.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def write_zip(site: Path, archive: Path) -> Path:
    """Every file of `site`, at the root of the zip, in sorted order, with fixed times and permissions."""
    files = sorted((p for p in site.rglob("*") if p.is_file()), key=lambda p: p.relative_to(site).as_posix())
    archive.parent.mkdir(parents=True, exist_ok=True)
    temporary = archive.with_name(f".{archive.name}.tmp-{os.getpid()}")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(site).as_posix(), date_time=FIXED_TIME)
            entry.external_attr = 0o644 << 16
            entry.create_system = 3  # Unix, whatever system wrote it
            entry.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(entry, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    os.replace(temporary, archive)
    return archive
