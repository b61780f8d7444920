"""The session journal: an append-only log of events in one SQLite file.

Storage only: an event is an opaque ``(type, data)`` pair, ``data`` a JSON object. The file
is in WAL mode with ``synchronous=FULL`` and every write runs under ``BEGIN IMMEDIATE``, so
writers in several processes take turns and an acknowledged write survives a crash.

``Journal.transact`` is the only way to write. It locks the file, hands the caller the
records it has not seen yet, and appends what the caller decides on that up-to-date view,
all in one transaction: no decision is made on a stale state, and a command id makes a
retried command take effect exactly once.
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
from pathlib import Path

from . import cover, files
from .journal import Decide, JournalError, Record, Snapshot, record_digest

SCHEMA_VERSION = 1
APPLICATION = cover.APPLICATION
BUSY_TIMEOUT = 30.0  # seconds a writer waits for another to finish

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, data TEXT NOT NULL, created TEXT);
CREATE TABLE commands (command_id TEXT PRIMARY KEY, first_seq INTEGER, last_seq INTEGER);
"""
# Side tables: kept beside the journal, not in it (they are not part of the game). Each is
# made on first use, so session files of any age have them.
_SIDE_TABLES = {
    # who has a console open, from where, since when
    "presence": "role TEXT NOT NULL, client TEXT NOT NULL, since TEXT NOT NULL, last_seen TEXT NOT NULL, "
                "PRIMARY KEY (role, client)",
    # join codes for the browser, hashed
    "access": "role TEXT PRIMARY KEY, salt TEXT NOT NULL, hash TEXT NOT NULL, issued TEXT NOT NULL",
    # the next free turn for a join code check, shared by every connection (one row)
    "guesses": "id INTEGER PRIMARY KEY CHECK (id = 0), next_turn REAL NOT NULL",
    # a move being composed, so nothing typed is lost
    "drafts": "role TEXT PRIMARY KEY, data TEXT NOT NULL, updated TEXT NOT NULL",
    # the folded state up to an event, so that opening a long session reads only what follows (one row)
    "snapshots": "id INTEGER PRIMARY KEY CHECK (id = 0), seq INTEGER NOT NULL, key TEXT NOT NULL, "
                 "digest TEXT NOT NULL, data BLOB NOT NULL",
    # where the game stands, for a console's first frame (one row; see exercise.cover)
    cover.TABLE: cover.COLUMNS,
}
# Reserve the next turn for a join code check: the turn is the returned value less the gap.
# (No turn is put more than a minute ahead, so a clock set back stalls no one for long.)
_NEXT_CHECK = ("INSERT INTO guesses (id, next_turn) VALUES (0, :now + :gap) ON CONFLICT (id) "
               "DO UPDATE SET next_turn = min(max(next_turn, :now), :now + 60) + :gap RETURNING next_turn")
_TOUCH = (
    "INSERT INTO presence (role, client, since, last_seen) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (role, client) DO UPDATE SET last_seen = excluded.last_seen"
)
# data as bytes, decoded here row by row, so damage is named by its event
_SELECT = "SELECT seq, type, CAST(data AS BLOB) FROM events WHERE seq > ? ORDER BY seq"
_SELECT_RANGE = "SELECT seq, type, CAST(data AS BLOB) FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq"
_INSERT = "INSERT INTO events (seq, type, data, created) VALUES (?, ?, ?, ?)"
_FIND_COMMAND = "SELECT first_seq, last_seq FROM commands WHERE command_id = ?"
_RECORD_COMMAND = "INSERT INTO commands (command_id, first_seq, last_seq) VALUES (?, ?, ?)"
_encode = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
_decode = json.loads


__all__ = ["Journal", "JournalError", "Record", "Snapshot", "SCHEMA_VERSION"]


class Journal:
    """An open session file. Not shared between threads; open one per process or thread."""

    def __init__(self, path: Path, con: sqlite3.Connection, meta: dict[str, str]):
        self.path = path
        self._con = con
        self._meta = meta
        self._last_seq = 0

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, meta: dict[str, str], events: list[tuple[str, dict]] = ()) -> Journal:
        """Create a new session file holding ``meta`` and its first ``events``; refuse if the file exists.

        The file is built beside its destination and linked into place whole, so no one
        ever sees a half-made session and two creators cannot both succeed. A build that was
        killed leaves a temporary file named for its process; the next create beside it
        removes it.
        """
        path = Path(path)
        reserved = {"schema_version", "application"} & meta.keys()
        if reserved:
            raise ValueError(f"meta keys {sorted(reserved)} are set by the journal")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()):
            raise TypeError("meta keys and values must be strings")
        if path.exists():
            raise JournalError(f"{path}: already exists; not overwriting it")
        files.remove_abandoned(path.parent)
        tmp = files.temporary_beside(path)
        rows = {"schema_version": str(SCHEMA_VERSION), "application": APPLICATION, **meta}
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")
        event_rows = [(seq, _type(t), _encode(_data(d)), now) for seq, (t, d) in enumerate(events, 1)]
        try:
            con = sqlite3.connect(tmp, isolation_level=None)
            try:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("PRAGMA synchronous=FULL")
                con.execute("BEGIN IMMEDIATE")
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    con.execute(statement)
                con.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", rows.items())
                con.executemany(_INSERT, event_rows)
                con.execute("COMMIT")
            finally:
                con.close()  # checkpoints the WAL into the file and removes it
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise JournalError(f"{path}: already exists; not overwriting it") from None
            except OSError:  # a file system without hard links: near enough
                if path.exists():
                    raise JournalError(f"{path}: already exists; not overwriting it") from None
                os.replace(tmp, path)
            _fsync_dir(path.parent)
        except (OSError, sqlite3.Error) as e:
            raise JournalError(f"{path}: cannot create the session file ({_reason(e)})") from None
        finally:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                leftover.unlink(missing_ok=True)
        return cls.open(path)

    @classmethod
    def open(cls, path: Path | str) -> Journal:
        """Open an existing session file, checking that it is one this version can read."""
        path = Path(path)
        try:
            with path.open("rb") as f:
                header = f.read(16)
        except FileNotFoundError:
            raise JournalError(f"{path}: no such session file") from None
        except OSError as e:
            raise JournalError(f"{path}: cannot read the file ({_reason(e)})") from None
        if not header:
            raise JournalError(f"{path}: not an exercise session (the file is empty)")
        if header != b"SQLite format 3\x00":
            raise JournalError(f"{path}: not an exercise session (not an SQLite file)")
        con = None
        try:
            try:
                con = cls._connect(path, "mode=rw")
                meta = cls._check(path, con)
                con.execute("PRAGMA synchronous=FULL")
                if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    con.execute("PRAGMA journal_mode=WAL")
            except sqlite3.Error as e:
                if not getattr(e, "sqlite_errorname", "").startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
                    raise
                # A file (or folder) this user may read but not write: open it to read only.
                # WAL needs a writable -shm file beside it, so fall back to reading it as it is.
                if con is not None:
                    con.close()
                con = cls._connect(path, "mode=ro&immutable=1")
                meta = cls._check(path, con)
        except (sqlite3.Error, OSError) as e:
            if con is not None:
                con.close()
            raise _error(path, e) from None
        except JournalError:
            con.close()
            raise
        return cls(path, con, meta)

    @staticmethod
    def _connect(path: Path, mode: str) -> sqlite3.Connection:
        uri = f"{path.resolve().as_uri()}?{mode}"
        return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT)

    @staticmethod
    def _check(path: Path, con: sqlite3.Connection) -> dict[str, str]:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "meta" not in tables:
            raise JournalError(f"{path}: not an exercise session (an SQLite file of another kind)")
        meta = dict(con.execute("SELECT key, value FROM meta"))
        if meta.get("application") != APPLICATION:
            raise JournalError(f"{path}: not an exercise session (an SQLite file of another kind)")
        try:
            version = int(meta["schema_version"])
        except (KeyError, ValueError):
            raise JournalError(f"{path}: the session file is damaged (no valid schema_version)") from None
        if version > SCHEMA_VERSION:
            raise JournalError(
                f"{path}: made by a newer version of exercise (schema {version}, this one reads "
                f"up to {SCHEMA_VERSION}); upgrade exercise"
            )
        if not {"events", "commands"} <= tables:
            raise JournalError(f"{path}: the session file is damaged (tables missing)")
        problems = [row[0] for row in con.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise JournalError(f"{path}: the session file is damaged ({problems[0]})")
        return meta

    # -- reading and writing -----------------------------------------------------------

    @property
    def meta(self) -> dict[str, str]:
        """What the file was created with, plus ``schema_version`` and ``application``."""
        return dict(self._meta)

    @property
    def last_seq(self) -> int:
        """The highest seq this object has handed out (from read, transact or to decide)."""
        return self._last_seq

    def read(self, since: int = 0) -> list[Record]:
        """The records with ``seq > since``, in order."""
        records = self._fetch(_SELECT, (since,))
        if records and records[-1].seq > self._last_seq:
            self._last_seq = records[-1].seq
        return records

    def transact(self, decide: Decide, command_id: str | None = None) -> list[Record]:
        """Append the events ``decide`` returns, in one transaction, and return them as Records.

        Under the write lock, ``decide`` gets the records this object has not seen yet
        (``seq > last_seq``; they count as seen from then on, even if ``decide`` raises) and
        returns a list of ``(type, data)``. If ``decide`` raises, nothing is written and the
        exception propagates.

        If ``command_id`` was already acknowledged, ``decide`` is not called and the records
        that command wrote are returned as they were; ``last_seq`` does not move, so those
        records may be ones already seen, or ones ``read`` will deliver later in order.
        """
        con = self._con
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise _error(self.path, e) from None
        try:
            if command_id is not None:
                done = con.execute(_FIND_COMMAND, (command_id,)).fetchone()
                if done is not None:
                    con.execute("ROLLBACK")
                    return self._fetch(_SELECT_RANGE, done)
            new = self._fetch(_SELECT, (self._last_seq,))
            if new:
                self._last_seq = new[-1].seq
            events = decide(new)
            first = self._last_seq + 1
            now = datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")
            rows = [(seq, _type(t), _encode(_data(d)), now) for seq, (t, d) in enumerate(events, first)]
            if rows:
                con.executemany(_INSERT, rows)
            if command_id is not None:
                con.execute(_RECORD_COMMAND, (command_id, first, first + len(rows) - 1))
            con.execute("COMMIT")
        except BaseException as e:
            if con.in_transaction:
                try:
                    con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(e, sqlite3.Error):
                raise _error(self.path, e) from None
            raise
        self._last_seq += len(rows)
        return [Record(seq, t, _decode(d)) for seq, t, d, _ in rows]

    def read_range(self, first: int, last: int) -> list[Record]:
        """The records with ``first <= seq <= last``, in order."""
        return self._fetch(_SELECT_RANGE, (first, last))

    def digest(self, seq: int) -> str:
        """A fingerprint of event ``seq`` as stored ("" if there is none)."""
        records = self._fetch(_SELECT_RANGE, (seq, seq))
        return record_digest(records[0]) if records else ""

    # -- side tables: not part of the game ------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        rows = self.side_read("SELECT seq, key, digest, data FROM snapshots WHERE id = 0")
        return Snapshot(*rows[0]) if rows else None

    def save_snapshot(self, snapshot: Snapshot) -> None:
        self.side_write("snapshots", "INSERT OR REPLACE INTO snapshots (id, seq, key, digest, data) VALUES (0, ?, ?, ?, ?)",
                        (snapshot.seq, snapshot.key, snapshot.digest, snapshot.data))

    def save_cover(self, seq: int, data: str) -> None:
        """Write the cover without waiting for the disk: it is a cache (a cover lost in a crash is
        one behind the journal, which reads as none), and it follows every commit."""
        try:
            self._con.execute("PRAGMA synchronous = NORMAL")
            try:
                self.side_write(cover.TABLE, cover.SAVE, (seq, data))
            finally:
                self._con.execute("PRAGMA synchronous = FULL")  # every other write waits for the disk
        except sqlite3.Error as e:
            raise _error(self.path, e) from None

    def cover_seq(self) -> int | None:
        """The event the stored cover was made at, if there is one."""
        rows = self.side_read(f"SELECT seq FROM {cover.TABLE}")
        return rows[0][0] if rows else None

    def set_code(self, role: str, salt: str, digest: str, issued: str) -> None:
        self.side_write("access", "INSERT OR REPLACE INTO access (role, salt, hash, issued) VALUES (?, ?, ?, ?)",
                        (role, salt, digest, issued))

    def codes(self) -> list[tuple[str, str, str]]:
        """Every join code kept: (role, salt, hash)."""
        return self.side_read("SELECT role, salt, hash FROM access")

    def reserve_check(self, now: float, gap: float) -> float:
        """Take the next turn among every connection's code checks; returns when it ends."""
        (turn,) = self.side_write("guesses", _NEXT_CHECK, {"now": now, "gap": gap})[0]
        return turn

    def save_draft(self, role: str, data: str, updated: str) -> None:
        self.side_write("drafts", "INSERT OR REPLACE INTO drafts (role, data, updated) VALUES (?, ?, ?)",
                        (role, data, updated))

    def draft(self, role: str) -> str | None:
        rows = self.side_read("SELECT data FROM drafts WHERE role = ?", (role,))
        return rows[0][0] if rows else None

    def clear_draft(self, role: str) -> None:
        self.side_write("drafts", "DELETE FROM drafts WHERE role = ?", (role,))

    def reopen(self) -> Journal:
        """Another connection to the same file (for work in another thread)."""
        return Journal.open(self.path)

    def side_write(self, table: str, sql: str, params: tuple | dict) -> list[tuple]:
        """Run one write on a side table (presence, access, guesses, drafts) under the lock; its rows back."""
        try:
            with self._con:
                self._con.execute("BEGIN IMMEDIATE")
                self._con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({_SIDE_TABLES[table]})")
                return self._con.execute(sql, params).fetchall()
        except sqlite3.Error as e:
            raise _error(self.path, e) from None

    def side_read(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a query on a side table; none where the table was never made."""
        try:
            return self._con.execute(sql, params).fetchall()
        except sqlite3.OperationalError as e:
            if "no such table" in str(e):
                return []
            raise _error(self.path, e) from None
        except sqlite3.Error as e:
            raise _error(self.path, e) from None

    def touch(self, role: str, client: str) -> None:
        """Record that ``client`` (where a console runs) has ``role`` open, as of now."""
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        self.side_write("presence", _TOUCH, (role, client, now, now))

    def presence(self) -> list[dict[str, str]]:
        """Every console seen: role, client, since and last_seen (UTC ISO times)."""
        rows = self.side_read("SELECT role, client, since, last_seen FROM presence ORDER BY role, client")
        return [dict(zip(("role", "client", "since", "last_seen"), row)) for row in rows]

    def data_version(self) -> int:
        """A number that changes when another connection commits (``PRAGMA data_version``)."""
        try:
            return self._con.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as e:
            raise _error(self.path, e) from None

    def close(self) -> None:
        """Close the file; the journal cannot be used afterwards."""
        self._con.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _fetch(self, sql: str, params: tuple) -> list[Record]:
        try:
            rows = self._con.execute(sql, params).fetchall()
        except sqlite3.Error as e:
            raise _error(self.path, e) from None
        records = []
        for seq, kind, data in rows:
            try:
                value = _decode(data.decode("utf-8") if isinstance(data, bytes) else data)
            except UnicodeDecodeError:
                raise JournalError(f"{self.path}: the session file is damaged (event {seq}: text that is not UTF-8)") from None
            except (ValueError, TypeError):
                raise JournalError(f"{self.path}: the session file is damaged (event {seq}: data that is not JSON)") from None
            if not isinstance(kind, str):
                raise JournalError(f"{self.path}: the session file is damaged (event {seq}: a type that is not text)")
            records.append(Record(seq, kind, value))
        return records


def _type(t: object) -> str:
    if not isinstance(t, str):
        raise TypeError(f"an event type must be a string, not {t!r}")
    return t


def _data(d: object) -> dict:
    if not isinstance(d, dict):
        raise TypeError(f"event data must be a dict, not {type(d).__name__}")
    return d


def _reason(e: BaseException) -> str:
    text = getattr(e, "strerror", None) or str(e) or type(e).__name__
    return " ".join(text.split())  # one line


def _error(path: Path, e: BaseException) -> JournalError:
    """One line for the user about an SQLite or OS error on ``path``."""
    name = getattr(e, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return JournalError(f"{path}: locked by another program (waited {BUSY_TIMEOUT:g} s)")
    if str(e).startswith("Could not decode"):  # sqlite3's message for text that is not UTF-8
        return JournalError(f"{path}: the session file is damaged (text that is not UTF-8)")
    if isinstance(e, ValueError):  # from json.loads
        return JournalError(f"{path}: the session file is damaged (event data that is not JSON)")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return JournalError(f"{path}: the session file is damaged ({_reason(e)})")
    if name.startswith("SQLITE_READONLY") or isinstance(e, PermissionError):
        return JournalError(f"{path}: cannot write the session file: it is read-only for this user "
                            "(status, export and report still read it; check its and its folder's permissions)")
    return JournalError(f"{path}: cannot use the session file ({_reason(e)})")


def _fsync_dir(directory: Path) -> None:
    """Make a new directory entry durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
