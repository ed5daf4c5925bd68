"""Hostile text in names, positions and unit names: shown as text in every file, never run;
spreadsheet formulas neutralised in every CSV; a 50,000-character cell, control characters and
right-to-left marks break neither the build nor the layout.

One site is built from a data folder full of such values; the checks then read every file
under output/, so that pages, feeds, search indexes and charts added later are covered too.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browsing import serving
from conftest import DEFAULT_UNITS, DataDir, person_row

ROOT = Path(__file__).resolve().parent.parent
XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"

SCRIPT_NAME = '<script>alert("ten")</script> Nguyễn Văn Một'
IMG_NAME = '"><img src=x onerror=alert("anh")> Trần Thị Hai'
JS_URL_POSITION = "javascript:alert('chuc-vu')"
FORMULAS = ['=HYPERLINK("http://example.com","bam")', "+SUM(1,2)", "-2+3", "@SUM(1)"]
TAB_FORMULA = "\t=1+1"  # cleaned to "=1+1", then neutralised
CONTROL_NAME, CONTROL_SHOWN = "Lê\x07 Văn\x1b Ba\u200b", "Lê Văn Ba"  # a NUL makes the whole file binary (test_files.py)
RTL_NAME, RTL_SHOWN = "Phạm \u202eVăn\u202c Bốn\u200f", "Phạm Văn Bốn"
LONG_POSITION = "x" * 50_000  # one unbroken word: the worst case for a layout
HOSTILE_UNIT = '<script>alert("don-vi")</script> Phòng "Nội vụ" & <b>Tư pháp</b>'
HOSTILE_BLOCK = '"><img src=x onerror=alert("khoi")> Khối'
HOSTILE_LEVEL = "javascript:alert('cap')"
LONG_UNIT = "Trường " + "Mầm non " * 300  # 2,407 characters

UNITS = [*DEFAULT_UNITS,
         ["HX", HOSTILE_UNIT, HOSTILE_BLOCK, HOSTILE_LEVEL, "", "", "", ""],
         ["DAI", LONG_UNIT, "Khối Trường học", "Cấp phường", "", "", "", ""]]
FORBIDDEN_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def write_data(root: Path) -> DataDir:
    data = DataDir(root)
    data.units(UNITS)
    names = [SCRIPT_NAME, IMG_NAME, *[f"{f} Đỗ Văn {i}" for i, f in enumerate(FORMULAS)], TAB_FORMULA + " Ngô Văn Năm",
             CONTROL_NAME, RTL_NAME]
    rows = [person_row(i + 1, f"CBH-{i:04d}", name, "HX", final=XS, reward="1.170.000",
                       position=FORMULAS[i % len(FORMULAS)] if i % 2 else JS_URL_POSITION)
            for i, name in enumerate(names)]
    rows.append(person_row(20, "CBH-0020", "Hoàng Văn Dài", "DAI", final=XS, position=LONG_POSITION))
    rows.append(person_row(21, "CBH-0021", "Lương Thị Ghi Chú", "DAI", final=T, note="ghi chú " * 6_250))  # 50,000 characters
    rows += [person_row(30 + i, f"CBT-{i:04d}", f"Người Thường {i}", "HX", final=T) for i in range(10)]
    data.export_csv("2024-10.csv", rows)
    return data


def build(root: Path, *options: str) -> Path:
    data = write_data(root / "data")
    output = root / "output"
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data.root), "--output", str(output),
                             *options], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The same site with its address: the one that has feeds."""
    return build(tmp_path_factory.mktemp("hostile-published"), "--site-url", "https://portal.example.vn/cong-khai")


def files(output: Path, *suffixes: str):
    for path in sorted(output.rglob("*")):
        if path.is_file() and path.name.endswith(suffixes):
            raw = path.read_bytes()
            yield path, (gzip.decompress(raw) if raw.startswith(b"\x1f\x8b") else raw).decode("utf-8")


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.script_types: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser


def test_html_runs_nothing_that_came_from_the_data(site):
    pages = 0
    for path, html in files(site, ".html"):
        pages += 1
        for tag, attrs in parse(html).tags:
            where = f"{path.relative_to(site)}: <{tag} {attrs}>"
            assert not [a for a in attrs if a.startswith("on")], where
            if tag == "script":
                assert attrs.get("src") or attrs.get("type") == "application/json", f"inline script in {where}"
            if tag == "img":
                assert attrs.get("src") != "x", where
            for attribute in ("href", "src", "action", "formaction", "data"):
                value = (attrs.get(attribute) or "").strip().lower()
                assert not value.startswith(("javascript:", "data:text/html", "vbscript:")), where
    assert pages > 5


def test_hostile_values_are_shown_as_text(site):
    honour = " ".join(parse((site / "thang/2024-10/xuat-sac/index.html").read_text("utf-8")).text)
    for shown in (SCRIPT_NAME, IMG_NAME, JS_URL_POSITION, HOSTILE_UNIT, HOSTILE_BLOCK, CONTROL_SHOWN, RTL_SHOWN):
        assert shown in honour, shown
    unit = " ".join(parse((site / "don-vi/HX/index.html").read_text("utf-8")).text)
    assert HOSTILE_UNIT in unit and HOSTILE_BLOCK in unit and HOSTILE_LEVEL in unit


def test_chart_and_data_blocks_stay_inside_their_script_element(site):
    blocks = 0
    for path, html in files(site, ".html"):
        for block in re.findall(r"<script type=\"application/json\"[^>]*>(.*?)</script>", html, re.S):
            blocks += 1
            json.loads(block)  # the block ended where the JSON ends: nothing broke out of it
            assert "<" not in block, path
    assert blocks


def test_feeds_and_json_files_stay_well_formed(published):
    feeds = list(files(published, ".xml"))
    assert len(feeds) > 4
    for path, text in feeds:
        ElementTree.fromstring(text.encode("utf-8"))
    for path, text in files(published, ".json"):
        json.loads(text)


def test_every_csv_cell_is_safe_to_open_in_a_spreadsheet(site):
    cells = 0
    for path, text in files(site, ".csv"):
        for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))):
            for cell in row:
                cells += 1
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    assert re.fullmatch(r"-?\d+(\.\d+)?", cell), f"{path.relative_to(site)}: {cell[:40]!r}"
    honour = (site / "du-lieu/2024-10/xuat-sac.csv").read_text("utf-8-sig")
    for formula in FORMULAS + ["=1+1"]:
        assert "'" + formula in honour.replace('""', '"'), formula
    assert cells > 100


def test_control_characters_and_direction_marks_are_dropped_everywhere(site):
    for path, text in files(site, ".html", ".csv", ".json", ".xml", ".js", ".txt"):
        found = FORBIDDEN_CONTROLS.search(text)
        assert not found, f"{path.relative_to(site)}: U+{ord(found.group()):04X}"


def test_a_50000_character_cell_is_published_whole_and_a_private_one_not_at_all(site):
    honour = (site / "thang/2024-10/xuat-sac/index.html").read_text("utf-8")
    assert LONG_POSITION in honour
    for path, text in files(site, ".html", ".csv", ".json", ".xml"):
        assert "ghi chú ghi chú" not in text, path


# --- in a browser, under the Content Security Policy ---------------------------------

@pytest.fixture(scope="module")
def served(site):
    with serving(site) as address:
        yield address


@pytest.mark.parametrize("address", [
    "thang/2024-10/xuat-sac/", "don-vi/HX/", "don-vi/DAI/", "thang/2024-10/", "xu-huong/", "tim-kiem/?q=script",
    "tim-kiem/?q=img", "nhung/",
])
def test_no_script_runs_and_nothing_overflows_under_the_csp(site, served, browser, address):
    # A page that went missing would leave its hostile text unchecked: that is a failure, not a skip.
    assert (site / address.split("?")[0] / "index.html").is_file(), f"the site has no {address}"
    page = browser.new_page(viewport={"width": 360, "height": 740})
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script("document.addEventListener('securitypolicyviolation',"
                         " e => console.error('CSP: ' + e.violatedDirective + ' ' + e.blockedURI))")
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(served + address)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(500)
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert dialogs == [] and errors == [], (dialogs, errors)
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], script:not([src]):not([type=\"application/json\"])').length") == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 361, f"page is {width}px wide at 360px"
    page.close()


def test_every_page_carries_the_documented_content_security_policy(site):
    header = re.search(r"^Content-Security-Policy: (.+)$", (ROOT / "README.md").read_text("utf-8"), re.M).group(1)
    documented = re.sub(r"; frame-ancestors [^;]+$", "", header)  # a meta tag cannot set frame-ancestors
    for path, html in files(site, ".html"):
        policies = [attrs.get("content") for tag, attrs in parse(html).tags
                    if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy"]
        assert policies == [documented], path.relative_to(site)


def test_no_source_map_is_published(site):
    assert not list(site.rglob("*.map"))
    for path, text in files(site, ".js", ".css"):
        assert "sourceMappingURL" not in text, path
