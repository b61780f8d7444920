"""What a scenario is: frozen attrs classes, no I/O.

A scenario file (TOML) is turned into these classes by ``exercise.loading``. Every position
item names the ``source`` it comes from (the id of a ``Source``) and may carry a short
``quote`` from that document. Conditions (``when``) are Jinja expressions over ``tracks``,
``flags`` and ``turn``; they are kept here as text and compiled by the loader.
"""

from __future__ import annotations

import datetime
from enum import Enum

from attrs import field, frozen

ALL_TEAMS = "all"


class Adjudication(str, Enum):
    """How moves are ruled on."""

    UMPIRE = "umpire"  # the facilitator decides outcome, narrative and effects
    MATRIX = "matrix"  # 2d6, success on 7+, +/-1 per strong argument
    ESTIMATIVE = "estimative"  # a probability, then d100


class Commitment(str, Enum):
    """What kind of commitment a move of a kind makes, if any."""

    NONE = "none"
    THREAT = "threat"
    PROMISE = "promise"
    CONCESSION = "concession"
    PROPOSAL = "proposal"  # puts a deal on the table
    RESPONSE = "response"  # answers a proposal (accept, reject, counter)


class InjectKind(str, Enum):
    DIPLOMATIC = "diplomatic"
    MILITARY = "military"
    ECONOMIC = "economic"
    INFORMATION = "information"


@frozen
class Source:
    """One of the documents the positions come from."""

    id: str
    title: str
    author: str
    date: str
    file: str = ""
    publication: str = ""
    summary: str = ""


@frozen
class Effects:
    """Changes to the game state: track deltas and flag settings."""

    tracks: dict[str, int] = field(factory=dict)
    flags: dict[str, bool] = field(factory=dict)


@frozen
class Track:
    """A number the game moves: escalation, alliance cohesion, ..."""

    id: str
    label: str
    min: int
    max: int
    start: int
    description: str = ""
    source: str = ""


@frozen
class Flag:
    """A yes/no fact of the game: cease-fire in force, Ukraine in NATO, ..."""

    id: str
    label: str
    start: bool = False
    description: str = ""
    source: str = ""


@frozen
class Statement:
    """A cited piece of a position: a stance or an assumption."""

    text: str
    source: str
    quote: str = ""


@frozen
class Objective:
    """A ranked goal of a team (rank 1 matters most); met when ``when`` holds."""

    id: str
    rank: int
    text: str
    source: str
    quote: str = ""
    when: str = ""


@frozen
class RedLine:
    """What a team will not accept; crossed when ``when`` holds."""

    id: str
    text: str
    source: str
    quote: str = ""
    when: str = ""


@frozen
class Lever:
    """A kind of move the team may make, and what it means for this team."""

    kind: str
    text: str
    source: str
    quote: str = ""


@frozen
class AdvisorBrief:
    """One advisor's line inside a team that argues internally, drawn from one document."""

    id: str
    title: str
    advisor: str
    source: str
    summary: str
    recommends: list[str] = field(factory=list)
    favoured_kinds: list[str] = field(factory=list)
    quote: str = ""


@frozen
class Position:
    """What a team argues: stance, ranked objectives, red lines, levers, assumptions."""

    stance: list[Statement]
    objectives: list[Objective]
    red_lines: list[RedLine] = field(factory=list)
    levers: list[Lever] = field(factory=list)
    assumptions: list[Statement] = field(factory=list)
    advisors: list[AdvisorBrief] = field(factory=list)


@frozen
class Team:
    id: str
    name: str
    role: str
    position: Position


@frozen
class MoveKind:
    """What a move of this kind means and its default effects."""

    id: str
    label: str
    description: str = ""
    commitment: Commitment = Commitment.NONE
    effects: Effects = field(factory=Effects)


@frozen
class Proposal:
    """A deal on the table: terms, the parties who must accept, what a deal does."""

    terms: list[str]
    parties: list[str]
    effects: Effects = field(factory=Effects)
    lapses_after: int = 0  # turns it stays open, the turn it is tabled included; 0: until answered


@frozen
class Inject:
    """A piece of the world delivered to teams: a call readout, a threat, an offer."""

    id: str
    title: str
    kind: InjectKind
    sender: str  # "from" in TOML
    channel: str
    body: str
    source: str
    recipients: list[str] = field(factory=lambda: [ALL_TEAMS])
    quote: str = ""
    questions: list[str] = field(factory=list)
    expected_actions: list[str] = field(factory=list)
    response_options: list[str] = field(factory=list)
    proposal: Proposal | None = None
    effects: Effects = field(factory=Effects)


@frozen
class MselEntry:
    """When an inject is delivered: at a turn, on a condition, or after a move kind."""

    id: str
    inject: str
    turn: int | None = None
    when: str = ""
    after_move: str = ""
    earliest_turn: int = 1
    recipients: list[str] | None = None
    notes: str = ""


@frozen
class ExerciseObjective:
    """What the exercise itself sets out to test (HSEEP), as distinct from a team's objectives.

    The facilitator or an evaluator rates each one P, S, M or U after play
    (``exercise.evaluation``); ``capability`` names the capability it exercises.
    """

    id: str
    title: str
    capability: str
    description: str = ""
    source: str = ""


@frozen
class EndState:
    """A named outcome of the game, reached when ``when`` holds."""

    id: str
    label: str
    description: str
    when: str
    source: str = ""
    quote: str = ""


_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}
_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}


def duration_days(text: str) -> int | None:
    """Days in a turn duration such as "two weeks", "1 month" or "10 days"; None if unclear."""
    words = text.lower().replace("-", " ").split()
    if len(words) == 1:
        words = ["one", *words]
    if len(words) != 2:
        return None
    count = int(words[0]) if words[0].isdigit() else _NUMBERS.get(words[0])
    unit = _DAYS.get(words[1].removesuffix("s"))
    return count * unit if count and unit else None


@frozen
class ScenarioInfo:
    """The ``[scenario]`` table."""

    id: str
    title: str
    setting_date: datetime.date
    turn_duration: str
    turns: int
    adjudication: Adjudication
    moves_per_turn: int
    seed: int
    background: str
    summary: str = ""
    start_time: str = ""  # "HH:MM": the time of day on the setting date at which turn 1 begins ("": 00:00)

    def game_date(self, turn: int) -> datetime.date | None:
        """The date in the game at the start of ``turn`` (turn 1 is the setting date)."""
        days = duration_days(self.turn_duration)
        if days is None:
            return None
        return self.setting_date + datetime.timedelta(days=days * max(turn - 1, 0))


@frozen
class Scenario:
    """A whole scenario, with its injects resolved (library injects merged with overrides)."""

    info: ScenarioInfo
    sources: list[Source]
    tracks: dict[str, Track]
    flags: dict[str, Flag]
    teams: dict[str, Team]
    move_kinds: dict[str, MoveKind]
    injects: dict[str, Inject]
    msel: list[MselEntry]
    end_states: dict[str, EndState]
    exercise_objectives: dict[str, ExerciseObjective] = field(factory=dict)

    def source(self, source_id: str) -> Source | None:
        """The source with this id, or None."""
        return next((s for s in self.sources if s.id == source_id), None)

    def team_kinds(self, team_id: str) -> list[str]:
        """The move kinds a team may use (its levers), in order."""
        return [lever.kind for lever in self.teams[team_id].position.levers]
