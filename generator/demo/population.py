"""A synthetic, realistic demo data set in the export format of the contract.

`write_demo(out)` writes a folder laid out like the `data/` folder officers
fill (EXPORT-FORMAT.md is the law for every file):

    out/units.csv          the units registry (section 6), with one
                           reorganisation on 2025-07-01: ward offices merged
                           into new ones that carry their history (successor)
    out/exports/*.xlsx|csv person-level monthly exports (section 3) for the
                           last `months` months ending at `last_month`
    out/history/*.csv      unit-level summaries (section 7) for the
                           `history_months` months before those
    out/withheld.csv       ids of a few people rated XS whose names the site
                           must withhold (section 10)
    out/DEMO               a marker: the site says "dữ liệu minh họa" while
                           it exists

Everything is invented: people are random combinations of common Vietnamese
family, middle and given names with random ids; only the place names are
real (wards of Long Biên and of Hà Nội, and the names schools carry). The data is valid per the contract
and raises only the warnings a real data set would: one month with a unit or
two over the XS quota, and one month with a small unit under the coverage
floor.

The exports vary the way real ones do. Most months are one xlsx for all
units with the administrative title block, a two-row header ("Kết quả xếp
loại" merged over "Tự xếp loại" | "Thủ trưởng xếp loại"), a row of column
numbers, a group title before each block, and the signature block below the
data; the month is only in the title line, except for two files whose names
carry it too. Every sixth month is a semicolon CSV with BOM and a "Tháng"
column, one month comes as one xlsx per block, and every fifth month writes
ratings as abbreviations (HTXSNV ...) and "-" for "not evaluated".

Large sets (more than XLSX_MAX_STAFF people in the first month) are written
as CSV only: openpyxl writes some 25k cells a second and reads some 100k, so
a city-scale month of 180k rows (2.3M cells) would take minutes to write and
about 20 s to read back, per month. (Even the xlsx of normal sets are only
laid out by openpyxl; their person rows are spliced in as XML text, see
_write_xlsx.) Measured on the 2-core machine: the default set (24 months,
5,000 people, 20 xlsx) in about 4 s; the city set (12 months, 177,379
people, 2,000 units) in about 16 s and 370 MB.

Same arguments, same bytes: all randomness comes from one seed, and xlsx
files get fixed document properties and zip timestamps derived from their
month.
"""
from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .months import Calendar, index_of_month, label_of_month
from .ratings import (
    HT_SHARE,
    K_SHARE,
    LOWERED_SHARE,
    NOT_EVALUATED_SHARE,
    QUOTA_DIVISOR,
    RAISED_SHARE,
    XS_SHARE_OF_GOOD,
    MonthRows,
    rate_month,
)
from .staff import Staff
from .units import build_units, valid_in, write_units
from .vocabulary import BLOCKS, ROMAN
from .writers import write_csv, write_excel_csv, write_xlsx

XLSX_MAX_STAFF = 20_000
MARKER_NAME = "DEMO"

FULL_LABELS = np.array(
    ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
     "Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ"], dtype=object)
SHORT_LABELS = np.array(["HTXSNV", "HTTNV", "HTNV", "KHTNV"], dtype=object)


HISTORY_COLUMNS = ("Tháng", "Mã đơn vị", "Đơn vị", "Tổng số", "HTXSNV", "HTTNV", "HTNV", "KHTNV",
                   "Không đánh giá", "Nâng mức", "Hạ mức")


@dataclass(frozen=True)
class DemoSummary:
    """What write_demo wrote, for the CLI's one-line report."""
    months: tuple[str, ...]          # person-level months, "YYYY-MM"
    history_months: tuple[str, ...]  # unit-level months before them
    files: tuple[str, ...]           # paths relative to the output folder
    units: int                       # rows of units.csv
    people_rows: int                 # person-month rows over all exports
    people: int                      # distinct people
    last_month_files: tuple[str, ...] = ()  # the exports of the last month, relative to the output folder

    def describe(self) -> str:
        span = f"{self.months[0]}..{self.months[-1]}" if self.months else "no months"
        return (f"demo data: {len(self.files)} files, {self.units} units, {self.people} people, "
                f"{self.people_rows} person-month rows ({span}, "
                f"{len(self.history_months)} months of unit-level history)")


def write_demo(out: Path, *, months: int = 24, units: int = 150, staff: int = 5000,
               seed: int = 1, history_months: int = 12, last_month: str = "2026-10",
               continues: int | None = None) -> DemoSummary:
    """Write the synthetic data set into `out` (see the module docstring).

    `units` is the number of rows of units.csv (including the wards that the
    reorganisation replaces), `staff` the headcount of the first month. Sets
    with more than XLSX_MAX_STAFF people are written as CSV only.

    `out` must be empty, missing, or a previous demo folder (it has the DEMO
    marker): then the files this function owns are replaced. Anything else is
    refused, so that real data is never overwritten.

    `continues=N`: the set goes on from the set of the first N of these months, whose files
    come out byte for byte the same; the months after them are the next months' exports.
    """
    _check_arguments(months, units, staff, history_months, last_month)
    out = Path(out)
    _prepare_output(out)
    rng_units, rng_people, rng_ratings, rng_history, rng_withheld = np.random.default_rng(seed).spawn(5)
    calendar = Calendar(index_of_month(last_month) - months + 1, months, history_months, quirks=continues or 0)

    registry = build_units(rng_units, units, staff, calendar)
    written = [write_units(out, registry)]
    staff_model = Staff(rng_people, registry, calendar, staff)
    excellent: list[np.ndarray] = []  # per month, the people rated XS
    people_rows = 0
    for month in range(months):
        on_roll = staff_model.advance(month)
        rows = rate_month(rng_ratings, staff_model, on_roll, registry, calendar, month)
        month_files = _write_month(out, rows, registry, calendar, month, large=staff > XLSX_MAX_STAFF)
        written += month_files
        excellent.append(rows.excellent())
        people_rows += len(rows)
    written += _write_history(out, rng_history, registry, calendar)
    written.append(_write_withheld(out, rng_withheld, staff_model, excellent))
    written.append(_write_marker(out, calendar, units, staff, seed))
    return DemoSummary(
        months=tuple(label_of_month(m) for m in calendar.months),
        history_months=tuple(label_of_month(m) for m in calendar.history),
        files=tuple(sorted(p.relative_to(out).as_posix() for p in written)),
        units=len(registry), people_rows=people_rows, people=staff_model.count,
        last_month_files=tuple(sorted(p.relative_to(out).as_posix() for p in month_files)))


# ================================================================ arguments, calendar

def _check_arguments(months: int, units: int, staff: int, history_months: int, last_month: str) -> None:
    if months < 1:
        raise ValueError("months must be at least 1")
    if history_months < 0:
        raise ValueError("history_months must not be negative")
    if units < 10:
        raise ValueError("units must be at least 10 (every block, a ward merger and a school)")
    if staff < 5 * units:
        raise ValueError(f"staff must be at least 5 per unit ({5 * units} for {units} units)")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", last_month):
        raise ValueError(f"last_month must read YYYY-MM, not {last_month!r}")


def _prepare_output(out: Path) -> None:
    """Refuse to write over anything but an earlier demo; clear what we own."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER_NAME).is_file():
        raise FileExistsError(
            f"{out} is not empty and has no {MARKER_NAME} marker: it may hold real data; "
            "choose an empty or new folder")
    for folder in ("exports", "history"):
        shutil.rmtree(out / folder, ignore_errors=True)
        (out / folder).mkdir(parents=True)


# ================================================================ units registry





# ================================================================ monthly exports

@dataclass(frozen=True)
class _MonthStyle:
    csv: bool
    split: bool          # one file per block
    abbreviations: bool  # HTXSNV ... and "-" for not evaluated


def _month_style(month: int, count: int, large: bool) -> _MonthStyle:
    csv = large or month % 6 == 2
    split_month = count // 2 - 1
    if split_month % 6 == 2 and not large:  # keep the split month an xlsx one
        split_month -= 1
    return _MonthStyle(csv=csv, split=month == split_month, abbreviations=month % 5 == 3)


def _write_month(out: Path, rows: MonthRows, units: pd.DataFrame, calendar: Calendar,
                 month: int, large: bool) -> list[Path]:
    style = _month_style(month, calendar.spread, large)
    table = _export_values(rows, units, style)
    kinds = units["kind"].to_numpy()[rows.frame["unit"].to_numpy()]
    if style.split:
        parts = [(kind, kinds == kind) for kind in range(len(BLOCKS)) if (kinds == kind).any()]
    else:
        parts = [(None, np.ones(len(kinds), dtype=bool))]
    paths = []
    for kind, in_part in parts:
        path = out / "exports" / _file_name(rows.month, month, calendar.spread, style, kind)
        if style.csv:
            write_csv(path, table[in_part], rows.month)
        else:
            titles = np.array([f"{ROMAN[kind]}. {BLOCKS[kind].upper()}" for kind in kinds[in_part]], dtype=object)
            write_xlsx(path, table[in_part], titles, rows.month, sign_day=3 + month % 5)
        paths.append(path)
    return paths


def _file_name(month_index: int, month: int, count: int, style: _MonthStyle, kind: int | None) -> str:
    """Most xlsx names carry no month (it is in the title line); two do, and agree."""
    mm, yyyy = f"{month_index % 12 + 1:02d}", f"{month_index // 12}"
    block = _ascii(BLOCKS[kind]) if kind is not None else ""
    if style.csv:
        return f"{block or 'Ket qua xep loai'}_T{mm}_{yyyy}.csv"
    if kind is None and month == count - 1:
        return f"{yyyy}-{mm} Ket qua xep loai.xlsx"
    if kind is None and month == 0:
        return f"Thang {mm}-{yyyy} - Tong hop xep loai.xlsx"
    prefix = f"{block} - " if block else ""
    return f"{prefix}Bang tong hop xep loai (ban {month + 1:02d}).xlsx"


def _ascii(text: str) -> str:
    """File names stay ASCII: 'Khối Đảng' -> 'Khoi Dang'."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _export_values(rows: MonthRows, units: pd.DataFrame, style: _MonthStyle) -> pd.DataFrame:
    """The month's rows as export columns, values typed the way xlsx holds them."""
    frame = rows.frame
    unit = frame["unit"].to_numpy()
    labels = SHORT_LABELS if style.abbreviations else FULL_LABELS
    not_rated = "-" if style.abbreviations else None
    return pd.DataFrame({
        "STT": np.arange(1, len(frame) + 1),
        "Mã CB": frame["id"].to_numpy(),
        "Họ và tên": frame["name"].to_numpy(),
        "Chức vụ": frame["position"].to_numpy(),
        "Mã đơn vị": units["code"].to_numpy()[unit],
        "Đơn vị": units["name"].to_numpy()[unit],
        "LĐQL": np.where(frame["leader"].to_numpy(), "x", None),
        "Điểm tự chấm": _whole_or_none(frame["self_score"].to_numpy()),
        "Điểm thẩm định": _whole_or_none(frame["final_score"].to_numpy()),
        # Self rating stays blank when not evaluated, in every style.
        "Tự xếp loại": _labels(frame["self_level"].to_numpy(), labels, None),
        "Thủ trưởng xếp loại": _labels(frame["final_level"].to_numpy(), labels, not_rated),
        "Khen thưởng": np.where(frame["reward"].to_numpy() > 0, frame["reward"].to_numpy(), None),
        "Ghi chú": np.where(frame["note"].to_numpy() != "", frame["note"].to_numpy(), None),
    }, dtype=object)  # object columns keep None for blank cells (pandas would make them NaN)


def _labels(levels: np.ndarray, labels: np.ndarray, not_rated: str | None) -> np.ndarray:
    return np.where(levels >= 0, labels[np.maximum(levels, 0)], not_rated)


def _whole_or_none(scores: np.ndarray) -> np.ndarray:
    values = np.empty(len(scores), dtype=object)
    rated = ~np.isnan(scores)
    values[rated] = scores[rated].astype(np.int64).tolist()
    return values


# ---------------------------------------------------------------- CSV exports


# ---------------------------------------------------------------- xlsx exports


# ================================================================ history, withheld, marker

def _write_history(out: Path, rng: np.random.Generator, units: pd.DataFrame,
                   calendar: Calendar) -> list[Path]:
    """Unit-level summaries for the months before person-level data, one CSV per year."""
    if calendar.history_count == 0:
        return []
    frames = [_history_month(rng, units, month) for month in calendar.history]
    history = pd.concat(frames, ignore_index=True)
    years = np.array([m // 12 for m in calendar.history]).repeat([len(f) for f in frames])
    paths = []
    for year in dict.fromkeys(years.tolist()):
        path = out / "history" / f"Tong hop theo don vi - nam {year}.csv"
        write_excel_csv(path, history[years == year], separator=",")
        paths.append(path)
    return paths


def _history_month(rng: np.random.Generator, units: pd.DataFrame, month: int) -> pd.DataFrame:
    valid = units[valid_in(units, month)].sort_values(["kind", "code"])
    n = len(valid)
    total = np.maximum(np.round(valid["size"].to_numpy() * rng.normal(1, 0.02, n)), 3).astype(np.int64)
    not_evaluated = np.minimum(rng.binomial(total, NOT_EVALUATED_SHARE), (total - 1) // 20)
    evaluated = total - not_evaluated
    k = rng.binomial(evaluated, K_SHARE)
    ht = rng.binomial(evaluated - k, HT_SHARE)
    good = evaluated - k - ht
    xs = np.floor(good * XS_SHARE_OF_GOOD + rng.random(n)).astype(np.int64)
    xs = np.minimum(xs, good // QUOTA_DIVISOR)
    raised = rng.binomial(evaluated - k, RAISED_SHARE)
    lowered = rng.binomial(evaluated - xs - raised, LOWERED_SHARE)
    counts = (total, xs, good - xs, ht, k, not_evaluated, raised, lowered)
    return pd.DataFrame({
        "Tháng": f"{month % 12 + 1:02d}/{month // 12}",
        "Mã đơn vị": valid["code"].to_numpy(), "Đơn vị": valid["name"].to_numpy(),
        **dict(zip(HISTORY_COLUMNS[3:], counts)),
    })


def _write_withheld(out: Path, rng: np.random.Generator, staff: Staff,
                    excellent: list[np.ndarray]) -> Path:
    """Three people rated XS whose names the site must withhold.

    They are taken from the latest month's XS, so that the latest honour
    list shows the withheld line; any month's XS if that month has none.
    """
    candidates = excellent[-1] if len(excellent[-1]) else np.unique(np.concatenate(excellent))
    chosen = np.sort(rng.choice(candidates, min(3, len(candidates)), replace=False))
    path = out / "withheld.csv"
    pd.DataFrame({"person_id": staff.id[chosen]}).to_csv(path, index=False, lineterminator="\n")
    return path


def _write_marker(out: Path, calendar: Calendar, units: int, staff: int, seed: int) -> Path:
    path = out / MARKER_NAME
    path.write_text(
        "Synthetic demo data (dữ liệu minh họa) written by `python -m generator demo`: "
        f"{calendar.count} months to {label_of_month(calendar.months[-1])} plus "
        f"{calendar.history_count} months of unit-level history, {units} units, {staff} people, "
        f"seed {seed}. Every person in it is invented.\n", encoding="utf-8")
    return path
