"""Chart figures: their numbers are the aggregates, their text says the same, one colour per level."""
from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from generator.pages import charts
from generator.view.trends import Series
from generator.core.config import QuotaRule
from generator.core.formatting import format_month, format_percent, round_half_up
from trends_plan import PLAN


def expected_share(month: str, level: int, units=PLAN) -> Decimal | None:
    """A level's share of the headcount, counted straight from the plan the data was written from."""
    rows = [counts for plan in units.values() for m, counts in plan.items() if m == month]
    headcount = sum(sum(c[:4]) for c in rows)
    return round_half_up(Decimal(sum(c[level] for c in rows)) * 100 / headcount, 2) if headcount else None


def traces_by_name(figure: dict) -> dict[str, dict]:
    return {t["name"]: t for t in figure["data"]}


def test_organisation_shares_equal_the_counts_and_stack_to_100(plan_built):
    _, trends = plan_built
    chart = charts.level_shares("c", [trends.organisation], "vi")
    traces = traces_by_name(chart.figure)
    months = trends.organisation.months
    assert traces["Xuất sắc"]["x"] == [format_month(m) for m in months]
    assert traces["Xuất sắc"]["y"] == [float(expected_share(m, 0)) for m in months]
    assert traces["Tốt"]["y"] == [float(expected_share(m, 1)) for m in months]
    assert traces["Chưa đánh giá"]["y"] == [float(expected_share(m, 3)) for m in months]
    for i in range(len(months)):
        assert sum(t["y"][i] or 0 for t in chart.figure["data"]) == pytest.approx(100, abs=0.03)
    assert all(t["type"] == "bar" for t in chart.figure["data"])
    assert chart.figure["layout"]["barmode"] == "stack"


def test_the_text_alternative_says_what_the_chart_draws(plan_built):
    _, trends = plan_built
    chart = charts.level_shares("c", [trends.organisation], "vi")
    traces = traces_by_name(chart.figure)
    table = chart.tables[0]
    columns = {name: i for i, name in enumerate(table.header)}
    for trace in chart.figure["data"]:
        shown = [row[columns[trace["name"]]] for row in table.rows]
        drawn = [format_percent(Decimal(str(y))) for y in trace["y"] if y is not None]
        assert shown == drawn, trace["name"]
    first, last = traces["Xuất sắc"]["y"][0], traces["Xuất sắc"]["y"][-1]
    # 2025-04: 5 XS of 37 = 13,51%; 2025-08: 7 of 30 = 23,33%.
    assert chart.summary == f"tỷ lệ XS tăng từ {format_percent(Decimal(str(first)))} lên {format_percent(Decimal(str(last)))} (T4/2025 đến T8/2025)."
    assert chart.summary == "tỷ lệ XS tăng từ 13,51% lên 23,33% (T4/2025 đến T8/2025)."


def test_small_multiples_share_one_scale_and_one_month_axis(plan_built):
    _, trends = plan_built
    chart = charts.level_shares("c", trends.blocks, "vi")
    layout = chart.figure["layout"]
    panels = len(trends.blocks)
    assert chart.panels == panels == 3 and layout["grid"]["rows"] == panels
    assert [layout["yaxis" + ("" if i == 1 else str(i))]["range"] for i in range(1, panels + 1)] == [[0, 100]] * panels
    assert all(layout[f"xaxis{i}"]["matches"] == "x" for i in range(2, panels + 1))
    assert [a["text"] for a in layout["annotations"]] == [s.name for s in trends.blocks]
    # Each panel's XS values are that block's figures, and its table and sentence say them.
    for index, series in enumerate(trends.blocks, start=1):
        axis = "y" if index == 1 else f"y{index}"
        xs = next(t for t in chart.figure["data"] if t.get("yaxis", "y") == axis and t["legendgroup"] == "XS")
        assert xs["y"] == [float(f.xs_share) if f else None for f in series.figures]
        assert [row[1] for row in chart.tables[index - 1].rows] == [format_percent(f.xs_share) for _, f in series.known]
        assert series.name + ": tỷ lệ XS" in chart.summary
    # The legend names each level once.
    assert sorted(t["name"] for t in chart.figure["data"] if t["showlegend"]) == sorted(set(t["name"] for t in chart.figure["data"]))


def test_unit_chart_puts_the_lineage_beside_the_organisation(plan_built):
    _, trends = plan_built
    chart = charts.unit_beside_organisation("c", trends.units["PM"], trends.organisation, "vi")
    unit_xs = next(t for t in chart.figure["data"] if t.get("yaxis", "y") == "y" and t["legendgroup"] == "XS")
    org_xs = next(t for t in chart.figure["data"] if t.get("yaxis") == "y2" and t["legendgroup"] == "XS")
    lineage = {code: PLAN[code] for code in ("PM", "GB", "TL")}
    assert unit_xs["y"] == [float(expected_share(m, 0, lineage)) for m in trends.organisation.months]
    assert org_xs["y"] == [float(expected_share(m, 0)) for m in trends.organisation.months]
    # TL had under 10 evaluated: its HT shows only merged, in the unit's panel and legend.
    assert any(t["legendgroup"] == "HT+K" and t["showlegend"] for t in chart.figure["data"])


def test_quota_ranking_orders_units_and_draws_the_quota(plan_built):
    view, _ = plan_built
    august = next(m for m in view.months if m.month == "2025-08")
    chart = charts.quota_ranking("c", august, QuotaRule(), "vi")
    bars = chart.figure["data"][0]
    assert bars["x"] == ["PTC", "PM"] and bars["y"] == [30.0, 20.0]  # 3 of 3+7; 4 of 4+16
    assert chart.figure["layout"]["shapes"][0]["y0"] == 20.0
    assert "1 đơn vị vượt giới hạn 20,00% (Nghị định 335/2025/NĐ-CP): Phòng Tài chính - Kế hoạch (30,00%)." in chart.summary
    assert [row[1] for row in chart.tables[0].rows] == ["Phòng Tài chính - Kế hoạch", "UBND phường Việt Hưng mới"]


def test_rewards_chart_draws_the_reported_amounts_and_the_budget(plan_built):
    _, trends = plan_built
    chart = charts.rewards("c", trends.rewards, "vi")
    bars = chart.figure["data"][0]
    assert bars["y"] == [r.amount for r in trends.rewards] and bars["customdata"] == [r.count for r in trends.rewards]
    assert bars["y"][-1] == 7 * 1_170_000
    assert chart.figure["layout"]["shapes"][0]["y0"] == 10_000_000
    assert chart.summary == ("T8/2025: 7 người được khen thưởng, tổng 8.190.000\u00a0đ, "
                             "bằng 81,90% ngân sách tháng 10.000.000\u00a0đ.")
    assert "800" not in json.dumps(chart.figure["layout"]["yaxis"]["ticktext"])  # millions, not full amounts
    assert chart.figure["layout"]["yaxis"]["ticktext"][-1] == "10 triệu"


def test_english_pages_get_english_labels_and_number_format(plan_built):
    _, trends = plan_built
    chart = charts.level_shares("c", [trends.organisation], "en")
    assert [t["name"] for t in chart.figure["data"]] == ["Excellent", "Good", "Completed", "Not completed", "Not evaluated"]
    assert chart.figure["data"][0]["x"][0] == "Apr 2025"
    assert chart.figure["layout"]["separators"] == ".,"
    assert chart.summary == "XS rose from 13.51% to 23.33% (Apr 2025 to Aug 2025)."
    assert charts.level_shares("c", [trends.organisation], "vi").figure["layout"]["separators"] == ",."


def relative_luminance_lightness(colour: str) -> float:
    """CIE L* of an sRGB colour: what a greyscale print keeps of it."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 116 * (y ** (1 / 3) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116) - 16


@pytest.mark.parametrize("stack", [["XS", "T", "HT", "K", "CDG"], ["XS", "T", "HT+K", "CDG"]])
def test_neighbouring_levels_stay_apart_in_greyscale(stack):
    lightness = [relative_luminance_lightness(charts.LEVEL_COLOURS[code]) for code in stack]
    assert min(abs(a - b) for a, b in zip(lightness, lightness[1:])) >= 15


def test_one_colour_per_level_in_every_chart(plan_built):
    view, trends = plan_built
    figures = [charts.level_shares("a", [trends.organisation], "vi"), charts.level_shares("b", trends.blocks, "vi"),
               charts.unit_beside_organisation("c", trends.units["PM"], trends.organisation, "vi")]
    colours = {}
    for chart in figures:
        for trace in chart.figure["data"]:
            colours.setdefault(trace["legendgroup"], set()).add(trace["marker"]["color"])
    assert colours == {code: {charts.LEVEL_COLOURS[code]} for code in colours}
    assert len(set(charts.LEVEL_COLOURS.values())) == len(charts.LEVEL_COLOURS)
    others = {charts.RAISED_COLOUR, charts.LOWERED_COLOUR, charts.REWARD_COLOUR, charts.INK}
    assert not others & set(charts.LEVEL_COLOURS.values())


def test_figure_json_is_compact_has_no_template_and_cannot_break_out_of_its_script():
    hostile = '</script><script>alert(1)</script><b>&amp;'
    text = charts.figure_json({"data": [{"type": "bar", "name": hostile, "hovertext": [charts._plotly_text(hostile)]}],
                               "layout": {"height": 300}})
    assert "<" not in text and ">" not in text and "&" not in text
    assert ", " not in text and '": ' not in text
    figure = json.loads(text)
    assert figure["data"][0]["name"] == hostile and "template" not in figure["layout"]
    # plotly.js reads a few tags in labels; names reach it as text.
    assert figure["data"][0]["hovertext"] == ["&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;&amp;amp;"]


def test_charts_stay_within_the_bundles_trace_types(plan_built):
    view, trends = plan_built
    page = charts.PageCharts(trends, QuotaRule())
    figures = [*page.trends("vi").values(), page.month(view.months[-1], "vi"), page.unit("PM", "vi")]
    assert {t["type"] for c in figures for t in c.figure["data"]} <= {"bar", "scatter"}
    bundle = (charts_root() / "theme/static/js/plotly-bar-scatter.min.js").read_text("utf-8")
    assert re.search(r'name:"bar"', bundle) and not re.search(r'name:"(pie|histogram|scattergl)"', bundle)


def test_the_bundle_is_the_pinned_plotly_version():
    package = json.loads((charts_root() / "package.json").read_text("utf-8"))
    lock = json.loads((charts_root() / "package-lock.json").read_text("utf-8"))
    version = package["devDependencies"]["plotly.js"]
    assert lock["packages"]["node_modules/plotly.js"]["version"] == version
    banner = (charts_root() / "theme/static/js/plotly-bar-scatter.min.js").read_text("utf-8")[:200]
    assert banner.startswith(f"/*! plotly.js {version}, bar and scatter traces only")


def charts_root():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent


def test_month_axes_label_at_most_six_months_briefly():
    """A phone 360 px wide has room for six short month labels (tests/browser/test_phone.py measures them)."""
    months = [f"{2023 + (m + 10) // 12}-{(m + 10) % 12 + 1:02d}" for m in range(36)]  # 2023-11 to 2026-10
    series = Series("all", "Toàn bộ", tuple(months), (None,) * 36)
    axis = charts.coverage("c", series, Decimal("95"), "vi").figure["layout"]["xaxis"]
    assert axis["ticktext"] == ["T1/24", "T1/25", "T1/26"]
    assert axis["tickvals"] == ["T1/2024", "T1/2025", "T1/2026"]  # the drawn categories, full names
    for count, shown in ((6, 6), (12, 4), (24, 4)):
        axis = charts.coverage("c", Series("all", "Toàn bộ", tuple(months[:count]), (None,) * count), Decimal("95"), "en").figure["layout"]["xaxis"]
        assert len(axis["ticktext"]) <= shown and all(len(t) <= 6 for t in axis["ticktext"])
