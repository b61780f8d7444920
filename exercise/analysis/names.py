"""Names and short texts: teams, move kinds, sources, effects, ratios."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import ALL_TEAMS, Effects, Scenario
from ..state import Change
from .results import SourceRef


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


def has_effects(effects: Effects) -> bool:
    return bool(effects.tracks or effects.flags)


def change_text(change: Change, bounds: dict[str, tuple[int, int]]) -> str:
    """What effects actually did, saying where they did less than asked:
    ``escalation +1 (+2 asked; at its maximum 10), ceasefire = true (already so)``."""
    parts = []
    for name, delta in change.intended.tracks.items():
        before, after = change.tracks.get(name, (0, 0))
        moved = after - before
        if moved == delta:
            parts.append(f"{name} {delta:+d}")
            continue
        low, high = bounds.get(name, (None, None))
        bound = f"its maximum {high}" if delta > 0 else f"its minimum {low}"
        parts.append(f"{name} {moved:+d} ({delta:+d} asked; {'capped at' if moved else 'already at'} {bound})")
    for name, value in change.intended.flags.items():
        parts.append(f"{name} = {str(value).lower()}" + ("" if name in change.flags else " (already so)"))
    return ", ".join(parts) or "no effect"


def applied_in_full(change: Change) -> bool:
    """Every effect did what it asked: no track held at a bound, no flag already so."""
    moved = {name: after - before for name, (before, after) in change.tracks.items()}
    return (all(moved.get(name, 0) == delta for name, delta in change.intended.tracks.items())
            and all(name in change.flags for name in change.intended.flags))


def ratio_text(part: int, whole: int) -> str:
    """``2 of 3 (67%)``, or ``none`` for an empty whole."""
    if not whole:
        return "none"
    return f"{part} of {whole} ({round(100 * part / whole)}%)"


class Names:
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
