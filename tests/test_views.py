"""No team ever sees another team's unrevealed move, a private ruling or the controller's notes."""

import json
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise import commands as cmd
from exercise import engine, views
from exercise import events as ev
from exercise.loading import load_library, load_scenario
from exercise.model import Effects
from exercise.session import FACILITATOR, Refused, Session, Unknown
from exercise.views import DeliveryView, MoveView, TeamView, View, build_view, view_data

DATA = Path(__file__).parent / "data"
SCENARIO = load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])
TEAMS = list(SCENARIO.teams)


def hidden_leaks(session: Session) -> list[str]:
    """Secrets that appear in a team's view: others' unrevealed headlines, private rulings."""
    leaks = []
    for team in TEAMS:
        text = json.dumps(view_data(session.view(team)))
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
        assert "Watch Red." in json.dumps(view_data(s.view(FACILITATOR)))
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "propose", "BLUE-SECRET-1"), "blue")
        s.act(cmd.Submit("red", "threaten", "RED-SECRET-1"), "red")
        assert "BLUE-SECRET-1" in json.dumps(view_data(s.view("blue")))
        assert hidden_leaks(s) == []
        s.act(cmd.Advance())
        assert "BLUE-SECRET-1" in json.dumps(view_data(s.view("red"))), "revealed moves are public"
        s.act(cmd.Adjudicate("m2", "PRIVATE-NARRATIVE", outcome=ev.Outcome.FAILURE, public=False))
        assert "PRIVATE-NARRATIVE" in json.dumps(view_data(s.view("red"))), "a team sees the ruling on its own move"
        assert "PRIVATE-NARRATIVE" not in json.dumps(view_data(s.view("blue")))
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


# --- the typed view and its JSON -------------------------------------------------------------

# Parts of a view that are None for a team, and then absent from the JSON; and a renamed field.
OPTIONAL = {(View, "queue"), (View, "skipped"), (View, "feedback"), (DeliveryView, "expected_actions"), (TeamView, "moves_this_turn"),
            (TeamView, "bot")}
RENAMED = {(DeliveryView, "sender"): "from"}
FACILITATOR_KEYS = ["role", "scenario", "turn", "phase", "tracks", "flags", "teams", "moves", "injects", "proposals",
                    "commitments", "conditions", "notes", "history", "holding", "series", "end_state", "ended_reason",
                    "scope",
                    "queue", "skipped", "feedback"]
MOVE_KEYS = ["id", "team", "kind", "headline", "turn", "targets", "detail", "answers", "arguments", "terms", "status",
             "ruling"]
RULING_KEYS = ["method", "outcome", "narrative", "effects", "turn", "rolls", "modifier", "probability", "public"]
DELIVERY_KEYS = ["id", "turn", "entry", "inject", "title", "kind", "from", "channel", "body", "source", "quote",
                 "recipients", "questions", "response_options"]


def assert_same_shape(data, value, where: str = "$") -> None:
    """``data`` (JSON read back) has exactly the keys, in order, of the typed ``value``'s fields, all the way down."""
    if attrs.has(type(value)):
        cls = type(value)
        keys = [RENAMED.get((cls, a.name), a.name) for a in attrs.fields(cls)
                if not ((cls, a.name) in OPTIONAL and getattr(value, a.name) is None)]
        assert isinstance(data, dict) and list(data) == keys, f"{where}: {list(data)} != {keys}"
        for a in attrs.fields(cls):
            key = RENAMED.get((cls, a.name), a.name)
            if key in data:
                assert_same_shape(data[key], getattr(value, a.name), f"{where}.{key}")
    elif isinstance(value, dict):
        assert isinstance(data, dict) and list(data) == list(value), where
        for key, item in value.items():
            assert_same_shape(data[key], item, f"{where}.{key}")
    elif isinstance(value, tuple):
        assert isinstance(data, list) and len(data) == len(value), where
        for i, item in enumerate(value):
            assert_same_shape(data[i], item, f"{where}[{i}]")
    else:  # a leaf: the JSON value equals it (an enum its text)
        assert data == value and type(data) in (str, int, bool, float, type(None)), f"{where}: {data!r} vs {value!r}"


def played(path: Path) -> Path:
    """A session with an inject delivered, moves revealed, one ruled in private, a proposal and a note."""
    with Session.create(path, SCENARIO) as s:
        s.act(cmd.Advance())
        s.act(cmd.Submit("blue", "propose", "Talks", ["red"], terms=["Stop"]), "blue")
        s.act(cmd.Submit("red", "threaten", "Troops", ["blue"], detail="At the border"), "red")
        s.act(cmd.Note("red", "We doubt it"), "red")
        s.act(cmd.Advance())
        s.act(cmd.Adjudicate("m2", "Quietly noted", outcome=ev.Outcome.PARTIAL, public=False))
    return path


def status_json(path: Path, role: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "exercise", "status", str(path), "--as", role, "--json", "--all"],
                            capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("role", [FACILITATOR, "blue", "red"])
def test_status_json_has_the_shape_of_the_typed_view(tmp_path, role):
    path = played(tmp_path / "v.session")
    data = status_json(path, role)
    with Session.open(path) as s:
        view = s.view(role)
    assert isinstance(view, View) and all(isinstance(m, MoveView) for m in view.moves)
    assert_same_shape(data, view)
    assert data == view_data(view)
    # the shape scripts read, spelled out
    assert list(data) == (FACILITATOR_KEYS if role == FACILITATOR else FACILITATOR_KEYS[:-3])
    assert all(list(m) == MOVE_KEYS for m in data["moves"])
    assert [list(m["ruling"]) for m in data["moves"] if m["ruling"]] == [RULING_KEYS] * (role != "blue")
    assert data["injects"] and all(
        list(d) == DELIVERY_KEYS + (["expected_actions"] if role == FACILITATOR else []) for d in data["injects"])
    assert data["phase"] == "adjudication" and {m["status"] for m in data["moves"]} == {"revealed"}


def test_a_team_view_omits_the_facilitators_parts(tmp_path):
    path = played(tmp_path / "v.session")
    with Session.open(path) as s:
        facilitator, blue, red = s.view(FACILITATOR), s.view("blue"), s.view("red")
    assert facilitator.queue is not None and facilitator.skipped is not None
    assert all(d.expected_actions is not None for d in facilitator.injects)
    assert all(t.moves_this_turn is not None for t in facilitator.teams.values())
    assert blue.queue is None and blue.skipped is None
    assert blue.injects and all(d.expected_actions is None for d in blue.injects)
    assert blue.teams["blue"].moves_this_turn == 1 and blue.teams["red"].moves_this_turn is None
    assert blue.move("m2").ruling is None, "red's private ruling"
    assert [n.author for n in blue.notes] == [] and [n.author for n in red.notes] == ["red"]
    data = view_data(blue)
    assert "queue" not in data and "skipped" not in data and "feedback" not in data
    assert blue.feedback is None and facilitator.feedback == ()
    assert all("expected_actions" not in d for d in data["injects"])
    assert data["teams"] == {"blue": {"name": "Blue", "moves_this_turn": 1, "ready": False},
                             "red": {"name": "Red", "ready": False}}


def test_views_are_frozen_and_use_the_status_enums(tmp_path):
    path = played(tmp_path / "v.session")
    with Session.open(path) as s:
        view = s.view(FACILITATOR)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        view.turn = 9
    assert view.phase is ev.Phase.ADJUDICATION
    assert {m.status for m in view.moves} == {ev.MoveStatus.REVEALED} and all(m.revealed for m in view.moves)
    assert view.move("m2").ruling.outcome is ev.Outcome.PARTIAL and view.move("m9") is None
    assert view.proposals and {p.status for p in view.proposals} == {ev.ProposalStatus.OPEN}
    assert [c.status for c in view.commitments] == [ev.CommitmentStatus.OPEN]


# --- refusals by kind: what a shell branches on ---------------------------------------------


def test_refusals_say_their_kind_and_keep_their_messages(tmp_path):
    with Session.create(tmp_path / "r.session", SCENARIO) as s:
        def refused(command, actor=FACILITATOR):
            with pytest.raises(Refused) as exc:
                s.act(command, actor)
            return exc.value

        assert type(refused(cmd.Submit("blue", "propose", "Early"), "blue")) is engine.WrongPhase
        assert type(refused(cmd.Advance(), "blue")) is engine.NotAllowed
        s.act(cmd.Advance())
        assert type(refused(cmd.Submit("green", "propose", "Who?"))) is engine.Unknown
        assert type(refused(cmd.Submit("blue", "propose", "  "), "blue")) is engine.Invalid
        assert type(refused(cmd.Withdraw("blue", "m9"), "blue")) is engine.Unknown
        s.act(cmd.Submit("blue", "propose", "Talks"), "blue")
        s.act(cmd.Submit("red", "threaten", "Troops"), "red")
        assert type(refused(cmd.Submit("blue", "propose", "Again"), "blue")) is engine.Conflict
        s.act(cmd.Advance())
        s.act(cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS))
        assert type(refused(cmd.Adjudicate("m1", outcome=ev.Outcome.SUCCESS))) is engine.Conflict
        unruled = refused(cmd.Advance())
        assert isinstance(unruled, engine.UnruledMoves) and unruled.moves == ("m2",)
        assert str(unruled) == "moves without a ruling: m2 (adjudicate them, or advance with --force)"
        import pickle

        again = pickle.loads(pickle.dumps(unruled))
        assert (type(again), again.moves, str(again)) == (engine.UnruledMoves, ("m2",), str(unruled))


def test_the_now_view_is_this_turn_and_what_is_still_open(tmp_path):
    path = played(tmp_path / "s.session")
    with Session.open(path) as s:
        s.act(cmd.Advance(force=True))  # turn 2: the turn-1 proposal is still open
        s.act(cmd.Advance())
        s.act(cmd.Submit("red", "threaten", "More troops", ["blue"]), "red")
        whole, now = s.view(FACILITATOR, "all"), s.view(FACILITATOR, "now")
    assert now.turn == 2 and (now.scope, whole.scope) == ("now", "all")
    assert [m.id for m in now.moves] == [m.id for m in whole.moves if m.turn == 2] == ["m3"]
    assert [d.id for d in now.injects] == [d.id for d in whole.injects if d.turn == 2]
    assert [p.id for p in now.proposals] == [p.id for p in whole.proposals if p.status == "open"] != []
    assert now.notes == () and len(whole.notes) == 1  # the note was turn 1's
    assert now.tracks == whole.tracks and now.teams == whole.teams
    with pytest.raises(ValueError, match="scope 'some'"):
        build_view(SCENARIO, s.state, FACILITATOR, "some")
    # settled this turn it shows; next turn, a deal in force still shows and a rejection not
    with Session.open(path) as s:
        s.act(cmd.Respond("red", "p2", ev.Answer.ACCEPT), "red")
        s.act(cmd.Respond("blue", "p1", ev.Answer.REJECT), "blue")
        assert {p.id: p.status for p in s.view(FACILITATOR, "now").proposals} == {"p1": "rejected", "p2": "deal"}
        s.act(cmd.Advance())
        s.act(cmd.Advance(force=True))
        assert s.state.turn == 3
        assert {p.id: p.status for p in s.view(FACILITATOR, "now").proposals} == {"p2": "deal"}


def test_status_shows_now_and_all_shows_the_record(tmp_path):
    path = played(tmp_path / "s.session")
    with Session.open(path) as s:
        s.act(cmd.Advance(force=True))
        s.act(cmd.Advance())

    def status(*args):
        result = subprocess.run([sys.executable, "-m", "exercise", "status", str(path), *args],
                                capture_output=True, text=True, cwd=Path(__file__).parent.parent)
        assert result.returncode == 0, result.stderr
        return result.stdout

    now = status()
    assert "proposal p2 (open): Talks" in now and "commitment c1 (open): red threat: Troops" in now
    assert "move m" not in now and "--all for the whole record" in now  # last turn's moves are the record's
    assert "move m2 (turn 1, revealed; ruled partial) red [threaten]: Troops" in status("--all")
    assert json.loads(status("--json"))["moves"] == [] and len(json.loads(status("--json", "--all"))["moves"]) == 2


def test_an_unknown_role_or_inject_is_refused_as_unknown(tmp_path):
    with Session.create(tmp_path / "s.session", SCENARIO) as s:
        with pytest.raises(Unknown, match="unknown role 'green'"):
            s.view("green")
        with pytest.raises(Unknown, match="no inject 'nothing'"):
            s.find_inject("nothing")


def test_a_view_of_only_what_some_events_touched(tmp_path):
    path = played(tmp_path / "s.session")
    with Session.open(path) as s:
        s.act(cmd.Advance(force=True))
        events = s.act(cmd.Advance())  # turn 2 begins
        ruled = s.act(cmd.Submit("red", "threaten", "More troops", ["blue"]), "red")
        assert views.touched(ruled) == ["m3"]
        assert views.touched(s.log[-40:]).count("m1") == 1  # each id once, in order of first touch
        part = s.view(FACILITATOR, "now", ["m3", "m1", "p2", "nothing"])
        assert [m.id for m in part.moves] == ["m3", "m1"]  # whatever their turn
        assert [p.id for p in part.proposals] == ["p2"] and part.commitments == () and part.injects == ()
        assert s.view("blue", "now", ["m3"]).moves == ()  # still only what the role may see
        assert events and part.teams == s.view(FACILITATOR, "now").teams


def test_the_series_and_what_holds_now(tmp_path):
    with Session.create(tmp_path / "s.session", SCENARIO) as s:
        s.act(cmd.Advance())
        start = s.view().tracks["tension"].value
        (move,) = s.act(cmd.Submit("red", "threaten", "Troops", ["blue"]), "red")
        s.act(cmd.Advance())
        s.act(cmd.Adjudicate(move.move, "Tension up", outcome=ev.Outcome.SUCCESS, effects=Effects({"tension": 2})))
        assert s.view(FACILITATOR, "now").series["tension"] == (start, start + 2)  # as turn 1 began, and now
        s.act(cmd.Advance(force=True))
        view = s.view(FACILITATOR, "now")
        assert view.turn == 2 and view.series["tension"] == (start, start + 2, start + 2)
        held = {(h.kind, h.team, h.item) for h in view.holding}
        assert held == {key for key, holds in s.state.conditions.items() if holds}
        assert all(h.team in ("", "blue") for h in s.view("blue").holding)
