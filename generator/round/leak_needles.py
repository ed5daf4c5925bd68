"""The leak check's needles: every private value of one build, in every form a page could
give it.

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
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import ahocorasick_rs
import markupsafe
import numpy as np
import pandas as pd

from generator.core.formatting import format_number
from generator.core.ratings import RatingScale
from generator.core.text import fold
from generator.store.products import PrivateMaterial
from generator.view.public import SiteView

NOTE_MAX_PEOPLE = 3


NOTE_MIN_CHARS = 12


NOTE_PREFIX_CHARS = 48  # a long note is found by its start, so a shortened copy is found too


ATTACHED_NOTE_MIN_CHARS = 4


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


def value_identity(*parts: object) -> str:
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
            builder.attached_items[name] = ({value_identity("score", score) for score in attached.scores}
                                            | {value_identity("text", text_of[index]) for index in attached.texts})


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
        self.private_forms[value_identity(role, int(open_ended), value)] = encoded
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
