"""`publish --to URL`: the built site copied onto the portal, only what changed, in an order no reader can catch half-done.

The remote keeps its own record, `_cap-nhat/kiem-tra.sha256` (the same manifest the update zip carries, so the
administrator's `sha256sum -c` works either way), written only after every file it lists is up and verified. What
to send is decided from that record, not from this computer's memory: another computer, a lost dist/ folder or an
upload done by hand still give the right update.

Why the order: a reader must only ever meet pages of the old site or of the new one, and never a link to a file
that is not there yet or any more. So new files go up first, each after the new files it links to (nobody links
to them yet, so nobody sees them half-done); then the files that replace old ones, pages after the files they
need and the home page last; then the record; deletions come last, when no page links to them any more. Every
file is written under a temporary name, checked, and renamed over the old one (atomic on SFTP, FTP, the local
disk; S3 replaces an object whole), so a page is never read half-written.

A stop anywhere leaves `_cap-nhat/dang-tai.txt`, written before the first file: the paths whose state on the
remote is uncertain. The next run sends them again and deletes what is left to delete, finishing the job.
"""
from __future__ import annotations

import heapq
import posixpath
import re
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from generator.round.publish import DELTA_FOLDER, DELTA_MANIFEST, manifest_of, manifest_text, parse_manifest

REMOTE_MANIFEST = DELTA_MANIFEST
REMOTE_PENDING = f"{DELTA_FOLDER}/dang-tai.txt"
HOME = "index.html"
SIGNATURE = "du-lieu/datapackage.json"  # the open data package: a folder that has it holds a congkhai site

# Files that can link to other files of the site; everything else (pictures, CSV, PDF, fonts) links nowhere.
_LINKING = {".html", ".htm", ".xml", ".json", ".css", ".js", ".txt", ".webmanifest"}
# The lookaheads change no match (every match begins with one of those letters): they let the regular expression
# engine skip to the next such letter, twice as fast over the 700 MB a city's first publish reads.
_ATTRIBUTE = re.compile(r"""(?=[hscd])(?:href|src|content|data-[a-z-]+)\s*=\s*["']([^"'<>]+)["']""", re.I)
_CSS_URL = re.compile(r"""(?=u)url\(\s*["']?([^"')]+)["']?\s*\)""", re.I)
_QUOTED = re.compile(r'"([^"\s<>]{1,400})"')


class PublishFailed(Exception):
    """Why publishing to the remote stopped, as one Vietnamese line for the officer (never holds a credential)."""


@dataclass
class Plan:
    uploads: list[str]  # in the order they go up
    deletions: list[str]  # files of the last publish (or of an unfinished one) that the new site no longer has
    folders: list[str]  # folders left with no file of the site, deepest first


def links_of(path: str, text: str, site_url: str, files: set[str]) -> set[str]:
    """The files of `files` that the file `path` (its content `text`) links to."""
    base = urlsplit(site_url.rstrip("/") + "/")
    folder = posixpath.dirname(path)
    candidates = _ATTRIBUTE.findall(text) + _CSS_URL.findall(text)
    if path.endswith((".json", ".js", ".xml")):
        candidates += _QUOTED.findall(text)
    found = set()
    for link in {link.strip() for link in candidates}:  # a page names the same files many times (menus, lists)
        target = _resolve(link, folder, base)
        if target is None:
            continue
        for name in (target, posixpath.join(target, HOME) if target else HOME):
            if name in files:
                found.add(name)
                break
    found.discard(path)
    return found


def _resolve(link: str, folder: str, base) -> str | None:
    """The path inside the site that `link` (written in a file of `folder`) points to, or None if it leaves the site."""
    link = link.split("#", 1)[0].split("?", 1)[0]
    if not link or link.startswith(("mailto:", "tel:", "data:", "javascript:")):
        return None
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        if (parts.netloc or base.netloc) != base.netloc or not parts.path.startswith(base.path):
            return None
        inside = parts.path[len(base.path):]
    elif link.startswith("/"):
        if not link.startswith(base.path):
            return None
        inside = link[len(base.path):]
    else:
        inside = posixpath.join(folder, link)
    inside = posixpath.normpath(unquote(inside)) if inside else ""
    if inside in (".", ""):
        return ""
    if inside.startswith(".."):
        return None
    return inside


def plan(site: Path, site_url: str, current: dict[str, str], published: dict[str, str] | None,
         pending: set[str]) -> Plan:
    """What to send and delete, in the order that keeps every reader on a whole site (module docstring)."""
    published = published or {}
    uploads = {path for path, digest in current.items() if published.get(path) != digest or path in pending}
    new = {path for path in uploads if path not in published}
    changed = uploads - new
    doomed = sorted((published.keys() | pending) - current.keys())
    ordered = _new_files_in_order(site, site_url, new)
    # Replacements: files that link nowhere first, then the pages, the home page last; what they link to is up.
    ordered += sorted(changed, key=lambda path: (_kind(path), path))
    kept_folders = {str(parent) for path in current for parent in PurePosixPath(path).parents}
    gone = {str(parent) for path in doomed for parent in PurePosixPath(path).parents} - kept_folders - {"."}
    folders = sorted(gone, key=lambda folder: (-folder.count("/"), folder))
    return Plan(ordered, doomed, folders)


def _kind(path: str) -> int:
    if path == HOME:
        return 3
    return 2 if path.endswith((".html", ".htm")) else (1 if Path(path).suffix in _LINKING else 0)


def _new_files_in_order(site: Path, site_url: str, new: set[str]) -> list[str]:
    """The new files, each after the new files it links to; a loop of pages linking to each other is broken at its
    deepest page (no old page links into the loop yet, so no reader can reach the gap). A new home page (a first
    publish) comes last: it is where readers come in, and it would lead them into a loop not yet whole."""
    home = HOME in new
    new = new - {HOME}
    needs: dict[str, set[str]] = {}
    for path in new:
        if Path(path).suffix in _LINKING:
            text = (site / path).read_text("utf-8", errors="replace")
            needs[path] = links_of(path, text, site_url, new) - {HOME}
        else:
            needs[path] = set()
    needed_by: dict[str, list[str]] = {path: [] for path in new}
    for path, targets in needs.items():
        for target in targets:
            needed_by[target].append(path)

    def key(path: str):
        return (_kind(path), -path.count("/"), path)

    ready = [key(path) for path, targets in needs.items() if not targets]
    heapq.heapify(ready)
    waiting = {path: len(targets) for path, targets in needs.items() if targets}
    # The waiting pages in the usual order, for breaking loops: a city's site is thousands of loops (each page
    # and its English twin link to each other), and looking for the first waiting page anew at each one made
    # the first publish of 32,000 files plan for many minutes before sending anything. Pages released since are
    # skipped when met.
    stuck = sorted(key(path) for path in waiting)
    stuck.reverse()
    ordered: list[str] = []
    while ready or waiting:
        if not ready:  # a loop: release its first page in the usual order
            while stuck[-1][2] not in waiting:
                stuck.pop()
            path = stuck.pop()[2]
            del waiting[path]
            heapq.heappush(ready, key(path))
        path = heapq.heappop(ready)[2]
        ordered.append(path)
        for other in needed_by[path]:
            if other in waiting:
                waiting[other] -= 1
                if waiting[other] == 0:
                    del waiting[other]
                    heapq.heappush(ready, key(other))
    return ordered + [HOME] if home else ordered


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


class _Progress:
    """Files and MB done, rate and time left, in a terminal only (generator.core.progress decides when)."""

    def __init__(self, files: int, size: int, on_file=None):
        from generator.core import progress

        self.files, self.size, self.done_files, self.done_bytes = files, size, 0, 0
        self.on_file = on_file
        self.bar = None
        if progress.enabled() and size:
            from rich.console import Console
            from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                                       TransferSpeedColumn)

            self.bar = Progress(TextColumn("Tải lên {task.fields[files]}"), BarColumn(), DownloadColumn(),
                                TransferSpeedColumn(), TextColumn("còn"), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("upload", total=size, files=f"0/{files} tệp")
            self.bar.start()

    def advance(self, size: int) -> None:
        self.done_bytes += size
        if self.bar is not None:
            self.bar.update(self.task, advance=size)

    def file_done(self, path: str) -> None:
        self.done_files += 1
        if self.bar is not None:
            self.bar.update(self.task, files=f"{self.done_files}/{self.files} tệp")
        if self.on_file is not None:
            self.on_file(path)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


@dataclass
class Outcome:
    uploaded: list[str]
    deleted: list[str]
    bytes_sent: int
    seconds: float
    files: int  # files of the site now on the remote


def publish_to(site: Path, site_url: str, remote, *, force: bool = False, say=print, on_file=None) -> Outcome:
    """Bring `remote` (a connected transport of generator.round.transports) to the site in `site`.

    `on_file(path)` is called after each file is in place (and after each deletion): the progress display and the
    tests' reader hang on it. Raises PublishFailed, or the transport's own errors, which the caller words.
    """
    started = time.perf_counter()
    current = manifest_of(site)
    published = _read_manifest(remote)
    pending_text = remote.read(REMOTE_PENDING)
    pending = set(pending_text.decode("utf-8", "replace").splitlines()) if pending_text is not None else set()
    lost = False
    empty = published is None and pending_text is None and remote.is_empty()
    if published is None and pending_text is None and not empty:
        # Our record lost (the folder _cap-nhat/ deleted by hand), not someone else's folder: a congkhai site is
        # there, known by its open data package. Every file goes up again; old files it no longer has stay.
        lost = remote.read(SIGNATURE) is not None and remote.read(HOME) is not None
        if lost:
            say(f"{remote.where} có trang congkhai nhưng mất bản ghi {REMOTE_MANIFEST}: tải lên toàn bộ trang.")
        elif not force:
            raise PublishFailed(
                f"{remote.where} đã có tệp nhưng không có {REMOTE_MANIFEST} của congkhai: có thể là tệp của người "
                "khác hoặc của trang khác. Kiểm tra lại địa chỉ; nếu đúng là thư mục của trang này, chạy lại với "
                "--force để tải lên toàn bộ trang (các tệp khác có sẵn được giữ nguyên).")
        else:
            say(f"{remote.where} có sẵn tệp không do congkhai ghi (--force): tải lên toàn bộ trang, giữ nguyên các "
                "tệp khác.")
    if empty:
        say(f"Lần đầu công bố lên {remote.where}: tải lên toàn bộ {len(current)} tệp.")
    elif published is None and pending_text is not None:
        say(f"Lần trước chưa tải xong lên {remote.where}: tải lại toàn bộ trang cho chắc.")
    work = plan(site, site_url, current, published, pending)
    if pending_text is not None and published is not None:
        say(f"Lần trước chưa tải xong lên {remote.where}: tải nốt.")
    sizes = {path: (site / path).stat().st_size for path in current}
    total = sum(sizes[path] for path in work.uploads)
    if work.uploads or work.deletions:
        say(f"Cần tải lên {len(work.uploads)} tệp ({_megabytes(total)}) và xóa {len(work.deletions)} tệp, "
            f"trên tổng số {len(current)} tệp của trang.")
        remote.write_bytes(REMOTE_PENDING, _lines(pending | set(work.uploads) | set(work.deletions)))
    if published:
        remote.assume_folders({posixpath.dirname(path) for path in published})
    bar = _Progress(len(work.uploads), total, on_file)
    try:
        for path in work.uploads:
            remote.put(path, site / path, sizes[path], current[path], bar.advance)
            bar.file_done(path)
    finally:
        bar.stop()
    if work.uploads or published is None or _manifest_bytes(current) != remote.read(REMOTE_MANIFEST):
        remote.write_bytes(REMOTE_MANIFEST, _manifest_bytes(current))
    if work.deletions:
        # From here only deletions are unfinished: the next run need not send anything again.
        remote.write_bytes(REMOTE_PENDING, _lines(set(work.deletions)))
        for path in work.deletions:
            remote.delete(path)
            if on_file is not None:
                on_file(path)
        for folder in work.folders:
            remote.remove_folder(folder)
    if pending_text is not None or work.uploads or work.deletions:
        remote.delete(REMOTE_PENDING)
    _final_check(remote, current, sizes)
    return Outcome(work.uploads, work.deletions, total, time.perf_counter() - started, len(current))


def _lines(paths: set[str]) -> bytes:
    return "".join(f"{path}\n" for path in sorted(paths)).encode("utf-8")


def _manifest_bytes(manifest: dict[str, str]) -> bytes:
    return manifest_text(manifest).encode("utf-8")


def _read_manifest(remote) -> dict[str, str] | None:
    raw = remote.read(REMOTE_MANIFEST)
    if raw is None:
        return None
    try:
        return parse_manifest(raw.decode("utf-8")) or {}
    except UnicodeDecodeError:
        return {}  # ours but damaged: every file goes up again


def _final_check(remote, current: dict[str, str], sizes: dict[str, int]) -> None:
    """Every file of the manifest is on the remote with its size, and the record there is this manifest."""
    listed = remote.list_sizes(current)
    wrong = [path for path in current if listed.get(path) != sizes[path]]
    if wrong:
        raise PublishFailed(f"Kiểm tra cuối: {len(wrong)} tệp trên {remote.where} thiếu hoặc sai kích thước "
                            f"(ví dụ {wrong[0]}); chạy lại lệnh để tải lại.")
    if remote.read(REMOTE_MANIFEST) != _manifest_bytes(current):
        raise PublishFailed(f"Kiểm tra cuối: {REMOTE_MANIFEST} trên {remote.where} không khớp trang vừa tải lên; "
                            "chạy lại lệnh.")



def destination_problem(url: str) -> str | None:
    """Why `url` cannot be published to, checked before the build (a password in it, an unknown scheme), or None."""
    from generator.round.transports import parse_destination
    try:
        parse_destination(url)
    except PublishFailed as problem:
        return str(problem)
    return None


def upload(site: Path, site_url: str, url: str, *, force: bool = False, interactive: bool | None = None,
           on_file=None) -> int:
    """`publish --to`: the built `site` onto `url`; one line and exit 1 on a failure, 130 on Ctrl+C."""
    import sys

    from generator.round import transports

    try:
        destination = transports.parse_destination(url)
    except PublishFailed as problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"Tải trang lên {destination.shown} …")
    remote = None
    touched = {"yes": False}

    def on_each(path: str) -> None:
        touched["yes"] = True
        if on_file is not None:
            on_file(path)

    def state() -> str:
        if not touched["yes"]:
            return "Trên cổng chưa có gì thay đổi."
        return "Trên cổng, mỗi trang vẫn là bản cũ hoặc bản mới, không có liên kết hỏng; chạy lại lệnh để tải nốt."

    try:
        remote = transports.connect(destination, interactive)
        outcome = publish_to(site, site_url, remote, force=force, on_file=on_each)
    except KeyboardInterrupt:
        print(f"\nĐã dừng (Ctrl+C) giữa lúc tải lên {destination.shown}. {state()}", file=sys.stderr)
        return 130
    except PublishFailed as problem:
        print(f"{problem} {state()}", file=sys.stderr)
        return 1
    except Exception as error:  # a library's own message may hold what was typed: worded from its kind only
        print(f"{transports.explain(error, destination)} {state()}", file=sys.stderr)
        return 1
    finally:
        if remote is not None:
            try:
                remote.close()
            except Exception:
                pass
    seconds = f"{outcome.seconds:.1f}".replace(".", ",")
    rate = f", {_megabytes(int(outcome.bytes_sent / outcome.seconds))}/giây" if outcome.bytes_sent and outcome.seconds else ""
    if outcome.uploaded or outcome.deleted:
        print(f"Đã tải lên {len(outcome.uploaded)} tệp ({_megabytes(outcome.bytes_sent)}) và xóa {len(outcome.deleted)} "
              f"tệp trong {seconds} giây{rate}; mỗi tệp gửi lên đã được kiểm tra (kích thước và SHA-256).")
    else:
        print(f"Trang trên {destination.shown} đã đúng bản này: không cần gửi gì.")
    print(f"Kiểm tra cuối: đủ {outcome.files} tệp của trang trên {destination.shown}, khớp {REMOTE_MANIFEST}.")
    print(f"Đang công khai: {site_url.rstrip('/')}/")
    return 0
