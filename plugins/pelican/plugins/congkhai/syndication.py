"""How the site announces itself: feeds with one entry per month, and the sitemap.

The feeds go through Pelican's own feed writer (feedgenerator), fed with
one small item per month. Their text comes from the theme's
`feed_month.html`, so it is translated like every page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from pelican.utils import get_relative_path, path_to_url

from generator import addresses

from . import languages
from .filters import translations_folder


@dataclass(frozen=True)
class MonthEntry:
    """One month, shaped as Pelican's feed writer reads a content item."""

    title: str
    url: str
    date: datetime
    summary: str
    content: str

    def get_content(self, site_url: str) -> str:
        return self.content


def announced(month: str) -> datetime:
    """When a month's results are announced: the first day of the next month.

    A date taken from the data, so that two builds write the same feed."""
    year, number = int(month[:4]), int(month[5:7])
    return datetime(year + number // 12, number % 12 + 1, 1)


def absolute_site_url(settings) -> str | None:
    site_url = settings.get("SITEURL", "")
    if site_url.startswith(("http://", "https://")) and not settings.get("RELATIVE_URLS"):
        return site_url
    return None


def write_month_feed(generator, lang: str, kind: str) -> None:
    """Write the `kind` ("atom" or "rss") feed of every month, newest first, in `lang`."""
    path = languages.localise(addresses.month_feed(kind), lang)
    # Without a known address, links are relative to the feed file, which readers resolve.
    site_url = absolute_site_url(generator.settings) or path_to_url(get_relative_path(path))
    site_name = languages.translations(str(translations_folder(generator.settings)), lang).gettext(
        generator.settings["SITENAME"])
    context = dict(generator.context, lang=lang, SITEURL=site_url, FEED_DOMAIN=site_url, SITENAME=site_name)
    template = generator.get_template("feed_month")
    entries = []
    feed_title = ""
    for month in reversed(generator.site.months):
        rendered = template.make_module(dict(context, month=month))
        feed_title = rendered.feed_title
        entries.append(MonthEntry(
            title=str(rendered.title), url=languages.localise(month.url, lang), date=announced(month.month),
            summary=str(rendered.summary), content=str(rendered).strip(),
        ))
    generator.writer.write_feed(entries, context, path=path, feed_type=kind, feed_title=str(feed_title))


def sitemap(site_url: str, urls: list[str]) -> bytes:
    """sitemap.xml for the pages at `urls` (relative to the site root)."""
    base = site_url.rstrip("/") + "/"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(base + url)}</loc></url>" for url in sorted(set(urls))]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
