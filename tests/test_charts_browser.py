"""Charts in a real Chromium: drawn after scrolling, under script-src 'self'; the trend table without JavaScript.

Also which pages carry chart code at all: only those that draw a chart.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from browsing import QuietHandler, serving

CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:"


class StrictHandler(QuietHandler):
    """Serves the site as a portal would, with the Content Security Policy the site must live under."""

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()


@pytest.fixture(scope="module")
def server(demo_site):
    with serving(demo_site, StrictHandler) as address:
        yield address.rstrip("/")


def test_chart_code_loads_only_near_a_chart_and_draws_an_svg_after_scrolling(server, browser):
    page = browser.new_page(viewport={"width": 412, "height": 700})
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{server}/xu-huong/", wait_until="load")
    page.wait_for_timeout(500)
    first_chart = page.evaluate("document.querySelector('.plot').getBoundingClientRect().top - innerHeight")
    assert first_chart > 200, "the first chart should start below the first screen"
    assert not any("plotly" in url for url in requests), "plotly.js loaded before any chart came near"
    assert any(url.endswith("/theme/js/charts.js") for url in requests)

    page.locator(".plot").first.scroll_into_view_if_needed()
    page.wait_for_selector(".plot svg.main-svg", timeout=20_000)
    assert page.locator(".plot").first.locator(".barlayer .point").count() > 0
    assert sum("plotly-bar-scatter.min.js" in url for url in requests) == 1
    assert page.evaluate("Object.keys(Plotly.PlotSchema.get().traces).sort()") == ["bar", "scatter"]
    # Charts further down stay undrawn until they come near; those of a closed section, until it opens.
    assert page.locator(".plot").last.locator("svg").count() == 0
    page.locator("details.section > summary").last.click()
    page.locator(".plot").last.scroll_into_view_if_needed()
    page.locator(".plot").last.locator("svg.main-svg").first.wait_for(timeout=20_000)
    assert problems == []
    page.close()


def test_month_and_unit_pages_draw_their_chart(server, browser, demo_site):
    page = browser.new_page(viewport={"width": 412, "height": 800})
    problems = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    month = sorted(p.parent.name for p in (demo_site / "thang").glob("*/index.html"))[-1]
    page.goto(f"{server}/thang/{month}/")
    page.locator("#bieu-do-xep-hang").evaluate("e => e.previousElementSibling.scrollIntoView()")
    page.wait_for_selector(".plot svg.main-svg", timeout=20_000)
    assert page.locator(".plot .shapelayer path").count() >= 1  # the quota line
    unit = sorted(p.parent.name for p in (demo_site / "don-vi").glob("*/index.html"))[0]
    page.goto(f"{server}/don-vi/{unit}/")
    page.locator(".plot").scroll_into_view_if_needed()
    page.wait_for_selector(".plot svg.main-svg", timeout=20_000)
    assert page.locator(".plot .barlayer .point").count() > 0
    assert problems == []
    page.close()


def test_without_javascript_the_trend_table_and_sentences_remain(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 412, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/xu-huong/")
    table = page.locator("table.trend-table")
    page.get_by_text("Bảng toàn bộ, theo tháng").click()  # a <details>: it opens without script
    assert table.is_visible()
    assert table.locator("tbody tr").count() >= 6
    assert page.locator(".chart-summary").first.is_visible()
    assert "tỷ lệ XS" in page.locator(".chart-summary").first.inner_text()
    assert page.locator("svg.main-svg").count() == 0
    # No empty boxes where the charts would be.
    assert page.evaluate("[...document.querySelectorAll('.plot')].every(p => p.getBoundingClientRect().height === 0)")
    context.close()


def test_only_pages_with_a_chart_reference_chart_code(demo_site):
    with_charts, without = [], []
    for path in demo_site.rglob("*.html"):
        html = path.read_text("utf-8")
        draws = 'class="plot"' in html
        (with_charts if draws else without).append(path.relative_to(demo_site).as_posix())
        references = re.search(r"charts\.js|plotly", html, re.IGNORECASE) is not None
        assert references == draws, path
    assert {"xu-huong/index.html"} <= set(with_charts)
    assert any(p.startswith("don-vi/") for p in with_charts) and any(p.startswith("thang/") for p in with_charts)
    for page in ("index.html", "du-lieu/index.html"):
        assert page in without
    assert any(p.startswith("ban-tin/") for p in without) and not any(p.startswith("ban-tin/") for p in with_charts)
    assert any(p.endswith("xuat-sac/index.html") for p in without)
    # One copy of plotly.js for the whole site.
    assert [p.name for p in demo_site.rglob("*plotly*")] == ["plotly-bar-scatter.min.js"]


def drawn_points(page, chart_id: str, axis: str = "x") -> dict[str, list]:
    """{trace name: its y values} of one panel (its x axis) of the figure the page hands plotly.js."""
    return page.evaluate(f"""() => Object.fromEntries(JSON.parse(document.getElementById('{chart_id}').textContent)
        .data.filter(t => (t.xaxis || 'x') === '{axis}').map(t => [t.name, t.y]))""")


def test_a_charts_csv_downloads_with_exactly_the_figures_it_draws(server, browser, demo_site):
    import csv
    import io

    page = browser.new_page(viewport={"width": 412, "height": 800}, accept_downloads=True)
    unit = sorted(p.parent.name for p in (demo_site / "don-vi").glob("*/index.html"))[0]
    page.goto(f"{server}/don-vi/{unit}/")
    link = page.get_by_role("link", name="Tải số liệu của biểu đồ (CSV)")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "bieu-do-don-vi.csv"
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Nhóm", "Tháng"] and "Xuất sắc (%)" in header
    unit_panel, organisation = drawn_points(page, "bieu-do-don-vi"), drawn_points(page, "bieu-do-don-vi", "x2")
    months = len(unit_panel["Xuất sắc"])
    # Two panels (the unit, the organisation), one row per month each; each column is its trace's values.
    assert len(body) == 2 * months
    for name in ("Xuất sắc", "Tốt", "Chưa đánh giá"):
        column = header.index(name + " (%)")
        written = [float(r[column]) if r[column] else None for r in body]
        assert written == unit_panel[name] + organisation[name], name
    page.close()


def test_a_drawn_chart_saves_as_png_and_svg(server, browser):
    page = browser.new_page(viewport={"width": 412, "height": 800}, accept_downloads=True)
    page.goto(f"{server}/xu-huong/")
    figure = page.locator("figure.chart").first
    figure.locator(".plot").scroll_into_view_if_needed()
    figure.locator(".plot svg.main-svg").first.wait_for(timeout=20_000)
    tools = figure.locator(".chart-image")
    tools.wait_for(state="visible")
    with page.expect_download() as png:
        tools.get_by_role("button", name="PNG").click()
    assert png.value.suggested_filename == "bieu-do-ty-le.png"
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg:
        tools.get_by_role("button", name="SVG").click()
    assert b"<svg" in Path(svg.value.path()).read_bytes()[:400]
    page.close()


def test_a_charts_own_page_shows_it_alone_and_the_embed_code_points_there(server, browser, demo_site):
    page = browser.new_page(viewport={"width": 412, "height": 800})
    page.goto(f"{server}/xu-huong/")
    code = page.locator("figure.chart").first.locator(".chart-embed code").text_content()
    src = re.search(r'<iframe src="([^"]+)"', code).group(1)
    assert src.endswith("xu-huong/bieu-do-ty-le/")
    page.goto(f"{server}/xu-huong/bieu-do-ty-le/")
    assert page.locator("figure.chart").count() == 1
    page.locator(".plot svg.main-svg").first.wait_for(timeout=20_000)
    assert page.locator("nav").count() == 0
    page.close()


def test_on_a_360px_phone_the_first_screen_shows_the_month_its_coverage_and_its_picture(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.goto(f"{server}/")
    for selector in ("h1", "p.lead", "svg.level-bar"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["y"] + box["height"] <= 640, selector
    assert page.locator("svg.level-bar rect").count() >= 3
    context.close()
