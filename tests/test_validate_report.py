"""`python -m generator validate`: a summary, every problem in plain words (Vietnamese, or English), an HTML page, exit codes."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import DataDir, person_row

ROOT = Path(__file__).resolve().parent.parent
XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"


def validate(data: DataDir, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "validate", "--data", str(data.root), *extra],
                          cwd=ROOT, capture_output=True, text=True)


def clean_month(data: DataDir, month: str = "10/2024", name: str = "2024-10.csv") -> None:
    data.export_csv(name, [person_row(i, f"P{i}", f"Người {i}", "PTC", month=month, final=T, score="80") for i in range(12)])


def test_clean_data_gives_a_summary_and_exit_0(tmp_path):
    data = DataDir(tmp_path / "data")
    clean_month(data)
    clean_month(data, "11/2024", "2024-11.csv")
    result = validate(data)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Tệp đã đọc: 2" in out and "Tháng có dữ liệu: 2" in out
    assert "T10/2024: 12 dòng, 1 đơn vị (từng người; mới, chưa có trong kho)" in out
    assert "Đơn vị: 1" in out and "Lỗi: 0" in out and "Cảnh báo: 0" in out
    assert out.rstrip().splitlines()[-2] == "0 lỗi, 0 cảnh báo."
    page = tmp_path / "validation-report.html"
    assert f"Báo cáo HTML: {page}" in out
    html = page.read_text("utf-8")
    assert '<html lang="vi">' in html and "Dữ liệu sạch" in html and "exports/2024-10.csv" in html
    assert not (data.root / "store").exists(), "validate never writes the store"


def test_errors_are_named_by_file_row_column_value_and_exit_1(tmp_path):
    data = DataDir(tmp_path / "data")
    data.export_csv("a.csv", [person_row(1, "1", "An", "PTC", final="Xuất sắc lắm", self_rating=T)])
    report = tmp_path / "somewhere" / "bao-cao.html"
    result = validate(data, "--report", str(report))
    assert result.returncode == 1
    assert re.search(r"exports/a\.csv, dòng 2, cột “Thủ trưởng xếp loại”: Xếp loại không đúng thang\. Giá trị: “Xuất sắc lắm”", result.stdout)
    assert "Lỗi: 1" in result.stdout
    html = report.read_text("utf-8")
    assert "Có lỗi: chưa thể công bố" in html and "Xuất sắc lắm" in html and "[invalid-rating]" in html


def test_warnings_alone_pass_unless_strict(tmp_path):
    data = DataDir(tmp_path / "data")
    rows = [person_row(i, f"P{i}", f"Người {i}", "PTC", final=T, score="80") for i in range(12)]
    rows[0] = person_row(0, "P0", "Người 0", "PTC", final=XS, score="60")  # a score that earns HT
    data.export_csv("2024-10.csv", rows)
    relaxed = validate(data)
    assert relaxed.returncode == 0, relaxed.stdout
    assert "Cảnh báo: 1" in relaxed.stdout and "Điểm “60” ứng với mức HT" in relaxed.stdout
    assert validate(data, "--strict").returncode == 1


def test_english_report(tmp_path):
    data = DataDir(tmp_path / "data")
    data.export_csv("a.csv", [person_row(1, "1", "An", "PTC", final="???", self_rating=T)])
    result = validate(data, "--lang", "en")
    assert result.returncode == 1
    out = result.stdout
    assert "Files read: 1" in out and "ERRORS (must be fixed before publishing): 1" in out
    assert "exports/a.csv, row 2, column “Thủ trưởng xếp loại”: The rating is not on the rating scale. Value: “???”." in out
    assert "(In Vietnamese) exports/a.csv, dòng 2" in out  # the original, with every detail, stays
    assert "1 errors, 0 warnings." in out
    html = (tmp_path / "validation-report.html").read_text("utf-8")
    assert '<html lang="en">' in html and "Data validation report" in html


def test_values_in_the_html_report_are_text(tmp_path):
    data = DataDir(tmp_path / "data")
    data.export_csv("a.csv", [person_row(1, "1", "An", "<script>alert(1)</script>")])
    validate(data)
    html = (tmp_path / "validation-report.html").read_text("utf-8").lower()  # unit codes are upper-cased
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_every_problem_code_has_an_english_explanation():
    from generator.round import report

    pattern = re.compile(
        r'(?:\.error|\.warning|\.info|\.add|InputRefused|_report|Unresolved|report_values)\(\s*(?:problems,\s*)?'
        r'(?:Severity\.\w+,\s*)?"([a-z]+(?:-[a-z0-9]+)*)"|\bcode, \w+ = "([a-z]+(?:-[a-z0-9]+)+)"')
    codes = set()
    for path in (ROOT / "generator").rglob("*.py"):
        for match in pattern.finditer(path.read_text("utf-8")):
            codes.add(match.group(1) or match.group(2))
    assert {"month-changed", "store-file-changed", "invalid-rating", "person-two-units"} <= codes
    missing = sorted(code for code in codes if report.explanation(code, "en") is None)
    assert not missing, f"add these codes to generator/round/locale/en/LC_MESSAGES/report.po: {missing}"


def test_the_monthly_round_is_documented():
    readme = (ROOT / "README.md").read_text("utf-8")
    for command in ("new-month", "serve", "publish"):
        assert f"python -m generator {command}" in readme
    assert "## Mỗi tháng / Each month" in readme and "--correction" in readme
    guide = (ROOT / "docs/upload.md").read_text("utf-8")
    assert "SITEURL" in guide and "/cong-khai" in guide
