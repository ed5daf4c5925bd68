"""The leak check's pass over carried files: what a file the last check found clean is searched
for, and the index of where each published name occurs that spares reading most of them.

Why this is exactly as safe as searching every file for every needle is told
in leak_record.py ("Checking only what is new" and "Where a name occurs").
"""
from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import ahocorasick_rs
import numpy as np

from .leak_needles import COVER, PUBLISHED, Attached, Needles
from .leak_scan import Finding, findings_of_hits, scan_names, unzipped

if TYPE_CHECKING:
    from .leak_record import Record

# How a carried file was searched.
NOT_READ, READ, BESIDE_NAMES = range(3)


_NONE = np.empty(0, np.int64)


class NameIndex:
    """A build's published names as numbers: their places in the record's sorted list of name digests."""

    def __init__(self, needles: Needles, record: Record):
        place = {digest: n for n, digest in enumerate(record.published_order)}
        self.of_owner = np.full(len(needles.values), -1, np.int64)
        for name, owner in needles.published_owner.items():
            self.of_owner[owner] = place[record.published_of[name]]

    def names(self, owners: np.ndarray) -> np.ndarray:
        """The sorted places of the names whose owners are `owners` (published names' owners only)."""
        return np.unique(self.of_owner[owners]) if len(owners) else _NONE


@dataclass
class CarriedPass:
    """The search of the files carried over byte for byte from the last checked site.

    `everywhere` is searched in every carried file: the forms of private values
    added since the last check (with the public patterns that contain one, the
    only ones that can cover its match), and the names published since (the
    record cannot know where they are). `beside_names` is searched only in the
    carried files that hold a name with a newly attached value: those values
    (a newly published name: all of its own) with every public pattern, since
    published names and public texts bound the record after a name.
    """

    everywhere: Needles | None
    beside_names: Needles | None
    index: NameIndex
    changed: np.ndarray  # per name place: a value attached to it since the last check
    new: np.ndarray  # per name place: published since the last check
    remap: np.ndarray  # the last record's name places -> this build's

    @classmethod
    def of(cls, needles: Needles, current: Record, previous: Record) -> CarriedPass:
        index = NameIndex(needles, current)
        count = len(current.published_order)
        new = np.array([digest not in previous.published for digest in current.published_order], bool)
        place = {digest: n for n, digest in enumerate(current.published_order)}
        remap = np.array([place[digest] for digest in previous.published_order], np.int64)

        added_private = {form for identity, forms in needles.private_forms.items()
                         if current.private_of[identity] not in previous.private for form in forms}
        pattern_of = {pattern: n for n, pattern in enumerate(needles.patterns)}
        private = [pattern_of[form] for form in added_private
                   if form in pattern_of and needles.roles[pattern_of[form]] < COVER]
        attached, text_ids = _newly_attached(needles, current, previous)
        changed = np.zeros(count, bool)
        changed[index.of_owner[np.array(sorted(attached), np.int64)]] = True

        public = np.flatnonzero(needles.roles >= COVER)
        covering: list[int] = []
        if private:
            inner = ahocorasick_rs.BytesAhoCorasick([needles.patterns[i] for i in private])
            covering = [i for i in public.tolist() if inner.find_matches_as_indexes(needles.patterns[i], overlapping=True)]
        new_owner = np.zeros(len(needles.values), bool)
        new_owner[[owner for name, owner in needles.published_owner.items()
                   if current.published_of[name] not in previous.published]] = True
        newly_published = np.flatnonzero((needles.roles == PUBLISHED) & new_owner[needles.owners])
        everywhere = None
        if private or len(newly_published):
            everywhere = _subset(needles, private, sorted(set(covering) | set(newly_published.tolist())), {}, set())
        beside_names = _subset(needles, private, public.tolist(), attached, text_ids) if attached else None
        return cls(everywhere, beside_names, index, changed, new, remap)

    def search(self, relative: str, path: Path, data: bytes | None,
               names_before: np.ndarray) -> tuple[list[Finding], np.ndarray, int]:
        """A carried file's findings, the places of the names in it, and how it was searched.

        `names_before` are the places, in the last record, of the names the last
        check found in the file; `data` its bytes if they were read already.
        """
        names = self.remap[names_before]
        beside = self.beside_names is not None and bool(self.changed[names].any())
        if not beside and self.everywhere is None:
            return [], names, NOT_READ
        text = unzipped(path.read_bytes() if data is None else data)
        if not beside:
            hits, owners = scan_names(text, self.everywhere)
            found = self.index.names(owners)
            found = found[self.new[found]]  # the others are in the record (a cover of an added form can be one)
            if self.beside_names is None or not self.changed[found].any():
                return findings_of_hits(relative, hits, self.everywhere), np.union1d(names, found), READ
        hits, owners = scan_names(text, self.beside_names)  # every public pattern: every name is found
        return findings_of_hits(relative, hits, self.beside_names), self.index.names(owners), BESIDE_NAMES


def _newly_attached(needles: Needles, current: Record, previous: Record) -> tuple[dict[int, Attached], set[int]]:
    """Per owner of a published name, the scores and texts attached to it since the last check."""
    attached: dict[int, Attached] = {}
    text_ids: set[int] = set()
    for name, items in needles.attached_items.items():
        new = {item for item in items if current.attached_of[(name, item)] not in previous.attached}
        if not new:
            continue
        scores = frozenset(item.partition("\x00")[2] for item in new if item.startswith("score\x00"))
        texts = frozenset(needles.attached_ids[item.partition("\x00")[2]] for item in new if item.startswith("text\x00"))
        attached[needles.published_owner[name]] = Attached(scores, texts)
        text_ids |= texts
    return attached, text_ids


def _subset(needles: Needles, private: list[int], public: list[int], attached: dict[int, Attached],
            text_ids: set[int]) -> Needles:
    chosen = np.array(sorted(private) + sorted(public), np.int64)
    attached_chosen = [n for n, text in enumerate(needles.attached_texts.tolist()) if text in text_ids]
    return Needles(
        automaton=ahocorasick_rs.BytesAhoCorasick([needles.patterns[i] for i in chosen.tolist()]) if len(chosen) else None,
        roles=needles.roles[chosen], owners=needles.owners[chosen], open_ended=needles.open_ended[chosen],
        values=needles.values, attached=attached,
        attached_automaton=ahocorasick_rs.BytesAhoCorasick([needles.attached_patterns[n] for n in attached_chosen])
        if attached_chosen else None,
        attached_texts=needles.attached_texts[np.array(attached_chosen, np.int64)],
    )


def pack_places(per_file: list[np.ndarray]) -> str:
    """The name places of each file, in order: their counts, then each file's places as steps
    from the one before, as 32-bit numbers, deflated (steps are small where names are many)."""
    counts = np.array([len(places) for places in per_file], np.int64)
    steps = [np.diff(places, prepend=0) for places in per_file if len(places)]
    numbers = np.concatenate([counts, *steps]).astype("<u4")
    return base64.b64encode(zlib.compress(numbers.tobytes(), 6)).decode()


def unpack_places(text: str, files: int) -> list[np.ndarray]:
    if not files:
        return []
    numbers = np.frombuffer(zlib.decompress(base64.b64decode(text)), "<u4").astype(np.int64)
    counts, steps = numbers[:files], numbers[files:]
    if len(counts) != files or int(counts.sum()) != len(steps):
        raise ValueError("an index of names that does not fit its files")
    ends = np.cumsum(counts)
    running = np.cumsum(steps)
    before = np.concatenate(([0], running))[ends - counts]  # the running sum before each file's first step
    return np.split(running - np.repeat(before, counts), ends[:-1])
