"""``exercise new``: a commented scaffold that loads, validates and shows as written."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from exercise.cli import main
from exercise.loading import load_scenario, validate
from exercise.model import Commitment

REPO = Path(__file__).parent.parent


def test_new_writes_a_scaffold_that_loads_and_validates(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "border-crisis"]) == 0
    path = tmp_path / "border-crisis.toml"
    assert "wrote border-crisis.toml: 2 team(s) (blue, red)" in capsys.readouterr().out
    scenario = load_scenario(path)
    assert scenario.info.id == "border-crisis"
    assert list(scenario.teams) == ["blue", "red"]
    assert validate([path]) == (1, [])
    for team in scenario.teams.values():
        position = team.position
        assert position.stance and position.objectives and position.red_lines and position.levers
        assert all(item.source == "doc-1" for item in [*position.stance, *position.objectives, *position.levers])
        assert position.objectives[0].when and position.red_lines[0].when
    assert scenario.tracks and scenario.flags and scenario.end_states
    assert {k.commitment for k in scenario.move_kinds.values()} >= {Commitment.THREAT, Commitment.PROPOSAL,
                                                                      Commitment.RESPONSE}
    triggers = {(e.turn is not None, bool(e.when), bool(e.after_move)) for e in scenario.msel}
    assert (True, False, False) in triggers and (False, True, False) in triggers
    assert scenario.injects["truce-offer"].proposal is not None


def test_every_table_and_field_is_explained(tmp_path):
    assert main(["new", "demo", "-o", str(tmp_path)]) == 0
    text = (tmp_path / "demo.toml").read_text()
    raw = tomllib.loads(text)
    assert set(raw) == {"scenario", "sources", "tracks", "flags", "move_kinds", "teams", "injects", "msel",
                        "end_states", "exercise_objectives"}
    comments = "\n".join(line for line in text.splitlines() if "#" in line)
    for word in ("turn_duration", "adjudication", "moves_per_turn", "seed", "source", "quote", "objectives",
                 "red_lines", "levers", "assumptions", "advisors", "commitment", "recipients", "proposal",
                 "earliest_turn", "after_move", "notes", "override", "End states", "Conditions", "Exercise objectives",
                 "P, S, M or U"):
        assert word in comments, word


def test_teams_option_names_the_teams(tmp_path, capsys):
    assert main(["new", "three-way", "-o", str(tmp_path / "three-way.toml"), "--teams", "us, russia,ukraine"]) == 0
    scenario = load_scenario(tmp_path / "three-way.toml")
    assert list(scenario.teams) == ["us", "russia", "ukraine"]
    assert scenario.teams["russia"].name == "Russia"
    assert set(scenario.injects["truce-offer"].proposal.parties) == {"us", "russia", "ukraine"}
    assert main(["new", "solo", "-o", str(tmp_path), "--teams", "ukraine"]) == 0
    assert list(load_scenario(tmp_path / "solo.toml").teams) == ["ukraine"]
    # a team of its own is not told to threaten itself
    assert "Ukraine can threaten Ukraine" not in (tmp_path / "solo.toml").read_text()
    assert "what Ukraine can threaten the other side with" in (tmp_path / "solo.toml").read_text()


def test_show_works_on_the_scaffold(tmp_path):
    assert main(["new", "demo", "-o", str(tmp_path)]) == 0
    result = subprocess.run([sys.executable, "-m", "exercise", "show", str(tmp_path / "demo.toml")],
                            capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "TEAMS" in result.stdout and "Blue (blue)" in result.stdout and "MSEL" in result.stdout


def test_an_existing_file_is_never_overwritten(tmp_path, capsys):
    path = tmp_path / "demo.toml"
    path.write_text("# mine\n")
    assert main(["new", "demo", "-o", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"exercise new: {path} exists already (it is left as it is; choose another id or folder, or remove it)"
    assert path.read_text() == "# mine\n"


@pytest.mark.parametrize("args, message", [
    (["new", "Border Crisis"], "'Border Crisis' is not a scenario id (use lower-case letters, digits, - and _"),
    (["new", "-dash"], None),  # argparse: an option, a usage error
    (["new", "demo", "--teams", "us,,ru"], "--teams 'us,,ru': an empty team id"),
    (["new", "demo", "--teams", "US"], "--teams: 'US' is not a team id"),
    (["new", "demo", "--teams", "us,all"], "--teams: 'all' means every team"),
    (["new", "demo", "--teams", "us,ru,us"], "--teams: 'us' is named twice"),
    (["new", "demo", "-o", "other.toml"], "-o other.toml: a scenario's file is named after its id (use -o demo.toml"),
])
def test_bad_ids_are_one_line_errors(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    if message is None:
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code == 2
        return
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"exercise new: {message}"), err
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_place_is_a_one_line_error(tmp_path, capsys):
    assert main(["new", "demo", "-o", str(tmp_path / "missing" / "demo.toml")]) == 1
    assert "demo.toml: cannot be written (No such file or directory)" in capsys.readouterr().err
