"""The inline SVG pictures: every published level drawn in proportion, nothing drawn for what is not published."""
from __future__ import annotations

from decimal import Decimal

import pytest

from generator.pages import pictures
from generator.core.config import Policy
from generator.view.build import make_figures
from generator.view.trends import Series

POLICY = Policy()


def figures(xs, t, ht, k, not_evaluated=0):
    evaluated = xs + t + ht + k
    return make_figures({"headcount": evaluated + not_evaluated, "evaluated": evaluated, "not_evaluated": not_evaluated,
                         "xs": xs, "t": t, "ht": ht, "k": k}, POLICY)


def test_one_month_bar_fills_the_width_in_proportion_to_each_share():
    picture = pictures.level_bar(figures(20, 60, 12, 4, 4), "2026-10", width=400)
    segments = picture.bar.segments
    assert [s.code for s in segments] == ["XS", "T", "HT", "K", "CDG"]
    assert [s.share for s in segments] == [Decimal("20.00"), Decimal("60.00"), Decimal("12.00"), Decimal("4.00"),
                                          Decimal("4.00")]
    # Each segment's width is its share of the bar, less the white gap after it.
    assert [s.width + pictures.GAP for s in segments] == pytest.approx([80, 240, 48, 16, 16])
    assert [s.x for s in segments] == pytest.approx([0, 80, 320, 368, 384])
    assert picture.codes == ("XS", "T", "HT", "K", "CDG")


def test_labels_only_where_they_fit_and_read_on_their_colour():
    segments = pictures.level_bar(figures(20, 60, 12, 4, 4), "2026-10", width=400).bar.segments
    labelled = {s.code: s.label_ink for s in segments if s.label_ink}
    assert labelled == {"XS": "#fff", "T": "#1b1f24", "HT": "#1b1f24"}
    # Vermillion reads with neither ink: K is never labelled inside, however wide.
    wide_k = pictures.level_bar(figures(0, 0, 0, 50, 50), "2026-10", width=400).bar.segments
    assert [s.label_ink for s in wide_k if s.code == "K"] == [None]


def test_a_merged_unit_shows_ht_k_as_one_and_never_splits_it():
    small = figures(1, 5, 1, 1)  # 8 evaluated: under the minimum, HT and K merged
    segments = pictures.level_bar(small, "2026-10").bar.segments
    assert [s.code for s in segments] == ["XS", "T", "HT+K", "CDG"]
    # Nobody is not evaluated: the level stays in the legend, nothing is drawn for it.
    assert [s.drawn for s in segments] == [True, True, True, False]


def test_twelve_months_one_bar_each_and_a_month_without_figures_left_empty():
    months = tuple(f"2026-{m:02d}" for m in range(1, 13)) + ("2027-01",)
    data = [figures(10, 80, 8, 2)] * 13
    data[5] = None
    picture = pictures.level_series(Series("x", "x", months, tuple(data)))
    assert [b.month for b in picture.bars] == list(months[1:])  # the last twelve
    assert picture.bars[4].segments == ()
    assert len(picture.known) == 11
    for bar in picture.known:
        drawn = [s for s in bar.segments if s.drawn]
        top = min(s.y for s in drawn)
        bottom = max(s.y + s.height for s in drawn)
        assert bottom == pytest.approx(picture.plot_height)
        assert bottom - top + pictures.GAP == pytest.approx(picture.plot_height, abs=0.05)
    # XS at the bottom of the stack.
    assert picture.bars[0].segments[0].code == "XS"
    assert picture.bars[0].segments[0].y == max(s.y for s in picture.bars[0].segments if s.drawn)


def test_share_line_breaks_where_a_month_has_no_figure_and_spans_low_to_high():
    months = ("2026-01", "2026-02", "2026-03", "2026-04")
    data = (figures(10, 90, 0, 0), figures(20, 80, 0, 0), None, figures(15, 85, 0, 0))
    line = pictures.share_line(Series("x", "x", months, data), width=100, height=30, pad=0)
    assert line.path.count("M") == 2
    assert [p.value for p in line.points] == [Decimal("10.00"), Decimal("20.00"), Decimal("15.00")]
    assert (line.low, line.high) == (Decimal("10.00"), Decimal("20.00"))
    assert [p.y for p in line.points] == [30, 0, 15]
    assert line.last.month == "2026-04"
    assert pictures.share_line(Series("x", "x", months, (None,) * 4)).path == ""


def test_every_month_trend_draws_each_month_from_the_first_with_figures_and_never_a_merged_split():
    months = tuple(f"2025-{m:02d}" for m in range(1, 13)) + tuple(f"2026-{m:02d}" for m in range(1, 13))
    data = [None, None] + [figures(10, 80, 8, 2)] * 22  # the unit begins in March 2025
    data[10] = figures(1, 5, 1, 1)  # 2025-11: too few evaluated, HT and K merged
    data[15] = None  # 2026-04: no figures
    picture = pictures.level_trend(Series("x", "x", months, tuple(data)))
    assert picture.months == months[2:]
    xs = next(p for p in picture.paths if p.code == "XS")
    assert xs.path.count("M") == 21  # one bar a month with figures, none for 2026-04
    merged = next(p for p in picture.paths if p.code == "HT+K")
    assert merged.path.count("M") == 1
    shares = {s.code: s for s in picture.shares}
    # HT is said over the months it was published: never worked out for the merged one.
    assert (shares["HT"].first.month, shares["HT"].last.month) == ("2025-03", "2026-12")
    assert "2025-11" not in [p.month for p in (shares["HT"].lowest, shares["HT"].highest)]
    assert (shares["HT+K"].first.month, shares["HT+K"].last.month) == ("2025-11", "2025-11")
    assert shares["XS"].lowest.value < shares["XS"].highest.value
    assert [y.year for y in picture.years] == ["2025", "2026"]
