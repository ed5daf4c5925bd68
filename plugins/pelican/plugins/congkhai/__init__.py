"""congkhai: the Pelican glue that writes the data pages from the public view.

A namespace plugin (``PLUGINS = ["pelican.plugins.congkhai"]``): it adds one
generator, `DashboardGenerator`, and gives every generator's Jinja
environment the formatting filters and gettext.
"""
from pelican import signals

from . import announcements, syndication
from .filters import install_filters
from .pages import DashboardGenerator


def get_generators(pelican_object):
    return DashboardGenerator


def register():
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(install_filters)
    announcements.register()
    signals.feed_generated.connect(syndication.fix_feed)
