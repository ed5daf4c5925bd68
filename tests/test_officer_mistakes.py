"""The officer's bad day: every command, run as the officer runs it, with each kind of mistake.

One rule for all of them: no traceback, and no more than a screenful (40
lines) of output for a single mistake; the message names what is wrong and
what to do.
"""
from __future__ import annotations

import html
import os
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
