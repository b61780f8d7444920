"""Tracks and flags turn by turn, from the fold's history (the values it actually took)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from ..model import Scenario
from ..state import Ledger
from .results import Extreme, FlagSeries, TrackSeries

T = TypeVar("T")


def by_turn(changes: Sequence[tuple[int, T]], start: T, final_turn: int) -> tuple[list[T], T]:
    """The value at the end of each turn 0..final_turn from (turn, value) changes in order, and
    the last value of all (changes after ``final_turn`` count only there)."""
    values, value, i = [], start, 0
    for turn in range(final_turn + 1):
        while i < len(changes) and changes[i][0] <= turn:
            value = changes[i][1]
            i += 1
        values.append(value)
    if changes[i:]:
        value = changes[-1][1]
    return values, value


def extremes(track_id: str, start: int, ledger: Ledger, causes: Mapping[int, str]) -> tuple[Extreme, Extreme]:
    """The highest and the lowest a track stood at, each when it first got there, and the cause
    that took it there (``causes``: an event's seq -> its cause, as the walk names it)."""
    high = low = (start, 0, "")
    for change in ledger.changes:
        moved = change.tracks.get(track_id)
        if moved is None:
            continue
        after = moved[1]
        if after > high[0]:
            high = (after, change.turn, causes.get(change.seq, change.cause))
        if after < low[0]:
            low = (after, change.turn, causes.get(change.seq, change.cause))
    return Extreme("highest", *high), Extreme("lowest", *low)


def track_series(scenario: Scenario, ledger: Ledger, final_turn: int,
                 causes: Mapping[int, str] | None = None) -> list[TrackSeries]:
    history: dict[str, list[tuple[int, int]]] = {}
    for turn, name, value in ledger.history:
        history.setdefault(name, []).append((turn, value))
    out = []
    for track in scenario.tracks.values():
        values, last = by_turn(history.get(track.id, []), track.start, final_turn)
        peaks = [ledger.peaks.get((turn, track.id), (value, value)) for turn, value in enumerate(values)]
        lows = [min(low, value) for (low, _), value in zip(peaks, values)]
        highs = [max(high, value) for (_, high), value in zip(peaks, values)]
        peak, trough = extremes(track.id, track.start, ledger, causes or {})
        out.append(TrackSeries(track.id, track.label, track.min, track.max, track.start,
                               ledger.tracks.get(track.id, last), values, track.description, lows, highs,
                               peak, trough))
    return out


def flag_series(scenario: Scenario, ledger: Ledger, final_turn: int) -> list[FlagSeries]:
    history: dict[str, list[tuple[int, bool]]] = {}
    for turn, name, value in ledger.flag_history:
        history.setdefault(name, []).append((turn, value))
    out = []
    for flag in scenario.flags.values():
        # the first entry is the flag's start (Ledger.initial); each one after it is a change
        start_and_changes = history.get(flag.id, [(0, flag.start)])
        start, changes = start_and_changes[0][1], start_and_changes[1:]
        values, last = by_turn(start_and_changes, start, final_turn)
        out.append(FlagSeries(flag.id, flag.label, start, ledger.flags.get(flag.id, last), values, changes))
    return out
