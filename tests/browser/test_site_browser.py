"""The citizens' site in a real browser: Debian's Chromium driven by Playwright.

One small site (tests/site_fixture.py) is built per module and served on 127.0.0.1.
"""
from __future__ import annotations

import re

import pytest

import site_fixture as fixture
from browsing import CHROMIUM, MISSING, serving

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-site")
    data = fixture.write_data(root / "data")
    with serving(fixture.build(data, root / "output")) as address:
        yield address


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    yield tab
    context.close()
    assert problems == [], problems


def visible_units(page) -> list[str]:
    return page.locator("#bang-don-vi tbody tr:not(.group):not(.subtotal):visible th.name").all_inner_texts()


def test_sorting_a_column_orders_units_and_announces_it(page, served):
    page.goto(served + "thang/2025-06/")
    header = page.locator("#bang-don-vi thead th").nth(4)  # XS: sorts by share
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    shares = page.locator("#bang-don-vi tbody tr:not(.group):not(.subtotal):visible td:nth-of-type(4) small").all_inner_texts()
    values = [float(s.rstrip("%").replace(",", ".")) for s in shares]
    assert len(values) == 4 and values == sorted(values, reverse=True)
    assert page.locator("#bang-don-vi tr.subtotal:visible").count() == 0  # a sorted list has no blocks
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert "tăng dần" in page.locator("#trang-thai").inner_text()
    page.get_by_role("button", name="Về thứ tự ban đầu").click()
    assert header.get_attribute("aria-sort") is None
    assert visible_units(page)[0] == "Phòng Tài chính - Kế hoạch"
    assert page.locator("#bang-don-vi tr.subtotal:visible").count() == 3


def test_sorting_by_name_with_the_keyboard(page, served):
    page.goto(served + "thang/2025-06/")
    name_button = page.locator("#bang-don-vi thead th").first.get_by_role("button")
    name_button.focus()
    page.keyboard.press("Enter")
    names = visible_units(page)
    assert names[0] == "Phòng Tài chính - Kế hoạch" and names[-1] == "UBND phường Thượng Thanh"
    # the focused control shows its focus ring
    outline = name_button.evaluate("b => getComputedStyle(b).outlineStyle")
    assert outline == "solid"


def test_filtering_by_block_shows_only_its_units(page, served):
    page.goto(served + "thang/2025-06/")
    page.get_by_label("Khối", exact=True).select_option(label="Khối Phường")
    assert visible_units(page) == ["UBND phường Giang Biên", "UBND phường Thượng Thanh"]
    assert page.locator("#bang-don-vi tr.subtotal:visible").all_inner_texts()[0].startswith("Cộng Khối Phường")
    page.wait_for_function("() => document.getElementById('trang-thai').textContent.includes('2 trên 4')")  # a function: a string predicate is eval'd, which the CSP forbids


def test_typing_a_unit_name_without_diacritics_finds_it(page, served):
    page.goto(served + "thang/2025-06/")
    page.get_by_label("Tên hoặc mã đơn vị").fill("giang bien")
    assert visible_units(page) == ["UBND phường Giang Biên", "Trường Tiểu học Giang Biên"]
    page.get_by_label("Tên hoặc mã đơn vị").fill("THGB")
    assert visible_units(page) == ["Trường Tiểu học Giang Biên"]


def test_searching_a_name_without_diacritics(page, served):
    page.goto(served)
    page.get_by_label("Tìm đơn vị, tên người").fill("dang thi an")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_url(re.compile(r"tim-kiem/\?q=dang"))
    names = page.locator("#ket-qua-ten li")
    names.first.wait_for()
    assert names.count() == 1
    assert names.first.locator("b").inner_text() == "Đặng Thị An"
    page.get_by_label("Tên đơn vị, mã đơn vị hoặc họ tên").fill("hoa")
    page.wait_for_function("() => document.querySelectorAll('#ket-qua-ten li').length === 2")
    page.get_by_label("Tên đơn vị, mã đơn vị hoặc họ tên").fill("giang bien")
    page.wait_for_function("() => document.querySelectorAll('#ket-qua-don-vi li').length === 2")
    assert page.locator("#ket-qua-don-vi li a").first.inner_text() == "UBND phường Giang Biên"
    # a name result leads to its unit on that month's honour list
    page.get_by_label("Tên đơn vị, mã đơn vị hoặc họ tên").fill("Đặng")
    page.locator("#ket-qua-ten li .on-list a").first.click()
    page.wait_for_url(re.compile(r"thang/2025-07/xuat-sac/#dv-PTC$"))
    assert page.locator("#dv-PTC").is_visible()


def test_switching_language_and_back(page, served):
    page.goto(served + "thang/2025-07/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(served + "en/thang/2025-07/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Results by unit, July 2025"
    page.get_by_label("Unit name or code").fill("viet hung")
    assert visible_units(page) == ["UBND phường Việt Hưng mới"]
    page.get_by_role("link", name="Tiếng Việt").click()
    page.wait_for_url(served + "thang/2025-07/")
    assert page.locator("h1").inner_text() == "Kết quả từng đơn vị, Tháng 7/2025"


def test_following_archive_links(page, served):
    page.goto(served)
    page.get_by_role("link", name="Tất cả 3 tháng").click()
    page.get_by_role("link", name="Tháng 5/2025").click()
    assert page.locator("h1").inner_text() == "Kết quả từng đơn vị, Tháng 5/2025"
    page.get_by_role("link", name=re.compile("Tháng sau")).click()
    assert page.locator("h1").inner_text() == "Kết quả từng đơn vị, Tháng 6/2025"
    page.get_by_role("link", name="Các tháng", exact=True).click()
    page.get_by_role("link", name="4 người").first.click()
    assert page.locator("h1").inner_text() == "Hoàn thành xuất sắc nhiệm vụ, Tháng 7/2025"


def test_without_javascript_the_table_is_whole_and_no_dead_control_shows(browser, served):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(served + "thang/2025-06/")
    assert visible_units(page) == ["Phòng Tài chính - Kế hoạch", "UBND phường Giang Biên", "UBND phường Thượng Thanh",
                                   "Trường Tiểu học Giang Biên"]
    assert page.locator("#bang-don-vi tfoot").inner_text().startswith("Toàn bộ")
    assert not page.locator("#cong-cu").is_visible()
    assert page.locator("#bang-don-vi thead button").count() == 0
    page.goto(served + "tim-kiem/?q=dang")
    assert page.get_by_role("link", name="Các đơn vị, theo khối").is_visible()
    context.close()


def test_on_a_phone_a_row_shows_what_is_read_first_and_the_rest_at_a_press(page, served):
    page.goto(served + "thang/2025-06/")
    row = page.locator("#dv-PTC")
    shown = row.locator("td:visible")
    def columns():  # the label a phone shows above each cell, or its text where it has none (the unit's code)
        return [c.evaluate("""c => { const label = getComputedStyle(c, '::before').content;
            return label === 'none' || label === 'normal' ? c.textContent : JSON.parse(label); }""") for c in shown.all()]

    assert columns() == ["PTC", "Đánh giá", "XS", "HT", "K"]
    assert row.locator("th.name").is_visible() and "Phòng Tài chính - Kế hoạch" in row.locator("th.name").inner_text()
    for cell in shown.all():
        box = cell.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= 360
    button = page.get_by_role("button", name="Hiện đủ các cột")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert columns() == ["PTC", "Tổng số", "Đánh giá", "XS", "T", "HT", "K", "Nâng mức", "Hạ mức"]
    # A block is a link away.
    page.get_by_role("navigation", name="Đến khối:").get_by_role("link", name="Khối Phường").click()
    page.wait_for_url(re.compile(r"#khoi-\d+$"))
    assert page.locator("#bang-don-vi tbody:target tr.group").inner_text() == "Khối Phường"


# Where every cell and heading of the month page is drawn (page coordinates), and how tall the page is.
LAYOUT = """() => [document.documentElement.scrollHeight, ...[...document.querySelectorAll(
    'main > *, #cong-cu *, #bang-don-vi tr, #bang-don-vi th, #bang-don-vi td')].map(el => {
      const box = el.getBoundingClientRect();
      return [el.tagName, box.left, box.top + scrollY, box.width, box.height].join(' ');
    })]"""


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 640}, {"width": 1366, "height": 768}])
def test_nothing_on_the_month_page_moves_when_its_script_arrives(browser, served, viewport):
    # The table's script is held until the page has been drawn without it, as on a slow phone.
    context = browser.new_context(viewport=viewport)
    tab = context.new_page()
    held = []
    tab.route("**/bang.js", lambda route: held.append(route))
    tab.goto(served + "thang/2025-06/", wait_until="commit")
    tab.wait_for_selector("footer", state="attached")
    tab.wait_for_function("() => document.styleSheets.length >= 2")  # a function: the page's CSP forbids eval of an expression
    assert held and tab.locator("#bang-don-vi thead button").count() == 0
    before = tab.evaluate(LAYOUT)
    held[0].continue_()
    tab.locator("#bang-don-vi thead button").first.wait_for()
    assert tab.evaluate(LAYOUT) == before
    context.close()


def test_unit_name_stays_in_view_while_figures_scroll_on_a_tablet(browser, served):
    context = browser.new_context(viewport={"width": 768, "height": 800})
    page = context.new_page()
    page.goto(served + "thang/2025-06/")
    assert page.locator("#bang-don-vi").evaluate("t => getComputedStyle(t).display") == "table"
    name = page.locator("#bang-don-vi tbody th.name a").first
    before = name.bounding_box()
    page.locator(".scroll").first.evaluate("box => box.scrollLeft = 400")
    after = name.bounding_box()
    assert page.locator(".scroll").first.evaluate("box => box.scrollLeft") > 0
    assert after["x"] == pytest.approx(before["x"], abs=1)
    context.close()
