"""Whether the process that left a folder behind is still running."""
from __future__ import annotations

import os


def process_alive(pid: int) -> bool:
    """True while `pid` runs (another user's process counts as running: it cannot be signalled)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
