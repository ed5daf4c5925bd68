"""A full or unwritable disk, said in one line: which folder, how much was needed and free, what to do.

Every command that writes (the site, the build folder, the store and its
derived cache, the temporary rows of a month-by-month build, publish's zips)
lets an OSError of a full, read-only or forbidden disk go up to the command
line, which prints `explain(error)`. A write() that fails carries no file
name, so the code that writes a folder says which one with `writing_to`; the
folder of an error that does carry a name is the name's own folder.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.core.formatting import format_number

FULL = (errno.ENOSPC, errno.EDQUOT)
READ_ONLY = (errno.EROFS,)
FORBIDDEN = (errno.EACCES, errno.EPERM)
DISK_ERRORS = frozenset((*FULL, *READ_ONLY, *FORBIDDEN))
# pyarrow's and a few C libraries' errors carry the errno only in their text.
_ERRNO_IN_TEXT = re.compile(r"\[Errno (\d+)\]")


def error_number(error: BaseException) -> int | None:
    if not isinstance(error, OSError):
        return None
    if error.errno is not None:
        return error.errno
    found = _ERRNO_IN_TEXT.search(str(error))
    if found:
        return int(found.group(1))
    return errno.ENOSPC if "No space left on device" in str(error) else None


def is_disk_error(error: BaseException) -> bool:
    return error_number(error) in DISK_ERRORS


def nearest_folder(path: Path) -> Path:
    """The nearest folder of `path` that exists (the one a new file would go into)."""
    path = Path(os.path.abspath(path))
    while not path.is_dir() and path != path.parent:
        path = path.parent
    return path


def free_bytes(path: Path) -> int:
    try:
        return shutil.disk_usage(nearest_folder(path)).free
    except OSError:
        return 0


def folder_bytes(folder: Path) -> int:
    """What the files of `folder` take on the disk, each file once however many links it has."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for parent, _, files in os.walk(folder):
        for name in files:
            try:
                status = os.lstat(os.path.join(parent, name))
            except OSError:
                continue
            if (status.st_dev, status.st_ino) not in seen:
                seen.add((status.st_dev, status.st_ino))
                total += status.st_blocks * 512
    return total


def annotate(error: OSError, folder: Path | None = None, *, needed: int | None = None,
             written: int | None = None) -> OSError:
    """Record on `error` what explain() needs to know; the first folder given is kept."""
    if folder is not None and getattr(error, "congkhai_folder", None) is None:
        error.congkhai_folder = Path(folder)
    if needed is not None and getattr(error, "congkhai_needed", None) is None:
        error.congkhai_needed = needed
    if written is not None:
        error.congkhai_written = max(written, getattr(error, "congkhai_written", 0) or 0)
    return error


@contextmanager
def writing_to(folder: Path, *, needed: int | None = None) -> Iterator[None]:
    """An OSError of a full, read-only or forbidden disk inside the block names `folder`."""
    try:
        yield
    except OSError as error:
        if is_disk_error(error):
            annotate(error, folder, needed=needed)
        raise


def require_free(folder: Path, needed: int) -> None:
    """Refuse at once, before a long build, when `folder`'s disk has clearly less room than `needed`."""
    if needed > 0 and free_bytes(folder) < needed:
        raise annotate(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), nearest_folder(folder), needed=needed)


def size_text(size: int, lang: str = "vi") -> str:
    """1,9 MB / 1.9 MB: gigabytes or megabytes with one decimal, kilobytes under one megabyte."""
    if size >= 1_000_000_000:
        return f"{format_number(size / 1_000_000_000, lang, places=1)} GB"
    if size >= 1_000_000:
        return f"{format_number(size / 1_000_000, lang, places=1)} MB"
    return f"{format_number(max(1, round(size / 1000)), lang)} kB"


def _folder_of(error: OSError) -> Path:
    """The folder being written: the one the writing code named, else the file's own (a copy's destination)."""
    named = getattr(error, "congkhai_folder", None)
    if named is not None:
        return nearest_folder(Path(named))
    target = error.filename2 or error.filename
    if target:
        return nearest_folder(Path(os.fsdecode(target)))
    return Path.cwd()


UNCHANGED = {"vi": "Trang đã công bố và kho dữ liệu không thay đổi.",
             "en": "The published site and the store are unchanged."}


def explain(error: OSError, lang: str = "vi", unchanged: str | None = None) -> str:
    """The one line an officer reads; `unchanged` says what stayed as it was (default: site and store)."""
    return _explain(error, lang, unchanged).strip()


def _explain(error: OSError, lang: str, unchanged: str | None) -> str:
    number = error_number(error)
    folder = _folder_of(error)
    kept = UNCHANGED[lang] if unchanged is None else unchanged
    if number == errno.EDQUOT:  # the disk may have room; this user's share of it is used up
        if lang == "en":
            return (f"Your disk quota is used up in {folder}: free some of your files there (or ask for a larger quota, "
                    f"or choose a folder on another disk), then run the command again. {kept}")
        return (f"Đã hết hạn mức dung lượng của người dùng {_user()} ở {folder}: xóa bớt tệp của mình ở đó (hoặc xin "
                f"thêm hạn mức, hoặc chọn thư mục ở ổ khác) rồi chạy lại lệnh. {kept}")
    if number in FULL:
        free = size_text(free_bytes(folder), lang)
        needed = getattr(error, "congkhai_needed", None)
        written = getattr(error, "congkhai_written", None)
        if lang == "en":
            if needed:
                need = f"about {size_text(needed, lang)} is needed and {free} is free there"
            elif written:
                need = (f"more than {size_text(written, lang)} is needed (it filled up after that much was written) "
                        f"and {free} is free there")
            else:
                need = f"{free} is free there"
            return (f"Out of space in {folder}: {need}. Free some space on that disk (or choose a folder on "
                    f"another one), then run the command again. {kept}")
        if needed:
            need = f"cần khoảng {size_text(needed)}, ở đó chỉ còn trống {free}"
        elif written:
            need = f"cần hơn {size_text(written)} (ổ đầy khi đã ghi chừng đó), ở đó chỉ còn trống {free}"
        else:
            need = f"ở đó chỉ còn trống {free}"
        return (f"Hết chỗ trống ở {folder}: {need}. Giải phóng chỗ trống trên ổ đó (hoặc chọn thư mục ở ổ khác) "
                f"rồi chạy lại lệnh. {kept}")
    if number in READ_ONLY:
        if lang == "en":
            return (f"Cannot write to {folder}: the disk is read-only. Choose a folder on a writable disk (or have it "
                    f"mounted writable), then run the command again. {kept}")
        return (f"Không ghi được vào {folder}: ổ đĩa chỉ cho đọc. Chọn thư mục trên ổ ghi được (hoặc gắn lại ổ cho phép "
                f"ghi) rồi chạy lại lệnh. {kept}")
    if getattr(error, "congkhai_folder", None) is None and error.filename:  # not known to be a write
        path = os.fsdecode(error.filename)
        if lang == "en":
            return f"No permission to open {path} (as user {_user()}): give that user access to it, then run the command again."
        return f"Không có quyền mở {path} (người dùng {_user()}): cấp quyền cho người dùng này rồi chạy lại lệnh."
    if lang == "en":
        return (f"No permission to write to {folder} (as user {_user()}). Give that user write permission on it, or choose "
                f"another folder, then run the command again. {kept}")
    return (f"Không có quyền ghi vào {folder} (người dùng {_user()}). Cấp quyền ghi thư mục đó cho người dùng này, hoặc "
            f"chọn thư mục khác, rồi chạy lại lệnh. {kept}")


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or "?"
