"""No team ever sees another team's unrevealed move, a private ruling or the controller's notes."""

import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise import commands as cmd
from exercise import events as ev
from exercise.loading import load_library, load_scenario
from exercise.session import FACILITATOR, Refused, Session

DATA = Path(__file__).parent / "data"
SCENARIO = load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])
TEAMS = list(SCENARIO.teams)


def hidden_leaks(session: Session) -> list[str]:
    """Secrets that appear in a team's view: others' unrevealed headlines, private rulings."""
    leaks = []
    for team in TEAMS:
        text = json.dumps(session.view(team))
        for move in session.state.moves.values():
            if move.team != team and not move.revealed and move.headline in text:
                leaks.append(f"{team} sees {move.id} of {move.team}")
            if move.team != team and move.ruling and not move.ruling.public and move.ruling.narrative in text:
                leaks.append(f"{team} sees the private ruling on {move.id}")
        if "Watch Red." in text or '"queue"' in text:
            leaks.append(f"{team} sees the controller's queue or notes")
    return leaks


def test_team_views_hide_what_they_should(tmp_path):
    with Session.create(tmp_path / "v.session", SCENARIO) as s:
        assert "Watch Red." in json.dumps(s.view(FACILITATOR))
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "propose", "BLUE-SECRET-1"), "blue")
        s.act(cmd.Submit("red", "threaten", "RED-SECRET-1"), "red")
        assert "BLUE-SECRET-1" in json.dumps(s.view("blue"))
        assert hidden_leaks(s) == []
        s.act(cmd.Advance())
        assert "BLUE-SECRET-1" in json.dumps(s.view("red")), "revealed moves are public"
        s.act(cmd.Adjudicate("m2", "PRIVATE-NARRATIVE", outcome=ev.Outcome.FAILURE, public=False))
        assert "PRIVATE-NARRATIVE" in json.dumps(s.view("red")), "a team sees the ruling on its own move"
        assert "PRIVATE-NARRATIVE" not in json.dumps(s.view("blue"))
        assert hidden_leaks(s) == []


moves = st.lists(
    st.tuples(st.sampled_from(["submit", "withdraw", "advance", "ready"]), st.sampled_from(TEAMS), st.integers(1, 6)),
    min_size=1, max_size=25,
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=moves)
def test_no_sequence_of_commands_leaks_a_hidden_move(tmp_path_factory, steps):
    path = tmp_path_factory.mktemp("views") / "v.session"
    with Session.create(path, SCENARIO) as s:
        for n, (action, team, pick) in enumerate(steps):
            kind = SCENARIO.team_kinds(team)[pick % 2]
            command = {
                "submit": cmd.Submit(team, kind, f"SECRET-{team}-{n}"),
                "withdraw": cmd.Withdraw(team, f"m{pick}"),
                "advance": cmd.Advance(force=True),
                "ready": cmd.Ready(team),
            }[action]
            try:
                s.act(command, FACILITATOR if action == "advance" else team)
            except Refused:
                pass
            assert hidden_leaks(s) == []


def test_status_as_a_team_on_the_command_line_hides_other_moves(tmp_path):
    path = tmp_path / "v.session"
    with Session.create(path, SCENARIO) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "propose", "BLUE-SECRET-CLI"), "blue")

    def status(*extra):
        result = subprocess.run([sys.executable, "-m", "exercise", "status", str(path), *extra],
                                capture_output=True, text=True, cwd=Path(__file__).parent.parent)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "BLUE-SECRET-CLI" not in status("--as", "red")
    assert "BLUE-SECRET-CLI" not in status("--as", "red", "--json")
    assert "BLUE-SECRET-CLI" in status("--as", "blue")
    assert "BLUE-SECRET-CLI" in status("--json")
    unknown = subprocess.run([sys.executable, "-m", "exercise", "status", str(path), "--as", "green"],
                             capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert unknown.returncode == 3 and "unknown role 'green'" in unknown.stderr
