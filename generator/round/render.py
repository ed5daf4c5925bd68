"""Rendering the site: the one place generator/ runs Pelican.

Pelican loads the project's plugin from the settings file (PLUGINS), and the
plugin writes the pages from the public view handed over in the settings
(CONGKHAI_SITE); generator/ never imports the plugin. The site is written
into a staging folder and swapped in whole (site_folder.py) only after the
checks passed and the store recorded its months.
"""
from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pelican import Pelican
from pelican.log import console
from pelican.settings import read_settings

from generator.core import space, timings
from generator.view.public import SiteView

from .site_folder import commit_records, discard_records, new_staging, swap


def pelican_settings(settings_file: Path, staging: Path, output: Path | None, site: SiteView | None,
                     site_url: str | None, full: bool = False) -> dict:
    """The settings file's settings with the build's own: where it writes, the folder it replaces
    (whose unchanged files the plugin carries over, unless `full`), its view and its address.

    The address given on the command line is the feeds' domain too: a settings file's
    `FEED_DOMAIN = SITEURL` was evaluated with the file's own SITEURL."""
    override: dict = {"OUTPUT_PATH": str(staging)}
    if output is not None:
        override["CONGKHAI_PUBLISHED_OUTPUT"] = str(output)
        override["CONGKHAI_FULL"] = full
    if site is not None:
        override["CONGKHAI_SITE"] = site
    if site_url is not None:
        override["SITEURL"] = site_url.rstrip("/")
        override["FEED_DOMAIN"] = site_url.rstrip("/")
        override["RELATIVE_URLS"] = False
    return read_settings(str(settings_file), override=override)


def write_site(site: SiteView, settings_file: Path, output: Path, site_url: str | None = None,
               before_swap: Callable[[], None] | None = None,
               check: Callable[[Path], object] | None = None,
               after_swap: Callable[[], None] | None = None, full: bool = False) -> int:
    """Build the site into `output` atomically; returns the number of files written.

    Files whose inputs did not change since the build of the site in `output`
    are carried over from it by the plugin, unless `full`.

    `check` sees the complete new site (the leak check: it raises to refuse it).
    `before_swap` runs once the new site is complete and checked, before it
    replaces the old one (the build records its months in the store there): if
    it fails, the old site stays. `after_swap` runs once the new site is
    published (the checks keep their records of it in `site_folder.build_folder`).
    """
    output = output.resolve()
    staging = None
    try:  # from the staging folder's creation on, so that Ctrl-C at any point removes it
        with space.writing_to(output.parent):
            staging = new_staging(output)
        settings = pelican_settings(settings_file, staging, output, site, site_url, full)
        logging.getLogger("pelican").setLevel(logging.WARNING)
        timings.count(carried=0)  # the plugin counts what it carries over
        with timings.stage(timings.PAGES), space.writing_to(output.parent), _pelican_checked():
            Pelican(settings).run()
        count = sum(len(files) for _, _, files in os.walk(staging))
        timings.count(rendered=count - timings.counted()["carried"])
        if check is not None:  # the leak check: raises if the new site holds a private value
            with timings.stage(timings.LEAK_CHECK):
                check(staging)
        # Checks that can still refuse the new site go above this line: once
        # `before_swap` has run, the build's months are recorded in the store.
        with timings.stage(timings.SWAP):
            if before_swap is not None:
                before_swap()
            swap(staging, output)
    except BaseException as error:
        if staging is not None:
            if space.is_disk_error(error):  # what fitted before the disk filled: the least the site needs
                space.annotate(error, output.parent, written=space.folder_bytes(staging))
            shutil.rmtree(staging, ignore_errors=True)
            discard_records(output)
        raise
    try:  # only now: the records describe the site in place
        commit_records(output)
    except OSError as error:  # the site is published; the next build renders more, that is all
        logging.getLogger(__name__).warning("Không ghi được sổ các tệp đã tạo (%s): lần tạo sau có thể phải tạo lại nhiều tệp hơn.", error)
    if after_swap is not None:
        after_swap()
    return count


class _DiskFailures(logging.Filter):
    """Pelican logs a file it could not copy (the theme's plotly.js on a full disk) and goes on, which would
    publish a site without it; the build keeps the error instead, and stops."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[OSError] = []

    def filter(self, record: logging.LogRecord) -> bool:
        found = [value for value in (record.args if isinstance(record.args, tuple) else ())
                 if isinstance(value, OSError) and space.is_disk_error(value)]
        self.errors.extend(found)
        return not found


@contextmanager
def _pelican_checked() -> Iterator[None]:
    """Pelican's run without its own English line ("Done: Processed 3 articles …": the build says what it
    did), and failing on a file it could not copy to a full or read-only disk."""
    quiet = console.quiet
    console.quiet = True
    failures = _DiskFailures()
    copier = logging.getLogger("pelican.utils")
    copier.addFilter(failures)
    try:
        yield
    finally:
        console.quiet = quiet
        copier.removeFilter(failures)
    if failures.errors:
        raise failures.errors[0]
