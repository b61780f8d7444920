"""One pass over the journal: the timeline, and what each effect-bearing event actually changed.

The changes themselves are the state fold's (``GameState.ledger.changes``, one per event that
carries effects, found by its seq); the walk only names their causes and places them in turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrs import evolve, frozen

from .. import adjudication
from .. import events as ev
from ..model import Scenario
from ..state import Change, GameState
from .conditions import condition_item, episodes
from .names import Names, applied_in_full, change_text, effects_text, has_effects, source_ref
from .results import (
    Episode,
    EventItem,
    InjectItem,
    MoveItem,
    RulingInfo,
    SkippedItem,
    StateChange,
    TurnRecord,
)

COMMITMENT_STATUS_TEXT = {
    "open": "still open at the end", "carried_out": "carried out", "withdrawn": "withdrawn",
    "lapsed": "lapsed", "reciprocated": "reciprocated", "unreciprocated": "not reciprocated",
}


def ruling_info(ruling: ev.Ruled, effects: str | None = None) -> RulingInfo:
    """A ruling for the report; ``effects`` is what it actually changed (default: what it asked)."""
    return RulingInfo(ruling.method, ruling.outcome.value, ruling.narrative,
                      effects_text(ruling.effects) if effects is None else effects,
                      adjudication.dice_text(ruling, long=True), ruling.public)


@frozen
class _MovePlaceholder:
    """Where a revealed move goes in the timeline; filled in from the final state."""

    move: str


class Walk:
    """The timeline, the cause of each change, condition changes, answers and settlements."""

    def __init__(self, scenario: Scenario, state: GameState, names: Names):
        self.scenario, self.state, self.names = scenario, state, names
        self.game_date = getattr(scenario.info, "game_date", None)
        self.change_at: dict[int, Change] = {c.seq: c for c in state.ledger.changes}
        self.seq = 0
        self.timeline: list[TurnRecord] = []
        self.items: list[Any] = []  # the turn's timeline items, and placeholders for its moves
        self.turn, self.hotwash = 0, False
        self.queued_why: dict[str, str] = {}
        self.move_commitment: dict[str, str] = {}
        self.move_proposal: dict[str, str] = {}
        self.ruling_change: dict[str, Change] = {}  # move -> what its (latest) ruling changed
        self.violation_change: dict[str, Change] = {}  # proposal -> what its breach changed
        self.condition_changes: dict[tuple[str, str, str], list[tuple[int, bool, str]]] = {}
        self.changes: list[StateChange] = []
        self.cause_at: dict[int, str] = {}  # seq -> the cause of what that event changed
        self.causes: list[str] = []  # what moved tracks or flags in the command being read
        self.previous = ""  # the type of the event before this one
        self.settled: dict[str, ev.ProposalSettled] = {}
        self.answers: dict[str, dict[str, ev.ProposalAnswered]] = {}
        self.responded: set[str] = set()  # teams that answered a proposal (not their own): accept, reject, counter

    def run(self, events: Iterable[ev.Event]) -> None:
        for self.seq, event in enumerate(events, start=1):
            handler = getattr(self, f"on_{type(event).__name__}", None)
            if handler is not None:
                handler(event)
            self.previous = type(event).__name__
        self.close_turn()

    # -- bookkeeping ----------------------------------------------------------------------------------

    def close_turn(self) -> None:
        if self.turn == 0 and not self.items:
            return
        date = ""
        if self.game_date is not None and not self.hotwash:
            day = self.game_date(self.turn)
            date = day.isoformat() if day else ""
        label = "Hotwash" if self.hotwash else f"Turn {self.turn}"
        self.timeline.append(TurnRecord(self.turn, label, self.hotwash, date, list(self.items)))
        self.items.clear()

    def change(self, ref: str, cause: str, batch: bool = False) -> Change | None:
        """The fold's record of what this event changed; noted as a cause and a state change.

        Conditions are checked once a command's events apply. Deliveries made by one 'advance'
        are one batch, so every one of them that moved something is named as the cause."""
        if not batch:
            self.causes.clear()
        change = self.change_at.get(self.seq)
        if change is None or not has_effects(change.intended):
            return change
        if change.moved:
            self.causes.append(cause)
            self.cause_at[change.seq] = cause
        self.changes.append(StateChange(change.turn, ref, cause, self.change_text(change),
                                        effects_text(change.intended), applied_in_full(change)))
        return change

    def change_text(self, change: Change | None) -> str:
        return "" if change is None else change_text(change, self.state.ledger.bounds)

    def event_item(self, kind: str, ref: str, team: str, text: str) -> None:
        team_id = team if team in self.scenario.teams else ""
        name = self.names.team(team) if team else ""
        self.items.append(EventItem(kind, ref, self.turn, team_id, name, text))

    # -- events ---------------------------------------------------------------------------------------

    def on_TurnStarted(self, e: ev.TurnStarted) -> None:
        self.close_turn()
        self.turn, self.hotwash = e.turn, False
        self.causes[:] = [f"turn {e.turn} began"]

    def on_PhaseChanged(self, e: ev.PhaseChanged) -> None:
        if e.phase is ev.Phase.HOTWASH:
            self.close_turn()
            self.hotwash = True
            self.event_item("hotwash", "", "", "to the hotwash" + (f": {e.reason}" if e.reason else ""))

    def on_InjectQueued(self, e: ev.InjectQueued) -> None:
        self.queued_why[e.entry] = e.reason

    def on_InjectDelivered(self, e: ev.InjectDelivered) -> None:
        inject = e.inject
        why = self.queued_why.get(e.entry, "") if e.entry else "delivered by hand by the facilitator"
        change = self.change(e.delivery, f"inject {e.delivery}: {inject.title}",
                             batch=self.previous in ("InjectDelivered", "ProposalTabled"))
        self.items.append(InjectItem(
            "inject", e.delivery, self.turn, e.entry, inject.id, inject.title, inject.sender, inject.channel,
            inject.kind.value, self.names.recipients(e.recipients), why,
            source_ref(self.scenario, inject.source), inject.quote, list(inject.expected_actions), "",
            self.change_text(change) if has_effects(inject.effects) else "",
        ))

    def on_InjectSkipped(self, e: ev.InjectSkipped) -> None:
        entry = next((m for m in self.scenario.msel if m.id == e.entry), None)
        inject = self.scenario.injects.get(entry.inject) if entry else None
        title = inject.title if inject else e.entry
        source = source_ref(self.scenario, inject.source) if inject else None
        self.items.append(SkippedItem("skipped", e.entry, self.turn, title, e.reason, source))

    def on_MovesRevealed(self, e: ev.MovesRevealed) -> None:
        self.items += [_MovePlaceholder(move) for move in e.moves]

    def on_Ruled(self, e: ev.Ruled) -> None:
        move = self.state.moves.get(e.move)
        what = f"{self.names.team(move.team)}: {move.headline}" if move else ""
        change = self.change(e.move, f"ruling on {e.move} ({what})")
        if change is not None:
            self.ruling_change[e.move] = change

    def on_CommitmentOpened(self, e: ev.CommitmentOpened) -> None:
        self.move_commitment[e.move] = e.commitment

    def on_ProposalTabled(self, e: ev.ProposalTabled) -> None:
        if e.origin in self.state.moves:
            self.move_proposal[e.origin] = e.proposal
        for i in range(len(self.items) - 1, -1, -1):  # an inject's proposal is shown with the inject
            item = self.items[i]
            if isinstance(item, InjectItem) and item.ref == e.origin:
                self.items[i] = evolve(item, proposal=e.proposal)
                break
        if e.counter_of:  # one from an inject or a move is shown with it
            parties = ", ".join(self.names.team(t) for t in e.parties)
            self.event_item("proposal", e.proposal, e.by, f"counter-proposal to {e.counter_of} tabled by "
                            f"{self.names.team(e.by)} (parties: {parties}): {e.title}")

    def on_ProposalAnswered(self, e: ev.ProposalAnswered) -> None:
        self.answers.setdefault(e.proposal, {})[e.team] = e
        proposal = self.state.proposals.get(e.proposal)
        if e.note == "proposer" and proposal is not None and proposal.by == e.team:
            return  # a team's own proposal counts as accepted by it; not worth a line
        self.responded.add(e.team)
        text = f"{self.names.team(e.team)} answers: {e.answer.value}" + (f" ({e.note})" if e.note else "")
        self.event_item("answer", e.proposal, e.team, text)

    def on_ProposalSettled(self, e: ev.ProposalSettled) -> None:
        self.settled[e.proposal] = e
        proposal = self.state.proposals.get(e.proposal)
        title = proposal.title if proposal else e.proposal
        if e.status == "violated":
            cause = f"deal {e.proposal} violated by {self.names.team(e.by)}: {title}"
        else:
            cause = f"deal {e.proposal}: {title}"
        change = self.change(e.proposal, cause)
        effects = self.change_text(change) if has_effects(e.effects) else ""
        if e.status == "deal":
            text = f"a deal: {title} (effects: {effects or 'no effect'})"
        elif e.status == "violated":
            text = f"deal violated by {self.names.team(e.by)}: {title}" + (f" (effects: {effects})" if effects else "")
            if change is not None:
                self.violation_change[e.proposal] = change
        else:
            text = f"{e.status}{' by ' + self.names.team(e.by) if e.by else ''}: {title}"
        self.event_item("settled", e.proposal, e.by, text + (f" \u2014 {e.note}" if e.note else ""))

    def on_CommitmentResolved(self, e: ev.CommitmentResolved) -> None:
        commitment = self.state.commitments.get(e.commitment)
        team = commitment.team if commitment else ""
        what = e.commitment
        if commitment is not None:
            what = f"{commitment.kind} by {self.names.team(team)}: {commitment.text}"
        status = COMMITMENT_STATUS_TEXT.get(e.status, e.status)
        text = f"{status}: {what}" + (f" ({e.note})" if e.note else "")
        self.event_item("resolved", e.commitment, team, text)

    def on_ConditionChanged(self, e: ev.ConditionChanged) -> None:
        cause = "; ".join(self.causes)
        self.condition_changes.setdefault((e.kind, e.team, e.item), []).append((e.turn, e.holds, cause))
        self.items.append(condition_item(self.scenario, self.names, e, cause))

    def on_NoteAdded(self, e: ev.NoteAdded) -> None:
        if e.category == "log":
            self.event_item("note", "", e.author, f"by {self.names.team(e.author)}: {e.text}")

    def on_GameEnded(self, e: ev.GameEnded) -> None:
        end = self.scenario.end_states.get(e.end_state)
        label = end.label if end else "no end state reached"
        self.event_item("ended", "", "", f"the game ended ({e.reason}): {label}")

    # -- results --------------------------------------------------------------------------------------

    def move_item(self, move_id: str) -> MoveItem:
        m, names = self.state.moves[move_id], self.names
        ruling = None
        if m.ruling is not None:
            change = self.ruling_change.get(m.id)
            ruling = ruling_info(m.ruling, self.change_text(change) if change is not None else None)
        return MoveItem(
            "move", m.id, m.turn, m.team, names.team(m.team), m.kind, names.kind(m.kind), m.headline,
            m.detail, names.recipients(m.targets) if m.targets else "", list(m.terms), list(m.arguments),
            m.answers, m.status, ruling, self.move_commitment.get(m.id, ""), self.move_proposal.get(m.id, ""),
        )

    def final_timeline(self) -> list[TurnRecord]:
        """The timeline with each revealed move as it finally stands (revisions, its ruling).

        Moves still hidden (submitted while moves are open) stay out: an interim report may be
        shared, and a team's hidden move is its own. The team results count them."""
        return [
            evolve(r, items=[self.move_item(i.move) if isinstance(i, _MovePlaceholder) else i
                             for i in r.items])
            for r in self.timeline
        ]

    def episodes(self, kind: str, team: str, item: str) -> tuple[list[Episode], bool]:
        """Stretches in which a condition held, and whether it holds in the final state."""
        return (episodes(self.condition_changes.get((kind, team, item), [])),
                self.state.conditions.get((kind, team, item), False))
