"""The officer's bad day: every command, run as the officer runs it, with each kind of mistake.

One rule for all of them: no traceback, and no more than a screenful (40
lines) of output for a single mistake; the message names what is wrong and
what to do.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font

from conftest import PERSON_HEADER, DataDir, person_row, write_csv
from generator.core.text import strip_marks

ROOT = Path(__file__).resolve().parent.parent
SCREENFUL = 40


def generator(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "CI": "true"})


def output_of(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def assert_plain(result: subprocess.CompletedProcess) -> str:
    text = output_of(result)
    assert "Traceback" not in text, text
    assert len(text.splitlines()) <= SCREENFUL, f"{len(text.splitlines())} lines:\n{text}"
    return text


NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Đặng Quốc Hùng", "Võ Thị Hà"]


def clean_rows(month: str = "10/2024", count: int = 24) -> list[list[object]]:
    return [person_row(i, f"CB{i:04d}", f"{NAMES[i % len(NAMES)]} {i}", "PTC" if i % 2 else "THGB", month=month)
            for i in range(count)]


# --- the mistakes: each makes a clean data folder wrong in one way -----------------------------


def legacy_tcvn3_name(data: DataDir) -> str:
    rows = clean_rows()
    rows[5][2] = "NguyÔn ThÞ Giang"
    data.export_csv("2024-10.csv", rows)
    return "convert-font"


def legacy_vni_name(data: DataDir) -> str:
    rows = clean_rows()
    rows[7][2] = "Nguyeãn Thò Giang"
    write_xlsx_rows(data.exports / "2024-10.xlsx", [PERSON_HEADER, *rows])
    return "convert-font"


def csv_named_xlsx(data: DataDir) -> str:
    write_csv(data.exports / "2024-10.xlsx", [PERSON_HEADER, *clean_rows()])
    return "CSV"


def xlsx_named_xls(data: DataDir) -> str:
    write_xlsx_rows(data.exports / "2024-10.xls", [PERSON_HEADER, *clean_rows()])
    return "2024-10.xlsx"


def question_marks(data: DataDir) -> str:
    text = "\n".join(",".join(str(c) for c in row) for row in [PERSON_HEADER, *clean_rows()])
    (data.exports / "2024-10.csv").write_bytes(text.encode("cp1252", errors="replace"))
    return "CSV UTF-8"


def person_twice(data: DataDir) -> str:
    rows = clean_rows()
    rows.append(person_row(99, "CB0003", rows[3][2], rows[3][4], final="Hoàn thành nhiệm vụ"))
    data.export_csv("2024-10.csv", rows)
    return "“Thủ trưởng xếp loại”: “Hoàn thành tốt nhiệm vụ” (T) ↔ “Hoàn thành nhiệm vụ” (HT)"


def person_in_two_units(data: DataDir) -> str:
    rows = clean_rows()
    rows.append(person_row(99, "CB0004", rows[4][2], "PTC"))
    data.export_csv("2024-10.csv", rows)
    return "“THGB” (Trường Tiểu học Giang Biên)"


def unknown_unit_code(data: DataDir) -> str:
    rows = clean_rows()
    rows[3][4] = "PTX"
    data.export_csv("2024-10.csv", rows)
    return "PTC (Phòng Tài chính - Kế hoạch)"


def summary_not_adding_up(data: DataDir) -> str:
    data.export_csv("2024-10.csv", clean_rows())
    write_csv(data.history / "2023.csv", [["Tháng", "Mã đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV"],
                                         ["09/2023", "PTC", "20", "2", "10", "5", "1"]])
    return "PTC, tháng 09/2023"


def month_sent_twice(data: DataDir) -> str:
    rows = clean_rows(count=200)
    data.export_csv("2024-10.csv", rows)
    corrected = [list(row) for row in rows]
    corrected[10][11] = "Hoàn thành nhiệm vụ"
    data.export_csv("2024-10 (ban sua).csv", corrected)
    return "có trong hai tệp"


def unknown_unit_name(data: DataDir) -> str:
    """A file that names units by name, under its own header."""
    header = [h for h in PERSON_HEADER if h not in ("Mã đơn vị", "Đơn vị")]
    header.insert(4, "Tên đơn vị")
    names = {"PTC": "Phòng Tài chính - Kế hoạch", "THGB": "Trường Tiểu học Giang Biên"}
    rows = [[*row[:4], names[row[4]], *row[6:]] for row in clean_rows()]
    rows[3][4] = "Phòng Tài chánh"
    data.export_csv("2024-10.csv", rows, header=header)
    return "cột “Tên đơn vị”: Danh mục đơn vị không có tên “Phòng Tài chánh”"


# --- the final rating deleted: what an officer does to a two-row header -------------------------

SCORED = [("Hoàn thành xuất sắc nhiệm vụ", 93), ("Hoàn thành tốt nhiệm vụ", 80), ("Hoàn thành tốt nhiệm vụ", 75),
          ("Hoàn thành nhiệm vụ", 60)]


def write_two_row_export(path: Path, *, final: bool = True, second_row: bool = True, count: int = 40) -> None:
    """A software export whose header is two rows: "Kết quả xếp loại" over "Tự xếp loại" | "Thủ trưởng
    xếp loại", the other headers merged down both rows. Everyone rated themself XS.

    Without `final`, the officer deleted the head's column (the group title stays over the self rating
    alone); without `second_row` too, the second header row as well.
    """
    single = ["STT", "Mã CB", "Họ và tên", "Chức vụ", "Mã đơn vị", "Tháng", "Điểm tự chấm", "Điểm thẩm định"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(single + ["Kết quả xếp loại"] + ([None] if final else []))
    if second_row:
        sheet.append([None] * len(single) + ["Tự xếp loại"] + (["Thủ trưởng xếp loại"] if final else []))
        for column in range(1, len(single) + 1):
            sheet.merge_cells(start_row=1, end_row=2, start_column=column, end_column=column)
        if final:
            sheet.merge_cells(start_row=1, end_row=1, start_column=len(single) + 1, end_column=len(single) + 2)
    for i in range(count):
        rating, score = SCORED[i % len(SCORED)]
        sheet.append([i + 1, f"CB{i:04d}", f"{NAMES[i % len(NAMES)]} {i}", "Chuyên viên", "PTC" if i % 2 else "THGB",
                      "10/2024", 95, score, "Hoàn thành xuất sắc nhiệm vụ"] + ([rating] if final else []))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def final_rating_deleted(data: DataDir) -> str:
    write_two_row_export(data.exports / "2024-10.xlsx", final=False)
    return "cột xếp loại duy nhất là “Tự xếp loại” (cột I)"


def final_rating_and_second_header_row_deleted(data: DataDir) -> str:
    write_two_row_export(data.exports / "2024-10.xlsx", final=False, second_row=False)
    return "ở 30 trong 40 dòng có cả xếp loại và điểm (75,00%, quá 5%)"


# --- UTF-8 opened as ANSI and saved again -------------------------------------------------------


def as_ansi(value: object) -> object:
    """What Excel shows of UTF-8 text it opened as Windows-1252 (ftfy's codec keeps the 5 bytes Windows leaves undefined)."""
    import ftfy  # noqa: F401 (registers the codec)

    return value.encode("utf-8").decode("sloppy-windows-1252") if isinstance(value, str) else value


def mojibake_xlsx(data: DataDir) -> str:
    write_xlsx_rows(data.exports / "2024-10.xlsx", [[as_ansi(c) for c in row] for row in [PERSON_HEADER, *clean_rows()]])
    return "đã được mở như văn bản ANSI (Windows-1252) rồi lưu lại"


def mojibake_csv(data: DataDir) -> str:
    write_csv(data.exports / "2024-10.csv", [[as_ansi(c) for c in row] for row in [PERSON_HEADER, *clean_rows()]])
    return "ô C2: “Nguyá»…n VÄƒn An 0” (đúng ra là “Nguyễn Văn An 0”)"


DATA_MISTAKES = [legacy_tcvn3_name, legacy_vni_name, csv_named_xlsx, xlsx_named_xls, question_marks, person_twice,
                 person_in_two_units, unknown_unit_code, unknown_unit_name, summary_not_adding_up, month_sent_twice,
                 final_rating_deleted, final_rating_and_second_header_row_deleted, mojibake_xlsx, mojibake_csv]


def write_xlsx_rows(path: Path, rows: list[list[object]]) -> None:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


@pytest.mark.parametrize("mistake", DATA_MISTAKES, ids=lambda m: m.__name__)
def test_each_command_names_each_data_mistake_in_a_screenful(tmp_path: Path, mistake) -> None:
    data = DataDir(tmp_path / "data")
    expected = mistake(data)
    commands = {
        "validate": ["validate", "--data", str(data.root), "--report", str(tmp_path / "report.html"), "--lang", "en"],
        "build": ["build", "--data", str(data.root), "--output", str(tmp_path / "site")],
        "publish": ["publish", "--data", str(data.root), "--dist", str(tmp_path / "dist"),
                    "--site-url", "https://cong.example.gov.vn/cong-khai"],
        "new-month": ["new-month", "10/2024", "--data", str(data.root), "--content", str(tmp_path / "content")],
    }
    for name, command in commands.items():
        result = generator(*command)
        text = assert_plain(result)
        assert result.returncode == 1, f"{name}: {text}"
        assert expected in text, f"{name}: {text}"
        if name == "validate" and mistake in ENGLISH_DETAILS:  # the English line itself keeps the particulars
            english = [line for line in text.splitlines() if line.startswith("  - ")]
            assert any(ENGLISH_DETAILS[mistake] in line for line in english), text
    assert not (tmp_path / "site").exists() and not (tmp_path / "dist").exists(), "nothing is published"


ENGLISH_DETAILS = {
    legacy_tcvn3_name: "“NguyÔn ThÞ Giang” → “Nguyễn Thị Giang”",
    legacy_vni_name: "“Nguyeãn Thò Giang” → “Nguyễn Thị Giang”",
    csv_named_xlsx: "2024-10.xlsx → 2024-10.csv",
    xlsx_named_xls: "2024-10.xls → 2024-10.xlsx",
    person_twice: "“Thủ trưởng xếp loại”: “Hoàn thành tốt nhiệm vụ” (T) ↔ “Hoàn thành nhiệm vụ” (HT)",
    person_in_two_units: "“Mã đơn vị”: “THGB” (Trường Tiểu học Giang Biên) ↔ “PTC” (Phòng Tài chính - Kế hoạch)",
    unknown_unit_code: "PTC (Phòng Tài chính - Kế hoạch)",
    unknown_unit_name: "column “Tên đơn vị”: The units registry units.csv does not know this unit.",
    final_rating_deleted: "Details: “Tự xếp loại” (I); “Cấp có thẩm quyền xếp loại”, “Mức xếp loại chính thức”, "
                          "“Thủ trưởng xếp loại”, “Kết quả xếp loại”, “Xếp loại”",
    final_rating_and_second_header_row_deleted: "“Kết quả xếp loại” ↔ “Điểm thẩm định”: 30/40 (75,00%) > 5%; "
                                                "3: “80” → T ≠ “Hoàn thành xuất sắc nhiệm vụ” (XS)",
    mojibake_xlsx: "UTF-8 → ANSI (Windows-1252); “Sheet”, B1: “MÃ£ CB” → “Mã CB”",
    mojibake_csv: "C2: “Nguyá»…n VÄƒn An 0” → “Nguyễn Văn An 0”",
    summary_not_adding_up: "PTC, 09/2023: HTXSNV 2, HTTNV 10, HTNV 5, KHTNV 1 = 18 ≠ Tổng số 20",
}


def test_a_month_sent_twice_is_one_short_consistent_summary(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    month_sent_twice(data)
    text = assert_plain(generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html")))
    assert text.count("có trong hai tệp") == 1
    assert "Lỗi: 1" in text and "1 lỗi, 0 cảnh báo." in text
    assert "(ban sua).csv" in text and "2024-10.csv" in text
    assert "“Thủ trưởng xếp loại”: “Hoàn thành nhiệm vụ” (HT) ↔ “Hoàn thành tốt nhiệm vụ” (T)" in text


def test_a_deleted_final_rating_is_one_error_and_self_ratings_are_never_the_result(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    write_two_row_export(data.exports / "2024-10.xlsx")
    intact = generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html"))
    assert intact.returncode == 0 and "Lỗi: 0" in intact.stdout, output_of(intact)
    for mistake, code in ((final_rating_deleted, "self-rating-only"),
                          (final_rating_and_second_header_row_deleted, "rating-column-suspect")):
        mistake(data)
        text = assert_plain(generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html")))
        assert "Lỗi: 1" in text and "Cảnh báo: 0" in text, text  # one error, not a warning per row
        assert "MÃ ĐƠN VỊ" not in text and "Giá trị: “Tự xếp loại”" not in text, "the second header row is no data"
        english = assert_plain(generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html"),
                                         "--lang", "en"))
        assert f"[{code}]" in english, english


def test_the_file_as_written_in_the_html_report_and_in_english(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    person_twice(data)
    written = "“Thủ trưởng xếp loại”: “Hoàn thành tốt nhiệm vụ” (T) ↔ “Hoàn thành nhiệm vụ” (HT)"
    for lang in ("vi", "en"):
        page = tmp_path / f"r-{lang}.html"
        text = assert_plain(generator("validate", "--data", str(data.root), "--report", str(page), "--lang", lang))
        assert written in text
        assert html.unescape(page.read_text("utf-8")).count(written) >= 1, lang
    unknown_unit_name(data)
    page = tmp_path / "r.html"
    generator("validate", "--data", str(data.root), "--report", str(page), "--lang", "en")
    assert "column “Tên đơn vị”" in html.unescape(page.read_text("utf-8"))


def test_repeated_warnings_of_one_kind_are_counted_not_listed(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    rows = clean_rows(count=200)
    data.export_csv("2024-10.csv", rows + rows)  # every row twice in one file: merged, with a warning each
    text = assert_plain(generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html")))
    assert "… và 195 mục cùng loại nữa [duplicate-merged]" in text
    assert (tmp_path / "r.html").read_text("utf-8").count("duplicate-merged") >= 200, "the HTML report has them all"


# --- settings ---------------------------------------------------------------------------------------


BAD_SETTINGS = {
    "CONGKHAI_MIN_EVALUATED": '"ten"',
    "CONGKHAI_QUOTA_BASE": '"abc"',
    "CONGKHAI_UNITS_PER_PAGE": "0",
}


def test_bad_settings_get_one_line_each_from_every_command(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    settings = tmp_path / "settings.py"
    lines = [f"import sys; sys.path.insert(0, {str(ROOT)!r})", "from pelicanconf import *"]
    settings.write_text("\n".join(lines + [f"{k} = {v}" for k, v in BAD_SETTINGS.items()]) + "\n", "utf-8")
    for command in (["validate"], ["build", "--output", str(tmp_path / "site")], ["serve", "--output", str(tmp_path / "site")],
                    ["publish", "--dist", str(tmp_path / "dist"), "--site-url", "https://x.gov.vn/cong-khai"]):
        result = generator(*command, "--data", str(data.root), "--settings", str(settings))
        text = assert_plain(result)
        assert result.returncode == 1, text
        for name, value in BAD_SETTINGS.items():
            line = next(line for line in text.splitlines() if name in line)
            assert value.replace('"', "'") in line and ("phải là" in line), line
    english = assert_plain(generator("validate", "--data", str(data.root), "--settings", str(settings), "--lang", "en"))
    assert "CONGKHAI_QUOTA_BASE = 'abc': must be \"T+XS\"" in english


def test_a_settings_file_that_does_not_run_is_one_line(tmp_path: Path) -> None:
    settings = tmp_path / "settings.py"
    settings.write_text("CONGKHAI_MIN_EVALUATED = (10\n", "utf-8")
    text = assert_plain(generator("validate", "--settings", str(settings)))
    assert "lỗi cú pháp" in text and str(settings) in text


# --- the command line and the machine ------------------------------------------------------------


def test_a_missing_data_folder_says_where_it_looked(tmp_path: Path) -> None:
    result = generator("validate", cwd=tmp_path)
    text = assert_plain(result)
    assert str(tmp_path / "data") in text and result.returncode == 1


def test_build_does_not_claim_to_keep_a_site_that_never_was(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    person_twice(data)
    text = assert_plain(generator("build", "--data", str(data.root), "--output", str(tmp_path / "site")))
    assert "được giữ nguyên" not in text and "Chưa có trang nào" in text


def test_publish_refuses_the_placeholder_address_and_honours_dist(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    refused = generator("publish", "--data", str(data.root), "--dist", str(tmp_path / "dist"))
    assert refused.returncode == 1 and "portal.example.vn" in assert_plain(refused) and "--site-url" in refused.stderr
    done = generator("publish", "--data", str(data.root), "--dist", str(tmp_path / "dist"),
                     "--site-url", "https://cong.example.gov.vn/cong-khai")
    assert done.returncode == 0, output_of(done)
    assert (tmp_path / "dist/site/index.html").is_file() and list((tmp_path / "dist").glob("congkhai-*.zip"))


def test_new_month_accepts_the_month_as_officers_write_it(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    result = generator("new-month", "10/2024", "--data", str(data.root), "--content", str(tmp_path / "content"))
    assert result.returncode == 0, output_of(result)
    assert (tmp_path / "content/bai-viet/2024-10-ket-qua-xep-loai.md").is_file()


def test_demo_with_impossible_sizes_is_one_line(tmp_path: Path) -> None:
    result = generator("demo", "--out", str(tmp_path / "d"), "--units", "3")
    assert result.returncode == 1 and len(assert_plain(result).splitlines()) == 1


def test_busy_port_is_found_before_building_with_a_port_to_use(tmp_path: Path) -> None:
    import socket

    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = generator("serve", "--data", str(data.root), "--output", str(tmp_path / "site"), "--port", str(port))
    text = assert_plain(result)
    assert result.returncode == 1 and f"Cổng {port} đang bận" in text and "--port " in text
    assert not (tmp_path / "site").exists(), "nothing was built"


def pages_being_written(folder: Path) -> bool:
    for staging in folder.glob(".site.new-*"):
        try:
            if any(staging.iterdir()):
                return True
        except FileNotFoundError:  # the build removed it meanwhile
            pass
    return False


# `generator build`, except that both writers of pages, the parent and the forked one, stop
# once they have written their first pages into the new site beside the old one, say so (a
# file named argv[1] + ".parent" or ".worker") and wait there for Ctrl-C.
BUILD_WAITING_FOR_CTRL_C = r"""
import sys, time
from pathlib import Path
from generator.cli import main
from pelican.plugins.congkhai import parallel
from pelican.plugins.congkhai.pages import DashboardGenerator

parallel.available = lambda: True  # two writers even on one core


def waiting(write, marker):
    def write_then_wait(self):
        write(self)
        Path(marker).touch()
        while True:
            time.sleep(0.05)
    return write_then_wait


DashboardGenerator.write_month_pages = waiting(DashboardGenerator.write_month_pages, sys.argv[1] + ".parent")
DashboardGenerator.write_unit_pages = waiting(DashboardGenerator.write_unit_pages, sys.argv[1] + ".worker")
sys.exit(main(sys.argv[2:]))
"""
HANG = 300  # seconds: a small build reaches its pages in seconds; only a hang takes this long


def test_ctrl_c_during_a_build_is_one_line_and_leaves_the_site(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    site = tmp_path / "site"
    assert generator("build", "--data", str(data.root), "--output", str(site)).returncode == 0
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    data.export_csv("2024-11.csv", clean_rows("11/2024"))
    waiting = tmp_path / "waiting"
    build = subprocess.Popen([sys.executable, "-c", BUILD_WAITING_FOR_CTRL_C, str(waiting),
                              "build", "--data", str(data.root), "--output", str(site)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        # Ctrl-C reaches the whole process group while both write pages of the new site beside the old one.
        deadline = time.monotonic() + HANG
        while not all(Path(f"{waiting}.{writer}").exists() for writer in ("parent", "worker")):
            assert build.poll() is None, "the build ended before its pages were written: " + "".join(build.communicate())
            assert time.monotonic() < deadline, "the build never reached its pages"
            time.sleep(0.05)
        assert pages_being_written(tmp_path)
        os.killpg(build.pid, signal.SIGINT)
        out, err = build.communicate(timeout=HANG)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.communicate()
    assert build.returncode == 130, out + err
    assert "Traceback" not in out + err
    assert err.strip().splitlines()[-1] == "Đã dừng (Ctrl+C). Trang đã công bố không thay đổi."
    assert len(err.strip().splitlines()) <= 3, err
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".site.new-*")), "the half-written site is removed"


# --- converting a legacy-font export ---------------------------------------------------------------


def test_convert_font_rewrites_only_the_legacy_cells_of_an_xlsx(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    legacy_vni_name(data)
    source = data.exports / "2024-10.xlsx"
    workbook = openpyxl.load_workbook(source)
    workbook.active["B30"] = "=1+1"
    workbook.active["P2"] = "Ông Müller, Công ty ABC®"
    workbook.active["C9"].font = Font(name="VNI-Times", size=13, bold=True)
    workbook.save(source)
    result = generator("convert-font", str(source), "--out", str(tmp_path / "fixed.xlsx"))
    text = assert_plain(result)
    assert result.returncode == 0, text
    assert "ô C9: “Nguyeãn Thò Giang” → “Nguyễn Thị Giang” (VNI)" in text and "Đã chuyển 1 ô" in text
    before, after = openpyxl.load_workbook(source).active, openpyxl.load_workbook(tmp_path / "fixed.xlsx").active
    changed = [c.coordinate for row in before.iter_rows() for c in row if c.value != after[c.coordinate].value]
    assert changed == ["C9"] and after["C9"].value == "Nguyễn Thị Giang"
    assert (after["C9"].font.name, after["C9"].font.size, after["C9"].font.b) == ("Times New Roman", 13, True)
    shutil.move(tmp_path / "fixed.xlsx", source)
    assert generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html")).returncode == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1"])
def test_convert_font_rewrites_a_tcvn3_csv_as_utf8(tmp_path: Path, encoding: str) -> None:
    # As Excel saves .VnTime text: its look-alikes in UTF-8, or its bytes as they are.
    data = DataDir(tmp_path / "data")
    rows = [person_row(i, f"CB{i:04d}", f"Nguoi so {i}", "PTC", final="T", position="Chuyen vien") for i in range(20)]
    rows[2][2] = "§Æng Quèc Hïng"
    rows[3][3] = "Tr\xadëng phßng"
    source = data.export_csv("2024-10.csv", rows, encoding=encoding,
                             header=[strip_marks(h) if encoding == "latin-1" else h for h in PERSON_HEADER])
    result = generator("convert-font", str(source))
    text = assert_plain(result)
    fixed = source.with_name("2024-10 (Unicode).csv")
    assert "Đã chuyển 2 ô" in text and str(fixed) in text
    content = fixed.read_text("utf-8-sig")
    assert "Đặng Quốc Hùng" in content and "Trưởng phòng" in content and "Nguoi so 0" in content
    source.unlink()
    assert generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html")).returncode == 0


def test_convert_font_on_a_unicode_file_writes_nothing(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    source = data.export_csv("2024-10.csv", clean_rows())
    result = generator("convert-font", str(source))
    assert result.returncode == 0 and "không có ô nào" in assert_plain(result)
    assert not source.with_name("2024-10 (Unicode).csv").exists()


@pytest.mark.parametrize("mistake", [mojibake_xlsx, mojibake_csv], ids=["xlsx", "csv"])
def test_convert_font_repairs_utf8_saved_as_ansi_and_never_calls_it_a_legacy_font(tmp_path: Path, mistake) -> None:
    data = DataDir(tmp_path / "data")
    mistake(data)
    [source] = data.exports.iterdir()
    refused = assert_plain(generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html")))
    assert "TCVN3" not in refused.split("Đây không phải")[0] and "VNI" not in refused.split("Đây không phải")[0]
    result = generator("convert-font", str(source))
    text = assert_plain(result)
    assert result.returncode == 0 and "(UTF-8 → ANSI)" in text and "(TCVN3)" not in text and "(VNI)" not in text, text
    assert "“Nguyá»…n VÄƒn An 0” → “Nguyễn Văn An 0” (UTF-8 → ANSI)" in text
    fixed = source.with_name(f"{source.stem} (Unicode){source.suffix}")
    source.unlink()
    result = generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html"))
    assert result.returncode == 0 and "Lỗi: 0" in result.stdout, output_of(result)
    if fixed.suffix == ".csv":
        assert "Nguyễn Văn An 0" in fixed.read_text("utf-8-sig")
    else:
        assert openpyxl.load_workbook(fixed).active["C2"].value == "Nguyễn Văn An 0"


def test_a_csv_opened_as_ansi_and_saved_as_ansi_again_reads_as_it_was(tmp_path: Path) -> None:
    # Excel writes back the very bytes it read: the file is UTF-8 again, nothing to repair.
    data = DataDir(tmp_path / "data")
    people = clean_rows()
    people[1][11] = "Hoàn thành xuất sắc nhiệm vụ"
    rows = [[as_ansi(c) for c in row] for row in [PERSON_HEADER, *people]]
    text = "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"
    (data.exports / "2024-10.csv").write_bytes(text.encode("sloppy-windows-1252"))
    result = generator("build", "--data", str(data.root), "--output", str(tmp_path / "site"))
    assert result.returncode == 0, output_of(result)
    honour = (tmp_path / "site/thang/2024-10/xuat-sac/index.html").read_text("utf-8")
    assert "Trần Thị Bình 1" in honour and "Ã" not in honour


def test_a_changed_published_month_names_its_export_and_rows_not_the_store_file(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    rows = clean_rows()
    data.export_csv("2024-10.csv", rows)
    first = generator("build", "--data", str(data.root), "--output", str(tmp_path / "site"))
    assert first.returncode == 0, output_of(first)
    assert "Docutils" not in output_of(first), "no notice about a Docutils translation nobody sees"
    rows[3][11] = "Hoàn thành nhiệm vụ"
    data.export_csv("2024-10.csv", rows)
    text = assert_plain(generator("build", "--data", str(data.root), "--output", str(tmp_path / "site")))
    assert "exports/2024-10.csv" in text and ".parquet" not in text
    assert f"{rows[3][2]} (mã CB0003): xếp loại T → HT" in text


def test_bare_pelican_says_which_new_months_it_shows_but_does_not_store(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    result = subprocess.run([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(tmp_path / "out"),
                             "-e", f'CONGKHAI_DATA="{data.root}"'], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "CI": "true", "COLUMNS": "400"})
    text = output_of(result)
    assert "Traceback" not in text and "python -m generator build" in text and "tháng 10/2024" in text.lower(), text
    assert not (data.root / "store").exists()


# --- the officer's month, exactly as the README says it (issue 22) ------------------------------

SITE_URL = "https://cong.example.gov.vn/cong-khai"


def clean_environment(home: Path, **variables: str) -> dict[str, str]:
    """What a fresh shell has: no virtual environment, no PYTHONPATH, the system's PATH."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **variables}


def readme_monthly_commands() -> list[str]:
    """The commands of the README's "Mỗi tháng / Each month" steps, as written there."""
    readme = (ROOT / "README.md").read_text("utf-8")
    steps = readme.split("## Mỗi tháng / Each month", 1)[1].split("**Đính chính", 1)[0]
    return [command for command in re.findall(r"`(make [^`]*)`", steps) if command != "make publish"]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def serving(command: list[str], env: dict[str, str], url: str) -> subprocess.Popen:
    """Start a server command and wait until `url` answers (or the command ends)."""
    import urllib.request

    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    while server.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=600).close()  # answered once the first build is done
            return server
        except OSError:  # not listening yet
            time.sleep(0.5)
    raise AssertionError(f"{' '.join(command)} stopped: {server.stdout.read()}")


def stop(server: subprocess.Popen) -> str:
    os.killpg(server.pid, signal.SIGINT)
    output, _ = server.communicate(timeout=60)
    return output


def test_the_readmes_monthly_steps_work_as_written_in_a_fresh_shell(tmp_path: Path) -> None:
    commands = readme_monthly_commands()
    assert commands[:3] == ["make validate", "make new-month THANG=2026-11", "make serve"], commands
    assert any(c.startswith("make publish SITEURL=") for c in commands) and "make preview" in commands
    port = free_port()
    env = clean_environment(tmp_path, DATA=str(tmp_path / "data"), CONTENT=str(tmp_path / "content"),
                            OUTPUT=str(tmp_path / "output"), DIST=str(tmp_path / "dist"), PORT=str(port))
    # A copy of the demo data, and next month's export made as the README says: step 1 copies it in.
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("derived"))
    next_month = generator("demo", "--out", str(tmp_path / "next"), "--last-month", "2026-11")
    named = re.search(r"Tệp xuất của tháng 11/2026: (.+?)\. Để thử", next_month.stdout)
    assert next_month.returncode == 0 and named, output_of(next_month)
    for name in named.group(1).split(", "):
        shutil.copy(name, tmp_path / "data/exports")
    for command in commands:
        if command in ("make serve", "make preview"):
            url = f"http://127.0.0.1:{port}/" + ("cong-khai/" if command == "make preview" else "")
            server = serving(command.split(), env, url)
            try:
                status, _, page = fetch(url)
                assert status == 200 and b"<html" in page
                if command == "make preview":  # the upload as it will look: its stylesheet is served from here
                    stylesheet = re.search(rb'<link rel="stylesheet" href="([^"]+)"', page).group(1).decode()
                    assert stylesheet.startswith(f"http://127.0.0.1:{port}/cong-khai/"), stylesheet
                    status, kind, css = fetch(stylesheet)
                    assert status == 200 and kind.startswith("text/css") and css
                    assert SITE_URL.encode() not in page
                else:
                    assert "11/2026" in page.decode("utf-8")
            finally:
                text = stop(server)
            assert "Traceback" not in text, text
            continue
        result = subprocess.run(command.split(), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        text = output_of(result)
        assert result.returncode == 0 and "Traceback" not in text, f"{command}:\n{text}"
        assert "Done: Processed" not in text and "setuptools" not in text, text
        if command.startswith("make publish"):
            assert "make preview" in text and "http://localhost:8000/cong-khai/" in text, text
    article = (tmp_path / "content/bai-viet/2026-11-ket-qua-xep-loai.md").read_text("utf-8")
    assert "Month: 2026-11" in article
    assert list((tmp_path / "dist").glob("congkhai-*.zip")) and (tmp_path / "data/store/manifest.json").is_file()


def test_a_python_without_the_libraries_names_the_fix_in_one_line(tmp_path: Path) -> None:
    # -S: this interpreter without its site-packages, as python3 outside .venv
    for env, expected in ((clean_environment(tmp_path), "Thiếu thư viện babel"),
                          (clean_environment(tmp_path, LANG="en_US.UTF-8"), "Missing library babel")):
        result = subprocess.run([sys.executable, "-S", "-m", "generator", "validate"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        text = output_of(result)
        assert result.returncode == 1 and len(text.strip().splitlines()) == 1, text
        assert expected in text and ".venv/bin/python -m generator validate" in text and "Traceback" not in text


def test_make_publish_without_an_address_says_how_to_give_it(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    result = subprocess.run(["make", "publish"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env=clean_environment(tmp_path, DATA=str(data.root), DIST=str(tmp_path / "dist")))
    assert result.returncode != 0 and "Traceback" not in output_of(result)
    assert "make publish SITEURL=https://" in result.stderr and "publishconf.py" in result.stderr, result.stderr
    assert not (tmp_path / "dist").exists()


def test_an_announcement_without_a_month_line_warns_before_it_shows_another_month(tmp_path: Path) -> None:
    assert "\nMonth: 2026-10\n" in (ROOT / "content/bai-viet/2026-10-cong-bo-ket-qua.md").read_text("utf-8")
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    content = tmp_path / "content"
    (content / "bai-viet").mkdir(parents=True)
    (content / "bai-viet/thang-10.md").write_text(
        "Title: Kết quả tháng {{ month.month }}\nDate: 2024-11-02\n\n{{ month.xs }} người xuất sắc.\n", "utf-8")
    settings = tmp_path / "settings.py"
    settings.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(ROOT / 'pelicanconf.py')!r}).items() if k.isupper()}})\n"
        f"PATH = {str(content)!r}\nTHEME = {str(ROOT / 'theme')!r}\n", "utf-8")
    build = ["build", "--data", str(data.root), "--output", str(tmp_path / "site"), "--settings", str(settings)]
    first = generator(*build)
    assert first.returncode == 0 and "Month:" not in output_of(first), output_of(first)
    data.export_csv("2024-11.csv", clean_rows("11/2024"))
    second = generator(*build)
    text = assert_plain(second)
    assert second.returncode == 0, text
    assert "thang-10.md không có dòng Month:" in text and "tháng mới nhất, 11/2024, không còn là tháng 10/2024" in text
    assert "thêm dòng “Month: 2024-10”" in text
    (content / "bai-viet/thang-10.md").write_text(
        "Title: Kết quả tháng {{ month.month }}\nDate: 2024-11-02\nMonth: 2024-10\n\n{{ month.xs }} người xuất sắc.\n",
        "utf-8")
    fixed = generator(*build)
    assert fixed.returncode == 0 and "Month:" not in output_of(fixed), output_of(fixed)


def test_help_is_vietnamese_and_english_on_request(tmp_path: Path) -> None:
    from generator import helptext
    from generator.cli import build_parser

    untranslated = [text for _, _, text in helptext.texts(build_parser())
                    if text and text not in helptext.VI and text not in helptext.ARGPARSE_VI]
    assert not untranslated, f"help texts without Vietnamese in generator/helptext.py: {untranslated}"

    def help_of(*args: str, lang: str = "C.UTF-8") -> str:
        result = subprocess.run([sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True,
                                timeout=60, env={**os.environ, "LANG": lang, "LC_ALL": "", "LC_MESSAGES": ""})
        assert result.returncode == 0, output_of(result)
        return result.stdout

    vietnamese = help_of("build", "--help")
    assert vietnamese.startswith("cách dùng:") and "tùy chọn:" in vietnamese and "nơi ghi trang" in vietnamese
    for english in (help_of("build", "--help", "--lang", "en"), help_of("build", "--help", lang="en_GB.UTF-8")):
        assert english.startswith("usage:") and "where the site goes" in english
    mistyped = generator("buidl")
    assert mistyped.returncode == 2 and "lỗi:" in mistyped.stderr and "không có lựa chọn 'buidl'" in mistyped.stderr


def test_counts_of_a_thousand_or_more_read_with_a_dot(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    rows = clean_rows(count=1200)
    data.export_csv("2024-10.csv", rows)
    changed = [list(row) for row in rows]
    changed[10][11] = "Hoàn thành nhiệm vụ"
    data.export_csv("2024-10 (ban sua).csv", changed)
    text = assert_plain(generator("validate", "--data", str(data.root), "--report", str(tmp_path / "r.html")))
    assert "(1.200 người)" in text and "1.200 người có trong cả hai" in text
    assert not re.search(r"\b\d{4,} (người|tệp|dòng|ô)", text), text


def test_the_input_format_is_documented_in_the_project() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "../shared" not in readme and "(docs/input-format.md)" in readme
    documented = (ROOT / "docs/input-format.md").read_text("utf-8")
    for section in ("Matching text", "The rating scale", "Person-level exports", "Identity", "The month",
                    "Units registry", "Unit-level summaries", "Figures", "Errors and warnings", "Publication policy"):
        assert f". {section}" in documented, section
    assert "Thủ trưởng xếp loại" in documented and "withheld.csv" in documented


def test_demo_last_month_adds_the_next_months_export_to_the_same_months(tmp_path: Path) -> None:
    small = ["--units", "10", "--staff", "60"]
    assert generator("demo", "--out", str(tmp_path / "now"), *small).returncode == 0
    result = generator("demo", "--out", str(tmp_path / "next"), "--last-month", "11/2026", *small)
    text = assert_plain(result)
    assert result.returncode == 0 and "Tệp xuất của tháng 11/2026:" in text and "(11/2024–11/2026;" in text
    now = {p.name: p.read_bytes() for p in (tmp_path / "now/exports").iterdir()}
    later = {p.name: p.read_bytes() for p in (tmp_path / "next/exports").iterdir()}
    assert now and all(later.get(name) == content for name, content in now.items()), "the earlier months are the same"
    new = set(later) - set(now)
    assert new and all(str(tmp_path / "next/exports" / name) in text for name in new)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A real file system of a given size (tmpfs; CI runs as root), unmounted after the test."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        folder = tmp_path / f"disk-{len(mounted)}"
        folder.mkdir()
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True,
                              text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def the_one_error_line(result: subprocess.CompletedProcess) -> str:
    """What a command said went wrong: one line on standard error, beside any warnings of the build."""
    text = assert_plain(result)
    assert result.returncode == 1, text
    errors = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("Bài viết ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_disk_too_small_for_the_site_is_one_line_and_leaves_nothing(tmp_path: Path, small_disk) -> None:
    disk = small_disk("1m")  # the theme's plotly.js alone is 1 MB
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    line = the_one_error_line(generator("build", "--data", str(data.root), "--output", str(disk / "site")))
    assert line.startswith(f"Hết chỗ trống ở {disk}: cần hơn ") and "còn trống" in line and "Giải phóng chỗ trống" in line
    assert "Trang đã công bố và kho dữ liệu không thay đổi." in line
    assert not any(disk.iterdir()), list(disk.iterdir())  # no staging folder, no half a site
    assert not (data.root / "store").exists()


def test_a_full_disk_keeps_the_old_site_whether_seen_before_or_during_the_build(tmp_path: Path, small_disk) -> None:
    from generator.core.space import folder_bytes

    disk = small_disk("8m")
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    site = disk / "site"
    assert generator("build", "--data", str(data.root), "--output", str(site)).returncode == 0
    old, old_size = files_of(site), folder_bytes(site)
    stored = files_of(data.root / "store")
    data.export_csv("2024-11.csv", clean_rows("11/2024"))
    data.export_csv("2024-12.csv", clean_rows("12/2024"))

    def leave_free(amount: int) -> None:
        ballast = disk / "ballast"
        ballast.unlink(missing_ok=True)
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        ballast.write_bytes(b"\0" * (free - amount))

    # Less room than the last site took: refused before anything is read.
    leave_free(old_size // 2)
    line = the_one_error_line(generator("build", "--data", str(data.root), "--output", str(site)))
    assert line.startswith(f"Hết chỗ trống ở {disk}: cần khoảng ") and "ở đó chỉ còn trống" in line, line
    # Room for the last site but not for the new one (three months, rendered in full): it fills up midway.
    leave_free(old_size + 64_000)
    line = the_one_error_line(generator("build", "--data", str(data.root), "--output", str(site), "--full"))
    assert line.startswith(f"Hết chỗ trống ở {disk}: cần hơn "), line
    assert files_of(site) == old and files_of(data.root / "store") == stored
    assert sorted(p.name for p in disk.iterdir()) == [".site.build", "ballast", "site"]


def test_a_read_only_disk_is_one_line(tmp_path: Path, small_disk) -> None:
    disk = small_disk("8m")
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    assert generator("build", "--data", str(data.root), "--output", str(disk / "site")).returncode == 0
    old = files_of(disk / "site")
    assert subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True).returncode == 0
    line = the_one_error_line(generator("build", "--data", str(data.root), "--output", str(disk / "site"), "--full"))
    assert line.startswith(f"Không ghi được vào {disk}: ổ đĩa chỉ cho đọc."), line
    assert files_of(disk / "site") == old


def test_no_room_for_publishs_zips_is_one_line_that_says_what_was_done(tmp_path: Path, small_disk) -> None:
    disk = small_disk("200k")
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", clean_rows())
    result = generator("publish", "--data", str(data.root), "--output", str(tmp_path / "site"), "--dist", str(disk),
                       "--site-url", SITE_URL)
    line = the_one_error_line(result)
    assert line.startswith(f"Hết chỗ trống ở {disk}:") and "chỉ chưa ghi được các tệp zip" in line, line
    assert not any(disk.iterdir()), list(disk.iterdir())  # no half-written zip


def test_every_kind_of_unwritable_disk_is_one_line_naming_the_folder(tmp_path: Path) -> None:
    import errno

    from generator.core import space

    said = {}
    for number in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM):
        # as the code that writes a folder leaves it: a write() error carries no file name
        error = space.annotate(OSError(number, os.strerror(number)), tmp_path / "dist" / "site")
        for lang in ("vi", "en"):
            line = space.explain(error, lang)
            assert "\n" not in line and str(tmp_path) in line and "Traceback" not in line
            said[number, lang] = line
    assert "chỉ còn trống" in said[errno.ENOSPC, "vi"] and "is free there" in said[errno.ENOSPC, "en"]
    assert "hạn mức" in said[errno.EDQUOT, "vi"] and "chỉ còn trống" not in said[errno.EDQUOT, "vi"]
    assert "chỉ cho đọc" in said[errno.EROFS, "vi"] and "read-only" in said[errno.EROFS, "en"]
    assert "Không có quyền ghi vào" in said[errno.EACCES, "vi"] and "No permission to write" in said[errno.EACCES, "en"]
    # pyarrow says a full disk only in its text
    assert space.is_disk_error(OSError("[Errno 28] Error writing bytes to file")) and not space.is_disk_error(ValueError())
