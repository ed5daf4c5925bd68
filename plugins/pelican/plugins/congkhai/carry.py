"""Carrying over from the previous build the files whose inputs did not change.

The pages are written in groups (a page in both languages, a page's charts, a
unit's page and feeds); each group has a name and a key, the digest of what
it is made from. A group whose key is the one recorded by the previous build,
and whose files in the published folder are as that build left them (size and
modification time), is hard-linked from there into the new site instead of
being rendered again; the output is the same bytes, as the test of
incremental builds checks against full ones.

Everything every page reads (the project's code, the theme with its
templates, translations and static files, the settings, the versions of the
libraries that render) makes the build's fingerprint
(generator/round/unchanged.py): when it changes, nothing is carried.

The record (`render.json`) lives outside the published folder, in
`<output's parent>/.<output's name>.build/`; it is written pending and made
current only after the new site has been swapped in, so that it always
describes the site in place. It holds names, digests, paths and file sizes and times, nothing of the data.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.round.site_folder import build_folder, pending_record

RECORD = "render.json"
_FORMAT = 1


class Carrier:
    """The groups of the previous build that may be carried, and the groups of this one.

    `output`: the published folder (the previous site); `staging`: where this build writes.
    With `full`, nothing is carried (the record is still written, for the next build)."""

    def __init__(self, output: Path, staging: Path, fingerprint: str, full: bool = False):
        self.output = output
        self.staging = staging
        self.fingerprint = fingerprint
        self.previous: dict[str, dict] = {} if full else self._previous_groups()
        self.groups: dict[str, dict] = {}
        self.carried_files = 0
        self._open: dict | None = None

    def _previous_groups(self) -> dict[str, dict]:
        try:
            record = json.loads((build_folder(self.output) / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if (not isinstance(record, dict) or record.get("format") != _FORMAT
                or record.get("fingerprint") != self.fingerprint or record.get("output") != str(self.output)):
            return {}
        return record.get("groups") or {}

    @contextmanager
    def group(self, name: str, key: str) -> Iterator[list[str] | None]:
        """Yields None where the group's files were carried over (the caller writes nothing), else a
        list to which the caller adds the addresses of the pages it writes (for the sitemap); every
        file written meanwhile through `wrote` is recorded as the group's."""
        carried = self._carry(name, key)
        if carried is not None:
            yield None
            return
        if self._open is not None:
            raise RuntimeError(f"group {name} opened inside group {self._open['name']}")
        self._open = {"name": name, "key": key, "files": [], "pages": []}
        try:
            yield self._open["pages"]
            opened = self._open
            self.groups[name] = {"key": key, "files": opened["files"], "pages": opened["pages"]}
        finally:
            self._open = None

    def wrote(self, path: str) -> None:
        """A file (relative to the site's root) was written: part of the group being written, if any."""
        if self._open is not None:
            self._open["files"].append(path)

    def carried_pages(self, name: str) -> list[str]:
        return self.groups[name]["pages"]

    def _carry(self, name: str, key: str) -> dict | None:
        old = self.previous.get(name)
        if old is None or old.get("key") != key:
            return None
        files = old.get("stats") or {}
        for path, (size, mtime_ns) in files.items():
            try:
                stat = os.stat(self.output / path)
            except OSError:
                return None
            if stat.st_size != size or stat.st_mtime_ns != mtime_ns:
                return None  # changed by hand since: render it again
        for path in files:
            _link(self.output / path, self.staging / path)
        self.carried_files += len(files)
        self.groups[name] = {"key": key, "files": list(files), "pages": list(old.get("pages", ()))}
        return self.groups[name]

    def save(self) -> None:
        """Record this build's groups, with the size and time of each file (a swap keeps both), as a
        pending record that the build makes current once the new site is in place."""
        groups = {}
        for name, group in self.groups.items():
            stats = {}
            for path in group["files"]:
                stat = os.stat(self.staging / path)
                stats[path] = [stat.st_size, stat.st_mtime_ns]
            groups[name] = {"key": group["key"], "stats": stats, "pages": group["pages"]}
        record = {"format": _FORMAT, "fingerprint": self.fingerprint, "output": str(self.output), "groups": groups}
        pending = pending_record(self.output, RECORD)
        pending.parent.mkdir(exist_ok=True)
        pending.write_text(json.dumps(record, sort_keys=True, separators=(",", ":")), encoding="utf-8")

    def mark(self) -> tuple[int, int]:
        """Where this build stands, for `since`."""
        return len(self.groups), self.carried_files

    def since(self, mark: tuple[int, int]) -> dict:
        """What was carried over and written since `mark`, to hand to another process (JSON)."""
        groups, carried = mark
        return {"groups": dict(list(self.groups.items())[groups:]), "carried_files": self.carried_files - carried}

    def add(self, done: dict) -> None:
        """What another process (parallel.py's forked writer) carried over and wrote, from its `since`."""
        if done["groups"].keys() & self.groups.keys():
            return  # the same process (no fork): already here
        self.groups.update(done["groups"])
        self.carried_files += done["carried_files"]


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)


