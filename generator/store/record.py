"""The canonical store of published months, in DATA/store/ (private: never published).

Every month a build publishes is kept here, so that the site can be rebuilt
after the exports are deleted or moved, a month that comes again with other
content is caught, and a month already read is never read or validated again:

    store/
      manifest.json        each month's versions (file, sha256, kind, rows, correction)
                           and the export files already read (sha256 -> months)
      2024-10.v1.parquet   one file per month and version, written once, never changed
      2024-10.v2.parquet   a correction: v1 stays beside it as the earlier version

A month holds either the validated person rows of the exports (kind
"people": every mapped field, no file names or row numbers) or the rows of
unit-level summaries (kind "units"). Files are Parquet: zstd, one row group,
no pandas metadata, rows in a canonical order, so the same rows always give
the same bytes. The manifest is sorted, indented JSON, so that a commit shows
what changed. Every file's sha256 is checked whenever the store is opened: a
file changed by hand is an error, never silently published.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa

from generator.figures import aggregate
from . import products as derived
from . import parquet
from generator.core.formatting import format_month, format_number
from generator.ingest.exports import PERSON_COLUMNS, empty_people, list_export_files
from generator.ingest.history import COUNT_FIELDS, empty_history
from generator.core.problems import Problems
from generator.ingest.registry import Registry

MANIFEST = "manifest.json"
FORMAT = 1
PEOPLE, UNITS = "people", "units"  # what a month holds: person rows, or unit-level summaries

PEOPLE_SCHEMA = pa.schema(
    [(c, pa.string()) for c in ("month", "unit_code", "unit_name", "person_id", "full_name", "position")]
    + [("is_leader", pa.bool_()), ("self_rating", pa.string()), ("final_rating", pa.string()),
       ("self_score", pa.float64()), ("final_score", pa.float64()), ("reward", pa.int64()), ("note", pa.string())]
)
UNITS_SCHEMA = pa.schema(
    [("month", pa.string()), ("unit_code", pa.string()), ("unit_name", pa.string())]
    + [(c, pa.int64()) for c in COUNT_FIELDS]
)
SCHEMAS = {PEOPLE: PEOPLE_SCHEMA, UNITS: UNITS_SCHEMA}
assert tuple(PEOPLE_SCHEMA.names) == PERSON_COLUMNS, "the store keeps every mapped field of a person row"
_SORT_KEYS = {PEOPLE: ["unit_code", "person_id"], UNITS: ["unit_code"]}


# --- rows in their one canonical form -------------------------------------------


def canonical(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The columns the store keeps, typed, in the store's row order.

    Row order, file names and row numbers do not matter: two exports that say
    the same thing give equal frames (and equal files).
    """
    return _typed(frame, kind).sort_values(_SORT_KEYS[kind], kind="stable").reset_index(drop=True)


def _typed(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    schema = SCHEMAS[kind]
    return frame.loc[:, schema.names].astype({f.name: parquet.PANDAS_TYPES[f.type] for f in schema})


def canonical_months(frame: pd.DataFrame, kind: str) -> Iterator[tuple[str, pd.DataFrame]]:
    """(month, its canonical rows) for every month of `frame`, oldest first.

    One sort of the whole frame, then a slice per month: equal to `canonical`
    of each month's rows, without a copy per month on the way (at city scale
    a month-by-month groupby held two extra copies of every row at once).
    """
    if not len(frame):
        return
    ordered = _typed(frame, kind).sort_values(["month", *_SORT_KEYS[kind]], kind="stable").reset_index(drop=True)
    months = ordered["month"]
    starts = [0, *np.flatnonzero(months.ne(months.shift()).to_numpy()[1:]) + 1]
    for start, end in zip(starts, [*starts[1:], len(ordered)]):
        yield str(months.iat[start]), ordered.iloc[start:end].reset_index(drop=True)


def to_parquet(frame: pd.DataFrame, kind: str) -> bytes:
    return parquet.to_bytes(frame, SCHEMAS[kind])


def from_parquet(content: bytes) -> pd.DataFrame:
    return parquet.from_bytes(content)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def today() -> date:
    """The date a correction is recorded: SOURCE_DATE_EPOCH when set (reproducible runs), else today in Việt Nam."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


# --- what the store holds ----------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """Why and when a published month was replaced; both are published."""

    date: date
    reason: str


@dataclass(frozen=True)
class Version:
    month: str
    number: int
    file: str
    sha256: str
    kind: str
    rows: int
    correction: Correction | None = None  # None for the first version

    def to_json(self) -> dict:
        record = {"version": self.number, "file": self.file, "sha256": self.sha256, "kind": self.kind, "rows": self.rows}
        if self.correction is not None:
            record["correction"] = {"date": self.correction.date.isoformat(), "reason": self.correction.reason}
        return record

    @classmethod
    def from_json(cls, month: str, record: dict) -> Version:
        correction = record.get("correction")
        return cls(
            month, int(record["version"]), str(record["file"]), str(record["sha256"]), str(record["kind"]), int(record["rows"]),
            Correction(date.fromisoformat(correction["date"]), str(correction["reason"])) if correction else None,
        )


@dataclass(frozen=True)
class ExportFile:
    """An input file and its checksum, the key of what has been read already."""

    path: Path
    name: str  # as messages show it: relative to the data folder
    kind: str  # PEOPLE (exports/) or UNITS (history/)
    sha256: str


def scan_inputs(root: Path, exports: Path, history: Path) -> list[ExportFile]:
    """Every file of exports/ and history/, with its checksum."""
    return [
        ExportFile(path, path.relative_to(root).as_posix(), kind, file_sha256(path))
        for folder, kind in ((exports, PEOPLE), (history, UNITS))
        for path in list_export_files(folder)
    ]


@dataclass(frozen=True)
class Source:
    """An export file the store has read: the months its rows belong to."""

    name: str
    months: tuple[str, ...]


class Store:
    """The months a data folder has published, read from DATA/store/."""

    def __init__(self, root: Path, versions: dict[str, tuple[Version, ...]], sources: dict[str, Source],
                 manifest_text: str | None = None):
        self.root = root
        self.versions = versions  # month -> every version, oldest first
        self.sources = sources  # sha256 of an export file -> what it held
        self.manifest_text = manifest_text  # as opened: a commit refuses if another run changed it since
        self.damaged: set[str] = set()  # months whose files are missing or changed (reported as errors)
        self._pending: Path | None = None

    @property
    def pending(self) -> Path:
        """This run's own folder for the products of months not yet committed; removed with the store object."""
        if self._pending is None:
            _remove_folders_of_killed_runs()
            self._pending = Path(tempfile.mkdtemp(prefix=f"{_PENDING_PREFIX}{os.getpid()}-"))
            weakref.finalize(self, _remove_own_folder, self._pending, os.getpid())
        return self._pending

    # -- opening, with every checksum checked

    @classmethod
    def open(cls, root: Path, problems: Problems) -> Store:
        manifest_path = root / MANIFEST
        if not manifest_path.exists():
            return cls(root, {}, {})
        where = _display(root / MANIFEST)
        try:
            text = manifest_path.read_text("utf-8")
            manifest = json.loads(text)
            versions = {
                month: tuple(Version.from_json(month, r) for r in records)
                for month, records in manifest.get("months", {}).items()
            }
            sources = {
                checksum: Source(str(record["file"]), tuple(record["months"]))
                for checksum, record in manifest.get("sources", {}).items()
            }
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            problems.error("store-manifest-unreadable",
                           f"Không đọc được danh mục kho dữ liệu ({error}). Các tháng đã công bố không được dùng khi tệp này hỏng.",
                           file=where, suggestion="Khôi phục manifest.json từ bản sao lưu (ví dụ: git checkout -- data/store/manifest.json).")
            return cls(root, {}, {})
        store = cls(root, versions, sources, text)
        store._check_files(problems)
        return store

    def _check_files(self, problems: Problems) -> None:
        listed = set()
        for version in (v for versions in self.versions.values() for v in versions):
            path = self.root / version.file
            listed.add(version.file)
            if not path.is_file():
                self.damaged.add(version.month)
                problems.error("store-file-missing",
                               f"Thiếu tệp {version.file} của tháng {version.month} (phiên bản {version.number}) trong kho dữ liệu.",
                               file=_display(path), suggestion="Khôi phục tệp từ bản sao lưu (ví dụ: git checkout -- data/store/).")
            elif file_sha256(path) != version.sha256:
                self.damaged.add(version.month)
                problems.error("store-file-changed",
                               f"Tệp kho của tháng {version.month} (phiên bản {version.number}) đã bị sửa ngoài chương trình: "
                               "mã kiểm tra SHA-256 khác với manifest.json. Số liệu đã công bố không được thay bằng cách sửa tệp kho.",
                               file=_display(path),
                               suggestion="Khôi phục tệp từ bản sao lưu (ví dụ: git checkout -- data/store/). Muốn sửa số liệu "
                                          "một tháng, hãy đặt tệp xuất đã sửa vào exports/ và chạy build với --correction \"lý do\".")
        for path in sorted(self.root.iterdir()):
            if path.name not in (MANIFEST, derived.FOLDER) and path.name not in listed and not path.name.startswith("."):
                problems.warning("store-unknown-file", "Tệp này không có trong manifest.json của kho dữ liệu; bỏ qua.",
                                 file=_display(path), suggestion="Xóa tệp nếu không cần; kho chỉ do chương trình ghi.")

    # -- what is in it

    @property
    def months(self) -> list[str]:
        return sorted(self.versions)

    def current(self, month: str) -> Version | None:
        versions = self.versions.get(month)
        return versions[-1] if versions else None

    def read(self, month: str) -> pd.DataFrame:
        """The rows of a month's current version, as `canonical` gives them."""
        return from_parquet((self.root / self.current(month).file).read_bytes())

    def corrections(self) -> list[tuple[str, int, Correction]]:
        """(month, number of the correction for that month, correction), oldest first."""
        found = [
            (v.month, v.number - 1, v.correction)
            for versions in self.versions.values() for v in versions if v.correction is not None
        ]
        return sorted(found, key=lambda c: (c[2].date, c[0], c[1]))

    def knows(self, file: ExportFile) -> bool:
        """True if the file's rows are in the store as they are: it need not be read again."""
        source = self.sources.get(file.sha256)
        return source is not None and all(m in self.versions for m in source.months)

    def months_of(self, file: ExportFile) -> set[str]:
        source = self.sources.get(file.sha256)
        return set(source.months) if source else set()

    # -- comparing what came in with what is stored

    def compare(self, people: pd.DataFrame, history: pd.DataFrame, files: Iterable[ExportFile], *,
                registry: Registry, correction: str | None, problems: Problems) -> Update:
        """What this run would change in the store; a changed month without a reason is an error."""
        reason = (correction or "").strip() or None
        months: list[MonthUpdate] = []
        exports_of = _months_by_file(people, history)
        for kind, frame in ((PEOPLE, people), (UNITS, history)):
            for month, rows in canonical_months(frame.dropna(subset=["month"]), kind):
                stored = self.current(month)
                if kind == UNITS and stored is not None and stored.kind == PEOPLE:
                    problems.info("history-overlap",
                                  f"Tháng {month} đã có dữ liệu từng người trong kho; bỏ qua bảng tổng hợp của tháng này.")
                    continue
                exports = sorted(name for name, held in exports_of.items() if month in held)
                months.append(self._compare_month(month, kind, rows, registry, reason, problems, exports))
        return Update(tuple(months), tuple(files), _months_by_file(people, history), Correction(today(), reason) if reason else None)

    def _compare_month(self, month: str, kind: str, rows: pd.DataFrame, registry: Registry,
                       reason: str | None, problems: Problems, exports: list[str]) -> MonthUpdate:
        stored = self.current(month)
        if stored is None:
            return self._month_update(month, kind, rows, NEW, 1)
        if month in self.damaged:  # an error already; nothing will be committed
            return MonthUpdate(month, kind, SAME, stored.number, len(rows))
        before = self.read(month)
        if stored.kind == kind and before.equals(rows):
            return self._month_update(month, kind, rows, SAME, stored.number, stored.sha256)
        difference = describe_difference(before, stored.kind, rows, kind, registry)
        del before
        if reason is None:
            problems.error(
                "month-changed",
                f"{format_month(month, 'vi', 'long')} đã công bố, nhưng dữ liệu mới khác bản đã lưu trong kho:\n"
                + "\n".join(f"  • {line}" for line in difference),
                file=", ".join(exports) or None,
                details=" | ".join(difference),
                suggestion=f"Nếu đây là đính chính, chạy lại với --correction \"lý do đính chính\" (lý do được công bố kèm ngày). "
                           f"Nếu không, trả tệp xuất cũ của tháng {month} về exports/ hoặc bỏ tệp mới ra.",
            )
        return self._month_update(month, kind, rows, CHANGED, stored.number + 1, difference=tuple(difference))

    def _month_update(self, month: str, kind: str, rows: pd.DataFrame, status: str, version: int,
                      stored_sha256: str | None = None, difference: tuple[str, ...] = ()) -> MonthUpdate:
        """The update of a month read this run: its file to write (unless SAME), and its products
        made from the validated rows now, so that its person rows need not be kept."""
        content = b"" if status == SAME else to_parquet(rows, kind)
        checksum = stored_sha256 if status == SAME else sha256(content)
        if kind == PEOPLE:
            cached_in = self.root if status == SAME else self.pending
            return MonthUpdate(month, kind, status, version, len(rows), difference, content,
                               products=derived.from_rows(cached_in, month, checksum, rows))
        return MonthUpdate(month, kind, status, version, len(rows), difference, content, summaries=rows)

    # -- every month, for the site

    def complete(self, update: Update, registry: Registry, problems: Problems) -> tuple[list[derived.MonthCache], pd.DataFrame]:
        """Every month: the products of each person-level month (this run's where it read the month,
        else the store's, made from one month's rows at a time), and the unit-level rows."""
        people: list[derived.MonthCache] = []
        summaries: list[pd.DataFrame] = []
        fresh = {m.month: m for m in update.months}
        for month in sorted(set(self.versions) | set(fresh)):
            if month in self.damaged:
                continue
            if month in fresh:
                change = fresh[month]
                if change.kind == PEOPLE:
                    people.append(change.products)
                else:
                    summaries.append(change.summaries)
                continue
            stored = self.current(month)
            if stored.kind == PEOPLE:
                products = derived.load(self.root, month, stored.sha256, lambda month=month: self.read(month))
                _check_units_known(month, products.table("counts")["unit_code"], registry, problems)
                people.append(products)
            else:
                rows = self.read(month)
                _check_units_known(month, rows["unit_code"], registry, problems)
                summaries.append(rows)
        history = pd.concat(summaries, ignore_index=True) if summaries else canonical(empty_history(), UNITS)
        return people, history

    # -- writing

    def commit(self, update: Update) -> list[Version]:
        """Record the update: new files first, the manifest last, so a run killed midway changes nothing.

        Returns the versions written. Nothing is written when the store already
        holds everything (a rebuild leaves a committed store untouched).
        """
        if self.manifest_text is None and not update.months and not update.files:
            return []
        self.root.mkdir(parents=True, exist_ok=True)
        with _locked(self.root):
            manifest = self.root / MANIFEST
            if (manifest.read_text("utf-8") if manifest.exists() else None) != self.manifest_text:
                raise StoreChanged("Kho dữ liệu vừa được một lần chạy khác ghi vào trong lúc tạo trang; hãy chạy lại lệnh.")
            written = []
            versions = dict(self.versions)
            for change in update.months:
                if change.status == SAME:
                    continue
                name = f"{change.month}.v{change.version}.parquet"
                _write_atomically(self.root / name, change.content)
                version = Version(change.month, change.version, name, sha256(change.content), change.kind, change.row_count,
                                  update.correction if change.status == CHANGED else None)
                versions[change.month] = (*versions.get(change.month, ()), version)
                written.append(version)
                if change.products is not None:
                    derived.keep(change.products, self.root, version.sha256)
            sources = self._sources_after(update)
            text = _manifest_text(versions, sources)
            if text != self.manifest_text:
                _write_atomically(manifest, text.encode("utf-8"))
            self.versions, self.sources, self.manifest_text = versions, sources, text
            derived.sweep(self.root, {vs[-1].sha256 for vs in versions.values() if vs[-1].kind == PEOPLE})
        return written

    def _sources_after(self, update: Update) -> dict[str, Source]:
        """The files read so far; a corrected month's old files no longer describe it."""
        corrected = {m.month for m in update.months if m.status == CHANGED}
        read_now = {f.sha256 for f in update.files}
        sources = {
            checksum: source for checksum, source in self.sources.items()
            if checksum in read_now or not corrected.intersection(source.months)
        }
        for file in update.files:
            sources[file.sha256] = Source(file.name, tuple(sorted(update.file_months.get(file.name, ()))))
        return sources


_PENDING_PREFIX = "congkhai-months-"


def _remove_folders_of_killed_runs() -> None:
    """A run killed before it ended left its folder: removed once its process is gone."""
    for path in Path(tempfile.gettempdir()).glob(f"{_PENDING_PREFIX}*-*"):
        owner = path.name[len(_PENDING_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not _running(int(owner)):
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove_own_folder(path: Path, owner: int) -> None:
    if os.getpid() == owner:  # not from a forked child that exits
        shutil.rmtree(path, ignore_errors=True)


class StoreChanged(Exception):
    """Another run wrote the store after this one opened it."""


NEW, SAME, CHANGED = "new", "same", "changed"


@dataclass(frozen=True)
class MonthUpdate:
    month: str
    kind: str
    status: str  # NEW, SAME or CHANGED
    version: int  # the version the store holds (SAME) or will hold once committed
    row_count: int
    difference: tuple[str, ...] = ()  # for CHANGED: what changed, in words
    content: bytes = field(default=b"", repr=False)  # the file to write (NEW, CHANGED): the canonical rows
    products: derived.MonthCache | None = field(default=None, repr=False)  # a person-level month's products
    summaries: pd.DataFrame | None = field(default=None, repr=False)  # a unit-level month's rows


@dataclass(frozen=True)
class Update:
    """What a run read, and what committing it would change in the store."""

    months: tuple[MonthUpdate, ...]
    files: tuple[ExportFile, ...]  # read this run
    file_months: dict[str, set[str]]  # file name -> months of its rows
    correction: Correction | None  # given with --correction

    def of(self, status: str) -> list[MonthUpdate]:
        return [m for m in self.months if m.status == status]

    def corrections(self) -> list[tuple[str, int, Correction]]:
        """Corrections this run makes, as `Store.corrections` lists them."""
        if self.correction is None:
            return []
        return [(m.month, m.version - 1, self.correction) for m in self.of(CHANGED)]

    @property
    def fresh_months(self) -> set[str]:
        """Months this run adds or changes: the only ones whose figures are checked again."""
        return {m.month for m in self.months if m.status != SAME}


def _months_by_file(people: pd.DataFrame, history: pd.DataFrame) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for frame in (people, history):
        if len(frame):
            for (name, month), _ in frame.groupby(["file", "month"], sort=False):
                found.setdefault(name, set()).add(month)
    return found


def _check_units_known(month: str, codes: pd.Series, registry: Registry, problems: Problems) -> None:
    for code in sorted(set(codes.dropna().unique()) - set(registry.units)):
        problems.error("store-unit-unknown",
                       f"Tháng {month} trong kho dữ liệu có đơn vị mã {code}, nhưng units.csv không còn mã này.",
                       file="units.csv", value=code,
                       suggestion="Giữ dòng của đơn vị trong units.csv (ghi valid_to nếu đơn vị đã giải thể hay sáp nhập).")


# --- the difference between two versions of a month, in words ---------------------

_COUNT_LABELS = {
    "headcount": "tổng số", "xs": "XS", "t": "T", "ht": "HT", "k": "K", "not_evaluated": "chưa đánh giá",
    "raised": "nâng mức", "lowered": "hạ mức", "reward_count": "số người khen thưởng", "reward_amount": "tiền khen thưởng",
}
_FIELD_LABELS = {
    "unit_code": "mã đơn vị", "unit_name": "tên đơn vị", "full_name": "họ tên", "position": "chức vụ",
    "is_leader": "lãnh đạo quản lý", "self_rating": "tự xếp loại", "final_rating": "xếp loại", "self_score": "điểm tự chấm",
    "final_score": "điểm", "reward": "khen thưởng", "note": "ghi chú",
}
_KIND_WORDS = {PEOPLE: "dữ liệu từng người", UNITS: "bảng tổng hợp theo đơn vị"}


def describe_difference(before: pd.DataFrame, before_kind: str, after: pd.DataFrame, after_kind: str,
                        registry: Registry, limit: int = 15) -> list[str]:
    """What changed between two versions of a month: the organisation, each unit, then the rows."""
    lines = []
    if before_kind != after_kind:
        lines.append(f"Nguồn: {_KIND_WORDS[before_kind]} → {_KIND_WORDS[after_kind]}")
    old, new = _unit_counts(before, before_kind), _unit_counts(after, after_kind)
    total = _changed_counts(old.sum(min_count=1), new.sum(min_count=1))
    if total:
        lines.append("Toàn bộ: " + total)
    unit_lines = []
    for code in sorted(set(old.index) | set(new.index)):
        name = f"{code} {registry.units[code].name}" if code in registry.units else code
        if code not in old.index:
            unit_lines.append(f"{name}: đơn vị mới trong tháng ({format_number(int(new.at[code, 'headcount']))} người)")
        elif code not in new.index:
            unit_lines.append(f"{name}: không còn trong dữ liệu mới (trước có {format_number(int(old.at[code, 'headcount']))} người)")
        else:
            changed = _changed_counts(old.loc[code], new.loc[code])
            if changed:
                unit_lines.append(f"{name}: {changed}")
    lines += unit_lines[:limit]
    if len(unit_lines) > limit:
        lines.append(f"… và {len(unit_lines) - limit} đơn vị khác")
    if before_kind == after_kind == PEOPLE:
        lines += _row_changes(before, after)
    if not total and not unit_lines:
        lines.append("Số liệu công bố theo đơn vị không đổi; chỉ khác nội dung từng dòng.")
    return lines


def _unit_counts(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    empty = canonical(empty_people(), PEOPLE) if kind == UNITS else canonical(empty_history(), UNITS)
    people, history = (rows, empty) if kind == PEOPLE else (empty, rows)
    counts = aggregate.unit_months(people, history)
    return counts.set_index("unit_code")[list(_COUNT_LABELS)]


def _changed_counts(old: pd.Series, new: pd.Series) -> str:
    parts = []
    for column, label in _COUNT_LABELS.items():
        a, b = old[column], new[column]
        if pd.isna(a) or pd.isna(b) or a == b:
            continue
        parts.append(f"{label} {format_number(int(a))} → {format_number(int(b))}")
    return ", ".join(parts)


def _row_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    old, new = before.set_index("person_id"), after.set_index("person_id")
    added, removed = new.index.difference(old.index), old.index.difference(new.index)
    both = new.index.intersection(old.index)
    columns = [c for c in _FIELD_LABELS if c in new.columns]
    a, b = old.loc[both, columns], new.loc[both, columns]
    differs = (a.ne(b) & ~(a.isna() & b.isna())).fillna(True)  # NA against a value is a change
    changed_rows = int(differs.any(axis=1).sum())
    if not (len(added) or len(removed) or changed_rows):
        return []
    changed_columns = [_FIELD_LABELS[c] for c in columns if differs[c].any()]
    text = (f"Từng người: {format_number(len(added))} dòng thêm, {format_number(len(removed))} dòng bớt, "
            f"{format_number(changed_rows)} dòng sửa")
    lines = [text + (f" (cột: {', '.join(changed_columns)})" if changed_columns else "")]
    for person_id in differs.index[differs.any(axis=1)][:_EXAMPLE_ROWS]:
        values = ", ".join(f"{_FIELD_LABELS[c]} {_value(a.at[person_id, c])} → {_value(b.at[person_id, c])}"
                           for c in columns if differs.at[person_id, c])
        lines.append(f"{b.at[person_id, 'full_name'] if 'full_name' in columns else ''} (mã {person_id}): {values}")
    return lines


_EXAMPLE_ROWS = 5


def _value(value) -> str:
    if pd.isna(value):
        return "(trống)"
    return f"{value:g}" if isinstance(value, float) else str(value)


# --- files -------------------------------------------------------------------------------


def _manifest_text(versions: dict[str, tuple[Version, ...]], sources: dict[str, Source]) -> str:
    manifest = {
        "format": FORMAT,
        "about": "Kho dữ liệu đã công bố của congkhai: mỗi tháng một tệp Parquet cho mỗi phiên bản. "
                 "Không sửa tay; tệp bị sửa sẽ bị phát hiện qua sha256.",
        "months": {month: [v.to_json() for v in vs] for month, vs in sorted(versions.items())},
        "sources": {checksum: {"file": s.name, "months": list(s.months)} for checksum, s in sorted(sources.items())},
    }
    return json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _write_atomically(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One writer at a time: a preview server and a build may share a data folder."""
    descriptor = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _display(path: Path) -> str:
    """store/NAME, as messages name files relative to the data folder."""
    return f"{path.parent.name}/{path.name}"
