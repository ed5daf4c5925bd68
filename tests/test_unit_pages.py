"""A unit's page leads with its latest month and holds its last 24; its years have pages of their own
(contract section 11), and the open data of every unit and month comes a file per year.

Built once from a demo of 29 months over four years (2024-10 to 2027-02), with the site's address
so that the feeds are written, by the real command.
"""
from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.demo.population import write_demo
from generator.core.formatting import change_unit, format_change, format_month, format_number, format_percent, share

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://example.vn/cong-khai"
LATEST, BEFORE = "2027-02", "2027-01"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("unit-pages")
    write_demo(root / "data", months=27, units=20, staff=300, history_months=2, seed=3, last_month=LATEST)
    output = root / "site"
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(root / "data"),
                             "--output", str(output), "--site-url", SITE_URL], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def unit_months(site: Path) -> dict[str, list[dict]]:
    """Each unit's rows of the open data, newest month first (read from the month files)."""
    months: dict[str, list[dict]] = {}
    for path in sorted(site.glob("du-lieu/[0-9][0-9][0-9][0-9]-[0-9][0-9]/don-vi.csv"), reverse=True):
        for row in read_csv(path):
            months.setdefault(row["ma_don_vi"], []).append(row)
    return months


def main_of(page: Path) -> str:
    text = page.read_text("utf-8")
    return text[text.index("<main"):text.index("</main>")]


def lead_rows(main: str) -> list[tuple[str, str]]:
    """What the page leads with: (term, its figures as text) for each line."""
    facts = main[main.index('<dl class="facts lead-figures">'):]
    facts = facts[:facts.index("</dl>")]
    text = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<d[td]>(.*?)</d[td]>", facts, re.S)]
    return list(zip(text[::2], text[1::2]))


def row_ids(main: str, start: str) -> list[str]:
    """The months of the rows of the first table after `start` (their ids: thang-YYYY-MM)."""
    table = main[main.index(start):]
    table = table[:table.index("</table>")]
    return re.findall(r'<tr id="thang-(\d{4}-\d\d)">', table)


def test_a_units_page_leads_with_its_latest_month_then_its_picture_then_its_months_then_its_years(site):
    rows = unit_months(site)
    code = next(code for code, months in rows.items() if months[0]["thang"] == LATEST and not months[0]["ht_k_gop"])
    main = main_of(site / f"don-vi/{code}/index.html")
    now = rows[code][0]
    order = ["<h1>", f"<p>{html.escape(now['khoi'])} · {html.escape(now['cap'])}</p>", 'id="moi-nhat-tieu-de"',
             "<svg viewBox", 'id="cac-thang"', 'id="cac-nam"']
    positions = [main.index(mark) for mark in order]
    assert positions == sorted(positions), "the page's parts are not in the contract's order"
    assert f"<strong>Tháng 2/2027</strong> · so với T1/2027 ({change_unit('vi')})" in main
    now, before = rows[code][0], rows[code][1]
    assert before["thang"] == BEFORE

    def line(label, column):
        count, whole = int(now[column]), int(now["tong_so"])
        # A share merged the month before (HT+K) has no change: it was not published.
        old = share(int(before[column]), int(before["tong_so"])) if before[column] != "" else None
        change = format_change(share(count, whole) - old if old is not None else None, "vi", False)
        counted = f"{format_number(count)}/{format_number(whole)}" if column == "duoc_danh_gia" else format_number(count)
        return label, f"{counted} · {format_percent(share(count, whole))} ({change})"

    assert lead_rows(main) == [line("Được đánh giá", "duoc_danh_gia"), line("XS", "xs"), line("HT", "hoan_thanh"),
                               line("K", "khong_hoan_thanh")]


def test_a_merged_unit_leads_with_ht_k_and_no_ht_or_k_of_its_own(site):
    merged = [code for code, months in unit_months(site).items() if months[0]["thang"] == LATEST and months[0]["ht_k_gop"]]
    assert merged, "the demo has no unit merged in its latest month"
    for code in merged:
        now = unit_months(site)[code][0]
        rows = lead_rows(main_of(site / f"don-vi/{code}/index.html"))
        assert [term for term, _ in rows] == ["Được đánh giá", "XS", "HT+K"]
        assert rows[2][1].startswith(f"{format_number(int(now['ht_k_gop']))} · ")
        english = lead_rows(main_of(site / f"en/don-vi/{code}/index.html"))
        assert [term for term, _ in english] == ["Evaluated", "XS", "HT+K"]


def test_a_units_page_holds_its_latest_24_months_and_its_years_pages_every_month(site):
    for code, months in unit_months(site).items():
        own = [row["thang"] for row in months]
        for prefix in ("", "en/"):
            main = main_of(site / f"{prefix}don-vi/{code}/index.html")
            assert row_ids(main, 'id="cac-thang"') == own[:24]
            years = sorted({month[:4] for month in own}, reverse=True)
            listed = main[main.index('id="cac-nam"'):]
            assert re.findall(rf'href="[^"]*don-vi/{code}/(\d{{4}})/"', listed) == years
            for year in years:
                page = main_of(site / f"{prefix}don-vi/{code}/{year}/index.html")
                assert row_ids(page, "<table") == sorted(m for m in own if m.startswith(year)), (code, year)
    assert max(len(months) for months in unit_months(site).values()) > 24


def test_the_picture_draws_every_month_without_script_and_says_each_share_in_words(site):
    code, months = max(unit_months(site).items(), key=lambda item: len(item[1]))
    main = main_of(site / f"don-vi/{code}/index.html")
    figure = main[main.index('<figure class="level-picture'):main.index("</figure>")]
    assert "<script" not in figure
    xs_path = re.search(r'<path d="([^"]+)" fill="#0072B2"/>', figure).group(1)
    assert xs_path.count("M") == sum(1 for row in months if int(row["xs"]))  # one bar per month with someone at XS
    oldest, newest = months[-1], months[0]
    words = html.unescape(re.sub(r"<[^>]+>", "", figure[figure.index('<ul class="legend"'):]))
    first, last = (format_percent(share(int(row["xs"]), int(row["tong_so"]))) for row in (oldest, newest))
    assert (f"Xuất sắc (XS): {first} ({format_month(oldest['thang'])}) đến {last} ({format_month(newest['thang'])})"
            in words)


def test_a_units_feed_carries_its_latest_24_months_each_to_its_row(site):
    import feedparser

    for code, months in unit_months(site).items():
        feed = feedparser.parse((site / f"feeds/don-vi/{code}.atom.xml").read_bytes())
        assert [entry.link for entry in feed.entries] == [
            f"{SITE_URL}/don-vi/{code}/#thang-{row['thang']}" for row in months[:24]]


def test_each_years_file_holds_its_months_files_and_the_package_lists_every_year(site):
    years = sorted(path.parent.name for path in site.glob("du-lieu/[0-9][0-9][0-9][0-9]/don-vi.csv"))
    assert years == ["2024", "2025", "2026", "2027"]
    assert not (site / "du-lieu/don-vi.csv").exists()
    for year in years:
        months = sorted(site.glob(f"du-lieu/{year}-[0-9][0-9]/don-vi.csv"))
        assert read_csv(site / f"du-lieu/{year}/don-vi.csv") == [row for path in months for row in read_csv(path)]
        assert json.loads((site / f"du-lieu/{year}/don-vi.json").read_text("utf-8")) == [
            row for path in months for row in json.loads(path.with_suffix(".json").read_text("utf-8"))]
    package = json.loads((site / "du-lieu/datapackage.json").read_text("utf-8"))
    paths = [resource["path"] for resource in package["resources"]]
    assert [path for path in paths if re.fullmatch(r"\d{4}/don-vi\.csv", path)] == [f"{year}/don-vi.csv" for year in years]
    index = (site / "du-lieu/index.html").read_text("utf-8")
    assert all(f"du-lieu/{year}/don-vi.csv" in index for year in years)
