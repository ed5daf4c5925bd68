"""The leak check: prove that no private value of the inputs is in a site before it is published.

The public view (public.py) is shaped so that private values cannot reach a
template. This check looks at the result instead of the code: every file of
the new site (pages, downloads, feeds, the search index, scripts, and the
file names themselves) is searched for every private value of the inputs, so
that a template, a download, a feed, a search index or a chart added later
cannot publish what the view keeps out. It runs after Pelican has written the
new site into its staging folder and before the swap; a finding fails the
build and the published site stays as it was.

What counts as private (contract section 10), and how it is looked for:

* person ids: every id that could not be a published figure by chance. An id
  of fewer than 4 characters, or of digits alone (without a leading zero and
  shorter than 12 digits), or of digits and separators with fewer than 10
  digits ("2024-10", "1.234") is indistinguishable from the counts, amounts
  and months the site publishes, and is not searched for alone.
* names of people not published by name: a name is public when it is on the
  honour list of any published month (a namesake's name is the same text, and
  an honour-list person's name is public whatever month a page is about).
  Everyone else's name is private, the names in withheld.csv included; the
  honour list switched off makes every name private. Names need two words.
* notes: a note carried by at most NOTE_MAX_PEOPLE people and at least 12
  characters long is private on its own; a common note ("Nghỉ thai sản")
  identifies nobody until it stands beside a name (below).
* what is attached to a published name: the person's scores, self rating,
  a final rating below XS, and notes, within the same line, list item, table
  row or JSON object right after the name (at most WINDOW_BYTES bytes, up to
  the next published name). A score alone is just a number, and a published
  name inside a unit's name ("Trường THCS Chu Văn An") is not the person.
* source maps: any `.map` file or sourceMappingURL comment.

Values are matched as whole words (a private "Văn An" inside the public
"Nguyễn Văn An" is not a finding: a match inside a public text, a published
name, a unit's name or code, a position, a block, a level, is ignored), in
every form a template, a JSON writer, an XML feed, a CSV writer or a search
index could give them: as written, HTML/XML-escaped, JSON-escaped (also as
\\uXXXX), CSV-quoted, URL-encoded, in capitals, and folded (the search index
keeps a folded copy of names so that "dang" finds "Đặng").

All patterns go into one Aho-Corasick automaton (ahocorasick_rs) searched over
the raw bytes of each file once, so the time grows with the size of the
site, not with the number of people.

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
import gzip
import hashlib
import html
import io
import json
import os
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import ahocorasick_rs
import markupsafe
import numpy as np
import pandas as pd

from generator.store.products import PrivateMaterial
from generator.core.formatting import format_number
from generator.view.public import SiteView
from generator.core.ratings import RatingScale
from generator.core.text import fold

NOTE_MAX_PEOPLE = 3
NOTE_MIN_CHARS = 12
NOTE_PREFIX_CHARS = 48  # a long note is found by its start, so a shortened copy is found too
ATTACHED_NOTE_MIN_CHARS = 4
WINDOW_BYTES = 160
MAX_UNZIPPED_BYTES = 1 << 30

# Roles of a pattern. Private roles are findings; public ones cover matches inside them.
ID, NAME, WITHHELD, NOTE = range(4)
COVER, PUBLISHED = 10, 11
ATTACHED, SOURCE_MAP = 20, 21

KINDS = {
    ID: "mã cán bộ",
    NAME: "họ tên người không có trong danh sách xuất sắc đã công bố",
    WITHHELD: "họ tên người xin không công bố (withheld.csv)",
    NOTE: "ghi chú",
    ATTACHED: "điểm, tự xếp loại, xếp loại dưới mức xuất sắc hoặc ghi chú ngay cạnh họ tên",
    SOURCE_MAP: "source map (bản đồ mã nguồn)",
}
FILE_NAMES = "(tên tệp và thư mục)"

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
class Attached:
    """What must not stand beside one published name."""

    scores: frozenset[str]  # as score_text() writes them
    texts: frozenset[int]  # indexes into Needles.attached_texts: rating labels and notes


@dataclass
class Needles:
    """Every private value of one build, ready to be searched for."""

    automaton: ahocorasick_rs.BytesAhoCorasick | None
    roles: np.ndarray  # per pattern
    owners: np.ndarray  # per pattern: index into `values`
    open_ended: np.ndarray  # per pattern: the start of a longer value (no word boundary after it)
    values: list[str]
    attached: dict[int, Attached]  # owner of a published name -> what must not follow it
    attached_automaton: ahocorasick_rs.BytesAhoCorasick | None
    attached_texts: np.ndarray  # per pattern of attached_automaton: the text it is a form of
    checked: Counter = field(default_factory=Counter)  # values searched for, per role
    skipped: Counter = field(default_factory=Counter)  # values too short or common to search for alone
    # What the record of an incremental check is made of (see "Checking only what is new").
    patterns: list[bytes] = field(default_factory=list)  # per pattern of `automaton`
    attached_patterns: list[bytes] = field(default_factory=list)  # per pattern of `attached_automaton`
    private_forms: dict[str, set[bytes]] = field(default_factory=dict)
    attached_items: dict[str, set[str]] = field(default_factory=dict)
    attached_ids: dict[str, int] = field(default_factory=dict)
    published_owner: dict[str, int] = field(default_factory=dict)

    def mask(self, owner: int) -> str:
        return mask(self.values[owner])


@dataclass(frozen=True)
class Report:
    files: int
    bytes: int
    seconds: float
    scanned: int | None = None  # files searched for every needle (None: all of them)
    rescanned: int = 0  # unchanged files searched for the added needles only
    full_reason: str = ""  # why every file was searched, where a record could have spared some


class LeakCheck:
    """The check as the build runs it: `check(staging_folder)` before the swap, `save()` after it.

    The needles are made when the check runs, after Pelican has written the
    site, so that a build refused earlier pays nothing for them. With a
    `records` folder, files that the last published site held byte for byte
    are searched only for what is new (see "Checking only what is new"), and
    `save()` writes the record that lets the next build do so.
    """

    def __init__(self, material: PrivateMaterial, withheld: frozenset[str], site: SiteView, records: Path | None = None):
        self.material, self.withheld, self.site, self.records = material, withheld, site, records
        self.report: Report | None = None
        self.needle_seconds = 0.0
        self._record: Record | None = None

    def __call__(self, root: Path) -> Report:
        started = time.perf_counter()
        needles = private_values(self.material, self.withheld, self.site)
        self.needle_seconds = time.perf_counter() - started
        if self.records is None:
            self.report = check_output(root, needles)
            return self.report
        key, previous = load_record(self.records)
        current = Record.of(needles, self.withheld, self.site, key)
        self.report, self._record = check_changed(root, needles, current, previous)
        return self.report

    def save(self) -> None:
        """Keep the record of the site just published (call it after the swap, never before)."""
        if self.records is not None and self._record is not None:
            try:
                self._record.save(self.records)
            except OSError:
                pass  # the next build searches more files than it needs to, with an older record or none

    def summary(self) -> str:
        if self.report is None:
            return ""
        seconds = self.needle_seconds + self.report.seconds
        report = self.report
        searched = ""
        if report.scanned is not None and report.scanned < report.files:
            searched = (f" ({format_number(report.scanned, 'vi')} tệp mới hoặc đã đổi; "
                        f"{format_number(report.rescanned, 'vi')} tệp không đổi được tìm lại dữ liệu mới)")
        return (f"Kiểm tra rò rỉ: {format_number(report.files, 'vi')} tệp{searched}, "
                f"không có dữ liệu riêng tư ({format_number(seconds, places=1)} giây).")


# --- What is private ---------------------------------------------------------


_LETTER = re.compile(r"[^\W\d_]")


def distinctive_id(value: str) -> bool:
    """An id that no count, amount, year or month on the site could equal by chance."""
    if len(value) < 4:
        return False
    if _LETTER.search(value):
        return True
    if value.isdigit():
        return (value.startswith("0") and len(value) >= 5) or len(value) >= 12
    return sum(ch.isdigit() for ch in value) >= 10


def distinctive_name(value: str) -> bool:
    return len(value.split()) >= 2 and sum(ch.isalpha() for ch in value) >= 4


def distinctive_note(value: str) -> bool:
    return len(value) >= NOTE_MIN_CHARS and len(value.split()) >= 2


def score_text(value: float) -> str:
    return f"{value:g}"


def mask(value: str) -> str:
    shown = value[:2] if len(value) >= 8 else value[:1]
    return f"“{shown}…” ({format_number(len(value))} ký tự)"


def published_names(site: SiteView) -> set[str]:
    return {
        entry.name
        for month in site.months if month.honour
        for block in month.honour for unit in block.units for entry in unit.entries
        if entry.name is not None
    }


def public_texts(site: SiteView) -> set[str]:
    """Texts the site publishes that a private value might sit inside."""
    texts = {site.organisation}
    units = [view.unit for view in site.units]
    units += [row.unit for month in site.months for row in month.rows]
    for unit in units:
        texts.update((unit.code, unit.name, unit.block, unit.level))
    for month in site.months:
        texts.update(group.name for group in month.levels)
        for block in month.honour or ():
            texts.update(entry.position for unit in block.units for entry in unit.entries)
    return {t for t in texts if t}


THEME = Path(__file__).resolve().parent.parent.parent / "theme"
_TEMPLATE_STRING = re.compile(r"""_\(\s*(['"])(.*?)(?<!\\)\1""", re.S)
_CATALOG_STRING = re.compile(r'^msg(?:id|str) "(.+)"$', re.M)
_PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def fixed_texts(theme: Path = THEME) -> set[str]:
    """The sentences the site writes itself (template strings and their translations).

    An example in a help text ("“dang thi an” tìm được “Đặng Thị An”") is the
    site's, not a person's, even when someone in the data bears that name.
    """
    strings: list[str] = []
    for path in sorted(theme.rglob("*.html")):
        strings += [m.group(2) for m in _TEMPLATE_STRING.finditer(path.read_text("utf-8"))]
    for path in sorted(theme.rglob("*.po")):
        strings += [m.group(1).replace('\\"', '"') for m in _CATALOG_STRING.finditer(path.read_text("utf-8"))]
    return {piece.strip() for text in strings for piece in _PLACEHOLDER.split(text) if piece.strip()}


def private_values(material: PrivateMaterial, withheld: frozenset[str], site: SiteView,
                   scale: RatingScale | None = None, fixed: set[str] | None = None) -> Needles:
    """The needles for one build: the private values of every month's people, given what `site` publishes."""
    scale = scale or RatingScale()
    published = published_names(site)
    builder = _Builder()

    people = material.persons()
    for value in _distinct(people["person_id"]):
        if distinctive_id(value):
            builder.private(value, ID, _text_forms(value))
        else:
            builder.skipped[ID] += 1

    withheld_names = set(people["full_name"][people["person_id"].isin(withheld)].dropna().tolist())
    for value in _distinct(people["full_name"]):
        if value in published:
            continue
        if distinctive_name(value):
            builder.private(value, WITHHELD if value in withheld_names else NAME, _name_forms(value))
        else:
            builder.skipped[NAME] += 1

    del people
    carriers = material.notes().groupby("note", sort=True)["person_id"].nunique()
    for value, count in zip(carriers.index.tolist(), carriers.tolist()):
        if count <= NOTE_MAX_PEOPLE and distinctive_note(value):
            builder.private(value, NOTE, _text_forms(value[:NOTE_PREFIX_CHARS]), open_ended=len(value) > NOTE_PREFIX_CHARS)
        else:
            builder.skipped[NOTE] += 1

    # A public text matters only where a private value, or a published name,
    # could sit inside it (a school named after a person whose name is also
    # on the honour list: what follows it there is not about the person).
    published_forms = {name: _name_forms(name) for name in sorted(published)}
    inner = builder.automaton([form.encode() for forms in published_forms.values() for form in forms])
    fixed = fixed_texts() if fixed is None else fixed
    for text in sorted((public_texts(site) | fixed) - published):
        forms = _name_forms(text)
        if inner is not None and any(inner.find_matches_as_indexes(f.encode(), overlapping=True) for f in forms):
            builder.public(text, COVER, forms)
    for name, forms in published_forms.items():
        builder.public(name, PUBLISHED, forms)
    _attach(builder, material, published, scale)
    return builder.needles()


def _identity(*parts: object) -> str:
    return "\x00".join(str(part) for part in parts)


def _distinct(values: pd.Series) -> list[str]:
    return sorted(values.dropna().unique().tolist())


def _attach(builder: _Builder, material: PrivateMaterial, published: set[str], scale: RatingScale) -> None:
    """Record, for each published name, the scores, ratings and notes of everyone bearing it."""
    owner_of = builder.published_owner
    scores: dict[int, set[str]] = {}
    texts: dict[int, set[int]] = {}

    def pairs(distinct: pd.DataFrame, column: str, describe) -> zip:
        codes, uniques = pd.factorize(distinct[column])
        described = [describe(value) for value in uniques]  # once per distinct value
        return zip(distinct["full_name"].tolist(), (described[code] for code in codes.tolist()))

    for name, text in pairs(material.scores(published), "score", lambda value: score_text(float(value))):
        scores.setdefault(owner_of[name], set()).add(text)
    # A published person's final rating is XS; any other rating beside the name is private.
    labels = {code: builder.attached_text(scale.label(code)) for code in ("T", "HT", "K")}

    def note_text(note: str) -> int | None:
        return builder.attached_text(note[:NOTE_PREFIX_CHARS]) if len(note) >= ATTACHED_NOTE_MIN_CHARS else None

    beside = material.texts(published)
    for field_name, describe in (("rating", labels.get), ("note", note_text)):
        for name, text in pairs(beside[beside["field"].eq(field_name)], "value", describe):
            if text is not None:
                texts.setdefault(owner_of[name], set()).add(text)
    for owner in scores.keys() | texts.keys():
        builder.attached[owner] = Attached(frozenset(scores.get(owner, ())), frozenset(texts.get(owner, ())))
    text_of = {index: text for text, index in builder.attached_ids.items()}
    for name, owner in builder.published_owner.items():
        attached = builder.attached.get(owner)
        if attached is not None:
            builder.attached_items[name] = ({_identity("score", score) for score in attached.scores}
                                            | {_identity("text", text_of[index]) for index in attached.texts})


_ESCAPED = re.compile(r"[&<>\"'\\\x00-\x1f\x7f]")  # characters some writer escapes


def _text_forms(value: str) -> set[str]:
    """A value as each kind of published file can write it."""
    forms = {value}
    if not value.isascii():
        forms.add(json.dumps(value)[1:-1])  # JSON with \uXXXX
    if _ESCAPED.search(value):
        forms |= {
            html.escape(value, quote=False),  # XML feeds, sitemaps
            html.escape(value),
            str(markupsafe.escape(value)),  # Jinja autoescape
            json.dumps(value, ensure_ascii=False)[1:-1],
            json.dumps(value)[1:-1],
            # Jinja's |tojson: ASCII JSON with <, >, &, ' escaped for HTML
            json.dumps(value)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027"),
            # JSON for a <script type="application/json"> block (charts)
            json.dumps(value, ensure_ascii=False)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
            value.replace('"', '""'),  # CSV
        }
    return {f for f in forms if f}


def _name_forms(value: str) -> set[str]:
    forms = _text_forms(value) | _text_forms(value.upper())
    quoted = quote(value, safe="")  # in links and search addresses
    forms |= {fold(value), quoted, quoted.replace("%20", "+"), quote(value)}
    return {f for f in forms if f}


class _Builder:
    def __init__(self) -> None:
        self.table: dict[bytes, tuple[int, int, bool]] = {}
        self.values: list[str] = []
        self.published_owner: dict[str, int] = {}
        self.attached: dict[int, Attached] = {}
        self.attached_forms: dict[bytes, int] = {}
        self.attached_ids: dict[str, int] = {}
        self.checked: Counter = Counter()
        self.skipped: Counter = Counter()
        self.private_forms: dict[str, set[bytes]] = {}  # identity of a private value -> its forms
        self.attached_items: dict[str, set[str]] = {}  # published name -> identities of what it carries

    def _owner(self, value: str) -> int:
        self.values.append(value)
        return len(self.values) - 1

    def private(self, value: str, role: int, forms: set[str], open_ended: bool = False) -> None:
        owner = self._owner(value)
        self.checked[role] += 1
        encoded = {form.encode() for form in forms}
        self.private_forms[_identity(role, int(open_ended), value)] = encoded
        for key in encoded:
            previous = self.table.setdefault(key, (role, owner, open_ended))
            if open_ended and not previous[2] and previous[0] < COVER:
                # A form shared by several values: the loosest match wins, whichever came first.
                self.table[key] = (previous[0], previous[1], True)

    def public(self, value: str, role: int, forms: set[str]) -> None:
        # The same text, published, is not a leak: public forms replace private ones.
        owner = self._owner(value)
        if role == PUBLISHED:
            self.published_owner[value] = owner
        for form in forms:
            key = form.encode()
            previous = self.table.get(key)
            if previous is None or previous[0] < COVER or role == PUBLISHED:
                self.table[key] = (role, owner, False)

    def attached_text(self, text: str) -> int:
        if text not in self.attached_ids:
            self.attached_ids[text] = len(self.attached_ids)
            for form in _text_forms(text) | {fold(text)}:
                self.attached_forms.setdefault(form.encode(), self.attached_ids[text])
        return self.attached_ids[text]

    def automaton(self, more: list[bytes] = ()) -> ahocorasick_rs.BytesAhoCorasick | None:
        """The private values found so far, and `more`."""
        patterns = [key for key, (role, _, _) in self.table.items() if role < COVER] + list(more)
        return ahocorasick_rs.BytesAhoCorasick(patterns) if patterns else None

    def needles(self) -> Needles:
        keys = list(self.table)
        rows = list(self.table.values())
        forms = list(self.attached_forms)
        return Needles(
            automaton=ahocorasick_rs.BytesAhoCorasick(keys) if keys else None,
            roles=np.array([r[0] for r in rows], np.int16),
            owners=np.array([r[1] for r in rows], np.int64),
            open_ended=np.array([r[2] for r in rows], bool),
            values=self.values,
            attached=self.attached,
            attached_automaton=ahocorasick_rs.BytesAhoCorasick(forms) if forms else None,
            attached_texts=np.array([self.attached_forms[f] for f in forms], np.int64),
            checked=self.checked,
            skipped=self.skipped,
            patterns=keys,
            attached_patterns=forms,
            private_forms=self.private_forms,
            attached_items=self.attached_items,
            attached_ids=self.attached_ids,
            published_owner=self.published_owner,
        )


# --- Checking only what is new -------------------------------------------------

RECORD_FILE = "leakcheck.json"
KEY_FILE = "leakcheck.key"
_RECORD_VERSION = 1
_DIGEST_BYTES = 16
# The code whose change changes what a needle finds: its record is then no proof of anything.
_CHECKER_SOURCES = (Path(__file__), Path(__file__).parent.parent / "core" / "text.py")


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
        attached_of = {(name, item): digest(_identity(name, item))
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
            _write_private(key_path, self.key)

        def packed(digests: frozenset[bytes]) -> str:
            return base64.b64encode(b"".join(sorted(digests))).decode()

        record = {
            "version": _RECORD_VERSION, "checker": self.checker, "policy": self.policy,
            "withheld": self.withheld, "cover": self.cover,
            "private": packed(self.private), "published": packed(self.published), "attached": packed(self.attached),
            "files": {path: [state.size, state.sha256, state.device, state.inode, state.mtime_ns]
                      for path, state in sorted(self.files.items())},
        }
        _write_private(folder / RECORD_FILE, json.dumps(record, separators=(",", ":")).encode())


def _digest(key: bytes, text: str) -> bytes:
    return hashlib.blake2b(text.encode(), key=key, digest_size=_DIGEST_BYTES).digest()


def _write_private(path: Path, content: bytes) -> None:
    """Write whole or not at all, readable by its owner only."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:  # a full disk leaves no half-written file behind
        temporary.unlink(missing_ok=True)
        raise


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
    for relative, path in _site_files(root):
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
                findings += _findings(relative, scan_bytes(_unzipped(data), added), added)
            continue
        scanned += 1
        findings += _file_findings(relative, data, needles)
    _raise_findings(findings, relative_paths, needles)
    return Report(len(relative_paths), total, time.perf_counter() - started, scanned, rescanned, reason), current


# --- Searching a site ---------------------------------------------------------


def check_output(root: Path, needles: Needles) -> Report:
    """Search every file under `root`, and every file name; raise LeakFound on any finding."""
    started = time.perf_counter()
    findings: list[Finding] = []
    total = 0
    relative_paths = []
    for relative, path in _site_files(root):
        relative_paths.append(relative)
        data = path.read_bytes()
        total += len(data)
        findings += _file_findings(relative, data, needles)
    _raise_findings(findings, relative_paths, needles)
    return Report(len(relative_paths), total, time.perf_counter() - started)


def _site_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every file under `root` with its path relative to it, in one order whatever the file system's."""
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            path = Path(directory, name)
            yield path.relative_to(root).as_posix(), path


def _raise_findings(findings: list[Finding], relative_paths: list[str], needles: Needles) -> None:
    """Raise LeakFound with `findings` and what the file names themselves give away, if anything."""
    findings = findings + _findings(FILE_NAMES, scan_bytes("\n".join(relative_paths).encode(), needles), needles)
    if findings:
        raise LeakFound(findings)


def _file_findings(relative: str, data: bytes, needles: Needles) -> list[Finding]:
    findings = []
    if relative.endswith(".map"):
        findings.append(Finding(relative, SOURCE_MAP, f"“{relative.rpartition('/')[2]}”", 1))
    elif _SOURCE_MAP_COMMENT.search(data):
        findings.append(Finding(relative, SOURCE_MAP, "“sourceMappingURL”", 1))
    return findings + _findings(relative, scan_bytes(_unzipped(data), needles), needles)


def _findings(path: str, hits: Counter, needles: Needles) -> list[Finding]:
    return [Finding(path, role, needles.mask(owner), count) for (role, owner), count in sorted(hits.items())]


def _unzipped(data: bytes) -> bytes:
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
    if needles.automaton is None or not data:
        return Counter()
    matches = np.array(needles.automaton.find_matches_as_indexes(data, overlapping=True), np.int64).reshape(-1, 3)
    hits: Counter = Counter()
    if not len(matches):
        return hits
    roles = needles.roles[matches[:, 0]]
    private = matches[roles < COVER]
    names = matches[roles == PUBLISHED]
    if not len(private) and not (len(names) and needles.attached):
        return hits
    cover = _Cover(matches[roles >= COVER])
    if len(names):  # a published name inside a unit's name or a position is not about the person
        inside_public = _Cover(matches[roles == COVER])
        names = names[~inside_public.covers_all(names[:, 1], names[:, 2])]
    for pattern, start, end in private.tolist():
        if _whole_word(data, start, end, bool(needles.open_ended[pattern])) and not cover.covers(start, end):
            hits[(int(needles.roles[pattern]), int(needles.owners[pattern]))] += 1
    if len(names) and needles.attached:
        _attached_hits(data, names, cover, needles, hits)
    return hits


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
