"""Which column holds which field: ranked header aliases (contract section 3).

Within one field, a lower rank wins: rank-1 headers are used only when no
rank-0 header is present ("else" in the contract).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from generator.core.text import fold

PERSON_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "person_id": (("Mã cán bộ", "Mã CB", "Mã định danh", "Mã nhân sự", "Số hiệu CBCCVC"),),
    "full_name": (("Họ và tên", "Họ tên"),),
    "position": (("Chức vụ",), ("Chức danh", "Chức vụ/chức danh")),
    "unit_code": (("Mã đơn vị",),),
    "unit_name": (("Đơn vị", "Tên đơn vị", "Cơ quan/đơn vị", "Đơn vị công tác"),),
    "month": (("Tháng", "Kỳ đánh giá"),),
    "is_leader": (("Lãnh đạo quản lý", "LĐQL"),),
    "self_rating": (("Tự xếp loại", "Cá nhân tự xếp loại"),),
    "final_rating": (
        ("Cấp có thẩm quyền xếp loại", "Mức xếp loại chính thức", "Thủ trưởng xếp loại"),
        ("Kết quả xếp loại",),
        ("Xếp loại",),
    ),
    "self_score": (("Điểm tự chấm", "Tổng điểm tự chấm"),),
    "final_score": (("Điểm thẩm định", "Điểm chính thức"), ("Tổng điểm", "Điểm")),
    "reward": (("Khen thưởng", "Tiền thưởng"),),
    "note": (("Ghi chú", "Lý do", "Lý do hạ mức", "Sáng kiến"),),
}

# What each field is, in the officer's words (for messages that name a field, not a header).
FIELD_LABELS = {
    "person_id": "mã cán bộ", "full_name": "họ và tên", "position": "chức vụ", "unit_code": "mã đơn vị",
    "unit_name": "tên đơn vị", "month": "tháng", "is_leader": "lãnh đạo quản lý", "self_rating": "tự xếp loại",
    "final_rating": "xếp loại chính thức", "self_score": "điểm tự chấm", "final_score": "điểm chính thức",
    "reward": "khen thưởng", "note": "ghi chú",
}


def headers_looked_for(fields: dict[str, tuple[tuple[str, ...], ...]], field: str) -> str:
    """Every header that names `field`, as the contract writes them: “A”, “B” hoặc “C”."""
    names = [f"“{alias}”" for rank in fields[field] for alias in rank]
    return ", ".join(names[:-1]) + " hoặc " + names[-1] if len(names) > 1 else names[0]


HISTORY_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "month": (("Tháng", "Kỳ đánh giá"),),
    "unit_code": (("Mã đơn vị",),),
    "unit_name": (("Đơn vị", "Tên đơn vị", "Cơ quan/đơn vị"),),
    "headcount": (("Tổng số",),),
    "xs": (("HTXSNV",),),
    "t": (("HTTNV",),),
    "ht": (("HTNV",),),
    "k": (("KHTNV",),),
    "not_evaluated": (("Không đánh giá",),),
    "raised": (("Nâng mức",),),
    "lowered": (("Hạ mức",),),
}

# The header a spreadsheet must show for its sheet to be read at all.
PERSON_ANCHOR = "person_id"
HISTORY_ANCHOR = "headcount"


@dataclass(frozen=True)
class AliasTable:
    fields: dict[str, tuple[tuple[str, ...], ...]]

    @cached_property
    def lookup(self) -> dict[str, tuple[str, int]]:
        return {
            fold(alias): (name, rank)
            for name, ranks in self.fields.items()
            for rank, aliases in enumerate(ranks)
            for alias in aliases
        }


@dataclass(frozen=True)
class ColumnMatch:
    field: str
    rank: int
    column: int
    header: str


@dataclass(frozen=True)
class ColumnMap:
    """The chosen column per field, plus what the officer should know about the rest."""

    columns: dict[str, ColumnMatch]
    ambiguous: tuple[tuple[ColumnMatch, ColumnMatch], ...]
    ignored: tuple[str, ...]

    def header_of(self, field: str) -> str:
        return self.columns[field].header


def match_headers(headers: dict[int, str], table: AliasTable) -> ColumnMap:
    """Map column -> field from header texts, following the ranks of the contract."""
    lookup = table.lookup
    matches: list[ColumnMatch] = []
    ignored: list[str] = []
    for column, header in sorted(headers.items()):
        hit = lookup.get(fold(header))
        if hit:
            matches.append(ColumnMatch(hit[0], hit[1], column, header))
        elif header.strip():
            ignored.append(header)

    chosen: dict[str, ColumnMatch] = {}
    ambiguous: list[tuple[ColumnMatch, ColumnMatch]] = []
    demoted: list[ColumnMatch] = []
    for match in matches:
        best = chosen.get(match.field)
        if best is None or match.rank < best.rank:
            if best is not None:
                demoted.append(best)
            chosen[match.field] = match
        elif match.rank == best.rank:
            ambiguous.append((best, match))
        else:
            demoted.append(match)

    for match in demoted:
        # A plain "Xếp loại" beside a more specific final-rating column is
        # the self rating (contract section 3).
        if match.field == "final_rating" and "self_rating" not in chosen:
            chosen["self_rating"] = ColumnMatch("self_rating", match.rank, match.column, match.header)
        else:
            ignored.append(match.header)
    return ColumnMap(chosen, tuple(ambiguous), tuple(ignored))
