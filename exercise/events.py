"""What can happen in a session: the journal's vocabulary.

Events are facts, written once and never changed; the state of a session is what folding
its events in order gives (``exercise.engine.apply``). Every die rolled is inside the event
that used it, so a replay never rolls again.
"""

from __future__ import annotations

from enum import Enum, StrEnum

from attrs import field, frozen

from .model import Effects, Inject


class Phase(str, Enum):
    """Where a turn is: injects are delivered, then moves, then rulings."""

    BRIEFING = "briefing"  # injects due this turn are queued for delivery
    MOVES = "moves"  # teams submit, revise, withdraw, mark ready; moves are hidden
    ADJUDICATION = "adjudication"  # moves revealed; each gets a ruling
    HOTWASH = "hotwash"  # after the last turn, or ended early
    ENDED = "ended"


class Outcome(str, Enum):
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILURE = "failure"


class Answer(str, Enum):
    ACCEPT = "accept"
    REJECT = "reject"
    COUNTER = "counter"


class _Status(StrEnum):
    """A status that is its text: equal to it, and found under it in a dict (Enum hashes its name)."""

    __hash__ = str.__hash__


class MoveStatus(_Status):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    REVEALED = "revealed"


class ProposalStatus(_Status):
    """Where a proposal is: open, then settled one of the other ways (a deal may later be violated)."""

    OPEN = "open"
    DEAL = "deal"
    REJECTED = "rejected"
    COUNTERED = "countered"
    LAPSED = "lapsed"
    VIOLATED = "violated"


class CommitmentStatus(_Status):
    OPEN = "open"
    CARRIED_OUT = "carried_out"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"
    RECIPROCATED = "reciprocated"
    UNRECIPROCATED = "unreciprocated"


@frozen
class TurnStarted:
    turn: int


@frozen
class InjectQueued:
    """An MSEL entry became due; it waits for the facilitator to deliver or skip it."""

    entry: str
    inject: str
    reason: str
    recipients: list[str]
    proposal: str = ""  # the proposal a move tabled that the inject's own proposal is (not tabled again)


@frozen
class InjectDelivered:
    """An inject reached its recipients; ``inject`` is the whole inject as delivered."""

    delivery: str
    inject: Inject
    recipients: list[str]
    turn: int
    entry: str = ""  # the MSEL entry, or "" for one chosen by hand from the library


@frozen
class InjectSkipped:
    entry: str
    reason: str
    turn: int


@frozen
class PhaseChanged:
    phase: Phase
    reason: str = ""


@frozen
class MoveSubmitted:
    move: str
    team: str
    kind: str
    headline: str
    turn: int
    targets: list[str] = field(factory=list)
    detail: str = ""
    answers: str = ""  # the inject delivery or proposal this move answers
    arguments: list[str] = field(factory=list)  # for matrix adjudication
    terms: list[str] = field(factory=list)  # for a move that proposes a deal


@frozen
class MoveRevised:
    move: str
    headline: str
    targets: list[str] = field(factory=list)
    detail: str = ""
    answers: str = ""
    arguments: list[str] = field(factory=list)
    terms: list[str] = field(factory=list)


@frozen
class MoveWithdrawn:
    move: str


@frozen
class ReadyChanged:
    team: str
    ready: bool


@frozen
class MovesRevealed:
    turn: int
    moves: list[str]


@frozen
class Ruled:
    """A move's ruling. For dice methods, ``rolls`` and ``target`` show how it fell."""

    move: str
    method: str
    outcome: Outcome
    narrative: str
    effects: Effects
    turn: int
    rolls: list[int] = field(factory=list)
    modifier: int = 0
    probability: int | None = None  # estimative: chance of success in percent
    public: bool = True
    # for the dice: the effects the facilitator gave for success (None: the move kind's), kept
    # when the dice fail too, so that a what-if replay that rolls a success can apply them
    asked: Effects | None = None


@frozen
class ProposalTabled:
    proposal: str
    by: str  # a team id, or the inject's sender
    origin: str  # the delivery or move it came from
    title: str
    terms: list[str]
    parties: list[str]
    effects: Effects
    turn: int
    lapses_turn: int = 0  # 0: open until answered
    counter_of: str = ""


@frozen
class ProposalAnswered:
    proposal: str
    team: str
    answer: Answer
    turn: int
    note: str = ""


@frozen
class ProposalSettled:
    """A proposal ended: a deal (its effects apply), rejected, countered, lapsed or violated.

    For a violated deal, ``effects`` are what the facilitator ruled the breach does: by
    default, what undoes the deal's own changes. (Version 2: ``status`` was ``outcome``.)
    """

    proposal: str
    status: ProposalStatus
    turn: int
    effects: Effects = field(factory=Effects)
    by: str = ""
    note: str = ""


@frozen
class CommitmentOpened:
    commitment: str
    team: str
    kind: str  # threat, promise or concession
    move: str
    text: str
    turn: int
    targets: list[str] = field(factory=list)


@frozen
class CommitmentResolved:
    commitment: str
    status: CommitmentStatus
    turn: int
    note: str = ""


@frozen
class ConditionChanged:
    """An objective met or no longer met, a red line crossed, an end state reached."""

    kind: str  # objective, red_line or end_state
    item: str
    holds: bool
    turn: int
    team: str = ""


@frozen
class NoteAdded:
    """A note in the log, or a hotwash item (strength, improvement, plan)."""

    author: str
    text: str
    turn: int
    category: str = "log"
    team: str = ""
    owner: str = ""
    due: str = ""


@frozen
class TeamHandedOver:
    """The facilitator handed a team to the doctrine bot (``to="bot"``, following an advisor
    ``brief`` or none) or back to its players (``to="human"``). What the team does while a bot
    has it is the bot's play (``exercise.bots``); the consoles and the report say so."""

    team: str
    to: str  # "bot" or "human"
    turn: int
    brief: str = ""


@frozen
class GameEnded:
    reason: str
    end_state: str = ""


# --- evaluation (HSEEP): what control and evaluators record about the exercise, and the
# teams' feedback. None of these changes tracks or flags; see ``exercise.evaluation``.


@frozen
class ObjectiveRated:
    """An exercise objective rated P, S, M or U (``evaluation.RATINGS``); a later rating replaces it."""

    objective: str
    rating: str
    rationale: str
    author: str
    turn: int


@frozen
class ObservationRecorded:
    """An evaluator's observation on an exercise objective, perhaps about one inject or team."""

    observation: str  # o1, o2, ...
    objective: str
    text: str
    author: str
    turn: int
    kind: str = "observation"  # observation, strength or improvement
    delivery: str = ""  # the inject delivery (d1, ...) it is about
    team: str = ""


@frozen
class ExpectedActionMarked:
    """Whether an expected action of a delivered inject was met, partly met or not met."""

    delivery: str
    action: int  # 1 for the inject's first expected action
    status: str  # met, partly or not
    author: str
    turn: int
    team: str = ""  # "" for the players as a whole
    note: str = ""


@frozen
class FeedbackGiven:
    """A team's participant feedback at the hotwash (each submission is kept)."""

    team: str
    author: str
    turn: int
    rating: int | None = None  # 1 (poor) to 5 (excellent), the exercise overall
    comments: str = ""
    strengths: list[str] = field(factory=list)
    improvements: list[str] = field(factory=list)


@frozen
class SummaryWritten:
    """The report's executive summary, as written by control; a later one replaces it."""

    text: str
    author: str
    turn: int


@frozen
class FindingRecorded:
    """A key finding for the report: a new one, a new text for one, or one taken out."""

    finding: str  # f1, f2, ...
    text: str
    author: str
    turn: int
    removed: bool = False


@frozen
class PlanItemRecorded:
    """An improvement-plan item with the HSEEP columns, whole as it now stands.

    ``note`` is the number of the hotwash plan note it extends (0: none): its issue, action,
    owner and due date fill the columns left empty here.
    """

    item: str  # ip1, ip2, ...
    author: str
    turn: int
    note: int = 0
    objective: str = ""
    capability: str = ""
    issue: str = ""
    action: str = ""
    element: str = ""
    org: str = ""
    poc: str = ""
    start: str = ""
    end: str = ""
    status: str = ""


Event = (
    TurnStarted | InjectQueued | InjectDelivered | InjectSkipped | PhaseChanged | MoveSubmitted
    | MoveRevised | MoveWithdrawn | ReadyChanged | MovesRevealed | Ruled | ProposalTabled
    | ProposalAnswered | ProposalSettled | CommitmentOpened | CommitmentResolved
    | ConditionChanged | NoteAdded | GameEnded | TeamHandedOver
    | ObjectiveRated | ObservationRecorded | ExpectedActionMarked | FeedbackGiven | SummaryWritten
    | FindingRecorded | PlanItemRecorded
)

EVENT_TYPES: dict[str, type] = {cls.__name__: cls for cls in Event.__args__}

# The version of each event's stored shape; 1 where it never changed. A change that old data
# cannot be read as (a renamed field, a new meaning) takes the next number and an upcaster in
# ``exercise.serial``, so that session files of every release still open.
EVENT_VERSIONS: dict[str, int] = {name: 1 for name in EVENT_TYPES} | {"ProposalSettled": 2, "Ruled": 2}


def event_type(event: Event) -> str:
    """The name an event is journaled under."""
    return type(event).__name__
