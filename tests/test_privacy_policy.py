"""The publication policy (contract section 10) holds in every file of the site: pages,
downloads, feeds, the search index, chart data; in old months as in the latest.

Each build here goes through `python -m generator build` with a settings file that
changes one policy setting, and the checks read every file under output/.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builds import settings_file
from conftest import DataDir, person_row
from generator.core.text import fold

ROOT = Path(__file__).resolve().parent.parent
XS, T, HT, K = ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
                "Không hoàn thành nhiệm vụ")
MONTHS = ("09/2024", "10/2024")
WITHHELD_ID, WITHHELD_NAME, WITHHELD_POSITION = "CBW-0001", "Vũ Thị Kín Tên", "Phó Chánh Thanh tra"
HONOUR_NAME = "Đặng Thị Công Khai"
SMALL = "TL"  # 7 evaluated: XS 1, T 2, HT 3, K 1 -> HT 42,86%, K 14,29% of the headcount


def write_data(root: Path) -> DataDir:
    data = DataDir(root)
    for month in MONTHS:
        rows = [
            person_row(1, "CBH-0001", HONOUR_NAME, "PTC", month=month, final=XS, reward="1.170.000"),
            person_row(2, WITHHELD_ID, WITHHELD_NAME, "PTC", month=month, final=XS, reward="1.170.000", position=WITHHELD_POSITION),
        ]
        rows += [person_row(10 + i, f"CBP-{i:04d}", f"Ngô Văn Phòng {i}", "PTC", month=month, final=T) for i in range(12)]
        levels = [XS, T, T, HT, HT, HT, K]
        rows += [person_row(30 + i, f"CBL-{i:04d}", f"Lý Thị Phường {i}", SMALL, month=month, final=level)
                 for i, level in enumerate(levels)]
        rows += [person_row(40 + i, f"CBG-{i:04d}", f"Mai Văn Giang {i}", "GB", month=month, final=T if i else HT) for i in range(12)]
        data.export_csv(f"{month[3:]}-{month[:2]}.csv", rows)
    data.withheld([WITHHELD_ID])
    return data


def build(tmp_path: Path, **overrides) -> Path:
    data = write_data(tmp_path / "data")
    output = tmp_path / "output"
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--data", str(data.root), "--output", str(output),
                             "--settings", str(settings_file(tmp_path, **overrides)),
                             # With an address, so that the feeds are written and searched too.
                             "--site-url", "https://portal.example.vn/cong-khai"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="module")
def default_site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("policy-default"))


@pytest.fixture(scope="module")
def no_honour_site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("policy-off"), CONGKHAI_HONOUR_LIST=False)


def every_file(output: Path):
    """(relative path, text) of every file, gzip opened; the list of paths counts as a file too."""
    paths = sorted(p for p in output.rglob("*") if p.is_file())
    for path in paths:
        raw = path.read_bytes()
        if raw.startswith(b"\x1f\x8b"):
            raw = gzip.decompress(raw)
        yield path.relative_to(output).as_posix(), raw.decode("utf-8", errors="replace")
    yield "(paths)", "\n".join(p.relative_to(output).as_posix() for p in paths)


def forms(name: str) -> list[str]:
    return [name, name.upper(), fold(name), json.dumps(name)[1:-1]]


def assert_nowhere(output: Path, values: list[str]) -> None:
    for path, text in every_file(output):
        for value in values:
            assert value not in text, f"{value!r} in {path}"


def read_csv(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


def test_withheld_name_and_position_appear_nowhere_in_any_month(default_site):
    assert_nowhere(default_site, forms(WITHHELD_NAME) + [WITHHELD_POSITION])
    for month in ("2024-09", "2024-10"):
        honour = [r for r in read_csv(default_site / f"du-lieu/{month}/xuat-sac.csv") if r["ma_don_vi"] == "PTC"]
        assert [r["ho_ten"] for r in honour] == [HONOUR_NAME, "(không công bố)"]
        assert honour[1]["chuc_vu"] == "" and honour[1]["khen_thuong"] == "1170000"
        page = (default_site / f"thang/{month}/xuat-sac/index.html").read_text("utf-8")
        assert HONOUR_NAME in page and "Không công bố tên" in page
        units = {r["ma_don_vi"]: r for r in read_csv(default_site / f"du-lieu/{month}/don-vi.csv")}
        assert units["PTC"]["xs"] == "2"  # still counted


def test_honour_list_switched_off_publishes_no_name_anywhere(no_honour_site):
    assert not list(no_honour_site.glob("thang/*/xuat-sac"))
    assert not list(no_honour_site.rglob("xuat-sac.*"))
    assert_nowhere(no_honour_site, forms(HONOUR_NAME) + forms(WITHHELD_NAME) + forms("Lý Thị Phường 0"))
    units = {r["ma_don_vi"]: r for r in read_csv(no_honour_site / "du-lieu/2024-10/don-vi.csv")}
    assert units["PTC"]["xs"] == "2"  # the counts stay
    about = (no_honour_site / "gioi-thieu-du-lieu/index.html").read_text("utf-8")
    assert "không được công bố theo tên" in about


def test_honour_list_switched_on_is_said_on_the_about_page(default_site):
    about = (default_site / "gioi-thieu-du-lieu/index.html").read_text("utf-8")
    assert "được công bố theo tên" in about and "không được công bố theo tên" not in about
    assert "dưới 10 người được đánh giá" in about


def json_rows(output: Path):
    """Every JSON object in a download, a search index or a chart block of a page."""
    def walk(node):
        if isinstance(node, dict):
            yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for path, text in every_file(output):
        if path.endswith(".json"):
            yield path, from_json(text, walk)
        for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', text, re.S):
            yield path, from_json(block, walk)


def from_json(text: str, walk) -> list[dict]:
    return list(walk(json.loads(text)))


def test_small_unit_shows_lower_levels_merged_in_every_file_and_month(default_site):
    for month in ("2024-09", "2024-10"):
        for path in (f"du-lieu/{month}/don-vi.csv", f"du-lieu/{month[:4]}/don-vi.csv"):
            rows = [r for r in read_csv(default_site / path) if r["ma_don_vi"] == SMALL and r["thang"] == month]
            assert len(rows) == 1, path
            assert (rows[0]["hoan_thanh"], rows[0]["khong_hoan_thanh"], rows[0]["ht_k_gop"]) == ("", "", "4"), path
    objects = 0
    for path, rows in json_rows(default_site):
        for row in rows:
            if row.get("ma_don_vi") == SMALL:
                assert row.get("hoan_thanh") is None and row.get("khong_hoan_thanh") is None, path
                if "ht_k_gop" in row:
                    objects += 1
                    assert row["ht_k_gop"] == 4, path
            # No chart plots the small unit's own HT or K share (42,86% and 14,29%).
            if row.get("legendgroup") in ("HT", "K") and isinstance(row.get("y"), list):
                for value in row["y"]:
                    assert not (isinstance(value, (int, float)) and round(value, 2) in (42.86, 14.29)), path
    assert objects >= 4
    unit = (default_site / f"don-vi/{SMALL}/index.html").read_text("utf-8")
    assert "HT+K" in unit


def test_minimum_evaluated_is_a_setting(tmp_path):
    output = build(tmp_path, CONGKHAI_MIN_EVALUATED=5)
    row = next(r for r in read_csv(output / "du-lieu/2024-10/don-vi.csv") if r["ma_don_vi"] == SMALL)
    assert (row["hoan_thanh"], row["khong_hoan_thanh"], row["ht_k_gop"]) == ("3", "1", "")
    about = (output / "gioi-thieu-du-lieu/index.html").read_text("utf-8")
    assert "dưới 5 người được đánh giá" in about


def test_an_id_with_invisible_characters_still_matches_withheld_csv():
    import pandas as pd

    from generator.ingest.normalise import person_ids

    typed = pd.Series(["CBW-0001\u200b", "\ufeffCBW-0001", " CBW-0001\u00a0", "\u202eCBW-0001"], dtype="string")
    assert person_ids(typed).tolist() == ["CBW-0001"] * 4
