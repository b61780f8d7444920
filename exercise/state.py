"""The state of a session: what folding its events in order gives.

``GameState.apply`` is the only way state changes; it never decides anything and never
fails on an event the engine produced. It mutates in place, so replaying a long journal is
linear in its length.
"""

from __future__ import annotations

from attrs import define, field

from . import events as ev
from .model import ALL_TEAMS, Effects, Inject, Scenario


@define
class Move:
    id: str
    team: str
    kind: str
    headline: str
    turn: int
    targets: list[str]
    detail: str
    answers: str
    arguments: list[str]
    terms: list[str]
    status: str = "submitted"  # submitted, withdrawn, revealed
    ruling: ev.Ruled | None = None

    @property
    def revealed(self) -> bool:
        return self.status == "revealed"


@define
class Delivery:
    id: str
    inject: Inject
    recipients: list[str]
    turn: int
    entry: str

    def reaches(self, team: str) -> bool:
        return ALL_TEAMS in self.recipients or team in self.recipients


@define
class Proposal:
    id: str
    by: str
    origin: str
    title: str
    terms: list[str]
    parties: list[str]
    effects: Effects
    turn: int
    lapses_turn: int
    counter_of: str
    answers: dict[str, ev.Answer] = field(factory=dict)
    status: str = "open"  # open, deal, rejected, countered, lapsed, violated
    settled_turn: int = 0
    violated_by: str = ""


@define
class Commitment:
    id: str
    team: str
    kind: str
    move: str
    text: str
    turn: int
    targets: list[str]
    status: str = "open"
    note: str = ""
    resolved_turn: int = 0


@define
class Queued:
    entry: str
    inject: str
    reason: str
    recipients: list[str]


@define
class GameState:
    """Everything a session is now. Build with ``GameState.initial(scenario)``."""

    tracks: dict[str, int]
    flags: dict[str, bool]
    turn: int = 0
    phase: ev.Phase = ev.Phase.BRIEFING
    seq: int = 0  # events applied
    moves: dict[str, Move] = field(factory=dict)
    ready: set[str] = field(factory=set)
    queue: dict[str, Queued] = field(factory=dict)
    fired: set[str] = field(factory=set)  # MSEL entries queued at least once
    deliveries: dict[str, Delivery] = field(factory=dict)
    skipped: list[ev.InjectSkipped] = field(factory=list)
    proposals: dict[str, Proposal] = field(factory=dict)
    commitments: dict[str, Commitment] = field(factory=dict)
    conditions: dict[tuple[str, str, str], bool] = field(factory=dict)  # (kind, team, item)
    condition_log: list[ev.ConditionChanged] = field(factory=list)
    notes: list[ev.NoteAdded] = field(factory=list)
    history: list[tuple[int, str, int]] = field(factory=list)  # (turn, track, value) after each change
    end_state: str = ""
    ended_reason: str = ""
    _bounds: dict[str, tuple[int, int]] = field(factory=dict, repr=False, eq=False)  # track -> (min, max)

    @classmethod
    def initial(cls, scenario: Scenario) -> GameState:
        """The state before the first event: tracks and flags at their starting values."""
        state = cls(
            tracks={t.id: t.start for t in scenario.tracks.values()},
            flags={f.id: f.start for f in scenario.flags.values()},
        )
        state.history = [(0, name, value) for name, value in state.tracks.items()]
        state._bounds = {t.id: (t.min, t.max) for t in scenario.tracks.values()}
        return state

    # -- queries --------------------------------------------------------------------------

    def turn_moves(self, turn: int | None = None, team: str | None = None, live: bool = True) -> list[Move]:
        """Moves of a turn (default: this one), optionally of one team, without withdrawn ones."""
        turn = self.turn if turn is None else turn
        return [
            m for m in self.moves.values()
            if m.turn == turn and (team is None or m.team == team) and not (live and m.status == "withdrawn")
        ]

    def effects_after(self, effects: Effects) -> tuple[dict[str, int], dict[str, bool]]:
        """Tracks and flags as they would be after ``effects`` (clamped to the bounds)."""
        tracks = dict(self.tracks)
        for name, delta in effects.tracks.items():
            low, high = self._bounds.get(name, (-(2**31), 2**31))
            tracks[name] = max(low, min(high, tracks[name] + delta))
        return tracks, {**self.flags, **effects.flags}

    # -- the fold -------------------------------------------------------------------------

    def apply(self, event: ev.Event) -> None:
        """Fold one event into the state."""
        self.seq += 1
        handler = getattr(self, f"_on_{type(event).__name__}")
        handler(event)

    def _effects(self, effects: Effects) -> None:
        tracks, flags = self.effects_after(effects)
        for name, value in tracks.items():
            if value != self.tracks[name]:
                self.history.append((self.turn, name, value))
        self.tracks, self.flags = tracks, flags

    def _on_TurnStarted(self, e: ev.TurnStarted) -> None:
        self.turn = e.turn
        self.phase = ev.Phase.BRIEFING
        self.ready = set()

    def _on_InjectQueued(self, e: ev.InjectQueued) -> None:
        self.queue[e.entry] = Queued(e.entry, e.inject, e.reason, e.recipients)
        self.fired.add(e.entry)

    def _on_InjectDelivered(self, e: ev.InjectDelivered) -> None:
        self.queue.pop(e.entry, None)
        self.deliveries[e.delivery] = Delivery(e.delivery, e.inject, e.recipients, e.turn, e.entry)
        self._effects(e.inject.effects)

    def _on_InjectSkipped(self, e: ev.InjectSkipped) -> None:
        self.queue.pop(e.entry, None)
        self.skipped.append(e)

    def _on_PhaseChanged(self, e: ev.PhaseChanged) -> None:
        self.phase = e.phase
        if e.phase is ev.Phase.HOTWASH:
            self.ended_reason = e.reason

    def _on_MoveSubmitted(self, e: ev.MoveSubmitted) -> None:
        self.moves[e.move] = Move(
            e.move, e.team, e.kind, e.headline, e.turn, list(e.targets), e.detail, e.answers,
            list(e.arguments), list(e.terms),
        )
        self.ready.discard(e.team)

    def _on_MoveRevised(self, e: ev.MoveRevised) -> None:
        move = self.moves[e.move]
        move.headline, move.targets, move.detail = e.headline, list(e.targets), e.detail
        move.answers, move.arguments, move.terms = e.answers, list(e.arguments), list(e.terms)
        self.ready.discard(move.team)

    def _on_MoveWithdrawn(self, e: ev.MoveWithdrawn) -> None:
        move = self.moves[e.move]
        move.status = "withdrawn"
        self.ready.discard(move.team)

    def _on_ReadyChanged(self, e: ev.ReadyChanged) -> None:
        (self.ready.add if e.ready else self.ready.discard)(e.team)

    def _on_MovesRevealed(self, e: ev.MovesRevealed) -> None:
        for move_id in e.moves:
            self.moves[move_id].status = "revealed"

    def _on_Ruled(self, e: ev.Ruled) -> None:
        self.moves[e.move].ruling = e
        self._effects(e.effects)

    def _on_ProposalTabled(self, e: ev.ProposalTabled) -> None:
        self.proposals[e.proposal] = Proposal(
            e.proposal, e.by, e.origin, e.title, list(e.terms), list(e.parties), e.effects, e.turn,
            e.lapses_turn, e.counter_of,
        )

    def _on_ProposalAnswered(self, e: ev.ProposalAnswered) -> None:
        self.proposals[e.proposal].answers[e.team] = e.answer

    def _on_ProposalSettled(self, e: ev.ProposalSettled) -> None:
        proposal = self.proposals[e.proposal]
        proposal.status, proposal.settled_turn = e.outcome, e.turn
        if e.outcome == "violated":
            proposal.violated_by = e.by
        self._effects(e.effects)

    def _on_CommitmentOpened(self, e: ev.CommitmentOpened) -> None:
        self.commitments[e.commitment] = Commitment(
            e.commitment, e.team, e.kind, e.move, e.text, e.turn, list(e.targets)
        )

    def _on_CommitmentResolved(self, e: ev.CommitmentResolved) -> None:
        commitment = self.commitments[e.commitment]
        commitment.status, commitment.note, commitment.resolved_turn = e.status, e.note, e.turn

    def _on_ConditionChanged(self, e: ev.ConditionChanged) -> None:
        self.conditions[(e.kind, e.team, e.item)] = e.holds
        self.condition_log.append(e)

    def _on_NoteAdded(self, e: ev.NoteAdded) -> None:
        self.notes.append(e)

    def _on_GameEnded(self, e: ev.GameEnded) -> None:
        self.phase = ev.Phase.ENDED
        self.end_state = e.end_state
        if not self.ended_reason:
            self.ended_reason = e.reason


def replay(scenario: Scenario, events: list[ev.Event]) -> GameState:
    """The state that ``events`` give, from the start."""
    state = GameState.initial(scenario)
    for event in events:
        state.apply(event)
    return state
