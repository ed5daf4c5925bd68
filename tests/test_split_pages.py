"""A month of more units than one page may hold (CONGKHAI_UNITS_PER_PAGE) is split by block.

The small site of tests/site_fixture.py is built three ways: with the default limit (300:
nothing is split), with no limit at all, and with a limit of 2 units (every month is split).
The split pages must hold exactly what the whole pages hold, in both languages, and every
link (the unit pages' and the search index's #dv-CODE anchors included) must still resolve.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import site_fixture as fixture
from generator import addresses
from test_site_pages import Page, html_pages, read, target

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
    rows = re.findall(r'<tr><th scope="row" class="name"><a href="[^"]*">[^<]*</a></th><td>', html)
    found = {}
    for row in re.finditer(r'<tr><th scope="row" class="name"><a href="[^"]*">([^<]*)</a></th><td>([^<]*)</td>(.*?)</tr>', html):
        assert row.group(2) not in found
        found[row.group(2)] = row.group(1) + "|" + row.group(3)
    assert len(found) == len(rows)
    return found


def subtotals(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr class="subtotal"><th scope="row" class="name">Cộng ([^<]*)</th><td></td>(.*?)</tr>', html))


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
        total = re.search(r'<tr class="total"><th scope="row" class="name">Toàn bộ</th>(?:<td></td>)?(.*?)</tr>', html).group(1)
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
    pages = [p for p in html_pages(split) if "/khoi/" in p and not p.startswith("en/")]
    assert len(pages) == 3 * 3 + 3 * 2  # each month: three blocks of units, two on the honour list
    for page in pages:
        vietnamese, english = read(split, page), read(split, "en/" + page)
        assert (vietnamese.html_lang, english.html_lang) == ("vi", "en")
    english = (split / "en/thang/2025-07/khoi/khoi-phuong/index.html").read_text("utf-8")
    assert "Khối Phường: results by unit, July 2025" in english and "kết quả từng đơn vị" not in english
    assert "UBND phường Việt Hưng mới" in english


def test_links_of_the_split_site_resolve(split):
    for page in [p for p in html_pages(split) if "bai-viet/" not in p]:
        parsed = read(split, page)
        for href in [h for h, _ in parsed.links] + parsed.sources:
            assert not href.startswith(("http:", "https:", "//", "/")), f"{page}: {href}"
            if href.startswith(("#", "mailto:")):
                continue
            assert target(split, page, href.split("#")[0]).exists(), f"{page}: {href}"
