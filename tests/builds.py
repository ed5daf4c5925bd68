"""For tests that build sites: a settings file that changes a few settings, and the checksums of what was built."""
from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hashes(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative path) and its SHA-256: two builds are the same bytes when these are equal."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def settings_file(tmp_path: Path, **overrides) -> Path:
    """pelicanconf.py with `overrides` (NAME=value) on top, written to tmp_path/settings.py."""
    path = tmp_path / "settings.py"
    lines = [f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *",
             f"PATH = {str(ROOT / 'content')!r}", f"THEME = {str(ROOT / 'theme')!r}"]
    lines += [f"{key} = {value!r}" for key, value in overrides.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
