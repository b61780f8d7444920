"""Every proposal tabled, its answers, and how it ended: what a deal changed, and its breach."""

from __future__ import annotations

from .. import events as ev
from ..state import Proposal
from .names import effects_text, has_effects, source_ref
from .results import AnswerRow, ProposalRow
from .walk import Walk


def _outcome_text(walk: Walk, p: Proposal, countered_by: dict[str, str]) -> str:
    names = walk.names
    if p.status == "deal":
        return f"a deal in turn {p.settled_turn}"
    if p.status == "violated":
        return f"a deal, violated by {names.team(p.violated_by)} in turn {p.settled_turn}"
    if p.status == "open":
        ended = walk.state.phase in (ev.Phase.HOTWASH, ev.Phase.ENDED)
        return "still open when the game ended" if ended else "still open when the report was made"
    if p.status == "lapsed":
        return f"lapsed in turn {p.settled_turn}"
    settled = walk.settled.get(p.id)
    by = f" by {names.team(settled.by)}" if settled and settled.by else ""
    outcome = f"{p.status}{by} in turn {p.settled_turn}"
    if p.status == "countered" and p.id in countered_by:
        outcome += f" (see {countered_by[p.id]})"
    return outcome


def _answers(walk: Walk, p: Proposal) -> list[AnswerRow]:
    answered = walk.answers.get(p.id, {})
    rows = []
    for party in p.parties:
        a = answered.get(party)
        if a is None:
            rows.append(AnswerRow(party, walk.names.team(party), "no answer", "", 0))
        else:
            note = "" if a.note == "proposer" else a.note
            rows.append(AnswerRow(party, walk.names.team(party), a.answer.value, note, a.turn))
    return rows


def proposal_rows(walk: Walk) -> list[ProposalRow]:
    state, names, scenario = walk.state, walk.names, walk.scenario
    countered_by = {p.counter_of: p.id for p in state.proposals.values() if p.counter_of}
    rows = []
    for p in state.proposals.values():
        source, origin_text = None, p.origin
        if p.origin in state.deliveries:
            inject = state.deliveries[p.origin].inject
            source = source_ref(scenario, inject.source)
            origin_text = f"inject {p.origin}: {inject.title}"
        elif p.origin in state.moves:
            origin_text = f"move {p.origin} by {names.team(state.moves[p.origin].team)}"
        elif p.origin in state.proposals:
            origin_text = f"counter to {p.origin}"
        # a deal made: what it actually changed; one never made: what it would have done
        effects = walk.change_text(p.made) if p.made is not None else effects_text(p.effects)
        breach = walk.violation_change.get(p.id)
        violation_effects = walk.change_text(breach) if breach and has_effects(breach.intended) else ""
        rows.append(ProposalRow(
            p.id, p.title, p.by, names.team(p.by), p.origin, origin_text, source, list(p.terms),
            ", ".join(names.team(t) for t in p.parties), _answers(walk, p), p.status,
            _outcome_text(walk, p, countered_by), p.turn, p.settled_turn, p.counter_of,
            countered_by.get(p.id, ""), effects, violation_effects,
        ))
    return rows
