"""The leak check: prove that no private value of the inputs is in a site before it is published.

The public view (public.py) is shaped so that private values cannot reach a
template. This check looks at the result instead of the code: every file of
the new site (pages, downloads, feeds, the search index, scripts, and the
file names themselves) is searched for every private value of the inputs, so
that a template, a download, a feed, a search index or a chart added later
cannot publish what the view keeps out. It runs after Pelican has written the
new site into its staging folder and before the swap; a finding fails the
build and the published site stays as it was.

It comes in three parts: what counts as private and the forms it is looked for
in (leak_needles.py), the search of a file's bytes (leak_scan.py), and the
record that lets a month's build search only what is new (leak_record.py).
"""
from __future__ import annotations

import time
from pathlib import Path

from generator.core.formatting import format_number
from generator.store.products import PrivateMaterial
from generator.view.public import SiteView

from .leak_needles import private_values
from .leak_record import Record, check_changed, load_record
from .leak_scan import Report, check_output


class LeakCheck:
    """The check as the build runs it: `check(staging_folder)` before the swap, `save()` after it.

    The needles are made when the check runs, after Pelican has written the
    site, so that a build refused earlier pays nothing for them. With a
    `records` folder, files that the last published site held byte for byte
    are searched only for what is new (see "Checking only what is new"), and
    `save()` writes the record that lets the next build do so.
    """

    def __init__(self, material: PrivateMaterial, withheld: frozenset[str], site: SiteView, records: Path | None = None):
        self.material, self.withheld, self.site, self.records = material, withheld, site, records
        self.report: Report | None = None
        self.needle_seconds = 0.0
        self._record: Record | None = None

    def __call__(self, root: Path) -> Report:
        started = time.perf_counter()
        needles = private_values(self.material, self.withheld, self.site)
        self.needle_seconds = time.perf_counter() - started
        if self.records is None:
            self.report = check_output(root, needles)
            return self.report
        key, previous = load_record(self.records)
        current = Record.of(needles, self.withheld, self.site, key)
        self.report, self._record = check_changed(root, needles, current, previous)
        return self.report

    def save(self) -> None:
        """Keep the record of the site just published (call it after the swap, never before)."""
        if self.records is not None and self._record is not None:
            try:
                self._record.save(self.records)
            except OSError:
                pass  # the next build searches more files than it needs to, with an older record or none

    def summary(self) -> str:
        if self.report is None:
            return ""
        seconds = self.needle_seconds + self.report.seconds
        report = self.report
        searched = ""
        if report.scanned is not None and report.scanned < report.files:
            beside = (f", {format_number(report.beside_names, 'vi')} tệp trong số đó có họ tên vừa có điểm "
                      f"hoặc ghi chú mới" if report.beside_names else "")
            searched = (f" ({format_number(report.scanned, 'vi')} tệp mới hoặc đã đổi; "
                        f"{format_number(report.rescanned, 'vi')} tệp không đổi được tìm lại dữ liệu mới{beside})")
        return (f"Kiểm tra rò rỉ: {format_number(report.files, 'vi')} tệp{searched}, "
                f"không có dữ liệu riêng tư ({format_number(seconds, places=1)} giây).")


# --- What is private ---------------------------------------------------------


# --- Checking only what is new -------------------------------------------------


# --- Searching a site ---------------------------------------------------------


