"""The loader on the minimal fixture: what loads, and what each kind of mistake reports."""

import subprocess
import sys
from pathlib import Path

import pytest

from exercise import model
from exercise.loading import LoadError, load_library, load_scenario, validate

MINIMAL = Path(__file__).parent / "data" / "scenarios" / "minimal.toml"
LIBRARY = Path(__file__).parent / "data" / "injects"


def test_minimal_scenario_loads_with_resolved_injects():
    library, problems = load_library([LIBRARY])
    assert problems == []
    scenario = load_scenario(MINIMAL, library)
    assert scenario.info.adjudication is model.Adjudication.MATRIX
    assert list(scenario.teams) == ["blue", "red"]
    assert scenario.tracks["tension"].start == 5
    assert [o.rank for o in scenario.teams["blue"].position.objectives] == [1, 2]
    assert scenario.team_kinds("red") == ["threaten", "respond"]
    # m1 uses the library inject as it is; m3 overrides it and so names a new inject.
    assert [e.inject for e in scenario.msel] == ["offer", "local-warning", "m3"]
    assert scenario.injects["offer"].sender == "Capital"
    assert scenario.injects["m3"].title == "A second offer"
    assert scenario.injects["m3"].recipients == ["red"]
    assert scenario.injects["m3"].proposal == scenario.injects["offer"].proposal
    assert scenario.injects["offer"].proposal.effects.flags == {"truce": True}


# (case, file to edit, text to replace, replacement, expected field path, expected words)
CASES = [
    ("toml-syntax", "s", "turns = 3", "turns = ", "line 6, column 9", "not valid TOML"),
    ("toml-duplicate-key", "s", "turns = 3", "turns = 3\nturns = 4", "line 7, column", "not valid TOML"),
    ("string-for-int", "s", "turns = 3", 'turns = "3"', "$.scenario.turns", "wrong type: a string '3' (expected a whole number)"),
    ("string-for-bool", "s", 'label = "Truce"', 'label = "Truce"\nstart = "false"', "$.flags.truce.start", "expected true or false"),
    ("float-for-int", "s", "min = 0", "min = 0.5", "$.tracks.tension.min", "expected a whole number"),
    ("string-for-date", "s", "setting_date = 2025-03-19", 'setting_date = "2025-03-19"', "$.scenario.setting_date", "expected a date like 2025-03-19"),
    ("string-for-list", "s", 'recipients = ["red"]', 'recipients = "red"', "$.msel[2].override.recipients", "expected a list of strings"),
    ("bad-enum", "s", 'adjudication = "matrix"', 'adjudication = "dice"', "$.scenario.adjudication", 'expected one of "umpire", "matrix", "estimative"'),
    ("unknown-key", "s", 'title = "Minimal"', 'titel = "Minimal"', "$.scenario.titel", "did you mean 'title'?"),
    ("unknown-table", "s", "[[sources]]", "[[sourcse]]", "$.sourcse", "did you mean 'sources'?"),
    ("unknown-override-key", "s", 'title = "A second offer"', 'titel = "A second offer"', "$.msel[2].override.titel", "did you mean 'title'?"),
    ("id-in-keyed-table", "s", 'label = "Tension"', 'label = "Tension"\nid = "x"', "$.tracks.tension.id", "the id is the table's name"),
    ("missing-key", "s", "turns = 3\n", "", "$.scenario.turns", "missing (required: a whole number)"),
    ("dangling-recipient", "s", 'recipients = ["red"]', 'recipients = ["green"]', "$.msel[2].override.recipients[0]", "unknown team 'green'"),
    ("dangling-inject", "s", 'inject = "local-warning"', 'inject = "local-warnin"', "$.msel[1].inject", "did you mean 'local-warning'?"),
    ("dangling-lever-kind", "s", 'kind = "threaten"', 'kind = "threat"', "$.teams.red.position.levers[0].kind", "unknown move kind 'threat'"),
    ("dangling-source", "s", 'text = "Calm."\nsource = "doc-a"', 'text = "Calm."\nsource = "doc-b"', "$.teams.blue.position.objectives[0].source", "unknown source 'doc-b'"),
    ("dangling-after-move", "s", 'after_move = "threaten"', 'after_move = "bluff"', "$.msel[2].after_move", "unknown move kind 'bluff'"),
    ("dangling-effect-track", "s", "effects.tracks = { tension = 1 }", "effects.tracks = { tensoin = 1 }", "$.move_kinds.threaten.effects.tracks.tensoin", "did you mean 'tension'?"),
    ("condition-syntax", "s", 'when = "tracks.tension >= 7"', 'when = "tracks.tension >="', "$.msel[1].when", "condition does not parse"),
    ("condition-unknown-track", "s", 'when = "tracks.tension <= 3"', 'when = "tracks.tensoin <= 3"', "$.teams.blue.position.objectives[0].when", "unknown track 'tensoin'"),
    ("condition-unknown-name", "s", 'when = "tracks.tension >= 10"', 'when = "escalation >= 10"', "$.end_states.war.when", "unknown name 'escalation'"),
    ("condition-type-error", "s", 'when = "flags.truce"\n\n[end_states.war]', 'when = "flags.truce + 1 > \'a\'"\n\n[end_states.war]', "$.end_states.truce.when", "fails on the starting state"),
    ("turn-out-of-range", "s", "\nturn = 1", "\nturn = 9", "$.msel[0].turn", "outside the game's turns (1..3)"),
    ("turn-zero", "s", "\nturn = 1", "\nturn = 0", "$.msel[0].turn", "outside the game's turns (1..3)"),
    ("earliest-turn-out-of-range", "s", "earliest_turn = 2", "earliest_turn = 4", "$.msel[2].earliest_turn", "outside the game's turns"),
    ("two-triggers", "s", "\nturn = 1", '\nturn = 1\nwhen = "flags.truce"', "$.msel[0]", "exactly one of turn, when, after_move"),
    ("track-start-out-of-bounds", "s", "start = 5", "start = 11", "$.tracks.tension.start", "outside 0..10"),
    ("track-bounds-reversed", "s", "max = 10", "max = 0", "$.tracks.tension.max", "not above min"),
    ("empty-position", "s", '[[teams.red.position.stance]]\ntext = "Red wants more."\nsource = "doc-a"\n', "", "$.teams.red.position.stance", "missing"),
    ("empty-text", "s", 'text = "Red wants more."', 'text = "  "', "$.teams.red.position.stance[0].text", "is empty"),
    ("duplicate-source-id", "s", '[tracks.tension]', '[[sources]]\nid = "doc-a"\ntitle = "Again"\nauthor = "A"\ndate = "2025"\n\n[tracks.tension]', "$.sources[1].id", "duplicate id 'doc-a'"),
    ("duplicate-objective-id", "s", 'id = "truce"\nrank = 2', 'id = "calm"\nrank = 2', "$.teams.blue.position.objectives[1].id", "duplicate id 'calm'"),
    ("duplicate-msel-id", "s", 'id = "m2"', 'id = "m1"', "$.msel[1].id", "duplicate id 'm1'"),
    ("rank-gap", "s", "rank = 2", "rank = 3", "$.teams.blue.position.objectives[1].rank", "rank the objectives 1 to 2"),
    ("track-name-not-identifier", "s", "[tracks.tension]", "[tracks.ten-sion]", "$.tracks.ten-sion", "not a usable name"),
    ("scenario-id-mismatch", "s", 'id = "minimal"', 'id = "other"', "$.scenario.id", "differs from the file name 'minimal.toml'"),
    ("library-unknown-key", "l", 'from = "Capital"', 'form = "Capital"', "$.injects.offer.form", "did you mean 'from'?"),
    ("library-dangling-source", "l", 'source = "doc-a"\nbody', 'source = "doc-z"\nbody', "$.injects.offer.source", "unknown source 'doc-z'"),
    ("library-party-unknown-in-scenario", "l", 'parties = ["blue", "red"]', 'parties = ["blue", "green"]', "$.msel[0].inject.proposal.parties[1]", "unknown team (inject 'offer' from"),
    ("library-effect-unknown-in-scenario", "l", "effects.flags = { truce = true }", "effects.flags = { peace = true }", "$.msel[0].inject.proposal.effects.flags.peace", "unknown flag 'peace'"),
    ("library-empty-parties", "l", 'parties = ["blue", "red"]', "parties = []", "$.injects.offer.proposal.parties", "is empty"),
]


def _edit(tree: Path, which: str, old: str, new: str) -> Path:
    path = tree / ("scenarios/minimal.toml" if which == "s" else "injects/library.toml")
    text = path.read_text()
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("case,which,old,new,field,words", CASES, ids=[c[0] for c in CASES])
def test_malformed_file_names_file_and_field(fixture_tree, case, which, old, new, field, words):
    edited = _edit(fixture_tree, which, old, new)
    scenario = fixture_tree / "scenarios" / "minimal.toml"
    _, problems = validate([scenario], [fixture_tree / "injects"])
    lines = [str(p) for p in problems]
    # Problems in an inject that a scenario uses are reported against the scenario.
    expected_file = edited if not field.startswith("$.msel") else scenario
    matching = [line for line in lines if line.startswith(f"{expected_file}: {field}")]
    assert matching, f"no problem at {expected_file}: {field} in {lines}"
    assert any(words in line for line in matching), lines


def test_all_problems_of_a_file_are_reported_together(fixture_tree):
    path = _edit(fixture_tree, "s", 'kind = "threaten"', 'kind = "threat"')
    _edit(fixture_tree, "s", "\nturn = 1", "\nturn = 9")
    _edit(fixture_tree, "s", 'when = "tracks.tension <= 3"', 'when = "tracks.x <= 3"')
    with pytest.raises(LoadError) as err:
        load_scenario(path, load_library([fixture_tree / "injects"])[0])
    paths = {p.path for p in err.value.problems}
    assert {"$.teams.red.position.levers[0].kind", "$.msel[0].turn", "$.teams.blue.position.objectives[0].when"} <= paths


def test_structural_problems_in_several_sections_are_reported_together(fixture_tree):
    path = _edit(fixture_tree, "s", "turns = 3", 'turns = "3"')
    _edit(fixture_tree, "s", "min = 0", "min = 0.5")
    _edit(fixture_tree, "s", 'from = "Press"', 'frm = "Press"')
    _, problems = validate([path], [fixture_tree / "injects"])
    assert {"$.scenario.turns", "$.tracks.tension.min", "$.injects.local-warning.frm"} <= {p.path for p in problems}


def test_wrong_encoding_names_the_line(fixture_tree):
    path = fixture_tree / "scenarios" / "minimal.toml"
    path.write_bytes(path.read_bytes().replace(b"Two sides.", "Deux cotés.".encode("latin-1")))
    _, problems = validate([path], [fixture_tree / "injects"])
    assert [str(p) for p in problems] == [f"{path}: line 10, column 23: byte 0xe9 is not UTF-8 (save the file as UTF-8)"]


def test_utf16_file_is_named(fixture_tree):
    path = fixture_tree / "scenarios" / "minimal.toml"
    path.write_bytes(path.read_text().encode("utf-16"))
    _, problems = validate([path], [fixture_tree / "injects"])
    assert [str(p) for p in problems] == [f"{path}: $: is UTF-16 text (save it as UTF-8)"]


def test_utf8_with_bom_is_accepted(fixture_tree):
    path = fixture_tree / "scenarios" / "minimal.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert validate([path], [fixture_tree / "injects"])[1] == []


def test_missing_file_and_foreign_file(tmp_path):
    stray = tmp_path / "notes.toml"
    stray.write_text('title = "x"\n')
    _, problems = validate([tmp_path / "nope.toml", stray])
    lines = [str(p) for p in problems]
    assert lines[0].startswith(f"{tmp_path / 'nope.toml'}: $: cannot be read")
    assert lines[1] == f"{stray}: $: neither a scenario nor an inject file (expected a [scenario] table or [injects.ID] tables)"


def test_duplicate_inject_ids_across_library_files(fixture_tree):
    lib = fixture_tree / "injects"
    (lib / "more.toml").write_text((lib / "library.toml").read_text())
    _, problems = load_library([lib])
    assert [p.path for p in problems] == ["$.injects.offer"]
    assert problems[0].file == str(lib / "more.toml")
    assert "also in" in problems[0].message


def test_cli_reports_errors_one_per_line_without_traceback(fixture_tree):
    path = _edit(fixture_tree, "s", "turns = 3", 'turns = "3"')
    _edit(fixture_tree, "s", 'kind = "threaten"', 'kind = "threat"')
    result = subprocess.run(
        [sys.executable, "-m", "exercise", "validate", str(path), "--library", str(fixture_tree / "injects")],
        capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"{path}: $.scenario.turns: wrong type: a string '3' (expected a whole number)"
    assert lines[-1] == "1 problem(s) in 1 of 1 file(s)"
