"""The generator that writes the dashboard's pages and downloads."""
from __future__ import annotations

import os
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
        site = self.site
        relative = self.settings.get("RELATIVE_URLS", False)

        def page(url: str, template: str, **variables) -> None:
            writer.write_file(
                addresses.save_as(url), self.get_template(template), self.context,
                relative_urls=relative, url=url, page_url=url, **variables,
            )

        page("", "home", month=site.latest)
        for month in site.months:
            page(month.url, "month", month=month)
            if month.honour is not None:
                page(month.honour_url, "honour", month=month)
        for unit in site.units:
            page(unit.unit.url, "unit", unit=unit)

        tables = opendata.tables(site)
        page(addresses.open_data_page(), "opendata", tables=tables)
        for path, content in opendata.files(site):
            target = Path(self.output_path, path)
            os.makedirs(target.parent, exist_ok=True)
            target.write_bytes(content)
