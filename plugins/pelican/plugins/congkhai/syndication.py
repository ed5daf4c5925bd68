"""How the site announces itself: feeds with one entry per month, and the sitemap.

The feeds go through Pelican's own feed writer (feedgenerator), fed with
one small item per month. Their text comes from the theme's
`feed_month.html`, so it is translated like every page.

Like the sitemap, feeds exist only where the site's address is known
(`publish`, `build --site-url`): their ids, self links and entry links must
be absolute, and a feed of relative links is invalid wherever it is
uploaded. Every feed, Pelican's own of the announcements included, is made
valid for the W3C Feed Validator as it is generated (`fix_feed`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from xml.sax.saxutils import escape

from generator.core import addresses
from generator.view.public import UnitView

from . import languages
from .filters import translations_folder


@dataclass(frozen=True)
class FeedEntry:
    """One entry (a month), shaped as Pelican's feed writer reads a content item."""

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


# Pelican's settings that write a feed: set to None where the site's address is unknown.
FEED_SETTINGS = (
    "FEED_ATOM", "FEED_RSS", "FEED_ALL_ATOM", "FEED_ALL_RSS", "CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS",
    "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS", "TRANSLATION_FEED_ATOM",
    "TRANSLATION_FEED_RSS",
)

# Pelican's feeds of the announcements (content/bai-viet, corrections), on wherever feeds are.
ANNOUNCEMENT_FEEDS = {"FEED_ALL_ATOM": "feeds/all.atom.xml", "FEED_ALL_RSS": "feeds/all.rss.xml"}


def fix_feed(context, feed) -> None:
    """Pelican's signal `feed_generated`: what the W3C Feed Validator asks of every feed.

    - An RSS guid is a `tag:` URI, not the entry's address: it says so
      (isPermaLink="false"), or readers take it for a link and it is an error.
    - An entry without an author gets the organisation, never an empty
      `<author><name/></author>` (a warning in Atom; Atom needs an author).
    """
    organisation = getattr(context.get("site"), "organisation", None) or context.get("AUTHOR") or context.get("SITENAME")
    latest = getattr(context.get("site"), "latest", None)
    if not feed.items and latest is not None:
        # A feed with no entry (no announcement yet) would be dated now: dated by the data instead, same bytes each build.
        updated = announced(latest.month).replace(tzinfo=timezone.utc)
        feed.latest_post_date = lambda: updated
    for item in feed.items:
        if str(item.get("unique_id") or "").startswith("tag:"):
            item["unique_id_is_permalink"] = False
        if not item.get("author_name"):
            item["author_name"] = str(organisation)


def absolute_site_url(settings) -> str | None:
    site_url = settings.get("SITEURL", "")
    if site_url.startswith(("http://", "https://")) and not settings.get("RELATIVE_URLS"):
        return site_url
    return None


def write_month_feed(generator, lang: str, kind: str) -> None:
    """Write the `kind` ("atom" or "rss") feed of every month, newest first, in `lang`."""
    entries = [(month.url, announced(month.month), {"month": month}) for month in reversed(generator.site.months)]
    write_feed(generator, addresses.month_feed(kind), lang, kind, "feed_month", entries)


def write_unit_feed(generator, unit: UnitView, lang: str) -> None:
    """Write a unit's Atom feed in `lang`: one entry per month of its page (its latest months),
    newest first, each the unit's figures that month (feed_unit.html), its link the month's row of
    the unit's page."""
    entries = [(f"{unit.unit.url}#{addresses.month_anchor(m.month)}", announced(m.month), {"unit_month": m})
               for m in unit.recent]
    write_feed(generator, addresses.unit_feed(unit.unit.code), lang, "atom", "feed_unit", entries, unit=unit)


def write_feed(generator, path: str, lang: str, kind: str, template_name: str,
               entries: list[tuple[str, datetime, dict]], **feed_variables) -> None:
    """Write one feed at `path` (in `lang`'s folder) through Pelican's feed writer.

    `entries`: (address relative to the site root, date, template variables) of each entry.
    The template renders an entry's content and sets `title`, `summary` and `feed_title`;
    it sees `feed_variables` too."""
    site_url = absolute_site_url(generator.settings)
    site_name = languages.translations(str(translations_folder(generator.settings)), lang).gettext(
        generator.settings["SITENAME"])
    context = dict(generator.context, lang=lang, SITEURL=site_url, FEED_DOMAIN=site_url, SITENAME=site_name,
                   **feed_variables)
    template = generator.get_template(template_name)
    items, feed_title = [], ""
    for url, date, variables in entries:
        rendered = template.make_module(dict(context, **variables))
        feed_title = rendered.feed_title
        items.append(FeedEntry(
            title=str(rendered.title), url=languages.localise(url, lang), date=date,
            summary=str(rendered.summary), content=str(rendered).strip(),
        ))
    generator.writer.write_feed(items, context, path=languages.localise(path, lang), feed_type=kind,
                                feed_title=str(feed_title))
    generator.wrote(languages.localise(path, lang))


def sitemap(site_url: str, urls: list[str]) -> bytes:
    """sitemap.xml for the pages at `urls` (relative to the site root)."""
    base = site_url.rstrip("/") + "/"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(base + url)}</loc></url>" for url in sorted(set(urls))]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
