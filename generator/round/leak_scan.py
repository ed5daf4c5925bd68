"""The leak check's scan: a site's files searched, byte for byte, for the needles.

All patterns go into one Aho-Corasick automaton (ahocorasick_rs) searched over
the raw bytes of each file once, so the time grows with the size of the
site, not with the number of people.


A `.gz` or zip file is searched unzipped too (at most MAX_UNZIPPED_BYTES).
"""
from __future__ import annotations

import gzip
import io
import os
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from generator.core.formatting import format_number

from .leak_needles import (
    ATTACHED,
    COVER,
    FILE_NAMES,
    KINDS,
    PUBLISHED,
    SOURCE_MAP,
    Needles,
)

WINDOW_BYTES = 160


MAX_UNZIPPED_BYTES = 1 << 30


_SOURCE_MAP_COMMENT = re.compile(rb"(?://|/\*)\s*[#@]\s*sourceMappingURL\s*=")


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the site's root, or FILE_NAMES
    kind: int
    masked: str  # enough to find the value in the data, not enough to read it
    count: int

    def render(self) -> str:
        times = f", {format_number(self.count, 'vi')} lần" if self.count > 1 else ""
        return f"{self.path}: {KINDS[self.kind]} {self.masked}{times}"


class LeakFound(Exception):
    """The new site holds a private value; it must not replace the published one."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} private value(s) in the new site")
        self.findings = findings

    def render(self, limit: int = 30) -> str:
        lines = [
            "Kiểm tra rò rỉ: trang mới có dữ liệu riêng tư nên KHÔNG được công bố; "
            "trang đã công bố được giữ nguyên.",
        ]
        lines += [f"  - {finding.render()}" for finding in self.findings[:limit]]
        if len(self.findings) > limit:
            lines.append(f"  ... và {format_number(len(self.findings) - limit, 'vi')} chỗ khác.")
        lines.append(
            "Giá trị được che bớt. Đây thường là lỗi của mẫu trang hoặc chương trình, không phải của dữ "
            "liệu: hãy gửi thông báo này cho người quản trị kỹ thuật."
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class Report:
    files: int
    bytes: int
    seconds: float
    scanned: int | None = None  # files searched for every needle (None: all of them)
    rescanned: int = 0  # unchanged files searched for the added needles only
    beside_names: int = 0  # of those, files searched for values newly attached to a name in them
    full_reason: str = ""  # why every file was searched, where a record could have spared some


def check_output(root: Path, needles: Needles) -> Report:
    """Search every file under `root`, and every file name; raise LeakFound on any finding."""
    started = time.perf_counter()
    findings: list[Finding] = []
    total = 0
    relative_paths = []
    for relative, path in site_files(root):
        relative_paths.append(relative)
        data = path.read_bytes()
        total += len(data)
        findings += file_findings(relative, data, needles)
    raise_findings(findings, relative_paths, needles)
    return Report(len(relative_paths), total, time.perf_counter() - started)


def site_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every file under `root` with its path relative to it, in one order whatever the file system's."""
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory, name)
            yield path.relative_to(root).as_posix(), path


def raise_findings(findings: list[Finding], relative_paths: list[str], needles: Needles) -> None:
    """Raise LeakFound with `findings` and what the file names themselves give away, if anything."""
    findings = findings + findings_of_hits(FILE_NAMES, scan_bytes("\n".join(relative_paths).encode(), needles), needles)
    if findings:
        raise LeakFound(findings)


def file_findings(relative: str, data: bytes, needles: Needles) -> list[Finding]:
    return file_scan(relative, data, needles)[0]


def file_scan(relative: str, data: bytes, needles: Needles) -> tuple[list[Finding], np.ndarray]:
    """A file's findings, and the owners of the published names in it (see `scan_names`)."""
    findings = []
    if relative.endswith(".map"):
        findings.append(Finding(relative, SOURCE_MAP, f"“{relative.rpartition('/')[2]}”", 1))
    elif _SOURCE_MAP_COMMENT.search(data):
        findings.append(Finding(relative, SOURCE_MAP, "“sourceMappingURL”", 1))
    hits, names = scan_names(unzipped(data), needles)
    return findings + findings_of_hits(relative, hits, needles), names


def findings_of_hits(path: str, hits: Counter, needles: Needles) -> list[Finding]:
    return [Finding(path, role, needles.mask(owner), count) for (role, owner), count in sorted(hits.items())]


def unzipped(data: bytes) -> bytes:
    """Search indexes (Pagefind) and pre-compressed files are gzip: search what they hold."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return stream.read(MAX_UNZIPPED_BYTES)
    except (OSError, EOFError, zlib.error):
        return data


def scan_bytes(data: bytes, needles: Needles) -> Counter:
    """(role, owner) -> how many times a private value is in `data`."""
    return scan_names(data, needles)[0]


def scan_names(data: bytes, needles: Needles) -> tuple[Counter, np.ndarray]:
    """`scan_bytes`, and the owners of the published names in `data`, one per occurrence: the
    names whose window the attached values rule searches (none inside a unit's name or a
    position), so that the record of where a name occurs follows the very matching of a finding."""
    hits: Counter = Counter()
    none = np.empty(0, np.int64)
    if needles.automaton is None or not data:
        return hits, none
    matches = np.array(needles.automaton.find_matches_as_indexes(data, overlapping=True), np.int64).reshape(-1, 3)
    if not len(matches):
        return hits, none
    roles = needles.roles[matches[:, 0]]
    private = matches[roles < COVER]
    names = matches[roles == PUBLISHED]
    if not len(private) and not len(names):
        return hits, none
    cover = _Cover(matches[roles >= COVER])
    if len(names):  # a published name inside a unit's name or a position is not about the person
        inside_public = _Cover(matches[roles == COVER])
        names = names[~inside_public.covers_all(names[:, 1], names[:, 2])]
    for pattern, start, end in private.tolist():
        if _whole_word(data, start, end, bool(needles.open_ended[pattern])) and not cover.covers(start, end):
            hits[(int(needles.roles[pattern]), int(needles.owners[pattern]))] += 1
    if len(names) and needles.attached:
        _attached_hits(data, names, cover, needles, hits)
    return hits, needles.owners[names[:, 0]]


class _Cover:
    """The spans of public text in one file: is a match inside one of them?"""

    def __init__(self, spans: np.ndarray):
        order = np.argsort(spans[:, 1], kind="stable")
        self.starts = spans[order, 1]
        # the furthest end of any span starting at or before each start
        self.reach = np.maximum.accumulate(spans[order, 2]) if len(spans) else spans[:, 2]

    def covers(self, start: int, end: int) -> bool:
        position = int(np.searchsorted(self.starts, start, side="right")) - 1
        return position >= 0 and int(self.reach[position]) >= end

    def covers_all(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        if not len(self.starts):
            return np.zeros(len(starts), bool)
        positions = np.searchsorted(self.starts, starts, side="right") - 1
        return (positions >= 0) & (self.reach[np.maximum(positions, 0)] >= ends)


def _attached_hits(data: bytes, names: np.ndarray, cover: _Cover, needles: Needles, hits: Counter) -> None:
    """Findings of what stands in the record right after a published name.

    Vectorised, since a file can hold tens of thousands of names: each name's
    window is cut out, the windows are searched together, and only the few
    numbers and texts found in them are looked at one by one.
    """
    size = len(data)
    codes = np.frombuffer(data, np.uint8)
    names = names[np.argsort(names[:, 1], kind="stable")]
    starts, ends, owners = names[:, 1], names[:, 2], needles.owners[names[:, 0]]
    breaks = _record_breaks(codes)
    next_name = np.append(starts, size)[np.searchsorted(starts, ends, side="left")]
    next_break = np.append(breaks, size)[np.searchsorted(breaks, ends, side="left")]
    limits = np.minimum(np.minimum(ends + WINDOW_BYTES, size), np.minimum(next_name, next_break))
    keep = limits > ends
    ends, limits, owners = ends[keep], limits[keep], owners[keep]
    if not len(ends):
        return
    # The windows side by side, each after a line break that keeps them apart.
    lengths = limits - ends + 1
    block_starts = np.cumsum(lengths) - lengths
    sources = np.arange(int(lengths.sum())) - np.repeat(block_starts, lengths) + np.repeat(ends - 1, lengths)
    windows = codes[sources].copy()
    windows[block_starts] = 0x0A
    joined = windows.tobytes()

    def original(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        which = np.searchsorted(block_starts, positions, side="right") - 1
        return which, positions - block_starts[which] - 1 + ends[which]

    found: set[int] = set()  # windows with a finding
    if needles.attached_automaton is not None:
        texts = np.array(needles.attached_automaton.find_matches_as_indexes(joined, overlapping=True), np.int64).reshape(-1, 3)
        which, _ = original(texts[:, 1])
        for pattern, window in zip(texts[:, 0].tolist(), which.tolist()):
            attached = needles.attached.get(int(owners[window]))
            if attached and int(needles.attached_texts[pattern]) in attached.texts:
                found.add(window)
    token_starts, token_ends = _score_tokens(windows)
    which, positions = original(token_starts)
    for window, start, length, token_start in zip(which.tolist(), positions.tolist(), (token_ends - token_starts).tolist(), token_starts.tolist()):
        attached = needles.attached.get(int(owners[window]))
        if not attached or window in found:
            continue
        if _score_value(joined[token_start:token_start + length]) in attached.scores and not cover.covers(start, start + length):
            found.add(window)
    for window in found:
        hits[(ATTACHED, int(owners[window]))] += 1


def _record_breaks(codes: np.ndarray) -> np.ndarray:
    """Where a record ends: a line break, the end of a JSON object, </li>, </tr>, </p>, </dd>, </dt>, </hN>."""
    ahead = np.append(codes, np.zeros(4, np.uint8))

    def byte(offset: int, positions: np.ndarray) -> np.ndarray:
        return ahead[positions + offset]

    def wordish(values: np.ndarray) -> np.ndarray:
        lower = values | 0x20
        return ((lower >= 0x61) & (lower <= 0x7A)) | ((values >= 0x30) & (values <= 0x39))

    closing = np.flatnonzero((codes == 0x3C) & (ahead[1:len(codes) + 1] == 0x2F))
    first, second, third = byte(2, closing) | 0x20, byte(3, closing) | 0x20, byte(4, closing)
    two_letters = (
        ((first == ord("l")) & (second == ord("i")))
        | ((first == ord("t")) & (second == ord("r")))
        | ((first == ord("d")) & ((second == ord("d")) | (second == ord("t"))))
        | ((first == ord("h")) & (byte(3, closing) >= 0x31) & (byte(3, closing) <= 0x36))
    ) & ~wordish(third)
    paragraph = (first == ord("p")) & ~wordish(byte(3, closing))
    tags = closing[two_letters | paragraph]
    return np.sort(np.concatenate([np.flatnonzero((codes == 0x0A) | (codes == 0x7D)), tags]))


def _score_tokens(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spans of numbers written like a score: 92, 92.5, 92,5; not part of a longer number or word.

    "1.170.000", "DV0568" and the 2024 of "2024-10" give none; the 10 of
    "2024-10" does.
    """
    digit = (codes >= 0x30) & (codes <= 0x39)
    edges = np.diff(np.concatenate(([0], digit.view(np.int8), [0])))
    run_starts, run_ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if not len(run_starts):
        return run_starts, run_ends
    ahead = np.append(codes, np.zeros(2, np.uint8))

    def word(positions: np.ndarray) -> np.ndarray:
        values = ahead[positions]
        lower = values | 0x20
        return ((values >= 0x30) & (values <= 0x39)) | ((lower >= 0x61) & (lower <= 0x7A)) | (values == 0x5F) | (values >= 0x80)

    def separator(positions: np.ndarray) -> np.ndarray:
        values = ahead[positions]
        return (values == 0x2E) | (values == 0x2C)

    before = np.maximum(run_starts - 1, 0)
    free_before = (run_starts == 0) | ~(word(before) | separator(before))
    # A run, "." or ",", and another run: a decimal, or a grouped number.
    next_starts = np.append(run_starts[1:], -1)
    next_ends = np.append(run_ends[1:], -1)
    joined = (next_starts == run_ends + 1) & separator(run_ends)
    short_fraction = joined & (next_ends - next_starts <= 2)
    token_ends = np.where(short_fraction, next_ends, run_ends)
    digit_after = (ahead[token_ends + 1] >= 0x30) & (ahead[token_ends + 1] <= 0x39)
    free_after = ~word(token_ends) & ~(separator(token_ends) & digit_after)
    keep = free_before & free_after & (run_ends - run_starts <= 3) & (~joined | short_fraction)
    return run_starts[keep], token_ends[keep]


def _score_value(token: bytes) -> str:
    whole, _, fraction = token.decode().replace(",", ".").partition(".")
    fraction = fraction.rstrip("0")
    return f"{int(whole)}.{fraction}" if fraction else str(int(whole))


def _whole_word(data: bytes, start: int, end: int, open_ended: bool) -> bool:
    if _word_character(_character_before(data, start)):
        return False
    return open_ended or not _word_character(_character_at(data, end))


def _character_before(data: bytes, position: int) -> str:
    if position <= 0:
        return ""
    first = position - 1
    while first > 0 and position - first < 4 and 0x80 <= data[first] < 0xC0:
        first -= 1
    return data[first:position].decode("utf-8", errors="replace")


def _character_at(data: bytes, position: int) -> str:
    last = position + 1
    while last < len(data) and last - position < 4 and 0x80 <= data[last] < 0xC0:
        last += 1
    return data[position:last].decode("utf-8", errors="replace")


def _word_character(text: str) -> bool:
    return bool(text) and text[-1].isalnum()
