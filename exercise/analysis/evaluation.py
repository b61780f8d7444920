"""The evaluation part of the report (HSEEP): exercise objectives rated P/S/M/U with their
observations, each inject's expected actions marked, the teams' feedback, the executive
summary and key findings, and the improvement plan with HSEEP's columns.

Pure: it reads the scenario and the folded state (``GameState.evaluation``), and returns
frozen classes the templates render and ``exercise ip`` writes as a spreadsheet.
"""

from __future__ import annotations

from attrs import evolve, field, frozen

from ..evaluation import EXPECTED_STATUSES, OBSERVATION_KINDS, RATINGS
from ..events import ObjectiveRated, PlanItemRecorded
from ..model import Scenario
from ..state import GameState
from .names import Names, source_ref
from .results import PlanItem, SourceRef


@frozen
class ObservationItem:
    id: str
    kind: str  # observation, strength, improvement
    kind_text: str
    text: str
    author: str
    turn: int
    objective: str
    delivery: str  # d1, or ""
    inject_title: str
    team: str
    team_name: str


@frozen
class RatingItem:
    rating: str  # P, S, M, U
    rating_text: str  # "Performed with some challenges"
    rationale: str
    author: str
    turn: int


@frozen
class RatedObjective:
    """An exercise objective, its latest rating (if any), earlier ratings and its observations."""

    id: str
    title: str
    capability: str
    description: str
    source: SourceRef | None
    rating: RatingItem | None
    earlier: list[RatingItem]  # ratings it had before the latest, oldest first
    observations: list[ObservationItem]

    @property
    def rated(self) -> bool:
        return self.rating is not None


@frozen
class ExpectedRow:
    """One expected action of a delivered inject, and how it was marked (for one team or all)."""

    delivery: str
    turn: int
    inject_title: str
    recipients: str
    number: int
    action: str
    team_name: str  # "" when marked for the players as a whole, or not marked
    status: str  # met, partly, not; "" when not marked
    status_text: str
    note: str
    author: str


@frozen
class ExpectedCounts:
    actions: int  # expected actions of the injects delivered
    marked: int  # of them, marked at least once
    met: int  # marks
    partly: int
    not_met: int


@frozen
class FeedbackItem:
    team: str
    team_name: str
    author: str
    turn: int
    rating: int | None
    comments: str
    strengths: list[str]
    improvements: list[str]


@frozen
class TeamFeedback:
    """What one team said at the hotwash, all its submissions together."""

    team: str
    team_name: str
    responses: int
    ratings: list[int]
    mean_rating: str  # "4.5 of 5", or "" without ratings
    comments: list[str]
    strengths: list[str]
    improvements: list[str]


@frozen
class FindingItem:
    id: str
    text: str
    author: str
    turn: int


@frozen
class IPRow:
    """A row of the improvement plan, with HSEEP's columns."""

    number: int
    ref: str  # "plan note 2", "ip1", or "plan note 2 / ip1"
    objective: str  # the exercise objective's id, or ""
    objective_title: str
    capability: str
    issue: str
    action: str
    element: str  # planning, organization, equipment, training, exercises
    org: str  # primary responsible organisation
    poc: str
    start: str
    end: str
    status: str
    team_name: str
    issue_from_notes: bool = False  # the issue is an area for improvement the plan note was paired with

    def cells(self) -> list[str]:
        """The row as the spreadsheet's cells, in ``IP_COLUMNS`` order."""
        objective = f"{self.objective_title} ({self.objective})" if self.objective else ""
        return [str(self.number), objective, self.capability, self.issue, self.action, self.element.capitalize(),
                self.org, self.poc, self.start, self.end, self.status.capitalize(), self.team_name]


IP_COLUMNS = ["#", "Objective", "Capability", "Issue/Area for Improvement", "Corrective Action", "Capability Element",
              "Primary Responsible Organization", "Organization POC", "Start Date", "Completion Date", "Status", "Team"]


@frozen
class EvaluationResult:
    objectives: list[RatedObjective]
    observations: list[ObservationItem]
    expected: list[ExpectedRow]
    expected_counts: ExpectedCounts
    feedback: list[TeamFeedback]  # one per team that gave feedback, in the scenario's order
    responses: list[FeedbackItem]
    mean_rating: str
    summary: str
    summary_by: str
    summary_turn: int
    findings: list[FindingItem]
    plan: list[IPRow]
    ratings: dict[str, str] = field(factory=lambda: dict(RATINGS))

    @property
    def rated(self) -> int:
        return sum(o.rated for o in self.objectives)


def _mean(values: list[int]) -> str:
    if not values:
        return ""
    mean = sum(values) / len(values)
    return f"{mean:.1f} of 5".replace(".0 of", " of")


def evaluate(scenario: Scenario, state: GameState, note_plan: list[PlanItem] | None = None) -> EvaluationResult:
    """The evaluation of a session. ``note_plan`` are the hotwash plan notes as items (``notes.plan``)."""
    names = Names(scenario)
    record = state.evaluation

    def inject_title(delivery: str) -> str:
        found = state.deliveries.get(delivery)
        return found.inject.title if found is not None else ""

    observations = [
        ObservationItem(o.observation, o.kind, OBSERVATION_KINDS.get(o.kind, o.kind), o.text, o.author, o.turn,
                        o.objective, o.delivery, inject_title(o.delivery) if o.delivery else "", o.team,
                        names.team(o.team) if o.team else "")
        for o in record.observations
    ]

    def rating(r: ObjectiveRated) -> RatingItem:
        return RatingItem(r.rating, RATINGS.get(r.rating, r.rating), r.rationale, r.author, r.turn)

    objectives = []
    for objective in scenario.exercise_objectives.values():
        log = [r for r in record.rating_log if r.objective == objective.id]
        objectives.append(RatedObjective(
            objective.id, objective.title, objective.capability, objective.description,
            source_ref(scenario, objective.source) if objective.source else None,
            rating(log[-1]) if log else None, [rating(r) for r in log[:-1]],
            [o for o in observations if o.objective == objective.id],
        ))

    expected: list[ExpectedRow] = []
    actions = marked = 0
    for delivery in state.deliveries.values():
        for number, action in enumerate(delivery.inject.expected_actions, 1):
            actions += 1
            marks = [m for (d, n, _), m in record.expected.items() if d == delivery.id and n == number]
            marked += bool(marks)
            base = (delivery.id, delivery.turn, delivery.inject.title, names.recipients(delivery.recipients),
                    number, action)
            if not marks:
                expected.append(ExpectedRow(*base, "", "", "not marked", "", ""))
            for m in sorted(marks, key=lambda m: (m.team != "", list(scenario.teams).index(m.team) if m.team in scenario.teams else 0)):
                expected.append(ExpectedRow(*base, names.team(m.team) if m.team else "", m.status,
                                            EXPECTED_STATUSES.get(m.status, m.status), m.note, m.author))
    marks = list(record.expected.values())
    counts = ExpectedCounts(actions, marked, sum(m.status == "met" for m in marks),
                            sum(m.status == "partly" for m in marks), sum(m.status == "not" for m in marks))

    responses = [FeedbackItem(f.team, names.team(f.team), f.author, f.turn, f.rating, f.comments, list(f.strengths),
                              list(f.improvements)) for f in record.feedback]
    feedback = []
    for team in scenario.teams:
        mine = [f for f in responses if f.team == team]
        if mine:
            ratings = [f.rating for f in mine if f.rating is not None]
            feedback.append(TeamFeedback(team, names.team(team), len(mine), ratings, _mean(ratings),
                                         [f.comments for f in mine if f.comments],
                                         [s for f in mine for s in f.strengths],
                                         [s for f in mine for s in f.improvements]))
    summary = record.summary

    return EvaluationResult(
        objectives=objectives, observations=observations, expected=expected, expected_counts=counts,
        feedback=feedback, responses=responses,
        mean_rating=_mean([f.rating for f in responses if f.rating is not None]),
        summary=summary.text if summary else "", summary_by=summary.author if summary else "",
        summary_turn=summary.turn if summary else 0,
        findings=[FindingItem(f.finding, f.text, f.author, f.turn) for f in record.findings.values()],
        plan=_plan(scenario, state, note_plan or [], names),
    )


def _plan(scenario: Scenario, state: GameState, note_plan: list[PlanItem], names: Names) -> list[IPRow]:
    """The hotwash plan notes (each as extended by an item that names it), then the other items.

    A plan note's owner is the responsible organisation, its due date the completion date."""
    objectives = scenario.exercise_objectives
    items = state.evaluation.plan
    extending = {p.note: p for p in items.values() if p.note}
    rows: list[IPRow] = []

    def row(ref: str, item: PlanItemRecorded | None, note: PlanItem | None) -> IPRow:
        objective = item.objective if item else ""
        known = objectives.get(objective)
        capability = (item.capability if item else "") or (known.capability if known else "")
        return IPRow(
            len(rows) + 1, ref, objective, known.title if known else "", capability,
            (item.issue if item else "") or (note.issue if note else ""),
            (item.action if item else "") or (note.action if note else ""),
            item.element if item else "", (item.org if item else "") or (note.owner if note else ""),
            item.poc if item else "",
            item.start if item else "", (item.end if item else "") or (note.due if note else ""),
            (item.status if item else "") or "not started",
            note.team_name if note and note.team else "",
            not (item and item.issue) and note is not None and note.issue_origin == "improvement note",
        )

    for note in note_plan:
        item = extending.get(note.number)
        rows.append(row(f"plan note {note.number}" + (f" / {item.item}" if item else ""), item, note))
    for item in items.values():
        if not item.note or item.note > len(note_plan):
            rows.append(row(item.item, item, None))
    return rows


def for_participants(result: EvaluationResult) -> EvaluationResult:
    """The evaluation as the participants' report shows it: the ratings with their rationale,
    the summary, key findings, feedback and the improvement plan; not the evaluators'
    observations, nor the injects' expected actions (control's material, as in play)."""
    return evolve(result, objectives=[evolve(o, observations=[]) for o in result.objectives], observations=[],
                  expected=[], expected_counts=ExpectedCounts(0, 0, 0, 0, 0))
