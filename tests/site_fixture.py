"""A small site for the tests of the citizens' pages: three months, four blocks, one
reorganisation, an honour list with a withheld name and a formula-looking position.

Built once per test module (a few seconds) with the real command, like an officer would.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import DataDir, person_row

ROOT = Path(__file__).resolve().parent.parent

XS = "Hoàn thành xuất sắc nhiệm vụ"
T = "Hoàn thành tốt nhiệm vụ"
HT = "Hoàn thành nhiệm vụ"
K = "Không hoàn thành nhiệm vụ"

MONTHS = ("05/2025", "06/2025", "07/2025")  # GB and TL merge into PM on 2025-07-01
HONOUR_NAMES = ("Đặng Thị An", "Nguyễn Văn Bình", "Lê Thị Hoà", "Trần Đức Dũng")
WITHHELD_NAME = "Vũ Thị Kín Tên"
WITHHELD_ID = "W-0001"
PRIVATE_NAME = "Phạm Văn Riêng Tư"  # rated HT: on no honour list
FORMULA_POSITION = '=HYPERLINK("http://example.com","x")'


def write_data(root: Path) -> DataDir:
    data = DataDir(root)
    for number, month in enumerate(MONTHS):
        rows = []
        n = 0

        def add(pid, name, unit, final=T, **options):
            nonlocal n
            n += 1
            rows.append(person_row(n, pid, name, unit, month=month, final=final, **options))

        add("P-1", HONOUR_NAMES[0], "PTC", XS, reward="1.170.000", position="Chuyên viên")
        add("P-2", HONOUR_NAMES[1], "PTC", XS if number != 1 else T, position="Phó Trưởng phòng")
        add("P-3", PRIVATE_NAME, "PTC", HT, self_rating=T, note="Lý do riêng")
        add(WITHHELD_ID, WITHHELD_NAME, "PTC", XS, reward="1.170.000", position="Kế toán")
        for i in range(9):
            add(f"PT-{i}", f"Người Phòng {i}", "PTC", T)
        wards = ("GB", "TL") if month != "07/2025" else ("PM",)
        for ward in wards:
            add(f"{ward}-XS", HONOUR_NAMES[2] if ward != "TL" else HONOUR_NAMES[3], ward, XS,
                position=FORMULA_POSITION if ward == "GB" else "Chủ tịch")
            size = 11 if ward != "TL" else 3  # TL: fewer than 10 evaluated, HT and K merged
            for i in range(size):
                add(f"{ward}-{i}", f"Người Phường {ward} {i}", ward, K if i == 0 else T)
        for i in range(14):
            add(f"TH-{i}", f"Người Trường {i}", "THGB", HT if i < 2 else T)
        data.export_csv(f"{month[3:]}-{month[:2]}.csv", rows)
    data.withheld([WITHHELD_ID])
    return data


def build(data: DataDir, output: Path, *options: str) -> Path:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--data", str(data.root), "--output", str(output), *options],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return output
