"""Tracks and flags turn by turn, from the fold's history (the values it actually took)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from ..model import Scenario
from ..state import Ledger
from .results import FlagSeries, TrackSeries

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


def track_series(scenario: Scenario, ledger: Ledger, final_turn: int) -> list[TrackSeries]:
    history: dict[str, list[tuple[int, int]]] = {}
    for turn, name, value in ledger.history:
        history.setdefault(name, []).append((turn, value))
    out = []
    for track in scenario.tracks.values():
        values, last = by_turn(history.get(track.id, []), track.start, final_turn)
        peaks = [ledger.peaks.get((turn, track.id), (value, value)) for turn, value in enumerate(values)]
        lows = [min(low, value) for (low, _), value in zip(peaks, values)]
        highs = [max(high, value) for (_, high), value in zip(peaks, values)]
        out.append(TrackSeries(track.id, track.label, track.min, track.max, track.start,
                               ledger.tracks.get(track.id, last), values, track.description, lows, highs))
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
