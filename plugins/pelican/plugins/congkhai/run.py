"""The plugin at the start and the end of Pelican's run.

At `initialized`: the feeds are settled from the site's address (feeds need
absolute addresses for their ids, self links and entry links, so a build with
no address writes none), and, when the build names the folder it replaces
(CONGKHAI_PUBLISHED_OUTPUT, set by `python -m generator build`), the Carrier
is made that carries unchanged files over from it (carry.py). At `finalized`:
the carrier's record of the new site is left pending beside it, to become
current only once the build swaps the site in (generator/round/site_folder.py).
"""
from __future__ import annotations

from pathlib import Path

from generator.core import timings

from generator.round.unchanged import build_fingerprint

from .carry import Carrier
from .syndication import ANNOUNCEMENT_FEEDS, FEED_SETTINGS, absolute_site_url


def start(pelican_object) -> None:
    settings = pelican_object.settings
    if absolute_site_url(settings) is None:
        settings.update({name: None for name in FEED_SETTINGS})
    else:
        for name, path in ANNOUNCEMENT_FEEDS.items():
            settings[name] = settings.get(name) or path
    published = settings.get("CONGKHAI_PUBLISHED_OUTPUT")
    if published:
        settings["CONGKHAI_CARRIER"] = Carrier(Path(published), Path(settings["OUTPUT_PATH"]),
                                               build_fingerprint(settings), full=bool(settings.get("CONGKHAI_FULL")))


def finish(pelican_object) -> None:
    carrier = pelican_object.settings.get("CONGKHAI_CARRIER")
    if carrier is not None:
        timings.count(carried=carrier.carried_files)
        carrier.save()
