"""The month's announcement (`new-month`, placeholders the build fills) and the embeddable summary /nhung/."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DataDir, person_row

ROOT = Path(__file__).resolve().parent.parent
XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
DAY = {"SOURCE_DATE_EPOCH": "1763769600"}  # 2025-11-22


def generator(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **DAY})


def settings_for(content: Path, folder: Path) -> Path:
    """pelicanconf.py with the test's own content folder."""
    path = folder / "settings.py"
    path.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(ROOT / 'pelicanconf.py')!r}).items() if k.isupper()}})\n"
        f"PATH = {str(content)!r}\nTHEME = {str(ROOT / 'theme')!r}\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def announced(tmp_path_factory):
    root = tmp_path_factory.mktemp("announcement")
    data = DataDir(root / "data")
    data.export_csv("2024-10.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC", month="10/2024") for i in range(12)])
    data.export_csv("2024-11.csv", [person_row(i, f"P{i}", f"Người {i}", "PTC", month="11/2024", final=XS if i < 2 else T)
                                    for i in range(12)])
    content = root / "content"
    settings = settings_for(content, root)
    stub = generator("new-month", "2024-11", "--data", str(data.root), "--settings", str(settings), "--content", str(content))
    assert stub.returncode == 0, stub.stdout + stub.stderr
    output = root / "output"
    built = generator("build", "--data", str(data.root), "--settings", str(settings), "--output", str(output))
    assert built.returncode == 0, built.stdout + built.stderr
    return {"root": root, "data": data, "content": content, "settings": settings, "output": output, "stub": stub}


def test_new_month_writes_a_stub_with_title_date_summary_and_links(announced):
    article = announced["content"] / "bai-viet/2024-11-ket-qua-xep-loai.md"
    text = article.read_text("utf-8")
    assert text.startswith("Title: Kết quả xếp loại tháng 11/2024\nDate: 2025-11-22\n")
    assert "Month: 2024-11" in text and "Summary: Tháng {{ month.month }}" in text
    assert "({{ month.url }})" in text and "({{ month.honour_url }})" in text
    # The officer sees the summary as it will read, figures filled.
    assert ("Tóm tắt khi tạo trang: Tháng 11/2024, 12 trên 12 cán bộ, công chức, viên chức được đánh giá, xếp loại; "
            "2 người (16,67%) Hoàn thành xuất sắc nhiệm vụ.") in announced["stub"].stdout


def test_the_article_is_on_the_site_with_its_figures_filled(announced):
    page = (announced["output"] / "bai-viet/2024-11-ket-qua-xep-loai/index.html").read_text("utf-8")
    assert "{{" not in page
    assert "Hoàn thành xuất sắc nhiệm vụ: 2 người (16,67%)" in page
    assert 'href="../../thang/2024-11/"' in page and 'href="../../thang/2024-11/xuat-sac/"' in page
    assert (announced["output"] / "thang/2024-11/xuat-sac/index.html").is_file()
    home = (announced["output"] / "index.html").read_text("utf-8")
    assert "Kết quả xếp loại tháng 11/2024" in home


def test_new_month_does_not_overwrite_the_officers_text(announced):
    again = generator("new-month", "2024-11", "--data", str(announced["data"].root), "--settings", str(announced["settings"]),
                      "--content", str(announced["content"]))
    assert again.returncode == 1 and "--force" in again.stderr


def test_new_month_for_a_month_without_data_says_which_months_exist(announced):
    result = generator("new-month", "2030-01", "--data", str(announced["data"].root), "--settings", str(announced["settings"]),
                       "--content", str(announced["content"]))
    assert result.returncode == 1 and "2030-01" in result.stderr and "2024-11" in result.stderr


def test_an_unknown_placeholder_stops_the_build_and_keeps_the_site(announced, tmp_path):
    content = tmp_path / "content"
    (content / "bai-viet").mkdir(parents=True)
    (content / "bai-viet/x.md").write_text("Title: X\nDate: 2025-11-22\n\nXS: {{ month.xs_percent }}\n", "utf-8")
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("previous site")
    result = generator("build", "--data", str(announced["data"].root), "--settings", str(settings_for(content, tmp_path)),
                       "--output", str(output))
    assert result.returncode == 1
    assert "{{ month.xs_percent }}" in result.stderr and "month.xs_share" in result.stderr
    assert "Traceback" not in result.stderr
    assert [p.name for p in output.iterdir()] == ["index.html"] and (output / "index.html").read_text() == "previous site"


def test_the_embed_is_small_and_shows_the_latest_month(announced):
    embed = announced["output"] / "nhung/index.html"
    html = embed.read_text("utf-8")
    assert len(embed.read_bytes()) < 3000
    assert "<script" not in html and 'name="robots" content="noindex"' in html
    assert "Tháng 11/2024" in html and "16,67%" in html and "12/12" in html
    assert 'target="_top"' in html
    stylesheet = announced["output"] / "theme/css/nhung.css"
    assert stylesheet.is_file() and len(stylesheet.read_bytes()) < 1500
    assert "site.css" not in html


def test_corrections_page_exists_before_any_correction(announced):
    page = (announced["output"] / "dinh-chinh/index.html").read_text("utf-8")
    assert "Chưa có lần đính chính nào." in page
