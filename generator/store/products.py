"""What a build keeps of a person-level month once its person rows are dropped.

A build needs, of every month it publishes, only small products of the
month's person rows: the counts per unit (`aggregate.from_people`), the
honour candidates (the XS rows, with the person id so that withheld.csv is
applied at build time), and the leak check's material (who appears, which
notes, which scores, ratings and notes sit beside which name). Products are
made one month at a time, so that no more than one month's person rows are in
memory at once, and cached privately in the store folder:

    store/derived/<sha256 of the month's store file>-<digest of this code>/
        index.json         every table's file and sha256, written last
        counts.parquet     ...

A cache made from other rows (another sha256) or by other code (another
digest) is never used; a missing or damaged one is made again from the
store's file. The cache is never published and never an error: the store's
manifest and checksums stay the only record of what was published.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from generator.figures import aggregate

from . import parquet

FOLDER = "derived"  # inside the store folder
INDEX = "index.json"

# The honour list's columns (view.build.HONOUR_COLUMNS), the rating it is chosen by,
# and the id withheld.csv names: the withheld filter runs at build time.
HONOUR_CANDIDATE_COLUMNS = ["month", "unit_code", "full_name", "position", "reward", "person_id", "final_rating"]


def _code_digest() -> str:
    """The deriving code's fingerprint: a change of it makes every month's products again."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for name in ("store/products.py", "figures/aggregate.py", "core/ratings.py", "store/parquet.py"):
        digest.update((package / name).read_bytes())
    return digest.hexdigest()[:16]


CODE_DIGEST = _code_digest()


def derive(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A month's products from its canonical person rows (store.canonical)."""
    named = rows[["full_name", "self_score", "final_score", "self_rating", "final_rating", "note"]].dropna(subset=["full_name"])
    scores = pd.concat([named[["full_name", column]].rename(columns={column: "score"}) for column in ("self_score", "final_score")])
    texts = pd.concat(
        [named[["full_name", column]].rename(columns={column: "value"}).assign(field=field_name)
         for column, field_name in (("self_rating", "rating"), ("final_rating", "rating"), ("note", "note"))]
    )[["full_name", "field", "value"]]
    notes = rows[["note", "person_id"]]
    return {
        "counts": aggregate.from_people(rows) if len(rows) else _empty_counts(),
        "honour": rows.loc[rows["final_rating"].eq("XS").fillna(False), HONOUR_CANDIDATE_COLUMNS].reset_index(drop=True),
        # Who appears: ids, and names with the ids of their bearers (withheld or not is decided at build time).
        "persons": _distinct(rows[["person_id", "full_name"]]),
        # Notes with their carriers: a note carried by few people is private.
        "notes": _distinct(notes[notes["note"].fillna("").ne("")]),
        # What sits beside a name: wanted only for names the site publishes, known once the view is made.
        "scores": _distinct(scores.dropna(subset=["score"])),
        "texts": _distinct(texts.dropna(subset=["value"])),
    }


def _distinct(frame: pd.DataFrame) -> pd.DataFrame:
    """In the order of first appearance (canonical rows, so the same rows give the same file): the
    leak check numbers the texts beside names in the order it meets them, as over every month's rows."""
    return frame.drop_duplicates().reset_index(drop=True)


def _empty_counts() -> pd.DataFrame:
    return aggregate.unit_months(pd.DataFrame(), pd.DataFrame())


TABLES = ("counts", "honour", "persons", "notes", "scores", "texts")


@dataclass
class MonthCache:
    """One month's products: in memory while this run made them, else read from the cache folder."""

    month: str
    folder: Path
    tables: dict[str, pd.DataFrame] | None = field(default=None, repr=False)  # kept only if the folder could not be written
    remake: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)  # the month's person rows, from the store

    def table(self, name: str, filter_names: pa.Array | None = None) -> pd.DataFrame:
        """One product; with `filter_names`, only its rows whose full_name is among them."""
        if self.tables is not None:
            frame = self.tables[name]
            return frame if filter_names is None else frame[frame["full_name"].isin(filter_names.to_pylist())]
        try:
            table = pq.read_table(self.folder / f"{name}.parquet")
        except (OSError, pa.ArrowException):
            if self.remake is None:
                raise
            self.tables = make(self.folder, self.remake())  # damaged since it was checked: made again
            self.remake = None  # once: a second failure is an error
            return self.table(name, filter_names)
        if filter_names is not None:
            table = table.filter(pc.is_in(table["full_name"], value_set=filter_names))
        return parquet.to_frame(table)


def folder_of(store_root: Path, file_sha256: str) -> Path:
    return store_root / FOLDER / f"{file_sha256}-{CODE_DIGEST}"


def load(store_root: Path, month: str, file_sha256: str, read_rows: Callable[[], pd.DataFrame]) -> MonthCache:
    """A stored month's products: the cache if it is sound, else made from the store's file (and cached)."""
    folder = folder_of(store_root, file_sha256)
    if not _sound(folder):
        return MonthCache(month, folder, make(folder, read_rows()), read_rows)
    return MonthCache(month, folder, None, read_rows)


def from_rows(store_root: Path, month: str, file_sha256: str, rows: pd.DataFrame) -> MonthCache:
    """The products of a month read this run, made from its validated rows (not read back from Parquet).

    `store_root` is the store's folder for a month it holds already, else a
    folder of this run's (`Store.pending`): until the month is committed, a
    refused or previewed build leaves nothing in the store.
    """
    folder = folder_of(store_root, file_sha256)
    return MonthCache(month, folder, None if _sound(folder) else make(folder, rows))


def keep(cache: MonthCache, store_root: Path, file_sha256: str) -> None:
    """Move a committed month's products from this run's folder into the store's cache."""
    target = folder_of(store_root, file_sha256)
    if cache.tables is None and cache.folder != target and not _sound(target):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _ignored_by_git(target.parent)
            shutil.rmtree(target, ignore_errors=True)
            shutil.move(cache.folder, target)
        except OSError:
            return  # made again from the store's file next time
    cache.folder = target


def make(folder: Path, rows: pd.DataFrame) -> dict[str, pd.DataFrame] | None:
    """Derive and cache a month's products; returns them when they could not be written (else None)."""
    tables = derive(rows)
    contents = {name: parquet.to_bytes(tables[name]) for name in TABLES}
    index = {name: {"file": f"{name}.parquet", "sha256": hashlib.sha256(content).hexdigest()} for name, content in contents.items()}
    temporary = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    try:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir(parents=True)
        for name, content in contents.items():
            (temporary / f"{name}.parquet").write_bytes(content)
        (temporary / INDEX).write_text(json.dumps(index, indent=1, sort_keys=True) + "\n", "utf-8")
        os.replace(temporary, folder)
        _ignored_by_git(folder.parent)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        return tables  # a read-only data folder: the products stay in memory
    return None


def _ignored_by_git(root: Path) -> None:
    """A data folder kept in git keeps the store, not this cache."""
    ignore = root / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# congkhai's private cache of what each stored month gives; made again when missing\n*\n", "utf-8")


def _sound(folder: Path) -> bool:
    """True if every table of the cache is there with the checksum its index gives."""
    try:
        index = json.loads((folder / INDEX).read_text("utf-8"))
        return set(index) == set(TABLES) and all(
            hashlib.sha256((folder / index[name]["file"]).read_bytes()).hexdigest() == index[name]["sha256"] for name in TABLES
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def sweep(store_root: Path, keep: set[str]) -> None:
    """Remove caches of files no longer current (corrected months) and of other code."""
    root = store_root / FOLDER
    if not root.is_dir():
        return
    wanted = {f"{checksum}-{CODE_DIGEST}" for checksum in keep}
    for path in root.iterdir():
        if path.name not in wanted and not path.name.startswith("."):
            shutil.rmtree(path, ignore_errors=True)


# --- every month, for the site -----------------------------------------------------


_FOLD_ROWS = 1_000_000


@dataclass(frozen=True)
class PrivateMaterial:
    """What the leak check looks for, gathered month by month from the months' products."""

    months: tuple[MonthCache, ...]

    def _distinct(self, name: str, columns: list[str], names: pa.Array | None = None) -> pd.DataFrame:
        """The distinct rows of a product over every month, one month read at a time."""
        parts: list[pd.DataFrame] = []
        for month in self.months:
            parts.append(month.table(name, names)[columns])
            # Months repeat mostly the same rows: folding them together now and then keeps
            # what is held near the distinct rows, without a dedup per month.
            if sum(len(p) for p in parts) > _FOLD_ROWS:
                parts = [pd.concat(parts, ignore_index=True).drop_duplicates()]
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
        return pd.concat(parts, ignore_index=True).drop_duplicates().reset_index(drop=True)

    def persons(self) -> pd.DataFrame:
        """Distinct (person_id, full_name) of every month."""
        return self._distinct("persons", ["person_id", "full_name"])

    def notes(self) -> pd.DataFrame:
        """Distinct (note, person_id) of every month, notes not empty."""
        return self._distinct("notes", ["note", "person_id"])

    def scores(self, names: set[str]) -> pd.DataFrame:
        """Distinct (full_name, score) of the given names, self and final scores alike."""
        return self._distinct("scores", ["full_name", "score"], pa.array(sorted(names), pa.string()))

    def texts(self, names: set[str]) -> pd.DataFrame:
        """Distinct (full_name, field, value) of the given names: field "rating" (a rating code) or "note"."""
        return self._distinct("texts", ["full_name", "field", "value"], pa.array(sorted(names), pa.string()))


def honour_candidates(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The honour candidates of every month, oldest first."""
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in HONOUR_CANDIDATE_COLUMNS})
    return pd.concat(parts, ignore_index=True)
