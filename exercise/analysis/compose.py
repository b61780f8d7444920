"""The whole analysis of a session, composed from its parts."""

from __future__ import annotations

from collections.abc import Sequence

from .. import events as ev
from ..model import Scenario
from ..state import Commitment, GameState, Move, replay
from .conditions import end_state_results
from .evaluation import evaluate
from .measures import MEASURES
from .names import Names, source_ref
from .notes import note_items, plan
from .proposals import proposal_rows
from .results import Analysis, CommitmentRow, Counts
from .teams import team_result
from .tracks import flag_series, track_series
from .walk import COMMITMENT_STATUS_TEXT, Walk


def analyse(scenario: Scenario, events: Sequence[ev.Event], state: GameState | None = None) -> Analysis:
    """The after-action analysis of a session: its scenario, its events in order, its final state.

    ``state`` is what the events fold to; it is replayed from the events when not given (or
    when it was not folded from exactly these events, as the walk finds changes by seq).
    """
    events = list(events)
    if state is None or state.seq != len(events):
        state = replay(scenario, events)
    names = Names(scenario)
    info = scenario.info
    walk = Walk(scenario, state, names)
    walk.run(events)

    notes = note_items(state, names)
    plan_items = plan(notes)
    moves_by_team: dict[str, list[Move]] = {}
    for move in state.moves.values():
        moves_by_team.setdefault(move.team, []).append(move)
    commitments_by_team: dict[str, list[Commitment]] = {}
    for c in state.commitments.values():
        commitments_by_team.setdefault(c.team, []).append(c)
    teams = [
        team_result(walk, team, moves_by_team.get(team.id, []), commitments_by_team.get(team.id, []), notes)
        for team in scenario.teams.values()
    ]
    red_lines = [r for t in teams for r in t.red_lines]

    commitments = [
        CommitmentRow(c.id, c.team, names.team(c.team), c.kind, c.move, c.text,
                      names.recipients(c.targets) if c.targets else "", c.turn, c.status,
                      COMMITMENT_STATUS_TEXT.get(c.status, c.status), c.resolved_turn, c.note)
        for c in state.commitments.values()
    ]
    final_turn = state.turn
    end_states = end_state_results(walk)
    end_state = next((e for e in end_states if e.reached), None)
    if end_state is None and state.phase is not ev.Phase.ENDED:  # in play: the first reached so far wins
        end_state = next((e for e in end_states if e.id == state.first_end_state), None)

    revealed = [m for m in state.moves.values() if m.revealed]
    counts = Counts(
        turns_played=final_turn,
        injects_delivered=len(state.deliveries),
        injects_skipped=len(state.skipped),
        moves=len(revealed),
        rulings=sum(1 for m in revealed if m.ruling),
        dice_rulings=sum(1 for m in revealed if m.ruling and m.ruling.rolls),
        proposals=len(state.proposals),
        deals=sum(p.status == "deal" for p in state.proposals.values()),
        deals_violated=sum(p.status == "violated" for p in state.proposals.values()),
        commitments=len(state.commitments),
        red_lines_crossed=sum(r.crossed for r in red_lines),
        objectives_met=sum(t.objectives_met for t in teams),
        objectives_assessed=sum(t.objectives_assessed for t in teams),
    )
    status = {ev.Phase.ENDED: "ended", ev.Phase.HOTWASH: "hotwash"}.get(state.phase, "in play")
    undelivered = [
        f"{q.entry}: {scenario.injects[q.inject].title if q.inject in scenario.injects else q.inject}"
        for q in state.queue.values()
    ]
    return Analysis(
        scenario_id=info.id, title=info.title, status=status, final=status == "ended",
        phase=state.phase.value,
        turns_planned=info.turns, turns_played=final_turn, ended_reason=state.ended_reason,
        setting_date=info.setting_date.isoformat(), turn_duration=info.turn_duration,
        adjudication=info.adjudication.value, team_names=dict(names.teams),
        sources=[source_ref(scenario, s.id) for s in scenario.sources], timeline=walk.final_timeline(),
        undelivered=undelivered, teams=teams, commitments=commitments,
        credibility=[t.credibility for t in teams],
        reciprocity=[t.reciprocity for t in teams], red_lines=red_lines, proposals=proposal_rows(walk),
        tracks=track_series(scenario, state.ledger, final_turn, walk.cause_at),
        flags=flag_series(scenario, state.ledger, final_turn), changes=walk.changes,
        end_state=end_state, end_states=end_states,
        strengths=[n for n in notes if n.category == "strength" and not n.team],
        improvements=[n for n in notes if n.category == "improvement" and not n.team],
        notes=notes, plan=plan_items, alignments=[t.alignment for t in teams if t.alignment is not None],
        counts=counts, measures=dict(MEASURES), evaluation=evaluate(scenario, state, plan_items),
    )
