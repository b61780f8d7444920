"""What a role sees of a session: typed, frozen values, and the same as plain data (JSON).

``build_view(scenario, state, role)`` is the one place a view is made. Who may see what is
``exercise.visibility``'s rule; this module only shapes what it lets through. Every shell reads
the typed ``View``; ``view_data`` turns one into the plain data ``status --json`` prints, in
the shape scripts read: a delivery's sender under ``from``, and for a team no facilitator-only
parts (``expected_actions``, ``queue``, ``skipped``, the teams' ``feedback``) and no other
team's ``moves_this_turn``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, get_origin

from attrs import fields, frozen
from cattrs import Converter
from cattrs.gen import make_dict_unstructure_fn, override

from . import events as ev
from . import model
from . import visibility as see
from .commands import FACILITATOR
from .model import Effects, Scenario
from .state import GameState

__all__ = [
    "View", "ScenarioView", "TrackView", "FlagView", "TeamView", "MoveView", "RulingView", "DeliveryView",
    "ProposalView", "CommitmentView", "ConditionView", "HoldingView", "NoteView", "QueuedView", "SkippedView",
    "build_view", "view_data",
]


@frozen
class ScenarioView:
    id: str
    title: str
    turns: int
    turn_duration: str
    adjudication: model.Adjudication
    moves_per_turn: int


@frozen
class TrackView:
    label: str
    value: int
    min: int
    max: int


@frozen
class FlagView:
    label: str
    value: bool


@frozen
class TeamView:
    name: str
    moves_this_turn: int | None = None  # None (absent from the JSON) in a team's view of another team
    ready: bool = False
    bot: str | None = None  # while the doctrine bot plays the team: the advisor brief it follows ("": none)


@frozen
class RulingView:
    """A move's latest ruling (the ``Ruled`` event without its move id)."""

    method: str
    outcome: ev.Outcome
    narrative: str
    effects: Effects
    turn: int
    rolls: tuple[int, ...] = ()
    modifier: int = 0
    probability: int | None = None
    public: bool = True


@frozen
class MoveView:
    id: str
    team: str
    kind: str
    headline: str
    turn: int
    targets: tuple[str, ...]
    detail: str
    answers: str
    arguments: tuple[str, ...]
    terms: tuple[str, ...]
    status: ev.MoveStatus
    ruling: RulingView | None  # None also when the role may not see the ruling

    @property
    def revealed(self) -> bool:
        return self.status is ev.MoveStatus.REVEALED


@frozen
class DeliveryView:
    """An inject delivered (``from`` in the JSON is ``sender`` here)."""

    id: str
    turn: int
    entry: str
    inject: str
    title: str
    kind: model.InjectKind
    sender: str
    channel: str
    body: str
    source: str
    quote: str
    recipients: tuple[str, ...]
    questions: tuple[str, ...]
    response_options: tuple[str, ...]
    expected_actions: tuple[str, ...] | None = None  # the facilitator's only


@frozen
class ProposalView:
    id: str
    by: str
    origin: str
    title: str
    terms: tuple[str, ...]
    parties: tuple[str, ...]
    turn: int
    lapses_turn: int
    status: ev.ProposalStatus
    answers: dict[str, ev.Answer]
    counter_of: str
    violated_by: str


@frozen
class CommitmentView:
    id: str
    team: str
    kind: str
    move: str
    text: str
    turn: int
    targets: tuple[str, ...]
    status: ev.CommitmentStatus
    note: str


@frozen
class ConditionView:
    kind: str  # objective, red_line or end_state
    team: str
    item: str
    holds: bool
    turn: int


@frozen
class HoldingView:
    """A condition that holds now: an objective met, a red line crossed, an end state reached."""

    kind: str
    team: str
    item: str


@frozen
class NoteView:
    author: str
    text: str
    turn: int
    category: str
    team: str
    owner: str
    due: str


@frozen
class FeedbackView:
    """A team's feedback at the hotwash (``FeedbackGiven``)."""

    team: str
    author: str
    turn: int
    rating: int | None
    comments: str
    strengths: tuple[str, ...]
    improvements: tuple[str, ...]


@frozen
class QueuedView:
    entry: str
    inject: str
    title: str
    reason: str
    recipients: tuple[str, ...]
    notes: str  # the controller's notes on the MSEL entry


@frozen
class SkippedView:
    entry: str
    reason: str
    turn: int


@frozen
class View:
    """The state as one role sees it."""

    role: str
    scenario: ScenarioView
    turn: int
    phase: ev.Phase
    tracks: dict[str, TrackView]
    flags: dict[str, FlagView]
    teams: dict[str, TeamView]
    moves: tuple[MoveView, ...]
    injects: tuple[DeliveryView, ...]
    proposals: tuple[ProposalView, ...]
    commitments: tuple[CommitmentView, ...]
    conditions: tuple[ConditionView, ...]
    notes: tuple[NoteView, ...]
    history: tuple[tuple[int, str, int], ...]  # (turn, track, value) after each change
    holding: tuple[HoldingView, ...]  # what holds now, in the scenario's order of checks
    series: dict[str, tuple[int, ...]]  # each track as the last SERIES_TURNS turns began, and now (a sparkline)
    end_state: str
    ended_reason: str
    scope: str = "all"  # "all": the whole record; "now": this turn and what is still open (see build_view)
    queue: tuple[QueuedView, ...] | None = None  # the facilitator's only
    skipped: tuple[SkippedView, ...] | None = None  # the facilitator's only
    feedback: tuple[FeedbackView, ...] | None = None  # control's only: the teams' feedback

    @property
    def facilitator(self) -> bool:
        return self.role == FACILITATOR

    def move(self, move_id: str | None) -> MoveView | None:
        """The move ``move_id`` as this view shows it, or None if it shows none such."""
        return next((m for m in self.moves if m.id == move_id), None)


PHASES = {ev.Phase.BRIEFING: "briefing: injects to deliver", ev.Phase.MOVES: "moves open",
          ev.Phase.ADJUDICATION: "adjudication", ev.Phase.HOTWASH: "hotwash", ev.Phase.ENDED: "ended"}


def heading(scenario: Scenario, turn: int, phase: ev.Phase) -> str:
    """Where the game stands, for a console's header: ``Turn 2 of 7 · 2 April 2025 · moves open``."""
    date = scenario.info.game_date(turn)
    when = f" · {date:%-d %B %Y}" if date else ""
    return f"Turn {turn} of {scenario.info.turns}{when} · {PHASES[phase]}"


# --- building --------------------------------------------------------------------------------


def _ruling(ruling: ev.Ruled) -> RulingView:
    return RulingView(ruling.method, ruling.outcome, ruling.narrative, ruling.effects, ruling.turn,
                      tuple(ruling.rolls), ruling.modifier, ruling.probability, ruling.public)


SCOPES = ("now", "all")


def touched(events: Iterable[ev.Event]) -> list[str]:
    """The moves, injects delivered, proposals and commitments that ``events`` make or change, in order."""
    ids: dict[str, None] = {}
    for event in events:
        for name in ("move", "delivery", "proposal", "commitment"):
            if item := getattr(event, name, ""):
                ids[item] = None
        for item in getattr(event, "moves", ()):
            ids[item] = None
    return list(ids)


def build_view(scenario: Scenario, state: GameState, role: str, scope: str = "all",
               only: Iterable[str] | None = None) -> View:
    """The state as ``role`` sees it (``role`` is assumed known: the session checks it).

    ``scope="now"`` keeps to what is current, and costs the same however long the game: the
    moves and injects of this turn, the proposals and commitments still open (and deals in
    force) or settled this turn, and this turn's condition changes, notes and track history.
    ``"all"``: everything. With ``only`` (ids, as ``touched`` gives), of the moves, injects,
    proposals and commitments it shows those alone, whatever their turn: what a console updates.
    """
    if scope not in SCOPES:
        raise ValueError(f"scope {scope!r}: one of {', '.join(SCOPES)}")
    facilitator, now, turn = see.is_control(role), scope == "now", state.turn  # evaluators see what control sees
    if only is not None:
        only = list(only)
        some = lambda record: [record[i] for i in only if i in record]  # noqa: E731
        move_items, delivery_items = some(state.moves), some(state.deliveries)
        proposal_items, commitment_items = some(state.proposals), some(state.commitments)
    elif now:
        move_items, delivery_items = state.turn_moves(live=False), state.turn_deliveries()
        proposal_items, commitment_items = state.current_proposals(), state.current_commitments()
    else:
        move_items, delivery_items = state.moves.values(), state.deliveries.values()
        proposal_items, commitment_items = state.proposals.values(), state.commitments.values()
    moves = tuple(
        MoveView(m.id, m.team, m.kind, m.headline, m.turn, tuple(m.targets), m.detail, m.answers,
                 tuple(m.arguments), tuple(m.terms), m.status,
                 _ruling(m.ruling) if m.ruling is not None and see.sees_ruling(m, role) else None)
        for m in move_items if see.sees_move(m, role)
    )
    deliveries = tuple(
        DeliveryView(d.id, d.turn, d.entry, d.inject.id, d.inject.title, d.inject.kind, d.inject.sender,
                     d.inject.channel, d.inject.body, d.inject.source, d.inject.quote, tuple(d.recipients),
                     tuple(d.inject.questions), tuple(d.inject.response_options),
                     tuple(d.inject.expected_actions) if facilitator else None)
        for d in delivery_items if see.sees_delivery(d, role)
    )
    proposals = tuple(
        ProposalView(p.id, p.by, p.origin, p.title, tuple(p.terms), tuple(p.parties), p.turn, p.lapses_turn,
                     p.status, dict(p.answers), p.counter_of, p.violated_by)
        for p in proposal_items if see.sees_proposal(state, p, role)
    )
    teams = {
        t.id: TeamView(t.name, ready=t.id in state.ready,
                       moves_this_turn=len(state.turn_moves(team=t.id)) if facilitator or t.id == role else None,
                       bot=state.bots.get(t.id))
        for t in scenario.teams.values()
    }
    queue = skipped = None
    if facilitator:
        notes = {e.id: e.notes for e in scenario.msel}
        queue = tuple(QueuedView(q.entry, q.inject, scenario.injects[q.inject].title, q.reason, tuple(q.recipients),
                                 notes.get(q.entry, ""))
                      for q in state.queue.values())
        skipped = tuple(SkippedView(s.entry, s.reason, s.turn) for s in state.skipped)
    info = scenario.info
    return View(
        role=role,
        scenario=ScenarioView(info.id, info.title, info.turns, info.turn_duration, info.adjudication,
                              info.moves_per_turn),
        turn=state.turn,
        phase=state.phase,
        tracks={name: TrackView(scenario.tracks[name].label, value, scenario.tracks[name].min, scenario.tracks[name].max)
                for name, value in state.tracks.items()},
        flags={name: FlagView(scenario.flags[name].label, value) for name, value in state.flags.items()},
        teams=teams,
        moves=moves,
        injects=deliveries,
        proposals=proposals,
        commitments=tuple(
            CommitmentView(c.id, c.team, c.kind, c.move, c.text, c.turn, tuple(c.targets), c.status, c.note)
            for c in commitment_items
        ),
        conditions=conditions_in(_this_turn(state.condition_log, turn, now), role),
        notes=notes_in(_this_turn(state.notes, turn, now), role),
        history=tuple(entry for entry in _this_turn(state.history, turn, now, lambda entry: entry[0])),
        holding=tuple(HoldingView(kind, team, item) for (kind, team, item), holds in state.conditions.items()
                      if holds and (facilitator or team == role)),
        series=_series(state, turn),
        end_state=state.end_state,
        ended_reason=state.ended_reason,
        scope=scope,
        queue=queue,
        feedback=feedback_in(_this_turn(state.evaluation.feedback, turn, now), role) if role in see.CONTROL else None,
        skipped=skipped,
    )


def conditions_in(events: Iterable[ev.Event], role: str) -> tuple[ConditionView, ...]:
    """The condition changes among ``events`` that ``role`` sees, as a view shows them."""
    return tuple(ConditionView(e.kind, e.team, e.item, e.holds, e.turn) for e in events
                 if isinstance(e, ev.ConditionChanged) and see.sees_condition(e, role))


def notes_in(events: Iterable[ev.Event], role: str) -> tuple[NoteView, ...]:
    """The notes among ``events`` that ``role`` sees, as a view shows them."""
    return tuple(NoteView(n.author, n.text, n.turn, n.category, n.team, n.owner, n.due) for n in events
                 if isinstance(n, ev.NoteAdded) and see.sees_note(n, role))


def feedback_in(events: Iterable[ev.Event], role: str) -> tuple[FeedbackView, ...]:
    """The teams' feedback among ``events``, for control (others see none of it)."""
    if role not in see.CONTROL:
        return ()
    return tuple(FeedbackView(f.team, f.author, f.turn, f.rating, f.comments, tuple(f.strengths), tuple(f.improvements))
                 for f in events if isinstance(f, ev.FeedbackGiven))


SERIES_TURNS = 12


def _series(state: GameState, turn: int) -> dict[str, tuple[int, ...]]:
    """Each track's value as each of the last SERIES_TURNS turns began, then its value now."""
    openings = state.ledger.openings
    turns = [t for t in range(max(1, turn - SERIES_TURNS + 1), turn + 1) if t in openings]
    return {name: (*(openings[t][name] for t in turns), value) for name, value in state.tracks.items()}


def _this_turn(items: list[Any], turn: int, now: bool, turn_of: Callable[[Any], int] = lambda item: item.turn) -> list[Any]:
    """``items`` (in turn order), or with ``now`` only those of ``turn``, read from the end."""
    if not now:
        return items
    start = len(items)
    while start and turn_of(items[start - 1]) >= turn:
        start -= 1
    return items[start:]


# --- as plain data ---------------------------------------------------------------------------

_converter = Converter()
# Per class: these enums are also str, and the str hook would win by MRO.
for _enum in (ev.Phase, ev.Outcome, ev.Answer, ev.MoveStatus, ev.ProposalStatus, ev.CommitmentStatus,
              model.Adjudication, model.InjectKind):
    _converter.register_unstructure_hook(_enum, lambda member: member.value)
# Every tuple as a JSON array, also a fixed-length one (a history entry), so the data equals what JSON or TOML reads back.
def _is_tuple(t: Any) -> bool:
    return t is tuple or get_origin(t) is tuple


_converter.register_unstructure_hook_func(_is_tuple, lambda value: [_converter.unstructure(v) for v in value])


def _omitted_when_none(cls: type, *names: str, **renamed: str) -> None:
    """Unstructure ``cls`` leaving out ``names`` when None, and with fields renamed (``sender="from"``).

    The keys keep the order of the fields (cattrs' own ``omit_if_default`` would put those last).
    """
    assert set(names) | set(renamed) <= {a.name for a in fields(cls)}
    renames: dict[str, Any] = {name: override(rename=key) for name, key in renamed.items()}
    whole: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(cls, _converter, **renames)
    keys = [renamed.get(name, name) for name in names]

    def unstructure(value: Any) -> dict[str, Any]:
        data = whole(value)
        for key in keys:
            if data[key] is None:
                del data[key]
        return data

    _converter.register_unstructure_hook(cls, unstructure)


_omitted_when_none(TeamView, "moves_this_turn", "bot")
_omitted_when_none(DeliveryView, "expected_actions", sender="from")
_omitted_when_none(View, "queue", "skipped", "feedback")


def view_data(view: View) -> dict[str, Any]:
    """A view as plain, JSON-ready data: what ``status --json`` prints."""
    data: dict[str, Any] = _converter.unstructure(view)
    return data
