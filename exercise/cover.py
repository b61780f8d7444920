"""A session's cover: where its game stands, in a few words, kept beside the journal.

The session writes it after each commit (``Session``); a console reads it to draw its first
frame before it has loaded the game (which takes a second: the rules, the state, the
widgets). It says only what every role sees in a console's header: the scenario's title,
the turn, the game date and the phase, and the teams' names.

Reading needs nothing but ``sqlite3``, so that it costs almost nothing at start. A cover
that cannot be read, or is behind the journal (a commit between the journal and its cover,
a file from before covers), is None: the console then opens the usual way.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

APPLICATION = "exercise-session"  # the session file's mark (exercise.store's meta)
TABLE = "cover"
COLUMNS = "id INTEGER PRIMARY KEY CHECK (id = 0), seq INTEGER NOT NULL, data TEXT NOT NULL"
SAVE = f"INSERT OR REPLACE INTO {TABLE} (id, seq, data) VALUES (0, ?, ?)"
_READ = (f"SELECT (SELECT value FROM meta WHERE key = 'application'), c.seq, c.data, "
         f"(SELECT max(seq) FROM events) FROM {TABLE} c")


@dataclass(frozen=True)
class Cover:
    """What a console's header says before the game has loaded."""

    title: str  # the scenario's
    heading: str  # "Turn 2 of 7 · 2 April 2025 · moves open"
    teams: dict[str, str]  # id -> name, in the scenario's order


def data(title: str, heading: str, teams: dict[str, str]) -> str:
    """The cover as stored."""
    return json.dumps({"title": title, "heading": heading, "teams": teams}, ensure_ascii=False)


def read(path: Path | str) -> Cover | None:
    """The cover of the session file at ``path``, if it is there and says where the game is now."""
    try:
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except (sqlite3.Error, ValueError, OSError):
        return None
    try:
        row = con.execute(_READ).fetchone()
        if row is None or row[0] != APPLICATION or row[1] != row[3]:
            return None
        stored = json.loads(row[2])
        cover = Cover(stored["title"], stored["heading"], dict(stored["teams"]))
        if not all(isinstance(v, str) for v in (cover.title, cover.heading, *cover.teams, *cover.teams.values())):
            return None
        return cover
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    finally:
        con.close()
