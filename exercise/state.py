"""The state of a session: what folding its events in order gives.

``GameState.apply`` is the only way state changes; it never decides anything and never
fails on an event the engine produced. It mutates in place, so replaying a long journal is
linear in its length.
"""

from __future__ import annotations

from typing import Any

from attrs import define, field

from . import events as ev
from .model import ALL_TEAMS, Effects, Inject, Scenario
from .packed import PackedDict, PackedList

# The state's classes (getstate_setstate=False) pickle the plain way: a snapshot holds tens of
# thousands of them, and attrs' own __setstate__ is Python run once per object.


@define(getstate_setstate=False)
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
    status: ev.MoveStatus = ev.MoveStatus.SUBMITTED
    ruling: ev.Ruled | None = None

    @property
    def revealed(self) -> bool:
        return self.status is ev.MoveStatus.REVEALED


@define(getstate_setstate=False)
class Delivery:
    id: str
    inject: Inject
    recipients: list[str]
    turn: int
    entry: str

    def reaches(self, team: str) -> bool:
        return ALL_TEAMS in self.recipients or team in self.recipients


@define(getstate_setstate=False)
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
    status: ev.ProposalStatus = ev.ProposalStatus.OPEN
    settled_turn: int = 0
    violated_by: str = ""
    made: Change | None = None  # what the deal changed when it was made (undone if it is violated)


@define(getstate_setstate=False)
class Commitment:
    id: str
    team: str
    kind: str
    move: str
    text: str
    turn: int
    targets: list[str]
    status: ev.CommitmentStatus = ev.CommitmentStatus.OPEN
    note: str = ""
    resolved_turn: int = 0


@define(getstate_setstate=False)
class Queued:
    entry: str
    inject: str
    reason: str
    recipients: list[str]
    proposal: str = ""


@define(getstate_setstate=False)
class Change:
    """What one event's effects actually did: each track and flag moved, (before, after).

    ``intended`` is what the effects asked; a track at its bound moves less, or not at all.
    """

    seq: int
    turn: int
    cause: str  # the delivery, move or proposal whose effects these were (d1, m2, p3)
    intended: Effects
    tracks: dict[str, tuple[int, int]]
    flags: dict[str, tuple[bool, bool]]

    @property
    def moved(self) -> bool:
        return bool(self.tracks or self.flags)

    def undone(self) -> Effects:
        """The effects that take back this change: the track deltas reversed, flags as they were."""
        return Effects({name: before - after for name, (before, after) in self.tracks.items()},
                       {name: before for name, (before, _) in self.flags.items()})


def _effects_of(event: ev.Event) -> tuple[str, Effects] | None:
    """The effects an event carries and what they are named after, if it carries any."""
    match event:
        case ev.InjectDelivered(delivery=ref, inject=inject):
            return ref, inject.effects
        case ev.Ruled(move=ref, effects=effects) | ev.ProposalSettled(proposal=ref, effects=effects):
            return ref, effects
    return None


@define(getstate_setstate=False)
class Ledger:
    """The part of the state conditions read (tracks, flags, turn, phase), and its history.

    The one place effects are applied: the fold applies every event here, and the engine
    applies the events it is deciding to a copy (``preview``) to see what they would do.
    """

    tracks: dict[str, int]
    flags: dict[str, bool]
    bounds: dict[str, tuple[int, int]]  # track -> (min, max)
    turn: int = 0
    phase: ev.Phase = ev.Phase.BRIEFING
    changes: PackedList[Change] = field(factory=PackedList)
    history: list[tuple[int, str, int]] = field(factory=list)  # (turn, track, value) after each change
    flag_history: list[tuple[int, str, bool]] = field(factory=list)  # (turn, flag, value) likewise
    peaks: dict[tuple[int, str], tuple[int, int]] = field(factory=dict)  # (turn, track) -> (low, high) in it
    openings: dict[int, dict[str, int]] = field(factory=dict)  # turn -> the tracks as it began

    @classmethod
    def initial(cls, scenario: Scenario) -> Ledger:
        ledger = cls(
            tracks={t.id: t.start for t in scenario.tracks.values()},
            flags={f.id: f.start for f in scenario.flags.values()},
            bounds={t.id: (t.min, t.max) for t in scenario.tracks.values()},
        )
        ledger.history = [(0, name, value) for name, value in ledger.tracks.items()]
        ledger.flag_history = [(0, name, value) for name, value in ledger.flags.items()]
        return ledger

    def preview(self) -> Ledger:
        """A copy to apply events to without touching this one (its history starts empty)."""
        return Ledger(dict(self.tracks), dict(self.flags), self.bounds, self.turn, self.phase)

    def apply(self, event: ev.Event, seq: int) -> Change | None:
        """Fold one event in; returns what its effects changed, if it carries effects."""
        match event:
            case ev.TurnStarted(turn=turn):
                self.turn, self.phase = turn, ev.Phase.BRIEFING
                self.openings[turn] = dict(self.tracks)
            case ev.PhaseChanged(phase=phase):
                self.phase = phase
            case ev.GameEnded():
                self.phase = ev.Phase.ENDED
        found = _effects_of(event)
        return None if found is None else self.apply_effects(found[1], found[0], seq)

    def apply_effects(self, effects: Effects, cause: str, seq: int = 0) -> Change:
        tracks: dict[str, tuple[int, int]] = {}
        flags: dict[str, tuple[bool, bool]] = {}
        for name, delta in effects.tracks.items():
            before = self.tracks[name]
            low, high = self.bounds.get(name, (-(2**31), 2**31))
            after = max(low, min(high, before + delta))
            if after != before:
                tracks[name] = (before, after)
                self.tracks[name] = after
                self.history.append((self.turn, name, after))
                key = (self.turn, name)
                low_seen, high_seen = self.peaks.get(key, (before, before))
                self.peaks[key] = (min(low_seen, after), max(high_seen, after))
        for name, value in effects.flags.items():
            before = self.flags[name]
            if value != before:
                flags[name] = (before, value)
                self.flags[name] = value
                self.flag_history.append((self.turn, name, value))
        change = Change(seq, self.turn, cause, effects, tracks, flags)
        self.changes.append(change)
        return change


@define(getstate_setstate=False)
class Evaluation:
    """What control recorded to evaluate the exercise, and the teams' feedback (issue 12)."""

    ratings: dict[str, ev.ObjectiveRated] = field(factory=dict)  # objective -> its latest rating
    rating_log: list[ev.ObjectiveRated] = field(factory=list)
    observations: list[ev.ObservationRecorded] = field(factory=list)
    expected: dict[tuple[str, int, str], ev.ExpectedActionMarked] = field(factory=dict)  # (delivery, action, team)
    feedback: list[ev.FeedbackGiven] = field(factory=list)
    summary: ev.SummaryWritten | None = None
    findings: dict[str, ev.FindingRecorded] = field(factory=dict)  # the findings not taken out, in order
    findings_made: int = 0
    plan: dict[str, ev.PlanItemRecorded] = field(factory=dict)


@define(getstate_setstate=False)
class GameState:
    """Everything a session is now. Build with ``GameState.initial(scenario)``."""

    ledger: Ledger
    seq: int = 0  # events applied
    moves: PackedDict[str, Move] = field(factory=PackedDict)
    ready: set[str] = field(factory=set)
    queue: dict[str, Queued] = field(factory=dict)
    fired: set[str] = field(factory=set)  # MSEL entries queued at least once
    deliveries: PackedDict[str, Delivery] = field(factory=PackedDict)
    skipped: list[ev.InjectSkipped] = field(factory=list)
    proposals: PackedDict[str, Proposal] = field(factory=PackedDict)
    commitments: PackedDict[str, Commitment] = field(factory=PackedDict)
    # Indexes, so that a command reads only what it needs and the rest may stay packed:
    turn_items: dict[int, list[str]] = field(factory=dict)  # turn -> the moves and deliveries made in it
    current: dict[str, None] = field(factory=dict)  # proposals and commitments open or in force, or settled this turn
    conditions: dict[tuple[str, str, str], bool] = field(factory=dict)  # (kind, team, item)
    condition_log: list[ev.ConditionChanged] = field(factory=list)
    notes: list[ev.NoteAdded] = field(factory=list)
    first_end_state: str = ""  # the first end state reached in play: the outcome (first reached wins)
    end_state: str = ""  # the outcome recorded when the game ended
    ended_reason: str = ""
    bots: dict[str, str] = field(factory=dict)  # team -> the advisor brief its bot follows ("": none), while a bot has it
    handoffs: list[ev.TeamHandedOver] = field(factory=list)
    evaluation: Evaluation = field(factory=Evaluation)
    _change: Change | None = field(default=None, repr=False, eq=False)  # what the event being folded changed

    @classmethod
    def initial(cls, scenario: Scenario) -> GameState:
        """The state before the first event: tracks and flags at their starting values."""
        return cls(Ledger.initial(scenario))

    @property
    def tracks(self) -> dict[str, int]:
        return self.ledger.tracks

    @property
    def flags(self) -> dict[str, bool]:
        return self.ledger.flags

    @property
    def turn(self) -> int:
        return self.ledger.turn

    @property
    def phase(self) -> ev.Phase:
        return self.ledger.phase

    @property
    def history(self) -> list[tuple[int, str, int]]:
        return self.ledger.history

    # -- queries --------------------------------------------------------------------------

    def turn_moves(self, turn: int | None = None, team: str | None = None, live: bool = True) -> list[Move]:
        """Moves of a turn (default: this one), optionally of one team, without withdrawn ones."""
        ids = self.turn_items.get(self.turn if turn is None else turn, ())
        moves = (self.moves[i] for i in ids if i in self.moves)
        return [m for m in moves if (team is None or m.team == team) and not (live and m.status == "withdrawn")]

    def turn_deliveries(self, turn: int | None = None) -> list[Delivery]:
        """Injects delivered in a turn (default: this one)."""
        ids = self.turn_items.get(self.turn if turn is None else turn, ())
        return [self.deliveries[i] for i in ids if i in self.deliveries]

    def current_proposals(self) -> list[Proposal]:
        """Proposals still open, deals in force, and those settled this turn."""
        return [self.proposals[i] for i in self.current if i in self.proposals]

    def current_commitments(self) -> list[Commitment]:
        """Commitments still open, and those resolved this turn."""
        return [self.commitments[i] for i in self.current if i in self.commitments]

    def packed_records(self) -> tuple[PackedDict[str, Any] | PackedList[Any], ...]:
        """The long records, whose items a snapshot keeps packed."""
        return self.moves, self.deliveries, self.proposals, self.commitments, self.ledger.changes

    # -- the fold -------------------------------------------------------------------------

    def apply(self, event: ev.Event) -> None:
        """Fold one event into the state."""
        self.seq += 1
        self._change = self.ledger.apply(event, self.seq)
        handler = getattr(self, f"_on_{type(event).__name__}")
        handler(event)

    def _on_TurnStarted(self, e: ev.TurnStarted) -> None:
        self.ready = set()
        self.current = {i: None for i in self.current if self._in_play(i)}

    def _in_play(self, item: str) -> bool:
        found: Proposal | Commitment | None = self.proposals.get(item) or self.commitments.get(item)
        return found is not None and found.status in ("open", "deal")  # a deal may yet be violated

    def _made_in_turn(self, item: str, turn: int) -> None:
        self.turn_items.setdefault(turn, []).append(item)

    def _on_InjectQueued(self, e: ev.InjectQueued) -> None:
        self.queue[e.entry] = Queued(e.entry, e.inject, e.reason, e.recipients, e.proposal)
        self.fired.add(e.entry)

    def _on_InjectDelivered(self, e: ev.InjectDelivered) -> None:
        self.queue.pop(e.entry, None)
        self.deliveries[e.delivery] = Delivery(e.delivery, e.inject, e.recipients, e.turn, e.entry)
        self._made_in_turn(e.delivery, e.turn)

    def _on_InjectSkipped(self, e: ev.InjectSkipped) -> None:
        self.queue.pop(e.entry, None)
        self.skipped.append(e)

    def _on_PhaseChanged(self, e: ev.PhaseChanged) -> None:
        if e.phase is ev.Phase.HOTWASH:
            self.ended_reason = e.reason

    def _on_MoveSubmitted(self, e: ev.MoveSubmitted) -> None:
        self.moves[e.move] = Move(
            e.move, e.team, e.kind, e.headline, e.turn, list(e.targets), e.detail, e.answers,
            list(e.arguments), list(e.terms),
        )
        self._made_in_turn(e.move, e.turn)
        self.ready.discard(e.team)

    def _on_MoveRevised(self, e: ev.MoveRevised) -> None:
        move = self.moves.changing(e.move)
        move.headline, move.targets, move.detail = e.headline, list(e.targets), e.detail
        move.answers, move.arguments, move.terms = e.answers, list(e.arguments), list(e.terms)
        self.ready.discard(move.team)

    def _on_MoveWithdrawn(self, e: ev.MoveWithdrawn) -> None:
        move = self.moves.changing(e.move)
        move.status = ev.MoveStatus.WITHDRAWN
        self.ready.discard(move.team)

    def _on_ReadyChanged(self, e: ev.ReadyChanged) -> None:
        (self.ready.add if e.ready else self.ready.discard)(e.team)

    def _on_MovesRevealed(self, e: ev.MovesRevealed) -> None:
        for move_id in e.moves:
            self.moves.changing(move_id).status = ev.MoveStatus.REVEALED

    def _on_Ruled(self, e: ev.Ruled) -> None:
        self.moves.changing(e.move).ruling = e

    def _on_ProposalTabled(self, e: ev.ProposalTabled) -> None:
        self.proposals[e.proposal] = Proposal(
            e.proposal, e.by, e.origin, e.title, list(e.terms), list(e.parties), e.effects, e.turn,
            e.lapses_turn, e.counter_of,
        )
        self.current[e.proposal] = None

    def _on_ProposalAnswered(self, e: ev.ProposalAnswered) -> None:
        self.proposals.changing(e.proposal).answers[e.team] = e.answer

    def _on_ProposalSettled(self, e: ev.ProposalSettled) -> None:
        proposal = self.proposals.changing(e.proposal)
        proposal.status, proposal.settled_turn = e.status, e.turn
        self.current[e.proposal] = None
        if e.status is ev.ProposalStatus.DEAL:
            proposal.made = self._change
        elif e.status is ev.ProposalStatus.VIOLATED:
            proposal.violated_by = e.by

    def _on_CommitmentOpened(self, e: ev.CommitmentOpened) -> None:
        self.commitments[e.commitment] = Commitment(
            e.commitment, e.team, e.kind, e.move, e.text, e.turn, list(e.targets)
        )
        self.current[e.commitment] = None

    def _on_CommitmentResolved(self, e: ev.CommitmentResolved) -> None:
        commitment = self.commitments.changing(e.commitment)
        commitment.status, commitment.note, commitment.resolved_turn = e.status, e.note, e.turn
        self.current[e.commitment] = None

    def _on_ConditionChanged(self, e: ev.ConditionChanged) -> None:
        self.conditions[(e.kind, e.team, e.item)] = e.holds
        self.condition_log.append(e)
        if e.kind == "end_state" and e.holds and not self.first_end_state:
            self.first_end_state = e.item

    def _on_NoteAdded(self, e: ev.NoteAdded) -> None:
        self.notes.append(e)

    def _on_TeamHandedOver(self, e: ev.TeamHandedOver) -> None:
        if e.to == "bot":
            self.bots[e.team] = e.brief
        else:
            self.bots.pop(e.team, None)
        self.handoffs.append(e)

    def _on_GameEnded(self, e: ev.GameEnded) -> None:
        self.end_state = e.end_state
        if not self.ended_reason:
            self.ended_reason = e.reason

    # -- evaluation (issue 12) ------------------------------------------------------------

    def _on_ObjectiveRated(self, e: ev.ObjectiveRated) -> None:
        self.evaluation.ratings[e.objective] = e
        self.evaluation.rating_log.append(e)

    def _on_ObservationRecorded(self, e: ev.ObservationRecorded) -> None:
        self.evaluation.observations.append(e)

    def _on_ExpectedActionMarked(self, e: ev.ExpectedActionMarked) -> None:
        self.evaluation.expected[(e.delivery, e.action, e.team)] = e

    def _on_FeedbackGiven(self, e: ev.FeedbackGiven) -> None:
        self.evaluation.feedback.append(e)

    def _on_SummaryWritten(self, e: ev.SummaryWritten) -> None:
        self.evaluation.summary = e

    def _on_FindingRecorded(self, e: ev.FindingRecorded) -> None:
        findings = self.evaluation.findings
        if e.finding not in findings and not e.removed:
            self.evaluation.findings_made += 1
        if e.removed:
            findings.pop(e.finding, None)
        else:
            findings[e.finding] = e

    def _on_PlanItemRecorded(self, e: ev.PlanItemRecorded) -> None:
        self.evaluation.plan[e.item] = e


def replay(scenario: Scenario, events: list[ev.Event]) -> GameState:
    """The state that ``events`` give, from the start."""
    state = GameState.initial(scenario)
    for event in events:
        state.apply(event)
    return state
