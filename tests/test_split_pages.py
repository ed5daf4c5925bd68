"""A month of more units than one page may hold (CONGKHAI_UNITS_PER_PAGE) is split by block.

The small site of tests/site_fixture.py is built four ways: with the default limit (300:
nothing is split), with no limit at all, with a limit of 2 units (every month is split) and
with a limit of 1 unit (a block of several units also has numbered pages: trang-2/ ...).
The split pages must hold exactly what the whole pages hold, in both languages, and every
link (the unit pages' and the search index's #dv-CODE anchors included) must still resolve.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import site_fixture as fixture
from site_pages import Page, assert_links_resolve_and_stay_inside, html_pages, read, target
from generator.core import addresses

MONTHS = ("2025-05", "2025-06", "2025-07")
BLOCKS = {"Khối Chính quyền": "khoi-chinh-quyen", "Khối Phường": "khoi-phuong", "Khối Trường học": "khoi-truong-hoc"}


def build_with(root: Path, extra: str) -> Path:
    settings = root / "settings.py"
    settings.write_text((fixture.ROOT / "pelicanconf.py").read_text("utf-8") + "\n" + extra + "\n"
                        + f"PATH = {str(fixture.ROOT / 'content')!r}\nTHEME = {str(fixture.ROOT / 'theme')!r}\n", "utf-8")
    data = fixture.write_data(root / "data")
    return fixture.build(data, root / "output", "--settings", str(settings))


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    """The default setting: the fixture's few units are far below it."""
    root = tmp_path_factory.mktemp("whole")
    data = fixture.write_data(root / "data")
    return fixture.build(data, root / "output")


@pytest.fixture(scope="module")
def split(tmp_path_factory) -> Path:
    return build_with(tmp_path_factory.mktemp("split"), "CONGKHAI_UNITS_PER_PAGE = 2")


def unit_rows(html: str) -> dict[str, str]:
    """A table's unit rows by unit code, links left out (their depth differs from page to page)."""
    # On English pages a unit's name is in <span lang="vi">: the name is read without it.
    html = re.sub(r'<span lang="vi">([^<]*)</span>', r"\1", html)
    rows = re.findall(r'<tr id="dv-[^"]*"><th scope="row" class="name"><a href="[^"]*">[^<]*</a></th><td class="code">', html)
    found = {}
    for row in re.finditer(r'<tr id="dv-[^"]*"><th scope="row" class="name"><a href="[^"]*">([^<]*)</a></th><td class="code">([^<]*)</td>(.*?)</tr>', html):
        assert row.group(2) not in found
        found[row.group(2)] = row.group(1) + "|" + row.group(3)
    assert len(found) == len(rows)
    return found


def subtotals(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr class="subtotal"><th scope="row" class="name">Cộng ([^<]*)</th><td class="code"></td>(.*?)</tr>', html))


def honour_names(html: str) -> list[str]:
    return re.findall(r"<li><b>([^<]*)</b>", html)


def honour_sections(html: str) -> list[str]:
    return re.findall(r'<h3 id="dv-([^"]*)">', html)


# --- the setting ----------------------------------------------------------------------


def test_block_slugs_fold_the_block_name_and_stay_distinct():
    assert addresses.block_slugs(BLOCKS) == BLOCKS
    assert addresses.block_slugs(["Khối Đảng", "khối đảng", "Khối Đảng 2", "—"]) == {
        "Khối Đảng": "khoi-dang", "khối đảng": "khoi-dang-2", "Khối Đảng 2": "khoi-dang-2-2", "—": "khoi"}
    assert addresses.month_block_page("2025-07", "khoi-phuong") == "thang/2025-07/khoi/khoi-phuong/"
    assert addresses.honour_block_page("2025-07", "khoi-phuong") == "thang/2025-07/xuat-sac/khoi/khoi-phuong/"


def test_below_the_limit_the_pages_are_those_of_a_site_without_one(whole, tmp_path):
    unlimited = build_with(tmp_path, "CONGKHAI_UNITS_PER_PAGE = None")
    assert html_pages(unlimited) == html_pages(whole)
    assert not any("/khoi/" in page for page in html_pages(whole))
    for page in html_pages(whole):
        assert (unlimited / page).read_bytes() == (whole / page).read_bytes(), page
    assert (unlimited / "tim-kiem/ten.json").read_bytes() == (whole / "tim-kiem/ten.json").read_bytes()


# --- the month's table ------------------------------------------------------------------


def test_split_month_page_shows_block_subtotals_linking_to_block_pages(split, whole):
    for month in MONTHS:
        page = f"thang/{month}/index.html"
        html = (split / page).read_text("utf-8")
        assert unit_rows(html) == {} and 'id="bang-don-vi"' not in html and "bang.js" not in html
        links = {text: href for href, text in read(split, page).links}
        blocks = {name: slug for name, slug in BLOCKS.items() if name in subtotals((whole / page).read_text("utf-8"))}
        for name, slug in blocks.items():
            assert target(split, page, links[name]) == split / f"thang/{month}/khoi/{slug}/index.html"
        # The organisation's total is the one the whole page shows.
        total = re.search(r'<tr class="total"><th scope="row" class="name">Toàn bộ</th>(?:<td class="code"></td>)?(.*?)</tr>', html).group(1)
        assert total in (whole / page).read_text("utf-8")


def test_block_pages_hold_exactly_their_units_with_the_same_figures(split, whole):
    for month in MONTHS:
        whole_html = (whole / f"thang/{month}/index.html").read_text("utf-8")
        expected, expected_subtotals = unit_rows(whole_html), subtotals(whole_html)
        seen: dict[str, str] = {}
        for name in expected_subtotals:
            html = (split / f"thang/{month}/khoi/{BLOCKS[name]}/index.html").read_text("utf-8")
            rows = unit_rows(html)
            assert rows and not set(rows) & set(seen)
            seen.update(rows)
            assert subtotals(html) == {name: expected_subtotals[name]}
            assert 'id="bang-don-vi"' in html and 'id="loc-ten"' in html and "theme/js/bang.js" in html
        assert seen == expected
        assert len(list((split / f"thang/{month}/khoi").glob("*/index.html"))) == len(expected_subtotals)


# --- the honour list ----------------------------------------------------------------------


def test_honour_block_pages_hold_every_name_once(split, whole):
    for month in MONTHS:
        whole_html = (whole / f"thang/{month}/xuat-sac/index.html").read_text("utf-8")
        summary = (split / f"thang/{month}/xuat-sac/index.html").read_text("utf-8")
        assert honour_names(summary) == [] and honour_sections(summary) == []
        pages = sorted((split / f"thang/{month}/xuat-sac/khoi").glob("*/index.html"))
        assert len(pages) == 2  # PTC's block and the wards'; the school has nobody on the list
        summary_links = {target(split, f"thang/{month}/xuat-sac/index.html", href) for href, _ in read(
            split, f"thang/{month}/xuat-sac/index.html").links}
        names, sections = [], []
        for page in pages:
            assert page in summary_links
            html = page.read_text("utf-8")
            names += honour_names(html)
            sections += honour_sections(html)
            assert fixture.WITHHELD_NAME not in html
        assert sorted(names) == sorted(honour_names(whole_html)) and len(names) == len(set(names))
        assert sections == honour_sections(whole_html)


def test_unit_pages_and_search_lead_to_the_unit_sections_on_block_pages(split):
    for code in ("PM", "PTC", "GB"):
        page = f"don-vi/{code}/index.html"
        anchored = [h for h, _ in read(split, page).links if f"#dv-{code}" in h]
        assert anchored
        for href in anchored:
            assert "/khoi/" in href
            assert f"dv-{code}" in Page(target(split, page, href.split("#")[0]).read_text("utf-8")).ids
    units = json.loads((split / "tim-kiem/don-vi.json").read_text("utf-8"))
    index = json.loads((split / "tim-kiem/ten.json").read_text("utf-8"))
    checked = 0
    for shard in (split / "tim-kiem/ten").glob("*.json"):
        for unit, months, _ in json.loads(shard.read_text("utf-8")):
            for number in months:
                month = index["months"][number]
                page = month[2][units[unit][2]]  # as tim-kiem.js: the unit's block's page
                assert f"dv-{units[unit][0]}" in read(split, page + "index.html").ids
                checked += 1
    assert checked


# --- both languages, links ----------------------------------------------------------------


def test_block_pages_exist_in_both_languages(split):
    pages = [p for p in html_pages(split) if "/khoi/" in p and not p.startswith("en/") and "/bieu-do-" not in p]
    assert len(pages) == 3 * 3 + 3 * 2  # each month: three blocks of units, two on the honour list
    # Each block's page has its ranking chart's own page beside it.
    assert all((split / p).exists() for p in pages if "/xuat-sac/" not in p
               for p in [p.replace("index.html", "bieu-do-xep-hang/index.html")])
    for page in pages:
        vietnamese, english = read(split, page), read(split, "en/" + page)
        assert (vietnamese.html_lang, english.html_lang) == ("vi", "en")
    english = (split / "en/thang/2025-07/khoi/khoi-phuong/index.html").read_text("utf-8")
    assert "Ward offices: results by unit, July 2025" in english and "kết quả từng đơn vị" not in english
    assert "UBND phường Việt Hưng mới" in english


def test_links_of_the_split_site_resolve(split):
    assert_links_resolve_and_stay_inside(split)


# --- a block of more units than a page holds: numbered pages ---------------------------------
# With a limit of one unit, every block of several units (the wards' in May and June) has a
# page per unit: the block's address, then trang-2/ ...


@pytest.fixture(scope="module")
def paged(tmp_path_factory) -> Path:
    return build_with(tmp_path_factory.mktemp("paged"), "CONGKHAI_UNITS_PER_PAGE = 1")


def numbered_pages(output: Path, first: str) -> list[str]:
    """A block's pages (`first`: its address), first to last, as the folder holds them."""
    pages = [first + "index.html"]
    while (output / f"{first}trang-{len(pages) + 1}/index.html").exists():
        pages.append(f"{first}trang-{len(pages) + 1}/index.html")
    assert len(list((output / first).glob("trang-*/index.html"))) == len(pages) - 1
    return pages


PAGER = re.compile(r'<nav class="pager" aria-label="(?:Các trang của khối|The block’s pages)">(.*?)</nav>', re.S)


def pager(html: str) -> dict:
    """The numbered pages' navigation: its "Trang n/N" line, previous, next, every page by number
    and the one marked current (None where the page has none)."""
    found = PAGER.findall(html)
    if not found:
        return None
    (nav,) = found
    numbers = re.findall(r'<li><a href="([^"]*)"( aria-current="page")?>(?:<strong>)?(\d+)(?:</strong>)?</a></li>', nav)
    return {
        "line": re.search(r"<p>([^<]*)</p>", nav).group(1),
        "previous": (re.findall(r'<a rel="prev" href="([^"]*)"', nav) or [None])[0],
        "next": (re.findall(r'<a rel="next" href="([^"]*)"', nav) or [None])[0],
        "pages": {int(n): href for href, _, n in numbers},
        "current": [int(n) for _, current, n in numbers if current],
    }


def check_navigation(output: Path, pages: list[str], english: bool = False) -> None:
    """Every page's navigation names its place, marks it, and leads to each page; previous and
    next lead both ways."""
    if len(pages) == 1:
        assert pager((output / pages[0]).read_text("utf-8")) is None
        return
    for number, page in enumerate(pages, start=1):
        nav = pager((output / page).read_text("utf-8"))
        assert nav["line"] == (f"Page {number}/{len(pages)}" if english else f"Trang {number}/{len(pages)}")
        assert nav["current"] == [number]
        assert {n: target(output, page, href) for n, href in nav["pages"].items()} == {
            n: output / p for n, p in enumerate(pages, start=1)}
        previous = target(output, page, nav["previous"]) if nav["previous"] else None
        following = target(output, page, nav["next"]) if nav["next"] else None
        assert previous == (output / pages[number - 2] if number > 1 else None)
        assert following == (output / pages[number] if number < len(pages) else None)


def test_paged_addresses():
    assert addresses.month_block_page("2025-07", "khoi-phuong", 1) == "thang/2025-07/khoi/khoi-phuong/"
    assert addresses.month_block_page("2025-07", "khoi-phuong", 3) == "thang/2025-07/khoi/khoi-phuong/trang-3/"
    assert addresses.honour_block_page("2025-07", "khoi-phuong", 2) == "thang/2025-07/xuat-sac/khoi/khoi-phuong/trang-2/"


def test_numbered_block_pages_hold_the_block_rows_once_each(paged, whole):
    several = 0
    for month in MONTHS:
        whole_html = (whole / f"thang/{month}/index.html").read_text("utf-8")
        expected, expected_subtotals = unit_rows(whole_html), subtotals(whole_html)
        seen: dict[str, str] = {}
        for name in expected_subtotals:
            pages = numbered_pages(paged, f"thang/{month}/khoi/{BLOCKS[name]}/")
            several += len(pages) > 1
            for page in pages:
                html = (paged / page).read_text("utf-8")
                rows = unit_rows(html)
                assert len(rows) == 1 and not set(rows) & set(seen)
                seen.update(rows)
                assert subtotals(html) == {name: expected_subtotals[name]}  # the whole block's, on every page
            check_navigation(paged, pages)
            check_navigation(paged, ["en/" + p for p in pages], english=True)
        assert seen == expected  # in the block's order too: the whole page's order
        assert list(seen) == list(expected)
    assert several == 2  # the wards' block in May and June


def test_numbered_honour_pages_follow_the_table_pages(paged, whole):
    for month in MONTHS:
        whole_html = (whole / f"thang/{month}/xuat-sac/index.html").read_text("utf-8")
        names, sections = [], []
        for slug in sorted({p.parent.name for p in (paged / f"thang/{month}/xuat-sac/khoi").glob("*/index.html")},
                           key=list(BLOCKS.values()).index):
            honour_pages = numbered_pages(paged, f"thang/{month}/xuat-sac/khoi/{slug}/")
            table_pages = numbered_pages(paged, f"thang/{month}/khoi/{slug}/")
            assert len(honour_pages) == len(table_pages)
            for honour_page, table_page in zip(honour_pages, table_pages):
                html = (paged / honour_page).read_text("utf-8")
                names += honour_names(html)
                sections += honour_sections(html)
                # A unit's section is on the page of the number of its row's page.
                assert set(honour_sections(html)) <= set(unit_rows((paged / table_page).read_text("utf-8")))
                assert fixture.WITHHELD_NAME not in html
            check_navigation(paged, honour_pages)
            check_navigation(paged, ["en/" + p for p in honour_pages], english=True)
        assert sorted(names) == sorted(honour_names(whole_html)) and len(names) == len(set(names))
        assert sections == honour_sections(whole_html)


def test_unit_pages_and_search_lead_to_the_numbered_page_of_the_unit(paged):
    checked = 0
    for code in ("PM", "PTC", "GB", "TL", "THGB"):
        for language in ("", "en/"):
            page = f"{language}don-vi/{code}/index.html"
            for href, _ in read(paged, page).links:
                path = target(paged, page, href.split("#")[0])
                if "#dv-" in href:
                    assert href.endswith(f"#dv-{code}")
                    assert f"dv-{code}" in Page(path.read_text("utf-8")).ids, f"{page}: {href}"
                    checked += 1
                elif "/thang/" in str(path) and "/khoi/" in str(path):  # its row on the table
                    assert code in unit_rows(path.read_text("utf-8")), f"{page}: {href}"
                    checked += 1
    assert checked
    assert any("/trang-2/" in h for h, _ in read(paged, "don-vi/TL/index.html").links)
    units = json.loads((paged / "tim-kiem/don-vi.json").read_text("utf-8"))
    index = json.loads((paged / "tim-kiem/ten.json").read_text("utf-8"))
    landed = set()
    for shard in (paged / "tim-kiem/ten").glob("*.json"):
        for unit, months, _ in json.loads(shard.read_text("utf-8")):
            assert [index["months"][n][0] for n in months] == sorted({index["months"][n][0] for n in months}, reverse=True)
            for number in months:
                month = index["months"][number]
                page = (len(month) > 2 and month[2].get(units[unit][2])) or month[1]  # as tim-kiem.js
                assert f"dv-{units[unit][0]}" in read(paged, page + "index.html").ids
                landed.add(page)
    assert any("/trang-2/" in page for page in landed)
