"""End to end: a small data folder through `python -m generator build` to files a citizen downloads."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import person_row

ROOT = Path(__file__).resolve().parent.parent

XS = "Hoàn thành xuất sắc nhiệm vụ"
T = "Hoàn thành tốt nhiệm vụ"
HT = "Hoàn thành nhiệm vụ"

# Values the publication policy keeps private; none may appear under output/.
PRIVATE_IDS = ["CBX-90001", "CBX-90002", "CBX-90003", "CBX-90004", "CBX-90005", "CBX-90006"]
PRIVATE_NOTES = ["Ghi chú riêng tư số một", "Lý do hạ mức bí mật"]
PRIVATE_NAMES = ["Phạm Văn Không Công Bố", "Vũ Thị Kín Tên"]  # not on the honour list / withheld
SELF_SCORES = ["67.89", "58.73"]


def honour_people():
    return [("CBX-90001", "Trần Văn Bảo"), ("CBX-90002", "Nguyễn Thị An"), ("CBX-90003", "Lê Văn Ánh"), ("CBX-90004", "Đặng Thị An")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import DataDir

    root = tmp_path_factory.mktemp("site")
    data = DataDir(root / "data")
    rows = [person_row(i, pid, name, "PTC", final=XS, reward="1.170.000", position="Chuyên viên")
            for i, (pid, name) in enumerate(honour_people(), start=1)]
    rows.append(person_row(5, "CBX-90005", PRIVATE_NAMES[0], "PTC", final=HT, self_rating=T, self_score=SELF_SCORES[0], note=PRIVATE_NOTES[1]))
    rows.append(person_row(6, "CBX-90006", PRIVATE_NAMES[1], "PTC", final=XS, self_score=SELF_SCORES[1], note=PRIVATE_NOTES[0], position="Trưởng phòng"))
    rows += [person_row(10 + i, f"P-{i:03d}", f"Người Thứ {i}", "THGB", final=T) for i in range(12)]
    rows += [person_row(30 + i, f"Q-{i:03d}", f"Người Khác {i}", "THGB", final=HT) for i in range(2)]
    data.export_csv("2024-10.csv", rows)
    data.withheld(["CBX-90006"])
    output = root / "output"
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data.root), "--output", str(output)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output, data, rows


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_unit_csv_figures_equal_the_fixture(built):
    output, _, rows = built
    by_unit = {r["ma_don_vi"]: r for r in read_csv(output / "du-lieu/2024-10/don-vi.csv")}
    assert set(by_unit) == {"PTC", "THGB"}
    ptc = by_unit["PTC"]  # 6 people, under 10 evaluated: HT and K merged
    assert (ptc["tong_so"], ptc["duoc_danh_gia"], ptc["xs"], ptc["tot"]) == ("6", "6", "5", "0")
    # Merged: no HT, K, nâng mức or hạ mức of its own (contract section 10).
    assert (ptc["hoan_thanh"], ptc["khong_hoan_thanh"], ptc["ht_k_gop"], ptc["nang_muc"], ptc["ha_muc"]) == ("", "", "1", "", "")
    assert (ptc["so_khen_thuong"], ptc["tien_khen_thuong"]) == ("4", str(4 * 1170000))
    school = by_unit["THGB"]
    assert (school["tong_so"], school["tot"], school["hoan_thanh"], school["khong_hoan_thanh"], school["ht_k_gop"]) == ("14", "12", "2", "0", "")
    assert (output / "du-lieu/2024-10/don-vi.json").exists()
    assert json.loads((output / "du-lieu/2024-10/don-vi.json").read_text("utf-8"))[0]["ma_don_vi"] == "PTC"


def test_honour_list_in_vietnamese_name_order_with_withheld_line(built):
    output, _, _ = built
    honour = read_csv(output / "du-lieu/2024-10/xuat-sac.csv")
    assert [r["ho_ten"] for r in honour] == ["Đặng Thị An", "Nguyễn Thị An", "Lê Văn Ánh", "Trần Văn Bảo", "(không công bố)"]
    html = (output / "thang/2024-10/xuat-sac/index.html").read_text("utf-8")
    positions = [html.index(name) for name in ("Đặng Thị An", "Nguyễn Thị An", "Lê Văn Ánh", "Trần Văn Bảo")]
    assert positions == sorted(positions)


def test_no_private_value_appears_anywhere_in_output(built):
    output, _, _ = built
    forbidden = PRIVATE_IDS + PRIVATE_NOTES + PRIVATE_NAMES + SELF_SCORES + [s.replace(".", ",") for s in SELF_SCORES]
    forbidden += [f"Người Thứ {i}" for i in range(12)] + ["Người Khác 0", "Trưởng phòng"]
    for path in output.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace") + str(path)
            for value in forbidden:
                assert value not in text, f"{value!r} leaked into {path.relative_to(output)}"


def test_pages_at_the_contract_addresses(built):
    output, _, _ = built
    for page in ["index.html", "thang/2024-10/index.html", "thang/2024-10/xuat-sac/index.html",
                 "don-vi/PTC/index.html", "don-vi/THGB/index.html", "du-lieu/index.html",
                 "don-vi/PTC/2024/index.html", "en/don-vi/PTC/2024/index.html",
                 "du-lieu/2024/don-vi.csv", "du-lieu/2024/don-vi.json", "du-lieu/tong-hop.csv", "du-lieu/datapackage.json"]:
        assert (output / page).is_file(), page
    home = (output / "index.html").read_text("utf-8")
    assert 'lang="vi"' in home and "Tháng 10/2024" in home


def test_numbers_are_formatted_the_vietnamese_way(built):
    output, _, _ = built
    month = (output / "thang/2024-10/index.html").read_text("utf-8")
    # THGB: 12 of 14 rated T = 85.714...% -> 85,71%
    assert "85,71%" in month


def test_run_with_errors_writes_nothing_and_exits_1(tmp_path):
    from conftest import DataDir

    data = DataDir(tmp_path / "data")
    data.export_csv("a.csv", [person_row(1, "1", "An", "PTC", final="???")])
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("previous site")
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data.root), "--output", str(output)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "exports/a.csv" in result.stdout and "dòng 2" in result.stdout and "???" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert [p.name for p in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_text() == "previous site"


def test_validate_reports_and_exits_by_errors(tmp_path):
    from conftest import DataDir

    data = DataDir(tmp_path / "data")
    data.export_csv("a.csv", [person_row(1, "1", "An", "PTC")])
    ok = subprocess.run([sys.executable, "-m", "generator", "validate", "--data", str(data.root)], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    data.export_csv("b.csv", [person_row(1, "2", "Bình", "XX")])
    bad = subprocess.run([sys.executable, "-m", "generator", "validate", "--data", str(data.root)], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 1 and "exports/b.csv" in bad.stdout
