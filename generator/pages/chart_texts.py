"""What each chart says in words and tables: the sentence a screen reader and a reader without
JavaScript get instead of the picture, the tables under a chart, its CSV download, and the
number formats they share (Vietnamese 1.234,5 and English 1,234.5).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from generator.core import formatting
from generator.core.config import QuotaRule
from generator.view.public import PUBLIC
from generator.view.trends import Rewards, Series

# d3-format separators: decimal sign, then thousands.
SEPARATORS = {"vi": ",.", "en": ".,"}


@dataclass(**PUBLIC)
class DataTable:
    """A chart's values as text: a header row, then rows whose first cell names the row."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# Charts repeat the same few thousand shares, counts and months on every page
# (the organisation's panel beside each of 150 units), and babel takes some
# 10 µs a call: each text is made once. The key holds the type, because 1 and
# Decimal("1.00") are equal keys but print differently.
@lru_cache(maxsize=None)
def _formatted(function, value, value_type, lang):
    return function(value, lang)


def format_percent(value, lang="vi"):
    return _formatted(formatting.format_percent, value, type(value), lang)


def format_number(value, lang="vi"):
    return _formatted(formatting.format_number, value, type(value), lang)


def format_money(value, lang="vi"):
    return _formatted(formatting.format_money, value, type(value), lang)


def format_month(value, lang="vi"):
    return _formatted(formatting.format_month, value, type(value), lang)


def _tick(value, lang):
    return formatting.format_month(value, lang, "tick")


def format_month_tick(value, lang="vi"):
    """A month as a chart's tick names it, short enough for six on a phone ("T1/24")."""
    return _formatted(_tick, value, type(value), lang)


def xs_sentence(series: Series, name: str | None, lang: str) -> str:
    points = [(m, f.xs_share) for m, f in series.known if f.xs_share is not None]
    prefix = f"{name}: " if name else ""
    if not points:
        return prefix + ("không có số liệu." if lang == "vi" else "no figures.")
    (m1, a), (m2, b) = points[0], points[-1]
    a_text, b_text = format_percent(a, lang), format_percent(b, lang)
    m1_text, m2_text = format_month(m1, lang), format_month(m2, lang)
    if lang == "vi":
        if len(points) == 1:
            return f"{prefix}tỷ lệ XS {a_text} ({m1_text})."
        verb = f"tăng từ {a_text} lên {b_text}" if b > a else f"giảm từ {a_text} xuống {b_text}" if b < a else f"giữ ở {a_text}"
        return f"{prefix}tỷ lệ XS {verb} ({m1_text} đến {m2_text})."
    if len(points) == 1:
        return f"{prefix}XS {a_text} ({m1_text})."
    verb = f"rose from {a_text} to {b_text}" if b > a else f"fell from {a_text} to {b_text}" if b < a else f"stayed at {a_text}"
    return f"{prefix}XS {verb} ({m1_text} to {m2_text})."


def range_sentence(points: list[tuple[str, Decimal]], lang: str) -> str:
    if not points:
        return "Không có số liệu." if lang == "vi" else "No figures."
    (m1, a), (m2, b) = points[0], points[-1]
    low_month, low = min(points, key=lambda p: (p[1], p[0]))
    fa, fb, fl = (format_percent(v, lang) for v in (a, b, low))
    ma, mb, ml = (format_month(m, lang) for m in (m1, m2, low_month))
    if lang == "vi":
        return f"{fa} ({ma}), {fb} ({mb}); thấp nhất {fl} ({ml})."
    return f"{fa} ({ma}), {fb} ({mb}); lowest {fl} ({ml})."


def count_sentence(label: str, points: list[tuple[str, int]], lang: str) -> str:
    if not points:
        return f"{label}: " + ("không có số liệu." if lang == "vi" else "no figures.")
    (m1, a), (m2, b) = points[0], points[-1]
    high_month, high = max(points, key=lambda p: (p[1], p[0]))
    people = LABELS[lang]["people"]
    fa, fb, fh = (format_number(v, lang) for v in (a, b, high))
    ma, mb, mh = (format_month(m, lang) for m in (m1, m2, high_month))
    if lang == "vi":
        return f"{label}: {fa} {people} ({ma}), {fb} {people} ({mb}); nhiều nhất {fh} ({mh})."
    return f"{label}: {fa} {people} ({ma}), {fb} {people} ({mb}); highest {fh} ({mh})."


def rewards_sentence(known: list[Rewards], lang: str) -> str:
    if not known:
        return "Không có số liệu khen thưởng." if lang == "vi" else "No reward figures."
    last = known[-1]
    month, count, amount = format_month(last.month, lang), format_number(last.count, lang), format_money(last.amount, lang)
    if lang == "vi":
        text = f"{month}: {count} người được khen thưởng, tổng {amount}"
        if last.budget:
            text += f", bằng {format_percent(last.budget_share, lang)} ngân sách tháng {format_money(last.budget, lang)}"
        return text + "."
    text = f"{month}: {count} people rewarded, {amount} in all"
    if last.budget:
        text += f", {format_percent(last.budget_share, lang)} of the monthly budget of {format_money(last.budget, lang)}"
    return text + "."


def ranking_sentence(ranked, shares, over, limit: Decimal, quota: QuotaRule, lang: str) -> str:
    if not ranked:
        return "Không có đơn vị nào có số liệu." if lang == "vi" else "No unit has figures."
    (_, top, _), (_, bottom, _) = ranked[0], ranked[-1]
    top_text = f"{top.unit.name} ({format_percent(shares[0], lang)})"
    bottom_text = f"{bottom.unit.name} ({format_percent(shares[-1], lang)})"
    names = "; ".join(f"{row.unit.name} ({format_percent(s, lang)})" for row, s in over)
    limit_text = format_percent(limit, lang)
    if lang == "vi":
        base = "số HTT và XS" if quota.base == "T+XS" else "số được đánh giá"
        text = f"{len(ranked)} đơn vị xếp theo tỷ lệ XS trên {base}: cao nhất {top_text}, thấp nhất {bottom_text}. "
        text += (f"{len(over)} đơn vị vượt giới hạn {limit_text} ({quota.name}): {names}." if over
                 else f"Không đơn vị nào vượt giới hạn {limit_text} ({quota.name}).")
        return text
    base = "those rated T or XS" if quota.base == "T+XS" else "those evaluated"
    text = f"{len(ranked)} units ranked by XS share of {base}: highest {top_text}, lowest {bottom_text}. "
    text += (f"{len(over)} over the {limit_text} quota ({quota.name}): {names}." if over
             else f"No unit is over the {limit_text} quota ({quota.name}).")
    return text


def shares_table(series: Series, caption: str, codes: Sequence[str], lang: str) -> DataTable:
    words = LABELS[lang]
    rows = tuple(
        (format_month(m, lang), *(format_percent(getattr(f, LEVEL_FIELDS[c] + "_share"), lang) for c in codes))
        for m, f in series.known
    )
    return DataTable(caption, (words["month"], *(words[c] for c in codes)), rows)


def count_text(value: int | None, lang: str) -> str:
    return "–" if value is None else format_number(value, lang)


def csv_table(traces: Sequence[dict], x_values: Sequence[str], x_label: str, *, panel_names: Sequence[str] | None = None,
              panel_label: str = "", value_unit: str = "", text_label: str | None = None, texts: Sequence[str] | None = None,
              custom_label: str | None = None) -> tuple[tuple[str, ...], tuple[tuple, ...]]:
    """Every value the traces draw, one row per point of the x axis (per panel where there are
    several: `panel_names`, in the order of their axes), one column per trace: exactly the chart's
    figures, with the x axis as data (months as YYYY-MM, units by code) rather than as labels.
    A point the chart leaves out (no figure that month) is an empty cell."""
    axes = list(dict.fromkeys(t.get("xaxis", "x") for t in traces))
    names = list(dict.fromkeys(t["name"] for t in traces))
    suffix = f" ({value_unit})" if value_unit else ""
    header = (([panel_label] if panel_names else []) + [x_label] + ([text_label] if texts is not None else [])
              + [name + suffix for name in names] + ([custom_label] if custom_label else []))
    rows = []
    for axis_number, axis in enumerate(axes):
        panel = {t["name"]: t for t in traces if t.get("xaxis", "x") == axis}
        custom = next((t["customdata"] for t in panel.values() if "customdata" in t), None)
        for index, x in enumerate(x_values):
            cells = [panel_names[axis_number]] if panel_names else []
            cells.append(x)
            if texts is not None:
                cells.append(texts[index])
            for name in names:
                trace = panel.get(name)
                cells.append(_csv_number(trace["y"][index]) if trace is not None else "")
            if custom_label:
                cells.append(custom[index] if custom is not None else "")
            rows.append(tuple(cells))
    return tuple(header), tuple(rows)


def _csv_number(value) -> object:
    """A drawn value as the CSV writes it: shares with their two decimals, counts as they are."""
    if value is None:
        return ""
    return f"{value:.2f}" if isinstance(value, float) else value


LEVEL_FIELDS = {"XS": "xs", "T": "t", "HT": "ht", "K": "k", "HT+K": "ht_k", "CDG": "not_evaluated"}


LABELS = {
    "vi": {
        "XS": "Xuất sắc", "T": "Tốt", "HT": "Hoàn thành", "K": "Không hoàn thành",
        "HT+K": "HT+K (gộp)", "CDG": "Chưa đánh giá",
        "month": "Tháng", "share": "Tỷ lệ", "coverage": "Tỷ lệ được đánh giá", "floor": "Ngưỡng",
        "raised": "Nâng mức", "lowered": "Hạ mức", "people": "người",
        "reward_amount": "Tiền thưởng", "reward_count": "Số người", "budget": "Ngân sách tháng",
        "unit": "Đơn vị", "rank": "Hạng", "quota": "Giới hạn", "ranked": "Đơn vị, xếp từ cao xuống thấp",
        "xs_of_base": {"T+XS": "XS trên số HTT và XS", "evaluated": "XS trên số được đánh giá"},
        "base": {"T+XS": "Số HTT và XS", "evaluated": "Số được đánh giá"},
        "organisation": "Toàn bộ", "panel": "Nhóm", "code": "Mã đơn vị", "currency": "đồng",
    },
    "en": {
        "XS": "Excellent", "T": "Good", "HT": "Completed", "K": "Not completed",
        "HT+K": "HT+K (merged)", "CDG": "Not evaluated",
        "month": "Month", "share": "Share", "coverage": "Share evaluated", "floor": "Floor",
        "raised": "Rated above self", "lowered": "Rated below self", "people": "people",
        "reward_amount": "Rewards", "reward_count": "People", "budget": "Monthly budget",
        "unit": "Unit", "rank": "Rank", "quota": "Quota", "ranked": "Units, highest first",
        "xs_of_base": {"T+XS": "XS of those rated T or XS", "evaluated": "XS of those evaluated"},
        "base": {"T+XS": "Rated T or XS", "evaluated": "Evaluated"},
        "organisation": "Whole organisation", "panel": "Group", "code": "Unit code", "currency": "VND",
    },
}
