"""The stable addresses of contract section 11, relative to the site's root.

One place for every path, so pages, downloads, feeds and tests agree.
"""
from __future__ import annotations


def month_page(month: str) -> str:
    return f"thang/{month}/"


def honour_page(month: str) -> str:
    return f"thang/{month}/xuat-sac/"


def unit_page(code: str) -> str:
    return f"don-vi/{code}/"


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


def search_page() -> str:
    return "tim-kiem/"


def about_page() -> str:
    """"About the data": a Pelican page, content/trang/gioi-thieu-du-lieu*.md."""
    return "gioi-thieu-du-lieu/"


def month_feed(kind: str) -> str:
    """The feed with one entry per month; `kind` is "atom" or "rss"."""
    return f"feeds/thang.{kind}.xml"


def sitemap() -> str:
    return "sitemap.xml"


def month_units_csv(month: str) -> str:
    return f"du-lieu/{month}/don-vi.csv"


def month_honour_csv(month: str) -> str:
    return f"du-lieu/{month}/xuat-sac.csv"


def all_units_csv() -> str:
    return "du-lieu/don-vi.csv"


def summary_csv() -> str:
    return "du-lieu/tong-hop.csv"


def datapackage() -> str:
    return "du-lieu/datapackage.json"


def json_beside(csv_path: str) -> str:
    return csv_path.removesuffix(".csv") + ".json"


def save_as(url: str) -> str:
    """The file that serves an address ending in "/"."""
    return url + "index.html" if url.endswith("/") or not url else url
