"""Files written whole or not at all, and the temporary files that make them so."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

# .NAME.PID.HEX.tmp, and SQLite's -wal, -shm and -journal beside it
_TEMPORARY = re.compile(r"^\..+\.(\d+)\.[0-9a-f]{8}\.tmp(-wal|-shm|-journal)?$")


def temporary_beside(path: Path) -> Path:
    """A new temporary file name beside ``path``, naming this process (see ``remove_abandoned``)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def remove_abandoned(folder: Path) -> None:
    """Remove temporary files in ``folder`` whose process is gone (it was killed while writing)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        match = _TEMPORARY.match(name)
        if match and not _alive(int(match.group(1))):
            (folder / name).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # someone else's process; not a pid at all
        return True
    return True


def write_atomic(path: Path | str, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through a temporary file beside it.

    Readers see the old file or the new one, never half of one; on any error the temporary
    file is removed and OSError propagates (the caller names the file and the reason).
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = temporary_beside(path)
    try:
        with open(tmp, "xb") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
