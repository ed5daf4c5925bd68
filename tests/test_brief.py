"""`python -m generator build --pdf`: the brief as a one-page PDF, reproducible; skipped without Chromium."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import person_row
from generator.round import briefpdf
from generator.round.build import print_brief_pdfs

ROOT = Path(__file__).resolve().parent.parent
XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
needs_chromium = pytest.mark.skipif(briefpdf.find_chromium() is None, reason="no Chromium")


def small_data(root: Path):
    from conftest import DataDir

    data = DataDir(root / "data")
    for month in ("09/2024", "10/2024"):
        rows = [person_row(i, f"P{month[:2]}-{i}", f"Người {i}", "PTC", month=month, final=XS if i < 3 else T,
                           reward="1.170.000" if i < 3 else "") for i in range(12)]
        data.export_csv(f"{month[3:]}-{month[:2]}.csv", rows)
    return data


def build(data, output: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data.root), "--output", str(output), *extra],
                          cwd=ROOT, capture_output=True, text=True)


@needs_chromium
def test_build_with_pdf_writes_one_page_per_month_reproducibly(tmp_path):
    data = small_data(tmp_path)
    output = tmp_path / "site"
    result = build(data, output, "--pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Đã in 4 bản tin PDF" in result.stdout  # two months, each in Vietnamese and in English
    pdfs = sorted(output.glob("ban-tin/*/ban-tin.pdf"))
    assert [p.parent.name for p in pdfs] == ["2024-09", "2024-10"]
    english = sorted(output.glob("en/ban-tin/*/ban-tin.pdf"))
    assert [p.parent.name for p in english] == ["2024-09", "2024-10"]
    first = pdfs[-1].read_bytes()
    reader = PdfReader(pdfs[-1])
    assert len(reader.pages) == 1
    assert "Bản tin kết quả xếp loại Tháng 10/2024" in reader.pages[0].extract_text()
    english_page = PdfReader(english[-1])
    assert len(english_page.pages) == 1
    assert "Evaluation brief, October 2024" in english_page.pages[0].extract_text()
    # Printing again gives the same bytes: no printing time, no local paths.
    briefpdf.print_brief(output.resolve(), "2024-10", briefpdf.find_chromium())
    assert pdfs[-1].read_bytes() == first
    assert str(tmp_path).encode() not in first


@needs_chromium
def test_a_site_built_for_its_portal_prints_with_its_local_stylesheets(tmp_path):
    data = small_data(tmp_path)
    output = tmp_path / "site"
    result = build(data, output, "--site-url", "https://portal.example.vn/cong-khai", "--pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    text = PdfReader(output / "ban-tin/2024-10/ban-tin.pdf").pages[0].extract_text()
    # The print stylesheet applied: no navigation, no links list.
    assert "Bản tin kết quả xếp loại" in text and "Dữ liệu mở" not in text


def test_a_small_organisation_s_brief_lists_each_unit_s_honour_count(tmp_path):
    data = small_data(tmp_path)
    output = tmp_path / "site"
    assert build(data, output).returncode == 0
    page = (output / "ban-tin/2024-10/index.html").read_text("utf-8")
    assert "<strong>Khối Chính quyền (3):</strong>" in page and "Phòng Tài chính - Kế hoạch&nbsp;3" in page
    assert "Người 1" not in page  # counts, not names


def test_without_chromium_the_build_says_it_skipped_the_pdf(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(briefpdf, "find_chromium", lambda: None)
    assert print_brief_pdfs(tmp_path, None) == 0
    assert "Bỏ qua bản tin PDF: không có Chromium" in capsys.readouterr().out
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_bad_reward_setting_stops_the_build_with_a_message(tmp_path):
    data = small_data(tmp_path)
    settings = tmp_path / "settings.py"
    settings.write_text((ROOT / "pelicanconf.py").read_text("utf-8")
                        + '\nCONGKHAI_BASE_SALARY = {"7/2024": 2340000}\n', "utf-8")
    output = tmp_path / "site"
    result = build(data, output, "--settings", str(settings))
    assert result.returncode == 1
    assert "CONGKHAI_BASE_SALARY" in result.stderr and "YYYY-MM" in result.stderr
    assert "Traceback" not in result.stderr and not output.exists()


@needs_chromium
def test_forty_units_honour_counts_print_on_the_one_page(tmp_path):
    """Near the limit of BRIEF_HONOUR_CHARACTERS: each unit's count is listed, and the page still holds."""
    data = tmp_path / "data"
    subprocess.run([sys.executable, "-m", "generator", "demo", "--out", str(data), "--months", "3", "--units", "40"],
                   cwd=ROOT, check=True, capture_output=True)
    output = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data), "--output", str(output)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    month = briefpdf.brief_months(output)[-1]
    page = (output / f"ban-tin/{month}/index.html").read_text("utf-8")
    listed = page.split('id="xuat-sac"', 1)[1].count("&nbsp;")
    assert listed >= 30  # unit by unit, not only the blocks
    for brief in briefpdf.print_briefs(output, [month], briefpdf.find_chromium()):
        assert brief.pages == 1, brief.lang


def test_a_brief_under_the_minimum_publishes_no_k_and_no_raised_or_lowered(tmp_path):
    """Twelve people rated, fewer than the minimum: K is merged with HT, and nâng mức / hạ mức are not shown."""
    data = small_data(tmp_path)
    settings = tmp_path / "settings.py"
    settings.write_text((ROOT / "pelicanconf.py").read_text("utf-8") + "\nCONGKHAI_MIN_EVALUATED = 20\n"
                        f"PATH = {str(ROOT / 'content')!r}\nTHEME = {str(ROOT / 'theme')!r}\n", "utf-8")
    output = tmp_path / "site"
    result = build(data, output, "--settings", str(settings))
    assert result.returncode == 0, result.stdout + result.stderr
    for folder, words in (("", "Gộp với HT, không công bố riêng"), ("en/", "Merged with HT, not published separately")):
        page = (output / f"{folder}ban-tin/2024-10/index.html").read_text("utf-8")
        key = page.split('class="brief-figures"', 1)[1].split("</dl>", 1)[0]
        assert words in key
        blocks = page.split('id="theo-khoi"', 1)[1].split("</table>", 1)[0]
        assert blocks.count("<td>–</td>") == 2  # hạ mức of the block and of the whole
        assert "hạ mức so với tự xếp loại" not in page and "self-rating grew" not in page
