"""The words the demo is made of: blocks and levels, the names of units, wards, places and
schools, positions, people's family, middle and given names, and the notes officers write.
Only the place names are real; every person is a random combination.
"""
from __future__ import annotations

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


SCHOOL_THEMED_NAMES = {
    "Mầm non": ("Hoa Sữa", "Hoa Mai", "Hoa Sen", "Họa Mi", "Sơn Ca", "Ánh Sao", "Tuổi Thơ",
                "Hoa Hồng", "Bông Sen", "Hoa Phượng", "Đô thị Việt Hưng", "Thạch Cầu"),
    "Tiểu học": ("Ái Mộ", "Lê Quý Đôn", "Nguyễn Du", "Đoàn Khuê", "Gia Quất", "Lý Thường Kiệt",
                 "Trưng Vương", "Kim Đồng", "Lê Văn Tám", "Nguyễn Trãi", "Ngô Quyền"),
    "THCS": ("Chu Văn An", "Nguyễn Gia Thiều", "Lê Quý Đôn", "Trần Phú", "Nguyễn Bỉnh Khiêm",
             "Đoàn Thị Điểm", "Quang Trung", "Ngô Gia Tự", "Lê Lợi", "Võ Thị Sáu"),
}


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


# ---------------------------------------------------------------- notes
NOT_EVALUATED_NOTES = ("Nghỉ thai sản", "Nghỉ ốm dài ngày", "Đi học tập trung", "Nghỉ không lương")


NEW_HIRE_NOTE = "Mới tuyển dụng"


LOWERED_NOTES = ("Hạ mức do chậm tiến độ",)


QUOTA_NOTES = ("Hạ mức do chậm tiến độ", "Hạ mức do vượt tỷ lệ xuất sắc")  # self XS, final T


HT_NOTES = ("Chậm tiến độ công việc", "Nghỉ ốm 5 ngày", "Chưa hoàn thành chỉ tiêu được giao")


K_NOTES = ("Vi phạm kỷ luật", "Không hoàn thành nhiệm vụ được giao")


T_NOTES = ("Nghỉ ốm 5 ngày", "Nghỉ phép 3 ngày", "Nghỉ ốm 2 ngày")


XS_NOTES = ("Có sáng kiến được công nhận", "Hoàn thành vượt tiến độ")
