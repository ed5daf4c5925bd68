"""An incremental build writes the same bytes as a full build from scratch, whatever happened since the last one.

A property test: random sequences of what happens to a site between two builds
(a new month, a correction, a person withheld, a unit renamed, a setting, a
template or a translation edited, an announcement added, a published file
edited by hand) on a small synthetic data set. After each step the site is
built twice: incrementally into the same folder as before (files whose inputs
did not change are carried over) and with `--full` into a fresh folder; every
file must be byte for byte the same, and the incremental build must have
carried files over where only data changed (else the test proves nothing).
"""
from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule, run_state_machine_as_test

from generator.demo.population import write_demo

ROOT = Path(__file__).resolve().parent.parent
# The demo's months, oldest first: each is published once the one before it is (file names as demo
# writes them): 2026-09 and 2026-10 first, then 2026-11, 2026-12 and, past the year's end, 2027-01.
LAST_MONTH = "2027-01"
FIRST_MONTHS = ("Thang 09-2026 - Tong hop xep loai.xlsx", "Khoi *")
NEW_MONTHS = ("Ket qua xep loai_T11_2026.csv", "Bang tong hop xep loai (ban 04).xlsx", "2027-01 Ket qua xep loai.xlsx")
NEW_YEAR = "2027-01 Ket qua xep loai.xlsx"
CORRECTED = "Ket qua xep loai_T11_2026.csv"  # a month of 2026: of a closed year once 2027-01 is out
XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def differences(incremental: Path, full: Path) -> list[str]:
    """The files that are not the same in both sites (missing in one, or other bytes)."""
    mine, theirs = tree(incremental), tree(full)
    different = sorted(mine ^ theirs)
    different += [p for p in sorted(mine & theirs) if not filecmp.cmp(incremental / p, full / p, shallow=False)]
    return different


class SiteHistory(RuleBasedStateMachine):
    """One site's life between builds; `check` builds it both ways after each step."""

    def __init__(self):
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="congkhai-incremental-"))
        self.source = self.root / "demo"
        self.data = self.root / "data"
        self.theme = self.root / "theme"
        self.content = self.root / "content"
        self.output = self.root / "site"
        self.overrides: dict[str, object] = {}
        self.builds = 0
        self.fingerprint_changed = False
        self.correction_reason: str | None = None

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    @initialize()
    def first_site(self):
        write_demo(self.source, months=5, units=10, staff=60, history_months=2, seed=1, last_month=LAST_MONTH)
        (self.data / "exports").mkdir(parents=True)
        for name in ("units.csv", "withheld.csv", "DEMO", "history"):
            copy = shutil.copytree if (self.source / name).is_dir() else shutil.copy
            copy(self.source / name, self.data / name)
        for pattern in FIRST_MONTHS:
            for export in self.source.glob(f"exports/{pattern}"):
                shutil.copy(export, self.data / "exports")
        self.waiting = list(NEW_MONTHS)
        shutil.copytree(ROOT / "theme", self.theme)
        shutil.copytree(ROOT / "content" / "trang", self.content / "trang")
        self.announcement_written()  # an empty feed of announcements carries the time of the build
        self.check()

    # --- what may happen between two builds --------------------------------------------------

    @precondition(lambda self: self.waiting)
    @rule()
    def new_month(self):
        export = self.waiting.pop(0)
        closed = self.closed_year_files() if export == NEW_YEAR else {}
        shutil.copy(self.source / "exports" / export, self.data / "exports")
        self.check()
        if closed:
            # The first month of a year re-renders none of the year before: its unit year pages and
            # its open-data file are the files that were published (hard links, the same inode).
            assert self.closed_year_files() == closed, "a closed year's pages were rendered again"

    def closed_year_files(self) -> dict[str, int]:
        """The inode of each file of the year 2026 that a new month of 2027 must leave alone."""
        if not self.output.is_dir():
            return {}
        files = [*self.output.glob("don-vi/*/2026/index.html"), *self.output.glob("en/don-vi/*/2026/index.html"),
                 *self.output.glob("du-lieu/2026/don-vi.*")]
        assert files, "the site has no page or file of 2026"
        return {p.relative_to(self.output).as_posix(): p.stat().st_ino for p in files}

    @precondition(lambda self: (self.data / "exports" / CORRECTED).exists())
    @rule()
    def correction(self):
        """The officer re-sends a published month with one person's rating changed."""
        export = self.data / "exports" / CORRECTED
        lines = export.read_text(encoding="utf-8-sig").splitlines()
        row = next(i for i, line in enumerate(lines) if line.endswith(f";{T};;") or line.endswith(f";{XS};;"))
        lines[row] = lines[row].replace(f";{T};;", f";{XS};;") if f";{T};;" in lines[row] else lines[row].replace(f";{XS};;", f";{T};;")
        export.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
        self.correction_reason = "Sửa xếp loại một người"
        self.check()

    @rule()
    def person_withheld(self):
        rated_xs = [line.split(";")[2] for export in (self.data / "exports").glob("*.csv")
                    for line in export.read_text(encoding="utf-8-sig").splitlines() if f";{XS};" in line]
        withheld = self.data / "withheld.csv"
        known = set(withheld.read_text(encoding="utf-8").split())
        new = [person for person in rated_xs if person not in known] or ["CB001001"]
        withheld.write_text(withheld.read_text(encoding="utf-8").rstrip("\n") + f"\n{new[0]}\n", encoding="utf-8")
        self.check()

    @rule()
    def unit_renamed(self):
        units = self.data / "units.csv"
        lines = units.read_text(encoding="utf-8").splitlines()
        code, name, rest = lines[2].split(",", 2)
        lines[2] = f"{code},{name} (đổi tên),{rest}"
        units.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.check()

    @rule()
    def honour_list_switched(self):
        self.overrides["CONGKHAI_HONOUR_LIST"] = not self.overrides.get("CONGKHAI_HONOUR_LIST", True)
        self.fingerprint_changed = True
        self.check()

    @rule()
    def minimum_changed(self):
        self.overrides["CONGKHAI_MIN_EVALUATED"] = 5 if self.overrides.get("CONGKHAI_MIN_EVALUATED") == 15 else 15
        self.fingerprint_changed = True
        self.check()

    @rule()
    def template_edited(self):
        base = self.theme / "templates" / "base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("<p>{{ site.organisation }}</p>",
                                                                  "<p>{{ site.organisation }}.</p>"), encoding="utf-8")
        self.fingerprint_changed = True
        self.check()

    @rule()
    def translation_edited(self):
        catalog = self.theme / "translations" / "en" / "LC_MESSAGES" / "messages.po"
        catalog.write_text(catalog.read_text(encoding="utf-8").replace('msgstr "Latest month"', 'msgstr "This month"'),
                           encoding="utf-8")
        self.fingerprint_changed = True
        self.check()

    @rule()
    def announcement_added(self):
        self.announcement_written()
        self.check()

    def announcement_written(self):
        folder = self.content / "bai-viet"
        folder.mkdir(parents=True, exist_ok=True)
        number = len(list(folder.glob("*.md"))) + 1
        (folder / f"thong-bao-{number}.md").write_text(
            f"Title: Thông báo số {number}\nDate: 2026-11-0{number % 9 + 1}\nSlug: thong-bao-{number}\n\n"
            "Lịch công bố kết quả tháng tới.\n", encoding="utf-8")

    @precondition(lambda self: self.builds > 0)
    @rule()
    def published_file_edited_by_hand(self):
        page = next(p for p in sorted((self.output / "thang").rglob("index.html")))
        page.write_text(page.read_text(encoding="utf-8").replace("</main>", "<p>sửa tay</p></main>"), encoding="utf-8")
        self.check()

    # --- the property ------------------------------------------------------------------------------

    def settings_file(self) -> Path:
        text = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
        text = text.replace('PATH = "content"', f"PATH = {str(self.content)!r}")
        text = text.replace('THEME = "theme"', f"THEME = {str(self.theme)!r}")
        text += "".join(f"\n{name} = {value!r}" for name, value in self.overrides.items()) + "\n"
        path = self.root / "settings.py"
        path.write_text(text, encoding="utf-8")
        return path

    def check(self):
        """Build incrementally and from scratch (the same data, each its own copy), and compare."""
        step = self.builds
        self.builds += 1
        scratch = self.root / f"scratch-{step}"
        shutil.copytree(self.data, scratch / "data")
        # With the site's address: the feeds and the sitemap are written too.
        options = ["--settings", str(self.settings_file()), "--site-url", "https://example.vn/cong-khai"]
        if self.correction_reason:
            options += ["--correction", self.correction_reason]
        timings = self.root / "timings.json"
        builds = [
            subprocess.Popen([sys.executable, "-m", "generator", "build", "--data", str(data), "--output", str(output),
                              *options, *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for data, output, extra in ((self.data, self.output, ["--timings", str(timings)]),
                                        (scratch / "data", scratch / "site", ["--full"]))]
        for build in builds:
            said = build.communicate()[0]
            assert build.returncode == 0, said
        different = differences(self.output, scratch / "site")
        assert not different, f"step {step}: the incremental build differs from a full one in {different[:10]}"
        said = json.loads(timings.read_text(encoding="utf-8"))
        # A step that changed nothing (the same edit twice) stops early and keeps every file as it was.
        if step > 0 and not self.fingerprint_changed and not said.get("nothing_new"):
            assert said["carried"] > 0, f"step {step}: nothing carried over, so nothing was tested"
        shutil.rmtree(scratch)
        self.correction_reason, self.fingerprint_changed = None, False


def test_every_kind_of_change_in_turn():
    """Each step once, in an order where each has something to act on (the random sequences
    below may miss some)."""
    history = SiteHistory()
    try:
        history.first_site()
        for step in (history.new_month, history.correction, history.person_withheld, history.unit_renamed,
                     history.announcement_added, history.published_file_edited_by_hand, history.honour_list_switched,
                     history.minimum_changed, history.template_edited, history.translation_edited, history.new_month,
                     history.new_month, history.correction):
            step()
    finally:
        history.teardown()


# `make test` tries the same sequences on every run (derandomize: a seed made from the test's code,
# and no example database), so that a failure one person sees, the next person sees too; it is
# bounded because each step is two builds of a small site. `make test-long` (CONGKHAI_LONG=1)
# tries many more, and new ones each run (a failing sequence is printed, step by step).
LONG = os.environ.get("CONGKHAI_LONG") == "1"


def test_random_sequences_of_changes():
    # No health check is suppressed: the builds run in the rules, which Hypothesis does not count as
    # slow data generation.
    run_state_machine_as_test(SiteHistory, settings=settings(
        max_examples=60 if LONG else 6, stateful_step_count=8 if LONG else 4, deadline=None, derandomize=not LONG))


def test_a_build_with_nothing_new_says_so_and_leaves_the_site_as_it_was(tmp_path):
    write_demo(tmp_path / "demo", months=2, units=10, staff=60, history_months=0, seed=2)
    data, output = tmp_path / "demo", tmp_path / "site"

    def build(*extra: str) -> str:
        done = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data), "--output", str(output),
                               *extra], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def files() -> dict[str, tuple[int, int]]:
        return {p.relative_to(output).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
                for p in output.rglob("*") if p.is_file()}

    assert "Không có gì mới" not in build()
    published = files()
    gone = subprocess.Popen(["true"])
    gone.wait()
    killed = tmp_path / f".site.new-{gone.pid}-x"  # what a build killed midway leaves beside the site
    killed.mkdir()
    said = build()
    assert said.startswith("Không có gì mới") and said.count("\n") == 1, said
    assert files() == published  # not one file written again, not even carried over
    assert not killed.exists()  # cleared, as any build clears it
    assert "Không có gì mới" not in build("--full")

    page = output / "thang" / sorted(p.name for p in (output / "thang").iterdir() if p.is_dir())[0] / "index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</main>", "<p>sửa tay</p></main>".encode()))
    assert "Không có gì mới" not in build()  # the published site is not as the last build left it
    assert page.read_bytes() == original
    assert build().startswith("Không có gì mới")

    withheld = data / "withheld.csv"
    withheld.write_text(withheld.read_text(encoding="utf-8") + "CB999999\n", encoding="utf-8")
    assert "Không có gì mới" not in build()  # a changed input
    assert build().startswith("Không có gì mới")
