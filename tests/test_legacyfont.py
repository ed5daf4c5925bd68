"""Legacy font encodings found in any one cell, per tone mark, and never in real text."""
from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import openpyxl
import pytest

from generator.demo import vocabulary as demo
from generator.ingest import legacyfont, mojibake
from generator.ingest.files import read_tables
from generator.ingest.legacyfont import TCVN3, VNI, convert, legacy_encoding
from generator.core.problems import InputRefused, Problems

# One word per tone mark, and đ / Đ, as a .VnTime (TCVN3) or VNI-Times font leaves it in a cell.
TONE_WORDS = {
    "huyền": ("Hoàng", "Hoµng", "Hoaøng"),
    "sắc": ("Tuấn", "TuÊn", "Tuaán"),
    "hỏi": ("Thủy", "Thñy", "Thuûy"),
    "ngã": ("Nguyễn", "NguyÔn", "Nguyeãn"),
    "nặng": ("Phạm", "Ph¹m", "Phaïm"),
    "đ": ("đạt", "®¹t", "ñaït"),
    "Đ": ("Đức", "§øc", "Ñöùc"),
}


@pytest.mark.parametrize("mark", list(TONE_WORDS))
@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_each_tone_mark_and_d_is_found_and_converted(mark: str, encoding: str) -> None:
    unicode, tcvn3, vni = TONE_WORDS[mark]
    typed = tcvn3 if encoding == TCVN3 else vni
    assert legacy_encoding(typed) == encoding
    assert convert(typed, encoding) == unicode
    assert legacy_encoding(unicode) is None


def test_the_tcvn3_table_is_glibc_iconvs() -> None:
    iconv = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes(range(0xA1, 0xFF)),
                           capture_output=True, check=False)
    if iconv.returncode != 0:
        pytest.skip("no iconv with TCVN5712-1 here")
    assert "".join(legacyfont._TCVN3_TABLE[chr(byte)] for byte in range(0xA1, 0xFF)) == iconv.stdout.decode("utf-8")


def test_capitals_typed_with_a_capitals_font_stay_capitals() -> None:
    assert convert("NGUYÔN V¡N", TCVN3) == "NGUYỄN VĂN"
    assert convert("NGUYEÃN VAÊN", VNI) == "NGUYỄN VĂN"


def demo_names() -> list[str]:
    families = [name for name, *_ in demo.FAMILY_NAMES] if isinstance(demo.FAMILY_NAMES[0], tuple) else list(demo.FAMILY_NAMES)
    middles = [m for m, _ in demo.FEMALE_MIDDLE + demo.MALE_MIDDLE]
    givens = list(demo.FEMALE_GIVEN + demo.MALE_GIVEN)
    return [f"{f} {m} {g}" for f, m, g in itertools.product(families, middles, givens)]


REAL_TEXT = [
    *demo.PARTY_UNITS, *demo.GOVERNMENT_UNITS, *demo.MASS_UNITS, *demo.LONG_BIEN_WARDS, *demo.NOT_EVALUATED_NOTES,
    "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Không hoàn thành nhiệm vụ", "HOÀN THÀNH NHIỆM VỤ",
    "Võ Hà", "Lê Hà", "Hoà", "Thuý", "Khoẻ", "Trưởng phòng", "Phó Chủ tịch UBND",
    "Director of Finance", "Head of Unit", "Ông Müller (chuyên gia)", "Müller", "José", "Café", "Peña", "Zoë",
    "Công ty ABC®", "© 2024", "50 °C", "2×3 m²", "Ångström", "Straße", "½ ngày", "Lương ± 5%",
]


def test_real_vietnamese_english_and_unit_names_are_never_taken_for_legacy() -> None:
    names = demo_names()
    assert len(names) > 1000
    mistaken = [text for text in names + REAL_TEXT if legacy_encoding(text)]
    assert mistaken == []


def as_ansi(text: str) -> str:
    """UTF-8 text as Excel shows it when it opens the file as Windows-1252 ("ANSI")."""
    return text.encode("utf-8").decode("sloppy-windows-1252")  # ftfy's codec, as Windows keeps 5 undefined bytes


def test_utf8_read_as_ansi_is_never_a_legacy_font_and_is_repaired() -> None:
    texts = [t for t in demo_names() + REAL_TEXT if not t.isascii()]
    damaged = {as_ansi(text): text for text in texts}
    assert [text for text in damaged if legacy_encoding(text)] == []
    assert mojibake.repairs(damaged) == damaged  # every cell of a damaged file comes back


def test_real_text_and_legacy_fonts_are_never_taken_for_utf8_read_as_ansi() -> None:
    legacy = [typed for _, tcvn3, vni in TONE_WORDS.values() for typed in (tcvn3, vni)]
    assert mojibake.repairs(demo_names() + REAL_TEXT + legacy + ["NguyÔn ThÞ Giang", "Nguyeãn Thò Giang"]) == {}


def refusal(path: Path) -> InputRefused:
    with pytest.raises(InputRefused) as refused:
        read_tables(path, path.name, Problems())
    return refused.value


def export_with_one_odd_name(folder: Path, odd: str) -> Path:
    """3,000 demo names in an xlsx, `odd` as the name of row 1502 (cell B1502)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "T10"
    sheet.append(["Mã CB", "Họ và tên", "Đơn vị", "Xếp loại"])
    for number, name in enumerate(demo_names()[:3000]):
        sheet.append([f"CB{number}", name, "Phòng Nội vụ", "Hoàn thành tốt nhiệm vụ"])
    sheet["B1502"] = odd
    path = folder / "t.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize("encoding", [TCVN3, VNI])
def test_one_legacy_name_among_thousands_is_refused_naming_its_cell(tmp_path: Path, encoding: str) -> None:
    typed = "NguyÔn ThÞ Giang" if encoding == TCVN3 else "Nguyeãn Thò Giang"
    path = export_with_one_odd_name(tmp_path, typed)
    refused = refusal(path)
    assert refused.code == "legacy-font-encoding"
    assert f"trang tính “T10”, ô B1502: “{typed}” (đúng ra là “Nguyễn Thị Giang”)" in refused.message
    assert f'python -m generator convert-font "{path}"' in refused.message
    assert refused.message.startswith("1 ô")


def test_one_name_read_as_ansi_among_thousands_is_refused_as_such_not_as_a_legacy_font(tmp_path: Path) -> None:
    path = export_with_one_odd_name(tmp_path, as_ansi("Nguyễn Thị Giang"))
    refused = refusal(path)
    assert refused.code == "mojibake"
    assert "trang tính “T10”, ô B1502: “Nguyá»…n Thá»‹ Giang” (đúng ra là “Nguyễn Thị Giang”)" in refused.message
    assert refused.message.startswith("1 ô") and "ANSI (Windows-1252)" in refused.message
    assert f'python -m generator convert-font "{path}"' in refused.message


def test_legacy_text_in_any_column_is_found(tmp_path: Path) -> None:
    rows = ["Mã CB,Họ và tên,Chức vụ,Đơn vị,Xếp loại"]
    rows += [f"CB{n},{name},Chuyên viên,Phòng Nội vụ,Hoàn thành tốt nhiệm vụ" for n, name in enumerate(demo_names()[:500])]
    rows[300] = rows[300].replace("Chuyên viên", "Tr\xadëng phßng")  # the position, not the name
    path = tmp_path / "t.csv"
    path.write_text("\n".join(rows), "utf-8")
    refused = refusal(path)
    assert "ô C301: “Tr\xadëng phßng” (đúng ra là “Trưởng phòng”)" in refused.message


def test_legacy_font_encoding_of_a_whole_text_follows_its_cells() -> None:
    assert legacyfont.legacy_font_encoding("NguyÔn ThÞ Giang;Hoµn thµnh tèt nhiÖm vô") == TCVN3
    assert legacyfont.legacy_font_encoding("Nguyeãn Thò Giang\nHoaøn thaønh") == VNI
    assert legacyfont.legacy_font_encoding("Nguyễn Thị Giang;Hoàn thành") is None
