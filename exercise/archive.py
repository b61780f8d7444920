"""A whole session as one readable TOML file (tomli-w), and back into a session file.

The archive holds the scenario, the seed, every event in order and the final state as the
facilitator sees it. No wall-clock time goes in, so the same seed and commands give the same
bytes. Importing replays the events into a new session file and checks that the replay
reaches the archived final state.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from . import serial
from .session import FACILITATOR, Session, SessionError, build_view
from .state import GameState

FORMAT = "exercise-session-archive"
VERSION = 1


class ArchiveError(Exception):
    """An archive that cannot be imported; the message names the file and what is wrong."""


def _strip_none(data: Any) -> Any:
    """TOML has no null: drop None values (every such field defaults to None on the way back)."""
    if isinstance(data, dict):
        return {k: _strip_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_strip_none(v) for v in data]
    return data


def export_data(session: Session) -> dict[str, Any]:
    """The archive of a session as plain data."""
    events = [{"type": t, **d} for t, d in map(serial.event_data, session.events())]
    return _strip_none({
        "format": FORMAT,
        "version": VERSION,
        "seed": session.seed,
        "scenario_hash": serial.scenario_hash(session.scenario),
        "scenario": serial.scenario_data(session.scenario),
        "events": events,
        "final_state": build_view(session.scenario, session.state, FACILITATOR),
    })


def export_text(session: Session) -> str:
    """The archive of a session as TOML text."""
    session.refresh()
    return tomli_w.dumps(export_data(session), multiline_strings=True)


def import_archive(path: Path, session_path: Path | None = None) -> Session:
    """A new session file replaying the archive at ``path``; ArchiveError if it cannot."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ArchiveError(f"{path}: cannot be read as TOML ({exc})") from None
    except RecursionError:  # the TOML parser recurses once per level of nesting
        raise ArchiveError(f"{path}: is nested too deep to be a session archive (export it again)") from None
    if data.get("format") != FORMAT:
        raise ArchiveError(f"{path}: not a session archive (no format = \"{FORMAT}\"; make one with 'exercise export')")
    if data.get("version") != VERSION:
        raise ArchiveError(f"{path}: archive version {data.get('version')!r}; this exercise reads version {VERSION}")
    try:
        scenario = serial.scenario_from(data["scenario"])
        seed = int(data["seed"])
        events = [serial.event_from(e.pop("type"), e) for e in data["events"]]
    except Exception as exc:  # noqa: BLE001 - any malformed content is one message for the user
        raise ArchiveError(f"{path}: the archive's content is malformed ({type(exc).__name__}: {exc})") from None
    if data.get("scenario_hash") != serial.scenario_hash(scenario):
        raise ArchiveError(f"{path}: the scenario does not match its recorded hash (the archive was edited or damaged)")
    replayed = GameState.initial(scenario)
    try:
        for event in events:
            replayed.apply(event)
    except (KeyError, AttributeError, TypeError) as exc:
        raise ArchiveError(f"{path}: event {replayed.seq} does not follow from the ones before it ({exc})") from None
    expected = data.get("final_state")
    if expected is not None and _strip_none(build_view(scenario, replayed, FACILITATOR)) != expected:
        raise ArchiveError(f"{path}: replaying the events does not reach the archived final state")
    target = session_path or path.with_suffix(".session")
    try:
        return Session.create(target, scenario, seed, events=events)
    except SessionError as exc:
        raise ArchiveError(str(exc)) from None
