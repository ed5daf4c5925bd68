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
* every other file, for the added needles only: the forms of private values
  not searched for last time (a new person's id and name, a newly private
  note), and, for each published name, the scores and texts
  newly attached to it (a newly published name: all of them); with the
  public patterns that cover a match (all of them when attached values are
  searched, since published names and public texts bound the record after a
  name; otherwise those that contain an added private form, the only ones
  that can cover its match). Nothing added: those files are not read.
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
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick_rs
import numpy as np

from generator.core.files import atomic_write
from generator.view.public import SiteView

from .leak_needles import COVER, Attached, Needles, value_identity
from .leak_scan import (
    Finding,
    Report,
    file_findings,
    findings_of_hits,
    raise_findings,
    scan_bytes,
    site_files,
    unzipped,
)

RECORD_FILE = "leakcheck.json"


KEY_FILE = "leakcheck.key"


_RECORD_VERSION = 1


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
    # This build's digests by what they digest (not saved): which needles are added.
    private_of: dict[str, bytes] = field(default_factory=dict)
    attached_of: dict[tuple[str, str], bytes] = field(default_factory=dict)

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
        return cls(
            key=key, checker=checker, policy=of_set([policy]), withheld=of_set(withheld), cover=of_set(cover),
            private=frozenset(private_of.values()),
            published=frozenset(digest(name) for name in needles.published_owner),
            attached=frozenset(attached_of.values()),
            private_of=private_of, attached_of=attached_of,
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

        record = {
            "version": _RECORD_VERSION, "checker": self.checker, "policy": self.policy,
            "withheld": self.withheld, "cover": self.cover,
            "private": packed(self.private), "published": packed(self.published), "attached": packed(self.attached),
            "files": {path: [state.size, state.sha256, state.device, state.inode, state.mtime_ns]
                      for path, state in sorted(self.files.items())},
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

        def unpacked(text: str) -> frozenset[bytes]:
            packed = base64.b64decode(text)
            return frozenset(packed[i:i + _DIGEST_BYTES] for i in range(0, len(packed), _DIGEST_BYTES))

        return key, Record(
            key=key, checker=raw["checker"], policy=raw["policy"], withheld=raw["withheld"], cover=raw["cover"],
            private=unpacked(raw["private"]), published=unpacked(raw["published"]), attached=unpacked(raw["attached"]),
            files={path: FileState(*state) for path, state in raw["files"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError):
        return os.urandom(64), None


def added_needles(needles: Needles, current: Record, previous: Record) -> Needles | None:
    """The needles that can give a finding in a file the last check found clean; None if there are none.

    Its private patterns are the forms of the private values the last check
    did not search for. Its published names carry only the scores and texts
    newly attached to them (a newly published name: all of them). The public
    patterns that cover a match come along: all of them where attached values
    are searched (they bound the record after a name), otherwise those that
    contain an added private form (only they can cover its match).
    """
    added_private = {form for identity, forms in needles.private_forms.items()
                     if current.private_of[identity] not in previous.private for form in forms}
    owner_of = needles.published_owner
    attached: dict[int, Attached] = {}
    text_ids = set()
    for name, items in needles.attached_items.items():
        new = {item for item in items if current.attached_of[(name, item)] not in previous.attached}
        if not new:
            continue
        scores = frozenset(item.partition("\x00")[2] for item in new if item.startswith("score\x00"))
        texts = frozenset(needles.attached_ids[item.partition("\x00")[2]] for item in new if item.startswith("text\x00"))
        attached[owner_of[name]] = Attached(scores, texts)
        text_ids |= texts
    if not added_private and not attached:
        return None
    index = {pattern: n for n, pattern in enumerate(needles.patterns)}
    private = [index[form] for form in added_private if form in index and needles.roles[index[form]] < COVER]
    if not private and not attached:
        return None
    public = np.flatnonzero(needles.roles >= COVER)
    if not attached:
        inner = ahocorasick_rs.BytesAhoCorasick([needles.patterns[i] for i in private])
        public = [i for i in public.tolist() if inner.find_matches_as_indexes(needles.patterns[i], overlapping=True)]
    chosen = np.array(sorted(private) + sorted(public), np.int64)
    attached_chosen = [n for n, text in enumerate(needles.attached_texts.tolist()) if text in text_ids]
    return Needles(
        automaton=ahocorasick_rs.BytesAhoCorasick([needles.patterns[i] for i in chosen.tolist()]),
        roles=needles.roles[chosen], owners=needles.owners[chosen], open_ended=needles.open_ended[chosen],
        values=needles.values, attached=attached,
        attached_automaton=ahocorasick_rs.BytesAhoCorasick([needles.attached_patterns[n] for n in attached_chosen])
        if attached_chosen else None,
        attached_texts=needles.attached_texts[np.array(attached_chosen, np.int64)],
    )


def check_changed(root: Path, needles: Needles, current: Record, previous: Record | None) -> tuple[Report, Record]:
    """`check_output`, searching a file the last published site held byte for byte only for what is new.

    Returns the report and the record of this site (its files filled in), for `Record.save` after the swap.
    """
    started = time.perf_counter()
    reason = current.full_scan_reason(previous)
    known = previous.files if previous is not None and not reason else {}
    added = added_needles(needles, current, previous) if previous is not None and not reason else None
    findings: list[Finding] = []
    total = scanned = rescanned = 0
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
        if before is not None and (before.size, before.sha256) == (stat.st_size, sha256):
            if added is not None:  # clean under the last needles: only an added one can be found in it
                rescanned += 1
                data = path.read_bytes() if data is None else data
                findings += findings_of_hits(relative, scan_bytes(unzipped(data), added), added)
            continue
        scanned += 1
        findings += file_findings(relative, data, needles)
    raise_findings(findings, relative_paths, needles)
    return Report(len(relative_paths), total, time.perf_counter() - started, scanned, rescanned, reason), current
