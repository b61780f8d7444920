"""Conditions over time: the stretches an objective, red line or end state held, and their lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import events as ev
from ..model import Objective, RedLine, Scenario
from .names import Names, source_ref
from .results import ConditionItem, EndStateResult, Episode

if TYPE_CHECKING:
    from .walk import Walk


def episodes(changes: Sequence[tuple[int, bool, str]]) -> list[Episode]:
    """Stretches in which a condition held, from its (turn, holds, cause) changes in order."""
    out: list[Episode] = []
    start, cause = 0, ""
    for turn, holds, why in changes:
        if holds and not start:
            start, cause = turn or 1, why
        elif not holds and start:
            out.append(Episode(start, turn, cause))
            start = 0
    if start:
        out.append(Episode(start, 0, cause))
    return out


def condition_item(scenario: Scenario, names: Names, e: ev.ConditionChanged, cause: str) -> ConditionItem:
    """The timeline's line for a condition that came to hold or stopped holding."""
    text, source = e.item, None
    if e.kind == "end_state":
        end = scenario.end_states.get(e.item)
        headline = "End state reached" if e.holds else "End state no longer holds"
        if end is not None:
            text = end.label
            source = source_ref(scenario, end.source) if end.source else None
    else:
        team = scenario.teams.get(e.team)
        position = team.position if team else None
        if e.kind == "objective":
            headline = "Objective met" if e.holds else "Objective no longer met"
            found: Objective | RedLine | None = (
                next((o for o in position.objectives if o.id == e.item), None) if position else None)
        else:
            headline = "Red line crossed" if e.holds else "Red line no longer crossed"
            found = next((r for r in position.red_lines if r.id == e.item), None) if position else None
        if found is not None:
            text = found.text
            source = source_ref(scenario, found.source)
    return ConditionItem("condition", e.item, e.turn, e.kind, e.team, names.team(e.team) if e.team else "",
                         e.holds, headline, text, source, cause)


def end_state_results(walk: Walk) -> list[EndStateResult]:
    """Every end state of the scenario: whether the game ended in it, when it held."""
    out = []
    for es in walk.scenario.end_states.values():
        held, at_end = walk.episodes("end_state", "", es.id)
        out.append(EndStateResult(
            es.id, es.label, es.description, source_ref(walk.scenario, es.source) if es.source else None,
            es.quote, es.when, walk.state.end_state == es.id, at_end, held[-1].start if held else 0, held,
        ))
    return out
