"""The frozen results the report templates render: timeline items, team results, ledgers, the whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:
    from .evaluation import EvaluationResult


@frozen
class SourceRef:
    """A cited document: every quoted position or inject carries one."""

    id: str
    title: str
    author: str = ""
    date: str = ""
    publication: str = ""



# --- the timeline -----------------------------------------------------------------------------


@frozen
class RulingInfo:
    """How a move was ruled on: outcome, dice (if any), narrative and effects."""

    method: str
    outcome: str
    narrative: str
    effects: str
    dice: str
    public: bool


@frozen
class InjectItem:
    kind: str  # "inject"
    ref: str  # the delivery id (d1, ...)
    turn: int
    entry: str
    inject: str
    title: str
    sender: str
    channel: str
    inject_kind: str
    recipients: str
    why: str
    source: SourceRef
    quote: str
    expected_actions: list[str]
    proposal: str
    effects: str  # what the inject's effects actually changed; "" when it carries none


@frozen
class SkippedItem:
    kind: str  # "skipped"
    ref: str  # the MSEL entry
    turn: int
    title: str
    reason: str
    source: SourceRef | None


@frozen
class MoveItem:
    kind: str  # "move"
    ref: str  # the move id
    turn: int
    team: str
    team_name: str
    move_kind: str
    kind_label: str
    headline: str
    detail: str
    targets: str
    terms: list[str]
    arguments: list[str]
    answers: str
    status: str  # revealed (hidden and withdrawn moves are not in the timeline)
    ruling: RulingInfo | None
    commitment: str  # the commitment it opened (c1), if any
    proposal: str  # the proposal it tabled (p2), if any


@frozen
class ConditionItem:
    kind: str  # "condition"
    ref: str  # the item id
    turn: int
    condition: str  # objective, red_line, end_state
    team: str
    team_name: str
    holds: bool
    headline: str  # "Objective met", "Red line crossed", ...
    text: str
    source: SourceRef | None
    cause: str


@frozen
class EventItem:
    """Anything else worth a line: proposals, answers, deals, commitments closed, notes, the end."""

    kind: str  # proposal, answer, settled, resolved, note, ended
    ref: str
    turn: int
    team: str
    team_name: str
    text: str


TimelineItemType = InjectItem | SkippedItem | MoveItem | ConditionItem | EventItem


@frozen
class TurnRecord:
    """What happened in one turn (or in the hotwash), in order."""

    turn: int
    label: str  # "Turn 2" or "Hotwash"
    hotwash: bool
    game_date: str
    items: list[TimelineItemType]


# --- per team ------------------------------------------------------------------------------------


@frozen
class KindCount:
    kind: str
    label: str
    count: int
    success: int
    partial: int
    failure: int
    unruled: int
    private: int = 0  # in the participants' report: ruled in private, so not counted by outcome


@frozen
class Episode:
    """A stretch of turns in which a condition held: ``end`` 0 means it still held at the end."""

    start: int
    end: int
    cause: str

    @property
    def text(self) -> str:
        if not self.end:
            return f"from turn {self.start} to the end"
        if self.end == self.start:
            return f"in turn {self.start} only"
        return f"from turn {self.start}, no longer from turn {self.end}"


@frozen
class ObjectiveResult:
    team: str
    team_name: str
    id: str
    rank: int
    text: str
    source: SourceRef
    quote: str
    when: str
    status: str  # met, lost, not met, not assessed
    status_text: str
    episodes: list[Episode]


@frozen
class RedLineResult:
    team: str
    team_name: str
    id: str
    text: str
    source: SourceRef
    quote: str
    when: str
    status: str  # crossed, crossed then restored, not crossed, not assessed
    status_text: str
    crossed: bool  # at any time
    crossed_at_end: bool
    episodes: list[Episode]


@frozen
class Credibility:
    team: str
    team_name: str
    threats: int
    threats_carried_out: int
    promises: int
    promises_carried_out: int
    withdrawn: int
    lapsed: int
    open: int
    score: float | None  # carried out / made; None when none were made
    text: str


@frozen
class Reciprocity:
    team: str
    team_name: str
    given: int
    reciprocated: int
    unreciprocated: int
    open: int
    withdrawn: int
    without: int  # unreciprocated + open
    text: str


@frozen
class AlignmentRow:
    brief: str
    title: str
    advisor: str
    source: SourceRef
    quote: str
    favoured: list[str]  # move-kind labels
    matched: int
    share: float
    share_text: str


@frozen
class Alignment:
    team: str
    team_name: str
    moves: int
    rows: list[AlignmentRow]
    best: AlignmentRow | None
    verdict: str


@frozen
class NoteItem:
    author: str
    author_name: str
    text: str
    turn: int
    category: str
    team: str
    team_name: str
    owner: str
    due: str


@frozen
class PlanItem:
    number: int
    issue: str
    issue_origin: str  # "text" (ISSUE :: ACTION), "improvement note", or "none"
    action: str
    owner: str
    due: str
    team: str
    team_name: str
    turn: int


@frozen
class TeamResult:
    id: str
    name: str
    role: str
    moves: int  # revealed
    withdrawn: int
    unrevealed: int
    by_kind: list[KindCount]
    unused_levers: list[str]
    outcomes: dict[str, int]
    objectives: list[ObjectiveResult]
    red_lines: list[RedLineResult]
    credibility: Credibility
    reciprocity: Reciprocity
    alignment: Alignment | None
    strengths: list[NoteItem]
    improvements: list[NoteItem]
    played_by_bot: str = ""  # when the doctrine bot played the team, in words ("": never)

    @property
    def objectives_met(self) -> int:
        return sum(o.status == "met" for o in self.objectives)

    @property
    def objectives_assessed(self) -> int:
        return sum(o.status != "not assessed" for o in self.objectives)


# --- ledgers, proposals, tracks, the end -----------------------------------------------------------


@frozen
class CommitmentRow:
    id: str
    team: str
    team_name: str
    kind: str  # threat, promise, concession
    move: str
    text: str
    targets: str
    turn: int
    status: str
    status_text: str
    resolved_turn: int
    note: str


@frozen
class AnswerRow:
    team: str
    team_name: str
    answer: str  # accept, reject, counter, or "no answer"
    note: str
    turn: int


@frozen
class ProposalRow:
    id: str
    title: str
    by: str
    by_name: str
    origin: str
    origin_text: str
    source: SourceRef | None
    terms: list[str]
    parties: str
    answers: list[AnswerRow]
    status: str  # deal, rejected, countered, lapsed, violated, open
    outcome_text: str
    turn: int
    settled_turn: int
    counter_of: str
    countered_by: str
    effects: str  # a deal's actual change when it was made; what it would do, for one never made
    violation_effects: str  # what the breach changed, for a violated deal


@frozen
class Extreme:
    """The highest (or lowest) value a track stood at, the turn it first got there (0: at the
    start) and what took it there."""

    kind: str  # "highest" or "lowest"
    value: int
    turn: int
    cause: str

    @property
    def when(self) -> str:
        return f"turn {self.turn}" if self.turn else "the start"

    @property
    def text(self) -> str:
        """``10 in turn 2`` or ``6 at the start``."""
        return f"{self.value} in turn {self.turn}" if self.turn else f"{self.value} at the start"


@frozen
class TrackSeries:
    id: str
    label: str
    min: int
    max: int
    start: int
    final: int
    values: list[int]  # at the end of each turn; values[0] is the start
    description: str
    lows: list[int]  # the lowest it stood at during each turn; lows[0] is the start
    highs: list[int]  # the highest likewise
    peak: Extreme  # the highest it ever stood at, and when it first got there
    trough: Extreme  # the lowest likewise

    @property
    def hidden(self) -> list[Extreme]:
        """The peak and the trough where the end-of-turn values do not show them: reached
        within a turn and left before its end."""
        return [e for e in (self.peak, self.trough) if e.turn and self.values[e.turn] != e.value]

    @property
    def cells(self) -> list[str]:
        """Each value, with the low or high it reached within the turn when that lies outside
        the turn's start and end (a spike the end-of-turn values would hide): ``5 (high 9)``."""
        out = []
        for turn, value in enumerate(self.values):
            before = self.values[turn - 1] if turn else value
            extremes = []
            if self.lows[turn] < min(before, value):
                extremes.append(f"low {self.lows[turn]}")
            if self.highs[turn] > max(before, value):
                extremes.append(f"high {self.highs[turn]}")
            out.append(f"{value} ({', '.join(extremes)})" if extremes else str(value))
        return out


@frozen
class FlagSeries:
    id: str
    label: str
    start: bool
    final: bool
    values: list[bool]  # at the end of each turn; values[0] is the start
    changes: list[tuple[int, bool]]


@frozen
class StateChange:
    """A cause that carried effects (an inject, a ruling, a deal, a breach) and what they did."""

    turn: int
    ref: str
    cause: str
    effects: str  # the actual change: ``escalation +1 (+2 asked; at its maximum 10)``
    intended: str  # what the effects asked: ``escalation +2``
    full: bool  # every effect applied in full (no track held at a bound, no flag already so)


@frozen
class EndStateResult:
    id: str
    label: str
    description: str
    source: SourceRef | None
    quote: str
    when: str
    reached: bool  # the game ended in it
    holds_now: bool  # it holds in the final state (for a game still in play)
    turn: int  # the turn it last came to hold, 0 if never
    episodes: list[Episode]


@frozen
class Counts:
    turns_played: int
    injects_delivered: int
    injects_skipped: int
    moves: int
    rulings: int
    dice_rulings: int
    proposals: int
    deals: int  # deals that hold: a violated deal is counted in deals_violated
    deals_violated: int
    commitments: int
    red_lines_crossed: int
    objectives_met: int
    objectives_assessed: int

    @property
    def deals_text(self) -> str:
        """``1 became a deal, later violated`` or ``3 became deals: 2 hold, 1 was violated``."""
        made = self.deals + self.deals_violated
        if not made:
            return "none became a deal"
        text = "1 became a deal" if made == 1 else f"{made} became deals"
        if not self.deals_violated:
            return text
        if made == 1:
            return text + ", later violated"
        violated = "1 was violated" if self.deals_violated == 1 else f"{self.deals_violated} were violated"
        return text + f": {self.deals} {'holds' if self.deals == 1 else 'hold'}, {violated}"


@frozen
class Analysis:
    """Everything the after-action report says, computed once."""

    scenario_id: str
    title: str
    status: str  # ended, hotwash, in play
    final: bool
    phase: str
    turns_planned: int
    turns_played: int
    ended_reason: str
    setting_date: str
    turn_duration: str
    adjudication: str
    team_names: dict[str, str]
    sources: list[SourceRef]
    timeline: list[TurnRecord]
    undelivered: list[str]
    teams: list[TeamResult]
    commitments: list[CommitmentRow]
    credibility: list[Credibility]
    reciprocity: list[Reciprocity]
    red_lines: list[RedLineResult]
    proposals: list[ProposalRow]
    tracks: list[TrackSeries]
    flags: list[FlagSeries]
    changes: list[StateChange]
    end_state: EndStateResult | None
    end_states: list[EndStateResult]
    strengths: list[NoteItem]  # about the whole exercise (no team)
    improvements: list[NoteItem]
    notes: list[NoteItem]  # every hotwash and log note, in order
    plan: list[PlanItem]
    alignments: list[Alignment]
    counts: Counts
    measures: dict[str, str]
    evaluation: EvaluationResult | None = None  # issue 12: ratings, observations, feedback, the plan
    audience: str = "control"  # who it is for: control (everything) or participants (see audience.py)
