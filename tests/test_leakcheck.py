"""The leak check (generator/round/leakcheck.py): every kind of private value is found wherever it
is planted, ordinary public text is not taken for one, and a build that would publish one
fails and leaves the previous site in place."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEFAULT_UNITS, DataDir, person_row
from generator.round import leak_needles, leak_scan
from generator.core.config import read_settings_file
from generator.round.leak_scan import LeakFound
from generator.round.leak_needles import ATTACHED, ID, NAME, NOTE, SOURCE_MAP, WITHHELD
from generator.round.pipeline import DataFolder, prepare

ROOT = Path(__file__).resolve().parent.parent
XS = "Hoàn thành xuất sắc nhiệm vụ"
T = "Hoàn thành tốt nhiệm vụ"
HT = "Hoàn thành nhiệm vụ"

PUBLISHED = "Trần Văn Bảo"  # XS, on the honour list; self-rated T, scores 95 and 96
PRIVATE_ID = "CBX-10002"
PRIVATE_NAME = "Phạm Văn Kín"  # HT: on no honour list
PRIVATE_NOTE = "Lý do hạ mức riêng tư số một"
WITHHELD_ID, WITHHELD_NAME = "CBX-10003", "Vũ Thị Ẩn"  # XS, but in withheld.csv
SHORT_NAME = "Văn An"  # private, and part of the published "Nguyễn Văn An"
NAMESAKE = "Trần Thị Bình"  # one is T, the other XS: the name is published
PLACE_NAME = "Hoàng Mai"  # a person named like the unit "UBND phường Hoàng Mai"
COMMON_NOTE = "Nghỉ thai sản"  # carried by four people: identifies nobody alone
SCHOOL = "Trường Tiểu học số 95"  # a number in a unit's name equal to a published person's score

UNITS = [*DEFAULT_UNITS,
         ["HM", "UBND phường Hoàng Mai", "Khối Phường", "Cấp phường", "", "", "", ""],
         ["TH95", SCHOOL, "Khối Trường học", "Cấp phường", "", "", "", ""]]


def write_fixture(root: Path) -> DataDir:
    data = DataDir(root)
    data.units(UNITS)
    rows = [
        person_row(1, "CBX-10001", PUBLISHED, "TH95", final=XS, self_rating=T, score="96", self_score="95", reward="1.170.000"),
        person_row(2, PRIVATE_ID, PRIVATE_NAME, "PTC", final=HT, note=PRIVATE_NOTE),
        person_row(3, WITHHELD_ID, WITHHELD_NAME, "PTC", final=XS),
        person_row(4, "CBX-10004", SHORT_NAME, "PTC", final=T),
        person_row(5, "CBX-10005", "Nguyễn Văn An", "PTC", final=XS),
        person_row(6, "CBX-10006", NAMESAKE, "PTC", final=T),
        person_row(7, "CBX-10007", NAMESAKE, "THGB", final=XS),
        person_row(8, "CBX-10008", PLACE_NAME, "HM", final=T),
        person_row(9, "12", "Lê Thị Mười Hai", "HM", final=T),  # an id too short to search for
    ]
    rows += [person_row(10 + i, f"CBX-2000{i}", f"Đỗ Văn Thường {i}", "THGB", final=T, note=COMMON_NOTE) for i in range(4)]
    data.export_csv("2024-10.csv", rows)
    data.withheld([WITHHELD_ID])
    return data


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> DataDir:
    return write_fixture(tmp_path_factory.mktemp("leak") / "data")


@pytest.fixture(scope="module")
def needles(data):
    view, loaded = prepare(DataFolder(data.root), read_settings_file(ROOT / "pelicanconf.py"))
    assert view is not None, [p.render() for p in loaded.problems.errors]
    return leak_needles.private_values(loaded.all_months.private, loaded.withheld, view)


def plant(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def findings(root: Path, needles) -> set[tuple[str, int]]:
    with pytest.raises(LeakFound) as caught:
        leak_scan.check_output(root, needles)
    return {(f.path, f.kind) for f in caught.value.findings}


def test_every_kind_of_private_value_is_found_in_every_kind_of_file(tmp_path, needles):
    ascii_json = json.dumps({"ho_ten": PUBLISHED, "tu_xep_loai": T})  # \uXXXX escapes
    site = plant(tmp_path / "site", {
        "thang/2024-10/index.html": f"<table><tr><td>{PRIVATE_ID}</td></tr></table>",
        "don-vi/PTC/index.html": f"<p>{PRIVATE_NAME}</p>",
        "tim-kiem/ten.json": json.dumps([{"t": "vu thi an"}]),  # the withheld name, folded
        "du-lieu/2024-10/ghi-chu.csv": f"\ufeffthang,ghi_chu\r\n2024-10,{PRIVATE_NOTE}\r\n",
        "thang/2024-10/xuat-sac/index.html": f"<ol>\n<li><span>{PUBLISHED}</span>, Chuyên viên · 95</li>\n</ol>",
        "du-lieu/2024-10/xuat-sac.json": ascii_json,
        "feeds/thang.atom.xml": f"<feed><entry><title>{WITHHELD_NAME}</title></entry></feed>",
        "theme/js/app.js": "console.log(1);\n//# sourceMappingURL=app.js.map\n",
        "theme/js/app.js.map": "{}",
        f"don-vi/{PRIVATE_ID}/index.html": "<p>trang</p>",
        "tim-kiem/chi-muc.json.gz": gzip.compress(PRIVATE_NAME.upper().encode()),
    })
    assert findings(site, needles) == {
        ("thang/2024-10/index.html", ID),
        ("don-vi/PTC/index.html", NAME),
        ("tim-kiem/ten.json", WITHHELD),
        ("du-lieu/2024-10/ghi-chu.csv", NOTE),
        ("thang/2024-10/xuat-sac/index.html", ATTACHED),
        ("du-lieu/2024-10/xuat-sac.json", ATTACHED),
        ("feeds/thang.atom.xml", WITHHELD),
        ("theme/js/app.js", SOURCE_MAP),
        ("theme/js/app.js.map", SOURCE_MAP),
        (leak_needles.FILE_NAMES, ID),
        ("tim-kiem/chi-muc.json.gz", NAME),
    }


def test_the_message_names_file_and_kind_but_never_the_value(tmp_path, needles):
    site = plant(tmp_path / "site", {"a/index.html": f"<p>{PRIVATE_NAME} {PRIVATE_ID} {PRIVATE_NOTE}</p>"})
    with pytest.raises(LeakFound) as caught:
        leak_scan.check_output(site, needles)
    message = caught.value.render()
    assert "a/index.html" in message and "mã cán bộ" in message and "ghi chú" in message
    for value in (PRIVATE_NAME, PRIVATE_ID, PRIVATE_NOTE, "Kín", "10002"):
        assert value not in message


@pytest.mark.parametrize("text", [
    # a private two-word name inside a published name
    "<li>Nguyễn Văn An, Chuyên viên</li>",
    # a private person whose namesake is on the honour list
    f"<li>{NAMESAKE}</li>",
    # a private name that is part of a unit's name
    "<h2>UBND phường Hoàng Mai</h2>",
    # an id too short to tell from a figure
    "<td>12</td><td>12,50%</td>",
    # a note so common it identifies nobody, away from any name
    f"<p>Không đánh giá: {COMMON_NOTE}, mới tuyển dụng.</p>",
    # a published name with its public position and reward
    f"<li><span>{PUBLISHED}</span>, Chuyên viên · 1.170.000 đ</li>",
    # a published person's score equal to a number in the unit's name beside it
    f"2024-10,{PUBLISHED},Chuyên viên,TH95,{SCHOOL},1170000\r\n",
    # the score on another line than the name
    f"<li>{PUBLISHED}</li>\n<li>Tổng: 95 người</li>",
    # a longer word that starts with a private name
    "<p>Phạm Văn Kínhx</p>",
], ids=["inside-published", "namesake", "unit-name", "short-id", "common-note", "published-line",
        "number-in-unit-name", "next-line", "word-boundary"])
def test_public_text_is_not_taken_for_a_private_value(tmp_path, needles, text):
    site = plant(tmp_path / "site", {"trang/index.html": text})
    leak_scan.check_output(site, needles)


def test_what_counts_as_private(needles):
    assert leak_needles.distinctive_id("CB001") and leak_needles.distinctive_id("000123")
    assert leak_needles.distinctive_id("012345678901") and leak_needles.distinctive_id("01.003.00012")
    for figure_like in ("12", "2024", "123456", "2024-10", "1.234", "ab"):
        assert not leak_needles.distinctive_id(figure_like)
    assert not leak_needles.distinctive_name("An") and leak_needles.distinctive_name("Lê An")
    assert needles.skipped[ID] == 1  # "12"
    assert needles.skipped[NOTE] == 1  # the common note
    masked = leak_needles.mask(PRIVATE_NAME)
    assert PRIVATE_NAME not in masked and "12 ký tự" in masked


def test_honour_list_off_makes_every_name_private(data, tmp_path):
    settings = {**read_settings_file(ROOT / "pelicanconf.py"), "CONGKHAI_HONOUR_LIST": False}
    view, loaded = prepare(DataFolder(data.root), settings)
    needles = leak_needles.private_values(loaded.all_months.private, loaded.withheld, view)
    site = plant(tmp_path / "site", {"a.html": f"<li>{PUBLISHED}</li>"})
    assert findings(site, needles) == {("a.html", NAME)}


# --- The check inside the build ------------------------------------------------


def leaking_settings(tmp_path: Path) -> Path:
    """An officer's announcement that names people it must not, and a script with its source map."""
    content = tmp_path / "content"
    plant(content, {
        "bai-viet/2024-10.md": (
            "Title: Kết quả tháng 10/2024\nDate: 2024-11-02\nSlug: 2024-10\n\n"
            f"Chúc mừng {PUBLISHED} (tự xếp loại: {T}).\n\n"
            f"Nhắc nhở {PRIVATE_NAME} ({PRIVATE_ID}): {PRIVATE_NOTE}.\n\n"
            f"Cảm ơn {WITHHELD_NAME}.\n"
        ),
        "tep/extra.js": "//# sourceMappingURL=extra.js.map\n",
        "tep/extra.js.map": "{}",
    })
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nTHEME = {str(ROOT / 'theme')!r}\nSTATIC_PATHS = ['tep']\n",
        "utf-8",
    )
    return settings


def run_build(data: DataDir, output: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data.root), "--output", str(output), *options],
                          cwd=ROOT, capture_output=True, text=True)


def test_a_clean_build_passes_the_check_and_says_so(tmp_path):
    data = write_fixture(tmp_path / "data")
    result = run_build(data, tmp_path / "output")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Kiểm tra rò rỉ" in result.stdout and "không có dữ liệu riêng tư" in result.stdout


def test_a_build_that_would_leak_fails_and_the_previous_site_stays(tmp_path):
    data = write_fixture(tmp_path / "data")
    output = tmp_path / "output"
    output.mkdir()
    (output / "index.html").write_text("previous site", "utf-8")
    result = run_build(data, output, "--settings", str(leaking_settings(tmp_path)))
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert "Traceback" not in said
    assert "bai-viet/2024-10/index.html" in said
    for kind in (ID, NAME, WITHHELD, NOTE, ATTACHED, SOURCE_MAP):
        assert leak_needles.KINDS[kind] in said, kind
    for value in (PRIVATE_NAME, PRIVATE_ID, PRIVATE_NOTE, WITHHELD_NAME):
        assert value not in said
    assert [p.name for p in output.iterdir()] == ["index.html"]
    assert (output / "index.html").read_text("utf-8") == "previous site"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".output.")], "staging folder left behind"
    assert not (data.root / "store").exists() or not any((data.root / "store").iterdir()), "months recorded for a refused site"


def test_a_published_name_inside_a_unit_name_is_not_a_person(tmp_path):
    data = DataDir(tmp_path / "data")
    data.units([*DEFAULT_UNITS, ["ND", "Trường THCS Nguyễn Du", "Khối Trường học", "Cấp phường", "", "", "", ""]])
    data.export_csv("2024-10.csv", [person_row(1, "CBX-30001", "Nguyễn Du", "PTC", final=XS, score="92"),
                                    person_row(2, "CBX-30002", "Lê Văn Học", "ND", final=T)])
    view, loaded = prepare(DataFolder(data.root), read_settings_file(ROOT / "pelicanconf.py"))
    needles = leak_needles.private_values(loaded.all_months.private, loaded.withheld, view)
    quiet = plant(tmp_path / "quiet", {"a.html": "<tr><th>Trường THCS Nguyễn Du</th><td>92<br><small>12,5%</small></td></tr>"})
    leak_scan.check_output(quiet, needles)
    loud = plant(tmp_path / "loud", {"a.html": "<tr><th>Nguyễn Du</th><td>92</td></tr>"})
    assert findings(loud, needles) == {("a.html", ATTACHED)}


def test_the_sites_own_example_text_is_not_a_person(tmp_path):
    data = DataDir(tmp_path / "data")
    data.export_csv("2024-10.csv", [person_row(1, "CBX-40001", "Đặng Thị An", "PTC", final=T)])
    view, loaded = prepare(DataFolder(data.root), read_settings_file(ROOT / "pelicanconf.py"))
    needles = leak_needles.private_values(loaded.all_months.private, loaded.withheld, view)
    hint = [t for t in leak_needles.fixed_texts() if "“Đặng Thị An”" in t]
    assert hint, "the search page's example changed: pick another name for this test"
    leak_scan.check_output(plant(tmp_path / "help", {"tim-kiem/index.html": f"<small>{hint[0]}</small>"}), needles)
    assert findings(plant(tmp_path / "leak", {"a.html": "<li>Đặng Thị An</li>"}), needles) == {("a.html", NAME)}
