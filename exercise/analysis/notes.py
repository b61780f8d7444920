"""Hotwash and log notes, and the improvement plan drawn from them."""

from __future__ import annotations

from ..state import GameState
from .measures import PLAN_SEPARATOR
from .names import Names
from .results import NoteItem, PlanItem


def note_items(state: GameState, names: Names) -> list[NoteItem]:
    return [NoteItem(n.author, names.team(n.author), n.text, n.turn, n.category, n.team,
                     names.team(n.team) if n.team else "", n.owner, n.due) for n in state.notes]


def plan(notes: list[NoteItem]) -> list[PlanItem]:
    """The plan notes as items: issue and corrective action (see ``measures.MEASURES['plan']``)."""
    out: list[PlanItem] = []
    latest_improvement: dict[str, str] = {}  # team -> text of the latest improvement note so far
    for note in notes:
        if note.category == "improvement":
            latest_improvement[note.team] = note.text
        elif note.category == "plan":
            if PLAN_SEPARATOR in note.text:
                issue, _, action = note.text.partition(PLAN_SEPARATOR)
                issue, action, origin = issue.strip(), action.strip(), "text"
            else:
                action = note.text
                issue = latest_improvement.get(note.team, "")
                origin = "improvement note" if issue else "none"
            out.append(PlanItem(len(out) + 1, issue, origin, action, note.owner, note.due, note.team,
                                note.team_name, note.turn))
    return out
