"""``exercise msel export|import``: a scenario's MSEL as a spreadsheet a facilitator edits.

``export SCENARIO -o msel.xlsx|msel.csv`` writes one row per [[msel]] entry, with the inject it
sends; ``import FILE --scenario S -o NEW.toml`` writes the scenario with its MSEL replaced by
the sheet's rows (everything else is kept, with the author's comments and layout), once the
result validates. The conversion itself
is ``exercise.msel``; this module reads and writes the files.

Exit codes: 0 written; 1 invalid input (a scenario that does not load, a sheet with a bad cell,
a file that exists already or cannot be read or written); 2 a usage error (an output that is
neither .xlsx nor .csv). Every problem is one line naming the file and the cell, never a traceback.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
SHEET = "MSEL"

GAME_TIME = (
    "Game time: the clock column is the game time at which a turn begins, counted from the "
    "scenario's setting date (D+0 00:00, or its start_time on D+0, is the start of turn 1) in steps of "
    "its turn_duration. "
    "With turns of two weeks, turn 1 is D+0, turn 2 D+14, turn 3 D+28; with turns of '30 minutes', "
    "turn 3 is D+0 01:00. On import a row may give the turn or the clock (D+14, D+1 09:00, 09:30 "
    "for a time on D+0, or a date such as 2021-12-20, with or without HH:MM): a clock falls in the "
    "turn under way at that moment. When a row gives both and they disagree, the one changed since "
    "the export wins; if both changed, they must agree. A scenario whose turn_duration is not a "
    "length of time ('one round') takes turns only."
)
CELLS = (
    "Cells: lists (questions, expected actions, response options, proposal terms) hold one item "
    "per line; teams are comma-separated ('all' for every team); effects read 'escalation=+1, "
    "ceasefire=true'. A blank cell in an inject column (to, title ... proposal lapses after) sends "
    "what the entry sent before: its override, else the inject's own text; a cell of just - sends "
    "nothing there (no quote, no questions, no effects)."
)


def _paragraphs(*texts: str) -> str:
    import textwrap

    return "\n\n".join(textwrap.fill(t, width=78) for t in texts)


class _Failed(Exception):
    """A problem already worded for the user."""


def add_commands(commands) -> None:
    """Add ``msel export`` and ``msel import`` to the subcommands of ``exercise``."""
    raw = argparse.RawDescriptionHelpFormatter
    msel = commands.add_parser(
        "msel", help="the MSEL as a spreadsheet: export to .xlsx or .csv, edit, import back", formatter_class=raw,
        description=_paragraphs(
            "The master scenario events list as a spreadsheet a facilitator edits in Excel or LibreOffice: "
            "one row per event (id, turn, clock, when, after move, earliest turn, inject, to, title, from, "
            "channel, kind, body, controller notes, expected actions, questions, response options, source, "
            "quote, effects, proposal terms, parties, effects and lapse).",
            "exercise msel export SCENARIO -o msel.xlsx; edit it; exercise msel import msel.xlsx "
            "--scenario SCENARIO -o NEW.toml", GAME_TIME, CELLS))
    sub = msel.add_subparsers(dest="msel_command", metavar="COMMAND", required=True)
    library = argparse.ArgumentParser(add_help=False)
    library.add_argument("--library", action="append", type=Path, metavar="DIR",
                         help="an inject library folder to use instead of the bundled one (repeatable)")
    library.add_argument("--force", action="store_true", help="replace the output file if it exists")

    p = sub.add_parser(
        "export", parents=[library], help="write a scenario's MSEL as a spreadsheet (.xlsx or .csv)",
        formatter_class=raw, description=_paragraphs("Write SCENARIO's MSEL to -o FILE: an Excel workbook (.xlsx: the MSEL sheet, and a "
        "Reference sheet listing the columns, teams, move kinds, tracks, flags and injects) or CSV (UTF-8). "
        "Each row shows the inject as the entry sends it, overrides applied. An existing file is "
        "not replaced without --force.", GAME_TIME, CELLS))
    p.add_argument("scenario", metavar="SCENARIO", help="a .toml path or the id of a bundled scenario")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx|FILE.csv",
                   help="the spreadsheet to write: .xlsx (Excel, LibreOffice) or .csv (UTF-8)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser(
        "import", parents=[library], help="write a scenario whose MSEL is the spreadsheet's rows",
        formatter_class=raw, description=_paragraphs("Read an edited MSEL sheet (.xlsx: the sheet named MSEL, else the first; .csv: UTF-8, "
        "comma- or semicolon-separated) and write -o NEW.toml: the scenario with its [[msel]] replaced "
        "by the rows, everything else kept (the file is rewritten, so its comments are not). The first "
        "row names the columns, in any order; inject and one of turn, clock, when, after move are "
        "required; a column left out keeps what the entry had. A field that differs from the "
        "inject the row names becomes an override of that entry; a new row without an id gets one "
        "(t3-INJECT). Nothing is written unless the result validates; every problem names its cell "
        "(msel.xlsx: MSEL!C7: ..., msel.csv: row 7, column turn: ...). A scenario's id is its file "
        "name, so NEW.toml's name becomes its id. An existing file is not replaced without --force.",
        GAME_TIME, CELLS))
    p.add_argument("sheet", metavar="FILE", type=Path, help="the edited .xlsx or .csv file")
    p.add_argument("--scenario", required=True, metavar="SCENARIO", help="the scenario the MSEL belongs to")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="NEW.toml",
                   help="the scenario file to write (its name is its id)")
    p.set_defaults(func=_cmd_import)


def _fail(message: str, code: int = EXIT_INVALID) -> int:
    print(f"exercise msel: {message}", file=sys.stderr)
    return code


def _format(path: Path, what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise _Failed(f"{what} {path}: name a .xlsx or a .csv file")
    return suffix[1:]


def _scenario(name: str, library_dirs: list[Path] | None):
    """(path, raw TOML data, scenario, library) of the scenario named on the command line."""
    from . import bundled
    from .loading import LoadError, default_library_dirs, load_library, load_scenario, read_toml

    path = bundled.find_scenario(name)
    if path is None:
        known = ", ".join(p.stem for p in bundled.bundled_scenarios())
        raise _Failed(f"no scenario '{name}' (a .toml path, or one of: {known})")
    library, problems = load_library(library_dirs or default_library_dirs(path))
    raw, found = read_toml(path)
    problems += found
    if not problems:
        try:
            scenario = load_scenario(path, library)
        except LoadError as exc:
            problems += exc.problems
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        raise _Failed(f"{path} does not validate: fix it first ('exercise validate {path}')")
    return path, raw, scenario, library


def _write(path: Path, data: bytes, force: bool) -> None:
    from .files import write_atomic

    if path.exists() and not force:
        raise _Failed(f"{path} exists already (it is left as it is; add --force to replace it, or choose another name)")
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise _Failed(f"{path}: cannot be written ({exc.strerror or exc})") from None


# --- export ---------------------------------------------------------------------------------


def _cmd_export(args: argparse.Namespace) -> int:
    try:
        fmt = _format(args.output, "-o")
    except _Failed as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        path, raw, scenario, library = _scenario(args.scenario, args.library)
        from .msel import COLUMNS, export_rows

        rows = export_rows(scenario, raw, library.injects)
        data = _xlsx(rows, scenario, raw, library) if fmt == "xlsx" else _csv(rows)
        _write(args.output, data, args.force)
    except _Failed as exc:
        return _fail(str(exc))
    where = f"sheet {SHEET}, a row per entry" if fmt == "xlsx" else "a row per entry"
    print(f"wrote {args.output}: the MSEL of {scenario.info.id}, {len(rows)} entries ({where}, "
          f"{len(COLUMNS)} columns); edit it, then: exercise msel import {args.output} --scenario {args.scenario} "
          "-o NEW.toml")  # the scenario as the user named it: a bundled one by its id
    return EXIT_OK


def _csv(rows: list[dict[str, Any]]) -> bytes:
    import csv
    import io

    from .msel import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(c.key, "") for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")  # the BOM tells Excel the file is UTF-8


_WIDTHS = {"id": 24, "when": 30, "inject": 26, "title": 40, "body": 70, "notes": 50, "expected_actions": 40,
           "questions": 40, "response_options": 40, "quote": 30, "effects": 24, "proposal_terms": 40,
           "proposal_effects": 24, "channel": 18, "from": 22}


def _put(ws, row: int, column: int, value: Any, wrap: bool = False):
    from openpyxl.styles import Alignment

    cell = ws.cell(row=row, column=column)
    cell.value = value if value != "" else None
    if isinstance(value, str):
        cell.data_type = "s"  # text that starts with "=" stays text, not a formula
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")
    return cell


def _xlsx(rows: list[dict[str, Any]], scenario, raw, library) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from .msel import COLUMNS, clock_text, start_minutes, turn_minutes

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for j, column in enumerate(COLUMNS, 1):
        _put(ws, 1, j, column.header).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(column.key, 14)
    for i, row in enumerate(rows, 2):
        for j, column in enumerate(COLUMNS, 1):
            _put(ws, i, j, row.get(column.key, ""), wrap=column.key in _WIDTHS)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows) + 1, 2)}"

    ref = wb.create_sheet("Reference")
    lines: list[tuple[Any, ...]] = [
        (f"The MSEL of {scenario.info.id}: {scenario.info.title}",),
        ("Edit the MSEL sheet, then: exercise msel import FILE --scenario SCENARIO -o NEW.toml. "
         "This sheet is not read back.",),
        ("A row is an event; give it a turn, a clock time, a condition (when) or a move kind (after move). "
         "A blank cell from 'to' on sends what the entry sent before (the inject's own text, or the entry's "
         "change to it); a cell of just - sends nothing there.",),
        (),
        ("Column", "What it holds"),
        *[(c.header, c.help) for c in COLUMNS],
        (),
        ("Game time", f"turn_duration {scenario.info.turn_duration!r}, {scenario.info.turns} turns, setting date "
                      f"{scenario.info.setting_date.isoformat()} (D+0)"
                      + (f", turn 1 begins at {scenario.info.start_time}" if scenario.info.start_time else "")),
    ]
    per_turn = turn_minutes(scenario.info.turn_duration)
    if per_turn:
        for t in range(1, scenario.info.turns + 1):
            day = scenario.info.game_date(t)
            lines.append((f"turn {t}", clock_text(t, per_turn, start_minutes(scenario.info))
                          + (f" ({day.isoformat()})" if day else "")))
    else:
        lines += [("", "the turn duration is not a length of time: give turns, not clock times")]
    lines += [(), ("Team", "Name")] + [(t.id, t.name) for t in scenario.teams.values()] + [("all", "every team")]
    lines += [(), ("Move kind (after move)", "Label")] + [(k.id, k.label) for k in scenario.move_kinds.values()]
    lines += [(), ("Track (tracks.NAME)", "Label, range, start")]
    lines += [(t.id, f"{t.label}, {t.min} to {t.max}, starts at {t.start}") for t in scenario.tracks.values()]
    lines += [(), ("Flag (flags.NAME)", "Label, start")]
    lines += [(f.id, f"{f.label}, starts {'true' if f.start else 'false'}") for f in scenario.flags.values()]
    lines += [(), ("Inject", "Title", "Kind", "From")]
    local = raw.get("injects", {})
    for inject_id in [*local, *library.injects]:
        inject = scenario.injects.get(inject_id) if inject_id in local else library.injects[inject_id]
        if inject is not None:
            where = "this scenario's [injects]" if inject_id in local else f"library: {library.origins[inject_id].name}"
            lines.append((inject_id, inject.title, inject.kind.value, where))
    for i, line in enumerate(lines, 1):
        for j, value in enumerate(line, 1):
            cell = _put(ws=ref, row=i, column=j, value=value)
            if line and (i == 1 or line[0] in ("Column", "Game time", "Team", "Inject") or str(line[0]).endswith(")")):
                cell.font = Font(bold=True)
    ref.column_dimensions["A"].width = 30
    ref.column_dimensions["B"].width = 90
    ref.column_dimensions["C"].width = 14
    ref.column_dimensions["D"].width = 36
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- import ---------------------------------------------------------------------------------


class _Sheet:
    """The cells of an edited sheet, and how to name a place in it."""

    def __init__(self, path: Path, header: list[Any], rows: list[tuple[int, list[Any]]], sheet: str | None):
        self.path, self.header, self.rows, self.sheet = path, header, rows, sheet

    def place(self, row: int, column: int | None) -> str:
        if self.sheet is not None:
            from openpyxl.utils import get_column_letter

            return f"{self.sheet}!{get_column_letter(column + 1)}{row}" if column is not None else f"{self.sheet} row {row}"
        return f"row {row}"

    def say(self, row: int, column: int | None, header: str, message: str) -> str:
        follows = message[:1] in ("'", "(") or message[:1].isdigit() or message.startswith(("is ", "holds "))
        if self.sheet is not None:  # msel.xlsx: MSEL!C7: turn 'abc' is not a whole number (1 to 6)
            what = f"{header} {message}" if header and follows else f"{header}: {message}" if header else message
            return f"{self.path}: {self.place(row, column)}: {what}"
        if column is not None:  # msel.csv: row 7, column turn: 'abc' is not a whole number (1 to 6)
            name = header or str(column + 1)
            return f"{self.path}: row {row}, column {name}: {message}"
        return f"{self.path}: row {row}: {header + ': ' if header else ''}{message}"


def _trim(cells: list[Any]) -> list[Any]:
    cells = list(cells)
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    return cells


def _read_xlsx(path: Path) -> _Sheet:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise _Failed(f"{path}: no such file (check the path)") from None
    except OSError as exc:
        raise _Failed(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError):
        raise _Failed(f"{path}: is not an Excel workbook (save it as .xlsx, 'Excel 2007-365')") from None
    try:
        name = SHEET if SHEET in wb.sheetnames else wb.sheetnames[0]
        ws = wb[name]
        if not hasattr(ws, "iter_rows"):
            raise _Failed(f"{path}: sheet {name} is a chart, not a table (keep the MSEL sheet as exported)")
        rows = [_trim(r) for r in ws.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError):
        raise _Failed(f"{path}: the workbook is damaged (save it again as .xlsx)") from None
    finally:
        wb.close()
    if not rows or not rows[0]:
        raise _Failed(f"{path}: {name}!A1: the first row is empty (it names the columns: export a sheet to start from)")
    return _Sheet(path, rows[0], [(i, r) for i, r in enumerate(rows[1:], 2)], name)


def _read_csv(path: Path) -> _Sheet:
    import csv
    import io

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _Failed(f"{path}: no such file (check the path)") from None
    except OSError as exc:
        raise _Failed(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Failed(f"{path}: is UTF-16 text (save it as 'CSV UTF-8')")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _Failed(f"{path}: line {line}: byte 0x{data[exc.start]:02x} is not UTF-8 (save the file as "
                      "'CSV UTF-8')") from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        records = [_trim(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise _Failed(f"{path}: not readable as CSV ({exc}; save it again as CSV)") from None
    if not records or not records[0]:
        raise _Failed(f"{path}: row 1: is empty (the first row names the columns: export a sheet to start from)")
    return _Sheet(path, records[0], [(i, r) for i, r in enumerate(records[1:], 2)], None)


_HEADER = re.compile(r"^[ \t]*\[(\[?)[ \t]*([^\[\]\n]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$")
_SCENARIO_ID = re.compile(r'^([ \t]*id[ \t]*=[ \t]*)"[^"\n]*"', re.MULTILINE)


def _keep_layout(path: Path, new: dict[str, Any], injects: dict[str, dict[str, Any]]) -> str | None:
    """The scenario's own text with only its MSEL (and the injects rows changed) written anew.

    The author's comments and layout stay: the [[msel]] tables (and each changed [injects.ID])
    are cut out and the new ones put where the first of them stood. None when the file is not
    laid out so (an inline MSEL, a header inside a string...): the result must read back as
    exactly ``new``, else the caller writes the data plainly.
    """
    import tomllib

    import tomli_w

    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError):
        return None
    heads = [(i, m.group(2).replace(" ", "").replace('"', "")) for i, line in enumerate(lines)
             if (m := _HEADER.match(line.rstrip("\r\n")))]
    replaced = {"msel": tomli_w.dumps({"msel": new["msel"]}, multiline_strings=True)}
    for inject_id in injects:
        replaced[f"injects.{inject_id}"] = tomli_w.dumps({"injects": {inject_id: new["injects"][inject_id]}},
                                                         multiline_strings=True)
    out: list[str] = lines[:heads[0][0]] if heads else list(lines)
    placed: set[str] = set()
    for n, (start, key) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        owner = next((k for k in replaced if key == k or key.startswith(k + ".")), None)
        if owner is None:
            out += lines[start:end]
            continue
        body = lines[start:end]
        tail = len(body)  # the comments and blank lines after a cut table belong to what follows
        while tail > 1 and (not body[tail - 1].strip() or body[tail - 1].lstrip().startswith("#")):
            tail -= 1
        if owner not in placed:
            placed.add(owner)
            out.append(replaced[owner] + ("\n" if body[tail:] and body[tail].strip() else ""))
        following = heads[n + 1][1] if n + 1 < len(heads) else ""
        if not (following == owner or following.startswith(owner + ".")):
            out += body[tail:]  # comments between two of the cut tables went with them
    text = "".join(out)
    if "msel" not in placed and new["msel"]:
        text = text.rstrip("\n") + "\n\n" + replaced["msel"]
    try:
        if new["scenario"]["id"] != tomllib.loads(text)["scenario"]["id"]:  # named after the new file
            text = _SCENARIO_ID.sub(lambda m: m.group(1) + tomli_w.dumps({"id": new["scenario"]["id"]})[5:].strip(),
                                    text, count=1)
        return text if tomllib.loads(text) == new else None
    except (tomllib.TOMLDecodeError, KeyError, TypeError):
        return None


def _cmd_import(args: argparse.Namespace) -> int:
    try:
        fmt = _format(args.sheet, "FILE")
        if args.output.suffix.lower() != ".toml":
            raise _Failed(f"-o {args.output}: name a .toml file (the new scenario)")
    except _Failed as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        return _import(args, fmt)
    except _Failed as exc:
        return _fail(str(exc))


def _import(args: argparse.Namespace, fmt: str) -> int:
    import tomli_w

    from . import loading
    from .msel import column_of_field, import_rows, where_in_sheet

    sheet = _read_xlsx(args.sheet) if fmt == "xlsx" else _read_csv(args.sheet)
    path, raw, scenario, library = _scenario(args.scenario, args.library)
    imported, problems = import_rows(sheet.header, sheet.rows, scenario, raw, library.injects)
    if imported is None:
        for p in problems:
            print(sheet.say(p.row, p.column, p.header, p.message), file=sys.stderr)
        raise _Failed(f"{len(problems)} problem(s) in {args.sheet}; nothing was written")
    # (row, column, line): the cells' problems, then the scenario's with the rows that had none,
    # printed together in the sheet's order so that one import names everything to fix
    lines: list[tuple[int, int, str]] = [(p.row, -1 if p.column is None else p.column,
                                          sheet.say(p.row, p.column, p.header, p.message)) for p in problems]

    out = args.output
    new = copy.deepcopy(raw)
    new["msel"] = imported.entries
    for inject_id, table in imported.injects.items():  # the scenario's own injects that rows changed
        new["injects"][inject_id] = table
    renamed = ""
    if out.stem != scenario.info.id:
        if not loading.ID.match(out.stem):
            raise _Failed(f"-o {out}: the file's name is the new scenario's id, and '{out.stem}' is not one "
                          "(use lower-case letters, digits, - and _)")
        new["scenario"]["id"] = out.stem
        renamed = f"; its id is '{out.stem}', after the file's name"
    _, found = loading._scenario_from(copy.deepcopy(new), out, library)
    if found or lines:
        owners = {e["inject"]: i for i, e in enumerate(imported.entries) if e["inject"] in imported.injects}
        said: set[tuple] = set()
        for problem in found:
            path = problem.path
            for inject_id, index in owners.items():  # a changed inject of the scenario: the row that changed it
                if path == f"$.injects.{inject_id}" or path.startswith((f"$.injects.{inject_id}.", f"$.injects.{inject_id}[")):
                    path = f"$.msel[{index}].override{path[len(f'$.injects.{inject_id}'):]}"
            place = where_in_sheet(path)
            if place is None:
                lines.append((0, -1, str(problem)))
                continue
            index, key, field = place
            row = imported.rows[index]
            column = imported.columns.get(key) if key else None
            header = imported.headers[column] if column is not None else field or (key or "")
            message = f"{field}: {problem.message}" if column is not None and field else problem.message
            if key == "inject" and field and (other := column_of_field(field)) in imported.columns:
                # the inject as it is does not fit; the row may send it with that field its own
                name = imported.headers[imported.columns[other]]
                where = (f"column {name}" if sheet.sheet is None else
                         sheet.place(row, imported.columns[other]).rsplit("!", 1)[-1])
                message += f"; or send it with this row's own {name} in {where} (- for none)"
            if column is not None and (row, column) in said:
                continue  # one line per cell: the loader may say the same thing twice (a source both cited and unknown)
            said.add((row, column))
            lines.append((row, -1 if column is None else column, sheet.say(row, column, header, message)))
        for *_, line in sorted(lines, key=lambda item: item[:2]):
            print(line, file=sys.stderr)
        raise _Failed(f"{len(lines)} problem(s) in {args.sheet}; nothing was written")
    try:
        text = _keep_layout(path, new, imported.injects) or tomli_w.dumps(new, multiline_strings=True)
    except (TypeError, ValueError) as exc:  # pragma: no cover - the data came from TOML and the sheet's text
        raise _Failed(f"{out}: cannot be written as TOML ({exc})") from None
    _write(out, text.encode("utf-8"), args.force)
    made_up = f"; ids made up for new rows: {', '.join(imported.made_up)}" if imported.made_up else ""
    print(f"wrote {out}: {scenario.info.id} with the {len(imported.entries)} MSEL entries of {args.sheet}"
          f"{renamed}{made_up}")
    for note in imported.notes:
        print("note: " + sheet.say(note.row, note.column, note.header, note.message))
    try:
        loading.load_scenario(out)
    except loading.LoadError:
        dirs = " ".join(f"--library {d}" for d in (args.library or loading.default_library_dirs(path)))
        print(f"note: {out} uses injects from the library of {path}: check it with 'exercise validate {out} {dirs}'")
    return EXIT_OK
