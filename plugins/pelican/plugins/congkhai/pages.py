"""The generator that writes the dashboard's pages and downloads."""
from __future__ import annotations

from pathlib import Path

from pelican.generators import Generator

from generator import addresses, opendata
from generator.public import SiteView

from .settings import site_view_from_settings


class DashboardGenerator(Generator):
    """Writes the contract's addresses from the public view (and only from it)."""

    def generate_context(self):
        self.site: SiteView = site_view_from_settings(self.settings)
        self.context["site"] = self.site
        self.context["lang"] = "vi"

    def generate_output(self, writer):
        self.writer = writer
        self.write_month_pages()
        self.write_unit_pages()
        self.write_open_data()

    def write_page(self, url: str, template: str, **variables) -> None:
        """Render `template` to the file that serves `url` (relative to the site root)."""
        self.writer.write_file(
            addresses.save_as(url), self.get_template(template), self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False), url=url, page_url=url, **variables,
        )

    def write_file(self, path: str, content: bytes) -> None:
        target = Path(self.output_path, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

    def write_month_pages(self) -> None:
        site = self.site
        self.write_page("", "home", month=site.latest)
        for month in site.months:
            self.write_page(month.url, "month", month=month)
            if month.honour is not None:
                self.write_page(month.honour_url, "honour", month=month)

    def write_unit_pages(self) -> None:
        for unit in self.site.units:
            self.write_page(unit.unit.url, "unit", unit=unit)

    def write_open_data(self) -> None:
        tables = opendata.tables(self.site)
        self.write_page(addresses.open_data_page(), "opendata", tables=tables)
        for path, content in opendata.files(self.site, tables):
            self.write_file(path, content)
