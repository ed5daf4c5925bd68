"""The stable addresses of contract section 11, relative to the site's root.

One place for every path, so pages, downloads, feeds and tests agree.
"""
from __future__ import annotations

from collections.abc import Iterable

from .text import fold


def month_page(month: str) -> str:
    return f"thang/{month}/"


def honour_page(month: str) -> str:
    return f"thang/{month}/xuat-sac/"


def month_block_page(month: str, slug: str, number: int = 1) -> str:
    """One block's units of a month too large for one page (see `block_slugs`); a block of
    more units than a page holds has numbered pages, the first at the block's address."""
    return _numbered(f"thang/{month}/khoi/{slug}/", number)


def honour_block_page(month: str, slug: str, number: int = 1) -> str:
    """One block's part of a month's honour list too large for one page (numbered as the
    block's table: page N holds the sections of the units of its table's page N)."""
    return _numbered(f"thang/{month}/xuat-sac/khoi/{slug}/", number)


def _numbered(first: str, number: int) -> str:
    """Page `number` of a series whose first page is `first`: `first` itself, then trang-2/ ..."""
    return first if number == 1 else f"{first}trang-{number}/"


def block_slugs(blocks: Iterable[str]) -> dict[str, str]:
    """Each block's part of an address: its folded name with hyphens ("Khối Trường học" ->
    "khoi-truong-hoc"). Given every block in one stable order (the registry's), so a block
    keeps its address from month to month; a later block that folds to a slug already
    taken gets "-2", "-3" ..., and a name with no letter or digit "khoi"."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for block in blocks:
        if block in slugs:
            continue
        base = "-".join(fold(block).split()) or "khoi"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        slugs[block] = slug
        taken.add(slug)
    return slugs


def unit_page(code: str) -> str:
    return f"don-vi/{code}/"


def unit_year_page(code: str, year: str) -> str:
    """One unit's months of one year (its page holds its latest months only)."""
    return f"don-vi/{code}/{year}/"


def trends_page() -> str:
    return "xu-huong/"


def brief_page(month: str) -> str:
    return f"ban-tin/{month}/"


def open_data_page() -> str:
    return "du-lieu/"


def corrections_page() -> str:
    return "dinh-chinh/"


def correction_page(month: str, number: int) -> str:
    """The announcement of one correction of a month (1 for its first)."""
    return f"dinh-chinh/{month}-{number}/"


def embed_page() -> str:
    """The small summary a portal shows in an iframe."""
    return "nhung/"


def archive_page() -> str:
    """Every month, newest first: the archive, one click from every page."""
    return "thang/"


def units_page() -> str:
    """Every unit, by block."""
    return "don-vi/"


def compare_page() -> str:
    """Compare up to five units, month by month, beside the organisation (selection in ?don-vi=A,B)."""
    return "so-sanh/"


def search_page() -> str:
    return "tim-kiem/"


def about_page() -> str:
    """"About the data": a Pelican page, content/trang/gioi-thieu-du-lieu*.md."""
    return "gioi-thieu-du-lieu/"


def month_feed(kind: str) -> str:
    """The feed with one entry per month; `kind` is "atom" or "rss"."""
    return f"feeds/thang.{kind}.xml"


def unit_feed(code: str) -> str:
    """A unit's Atom feed: one entry per month with its figures (follow one unit)."""
    return f"feeds/don-vi/{code}.atom.xml"


def month_anchor(month: str) -> str:
    """The id of a month's row on a unit's page (a unit feed's entries link there)."""
    return f"thang-{month}"


def unit_anchor(code: str) -> str:
    """The id of a unit's section on an honour list page (its unit page, its feed and the search
    page link there; theme/static/js/tim-kiem.js writes the same "#dv-" + code)."""
    return f"dv-{code}"


def chart_csv(page: str, chart_id: str) -> str:
    """A chart's figures as CSV, beside the page (at address `page`) that draws it."""
    return f"{page}{chart_id}.csv"


def chart_page(page: str, chart_id: str) -> str:
    """A page that shows one chart of `page` alone, for an iframe elsewhere."""
    return f"{page}{chart_id}/"


def sitemap() -> str:
    return "sitemap.xml"


def month_units_csv(month: str) -> str:
    return f"du-lieu/{month}/don-vi.csv"


def month_honour_csv(month: str) -> str:
    return f"du-lieu/{month}/xuat-sac.csv"


def year_units_csv(year: str) -> str:
    """Every unit and month of one year (there is no all-months file: it would grow every month)."""
    return f"du-lieu/{year}/don-vi.csv"


def summary_csv() -> str:
    return "du-lieu/tong-hop.csv"


def datapackage() -> str:
    return "du-lieu/datapackage.json"


def json_beside(csv_path: str) -> str:
    return csv_path.removesuffix(".csv") + ".json"


def save_as(url: str) -> str:
    """The file that serves an address ending in "/"."""
    return url + "index.html" if url.endswith("/") or not url else url
