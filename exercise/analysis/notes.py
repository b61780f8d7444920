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
    """The plan notes as items: issue and corrective action (see ``measures.MEASURES['plan']``).

    A plan note without ``ISSUE :: ACTION`` takes as its issue the earliest area for improvement
    about the same team, noted before it, that no plan item has taken yet: improvements noted
    first and their actions after pair in the order they were written. When every earlier one
    is taken, it is a further action on the latest of them."""
    out: list[PlanItem] = []
    improvements: dict[str, list[str]] = {}  # team -> the texts of its improvement notes so far
    untaken: dict[str, list[int]] = {}  # team -> the indexes of those no plan item has taken yet
    for note in notes:
        noted = improvements.setdefault(note.team, [])
        free = untaken.setdefault(note.team, [])
        if note.category == "improvement":
            free.append(len(noted))
            noted.append(note.text)
        elif note.category == "plan":
            if PLAN_SEPARATOR in note.text:
                issue, _, action = note.text.partition(PLAN_SEPARATOR)
                issue, action, origin = issue.strip(), action.strip(), "text"
                named = next((i for i in free if noted[i] == issue), None)
                if named is not None:  # it names an improvement noted before: that one is taken
                    free.remove(named)
            else:
                action = note.text
                issue = noted[free.pop(0)] if free else (noted[-1] if noted else "")
                origin = "improvement note" if issue else "none"
            out.append(PlanItem(len(out) + 1, issue, origin, action, note.owner, note.due, note.team,
                                note.team_name, note.turn))
    return out
