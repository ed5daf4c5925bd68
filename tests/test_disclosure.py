"""Merged stays merged (contract section 10): adding and subtracting published figures must
not prove that a merged unit holds a K, or a nâng mức or hạ mức above zero.

The attacker here is written apart from generator/figures/subtraction.py: it reads only the open-data
files an outsider downloads (du-lieu/YYYY/don-vi.csv and du-lieu/tong-hop.csv) and solves its own
integer programs. It is run on the demo data and on small organisations built to be hard: a
small unit alone in its block, with the block's K 1 and 0, across months and the year total.
"""
from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from generator.figures import aggregate
from generator.view import audit
from generator.pages import opendata
from generator.figures import suppression
from generator.core.config import Policy, read_settings_file
from generator.round.pipeline import DataFolder, load
from generator.core.problems import Problems
from generator.view.build import build_site_view
from generator.ingest.registry import Registry, Unit

ROOT = Path(__file__).resolve().parent.parent
POLICY = Policy()


# --- the outsider ------------------------------------------------------------------


def downloads(site) -> dict[str, list[dict]]:
    """Every unit and month (each year's file, one after the other) and the summary."""
    files = dict(opendata.files(site, opendata.tables(site)))

    def rows(path: str) -> list[dict]:
        return list(csv.DictReader(io.StringIO(files[path].decode("utf-8-sig"))))

    years = sorted(path for path in files if path.endswith("/don-vi.csv") and len(path.split("/")[1]) == 4)
    assert years, "no year's file of units"
    return {"don-vi.csv": [row for path in years for row in rows(path)], "tong-hop.csv": rows("du-lieu/tong-hop.csv")}


def outsider_attack(files: dict[str, list[dict]]) -> dict[tuple[str, str, str], int]:
    """Every hidden (month, unit, quantity) that the downloads force above zero, with its least value."""
    units = files["don-vi.csv"]
    columns = {"k": "khong_hoan_thanh", "raised": "nang_muc", "lowered": "ha_muc"}
    variables, upper = {}, []
    for row in units:
        for quantity, column in columns.items():
            if row[column] == "":
                variables[(row["thang"], row["ma_don_vi"], quantity)] = len(upper)
                evaluated, xs, t = (int(row[c]) for c in ("duoc_danh_gia", "xs", "tot"))
                upper.append({"k": evaluated - xs - t, "raised": evaluated, "lowered": evaluated - xs}[quantity])
    equations = []  # (variable indices, right-hand side)
    for total in files["tong-hop.csv"]:
        period, group, name = total["ky"], total["nhom"], total["ten_nhom"]
        members = [row for row in units if row["thang"].startswith(period)
                   and (group == "toan-bo" or row["cap" if group == "cap" else "khoi"] == name)]
        for quantity, column in columns.items():
            if total[column] == "":
                continue
            unknown = [variables[(r["thang"], r["ma_don_vi"], quantity)] for r in members if r[column] == ""]
            if unknown:
                equations.append((unknown, int(total[column]) - sum(int(r[column]) for r in members if r[column] != "")))
    proven = {}
    for year in sorted({key[0][:4] for key in variables}):
        indices = [i for key, i in variables.items() if key[0].startswith(year)]
        proven |= _least_values(indices, variables, upper, equations, units)
    return proven


def _least_values(indices, variables, upper, equations, units):
    position = {index: n for n, index in enumerate(indices)}
    names = {i: key for key, i in variables.items()}
    rows = [eq for eq in equations if eq[0][0] in position]
    if not rows:
        return {}
    a_eq = np.zeros((len(rows), len(indices)))
    for r, (members, _) in enumerate(rows):
        for i in members:
            a_eq[r, position[i]] = 1
    b_eq = [rhs for _, rhs in rows]
    couplings, limits = [], []
    evaluated = {(r["thang"], r["ma_don_vi"]): int(r["duoc_danh_gia"]) for r in units}
    for i in indices:
        month, unit, quantity = names[i]
        if quantity != "raised":
            continue
        for other in ("k", "lowered"):
            j = variables.get((month, unit, other))
            if j is not None:
                line = np.zeros(len(indices))
                line[position[i]] = line[position[j]] = 1
                couplings.append(line)
                limits.append(evaluated[(month, unit)])
    constraints = [LinearConstraint(a_eq, b_eq, b_eq)]
    if couplings:
        constraints.append(LinearConstraint(np.array(couplings), -np.inf, limits))
    bounds = Bounds(np.zeros(len(indices)), np.array([upper[i] for i in indices], dtype=float))
    found = {}
    for i in indices:
        cost = np.zeros(len(indices))
        cost[position[i]] = 1
        result = milp(cost, constraints=constraints, integrality=np.ones(len(indices)), bounds=bounds)
        assert result.x is not None, result.message
        if round(result.fun) > 0:
            found[names[i]] = round(result.fun)
    return found


# --- small organisations built to be hard --------------------------------------------


def registry(*units: tuple[str, str, str]) -> Registry:
    return Registry({code: Unit(code, f"Đơn vị {code}", block, level, "", None, None, "")
                     for code, block, level in units})


def unit_months(rows: list[tuple]) -> pd.DataFrame:
    """(month, unit, xs, t, ht, k, raised, lowered) per row, as aggregate.unit_months gives them."""
    records = []
    for month, unit, xs, t, ht, k, raised, lowered in rows:
        evaluated = xs + t + ht + k
        records.append({"month": month, "unit_code": unit, "headcount": evaluated, "evaluated": evaluated,
                        "not_evaluated": 0, "xs": xs, "t": t, "ht": ht, "k": k, "raised": raised,
                        "lowered": lowered, "leaders": 0, "reward_count": 0, "reward_amount": 0,
                        "score_sum": 0.0, "score_count": 0, "source": "people"})
    frame = pd.DataFrame(records)
    return frame.astype({c: "Int64" for c in aggregate.COUNTS if c != "score_sum"} | {"score_sum": "Float64"})


def site_of(units: pd.DataFrame, reg: Registry, merges: suppression.Merges | None = None):
    merges = merges or suppression.choose_merges(units, reg, POLICY)
    figures = aggregate.rollup(units, reg)
    empty_honour = pd.DataFrame(columns=["month", "unit_code", "full_name", "position", "reward"])
    return build_site_view(figures, units, empty_honour, reg, POLICY, merges, organisation="Thử", demo=True)


def primary_only(units: pd.DataFrame) -> suppression.Merges:
    small = units.loc[units["evaluated"] < POLICY.min_evaluated]
    return suppression.Merges({(m, u): suppression.SMALL for m, u in zip(small["month"], small["unit_code"])})


# One small unit (S, 7 evaluated) alone in its block, beside two blocks of the same level and
# a second level; each block's other units are large.
HARD = registry(
    ("S", "Khối Nhỏ", "Cấp quận"),
    ("A1", "Khối A", "Cấp quận"), ("A2", "Khối A", "Cấp quận"), ("A3", "Khối A", "Cấp quận"),
    ("B1", "Khối B", "Cấp quận"), ("B2", "Khối B", "Cấp quận"),
    ("P1", "Khối Phường", "Cấp phường"), ("P2", "Khối Phường", "Cấp phường"),
)


def hard_months(small_k: dict[str, int]) -> pd.DataFrame:
    rows = []
    for month, k in small_k.items():
        rows.append((month, "S", 1, 4, 2 - k, k, 0, 1))
        rows += [(month, "A1", 3, 12, 1, 0, 1, 0), (month, "A2", 2, 9, 2, 0, 0, 1), (month, "A3", 2, 20, 3, 1, 0, 2)]
        rows += [(month, "B1", 4, 15, 1, 0, 0, 0), (month, "B2", 2, 11, 0, 0, 1, 1)]
        rows += [(month, "P1", 5, 30, 2, 1, 2, 1), (month, "P2", 3, 25, 1, 0, 0, 0)]
    return unit_months(rows)


@pytest.mark.parametrize("small_k", [1, 0], ids=["block-K-1", "block-K-0"])
def test_a_small_unit_alone_in_its_block_cannot_be_recovered(small_k):
    units = hard_months({"2025-03": small_k})
    before = outsider_attack(downloads(site_of(units, HARD, primary_only(units))))
    if small_k:
        assert before[("2025-03", "S", "k")] == 1, "the attack must work on the plain merge"
    assert ("2025-03", "S", "lowered") in before  # its block total gives its hạ mức away

    site = site_of(units, HARD)
    assert outsider_attack(downloads(site)) == {}
    assert audit.find_exposures(site, POLICY) == []
    # The organisation's and each level's HT and K stay published.
    month = site.months[0]
    assert month.total.k is not None and all(level.figures.k is not None for level in month.levels)


def test_across_months_and_the_year_total_nothing_is_proven():
    units = hard_months({"2025-01": 0, "2025-02": 1, "2025-03": 0, "2025-04": 0})
    before = outsider_attack(downloads(site_of(units, HARD, primary_only(units))))
    assert ("2025-02", "S", "k") in before
    site = site_of(units, HARD)
    assert outsider_attack(downloads(site)) == {}
    assert audit.find_exposures(site, POLICY) == []
    year = site.years[0]
    assert year.total.k == 1 + 4 * 1 + 4 * 1  # S's K of February, A3's and P1's of every month
    assert all(level.figures.k is not None for level in year.levels)


def test_the_auditor_catches_a_hand_made_hole():
    units = hard_months({"2025-03": 1})
    site = site_of(units, HARD)
    month = site.months[0]
    # Publish the small block's own total again, as a careless template change might.
    small_block = next(b for b in month.blocks if b.block == "Khối Nhỏ")
    plain = aggregate.rollup(units, HARD)
    counts = plain.loc[(plain["group"] == "block") & (plain["key"] == "Khối Nhỏ") & (plain["period_kind"] == "month")]
    from generator.view.build import make_figures
    leaky_total = make_figures(counts.iloc[0].to_dict() | {"evaluated": 10}, POLICY)
    leaky = dataclasses.replace(site, months=(dataclasses.replace(month, blocks=tuple(
        dataclasses.replace(b, subtotal=leaky_total) if b is small_block else b for b in month.blocks)),))
    problems = Problems()
    audit.check(leaky, POLICY, problems)
    assert problems.has_errors
    message = next(p.message for p in problems.errors if "Đơn vị S (S)" in p.message)
    assert "tháng 3/2025" in message and "Khối Nhỏ" in message


def test_the_auditor_catches_a_published_hạ_mức_of_a_small_unit():
    units = hard_months({"2025-03": 0})
    site = site_of(units, HARD)
    month = site.months[0]
    rows = [dataclasses.replace(r, figures=dataclasses.replace(r.figures, lowered=1)) if r.unit.code == "S" else r
            for r in month.blocks[0].rows]
    leaky = dataclasses.replace(site, months=(dataclasses.replace(month, blocks=(
        dataclasses.replace(month.blocks[0], rows=tuple(rows)), *month.blocks[1:])),))
    found = {(e.unit, e.quantity, e.least) for e in audit.find_exposures(leaky, POLICY)}
    # S itself, and a unit merged to protect it, whose hạ mức now follows from the totals.
    assert ("S", "lowered", 1) in found
    partners = {r.unit.code for r in month.rows if r.figures.protects}
    assert {unit for unit, _, _ in found} - {"S"} and {unit for unit, _, _ in found} - {"S"} <= partners


def test_a_proof_that_no_merge_can_hide_refuses_the_build_and_merges_little():
    # Units without a level: the organisation less the levels gives their K, and only the
    # small unit S has anyone rated HT or K among them. No merge can hide it.
    reg = registry(("S", "Khối Nhỏ", ""), ("N1", "Khối Nhỏ", ""), ("N2", "Khối Khác", ""),
                   ("P1", "Khối Phường", "Cấp phường"), ("P2", "Khối Phường", "Cấp phường"))
    units = unit_months([("2025-03", "S", 1, 4, 0, 1, 0, 0), ("2025-03", "N1", 2, 10, 0, 0, 0, 0),
                         ("2025-03", "N2", 2, 12, 0, 0, 0, 0), ("2025-03", "P1", 5, 30, 2, 1, 2, 1),
                         ("2025-03", "P2", 3, 25, 1, 0, 0, 0)])
    merges = suppression.choose_merges(units, reg, POLICY)
    assert merges.count(suppression.PROTECTS) <= 1  # a unit that covers its nâng mức and hạ mức
    problems = Problems()
    audit.check(site_of(units, reg, merges), POLICY, problems)
    assert [p.code for p in problems.errors] == ["disclosure"]
    assert "(S), tháng 3/2025" in problems.errors[0].message and "units.csv" in problems.errors[0].suggestion


def test_suppression_is_deterministic_whatever_the_row_order():
    units = hard_months({"2025-01": 1, "2025-02": 0})
    first = suppression.choose_merges(units, HARD, POLICY)
    shuffled = units.sample(frac=1, random_state=7).reset_index(drop=True)
    assert suppression.choose_merges(shuffled, HARD, POLICY) == first
    assert first.count(suppression.PROTECTS) + len(first.blocks) > 0


# --- the demo data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    settings = read_settings_file(ROOT / "pelicanconf.py")
    policy = Policy.from_settings(settings)
    loaded = load(DataFolder(ROOT / "data"), policy)
    assert not loaded.problems.has_errors
    data = loaded.all_months
    units = data.units
    merges = suppression.choose_merges(units, data.registry, policy)
    return units, data.registry, policy, merges


def test_the_demo_had_the_hole_the_issue_describes(demo):
    units, reg, policy, _ = demo
    site = site_of(units, reg, primary_only(units))
    proven_k = {key for key in outsider_attack(downloads(site)) if key[2] == "k"}
    assert len(proven_k) == 7


def test_on_the_demo_nothing_merged_can_be_recovered(demo):
    units, reg, policy, merges = demo
    site = site_of(units, reg, merges)
    assert outsider_attack(downloads(site)) == {}
    assert audit.find_exposures(site, policy) == []


def test_the_demo_keeps_what_the_contract_keeps(demo):
    units, reg, policy, merges = demo
    site = site_of(units, reg, merges)
    at_or_above = int((units["evaluated"] >= policy.min_evaluated).sum())
    assert merges.count(suppression.PROTECTS) <= 0.05 * at_or_above
    for period in (*site.months, *site.years):
        assert period.total.k is not None and period.total.ht is not None
        assert all(level.figures.k is not None for level in period.levels)
    # Small units show no nâng mức or hạ mức, on the tables and in the downloads.
    small = [r for m in site.months for r in m.rows if r.figures.merged_as == suppression.SMALL]
    assert small and all(r.figures.raised is None and r.figures.lowered is None for r in small)
    rows = downloads(site)["don-vi.csv"]
    merged_rows = [r for r in rows if r["ht_k_gop"]]
    assert merged_rows and all(r["nang_muc"] == r["ha_muc"] == "" and r["ly_do_gop"] for r in merged_rows)


def test_validate_and_build_refuse_a_month_the_auditor_refuses(data_dir, tmp_path):
    """`validate` runs the auditor too: a month that `build` would refuse does not pass it."""
    import subprocess
    import sys

    from conftest import person_row

    data_dir.units([["S", "Hội nhỏ", "Khối Nhỏ", "", "", "", "", ""],
                    ["N", "Hội lớn", "Khối Nhỏ", "", "", "", "", ""],
                    ["P", "UBND phường", "Khối Phường", "Cấp phường", "", "", "", ""]])
    levels = {"S": ["XS", "T", "T", "T", "K"], "N": ["T"] * 12, "P": ["T"] * 10 + ["HT", "K"]}
    names = {"XS": "Hoàn thành xuất sắc nhiệm vụ", "T": "Hoàn thành tốt nhiệm vụ", "HT": "Hoàn thành nhiệm vụ",
             "K": "Không hoàn thành nhiệm vụ"}
    rows = [person_row(n, f"{unit}-{i}", f"Người {unit} {i}", unit, final=names[level])
            for n, (unit, i, level) in enumerate(((u, i, lv) for u, lv_list in levels.items() for i, lv in enumerate(lv_list)), 1)]
    data_dir.export_csv("2024-10.csv", rows)
    for command in (["validate"], ["build", "--output", str(tmp_path / "site")]):
        result = subprocess.run([sys.executable, "-m", "generator", *command, "--data", str(data_dir.root)],
                                cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Hội nhỏ (S), tháng 10/2024" in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()
