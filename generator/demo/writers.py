"""The demo's exports written as the real software writes them: xlsx with its title block,
two-row header, group titles and signatures (laid out by openpyxl, person rows spliced in as
XML for speed), and CSV as Excel saves it. Same table, same bytes.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

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


def write_csv(path: Path, table: pd.DataFrame, month_index: int) -> None:
    """Excel in a Vietnamese locale: UTF-8 with BOM, semicolons, CRLF, amounts as '1.170.000'."""
    csv = table.copy()
    csv.insert(1, "Tháng", f"{month_index % 12 + 1:02d}/{month_index // 12}")
    for column in ("Điểm tự chấm", "Điểm thẩm định"):
        csv[column] = pd.array(csv[column].tolist(), dtype="Int64")
    reward = csv["Khen thưởng"]
    csv["Khen thưởng"] = reward.map(lambda v: f"{v:,}".replace(",", ".") if v is not None else None)
    write_excel_csv(path, csv[list(CSV_COLUMNS)], separator=";")


def write_excel_csv(path: Path, table: pd.DataFrame, separator: str) -> None:
    """UTF-8 with BOM and CRLF, as Excel saves it.

    The BOM is written by hand: pandas' "utf-8-sig" goes through a Python
    codec call per line, several times slower than plain UTF-8 at city scale.
    """
    with open(path, "w", encoding="utf-8", newline="") as stream:
        stream.write("\ufeff")
        table.to_csv(stream, sep=separator, index=False, lineterminator="\r\n")


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


def write_xlsx(path: Path, table: pd.DataFrame, group_titles: np.ndarray, month_index: int, sign_day: int) -> None:
    """One sheet laid out like the administrative report officers send; each row's group title
    ("I. KHỐI ĐẢNG") heads its group.

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
    for title in dict.fromkeys(group_titles.tolist()):  # blocks in the order they come
        ws.append([_styled(ws, title, _BOLD)])
        block = values[group_titles == title]
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
