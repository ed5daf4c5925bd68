"""Open-data files of contract section 11, written from the public view only."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from decimal import Decimal

from generator.core import addresses
from generator.view.public import Figures, GroupRow, MonthView, SiteView
from generator.figures.suppression import PROTECTS, SMALL

UNIT_COLUMNS = (
    "thang", "ma_don_vi", "ten_don_vi", "khoi", "cap", "tong_so", "duoc_danh_gia", "xs", "tot",
    "hoan_thanh", "khong_hoan_thanh", "ht_k_gop", "nang_muc", "ha_muc", "so_khen_thuong", "tien_khen_thuong",
    "ly_do_gop",
)
HONOUR_COLUMNS = ("thang", "ho_ten", "chuc_vu", "ma_don_vi", "ten_don_vi", "khen_thuong")
SUMMARY_COLUMNS = (
    "ky", "nhom", "ten_nhom", "tong_so", "duoc_danh_gia", "xs", "tot", "hoan_thanh", "khong_hoan_thanh", "nang_muc", "ha_muc",
    "ly_do_gop",
)
# Why a row leaves HT, K, nâng mức and hạ mức empty (ly_do_gop), for a reader in a spreadsheet.
MERGE_REASONS = {SMALL: "ít người được đánh giá", PROTECTS: "gộp để bảo vệ đơn vị nhỏ"}
WITHHELD_NAME = "(không công bố)"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = dict[str, object]


@dataclass(frozen=True)
class Table:
    """One downloadable table: its CSV path, the rows, and how to describe it."""

    path: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    title: str
    description: str


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if row[c] is None else spreadsheet_safe(row[c]) for c in table.columns])
    # The BOM makes Excel read the file as UTF-8, so Vietnamese shows intact.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(table: Table) -> bytes:
    """A JSON array, one field per line (the leak check reads a number after a name on the same
    line as that person's). The line breaks are json's separators rather than its `indent`,
    which would switch it to the pure-Python encoder, five times slower on a city's files."""
    records = ",\n".join(json.dumps(row, ensure_ascii=False, default=_json_number, separators=(",\n ", ": "))
                          for row in table.rows)
    return f"[\n{records}\n]\n".encode("utf-8") if records else b"[]\n"


def _json_number(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def _unit_row(month: str, row, figures: Figures) -> Row:
    unit = row.unit
    return {
        "thang": month, "ma_don_vi": unit.code, "ten_don_vi": unit.name, "khoi": unit.block, "cap": unit.level,
        "tong_so": figures.headcount, "duoc_danh_gia": figures.evaluated, "xs": figures.xs, "tot": figures.t,
        "hoan_thanh": figures.ht, "khong_hoan_thanh": figures.k, "ht_k_gop": figures.ht_k,
        "nang_muc": figures.raised, "ha_muc": figures.lowered,
        "so_khen_thuong": figures.reward_count, "tien_khen_thuong": figures.reward_amount,
        "ly_do_gop": MERGE_REASONS.get(figures.merged_as),
    }


def _month_unit_rows(month: MonthView) -> Iterator[Row]:
    for row in month.rows:
        yield _unit_row(month.month, row, row.figures)


def _honour_rows(month: MonthView) -> Iterator[Row]:
    for block in month.honour or ():
        for honour_unit in block.units:
            for entry in honour_unit.entries:
                yield {
                    "thang": month.month,
                    "ho_ten": WITHHELD_NAME if entry.withheld else entry.name,
                    "chuc_vu": entry.position,
                    "ma_don_vi": honour_unit.unit.code,
                    "ten_don_vi": honour_unit.unit.name,
                    "khen_thuong": entry.reward,
                }


def _summary_row(period: str, group: str, name: str, figures: Figures) -> Row:
    return {
        "ky": period, "nhom": group, "ten_nhom": name, "tong_so": figures.headcount,
        "duoc_danh_gia": figures.evaluated, "xs": figures.xs, "tot": figures.t,
        "hoan_thanh": figures.ht, "khong_hoan_thanh": figures.k,
        "nang_muc": figures.raised, "ha_muc": figures.lowered,
        "ly_do_gop": MERGE_REASONS.get(figures.merged_as),
    }


def _summary_rows(site: SiteView) -> Iterator[Row]:
    def groups(total: Figures, blocks: Iterable[GroupRow], levels: Iterable[GroupRow], period: str) -> Iterator[Row]:
        yield _summary_row(period, "toan-bo", site.organisation, total)
        for level in levels:
            yield _summary_row(period, "cap", level.name, level.figures)
        for block in blocks:
            yield _summary_row(period, "khoi", block.name, block.figures)

    for month in site.months:
        blocks = [GroupRow("block", b.block, b.subtotal) for b in month.blocks]
        yield from groups(month.total, blocks, month.levels, month.month)
    for year in site.years:
        yield from groups(year.total, year.blocks, year.levels, year.year)


def month_tables(month: MonthView, with_rows: bool = True) -> list[Table]:
    """A month's tables: its units, and its honour list where it has one (not `with_rows`: only
    what describes them, for the package and the index page)."""
    result = [Table(
        addresses.month_units_csv(month.month), UNIT_COLUMNS, tuple(_month_unit_rows(month)) if with_rows else (),
        f"Kết quả theo đơn vị, tháng {month.month}",
        "Mỗi dòng là một đơn vị: tổng số, số được đánh giá, số lượng từng mức xếp loại, nâng mức, hạ mức, khen thưởng.",
    )]
    if month.honour is not None:
        result.append(Table(
            addresses.month_honour_csv(month.month), HONOUR_COLUMNS, tuple(_honour_rows(month)) if with_rows else (),
            f"Danh sách Hoàn thành xuất sắc nhiệm vụ, tháng {month.month}",
            "Những người được xếp loại Hoàn thành xuất sắc nhiệm vụ trong tháng, theo thứ tự trên trang.",
        ))
    return result


def years(site: SiteView) -> dict[str, tuple[MonthView, ...]]:
    """Each year of the site's months, oldest first, with its months."""
    return {year: tuple(months) for year, months in groupby(site.months, key=lambda m: m.year)}


def year_table(year: str, months: Iterable[MonthView], with_rows: bool = True) -> Table:
    """Every unit and month of one year (made from that year's months alone, so a closed year's
    file changes only when one of its months is corrected)."""
    rows = tuple(row for month in months for row in _month_unit_rows(month)) if with_rows else ()
    return Table(
        addresses.year_units_csv(year), UNIT_COLUMNS, rows,
        f"Kết quả theo đơn vị, năm {year}", f"Như tệp của từng tháng, gộp các tháng của năm {year}.",
    )


def summary_table(site: SiteView) -> Table:
    return Table(
        addresses.summary_csv(), SUMMARY_COLUMNS, tuple(_summary_rows(site)),
        "Tổng hợp theo toàn đơn vị, cấp và khối",
        "Mỗi dòng là một kỳ (tháng YYYY-MM hoặc năm YYYY) và một nhóm: toàn bộ, một cấp hoặc một khối.",
    )


def tables(site: SiteView, with_rows: bool = True) -> list[Table]:
    """Every open-data table of the site, in a stable order: each month's, each year's, the summary
    (not `with_rows`: the summary alone has its rows)."""
    result = [table for month in site.months for table in month_tables(month, with_rows)]
    result += [year_table(year, months, with_rows) for year, months in years(site).items()]
    result.append(summary_table(site))
    return result


_FIELD_TYPES = {
    "thang": "string", "ky": "string", "nhom": "string", "ten_nhom": "string", "ma_don_vi": "string",
    "ten_don_vi": "string", "khoi": "string", "cap": "string", "ho_ten": "string", "chuc_vu": "string",
    "ly_do_gop": "string",
}


def datapackage(site: SiteView, tables_: list[Table]) -> bytes:
    """A Frictionless Data Package descriptor for the CSV files."""
    resources = []
    for table in tables_:
        name = table.path.removeprefix("du-lieu/").removesuffix(".csv").replace("/", "-")
        resources.append({
            "name": name,
            "path": table.path.removeprefix("du-lieu/"),
            "title": table.title,
            "description": table.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "schema": {"fields": [{"name": c, "type": _FIELD_TYPES.get(c, "integer")} for c in table.columns]},
        })
    package = {
        "name": "cong-khai-xep-loai-hang-thang",
        "title": f"Kết quả đánh giá, xếp loại hằng tháng — {site.organisation}",
        "resources": resources,
    }
    return (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def table_files(some: Iterable[Table]) -> list[tuple[str, bytes]]:
    """(path, content) of each table's CSV and of its JSON."""
    result = []
    for table in some:
        result.append((table.path, to_csv(table)))
        result.append((addresses.json_beside(table.path), to_json(table)))
    return result


def files(site: SiteView, all_tables: list[Table]) -> list[tuple[str, bytes]]:
    """(path, content) of every open-data file: each CSV, its JSON, and the package."""
    return table_files(all_tables) + [(addresses.datapackage(), datapackage(site, all_tables))]
