"""What a build is made from, and whether anything of it changed since the last one.

The build's fingerprint digests what every page reads: the project's code, the
theme (templates, translations, static files), the settings and the versions of
the libraries that render. `Unchanged` records, beside the published folder, the
fingerprint, the files of the data and content folders (sizes and times) and the
published files as the last build left them (`inputs.json`), so that a build
with nothing new stops early. The plugin's carrier (carry.py) takes the same
fingerprint: when it changes, nothing is carried over.
"""
from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path
import generator
from generator.pages.fingerprint import Digests, files_digest
from generator.round.site_folder import build_folder


INPUTS = "inputs.json"
_FORMAT = 1


# What the settings hold that is not an input of any page: where this build writes, the view (digested
# page by page) and the carrier itself.
_NOT_INPUTS = ("OUTPUT_PATH", "CONGKHAI_SITE", "CONGKHAI_CARRIER", "CONGKHAI_PUBLISHED_OUTPUT", "CONGKHAI_FULL")


# The libraries that turn the view into bytes (the view itself is digested page by page).
_RENDERING_LIBRARIES = ("pelican", "jinja2", "markupsafe", "babel", "feedgenerator")


def build_fingerprint(settings: dict) -> str:
    """The digest of what every page reads: code, theme, settings, library versions."""
    project = Path(generator.__file__).resolve().parent.parent
    code = [p for folder in ("generator", "plugins") for p in (project / folder).rglob("*.py")]
    theme = Path(settings.get("THEME") or project / "theme").resolve()
    theme_files = [p for p in theme.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    versions = {}
    for name in _RENDERING_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    chosen = {name: value for name, value in sorted(settings.items()) if name not in _NOT_INPUTS}
    return Digests(loose=True).of(files_digest(project, code), files_digest(theme, theme_files), versions, chosen)


class Unchanged:
    """Whether anything a build reads or writes changed since the last build into `output`.

    Made before the build reads its data; `nothing_new()` says whether the last build's record
    matches; `save()`, once the new site is in place and the store has its months, records
    this build for the next, unless the data folder changed meanwhile (a file dropped in while
    the build ran belongs to the next one). Sizes and modification times, as for carried files:
    reading every export again to learn that nothing changed would cost what it saves."""

    def __init__(self, settings: dict, data: Path, output: Path):
        self.settings = settings
        self.data = data.resolve()
        self.output = output.resolve()
        self.fingerprint = build_fingerprint(settings)
        self.before = self._inputs()

    def _inputs(self) -> dict[str, list[int]]:
        content = Path(self.settings["PATH"]).resolve()
        return {f"{name}/{path}": stat for name, root in (("data", self.data), ("content", content))
                for path, stat in _stats(root).items()}

    def _digest(self, inputs: dict) -> str:
        return Digests().of(self.fingerprint, str(self.output), inputs)

    def nothing_new(self) -> bool:
        try:
            record = json.loads((build_folder(self.output) / INPUTS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return (isinstance(record, dict) and record.get("format") == _FORMAT
                and record.get("inputs") == self._digest(self.before)
                and record.get("output") == _stats(self.output))

    def save(self) -> None:
        after = self._inputs()
        store = "data/store/"
        if {k: v for k, v in after.items() if not k.startswith(store)} != {
                k: v for k, v in self.before.items() if not k.startswith(store)}:
            return
        record = {"format": _FORMAT, "inputs": self._digest(after), "output": _stats(self.output)}
        folder = build_folder(self.output)
        written = folder / f"{INPUTS}.new-{os.getpid()}"
        try:
            folder.mkdir(exist_ok=True)
            written.write_text(json.dumps(record, sort_keys=True, separators=(",", ":")), encoding="utf-8")
            os.replace(written, folder / INPUTS)
        except OSError:  # the site is published; the next build reads its data again, that is all
            written.unlink(missing_ok=True)

    @staticmethod
    def forget(output: Path) -> None:
        """The site in `output` is about to change outside a build (e.g. PDFs added): the next build runs."""
        try:
            (build_folder(output.resolve()) / INPUTS).unlink()
        except OSError:
            pass


def _stats(root: Path) -> dict[str, list[int]]:
    """Each file under `root` (relative path, as text): its size and modification time."""
    stats = {}
    if not root.is_dir():
        return stats
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            try:
                stat = path.stat()
            except OSError:
                continue
            stats[path.relative_to(root).as_posix()] = [stat.st_size, stat.st_mtime_ns]
    return dict(sorted(stats.items()))
