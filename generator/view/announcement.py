"""The monthly announcement: the article stub of `new-month`, and the figures its placeholders stand for.

An article can write a month's figures as placeholders, `{{ month.xs_share }}`,
which the build fills from the public view (so that a correction of the month
corrects the article too). The month is the article's `Month:` metadata, or
the latest month. Links (`{{ month.url }}` ...) are filled by the Pelican
glue, which knows where the page being written sits.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from generator.core.formatting import format_date, format_money, format_month, format_number, format_percent
from .public import MonthView

PLACEHOLDER = re.compile(r"\{\{\s*month\.([a-z_]+)\s*\}\}")
LINKS = ("url", "honour_url", "units_csv")


class ContentRefused(Exception):
    """An article the build cannot fill; nothing is published."""


def _count(attribute: str) -> Callable[[MonthView], str]:
    return lambda m: format_number(getattr(m.total, attribute)) if getattr(m.total, attribute) is not None else "–"


def _share(attribute: str) -> Callable[[MonthView], str]:
    return lambda m: format_percent(getattr(m.total, attribute))


FIGURES: dict[str, Callable[[MonthView], str]] = {
    "month": lambda m: format_month(m.month, "vi", "long").removeprefix("Tháng "),  # "10/2026": "tháng {{ month.month }}"
    "headcount": _count("headcount"),
    "evaluated": _count("evaluated"),
    "coverage": _share("coverage"),
    "xs": _count("xs"), "xs_share": _share("xs_share"),
    "t": _count("t"), "t_share": _share("t_share"),
    "ht": _count("ht"), "ht_share": _share("ht_share"),
    "k": _count("k"), "k_share": _share("k_share"),
    "not_evaluated": _count("not_evaluated"), "not_evaluated_share": _share("not_evaluated_share"),
    "raised": _count("raised"), "lowered": _count("lowered"),
    "reward_count": _count("reward_count"),
    "reward_amount": lambda m: format_money(m.total.reward_amount) if m.total.reward_amount is not None else "–",
    "honour_count": lambda m: format_number(m.honour_count),
}


def fill(text: str, month: MonthView, link: Callable[[str], str], where: str) -> str:
    """`text` with every placeholder replaced; `link(path)` writes a link to a page of the site."""
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name in FIGURES:
            return FIGURES[name](month)
        if name in LINKS and getattr(month, name):
            return link(getattr(month, name))
        known = ", ".join(f"month.{n}" for n in (*FIGURES, *LINKS))
        raise ContentRefused(f"{where}: không hiểu “{match.group(0)}” (tháng {month.month}). Dùng được: {known}.")

    return PLACEHOLDER.sub(replace, text)


def stub_text(month: MonthView, written: date, demo: bool) -> str:
    """The Markdown an officer starts from: figures as placeholders, links to the month's pages."""
    label = format_month(month.month, "vi", "long").lower()
    lines = [
        f"Title: Kết quả xếp loại {label}",
        f"Date: {written.isoformat()}",
        f"Slug: {month.month}-ket-qua-xep-loai",
        f"Month: {month.month}",
        "Summary: Tháng {{ month.month }}, {{ month.evaluated }} trên {{ month.headcount }} cán bộ, công chức, viên chức "
        "được đánh giá, xếp loại; {{ month.xs }} người ({{ month.xs_share }}) Hoàn thành xuất sắc nhiệm vụ.",
        "",
        "Kết quả đánh giá, xếp loại cán bộ, công chức, viên chức tháng {{ month.month }} "
        f"được công bố ngày {format_date(written)}.",
        "",
        "- Hoàn thành xuất sắc nhiệm vụ: {{ month.xs }} người ({{ month.xs_share }})",
        "- Hoàn thành tốt nhiệm vụ: {{ month.t }} người ({{ month.t_share }})",
        "- Hoàn thành nhiệm vụ: {{ month.ht }} người ({{ month.ht_share }})",
        "- Không hoàn thành nhiệm vụ: {{ month.k }} người ({{ month.k_share }})",
        "- Chưa đánh giá: {{ month.not_evaluated }} người ({{ month.not_evaluated_share }})",
        "",
        "Xem chi tiết:",
        "",
        "- [Bảng kết quả từng đơn vị]({{ month.url }})",
    ]
    if month.honour_url:
        lines.append("- [Danh sách Hoàn thành xuất sắc nhiệm vụ ({{ month.honour_count }} người)]({{ month.honour_url }})")
    lines.append("- [Tải dữ liệu của tháng (CSV)]({{ month.units_csv }})")
    if demo:
        lines += ["", "*Đây là dữ liệu minh họa.*"]
    return "\n".join(lines) + "\n"


def write_stub(folder: Path, month: MonthView, *, demo: bool, force: bool = False) -> tuple[Path | None, str]:
    """Write the stub; returns (path, the summary as the build will fill it), or (None, the existing path)."""
    from generator.store.record import today

    path = folder / f"{month.month}-ket-qua-xep-loai.md"
    if path.exists() and not force:
        return None, str(path)
    text = stub_text(month, today(), demo)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    summary = next(line for line in text.splitlines() if line.startswith("Summary: ")).removeprefix("Summary: ")
    return path, fill(summary, month, lambda path: path, str(path))
