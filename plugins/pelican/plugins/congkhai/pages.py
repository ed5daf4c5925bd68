"""The generator that writes the dashboard's pages and downloads."""
from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from generator import addresses, charts, compare, opendata, progress, search
from generator.charts import PageCharts
from generator.public import MonthView, SiteView, block_month
from generator.trends import TrendSettings, build_briefs, build_trends

from . import filters, languages, parallel, syndication
from .settings import site_view_from_settings


class DashboardGenerator(Generator):
    """Writes the contract's addresses from the public view (and only from it)."""

    def generate_context(self):
        self.site: SiteView = site_view_from_settings(self.settings)
        self.context["site"] = self.site
        self.context["lang"] = languages.DEFAULT
        # Feeds need the site's address (syndication.py): pages link to them only where they exist.
        self.context["FEEDS"] = syndication.absolute_site_url(self.settings) is not None
        self.pages_written: list[str] = []
        self.add_trends()

    def generate_output(self, writer):
        self.writer = writer
        self.written = progress.Counter("Số trang đã ghi")
        with parallel.beside(self.write_on_second_core) as pages_there:
            self.write_corrections_page()
            self.write_embed_page()
            self.write_month_pages()
            self.write_trends()
            self.write_briefs()
            self.write_archive()
            self.write_units_index()
            self.write_search()
            self.write_compare()
            self.write_content_in_english()
        self.pages_written += pages_there
        self.write_month_feeds()
        self.write_sitemap()  # last: it lists every page written before it
        self.written.stop()

    def write_page(self, url: str, template: str, **variables) -> None:
        """Render `template` to the file that serves `url` (relative to the site root), once per
        language: Vietnamese at `url`, English at `en/url` (templates see `lang` and `page_url`)."""
        for lang in languages.LANGUAGES:
            localised = languages.localise(url, lang)
            self.writer.write_file(
                addresses.save_as(localised), self.get_template(template), self.context,
                relative_urls=self.settings.get("RELATIVE_URLS", False), url=localised, page_url=url, lang=lang,
                **variables,
            )
            self.pages_written.append(localised)
        self.written.advance()

    def write_file(self, path: str, content: bytes) -> None:
        target = Path(self.output_path, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

    def write_month_pages(self) -> None:
        site = self.site
        self.write_page("", "home", month=site.latest)
        for month in site.months:
            self.write_page(month.url, "month", month=month)
            if not month.split:
                self.write_charts(month.url, lambda lang, month=month: self.charts.of_page("month", lang, month=month))
            if month.honour is not None:
                self.write_page(month.honour_url, "honour", month=month)
            if month.split:
                self.write_block_pages(month)

    def write_block_pages(self, month: MonthView) -> None:
        """A split month's blocks, each on pages of its own (numbered where it has more units than
        a page holds): its units' table (ranked in its own chart) and its part of the honour list.
        `block` is the page's part of the block; `honour_block` the honour list's page of the
        same number (None where nobody of the block is on the list)."""
        for block in month.blocks:
            honour = month.honour_block(block.block)
            for number, page in enumerate(block.pages):
                ranked = block_month(month, page)
                self.write_page(page.url, "month_block", month=month, block=page, ranked=ranked,
                                honour_block=honour.pages[number] if honour else None)
                self.write_charts(page.url, lambda lang, ranked=ranked: self.charts.of_page("month", lang, month=ranked))
        for block in month.honour or ():
            for page in block.pages:
                self.write_page(page.url, "honour_block", month=month, block=page)

    def write_on_second_core(self) -> list[str]:
        """The unit pages and the downloads, beside the rest (this may run in another process);
        returns the addresses of the pages written. On a city the two halves take about as long."""
        if parallel.in_worker():
            self.written.detach()
        before = len(self.pages_written)
        self.write_unit_pages()
        self.write_open_data()
        written = self.pages_written[before:]
        del self.pages_written[before:]  # the caller adds them, from whichever process wrote them
        return written

    def write_unit_pages(self) -> None:
        """Each unit's page and, where the site's address is known, its feed, in each language."""
        for unit in self.site.units:
            self.write_page(unit.unit.url, "unit", unit=unit)
            code = unit.unit.code
            self.write_charts(unit.unit.url, lambda lang, code=code: self.charts.of_page("unit", lang, unit=code))
            if self.context["FEEDS"]:
                for lang in languages.LANGUAGES:
                    syndication.write_unit_feed(self, unit, lang)

    def add_trends(self) -> None:
        """The leaders' view for every template, and `charts` for those that draw (month, unit, trends)."""
        settings = TrendSettings.from_settings(self.settings)
        self.trends = build_trends(self.site, settings)
        self.context["trends"] = self.trends
        self.charts = PageCharts(self.trends, settings.policy.quota,
                                 names=lambda name, lang: filters.data_term(self.settings, name, lang))
        self.env.globals["charts"] = self.charts

    def write_trends(self) -> None:
        self.write_page(addresses.trends_page(), "trends")
        self.write_charts(addresses.trends_page(), lambda lang: self.charts.of_page("trends", lang))

    def write_charts(self, page: str, charts_of) -> None:
        """The charts of the page at `page` to take away: each one's CSV (its exact figures) in each
        language, and a page that shows it alone (for an iframe). `charts_of(lang)`: the page's charts."""
        for lang in languages.LANGUAGES:
            for chart in charts_of(lang):
                self.write_file(languages.localise(addresses.chart_csv(page, chart.id), lang), charts.to_csv(chart))
        for chart in charts_of(languages.DEFAULT):
            self.write_page(addresses.chart_page(page, chart.id), "chart", of_page=page,
                            chart_of=lambda lang, chart_id=chart.id: next(c for c in charts_of(lang) if c.id == chart_id))

    def write_briefs(self) -> None:
        for brief in build_briefs(self.site, self.trends):
            self.write_page(brief.url, "brief", brief=brief)

    def write_open_data(self) -> None:
        tables = opendata.tables(self.site)
        files = opendata.files(self.site, tables)
        sizes = {path: len(content) for path, content in files}
        self.write_page(addresses.open_data_page(), "opendata", tables=tables, sizes=sizes)
        for path, content in files:
            self.write_file(path, content)

    def write_archive(self) -> None:
        self.write_page(addresses.archive_page(), "archive")

    def write_units_index(self) -> None:
        self.write_page(addresses.units_page(), "units")

    def write_search(self) -> None:
        """The search page in each language, and its index (one for both: names are names)."""
        self.write_page(addresses.search_page(), "search", search_folder=search.FOLDER)
        for path, content in search.files(self.site):
            self.write_file(path, content)

    def write_compare(self) -> None:
        """The compare page in each language and its figures (the units: the search index's)."""
        self.write_page(addresses.compare_page(), "compare", units_file=search.UNITS_FILE,
                        data_folder=compare.DATA_FOLDER, most_units=compare.MOST_UNITS,
                        months=self.trends.organisation.months)
        for path, content in compare.files(self.trends):
            self.write_file(path, content)

    def write_content_in_english(self) -> None:
        """Pelican writes the Vietnamese pages and announcements of content/; their /en/ pages are
        written here: from the English translation where there is one (`Lang: en`, same slug),
        else the Vietnamese text inside English headings, marked as Vietnamese."""
        for kind in ("page", "article"):
            for content in self.context.get(kind + "s", ()):
                shown = next((t for t in content.translations if t.lang == "en"), content)
                localised = languages.localise(content.url, "en")
                self.writer.write_file(
                    addresses.save_as(localised), self.get_template(content.template), self.context,
                    relative_urls=self.settings.get("RELATIVE_URLS", False), page_url=content.url, lang="en",
                    **{kind: shown},
                )
                self.pages_written += [content.url, localised]

    def write_month_feeds(self) -> None:
        """Atom and RSS, one entry per month, in each language (Pelican's feed writer), where the
        site's address is known."""
        if not self.context["FEEDS"]:
            return
        for lang in languages.LANGUAGES:
            for kind in ("atom", "rss"):
                syndication.write_month_feed(self, lang, kind)

    def write_sitemap(self) -> None:
        """sitemap.xml lists absolute addresses, so it exists only when the site's address is known."""
        site_url = syndication.absolute_site_url(self.settings)
        if site_url is not None:
            self.write_file(addresses.sitemap(), syndication.sitemap(site_url, self.pages_written))

    def write_corrections_page(self) -> None:
        """Every correction of a published month, newest first (the page exists before the first one)."""
        self.write_page(addresses.corrections_page(), "corrections", corrections=self.site.corrections)

    def write_embed_page(self) -> None:
        """The latest month's key figures, small enough for an iframe on the portal's home page."""
        if self.site.latest is not None:
            self.write_page(addresses.embed_page(), "nhung", month=self.site.latest)
