"""Where the generator finds its public view."""
from __future__ import annotations

from pathlib import Path

from generator.pipeline import DataFolder, site_view
from generator.public import SiteView


class DataRefused(Exception):
    """The data folder has errors; nothing may be published."""


def site_view_from_settings(settings) -> SiteView:
    """The view handed over by `python -m generator build`, or one built here from CONGKHAI_DATA.

    The second path serves a bare `pelican` run (e.g. its autoreload).
    """
    given = settings.get("CONGKHAI_SITE")
    if given is not None:
        return given
    view, problems = site_view(DataFolder(Path(settings.get("CONGKHAI_DATA", "data"))), settings)
    if view is None:
        raise DataRefused("\n".join(p.render() for p in problems.errors))
    return view
