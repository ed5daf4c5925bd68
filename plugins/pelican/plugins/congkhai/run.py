"""Run Pelican for a public view, into a fresh folder swapped in only on success.

A failed or killed build leaves the previous site whole: the new site is
written beside the output folder and renamed over it at the very end.
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from generator.public import SiteView


def pelican_settings(settings_file: Path, output: Path, site: SiteView | None, site_url: str | None) -> dict:
    override: dict = {"OUTPUT_PATH": str(output)}
    if site is not None:
        override["CONGKHAI_SITE"] = site
    if site_url is not None:
        override["SITEURL"] = site_url.rstrip("/")
        override["RELATIVE_URLS"] = False
    return read_settings(str(settings_file), override=override)


def write_site(site: SiteView, settings_file: Path, output: Path, site_url: str | None = None) -> int:
    """Build the site into `output` atomically; returns the number of files written."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    try:
        settings = pelican_settings(settings_file, staging, site, site_url)
        logging.getLogger("pelican").setLevel(logging.WARNING)
        Pelican(settings).run()
        count = sum(len(files) for _, _, files in os.walk(staging))
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _swap(staging: Path, output: Path) -> None:
    """Put `staging` where `output` is. Each rename is atomic; the old site is removed last."""
    staging.chmod(0o755)
    if output.exists():
        retired = output.with_name(f".{output.name}.old-{os.getpid()}")
        os.rename(output, retired)
        os.rename(staging, output)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, output)
