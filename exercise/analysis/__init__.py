"""What the reports compute: the timeline, ledgers, red lines, objectives and the end state.

Pure: it reads a scenario, the events of a session and the state they fold to, and returns
frozen attrs classes that templates render. No Jinja, no SQLite, no files (a test keeps it
so). Effects are not recomputed here: what each event changed is the fold's record
(``GameState.ledger``). How each measure is taken: see ``measures``.
"""

from .compose import analyse
from .measures import MEASURES, PLAN_SEPARATOR
from .names import change_text, effects_text, ratio_text, source_ref
from .results import (
    Alignment,
    AlignmentRow,
    Analysis,
    AnswerRow,
    CommitmentRow,
    ConditionItem,
    Counts,
    Credibility,
    EndStateResult,
    Episode,
    EventItem,
    Extreme,
    FlagSeries,
    InjectItem,
    KindCount,
    MoveItem,
    NoteItem,
    ObjectiveResult,
    PlanItem,
    ProposalRow,
    Reciprocity,
    RedLineResult,
    RulingInfo,
    SkippedItem,
    SourceRef,
    StateChange,
    TeamResult,
    TimelineItemType,
    TrackSeries,
    TurnRecord,
)
from .schedule import Module, ScheduledInject, schedule
from .walk import ruling_info

__all__ = [
    "MEASURES", "PLAN_SEPARATOR", "Alignment", "AlignmentRow", "Analysis", "AnswerRow", "CommitmentRow",
    "ConditionItem", "Counts", "Credibility", "EndStateResult", "Episode", "EventItem", "Extreme", "FlagSeries",
    "InjectItem", "KindCount", "Module", "MoveItem", "NoteItem", "ObjectiveResult", "PlanItem", "ProposalRow",
    "Reciprocity", "RedLineResult", "RulingInfo", "ScheduledInject", "SkippedItem", "SourceRef", "StateChange",
    "TeamResult", "TimelineItemType", "TrackSeries", "TurnRecord", "analyse", "change_text", "effects_text",
    "ratio_text", "ruling_info", "schedule", "source_ref",
]
