"""Hostile files dropped into exports/: each one ends the build with a clear error naming the
file, never a traceback, within bounded time and memory, and the site already published stays.

Every case runs the real command, `python -m generator build`, over a data folder that also
holds a good export and over an output/ folder that holds the previous site. The build runs in
a child process whose peak memory (its own and the xlsx reader's) and time are measured; they
are printed (`pytest -s`), and memory is held to the reader's designed bound.

The bounds come from generator/ingest/files.py: files over 50 MB and xlsx declaring over
500 MB are refused before reading; a table over 20 million cells is refused; an xlsx is read
in a child process limited to 4 GB of address space and 120 seconds.
"""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import DataDir, person_row

ROOT = Path(__file__).resolve().parent.parent
MEMORY_BOUND_BYTES = 4 * 1024**3  # XLSX_WORKER_MEMORY_BYTES; the main process stays far below it
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER = ["STT", "Mã CB", "Họ và tên", "Chức vụ", "Mã đơn vị", "Tháng", "Thủ trưởng xếp loại"]
ROW = ["1", "CB-1", "Nguyễn Văn An", "Chuyên viên", "PTC", "10/2024", "Hoàn thành tốt nhiệm vụ"]

# Run the build as a child and report its peak memory: RUSAGE_CHILDREN covers the build and the
# xlsx worker it waits for.
MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr,
                  "seconds": time.perf_counter() - started, "peak_bytes": usage.ru_maxrss * 1024}))
"""


def _xml_cells(values: list[str]) -> str:
    return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)


def raw_xlsx(path: Path, rows) -> Path:
    """A minimal workbook written as XML, so that a million rows take a second, not a minute."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/>'
                         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                         "</Types>")
        archive.writestr("_rels/.rels",
                         '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                         "</Relationships>")
        archive.writestr("xl/workbook.xml",
                         '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                         '<sheets><sheet name="T10" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                         "</Relationships>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for chunk in rows:
                sheet.write(chunk.encode("utf-8"))
            sheet.write(b"</sheetData></worksheet>")
    return path


def empty_rows(first: int, count: int, batch: int = 10_000):
    """Rows that hold only an empty text cell: what formatting copied down a sheet leaves."""
    for start in range(first, first + count, batch):
        yield "".join(f'<row r="{r}"><c r="G{r}" t="inlineStr"><is><t></t></is></c></row>'
                      for r in range(start, min(start + batch, first + count)))


def zip_bomb(path: Path) -> Path:
    """A sheet that claims to unpack to 2 GB (a real one would take minutes to build here)."""
    raw_xlsx(path, [f"<row>{_xml_cells(HEADER)}</row>"])
    data = bytearray(path.read_bytes())
    directory = data.rindex(b"PK\x01\x02")  # the last entry of the central directory: the sheet
    data[directory + 24: directory + 28] = (2 * 1024**3 - 1).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def lying_zip(path: Path) -> Path:
    """The opposite lie: a sheet that unpacks to 100 MB while its directory says 1 KB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b"<c/>" * (25 * 1024 * 1024) + b"</row>")
    data = bytearray(path.read_bytes())
    directory = data.rindex(b"PK\x01\x02")
    data[directory + 24: directory + 28] = (1024).to_bytes(4, "little")
    local = data.rindex(b"PK\x03\x04")
    data[local + 22: local + 26] = (1024).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def truncated_xlsx(path: Path) -> Path:
    whole = raw_xlsx(path, [f"<row>{_xml_cells(HEADER)}</row><row>{_xml_cells(ROW)}</row>"]).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def csv_of_empty_rows(path: Path) -> Path:
    path.write_bytes(b",,,,,,\r\n" * 1_000_000)
    return path


CASES = {
    # name: (file name, how to make it, what the officer is told)
    "zip-bomb": ("bomb.xlsx", zip_bomb, "vượt giới hạn 500 MB"),
    "lying-zip": ("lying.xlsx", lying_zip, "Tệp .xlsx bị hỏng"),
    "truncated-xlsx": ("cut.xlsx", truncated_xlsx, "bị hỏng hoặc không đầy đủ"),
    "password-xlsx": ("secret.xlsx", lambda p: p.write_bytes(OLE2 + "EncryptionInfo".encode("utf-16-le") * 8 + b"\0" * 4096) and p,
                      "được đặt mật khẩu"),
    "xls": ("old.xls", lambda p: p.write_bytes(OLE2 + "Workbook".encode("utf-16-le") + b"\0" * 4096) and p, "lưu lại dưới dạng .xlsx"),
    "binary-csv": ("photo.csv", lambda p: p.write_bytes(bytes(range(256)) * 4000) and p, "dữ liệu nhị phân"),
    "empty-file": ("empty.csv", lambda p: p.write_bytes(b"") or p, "Tệp rỗng (0 byte)"),
    "million-empty-csv-rows": ("blank.csv", csv_of_empty_rows, "Tệp không có dữ liệu"),
    "million-empty-xlsx-rows": ("blank.xlsx", lambda p: raw_xlsx(p, empty_rows(1, 1_000_000)), "mọi trang tính đều trống"),
}


def measured_build(data: DataDir, output: Path) -> dict:
    command = [sys.executable, "-m", "generator", "build", "--data", str(data.root), "--output", str(output)]
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def previous_site(output: Path) -> Path:
    output.mkdir()
    (output / "index.html").write_text("previous site", "utf-8")
    return output


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_gets_a_clear_error_and_the_previous_site_stays(tmp_path, case):
    name, make, told = CASES[case]
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", [person_row(1, "CB-1", "Nguyễn Văn An", "PTC")])
    make(data.exports / name)
    output = previous_site(tmp_path / "output")
    run = measured_build(data, output)
    said = run["out"] + run["err"]
    print(f"\n{case}: {run['seconds']:.2f} s, peak {run['peak_bytes'] / 1024**2:.0f} MB")
    assert run["code"] == 1, said
    assert "Traceback" not in said
    assert f"exports/{name}" in said and told in said, said
    assert [p.name for p in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_text("utf-8") == "previous site"
    assert run["peak_bytes"] < MEMORY_BOUND_BYTES


def test_a_million_empty_rows_after_the_data_are_no_trouble(tmp_path):
    data = DataDir(tmp_path / "data")
    raw_xlsx(data.exports / "2024-10.xlsx",
             [f"<row r=\"1\">{_xml_cells(HEADER)}</row><row r=\"2\">{_xml_cells(ROW)}</row>", *empty_rows(3, 1_000_000)])
    with (data.exports / "2024-11.csv").open("w", encoding="utf-8") as csv_file:
        csv_file.write(",".join(HEADER) + "\n" + ",".join(ROW).replace("10/2024", "11/2024") + "\n" + ",,,,,,\n" * 1_000_000)
    output = tmp_path / "output"
    run = measured_build(data, output)
    print(f"\nmillion-empty-rows-after-data: {run['seconds']:.2f} s, peak {run['peak_bytes'] / 1024**2:.0f} MB")
    assert run["code"] == 0, run["out"] + run["err"]
    assert (output / "thang/2024-10/index.html").exists() and (output / "thang/2024-11/index.html").exists()
    assert run["peak_bytes"] < MEMORY_BOUND_BYTES


def test_a_unit_code_that_is_not_a_safe_address_is_refused(tmp_path):
    data = DataDir(tmp_path / "data")
    data.units([["../../ETC", "Đơn vị lạ", "Khối Chính quyền", "", "", "", "", ""],
                ["<B>", "Đơn vị khác", "Khối Chính quyền", "", "", "", "", ""],
                ["PTC", "Phòng Tài chính - Kế hoạch", "Khối Chính quyền", "Cấp quận", "", "", "", ""]])
    data.export_csv("2024-10.csv", [person_row(1, "CB-1", "Nguyễn Văn An", "PTC")])
    output = previous_site(tmp_path / "output")
    run = measured_build(data, output)
    said = run["out"] + run["err"]
    assert run["code"] == 1 and "Traceback" not in said
    assert said.count("Mã đơn vị chỉ được gồm chữ, chữ số") == 2, said
    assert not (tmp_path / "ETC").exists()
    assert (output / "index.html").read_text("utf-8") == "previous site"
