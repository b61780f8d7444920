"""One human line per event, for the command line, the consoles' logs and the report."""

from __future__ import annotations

from . import adjudication
from . import events as ev
from .model import ALL_TEAMS, Effects, Scenario

MAX_CHANGE = 1000  # a track change beyond any track's range is a typing slip


def effects_text(effects: Effects) -> str:
    """``escalation +1, ceasefire = true`` or ``no effect``."""
    parts = [f"{name} {delta:+d}" for name, delta in effects.tracks.items()]
    parts += [f"{name} = {str(value).lower()}" for name, value in effects.flags.items()]
    return ", ".join(parts) or "no effect"


def parse_effects(text: str) -> Effects:
    """The inverse of ``effects_text``: ``escalation +1, talks=-2, ceasefire = true``.

    Raises ValueError saying how to write the part it cannot read.
    """
    tracks: dict[str, int] = {}
    flags: dict[str, bool] = {}
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        if part == "no effect":
            continue
        name, value = (part.split("=", 1) if "=" in part else part.rsplit(None, 1) if " " in part else (part, ""))
        name, value = name.strip(), value.strip().lower()
        if value in ("true", "false"):
            flags[name] = value == "true"
            continue
        try:
            tracks[name] = int(value)
        except ValueError:
            raise ValueError(f"'{part[:40]}': write TRACK +N, TRACK -N or FLAG = true/false, e.g. escalation +1") from None
        if abs(tracks[name]) > MAX_CHANGE:
            raise ValueError(f"'{name} {value[:20]}': a track moves by at most {MAX_CHANGE} at a time")
    return Effects(tracks, flags)


def _to(recipients: list[str]) -> str:
    return "everyone" if ALL_TEAMS in recipients else ", ".join(recipients)


def describe(event: ev.Event, scenario: Scenario) -> str:
    """What happened, in one line."""
    match event:
        case ev.TurnStarted(turn=turn):
            return f"turn {turn} of {scenario.info.turns} begins"
        case ev.InjectQueued(entry=entry, inject=inject, reason=reason):
            return f"queued {entry}: {scenario.injects[inject].title} ({reason})"
        case ev.InjectDelivered(delivery=d, inject=inject, recipients=to):
            return f"delivered {d}: {inject.title} (from {inject.sender} to {_to(to)})"
        case ev.InjectSkipped(entry=entry, reason=reason):
            return f"skipped {entry}: {reason}"
        case ev.PhaseChanged(phase=phase, reason=reason):
            text = {ev.Phase.MOVES: "moves are open", ev.Phase.ADJUDICATION: "moves are closed and revealed",
                    ev.Phase.HOTWASH: "hotwash"}.get(phase, phase.value)
            return f"{text}{': ' + reason if reason else ''}"
        case ev.MoveSubmitted(move=m, team=team, kind=kind, headline=headline):
            return f"{m} submitted by {team} [{kind}]: {headline}"
        case ev.MoveRevised(move=m, headline=headline):
            return f"{m} revised: {headline}"
        case ev.MoveWithdrawn(move=m):
            return f"{m} withdrawn"
        case ev.ReadyChanged(team=team, ready=ready):
            return f"{team} is {'ready' if ready else 'not ready'}"
        case ev.MovesRevealed(moves=moves, turn=turn):
            return f"turn {turn} moves revealed: {', '.join(moves) or 'none'}"
        case ev.Ruled(move=m, outcome=outcome, effects=effects):
            dice = adjudication.dice_text(event)
            dice = f" ({dice})" if dice else ""
            return f"{m} ruled {outcome.value}{dice}: {effects_text(effects)}"
        case ev.ProposalTabled(proposal=p, by=by, title=title, parties=parties):
            return f"{p} tabled by {by}: {title} (parties: {', '.join(parties)})"
        case ev.ProposalAnswered(proposal=p, team=team, answer=answer):
            return f"{team} answers {p}: {answer.value}"
        case ev.ProposalSettled(proposal=p, status=outcome, by=by, effects=effects):
            tail = f": {effects_text(effects)}" if outcome == "deal" else (f" by {by}" if by else "")
            if outcome == "violated" and (effects.tracks or effects.flags):
                tail += f": {effects_text(effects)}"
            return f"{p} {'is a deal' if outcome == 'deal' else outcome}{tail}"
        case ev.CommitmentOpened(commitment=c, team=team, kind=kind, text=text):
            return f"{c} opened: {team} {kind}: {text}"
        case ev.CommitmentResolved(commitment=c, status=status):
            return f"{c} {status.replace('_', ' ')}"
        case ev.ConditionChanged(kind=kind, team=team, item=item, holds=holds):
            what = {"objective": ("objective met", "objective no longer met"),
                    "red_line": ("red line crossed", "red line no longer crossed"),
                    "end_state": ("end state reached", "end state no longer holds")}[kind]
            return f"{what[0] if holds else what[1]}: {team + ' ' if team else ''}{item}"
        case ev.NoteAdded(author=author, text=text, category=category):
            return f"{category} note by {author}: {text}"
        case ev.TeamHandedOver(team=team, to=to, brief=brief):
            if to == "bot":
                return f"{team} handed to the doctrine bot{f' (advisor brief {brief})' if brief else ''}"
            return f"{team} handed back to its players"
        case ev.GameEnded(reason=reason, end_state=end):
            label = scenario.end_states[end].label if end else "no end state reached"
            return f"game ended ({reason}): {label}"
    return _describe_evaluation(event, scenario) or type(event).__name__


def _describe_evaluation(event: ev.Event, scenario: Scenario) -> str:
    """The evaluation's events (issue 12), in one line each."""
    match event:
        case ev.ObjectiveRated(objective=objective, rating=rating, rationale=rationale, author=author):
            from .evaluation import rating_text

            return f"exercise objective {objective} rated {rating_text(rating)} by {author}: {rationale}"
        case ev.ObservationRecorded(observation=o, objective=objective, kind=kind, text=text, delivery=d, team=team):
            about = ", ".join(filter(None, [d, team]))
            return f"{o} {kind} on {objective}{f' ({about})' if about else ''}: {text}"
        case ev.ExpectedActionMarked(delivery=d, action=n, status=status, team=team):
            from .evaluation import EXPECTED_STATUSES

            return f"{d} expected action {n}{f' ({team})' if team else ''}: {EXPECTED_STATUSES.get(status, status)}"
        case ev.FeedbackGiven(team=team, rating=rating, strengths=strengths, improvements=improvements):
            parts = [f"rating {rating}/5"] if rating is not None else []
            parts += [f"{len(strengths)} strength(s)"] * bool(strengths) + [f"{len(improvements)} improvement(s)"] * bool(improvements)
            return f"feedback from {team}{': ' + ', '.join(parts) if parts else ''}"
        case ev.SummaryWritten(author=author, text=text):
            return f"executive summary written by {author} ({len(text.split())} words)"
        case ev.FindingRecorded(finding=f, text=text, removed=removed):
            return f"key finding {f} taken out" if removed else f"key finding {f}: {text}"
        case ev.PlanItemRecorded(item=item, issue=issue, action=action, note=note):
            what = issue or action or (f"extends plan note {note}" if note else "")
            return f"improvement-plan item {item}: {what}"
    return ""
