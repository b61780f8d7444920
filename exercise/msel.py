"""The MSEL as a spreadsheet: one row per [[msel]] entry, with the inject fields it sends.

Pure conversion, no file I/O (``cli_msel`` reads and writes workbooks and CSV files):

- ``export_rows(scenario, raw, library)``: a row (column key -> cell value) per MSEL entry, showing the
  inject as the entry delivers it (the library's or the scenario's inject, with the entry's
  overrides applied).
- ``import_rows(header, rows, scenario, raw, library)``: the [[msel]] tables (TOML data) the rows
  describe. A row's inject fields that differ from the inject it names become the entry's
  ``override`` (or, for the scenario's own inject that only this row sends, under the same id,
  changes to that inject); a field the original entry overrode stays overridden; a column the
  sheet leaves out, or a blank cell, keeps what the entry had (triggers aside: the row says
  when it fires); a row switched to another inject sends that inject as it is, save for the
  cells changed beside it.
- ``where_in_sheet(path)``: the entry and column a loader problem (``$.msel[3].when``) is about.

Game time: ``clock`` is the time in the game at which a turn begins, counted from the setting
date (D+0 00:00, or the scenario's ``start_time`` on D+0, is the start of turn 1) in steps of its
``turn_duration``. Turns of whole days show as ``D+14``; shorter turns (``"30 minutes"``,
``"2 hours"``), or a game with a start_time, as ``D+0 09:30``.
A clock given on import may also be ``HH:MM`` (on D+0) or a date (``2025-03-19``, with an
optional ``HH:MM``); it falls in the turn under way at that moment. Where a row's turn and clock
disagree, the one changed since the export wins.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from attrs import Factory, frozen

from . import model
from .text import first_control, visible
from .tomlconvert import make_converter

_converter = make_converter()


@frozen
class Column:
    key: str
    header: str
    help: str


COLUMNS: tuple[Column, ...] = (
    Column("id", "id", "the entry's id, unique in the MSEL (blank on a new row: one is made up)"),
    Column("turn", "turn", "the turn at whose start the inject is queued (1 to the last turn)"),
    Column("clock", "clock", "or the game time instead of the turn: D+14, D+0 09:30, 09:30 or a date"),
    Column("when", "when", "or a condition instead: queued as soon as it holds, e.g. tracks.escalation >= 7"),
    Column("after_move", "after move", "or a move kind instead: queued when a move of that kind is revealed"),
    Column("earliest_turn", "earliest turn", "for when and after move: not before this turn (blank: 1)"),
    Column("inject", "inject", "the inject's id: from the library or the scenario's [injects] (required)"),
    Column("to", "to", "the recipients: team ids, comma-separated, or all"),
    Column("title", "title", "the inject's headline"),
    Column("from", "from", "the simulated sender"),
    Column("channel", "channel", "how it arrives: call readout, press, intelligence, ..."),
    Column("kind", "kind", "diplomatic, military, economic or information"),
    Column("body", "body", "what the teams read (Markdown)"),
    Column("notes", "controller notes", "for the facilitator only: what to watch for"),
    Column("expected_actions", "expected actions", "what a team is expected to do (for the report), one per line"),
    Column("questions", "questions", "discussion questions, one per line"),
    Column("response_options", "response options", "options the teams may choose from, one per line"),
    Column("source", "source", "the id of the document it comes from (one of the scenario's sources)"),
    Column("quote", "quote", "the document's own words, copied literally"),
    Column("effects", "effects", "what delivering it changes: escalation=+1, ceasefire=true"),
    Column("proposal_terms", "proposal terms", "a deal on the table: its terms, one per line"),
    Column("proposal_parties", "proposal parties", "the teams that must accept, comma-separated"),
    Column("proposal_effects", "proposal effects", "what the deal changes once every party accepts"),
    Column("proposal_lapses_after", "proposal lapses after", "turns the deal stays open (0: until answered)"),
)
BY_KEY = {c.key: c for c in COLUMNS}
TRIGGERS = ("turn", "clock", "when", "after_move")

_ALIASES = {
    "entry": "id", "entry id": "id", "msel id": "id", "game time": "clock", "time": "clock", "condition": "when",
    "after move kind": "after_move", "after_move": "after_move", "move kind": "after_move", "inject id": "inject",
    "recipients": "to", "sender": "from", "notes": "notes", "controller notes": "notes", "not before": "earliest_turn",
}

# Inject fields a row shows, by TOML key (the proposal's four columns and "to" are handled apart).
_TEXT_FIELDS = ("title", "from", "channel", "kind", "body", "source", "quote")
_LIST_FIELDS = ("questions", "expected_actions", "response_options")
_PROPOSAL_PARTS = {"proposal_terms": "terms", "proposal_parties": "parties", "proposal_effects": "effects",
                   "proposal_lapses_after": "lapses_after"}
_ENTRY_KEYS = ("id", "inject", "turn", "when", "after_move", "earliest_turn", "recipients", "notes", "override")


def _normal(header: str) -> str:
    return " ".join(header.lower().replace("_", " ").replace("-", " ").split())


def column_key(header: str) -> str | None:
    """The column a header names (case, spaces, - and _ do not matter), or None."""
    name = _normal(header)
    for column in COLUMNS:
        if name == _normal(column.header) or name == _normal(column.key):
            return column.key
    return _ALIASES.get(name)


# --- game time ------------------------------------------------------------------------------

_SHORT_UNITS = {"minute": 1, "min": 1, "hour": 60, "hr": 60, "h": 60}


def turn_minutes(duration: str) -> int | None:
    """Minutes of game time in a turn: "two weeks", "1 day", "30 minutes", "2 hours"; None if unclear."""
    days = model.duration_days(duration)
    if days:
        return days * 24 * 60
    words = duration.lower().replace("-", " ").split()
    if len(words) == 1:
        words = ["one", *words]
    if len(words) != 2:
        return None
    count = int(words[0]) if words[0].isdigit() else model._NUMBERS.get(words[0])
    unit = _SHORT_UNITS.get(words[1].removesuffix("s"))
    return count * unit if count and unit else None


def start_minutes(info: model.ScenarioInfo) -> int:
    """Minutes after midnight on the setting date at which turn 1 begins (the scenario's start_time)."""
    hours, _, minutes = info.start_time.partition(":")
    return int(hours) * 60 + int(minutes) if info.start_time else 0


def clock_text(turn: int, per_turn: int, start: int = 0) -> str:
    """The game time at which ``turn`` begins: D+14, or D+0 09:30 for turns shorter than a day or a
    game that begins at a time of day (``start``, minutes after midnight on D+0)."""
    days, minutes = divmod(start + (turn - 1) * per_turn, 24 * 60)
    if per_turn % (24 * 60) == 0 and start == 0:
        return f"D+{days}"
    return f"D+{days} {minutes // 60:02d}:{minutes % 60:02d}"


_D_PLUS = re.compile(r"^d\s*\+\s*(\d+)(?:\s+(\d{1,2}):(\d{2}))?$", re.IGNORECASE)
_HH_MM = re.compile(r"^(\d{1,2}):(\d{2})(?::00)?$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?$")


class CellError(ValueError):
    """A cell's value cannot be used; the message says why and what would be right."""


def _minutes_of_day(hours: str | int, minutes: str | int, shown: str) -> int:
    h, m = int(hours), int(minutes)
    if h > 23 or m > 59:
        raise CellError(f"'{shown}' is not a time of day (00:00 to 23:59)")
    return h * 60 + m


def clock_minutes(value: Any, setting_date: datetime.date) -> int:
    """Minutes of game time since D+0 00:00 for a clock cell; CellError if it is not one."""
    if isinstance(value, datetime.datetime):
        return (value.date() - setting_date).days * 24 * 60 + value.hour * 60 + value.minute
    if isinstance(value, datetime.date):
        return (value - setting_date).days * 24 * 60
    if isinstance(value, datetime.time):
        return value.hour * 60 + value.minute
    text = cell_text(value).strip()
    shown = text[:40]
    if match := _D_PLUS.match(text):
        return int(match.group(1)) * 24 * 60 + (_minutes_of_day(match.group(2), match.group(3), shown)
                                                 if match.group(2) else 0)
    if match := _HH_MM.match(text):
        return _minutes_of_day(match.group(1), match.group(2), shown)
    if match := _DATE.match(text):
        try:
            day = datetime.date.fromisoformat(match.group(1))
        except ValueError:
            raise CellError(f"'{shown}' is not a date (a real day, like {setting_date.isoformat()})") from None
        time = _minutes_of_day(match.group(2), match.group(3), shown) if match.group(2) else 0
        return (day - setting_date).days * 24 * 60 + time
    raise CellError(f"'{shown}' is not a game time (write D+14, D+0 09:30, 09:30 or a date like "
                    f"{setting_date.isoformat()})")


# --- cells ----------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell's value as text, with plain line ends."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.date().isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()[:5] if isinstance(value, datetime.time) else value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _blank(value: Any) -> bool:
    return cell_text(value).strip() == ""


def whole_number(value: Any, low: int, high: int, what: str) -> int:
    """A whole number from ``low`` to ``high`` in a cell; CellError saying so otherwise."""
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = int(value) if value.is_integer() else None
    else:
        text = cell_text(value).strip()
        number = int(text) if re.fullmatch(r"\+?\d{1,18}", text) else None
        if number is None and re.fullmatch(r"\d{1,18}\.0*", text):
            number = int(text.split(".")[0])
    shown = cell_text(value).strip()[:40]
    if number is None:
        raise CellError(f"'{shown}' is not a whole number ({low} to {high})")
    if not low <= number <= high:
        raise CellError(f"{number} is outside {what} ({low} to {high})")
    return number


def list_text(items: list[str]) -> str:
    """List items one per line (an item's own line breaks continue on indented lines)."""
    return "\n".join(item.replace("\n", "\n  ") for item in items)


def parse_list(text: str) -> list[str]:
    items: list[str] = []
    for line in text.split("\n"):
        if line[:1] in (" ", "\t") and items and line.strip():
            items[-1] += "\n" + line.strip()
        elif line.strip():
            items.append(line.strip())
    return items


def teams_text(teams: list[str]) -> str:
    return ", ".join(teams)


def parse_teams(text: str) -> list[str]:
    return [t for t in re.split(r"[,;\s]+", text.strip()) if t]


def effects_text(effects: Mapping[str, Any]) -> str:
    """``escalation=+1, ceasefire=true`` for an effects table."""
    parts = [f"{name}={delta:+d}" for name, delta in effects.get("tracks", {}).items()]
    parts += [f"{name}={'true' if value else 'false'}" for name, value in effects.get("flags", {}).items()]
    return ", ".join(parts)


_EFFECT = re.compile(r"^(?:(tracks|flags)\.)?([A-Za-z0-9_-]+)\s*(?:=|:)?\s*([+-]?\s*\d+|true|false|yes|no)$",
                     re.IGNORECASE)


def parse_effects(text: str) -> dict[str, dict]:
    """An effects table from ``escalation=+1, ceasefire=true``; CellError naming a bad part."""
    tracks: dict[str, int] = {}
    flags: dict[str, bool] = {}
    for part in re.split(r"[,;\n]", text):
        part = part.strip()
        if not part:
            continue
        match = _EFFECT.match(part)
        if not match:
            raise CellError(f"'{part[:40]}' is not an effect (write NAME=+N for a track, NAME=true or "
                            "NAME=false for a flag, separated by commas)")
        group, name, value = match.group(1), match.group(2), match.group(3).replace(" ", "").lower()
        if value in ("true", "false", "yes", "no"):
            if group == "tracks":
                raise CellError(f"'{part[:40]}': a track moves by a number (write {name}=+1 or {name}=-1)")
            flags[name] = value in ("true", "yes")
        else:
            if group == "flags":
                raise CellError(f"'{part[:40]}': a flag is set true or false (write {name}=true)")
            delta = int(value)
            if not -1000 <= delta <= 1000:
                raise CellError(f"'{part[:40]}': {delta} is too large a change (from -1000 to +1000)")
            tracks[name] = delta
    return {"tracks": tracks, "flags": flags}


# --- export ---------------------------------------------------------------------------------


def export_rows(scenario: model.Scenario, raw: Mapping[str, Any],
                library: Mapping[str, model.Inject] | None = None) -> list[dict[str, Any]]:
    """A row per MSEL entry: column key -> cell value (text, or a whole number for turns).

    Where an entry's override empties a field that the inject it names fills (no effects, no
    quote), the cell shows ``-``: a blank cell would read back, on a copied row, as the inject's own.
    """
    per_turn = turn_minutes(scenario.info.turn_duration)
    start = start_minutes(scenario.info)
    own = {k: scenario.injects[k] for k in raw.get("injects", {}) if k in scenario.injects}
    named = {**(library or {}), **own}
    rows = []
    for entry, written in zip(scenario.msel, raw.get("msel", [])):
        inject = _converter.unstructure(scenario.injects[entry.inject])
        base = named.get(written.get("inject", entry.inject)) if "override" in written else None
        emptied: dict[str, str] = {}
        if base is not None:
            cells, base_cells = _inject_cells(inject), _inject_cells(_converter.unstructure(base))
            emptied = {key: NONE for key in (*_TEXT_FIELDS, *_LIST_FIELDS, "effects")
                       if cells[key] == "" and base_cells[key] != ""}
        row: dict[str, Any] = {
            "id": entry.id,
            "turn": entry.turn if entry.turn is not None else "",
            "clock": clock_text(entry.turn, per_turn, start) if entry.turn is not None and per_turn else "",
            "when": entry.when,
            "after_move": entry.after_move,
            "earliest_turn": entry.earliest_turn if entry.earliest_turn != 1 else "",
            "inject": written.get("inject", entry.inject),
            "notes": entry.notes,
            **_inject_cells(inject),
            **emptied,
            "to": teams_text(entry.recipients or inject["recipients"]),
        }
        rows.append(row)
    return rows


def _inject_cells(inject: Mapping[str, Any]) -> dict[str, Any]:
    """The cells that show an inject (TOML data): column key -> value."""
    proposal = inject.get("proposal")
    return {
        "to": teams_text(inject["recipients"]),
        **{key: inject[key] for key in _TEXT_FIELDS},
        **{key: list_text(inject[key]) for key in _LIST_FIELDS},
        "effects": effects_text(inject["effects"]),
        "proposal_terms": list_text(proposal["terms"]) if proposal else "",
        "proposal_parties": teams_text(proposal["parties"]) if proposal else "",
        "proposal_effects": effects_text(proposal["effects"]) if proposal else "",
        "proposal_lapses_after": proposal["lapses_after"] if proposal else "",
    }


# --- import ---------------------------------------------------------------------------------


@frozen
class SheetProblem:
    """One thing wrong in the sheet: at a row (1 = the header row) and, if known, a column."""

    row: int
    column: int | None  # 0-based index into the header; None: the row as a whole
    header: str  # the column's header as written, or the field's name
    message: str


@frozen
class Imported:
    """The [[msel]] tables a sheet describes, the sheet row of each, and the ids made up."""

    entries: list[dict[str, Any]]
    rows: list[int]
    made_up: list[str]
    columns: dict[str, int]  # column key -> index
    headers: list[str]
    injects: dict[str, dict[str, Any]]  # the scenario's own [injects] tables that rows changed, as they now are
    notes: list[SheetProblem] = Factory(list)  # not wrong, but worth saying: a clock time inside a turn


def _loose(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_loose(v) for v in value]
    if isinstance(value, dict):
        return {k: _loose(v) for k, v in value.items() if v not in ({}, None)}
    return value


def _settle(value: Any, *candidates: Any) -> Any:
    """``value``, or the first candidate that differs from it only by white space at the ends."""
    for candidate in candidates:
        if candidate is not None and _loose(candidate) == _loose(value):
            return candidate
    return value


def _compact_effects(effects: dict[str, dict]) -> dict[str, dict]:
    return {k: v for k, v in effects.items() if v} or {"tracks": {}}


def _text_value(text: str) -> str:
    text = text.strip()
    return text + "\n" if "\n" in text else text


_REOPEN = ("open the CSV file again with the character set Unicode (UTF-8); LibreOffice headless: "
           "--infilter=CSV:44,34,76")


def misread(text: str) -> tuple[str, str] | None:
    """(what a cell shows, what it said) if its text is UTF-8 read as Windows-1252 or Latin-1, else None.

    A UTF-8 CSV file opened in a spreadsheet as Western text turns '—' into 'â€”' and its byte
    order mark into 'ï»¿'; read back, that text would go into the scenario as it shows.
    """
    if text.isascii():
        return None
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if fixed != text:
            start = next(i for i, (a, b) in enumerate(zip(text, fixed)) if a != b)
            end = start
            while end < len(text) and not text[end].isascii():
                end += 1
            shown = text[start:end]
            return shown[:12], shown.encode(codec).decode("utf-8", errors="replace")
    return None


def _misread_text(shown: str, meant: str) -> str:
    meant = meant.replace("\ufeff", "")
    was = f"'{meant}'" if meant else "the mark that begins a UTF-8 file"
    return f"'{shown}' for {was}: UTF-8 text read as another character set"


def read_header(header: list[Any]) -> tuple[dict[str, int], list[str], list[SheetProblem]]:
    """The columns of a header row (key -> index), the headers as written, and what is wrong."""
    headers = [cell_text(h).strip() for h in header]
    columns: dict[str, int] = {}
    problems = []
    known = [c.header for c in COLUMNS]
    for i, text in enumerate(headers):
        if not text:
            continue
        if found := misread(text):
            problems.append(SheetProblem(1, i, "", f"'{text[:40]}': {_misread_text(*found)} ({_REOPEN})"))
            continue
        key = column_key(text)
        if key is None:
            close = difflib.get_close_matches(text.lower(), known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"known columns: {', '.join(known)}"
            problems.append(SheetProblem(1, i, "", f"'{text[:40]}' is not a column of the MSEL ({hint})"))
        elif key in columns:
            problems.append(SheetProblem(1, i, "", f"'{text[:40]}' is a second '{BY_KEY[key].header}' column (keep one)"))
        else:
            columns[key] = i
    if not problems:
        if "inject" not in columns:
            problems.append(SheetProblem(1, None, "", "has no 'inject' column (the header row needs inject, and "
                                         "one or more of turn, clock, when, after move)"))
        if not any(t in columns for t in TRIGGERS):
            problems.append(SheetProblem(1, None, "", "has no column saying when an inject goes out (add turn, "
                                         "clock, when or after move)"))
    return columns, headers, problems


def import_rows(
    header: list[Any],
    rows: list[tuple[int, list[Any]]],
    scenario: model.Scenario,
    raw: Mapping[str, Any],
    library: Mapping[str, model.Inject],
) -> tuple[Imported | None, list[SheetProblem]]:
    """The [[msel]] tables that the sheet's rows describe, and the problems of its cells.

    A problem in the header gives no tables (None); a problem in a row leaves that row out of
    them, so that the rows without one can still be checked against the scenario.

    ``header`` is the first row; ``rows`` the others as (row number, cells); ``scenario`` the
    loaded scenario and ``raw`` its TOML data (the MSEL is replaced, everything else is kept);
    ``library`` the inject library it was loaded with.
    """
    columns, headers, problems = read_header(header)
    if problems:
        return None, problems
    sheet = _Sheet(columns, headers, rows, scenario, raw, library)
    entries: list[dict[str, Any]] = []
    entry_rows: list[int] = []
    for number, cells in rows:
        if all(_blank(value) for value in cells):
            continue
        row = _Row(sheet, number, cells)
        changed = set(sheet.changed_injects)
        entry = row.entry()
        if row.problems:
            problems += row.problems
            for inject_id in set(sheet.changed_injects) - changed:  # the row is left out, and so are its changes
                del sheet.changed_injects[inject_id]
        elif entry is not None:
            entries.append(entry)
            entry_rows.append(number)
    notes = [n for n in sheet.notes if n.row in entry_rows]
    return Imported(entries, entry_rows, sheet.made_up, columns, headers, sheet.changed_injects, notes), problems


class _Sheet:
    """What every row of a sheet is read against: its columns, the scenario, the injects."""

    def __init__(self, columns: dict[str, int], headers: list[str], rows: list[tuple[int, list[Any]]],
                 scenario: model.Scenario, raw: Mapping[str, Any], library: Mapping[str, model.Inject]):
        self.columns, self.headers, self.scenario, self.raw = columns, headers, scenario, raw
        self.info = scenario.info
        self.per_turn = turn_minutes(scenario.info.turn_duration)
        self.start = start_minutes(scenario.info)
        self.originals = {e["id"]: e for e in raw.get("msel", []) if isinstance(e, dict) and isinstance(e.get("id"), str)}
        self.local = {k: scenario.injects[k] for k in raw.get("injects", {}) if k in scenario.injects}
        self.injects = {**library, **self.local}

        def column(key: str) -> list[str]:
            index = columns.get(key)
            return [cell_text(cells[index]).strip() for _, cells in rows if index is not None and index < len(cells)]

        self.taken = set(column("id")) | set(self.injects)  # ids a made-up id must not take
        self.sent = Counter(column("inject"))  # how many rows send each inject
        self.made_up: list[str] = []
        self.notes: list[SheetProblem] = []
        self.changed_injects: dict[str, dict[str, Any]] = {}

    def make_up_id(self, turn: int | None, inject_id: str) -> str:
        stem = f"t{turn}-{inject_id}" if turn is not None else f"on-{inject_id}"
        entry_id, n = stem, 2
        while entry_id in self.taken:
            entry_id, n = f"{stem}-{n}", n + 1
        self.taken.add(entry_id)
        self.made_up.append(entry_id)
        return entry_id


NONE = "-"
"""In an inject column, a cell of just - sends nothing there (no quote, no questions, no effects)."""


class _Row:
    """One row of the sheet read into an [[msel]] table; ``problems`` says what is wrong with it."""

    def __init__(self, sheet: _Sheet, number: int, cells: list[Any]):
        self.sheet, self.number = sheet, number
        self.cells = list(cells)  # a copy: cells still showing a replaced inject are blanked
        self.columns = sheet.columns
        self.problems: list[SheetProblem] = []

    # cells

    def cell(self, key: str) -> Any:
        index = self.columns.get(key)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def has(self, key: str) -> bool:
        """Whether the sheet has the column and this row's cell in it is not blank."""
        return key in self.columns and not _blank(self.cell(key))

    def text(self, key: str) -> str:
        return cell_text(self.cell(key)).strip()

    def bad(self, key: str, message: str) -> None:
        index = self.columns[key]
        self.problems.append(SheetProblem(self.number, index, self.sheet.headers[index], message))

    def number_in(self, key: str, low: int, high: int, what: str) -> int | None:
        if not self.has(key):
            return None
        try:
            return whole_number(self.cell(key), low, high, what)
        except CellError as exc:
            self.bad(key, str(exc))
            return None

    # the entry

    def entry(self) -> dict[str, Any] | None:
        for key, index in self.columns.items():
            value = self.cells[index] if index < len(self.cells) else None
            if isinstance(value, str) and (ch := first_control(value)):
                self.bad(key, f"holds the control character {visible(ch)} (remove it: it would drive the players' "
                              "terminals)")
            elif isinstance(value, str) and (found := misread(value)):
                self.bad(key, f"holds {_misread_text(*found)} ({_REOPEN})")
        if self.problems:
            return None
        sheet = self.sheet
        inject_id = self.text("inject").lower()
        if not inject_id:
            self.bad("inject", "is empty (name an inject: the library's are listed by 'exercise list', and in the "
                               "Reference sheet of an exported workbook)")
        turn, when, after_move = self.triggers()
        earliest = self.number_in("earliest_turn", 1, sheet.info.turns, "the game's turns")

        entry_id = self.text("id").lower()
        original = sheet.originals.get(entry_id) if entry_id else None
        if original is not None and original.get("inject") != inject_id:
            self.forget_inject_of(entry_id)
            original = None  # the row sends another inject now: nothing of the old entry carries over
        if not entry_id and inject_id:
            entry_id = sheet.make_up_id(turn, inject_id)
        original = original or {}
        old_override: dict[str, Any] = dict(original.get("override", {}))
        base_inject = sheet.injects.get(inject_id)
        base = _converter.unstructure(base_inject) if base_inject is not None else None

        entry: dict[str, Any] = {"id": entry_id, "inject": inject_id}
        if turn is not None:
            entry["turn"] = turn
        if when:
            entry["when"] = when
        if after_move:
            entry["after_move"] = after_move
        if earliest is not None:
            entry["earliest_turn"] = earliest
        elif "earliest_turn" not in self.columns and "earliest_turn" in original:
            entry["earliest_turn"] = original["earliest_turn"]

        override = self.changes(base, old_override) if base is not None else old_override
        self.recipients(entry, override, original, old_override, base)
        self.notes(entry, original)
        entry |= {k: v for k, v in original.items() if k not in _ENTRY_KEYS}  # keys this version does not know
        if override and entry_id in sheet.injects:
            # An override names a new inject after the entry, so the entry's id must not be an
            # inject's. The scenario's own inject, sent by this row alone, takes the changes itself.
            if inject_id == entry_id and inject_id in sheet.local and sheet.sent[inject_id] == 1:
                sheet.changed_injects[inject_id] = {**sheet.raw["injects"][inject_id], **override}
                override = {}
            elif "id" in self.columns:
                self.bad("id", f"'{entry_id}' is also the id of an inject, and this row changes what its inject "
                               f"says ({', '.join(override)}): give the row an id of its own, such as "
                               f"'{entry_id}-1'")
        if override:
            entry["override"] = override
        return entry

    def triggers(self) -> tuple[int | None, str, str]:
        """The row's turn (from the turn or the clock), condition and move kind; exactly one is given."""
        info = self.sheet.info
        turn = self.number_in("turn", 1, info.turns, "the game's turns")
        if self.has("clock"):
            turn = self.clock_turn(turn)
        when, after_move = self.text("when"), self.text("after_move").lower()
        given = [k for k, v in (("turn", turn), ("when", when), ("after_move", after_move)) if v not in (None, "")]
        if len(given) > 1:
            self.bad(given[1], f"is given as well as the {BY_KEY[given[0]].header} (give exactly one of turn or "
                               "clock, when, after move)")
        elif not given and not self.problems:
            first = next(t for t in TRIGGERS if t in self.columns)
            self.bad(first, "is empty, and so is every other trigger (give a turn, a clock time, a condition in "
                            "when or a move kind in after move)")
        return turn, when, after_move

    def clock_turn(self, turn: int | None) -> int | None:
        """The turn the clock cell falls in (or ``turn``, when the turn was changed and the clock not)."""
        info, per_turn = self.sheet.info, self.sheet.per_turn
        shown = self.text("clock")[:40]
        if per_turn is None:
            self.bad("clock", f"'{shown}': the scenario's turn_duration '{info.turn_duration}' gives no game time "
                              "per turn (give the turn instead, or a turn_duration like 'two weeks' or '30 minutes')")
            return turn
        try:
            minutes = clock_minutes(self.cell("clock"), info.setting_date)
        except CellError as exc:
            self.bad("clock", str(exc))
            return turn
        start = self.sheet.start
        clock_turn = (minutes - start) // per_turn + 1 if minutes >= start else 0
        if not 1 <= clock_turn <= info.turns:
            self.bad("clock", f"'{shown}' is outside the game's time (turn 1 begins at {clock_text(1, per_turn, start)}, "
                              f"turn {info.turns} ends at {clock_text(info.turns + 1, per_turn, start)}; a turn is "
                              f"{info.turn_duration})")
            return turn
        if turn is None or turn == clock_turn:
            self.inside_turn(minutes, clock_turn)
            return clock_turn
        # They disagree: the one the facilitator changed since the export wins; both changed must agree.
        was = self.sheet.originals.get(self.text("id").lower(), {}).get("turn")
        if was is not None and clock_turn == was:
            return turn  # the turn was changed
        if was is not None and turn == was:
            self.inside_turn(minutes, clock_turn)
            return clock_turn  # the clock was changed
        self.bad("clock", f"'{shown}' falls in turn {clock_turn}, but the turn says {turn} (make them agree, or "
                          "clear one)")
        return turn

    def inside_turn(self, minutes: int, turn: int) -> None:
        """Say so when a clock time falls inside a turn: the entry is queued as that turn begins."""
        per_turn = self.sheet.per_turn
        assert per_turn is not None
        start = self.sheet.start
        begins = clock_text(turn, per_turn, start)
        if minutes != start + (turn - 1) * per_turn:
            index = self.columns["clock"]
            self.sheet.notes.append(SheetProblem(
                self.number, index, self.sheet.headers[index],
                f"'{self.text('clock')[:40]}' falls in turn {turn} ({begins} to {clock_text(turn + 1, per_turn, start)}): "
                f"the inject is queued as turn {turn} begins, at {begins} (the scenario keeps the turn, not the time)"))

    def forget_inject_of(self, entry_id: str) -> None:
        """Blank the cells that still show the inject the entry sent before (the row sends another now)."""
        scenario = self.sheet.scenario
        was = next((e for e in scenario.msel if e.id == entry_id), None)
        if was is None:
            return
        stale = _inject_cells(_converter.unstructure(scenario.injects[was.inject]))
        if was.recipients:
            stale["to"] = teams_text(was.recipients)
        for key, value in stale.items():
            index = self.columns.get(key)
            if index is not None and index < len(self.cells) and self.text(key) == cell_text(value).strip():
                self.cells[index] = None

    def recipients(self, entry: dict, override: dict, original: dict, old_override: dict, base: dict | None) -> None:
        """"to": the entry's recipients, or its override's, as the entry had them; blank: as before."""
        teams = [t.lower() for t in parse_teams(cell_text(self.cell("to")))] if "to" in self.columns else []
        if not teams:
            if "recipients" in original:
                entry["recipients"] = original["recipients"]
            if "recipients" in old_override:
                override["recipients"] = old_override["recipients"]
        elif "recipients" in original:
            entry["recipients"] = teams
        elif "recipients" in old_override:
            override["recipients"] = teams
        elif base is None or teams != base["recipients"]:
            entry["recipients"] = teams

    def notes(self, entry: dict, original: dict) -> None:
        if "notes" not in self.columns:
            if "notes" in original:
                entry["notes"] = original["notes"]
            return
        notes = _settle(cell_text(self.cell("notes")), original.get("notes"))
        if notes.strip():
            entry["notes"] = notes if notes == original.get("notes") else _text_value(notes)

    def changes(self, base: dict, old: dict) -> dict[str, Any]:
        """The override: the inject fields the row shows that differ from the inject it names.

        A blank cell (or a column left out) sends what the entry sent before: its override, else
        the inject's own value; a cell of just ``-`` sends an empty value.
        """
        override: dict[str, Any] = {}

        def given(key: str) -> str | None:
            """The cell's text; None when the column is left out or the cell is blank (keep as it was)."""
            if not self.has(key):
                if key in old:
                    override[key] = old[key]
                return None
            text = cell_text(self.cell(key))
            return "" if text.strip() == NONE else text

        def settle(key: str, value: Any) -> None:
            value = _settle(value, old.get(key), base.get(key))
            if key in old or _loose(value) != _loose(base.get(key)):
                override[key] = value

        kinds = [k.value for k in model.InjectKind]
        for key in _TEXT_FIELDS:
            value = given(key)
            if value is None:
                continue
            if key == "kind" and value.strip() and value.strip().lower() not in kinds:
                self.bad(key, f"'{value.strip()[:40]}' is not a kind of inject (one of {', '.join(kinds)})")
                continue
            settle(key, value.strip().lower() if key == "kind" else
                   _text_value(value) if key == "body" else value.strip())
        for key in _LIST_FIELDS:
            value = given(key)
            if value is not None:
                settle(key, parse_list(value))
        value = given("effects")
        if value is not None:
            try:
                effects = parse_effects(value)
            except CellError as exc:
                self.bad("effects", str(exc))
            else:
                settled = _settle(effects, old.get("effects"), base["effects"])
                if "effects" in old or _loose(settled) != _loose(base["effects"]):
                    override["effects"] = settled if settled is not effects else _compact_effects(effects)
        proposal = self.proposal(base, old)
        if proposal is not None:
            override["proposal"] = proposal
        return override

    def proposal(self, base: dict, old: dict) -> dict[str, Any] | None:
        """The override's proposal, if the entry overrides it or the row changes it; else None."""
        filled = [k for k in _PROPOSAL_PARTS if self.has(k)]
        current = old.get("proposal", base.get("proposal"))
        if not filled:
            return old.get("proposal")
        if current is None and "proposal_terms" not in filled:
            self.bad(filled[0], f"is given, but inject '{base['id']}' has no proposal and this row no proposal "
                                "terms (give the terms of the deal, or clear this)")
            return None
        proposal = dict(current or {"terms": [], "parties": [], "effects": {"tracks": {}, "flags": {}},
                                    "lapses_after": 0})
        text = {k: cell_text(self.cell(k)) for k in filled}
        text = {k: "" if v.strip() == NONE else v for k, v in text.items()}
        try:
            if "proposal_terms" in text:
                proposal["terms"] = parse_list(text["proposal_terms"])
            if "proposal_parties" in text:
                proposal["parties"] = [t.lower() for t in parse_teams(text["proposal_parties"])]
            if "proposal_effects" in text:
                proposal["effects"] = _compact_effects(parse_effects(text["proposal_effects"]))
        except CellError as exc:
            self.bad("proposal_effects", str(exc))
            return None
        if "proposal_lapses_after" in text:
            try:
                proposal["lapses_after"] = whole_number(text["proposal_lapses_after"] or "0", 0, 1000,
                                                        "the turns a deal stays open")
            except CellError as exc:
                self.bad("proposal_lapses_after", str(exc))
                return None
        value = _settle(proposal, old.get("proposal"), base.get("proposal"))
        if "proposal" in old or _loose(value) != _loose(base.get("proposal")):
            return value
        return None


# --- loader problems back to cells ----------------------------------------------------------

_MSEL_PATH = re.compile(r"^\$\.msel\[(\d+)\](.*)$")
_PATH_KEYS = {
    ".id": "id", ".inject": "inject", ".turn": "turn", ".when": "when", ".after_move": "after_move",
    ".earliest_turn": "earliest_turn", ".recipients": "to", ".notes": "notes",
    ".override.recipients": "to", ".override.effects": "effects", ".override.proposal.terms": "proposal_terms",
    ".override.proposal.parties": "proposal_parties", ".override.proposal.effects": "proposal_effects",
    ".override.proposal.lapses_after": "proposal_lapses_after", ".override.proposal": "proposal_terms",
    **{f".override.{key}": key for key in (*_TEXT_FIELDS, *_LIST_FIELDS)},
}


def column_of_field(field: str) -> str | None:
    """The column that overrides an inject's field (``proposal.effects.flags.x`` -> proposal_effects), if any."""
    rest = ".override." + field
    best = max((p for p in _PATH_KEYS if p.startswith(".override.") and (rest == p or rest.startswith((p + ".", p + "[")))),
               key=len, default=None)
    return _PATH_KEYS[best] if best else None


def where_in_sheet(path: str) -> tuple[int, str | None, str] | None:
    """(entry index, column key or None, the field it is about) for a loader path into the MSEL, else None.

    The field is named when no column says it all: a field of the inject a row names, or one that
    no column shows.
    """
    match = _MSEL_PATH.match(path)
    if not match:
        return None
    index, rest = int(match.group(1)), match.group(2)
    best = max((p for p in _PATH_KEYS if rest == p or rest.startswith((p + ".", p + "["))), key=len, default=None)
    if best is None:
        return index, None, rest.lstrip(".")
    if best == ".inject" and rest != best:  # a field of the inject the row names, as it stands
        return index, "inject", rest[len(".inject"):].lstrip(".")
    return index, _PATH_KEYS[best], ""
