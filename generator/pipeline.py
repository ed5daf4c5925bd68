"""The data half of a build, top to bottom: data folder in, public view out.

    read registry and withheld list -> read exports and summaries (ingest)
    -> validate -> count per unit and month -> check figures -> roll up
    -> public view

Pelican never sees anything before the last step.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from . import aggregate
from .checks import check_figures
from .config import Policy
from .ingest.exports import read_person_exports
from .ingest.history import read_history
from .problems import Problems
from .public import SiteView, build_site_view, honour_rows
from .registry import read_registry
from .validate import ValidatedData, validate
from .withheld import read_withheld

DEMO_MARKER = "DEMO"


@dataclass(frozen=True)
class DataFolder:
    """A folder laid out like `data/`."""

    root: Path

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def history(self) -> Path:
        return self.root / "history"

    @property
    def units(self) -> Path:
        return self.root / "units.csv"

    @property
    def withheld(self) -> Path:
        return self.root / "withheld.csv"

    @property
    def is_demo(self) -> bool:
        return (self.root / DEMO_MARKER).exists()


@dataclass(frozen=True)
class Loaded:
    data: ValidatedData
    withheld: frozenset[str]
    problems: Problems


def load(folder: DataFolder, policy: Policy) -> Loaded:
    """Read and validate everything; every problem of the run ends up in one list."""
    problems = Problems()
    registry = read_registry(folder.units, "units.csv", problems)
    withheld = read_withheld(folder.withheld, "withheld.csv", problems)
    people = read_person_exports(folder.exports, folder.root, policy.scale, problems)
    history = read_history(folder.history, folder.root, problems)
    if not len(people) and not len(history) and not problems.has_errors:
        problems.error("no-data", "Không có dữ liệu: thư mục exports/ và history/ trống.",
                       file=str(folder.exports), suggestion="Chép tệp xuất từ phần mềm đánh giá vào exports/.")
    data = validate(people, history, registry, policy, problems)
    return Loaded(data, withheld, problems)


def site_view(folder: DataFolder, settings: Mapping) -> tuple[SiteView | None, Problems]:
    """The public view of a data folder, or None and the problems that prevent it."""
    policy = Policy.from_settings(settings)
    loaded = load(folder, policy)
    if loaded.problems.has_errors:
        return None, loaded.problems
    data = loaded.data
    units = aggregate.unit_months(data.people, data.history)
    check_figures(units, data.registry, policy, loaded.problems)
    figures = aggregate.rollup(units, data.registry)
    view = build_site_view(
        figures,
        units,
        honour_rows(data.people, loaded.withheld),
        data.registry,
        policy,
        organisation=settings.get("CONGKHAI_ORGANISATION", "Đơn vị"),
        demo=folder.is_demo,
    )
    return view, loaded.problems
