"""What a session needs of its journal, and a journal kept in memory.

``exercise.session`` speaks only this protocol; ``exercise.store.Journal`` keeps it in an
SQLite file (several processes at once), ``MemoryJournal`` in a list (tests, and games run
in batches where nothing need be kept). Both store an event as an opaque ``(type, data)``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

import attrs


class JournalError(Exception):
    """A journal cannot be created, opened, read or written; the message names the file."""


@attrs.frozen
class Record:
    """One event as stored: its position in the journal, its type and its data."""

    seq: int
    type: str
    data: dict[str, Any]


Decide = Callable[[list[Record]], list[tuple[str, dict[str, Any]]]]


@attrs.frozen
class Snapshot:
    """A folded state kept beside the journal: valid for ``key`` up to event ``seq``."""

    seq: int
    key: str
    digest: str  # of event ``seq`` as stored, so a journal rewritten under it is noticed
    data: bytes


class JournalLike(Protocol):
    """The operations a session performs on its journal."""

    @property
    def meta(self) -> dict[str, str]: ...

    def read(self, since: int = 0) -> list[Record]: ...

    def read_range(self, first: int, last: int) -> list[Record]: ...

    def transact(self, decide: Decide, command_id: str | None = None) -> list[Record]: ...

    def data_version(self) -> int: ...

    def digest(self, seq: int) -> str: ...

    def snapshot(self) -> Snapshot | None: ...

    def save_snapshot(self, snapshot: Snapshot) -> None: ...

    def save_cover(self, seq: int, data: str) -> None: ...

    def cover_seq(self) -> int | None: ...

    def touch(self, role: str, client: str) -> None: ...

    def presence(self) -> list[dict[str, str]]: ...

    def set_code(self, role: str, salt: str, digest: str, issued: str) -> None: ...

    def codes(self) -> list[tuple[str, str, str]]: ...

    def reserve_check(self, now: float, gap: float) -> float: ...

    def save_draft(self, role: str, data: str, updated: str) -> None: ...

    def draft(self, role: str) -> str | None: ...

    def clear_draft(self, role: str) -> None: ...

    def reopen(self) -> JournalLike: ...

    def close(self) -> None: ...


def record_digest(record: Record) -> str:
    """A short fingerprint of a stored event."""
    import hashlib

    text = json.dumps([record.seq, record.type, record.data], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class MemoryJournal:
    """A journal in a list, for one process: nothing is written anywhere."""

    def __init__(self, meta: dict[str, str], events: list[tuple[str, dict[str, Any]]] = ()):
        self._meta = dict(meta)
        self._records = [Record(seq, t, json.loads(json.dumps(d))) for seq, (t, d) in enumerate(events, 1)]
        self._commands: dict[str, tuple[int, int]] = {}
        self._snapshot: Snapshot | None = None
        self._cover: tuple[int, str] | None = None
        self._codes: dict[str, tuple[str, str, str]] = {}
        self._drafts: dict[str, str] = {}
        self._presence: dict[tuple[str, str], dict[str, str]] = {}
        self._next_check = 0.0
        self._version = 0

    @property
    def meta(self) -> dict[str, str]:
        return dict(self._meta)

    def read(self, since: int = 0) -> list[Record]:
        return self._records[since:]

    def read_range(self, first: int, last: int) -> list[Record]:
        return self._records[max(first, 1) - 1:last]

    def transact(self, decide: Decide, command_id: str | None = None) -> list[Record]:
        if command_id is not None and command_id in self._commands:
            return self.read_range(*self._commands[command_id])
        first = len(self._records) + 1
        new = [Record(seq, t, json.loads(json.dumps(d))) for seq, (t, d) in enumerate(decide([]), first)]
        self._records += new
        if command_id is not None:
            self._commands[command_id] = (first, first + len(new) - 1)
        self._version += bool(new)
        return new

    def save_cover(self, seq: int, data: str) -> None:
        self._cover = (seq, data)

    def cover_seq(self) -> int | None:
        return self._cover[0] if self._cover else None

    def data_version(self) -> int:
        return 0  # one connection: nothing is ever committed by another

    def digest(self, seq: int) -> str:
        return record_digest(self._records[seq - 1]) if 0 < seq <= len(self._records) else ""

    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    def save_snapshot(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot

    def touch(self, role: str, client: str) -> None:
        self._presence[(role, client)] = {"role": role, "client": client, "since": "", "last_seen": ""}

    def presence(self) -> list[dict[str, str]]:
        return [self._presence[k] for k in sorted(self._presence)]

    def set_code(self, role: str, salt: str, digest: str, issued: str) -> None:
        self._codes[role] = (role, salt, digest)

    def codes(self) -> list[tuple[str, str, str]]:
        return list(self._codes.values())

    def reserve_check(self, now: float, gap: float) -> float:
        self._next_check = min(max(self._next_check, now), now + 60) + gap
        return self._next_check

    def save_draft(self, role: str, data: str, updated: str) -> None:
        self._drafts[role] = data

    def draft(self, role: str) -> str | None:
        return self._drafts.get(role)

    def clear_draft(self, role: str) -> None:
        self._drafts.pop(role, None)

    def reopen(self) -> MemoryJournal:
        return self

    def close(self) -> None:
        pass
