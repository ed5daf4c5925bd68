"""The leak check's record: what the last check proved, so that a month's build searches
only what is new.

Checking only what is new
-------------------------

A month's build rewrites a few files and carries the rest over from the
last published site. A file whose bytes the last check found clean need not
be searched again for the needles it was searched for: the same bytes give
the same matches. Only a needle the last check did not have can give a
finding there, so the build keeps a record of what it proved, beside the
site (`.output.build/leakcheck.json`, written after the swap), and searches

* every file that is new, or whose bytes differ from the file the record
  holds at its path (its SHA-256; a file carried over as a hard link, with
  the recorded device, inode, size and modification time, is not even read),
  for every needle;
* every other file, for the added needles only (leak_carried.py): the forms
  of private values not searched for last time (a new person's id and name,
  a newly private note), with the public patterns that contain one (the only
  ones that can cover its match), and the names published since; and, in
  the files that hold a name with scores or texts newly attached to it
  (below, "Where a name occurs"), those values, with all public patterns
  (published names and public texts bound the record after a name).
  Nothing added: those files are not read.
* the file names, for every needle (they are few bytes).

Why that is exactly as safe as searching everything: a finding is a match of
a private pattern that no public pattern covers, or a value attached to a
published name in the record after it. For a file the last check found
clean, a private pattern searched for last time matched there only where a
public pattern covered it; if no public pattern has gone, the cover is still
there. A form shared by several private values is matched as loosely as the
loosest of them (open-ended wins), so an old form can only get looser by
belonging to an added value, which is searched for. Attached values: a
window after a name ends at the next published name or record break, so a
name published since can only shorten it; a public text covering a match
(COVER) hides a published name inside a unit's name, so a changed set of
them could lengthen a window: a changed set forces a full check. A name
removed from the published ones lengthens windows too (and its text becomes
private): full check. So every file is searched for every needle when there
is no record (or it cannot be read, or its key is missing), when the check's
own code, the publication policy (honour list, minimum, quota, coverage) or
withheld.csv changed, when the covering public texts changed, or when a
published name is no longer published.

Where a name occurs
-------------------

A new month attaches a score to about half the published names, and the
names are spread over the pages of every month. The record keeps, for each
file, the published names in it (`names_in`: places in the sorted list of
their digests), found by the very matching of the attached values rule: a
match of one of the name's patterns (every form it is searched in: as
written, escaped, in capitals, folded, URL-encoded), owned by that name (a
form shared by published names belongs to the last of them in sorted order,
for a finding too), not inside a covering public text (COVER). A carried file is searched
for newly attached values only when it holds a name that has some.

Why that is exactly as safe: a finding of an attached value in a carried
file F needs a name N in F whose window holds a value F's last check did not
search for (above), so a value newly attached to N, and a match of N's
pattern there. F's bytes are the same, and so are the covering texts (a
changed set forces a full check). N's patterns are its forms that no other
published name owns; published names are only added (a removed one forces a
full check), so a name published before can lose a form to a newcomer but
never gain one: its matches in F now are among its matches in F last time,
and the record lists it for F. A name published since is not in the record:
its patterns are searched in every carried file, and a match (covered or
not) has F searched for its values. The list kept for this build is exact
for a file searched with all public patterns (new, changed, or searched
beside names), and otherwise the last list (the same names, at this build's
places) with the names published since that were matched there: never
missing a name in the file, which is all the argument needs. The index grows
as the site does, with the files and the names each holds (12-month city:
667,094 file-name pairs, 0.7 MB deflated of a 20 MB record).

A record is a proof about bytes, not about the site it was written with: a
record older than the published site (its saving failed) still proves that
those bytes were clean under those needles, so it stays safe to use.

The record holds no value: private values, published names and what is
attached to them are kept as keyed digests (BLAKE2b, 16 bytes, key in
`leakcheck.key` beside it, readable by its owner only), so that the record
alone cannot be checked against a list of guessed ids; file paths, sizes and
hashes of the published files are public anyway.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from generator.core.files import atomic_write
from generator.view.public import SiteView

from .leak_carried import BESIDE_NAMES, NOT_READ, CarriedPass, NameIndex, pack_places, unpack_places
from .leak_needles import COVER, Needles, value_identity
from .leak_scan import Finding, Report, file_scan, raise_findings, site_files

RECORD_FILE = "leakcheck.json"


KEY_FILE = "leakcheck.key"


_RECORD_VERSION = 2


_DIGEST_BYTES = 16


# The code whose change changes what a needle finds: its record is then no proof of anything.
# The check's own code: a change of any part of it searches every file again.
_CHECKER_SOURCES = (*sorted(Path(__file__).parent.glob("leak*.py")), Path(__file__).parent.parent / "core" / "text.py")


@dataclass(frozen=True)
class FileState:
    """A file of a published site: its content's hash, and the stat that spares reading it again."""

    size: int
    sha256: str
    device: int
    inode: int
    mtime_ns: int

    def same_file(self, stat: os.stat_result) -> bool:
        """The very file that was checked: a hard link carried over from the last build, untouched since."""
        return (stat.st_size, stat.st_dev, stat.st_ino, stat.st_mtime_ns) == (self.size, self.device, self.inode, self.mtime_ns)


@dataclass
class Record:
    """What a check proved, as keyed digests: never a private value, name or id."""

    key: bytes
    checker: str  # digest of the check's own code
    policy: str  # digest of the publication policy
    withheld: str  # digest of withheld.csv's ids
    cover: str  # digest of the public texts that cover a match
    private: frozenset[bytes]  # one digest per private value searched for (with its role)
    published: frozenset[bytes]  # one digest per published name
    attached: frozenset[bytes]  # one digest per (published name, score or text attached to it)
    files: dict[str, FileState] = field(default_factory=dict)
    # Per file, the published names in it (see "Where a name occurs"): their places in `published_order`.
    names_in: dict[str, np.ndarray] = field(default_factory=dict)
    published_order: list[bytes] = field(default_factory=list)  # `published`, sorted
    # This build's digests by what they digest (not saved): which needles are added.
    private_of: dict[str, bytes] = field(default_factory=dict)
    attached_of: dict[tuple[str, str], bytes] = field(default_factory=dict)
    published_of: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, needles: Needles, withheld: frozenset[str], site: SiteView, key: bytes) -> Record:
        def digest(text: str) -> bytes:
            return _digest(key, text)

        def of_set(texts) -> str:
            return hashlib.blake2b(b"\n".join(sorted(digest(t) for t in texts)), key=key).hexdigest()

        cover = {pattern.hex() for pattern, role in zip(needles.patterns, needles.roles.tolist()) if role == COVER}
        policy = repr((site.honour_list, site.min_evaluated, site.quota, site.coverage_floor))
        checker = hashlib.sha256(b"".join(path.read_bytes() for path in _CHECKER_SOURCES)).hexdigest()
        private_of = {identity: digest(identity) for identity in needles.private_forms}
        attached_of = {(name, item): digest(value_identity(name, item))
                       for name, items in needles.attached_items.items() for item in items}
        published_of = {name: digest(name) for name in needles.published_owner}
        return cls(
            key=key, checker=checker, policy=of_set([policy]), withheld=of_set(withheld), cover=of_set(cover),
            private=frozenset(private_of.values()), published=frozenset(published_of.values()),
            attached=frozenset(attached_of.values()), published_order=sorted(published_of.values()),
            private_of=private_of, attached_of=attached_of, published_of=published_of,
        )

    def full_scan_reason(self, previous: Record | None) -> str:
        """Why every file must be searched for every needle, or "" when the added needles are enough."""
        if previous is None:
            return "no record of the last published site"
        if previous.checker != self.checker:
            return "the leak check changed"
        if previous.policy != self.policy:
            return "the publication policy changed"
        if previous.withheld != self.withheld:
            return "withheld.csv changed"
        if previous.cover != self.cover:
            return "the public texts that cover a match changed"
        if previous.published - self.published:
            return "a published name is no longer published"
        return ""

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        key_path = folder / KEY_FILE
        if not key_path.exists() or key_path.read_bytes() != self.key:
            atomic_write(key_path, self.key, mode=0o600)  # readable by its owner only

        def packed(digests: frozenset[bytes]) -> str:
            return base64.b64encode(b"".join(sorted(digests))).decode()

        paths = sorted(self.files)
        record = {
            "version": _RECORD_VERSION, "checker": self.checker, "policy": self.policy,
            "withheld": self.withheld, "cover": self.cover,
            "private": packed(self.private), "published": packed(self.published), "attached": packed(self.attached),
            "files": {path: [self.files[path].size, self.files[path].sha256, self.files[path].device,
                             self.files[path].inode, self.files[path].mtime_ns] for path in paths},
            "names_in": pack_places([self.names_in[path] for path in paths]),
        }
        atomic_write(folder / RECORD_FILE, json.dumps(record, separators=(",", ":")).encode(), mode=0o600)


def _digest(key: bytes, text: str) -> bytes:
    return hashlib.blake2b(text.encode(), key=key, digest_size=_DIGEST_BYTES).digest()




def load_record(folder: Path) -> tuple[bytes, Record | None]:
    """The key of the digests (a new one if there is none) and the last published site's record."""
    try:
        key = (folder / KEY_FILE).read_bytes()
        raw = json.loads((folder / RECORD_FILE).read_bytes())
        if len(key) != 64 or raw.get("version") != _RECORD_VERSION:
            raise ValueError("another kind of record")

        def unpacked(text: str) -> list[bytes]:
            packed = base64.b64decode(text)
            return [packed[i:i + _DIGEST_BYTES] for i in range(0, len(packed), _DIGEST_BYTES)]

        files = {path: FileState(*state) for path, state in raw["files"].items()}
        published = unpacked(raw["published"])  # sorted when saved: the places of the index of names
        names_in = dict(zip(files, unpack_places(raw["names_in"], len(files))))
        if published != sorted(published) or any(len(places) and places[-1] >= len(published) for places in names_in.values()):
            raise ValueError("an index of names that does not fit its names")
        return key, Record(
            key=key, checker=raw["checker"], policy=raw["policy"], withheld=raw["withheld"], cover=raw["cover"],
            private=frozenset(unpacked(raw["private"])), published=frozenset(published),
            attached=frozenset(unpacked(raw["attached"])), files=files, names_in=names_in, published_order=published,
        )
    except (OSError, ValueError, KeyError, TypeError, zlib.error):
        return os.urandom(64), None


def check_changed(root: Path, needles: Needles, current: Record, previous: Record | None) -> tuple[Report, Record]:
    """`check_output`, searching a file the last published site held byte for byte only for what is new.

    Returns the report and the record of this site (its files filled in), for `Record.save` after the swap.
    """
    started = time.perf_counter()
    reason = current.full_scan_reason(previous)
    known = previous.files if previous is not None and not reason else {}
    carried = CarriedPass.of(needles, current, previous) if previous is not None and not reason else None
    index = carried.index if carried is not None else NameIndex(needles, current)
    findings: list[Finding] = []
    total = scanned = rescanned = beside_names = 0
    relative_paths = []
    for relative, path in site_files(root):
        relative_paths.append(relative)
        stat = path.stat()
        total += stat.st_size
        before = known.get(relative)
        data = None
        if before is not None and before.same_file(stat):
            sha256 = before.sha256
        else:
            data = path.read_bytes()
            sha256 = hashlib.sha256(data).hexdigest()
        current.files[relative] = FileState(stat.st_size, sha256, stat.st_dev, stat.st_ino, stat.st_mtime_ns)
        if carried is not None and before is not None and (before.size, before.sha256) == (stat.st_size, sha256):
            # clean under the last needles: only an added one can be found in it
            found, current.names_in[relative], searched = carried.search(relative, path, data, previous.names_in[relative])
            findings += found
            rescanned += searched != NOT_READ
            beside_names += searched == BESIDE_NAMES
            continue
        scanned += 1
        found, owners = file_scan(relative, data, needles)
        findings += found
        current.names_in[relative] = index.names(owners)
    raise_findings(findings, relative_paths, needles)
    return (Report(len(relative_paths), total, time.perf_counter() - started, scanned, rescanned, beside_names, reason),
            current)
