"""Who a report is for: control (everything) or the participants (what every team may see).

The participants' report is the one to share with the teams. It leaves out what
``exercise.visibility`` keeps from teams during the game:

- private rulings: the move stays, its ruling shows only that it was made in private (no
  outcome, dice, narrative or effects; the team's tallies count it apart, not by outcome);
  where such a ruling moved a track or a flag, or turned a condition, the cause reads "a
  private ruling" (the tracks themselves every team saw);
- the control cell's own material: the MSEL queue (why an inject came, the entries never
  delivered), the injects skipped and why, the injects' expected actions;
- injects sent to some teams only, and the proposals not every team could see, with their
  answers and settlements; where such an inject or deal (or its violation) moved a track or a
  flag, the cause reads "an inject not every team saw" or "a deal not every team saw";
- log notes, the facilitator's and each team's own (a team sees only its own);
- the evaluators' observations (``analysis.evaluation.for_participants`` says what of the
  evaluation the participants get).

What the debrief is about stays: the teams' positions, objectives and red lines and how they
fared, revealed moves and public rulings, commitments, tracks, end states, and the hotwash's
strengths, areas for improvement and improvement plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import evolve

from .. import events as ev
from .. import visibility
from ..model import Scenario
from ..state import GameState, replay
from .compose import analyse
from .evaluation import for_participants as participants_evaluation
from .results import (
    Analysis,
    ConditionItem,
    Episode,
    EventItem,
    Extreme,
    InjectItem,
    MoveItem,
    SkippedItem,
    TeamResult,
    TimelineItemType,
    TrackSeries,
)

AUDIENCES = ("control", "participants")
PRIVATE_RULING = "a private ruling"
HIDDEN_DEAL = "a deal not every team saw"
HIDDEN_INJECT = "an inject not every team saw"


def _hide(text: str, private: dict[str, str]) -> str:
    """``text`` with every cause named in ``private`` replaced by what participants read instead."""
    for cause, instead in private.items():
        text = text.replace(cause, instead)
    return text


def _episodes(episodes: list[Episode], private: dict[str, str]) -> list[Episode]:
    return [evolve(e, cause=_hide(e.cause, private)) for e in episodes]


def _extreme(e: Extreme, private: dict[str, str]) -> Extreme:
    return evolve(e, cause=_hide(e.cause, private))


def for_participants(a: Analysis, scenario: Scenario, state: GameState) -> Analysis:
    """The analysis ``a`` with what is for control only left out (see the module's text)."""
    teams = list(scenario.teams)
    private = {  # how the walk names a private ruling as a cause -> what participants read instead
        f"ruling on {m.id} ({a.team_names.get(m.team, m.team)}: {m.headline})": PRIVATE_RULING
        for m in state.moves.values() if m.ruling is not None and not m.ruling.public
    }
    for_all = {d.id for d in state.deliveries.values() if all(d.reaches(team) for team in teams)}
    shown = {p.id for p in state.proposals.values()
             if all(visibility.sees_proposal(state, p, team) for team in teams)}
    for d in state.deliveries.values():  # an inject sent to some teams only, as the walk names it as a cause
        if d.id not in for_all:
            private[f"inject {d.id}: {d.inject.title}"] = HIDDEN_INJECT
    for p in state.proposals.values():  # a deal not every team saw, as the walk names it as a cause
        if p.id not in shown:
            by = a.team_names.get(p.violated_by, p.violated_by)
            private[f"deal {p.id} violated by {by}: {p.title}"] = HIDDEN_DEAL
            private[f"deal {p.id}: {p.title}"] = HIDDEN_DEAL

    def item(it: TimelineItemType) -> TimelineItemType | None:
        if isinstance(it, SkippedItem):
            return None
        if isinstance(it, InjectItem):
            if it.ref not in for_all:
                return None
            return evolve(it, why="", expected_actions=[], proposal=it.proposal if it.proposal in shown else "")
        if isinstance(it, MoveItem):
            proposal = it.proposal if it.proposal in shown or not it.proposal else ""
            if it.ruling is not None and not it.ruling.public:
                return evolve(it, proposal=proposal, ruling=evolve(it.ruling, outcome="", narrative="", effects="",
                                                                   dice=""))
            return evolve(it, proposal=proposal)
        if isinstance(it, ConditionItem):
            return evolve(it, cause=_hide(it.cause, private))
        if isinstance(it, EventItem):
            if it.kind == "note":
                return None
            if it.kind in ("proposal", "answer", "settled") and it.ref not in shown:
                return None
            return evolve(it, text=_hide(it.text, private))
        return it

    timeline = []
    for record in a.timeline:
        items = [kept for kept in (item(i) for i in record.items) if kept is not None]
        timeline.append(evolve(record, items=items))

    def track(t: TrackSeries) -> TrackSeries:
        return evolve(t, peak=_extreme(t.peak, private), trough=_extreme(t.trough, private))

    secret = [m for m in state.moves.values() if m.revealed and m.ruling is not None and not m.ruling.public]

    def tallies(t: TeamResult) -> TeamResult:
        """The team's rulings by outcome without the private ones, which are counted apart."""
        mine = [m for m in secret if m.team == t.id]
        if not mine:
            return t
        outcomes = dict(t.outcomes)
        kinds = {k.kind: k for k in t.by_kind}
        for m in mine:
            outcome = m.ruling.outcome.value if m.ruling is not None else ""
            outcomes[outcome] = outcomes.get(outcome, 0) - 1
            outcomes["private"] = outcomes.get("private", 0) + 1
            k = kinds.get(m.kind)
            if k is not None and outcome in ("success", "partial", "failure"):
                kinds[m.kind] = evolve(k, private=k.private + 1, **{outcome: getattr(k, outcome) - 1})
        return evolve(t, outcomes=outcomes, by_kind=[kinds[k.kind] for k in t.by_kind])

    teams_results = [
        tallies(evolve(t, objectives=[evolve(o, episodes=_episodes(o.episodes, private)) for o in t.objectives],
                       red_lines=[evolve(r, episodes=_episodes(r.episodes, private)) for r in t.red_lines]))
        for t in a.teams
    ]
    proposals = [p if not p.countered_by or p.countered_by in shown else  # a counter they never saw
                 evolve(p, countered_by="", outcome_text=p.outcome_text.replace(f" (see {p.countered_by})", ""))
                 for p in a.proposals if p.id in shown]
    counts = evolve(a.counts, injects_delivered=len(for_all), injects_skipped=0, proposals=len(proposals),
                    deals=sum(p.status == "deal" for p in proposals),
                    deals_violated=sum(p.status == "violated" for p in proposals))
    # the evaluation: the ratings, summary, findings, feedback and plan; no observations (issue 12)
    evaluation = participants_evaluation(a.evaluation) if a.evaluation is not None else None
    return evolve(
        a,
        evaluation=evaluation,
        audience="participants",
        counts=counts,
        timeline=timeline,
        undelivered=[],
        teams=teams_results,
        red_lines=[r for t in teams_results for r in t.red_lines],
        proposals=proposals,
        tracks=[track(t) for t in a.tracks],
        changes=[evolve(c, cause=_hide(c.cause, private)) for c in a.changes],
        end_state=evolve(a.end_state, episodes=_episodes(a.end_state.episodes, private)) if a.end_state else None,
        end_states=[evolve(e, episodes=_episodes(e.episodes, private)) for e in a.end_states],
        notes=[n for n in a.notes if n.category != "log"],
    )


def analyse_for(audience: str, scenario: Scenario, events: Sequence[ev.Event],
                state: GameState | None = None) -> Analysis:
    """The analysis for ``audience`` (``control`` or ``participants``); ValueError for another."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience '{audience}' (one of: {', '.join(AUDIENCES)})")
    events = list(events)
    if state is None or state.seq != len(events):
        state = replay(scenario, events)
    a = analyse(scenario, events, state)
    return a if audience == "control" else for_participants(a, scenario, state)
