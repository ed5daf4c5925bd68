"""The subtraction auditor: run on every build, like the leak check, before anything is written.

It reads every figure the public view gives the site (month tables, unit
pages, block, level and organisation totals of every month and year, the
trends that sum a unit with the units whose history it carries; downloads,
charts, feeds and briefs are all drawn from these objects) as equations
over the units' true counts, and proves with an integer program
(`subtraction.exposures`) that no merged unit-month's K, nâng mức or hạ mức
can be shown to be above zero. Suppression (`suppression.choose_merges`) is
what makes that hold; this is the guard behind it, so it trusts nothing but
the view.

Its cost follows the merged unit-months, not the history: a published total
over unit-months that all publish the quantity has no unknown in it, so it is
not made (the integer program would drop it). On the 12-month city (47,888
unit-months, 192 merged) that leaves 288 equations in 24 components, one per
month and quantity as a rule; reading the view's rows and the units' trends
takes ~0.7 s, the model 0.1 s, the integer programs 0.1 s. Proofs are not
cached between builds: a month's component could be keyed by a digest of its
equations and bounds, exactly, but that would spare the 0.1 s of solving and
none of the reading, which is where the time is.
"""
from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Iterator

from generator.core.config import Policy
from generator.core.formatting import format_month
from generator.core.problems import Problems
from .public import Figures, SiteView
from generator.figures.subtraction import QUANTITIES, Cell, Exposure, Inconsistent, Key, Total, exposures
from .trends import unit_trends

_WORDS = {"k": "số Không hoàn thành nhiệm vụ (K)", "raised": "số nâng mức", "lowered": "số hạ mức"}


def published(site: SiteView, policy: Policy) -> tuple[list[Cell], list[Total]]:
    """Every unit-month's own figures, and every published total that says something about a hidden count.

    A total over unit-months that all publish the quantity has no unknown in it
    (the integer program would drop it): it is not made at all, so that the
    cost follows the merged unit-months, not every row of every month.
    """
    cells = [_cell(view.month, row.unit.code, row.figures) for view in site.months for row in view.rows]
    return cells, list(_totals(site, policy, _Published(cells)))


class _Published:
    """Which unit-months publish a row, and which hide a quantity."""

    def __init__(self, cells: list[Cell]):
        self.rows = {cell.key for cell in cells}
        self.hidden = {q: {cell.key for cell in cells if getattr(cell, q) is None} for q in QUANTITIES}

    def unknown_in(self, members: list[Key], quantity: str) -> bool:
        """True if the total over `members` has an unknown, or counts a unit-month with no row (a bug `exposures` reports)."""
        hidden = self.hidden[quantity]
        return any(key in hidden or key not in self.rows for key in members)


def find_exposures(site: SiteView, policy: Policy) -> list[Exposure]:
    cells, totals = published(site, policy)
    return exposures(cells, totals)


def check(site: SiteView, policy: Policy, problems: Problems) -> int:
    """Add an error per disclosed count; returns how many merged unit-months were checked."""
    names = {unit.unit.code: unit.unit.name for unit in site.units}
    try:
        found = find_exposures(site, policy)
    except Inconsistent as error:
        problems.error("disclosure", f"Số liệu công bố không khớp nhau nên không thể kiểm tra việc gộp: {error}.",
                       suggestion="Báo nhóm kỹ thuật; đây là lỗi của chương trình, không phải của tệp dữ liệu.")
        return 0
    for exposure in found:
        period = f"năm {exposure.month}" if len(exposure.month) == 4 else format_month(exposure.month, "vi", "long").lower()
        problems.error(
            "disclosure",
            f"Đơn vị {names.get(exposure.unit, exposure.unit)} ({exposure.unit}), {period}: chỉ công bố HT+K gộp, "
            f"nhưng cộng trừ các số đã công bố chứng minh được {_WORDS[exposure.quantity]} ít nhất là "
            f"{exposure.least}. Lộ qua: {'; '.join(exposure.giveaway)}.",
            suggestion="Không công bố. Việc chọn gộp không dựa vào các số bị che (để chính việc gộp không tiết lộ "
                       "chúng), nên khi các đơn vị gộp cùng nhóm gần như toàn người K thì các tổng vẫn suy ra được. "
                       f"Tăng CONGKHAI_MERGE_MARGIN trong tệp cấu hình (đang là {policy.merge_margin}) rồi tạo lại: "
                       "mọi tháng sẽ gộp thêm. Nếu có đơn vị chưa ghi cấp trong units.csv, hãy ghi cấp cho nó "
                       "(toàn bộ trừ các cấp cho ra các đơn vị không có cấp); nếu vẫn không được, báo nhóm kỹ thuật.",
        )
    return sum(1 for view in site.months for row in view.rows if row.figures.merged)


def _cell(month: str, unit: str, f: Figures) -> Cell:
    """A merged row's three counts are unknowns whatever it shows; what it does show is a total of its own."""
    hidden = f.merged
    return Cell(month, unit, f.evaluated, f.xs, f.evaluated - f.xs - f.t,
                None if hidden else _k(f), None if hidden else f.raised, None if hidden else f.lowered)


def _k(f: Figures) -> int | None:
    if f.k is not None:
        return f.k
    return None if f.ht is None else f.evaluated - f.xs - f.t - f.ht


def _totals(site: SiteView, policy: Policy, known: _Published) -> Iterator[Total]:
    for view in site.months:
        when = _month_label(view.month)
        rows = view.rows
        yield from _of(view.month, [(view.month, r.unit.code) for r in rows], view.total, f"Toàn bộ, {when}", known)
        for row in rows:
            yield from _of(view.month, [(view.month, row.unit.code)], row.figures, f"{row.unit.name}, {when}", known)
        for block in view.blocks:
            members = [(view.month, r.unit.code) for r in block.rows]
            yield from _of(view.month, members, block.subtotal, f"{block.block}, {when}", known)
        for level in view.levels:
            members = [(view.month, r.unit.code) for r in rows if r.unit.level == level.name]
            yield from _of(view.month, members, level.figures, f"{level.name}, {when}", known)
    for unit in site.units:  # unit pages: the same figures as the tables, unless a bug says otherwise
        for month in unit.months:
            yield from _of(month.month, [(month.month, unit.unit.code)], month.figures, f"{unit.unit.name}, {_month_label(month.month)}", known)
    yield from _year_totals(site, known)
    yield from _carried_totals(site, policy, known)


def _year_totals(site: SiteView, known: _Published) -> Iterator[Total]:
    """A year's totals that say more than its months: those of a group some month does not show."""
    by_year: dict[str, list[tuple[Key, str, str]]] = defaultdict(list)
    shown: dict[tuple[str, str, str], list[Figures]] = defaultdict(list)  # (year, group, name) -> its months
    for view in site.months:
        by_year[view.year] += [((view.month, r.unit.code), r.unit.block, r.unit.level) for r in view.rows]
        shown[(view.year, "org", "")].append(view.total)
        for block in view.blocks:
            shown[(view.year, "block", block.block)].append(block.subtotal)
        for level in view.levels:
            shown[(view.year, "level", level.name)].append(level.figures)
    months = Counter(view.year for view in site.months)

    def implied_by_months(year: str, group: str, name: str) -> bool:
        """The sum of its months' totals, each published in full: it says nothing new."""
        parts = shown.get((year, group, name), [])
        return len(parts) == months[year] and all(
            _k(p) is not None and p.raised is not None and p.lowered is not None for p in parts)

    for year in site.years:
        members = by_year.get(year.year, [])
        groups = [("org", "", [key for key, _, _ in members], year.total, "Toàn bộ")]
        groups += [("block", r.name, [key for key, block, _ in members if block == r.name], r.figures, r.name) for r in year.blocks]
        groups += [("level", r.name, [key for key, _, level in members if level == r.name], r.figures, r.name) for r in year.levels]
        for group, name, keys, figures, label in groups:
            if not implied_by_months(year.year, group, name):
                yield from _of(year.year, keys, figures, f"{label}, năm {year.year}", known)


def _carried_totals(site: SiteView, policy: Policy, known: _Published) -> Iterator[Total]:
    """A unit's trend summed with the units whose history it carries (trends.unit_trends)."""
    present = {(view.month, row.unit.code) for view in site.months for row in view.rows}
    months = tuple(m.month for m in site.months)
    for trend in unit_trends(site, months, policy).values():
        lineage = [trend.unit.code, *(u.code for u in trend.predecessors)]
        for month in trend.carried_months:
            figures = trend.series.at(month)
            members = [(month, code) for code in lineage if (month, code) in present]
            if figures is not None:
                yield from _of(month, members, figures, f"{trend.unit.name} (cả đơn vị tiền thân), {_month_label(month)}", known)


def _of(period: str, members: list[Key], figures: Figures, label: str, known: _Published) -> Iterator[Total]:
    for quantity in QUANTITIES:
        value = _k(figures) if quantity == "k" else getattr(figures, quantity)
        if value is not None and members and known.unknown_in(members, quantity):
            yield Total(f"{label} ({_SHORT[quantity]} = {value})", quantity, tuple(members), value)


@functools.cache
def _month_label(month: str) -> str:
    """T10/2024; made once per month, not once per unit-month."""
    return format_month(month)


_SHORT = {"k": "K", "raised": "nâng mức", "lowered": "hạ mức"}
