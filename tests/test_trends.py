"""The leaders' view: series, lineage across a reorganisation, movers, quota, coverage, missing units, rewards."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from trends_plan import SETTINGS
from generator.core.config import Policy
from generator.view.build import make_figures
from generator.core.config import SettingsError
from generator.view.trends import reward_lines, combine
from generator.view.brief import build_briefs
from generator.core.config import TrendSettings


def test_organisation_series_is_the_month_totals_in_order(plan_built):
    view, trends = plan_built
    assert trends.organisation.months == ("2025-04", "2025-05", "2025-06", "2025-07", "2025-08")
    assert trends.organisation.figures == tuple(m.total for m in view.months)
    # 2025-08: PTC 3 + PM 4 XS of 10 + 20 people.
    assert trends.organisation.at("2025-08").xs_share == Decimal("23.33")


def test_levels_and_blocks_series_are_the_month_rows(plan_built):
    view, trends = plan_built
    blocks = {s.name: s for s in trends.blocks}
    assert set(blocks) == {"Khối Chính quyền", "Khối Phường", "Khối Trường học"}
    assert blocks["Khối Trường học"].at("2025-08") is None
    assert blocks["Khối Phường"].at("2025-07").xs == 3
    levels = {s.name: s for s in trends.levels}
    assert levels["Cấp phường"].at("2025-04").headcount == 10 + 5 + 12


def test_a_unit_history_follows_its_predecessors(plan_built):
    _, trends = plan_built
    pm = trends.units["PM"]
    assert {u.code for u in pm.predecessors} == {"GB", "TL"}
    assert pm.carried_months == ("2025-04", "2025-05", "2025-06")
    june = pm.series.at("2025-06")  # GB 1 XS of 10 + TL 1 XS of 5
    assert (june.headcount, june.xs, june.xs_share) == (15, 2, Decimal("13.33"))
    assert pm.series.at("2025-07").xs == 3
    # A predecessor's own page keeps only its own months.
    assert trends.units["GB"].series.at("2025-07") is None and trends.units["GB"].carried_months == ()


def test_a_small_predecessors_merged_levels_stay_merged_in_the_sum(plan_built):
    _, trends = plan_built
    may = trends.units["PM"].series.at("2025-05")  # TL has 5 evaluated (merged); GB 10
    assert may.headcount == 15 and may.evaluated >= 10
    assert may.merged and may.ht is None and may.k is None and may.ht_k == 1


def test_combine_of_one_part_is_that_part():
    policy = Policy()
    figures = make_figures({"headcount": 12, "evaluated": 12, "xs": 2, "t": 10, "ht": 0, "k": 0, "not_evaluated": 0}, policy)
    assert combine([figures], policy) is figures


def test_movers_since_last_month_and_over_three_months(plan_built):
    _, trends = plan_built
    notes = trends.notes_for("2025-08")
    assert notes.movers.since == "2025-07" and notes.movers_3.since == "2025-05"
    # Since 2025-07: PTC 1 of 11 = 9,09% -> 30,00% (+20,91), PM 15,00% -> 20,00% (+5).
    assert [(c.unit.code, c.xs_change) for c in notes.movers.by_xs] == [("PTC", Decimal("20.91")), ("PM", Decimal("5.00"))]
    # Hạ mức: PM 0 -> 3 (+3), PTC 2 -> 0 (-2).
    assert [(c.unit.code, c.lowered_change) for c in notes.movers.by_lowered] == [("PM", 3), ("PTC", -2)]
    # Over three months PM is compared with GB + TL of 2025-05: 2 XS of 15 = 13,33%.
    pm = next(c for c in notes.movers_3.by_xs if c.unit.code == "PM")
    assert (pm.xs_share_before, pm.xs_share_now) == (Decimal("13.33"), Decimal("20.00"))


def test_first_month_has_no_movers(plan_built):
    _, trends = plan_built
    notes = trends.notes_for("2025-04")
    assert notes.movers is None and notes.movers_3 is None and notes.missing == ()


def test_quota_counts_xs_against_t_plus_xs_and_exactly_at_the_quota_is_within(plan_built):
    _, trends = plan_built
    assert trends.notes_for("2025-04").over_quota == ()  # PTC: 2 of 10 = exactly 20%
    over = trends.notes_for("2025-08").over_quota
    assert [(q.unit.code, q.xs, q.base, q.share) for q in over] == [("PTC", 3, 10, Decimal("30.00"))]
    assert trends.quota_percent == Decimal("20.00")


def test_low_coverage_and_missing_units(plan_built):
    _, trends = plan_built
    july = trends.notes_for("2025-07")
    assert [(c.unit.code, c.evaluated, c.headcount) for c in july.low_coverage] == [("PTC", 10, 11)]
    # GB and TL were replaced by PM: not missing. THGB has no successor: missing in 2025-08.
    assert july.missing == ()
    assert [u.code for u in trends.notes_for("2025-08").missing] == ["THGB"]


def test_rewards_follow_the_base_salary_and_the_budget(plan_built):
    _, trends = plan_built
    august = trends.notes_for("2025-08").rewards
    assert (august.count, august.amount) == (7, 7 * 1_170_000)
    assert august.base_salary == 2_340_000
    assert [(line.level, line.multiple, line.per_person) for line in august.rule] == [("XS", Decimal("0.5"), 1_170_000)]
    assert august.by_rule == 7 * 1_170_000
    assert august.budget == 10_000_000 and august.budget_share == Decimal("81.90") and not august.over_budget


def test_base_salary_table_picks_the_entry_in_force():
    rule = TrendSettings.from_settings(SETTINGS).rewards
    assert rule.base_salary("2019-06") is None
    assert rule.base_salary("2019-07") == 1_490_000
    assert rule.base_salary("2023-06") == 1_490_000
    assert rule.base_salary("2024-06") == 1_800_000
    assert rule.base_salary("2026-01") == 2_340_000
    assert [line.per_person for line in reward_lines(rule, "2023-08")] == [900_000]


@pytest.mark.parametrize("name, value, words", [
    ("CONGKHAI_BASE_SALARY", {"7/2024": 2_340_000}, "YYYY-MM"),
    ("CONGKHAI_BASE_SALARY", {"2024-07": "2.340.000"}, "số nguyên"),
    ("CONGKHAI_REWARD_MULTIPLES", {"A": "0.5"}, "XS, T, HT, K"),
    ("CONGKHAI_REWARD_MULTIPLES", {"XS": "nửa"}, "hệ số"),
    ("CONGKHAI_REWARD_BUDGET", 7.5e8, "số nguyên"),
])
def test_bad_settings_are_refused_with_a_message_naming_them(name, value, words):
    with pytest.raises(SettingsError) as refused:
        TrendSettings.from_settings(SETTINGS | {name: value})
    assert name in str(refused.value) and words in str(refused.value)


def test_brief_counts_xs_per_unit_by_block(plan_built):
    view, trends = plan_built
    brief = next(b for b in build_briefs(view, trends) if b.month.month == "2025-07")
    counts = {(b.block, h.unit.code): h.count for b in brief.honour for h in b.units}
    assert counts == {("Khối Chính quyền", "PTC"): 1, ("Khối Phường", "PM"): 3, ("Khối Trường học", "THGB"): 2}
    assert sum(b.count for b in brief.honour) == brief.month.total.xs


def test_a_sum_with_a_part_whose_raised_or_lowered_is_not_published_is_not_published():
    """A small unit's nâng mức / hạ mức is None in the public view: a lineage's sum with it would
    pass a part for the whole, and the difference would give the hidden count away."""
    policy = Policy()
    shown = make_figures({"headcount": 12, "evaluated": 12, "xs": 2, "t": 10, "ht": 0, "k": 0, "not_evaluated": 0,
                          "raised": 1, "lowered": 2}, policy)
    # Not merged, yet without nâng mức / hạ mức (a unit summary that does not say them, or one hidden to protect another).
    hidden = dataclasses.replace(make_figures({"headcount": 12, "evaluated": 12, "xs": 1, "t": 11, "ht": 0, "k": 0,
                                               "not_evaluated": 0, "raised": 1, "lowered": 1}, policy),
                                 raised=None, lowered=None)
    both = combine([shown, hidden], policy)
    assert not both.merged
    assert both.raised is None and both.lowered is None
    assert both.xs == 3 and both.headcount == 24
    assert combine([shown, shown], policy).lowered == 4


def test_reward_amount_by_the_rule_needs_every_level_it_pays():
    rule = TrendSettings.from_settings(SETTINGS | {"CONGKHAI_REWARD_MULTIPLES": {"XS": "0.5", "K": "0"}}).rewards
    policy = Policy()
    figures = make_figures({"headcount": 4, "evaluated": 4, "xs": 1, "t": 3, "ht": 0, "k": 0, "not_evaluated": 0}, policy)
    assert figures.k is None  # merged: fewer evaluated than the minimum
    assert rule.amount(figures, "2025-08") is None
    assert TrendSettings.from_settings(SETTINGS).rewards.amount(figures, "2025-08") == 1_170_000


def test_brief_key_figures_and_its_twelve_months(plan_built):
    view, trends = plan_built
    brief = next(b for b in build_briefs(view, trends) if b.month.month == "2025-07")
    assert (brief.xs.count, brief.xs.share) == (6, Decimal("13.95"))
    assert brief.xs.change == brief.xs.share - trends.organisation.at("2025-06").xs_share
    assert brief.k.count == 0
    assert brief.coverage_change == brief.month.total.coverage - trends.organisation.at("2025-06").coverage
    # The picture of a month shows the months up to it, not the later ones.
    assert brief.organisation.months == ("2025-04", "2025-05", "2025-06", "2025-07")
    assert brief.honour_by_unit  # three units: their counts fit the page
