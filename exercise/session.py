"""The one door for every shell: create or open a session, act in it, view it as a role.

A session is a journal (``exercise.store``) plus the scenario stored inside it; its state is
the journal folded by ``exercise.state``. Commands are decided inside the journal's write
transaction, on the latest state, so several processes can act on one session at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import access, cover, engine, serial, snapshot, text, views
from . import commands as cmd
from . import events as ev
from . import visibility as see
from .engine import Conflict, Invalid, NotAllowed, Refused, Unknown, UnruledMoves, WrongPhase
from .journal import JournalError, JournalLike, MemoryJournal, Record
from .model import Inject, Scenario
from .state import GameState
from .store import Journal

__all__ = ["Session", "SessionError", "Refused", "NotAllowed", "WrongPhase", "Unknown", "Invalid", "Conflict",
           "UnruledMoves", "FACILITATOR"]

FACILITATOR = cmd.FACILITATOR


class SessionError(Exception):
    """A session that cannot be created or opened; the message is for the user."""


@contextlib.contextmanager
def _as_session_error():
    """The journal's errors, as the session's (every shell catches SessionError)."""
    try:
        yield
    except JournalError as exc:
        raise SessionError(str(exc)) from None


class _Conditions(dict):
    """Conditions compiled on first use: a command that needs none (status, export) compiles none."""

    def __init__(self, scenario: Scenario):
        super().__init__()
        self.tracks = {t.id: t.start for t in scenario.tracks.values()}
        self.flags = {f.id: f.start for f in scenario.flags.values()}

    def __missing__(self, condition: str):
        from .conditions import compile_condition  # Jinja loads on the first check, not when a console starts

        self[condition] = compiled = compile_condition(condition, self.tracks, self.flags)
        return compiled


def make_rules(scenario: Scenario, seed: int) -> engine.Rules:
    """The engine's rules for a scenario, its conditions compiled as they are needed."""
    return engine.Rules(scenario, _Conditions(scenario), seed)


class Session:
    """An open session file."""

    def __init__(self, journal: JournalLike, path: Path):
        self.path = path
        self.journal = journal
        meta = journal.meta
        try:
            self.scenario = serial.scenario_from(json.loads(meta["scenario"]))
            self.seed = int(meta["seed"])
        except (KeyError, ValueError, TypeError) as exc:  # serial.DataError is a ValueError
            raise SessionError(f"{path}: the session's scenario cannot be read ({exc})") from None
        self.rules = make_rules(self.scenario, self.seed)
        self.state = GameState.initial(self.scenario)
        self.applied = 0  # the last event folded into the state
        self._log: list[ev.Event] = []  # the events folded since ``_log_from``, in order
        self._log_from = 1
        self._snapshot_key = snapshot.key(hashlib.sha256(meta["scenario"].encode()).hexdigest())
        self._snapshot_seq = 0
        with _as_session_error():
            self._resume()
            self._data_version = journal.data_version()
        self.refresh()
        if self._cover_seq() != self.applied:
            self._keep_cover()  # a file from before covers, or a commit whose cover was not written

    def _resume(self) -> None:
        """Start from the journal's snapshot where it is this release's and still true."""
        kept = self.journal.snapshot()
        if kept is None or kept.key != self._snapshot_key or self.journal.digest(kept.seq) != kept.digest:
            return
        restored = snapshot.restore(kept)
        if restored is not None:
            self.state, self.applied = restored, kept.seq
            self._log_from, self._snapshot_seq = kept.seq + 1, kept.seq

    def _keep_snapshot(self) -> None:
        """Take a snapshot once enough has been folded since the last (a read-only file takes none)."""
        if self.applied - self._snapshot_seq < snapshot.EVERY:
            return
        self._snapshot_seq = self.applied
        try:
            self.journal.save_snapshot(snapshot.take(self.state, self._snapshot_key, self.journal.digest(self.applied)))
        except JournalError:
            pass  # a cache: without it the next open replays

    def _keep_cover(self) -> None:
        """Write the cover (``exercise.cover``) as of the last event folded; it is a cache, so a
        file that cannot take it (read-only) does without."""
        state = self.state
        data = cover.data(self.scenario.info.title, views.heading(self.scenario, state.turn, state.phase),
                          {t.id: t.name for t in self.scenario.teams.values()})
        try:
            self.journal.save_cover(self.applied, data)
        except JournalError:
            pass

    def _cover_seq(self) -> int | None:
        try:
            return self.journal.cover_seq()
        except JournalError:
            return None

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, scenario: Scenario, seed: int | None = None,
               events: list[ev.Event] | None = None) -> Session:
        """Start a new session file for ``scenario`` (refuses to overwrite a file).

        The file appears whole with its first events, or not at all: turn 1 begun, or the
        ``events`` given (an import replays an archive so).
        """
        path = Path(path)
        seed = scenario.info.seed if seed is None else seed
        meta = {
            "scenario": serial.canonical_json(serial.scenario_data(scenario)),
            "scenario_hash": serial.scenario_hash(scenario),
            "scenario_id": scenario.info.id,
            "seed": str(seed),
        }
        if events is None:
            events = engine.begin(make_rules(scenario, seed), GameState.initial(scenario))
        with _as_session_error():
            journal = Journal.create(path, meta, [serial.event_data(e) for e in text.clean_fields(events)])
        return cls(journal, path)

    @classmethod
    def in_memory(cls, scenario: Scenario, seed: int | None = None) -> Session:
        """A session kept only in this process (nothing is written): for tests and batch runs."""
        seed = scenario.info.seed if seed is None else seed
        events = engine.begin(make_rules(scenario, seed), GameState.initial(scenario))
        meta = {"scenario": serial.canonical_json(serial.scenario_data(scenario)), "seed": str(seed)}
        return cls(MemoryJournal(meta, [serial.event_data(e) for e in events]), Path(":memory:"))

    @classmethod
    def open(cls, path: Path | str) -> Session:
        """Open an existing session file; SessionError says what is wrong with a bad one."""
        path = Path(path)
        with _as_session_error():
            journal = Journal.open(path)
        return cls(journal, path)

    def close(self) -> None:
        self.journal.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- acting ---------------------------------------------------------------------------

    def _decode(self, record: Record) -> ev.Event:
        try:
            return serial.event_from(record.type, record.data)
        except serial.DataError as exc:
            raise SessionError(f"{self.path}: the session file is damaged (event {record.seq}: {exc})") from None

    def _fold(self, records: list[Record]) -> list[ev.Event]:
        """Fold the records not folded yet; returns their events."""
        folded = []
        with snapshot.no_collection() if len(records) > 1000 else contextlib.nullcontext():
            for record in records:
                if record.seq > self.applied:
                    event = self._decode(record)
                    try:
                        self.state.apply(event)
                    except (KeyError, TypeError, ValueError, AttributeError) as exc:
                        raise SessionError(f"{self.path}: the session file is damaged (event {record.seq}: "
                                           f"{record.type} does not follow ({exc!r}))") from None
                    self._log.append(event)
                    folded.append(event)
                    self.applied = record.seq
        return folded

    @property
    def log(self) -> list[ev.Event]:
        """Every event of the session folded so far, in order (read whole on first use after a snapshot)."""
        if self._log_from > 1:
            with _as_session_error():
                earlier = self.journal.read_range(1, self._log_from - 1)
            with snapshot.no_collection():
                self._log[:0] = [self._decode(r) for r in earlier]
            self._log_from = 1
        return self._log

    def events_since(self, seq: int, keep: int | None = None) -> list[ev.Event]:
        """The events after the ``seq``-th, in order; with ``keep``, at most the last ``keep`` of them.

        Reads the journal's head only if the events asked for reach back into it (see ``log``).
        """
        first = max(seq, self.applied - keep if keep is not None else seq) + 1  # the first one wanted
        if first < self._log_from:
            return self.log[first - 1:]
        return self._log[first - self._log_from:]

    def refresh(self) -> bool:
        """Fold what others have committed since; True if anything was new."""
        with _as_session_error():
            records = self.journal.read(self.applied)
        self._fold(records)
        self._keep_snapshot()
        return bool(records)

    def _transact(self, decide, command_id: str | None = None) -> list[ev.Event]:
        def on_latest(new_records: list[Record]) -> list[tuple[str, dict]]:
            self._fold(new_records)
            return [serial.event_data(e) for e in decide(self.state)]

        with _as_session_error():
            records = self.journal.transact(on_latest, command_id or uuid.uuid4().hex)
        folded = self._fold(records)
        self._keep_snapshot()
        if folded:
            self._keep_cover()
        if len(folded) == len(records):
            return folded
        return [self._decode(r) for r in records]  # a retry: what the first attempt wrote

    def act(self, command: cmd.Command, actor: str = FACILITATOR, command_id: str | None = None) -> list[ev.Event]:
        """Carry out ``command`` for ``actor``; returns its events, or raises Refused.

        Typed text is cleaned first (``exercise.text.clean``): line ends become "\n" (a
        browser sends "\r\n"), so every copy of the session holds the same text, and terminal
        controls are dropped, so no player can drive another's terminal. A repeated
        ``command_id`` (a retry) returns what the first attempt wrote.
        """
        command = text.clean_fields(command)
        return self._transact(lambda state: engine.decide(self.rules, state, command, actor), command_id)

    def changed(self) -> bool:
        """True when another connection has committed since the last look (cheap to poll)."""
        with _as_session_error():
            version = self.journal.data_version()
        seen, self._data_version = self._data_version, version
        return seen != version

    def touch(self, role: str, client: str) -> None:
        """Note that a console for ``role`` is open at ``client`` (host, terminal, address)."""
        with _as_session_error():
            self.journal.touch(role, client)

    def presence(self) -> list[dict[str, str]]:
        """The consoles seen on this session: role, client, since, last_seen (UTC)."""
        with _as_session_error():
            return self.journal.presence()

    # -- browser access: join codes, and drafts ----------------------------------------------

    def roles(self) -> list[str]:
        """Every role: the facilitator, an evaluator, then the teams."""
        return [FACILITATOR, cmd.EVALUATOR, *self.scenario.teams]

    def role_names(self) -> dict[str, str]:
        """Each role's name for people: Facilitator, Evaluator, each team's name."""
        return {FACILITATOR: "Facilitator", cmd.EVALUATOR: "Evaluator",
                **{t.id: t.name for t in self.scenario.teams.values()}}

    def issue_join_code(self, role: str) -> str:
        """A new random join code for ``role``; the old one stops working. Only its hash is kept."""
        self.check_role(role)
        code = access.new_code()
        salt, digest = access.hash_code(code)
        with _as_session_error():
            self.journal.set_code(role, salt, digest, access.now())
        return code

    def join(self, code: str, throttle: access.Throttle) -> str:
        """The role a join code opens; WrongCode (with the wait) if it opens none.

        ``throttle`` is the connection's own: its wrong codes make it, and only it, wait. Every
        check takes its turn among all connections' checks (``access.GUESS_GAP`` apart) and is
        slow on purpose, so this uses a connection of its own and may run in a worker thread.
        """
        throttle.begin()
        role = None
        try:
            if len(access.normalise(code)) == access.CODE_CHARS:  # anything else is wrong unchecked
                role = self._check_code(code)
        finally:
            wait = throttle.end(role is not None)
        if role is None:
            raise access.WrongCode(f"that code opens nothing here: wait {wait:.0f} s before trying again", wait)
        return role

    def _check_code(self, code: str) -> str | None:
        with _as_session_error():
            journal = self.journal.reopen()
            try:
                turn = journal.reserve_check(time.time(), access.GUESS_GAP)
                time.sleep(max(0.0, turn - access.GUESS_GAP - time.time()))  # wait for this check's turn
                for role, salt, digest in journal.codes():
                    if access.matches(code, salt, digest):
                        return role
            finally:
                if journal is not self.journal:
                    journal.close()
        return None

    def save_draft(self, role: str, draft: dict[str, Any]) -> None:
        """Keep what ``role`` is composing, so a closed tab or a restart loses nothing."""
        with _as_session_error():
            self.journal.save_draft(role, json.dumps(text.clean_fields(draft), ensure_ascii=False), access.now())

    def draft(self, role: str) -> dict[str, Any] | None:
        """The draft ``role`` left, if any."""
        with _as_session_error():
            data = self.journal.draft(role)
        return json.loads(data) if data is not None else None

    def clear_draft(self, role: str) -> None:
        with _as_session_error():
            self.journal.clear_draft(role)

    def events(self) -> list[ev.Event]:
        """Every event of the session, in order (what others committed folded in first)."""
        self.refresh()
        return list(self.log)

    def resolution_choices(self, item: str) -> list[str]:
        """How a commitment (c1...) or a deal (p1...) may be resolved, for a console's picker."""
        if item in self.state.commitments:
            return list(engine.COMMITMENT_STATUSES[self.state.commitments[item].kind])
        return ["violated"] if item in self.state.proposals else []

    def library(self) -> dict[str, Inject]:
        """Injects a facilitator may deliver by hand: the scenario's, then the bundled library's."""
        from .loading import load_library  # the inject files are read only when asked for

        library, _ = load_library()
        return {**self.scenario.injects, **{k: v for k, v in library.injects.items() if k not in self.scenario.injects}}

    def find_inject(self, inject_id: str) -> Inject:
        """An inject by id: one of the scenario's, else one from the bundled library."""
        injects = self.library()
        if inject_id not in injects:
            raise Unknown(f"no inject '{inject_id}' in the scenario or the library (known: {', '.join(sorted(injects))})")
        return injects[inject_id]

    # -- views ----------------------------------------------------------------------------

    def check_role(self, role: str) -> None:
        if role not in see.CONTROL and role not in self.scenario.teams:
            raise Unknown(f"unknown role '{role}' (facilitator, evaluator, or a team: {', '.join(self.scenario.teams)})")

    def seen_by(self, role: str, events: list[ev.Event]) -> list[ev.Event]:
        """The ones of ``events`` (already folded) that ``role`` may see, as ``view`` shows them."""
        self.check_role(role)
        return [e for e in events if see.sees_event(self.state, e, role)]

    def view(self, role: str = FACILITATOR, scope: str = "all", only: Iterable[str] | None = None) -> views.View:
        """What ``role`` may see: the facilitator everything, a team its share (``views.view_data``: as JSON).

        ``scope="now"``: only this turn and what is still open; ``only``: of the moves,
        injects, proposals and commitments, only these (``views.build_view``).
        """
        self.check_role(role)
        return views.build_view(self.scenario, self.state, role, scope, only)


# --- views -----------------------------------------------------------------------------------


def build_view(scenario: Scenario, state: GameState, role: str) -> dict[str, Any]:
    """The state as ``role`` sees it, as plain data: ``exercise.views``' typed view, unstructured."""
    return views.view_data(views.build_view(scenario, state, role))
