"""A synthetic, realistic demo data set in the export format of the contract.

`write_demo(out)` writes a folder laid out like the `data/` folder officers
fill (EXPORT-FORMAT.md is the law for every file):

    out/units.csv          the units registry (section 6), with one
                           reorganisation on 2025-07-01: ward offices merged
                           into new ones that carry their history (successor)
    out/exports/*.xlsx|csv person-level monthly exports (section 3) for the
                           last `months` months ending at `last_month`
    out/history/*.csv      unit-level summaries (section 7) for the
                           `history_months` months before those
    out/withheld.csv       ids of a few people rated XS whose names the site
                           must withhold (section 10)
    out/DEMO               a marker: the site says "dữ liệu minh họa" while
                           it exists

Everything is invented: people are random combinations of common Vietnamese
family, middle and given names with random ids; only the place names are
real (wards of Long Biên and of Hà Nội, and the names schools carry). The data is valid per the contract
and raises only the warnings a real data set would: one month with a unit or
two over the XS quota, and one month with a small unit under the coverage
floor.

The exports vary the way real ones do. Most months are one xlsx for all
units with the administrative title block, a two-row header ("Kết quả xếp
loại" merged over "Tự xếp loại" | "Thủ trưởng xếp loại"), a row of column
numbers, a group title before each block, and the signature block below the
data; the month is only in the title line, except for two files whose names
carry it too. Every sixth month is a semicolon CSV with BOM and a "Tháng"
column, one month comes as one xlsx per block, and every fifth month writes
ratings as abbreviations (HTXSNV ...) and "-" for "not evaluated".

Large sets (more than XLSX_MAX_STAFF people in the first month) are written
as CSV only: openpyxl writes some 25k cells a second and reads some 100k, so
a city-scale month of 180k rows (2.3M cells) would take minutes to write and
about 20 s to read back, per month. (Even the xlsx of normal sets are only
laid out by openpyxl; their person rows are spliced in as XML text, see
_write_xlsx.) Measured on the 2-core machine: the default set (24 months,
5,000 people, 20 xlsx) in about 4 s; the city set (12 months, 177,379
people, 2,000 units) in about 16 s and 370 MB.

Same arguments, same bytes: all randomness comes from one seed, and xlsx
files get fixed document properties and zip timestamps derived from their
month.
"""
from __future__ import annotations

import io
import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

XLSX_MAX_STAFF = 20_000
REORGANISATION_DATE = "2025-07-01"  # two-tier local government (Hà Nội)
MARKER_NAME = "DEMO"

# ---------------------------------------------------------------- rating scale
# Levels are small integers everywhere: 0 XS, 1 T, 2 HT, 3 K, -1 not evaluated.
XS, T, HT, K, NOT_EVALUATED = 0, 1, 2, 3, -1
FULL_LABELS = np.array(
    ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
     "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"], dtype=object)
SHORT_LABELS = np.array(["HTXSNV", "HTTNV", "HTNV", "KHTNV"], dtype=object)
# Score bands of the 100-point scale: (mean, sd, lowest, highest) per level.
SCORE_BANDS = np.array([(93, 2.5, 90, 100), (84, 4.0, 70, 89), (63, 4.0, 50, 69), (42, 5.0, 20, 49)])

# Target shares of the headcount in a month (Long Biên 2024: ~12.7% XS).
XS_SHARE_OF_GOOD = 0.135  # of those rated T or XS, before the quota cap
HT_SHARE, K_SHARE = 0.026, 0.002
NOT_EVALUATED_SHARE = 0.009
RAISED_SHARE, LOWERED_SHARE = 0.03, 0.02  # nâng mức / hạ mức
MONTHLY_LEAVERS = 0.005
QUOTA_DIVISOR = 5  # Nghị định 335/2025: XS at most 20% of those rated T or XS

# Lương cơ sở (base salary) in force from each month; the XS reward is half.
BASE_SALARY = ((2017, 7, 1_300_000), (2018, 7, 1_390_000), (2019, 7, 1_490_000),
               (2023, 7, 1_800_000), (2024, 7, 2_340_000))

# ---------------------------------------------------------------- units
BLOCKS = ("Khối Đảng", "Khối Chính quyền", "Khối Đoàn thể", "Khối Trường học", "Khối Phường")
PARTY, GOVERNMENT, MASS, SCHOOL, WARD = range(5)
DISTRICT_LEVEL, WARD_LEVEL = "Cấp quận", "Cấp phường"
# Schools count at ward level: since the two-tier reform they are run by wards.
LEVEL_OF_BLOCK = (DISTRICT_LEVEL, DISTRICT_LEVEL, DISTRICT_LEVEL, WARD_LEVEL, WARD_LEVEL)
ROMAN = ("I", "II", "III", "IV", "V")

PARTY_UNITS = ("Văn phòng Quận ủy", "Ban Tổ chức Quận ủy", "Ủy ban Kiểm tra Quận ủy",
               "Ban Tuyên giáo Quận ủy", "Ban Dân vận Quận ủy", "Trung tâm Chính trị quận")
# The first two are needed even in the smallest set: schools hang under the second.
GOVERNMENT_UNITS = (
    "Văn phòng HĐND và UBND", "Phòng Giáo dục và Đào tạo", "Phòng Nội vụ",
    "Phòng Tài chính - Kế hoạch", "Phòng Tư pháp", "Phòng Y tế", "Phòng Văn hóa và Thông tin",
    "Phòng Tài nguyên và Môi trường", "Phòng Quản lý đô thị", "Phòng Kinh tế",
    "Phòng Lao động - Thương binh và Xã hội", "Thanh tra quận",
    "Trung tâm Văn hóa, Thông tin và Thể thao", "Ban Quản lý dự án đầu tư xây dựng",
    "Trung tâm Phát triển quỹ đất", "Đội Quản lý trật tự xây dựng đô thị")
EDUCATION_OFFICE = "Phòng Giáo dục và Đào tạo"
# The first is the umbrella of the others (parent, for navigation only).
MASS_UNITS = ("Ủy ban Mặt trận Tổ quốc Việt Nam quận", "Quận đoàn", "Hội Liên hiệp Phụ nữ quận",
              "Hội Cựu chiến binh quận", "Liên đoàn Lao động quận", "Hội Nông dân quận")

# Ward offices merged on 2025-07-01, and the new ward each group became.
# The new names are not used by any old ward office, so a name never points
# at two units (old and new) in the registry.
MERGES = ((("Ngọc Lâm", "Gia Thụy", "Ngọc Thụy"), "Bồ Đề"),
          (("Thạch Bàn", "Cự Khối", "Phúc Đồng"), "Phúc Lợi"))
LONG_BIEN_WARDS = ("Giang Biên", "Ngọc Thụy", "Bồ Đề", "Phúc Đồng", "Thạch Bàn", "Long Biên",
                   "Việt Hưng", "Đức Giang", "Sài Đồng", "Gia Thụy", "Ngọc Lâm", "Phúc Lợi",
                   "Cự Khối", "Thượng Thanh")
# Only needed for city-scale sets, which have more ward offices and schools.
HANOI_PLACES = (
    "Hoàn Kiếm", "Cửa Nam", "Ba Đình", "Ngọc Hà", "Giảng Võ", "Hai Bà Trưng", "Vĩnh Tuy",
    "Bạch Mai", "Đống Đa", "Kim Liên", "Láng", "Ô Chợ Dừa", "Hồng Hà", "Lĩnh Nam", "Hoàng Mai",
    "Vĩnh Hưng", "Tương Mai", "Định Công", "Hoàng Liệt", "Yên Sở", "Thanh Xuân", "Khương Đình",
    "Phương Liệt", "Cầu Giấy", "Nghĩa Đô", "Yên Hòa", "Tây Hồ", "Phú Thượng", "Tây Tựu",
    "Phú Diễn", "Xuân Đỉnh", "Đông Ngạc", "Thượng Cát", "Từ Liêm", "Xuân Phương", "Tây Mỗ",
    "Đại Mỗ", "Hà Đông", "Dương Nội", "Yên Nghĩa", "Phú Lương", "Kiến Hưng", "Thanh Liệt",
    "Chương Mỹ", "Sơn Tây", "Tùng Thiện", "Bát Tràng", "Thuận An", "Gia Lâm", "Phù Đổng",
    "Đông Anh", "Thư Lâm", "Sóc Sơn", "Mê Linh", "Quang Minh", "Đan Phượng", "Hoài Đức",
    "Quốc Oai", "Thạch Thất", "Phúc Thọ", "Ba Vì", "Thường Tín", "Phú Xuyên", "Ứng Hòa",
    "Mỹ Đức", "Thanh Oai", "Thanh Trì")
SCHOOL_TYPES = ("Mầm non", "Tiểu học", "THCS")
SCHOOL_TYPE_SHARES = (0.40, 0.33, 0.27)
SCHOOL_THEMED_NAMES = {
    "Mầm non": ("Hoa Sữa", "Hoa Mai", "Hoa Sen", "Họa Mi", "Sơn Ca", "Ánh Sao", "Tuổi Thơ",
                "Hoa Hồng", "Bông Sen", "Hoa Phượng", "Đô thị Việt Hưng", "Thạch Cầu"),
    "Tiểu học": ("Ái Mộ", "Lê Quý Đôn", "Nguyễn Du", "Đoàn Khuê", "Gia Quất", "Lý Thường Kiệt",
                 "Trưng Vương", "Kim Đồng", "Lê Văn Tám", "Nguyễn Trãi", "Ngô Quyền"),
    "THCS": ("Chu Văn An", "Nguyễn Gia Thiều", "Lê Quý Đôn", "Trần Phú", "Nguyễn Bỉnh Khiêm",
             "Đoàn Thị Điểm", "Quang Trung", "Ngô Gia Tự", "Lê Lợi", "Võ Thị Sáu"),
}
# Typical headcounts (lowest, highest) before scaling to the requested staff.
SIZE_RANGES = {PARTY: (5, 18), GOVERNMENT: (8, 30), MASS: (4, 12), WARD: (20, 40)}
SCHOOL_SIZE_RANGES = {"Mầm non": (30, 60), "Tiểu học": (40, 80), "THCS": (35, 70)}
MERGE_RETENTION = 0.9  # some staff of merged wards leave at the merger

# (head, deputy) titles by how the unit's name starts; longest prefix first.
LEADER_TITLES = (
    ("UBND phường", "Chủ tịch UBND phường", "Phó Chủ tịch UBND phường"),
    ("Trường", "Hiệu trưởng", "Phó Hiệu trưởng"),
    ("Văn phòng", "Chánh Văn phòng", "Phó Chánh Văn phòng"),
    ("Phòng", "Trưởng phòng", "Phó Trưởng phòng"),
    ("Ủy ban Kiểm tra", "Chủ nhiệm", "Phó Chủ nhiệm"),
    ("Ban Quản lý", "Giám đốc", "Phó Giám đốc"),
    ("Ban", "Trưởng ban", "Phó Trưởng ban"),
    ("Trung tâm", "Giám đốc", "Phó Giám đốc"),
    ("Thanh tra", "Chánh Thanh tra", "Phó Chánh Thanh tra"),
    ("Đội", "Đội trưởng", "Phó Đội trưởng"),
    ("Quận đoàn", "Bí thư", "Phó Bí thư"),
    ("", "Chủ tịch", "Phó Chủ tịch"),
)
SCHOOL_EXTRA_LEADER = "Tổ trưởng chuyên môn"
STAFF_POSITIONS = {  # (positions, shares) of those who lead nobody
    SCHOOL: (("Giáo viên", "Nhân viên", "Kế toán"), (0.85, 0.10, 0.05)),
    WARD: (("Chuyên viên", "Cán sự", "Kế toán", "Nhân viên"), (0.45, 0.25, 0.10, 0.20)),
    None: (("Chuyên viên", "Cán sự", "Kế toán", "Nhân viên"), (0.70, 0.10, 0.08, 0.12)),
}
LEADER_SHARE = 0.10
MAX_DEPUTIES = 3

# ---------------------------------------------------------------- names
FAMILY_NAMES = (
    ("Nguyễn", 31), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Phan", 4.5),
    ("Vũ", 4), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
    ("Dương", 1), ("Đinh", 1), ("Đào", 1), ("Trịnh", 1), ("Lý", 0.5), ("Lương", 0.5),
    ("Mai", 0.5), ("Cao", 0.5), ("Hà", 0.5), ("Tạ", 0.4), ("Chu", 0.4), ("Lưu", 0.4),
    ("Kiều", 0.3), ("Tô", 0.3), ("Nghiêm", 0.2), ("Khúc", 0.2), ("Quách", 0.2))
FEMALE_MIDDLE = (("Thị", 55), ("Thu", 6), ("Thanh", 6), ("Ngọc", 5), ("Minh", 4), ("Hồng", 4),
                 ("Phương", 3), ("Thùy", 3), ("Kim", 3), ("Bích", 2), ("Diệu", 2), ("Hải", 2),
                 ("Lan", 2), ("Khánh", 2), ("Bảo", 1))
# A second middle name after "Thị", as in "Nguyễn Thị Thu Hương".
FEMALE_SECOND_MIDDLE = ("Thu", "Thanh", "Ngọc", "Minh", "Hồng", "Phương", "Kim", "Bích", "Thúy")
MALE_MIDDLE = (("Văn", 35), ("Đức", 8), ("Minh", 7), ("Quang", 6), ("Hữu", 5), ("Xuân", 4),
               ("Mạnh", 4), ("Thanh", 4), ("Tuấn", 3), ("Công", 3), ("Ngọc", 3), ("Quốc", 3),
               ("Trọng", 3), ("Hoàng", 2), ("Anh", 2), ("Đình", 3), ("Duy", 2), ("Tiến", 2),
               ("Việt", 2))
# "Hoà" (old tone placement) and "Hòa" (new) both occur in real lists.
FEMALE_GIVEN = ("Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Hằng", "Thảo", "Nga", "Hà",
                "Thủy", "Huyền", "Ngọc", "Yến", "Phương", "Dung", "Hạnh", "Loan", "Oanh",
                "Nhung", "Vân", "Liên", "Thu", "Hiền", "Giang", "Anh", "Chi", "Ly", "My",
                "Quyên", "Thúy", "Tâm", "Hường", "Nhàn", "Duyên", "Hậu", "Tuyết", "Xuân", "Hoà",
                "Quỳnh", "Ánh", "Ngân", "Uyên", "Thư", "Khuê", "Diệp", "Lụa", "Thơm")
MALE_GIVEN = ("Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Hải", "Sơn", "Long", "Quân", "Thắng",
              "Cường", "Hoàng", "Trung", "Đức", "Hiếu", "Khánh", "Phong", "Thành", "Tùng",
              "Việt", "Bình", "Huy", "Kiên", "Lâm", "Phúc", "Quang", "Toàn", "Vinh", "Dương",
              "Thịnh", "Hòa", "Tiến", "Đạt", "Hưng", "Khoa", "Lộc", "Nghĩa", "Sáng", "Tâm",
              "Trường", "Vũ", "An", "Bảo", "Chiến", "Định", "Giang", "Luân", "Mạnh", "Ninh")
FEMALE_SHARE = {SCHOOL: 0.82, None: 0.5}
SECOND_MIDDLE_SHARE = 0.15

# ---------------------------------------------------------------- notes
NOT_EVALUATED_NOTES = ("Nghỉ thai sản", "Nghỉ ốm dài ngày", "Đi học tập trung", "Nghỉ không lương")
NEW_HIRE_NOTE = "Mới tuyển dụng"
LOWERED_NOTES = ("Hạ mức do chậm tiến độ",)
QUOTA_NOTES = ("Hạ mức do chậm tiến độ", "Hạ mức do vượt tỷ lệ xuất sắc")  # self XS, final T
HT_NOTES = ("Chậm tiến độ công việc", "Nghỉ ốm 5 ngày", "Chưa hoàn thành chỉ tiêu được giao")
K_NOTES = ("Vi phạm kỷ luật", "Không hoàn thành nhiệm vụ được giao")
T_NOTES = ("Nghỉ ốm 5 ngày", "Nghỉ phép 3 ngày", "Nghỉ ốm 2 ngày")
XS_NOTES = ("Có sáng kiến được công nhận", "Hoàn thành vượt tiến độ")

# ---------------------------------------------------------------- export layout
XLSX_COLUMNS = ("STT", "Mã CB", "Họ và tên", "Chức vụ", "Mã đơn vị", "Đơn vị", "LĐQL",
                "Điểm tự chấm", "Điểm thẩm định", "Tự xếp loại", "Thủ trưởng xếp loại",
                "Khen thưởng", "Ghi chú")
# The two ratings sit side by side under a merged group title.
RATING_GROUP_TITLE = "Kết quả xếp loại"
CSV_COLUMNS = ("STT", "Tháng", "Mã CB", "Họ và tên", "Chức vụ", "Mã đơn vị", "Đơn vị", "LĐQL",
               "Điểm tự chấm", "Tự xếp loại", "Điểm thẩm định", "Thủ trưởng xếp loại",
               "Khen thưởng", "Ghi chú")
XLSX_WIDTHS = (6, 11, 26, 24, 10, 34, 7, 9, 9, 16, 16, 12, 26)
ORGANISATION = "ỦY BAN NHÂN DÂN QUẬN LONG BIÊN"
ISSUING_OFFICE = "PHÒNG NỘI VỤ"
PLACE = "Long Biên"
SIGNERS = ("Đỗ Thị Minh Hạnh", "Trịnh Quang Vinh")  # synthetic, like everyone else
HISTORY_COLUMNS = ("Tháng", "Mã đơn vị", "Đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV",
                   "Không đánh giá", "Nâng mức", "Hạ mức")


@dataclass(frozen=True)
class DemoSummary:
    """What write_demo wrote, for the CLI's one-line report."""
    months: tuple[str, ...]          # person-level months, "YYYY-MM"
    history_months: tuple[str, ...]  # unit-level months before them
    files: tuple[str, ...]           # paths relative to the output folder
    units: int                       # rows of units.csv
    people_rows: int                 # person-month rows over all exports
    people: int                      # distinct people
    last_month_files: tuple[str, ...] = ()  # the exports of the last month, relative to the output folder

    def describe(self) -> str:
        span = f"{self.months[0]}..{self.months[-1]}" if self.months else "no months"
        return (f"demo data: {len(self.files)} files, {self.units} units, {self.people} people, "
                f"{self.people_rows} person-month rows ({span}, "
                f"{len(self.history_months)} months of unit-level history)")


def write_demo(out: Path, *, months: int = 24, units: int = 150, staff: int = 5000,
               seed: int = 1, history_months: int = 12, last_month: str = "2026-10",
               continues: int | None = None) -> DemoSummary:
    """Write the synthetic data set into `out` (see the module docstring).

    `units` is the number of rows of units.csv (including the wards that the
    reorganisation replaces), `staff` the headcount of the first month. Sets
    with more than XLSX_MAX_STAFF people are written as CSV only.

    `out` must be empty, missing, or a previous demo folder (it has the DEMO
    marker): then the files this function owns are replaced. Anything else is
    refused, so that real data is never overwritten.

    `continues=N`: the set goes on from the set of the first N of these months, whose files
    come out byte for byte the same; the months after them are the next months' exports.
    """
    _check_arguments(months, units, staff, history_months, last_month)
    out = Path(out)
    _prepare_output(out)
    rng_units, rng_people, rng_ratings, rng_history, rng_withheld = np.random.default_rng(seed).spawn(5)
    calendar = _Calendar(_month_index(last_month) - months + 1, months, history_months, quirks=continues or 0)

    registry = _build_units(rng_units, units, staff, calendar)
    written = [_write_units(out, registry)]
    staff_model = _Staff(rng_people, registry, calendar, staff)
    excellent: list[np.ndarray] = []  # per month, the people rated XS
    people_rows = 0
    for month in range(months):
        on_roll = staff_model.advance(month)
        rows = _rate_month(rng_ratings, staff_model, on_roll, registry, calendar, month)
        month_files = _write_month(out, rows, registry, calendar, month, large=staff > XLSX_MAX_STAFF)
        written += month_files
        excellent.append(rows.excellent())
        people_rows += len(rows)
    written += _write_history(out, rng_history, registry, calendar)
    written.append(_write_withheld(out, rng_withheld, staff_model, excellent))
    written.append(_write_marker(out, calendar, units, staff, seed))
    return DemoSummary(
        months=tuple(_month_label(m) for m in calendar.months),
        history_months=tuple(_month_label(m) for m in calendar.history),
        files=tuple(sorted(p.relative_to(out).as_posix() for p in written)),
        units=len(registry), people_rows=people_rows, people=staff_model.count,
        last_month_files=tuple(sorted(p.relative_to(out).as_posix() for p in month_files)))


# ================================================================ arguments, calendar

def _check_arguments(months: int, units: int, staff: int, history_months: int, last_month: str) -> None:
    if months < 1:
        raise ValueError("months must be at least 1")
    if history_months < 0:
        raise ValueError("history_months must not be negative")
    if units < 10:
        raise ValueError("units must be at least 10 (every block, a ward merger and a school)")
    if staff < 5 * units:
        raise ValueError(f"staff must be at least 5 per unit ({5 * units} for {units} units)")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", last_month):
        raise ValueError(f"last_month must read YYYY-MM, not {last_month!r}")


def _prepare_output(out: Path) -> None:
    """Refuse to write over anything but an earlier demo; clear what we own."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER_NAME).is_file():
        raise FileExistsError(
            f"{out} is not empty and has no {MARKER_NAME} marker: it may hold real data; "
            "choose an empty or new folder")
    for folder in ("exports", "history"):
        shutil.rmtree(out / folder, ignore_errors=True)
        (out / folder).mkdir(parents=True)


def _month_index(label: str) -> int:
    """'2026-10' -> months since year 0, so that month arithmetic is integer arithmetic."""
    year, month = map(int, label.split("-"))
    return year * 12 + month - 1


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _date_month(date: str) -> int:
    return _month_index(date[:7])


@dataclass(frozen=True)
class _Calendar:
    first: int     # month index of the first person-level month
    count: int
    history_count: int
    # How many months the quirks are spread over (the month with a unit over the quota, the split export ...):
    # `count`, unless the set continues a shorter one, whose months must come out the same.
    quirks: int = 0

    @property
    def spread(self) -> int:
        return self.quirks or self.count

    @property
    def months(self) -> range:
        return range(self.first, self.first + self.count)

    @property
    def history(self) -> range:
        return range(self.first - self.history_count, self.first)

    @property
    def merger(self) -> int:
        """The person-level month (0-based) of the reorganisation; may lie outside."""
        return _date_month(REORGANISATION_DATE) - self.first


def _reward(month_index: int) -> int:
    """Half of the base salary in force that month."""
    salary = 0
    for year, month, amount in BASE_SALARY:
        if month_index >= year * 12 + month - 1:
            salary = amount
    return salary // 2


# ================================================================ units registry

def _build_units(rng: np.random.Generator, n_units: int, staff: int, calendar: _Calendar) -> pd.DataFrame:
    """The registry plus working columns (kind, size, ...) the other steps need.

    Rows are in block order; codes follow that order, except the new merged
    wards, which get the last codes (they were created last).
    """
    plan = _plan_blocks(n_units)
    rows = (_party_and_mass_rows(PARTY, PARTY_UNITS[:plan["party"]])
            + _government_rows(plan["government"])
            + _party_and_mass_rows(MASS, MASS_UNITS[:plan["mass"]])
            + _school_rows(plan["schools"])
            + _ward_rows(plan["old_wards"], plan["merges"]))
    units = pd.DataFrame(rows)
    width = max(3, len(str(n_units)))
    creation_order = np.argsort(units["created_late"].to_numpy(), kind="stable")
    codes = np.empty(n_units, dtype=object)
    codes[creation_order] = [f"DV{i + 1:0{width}d}" for i in range(n_units)]
    units["code"] = codes
    _link_units(units)
    units["valid_from_month"] = units["valid_from"].map(lambda d: _date_month(d) if d else -1)
    units["valid_to_month"] = units["valid_to"].map(lambda d: _date_month(d) if d else 1 << 30)
    units["size"] = _unit_sizes(rng, units, staff, calendar.first)
    units["head_title"], units["deputy_title"] = zip(*units["name"].map(_leader_titles))
    return units


def _plan_blocks(n_units: int) -> dict[str, int]:
    """How many units of each kind; schools are the bulk, as in a district."""
    merges = len(MERGES) if n_units >= 40 else 1
    merging_wards = sum(len(old) for old, _ in MERGES[:merges])
    ward_pool = len(_old_ward_names(merges))
    plan = {
        "party": min(len(PARTY_UNITS), max(1, round(n_units * 0.04))),
        "government": min(len(GOVERNMENT_UNITS), max(2, round(n_units * 0.10))),
        "mass": min(len(MASS_UNITS), max(1, round(n_units * 0.035))),
        "old_wards": min(ward_pool, max(merging_wards + 1, round(n_units * 0.08))),
        "merges": merges,
    }
    plan["schools"] = n_units - sum(plan.values())
    return plan


def _old_ward_names(merges: int) -> list[str]:
    """Ward offices before the reform: the merging ones first, so small sets keep a merger."""
    merging = [name for old, _ in MERGES[:merges] for name in old]
    new_names = {new for _, new in MERGES}
    rest = [w for w in LONG_BIEN_WARDS + HANOI_PLACES if w not in merging and w not in new_names]
    return merging + rest


def _row(kind: int, name: str, **extra: object) -> dict[str, object]:
    return {"kind": kind, "name": name, "block": BLOCKS[kind], "level": LEVEL_OF_BLOCK[kind],
            "school_type": "", "valid_from": "", "valid_to": "", "merges_into": "",
            "parent_name": "", "created_late": False, **extra}


def _party_and_mass_rows(kind: int, names: tuple[str, ...]) -> list[dict[str, object]]:
    umbrella = MASS_UNITS[0] if kind == MASS else ""
    return [_row(kind, name, parent_name=umbrella if name != umbrella else "") for name in names]


def _government_rows(count: int) -> list[dict[str, object]]:
    return [_row(GOVERNMENT, name) for name in GOVERNMENT_UNITS[:count]]


def _school_rows(count: int) -> list[dict[str, object]]:
    """Schools named after wards, then after people and flowers, then numbered."""
    # Rounded cumulative shares: the counts add up to `count` and none is starved.
    counts = np.diff(np.r_[0, np.round(np.cumsum(SCHOOL_TYPE_SHARES) * count)]).astype(int)
    rows = []
    for school_type, n in zip(SCHOOL_TYPES, counts):
        for place in _school_places(school_type, n):
            rows.append(_row(SCHOOL, f"Trường {school_type} {place}", school_type=school_type,
                             parent_name=EDUCATION_OFFICE))
    return rows


def _school_places(school_type: str, count: int) -> list[str]:
    base = list(dict.fromkeys(LONG_BIEN_WARDS + SCHOOL_THEMED_NAMES[school_type] + HANOI_PLACES))
    places = base[:count]
    number = 2
    while len(places) < count:  # only city-scale sets get here
        places += [f"{p} số {number}" for p in base[:count - len(places)]]
        number += 1
    return places


def _ward_rows(old_wards: int, merges: int) -> list[dict[str, object]]:
    reform_eve = (pd.Timestamp(REORGANISATION_DATE) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    merged_into = {old: f"UBND phường {new}" for olds, new in MERGES[:merges] for old in olds}
    rows = []
    for place in _old_ward_names(merges)[:old_wards]:
        successor = merged_into.get(place, "")
        rows.append(_row(WARD, f"UBND phường {place}", merges_into=successor,
                         valid_to=reform_eve if successor else ""))
    rows += [_row(WARD, f"UBND phường {new}", valid_from=REORGANISATION_DATE, created_late=True)
             for _, new in MERGES[:merges]]
    return rows


def _link_units(units: pd.DataFrame) -> None:
    """Turn parent and successor names into codes."""
    code_of = dict(zip(units["name"], units["code"]))
    units["parent"] = units["parent_name"].map(lambda n: code_of.get(n, ""))
    units["successor"] = units["merges_into"].map(lambda n: code_of.get(n, ""))


def _leader_titles(unit_name: str) -> tuple[str, str]:
    for prefix, head, deputy in LEADER_TITLES:
        if unit_name.startswith(prefix):
            return head, deputy
    raise AssertionError("the last prefix matches everything")


def _unit_sizes(rng: np.random.Generator, units: pd.DataFrame, staff: int, first_month: int) -> np.ndarray:
    """Headcounts: typical per kind, schools scaled so the first month has `staff` people."""
    kinds = units["kind"].to_numpy()
    low, high = np.zeros(len(units)), np.zeros(len(units))
    for kind, (lo, hi) in SIZE_RANGES.items():
        low[kinds == kind], high[kinds == kind] = lo, hi
    for school_type, (lo, hi) in SCHOOL_SIZE_RANGES.items():
        of_type = (units["school_type"] == school_type).to_numpy()
        low[of_type], high[of_type] = lo, hi
    sizes = rng.uniform(low, high + 1)
    for successor_code, group in units[units["successor"] != ""].groupby("successor"):
        new_ward = (units["code"] == successor_code).to_numpy()
        sizes[new_ward] = MERGE_RETENTION * sizes[group.index].sum()

    valid = _valid_in(units, first_month)
    schools = valid & (kinds == SCHOOL)
    room = staff - sizes[valid & ~schools].sum()
    if room >= 10 * schools.sum():
        sizes[schools] *= room / sizes[schools].sum()
    else:  # too few people for the typical sizes: shrink every unit alike
        sizes[valid] *= staff / sizes[valid].sum()
    sizes = np.maximum(np.round(sizes), 3).astype(np.int64)
    _fix_total(sizes, valid, staff)
    return sizes


def _fix_total(sizes: np.ndarray, valid: np.ndarray, staff: int) -> None:
    """Absorb rounding into the largest valid units, one person each."""
    largest = np.flatnonzero(valid)[np.argsort(-sizes[valid], kind="stable")]
    difference = staff - int(sizes[valid].sum())
    steps = np.resize(largest, abs(difference))
    np.add.at(sizes, steps, np.sign(difference))


def _valid_in(units: pd.DataFrame, month: int) -> np.ndarray:
    return ((units["valid_from_month"] <= month) & (month <= units["valid_to_month"])).to_numpy()


def _write_units(out: Path, units: pd.DataFrame) -> Path:
    path = out / "units.csv"
    columns = ["code", "name", "block", "level", "parent", "valid_from", "valid_to", "successor"]
    units.sort_values("code")[columns].to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


# ================================================================ people

def _weighted(pairs: tuple[tuple[str, float], ...]) -> tuple[np.ndarray, np.ndarray]:
    names, weights = zip(*pairs)
    weights = np.array(weights, dtype=float)
    return np.array(names, dtype=object), weights / weights.sum()


def _synthetic_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Family + middle (+ second middle) + given name, with realistic frequencies."""
    n = len(female)
    families, family_p = _weighted(FAMILY_NAMES)
    f_middles, f_middle_p = _weighted(FEMALE_MIDDLE)
    m_middles, m_middle_p = _weighted(MALE_MIDDLE)
    family = rng.choice(families, n, p=family_p)
    middle = np.where(female, rng.choice(f_middles, n, p=f_middle_p),
                      rng.choice(m_middles, n, p=m_middle_p))
    second = rng.choice(np.array(FEMALE_SECOND_MIDDLE, dtype=object), n)
    with_second = female & (middle == "Thị") & (rng.random(n) < SECOND_MIDDLE_SHARE)
    middle = np.where(with_second, middle + " " + second, middle)
    given = np.where(female, rng.choice(np.array(FEMALE_GIVEN, dtype=object), n),
                     rng.choice(np.array(MALE_GIVEN, dtype=object), n))
    return family + " " + middle + " " + given


class _Staff:
    """Everyone who is ever on the rolls, and who is where in each month.

    People keep their id, name, unit and position; each month about 0.5%
    leave and are replaced by new hires in the same post, two people move to
    another school, and at the reorganisation the staff of merged ward
    offices move to the new office (some leave).
    """

    def __init__(self, rng: np.random.Generator, units: pd.DataFrame, calendar: _Calendar, staff: int):
        self.rng, self.units, self.calendar = rng, units, calendar
        self.kinds = units["kind"].to_numpy()
        sizes = np.where(_valid_in(units, calendar.first), units["size"].to_numpy(), 0)
        unit = np.repeat(np.arange(len(units)), sizes)
        rank_in_unit = np.arange(len(unit)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        self.unit = unit
        self.position, self.leader_rank = self._positions(unit, rank_in_unit)  # rank 0 head .. 3 staff
        self.start = np.zeros(len(unit), dtype=np.int32)
        self.on_roll = np.ones(len(unit), dtype=bool)
        self.name = _synthetic_names(rng, self._draw_female(unit))
        self.merit = rng.normal(size=len(unit)) + 0.6 * (self.leader_rank < 3)
        # Ids in random order, so they do not follow the units; hires continue the sequence.
        self.id_width = max(6, len(str(1001 + 3 * staff)))
        self.next_serial = 1001
        self.id = self._new_ids(rng.permutation(len(unit)))
        self.next_serial += len(unit)

    @property
    def count(self) -> int:
        return len(self.unit)

    def _new_ids(self, offsets: np.ndarray) -> np.ndarray:
        serials = (self.next_serial + offsets).tolist()
        return np.array([f"CB{serial:0{self.id_width}d}" for serial in serials], dtype=object)

    def advance(self, month: int) -> np.ndarray:
        """Apply the month's events; the indices of the people on the rolls that month."""
        if month > 0:
            if month == self.calendar.merger:
                self._merge_wards()
            if month in _mover_months(self.calendar.spread):
                self._move_one_teacher()
            self._replace_leavers(month)
        return np.flatnonzero(self.on_roll)

    # -- construction helpers
    def _draw_female(self, unit: np.ndarray) -> np.ndarray:
        share = np.where(self.kinds[unit] == SCHOOL, FEMALE_SHARE[SCHOOL], FEMALE_SHARE[None])
        return self.rng.random(len(unit)) < share

    def _positions(self, unit: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Head first, then deputies, then (in schools) team leaders, then staff."""
        size = self.units["size"].to_numpy()[unit]
        leaders = np.maximum(1, np.round(size * LEADER_SHARE))
        deputies = np.minimum(leaders - 1, MAX_DEPUTIES)
        is_school = self.kinds[unit] == SCHOOL
        leader_rank = np.select([rank == 0, rank <= deputies, rank < leaders], [0, 1, 2], 3)
        # Outside schools, leaders beyond the deputies are deputies too.
        leader_rank = np.where((leader_rank == 2) & ~is_school, 1, leader_rank)
        heads = self.units["head_title"].to_numpy()[unit]
        deputy_titles = self.units["deputy_title"].to_numpy()[unit]
        position = np.select([leader_rank == 0, leader_rank == 1, leader_rank == 2],
                             [heads, deputy_titles, SCHOOL_EXTRA_LEADER], self._staff_positions(unit))
        return position.astype(object), leader_rank

    def _staff_positions(self, unit: np.ndarray) -> np.ndarray:
        kind = self.kinds[unit]
        positions = np.empty(len(unit), dtype=object)
        for key, (names, shares) in STAFF_POSITIONS.items():
            chosen = (kind == key) if key is not None else ~np.isin(kind, [SCHOOL, WARD])
            positions[chosen] = self.rng.choice(np.array(names, dtype=object), chosen.sum(), p=shares)
        return positions

    # -- monthly events
    def _merge_wards(self) -> None:
        code_to_index = {code: i for i, code in enumerate(self.units["code"])}
        successors = self.units["successor"].to_numpy()
        for successor in sorted(set(successors) - {""}):
            new_unit = code_to_index[successor]
            merging = np.flatnonzero(successors == successor)
            staff = np.flatnonzero(self.on_roll & np.isin(self.unit, merging))
            staff_only = staff[self.leader_rank[staff] == 3]
            leaving = self.rng.random(len(staff_only)) > MERGE_RETENTION
            self.on_roll[staff_only[leaving]] = False
            # One head stays head; the other heads become deputies of the new office.
            heads = staff[self.leader_rank[staff] == 0]
            self.leader_rank[heads[1:]] = 1
            self.position[heads[1:]] = self.units["deputy_title"].iat[new_unit]
            self.unit[staff] = new_unit

    def _move_one_teacher(self) -> None:
        on_roll_teachers = np.flatnonzero(self.on_roll & (self.position == "Giáo viên"))
        schools = np.flatnonzero((self.kinds == SCHOOL) & _valid_in(self.units, self.calendar.first))
        if len(on_roll_teachers) == 0 or len(schools) < 2:
            return
        person = self.rng.choice(on_roll_teachers)
        self.unit[person] = self.rng.choice(schools[schools != self.unit[person]])

    def _replace_leavers(self, month: int) -> None:
        """About 0.5% of staff leave; each post is filled by a new hire."""
        candidates = np.flatnonzero(self.on_roll & (self.leader_rank == 3))
        leavers = self.rng.choice(candidates, self.rng.binomial(len(candidates), MONTHLY_LEAVERS),
                                  replace=False)
        leavers.sort()
        self.on_roll[leavers] = False
        self._hire(self.unit[leavers], self.position[leavers], month)

    def _hire(self, unit: np.ndarray, position: np.ndarray, month: int) -> None:
        n = len(unit)
        self.unit = np.concatenate([self.unit, unit])
        self.position = np.concatenate([self.position, position])
        self.leader_rank = np.concatenate([self.leader_rank, np.full(n, 3)])
        self.start = np.concatenate([self.start, np.full(n, month, dtype=np.int32)])
        self.on_roll = np.concatenate([self.on_roll, np.ones(n, dtype=bool)])
        self.name = np.concatenate([self.name, _synthetic_names(self.rng, self._draw_female(unit))])
        self.merit = np.concatenate([self.merit, self.rng.normal(size=n)])
        self.id = np.concatenate([self.id, self._new_ids(np.arange(n))])
        self.next_serial += n


def _mover_months(count: int) -> set[int]:
    return {m for m in (count // 4, (3 * count) // 4) if m >= 1}


def _over_quota_month(count: int) -> int:
    return (2 * count) // 3


def _low_coverage_month(count: int) -> int:
    return count // 3


# ================================================================ ratings

@dataclass
class _MonthRows:
    """One month's person rows, already in export order."""
    frame: pd.DataFrame
    month: int  # month index (months since year 0)

    def __len__(self) -> int:
        return len(self.frame)

    def excellent(self) -> np.ndarray:
        """Indices (into _Staff) of the people rated XS."""
        return self.frame["person"].to_numpy()[self.frame["final_level"].to_numpy() == XS]


def _rank_within(groups: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """0-based rank of each element within its group, by ascending key."""
    order = np.lexsort((keys, groups))
    sorted_groups = groups[order]
    group_start = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    starts = np.repeat(group_start, np.diff(np.r_[group_start, len(order)]))
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order)) - starts
    return ranks


def _rate_month(rng: np.random.Generator, staff: _Staff, people: np.ndarray, units: pd.DataFrame,
                calendar: _Calendar, month: int) -> _MonthRows:
    """Final and self ratings, scores, rewards and notes of everyone on the rolls."""
    unit = staff.unit[people]
    is_new_hire = (staff.start[people] == month) & (month > 0)
    final = _draw_lower_levels(rng, len(people))
    not_evaluated = _not_evaluated(rng, unit, is_new_hire, staff.leader_rank[people], len(units),
                                   month == _low_coverage_month(calendar.spread))
    final[not_evaluated] = NOT_EVALUATED
    over_quota = month == _over_quota_month(calendar.spread)
    _choose_excellent(rng, final, unit, staff.merit[people], len(units), over_quota)
    self_level = _self_levels(rng, final)
    final_score = _band_scores(rng, final)
    self_score = _self_scores(rng, self_level, final, final_score)
    frame = pd.DataFrame({
        "person": people, "id": staff.id[people], "name": staff.name[people],
        "position": staff.position[people], "leader": staff.leader_rank[people] < 3, "unit": unit,
        "self_level": self_level, "final_level": final, "self_score": self_score,
        "final_score": final_score,
        "reward": np.where(final == XS, _reward(calendar.first + month), 0),
        "note": _notes(rng, final, self_level, is_new_hire),
    })
    order = np.lexsort((people, staff.leader_rank[people], units["code"].to_numpy()[unit],
                        units["kind"].to_numpy()[unit]))
    return _MonthRows(frame.iloc[order].reset_index(drop=True), calendar.first + month)


def _draw_lower_levels(rng: np.random.Generator, n: int) -> np.ndarray:
    """HT and K at their shares; everyone else T for now (XS is chosen per unit)."""
    draw = rng.random(n)
    levels = np.full(n, T, dtype=np.int8)
    levels[draw < K_SHARE + HT_SHARE] = HT
    levels[draw < K_SHARE] = K
    return levels


def _not_evaluated(rng: np.random.Generator, unit: np.ndarray, is_new_hire: np.ndarray,
                   leader_rank: np.ndarray, n_units: int, force_low_coverage: bool) -> np.ndarray:
    """New hires and people on leave, kept within the 95% coverage floor per unit.

    Only units of 21 or more can have someone not evaluated without falling
    under the floor; elsewhere new hires are evaluated like everyone else.
    When asked, one small unit falls under the floor (a realistic warning).
    """
    headcount = np.bincount(unit, minlength=n_units)
    candidates = np.flatnonzero(is_new_hire | (rng.random(len(unit)) < NOT_EVALUATED_SHARE))
    # New hires first (key below 0), then people on leave in random order.
    key = rng.random(len(candidates)) - is_new_hire[candidates]
    allowed = (headcount - 1) // 20
    kept = candidates[_rank_within(unit[candidates], key) < allowed[unit[candidates]]]
    mask = np.zeros(len(unit), dtype=bool)
    mask[kept] = True
    if force_low_coverage:
        _push_one_unit_under_floor(rng, mask, unit, headcount, leader_rank)
    return mask


def _push_one_unit_under_floor(rng: np.random.Generator, mask: np.ndarray, unit: np.ndarray,
                               headcount: np.ndarray, leader_rank: np.ndarray) -> None:
    eligible = np.flatnonzero(headcount >= 8)
    if len(eligible) == 0:
        return
    smallest = eligible[np.argmin(headcount[eligible])]
    needed = headcount[smallest] // 20 + 1  # strictly more than 5% of the unit
    staff = np.flatnonzero((unit == smallest) & (leader_rank == 3))
    mask[rng.choice(staff, min(needed, len(staff)), replace=False)] = True


def _choose_excellent(rng: np.random.Generator, final: np.ndarray, unit: np.ndarray,
                      merit: np.ndarray, n_units: int, over_quota: bool) -> None:
    """Per unit, the best of those rated T become XS, within the quota.

    The quota (Nghị định 335/2025) is XS at most 20% of those rated T or XS.
    In the month asked, one or two units go one person over it.
    """
    good = np.flatnonzero(final == T)
    in_unit = np.bincount(unit[good], minlength=n_units)
    # Stochastic rounding keeps small units' expected share right.
    target = np.floor(in_unit * XS_SHARE_OF_GOOD + rng.random(n_units)).astype(np.int64)
    quota = in_unit // QUOTA_DIVISOR
    target = np.minimum(target, quota)
    if over_quota:
        large = np.flatnonzero(in_unit >= 10)
        if len(large):
            offenders = rng.choice(large, min(2 if n_units >= 40 else 1, len(large)), replace=False)
            target[offenders] = quota[offenders] + 1
    # Merit persists, so the same people tend to be XS again; noise rotates some.
    key = -(merit[good] + rng.normal(0, 0.7, len(good)))
    rank = _rank_within(unit[good], key)
    final[good[rank < target[unit[good]]]] = XS


def _self_levels(rng: np.random.Generator, final: np.ndarray) -> np.ndarray:
    """Mostly the final level; some rated above (nâng mức) or below (hạ mức) it."""
    self_level = final.copy()
    evaluated = final != NOT_EVALUATED
    draw = rng.random(len(final))
    can_raise = evaluated & (final <= HT)   # final above self: self one level lower
    can_lower = evaluated & (final >= T)    # final below self: self one level higher
    lower_p = LOWERED_SHARE * evaluated.sum() / max(can_lower.sum(), 1)
    raised = can_raise & (draw < RAISED_SHARE)
    lowered = can_lower & ~raised & (draw >= RAISED_SHARE) & (draw < RAISED_SHARE + lower_p)
    self_level[raised] += 1
    self_level[lowered] -= 1
    return self_level


def _band_scores(rng: np.random.Generator, levels: np.ndarray) -> np.ndarray:
    """Whole-point 100-point scores inside each level's band; NaN when not evaluated."""
    scores = np.full(len(levels), np.nan)
    rated = levels != NOT_EVALUATED
    mean, sd, low, high = SCORE_BANDS[levels[rated]].T
    scores[rated] = np.clip(np.round(rng.normal(mean, sd)), low, high)
    return scores


def _self_scores(rng: np.random.Generator, self_level: np.ndarray, final: np.ndarray,
                 final_score: np.ndarray) -> np.ndarray:
    """People score themselves a little higher than the head does, within their own band."""
    scores = _band_scores(rng, self_level)
    same = (self_level == final) & (final != NOT_EVALUATED)
    _, _, low, high = SCORE_BANDS[final[same]].T
    scores[same] = np.clip(final_score[same] + rng.integers(0, 4, same.sum()), low, high)
    return scores


def _notes(rng: np.random.Generator, final: np.ndarray, self_level: np.ndarray,
           is_new_hire: np.ndarray) -> np.ndarray:
    notes = np.full(len(final), "", dtype=object)
    draw = rng.random(len(final))

    def fill(where: np.ndarray, choices: tuple[str, ...]) -> None:
        notes[where] = rng.choice(np.array(choices, dtype=object), where.sum())

    not_evaluated = final == NOT_EVALUATED
    fill(not_evaluated & ~is_new_hire, NOT_EVALUATED_NOTES)
    notes[not_evaluated & is_new_hire] = NEW_HIRE_NOTE
    fill((final == K), K_NOTES)
    fill((final == HT) & (draw < 0.6), HT_NOTES)
    fill((final == T) & (self_level == T) & (draw < 0.01), T_NOTES)
    fill((final == XS) & (draw < 0.05), XS_NOTES)
    lowered = (final > self_level) & (final != NOT_EVALUATED) & (draw < 0.5)
    fill(lowered & (self_level == XS), QUOTA_NOTES)
    fill(lowered & (self_level != XS), LOWERED_NOTES)
    return notes


# ================================================================ monthly exports

@dataclass(frozen=True)
class _MonthStyle:
    csv: bool
    split: bool          # one file per block
    abbreviations: bool  # HTXSNV ... and "-" for not evaluated


def _month_style(month: int, count: int, large: bool) -> _MonthStyle:
    csv = large or month % 6 == 2
    split_month = count // 2 - 1
    if split_month % 6 == 2 and not large:  # keep the split month an xlsx one
        split_month -= 1
    return _MonthStyle(csv=csv, split=month == split_month, abbreviations=month % 5 == 3)


def _write_month(out: Path, rows: _MonthRows, units: pd.DataFrame, calendar: _Calendar,
                 month: int, large: bool) -> list[Path]:
    style = _month_style(month, calendar.spread, large)
    table = _export_values(rows, units, style)
    kinds = units["kind"].to_numpy()[rows.frame["unit"].to_numpy()]
    if style.split:
        parts = [(kind, kinds == kind) for kind in range(len(BLOCKS)) if (kinds == kind).any()]
    else:
        parts = [(None, np.ones(len(kinds), dtype=bool))]
    paths = []
    for kind, in_part in parts:
        path = out / "exports" / _file_name(rows.month, month, calendar.spread, style, kind)
        if style.csv:
            _write_csv(path, table[in_part], rows.month)
        else:
            _write_xlsx(path, table[in_part], kinds[in_part], rows.month, sign_day=3 + month % 5)
        paths.append(path)
    return paths


def _file_name(month_index: int, month: int, count: int, style: _MonthStyle, kind: int | None) -> str:
    """Most xlsx names carry no month (it is in the title line); two do, and agree."""
    mm, yyyy = f"{month_index % 12 + 1:02d}", f"{month_index // 12}"
    block = _ascii(BLOCKS[kind]) if kind is not None else ""
    if style.csv:
        return f"{block or 'Ket qua xep loai'}_T{mm}_{yyyy}.csv"
    if kind is None and month == count - 1:
        return f"{yyyy}-{mm} Ket qua xep loai.xlsx"
    if kind is None and month == 0:
        return f"Thang {mm}-{yyyy} - Tong hop xep loai.xlsx"
    prefix = f"{block} - " if block else ""
    return f"{prefix}Bang tong hop xep loai (ban {month + 1:02d}).xlsx"


def _ascii(text: str) -> str:
    """File names stay ASCII: 'Khối Đảng' -> 'Khoi Dang'."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _export_values(rows: _MonthRows, units: pd.DataFrame, style: _MonthStyle) -> pd.DataFrame:
    """The month's rows as export columns, values typed the way xlsx holds them."""
    frame = rows.frame
    unit = frame["unit"].to_numpy()
    labels = SHORT_LABELS if style.abbreviations else FULL_LABELS
    not_rated = "-" if style.abbreviations else None
    return pd.DataFrame({
        "STT": np.arange(1, len(frame) + 1),
        "Mã CB": frame["id"].to_numpy(),
        "Họ và tên": frame["name"].to_numpy(),
        "Chức vụ": frame["position"].to_numpy(),
        "Mã đơn vị": units["code"].to_numpy()[unit],
        "Đơn vị": units["name"].to_numpy()[unit],
        "LĐQL": np.where(frame["leader"].to_numpy(), "x", None),
        "Điểm tự chấm": _whole_or_none(frame["self_score"].to_numpy()),
        "Điểm thẩm định": _whole_or_none(frame["final_score"].to_numpy()),
        # Self rating stays blank when not evaluated, in every style.
        "Tự xếp loại": _labels(frame["self_level"].to_numpy(), labels, None),
        "Thủ trưởng xếp loại": _labels(frame["final_level"].to_numpy(), labels, not_rated),
        "Khen thưởng": np.where(frame["reward"].to_numpy() > 0, frame["reward"].to_numpy(), None),
        "Ghi chú": np.where(frame["note"].to_numpy() != "", frame["note"].to_numpy(), None),
    }, dtype=object)  # object columns keep None for blank cells (pandas would make them NaN)


def _labels(levels: np.ndarray, labels: np.ndarray, not_rated: str | None) -> np.ndarray:
    return np.where(levels >= 0, labels[np.maximum(levels, 0)], not_rated)


def _whole_or_none(scores: np.ndarray) -> np.ndarray:
    values = np.empty(len(scores), dtype=object)
    rated = ~np.isnan(scores)
    values[rated] = scores[rated].astype(np.int64).tolist()
    return values


# ---------------------------------------------------------------- CSV exports

def _write_csv(path: Path, table: pd.DataFrame, month_index: int) -> None:
    """Excel in a Vietnamese locale: UTF-8 with BOM, semicolons, CRLF, amounts as '1.170.000'."""
    csv = table.copy()
    csv.insert(1, "Tháng", f"{month_index % 12 + 1:02d}/{month_index // 12}")
    for column in ("Điểm tự chấm", "Điểm thẩm định"):
        csv[column] = pd.array(csv[column].tolist(), dtype="Int64")
    reward = csv["Khen thưởng"]
    csv["Khen thưởng"] = reward.map(lambda v: f"{v:,}".replace(",", ".") if v is not None else None)
    _write_excel_csv(path, csv[list(CSV_COLUMNS)], separator=";")


def _write_excel_csv(path: Path, table: pd.DataFrame, separator: str) -> None:
    """UTF-8 with BOM and CRLF, as Excel saves it.

    The BOM is written by hand: pandas' "utf-8-sig" goes through a Python
    codec call per line, several times slower than plain UTF-8 at city scale.
    """
    with open(path, "w", encoding="utf-8", newline="") as stream:
        stream.write("\ufeff")
        table.to_csv(stream, sep=separator, index=False, lineterminator="\r\n")


# ---------------------------------------------------------------- xlsx exports

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_ITALIC = Font(italic=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_XLSX_LETTERS = "ABCDEFGHIJKLM"  # one per entry of XLSX_COLUMNS
_NUMERIC_COLUMNS = {"STT", "Điểm tự chấm", "Điểm thẩm định", "Khen thưởng"}
_PLACEHOLDER_ROW = re.compile(rb'<row r="(\d+)"></row>')


def _styled(ws, value: object, font: Font | None = None, center: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if center:
        cell.alignment = _CENTER
    return cell


def _write_xlsx(path: Path, table: pd.DataFrame, kinds: np.ndarray, month_index: int, sign_day: int) -> None:
    """One sheet laid out like the administrative report officers send.

    openpyxl writes the layout (title block, header, group titles, merges,
    signatures) but only an empty placeholder row for each person: its
    pure-Python XML writer manages some 25k cells a second, too slow for
    months of 5,000 rows. The person rows are rendered as XML text here and
    put in place of the placeholders when the file is saved.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Tổng hợp")
    for column, width in zip(_XLSX_LETTERS, XLSX_WIDTHS):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "D9"
    money_style = _money_format(ws).style_id  # registers the style; the id goes in our XML
    _append_title_block(ws, month_index)
    _append_header(ws)
    row_number = 8
    person_rows: dict[int, str] = {}
    values = table.to_numpy(dtype=object)
    for kind in dict.fromkeys(kinds.tolist()):  # blocks in the order they come
        ws.append([_styled(ws, f"{ROMAN[kind]}. {BLOCKS[kind].upper()}", _BOLD)])
        block = values[kinds == kind]
        first = row_number + 2
        person_rows.update(zip(range(first, first + len(block)), _rows_xml(block, first, money_style)))
        for _ in range(len(block)):
            ws.append([])
        row_number += 1 + len(block)
    _append_signatures(ws, row_number + 1, month_index, sign_day)
    _save_reproducibly(wb, path, _signing_time(month_index, sign_day), person_rows)



def _money_format(ws) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=0)
    cell.number_format = "#,##0"
    return cell


def _rows_xml(values: np.ndarray, first_row: int, money_style: int) -> list[str]:
    """Spreadsheet XML of person rows, as openpyxl itself would write them."""
    rows = range(first_row, first_row + len(values))
    columns = []
    for index, header in enumerate(XLSX_COLUMNS):
        letter = _XLSX_LETTERS[index]
        if header in _NUMERIC_COLUMNS:
            style = f' s="{money_style}"' if header == "Khen thưởng" else ""
            cells = [f'<c r="{letter}{r}"{style} t="n"><v>{v}</v></c>' if v is not None else ""
                     for r, v in zip(rows, values[:, index])]
        else:
            cells = [f'<c r="{letter}{r}" t="inlineStr"><is><t>{xml_escape(v)}</t></is></c>'
                     if v is not None else "" for r, v in zip(rows, values[:, index])]
        columns.append(cells)
    return [f'<row r="{r}">{"".join(cells)}</row>' for r, cells in zip(rows, zip(*columns))]


def _append_title_block(ws, month_index: int) -> None:
    ws.append([_styled(ws, ORGANISATION, _BOLD, True)] + [None] * 6 +
              [_styled(ws, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _BOLD, True)])
    ws.append([_styled(ws, ISSUING_OFFICE, _BOLD, True)] + [None] * 6 +
              [_styled(ws, "Độc lập - Tự do - Hạnh phúc", _BOLD, True)])
    ws.append([])
    title = ("BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC "
             f"THÁNG {month_index % 12 + 1} NĂM {month_index // 12}")
    ws.append([_styled(ws, title, _TITLE, True)])
    ws.append([])
    for cells in ("A1:F1", "H1:M1", "A2:F2", "H2:M2", f"A4:{_XLSX_LETTERS[-1]}4"):
        ws.merged_cells.add(cells)


def _append_header(ws) -> None:
    """Rows 6-7: 'Kết quả xếp loại' over the two ratings, other headers merged down."""
    top, bottom = [], []
    for index, header in enumerate(XLSX_COLUMNS):
        column = _XLSX_LETTERS[index]
        if header == "Tự xếp loại":
            top.append(_styled(ws, RATING_GROUP_TITLE, _BOLD, True))
            bottom.append(_styled(ws, header, _BOLD, True))
            ws.merged_cells.add(f"{column}6:{_XLSX_LETTERS[index + 1]}6")
        elif header == "Thủ trưởng xếp loại":
            top.append(None)
            bottom.append(_styled(ws, header, _BOLD, True))
        else:
            top.append(_styled(ws, header, _BOLD, True))
            bottom.append(None)
            ws.merged_cells.add(f"{column}6:{column}7")
    ws.append(top)
    ws.append(bottom)
    ws.append([_styled(ws, f"({i})", _ITALIC, True) for i in range(1, len(XLSX_COLUMNS) + 1)])


def _append_signatures(ws, first_row: int, month_index: int, sign_day: int) -> None:
    """A blank row, the place and date, the two signing titles, and the signers."""
    signed = month_index + 1
    place_date = f"{PLACE}, ngày {sign_day:02d} tháng {signed % 12 + 1:02d} năm {signed // 12}"
    left = [None, None]  # the preparer signs under columns C-F, the head under J-M
    ws.append([])
    ws.append(left + [None] * 7 + [_styled(ws, place_date, _ITALIC, True)])
    ws.append(left + [_styled(ws, "NGƯỜI LẬP BIỂU", _BOLD, True)] + [None] * 6 +
              [_styled(ws, "THỦ TRƯỞNG ĐƠN VỊ", _BOLD, True)])
    ws.append(left + [_styled(ws, "(Ký, ghi rõ họ tên)", _ITALIC, True)] + [None] * 6 +
              [_styled(ws, "(Ký tên, đóng dấu)", _ITALIC, True)])
    for _ in range(3):
        ws.append([])
    ws.append(left + [_styled(ws, SIGNERS[0], _BOLD, True)] + [None] * 6 +
              [_styled(ws, SIGNERS[1], _BOLD, True)])
    date_row = first_row + 1
    for offset, left_merge in ((0, False), (1, True), (2, True), (6, True)):
        row = date_row + offset
        ws.merged_cells.add(f"J{row}:M{row}")
        if left_merge:
            ws.merged_cells.add(f"C{row}:F{row}")


def _signing_time(month_index: int, sign_day: int) -> datetime:
    signed = month_index + 1
    return datetime(signed // 12, signed % 12 + 1, sign_day, 8, 30, 0)


def _save_reproducibly(wb: Workbook, path: Path, when: datetime, person_rows: dict[int, str]) -> None:
    """Save with the person rows filled in, fixed document times and fixed zip timestamps.

    The bytes then depend on the content only, so runs can be compared.
    """
    wb.properties.creator = "congkhai demo"
    wb.properties.created = when
    buffer = io.BytesIO()
    wb.save(buffer)  # openpyxl stamps 'modified' with the clock; replaced below
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def person_row(match: re.Match[bytes]) -> bytes:
        row = person_rows.get(int(match[1]))
        return match[0] if row is None else row.encode("utf-8")

    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            elif entry.filename.startswith("xl/worksheets/sheet"):
                data = _PLACEHOLDER_ROW.sub(person_row, data)
            fixed = zipfile.ZipInfo(entry.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)


# ================================================================ history, withheld, marker

def _write_history(out: Path, rng: np.random.Generator, units: pd.DataFrame,
                   calendar: _Calendar) -> list[Path]:
    """Unit-level summaries for the months before person-level data, one CSV per year."""
    if calendar.history_count == 0:
        return []
    frames = [_history_month(rng, units, month) for month in calendar.history]
    history = pd.concat(frames, ignore_index=True)
    years = np.array([m // 12 for m in calendar.history]).repeat([len(f) for f in frames])
    paths = []
    for year in dict.fromkeys(years.tolist()):
        path = out / "history" / f"Tong hop theo don vi - nam {year}.csv"
        _write_excel_csv(path, history[years == year], separator=",")
        paths.append(path)
    return paths


def _history_month(rng: np.random.Generator, units: pd.DataFrame, month: int) -> pd.DataFrame:
    valid = units[_valid_in(units, month)].sort_values(["kind", "code"])
    n = len(valid)
    total = np.maximum(np.round(valid["size"].to_numpy() * rng.normal(1, 0.02, n)), 3).astype(np.int64)
    not_evaluated = np.minimum(rng.binomial(total, NOT_EVALUATED_SHARE), (total - 1) // 20)
    evaluated = total - not_evaluated
    k = rng.binomial(evaluated, K_SHARE)
    ht = rng.binomial(evaluated - k, HT_SHARE)
    good = evaluated - k - ht
    xs = np.floor(good * XS_SHARE_OF_GOOD + rng.random(n)).astype(np.int64)
    xs = np.minimum(xs, good // QUOTA_DIVISOR)
    raised = rng.binomial(evaluated - k, RAISED_SHARE)
    lowered = rng.binomial(evaluated - xs - raised, LOWERED_SHARE)
    counts = (total, xs, good - xs, ht, k, not_evaluated, raised, lowered)
    return pd.DataFrame({
        "Tháng": f"{month % 12 + 1:02d}/{month // 12}",
        "Mã đơn vị": valid["code"].to_numpy(), "Đơn vị": valid["name"].to_numpy(),
        **dict(zip(HISTORY_COLUMNS[3:], counts)),
    })


def _write_withheld(out: Path, rng: np.random.Generator, staff: _Staff,
                    excellent: list[np.ndarray]) -> Path:
    """Three people rated XS whose names the site must withhold.

    They are taken from the latest month's XS, so that the latest honour
    list shows the withheld line; any month's XS if that month has none.
    """
    candidates = excellent[-1] if len(excellent[-1]) else np.unique(np.concatenate(excellent))
    chosen = np.sort(rng.choice(candidates, min(3, len(candidates)), replace=False))
    path = out / "withheld.csv"
    pd.DataFrame({"person_id": staff.id[chosen]}).to_csv(path, index=False, lineterminator="\n")
    return path


def _write_marker(out: Path, calendar: _Calendar, units: int, staff: int, seed: int) -> Path:
    path = out / MARKER_NAME
    path.write_text(
        "Synthetic demo data (dữ liệu minh họa) written by `python -m generator demo`: "
        f"{calendar.count} months to {_month_label(calendar.months[-1])} plus "
        f"{calendar.history_count} months of unit-level history, {units} units, {staff} people, "
        f"seed {seed}. Every person in it is invented.\n", encoding="utf-8")
    return path
