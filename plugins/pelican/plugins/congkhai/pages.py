"""The generator that writes the dashboard's pages and downloads."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from pelican.generators import Generator

from generator.core import addresses
from generator.pages import charts
from generator.view import compare
from generator.pages import opendata
from generator.pages import pictures
from generator.core import progress
from generator.pages import search
from generator.pages.charts import PageCharts
from generator.pages.fingerprint import Digests, files_digest
from generator.view.public import MonthView, SiteView
from generator.view.build import block_month
from generator.view.trends import build_trends
from generator.view.brief import build_briefs
from generator.core.config import TrendSettings

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
        # Carries over the files whose inputs did not change (carry.py); None under a bare `pelican` run.
        self.carrier = self.settings.get("CONGKHAI_CARRIER")
        self.digests = Digests()
        self.add_trends()

    def generate_output(self, writer):
        self.writer = writer
        self.written = progress.Counter("Số trang đã ghi")
        if parallel.available():
            self.digest_before_the_fork()
        with parallel.beside(self.write_on_second_core) as from_second_core:
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
        pages_there, carried_there = from_second_core
        self.pages_written += pages_there
        if self.carrier is not None:
            self.carrier.add(carried_there)
        self.write_month_feeds()
        self.write_sitemap()  # last: it lists every page written before it
        self.written.stop()

    def digest_before_the_fork(self) -> None:
        """Digest the public view and the trends once, here: the groups' keys in either process are
        then made from remembered digests (Digests remembers by identity), and neither walks the
        whole view after the fork. A walk there touches every object's reference count, which
        copies every page of memory the two processes share: a city's view, twice."""
        self.digests.of(self.everything, *self.trends.units.values(), self.trends.organisation)

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
            self.wrote(addresses.save_as(localised))
        self.written.advance()

    def write_file(self, path: str, content: bytes) -> None:
        target = Path(self.output_path, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        self.wrote(path)

    def wrote(self, path: str) -> None:
        """A file was written at `path` (relative to the site's root): it belongs to the open group."""
        if self.carrier is not None:
            self.carrier.wrote(path)

    @contextmanager
    def made_from(self, name: str, *inputs) -> Iterator[bool]:
        """Yields whether the group of files `name`, made from `inputs`, must be written: False where
        the previous build wrote it from the same inputs (it is carried over, carry.py).

        `inputs` must hold everything the group's templates and code read that is not the same
        for every page (the build's fingerprint covers code, theme and settings); what a template
        reads and is not declared here makes an incremental build differ from a full one, which
        tests/test_incremental.py catches."""
        if self.carrier is None:
            yield True
            return
        with self.carrier.group(name, self.digests.of(name, *inputs)) as pages:
            if pages is None:
                self.pages_written += self.carrier.carried_pages(name)
                yield False
                return
            before = len(self.pages_written)
            yield True
            pages.extend(self.pages_written[before:])

    @cached_property
    def site_wide(self) -> dict:
        """What every page reads of the site (its organisation, demo flag, policy): the site view
        without its months, units, years and corrections, which pages declare one by one."""
        bulky = ("months", "units", "years", "corrections")
        return {f.name: getattr(self.site, f.name) for f in dataclasses.fields(self.site) if f.name not in bulky}

    @cached_property
    def everything(self) -> str:
        """The digest of all a page may read: for the pages that show the whole site (home, archive,
        trends, indexes, downloads), which change with any month; they are few. The trends are
        made from the site by code under the build's fingerprint, so the site stands for them.
        The announcements (content/) are read by the home page."""
        content = Path(self.settings["PATH"])
        announcements = [p for p in content.rglob("*") if p.is_file()] if content.is_dir() else []
        return self.digests.of(self.site, files_digest(content, announcements))

    def write_month_pages(self) -> None:
        """The home page, then each month's pages, charts and block pages: a month's group of files
        is made from the month alone, so the months that did not change are carried over."""
        site = self.site
        with self.made_from("home", self.everything) as write:
            if write:
                self.write_page("", "home", month=site.latest)
        for month in site.months:
            with self.made_from("month:" + month.month, self.site_wide, month) as write:
                if not write:
                    continue
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

    def write_on_second_core(self) -> list:
        """The unit pages and the downloads, beside the rest (this may run in another process);
        returns the addresses of the pages written and what was carried over and written (carry.py).
        On a city the two halves take about as long."""
        if parallel.in_worker():
            self.written.detach()
        before = len(self.pages_written)
        mark = self.carrier.mark() if self.carrier is not None else None
        self.write_unit_pages()
        self.write_open_data()
        written = self.pages_written[before:]
        del self.pages_written[before:]  # the caller adds them, from whichever process wrote them
        return [written, self.carrier.since(mark) if self.carrier is not None else None]

    def write_unit_pages(self) -> None:
        """Each unit's page and, where the site's address is known, its feed, in each language; then
        its years' pages, each made from that year's months alone, so that a closed year's pages
        are carried over from month to month."""
        month_before = {month.month: month.previous for month in self.site.months}
        for unit in self.site.units:
            code = unit.unit.code
            trend = self.trends.units.get(code)
            page = dict(unit=unit, lead=unit.lead(month_before.get(unit.latest.month) if unit.latest else None),
                        trend=trend, picture=pictures.level_trend(trend.series) if trend else None)
            # Its chart reads the unit's trend beside the organisation's (charts.PageCharts.unit).
            with self.made_from("unit:" + code, self.site_wide, page, self.trends.organisation) as write:
                if write:
                    self.write_page(unit.unit.url, "unit", **page)
                    self.write_charts(unit.unit.url, lambda lang, code=code: self.charts.of_page("unit", lang, unit=code))
                    if self.context["FEEDS"]:
                        for lang in languages.LANGUAGES:
                            syndication.write_unit_feed(self, unit, lang)
            for year in unit.years:
                with self.made_from(f"unit:{code}:{year.year}", self.site_wide, year) as write:
                    if write:
                        self.write_page(year.url, "unit_year", year=year)

    def add_trends(self) -> None:
        """The leaders' view for every template, and `charts` for those that draw (month, unit, trends)."""
        settings = TrendSettings.from_settings(self.settings)
        self.trends = build_trends(self.site, settings)
        self.context["trends"] = self.trends
        self.charts = PageCharts(self.trends, settings.policy.quota,
                                 names=lambda name, lang: filters.data_term(self.settings, name, lang))
        self.env.globals["charts"] = self.charts

    def write_trends(self) -> None:
        with self.made_from("trends", self.everything) as write:
            if write:
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
            # brief.html reads the trends only for the addresses of the briefs beside it.
            with self.made_from("brief:" + brief.month.month, self.site_wide, brief) as write:
                if write:
                    self.write_page(brief.url, "brief", brief=brief)

    def write_open_data(self) -> None:
        """Each month's files, made from the month alone; each year's, from its months alone (a
        closed year's are carried over); then the summary, the package and the index page, which
        show the whole site."""
        # Keyed on what the files hold (a month's rows and honour list), not on the whole month: its
        # link to the next month changes when that one is published, and the files do not.
        for month in self.site.months:
            with self.made_from("open data:" + month.month, month.month, month.rows, month.honour) as write:
                if write:
                    self.write_files(opendata.table_files(opendata.month_tables(month)))
        for year, months in opendata.years(self.site).items():
            with self.made_from("open data:" + year, [(month.month, month.rows) for month in months]) as write:
                if write:
                    self.write_files(opendata.table_files([opendata.year_table(year, months)]))
        with self.made_from("open data", self.everything) as write:
            if write:
                described = opendata.tables(self.site, with_rows=False)
                summary = described[-1]
                self.write_files(opendata.table_files([summary]))
                self.write_file(addresses.datapackage(), opendata.datapackage(self.site, described))
                # The files above are written or carried over by now: their sizes are on disk.
                paths = [path for table in described for path in (table.path, addresses.json_beside(table.path))]
                sizes = {path: Path(self.output_path, path).stat().st_size for path in paths + [addresses.datapackage()]}
                years = tuple((year, addresses.year_units_csv(year)) for year in reversed(opendata.years(self.site)))
                self.write_page(addresses.open_data_page(), "opendata", sizes=sizes, years=years)

    def write_files(self, files: list[tuple[str, bytes]]) -> None:
        for path, content in files:
            self.write_file(path, content)

    def write_archive(self) -> None:
        with self.made_from("archive", self.everything) as write:
            if write:
                self.write_page(addresses.archive_page(), "archive")

    def write_units_index(self) -> None:
        with self.made_from("units", self.everything) as write:
            if write:
                self.write_page(addresses.units_page(), "units")

    def write_search(self) -> None:
        """The search page in each language, and its index (one for both: names are names)."""
        with self.made_from("search", self.everything) as write:
            if write:
                self.write_page(addresses.search_page(), "search", search_folder=search.FOLDER)
                for path, content in search.files(self.site):
                    self.write_file(path, content)

    def write_compare(self) -> None:
        """The compare page in each language, its chart alone (for an iframe), and its figures (the
        units: the search index's)."""
        variables = dict(units_file=search.UNITS_FILE, data_folder=compare.DATA_FOLDER, most_units=compare.MOST_UNITS,
                         months=self.trends.organisation.months)
        with self.made_from("compare", self.everything) as write:
            if not write:
                return
            self.write_page(addresses.compare_page(), "compare", **variables)
            self.write_page(addresses.chart_page(addresses.compare_page(), "bieu-do"), "compare_chart", **variables)
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
        with self.made_from("corrections", self.everything) as write:
            if write:
                self.write_page(addresses.corrections_page(), "corrections", corrections=self.site.corrections)

    def write_embed_page(self) -> None:
        """The latest month's key figures, small enough for an iframe on the portal's home page."""
        if self.site.latest is not None:
            with self.made_from("embed", self.everything) as write:
                if write:
                    self.write_page(addresses.embed_page(), "nhung", month=self.site.latest)
