"""A scenario as readable plain text, for ``exercise show``."""

from __future__ import annotations

import shutil
import textwrap

from . import model


class _Writer:
    def __init__(self, width: int):
        self.width = width
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        self.lines += ["", text.upper(), "=" * min(len(text), self.width)]

    def sub(self, text: str) -> None:
        self.lines += ["", text, "-" * min(len(text), self.width)]

    def para(self, text: str, indent: int = 0, bullet: str = "") -> None:
        first = " " * indent + bullet
        rest = " " * (indent + len(bullet))
        for i, block in enumerate(text.strip().split("\n\n")):
            self.lines += textwrap.wrap(
                " ".join(block.split()), self.width,
                initial_indent=first if i == 0 else rest, subsequent_indent=rest,
            ) or [first]

    def cited(self, text: str, source: str, quote: str = "", indent: int = 2, bullet: str = "- ") -> None:
        self.para(f"{text} [{source}]", indent, bullet)
        if quote:
            self.para(f'"{quote}"', indent + len(bullet) + 2)


def _trigger(entry: model.MselEntry) -> str:
    if entry.when:
        return f"when {entry.when}"
    return f"after a '{entry.after_move}' move"


def scenario_summary(scenario: model.Scenario, width: int | None = None) -> str:
    """Teams and positions with sources, tracks and flags, the MSEL by turn, end states."""
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 100)
    w = _Writer(width)
    info = scenario.info
    w.lines += [info.title, "=" * min(len(info.title), width)]
    w.para(
        f"{info.id} · set {info.setting_date.isoformat()}{' from ' + info.start_time if info.start_time else ''} · "
        f"{info.turns} turns of {info.turn_duration} · "
        f"{info.adjudication.value} adjudication · {info.moves_per_turn} move(s) per team per turn · seed {info.seed}"
    )
    if info.summary:
        w.lines.append("")
        w.para(info.summary)
    w.heading("Background")
    for block in info.background.strip().split("\n\n"):
        w.para(block)
        w.lines.append("")
    w.lines.pop()

    w.heading("Sources")
    for s in scenario.sources:
        w.para(f"{s.id}: {s.author}, \"{s.title}\" ({s.date}{', ' + s.publication if s.publication else ''})", 2, "- ")

    w.heading("Teams")
    for team in scenario.teams.values():
        pos = team.position
        w.sub(f"{team.name} ({team.id})")
        w.para(team.role)
        w.lines.append("Stance:")
        for st in pos.stance:
            w.cited(st.text, st.source, st.quote)
        w.lines.append("Objectives, by rank:")
        for o in sorted(pos.objectives, key=lambda o: o.rank):
            w.cited(o.text, o.source, o.quote, bullet=f"{o.rank}. ")
            if o.when:
                w.para(f"met when: {o.when}", 7)
        if pos.red_lines:
            w.lines.append("Red lines:")
            for r in pos.red_lines:
                w.cited(r.text, r.source, r.quote)
                if r.when:
                    w.para(f"crossed when: {r.when}", 6)
        if pos.levers:
            w.lines.append("Levers (move kinds):")
            for lever in pos.levers:
                label = scenario.move_kinds[lever.kind].label
                w.cited(f"{label} ({lever.kind}): {lever.text}", lever.source, lever.quote)
        if pos.assumptions:
            w.lines.append("Assumptions:")
            for a in pos.assumptions:
                w.cited(a.text, a.source, a.quote)
        if pos.advisors:
            w.lines.append("Advisor briefs:")
            for adv in pos.advisors:
                w.cited(f"{adv.title} ({adv.advisor}): {adv.summary}", adv.source, adv.quote)
                for rec in adv.recommends:
                    w.para(rec, 6, "· ")
                if adv.favoured_kinds:
                    w.para("reaches for: " + ", ".join(adv.favoured_kinds), 6)

    w.heading("Tracks")
    for t in scenario.tracks.values():
        w.para(f"{t.label} ({t.id}): starts at {t.start} on {t.min}..{t.max}. {t.description}", 2, "- ")
    if scenario.flags:
        w.heading("Flags")
        for f in scenario.flags.values():
            w.para(f"{f.label} ({f.id}): starts {'true' if f.start else 'false'}. {f.description}", 2, "- ")

    w.heading("Move kinds")
    for k in scenario.move_kinds.values():
        effects = ", ".join([f"{n} {d:+d}" for n, d in k.effects.tracks.items()]
                            + [f"{n} = {str(v).lower()}" for n, v in k.effects.flags.items()])
        commitment = f", {k.commitment.value}" if k.commitment is not model.Commitment.NONE else ""
        w.para(f"{k.label} ({k.id}{commitment}){': ' + effects if effects else ''}", 2, "- ")

    w.heading("MSEL")
    for turn in range(1, info.turns + 1):
        entries = [e for e in scenario.msel if e.turn == turn]
        w.lines.append(f"Turn {turn}:" if entries else f"Turn {turn}: no scheduled injects")
        for e in entries:
            _msel_line(w, scenario, e)
    conditional = [e for e in scenario.msel if e.turn is None]
    if conditional:
        w.lines.append("Triggered:")
        for e in conditional:
            _msel_line(w, scenario, e, trigger=True)

    if scenario.exercise_objectives:
        w.heading("Exercise objectives (rated P/S/M/U after the game)")
        for o in scenario.exercise_objectives.values():
            w.para(f"{o.title} ({o.id}) · {o.capability}{' [' + o.source + ']' if o.source else ''}", 2, "- ")
            if o.description:
                w.para(o.description, 4)

    w.heading("End states (first reached wins)")
    for s in scenario.end_states.values():
        w.para(f"{s.label} ({s.id}): {s.description}{' [' + s.source + ']' if s.source else ''}", 2, "- ")
        w.para(f"reached when: {s.when}", 4)
    return "\n".join(w.lines) + "\n"


def _msel_line(w: _Writer, scenario: model.Scenario, e: model.MselEntry, trigger: bool = False) -> None:
    inject = scenario.injects[e.inject]
    to = ", ".join(e.recipients or inject.recipients)
    kind = " · proposal" if inject.proposal else ""
    when = f" · {_trigger(e)}" + (f" from turn {e.earliest_turn}" if e.earliest_turn > 1 else "") if trigger else ""
    w.para(f"{inject.title} [{inject.source}] · {inject.kind.value}{kind} · from {inject.sender} to {to}{when}", 2, "- ")
    if e.notes:
        w.para(f"controller: {e.notes}", 6)
