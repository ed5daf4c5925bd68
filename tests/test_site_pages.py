"""The citizens' site, read as files: both languages, archive, feeds, sitemap, open data, search index.

One small site per module (tests/site_fixture.py), built with `python -m generator build`.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import site_fixture as fixture
from site_pages import Page, assert_links_resolve_and_stay_inside, html_pages, read, target
from generator.core.text import fold

SUB_PATH_URL = "https://portal.example.vn/cong-khai/"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("citizens")
    data = fixture.write_data(root / "data")
    return fixture.build(data, root / "output")


@pytest.fixture(scope="module")
def published(tmp_path_factory, site) -> Path:
    """The same data built for a portal's sub-path, with absolute addresses."""
    root = tmp_path_factory.mktemp("portal")
    data = fixture.write_data(root / "data")
    return fixture.build(data, root / "output", "--site-url", SUB_PATH_URL)


# --- two languages -------------------------------------------------------------


def test_every_page_exists_in_english_under_en(site):
    pages = [p for p in html_pages(site) if not p.startswith("en/")]
    assert "thang/2025-07/index.html" in pages and "don-vi/PM/index.html" in pages
    missing = [p for p in pages if not (site / "en" / p).exists()]
    assert missing == []


def test_lang_attributes_and_language_switch_lead_to_the_same_page(site):
    for page in ["index.html", "thang/2025-07/index.html", "thang/2025-07/xuat-sac/index.html",
                 "don-vi/GB/index.html", "du-lieu/index.html", "gioi-thieu-du-lieu/index.html"]:
        vietnamese, english = read(site, page), read(site, "en/" + page)
        assert (vietnamese.html_lang, english.html_lang) == ("vi", "en")
        to_english = [href for href, text in vietnamese.links if text == "English"]
        to_vietnamese = [href for href, text in english.links if text == "Tiếng Việt"]
        assert target(site, page, to_english[0]) == site / "en" / page
        assert target(site, "en/" + page, to_vietnamese[0]) == site / page


def test_english_pages_have_english_chrome_and_names_as_they_are(site):
    month = (site / "en/thang/2025-07/index.html").read_text("utf-8")
    assert "Results by unit, July 2025" in month and "Kết quả từng đơn vị" not in month
    assert "UBND phường Việt Hưng mới" in month  # names stay as they are
    assert "1,234" not in month and re.search(r"\d\.\d\d%", month)  # English number format
    honour = (site / "en/thang/2025-07/xuat-sac/index.html").read_text("utf-8")
    assert "Đặng Thị An" in honour and "Name withheld on request" in honour
    about = (site / "en/gioi-thieu-du-lieu/index.html").read_text("utf-8")
    assert "What is not published" in about


def test_english_pages_translate_block_and_level_names_and_mark_unit_names_as_vietnamese(site):
    unit = (site / "en/don-vi/PTC/index.html").read_text("utf-8")
    assert "<dd>Government agencies</dd>" in unit and "<dd>District level</dd>" in unit
    assert '<h1><span lang="vi">Phòng Tài chính - Kế hoạch</span></h1>' in unit
    assert "<title>Phòng Tài chính - Kế hoạch ·" in unit  # titles are text: no markup
    month = (site / "en/thang/2025-07/index.html").read_text("utf-8")
    assert "Khối Chính quyền" not in month and "Ward offices" in month and "Ward level" in month
    assert '<span lang="vi">UBND phường Việt Hưng mới</span>' in month
    trends = (site / "en/xu-huong/index.html").read_text("utf-8")
    assert "per person" in trends and "/people" not in trends
    csv = (site / "en/xu-huong/bieu-do-theo-khoi.csv").read_bytes().decode("utf-8-sig")
    assert "Schools," in csv and "Khối" not in csv
    vietnamese = (site / "don-vi/PTC/index.html").read_text("utf-8")
    assert "<dd>Khối Chính quyền</dd>" in vietnamese and 'lang="vi"' not in vietnamese.split("<body>")[1]


def test_home_page_pictures_the_months_levels_without_script_and_says_the_same_in_text(site):
    home = (site / "index.html").read_text("utf-8")
    picture = home[home.index('<figure class="level-picture"'):home.index("</figure>")]
    assert home.index('<figure class="level-picture"') < home.index('<table class="levels">')  # above the table
    assert 'role="img"' in picture and "<script" not in picture
    legend = re.findall(r"</svg> ([^<]+) <b>([^<]+)</b> <small>\(([^)]+)\)</small>", picture)
    table = re.findall(r'<tr><th scope="row">[^<]+</th><td>([^<]+)</td><td>([^<]+)</td>', home)
    # The legend says each level's share and count, as the table below does, in the same order.
    assert [(share, count.split(" ")[0]) for _, share, count in legend] == [(share, count) for count, share in table]
    widths = [float(w) for w in re.findall(r'<rect x="[^"]+" y="[^"]+" width="([^"]+)"', picture)]
    assert sum(widths) == pytest.approx(320, abs=len(widths) * 1.01)
    assert re.search(r'<p class="share-line">\s*<svg[^>]*aria-hidden="true"', home)
    assert "Tỷ lệ Xuất sắc 12 tháng qua:" in home


def test_catalog_translates_every_template_message():
    """Each _('...') of the templates and of the brief's key points has an English translation that keeps its placeholders."""
    from babel.messages.extract import extract_from_dir, extract_from_file
    from babel.messages.pofile import read_po

    with open(fixture.ROOT / "theme/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    messages = {
        message
        for _, _, message, _, _ in extract_from_dir(
            str(fixture.ROOT / "theme/templates"),
            method_map=[("**.html", "jinja2")],
            options_map={"**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}},
        )
    }
    # The brief's key points are sentences made in Python (babel.cfg lists the file too).
    messages |= {message for _, message, _, _ in extract_from_file("python", str(fixture.ROOT / "generator/view/keypoints.py"))}
    untranslated, broken = [], []
    for message in messages:
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        translated = entry is not None and not entry.fuzzy and all(entry.string if isinstance(entry.string, tuple) else [entry.string])
        if not translated:
            untranslated.append(key)
            continue
        for source, english in zip(message if isinstance(message, tuple) else [message],
                                   entry.string if isinstance(entry.string, tuple) else [entry.string]):
            if sorted(re.findall(r"%\(\w+\)s|\{\w+\}", source)) != sorted(re.findall(r"%\(\w+\)s|\{\w+\}", english)):
                broken.append(key)
    assert untranslated == [], "add these to theme/translations/en/LC_MESSAGES/messages.po"
    assert broken == [], "the translation must keep every placeholder"


# --- links, archive, addresses ------------------------------------------------


def test_every_month_is_two_clicks_from_home(site):
    home = read(site, "index.html")
    archive = [href for href, text in home.links if text.startswith("Tất cả") and "tháng" in text]
    archive_page = target(site, "index.html", archive[0])
    assert archive_page == site / "thang/index.html"
    reached = {target(site, "thang/index.html", href) for href, _ in read(site, "thang/index.html").links}
    for month in ("2025-05", "2025-06", "2025-07"):
        assert site / f"thang/{month}/index.html" in reached
        assert site / f"thang/{month}/xuat-sac/index.html" in reached


def test_links_resolve_and_nothing_is_loaded_from_elsewhere(site):
    assert_links_resolve_and_stay_inside(site)


def test_anchors_of_unit_pages_and_search_lead_to_sections(site):
    unit = read(site, "don-vi/PM/index.html")
    anchored = [h for h, _ in unit.links if "#dv-PM" in h]
    assert anchored
    for href in anchored:
        page = target(site, "don-vi/PM/index.html", href.split("#")[0])
        assert "dv-PM" in Page(page.read_text("utf-8")).ids


def test_sub_path_site_keeps_every_link_inside_it(published):
    for page in ["index.html", "en/thang/2025-07/index.html", "tim-kiem/index.html"]:
        parsed = read(published, page)
        for href in [h for h, _ in parsed.links] + parsed.sources:
            if href.startswith("http"):
                assert href.startswith(SUB_PATH_URL) or href.startswith(SUB_PATH_URL.rstrip("/")), href
            else:
                assert href.startswith("#"), href
    home = (published / "index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{SUB_PATH_URL}">' in home
    assert f'hreflang="en" href="{SUB_PATH_URL}en/"' in home


def test_sitemap_lists_every_page_of_both_languages(published):
    tree = ET.parse(published / "sitemap.xml")
    locations = {e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for page in html_pages(published):
        address = SUB_PATH_URL + page.removesuffix("index.html")
        assert address in locations, page
    assert all(location.startswith(SUB_PATH_URL) for location in locations)


def test_relative_build_writes_no_sitemap(site):
    assert not (site / "sitemap.xml").exists()


# --- feeds -------------------------------------------------------------------------


def test_feeds_have_one_entry_per_month_newest_first(published):
    atom = ET.parse(published / "feeds/thang.atom.xml").getroot()
    entries = atom.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Kết quả xếp loại Tháng 7/2025", "Kết quả xếp loại Tháng 6/2025", "Kết quả xếp loại Tháng 5/2025"]
    assert entries[0].find(f"{ATOM}link").get("href") == SUB_PATH_URL + "thang/2025-07/"
    assert entries[0].find(f"{ATOM}published").text.startswith("2025-08-01")
    rss = ET.parse(published / "feeds/thang.rss.xml").getroot()
    assert [i.find("link").text for i in rss.iter("item")] == [
        SUB_PATH_URL + f"thang/{m}/" for m in ("2025-07", "2025-06", "2025-05")]
    english = ET.parse(published / "en/feeds/thang.atom.xml").getroot()
    assert english.find(f"{ATOM}entry/{ATOM}title").text == "Evaluation results, July 2025"
    assert english.find(f"{ATOM}entry/{ATOM}link").get("href") == SUB_PATH_URL + "en/thang/2025-07/"


def test_a_build_without_the_sites_address_writes_no_feed_and_links_none(site):
    assert not list(site.rglob("*.xml"))
    for page in ["index.html", "en/index.html", "thang/2025-07/index.html"]:
        text = (site / page).read_text("utf-8")
        assert "atom" not in text and "rss" not in text.lower(), page


def feeds(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.xml") if p.name != "sitemap.xml")


def test_every_feed_reads_in_a_feed_reader_with_absolute_addresses(published):
    import feedparser

    found = feeds(published)
    assert {"feeds/thang.atom.xml", "feeds/thang.rss.xml", "en/feeds/thang.atom.xml", "feeds/all.atom.xml",
            "feeds/all.rss.xml"} <= {p.relative_to(published).as_posix() for p in found}
    for path in found:
        parsed = feedparser.parse(path.read_bytes())
        where = path.relative_to(published).as_posix()
        assert not parsed.bozo, (where, parsed.get("bozo_exception"))
        assert parsed.entries, where
        self_links = [link.href for link in parsed.feed.get("links", []) if link.get("rel") == "self"]
        assert self_links == [SUB_PATH_URL + where], where
        for entry in parsed.entries:
            assert entry.link.startswith(SUB_PATH_URL), (where, entry.link)
            assert entry.id.startswith("tag:portal.example.vn,"), (where, entry.id)
            assert entry.get("author"), where  # never an empty author
            for href in re.findall(r'href="([^"]+)"', entry.get("summary", "") + "".join(
                    c.value for c in entry.get("content", []))):
                assert href.startswith(SUB_PATH_URL), (where, href)


def test_rss_guids_that_are_not_addresses_say_so(published):
    for path in feeds(published):
        if path.name.endswith(".rss.xml"):
            for guid in ET.parse(path).getroot().iter("guid"):
                assert guid.text.startswith("tag:") and guid.get("isPermaLink") == "false", path


def test_each_unit_has_a_feed_in_both_languages_with_one_entry_per_month(published):
    import feedparser

    for code, months in {"PTC": ["2025-07", "2025-06", "2025-05"], "TL": ["2025-06", "2025-05"]}.items():
        for prefix in ("", "en/"):
            parsed = feedparser.parse((published / f"{prefix}feeds/don-vi/{code}.atom.xml").read_bytes())
            assert not parsed.bozo
            assert [e.link for e in parsed.entries] == [
                f"{SUB_PATH_URL}{prefix}don-vi/{code}/#thang-{m}" for m in months]
            page = (published / f"{prefix}don-vi/{code}/index.html").read_text("utf-8")
            for m in months:
                assert f'id="thang-{m}"' in page  # the entry's link leads to its month's row
    ptc = feedparser.parse((published / "feeds/don-vi/PTC.atom.xml").read_bytes()).entries[0]
    assert ptc.title == "Phòng Tài chính - Kế hoạch: kết quả xếp loại Tháng 7/2025"
    content = ptc.content[0].value
    # 2025-07: PTC has 13 people, 3 XS (the withheld one counts), 9 T, 1 HT, no K.
    assert "Hoàn thành xuất sắc nhiệm vụ: 3 người (23,08%)" in content
    assert "Hoàn thành nhiệm vụ: 1 người (7,69%)" in content
    assert f'href="{SUB_PATH_URL}thang/2025-07/xuat-sac/#dv-PTC"' in content
    english = feedparser.parse((published / "en/feeds/don-vi/PTC.atom.xml").read_bytes()).entries[0]
    assert '<span lang="vi">Phòng Tài chính - Kế hoạch</span>' in english.content[0].value
    assert "Completed duties excellently: 3 people (23.08%)" in english.content[0].value


def test_a_merged_units_feed_publishes_no_hidden_figure(published):
    import feedparser

    for entry in feedparser.parse((published / "feeds/don-vi/TL.atom.xml").read_bytes()).entries:
        content = entry.content[0].value
        assert "(gộp)" in content
        assert "Hoàn thành nhiệm vụ:" not in content and "Không hoàn thành nhiệm vụ:" not in content


def test_a_unit_page_links_to_its_feed_in_head_and_in_view(published, site):
    page = (published / "don-vi/PTC/index.html").read_text("utf-8")
    feed = SUB_PATH_URL + "feeds/don-vi/PTC.atom.xml"
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="' + re.escape(feed), page)
    assert re.search(r'<a href="' + re.escape(feed) + '">Theo dõi đơn vị này', page)
    assert "feeds/don-vi" not in (site / "don-vi/PTC/index.html").read_text("utf-8")


def test_publish_with_an_address_gives_the_feeds_that_address(tmp_path):
    """publishconf.py's FEED_DOMAIN = SITEURL was read before --site-url replaced SITEURL."""
    data = fixture.write_data(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "publish", "--data", str(data.root), "--site-url", "https://example.gov.vn/ck",
         "--output", str(tmp_path / "out"), "--dist", str(tmp_path / "dist")],
        cwd=fixture.ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for feed in ("feeds/all.atom.xml", "feeds/thang.atom.xml", "en/feeds/thang.atom.xml"):
        text = (tmp_path / "out" / feed).read_text("utf-8")
        assert f'href="https://example.gov.vn/ck/{feed}" rel="self"' in text, feed
        assert "portal.example.vn" not in text, feed


def test_feeds_are_the_same_from_one_build_to_the_next(tmp_path, published):
    data = fixture.write_data(tmp_path / "data")
    again = fixture.build(data, tmp_path / "output", "--site-url", SUB_PATH_URL)
    for feed in ("feeds/thang.atom.xml", "feeds/thang.rss.xml", "sitemap.xml", "tim-kiem/ten.json"):
        assert (again / feed).read_bytes() == (published / feed).read_bytes(), feed


# --- open data ------------------------------------------------------------------


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name} must start with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_datapackage_is_a_valid_frictionless_data_package(site):
    from frictionless import Package, validate

    report = validate(str(site / "du-lieu/datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(site / "du-lieu/datapackage.json"))
    paths = {resource.path for resource in package.resources}
    assert {"2025-07/don-vi.csv", "2025-07/xuat-sac.csv", "2025/don-vi.csv", "tong-hop.csv"} <= paths
    assert "don-vi.csv" not in paths  # no file of every month: it would grow every month
    years = [path for path in paths if re.fullmatch(r"\d{4}/don-vi\.csv", path)]
    months = {path[:4] for path in paths if re.fullmatch(r"\d{4}-\d\d/don-vi\.csv", path)}
    assert sorted(path[:4] for path in years) == sorted(months)


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(site):
    rows = read_csv(site / "du-lieu/2025-06/xuat-sac.csv")
    positions = {r["ho_ten"]: r["chuc_vu"] for r in rows}
    assert positions["Lê Thị Hoà"] == "'" + fixture.FORMULA_POSITION
    assert positions["Đặng Thị An"] == "Chuyên viên"
    # JSON is not opened by spreadsheets: it keeps the value as published on the page.
    as_json = json.loads((site / "du-lieu/2025-06/xuat-sac.json").read_text("utf-8"))
    assert fixture.FORMULA_POSITION in [r["chuc_vu"] for r in as_json]


def test_open_data_page_describes_every_file_and_column(site):
    from generator.pages import opendata

    html = (site / "du-lieu/index.html").read_text("utf-8")
    parsed = read(site, "du-lieu/index.html")
    linked = {target(site, "du-lieu/index.html", href) for href, _ in parsed.links}
    for path in site.joinpath("du-lieu").rglob("*"):
        if path.is_file() and path.name != "index.html":
            assert path in linked, path
    for column in set(opendata.UNIT_COLUMNS + opendata.HONOUR_COLUMNS + opendata.SUMMARY_COLUMNS):
        assert f"<code>{column}</code>" in html, column


# --- search index -------------------------------------------------------------------


def index_entries(site: Path) -> tuple[list, dict, list]:
    units = json.loads((site / "tim-kiem/don-vi.json").read_text("utf-8"))
    index = json.loads((site / "tim-kiem/ten.json").read_text("utf-8"))
    shards = [json.loads(p.read_text("utf-8")) for p in sorted((site / "tim-kiem/ten").glob("*.json"))]
    return units, index, shards


def test_search_finds_dang_without_diacritics_and_d_for_dj(site):
    units, index, _ = index_entries(site)
    number, count = index["words"]["dang"]
    shard = json.loads((site / f"tim-kiem/ten/{number}.json").read_text("utf-8"))
    assert [entry[2] for entry in shard] == ["Đặng Thị An"] and count == 1
    unit, months, name = shard[0]
    assert units[unit][0] == "PTC"
    assert [index["months"][m][0] for m in months] == ["2025-07", "2025-06", "2025-05"]
    assert "giang bien" in [fold(u[1]).removeprefix("ubnd phuong ") for u in units]


def test_search_index_holds_only_published_honour_names(site):
    _, index, shards = index_entries(site)
    names = {entry[2] for shard in shards for entry in shard}
    assert names == set(fixture.HONOUR_NAMES)
    everything = "".join(p.read_text("utf-8") for p in (site / "tim-kiem").rglob("*.json"))
    for private in (fixture.WITHHELD_NAME, fixture.PRIVATE_NAME, fixture.WITHHELD_ID, "Người Phòng 1"):
        assert private not in everything
    for word in fold(fixture.WITHHELD_NAME).split():
        assert word not in index["words"] or word == "thi"


def test_nothing_follows_a_name_in_its_search_record(site):
    """The leak check takes a number after a name, in the same record, as that person's
    score; an index that put the unit's number there refused a 37-month district build."""
    for shard in sorted((site / "tim-kiem/ten").glob("*.json")):
        for line in shard.read_text("utf-8").splitlines()[1:-1]:
            unit, months, name = json.loads(line.rstrip(","))
            assert line.rstrip(",").endswith(json.dumps(name, ensure_ascii=False) + "]")


def test_honour_list_off_means_no_name_in_the_index(tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text((fixture.ROOT / "pelicanconf.py").read_text("utf-8")
                        + "\nCONGKHAI_HONOUR_LIST = False\nCONGKHAI_MIN_EVALUATED = 5\n"
                        + f"PATH = {str(fixture.ROOT / 'content')!r}\nTHEME = {str(fixture.ROOT / 'theme')!r}\n", "utf-8")
    data = fixture.write_data(tmp_path / "data")
    output = fixture.build(data, tmp_path / "output", "--settings", str(settings))
    index = json.loads((output / "tim-kiem/ten.json").read_text("utf-8"))
    assert index == {"months": [], "words": {}}
    about = (output / "gioi-thieu-du-lieu/index.html").read_text("utf-8")
    assert "không được công bố theo tên" in about and "dưới 5 người" in about
    assert not (output / "thang/2025-07/xuat-sac/index.html").exists()


def test_about_page_states_the_policy_in_force(site):
    about = (site / "gioi-thieu-du-lieu/index.html").read_text("utf-8")
    assert "được công bố theo tên" in about and "dưới 10 người" in about
    assert "20,00%" in about and "Nghị định 335/2025/NĐ-CP" in about
    english = (site / "en/gioi-thieu-du-lieu/index.html").read_text("utf-8")
    assert "fewer than 10 people" in english and "20.00%" in english


# --- pages citizens read -------------------------------------------------------------


def test_month_table_names_each_unit_first_and_shows_blocks_and_totals(site):
    html = (site / "thang/2025-06/index.html").read_text("utf-8")
    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    headings = [re.sub(r"<[^>]+>", "", th) for th in re.findall(r"<th[^>]*>(.*?)</th>", header)]
    assert headings[:2] == ["Đơn vị", "Mã"]
    first_row = re.search(r"<tr id=\"dv-PTC\"><th scope=\"row\" class=\"name\"><a [^>]*>([^<]*)</a></th><td class=\"code\">([^<]*)</td>", html)
    assert first_row.groups() == ("Phòng Tài chính - Kế hoạch", "PTC")
    for block in ("Khối Chính quyền", "Khối Phường", "Khối Trường học"):
        assert f'<th scope="rowgroup" colspan="10" class="name">{block}</th>' in html
        assert f"Cộng {block}" in html
    assert "HT+K" in html  # TL: three people evaluated


def test_unit_pages_link_predecessors_successor_and_count_honour_months(site):
    merged = (site / "don-vi/PM/index.html").read_text("utf-8")
    assert "Tiếp nhận từ" in merged and "UBND phường Giang Biên" in merged and "UBND phường Thượng Thanh" in merged
    old = (site / "don-vi/GB/index.html").read_text("utf-8")
    assert "Đơn vị kế tục" in old and "UBND phường Việt Hưng mới" in old
    assert re.search(r"Số tháng có người Hoàn thành xuất sắc nhiệm vụ</dt><dd>2</dd>", old)


def test_honour_list_counts_per_unit_and_withholds_the_name(site):
    html = (site / "thang/2025-07/xuat-sac/index.html").read_text("utf-8")
    assert fixture.WITHHELD_NAME not in html and "(Không công bố tên theo đề nghị)" in html
    assert re.search(r'id="dv-PTC"><a [^>]*>Phòng Tài chính - Kế hoạch</a> <small>\(3\)</small>', html)


def test_search_page_works_from_any_depth_and_says_what_to_do_without_javascript(site):
    for page in ("tim-kiem/index.html", "en/tim-kiem/index.html"):
        html = (site / page).read_text("utf-8")
        index = re.search(r'data-index="([^"]*)"', html).group(1)
        assert target(site, page, index + "ten.json") == site / "tim-kiem/ten.json"
        assert 'id="khong-js"' in html
