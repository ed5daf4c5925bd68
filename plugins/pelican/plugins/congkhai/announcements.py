"""Articles and the feed: placeholders filled with a month's figures, and every correction announced.

Runs when every generator has its context (signal all_generators_finalized):
the public view is known, the articles are read, nothing is written yet.

* `{{ month.xs_share }}` and the other placeholders of generator.announcement
  are filled in each article's and page's title, summary and body.
* Links to the dashboard's pages (`{{ month.url }}`) become Pelican's own
  intra-site links, `{filename}/thang/2026-10/`, resolved against pages the
  dashboard registers in the shared context; Pelican then writes them
  relative on relative-URL pages and absolute in feeds and with an absolute
  SITEURL, like links between articles.
* Each correction of a published month becomes an article (an announcement
  at /dinh-chinh/YYYY-MM-N/), so the home page's list of announcements and
  the Atom/RSS feeds of articles announce it.
"""
from __future__ import annotations

import json
import logging
import os
import re
from html import escape
from pathlib import Path
from operator import attrgetter

from pelican import signals
from pelican.contents import Article
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.urlwrappers import Category
from pelican.utils import SafeDatetime

from .carry import build_folder

from generator.core import addresses
from generator.core.files import atomic_write
from generator.view.announcement import PLACEHOLDER, ContentRefused, fill
from generator.core.formatting import format_date, format_month
from generator.view.public import CorrectionNotice, SiteView

CORRECTIONS_CATEGORY = "Đính chính"
log = logging.getLogger(__name__)


def register() -> None:
    signals.all_generators_finalized.connect(finalize)


class DashboardPage:
    """A page the dashboard writes, as Pelican's `{filename}` links look content up (by its url)."""

    def __init__(self, url: str):
        self.url = url


def finalize(generators) -> None:
    from .pages import DashboardGenerator

    dashboard = next((g for g in generators if isinstance(g, DashboardGenerator)), None)
    if dashboard is None or dashboard.site is None:
        return
    site: SiteView = dashboard.site
    register_dashboard_pages(dashboard.context, site)
    for generator in generators:
        for content in _contents(generator):
            fill_placeholders(content, site)
    articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    carrier = dashboard.settings.get("CONGKHAI_CARRIER")
    if articles is not None and carrier is not None and site.latest is not None:
        warn_of_moving_months(_contents(articles), site.latest.month, build_folder(carrier.output),
                              dashboard.settings.get("PATH", ""))
    if articles is not None and site.corrections:
        announce_corrections(articles, site)


def register_dashboard_pages(context: dict, site: SiteView) -> None:
    generated = context["generated_content"]
    for month in site.months:
        for url in (month.url, month.honour_url, month.units_csv):
            if url:
                generated.setdefault(url, DashboardPage(url))


def _contents(generator) -> list:
    if isinstance(generator, ArticlesGenerator):
        groups = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations")
    elif isinstance(generator, PagesGenerator):
        groups = ("pages", "translations", "hidden_pages", "hidden_translations", "draft_pages", "draft_translations")
    else:
        return []
    return [content for group in groups for content in getattr(generator, group, [])]


_TEXT_LINK = re.compile(r"(?<![\"'])\{filename\}/")


def fill_placeholders(content, site: SiteView) -> None:
    texts = {"title": getattr(content, "title", ""), "summary": getattr(content, "_summary", None) or "",
             "body": content._content or ""}
    if not any(PLACEHOLDER.search(text) for text in texts.values()):
        return
    content.congkhai_had_placeholders = True  # filled below; warn_of_moving_months asks after
    where = f"Bài viết {content.source_path}"
    wanted = getattr(content, "month", None) or (site.latest.month if site.latest else None)
    month = next((m for m in site.months if m.month == str(wanted)), None)
    if month is None and _is_example(content) and site.latest is not None:
        # The shipped example (`Demo: yes`) is about the demo's month; other data shows it the latest month's
        # figures, as before it had a Month: line, and says to delete it.
        log.warning("Bài viết %s là bài minh họa về tháng %s, tháng mà dữ liệu không có: đang điền số liệu tháng mới "
                    "nhất, %s. Xóa bài này khi công bố dữ liệu thật.", content.source_path, _month_text(str(wanted)),
                    _month_text(site.latest.month))
        month = site.latest
    if month is None:
        raise ContentRefused(f"{where}: không có số liệu tháng {wanted} để điền vào {{{{ month.… }}}}.")

    def filled(text: str) -> str:
        # A link inside an attribute becomes an intra-site link; one in running text stays a plain path.
        return _TEXT_LINK.sub("", fill(text, month, lambda url: "{filename}/" + url, where))

    if PLACEHOLDER.search(texts["title"]):
        content.title = filled(texts["title"])
        content.metadata["title"] = content.title
    if PLACEHOLDER.search(texts["summary"]):
        content._summary = filled(texts["summary"])
        content.metadata["summary"] = content._summary
    content._content = filled(texts["body"])


# Beside the published folder (carry.build_folder): the month each article without `Month:` showed when first built.
ARTICLE_MONTHS = "article-months.json"


def warn_of_moving_months(contents: list, latest: str, folder: Path, content_root: str) -> None:
    """Warn, with the fix, of an article without `Month:` whose figures now follow another month.

    Such an article shows the latest month: written for October, it shows November's figures once November
    is built. The month it first showed is kept from build to build; an article dated before the latest
    month began (written before it) cannot be about it either."""
    path = folder / ARTICLE_MONTHS
    try:
        first_shown = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        first_shown = {}
    if not isinstance(first_shown, dict):
        first_shown = {}
    kept = {}
    for content in contents:
        if getattr(content, "month", None) or not _has_placeholders(content):
            continue
        name = os.path.relpath(content.source_path, content_root) if content.source_path else None
        if name is None:
            continue
        shown = first_shown.get(name)
        if shown is None:
            date = getattr(content, "date", None)
            shown = latest if date is None or f"{date.year:04d}-{date.month:02d}" >= latest else _month_before(date)
        kept[name] = shown
        if shown != latest:
            log.warning("Bài viết %s không có dòng Month: nên nay hiện số liệu tháng mới nhất, %s, không còn là tháng %s. "
                        "Nếu bài nói về tháng %s, thêm dòng “Month: %s” dưới dòng Date: của bài rồi tạo lại trang.",
                        content.source_path, _month_text(latest), _month_text(shown), _month_text(shown), shown)
    if kept != first_shown:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, (json.dumps(kept, indent=1, sort_keys=True) + "\n").encode("utf-8"), durable=False)
        except OSError:
            pass  # without the record, the next build warns only of articles dated before the latest month


def _has_placeholders(content) -> bool:
    return getattr(content, "congkhai_had_placeholders", False)


def _is_example(content) -> bool:
    return str(getattr(content, "demo", "")).strip().lower() in ("yes", "true", "1", "có")


def _month_text(month: str) -> str:
    return format_month(month, "vi", "long").removeprefix("Tháng ")


def _month_before(day) -> str:
    """The month an announcement dated `day` is about at the latest: the one before the day's month."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def announce_corrections(generator: ArticlesGenerator, site: SiteView) -> None:
    for notice in site.corrections:
        generator.articles.append(correction_article(notice, generator))
    generator.articles.sort(key=attrgetter("date"), reverse=True)
    generator.dates[:] = sorted(generator.articles, key=attrgetter("date"), reverse=generator.context["NEWEST_FIRST_ARCHIVES"])


def correction_article(notice: CorrectionNotice, generator: ArticlesGenerator) -> Article:
    month = format_month(notice.month, "vi", "long").lower()
    reason = escape(notice.reason)
    body = (
        f"<p>Số liệu {month} đã được đính chính ngày {format_date(notice.date)}.</p>"
        f"<p>Lý do: {reason}</p>"
        f'<p><a href="{{filename}}/{notice.month_url}">Xem số liệu {month} sau đính chính</a> · '
        f'<a href="{{filename}}/{addresses.corrections_page()}">Mọi lần đính chính</a></p>'
    )
    for url in (notice.month_url, addresses.corrections_page()):
        generator.context["generated_content"].setdefault(url, DashboardPage(url))
    metadata = {
        "title": f"Đính chính số liệu {month}",
        "date": SafeDatetime(notice.date.year, notice.date.month, notice.date.day),
        "summary": f"<p>{reason}</p>",
        "slug": notice.anchor,
        "category": Category(CORRECTIONS_CATEGORY, generator.settings),
        "url": notice.url,
        "save_as": addresses.save_as(notice.url),
    }
    return Article(body, metadata=metadata, settings=generator.settings, source_path=None, context=generator.context)
