"""A published month that comes again changed: refused without a reason, published with one, announced."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builds import hashes
from conftest import DataDir, person_row
from generator.store.rows import from_parquet

ROOT = Path(__file__).resolve().parent.parent
XS, T = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
REASON = "Phòng Tài chính - Kế hoạch gửi lại kết quả: một người <được> xếp loại lại"
DAY = "1763769600"  # 2025-11-22: the day the correction is recorded


def rows(month: str, xs: int) -> list[list]:
    return [person_row(i, f"P{i:03d}", f"Cán Bộ Số {i}", "PTC", month=month, final=XS if i < xs else T) for i in range(12)]


def build(data: Path, output: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(data), "--output", str(output),
         "--settings", "publishconf.py", *extra],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": DAY},
    )


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    root = tmp_path_factory.mktemp("corrections")
    data = DataDir(root / "data")
    data.export_csv("2024-10.csv", rows("10/2024", xs=2))
    data.export_csv("2024-11.csv", rows("11/2024", xs=1))
    output = root / "output"
    first = build(data.root, output)
    assert first.returncode == 0, first.stdout + first.stderr
    published = hashes(output)
    original = from_parquet((data.root / "store/2024-10.v1.parquet").read_bytes())

    data.export_csv("2024-10.csv", rows("10/2024", xs=3))  # one more person rated XS
    refused = build(data.root, output)
    after_refusal = hashes(output)
    accepted = build(data.root, output, "--correction", REASON)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    return {"data": data, "output": output, "published": published, "refused": refused,
            "after_refusal": after_refusal, "accepted": accepted, "original": original}


def test_a_changed_month_is_refused_with_what_changed(corrected):
    refused = corrected["refused"]
    assert refused.returncode == 1
    assert "Tháng 10/2024 đã công bố" in refused.stdout
    assert "PTC Phòng Tài chính - Kế hoạch: XS 2 → 3, T 10 → 9" in refused.stdout
    assert "--correction" in refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr


def test_a_refused_month_changes_nothing_published(corrected):
    assert corrected["after_refusal"] == corrected["published"]


def test_the_corrected_month_shows_a_dated_notice_with_the_reason(corrected):
    page = (corrected["output"] / "thang/2024-10/index.html").read_text("utf-8")
    assert "đã được đính chính ngày 22/11/2025" in page
    assert "một người &lt;được&gt; xếp loại lại" in page  # the reason is text, never markup
    honour = (corrected["output"] / "thang/2024-10/xuat-sac/index.html").read_text("utf-8")
    assert "đã được đính chính ngày 22/11/2025" in honour
    other = (corrected["output"] / "thang/2024-11/index.html").read_text("utf-8")
    assert "đính chính ngày" not in other
    figures = json.loads((corrected["output"] / "du-lieu/2024-10/don-vi.json").read_text("utf-8"))
    assert figures[0]["xs"] == 3


def test_the_corrections_page_lists_it(corrected):
    page = (corrected["output"] / "dinh-chinh/index.html").read_text("utf-8")
    assert '<time datetime="2025-11-22">22/11/2025</time>' in page
    assert "Tháng 10/2024" in page and "một người &lt;được&gt; xếp loại lại" in page
    assert (corrected["output"] / "dinh-chinh/2024-10-1/index.html").is_file()


def test_the_feed_announces_it(corrected):
    feed = (corrected["output"] / "feeds/all.atom.xml").read_text("utf-8")
    assert "<title>Đính chính số liệu tháng 10/2024</title>" in feed
    assert "dinh-chinh/2024-10-1/" in feed and "2025-11-22" in feed
    assert "một người &amp;lt;được&amp;gt; xếp loại lại" in feed
    rss = (corrected["output"] / "feeds/all.rss.xml").read_text("utf-8")
    assert "Đính chính số liệu tháng 10/2024" in rss


def test_the_earlier_version_stays_in_the_store(corrected):
    store = corrected["data"].root / "store"
    manifest = json.loads((store / "manifest.json").read_text("utf-8"))
    versions = manifest["months"]["2024-10"]
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["correction"] == {"date": "2025-11-22", "reason": REASON}
    assert from_parquet((store / versions[0]["file"]).read_bytes()).equals(corrected["original"])
    assert int(from_parquet((store / versions[1]["file"]).read_bytes())["final_rating"].eq("XS").sum()) == 3
    assert "đính chính ngày 22/11/2025" in corrected["accepted"].stdout


def test_after_the_correction_the_same_data_builds_without_a_reason(corrected, tmp_path):
    again = build(corrected["data"].root, tmp_path / "again")
    assert again.returncode == 0, again.stdout + again.stderr
    assert hashes(tmp_path / "again") == hashes(corrected["output"])
