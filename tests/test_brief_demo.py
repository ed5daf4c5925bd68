"""The brief and the trends page on the demo data (150 units, 36 months): figures, one A4 page, the PDF.

The figures drawn are checked against the published aggregates (du-lieu/tong-hop.csv, du-lieu/don-vi.csv),
which the open-data code writes from the public view by its own path.
"""
from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator import briefpdf
from generator.formatting import format_month, format_number, round_half_up

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
    units = read_csv(demo_site / "du-lieu/don-vi.csv")
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
    units = [r for r in read_csv(demo_site / "du-lieu/don-vi.csv") if r["thang"] == month]
    page = (demo_site / f"thang/{month}/index.html").read_text("utf-8")
    bars = figures_in(page)["bieu-do-xep-hang"]["data"][0]
    expected = {r["ma_don_vi"]: share(r["xs"], str(int(r["xs"]) + int(r["tot"]))) for r in units if int(r["xs"]) + int(r["tot"])}
    assert dict(zip(bars["x"], bars["y"])) == expected
    assert bars["y"] == sorted(bars["y"], reverse=True)
    over = [r["ten_don_vi"] for r in units if int(r["xs"]) * 5 > int(r["xs"]) + int(r["tot"])]
    assert over and all(html_lib.escape(name) in page for name in over)
    assert f"{len(over)} đơn vị vượt giới hạn 20,00%" in page


def test_unit_chart_follows_the_predecessors(demo_site):
    units = read_csv(demo_site / "du-lieu/don-vi.csv")
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
    assert xs["y"] == [share(str(by_month[m][0]), str(by_month[m][1])) for m in sorted(by_month)]


def test_brief_has_the_month_figures_by_block_and_counts_not_names(demo_site):
    month = "2026-10"
    page = (demo_site / f"ban-tin/{month}/index.html").read_text("utf-8")
    units = [r for r in read_csv(demo_site / "du-lieu/don-vi.csv") if r["thang"] == month]
    total = sum(int(r["xs"]) for r in units)
    assert "Bản tin kết quả xếp loại Tháng 10/2026" in page
    assert f"{format_number(total)}</td>" in page.replace(" <small>", "</td>")
    for block in {r["khoi"] for r in units}:
        block_xs = sum(int(r["xs"]) for r in units if r["khoi"] == block)
        assert f"<strong>{html_lib.escape(block)} ({format_number(block_xs)}):</strong>" in page
    for row in units:
        if int(row["xs"]):
            assert f"{html_lib.escape(row['ten_don_vi'])}&nbsp;{format_number(int(row['xs']))}" in page
    names = [r["ho_ten"] for r in read_csv(demo_site / f"du-lieu/{month}/xuat-sac.csv")]
    assert len(names) > 100 and not [n for n in names if n in page]
    assert "charts.js" not in page and "plotly" not in page
    assert "theme/css/brief.css" in page


def longest_briefs(site: Path, count: int) -> list[str]:
    sizes = {p.parent.name: len(re.sub(r"<[^>]+>", "", p.read_text("utf-8"))) for p in (site / "ban-tin").glob("*/index.html")}
    return sorted(sorted(sizes, key=sizes.get, reverse=True)[:count] + [max(sizes)])


@pytest.mark.skipif(briefpdf.find_chromium() is None, reason="no Chromium")
def test_the_demo_brief_prints_on_exactly_one_page(demo_site):
    # The briefs with the most text (most movers, longest notes), and the latest month.
    months = longest_briefs(demo_site, 3)
    printed = briefpdf.print_briefs(demo_site, months, briefpdf.find_chromium())
    for brief in printed:
        reader = PdfReader(brief.path)
        assert len(reader.pages) == brief.pages == 1, brief.month
        box = reader.pages[0].mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)  # A4 portrait
        text = reader.pages[0].extract_text()
        content = brief.path.read_bytes()
        assert b"file://" not in content and b"/CreationDate" not in content
        if brief.lang == "en":  # each brief is printed in English too, under en/
            assert "Evaluation brief" in text and "Bản tin" not in text and "Open data" not in text
            continue
        assert "Bản tin kết quả xếp loại" in text and "Số người Hoàn thành xuất sắc nhiệm vụ theo đơn vị" in text
        assert "Bảng tháng" not in text and "Dữ liệu mở" not in text  # no navigation chrome
