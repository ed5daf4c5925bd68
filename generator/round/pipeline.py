"""The data half of a build, top to bottom: data folder in, public view out.

    read registry and withheld list -> open the store of published months
    -> read the exports and summaries it does not hold yet (ingest)
    -> validate them -> compare with the store (a changed month needs a reason)
    -> every month: the store's plus this run's -> count per unit and month
    -> check the figures of new months -> roll up -> choose the merged units
    -> public view -> prove that no merged count can be recovered (audit)

Pelican never sees anything before the last step. What the run adds to the
store is written only once the site has been built (see `Loaded.store`).
"""
from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import pandas as pd

from generator.figures import aggregate
from generator.view import audit
from generator.store import products as derived
from generator.core import progress
from generator.core import timings
from generator.figures.checks import check_figures
from generator.core.config import Policy, units_per_page
from generator.ingest import batch
from generator.ingest.exports import HEADERS, empty_people, headers_of, read_person_file, with_headers
from generator.ingest.history import empty_history, read_history_file
from generator.core.problems import Problems
from generator.view.public import CorrectionNotice, SiteView
from generator.view.build import build_site_view, honour_rows, with_corrections
from generator.core.ratings import RatingScale
from generator.ingest.registry import Registry, read_registry
from generator.store.record import ExportFile, Store, Update, scan_inputs
from generator.store.rows import PEOPLE
from generator.figures.suppression import choose_merges
from generator.ingest.validate import ValidatedData, validate
from generator.ingest.withheld import read_withheld
from generator.core import space

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
    def store(self) -> Path:
        return self.root / "store"

    @property
    def is_demo(self) -> bool:
        return (self.root / DEMO_MARKER).exists()


@dataclass(frozen=True)
class AllMonths:
    """Every month the site shows, as the build keeps it: no person rows, only what is made of them."""

    units: pd.DataFrame  # aggregate.unit_months of every month
    honour: pd.DataFrame  # the XS rows of every person-level month (derived.HONOUR_CANDIDATE_COLUMNS)
    private: derived.PrivateMaterial  # what the leak check looks for, read month by month when it runs
    registry: Registry

    @classmethod
    def gather(cls, months: list[derived.MonthCache], history: pd.DataFrame, registry: Registry) -> AllMonths:
        counts, honour = [], []
        for month in progress.track(months, "Tổng hợp từng tháng", total=len(months)):
            counts.append(month.table("counts"))
            honour.append(month.table("honour"))
        return cls(aggregate.combine(counts, history), derived.honour_candidates(honour),
                   derived.PrivateMaterial(tuple(months)), registry)

    def without_honour(self) -> AllMonths:
        """The same, once the view holds the honour list: at city scale the XS rows of 60 months
        hold ~150 MB that the page writers would otherwise inherit."""
        return replace(self, honour=self.honour.iloc[0:0])


@dataclass(frozen=True)
class Loaded:
    data: ValidatedData | None  # what this run read and validated (with file and row of each row); see `without_rows`
    withheld: frozenset[str]
    problems: Problems
    store: Store
    inputs: InputFiles
    update: Update  # what this run adds to the store: `store.commit(update)` once the site is built
    all_months: AllMonths  # every month the site shows: the store's, with this run's on top

    def without_rows(self) -> Loaded:
        """The same, without this run's validated rows: past validation a build needs only
        `all_months`, and at city scale the rows with their file and row numbers hold ~0.7 GB."""
        return replace(self, data=None)


def load(folder: DataFolder, policy: Policy, correction: str | None = None) -> Loaded:
    """Read and validate what is new; every problem of the run ends up in one list."""
    problems = Problems()
    registry = read_registry(folder.units, "units.csv", problems)
    withheld = read_withheld(folder.withheld, "withheld.csv", problems)
    store = Store.open(folder.store, problems)
    files = scan_inputs(folder.root, folder.exports, folder.history)
    if sum(f.path.stat().st_size for f in files if not store.knows(f)) > MONTH_BY_MONTH_BYTES:
        return _load_month_by_month(files, folder, policy, correction, problems, registry, withheld, store)
    intake = read_new_inputs(folder, store, policy.scale, problems, files)
    if not len(intake.people) and not len(intake.history):
        _no_data_unless_stored(folder, store, problems)
    data = validate(intake.people, intake.history, registry, policy, problems, headers=intake.headers)
    inputs = intake.files
    del intake  # the raw rows: at city scale a copy of every row that nothing reads again
    update = store.compare(data.people, data.history, inputs.read, registry=registry, correction=correction, problems=problems)
    months, history = store.complete(update, registry, problems)
    return Loaded(data, withheld, problems, store, inputs, update, AllMonths.gather(months, history, registry))


# A first build of years of exports (a city's 60 months are 10.8M rows, ~6 GB as one
# frame) reads them month by month instead: past this many bytes of new input files,
# each file's rows wait on disk as it is read, and each month is validated, compared
# with the store and made into its products on its own. Below it (a district's years,
# any monthly round) the rows are read at once, as every check was written for.
MONTH_BY_MONTH_BYTES = 128 * 2**20


def _no_data_unless_stored(folder: DataFolder, store: Store, problems: Problems) -> None:
    """Nothing was read: an error, unless the store holds months to build from (or reading failed already)."""
    if not store.months and not problems.has_errors:
        problems.error("no-data", "Không có dữ liệu: thư mục exports/ và history/ trống.",
                       file=str(folder.exports), suggestion="Chép tệp xuất từ phần mềm đánh giá vào exports/.")


def _load_month_by_month(files: list[ExportFile], folder: DataFolder, policy: Policy, correction: str | None, problems: Problems,
                         registry: Registry, withheld: frozenset[str], store: Store) -> Loaded:
    """`load` holding the person rows of one month at a time (plus the file being read) in each
    process: files are read, and months validated and compared, on every core (`batch`).

    Every check of validation is about one month (a person twice in a month, a
    month sent twice, a summary beside person rows of its month), so validating
    month by month finds what validating all rows at once finds."""
    spill = store.pending / "rows"  # the store's own folder of this run: made before the workers fork
    try:
        with space.writing_to(spill):
            spill.mkdir()
            waiting = _SpilledRows(spill)
            new = [f for f in files if not store.knows(f)]
            waiting.read(new, policy.scale, problems)
            touched = waiting.months()
            siblings = [f for f in files if f not in new and store.months_of(f) & touched]
            waiting.read(siblings, policy.scale, problems)
            read = [f for f in files if f in new or f in siblings]
            months = sorted(waiting.months())
            if not months:
                _no_data_unless_stored(folder, store, problems)
            check = partial(_check_month, registry=registry, policy=policy, headers=waiting.headers, store=store,
                            correction=correction)
            processes = batch.workers(months, waiting.size_of)
            checked = batch.each([waiting.of(month) for month in months], check, problems, processes)
            updates = list(progress.track(checked, "Kiểm tra từng tháng", total=len(months)))
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    base = store.compare(empty_people(), empty_history(), read, registry=registry, correction=correction, problems=problems)
    file_months: dict[str, set[str]] = {}
    for update in updates:
        for name, held in update.file_months.items():
            file_months.setdefault(name, set()).update(held)
    update = replace(base, months=tuple(sorted((m for u in updates for m in u.months), key=lambda m: (m.kind != PEOPLE, m.month))),
                     file_months=file_months)
    months, history = store.complete(update, registry, problems)
    inputs = InputFiles(tuple(read), tuple(f for f in files if f not in read))
    return Loaded(None, withheld, problems, store, inputs, update, AllMonths.gather(months, history, registry))


@dataclass(frozen=True)
class _WaitingMonth:
    """Where a month's rows wait: its person rows in the spilled files, its unit-level summaries at hand."""

    month: str
    people: tuple[Path, ...]
    history: pd.DataFrame


def _check_month(waiting: _WaitingMonth, problems: Problems, registry: Registry, policy: Policy, headers: dict,
                 store: Store, correction: str | None) -> Update:
    """One month validated and compared with the store, its products made (in a worker, or in the build)."""
    parts = [pd.read_parquet(path, filters=[("month", "==", waiting.month)]) for path in waiting.people]
    people = pd.concat(parts, ignore_index=True) if parts else empty_people()
    del parts
    data = validate(people, waiting.history, registry, policy, problems, headers=headers)
    del people
    return store.compare(data.people, data.history, (), registry=registry, correction=correction, problems=problems)


@dataclass(frozen=True)
class _Spilled:
    """What reading one input file left: its person rows on disk, or its summaries (a row per unit and month, small)."""

    path: Path | None
    months: tuple[str, ...]
    headers: dict
    history: pd.DataFrame | None = None


class _SpilledRows:
    """Rows read from input files, kept on disk file by file, given back one month at a time."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.people: dict[str, list[Path]] = {}  # month -> the spilled files holding rows of it
        self.history: list[pd.DataFrame] = []  # unit-level summaries: a row per unit and month, small
        self.headers: dict = {}
        self.count = 0  # files read so far: each worker writes a file of its own number

    def read(self, files: list[ExportFile], scale: RatingScale, problems: Problems) -> None:
        processes = batch.workers(files, lambda file: file.path.stat().st_size)
        numbered = list(enumerate(files, start=self.count))
        self.count += len(files)
        spilled = batch.each(numbered, partial(_spill_input, scale=scale, folder=self.folder), problems, processes)
        for result in progress.track(spilled, "Đọc tệp xuất", total=len(files)):
            if result is None:
                continue
            self.headers.update(result.headers)
            if result.history is not None:
                self.history.append(result.history)
            for month in result.months:
                self.people.setdefault(month, []).append(result.path)

    def months(self) -> set[str]:
        history = set(pd.concat(self.history)["month"].dropna().unique()) if self.history else set()
        return set(self.people) | history

    def size_of(self, month: str) -> int:
        return sum(path.stat().st_size for path in self.people.get(month, []))

    def of(self, month: str) -> _WaitingMonth:
        history = [frame.loc[frame["month"].eq(month).fillna(False)] for frame in self.history]
        history = pd.concat(history, ignore_index=True) if history else empty_history()
        return _WaitingMonth(month, tuple(self.people.get(month, [])), history)


def _spill_input(numbered: tuple[int, ExportFile], problems: Problems, scale: RatingScale, folder: Path) -> _Spilled | None:
    """Read one input file (in a worker, or in the build); its person rows go to `folder` as they are read."""
    number, file = numbered
    frame = _read_input(file, problems, scale)
    if frame is None or not len(frame):
        return None
    headers = frame.attrs.get(HEADERS, {})
    frame.attrs.clear()
    if file.kind != PEOPLE:
        return _Spilled(None, (), headers, frame)
    path = folder / f"{number}.parquet"
    frame.to_parquet(path, index=False)
    return _Spilled(path, tuple(frame["month"].dropna().unique().tolist()), headers)


def site_view(folder: DataFolder, settings: Mapping, correction: str | None = None) -> tuple[SiteView | None, Problems]:
    """The public view of a data folder, or None and the problems that prevent it."""
    view, loaded = prepare(folder, settings, correction)
    return view, loaded.problems


def prepare(folder: DataFolder, settings: Mapping, correction: str | None = None,
            with_view: bool = True) -> tuple[SiteView | None, Loaded]:
    """The public view (None if the data has errors, or not `with_view`: validation only, which
    still makes it to run the subtraction auditor), and everything the run read to make it."""
    policy = Policy.from_settings(settings)
    with timings.stage(timings.INGEST):
        loaded = load(folder, policy, correction).without_rows()
    if loaded.problems.has_errors:
        return None, loaded
    data = loaded.all_months
    with timings.stage(timings.AGGREGATE):
        units = data.units
        check_figures(units, data.registry, policy, loaded.problems, months=loaded.update.fresh_months)
        figures = aggregate.rollup(units, data.registry)
        merges = choose_merges(units, data.registry, policy)
        view = build_site_view(
            figures,
            units,
            honour_rows(data.honour, loaded.withheld),
            data.registry,
            policy,
            merges,
            organisation=settings.get("CONGKHAI_ORGANISATION", "Đơn vị"),
            demo=folder.is_demo,
            units_per_page=units_per_page(settings),
        )
        corrections = loaded.store.corrections() + loaded.update.corrections()
        view = with_corrections(view, [CorrectionNotice(m, n, c.date, c.reason) for m, n, c in corrections])
        loaded = replace(loaded, all_months=data.without_honour())
        del data
    # Validation runs the auditor too: a month it would refuse must not pass `validate`.
    with timings.stage(timings.AUDIT):
        audit.check(view, policy, loaded.problems)
    if loaded.problems.has_errors or not with_view:
        return None, loaded
    return view, loaded


# --- reading only what the store does not hold ------------------------------------


@dataclass(frozen=True)
class InputFiles:
    """Which input files a run read, and which it skipped."""

    read: tuple[ExportFile, ...]
    skipped: tuple[ExportFile, ...]  # their rows are in the store already


@dataclass(frozen=True)
class Intake:
    """The rows read this run, and from which files."""

    people: pd.DataFrame
    history: pd.DataFrame
    files: InputFiles
    headers: dict  # (file, sheet) -> {field: the column's header as written}


def read_new_inputs(folder: DataFolder, store: Store, scale: RatingScale, problems: Problems,
                    files: list[ExportFile] | None = None) -> Intake:
    """Rows of every input file the store does not hold, and of the files that share a month with them.

    A file the store has read before (same checksum) is not read again. A
    month that comes again is read whole, from every file that holds it, so
    that it can be compared with the stored month.
    """
    files = scan_inputs(folder.root, folder.exports, folder.history) if files is None else files
    new = [f for f in files if not store.knows(f)]
    people, history = _read_files(new, scale, problems)
    touched = set(people["month"].dropna().unique()) | set(history["month"].dropna().unique())
    siblings = [f for f in files if f not in new and store.months_of(f) & touched]
    if siblings:
        more_people, more_history = _read_files(siblings, scale, problems)
        people = with_headers(pd.concat([people, more_people], ignore_index=True), headers_of([people, more_people]))
        history = with_headers(pd.concat([history, more_history], ignore_index=True), headers_of([history, more_history]))
    read = [f for f in files if f in new or f in siblings]
    headers = {**people.attrs.get(HEADERS, {}), **history.attrs.get(HEADERS, {})}
    people.attrs.clear(), history.attrs.clear()  # the rows go on to the store, which keeps no attrs
    return Intake(people, history, InputFiles(tuple(read), tuple(f for f in files if f not in read)), headers)


def _read_files(files: list[ExportFile], scale: RatingScale, problems: Problems) -> tuple[pd.DataFrame, pd.DataFrame]:
    processes = batch.workers(files, lambda file: file.path.stat().st_size)
    frames = batch.each(files, partial(_read_input, scale=scale), problems, processes)
    people, history = [], []
    for file, frame in zip(files, progress.track(frames, "Đọc tệp xuất", total=len(files))):
        if frame is not None and len(frame):
            (people if file.kind == PEOPLE else history).append(frame)
    return (with_headers(pd.concat(people, ignore_index=True), headers_of(people)) if people else empty_people(),
            with_headers(pd.concat(history, ignore_index=True), headers_of(history)) if history else empty_history())


def _read_input(file: ExportFile, problems: Problems, scale: RatingScale) -> pd.DataFrame | None:
    if file.kind == PEOPLE:
        return read_person_file(file.path, file.name, scale, problems)
    return read_history_file(file.path, file.name, problems)
