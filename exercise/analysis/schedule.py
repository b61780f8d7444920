"""Before the game: the situation manual's schedule of what every team is sent, turn by turn."""

from __future__ import annotations

from attrs import frozen

from ..model import ALL_TEAMS, Scenario
from .names import source_ref
from .results import SourceRef


@frozen
class ScheduledInject:
    entry: str
    title: str
    sender: str
    channel: str
    inject_kind: str
    source: SourceRef
    quote: str
    questions: list[str]
    proposal: bool


@frozen
class Module:
    """One turn of the game as the situation manual presents it."""

    turn: int
    game_date: str
    injects: list[ScheduledInject]

    @property
    def questions(self) -> list[str]:
        return [q for inject in self.injects for q in inject.questions]


def schedule(scenario: Scenario) -> list[Module]:
    """The modules (turns) and what is scheduled publicly in each.

    Public means: scheduled for a turn (not on a condition or after a move) and addressed to
    every team. Controller notes and expected actions are left out.
    """
    game_date = getattr(scenario.info, "game_date", None)
    modules = []
    for turn in range(1, scenario.info.turns + 1):
        injects = []
        for entry in scenario.msel:
            if entry.turn != turn or entry.inject not in scenario.injects:
                continue
            inject = scenario.injects[entry.inject]
            recipients = entry.recipients if entry.recipients is not None else inject.recipients
            if ALL_TEAMS not in recipients:
                continue
            injects.append(ScheduledInject(
                entry.id, inject.title, inject.sender, inject.channel, inject.kind.value,
                source_ref(scenario, inject.source), inject.quote, list(inject.questions),
                inject.proposal is not None,
            ))
        day = game_date(turn) if game_date is not None else None
        modules.append(Module(turn, day.isoformat() if day else "", injects))
    return modules
