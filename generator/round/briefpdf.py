"""The brief as a PDF: /ban-tin/YYYY-MM/ban-tin.pdf, printed by headless Chromium.

Chromium prints each brief page of a built site with its print stylesheet
(theme/static/css/brief.css: one A4 page, no navigation). pypdf then makes
the file reproducible and fit for paper: Chromium writes the time of
printing into it, and link annotations to the files it printed from
(file:///...), which mean nothing on paper or on the portal; both go.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from generator.core import addresses

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer"]
PDF_NAME = "ban-tin.pdf"
# The site's language folders (README, "Languages"): each brief is printed in each language.
LANGUAGE_FOLDERS = {"vi": "", "en": "en/"}
TIMEOUT_SECONDS = 120
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")


class PrintFailed(RuntimeError):
    """Chromium did not write a PDF; the message says for which month and why."""


@dataclass(frozen=True)
class PrintedBrief:
    month: str
    path: Path
    pages: int
    lang: str = "vi"


def find_chromium() -> Path | None:
    """Debian's Chromium, else one on PATH; None when there is none."""
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def brief_file(month: str, lang: str = "vi") -> str:
    return LANGUAGE_FOLDERS[lang] + addresses.save_as(addresses.brief_page(month))


def pdf_path(month: str, lang: str = "vi") -> str:
    return brief_file(month, lang).removesuffix("index.html") + PDF_NAME


def brief_months(output: Path) -> list[str]:
    """The months whose brief the site at `output` has, oldest first."""
    pages = output.glob(addresses.save_as(addresses.brief_page("*")))
    return sorted(p.parent.name for p in pages if _MONTH.fullmatch(p.parent.name))


def print_briefs(output: Path, months: Sequence[str], chromium: Path, site_url: str | None = None,
                 workers: int = 2) -> list[PrintedBrief]:
    """Print each month's brief of the site at `output` into its folder, in each language (the
    English one under en/); two Chromiums at a time."""
    output = output.resolve()
    jobs = [(month, lang) for month in months for lang in LANGUAGE_FOLDERS]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: print_brief(output, job[0], chromium, site_url, job[1]), jobs))


def print_brief(output: Path, month: str, chromium: Path, site_url: str | None = None,
                lang: str = "vi") -> PrintedBrief:
    page = output / brief_file(month, lang)
    target = output / pdf_path(month, lang)
    with tempfile.TemporaryDirectory(prefix="congkhai-pdf-") as scratch:
        source = page
        if site_url:
            # A site built for its portal links its stylesheets there; print with the local copies.
            html = page.read_text("utf-8").replace(site_url.rstrip("/") + "/", output.as_uri() + "/")
            source = Path(scratch, "ban-tin.html")
            source.write_text(html, "utf-8")
        printed = Path(scratch, PDF_NAME)
        command = [str(chromium), *FLAGS, f"--user-data-dir={Path(scratch, 'profile')}",
                   f"--print-to-pdf={printed}", source.as_uri()]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PrintFailed(f"Không in được bản tin tháng {month}: {error}") from error
        if not printed.exists() or printed.stat().st_size == 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [f"mã thoát {result.returncode}"]
            raise PrintFailed(f"Không in được bản tin tháng {month}: {detail[0]}")
        content, pages = reproducible(printed.read_bytes())
    target.write_bytes(content)
    return PrintedBrief(month, target, pages, lang)


def reproducible(pdf: bytes) -> tuple[bytes, int]:
    """The PDF without its printing time and link annotations, and its page count."""
    reader = PdfReader(BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        if "/Annots" in page:
            del page[NameObject("/Annots")]
    title = (reader.metadata or {}).get("/Title")
    writer.metadata = {"/Title": title} if title else {}
    result = BytesIO()
    writer.write(result)
    return result.getvalue(), len(reader.pages)
