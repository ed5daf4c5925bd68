"""A citizen's phone (360x640) and a laptop (1366x768) over the main pages: no table cell off the
screen, chart and picture labels at least 4 px apart, no legend on a chart's data, no word broken
inside a syllable, no page wider than the screen; the trends page within 10 phone screens; wide
screens keep the full tables.

On the small site of tests/site_fixture.py by default. PHONE_SITE=FOLDER runs the same checks on a
site already built, e.g. the demo's output/ or the 12-month city (README, "Phones").
"""
from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

import pytest

import site_fixture as fixture
from browsing import CHROMIUM, MISSING, serving

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)

MEASURE = (Path(__file__).parent / "phone.js").read_text(encoding="utf-8")
SIZES = {"phone": (360, 640), "laptop": (1366, 768)}
PAGES = ("home", "month", "honour", "unit", "block", "trends", "brief", "compare", "search", "en-home", "en-month",
         "en-brief")
TRENDS_SCREENS = 10


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):
    """The served site's address and the address of each of PAGES on it (found by following its links)."""
    built = os.environ.get("PHONE_SITE")
    if built:
        folder = Path(built)
        assert (folder / "index.html").is_file(), f"PHONE_SITE={built}: no built site there"
    else:
        root = tmp_path_factory.mktemp("phone-site")
        folder = fixture.build(fixture.write_data(root / "data"), root / "output")
    with serving(folder) as address:
        context = browser.new_context()
        tab = context.new_page()
        yield address, find_pages(tab, address)
        context.close()


def links(tab, selector: str) -> list[str]:
    return tab.eval_on_selector_all(selector, "links => links.map(a => a.href)")


def find_pages(tab, address: str) -> dict[str, str | None]:
    tab.goto(address)
    month = links(tab, "main .links a[href*='/thang/']")[0]
    tab.goto(month)
    honour = next(iter(links(tab, "main a[href*='/xuat-sac/']")), None)
    brief = next(iter(links(tab, "main a[href*='/ban-tin/']")), None)
    # A month with many units is split by block: its table links to each block's page. The block
    # with the most units on its page (a page holds at most a setting's number) is the longest table.
    block, most = None, 0
    for address_of_block in links(tab, "table.figures tbody th a[href*='/thang/']"):
        tab.goto(address_of_block)
        rows = tab.locator("#bang-don-vi tbody tr[id^='dv-']").count()
        if rows > most:
            block, most = address_of_block, rows
    if block:
        tab.goto(block)
    units = links(tab, "#bang-don-vi tbody th a[href*='/don-vi/']")
    codes = [urllib.parse.urlsplit(u).path.rstrip("/").rsplit("/", 1)[-1] for u in units[:2]]
    unit_name = tab.locator("#bang-don-vi tbody th a").first.inner_text()
    path = urllib.parse.urlsplit(month).path.lstrip("/")
    return {
        "home": address, "month": month, "honour": honour, "unit": units[0], "block": block,
        "trends": address + "xu-huong/", "brief": brief,
        "compare": address + "so-sanh/?don-vi=" + ",".join(codes),
        "search": address + "tim-kiem/?q=" + urllib.parse.quote(unit_name),
        "en-home": address + "en/", "en-month": address + "en/" + path,
        "en-brief": brief and address + "en/" + urllib.parse.urlsplit(brief).path.lstrip("/"),
    }


def settle(tab, name: str) -> None:
    """Open every section, draw every chart (each draws when scrolled near), then back to the top."""
    tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    if name == "compare":
        tab.locator("#bieu-do-so-sanh .main-svg").first.wait_for()
    if name == "search":
        tab.locator("#ket-qua-don-vi li").first.wait_for()
    for plot in tab.locator(".plot[data-figure]").all():
        plot.scroll_into_view_if_needed()
        tab.wait_for_function("plot => plot.classList.contains('plot-drawn') || plot.hidden", arg=plot.element_handle())
    tab.evaluate("window.scrollTo(0, 0)")


@pytest.fixture(params=list(SIZES), scope="module")
def screen(request, browser):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    yield request.param, tab, problems
    context.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_figure_reads_on_the_screen(site, screen, name):
    address, pages = site
    size, tab, errors = screen
    if pages[name] is None:
        pytest.skip(f"this site has no {name} page (a month split by block has block pages)")
    tab.goto(pages[name])
    closed = tab.evaluate(MEASURE)
    settle(tab, name)
    opened = tab.evaluate(MEASURE)
    problems = {
        "page wider than the screen": [f"{m['width']} px" for m in (closed, opened) if m["width"] > m["screen"]],
        "table cells off the screen": opened["off"],
        "labels closer than 4 px": opened["close"],
        "legend over the chart": opened["covered"],
        "words broken inside a syllable": sorted(set(closed["broken"] + opened["broken"])),
        "script errors": errors,
    }
    if name == "trends" and size == "phone":
        screens = closed["height"] / SIZES["phone"][1]
        problems["longer than 10 screens"] = [f"{screens:.1f} screens"] if screens > TRENDS_SCREENS else []
    if size == "laptop":
        # Wide screens keep the full tables: every column of a table of figures shows, as a table.
        problems["a table of figures not whole"] = tab.evaluate("""() => [...document.querySelectorAll('table.figures')]
            .filter(t => getComputedStyle(t).display !== 'table'
              || [...t.querySelectorAll('tbody td')].some(c => getComputedStyle(c).display === 'none' && c.textContent.trim()))
            .map(t => t.caption ? t.caption.textContent.trim() : t.id)""")
    found = {what: items[:8] for what, items in problems.items() if items}
    assert found == {}, f"{pages[name]} at {SIZES[size]}: {found}"
    errors.clear()
