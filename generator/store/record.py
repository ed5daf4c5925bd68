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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from generator.core.files import atomic_write
from generator.core.formatting import format_month
from generator.core.problems import Problems
from generator.ingest.exports import list_export_files
from generator.ingest.history import empty_history
from generator.ingest.registry import Registry

from . import products as derived
from .changes import describe_difference
from .pending import pending_folder
from .rows import PEOPLE, UNITS, canonical, canonical_months, from_parquet, to_parquet

MANIFEST = "manifest.json"
FORMAT = 1





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
            self._pending = pending_folder(self)
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
            fresh: list[Path] = []  # month files this commit adds; removed if it cannot finish (a full disk)
            try:
                self._write_months(update, versions, written, fresh)
                sources = self._sources_after(update)
                text = _manifest_text(versions, sources)
                if text != self.manifest_text:
                    atomic_write(manifest, text.encode("utf-8"))
            except BaseException:
                for path in fresh:
                    path.unlink(missing_ok=True)
                raise
            self.versions, self.sources, self.manifest_text = versions, sources, text
            derived.sweep(self.root, {vs[-1].sha256 for vs in versions.values() if vs[-1].kind == PEOPLE})
        return written

    def _write_months(self, update: Update, versions: dict, written: list, fresh: list[Path]) -> None:
        """Write each new or changed month's file; `fresh` gets those that were not there before."""
        for change in update.months:
            if change.status == SAME:
                continue
            name = f"{change.month}.v{change.version}.parquet"
            if not (self.root / name).exists():
                fresh.append(self.root / name)
            atomic_write(self.root / name, change.content)
            version = Version(change.month, change.version, name, sha256(change.content), change.kind, change.row_count,
                              update.correction if change.status == CHANGED else None)
            versions[change.month] = (*versions.get(change.month, ()), version)
            written.append(version)
            if change.products is not None:
                derived.keep(change.products, self.root, version.sha256)

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
