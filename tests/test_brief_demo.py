"""The brief and the trends page on the demo data (150 units, 36 months): figures, one A4 page, the PDF.

The figures drawn are checked against the published aggregates (du-lieu/tong-hop.csv, du-lieu/don-vi.csv),
which the open-data code writes from the public view by its own path.
"""
from __future__ import annotations

import csv
import html as html_lib
import io
import json
import math
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from browsing import CHROMIUM, MISSING, serving
from generator.round import briefpdf
from generator.core.formatting import format_month, format_number, format_percent, round_half_up

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    data = root / "data"
    data.mkdir()
    # A copy: a build keeps what it published in DATA/store, and the repository's data/ stays as it is.
    for name in ("DEMO", "units.csv", "withheld.csv"):
        shutil.copy(DEMO / name, data / name)
    for name in ("exports", "history"):
        shutil.copytree(DEMO / name, data / name)
    output = root / "site"
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data), "--output", str(output)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def every_unit_month(site: Path) -> list[dict]:
    """Every unit and month: each year's file, oldest first."""
    return [row for path in sorted(site.glob("du-lieu/[0-9][0-9][0-9][0-9]/don-vi.csv")) for row in read_csv(path)]


def figures_in(page: str) -> dict[str, dict]:
    return {m.group(1): json.loads(m.group(2)) for m in
            re.finditer(r'<script type="application/json" id="([^"]+)">(.*?)</script>', page, re.S)}


def share(part: str, whole: str) -> float:
    return float(round_half_up(Decimal(part) * 100 / Decimal(whole), 2))


def test_trend_figures_equal_the_published_aggregates(demo_site):
    summary = read_csv(demo_site / "du-lieu/tong-hop.csv")
    figures = figures_in((demo_site / "xu-huong/index.html").read_text("utf-8"))
    organisation = [r for r in summary if r["nhom"] == "toan-bo" and len(r["ky"]) == 7]
    months = [format_month(r["ky"]) for r in organisation]
    assert len(months) == 36
    shares = {t["name"]: t for t in figures["bieu-do-ty-le"]["data"]}
    assert shares["Xuất sắc"]["x"] == months
    assert shares["Xuất sắc"]["y"] == [share(r["xs"], r["tong_so"]) for r in organisation]
    assert shares["Tốt"]["y"] == [share(r["tot"], r["tong_so"]) for r in organisation]
    assert shares["Chưa đánh giá"]["y"] == [share(str(int(r["tong_so"]) - int(r["duoc_danh_gia"])), r["tong_so"])
                                            for r in organisation]
    coverage = figures["bieu-do-danh-gia"]["data"][0]
    assert coverage["y"] == [share(r["duoc_danh_gia"], r["tong_so"]) for r in organisation]
    raised, lowered = figures["bieu-do-nang-ha"]["data"]
    assert raised["y"] == [int(r["nang_muc"]) for r in organisation]
    assert lowered["y"] == [int(r["ha_muc"]) for r in organisation]
    # Small multiples: one panel per block, XS of each block's headcount.
    blocks = figures["bieu-do-theo-khoi"]
    names = [a["text"] for a in blocks["layout"]["annotations"]]
    for index, name in enumerate(names, start=1):
        rows = {r["ky"]: r for r in summary if r["nhom"] == "khoi" and r["ten_nhom"] == html_lib.unescape(name)}
        axis = "y" if index == 1 else f"y{index}"
        xs = next(t for t in blocks["data"] if t.get("yaxis", "y") == axis and t["legendgroup"] == "XS")
        assert xs["y"] == [share(rows[r["ky"]]["xs"], rows[r["ky"]]["tong_so"]) if r["ky"] in rows else None
                           for r in organisation], name


def test_rewards_chart_equals_the_unit_rewards_summed(demo_site):
    units = every_unit_month(demo_site)
    totals: dict[str, list[int]] = {}
    for row in units:
        if row["tien_khen_thuong"]:
            pair = totals.setdefault(row["thang"], [0, 0])
            pair[0] += int(row["so_khen_thuong"])
            pair[1] += int(row["tien_khen_thuong"])
    bars = figures_in((demo_site / "xu-huong/index.html").read_text("utf-8"))["bieu-do-khen-thuong"]["data"][0]
    assert bars["x"] == [format_month(m) for m in sorted(totals)]
    assert bars["y"] == [totals[m][1] for m in sorted(totals)]
    assert bars["customdata"] == [totals[m][0] for m in sorted(totals)]


def test_month_ranking_equals_the_units_of_the_month(demo_site):
    month = "2026-03"  # the demo's month with units over the quota
    units = read_csv(demo_site / f"du-lieu/{month}/don-vi.csv")
    page = (demo_site / f"thang/{month}/index.html").read_text("utf-8")
    bars = figures_in(page)["bieu-do-xep-hang"]["data"][0]
    expected = {r["ma_don_vi"]: share(r["xs"], str(int(r["xs"]) + int(r["tot"]))) for r in units if int(r["xs"]) + int(r["tot"])}
    assert dict(zip(bars["x"], bars["y"])) == expected
    assert bars["y"] == sorted(bars["y"], reverse=True)
    over = [r["ten_don_vi"] for r in units if int(r["xs"]) * 5 > int(r["xs"]) + int(r["tot"])]
    assert over and all(html_lib.escape(name) in page for name in over)
    assert f"{len(over)} đơn vị vượt giới hạn 20,00%" in page


def test_unit_chart_follows_the_predecessors(demo_site):
    units = every_unit_month(demo_site)
    registry = read_csv(DEMO / "units.csv")
    successor = next(r["code"] for r in registry if r["valid_from"])
    lineage = {successor} | {r["code"] for r in registry if r["successor"] == successor}
    by_month: dict[str, list[int]] = {}
    for row in units:
        if row["ma_don_vi"] in lineage:
            pair = by_month.setdefault(row["thang"], [0, 0])
            pair[0] += int(row["xs"])
            pair[1] += int(row["tong_so"])
    chart = figures_in((demo_site / f"don-vi/{successor}/index.html").read_text("utf-8"))["bieu-do-don-vi"]
    xs = next(t for t in chart["data"] if t.get("yaxis", "y") == "y" and t["legendgroup"] == "XS")
    # Over the unit page's months: its latest 24.
    assert xs["y"] == [share(str(by_month[m][0]), str(by_month[m][1])) for m in sorted(by_month)[-24:]]


def test_brief_has_the_month_figures_by_block_and_counts_not_names(demo_site):
    month = "2026-10"
    page = (demo_site / f"ban-tin/{month}/index.html").read_text("utf-8")
    units = read_csv(demo_site / f"du-lieu/{month}/don-vi.csv")
    total = sum(int(r["xs"]) for r in units)
    assert "Bản tin kết quả xếp loại Tháng 10/2026" in page
    assert f"{format_number(total)} <small>" in page
    # 150 units' honour counts do not fit one page in readable type: each block's count, and the list's link.
    for block in {r["khoi"] for r in units}:
        block_xs = sum(int(r["xs"]) for r in units if r["khoi"] == block)
        assert f"{html_lib.escape(block)}&nbsp;{format_number(block_xs)}" in page
    assert not [r for r in units if f"{html_lib.escape(r['ten_don_vi'])}&nbsp;" in page]
    assert f'href="/thang/{month}/xuat-sac/"' in page or f"thang/{month}/xuat-sac/" in page
    names = [r["ho_ten"] for r in read_csv(demo_site / f"du-lieu/{month}/xuat-sac.csv")]
    assert len(names) > 100 and not [n for n in names if n in page]
    assert "charts.js" not in page and "plotly" not in page and "<script" not in page.split("</header>", 1)[1]
    assert "theme/css/brief.css" in page


def test_brief_leads_with_key_figures_the_picture_and_key_points(demo_site):
    month = "2026-10"
    page = (demo_site / f"ban-tin/{month}/index.html").read_text("utf-8")
    total = next(r for r in read_csv(demo_site / "du-lieu/tong-hop.csv") if r["nhom"] == "toan-bo" and r["ky"] == month)
    coverage = format_percent(share(total["duoc_danh_gia"], total["tong_so"]))
    xs = format_percent(share(total["xs"], total["tong_so"]))
    figures, picture, points = page.index('class="brief-figures"'), page.index("<svg"), page.index('id="diem-chinh"')
    assert figures < picture < points < page.index('id="theo-muc"')
    assert f'<dd class="big">{coverage}</dd>' in page and f'<dd class="big">{xs}</dd>' in page
    # The picture: twelve months' bars, labelled, with its figures as a table.
    svg = page[picture:page.index("</svg>", picture)]
    assert 'role="img"' in svg and svg.count("<rect") >= 12 * 3
    assert "Tỷ lệ theo mức xếp loại, 12 tháng đến T10/2026" in page
    table = page[page.index("<details", picture):page.index("</details>", picture)]
    twelve = [f"2025-{m:02d}" for m in (11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)]
    assert [f'<th scope="row">{format_month(m)}</th>' in table for m in twelve] == [True] * 12
    assert '<th scope="row">T10/2025</th>' not in table
    point_list = page[points:page.index("</ul>", points)]
    assert f"Tỷ lệ Hoàn thành xuất sắc nhiệm vụ là {xs}" in point_list
    english = (demo_site / f"en/ban-tin/{month}/index.html").read_text("utf-8")
    assert "Key points" in english and "completed their duties excellently" in english
    assert "Shares by rating, 12 months to Oct 2026" in english


def longest_briefs(site: Path, count: int) -> list[str]:
    sizes = {p.parent.name: len(re.sub(r"<[^>]+>", "", p.read_text("utf-8"))) for p in (site / "ban-tin").glob("*/index.html")}
    return sorted(sorted(sizes, key=sizes.get, reverse=True)[:count] + [max(sizes)])


def text_sizes(page) -> list[tuple[float, float, str]]:
    """(font size in pt, height from the bottom in pt, text) of every piece of text a PDF page draws:
    the size set by Tf scaled by the text and current matrices, as a reader sees it."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            found.append((size * scale, tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.skipif(briefpdf.find_chromium() is None, reason="no Chromium")
def test_the_demo_brief_prints_on_exactly_one_page_in_both_languages(demo_site):
    # The briefs with the most text (most movers, longest notes), and the latest month.
    months = longest_briefs(demo_site, 3)
    printed = briefpdf.print_briefs(demo_site, months, briefpdf.find_chromium())
    assert sorted((b.month, b.lang) for b in printed) == sorted((m, lang) for m in months for lang in ("vi", "en"))
    for brief in printed:
        reader = PdfReader(brief.path)
        assert len(reader.pages) == brief.pages == 1, brief.month
        page = reader.pages[0]
        box = page.mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)  # A4 portrait
        text = page.extract_text()
        heading = {"vi": "Bản tin kết quả xếp loại", "en": "Evaluation brief"}[brief.lang]
        assert heading in text
        assert brief.lang == "vi" or "Bản tin" not in text  # the English brief is English
        assert "Tháng mới nhất" not in text and "Dữ liệu mở" not in text and "Open data" not in text  # no navigation chrome
        sizes = text_sizes(page)
        smallest = min(sizes)
        assert smallest[0] >= 7.95, f"{brief.month} {brief.lang}: {smallest[2]!r} at {smallest[0]:.2f} pt"
        content = brief.path.read_bytes()
        assert b"file://" not in content and b"/CreationDate" not in content


@pytest.mark.skipif(briefpdf.find_chromium() is None, reason="no Chromium")
def test_the_latest_brief_leads_with_the_figures_and_the_picture_in_its_top_third(demo_site):
    month = max(longest_briefs(demo_site, 0))
    for brief in briefpdf.print_briefs(demo_site, [month], briefpdf.find_chromium()):
        page = PdfReader(brief.path).pages[0]
        height = float(page.mediabox.height)
        sizes = text_sizes(page)
        # The four key figures, set large (16 pt and more), all in the top fifth of the page.
        large = [(size, y, text) for size, y, text in sizes if size >= 16]
        assert len(large) == 4, large
        assert all(y > height * 0.8 for _, y, _ in large), large
        # The picture's month labels (the last month's among them) end the top third.
        last = format_month(month, brief.lang, "tick")  # short, as on every chart (T10/26)
        labels = [y for size, y, text in sizes if text == last and size < 12]
        assert labels and height * 0.66 < labels[0] < height * 0.8, (labels, height)
        heading = {"vi": "Điểm chính", "en": "Key points"}[brief.lang]
        assert [y for _, y, text in sizes if text == heading][0] < labels[0]


# Every table and every box that holds one or a figure: its content is no wider than it.
OVERFLOWING = """() => [...document.querySelectorAll(
    'main, main table, main .scroll, main section, main figure, main .brief-figures > div, main details')]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => `${box.tagName.toLowerCase()}.${box.className}: ${box.scrollWidth} > ${box.clientWidth} px, `
              + (box.querySelector('caption, h2, figcaption, dt') || box).textContent.trim().slice(0, 50))"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)
@pytest.mark.parametrize("lang", ["", "en/"])
def test_no_table_of_the_brief_overflows_its_box_on_a_phone_a4_or_a_desktop(demo_site, browser, lang):
    month = "2026-10"
    with serving(demo_site) as address:
        for width in (360, 794, 1366):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(f"{address}{lang}ban-tin/{month}/")
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            assert page.evaluate(OVERFLOWING) == [], width
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            context.close()
        # Printed: the A4 page's width inside its margins (190 mm), with the print stylesheet.
        context = browser.new_context(viewport={"width": 718, "height": 1060})
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto(f"{address}{lang}ban-tin/{month}/")
        assert page.evaluate(OVERFLOWING) == [], "print"
        context.close()
