"""What the reports compute: the timeline, ledgers, red lines, objectives and the end state.

Pure: it reads a scenario, the events of a session and the state they fold to, and returns
frozen attrs classes that templates render. No Jinja, no SQLite, no files (a test keeps it so).

The measures, as the report explains them to its readers:

- **Objectives** with a ``when`` condition are met while it holds; the engine records each
  change as a ``ConditionChanged`` event. An objective is *met* when it holds in the final
  state, *met, then lost* when it held at some time but not at the end, *not met* when it
  never held. One without a condition is *not assessed* (the facilitator judges it).
- **Red lines** likewise: *crossed* when the condition held at any time (with the turns), and
  whether it still held at the end. Red lines without a condition are judged by hand.
- **Credibility** of a team: threats and promises *carried out* divided by threats and
  promises *made* (every one opened when its move was revealed). One still open at the end
  counts as not carried out; withdrawn and lapsed ones count as not carried out.
- **Reciprocity** of concessions: *with reciprocity* are those the facilitator marked
  reciprocated; *without* are those marked unreciprocated plus those still open at the end
  (given up front, never answered in kind). Withdrawn concessions are counted apart.
- **Advisor alignment** (for a team with advisor briefs): for each brief, the share of the
  team's revealed moves whose kind is among the brief's ``favoured_kinds``; the brief with
  the highest share is the one the team's moves followed most closely, ties broken by the
  order of the briefs in the scenario. Withdrawn and unrevealed moves do not count.
- **Improvement plan**: a plan note written ``ISSUE :: CORRECTIVE ACTION`` gives both; any
  other plan note is the corrective action, and its issue is the latest area for
  improvement noted before it about the same team (or about no team, if the plan item names
  none).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import evolve, frozen

from . import adjudication
from . import events as ev
from .model import ALL_TEAMS, Effects, Scenario
from .state import GameState

PLAN_SEPARATOR = "::"

MEASURES = {
    "objectives": (
        "An objective with a condition in the scenario is met while the condition holds; the engine "
        "checks it after every change. 'Met' means it held when the report was written; 'met, then "
        "lost' that it held for a time; 'not met' that it never held. Objectives without a condition "
        "are not assessed automatically: judge them from the timeline and the hotwash."
    ),
    "red_lines": (
        "A red line with a condition is crossed while the condition holds. The report gives every turn "
        "in which one was crossed, whether it was still crossed at the end, and the event that "
        "crossed it. Red lines without a condition are judged by the facilitator."
    ),
    "credibility": (
        "Credibility is the share of a team's threats and promises that were carried out, out of "
        "all it made (each opened when its move was revealed). Withdrawn, lapsed and still-open "
        "commitments count as not carried out."
    ),
    "reciprocity": (
        "A concession is given with reciprocity when the facilitator marked it reciprocated; without "
        "reciprocity when marked unreciprocated or still open when the game ended (given up front and "
        "never answered in kind). Withdrawn concessions are counted apart."
    ),
    "alignment": (
        "For each advisor brief, the share of the team's revealed moves whose kind "
        "is one of the move kinds the brief favours. The brief with the highest share is the one the "
        "team's moves followed most closely; ties go to the brief listed first in the scenario. "
        "Withdrawn and unrevealed moves do not count. A brief that favours many kinds matches more "
        "easily, so read the share together with the moves."
    ),
    "plan": (
        "Each improvement-plan item is a hotwash note of category 'plan'. Written as 'ISSUE :: "
        "CORRECTIVE ACTION' it gives both; otherwise the note is the corrective action and the issue "
        "is the latest area for improvement noted before it about the same team (or about no team)."
    ),
}


# --- small pieces ------------------------------------------------------------------------------


@frozen
class SourceRef:
    """A cited document: every quoted position or inject carries one."""

    id: str
    title: str
    author: str = ""
    date: str = ""
    publication: str = ""


def source_ref(scenario: Scenario, source_id: str) -> SourceRef:
    """The source with this id, or a reference with an empty title if the scenario lacks it."""
    source = scenario.source(source_id)
    if source is None:
        return SourceRef(source_id, "")
    return SourceRef(source.id, source.title, source.author, source.date, source.publication)


def effects_text(effects: Effects) -> str:
    """``escalation +1, ceasefire = true`` or ``no effect``."""
    parts = [f"{name} {delta:+d}" for name, delta in effects.tracks.items()]
    parts += [f"{name} = {str(value).lower()}" for name, value in effects.flags.items()]
    return ", ".join(parts) or "no effect"


def _has_effects(effects: Effects) -> bool:
    return bool(effects.tracks or effects.flags)


def ratio_text(part: int, whole: int) -> str:
    """``2 of 3 (67%)``, or ``none`` for an empty whole."""
    if not whole:
        return "none"
    return f"{part} of {whole} ({round(100 * part / whole)}%)"


class _Names:
    """Team names and move-kind labels, tolerant of ids the scenario does not know."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.teams = {t.id: t.name for t in scenario.teams.values()}
        self.kinds = {k.id: k.label for k in scenario.move_kinds.values()}

    def team(self, team_id: str) -> str:
        return self.teams.get(team_id, team_id)

    def kind(self, kind_id: str) -> str:
        return self.kinds.get(kind_id, kind_id)

    def recipients(self, recipients: Iterable[str]) -> str:
        recipients = list(recipients)
        if not recipients or ALL_TEAMS in recipients:
            return "everyone"
        return ", ".join(self.team(t) for t in recipients)


# --- the timeline -----------------------------------------------------------------------------


@frozen
class RulingInfo:
    """How a move was ruled on: outcome, dice (if any), narrative and effects."""

    method: str
    outcome: str
    narrative: str
    effects: str
    dice: str
    public: bool


@frozen
class InjectItem:
    kind: str  # "inject"
    ref: str  # the delivery id (d1, ...)
    turn: int
    entry: str
    inject: str
    title: str
    sender: str
    channel: str
    inject_kind: str
    recipients: str
    why: str
    source: SourceRef
    quote: str
    expected_actions: list[str]
    proposal: str


@frozen
class SkippedItem:
    kind: str  # "skipped"
    ref: str  # the MSEL entry
    turn: int
    title: str
    reason: str
    source: SourceRef | None


@frozen
class MoveItem:
    kind: str  # "move"
    ref: str  # the move id
    turn: int
    team: str
    team_name: str
    move_kind: str
    kind_label: str
    headline: str
    detail: str
    targets: str
    terms: list[str]
    arguments: list[str]
    answers: str
    status: str  # revealed (hidden and withdrawn moves are not in the timeline)
    ruling: RulingInfo | None
    commitment: str  # the commitment it opened (c1), if any
    proposal: str  # the proposal it tabled (p2), if any


@frozen
class ConditionItem:
    kind: str  # "condition"
    ref: str  # the item id
    turn: int
    condition: str  # objective, red_line, end_state
    team: str
    team_name: str
    holds: bool
    headline: str  # "Objective met", "Red line crossed", ...
    text: str
    source: SourceRef | None
    cause: str


@frozen
class EventItem:
    """Anything else worth a line: proposals, answers, deals, commitments closed, notes, the end."""

    kind: str  # proposal, answer, settled, resolved, note, ended
    ref: str
    turn: int
    team: str
    team_name: str
    text: str


TimelineItemType = InjectItem | SkippedItem | MoveItem | ConditionItem | EventItem


@frozen
class TurnRecord:
    """What happened in one turn (or in the hotwash), in order."""

    turn: int
    label: str  # "Turn 2" or "Hotwash"
    hotwash: bool
    game_date: str
    items: list[TimelineItemType]


# --- per team ------------------------------------------------------------------------------------


@frozen
class KindCount:
    kind: str
    label: str
    count: int
    success: int
    partial: int
    failure: int
    unruled: int


@frozen
class Episode:
    """A stretch of turns in which a condition held: ``end`` 0 means it still held at the end."""

    start: int
    end: int
    cause: str

    @property
    def text(self) -> str:
        if not self.end:
            return f"from turn {self.start} to the end"
        if self.end == self.start:
            return f"in turn {self.start} only"
        return f"from turn {self.start}, no longer from turn {self.end}"


@frozen
class ObjectiveResult:
    team: str
    team_name: str
    id: str
    rank: int
    text: str
    source: SourceRef
    quote: str
    when: str
    status: str  # met, lost, not met, not assessed
    status_text: str
    episodes: list[Episode]


@frozen
class RedLineResult:
    team: str
    team_name: str
    id: str
    text: str
    source: SourceRef
    quote: str
    when: str
    status: str  # crossed, crossed then restored, not crossed, not assessed
    status_text: str
    crossed: bool  # at any time
    crossed_at_end: bool
    episodes: list[Episode]


@frozen
class Credibility:
    team: str
    team_name: str
    threats: int
    threats_carried_out: int
    promises: int
    promises_carried_out: int
    withdrawn: int
    lapsed: int
    open: int
    score: float | None  # carried out / made; None when none were made
    text: str


@frozen
class Reciprocity:
    team: str
    team_name: str
    given: int
    reciprocated: int
    unreciprocated: int
    open: int
    withdrawn: int
    without: int  # unreciprocated + open
    text: str


@frozen
class AlignmentRow:
    brief: str
    title: str
    advisor: str
    source: SourceRef
    quote: str
    favoured: list[str]  # move-kind labels
    matched: int
    share: float
    share_text: str


@frozen
class Alignment:
    team: str
    team_name: str
    moves: int
    rows: list[AlignmentRow]
    best: AlignmentRow | None
    verdict: str


@frozen
class NoteItem:
    author: str
    author_name: str
    text: str
    turn: int
    category: str
    team: str
    team_name: str
    owner: str
    due: str


@frozen
class PlanItem:
    number: int
    issue: str
    issue_origin: str  # "text" (ISSUE :: ACTION), "improvement note", or "none"
    action: str
    owner: str
    due: str
    team: str
    team_name: str
    turn: int


@frozen
class TeamResult:
    id: str
    name: str
    role: str
    moves: int  # revealed
    withdrawn: int
    unrevealed: int
    by_kind: list[KindCount]
    unused_levers: list[str]
    outcomes: dict[str, int]
    objectives: list[ObjectiveResult]
    red_lines: list[RedLineResult]
    credibility: Credibility
    reciprocity: Reciprocity
    alignment: Alignment | None
    strengths: list[NoteItem]
    improvements: list[NoteItem]

    @property
    def objectives_met(self) -> int:
        return sum(o.status == "met" for o in self.objectives)

    @property
    def objectives_assessed(self) -> int:
        return sum(o.status != "not assessed" for o in self.objectives)


# --- ledgers, proposals, tracks, the end -----------------------------------------------------------


@frozen
class CommitmentRow:
    id: str
    team: str
    team_name: str
    kind: str  # threat, promise, concession
    move: str
    text: str
    targets: str
    turn: int
    status: str
    status_text: str
    resolved_turn: int
    note: str


@frozen
class AnswerRow:
    team: str
    team_name: str
    answer: str  # accept, reject, counter, or "no answer"
    note: str
    turn: int


@frozen
class ProposalRow:
    id: str
    title: str
    by: str
    by_name: str
    origin: str
    origin_text: str
    source: SourceRef | None
    terms: list[str]
    parties: str
    answers: list[AnswerRow]
    status: str  # deal, rejected, countered, lapsed, violated, open
    outcome_text: str
    turn: int
    settled_turn: int
    counter_of: str
    countered_by: str
    effects: str


@frozen
class TrackSeries:
    id: str
    label: str
    min: int
    max: int
    start: int
    final: int
    values: list[int]  # at the end of each turn; values[0] is the start
    description: str


@frozen
class FlagSeries:
    id: str
    label: str
    start: bool
    final: bool
    values: list[bool]  # at the end of each turn; values[0] is the start
    changes: list[tuple[int, bool]]


@frozen
class StateChange:
    """A cause that moved tracks or flags: an inject, a ruling, a deal."""

    turn: int
    ref: str
    cause: str
    effects: str


@frozen
class EndStateResult:
    id: str
    label: str
    description: str
    source: SourceRef | None
    quote: str
    when: str
    reached: bool  # the game ended in it
    holds_now: bool  # it holds in the final state (for a game still in play)
    turn: int  # the turn it last came to hold, 0 if never
    episodes: list[Episode]


@frozen
class Counts:
    turns_played: int
    injects_delivered: int
    injects_skipped: int
    moves: int
    rulings: int
    dice_rulings: int
    proposals: int
    deals: int
    commitments: int
    red_lines_crossed: int
    objectives_met: int
    objectives_assessed: int


@frozen
class Analysis:
    """Everything the after-action report says, computed once."""

    scenario_id: str
    title: str
    status: str  # ended, hotwash, in play
    final: bool
    phase: str
    turns_planned: int
    turns_played: int
    ended_reason: str
    setting_date: str
    turn_duration: str
    adjudication: str
    team_names: dict[str, str]
    sources: list[SourceRef]
    timeline: list[TurnRecord]
    undelivered: list[str]
    teams: list[TeamResult]
    commitments: list[CommitmentRow]
    credibility: list[Credibility]
    reciprocity: list[Reciprocity]
    red_lines: list[RedLineResult]
    proposals: list[ProposalRow]
    tracks: list[TrackSeries]
    flags: list[FlagSeries]
    changes: list[StateChange]
    end_state: EndStateResult | None
    end_states: list[EndStateResult]
    strengths: list[NoteItem]  # about the whole exercise (no team)
    improvements: list[NoteItem]
    notes: list[NoteItem]  # every hotwash and log note, in order
    plan: list[PlanItem]
    alignments: list[Alignment]
    counts: Counts
    measures: dict[str, str]


# --- the computation -------------------------------------------------------------------------------


def ruling_info(ruling: ev.Ruled) -> RulingInfo:
    return RulingInfo(ruling.method, ruling.outcome.value, ruling.narrative, effects_text(ruling.effects),
                      adjudication.dice_text(ruling, long=True), ruling.public)


def _episodes(changes: Sequence[tuple[int, bool, str]]) -> list[Episode]:
    """Stretches in which a condition held, from its (turn, holds, cause) changes in order."""
    out: list[Episode] = []
    start, cause = 0, ""
    for turn, holds, why in changes:
        if holds and not start:
            start, cause = turn or 1, why
        elif not holds and start:
            out.append(Episode(start, turn, cause))
            start = 0
    if start:
        out.append(Episode(start, 0, cause))
    return out


def _moves_by_kind(scenario: Scenario, names: _Names, moves) -> list[KindCount]:
    order = {kind: i for i, kind in enumerate(scenario.move_kinds)}
    tally: dict[str, list[int]] = {}
    for move in moves:
        row = tally.setdefault(move.kind, [0, 0, 0, 0, 0])
        row[0] += 1
        outcome = move.ruling.outcome.value if move.ruling else "unruled"
        row[{"success": 1, "partial": 2, "failure": 3}.get(outcome, 4)] += 1
    kinds = sorted(tally, key=lambda k: (-tally[k][0], order.get(k, len(order))))
    return [KindCount(k, names.kind(k), *tally[k]) for k in kinds]


def _alignment(scenario: Scenario, names: _Names, team_id: str, moves) -> Alignment | None:
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


def _credibility(names: _Names, team_id: str, commitments) -> Credibility:
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


def _reciprocity(names: _Names, team_id: str, commitments) -> Reciprocity:
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


def _plan(notes: list[NoteItem]) -> list[PlanItem]:
    out: list[PlanItem] = []
    latest_improvement: dict[str, str] = {}  # team -> text of the latest improvement note so far
    for note in notes:
        if note.category == "improvement":
            latest_improvement[note.team] = note.text
        elif note.category == "plan":
            if PLAN_SEPARATOR in note.text:
                issue, _, action = note.text.partition(PLAN_SEPARATOR)
                issue, action, origin = issue.strip(), action.strip(), "text"
            else:
                action = note.text
                issue = latest_improvement.get(note.team, "")
                origin = "improvement note" if issue else "none"
            out.append(PlanItem(len(out) + 1, issue, origin, action, note.owner, note.due, note.team,
                                note.team_name, note.turn))
    return out


_COMMITMENT_STATUS_TEXT = {
    "open": "still open at the end", "carried_out": "carried out", "withdrawn": "withdrawn",
    "lapsed": "lapsed", "reciprocated": "reciprocated", "unreciprocated": "not reciprocated",
}


@frozen
class _MovePlaceholder:
    """Where a revealed move goes in the timeline; filled in from the final state."""

    move: str


class _Walk:
    """One pass over the journal: the timeline, what caused each change, flags turn by turn."""

    def __init__(self, scenario: Scenario, state: GameState, names: _Names):
        self.scenario, self.state, self.names = scenario, state, names
        self.game_date = getattr(scenario.info, "game_date", None)
        self.timeline: list[TurnRecord] = []
        self.items: list = []
        self.turn, self.hotwash = 0, False
        self.queued_why: dict[str, str] = {}
        self.move_commitment: dict[str, str] = {}
        self.move_proposal: dict[str, str] = {}
        self.condition_changes: dict[tuple[str, str, str], list[tuple[int, bool, str]]] = {}
        self.flags_now = {f.id: f.start for f in scenario.flags.values()}
        self.flag_values: dict[str, list[bool]] = {name: [value] for name, value in self.flags_now.items()}
        self.flag_changes: dict[str, list[tuple[int, bool]]] = {name: [] for name in self.flags_now}
        self.changes: list[StateChange] = []
        self.causes: list[str] = []  # what moved tracks or flags in the command being read
        self.previous = ""  # the type of the event before this one
        self.settled: dict[str, ev.ProposalSettled] = {}
        self.answers: dict[str, dict[str, ev.ProposalAnswered]] = {}

    def run(self, events: Iterable[ev.Event]) -> None:
        for event in events:
            handler = getattr(self, f"on_{type(event).__name__}", None)
            if handler is not None:
                handler(event)
            self.previous = type(event).__name__
        self.close_turn()
        self.snapshot_flags(self.state.turn)

    # -- bookkeeping ----------------------------------------------------------------------------------

    def close_turn(self) -> None:
        if self.turn == 0 and not self.items:
            return
        date = ""
        if self.game_date is not None and not self.hotwash:
            day = self.game_date(self.turn)
            date = day.isoformat() if day else ""
        label = "Hotwash" if self.hotwash else f"Turn {self.turn}"
        self.timeline.append(TurnRecord(self.turn, label, self.hotwash, date, list(self.items)))
        self.items.clear()

    def snapshot_flags(self, upto: int) -> None:
        for name, values in self.flag_values.items():
            while len(values) <= upto:
                values.append(self.flags_now[name])

    def effects(self, effects: Effects, ref: str, cause: str, batch: bool = False) -> None:
        # Conditions are checked once a command's events apply. Deliveries made by one 'advance'
        # are one batch, so every one of them with effects is named as the cause.
        if not batch:
            self.causes.clear()
        if not _has_effects(effects):
            return
        self.causes.append(cause)
        self.changes.append(StateChange(self.turn, ref, cause, effects_text(effects)))
        for name, value in effects.flags.items():
            if self.flags_now.get(name) != value:
                self.flags_now[name] = value
                self.flag_changes.setdefault(name, []).append((self.turn, value))

    def event_item(self, kind: str, ref: str, team: str, text: str) -> None:
        team_id = team if team in self.scenario.teams else ""
        name = self.names.team(team) if team else ""
        self.items.append(EventItem(kind, ref, self.turn, team_id, name, text))

    # -- events ---------------------------------------------------------------------------------------

    def on_TurnStarted(self, e: ev.TurnStarted) -> None:
        self.close_turn()
        self.snapshot_flags(e.turn - 1)
        self.turn, self.hotwash = e.turn, False
        self.causes[:] = [f"turn {e.turn} began"]

    def on_PhaseChanged(self, e: ev.PhaseChanged) -> None:
        if e.phase is ev.Phase.HOTWASH:
            self.close_turn()
            self.hotwash = True
            self.event_item("hotwash", "", "", "to the hotwash" + (f": {e.reason}" if e.reason else ""))

    def on_InjectQueued(self, e: ev.InjectQueued) -> None:
        self.queued_why[e.entry] = e.reason

    def on_InjectDelivered(self, e: ev.InjectDelivered) -> None:
        inject = e.inject
        why = self.queued_why.get(e.entry, "") if e.entry else "delivered by hand by the facilitator"
        self.items.append(InjectItem(
            "inject", e.delivery, self.turn, e.entry, inject.id, inject.title, inject.sender, inject.channel,
            inject.kind.value, self.names.recipients(e.recipients), why,
            source_ref(self.scenario, inject.source), inject.quote, list(inject.expected_actions), "",
        ))
        self.effects(inject.effects, e.delivery, f"inject {e.delivery}: {inject.title}",
                     batch=self.previous in ("InjectDelivered", "ProposalTabled"))

    def on_InjectSkipped(self, e: ev.InjectSkipped) -> None:
        entry = next((m for m in self.scenario.msel if m.id == e.entry), None)
        inject = self.scenario.injects.get(entry.inject) if entry else None
        title = inject.title if inject else e.entry
        source = source_ref(self.scenario, inject.source) if inject else None
        self.items.append(SkippedItem("skipped", e.entry, self.turn, title, e.reason, source))

    def on_MovesRevealed(self, e: ev.MovesRevealed) -> None:
        self.items += [_MovePlaceholder(move) for move in e.moves]

    def on_Ruled(self, e: ev.Ruled) -> None:
        move = self.state.moves.get(e.move)
        what = f"{self.names.team(move.team)}: {move.headline}" if move else ""
        self.effects(e.effects, e.move, f"ruling on {e.move} ({what})")

    def on_CommitmentOpened(self, e: ev.CommitmentOpened) -> None:
        self.move_commitment[e.move] = e.commitment

    def on_ProposalTabled(self, e: ev.ProposalTabled) -> None:
        if e.origin in self.state.moves:
            self.move_proposal[e.origin] = e.proposal
        for i in range(len(self.items) - 1, -1, -1):  # an inject's proposal is shown with the inject
            item = self.items[i]
            if isinstance(item, InjectItem) and item.ref == e.origin:
                self.items[i] = evolve(item, proposal=e.proposal)
                break
        if e.counter_of:  # one from an inject or a move is shown with it
            parties = ", ".join(self.names.team(t) for t in e.parties)
            self.event_item("proposal", e.proposal, e.by, f"counter-proposal to {e.counter_of} tabled by "
                            f"{self.names.team(e.by)} (parties: {parties}): {e.title}")

    def on_ProposalAnswered(self, e: ev.ProposalAnswered) -> None:
        self.answers.setdefault(e.proposal, {})[e.team] = e
        proposal = self.state.proposals.get(e.proposal)
        if e.note == "proposer" and proposal is not None and proposal.by == e.team:
            return  # a team's own proposal counts as accepted by it; not worth a line
        text = f"{self.names.team(e.team)} answers: {e.answer.value}" + (f" ({e.note})" if e.note else "")
        self.event_item("answer", e.proposal, e.team, text)

    def on_ProposalSettled(self, e: ev.ProposalSettled) -> None:
        self.settled[e.proposal] = e
        proposal = self.state.proposals.get(e.proposal)
        title = proposal.title if proposal else e.proposal
        if e.status == "deal":
            text = f"a deal: {title} (effects: {effects_text(e.effects)})"
        elif e.status == "violated":
            text = f"deal violated by {self.names.team(e.by)}: {title}"
        else:
            text = f"{e.status}{' by ' + self.names.team(e.by) if e.by else ''}: {title}"
        self.event_item("settled", e.proposal, e.by, text + (f" \u2014 {e.note}" if e.note else ""))
        if _has_effects(e.effects):
            self.effects(e.effects, e.proposal, f"deal {e.proposal}: {title}")

    def on_CommitmentResolved(self, e: ev.CommitmentResolved) -> None:
        commitment = self.state.commitments.get(e.commitment)
        team = commitment.team if commitment else ""
        what = e.commitment
        if commitment is not None:
            what = f"{commitment.kind} by {self.names.team(team)}: {commitment.text}"
        status = _COMMITMENT_STATUS_TEXT.get(e.status, e.status)
        text = f"{status}: {what}" + (f" ({e.note})" if e.note else "")
        self.event_item("resolved", e.commitment, team, text)

    def on_ConditionChanged(self, e: ev.ConditionChanged) -> None:
        cause = "; ".join(self.causes)
        self.condition_changes.setdefault((e.kind, e.team, e.item), []).append((e.turn, e.holds, cause))
        self.items.append(_condition_item(self.scenario, self.names, e, cause))

    def on_NoteAdded(self, e: ev.NoteAdded) -> None:
        if e.category == "log":
            self.event_item("note", "", e.author, f"by {self.names.team(e.author)}: {e.text}")

    def on_GameEnded(self, e: ev.GameEnded) -> None:
        end = self.scenario.end_states.get(e.end_state)
        label = end.label if end else "no end state reached"
        self.event_item("ended", "", "", f"the game ended ({e.reason}): {label}")

    # -- results --------------------------------------------------------------------------------------

    def move_item(self, move_id: str) -> MoveItem:
        m, names = self.state.moves[move_id], self.names
        return MoveItem(
            "move", m.id, m.turn, m.team, names.team(m.team), m.kind, names.kind(m.kind), m.headline,
            m.detail, names.recipients(m.targets) if m.targets else "", list(m.terms), list(m.arguments),
            m.answers,
            m.status, ruling_info(m.ruling) if m.ruling else None, self.move_commitment.get(m.id, ""),
            self.move_proposal.get(m.id, ""),
        )

    def final_timeline(self) -> list[TurnRecord]:
        """The timeline with each revealed move as it finally stands (revisions, its ruling).

        Moves still hidden (submitted while moves are open) stay out: an interim report may be
        shared, and a team's hidden move is its own. The team results count them."""
        return [
            evolve(r, items=[self.move_item(i.move) if isinstance(i, _MovePlaceholder) else i
                             for i in r.items])
            for r in self.timeline
        ]

    def episodes(self, kind: str, team: str, item: str) -> tuple[list[Episode], bool]:
        """Stretches in which a condition held, and whether it holds in the final state."""
        return (_episodes(self.condition_changes.get((kind, team, item), [])),
                self.state.conditions.get((kind, team, item), False))


def _objective_result(walk: _Walk, team, o) -> ObjectiveResult:
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


def _red_line_result(walk: _Walk, team, r) -> RedLineResult:
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


def _team_result(walk: _Walk, team, moves: list, commitments: list, notes: list[NoteItem]) -> TeamResult:
    scenario, names = walk.scenario, walk.names
    revealed = [m for m in moves if m.revealed]
    used = {m.kind for m in revealed}
    outcomes = {o: sum(1 for m in revealed if m.ruling and m.ruling.outcome.value == o)
                for o in ("success", "partial", "failure")}
    return TeamResult(
        team.id, team.name, team.role, len(revealed), sum(m.status == "withdrawn" for m in moves),
        sum(m.status == "submitted" for m in moves), _moves_by_kind(scenario, names, revealed),
        [names.kind(lever.kind) for lever in team.position.levers if lever.kind not in used], outcomes,
        [_objective_result(walk, team, o) for o in sorted(team.position.objectives, key=lambda o: o.rank)],
        [_red_line_result(walk, team, r) for r in team.position.red_lines],
        _credibility(names, team.id, commitments), _reciprocity(names, team.id, commitments),
        _alignment(scenario, names, team.id, revealed),
        [n for n in notes if n.category == "strength" and n.team == team.id],
        [n for n in notes if n.category == "improvement" and n.team == team.id],
    )


def _proposal_rows(walk: _Walk) -> list[ProposalRow]:
    state, names, scenario = walk.state, walk.names, walk.scenario
    countered_by = {p.counter_of: p.id for p in state.proposals.values() if p.counter_of}
    ended = state.phase in (ev.Phase.HOTWASH, ev.Phase.ENDED)
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
        answered = walk.answers.get(p.id, {})
        answers = []
        for party in p.parties:
            a = answered.get(party)
            if a is None:
                answers.append(AnswerRow(party, names.team(party), "no answer", "", 0))
            else:
                note = "" if a.note == "proposer" else a.note
                answers.append(AnswerRow(party, names.team(party), a.answer.value, note, a.turn))
        settled = walk.settled.get(p.id)
        if p.status == "deal":
            outcome = f"a deal in turn {p.settled_turn}"
        elif p.status == "violated":
            outcome = f"a deal, violated by {names.team(p.violated_by)} in turn {p.settled_turn}"
        elif p.status == "open":
            outcome = "still open when the game ended" if ended else "still open when the report was made"
        elif p.status == "lapsed":
            outcome = f"lapsed in turn {p.settled_turn}"
        else:
            by = f" by {names.team(settled.by)}" if settled and settled.by else ""
            outcome = f"{p.status}{by} in turn {p.settled_turn}"
            if p.status == "countered" and p.id in countered_by:
                outcome += f" (see {countered_by[p.id]})"
        rows.append(ProposalRow(
            p.id, p.title, p.by, names.team(p.by), p.origin, origin_text, source, list(p.terms),
            ", ".join(names.team(t) for t in p.parties), answers, p.status, outcome, p.turn, p.settled_turn,
            p.counter_of, countered_by.get(p.id, ""), effects_text(p.effects),
        ))
    return rows


def _end_states(walk: _Walk) -> list[EndStateResult]:
    out = []
    for es in walk.scenario.end_states.values():
        episodes, at_end = walk.episodes("end_state", "", es.id)
        out.append(EndStateResult(
            es.id, es.label, es.description, source_ref(walk.scenario, es.source) if es.source else None,
            es.quote, es.when, walk.state.end_state == es.id, at_end, episodes[-1].start if episodes else 0,
            episodes,
        ))
    return out


def analyse(scenario: Scenario, events: Sequence[ev.Event], state: GameState | None = None) -> Analysis:
    """The after-action analysis of a session: its scenario, its events in order, its final state.

    ``state`` is what the events fold to; it is replayed from the events when not given.
    """
    if state is None:
        state = GameState.initial(scenario)
        for event in events:
            state.apply(event)
    names = _Names(scenario)
    info = scenario.info
    walk = _Walk(scenario, state, names)
    walk.run(events)

    notes = [NoteItem(n.author, names.team(n.author), n.text, n.turn, n.category, n.team,
                      names.team(n.team) if n.team else "", n.owner, n.due) for n in state.notes]
    moves_by_team: dict[str, list] = {}
    for move in state.moves.values():
        moves_by_team.setdefault(move.team, []).append(move)
    commitments_by_team: dict[str, list] = {}
    for c in state.commitments.values():
        commitments_by_team.setdefault(c.team, []).append(c)
    teams = [
        _team_result(walk, team, moves_by_team.get(team.id, []), commitments_by_team.get(team.id, []), notes)
        for team in scenario.teams.values()
    ]
    red_lines = [r for t in teams for r in t.red_lines]

    commitments = [
        CommitmentRow(c.id, c.team, names.team(c.team), c.kind, c.move, c.text,
                      names.recipients(c.targets) if c.targets else "", c.turn, c.status,
                      _COMMITMENT_STATUS_TEXT.get(c.status, c.status), c.resolved_turn, c.note)
        for c in state.commitments.values()
    ]
    final_turn = state.turn
    flags = [
        FlagSeries(f.id, f.label, f.start, walk.flags_now.get(f.id, f.start),
                   walk.flag_values[f.id][: final_turn + 1], walk.flag_changes.get(f.id, []))
        for f in scenario.flags.values()
    ]
    end_states = _end_states(walk)
    end_state = next((e for e in end_states if e.reached), None)
    if end_state is None and state.phase is not ev.Phase.ENDED:
        end_state = next((e for e in end_states if e.holds_now), None)

    revealed = [m for m in state.moves.values() if m.revealed]
    counts = Counts(
        turns_played=final_turn,
        injects_delivered=len(state.deliveries),
        injects_skipped=len(state.skipped),
        moves=len(revealed),
        rulings=sum(1 for m in revealed if m.ruling),
        dice_rulings=sum(1 for m in revealed if m.ruling and m.ruling.rolls),
        proposals=len(state.proposals),
        deals=sum(p.status in ("deal", "violated") for p in state.proposals.values()),
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
        reciprocity=[t.reciprocity for t in teams], red_lines=red_lines, proposals=_proposal_rows(walk),
        tracks=_track_series(scenario, state, final_turn), flags=flags, changes=walk.changes,
        end_state=end_state,
        end_states=end_states, strengths=[n for n in notes if n.category == "strength" and not n.team],
        improvements=[n for n in notes if n.category == "improvement" and not n.team],
        notes=notes, plan=_plan(notes), alignments=[t.alignment for t in teams if t.alignment is not None],
        counts=counts, measures=dict(MEASURES),
    )


def _condition_item(scenario: Scenario, names: _Names, e: ev.ConditionChanged, cause: str) -> ConditionItem:
    text, source = e.item, None
    if e.kind == "end_state":
        end = scenario.end_states.get(e.item)
        headline = "End state reached" if e.holds else "End state no longer holds"
        if end is not None:
            text = end.label
            source = source_ref(scenario, end.source) if end.source else None
    else:
        team = scenario.teams.get(e.team)
        position = team.position if team else None
        if e.kind == "objective":
            headline = "Objective met" if e.holds else "Objective no longer met"
            found = next((o for o in position.objectives if o.id == e.item), None) if position else None
        else:
            headline = "Red line crossed" if e.holds else "Red line no longer crossed"
            found = next((r for r in position.red_lines if r.id == e.item), None) if position else None
        if found is not None:
            text = found.text
            source = source_ref(scenario, found.source)
    return ConditionItem("condition", e.item, e.turn, e.kind, e.team, names.team(e.team) if e.team else "",
                         e.holds, headline, text, source, cause)


def _track_series(scenario: Scenario, state: GameState, final_turn: int) -> list[TrackSeries]:
    by_track: dict[str, list[tuple[int, int]]] = {}
    for turn, name, value in state.history:
        by_track.setdefault(name, []).append((turn, value))
    out = []
    for track in scenario.tracks.values():
        changes = by_track.get(track.id, [])
        values, value, i = [], track.start, 0
        for turn in range(final_turn + 1):
            while i < len(changes) and changes[i][0] <= turn:
                value = changes[i][1]
                i += 1
            values.append(value)
        while i < len(changes):  # changes after the last turn (none in practice)
            value = changes[i][1]
            i += 1
        final = state.tracks.get(track.id, value)
        out.append(TrackSeries(track.id, track.label, track.min, track.max, track.start, final, values,
                               track.description))
    return out


# --- before the game: the situation manual's schedule -------------------------------------------------


@frozen
class ScheduledInject:
    entry: str
    title: str
    sender: str
    channel: str
    inject_kind: str
    source: SourceRef
    quote: str
    questions: list[str]
    proposal: bool


@frozen
class Module:
    """One turn of the game as the situation manual presents it."""

    turn: int
    game_date: str
    injects: list[ScheduledInject]

    @property
    def questions(self) -> list[str]:
        return [q for inject in self.injects for q in inject.questions]


def schedule(scenario: Scenario) -> list[Module]:
    """The modules (turns) and what is scheduled publicly in each.

    Public means: scheduled for a turn (not on a condition or after a move) and addressed to
    every team. Controller notes and expected actions are left out.
    """
    game_date = getattr(scenario.info, "game_date", None)
    modules = []
    for turn in range(1, scenario.info.turns + 1):
        injects = []
        for entry in scenario.msel:
            if entry.turn != turn or entry.inject not in scenario.injects:
                continue
            inject = scenario.injects[entry.inject]
            recipients = entry.recipients if entry.recipients is not None else inject.recipients
            if ALL_TEAMS not in recipients:
                continue
            injects.append(ScheduledInject(
                entry.id, inject.title, inject.sender, inject.channel, inject.kind.value,
                source_ref(scenario, inject.source), inject.quote, list(inject.questions),
                inject.proposal is not None,
            ))
        day = game_date(turn) if game_date is not None else None
        modules.append(Module(turn, day.isoformat() if day else "", injects))
    return modules

