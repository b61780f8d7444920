"""The frame a console shows while it loads the game: its header, from the session's cover.

Loading the rules, the state and a console's hundred widgets takes about a second; drawn
from ``exercise.cover`` this frame comes at once, with where the game stands. Keys typed
meanwhile are kept for the console (``ConsoleApp``). This module imports only what that
frame needs.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Header, Static

from ..cover import Cover


def console_title(role: str, heading: str, team_name: str | None = None, ready: bool = False) -> str:
    """A console's header line: ``United States · Turn 1 of 7 · ... · ready`` for a team,
    ``Turn 1 of 7 · ... · facilitator`` for control."""
    if team_name is not None:
        return f"{team_name} · {heading}" + (" · ready" if ready else "")
    return f"{heading} · {role}"


def opening(app: App, cover: Cover, role: str) -> ComposeResult:
    """The frame, on ``app``'s first screen: the console's header, and a line saying what loads."""
    app.title = console_title(role, cover.heading, cover.teams.get(role))
    app.sub_title = cover.title
    yield Header(classes="opening")
    who = cover.teams.get(role) or f"the {role}"
    yield Static(f"Opening the console for {who}…", id="opening", classes="opening", markup=False)
