"""The units registry, `data/units.csv` (contract section 6)."""
from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from datetime import date
from pathlib import Path

import pandas as pd

from .files import read_tables
from .normalise import clean_cell
from generator.core.problems import InputRefused, Problems
from generator.core.text import fold
from generator.core.formatting import format_number

# A code is a path segment of the unit's page: letters, digits, and - _ . inside.
_ADDRESS_SAFE_CODE = re.compile(r"[^\W_](?:[\w.-]*[^\W_])?")
REGISTRY_COLUMNS = ("code", "name", "block", "level", "parent", "valid_from", "valid_to", "successor")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    block: str
    level: str
    parent: str
    valid_from: date | None
    valid_to: date | None
    successor: str

    def valid_in(self, month: str) -> bool:
        first, last = month_bounds(month)
        return (self.valid_from is None or self.valid_from <= last) and (self.valid_to is None or self.valid_to >= first)


def month_bounds(month: str) -> tuple[date, date]:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


@dataclass(frozen=True)
class Registry:
    units: dict[str, Unit]

    @cached_property
    def by_folded_name(self) -> dict[str, list[Unit]]:
        names: dict[str, list[Unit]] = {}
        for unit in self.units.values():
            names.setdefault(fold(unit.name), []).append(unit)
        return names

    @cached_property
    def _predecessors(self) -> dict[str, list[Unit]]:
        found: dict[str, list[Unit]] = {}
        for unit in self.units.values():
            if unit.successor:
                found.setdefault(unit.successor, []).append(unit)
        return found

    def predecessors(self, code: str) -> list[Unit]:
        return self._predecessors.get(code, [])

    def lineage(self, code: str) -> list[str]:
        """The unit and every unit whose history it carries, through any number of reorganisations."""
        seen, queue = [], [code]
        while queue:
            current = queue.pop(0)
            if current not in seen:
                seen.append(current)
                queue.extend(u.code for u in self.predecessors(current))
        return seen

    def closest_codes(self, code: str, n: int = 3) -> list[Unit]:
        wanted = code.upper()

        def likeness(other: str) -> tuple[int, float]:
            # A mistyped character keeps the others in place: count those first (DV0O1 is DV001, not DV012).
            in_place = sum(x == y for x, y in zip(wanted, other)) if len(other) == len(wanted) else 0
            return in_place, difflib.SequenceMatcher(None, wanted, other).ratio()

        ranked = sorted(self.units, key=lambda other: likeness(other), reverse=True)
        return [self.units[c] for c in ranked[:n] if likeness(c)[1] >= 0.5]

    def closest_names(self, name: str, n: int = 3) -> list[str]:
        folded = {fold(u.name): u.name for u in self.units.values()}
        return [folded[m] for m in difflib.get_close_matches(fold(name), list(folded), n=n, cutoff=0.4)]

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(u.code, u.name, u.block, u.level) for u in self.units.values()],
            columns=["unit_code", "unit_name", "block", "level"],
        )


def read_registry(path: Path, display_name: str, problems: Problems) -> Registry:
    if not path.exists():
        problems.error("no-registry", "Thiếu danh mục đơn vị units.csv.", file=display_name,
                       suggestion="Tạo tệp units.csv với các cột " + ", ".join(REGISTRY_COLUMNS) + ".")
        return Registry({})
    try:
        sheets = read_tables(path, display_name, problems)
    except InputRefused as refusal:
        problems.error(refusal.code, refusal.message, file=display_name, details=refusal.details)
        return Registry({})
    cells = sheets[0].cells
    header = [fold(v).replace(" ", "_") for v in cells.iloc[0]]
    missing = [c for c in ("code", "name", "block") if c not in header]
    if missing:
        problems.error("registry-columns", f"units.csv thiếu cột: {', '.join(missing)}.", file=display_name, row=int(cells.index[0]),
                       suggestion="Dòng đầu phải là: " + ",".join(REGISTRY_COLUMNS))
        return Registry({})
    position = {name: header.index(name) for name in REGISTRY_COLUMNS if name in header}
    units: dict[str, Unit] = {}
    for row, values in cells.iloc[1:].iterrows():
        get = lambda name: clean_cell(values[position[name]]) if name in position else ""  # noqa: E731
        if not any(values):
            continue
        code = get("code").upper()
        where = {"file": display_name, "row": int(row)}
        if not code or not get("name") or not get("block"):
            problems.error("registry-row", "Dòng thiếu mã, tên hoặc khối của đơn vị.", **where, value=",".join(values))
            continue
        if not _ADDRESS_SAFE_CODE.fullmatch(code) or ".." in code:
            problems.error("registry-code", "Mã đơn vị chỉ được gồm chữ, chữ số và các dấu - _ . ở giữa: mã là một phần "
                           "địa chỉ trang của đơn vị (/don-vi/MÃ/).", **where, column="code", value=code,
                           suggestion="Đổi mã, ví dụ bỏ dấu cách, dấu / và các ký hiệu khác.")
            continue
        if code in units:
            problems.error("registry-duplicate", f"Mã đơn vị {code} xuất hiện hai lần.", **where, column="code", value=code)
            continue
        dates = {}
        for column in ("valid_from", "valid_to"):
            try:
                dates[column] = date.fromisoformat(get(column)) if get(column) else None
            except ValueError:
                problems.error("registry-date", "Ngày không đúng dạng YYYY-MM-DD.", **where, column=column, value=get(column))
                dates[column] = None
        units[code] = Unit(code, get("name"), get("block"), get("level"), get("parent").upper(),
                           dates["valid_from"], dates["valid_to"], get("successor").upper())
    for unit in units.values():
        for column, target in (("successor", unit.successor), ("parent", unit.parent)):
            if target and target not in units:
                problems.error("registry-reference", f"Đơn vị {unit.code}: {column} “{target}” không có trong danh mục.",
                               file=display_name, column=column, value=target)
    return Registry(units)


@dataclass(frozen=True)
class Unresolved:
    code: str  # an error code for the problem report
    message: str
    suggestion: str | None = None
    details: str | None = None


def resolve_units(people: pd.DataFrame, registry: Registry, problems: Problems, headers: dict | None = None) -> pd.Series:
    """The registry code of each row's unit, <NA> where it cannot be found (with an error).

    An error names the column by its header in the row's own file (`headers`:
    (file, sheet) -> {field: header}) and shows the code or name as written.

    Rows are resolved once per distinct (code, name, month): an export repeats
    the same few hundred units over thousands of rows.
    """
    keys = people[["unit_code", "unit_name", "month"]].fillna("").astype(str)
    keys = keys.assign(unit_code=keys["unit_code"].str.upper())
    group = keys.groupby(["unit_code", "unit_name", "month"], sort=False).ngroup().to_numpy()
    distinct = keys.drop_duplicates().itertuples(index=False, name=None)  # same order as ngroup
    names = registry.by_folded_name
    outcomes = [_resolve_one(*key, registry, names) for key in distinct]
    codes = pd.array([o.code if isinstance(o, Unit) else None for o in outcomes], dtype="string")

    failures: dict[tuple[str, str, str, str], list[int]] = {}
    failed_groups = [g for g, o in enumerate(outcomes) if isinstance(o, Unresolved)]
    for position in pd.Series(group).loc[lambda s: s.isin(failed_groups)].index:
        result = outcomes[group[position]]
        file, sheet = people["file"].iat[position], people["sheet"].iat[position]
        failures.setdefault((file, sheet, result.message, result.suggestion or "", result.details or ""), []).append(position)
    for (file, sheet, message, suggestion, details), positions in failures.items():
        first = positions[0]
        result = outcomes[group[first]]
        extra = f" ({format_number(len(positions))} dòng)" if len(positions) > 1 else ""
        field = "unit_code" if keys["unit_code"].iat[first] else "unit_name"
        written = (headers or {}).get((file, sheet or ""), {})
        column = written.get(field) or ("Mã đơn vị" if field == "unit_code" else "Đơn vị")
        value = people[field].iat[first]
        problems.error(result.code, message + extra, file=file, sheet=sheet or None, row=int(people["row"].iat[first]),
                       column=column, value=value, suggestion=suggestion or None, details=details or None)
    return pd.Series(codes.take(group), index=people.index, dtype="string")


def _resolve_one(code: str, name: str, month: str, registry: Registry, names: dict[str, list[Unit]]) -> Unit | Unresolved:
    by_name = names.get(fold(name), []) if name else []
    if code:
        unit = registry.units.get(code)
        if unit is None:
            return _unknown(code, name, month, registry)
        if by_name and unit not in by_name:
            other = by_name[0]
            return Unresolved("unit-code-name-mismatch",
                              f"Mã {code} là “{unit.name}” nhưng tên “{name}” là đơn vị {other.code}.",
                              "Sửa mã hoặc tên đơn vị cho khớp danh mục units.csv.")
    elif by_name:
        valid = [u for u in by_name if u.valid_in(month)]
        unit = valid[0] if valid else by_name[0]
    else:
        return _unknown(code, name, month, registry)
    if month and not unit.valid_in(month):
        span = f"{unit.valid_from or '…'} – {unit.valid_to or '…'}"
        hint = f" Đơn vị kế tục: {unit.successor}." if unit.successor else ""
        return Unresolved("unit-outside-validity",
                          f"Đơn vị {unit.code} “{unit.name}” không còn/chưa hiệu lực trong tháng {month} (hiệu lực {span}).",
                          "Kiểm tra mã đơn vị, hoặc sửa valid_from/valid_to trong units.csv." + hint)
    return unit


def _unknown(code: str, name: str, month: str, registry: Registry) -> Unresolved:
    line = f"{code or 'MA_MOI'},{name or 'Tên đơn vị'},<khối>,<cấp>,,{month or 'YYYY-MM'}-01,,"
    if code:
        nearest = "; ".join(f"{u.code} ({u.name})" for u in registry.closest_codes(code))
        near = f"Mã gần nhất: {nearest}. " if nearest else ""
    else:
        nearest = "; ".join(f"“{n}”" for n in registry.closest_names(name))
        near = f"Tên gần nhất: {nearest}. " if nearest else ""
    what = f"mã {code}" if code else f"tên “{name}”"
    return Unresolved("unknown-unit", f"Danh mục đơn vị không có {what}.",
                      near + f"Nếu là đơn vị mới, thêm vào units.csv dòng: {line}",
                      f"{nearest} | units.csv: {line}" if nearest else f"units.csv: {line}")
