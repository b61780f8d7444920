"""``exercise msel export|import``: the MSEL as a spreadsheet and back, with errors that name the cell."""

import csv
import datetime
import io
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import attrs
import openpyxl
import pytest
import tomli_w

from exercise import bundled, msel
from exercise.cli import main
from exercise.loading import load_scenario

SCENARIOS = ["security-talks-2021", "ukraine-ceasefire-2025"]


def export(tmp_path: Path, scenario: str, name: str) -> Path:
    out = tmp_path / name
    assert main(["msel", "export", scenario, "-o", str(out)]) == 0
    return out


def import_(sheet: Path, scenario: str, out: Path, *extra: str) -> int:
    return main(["msel", "import", str(sheet), "--scenario", scenario, "-o", str(out), *extra])


def column(ws, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def row_of(ws, entry_id: str) -> int:
    """The sheet row of an MSEL entry (the scenarios change; their entries' ids stay)."""
    return next(i for i, r in enumerate(ws.iter_rows(values_only=True), 1) if r[0] == entry_id)


def edit(path: Path, changes: dict[tuple[int | str, str], object]) -> Path:
    """Open a workbook, set cells (row or entry id, header) -> value, save it as Excel would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["MSEL"]
    for (row, header), value in changes.items():
        row = row_of(ws, row) if isinstance(row, str) else row
        ws.cell(row=row, column=column(ws, header)).value = value
    wb.save(path)
    return path


def csv_index(rows: list[list[str]], entry_id: str) -> int:
    return next(i for i, r in enumerate(rows) if r[0] == entry_id)


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_round_trip_without_edits_gives_the_same_scenario(tmp_path, scenario, suffix, capsys):
    sheet = export(tmp_path, scenario, f"msel.{suffix}")
    out = tmp_path / "new" / f"{scenario}.toml"
    out.parent.mkdir()
    assert import_(sheet, scenario, out) == 0, capsys.readouterr().err
    original = load_scenario(bundled.find_scenario(scenario))
    assert load_scenario(out) == original
    # the very same TOML data, only the comments and the layout differ
    assert tomllib.loads(out.read_text()) == tomllib.loads(bundled.find_scenario(scenario).read_text())
    assert f"wrote {out}: {scenario} with the {len(original.msel)} MSEL entries" in capsys.readouterr().out


def test_the_sheet_shows_one_row_per_event_with_its_inject(tmp_path):
    sheet = export(tmp_path, "ukraine-ceasefire-2025", "msel.xlsx")
    wb = openpyxl.load_workbook(sheet)
    assert wb.sheetnames == ["MSEL", "Reference"]
    ws = wb["MSEL"]
    headers = [c.value for c in ws[1]]
    assert headers[:8] == ["id", "turn", "clock", "when", "after move", "earliest turn", "inject", "to"]
    assert {"title", "from", "channel", "kind", "body", "controller notes", "expected actions"} <= set(headers)
    rows = {r[0]: dict(zip(headers, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    scenario = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025"))
    assert len(rows) == len(scenario.msel)
    first = rows["t1-energy-moratorium"]
    assert (first["turn"], first["clock"], first["inject"]) == (1, "D+0", "energy-moratorium")
    assert first["proposal parties"] == "russia, ukraine, us"
    assert "escalation=-1" in first["proposal effects"] and "energy_moratorium=true" in first["proposal effects"]
    assert rows["t2-ceasefire-30-day"]["clock"] == "D+14"  # turns of two weeks
    overridden = rows["t1-walkback-read-in"]
    assert overridden["inject"] == "crimea-nato-walkback"
    assert overridden["title"] == "Read-in: the Pentagon's February walkback on Crimea and NATO"
    assert rows["stalled-troops-threat"]["when"] == "tracks.talks_momentum <= 2"
    assert rows["stalled-troops-threat"]["earliest turn"] == 2
    reference = [r[0] for r in wb["Reference"].iter_rows(values_only=True)]
    assert "us" in reference and "escalation" in reference and "energy-moratorium" in reference


def test_an_edited_title_becomes_an_override_and_the_rest_is_kept(tmp_path):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    edit(sheet, {("t2-demands", "title"): "Moscow publishes its draft treaties",
                 ("t2-demands", "controller notes"): "Read it aloud."})
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    new, old = load_scenario(out), load_scenario(bundled.find_scenario("security-talks-2021"))
    entry = new.msel[3]
    assert entry.id == "t2-demands" and entry.notes == "Read it aloud."
    assert new.injects[entry.inject].title == "Moscow publishes its draft treaties"
    assert new.injects[entry.inject].body == old.injects["moscow-demands"].body
    assert new.msel[:3] == old.msel[:3] and new.msel[4:] == old.msel[4:]
    assert (new.teams, new.tracks, new.end_states, new.info) == (old.teams, old.tracks, old.end_states, old.info)


def test_a_changed_turn_wins_over_the_exported_clock_and_a_changed_clock_over_the_turn(tmp_path):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    # t2-demands is turn 2 (D+14), t3-trip-wire turn 3 (D+28): turns of two weeks
    edit(sheet, {("t2-demands", "turn"): 4, ("t3-trip-wire", "clock"): "D+60"})
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    turns = {e.id: e.turn for e in load_scenario(out).msel}
    assert turns["t2-demands"] == 4 and turns["t3-trip-wire"] == 5


def test_clock_times_as_a_spreadsheet_types_them(tmp_path):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    start = load_scenario(bundled.find_scenario("security-talks-2021")).info.setting_date
    day_30 = datetime.datetime.combine(start + datetime.timedelta(days=30), datetime.time(9, 0))
    edit(sheet, {("t2-demands", "turn"): None, ("t2-demands", "clock"): day_30,
                 ("t3-trip-wire", "turn"): None, ("t3-trip-wire", "clock"): "d+1 09:00"})
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    turns = {e.id: e.turn for e in load_scenario(out).msel}
    assert turns["t2-demands"] == 3 and turns["t3-trip-wire"] == 1


def test_a_new_row_gets_an_id_and_a_deleted_row_is_gone(tmp_path, capsys):
    sheet = export(tmp_path, "security-talks-2021", "msel.csv")
    rows = read_csv(sheet)
    headers = rows[0]
    new = dict.fromkeys(headers, "")
    new |= {"inject": "financial-sanctions-package", "clock": "D+42", "to": "us, russia",
            "controller notes": "A new event."}
    del rows[csv_index(rows, "t1-buildup")]
    rows.append([new[h] for h in headers])
    write_csv(sheet, rows)
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    assert "ids made up for new rows: t4-financial-sanctions-package" in capsys.readouterr().out
    scenario = load_scenario(out)
    assert "t1-buildup" not in [e.id for e in scenario.msel]
    last = scenario.msel[-1]
    assert (last.id, last.inject, last.turn, last.recipients, last.notes) == (
        "t4-financial-sanctions-package", "financial-sanctions-package", 4, ["us", "russia"], "A new event.")


def test_an_inject_that_does_not_fit_the_scenario_is_named(tmp_path, capsys):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    edit(sheet, {("t1-buildup", "inject"): "energy-moratorium"})
    lines = failing(capsys, sheet, "security-talks-2021", tmp_path / "security-talks-2021.toml")
    assert f"{sheet}: MSEL!G{row_of(openpyxl.load_workbook(sheet)['MSEL'], 't1-buildup')}: inject: proposal.effects.flags.energy_moratorium: unknown flag 'energy_moratorium'" \
        in "\n".join(lines)


def test_a_minimal_sheet_of_a_few_columns_keeps_the_rest(tmp_path):
    sheet = write_csv(tmp_path / "msel.csv", [
        ["Inject", "Turn", "ID"],
        ["border-buildup", "2", "t1-buildup"],
        ["moscow-demands", "3", "t2-demands"],
    ])
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    old = {e.id: e for e in load_scenario(bundled.find_scenario("security-talks-2021")).msel}
    new = load_scenario(out).msel
    assert [(e.id, e.turn) for e in new] == [("t1-buildup", 2), ("t2-demands", 3)]
    assert new[0].notes == old["t1-buildup"].notes  # the notes column is left out: kept


def test_another_file_name_is_another_scenario_id(tmp_path, capsys):
    sheet = export(tmp_path, "ukraine-ceasefire-2025", "msel.xlsx")
    out = tmp_path / "ceasefire-variant.toml"
    assert import_(sheet, "ukraine-ceasefire-2025", out) == 0
    assert "its id is 'ceasefire-variant', after the file's name" in capsys.readouterr().out
    assert load_scenario(out).info.id == "ceasefire-variant"


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    edit(sheet, {("t1-buildup", "controller notes"): "=1+2 is not a sum here"})
    wb = openpyxl.load_workbook(sheet)
    assert wb["MSEL"].cell(2, column(wb["MSEL"], "controller notes")).data_type == "f"  # as Excel would read it
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    assert load_scenario(out).msel[0].notes == "=1+2 is not a sum here"
    # and an exported text starting with "=" is written as text, not as a formula
    sheet2 = tmp_path / "again.xlsx"
    assert main(["msel", "export", str(out), "-o", str(sheet2)]) == 0
    ws = openpyxl.load_workbook(sheet2)["MSEL"]
    assert ws.cell(2, column(ws, "controller notes")).data_type == "s"


# --- errors ----------------------------------------------------------------------------------


def failing(capsys, sheet: Path, scenario: str, out: Path) -> list[str]:
    assert import_(sheet, scenario, out) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-1].endswith("nothing was written")
    return lines[:-1]


def test_xlsx_errors_name_the_sheet_and_cell(tmp_path, capsys):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    edit(sheet, {(7, "turn"): "abc"})
    out = tmp_path / "security-talks-2021.toml"
    assert failing(capsys, sheet, "security-talks-2021", out) == [
        f"{sheet}: MSEL!B7: turn 'abc' is not a whole number (1 to 6)"]


def test_csv_errors_name_the_row_and_column(tmp_path, capsys):
    sheet = export(tmp_path, "security-talks-2021", "msel.csv")
    rows = read_csv(sheet)
    rows[6][rows[0].index("turn")] = "abc"  # the 7th row: the header is row 1
    rows[7][rows[0].index("turn")] = "9"
    write_csv(sheet, rows)
    out = tmp_path / "security-talks-2021.toml"
    assert failing(capsys, sheet, "security-talks-2021", out) == [
        f"{sheet}: row 7, column turn: 'abc' is not a whole number (1 to 6)",
        f"{sheet}: row 8, column turn: 9 is outside the game's turns (1 to 6)",
    ]


@pytest.mark.parametrize("entry, cells, expected", [
    ("t2-demands", {"inject": "moscow-demand"},
     "G{row}: inject: no inject 'moscow-demand' in [injects] or the library (did you mean 'moscow-demands'?)"),
    ("t2-demands", {"to": "us, rusia"}, "H{row}: to: unknown team 'rusia' (did you mean 'russia'?)"),
    ("nordic-invitation", {"when": "tracks.escalaton >= 7"}, "D{row}: when: unknown track 'escalaton'"),
    ("nordic-invitation", {"when": "tracks.escalation >>"},
     "D{row}: when: condition does not parse: unexpected '>' (write for example tracks.escalation >= 5 and not "
     "flags.talks_open)"),
    ("talks-offer", {"after move": "strike-first"}, "E{row}: after move: unknown move kind 'strike-first'"),
    ("t2-demands", {"kind": "spooky"}, "L{row}: kind 'spooky' is not a kind of inject (one of diplomatic, military"),
    ("t2-demands", {"effects": "escalation plus one"}, "T{row}: effects 'escalation plus one' is not an effect"),
    ("t2-demands", {"effects": "escalaton=+1"},
     "T{row}: effects: unknown track 'escalaton' (did you mean 'escalation'?)"),
    ("t2-demands", {"title": "-"}, "I{row}: title is empty (write the text)"),
    ("t2-demands", {"clock": "D+99"},
     "C{row}: clock 'D+99' is outside the game's time (turn 1 begins at D+0, turn 6 ends at D+84; a turn is two weeks)"),
    ("t2-demands", {"clock": "tomorrow"}, "C{row}: clock 'tomorrow' is not a game time (write D+14"),
    ("t2-demands", {"when": "flags.invasion"}, "D{row}: when is given as well as the turn (give exactly one of"),
    ("t2-demands", {"turn": None, "clock": None}, "B{row}: turn is empty, and so is every other trigger"),
    ("t3-trip-wire", {"id": "t2-demands"}, "A{row}: id: duplicate id 't2-demands' (each id once)"),
    ("t2-demands", {"earliest turn": 0}, "F{row}: earliest turn 0 is outside the game's turns (1 to 6)"),
])
def test_bad_cells_are_named(tmp_path, capsys, entry, cells, expected):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    row = row_of(openpyxl.load_workbook(sheet)["MSEL"], entry)
    edit(sheet, {(entry, header): value for header, value in cells.items()})
    lines = failing(capsys, sheet, "security-talks-2021", tmp_path / "security-talks-2021.toml")
    assert len(lines) == 1 and lines[0].startswith(f"{sheet}: MSEL!{expected.format(row=row)}"), lines


def test_a_control_character_is_named(tmp_path, capsys):
    sheet = export(tmp_path, "security-talks-2021", "msel.csv")
    rows = read_csv(sheet)
    rows[4][rows[0].index("controller notes")] = "ring the bell\x07"
    write_csv(sheet, rows)
    assert failing(capsys, sheet, "security-talks-2021", tmp_path / "security-talks-2021.toml") == [
        f"{sheet}: row 5, column controller notes: holds the control character \\x07 (remove it: it would drive "
        "the players' terminals)"]


def test_blank_cells_keep_what_the_entry_sent_and_a_dash_sends_nothing(tmp_path):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    # call-readout's entry overrides the library inject's title, quote, questions, recipients, body
    edit(sheet, {("call-readout", "title"): None, ("call-readout", "quote"): "-", ("call-readout", "questions"): "-", ("call-readout", "to"): None, ("call-readout", "body"): None})
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    old = load_scenario(bundled.find_scenario("security-talks-2021")).injects["call-readout"]
    new = load_scenario(out).injects["call-readout"]
    assert (new.title, new.body, new.recipients) == (old.title, old.body, old.recipients)
    assert (new.quote, new.questions) == ("", [])
    assert old.quote and old.questions


def test_header_problems(tmp_path, capsys):
    sheet = export(tmp_path, "security-talks-2021", "msel.csv")
    rows = read_csv(sheet)
    rows[0][rows[0].index("title")] = "titel"
    write_csv(sheet, rows)
    out = tmp_path / "security-talks-2021.toml"
    assert failing(capsys, sheet, "security-talks-2021", out) == [
        f"{sheet}: row 1, column 9: 'titel' is not a column of the MSEL (did you mean 'title'?)"]
    rows[0][rows[0].index("titel")] = "title"
    write_csv(sheet, [[c for i, c in enumerate(r) if i != rows[0].index("inject")] for r in rows])
    assert failing(capsys, sheet, "security-talks-2021", out) == [
        f"{sheet}: row 1: has no 'inject' column (the header row needs inject, and one or more of turn, clock, "
        "when, after move)"]


def test_files_that_are_not_sheets_and_outputs_that_exist(tmp_path, capsys):
    fake = tmp_path / "msel.xlsx"
    fake.write_text("not a workbook")
    out = tmp_path / "security-talks-2021.toml"
    assert import_(fake, "security-talks-2021", out) == 1
    assert capsys.readouterr().err.strip() == (f"exercise msel: {fake}: is not an Excel workbook (save it as .xlsx, "
                                               "'Excel 2007-365')")
    latin = tmp_path / "msel.csv"
    latin.write_bytes("inject,turn\nd\xe9j\xe0,1\n".encode("latin-1"))
    assert import_(latin, "security-talks-2021", out) == 1
    assert "msel.csv: line 2: byte 0xe9 is not UTF-8 (save the file as 'CSV UTF-8')" in capsys.readouterr().err
    assert main(["msel", "export", "security-talks-2021", "-o", str(tmp_path / "msel.txt")]) == 2
    assert "name a .xlsx or a .csv file" in capsys.readouterr().err
    sheet = export(tmp_path, "security-talks-2021", "good.xlsx")
    out.write_text("# mine\n")
    assert import_(sheet, "security-talks-2021", out) == 1
    assert "exists already (it is left as it is; add --force" in capsys.readouterr().err
    assert out.read_text() == "# mine\n"
    assert import_(sheet, "security-talks-2021", out, "--force") == 0
    assert main(["msel", "export", "security-talks-2021", "-o", str(sheet)]) == 1  # not over an edited sheet
    assert main(["msel", "export", "no-such-scenario", "-o", str(tmp_path / "x.csv")]) == 1
    assert "no scenario 'no-such-scenario'" in capsys.readouterr().err


def test_semicolon_csv_as_some_spreadsheets_save_it(tmp_path):
    sheet = tmp_path / "msel.csv"
    sheet.write_text("id;inject;turn;to\r\nopen;border-buildup;1;all\r\n", encoding="utf-8-sig")
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    assert [(e.id, e.turn) for e in load_scenario(out).msel] == [("open", 1)]


# --- the pure conversions --------------------------------------------------------------------


def test_game_time_per_turn():
    assert msel.turn_minutes("two weeks") == 14 * 24 * 60
    assert msel.turn_minutes("30 minutes") == 30
    assert msel.turn_minutes("2 hours") == 120
    assert msel.turn_minutes("one round") is None
    assert [msel.clock_text(t, 14 * 24 * 60) for t in (1, 2, 3)] == ["D+0", "D+14", "D+28"]
    assert [msel.clock_text(t, 30) for t in (1, 3, 50)] == ["D+0 00:00", "D+0 01:00", "D+1 00:30"]
    start = datetime.date(2025, 3, 19)
    assert msel.clock_minutes("D+1 09:00", start) == 24 * 60 + 9 * 60
    assert msel.clock_minutes("09:30", start) == 9 * 60 + 30
    assert msel.clock_minutes("2025-03-21", start) == 2 * 24 * 60
    assert msel.clock_minutes(datetime.time(1, 15), start) == 75
    with pytest.raises(msel.CellError, match="not a time of day"):
        msel.clock_minutes("D+1 25:00", start)


def test_effects_and_lists_in_cells():
    assert msel.parse_effects("escalation=+1, ceasefire=true; tracks.cohesion = -2") == {
        "tracks": {"escalation": 1, "cohesion": -2}, "flags": {"ceasefire": True}}
    effects = {"tracks": {"escalation": -1}, "flags": {"ceasefire": False}}
    assert msel.parse_effects(msel.effects_text(effects)) == effects
    with pytest.raises(msel.CellError, match="a flag is set true or false"):
        msel.parse_effects("flags.ceasefire=+1")
    items = ["one", "two\nlines"]
    assert msel.parse_list(msel.list_text(items)) == items
    assert msel.column_key("After Move") == "after_move" and msel.column_key("Controller notes") == "notes"


def test_a_row_that_alone_sends_the_scenarios_own_inject_edits_that_inject(tmp_path):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    edit(sheet, {("talks-convene", "title"): "Talks open in Geneva"})
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    text = out.read_text()
    scenario = load_scenario(out)
    entry = next(e for e in scenario.msel if e.id == "talks-convene")
    assert entry.inject == "talks-convene"
    assert scenario.injects["talks-convene"].title == "Talks open in Geneva"
    assert 'title = "Talks open in Geneva"' in text.split("[injects.talks-convene]")[1].split("\n[")[0]


def test_a_row_that_now_sends_another_inject_sends_that_inject_as_it_is(tmp_path):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    edit(sheet, {("t1-buildup", "inject"): "financial-sanctions-package"})
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    scenario = load_scenario(out)
    entry = next(e for e in scenario.msel if e.id == "t1-buildup")
    assert entry.inject == "financial-sanctions-package"  # no override: the old inject's cells were left as they were
    assert scenario.injects[entry.inject] == load_scenario(bundled.find_scenario("security-talks-2021")).injects[
        "financial-sanctions-package"]


def test_an_entry_named_like_a_library_inject_cannot_change_it(tmp_path, capsys):
    sheet = write_csv(tmp_path / "msel.csv", [["id", "inject", "turn", "title"],
                                             ["border-buildup", "border-buildup", "1", "Another headline"]])
    assert failing(capsys, sheet, "security-talks-2021", tmp_path / "security-talks-2021.toml") == [
        f"{sheet}: row 2, column id: 'border-buildup' is also the id of an inject, and this row changes what its "
        "inject says (title): give the row an id of its own, such as 'border-buildup-1'"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_sheet_saved_again_by_libreoffice_comes_back_the_same(tmp_path):
    sheet = export(tmp_path, "ukraine-ceasefire-2025", "msel.xlsx")
    edit(sheet, {("t2-ceasefire-30-day", "controller notes"): "Edited, then saved by LibreOffice."})
    saved = tmp_path / "saved"
    for target in ('xlsx:Calc MS Excel 2007 XML', 'csv:Text - txt - csv (StarCalc):44,34,76,1'):
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                        target, "--outdir", str(saved), str(sheet)], capture_output=True, timeout=300, check=True)
    original = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025"))
    for suffix in ("xlsx", "csv"):
        out = tmp_path / suffix / "ukraine-ceasefire-2025.toml"
        out.parent.mkdir()
        assert import_(saved / f"msel.{suffix}", "ukraine-ceasefire-2025", out) == 0
        new = load_scenario(out)
        changed = [e for e in new.msel if e.id == "t2-ceasefire-30-day"]
        assert changed[0].notes == "Edited, then saved by LibreOffice."
        assert [e for e in new.msel if e.id != "t2-ceasefire-30-day"] == [
            e for e in original.msel if e.id != "t2-ceasefire-30-day"]
        assert new.injects == original.injects


@pytest.mark.parametrize("duration, clocks", [("one week", ["D+0", ""]), ("30 minutes", ["D+0 00:00", ""]),
                                              ("one round", ["", ""])])
def test_a_new_scenario_round_trips_whatever_its_turns_last(tmp_path, duration, clocks):
    assert main(["new", "fresh", "-o", str(tmp_path)]) == 0
    path = tmp_path / "fresh.toml"
    path.write_text(path.read_text().replace('turn_duration = "one week"', f'turn_duration = "{duration}"'))
    sheet = export(tmp_path, str(path), "msel.csv")
    rows = read_csv(sheet)
    assert [r[rows[0].index("clock")] for r in rows[1:]] == clocks
    out = tmp_path / "out" / "fresh.toml"
    out.parent.mkdir()
    assert import_(sheet, str(path), out) == 0
    assert load_scenario(out) == load_scenario(path)


def test_a_clock_in_a_game_of_rounds_is_refused(tmp_path, capsys):
    assert main(["new", "rounds", "-o", str(tmp_path)]) == 0
    path = tmp_path / "rounds.toml"
    path.write_text(path.read_text().replace('turn_duration = "one week"', 'turn_duration = "one round"'))
    sheet = write_csv(tmp_path / "msel.csv", [["inject", "clock"], ["opening-news", "D+3"]])
    assert failing(capsys, sheet, str(path), tmp_path / "out.toml") == [
        f"{sheet}: row 2, column clock: 'D+3': the scenario's turn_duration 'one round' gives no game time per "
        "turn (give the turn instead, or a turn_duration like 'two weeks' or '30 minutes')"]


def test_ids_typed_in_capitals_are_the_lower_case_ids(tmp_path):
    sheet = write_csv(tmp_path / "msel.csv", [["ID", "Inject", "Turn", "To"],
                                             ["T1-Buildup", "Border-Buildup", "1", "US, Russia"]])
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    entry = load_scenario(out).msel[0]
    assert (entry.id, entry.inject, entry.recipients) == ("t1-buildup", "border-buildup", ["us", "russia"])


def test_a_bad_field_of_the_scenarios_own_inject_is_named_at_its_cell(tmp_path, capsys):
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    edit(sheet, {("talks-convene", "source"): "nope"})
    row = row_of(openpyxl.load_workbook(sheet)["MSEL"], "talks-convene")
    lines = failing(capsys, sheet, "security-talks-2021", tmp_path / "security-talks-2021.toml")
    assert len(lines) == 1  # one line per cell, though the loader finds the source unknown twice over
    assert lines[0].startswith(f"{sheet}: MSEL!R{row}: source: unknown source 'nope' (known: evans-2021, ")


def test_the_commands_as_a_user_runs_them(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "exercise", *map(str, args)], capture_output=True, text=True,
                              cwd=tmp_path)

    assert "msel" in run("--help").stdout
    result = run("msel", "export", "ukraine-ceasefire-2025", "-o", "msel.xlsx")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "msel.xlsx").is_file()
    edit(tmp_path / "msel.xlsx", {(2, "turn"): "two"})
    result = run("msel", "import", "msel.xlsx", "--scenario", "ukraine-ceasefire-2025", "-o", "variant.toml")
    turns = load_scenario(bundled.find_scenario("ukraine-ceasefire-2025")).info.turns
    assert (result.returncode, result.stderr.splitlines()[0]) == (
        1, f"msel.xlsx: MSEL!B2: turn 'two' is not a whole number (1 to {turns})")
    assert "Traceback" not in result.stderr and not (tmp_path / "variant.toml").exists()
    edit(tmp_path / "msel.xlsx", {(2, "turn"): 2})
    result = run("msel", "import", "msel.xlsx", "--scenario", "ukraine-ceasefire-2025", "-o", "variant.toml")
    assert result.returncode == 0, result.stderr
    assert run("validate", "variant.toml").returncode == 0
    assert run("show", "variant.toml").returncode == 0


def test_an_entry_that_sends_no_effects_shows_a_dash_so_a_copied_row_sends_none_either(tmp_path):
    # call-readout overrides the library inject's effects (us_credibility -1, russia_pressure -1) with none;
    # a blank effects cell would mean "the inject's own effects" on a new row, so the sheet shows "-"
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    wb = openpyxl.load_workbook(sheet)
    ws = wb["MSEL"]
    src = row_of(ws, "call-readout")
    assert ws.cell(src, column(ws, "effects")).value == "-"
    new = ws.max_row + 1
    for c in range(1, ws.max_column + 1):
        ws.cell(new, c).value = ws.cell(src, c).value
    ws.cell(new, column(ws, "id")).value = None
    ws.cell(new, column(ws, "after move")).value = None
    ws.cell(new, column(ws, "turn")).value = 3
    wb.save(sheet)
    out = tmp_path / "security-talks-2021.toml"
    assert import_(sheet, "security-talks-2021", out) == 0
    scenario = load_scenario(out)
    copied = scenario.injects[scenario.msel[-1].inject]
    assert scenario.msel[-1].turn == 3
    assert copied.effects == scenario.injects["call-readout"].effects
    assert not copied.effects.tracks and not copied.effects.flags


def test_one_import_names_both_a_bad_cell_and_what_the_scenario_refuses_in_the_sheets_order(tmp_path, capsys):
    # a turn that is not a number (a cell's problem) and an unknown team (the scenario's) in later and
    # earlier rows: both are named at once, so the facilitator does not have to import twice
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    ws = openpyxl.load_workbook(sheet)["MSEL"]
    demands, trip_wire = row_of(ws, "t2-demands"), row_of(ws, "t3-trip-wire")
    edit(sheet, {("t3-trip-wire", "turn"): "three", ("t2-demands", "to"): "us, nato",
                 ("nordic-invitation", "when"): "tracks.nonexist >= 3"})
    out = tmp_path / "security-talks-2021.toml"
    lines = failing(capsys, sheet, "security-talks-2021", out)
    nordic = row_of(openpyxl.load_workbook(sheet)["MSEL"], "nordic-invitation")
    assert [line.split(": ", 2)[1] for line in lines] == sorted(
        [f"MSEL!H{demands}", f"MSEL!B{trip_wire}", f"MSEL!D{nordic}"], key=lambda cell: int(cell[6:]))
    assert f"{sheet}: MSEL!B{trip_wire}: turn 'three' is not a whole number (1 to 6)" in lines
    assert any(line.startswith(f"{sheet}: MSEL!H{demands}: to: unknown team 'nato'") for line in lines)
    assert any(line.startswith(f"{sheet}: MSEL!D{nordic}: when: unknown track 'nonexist'") for line in lines)
    assert not out.exists()


def test_a_utf8_csv_opened_as_western_text_is_named_not_imported_garbled(tmp_path, capsys):
    # LibreOffice opens a CSV file as Windows-1252 unless told: the byte order mark shows as 'ï»¿'
    # before 'id' and a dash as 'â€”'; importing that would put the garbled text in the scenario
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    wb = openpyxl.load_workbook(sheet)
    ws = wb["MSEL"]
    ws["A1"] = "\N{BYTE ORDER MARK}id".encode("utf-8").decode("cp1252")
    wb.save(sheet)
    out = tmp_path / "security-talks-2021.toml"
    [line] = failing(capsys, sheet, "security-talks-2021", out)
    assert line.startswith(f"{sheet}: MSEL!A1: 'ï»¿id': 'ï»¿' for the mark that begins a UTF-8 file: UTF-8 text read "
                           "as another character set (open the CSV file again with the character set Unicode (UTF-8)")
    ws["A1"] = "id"
    ws.cell(row_of(ws, "t2-demands"), column(ws, "title")).value = "Moscow — demands".encode().decode("cp1252")
    wb.save(sheet)
    [line] = failing(capsys, sheet, "security-talks-2021", out)
    assert line.startswith(f"{sheet}: MSEL!I{row_of(ws, 't2-demands')}: title holds 'â€”' for '—': UTF-8 text read")
    # text that is only accented, or typographic, is left alone
    for text in ("Café — Kyiv’s «terms»", "Zürich", "naïve"):
        assert msel.misread(text) is None
    ws.cell(row_of(ws, "t2-demands"), column(ws, "title")).value = "Café — Kyiv’s «terms»"
    wb.save(sheet)
    assert import_(sheet, "security-talks-2021", out) == 0
    assert load_scenario(out).injects["t2-demands"].title == "Café — Kyiv’s «terms»"


def test_a_clock_time_inside_a_turn_is_noted_as_the_turn_it_is_queued_in(tmp_path, capsys):
    # the scenario keeps turns: D+1 09:00 in a game of two-week turns goes out as turn 1 begins
    sheet = export(tmp_path, "security-talks-2021", "msel.xlsx")
    edit(sheet, {("t3-trip-wire", "clock"): "D+1 09:00", ("t2-demands", "clock"): "D+28"})
    out = tmp_path / "security-talks-2021.toml"
    capsys.readouterr()
    assert import_(sheet, "security-talks-2021", out) == 0
    lines = capsys.readouterr().out.splitlines()
    row = row_of(openpyxl.load_workbook(sheet)["MSEL"], "t3-trip-wire")
    assert lines[1:] == [f"note: {sheet}: MSEL!C{row}: clock 'D+1 09:00' falls in turn 1 (D+0 to D+14): the inject "
                         "is queued as turn 1 begins, at D+0 (the scenario keeps the turn, not the time)"]
    turns = {e.id: e.turn for e in load_scenario(out).msel}
    assert turns["t3-trip-wire"] == 1 and turns["t2-demands"] == 3


def test_the_authors_comments_and_layout_outside_the_msel_survive_an_import(tmp_path, capsys):
    # exercise new writes a comment on every field; importing an edited MSEL must not strip them
    assert main(["new", "border-crisis", "-o", str(tmp_path)]) == 0
    scenario = tmp_path / "border-crisis.toml"
    original = scenario.read_text()
    sheet = tmp_path / "msel.csv"
    assert main(["msel", "export", str(scenario), "-o", str(sheet)]) == 0
    rows = read_csv(sheet)
    rows[csv_index(rows, "t1-opening")][rows[0].index("turn")] = "3"
    rows[csv_index(rows, "t1-opening")][rows[0].index("title")] = "Shots across the river"  # an override
    write_csv(sheet, rows)
    out = tmp_path / "new" / "border-crisis.toml"
    out.parent.mkdir()
    assert main(["msel", "import", str(sheet), "--scenario", str(scenario), "-o", str(out)]) == 0
    text = out.read_text()
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in text.splitlines() for line in comments)
    assert text.split("[[msel]]")[0] == original.split("[[msel]]")[0]  # all before the MSEL, byte for byte
    assert text.split("[end_states.peace]")[1] == original.split("[end_states.peace]")[1]
    new = load_scenario(out)
    assert new.msel[0].turn == 3 and new.injects[new.msel[0].inject].title == "Shots across the river"
    # a file laid out otherwise (the MSEL as an inline array) is written plainly, with the same data
    inline = tmp_path / "inline" / "border-crisis.toml"
    inline.parent.mkdir()
    data = tomllib.loads(original)
    inline.write_text("msel = [" + ", ".join(f'{{id = "{e["id"]}", inject = "{e["inject"]}", turn = 1}}'
                                             for e in data["msel"]) + "]\n"
                      + tomli_w.dumps({k: v for k, v in data.items() if k != "msel"}))
    out2 = tmp_path / "new2" / "border-crisis.toml"
    out2.parent.mkdir()
    assert main(["msel", "import", str(sheet), "--scenario", str(inline), "-o", str(out2)]) == 0
    assert load_scenario(out2).msel[0].turn == 3


def test_a_library_inject_that_sets_a_flag_the_scenario_lacks_says_which_cell_can_send_it_without(tmp_path, capsys):
    # nordic-nato-invitation (from 2021) sets nordic_nato_invitation, which the flagship has not
    sheet = export(tmp_path, "ukraine-ceasefire-2025", "msel.csv")
    rows = read_csv(sheet)
    new = [""] * len(rows[0])
    new[rows[0].index("inject")], new[rows[0].index("turn")] = "nordic-nato-invitation", "2"
    write_csv(sheet, [*rows, new])
    out = tmp_path / "ukraine-ceasefire-2025.toml"
    [line] = failing(capsys, sheet, "ukraine-ceasefire-2025", out)
    assert line.startswith(f"{sheet}: row {len(rows) + 1}, column inject: proposal.effects.flags.nordic_nato_invitation: "
                           "unknown flag 'nordic_nato_invitation'")
    assert line.endswith("; or send it with this row's own proposal effects in column proposal effects (- for none)")
    new[rows[0].index("proposal effects")] = "ukraine_in_nato=true"
    write_csv(sheet, [*rows, new])
    assert import_(sheet, "ukraine-ceasefire-2025", out) == 0
    scenario = load_scenario(out)
    assert scenario.injects[scenario.msel[-1].inject].proposal.effects.flags == {"ukraine_in_nato": True}


def test_export_says_how_to_import_naming_the_scenario_as_the_user_did(tmp_path, capsys):
    sheet = tmp_path / "msel.xlsx"
    assert main(["msel", "export", "security-talks-2021", "-o", str(sheet)]) == 0
    assert capsys.readouterr().out.rstrip().endswith(
        f"edit it, then: exercise msel import {sheet} --scenario security-talks-2021 -o NEW.toml")


def test_a_game_of_short_turns_that_begins_at_a_time_of_day_takes_clock_times_of_that_day(tmp_path, capsys):
    # a seminar day of 30-minute turns from 09:00: the sheet shows 09:00, 09:30 ...; "10:00" is turn 3
    assert main(["new", "seminar-day", "-o", str(tmp_path)]) == 0
    path = tmp_path / "seminar-day.toml"
    path.write_text(path.read_text().replace('turn_duration = "one week"',
                                             'turn_duration = "30 minutes"\nstart_time = "09:00"'))
    assert load_scenario(path).info.start_time == "09:00"
    capsys.readouterr()
    assert main(["show", str(path)]) == 0
    assert "seminar-day · set " in (shown := capsys.readouterr().out) and " from 09:00 · 6 turns of 30 minutes" in shown
    sheet = export(tmp_path, str(path), "msel.csv")
    rows = read_csv(sheet)
    opening = csv_index(rows, "t1-opening")
    assert rows[opening][rows[0].index("clock")] == "D+0 09:00"
    rows[opening][rows[0].index("turn")], rows[opening][rows[0].index("clock")] = "", "10:00"
    write_csv(sheet, rows)
    out = tmp_path / "out" / "seminar-day.toml"
    out.parent.mkdir()
    assert import_(sheet, str(path), out) == 0
    assert load_scenario(out).msel[0].turn == 3
    rows[opening][rows[0].index("clock")] = "08:30"
    write_csv(sheet, rows)
    assert failing(capsys, sheet, str(path), tmp_path / "out" / "again" / "seminar-day.toml") == [
        f"{sheet}: row {opening + 1}, column clock: '08:30' is outside the game's time (turn 1 begins at D+0 09:00, "
        "turn 6 ends at D+0 12:00; a turn is 30 minutes)"]
    # a start time that is not one is named
    path.write_text(path.read_text().replace('start_time = "09:00"', 'start_time = "9am"'))
    assert main(["validate", str(path)]) == 1
    assert f"{path}: $.scenario.start_time: '9am' is not a time of day (write it as 09:00, 00:00 to 23:59)" \
        in capsys.readouterr().err


def test_a_scenario_without_a_start_time_has_the_data_and_hash_it_had_before(tmp_path):
    # sessions store the scenario as data with its hash: start_time, added later, is left out while unset
    from exercise import serial

    scenario = load_scenario(bundled.find_scenario("security-talks-2021"))
    data = serial.scenario_data(scenario)
    assert "start_time" not in data["info"]
    assert serial.scenario_from(data) == scenario
    timed = attrs.evolve(scenario, info=attrs.evolve(scenario.info, start_time="09:00"))
    assert serial.scenario_data(timed)["info"]["start_time"] == "09:00"
    assert serial.scenario_from(serial.scenario_data(timed)) == timed
    assert serial.scenario_hash(timed) != serial.scenario_hash(scenario)
