"""The compare page (/so-sanh/): pick units by typing without diacritics, share the address, open it.

And its data: each unit's XS share and coverage as the unit's own pages publish them.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from browsing import serving

from generator.core.text import fold


@pytest.fixture(scope="module")
def server(demo_site):
    with serving(demo_site) as address:
        yield address


def units(demo_site) -> list[list[str]]:
    return json.loads((demo_site / "tim-kiem/don-vi.json").read_text("utf-8"))


def test_compare_data_is_each_units_published_xs_share_and_coverage(demo_site):
    months = json.loads((demo_site / "so-sanh/du-lieu/toan-bo.json").read_text("utf-8"))["months"]
    assert len(months) == len(list((demo_site / "thang").glob("*/index.html")))
    for code, *_ in units(demo_site)[:5]:
        data = json.loads((demo_site / f"so-sanh/du-lieu/{code}.json").read_text("utf-8"))
        csv = (demo_site / f"don-vi/{code}/bieu-do-don-vi.csv").read_bytes().decode("utf-8-sig").splitlines()
        # The unit's chart CSV: its panel's rows first, one per month; XS share in the third column.
        own = [line.split(",") for line in csv[1:1 + len(months)]]
        assert [row[1] for row in own] == months
        assert [f"{v:.2f}" if v is not None else "" for v in data["xs"]] == [row[2] for row in own]
        assert len(data["coverage"]) == len(months)


def test_pick_units_without_diacritics_share_the_address_and_open_it(demo_site, server, browser):
    chosen = [u for u in units(demo_site) if fold(u[1]) != u[1].lower()][:2]  # names with diacritics
    page = browser.new_page(viewport={"width": 360, "height": 740})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "so-sanh/")
    page.locator("#so-sanh").wait_for()  # shown once the units have loaded
    for code, name, *_ in chosen:
        page.fill("#them", fold(name))  # typed without diacritics
        page.get_by_role("button", name=name).first.click()
    page.locator("#bieu-do-so-sanh svg.main-svg").first.wait_for(timeout=20_000)
    shared = page.locator("#dia-chi").get_attribute("href")
    assert parse_qs(urlsplit(shared).query)["don-vi"] == [",".join(code for code, *_ in chosen)]
    assert page.url == shared
    page.close()

    opened = browser.new_page(viewport={"width": 1024, "height": 800})
    opened.goto(shared)
    opened.locator("#bang-so-sanh tbody tr").first.wait_for()  # the units and their figures have loaded
    chosen_names = opened.locator("#da-chon a").all_inner_texts()
    assert chosen_names == [name for _, name, *_ in chosen]
    header = opened.locator("#bang-so-sanh thead").inner_text()
    for _, name, *_ in chosen:
        assert name in header
    assert "Toàn bộ" in header
    assert opened.locator("#bang-so-sanh tbody tr").count() == len(list((demo_site / "thang").glob("*/index.html")))
    opened.locator("#bieu-do-so-sanh svg.main-svg").first.wait_for(timeout=20_000)
    # Removing a unit changes the address.
    opened.get_by_role("button", name=f"Bỏ {chosen[0][1]}").click()
    assert parse_qs(urlsplit(opened.url).query)["don-vi"] == [chosen[1][0]]
    assert errors == []
    opened.close()


def test_at_most_five_units(demo_site, server, browser):
    codes = [u[0] for u in units(demo_site)][:7]
    page = browser.new_page()
    page.goto(server + "so-sanh/?don-vi=" + ",".join(codes))
    page.locator("#bang-so-sanh tbody tr").first.wait_for()
    assert page.locator("#da-chon li").count() == 5
    page.fill("#them", "a")
    assert "5" in page.locator("#so-sanh-trang-thai").inner_text()
    assert page.locator("#goi-y button").count() == 0
    page.close()


def test_without_javascript_the_page_says_what_it_needs_and_links_to_the_units(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "so-sanh/")
    assert "JavaScript" in page.locator("#khong-js").inner_text()
    assert page.get_by_role("link", name="Các đơn vị, theo khối").is_visible()
    assert not page.locator("#so-sanh").is_visible()
    context.close()


def test_the_comparison_embeds_as_its_chart_alone(demo_site, server, browser):
    codes = [u[0] for u in units(demo_site)][:2]
    page = browser.new_page()
    page.goto(server + "so-sanh/?don-vi=" + ",".join(codes))
    page.locator("#bang-so-sanh tbody tr").first.wait_for()
    code = page.locator("#so-sanh-nhung").text_content()
    alone = server + "so-sanh/bieu-do/?don-vi=" + ",".join(codes)
    assert f'<iframe src="{alone}"' in code
    page.goto(alone)
    page.locator("#bieu-do-so-sanh svg.main-svg").first.wait_for(timeout=20_000)
    assert page.locator("nav, form, #them").count() == 0
    assert page.locator("#bang-so-sanh tbody tr").count() > 0
    assert page.locator("#so-sanh-trang").get_attribute("href").endswith("so-sanh/?don-vi=" + ",".join(codes))
    page.close()
