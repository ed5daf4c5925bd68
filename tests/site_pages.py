"""Reading a built site's pages as files: their links, sources and ids, and where a relative link leads."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit


class Page(HTMLParser):
    """The parts of an HTML page the tests read."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.sources: list[str] = []  # src and stylesheet hrefs
        self.ids: set[str] = set()
        self.html_lang = None
        self._link: list | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "a" and "href" in attrs:
            self._link = [attrs["href"], ""]
        if "src" in attrs:
            self.sources.append(attrs["src"])
        if tag == "link" and "href" in attrs:
            self.sources.append(attrs["href"])

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None


def read(output: Path, page: str) -> Page:
    return Page((output / page).read_text("utf-8"))


def target(output: Path, page: str, href: str) -> Path:
    """The file a relative link of `page` leads to."""
    address = urljoin("http://site/" + page, href)
    path = urlsplit(address).path.lstrip("/")
    return output / (path + "index.html" if path.endswith("/") or not path else path)


def html_pages(output: Path) -> list[str]:
    return sorted(str(p.relative_to(output)) for p in output.rglob("*.html"))


def assert_links_resolve_and_stay_inside(output: Path) -> None:
    """Every link and source of every page is relative and leads to a file of the site."""
    # Announcements (content/bai-viet) are the officers' own text about the real data.
    for page in [p for p in html_pages(output) if "bai-viet/" not in p]:
        parsed = read(output, page)
        for href in [h for h, _ in parsed.links] + parsed.sources:
            assert not href.startswith(("http:", "https:", "//", "/")), f"{page}: {href}"
            if href.startswith(("#", "mailto:")):
                continue
            assert target(output, page, href.split("#")[0]).exists(), f"{page}: {href}"
