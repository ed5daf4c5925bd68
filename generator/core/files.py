"""Writing a file whole or not at all."""
from __future__ import annotations

import os
from pathlib import Path


def atomic_write(path: Path, content: bytes, *, mode: int = 0o644, durable: bool = True) -> None:
    """Replace `path` with `content` in one step: a reader sees the old file or the new one.

    `durable` flushes the bytes to the disk before the rename, so that a power cut
    cannot leave the name pointing at an empty file (the store and publish's records
    are the only copy of what was done). `mode` 0o600 keeps a record readable by its
    owner only. The temporary file is removed when the write fails (a full disk)."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
