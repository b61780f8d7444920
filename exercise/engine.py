"""The rules: a command, checked against the state, becomes events.

``decide`` never changes the state; it returns the events a command produces, or raises
``Refused`` saying why not (then nothing is written). Dice come from a generator seeded by
the session's seed and the journal position, so the same commands give the same game.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from attrs import evolve, frozen

from . import adjudication
from . import commands as cmd
from . import events as ev
from .model import ALL_TEAMS, Adjudication, Commitment, Effects, Inject, MselEntry, Scenario
from .state import GameState, Ledger, Move, Proposal

Condition = Callable[[Mapping[str, int], Mapping[str, bool], int], bool]

_CS = ev.CommitmentStatus
COMMITMENT_STATUSES: dict[str, tuple[ev.CommitmentStatus, ...]] = {
    "threat": (_CS.CARRIED_OUT, _CS.WITHDRAWN, _CS.LAPSED),
    "promise": (_CS.CARRIED_OUT, _CS.WITHDRAWN, _CS.LAPSED),
    "concession": (_CS.RECIPROCATED, _CS.UNRECIPROCATED, _CS.WITHDRAWN),
}
_PS = ev.ProposalStatus
NOTE_CATEGORIES = ("log", "strength", "improvement", "plan")


class Refused(Exception):
    """A command the rules do not allow; the message says why and what would work.

    Raised as one of the kinds below, so that a shell reacting to why branches on the type,
    never on the message's text.
    """


class NotAllowed(Refused):
    """Not this actor's to do: only the facilitator may, or it is another team's."""


class WrongPhase(Refused):
    """Not now: the phase of the turn, or the game's having ended, does not allow it."""


class Unknown(Refused):
    """No such team, role, move, proposal, commitment, deal or queued inject."""


class Invalid(Refused):
    """A field of the command is missing or wrong: a kind, a headline, effects, a status, dice options."""


class Conflict(Refused):
    """The thing is already otherwise: ruled, answered, resolved, withdrawn, at the move limit."""


class UnruledMoves(Refused):
    """The turn cannot end while revealed ``moves`` have no ruling (unless the advance is forced)."""

    def __init__(self, moves: list[str] | tuple[str, ...]):
        self.moves = tuple(moves)
        super().__init__(f"moves without a ruling: {', '.join(self.moves)} (adjudicate them, or advance with --force)")

    def __reduce__(self) -> tuple[type[UnruledMoves], tuple[tuple[str, ...]]]:  # pickles with its moves
        return type(self), (self.moves,)


@frozen
class Rules:
    """A scenario with its conditions compiled (by the shell, which may use Jinja) and a seed."""

    scenario: Scenario
    conditions: Mapping[str, Condition]
    seed: int


def _phase_name(state: GameState) -> str:
    return f"turn {state.turn}, {state.phase.value}"


def _require_team(rules: Rules, team: str) -> None:
    if team not in rules.scenario.teams:
        raise Unknown(f"no team '{team}' (teams: {', '.join(rules.scenario.teams)})")


def _require_actor(actor: str, team: str) -> None:
    if actor not in (cmd.FACILITATOR, team):
        raise NotAllowed(f"'{actor}' cannot act for team '{team}'")


def _require_facilitator(actor: str, what: str) -> None:
    if actor != cmd.FACILITATOR:
        raise NotAllowed(f"only the facilitator can {what}")


def _require_playing(state: GameState, what: str) -> None:
    if state.phase in (ev.Phase.HOTWASH, ev.Phase.ENDED):
        raise WrongPhase(f"cannot {what}: the game is in its {state.phase.value}")


def _check_effects(rules: Rules, effects: Effects, where: str) -> None:
    for name in effects.tracks:
        if name not in rules.scenario.tracks:
            raise Invalid(f"{where}: no track '{name}' (tracks: {', '.join(rules.scenario.tracks)})")
    for name in effects.flags:
        if name not in rules.scenario.flags:
            raise Invalid(f"{where}: no flag '{name}' (flags: {', '.join(rules.scenario.flags) or 'none'})")


class _Ids:
    """Fresh ids (m1, d1, p1, c1, ...) that count the events of this decision too."""

    def __init__(self, state: GameState):
        self.next = {
            "m": len(state.moves), "d": len(state.deliveries),
            "p": len(state.proposals), "c": len(state.commitments),
        }

    def __call__(self, prefix: str) -> str:
        self.next[prefix] += 1
        return f"{prefix}{self.next[prefix]}"


# --- injects ---------------------------------------------------------------------------------


def _deliver(state: GameState, ids: _Ids, inject: Inject, recipients: list[str], entry: str = "") -> list[ev.Event]:
    delivery = ids("d")
    out: list[ev.Event] = [ev.InjectDelivered(delivery, inject, recipients, state.turn, entry)]
    if inject.proposal is not None:
        p = inject.proposal
        lapses = state.turn + p.lapses_after - 1 if p.lapses_after else 0  # open for lapses_after turns
        out.append(ev.ProposalTabled(ids("p"), inject.sender, delivery, inject.title, list(p.terms),
                                     list(p.parties), p.effects, state.turn, lapses))
    return out


def _queue_scheduled(rules: Rules, fired: set[str], turn: int) -> list[ev.Event]:
    out: list[ev.Event] = []
    for entry in rules.scenario.msel:
        if entry.turn == turn and entry.id not in fired:
            out.append(_queued(rules, entry, f"scheduled for turn {turn}"))
    return out


def _queued(rules: Rules, entry: MselEntry, reason: str) -> ev.InjectQueued:
    inject = rules.scenario.injects[entry.inject]
    return ev.InjectQueued(entry.id, entry.inject, reason, list(entry.recipients or inject.recipients))


def _deliver_queued(rules: Rules, state: GameState, ids: _Ids, entry_id: str) -> list[ev.Event]:
    queued = state.queue[entry_id]
    inject = rules.scenario.injects[queued.inject]
    if queued.proposal:  # a move already tabled this offer (see _table_move)
        inject = evolve(inject, proposal=None)
    return _deliver(state, ids, inject, queued.recipients, entry_id)


# --- handlers --------------------------------------------------------------------------------


def _submit(rules: Rules, state: GameState, c: cmd.Submit, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_team(rules, c.team)
    _require_actor(actor, c.team)
    if state.phase is not ev.Phase.MOVES:
        raise WrongPhase(f"moves are not open ({_phase_name(state)}); the facilitator opens them with 'advance'")
    kinds = rules.scenario.team_kinds(c.team)
    if c.kind not in kinds:
        raise Invalid(f"team '{c.team}' has no move kind '{c.kind}' (its levers: {', '.join(kinds)})")
    limit = rules.scenario.info.moves_per_turn
    if len(state.turn_moves(team=c.team)) >= limit:
        raise Conflict(f"team '{c.team}' already has {limit} move(s) this turn (revise or withdraw one)")
    _check_move_fields(rules, state, c)
    terms = list(c.terms)
    if rules.scenario.move_kinds[c.kind].commitment is Commitment.PROPOSAL and not terms:
        terms = [c.headline]
    return [ev.MoveSubmitted(ids("m"), c.team, c.kind, c.headline.strip(), state.turn, list(c.targets),
                             c.detail, c.answers, list(c.arguments), terms)]


def _check_move_fields(rules: Rules, state: GameState, c: cmd.Submit | cmd.Revise) -> None:
    if not c.headline.strip():
        raise Invalid("a move needs a headline")
    for target in c.targets:
        if target != ALL_TEAMS:
            _require_team(rules, target)
    if c.answers and c.answers not in state.deliveries and c.answers not in state.proposals:
        raise Invalid(f"'{c.answers}' is neither a delivered inject (d1, ...) nor a proposal (p1, ...)")


def _own_open_move(state: GameState, team: str, move_id: str, what: str) -> Move:
    move = state.moves.get(move_id)
    if move is None:
        raise Unknown(f"no move '{move_id}'")
    if move.team != team:
        raise NotAllowed(f"move '{move_id}' belongs to team '{move.team}', not '{team}'")
    if move.status is not ev.MoveStatus.SUBMITTED or move.turn != state.turn or state.phase is not ev.Phase.MOVES:
        if move.status is ev.MoveStatus.WITHDRAWN:
            raise Conflict(f"move '{move_id}' was withdrawn")
        raise WrongPhase(f"move '{move_id}' can no longer be {what} (moves for turn {move.turn} are closed)")
    return move


def _revise(rules: Rules, state: GameState, c: cmd.Revise, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_team(rules, c.team)
    _require_actor(actor, c.team)
    move = _own_open_move(state, c.team, c.move, "revised")
    _check_move_fields(rules, state, c)
    terms = list(c.terms) or (move.terms if rules.scenario.move_kinds[move.kind].commitment is Commitment.PROPOSAL else [])
    return [ev.MoveRevised(c.move, c.headline.strip(), list(c.targets), c.detail, c.answers, list(c.arguments), terms)]


def _withdraw(rules: Rules, state: GameState, c: cmd.Withdraw, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_team(rules, c.team)
    _require_actor(actor, c.team)
    _own_open_move(state, c.team, c.move, "withdrawn")
    return [ev.MoveWithdrawn(c.move)]


def _ready(rules: Rules, state: GameState, c: cmd.Ready, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_team(rules, c.team)
    _require_actor(actor, c.team)
    if state.phase is not ev.Phase.MOVES:
        raise WrongPhase(f"moves are not open ({_phase_name(state)})")
    if (c.team in state.ready) == c.ready:
        return []
    return [ev.ReadyChanged(c.team, c.ready)]


def _advance(rules: Rules, state: GameState, c: cmd.Advance, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_facilitator(actor, "advance the game")
    scenario = rules.scenario
    if state.phase is ev.Phase.BRIEFING:
        out: list[ev.Event] = []
        for entry_id in list(state.queue):
            out += _deliver_queued(rules, state, ids, entry_id)
        return out + [ev.PhaseChanged(ev.Phase.MOVES)]
    if state.phase is ev.Phase.MOVES:
        moves = state.turn_moves()
        out = [ev.MovesRevealed(state.turn, [m.id for m in moves])]
        kinds_played = {m.kind for m in moves}
        due = [entry for entry in scenario.msel
               if entry.after_move in kinds_played and entry.id not in state.fired and state.turn >= entry.earliest_turn]
        linked: dict[str, str] = {}  # MSEL entry -> the proposal a move tabled that its inject's proposal is
        for move in moves:
            kind = scenario.move_kinds[move.kind]
            if kind.commitment.value in COMMITMENT_STATUSES:
                out.append(ev.CommitmentOpened(ids("c"), move.team, kind.commitment.value, move.id,
                                               move.headline, state.turn, list(move.targets)))
            elif kind.commitment is Commitment.PROPOSAL:
                out += _table_move(rules, state, ids, move, due, linked)
        for entry in due:
            queued = _queued(rules, entry, f"after a '{entry.after_move}' move")
            out.append(evolve(queued, proposal=linked.get(entry.id, "")))
        return out + [ev.PhaseChanged(ev.Phase.ADJUDICATION)]
    if state.phase is ev.Phase.ADJUDICATION:
        unruled = [m.id for m in state.turn_moves() if m.revealed and m.ruling is None]
        if unruled and not c.force:
            raise UnruledMoves(unruled)
        out = [
            ev.ProposalSettled(p.id, _PS.LAPSED, state.turn)
            for p in state.current_proposals() if p.status is _PS.OPEN and p.lapses_turn and p.lapses_turn <= state.turn
        ]
        if state.turn >= scenario.info.turns:
            return out + [ev.PhaseChanged(ev.Phase.HOTWASH, "the last turn is over")]
        return out + [ev.TurnStarted(state.turn + 1)] + _queue_scheduled(rules, state.fired, state.turn + 1)
    if state.phase is ev.Phase.HOTWASH:
        return [ev.GameEnded("the hotwash is closed", _end_state(rules, state))]
    raise WrongPhase("the game has ended")


def _table_move(rules: Rules, state: GameState, ids: _Ids, move: Move, due: list[MselEntry],
                linked: dict[str, str]) -> list[ev.Event]:
    """The proposal a move puts on the table, accepted by its proposer.

    An MSEL entry due after this kind of move whose inject carries a proposal describes this
    same offer: the move's proposal takes that proposal's effects and lapse, and the inject is
    delivered without tabling a second one.
    """
    scenario = rules.scenario
    parties = [move.team] + [t for t in move.targets if t not in (move.team, ALL_TEAMS)]
    if ALL_TEAMS in move.targets or len(parties) == 1:  # aimed at no one: put to everyone
        parties = [move.team] + [t for t in scenario.teams if t != move.team]
    proposal = ids("p")
    effects, lapses = Effects(), 0
    for entry in due:
        offer = scenario.injects[entry.inject].proposal
        if entry.after_move == move.kind and offer is not None and entry.id not in linked:
            linked[entry.id] = proposal
            effects = offer.effects
            lapses = state.turn + offer.lapses_after - 1 if offer.lapses_after else 0
            break
    return [
        ev.ProposalTabled(proposal, move.team, move.id, move.headline, list(move.terms), parties, effects,
                          state.turn, lapses),
        ev.ProposalAnswered(proposal, move.team, ev.Answer.ACCEPT, state.turn, "proposer"),
    ]


def _deliver_entry(rules: Rules, state: GameState, c: cmd.Deliver, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_facilitator(actor, "deliver injects")
    _require_playing(state, "deliver injects")
    if c.entry not in state.queue:
        queued = ", ".join(state.queue) or "none"
        raise Unknown(f"'{c.entry}' is not in the inject queue (queued: {queued})")
    return _deliver_queued(rules, state, ids, c.entry)


def _skip(rules: Rules, state: GameState, c: cmd.Skip, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_facilitator(actor, "skip injects")
    if state.phase is ev.Phase.ENDED:
        raise WrongPhase("the game has ended")
    if c.entry not in state.queue:
        raise Unknown(f"'{c.entry}' is not in the inject queue (queued: {', '.join(state.queue) or 'none'})")
    if not c.reason.strip():
        raise Invalid("say why the inject is skipped (--reason); the report records it")
    return [ev.InjectSkipped(c.entry, c.reason.strip(), state.turn)]


def _deliver_inject(rules: Rules, state: GameState, c: cmd.DeliverInject, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_facilitator(actor, "deliver injects")
    _require_playing(state, "deliver injects")
    inject = c.inject
    recipients = list(c.recipients or inject.recipients)
    for team in recipients:
        if team != ALL_TEAMS:
            _require_team(rules, team)
    _check_effects(rules, inject.effects, f"inject '{inject.id}'")
    if inject.proposal is not None:
        for team in inject.proposal.parties:
            _require_team(rules, team)
        _check_effects(rules, inject.proposal.effects, f"inject '{inject.id}' proposal")
    return _deliver(state, ids, inject, recipients)


def _default_effects(rules: Rules, kind: str, outcome: ev.Outcome) -> Effects:
    base = rules.scenario.move_kinds[kind].effects
    if outcome is ev.Outcome.SUCCESS:
        return base
    if outcome is ev.Outcome.PARTIAL:  # half the change, rounded towards zero
        return Effects({k: int(v / 2) for k, v in base.tracks.items() if int(v / 2)}, {})
    return Effects()


def _adjudicate(rules: Rules, state: GameState, c: cmd.Adjudicate, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_facilitator(actor, "adjudicate")
    if state.phase is ev.Phase.ENDED:
        raise WrongPhase("the game has ended")
    move = state.moves.get(c.move)
    if move is None:
        raise Unknown(f"no move '{c.move}'")
    if not move.revealed:
        raise WrongPhase(f"move '{c.move}' is not revealed yet ({move.status}); close moves with 'advance' first")
    if move.ruling is not None:
        raise Conflict(f"move '{c.move}' already has a ruling ({move.ruling.outcome.value})")
    way = adjudication.method(rules.scenario.info.adjudication)
    by_hand = c.outcome is not None
    try:
        way.check(by_hand, c.strong_for, c.strong_against, c.probability)
    except adjudication.MethodRefused as exc:
        raise Invalid(str(exc)) from None
    if by_hand:
        assert c.outcome is not None
        roll = adjudication.Roll([], 0, None, c.outcome)
        used = Adjudication.UMPIRE.value
    else:
        roll = way.roll(random.Random(f"{rules.seed}:{state.seq}"), c.strong_for, c.strong_against, c.probability)
        used = way.id.value
    if c.effects is None:
        effects = _default_effects(rules, move.kind, roll.outcome)
    else:  # by hand: what happens; for the dice: what happens if they succeed
        effects = c.effects if by_hand or roll.outcome is ev.Outcome.SUCCESS else Effects()
    _check_effects(rules, effects, "effects")
    return [ev.Ruled(c.move, used, roll.outcome, c.narrative, effects, state.turn, roll.rolls, roll.modifier,
                     roll.probability, c.public, None if by_hand else c.effects)]


def _respond(rules: Rules, state: GameState, c: cmd.Respond, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_team(rules, c.team)
    _require_actor(actor, c.team)
    _require_playing(state, "answer proposals")
    proposal = state.proposals.get(c.proposal)
    if proposal is None:
        raise Unknown(f"no proposal '{c.proposal}' (open: {', '.join(p.id for p in state.proposals.values() if p.status == 'open') or 'none'})")
    if proposal.status is not _PS.OPEN:
        raise Conflict(f"proposal '{c.proposal}' is no longer open ({proposal.status})")
    if c.team not in proposal.parties:
        raise NotAllowed(f"team '{c.team}' is not a party to proposal '{c.proposal}' (parties: {', '.join(proposal.parties)})")
    if c.team in proposal.answers:
        raise Conflict(f"team '{c.team}' has already answered proposal '{c.proposal}' ({proposal.answers[c.team].value})")
    if c.answer is not ev.Answer.COUNTER and (c.terms or c.effects is not None):
        raise Invalid(f"terms and effects go with a counter-proposal, not with '{c.answer.value}'")
    out: list[ev.Event] = [ev.ProposalAnswered(c.proposal, c.team, c.answer, state.turn, c.note)]
    if c.answer is ev.Answer.ACCEPT:
        if set(proposal.parties) <= set(proposal.answers) | {c.team} and all(
            a is ev.Answer.ACCEPT for a in proposal.answers.values()
        ):
            out.append(ev.ProposalSettled(c.proposal, _PS.DEAL, state.turn, proposal.effects))
    elif c.answer is ev.Answer.REJECT:
        out.append(ev.ProposalSettled(c.proposal, _PS.REJECTED, state.turn, by=c.team, note=c.note))
    else:
        if not c.terms:
            raise Invalid("a counter-proposal needs its terms")
        effects = c.effects or Effects()  # its own: the terms differ, so the original's do not carry over
        _check_effects(rules, effects, "counter-proposal effects")
        counter = ids("p")
        out += [
            ev.ProposalSettled(c.proposal, _PS.COUNTERED, state.turn, by=c.team, note=c.note),
            ev.ProposalTabled(counter, c.team, c.proposal, f"Counter to {proposal.title}", list(c.terms),
                              list(proposal.parties), effects, state.turn,
                              proposal.lapses_turn and max(proposal.lapses_turn, state.turn + 1), c.proposal),
            ev.ProposalAnswered(counter, c.team, ev.Answer.ACCEPT, state.turn, "proposer"),
        ]
    return out


def _resolve(rules: Rules, state: GameState, c: cmd.Resolve, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_facilitator(actor, "resolve commitments and deals")
    if state.phase is ev.Phase.ENDED:
        raise WrongPhase("the game has ended")
    if c.item in state.commitments:
        commitment = state.commitments[c.item]
        allowed = COMMITMENT_STATUSES[commitment.kind]
        if commitment.status is not _CS.OPEN:
            raise Conflict(f"commitment '{c.item}' is already {commitment.status}")
        if c.status not in allowed:
            raise Invalid(f"a {commitment.kind} is resolved as {', '.join(allowed)}, not '{c.status}'")
        if c.effects is not None:
            raise Invalid("effects go with a violated deal, not with a commitment (rule on a move for those)")
        return [ev.CommitmentResolved(c.item, _CS(c.status), state.turn, c.note)]
    if c.item in state.proposals:
        proposal = state.proposals[c.item]
        if c.status != _PS.VIOLATED:
            raise Invalid(f"a deal can only be marked 'violated', not '{c.status}'")
        if proposal.status is not _PS.DEAL:
            raise Conflict(f"proposal '{c.item}' is not a deal ({proposal.status})")
        if c.by not in proposal.parties:
            raise Invalid(f"name the party that violated the deal (one of: {', '.join(proposal.parties)})")
        effects = c.effects if c.effects is not None else _undo(proposal)
        _check_effects(rules, effects, "effects")
        return [ev.ProposalSettled(c.item, _PS.VIOLATED, state.turn, effects, by=c.by, note=c.note)]
    known = ", ".join([*state.commitments, *(p.id for p in state.proposals.values() if p.status is _PS.DEAL)]) or "none"
    raise Unknown(f"no commitment or deal '{c.item}' (open to resolve: {known})")


def _undo(proposal: Proposal) -> Effects:
    """What a breach does unless the facilitator rules otherwise: the deal's own changes undone."""
    return proposal.made.undone() if proposal.made is not None else Effects()


def _note(rules: Rules, state: GameState, c: cmd.Note, actor: str, ids: _Ids) -> list[ev.Event]:
    if not c.text.strip():
        raise Invalid("a note needs text")
    if c.category not in NOTE_CATEGORIES:
        raise Invalid(f"a note's category is one of {', '.join(NOTE_CATEGORIES)}, not '{c.category}'")
    if c.category != "log":
        _require_facilitator(actor, "record hotwash items")
    if actor != cmd.FACILITATOR:
        _require_team(rules, actor)
    if c.team:
        _require_team(rules, c.team)
    if state.phase is ev.Phase.ENDED:
        raise WrongPhase("the game has ended")
    return [ev.NoteAdded(actor, c.text.strip(), state.turn, c.category, c.team, c.owner, c.due)]


def _end(rules: Rules, state: GameState, c: cmd.End, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_facilitator(actor, "end the game")
    if state.phase is ev.Phase.ENDED:
        raise WrongPhase("the game has already ended")
    if state.phase is ev.Phase.HOTWASH:
        return [ev.GameEnded(c.reason or "the hotwash is closed", _end_state(rules, state))]
    return [ev.PhaseChanged(ev.Phase.HOTWASH, c.reason or "ended early by the facilitator")]


HANDS = ("bot", "human")  # who may play a team: the doctrine bot, or its players


def _handoff(rules: Rules, state: GameState, c: cmd.Handoff, actor: str, ids: _Ids) -> list[ev.Event]:
    _require_facilitator(actor, "hand a team to the bot or back to its players")
    _require_team(rules, c.team)
    if state.phase is ev.Phase.ENDED:
        raise WrongPhase("the game has ended")
    if c.to not in HANDS:
        raise Invalid(f"a team is handed to 'bot' or 'human', not '{c.to}'")
    if c.brief:
        briefs = [a.id for a in rules.scenario.teams[c.team].position.advisors]
        if c.to != "bot":
            raise Invalid("an advisor brief goes with a hand-over to the bot, not back to the players")
        if c.brief not in briefs:
            raise Unknown(f"team '{c.team}' has no advisor brief '{c.brief}' (briefs: {', '.join(briefs) or 'none'})")
    now = state.bots.get(c.team)
    if (c.to == "bot" and now == c.brief) or (c.to == "human" and now is None):
        return []
    return [ev.TeamHandedOver(c.team, c.to, state.turn, c.brief)]


_HANDLERS: dict[type, Callable[[Rules, GameState, Any, str, _Ids], list[ev.Event]]] = {
    cmd.Submit: _submit, cmd.Revise: _revise, cmd.Withdraw: _withdraw, cmd.Ready: _ready,
    cmd.Advance: _advance, cmd.Deliver: _deliver_entry, cmd.Skip: _skip,
    cmd.DeliverInject: _deliver_inject, cmd.Adjudicate: _adjudicate, cmd.Respond: _respond,
    cmd.Resolve: _resolve, cmd.Note: _note, cmd.End: _end, cmd.Handoff: _handoff,
}


# --- conditions ------------------------------------------------------------------------------


def _end_state(rules: Rules, state: GameState) -> str:
    """The game's outcome: the first end state reached in play (the scenario's order breaks a tie)."""
    return state.first_end_state


def preview(state: GameState, events: list[ev.Event]) -> Ledger:
    """Tracks, flags, turn and phase once ``events`` apply: the fold's own ledger, on a copy."""
    ledger = state.ledger.preview()
    for e in events:
        ledger.apply(e, 0)
    return ledger


def consequences(rules: Rules, state: GameState, events: list[ev.Event]) -> list[ev.Event]:
    """Conditions that changed once ``events`` apply: objectives, red lines, end states, injects.

    Conditions read only tracks, flags and the turn, so when ``events`` change none of them
    nothing is checked (most commands: a move, an answer, a note).
    """
    after = preview(state, events)
    tracks, flags, turn, phase = after.tracks, after.flags, after.turn, after.phase
    if turn == 0 or phase is ev.Phase.ENDED:
        return []
    if (tracks, flags, turn) == (state.tracks, state.flags, state.turn):
        return []
    scenario, out = rules.scenario, list[ev.Event]()

    def check(kind: str, team: str, item: str, when: str) -> None:
        holds = rules.conditions[when](tracks, flags, turn)
        if holds != state.conditions.get((kind, team, item), False):
            out.append(ev.ConditionChanged(kind, item, holds, turn, team))

    for team in scenario.teams.values():
        for objective in team.position.objectives:
            if objective.when:
                check("objective", team.id, objective.id, objective.when)
        for red_line in team.position.red_lines:
            if red_line.when:
                check("red_line", team.id, red_line.id, red_line.when)
    for state_id, end in scenario.end_states.items():
        check("end_state", "", state_id, end.when)
    if phase is not ev.Phase.HOTWASH:
        queued = {e.entry for e in events if isinstance(e, ev.InjectQueued)}
        for entry in scenario.msel:
            if (entry.when and entry.id not in state.fired and entry.id not in queued
                    and turn >= entry.earliest_turn and rules.conditions[entry.when](tracks, flags, turn)):
                out.append(_queued(rules, entry, f"condition met: {entry.when}"))
    return out


# --- public ----------------------------------------------------------------------------------


def begin(rules: Rules, state: GameState) -> list[ev.Event]:
    """The events that start a session: turn 1 and the injects it schedules."""
    if state.seq:
        raise Conflict("the session has already begun")
    events = [ev.TurnStarted(1)] + _queue_scheduled(rules, state.fired, 1)
    return events + consequences(rules, state, events)


def decide(rules: Rules, state: GameState, command: cmd.Command, actor: str = cmd.FACILITATOR) -> list[ev.Event]:
    """The events ``command`` by ``actor`` (the facilitator or a team id) produces, or Refused."""
    if actor not in (cmd.FACILITATOR, cmd.EVALUATOR) and actor not in rules.scenario.teams:
        raise Unknown(f"unknown role '{actor}' (facilitator, evaluator or a team: {', '.join(rules.scenario.teams)})")
    from .evaluation import HANDLERS as evaluation  # its rules use this module's

    if type(command) in evaluation:
        return evaluation[type(command)](rules, state, command, actor)  # changes no track: no consequences
    events = _HANDLERS[type(command)](rules, state, command, actor, _Ids(state))
    return events + consequences(rules, state, events) if events else events
