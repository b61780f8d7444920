"""Per team: objectives, red lines, moves by kind, levers, credibility, reciprocity, alignment."""

from __future__ import annotations

from ..model import Commitment, Objective, RedLine, Scenario, Team
from ..state import Commitment as StateCommitment
from ..state import Move
from .names import Names, ratio_text, source_ref
from .results import (
    Alignment,
    AlignmentRow,
    Credibility,
    KindCount,
    NoteItem,
    ObjectiveResult,
    Reciprocity,
    RedLineResult,
    TeamResult,
)
from .walk import Walk


def objective_result(walk: Walk, team: Team, o: Objective) -> ObjectiveResult:
    episodes, at_end = walk.episodes("objective", team.id, o.id)
    if not o.when:
        status, text = "not assessed", "not assessed: no condition in the scenario"
    elif at_end:
        status, text = "met", f"met {episodes[-1].text}" if episodes else "met"
    elif episodes:
        status, text = "lost", "met, then lost: " + "; ".join(e.text for e in episodes)
    else:
        status, text = "not met", "never met"
    return ObjectiveResult(team.id, team.name, o.id, o.rank, o.text, source_ref(walk.scenario, o.source),
                           o.quote, o.when, status, text, episodes)


def red_line_result(walk: Walk, team: Team, r: RedLine) -> RedLineResult:
    episodes, at_end = walk.episodes("red_line", team.id, r.id)
    if not r.when:
        status, text = "not assessed", "judged by the facilitator: no condition in the scenario"
    elif at_end:
        status, text = "crossed", "crossed " + "; ".join(e.text for e in episodes)
    elif episodes:
        status, text = "restored", "crossed, then restored: " + "; ".join(e.text for e in episodes)
    else:
        status, text = "not crossed", "not crossed"
    return RedLineResult(team.id, team.name, r.id, r.text, source_ref(walk.scenario, r.source), r.quote,
                         r.when, status, text, bool(episodes), bool(at_end and r.when), episodes)


def moves_by_kind(scenario: Scenario, names: Names, moves: list[Move]) -> list[KindCount]:
    order = {kind: i for i, kind in enumerate(scenario.move_kinds)}
    tally: dict[str, list[int]] = {}
    for move in moves:
        row = tally.setdefault(move.kind, [0, 0, 0, 0, 0])
        row[0] += 1
        outcome = move.ruling.outcome.value if move.ruling else "unruled"
        row[{"success": 1, "partial": 2, "failure": 3}.get(outcome, 4)] += 1
    kinds = sorted(tally, key=lambda k: (-tally[k][0], order.get(k, len(order))))
    return [KindCount(k, names.kind(k), *tally[k]) for k in kinds]


def kinds_used(walk: Walk, team_id: str, revealed: list[Move]) -> set[str]:
    """The move kinds a team used: its revealed moves, and its answers to proposals.

    Accepting, rejecting or countering a proposal (``exercise respond``) is what a move kind
    whose commitment is ``response`` does, so an answer uses the team's response levers
    without a move. A counter is such an answer: it does not use the team's proposal levers
    (proposing a deal, offering talks), which table something of the team's own. The automatic
    acceptance of a team's own proposal is no answer."""
    used = {m.kind for m in revealed}
    if team_id in walk.responded:
        used |= {kind.id for kind in walk.scenario.move_kinds.values() if kind.commitment is Commitment.RESPONSE}
    return used


def alignment(scenario: Scenario, names: Names, team_id: str, moves: list[Move]) -> Alignment | None:
    team = scenario.teams[team_id]
    briefs = team.position.advisors
    if not briefs:
        return None
    total = len(moves)
    rows = []
    for brief in briefs:
        favoured = set(brief.favoured_kinds)
        matched = sum(1 for m in moves if m.kind in favoured)
        share = matched / total if total else 0.0
        rows.append(AlignmentRow(brief.id, brief.title, brief.advisor, source_ref(scenario, brief.source),
                                 brief.quote, [names.kind(k) for k in brief.favoured_kinds], matched, share,
                                 ratio_text(matched, total)))
    best = None
    for row in rows:  # strictly greater: ties keep the brief listed first
        if row.matched and (best is None or row.matched > best.matched):
            best = row
    if not total:
        verdict = f"{team.name}: the team made no revealed moves, so no brief can be matched."
    elif best is None:
        verdict = f"{team.name}: none of the team's {total} revealed move(s) is of a kind any brief favours."
    else:
        tied = [r.title for r in rows if r.matched == best.matched and r is not best]
        verdict = (f"{team.name}: the team's moves followed \u201c{best.title}\u201d ({best.advisor}) most "
                   f"closely; {best.share_text} of its revealed moves are of kinds that brief favours.")
        if tied:
            verdict += f" Tied with: {'; '.join(tied)} (the brief listed first wins a tie)."
    return Alignment(team_id, team.name, total, rows, best, verdict)


def credibility(names: Names, team_id: str, commitments: list[StateCommitment]) -> Credibility:
    threats = [c for c in commitments if c.kind == "threat"]
    promises = [c for c in commitments if c.kind == "promise"]
    both = threats + promises
    carried = [c for c in both if c.status == "carried_out"]
    made = len(both)
    score = len(carried) / made if made else None
    text = ratio_text(len(carried), made) if made else "no threats or promises"
    return Credibility(
        team_id, names.team(team_id), len(threats), sum(c.status == "carried_out" for c in threats),
        len(promises), sum(c.status == "carried_out" for c in promises),
        sum(c.status == "withdrawn" for c in both), sum(c.status == "lapsed" for c in both),
        sum(c.status == "open" for c in both), score, text,
    )


def reciprocity(names: Names, team_id: str, commitments: list[StateCommitment]) -> Reciprocity:
    given = [c for c in commitments if c.kind == "concession"]
    statuses = ("reciprocated", "unreciprocated", "open", "withdrawn")
    counts = {s: sum(c.status == s for c in given) for s in statuses}
    without = counts["unreciprocated"] + counts["open"]
    if not given:
        text = "no concessions"
    else:
        text = f"{counts['reciprocated']} with reciprocity, {without} without"
        if counts["withdrawn"]:
            text += f", {counts['withdrawn']} withdrawn"
    return Reciprocity(team_id, names.team(team_id), len(given), counts["reciprocated"],
                       counts["unreciprocated"], counts["open"], counts["withdrawn"], without, text)


def bot_play(walk: Walk, team_id: str) -> str:
    """When the doctrine bot played the team (``exercise bot``, ``exercise handoff``), in words."""
    spans: list[str] = []
    start: tuple[int, str] | None = None
    last = walk.state.turn
    for h in walk.state.handoffs:
        if h.team != team_id:
            continue
        if start is not None and (h.to != "bot" or h.brief != start[1]):
            spans.append(_span(start, h.turn))
            start = None
        if h.to == "bot":
            start = (h.turn, h.brief)
    if start is not None:
        spans.append(_span(start, last, open_ended=True))
    return "Played by the doctrine bot: " + "; ".join(spans) + "." if spans else ""


def _span(start: tuple[int, str], end: int, open_ended: bool = False) -> str:
    turn, brief = start
    when = f"from turn {turn}" + (" on" if open_ended else f" to turn {end}") if open_ended or end != turn else f"in turn {turn}"
    return when + (f", following the advisor brief '{brief}'" if brief else "")


def team_result(walk: Walk, team: Team, moves: list[Move], commitments: list[StateCommitment],
                notes: list[NoteItem]) -> TeamResult:
    scenario, names = walk.scenario, walk.names
    revealed = [m for m in moves if m.revealed]
    used = kinds_used(walk, team.id, revealed)
    outcomes = {o: sum(1 for m in revealed if m.ruling and m.ruling.outcome.value == o)
                for o in ("success", "partial", "failure")}
    return TeamResult(
        team.id, team.name, team.role, len(revealed), sum(m.status == "withdrawn" for m in moves),
        sum(m.status == "submitted" for m in moves), moves_by_kind(scenario, names, revealed),
        [names.kind(lever.kind) for lever in team.position.levers if lever.kind not in used], outcomes,
        [objective_result(walk, team, o) for o in sorted(team.position.objectives, key=lambda o: o.rank)],
        [red_line_result(walk, team, r) for r in team.position.red_lines],
        credibility(names, team.id, commitments), reciprocity(names, team.id, commitments),
        alignment(scenario, names, team.id, revealed),
        [n for n in notes if n.category == "strength" and n.team == team.id],
        [n for n in notes if n.category == "improvement" and n.team == team.id],
        bot_play(walk, team.id),
    )
