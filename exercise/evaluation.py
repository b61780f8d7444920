"""The rules of the evaluation (HSEEP): exercise objectives rated, observations, expected actions,
the teams' feedback, the executive summary, key findings and the improvement plan.

Pure, like ``exercise.engine``, whose ``decide`` hands these commands here: each handler checks
a command against the state and returns its events, or raises one of the engine's ``Refused``
kinds saying what would be right. Control records the evaluation: the facilitator or an
evaluator (``commands.EVALUATOR``), at any time, also once the game has ended (the report is
written after it). A team gives feedback from the hotwash on.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from . import commands as cmd
from . import events as ev
from .engine import Invalid, NotAllowed, Rules, Unknown, WrongPhase
from .state import GameState

CONTROL = (cmd.FACILITATOR, cmd.EVALUATOR)

RATINGS: dict[str, str] = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}
OBSERVATION_KINDS: dict[str, str] = {"observation": "Observation", "strength": "Strength",
                                     "improvement": "Area for improvement"}
EXPECTED_STATUSES: dict[str, str] = {"met": "met", "partly": "partly met", "not": "not met"}
FEEDBACK_RATINGS = range(1, 6)
# HSEEP's capability elements (POETE), and where an improvement-plan item stands.
ELEMENTS = ("planning", "organization", "equipment", "training", "exercises")
PLAN_STATUSES = ("not started", "in progress", "complete", "cancelled")
PLAN_FIELDS = ("objective", "capability", "issue", "action", "element", "org", "poc", "start", "end", "status")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def rating_text(rating: str) -> str:
    """``S: Performed with some challenges``."""
    return f"{rating}: {RATINGS[rating]}" if rating in RATINGS else rating


def _require_control(actor: str, what: str) -> None:
    if actor not in CONTROL:
        raise NotAllowed(f"only the facilitator or an evaluator can {what}")


def _objective(rules: Rules, objective: str) -> None:
    known = rules.scenario.exercise_objectives
    if not known:
        raise Unknown(f"scenario '{rules.scenario.info.id}' defines no exercise objectives "
                      "(add [exercise_objectives.ID] tables with title and capability)")
    if objective not in known:
        raise Unknown(f"no exercise objective '{objective}' (known: {', '.join(known)})")


def _team(rules: Rules, team: str) -> None:
    if team and team not in rules.scenario.teams:
        raise Unknown(f"no team '{team}' (teams: {', '.join(rules.scenario.teams)})")


def _delivery(state: GameState, delivery: str) -> None:
    if delivery not in state.deliveries:
        known = ", ".join(state.deliveries) or "none yet"
        raise Unknown(f"no delivered inject '{delivery}' (delivered: {known}; see 'exercise status SESSION --all')")


def _text(text: str, what: str) -> str:
    if not text.strip():
        raise Invalid(f"{what} needs its text")
    return text.strip()


def _rate(rules: Rules, state: GameState, c: cmd.Rate, actor: str) -> list[ev.Event]:
    _require_control(actor, "rate exercise objectives")
    _objective(rules, c.objective)
    rating = c.rating.strip().upper()
    if rating not in RATINGS:
        choices = "; ".join(f"{k} ({v.lower()})" for k, v in RATINGS.items())
        raise Invalid(f"rating '{c.rating[:20]}' is not one of {choices}")
    rationale = _text(c.rationale, "a rating's rationale (--rationale)")
    return [ev.ObjectiveRated(c.objective, rating, rationale, actor, state.turn)]


def _observe(rules: Rules, state: GameState, c: cmd.Observe, actor: str) -> list[ev.Event]:
    _require_control(actor, "record observations")
    _objective(rules, c.objective)
    if c.kind not in OBSERVATION_KINDS:
        raise Invalid(f"an observation's kind is one of {', '.join(OBSERVATION_KINDS)}, not '{c.kind}'")
    if c.delivery:
        _delivery(state, c.delivery)
    _team(rules, c.team)
    text = _text(c.text, "an observation")
    number = len(state.evaluation.observations) + 1
    return [ev.ObservationRecorded(f"o{number}", c.objective, text, actor, state.turn, c.kind, c.delivery, c.team)]


def _mark_expected(rules: Rules, state: GameState, c: cmd.MarkExpected, actor: str) -> list[ev.Event]:
    _require_control(actor, "mark expected actions")
    _delivery(state, c.delivery)
    inject = state.deliveries[c.delivery].inject
    actions = inject.expected_actions
    if not actions:
        raise Invalid(f"inject {c.delivery} ({inject.title}) lists no expected actions")
    if not 1 <= c.action <= len(actions):
        listed = "; ".join(f"{i}. {a}" for i, a in enumerate(actions, 1))
        raise Invalid(f"{c.delivery} has expected actions 1 to {len(actions)}, not {c.action} ({listed})")
    if c.status not in EXPECTED_STATUSES:
        raise Invalid(f"an expected action is marked {', '.join(EXPECTED_STATUSES)}, not '{c.status[:20]}'")
    _team(rules, c.team)
    delivery = state.deliveries[c.delivery]
    if c.team and not delivery.reaches(c.team):  # the team never saw the inject: nothing was expected of it
        reached = [t for t in rules.scenario.teams if delivery.reaches(t)]
        names = ", ".join(rules.scenario.teams[t].name for t in reached)
        raise Invalid(f"{c.delivery} went to {names} only, not to {rules.scenario.teams[c.team].name}: mark it "
                      f"for {', '.join(reached)}, or for the players as a whole (no team)")
    return [ev.ExpectedActionMarked(c.delivery, c.action, c.status, actor, state.turn, c.team, c.note.strip())]


def _feedback(rules: Rules, state: GameState, c: cmd.GiveFeedback, actor: str) -> list[ev.Event]:
    _team(rules, c.team)
    if not c.team:
        raise Invalid("feedback comes from a team (--team ID)")
    if actor not in (cmd.FACILITATOR, c.team):
        raise NotAllowed(f"'{actor}' cannot give feedback for team '{c.team}'")
    if state.phase not in (ev.Phase.HOTWASH, ev.Phase.ENDED):
        raise WrongPhase(f"feedback is given at the hotwash (now turn {state.turn}, {state.phase.value}); "
                         "the facilitator ends the game with 'end', or advances past the last turn")
    if c.rating is not None and c.rating not in FEEDBACK_RATINGS:
        raise Invalid(f"a feedback rating is 1 (poor) to 5 (excellent), not {c.rating}")
    strengths = [s.strip() for s in c.strengths if s.strip()]
    improvements = [s.strip() for s in c.improvements if s.strip()]
    if c.rating is None and not c.comments.strip() and not strengths and not improvements:
        raise Invalid("feedback needs a rating, a comment, a strength or an area for improvement")
    return [ev.FeedbackGiven(c.team, actor, state.turn, c.rating, c.comments.strip(), strengths, improvements)]


def _summary(rules: Rules, state: GameState, c: cmd.WriteSummary, actor: str) -> list[ev.Event]:
    _require_control(actor, "write the executive summary")
    return [ev.SummaryWritten(_text(c.text, "the executive summary"), actor, state.turn)]


def _finding(rules: Rules, state: GameState, c: cmd.RecordFinding, actor: str) -> list[ev.Event]:
    _require_control(actor, "record key findings")
    findings = state.evaluation.findings
    if c.finding and c.finding not in findings:
        raise Unknown(f"no key finding '{c.finding}' (findings: {', '.join(findings) or 'none yet'})")
    if c.remove:
        if not c.finding:
            raise Invalid("name the finding to take out (f1, ...)")
        return [ev.FindingRecorded(c.finding, findings[c.finding].text, actor, state.turn, removed=True)]
    text = _text(c.text, "a key finding")
    finding = c.finding or f"f{state.evaluation.findings_made + 1}"
    return [ev.FindingRecorded(finding, text, actor, state.turn)]


def plan_notes(state: GameState) -> list[ev.NoteAdded]:
    """The hotwash notes of category plan, in order: plan note N is the N-th of them."""
    return [n for n in state.notes if n.category == "plan"]


def _plan_value(rules: Rules, name: str, value: str) -> str:
    value = value.strip()
    if not value:
        return value
    if name == "objective":
        _objective(rules, value)
    elif name == "element":
        value = value.lower()
        if value not in ELEMENTS:
            raise Invalid(f"capability element '{value[:30]}' is not one of {', '.join(ELEMENTS)} (HSEEP's POETE)")
    elif name == "status":
        value = value.lower().replace("-", " ").replace("_", " ")
        if value not in PLAN_STATUSES:
            raise Invalid(f"plan status '{value[:30]}' is not one of {', '.join(PLAN_STATUSES)}")
    elif name in ("start", "end"):
        if not _DATE.match(value):
            raise Invalid(f"{name} date '{value[:30]}': write it as YYYY-MM-DD")
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise Invalid(f"{name} date '{value}' is not a date of the calendar") from None
    return value


def _plan(rules: Rules, state: GameState, c: cmd.RecordPlanItem, actor: str) -> list[ev.Event]:
    _require_control(actor, "record improvement-plan items")
    unknown = [name for name in c.fields if name not in PLAN_FIELDS]
    if unknown:
        raise Invalid(f"no improvement-plan column '{unknown[0]}' (columns: {', '.join(PLAN_FIELDS)})")
    items = state.evaluation.plan
    if c.item:
        if c.item not in items:
            raise Unknown(f"no improvement-plan item '{c.item}' (items: {', '.join(items) or 'none yet'})")
        base: dict[str, Any] = {name: getattr(items[c.item], name) for name in PLAN_FIELDS}
        note = c.note or items[c.item].note
        item = c.item
    else:
        base, note, item = dict.fromkeys(PLAN_FIELDS, ""), c.note, f"ip{len(items) + 1}"
    notes = plan_notes(state)
    if note and not 1 <= note <= len(notes):
        raise Unknown(f"no hotwash plan note {note} (there are {len(notes)}: see Appendix A of the report)")
    if note and any(p.note == note for key, p in items.items() if key != item):
        other = next(key for key, p in items.items() if p.note == note and key != item)
        raise Invalid(f"plan note {note} is already extended by {other} (change {other} instead)")
    values = {**base, **{name: _plan_value(rules, name, value) for name, value in c.fields.items()}}
    if values["start"] and values["end"] and values["end"] < values["start"]:
        raise Invalid(f"the completion date {values['end']} is before the start date {values['start']}")
    if not c.item and not note and not (values["issue"] and values["action"]):
        raise Invalid("a new improvement-plan item needs its issue and its corrective action "
                      "(--issue TEXT --action TEXT), or --note N to extend a hotwash plan note")
    if not c.item and not c.fields and not note:
        raise Invalid("nothing to record")
    return [ev.PlanItemRecorded(item, actor, state.turn, note, **values)]


HANDLERS: dict[type, Callable[[Rules, GameState, Any, str], list[ev.Event]]] = {
    cmd.Rate: _rate, cmd.Observe: _observe, cmd.MarkExpected: _mark_expected, cmd.GiveFeedback: _feedback,
    cmd.WriteSummary: _summary, cmd.RecordFinding: _finding, cmd.RecordPlanItem: _plan,
}
