"""Digests of what a page is made from, so that a page whose inputs did not change need not be made again.

`Digests.of(value)` is a short hex digest of a value of the public view (frozen
dataclasses, tuples, lists, dicts, strings and Markup, numbers, Decimals,
dates, None; sets sorted), the same in every process and every run: it never
depends on object identity or on PYTHONHASHSEED. Two values with the same
digest render the same page, so the digest covers every field, the type of
every object and the order of every sequence. Objects shared by many pages (a
month, a unit) are digested once per `Digests` and remembered by identity
while it lives.

`files_digest` is the digest of files on disk (code, theme), by relative path
and content. Nothing here knows of Pelican.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path


class Undigestible(TypeError):
    """A value of a type whose content this module cannot read faithfully."""


_PLAIN = (str, int, float, bool, Decimal, Fraction, date, datetime, bytes)


class Digests:
    """Digests of values, remembering shared containers by identity while this object lives
    (the values must not change meanwhile: the public view is frozen)."""

    def __init__(self, loose: bool = False):
        # `loose`: a value of an unknown type is digested by its type and repr, not refused (settings
        # hold functions and compiled patterns); a repr that names a memory address then changes
        # every run, which makes a page render again: slower, never wrong.
        self._loose = loose
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def of(self, *values: object) -> str:
        """The hex digest of `values`, in order."""
        return _hash(self._encode(values)).hex()

    def _encode(self, values: Iterable[object]) -> bytes:
        """The values one after the other, each self-delimiting: a tag, then a length where the
        size varies. The common leaves are encoded inline: a city's view has millions of them."""
        out: list[bytes] = []
        append = out.append
        for value in values:
            kind = type(value)
            if kind is str:
                text = value.encode("utf-8", "surrogatepass")
                append(b"s%d:" % len(text))
                append(text)
            elif kind is int:
                append(b"i%d;" % value)
            elif value is None:
                append(b"N")
            elif kind is bool:
                append(b"T" if value else b"F")
            elif kind in _PLAIN or isinstance(value, str):  # Markup and other str subclasses: repr names the type
                text = repr(value).encode("utf-8", "surrogatepass")
                append(b"r%d:" % len(text))
                append(text)
            else:
                append(b"H")
                append(self._digest(value))
        return b"".join(out)

    def _digest(self, value: object) -> bytes:
        """The 16-byte digest of a container, remembered by identity."""
        remembered = self._memo.get(id(value))
        if remembered is not None:
            return remembered[1]
        digest = _hash(self._serialise(value))
        self._memo[id(value)] = (value, digest)  # holding `value` keeps its id from being reused
        return digest

    def _serialise(self, value: object) -> bytes:
        kind = type(value)
        name = f"{kind.__module__}.{kind.__qualname__}".encode()
        if dataclasses.is_dataclass(value):
            fields = self._fields.get(kind)
            if fields is None:
                fields = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
            return b"D%d:%s" % (len(name), name) + self._encode(map(value.__getattribute__, fields))
        if isinstance(value, (tuple, list)):
            return b"T%d:%s%d:" % (len(name), name, len(value)) + self._encode(value)
        if isinstance(value, Mapping):
            return b"M%d:%s%d:" % (len(name), name, len(value)) + self._encode(
                item for pair in value.items() for item in pair)
        if isinstance(value, (set, frozenset)):  # iteration order follows the hash seed: sort the encodings
            return b"S%d:%s%d:" % (len(name), name, len(value)) + b"".join(sorted(self._encode((item,)) for item in value))
        if self._loose:
            if callable(value) and hasattr(value, "__qualname__"):
                text = f"{getattr(value, '__module__', '')}.{value.__qualname__}".encode()
                return b"F%d:%s" % (len(text), text)
            text = repr(value).encode("utf-8", "replace")
            return b"R%d:%s%d:%s" % (len(name), name, len(text), text)
        raise Undigestible(f"cannot digest a {kind.__qualname__}")


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def files_digest(root: Path, paths: Iterable[Path]) -> str:
    """The digest of the files at `paths` (under `root`): their paths relative to it and their bytes."""
    total = hashlib.blake2b(digest_size=16)
    for path in sorted(paths, key=lambda p: p.relative_to(root).as_posix()):
        relative = path.relative_to(root).as_posix().encode()
        content = path.read_bytes()
        total.update(b"%d:%s%d:" % (len(relative), relative, len(content)))
        total.update(content)
    return total.hexdigest()
