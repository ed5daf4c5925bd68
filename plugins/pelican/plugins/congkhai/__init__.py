"""congkhai: the Pelican glue that writes the data pages from the public view.

A namespace plugin (``PLUGINS = ["pelican.plugins.congkhai"]``): it adds one
generator, `DashboardGenerator`, and gives every generator's Jinja
environment the formatting filters and gettext.
"""
import logging

from pelican import signals

from . import announcements, run, syndication
from .filters import install_filters
from .pages import DashboardGenerator


def get_generators(pelican_object):
    return DashboardGenerator


def _not_docutils_language(record: logging.LogRecord) -> bool:
    # Docutils has no Vietnamese; its English labels are never shown on a page of this site.
    return not str(record.msg).startswith("Docutils has no localization")


def register():
    logging.getLogger("pelican.readers").addFilter(_not_docutils_language)
    signals.initialized.connect(run.start)
    signals.finalized.connect(run.finish)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(install_filters)
    announcements.register()
    signals.feed_generated.connect(syndication.fix_feed)
