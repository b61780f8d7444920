"""Who sees what: the one rule for what a role may see of the state and of its events.

The facilitator and the evaluators (control) see everything. A team sees its own moves and the revealed ones, rulings on
its moves and the public ones, the injects delivered to it, the proposals it is party to or
whose origin it can see, its own objectives and red lines, and its own notes and feedback; never the
MSEL queue, the controller's skips or the evaluation (ratings, observations, findings, plan).
"""

from __future__ import annotations

from . import events as ev
from .commands import EVALUATOR, FACILITATOR
from .state import Delivery, GameState, Move, Proposal

CONTROL = (FACILITATOR, EVALUATOR)  # control sees everything; evaluators are part of it


def is_control(role: str) -> bool:
    return role in CONTROL


def sees_move(move: Move, role: str) -> bool:
    return is_control(role) or move.revealed or move.team == role


def sees_ruling(move: Move, role: str, public: bool | None = None) -> bool:
    """A ruling on ``move`` (public or not, by default as its latest ruling says)."""
    if public is None:
        public = move.ruling is not None and move.ruling.public
    return is_control(role) or move.team == role or (public and move.revealed)


def sees_delivery(delivery: Delivery, role: str) -> bool:
    return is_control(role) or delivery.reaches(role)


def sees_proposal(state: GameState, proposal: Proposal, role: str) -> bool:
    if is_control(role) or role in proposal.parties:
        return True
    delivery, move = state.deliveries.get(proposal.origin), state.moves.get(proposal.origin)
    return bool(delivery and sees_delivery(delivery, role)) or bool(move and sees_move(move, role))


def sees_condition(change: ev.ConditionChanged, role: str) -> bool:
    return is_control(role) or change.team == role


def sees_note(note: ev.NoteAdded, role: str) -> bool:
    return is_control(role) or note.author == role


def sees_event(state: GameState, event: ev.Event, role: str) -> bool:
    """Whether ``role`` may see ``event``, judged on ``state`` (which has folded it)."""
    if is_control(role):
        return True
    match event:
        case ev.FeedbackGiven(team=team):
            return team == role
        case (ev.ObjectiveRated() | ev.ObservationRecorded() | ev.ExpectedActionMarked() | ev.SummaryWritten()
              | ev.FindingRecorded() | ev.PlanItemRecorded()):
            return False
        case ev.InjectQueued() | ev.InjectSkipped():
            return False
        case ev.InjectDelivered(delivery=delivery):
            return sees_delivery(state.deliveries[delivery], role)
        case ev.MoveSubmitted(move=move) | ev.MoveRevised(move=move) | ev.MoveWithdrawn(move=move):
            return sees_move(state.moves[move], role)
        case ev.Ruled(move=move, public=public):
            return sees_move(state.moves[move], role) and sees_ruling(state.moves[move], role, public)
        case ev.ProposalTabled(proposal=p) | ev.ProposalAnswered(proposal=p) | ev.ProposalSettled(proposal=p):
            return sees_proposal(state, state.proposals[p], role)
        case ev.ConditionChanged():
            return sees_condition(event, role)
        case ev.NoteAdded():
            return sees_note(event, role)
    return True  # the turn, the phase, readiness, reveals, commitments, the end: everyone's
