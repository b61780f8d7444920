"""TOML scenario and inject files into the model, with every problem named by file and field.

Each problem is one line, ``file: $.path.to.field: what is wrong (what would be right)``,
and all problems of a file are reported together.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen
from cattrs.errors import BaseValidationError

from . import bundled, model
from .conditions import ConditionError, compile_condition
from .text import first_control, visible
from .tomlconvert import error_paths, make_converter, toml_keys

ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # tracks and flags appear in conditions as tracks.NAME
KEYED_TABLES = ("tracks", "flags", "teams", "move_kinds", "injects", "end_states", "exercise_objectives")

_converter = make_converter()


@frozen
class Problem:
    """One thing wrong in one file."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


class LoadError(Exception):
    """A file, or several, that cannot be used; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@frozen
class MselFileEntry(model.MselEntry):
    """An MSEL entry as written: it may override fields of the inject it names."""

    override: dict[str, Any] = attrs.field(factory=dict)


@frozen
class ScenarioFile:
    """A scenario file as written, before its injects are resolved."""

    scenario: model.ScenarioInfo
    sources: list[model.Source]
    tracks: dict[str, model.Track]
    teams: dict[str, model.Team]
    move_kinds: dict[str, model.MoveKind]
    end_states: dict[str, model.EndState]
    flags: dict[str, model.Flag] = attrs.field(factory=dict)
    injects: dict[str, model.Inject] = attrs.field(factory=dict)
    msel: list[MselFileEntry] = attrs.field(factory=list)
    exercise_objectives: dict[str, model.ExerciseObjective] = attrs.field(factory=dict)


@frozen
class InjectFile:
    """An inject library file: the sources it cites and its injects."""

    injects: dict[str, model.Inject]
    sources: list[model.Source] = attrs.field(factory=list)


@frozen
class Library:
    """The reusable injects, each with the file it came from, and the sources they cite."""

    injects: dict[str, model.Inject]
    origins: dict[str, Path]
    sources: dict[str, model.Source]


# --- reading -----------------------------------------------------------------------------


def _line_col(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - data.rfind(b"\n", 0, offset)
    return f"line {line}, column {column}"


MAX_NESTING = 50
"""How many levels of tables and arrays a file may nest: far more than any scenario needs, and
few enough that structuring and saving never reach Python's recursion limit."""
NESTED_TOO_DEEP = f"is nested too deep (nest tables and arrays at most {MAX_NESTING} levels deep)"


def read_toml(path: Path) -> tuple[dict | None, list[Problem]]:
    """The TOML table of a file, or the problems that keep it from being read."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, "$", f"cannot be read: {exc.strerror or exc} (check the path)")]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(name, "$", "is UTF-16 text (save it as UTF-8)")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = _line_col(data, exc.start)
        return None, [Problem(name, where, f"byte 0x{data[exc.start]:02x} is not UTF-8 (save the file as UTF-8)")]
    try:
        raw = tomllib.loads(text)
    except RecursionError:  # the parser recurses once per level of nesting
        return None, [Problem(name, "$", NESTED_TOO_DEEP)]
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = "$"
        if match := re.search(r"\s*\(at (line \d+, column \d+|end of document)\)$", message):
            where, message = match.group(1), message[: match.start()]
        return None, [Problem(name, where, f"not valid TOML: {message} (fix the syntax there)")]
    unusable = [Problem(name, where, message) for where, message in _unusable_values(raw)]
    return (None, unusable) if unusable else (raw, [])


def _unusable_values(raw: dict) -> list[tuple[str, str]]:
    """(field path, what is wrong) for each value no session could keep or show safely.

    A string holding a control character (tab and line ends aside) would drive the players'
    terminals; a whole number beyond 64 bits cannot be written back as TOML.
    """
    found, stack = [], [("$", raw, 0)]
    deep: set[str] = set()
    while stack:  # not recursive: a deeply nested file is not a RecursionError here
        where, value, depth = stack.pop()
        if depth > MAX_NESTING:
            top = re.match(r"\$(\.[^.\[]+|\[\d+\])?", where)
            top_where = top.group(0) if top else "$"
            if top_where not in deep:  # one problem per top-level key, not one per leaf
                deep.add(top_where)
                found.append((top_where, NESTED_TOO_DEEP))
            continue
        if isinstance(value, str):
            if ch := first_control(value):
                found.append((where, f"holds the control character {visible(ch)} (remove it: it would drive "
                                     "the players' terminals)"))
        elif isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            found.append((where, "is too large a number (from -9223372036854775808 to 9223372036854775807)"))
        elif isinstance(value, dict):
            stack += [(f"{where}.{k}", v, depth + 1) for k, v in reversed(value.items())]
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", v, depth + 1) for i, v in reversed(list(enumerate(value)))]
    return found


# --- structuring ---------------------------------------------------------------------------


def _name_keyed_tables(raw: dict, add) -> None:
    """Give each keyed table (``[tracks.NAME]``...) its id from its key."""
    for table in KEYED_TABLES:
        entries = raw.get(table)
        if not isinstance(entries, dict):
            continue
        for key, value in entries.items():
            if isinstance(value, dict):
                if "id" in value:
                    add(f"$.{table}.{key}.id", f"unknown key (the id is the table's name, '{key}')")
                entries[key] = {**value, "id": key}


def _structure(raw: dict, cls: type, add) -> Any:
    """Structure ``raw`` as ``cls`` section by section, reporting every section's problems."""
    values: dict[str, Any] = {}
    allowed = toml_keys(cls)
    for key in raw:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known: {', '.join(allowed)}"
            add(f"$.{key}", f"unknown table or key ({hint})")
    ok = True
    for field in attrs.fields(cls):
        if field.name not in raw:
            if field.default is attrs.NOTHING:
                add(f"$.{field.name}", "missing (this file needs it)")
                ok = False
            continue
        try:
            values[field.name] = _converter.structure(raw[field.name], field.type)
        except (BaseValidationError, ValueError, TypeError, KeyError, AttributeError) as exc:
            for path, message in error_paths(exc, f"$.{field.name}"):
                add(path, message)
            ok = False
    return cls(**values) if ok else None


attrs.resolve_types(ScenarioFile, globals())
attrs.resolve_types(InjectFile, globals())


# --- checking ------------------------------------------------------------------------------


def _suggest(word: str, choices: Iterable[str]) -> str:
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"known: {', '.join(choices)}" if choices else "none are defined"


class _Checks:
    """Cross-reference checks over a structured file; collects problems."""

    def __init__(self, add):
        self.add = add

    def ids(self, path: str, ids: Iterable[str], pattern=ID, what="an id") -> None:
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            where = f"{path}[{i}].id"
            if not pattern.match(ident):
                rule = "lower-case letters, digits and _" if pattern is NAME else "lower-case letters, digits, - and _"
                self.add(where, f"'{ident}' is not {what} (use {rule})")
            if ident in seen:
                self.add(where, f"duplicate id '{ident}' (each id once)")
            seen.add(ident)

    def table_names(self, table: str, names: Iterable[str], pattern=ID) -> None:
        rule = "lower-case letters, digits and _ (it is used as tracks.NAME or flags.NAME)" if pattern is NAME else "lower-case letters, digits, - and _"
        for name in names:
            if not pattern.match(name):
                self.add(f"$.{table}.{name}", f"'{name}' is not a usable name (use {rule})")

    def ref(self, path: str, value: str, known: Iterable[str], what: str) -> bool:
        known = list(known)
        if value in known:
            return True
        self.add(path, f"unknown {what} '{value}' ({_suggest(value, known)})")
        return False

    def text(self, path: str, value: str) -> None:
        if not value.strip():
            self.add(path, "is empty (write the text)")

    def condition(self, path: str, text: str, tracks: dict, flags: dict, required=False) -> None:
        if not text.strip():
            if required:
                self.add(path, "is empty (write a condition such as 'tracks.escalation >= 7')")
            return
        try:
            compile_condition(text, tracks, flags)
        except ConditionError as exc:
            self.add(path, str(exc))

    def effects(self, path: str, effects: model.Effects, tracks: dict, flags: dict) -> None:
        for name in effects.tracks:
            self.ref(f"{path}.tracks.{name}", name, tracks, "track")
        for name in effects.flags:
            self.ref(f"{path}.flags.{name}", name, flags, "flag")


def _check_inject_standalone(c: _Checks, path: str, inject: model.Inject, sources: Iterable[str]) -> None:
    c.ref(f"{path}.source", inject.source, sources, "source")
    for field in ("title", "sender", "channel", "body"):
        c.text(f"{path}.{'from' if field == 'sender' else field}", getattr(inject, field))
    if not inject.recipients:
        c.add(f"{path}.recipients", 'is empty (name team ids, or ["all"])')
    if inject.proposal is not None:
        if not inject.proposal.terms:
            c.add(f"{path}.proposal.terms", "is empty (list the terms of the deal)")
        if not inject.proposal.parties:
            c.add(f"{path}.proposal.parties", "is empty (name the teams that must accept)")
        if inject.proposal.lapses_after < 0:
            c.add(f"{path}.proposal.lapses_after", "is negative (a number of turns, 0 for never)")


def _check_inject_in_scenario(c: _Checks, path: str, inject: model.Inject, sf: ScenarioFile, origin: str = "") -> None:
    """Check what an inject names against the scenario that uses it."""
    where = f" (inject '{inject.id}' from {origin})" if origin else ""
    sources = [s.id for s in sf.sources]
    if inject.source not in sources:
        c.add(f"{path}.source", f"cites source '{inject.source}'{where}, which this scenario's [[sources]] lacks (add it)")
    for i, team in enumerate(inject.recipients):
        if team != model.ALL_TEAMS:
            c.ref(f"{path}.recipients[{i}]", team, [*sf.teams, model.ALL_TEAMS], "team" + where)
    c.effects(f"{path}.effects", inject.effects, sf.tracks, sf.flags)
    if inject.proposal is not None:
        for i, team in enumerate(inject.proposal.parties):
            c.ref(f"{path}.proposal.parties[{i}]", team, sf.teams, "team" + where)
        c.effects(f"{path}.proposal.effects", inject.proposal.effects, sf.tracks, sf.flags)


def _check_scenario(c: _Checks, sf: ScenarioFile, stem: str) -> None:
    info = sf.scenario
    if info.id != stem:
        c.add("$.scenario.id", f"'{info.id}' differs from the file name '{stem}.toml' (make them the same)")
    if info.turns < 1:
        c.add("$.scenario.turns", f"{info.turns} (expected 1 or more)")
    if info.moves_per_turn < 1:
        c.add("$.scenario.moves_per_turn", f"{info.moves_per_turn} (expected 1 or more)")
    for field in ("title", "turn_duration", "background"):
        c.text(f"$.scenario.{field}", getattr(info, field))
    if info.start_time and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", info.start_time):
        c.add("$.scenario.start_time", f"'{info.start_time[:40]}' is not a time of day (write it as 09:00, "
                                       "00:00 to 23:59)")

    c.ids("$.sources", [s.id for s in sf.sources])
    sources = [s.id for s in sf.sources]
    if not sources:
        c.add("$.sources", "is empty (list the documents the positions come from)")
    c.table_names("tracks", sf.tracks, NAME)
    c.table_names("flags", sf.flags, NAME)
    for table in ("teams", "move_kinds", "injects", "end_states", "exercise_objectives"):
        c.table_names(table, getattr(sf, table))

    for name, track in sf.tracks.items():
        if track.min >= track.max:
            c.add(f"$.tracks.{name}.max", f"{track.max} is not above min {track.min} (make max > min)")
        elif not track.min <= track.start <= track.max:
            c.add(f"$.tracks.{name}.start", f"{track.start} is outside {track.min}..{track.max} (start within the bounds)")
        if track.source:
            c.ref(f"$.tracks.{name}.source", track.source, sources, "source")
    for name, flag in sf.flags.items():
        if flag.source:
            c.ref(f"$.flags.{name}.source", flag.source, sources, "source")

    starts = {name: t.start for name, t in sf.tracks.items()}
    flags = {name: f.start for name, f in sf.flags.items()}
    for kind_id, kind in sf.move_kinds.items():
        c.effects(f"$.move_kinds.{kind_id}.effects", kind.effects, starts, flags)

    for team_id, team in sf.teams.items():
        _check_team(c, f"$.teams.{team_id}", team, sf, sources, starts, flags)
    if not sf.teams:
        c.add("$.teams", "no teams (add [teams.ID] tables)")

    for inject_id, inject in sf.injects.items():
        _check_inject_standalone(c, f"$.injects.{inject_id}", inject, sources)

    for objective_id, objective in sf.exercise_objectives.items():
        path = f"$.exercise_objectives.{objective_id}"
        c.text(f"{path}.title", objective.title)
        c.text(f"{path}.capability", objective.capability)
        if objective.source:
            c.ref(f"{path}.source", objective.source, sources, "source")

    for state_id, state in sf.end_states.items():
        path = f"$.end_states.{state_id}"
        c.text(f"{path}.label", state.label)
        c.condition(f"{path}.when", state.when, starts, flags, required=True)
        if state.source:
            c.ref(f"{path}.source", state.source, sources, "source")


def _check_team(c, path, team, sf, sources, starts, flags) -> None:
    c.text(f"{path}.name", team.name)
    pos, ppath = team.position, f"{path}.position"
    if not pos.stance:
        c.add(f"{ppath}.stance", "is empty (a position needs at least one [[...stance]] statement)")
    if not pos.objectives:
        c.add(f"{ppath}.objectives", "is empty (a position needs at least one objective)")
    for group in ("stance", "objectives", "red_lines", "levers", "assumptions", "advisors"):
        for i, item in enumerate(getattr(pos, group)):
            c.ref(f"{ppath}.{group}[{i}].source", item.source, sources, "source")
            c.text(f"{ppath}.{group}[{i}].{'summary' if group == 'advisors' else 'text'}",
                   item.summary if group == "advisors" else item.text)
    c.ids(f"{ppath}.objectives", [o.id for o in pos.objectives])
    c.ids(f"{ppath}.red_lines", [r.id for r in pos.red_lines])
    c.ids(f"{ppath}.advisors", [a.id for a in pos.advisors])
    ranks = sorted(o.rank for o in pos.objectives)
    if ranks != list(range(1, len(ranks) + 1)):
        expected = set(range(1, len(ranks) + 1))
        for i, objective in enumerate(pos.objectives):
            if objective.rank not in expected or ranks.count(objective.rank) > 1:
                c.add(f"{ppath}.objectives[{i}].rank",
                      f"rank {objective.rank} breaks the ranking {ranks} (rank the objectives 1 to {len(ranks)}, each once)")
                break
    for group in ("objectives", "red_lines"):
        for i, item in enumerate(getattr(pos, group)):
            c.condition(f"{ppath}.{group}[{i}].when", item.when, starts, flags)
    kinds = list(sf.move_kinds)
    seen: set[str] = set()
    for i, lever in enumerate(pos.levers):
        c.ref(f"{ppath}.levers[{i}].kind", lever.kind, kinds, "move kind")
        if lever.kind in seen:
            c.add(f"{ppath}.levers[{i}].kind", f"'{lever.kind}' is listed twice (one lever per move kind)")
        seen.add(lever.kind)
    for i, advisor in enumerate(pos.advisors):
        for j, kind in enumerate(advisor.favoured_kinds):
            c.ref(f"{ppath}.advisors[{i}].favoured_kinds[{j}]", kind, kinds, "move kind")


def _resolve_msel(c: _Checks, sf: ScenarioFile, library: Library) -> tuple[dict, list]:
    """Resolve the MSEL's injects (local first, then the library), applying overrides."""
    injects = dict(sf.injects)
    entries: list[model.MselEntry] = []
    starts = {name: t.start for name, t in sf.tracks.items()}
    flags = {name: f.start for name, f in sf.flags.items()}
    c.ids("$.msel", [e.id for e in sf.msel])
    turns = sf.scenario.turns
    for i, entry in enumerate(sf.msel):
        path = f"$.msel[{i}]"
        base = sf.injects.get(entry.inject) or library.injects.get(entry.inject)
        origin = "" if entry.inject in sf.injects else str(library.origins.get(entry.inject, ""))
        if base is None:
            c.add(f"{path}.inject", f"no inject '{entry.inject}' in [injects] or the library ({_suggest(entry.inject, [*sf.injects, *library.injects])})")
            continue
        triggers = [t for t, set_ in (("turn", entry.turn is not None), ("when", bool(entry.when)), ("after_move", bool(entry.after_move))) if set_]
        if len(triggers) != 1:
            c.add(path, f"has {' and '.join(triggers) or 'no trigger'} (give exactly one of turn, when, after_move)")
        if entry.turn is not None and not 1 <= entry.turn <= turns:
            c.add(f"{path}.turn", f"{entry.turn} is outside the game's turns (1..{turns})")
        if not 1 <= entry.earliest_turn <= turns:
            c.add(f"{path}.earliest_turn", f"{entry.earliest_turn} is outside the game's turns (1..{turns})")
        c.condition(f"{path}.when", entry.when, starts, flags)
        if entry.after_move:
            c.ref(f"{path}.after_move", entry.after_move, sf.move_kinds, "move kind")
        for j, team in enumerate(entry.recipients or []):
            if team != model.ALL_TEAMS:
                c.ref(f"{path}.recipients[{j}]", team, [*sf.teams, model.ALL_TEAMS], "team")
        inject_id = entry.inject
        if entry.override:
            inject_id = entry.id
            if entry.id in injects or entry.id in library.injects:
                c.add(f"{path}.id", f"'{entry.id}' is also an inject id (an entry with an override names the new inject; pick another id)")
            merged = {**_converter.unstructure(base), **entry.override, "id": entry.id}
            if "id" in entry.override:
                c.add(f"{path}.override.id", "cannot be overridden (the entry's id names the new inject)")
            try:
                inject = _converter.structure(merged, model.Inject)
            except (BaseValidationError, ValueError, TypeError, KeyError, AttributeError) as exc:
                for where, message in error_paths(exc, f"{path}.override"):
                    c.add(where, message)
                continue
            _check_inject_standalone(c, f"{path}.override", inject, [s.id for s in sf.sources])
            _check_inject_in_scenario(c, f"{path}.override", inject, sf)
            injects[inject_id] = inject
        elif entry.inject not in sf.injects:
            _check_inject_in_scenario(c, f"{path}.inject", base, sf, origin)
            injects[inject_id] = base
        fields = {f.name: getattr(entry, f.name) for f in attrs.fields(model.MselEntry)}
        entries.append(model.MselEntry(**{**fields, "inject": inject_id}))
    for inject_id, inject in sf.injects.items():
        _check_inject_in_scenario(c, f"$.injects.{inject_id}", inject, sf)
    return injects, entries


# --- public --------------------------------------------------------------------------------


def _collector(name: str) -> tuple[list[Problem], Any]:
    problems: list[Problem] = []
    return problems, lambda path, message: problems.append(Problem(name, path, message))


def load_library(dirs: Iterable[Path] | None = None) -> tuple[Library, list[Problem]]:
    """The inject library from ``dirs`` (default: the bundled one), and its problems."""
    injects: dict[str, model.Inject] = {}
    origins: dict[str, Path] = {}
    sources: dict[str, model.Source] = {}
    problems: list[Problem] = []
    files = [f for d in (dirs or [bundled.bundled_dir("injects")]) for f in sorted(Path(d).glob("*.toml"))]
    parsed = []
    for path in files:
        raw, found = read_toml(path)
        problems += found
        if raw is None:
            continue
        file_problems, add = _collector(str(path))
        _name_keyed_tables(raw, add)
        structured = _structure(raw, InjectFile, add)
        problems += file_problems
        if structured is not None:
            parsed.append((path, structured))
            for source in structured.sources:
                sources.setdefault(source.id, source)
    for path, structured in parsed:
        file_problems, add = _collector(str(path))
        c = _Checks(add)
        c.ids("$.sources", [s.id for s in structured.sources])
        c.table_names("injects", structured.injects)
        for inject_id, inject in structured.injects.items():
            if inject_id in injects:
                add(f"$.injects.{inject_id}", f"duplicate inject id, also in {origins[inject_id]} (rename one)")
                continue
            _check_inject_standalone(c, f"$.injects.{inject_id}", inject, sources)
            injects[inject_id] = inject
            origins[inject_id] = path
        problems += file_problems
    return Library(injects, origins, sources), problems


def default_library_dirs(scenario_path: Path) -> list[Path]:
    """The bundled library, plus an ``injects/`` folder beside the scenario's folder."""
    dirs = [bundled.bundled_dir("injects")]
    sibling = scenario_path.resolve().parent.parent / "injects"
    if sibling.is_dir() and sibling.resolve() != dirs[0].resolve():
        dirs.append(sibling)
    return dirs


def _scenario_from(raw: dict, path: Path, library: Library) -> tuple[model.Scenario | None, list[Problem]]:
    problems, add = _collector(str(path))
    _name_keyed_tables(raw, add)
    sf = _structure(raw, ScenarioFile, add)
    if sf is None:
        return None, problems
    c = _Checks(add)
    _check_scenario(c, sf, path.stem)
    injects, msel = _resolve_msel(c, sf, library)
    if problems:
        return None, problems
    scenario = model.Scenario(
        info=sf.scenario, sources=sf.sources, tracks=sf.tracks, flags=sf.flags, teams=sf.teams,
        move_kinds=sf.move_kinds, injects=injects, msel=msel, end_states=sf.end_states,
        exercise_objectives=sf.exercise_objectives,
    )
    return scenario, []


def load_scenario(path: Path | str, library: Library | None = None) -> model.Scenario:
    """Load and check a scenario file; raise LoadError with every problem found."""
    path = Path(path)
    raw, problems = read_toml(path)
    if raw is None:
        raise LoadError(problems)
    if library is None:
        library, lib_problems = load_library(default_library_dirs(path))
        if lib_problems:
            raise LoadError(lib_problems)
    scenario, problems = _scenario_from(raw, path, library)
    if scenario is None:
        raise LoadError(problems)
    return scenario


def validate(paths: Iterable[Path | str], library_dirs: Iterable[Path] | None = None) -> tuple[int, list[Problem]]:
    """Check scenario and inject files (folders are searched for ``*.toml``).

    Returns how many files were checked and every problem found.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.glob("*.toml"))
            if not found:
                problems.append(Problem(str(p), "$", "no .toml files in this folder"))
            files += found
        else:
            files.append(p)
    libraries: dict[tuple, tuple[Library, list[Problem]]] = {}

    def library_for(dirs: list[Path]) -> tuple[Library, list[Problem]]:
        key = tuple(d.resolve() for d in dirs)
        if key not in libraries:
            libraries[key] = load_library(dirs)
        return libraries[key]

    reported_libraries: set[tuple] = set()
    for path in files:
        raw, found = read_toml(path)
        problems += found
        if raw is None:
            continue
        if "scenario" in raw:
            dirs = list(library_dirs) if library_dirs else default_library_dirs(path)
            library, lib_problems = library_for(dirs)
            key = tuple(d.resolve() for d in dirs)
            if lib_problems and key not in reported_libraries:
                problems += lib_problems
                reported_libraries.add(key)
            problems += _scenario_from(raw, path, library)[1]
        elif "injects" in raw:
            library, lib_problems = library_for([path.parent])
            key = (path.parent.resolve(),)
            if key not in reported_libraries:
                problems += lib_problems
                reported_libraries.add(key)
        else:
            problems.append(Problem(str(path), "$", "neither a scenario nor an inject file (expected a [scenario] table or [injects.ID] tables)"))
    unique = list(dict.fromkeys(problems))
    return len(files), unique
