"""Settings for publishing to the portal: absolute links, hence feeds and the sitemap.

`python -m generator publish --site-url URL` replaces SITEURL and FEED_DOMAIN
with URL (a value set here from SITEURL would keep the default address)."""
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("CONGKHAI_SITE_URL", "https://portal.example.vn/cong-khai")
RELATIVE_URLS = False
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
