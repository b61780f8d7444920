"""What a facilitator or a team asks for. The engine checks each against the state."""

from __future__ import annotations

from attrs import field, frozen

from .events import Answer, Outcome
from .model import Effects, Inject

FACILITATOR = "facilitator"
EVALUATOR = "evaluator"  # control's evaluators: see all, record the evaluation, play no part


@frozen
class Submit:
    team: str
    kind: str
    headline: str
    targets: list[str] = field(factory=list)
    detail: str = ""
    answers: str = ""
    arguments: list[str] = field(factory=list)
    terms: list[str] = field(factory=list)


@frozen
class Revise:
    team: str
    move: str
    headline: str
    targets: list[str] = field(factory=list)
    detail: str = ""
    answers: str = ""
    arguments: list[str] = field(factory=list)
    terms: list[str] = field(factory=list)


@frozen
class Withdraw:
    team: str
    move: str


@frozen
class Ready:
    team: str
    ready: bool = True


@frozen
class Advance:
    """Move the game on: deliver and open moves, close and reveal, or go to the next turn."""

    force: bool = False  # leave unruled moves without a ruling


@frozen
class Deliver:
    """Deliver a queued MSEL entry now."""

    entry: str


@frozen
class Skip:
    entry: str
    reason: str


@frozen
class DeliverInject:
    """Deliver an inject chosen by hand (from the scenario or the library)."""

    inject: Inject
    recipients: list[str] = field(factory=list)  # default: the inject's own


@frozen
class Adjudicate:
    """Rule on a revealed move. Without ``outcome``, the scenario's dice decide."""

    move: str
    narrative: str = ""
    outcome: Outcome | None = None
    effects: Effects | None = None  # None: the move kind's defaults for the outcome
    strong_for: int = 0  # matrix: strong arguments for and against
    strong_against: int = 0
    probability: int | None = None  # estimative: percent chance of success
    public: bool = True


@frozen
class Respond:
    team: str
    proposal: str
    answer: Answer
    note: str = ""
    terms: list[str] = field(factory=list)  # for a counter
    effects: Effects | None = None  # for a counter: what it does if it becomes a deal (None: nothing)


@frozen
class Resolve:
    """Close a commitment (carried out, withdrawn, lapsed; reciprocated or not) or mark a deal violated."""

    item: str
    status: str
    note: str = ""
    by: str = ""  # the team that violated a deal
    effects: Effects | None = None  # for a violated deal: None undoes what the deal changed


@frozen
class Note:
    author: str
    text: str
    category: str = "log"  # log, strength, improvement, plan
    team: str = ""
    owner: str = ""
    due: str = ""


@frozen
class Handoff:
    """Hand a team to the doctrine bot (``to="bot"``, with an advisor brief or none), or back (``"human"``)."""

    team: str
    to: str
    brief: str = ""


@frozen
class End:
    """End early (to the hotwash), or close the hotwash."""

    reason: str = ""


# --- evaluation (issue 12; the rules are in exercise.evaluation) ---------------------------


@frozen
class Rate:
    """Rate an exercise objective: P, S, M or U, with the rationale."""

    objective: str
    rating: str
    rationale: str


@frozen
class Observe:
    objective: str
    text: str
    kind: str = "observation"  # observation, strength, improvement
    delivery: str = ""
    team: str = ""


@frozen
class MarkExpected:
    """Mark expected action ``action`` (1, 2, ...) of delivery ``delivery`` met, partly or not."""

    delivery: str
    action: int
    status: str
    team: str = ""
    note: str = ""


@frozen
class GiveFeedback:
    team: str
    rating: int | None = None
    comments: str = ""
    strengths: list[str] = field(factory=list)
    improvements: list[str] = field(factory=list)


@frozen
class WriteSummary:
    text: str


@frozen
class RecordFinding:
    """A new key finding, or with ``finding`` a new text for one (or ``remove`` it)."""

    text: str = ""
    finding: str = ""
    remove: bool = False


@frozen
class RecordPlanItem:
    """A new improvement-plan item, or with ``item`` changes to one; ``fields`` are the columns given."""

    item: str = ""
    note: int = 0
    fields: dict[str, str] = field(factory=dict)


Command = (
    Submit | Revise | Withdraw | Ready | Advance | Deliver | Skip | DeliverInject | Adjudicate
    | Respond | Resolve | Note | End | Handoff
    | Rate | Observe | MarkExpected | GiveFeedback | WriteSummary | RecordFinding | RecordPlanItem
)
