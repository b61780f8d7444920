"""Bots on a live session (``bot``, ``handoff``), bot games in batches and what-if re-rolls, from the command line."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exercise import batch, bundled
from exercise import commands as cmd
from exercise import events as ev
from exercise.cli import main
from exercise.loading import load_library, load_scenario
from exercise.session import Session

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
LIBRARY, _ = load_library([DATA / "injects"])
MINIMAL = load_scenario(DATA / "scenarios" / "minimal.toml", LIBRARY)
FLAGSHIP = "ukraine-ceasefire-2025"
UKRAINE = load_scenario(bundled.find_scenario(FLAGSHIP))
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def live(tmp_path):
    path = tmp_path / "b.session"
    Session.create(path, UKRAINE).close()
    return str(path)


def test_bots_play_every_team_for_a_phase_and_the_status_shows_them(capsys, live):
    assert run(capsys, "advance", live)[0] == 0
    for team in UKRAINE.teams:
        code, out, err = run(capsys, "bot", live, "--team", team, "--once")
        assert code == 0 and err == ""
        assert out.splitlines()[0] == f"{team} handed to the doctrine bot"
        assert f"submitted by {team}" in out and out.rstrip().endswith(f"{team} is ready")
    with Session.open(live) as s:
        assert s.state.ready == set(UKRAINE.teams) and s.state.bots == dict.fromkeys(UKRAINE.teams, "")
        assert all("doctrine bot" in m.detail for m in s.state.moves.values())
        assert [type(e).__name__ for e in s.log].count("TeamHandedOver") == 4
    code, out, _ = run(capsys, "status", live)
    assert "us 2 move(s) ready (bot)" in out
    with Session.open(live) as s:
        assert {p["role"] for p in s.presence() if p["client"].startswith("doctrine bot")} == set(UKRAINE.teams)
    code, out, _ = run(capsys, "bot", live, "--team", "us", "--once")
    assert (code, out) == (0, "nothing for us to do (moves, turn 1)\n")
    assert run(capsys, "advance", live)[0] == 0  # closed and revealed: the bots answer what the moves tabled
    for team in UKRAINE.teams:
        assert run(capsys, "bot", live, "--team", team, "--once")[0] == 0
    with Session.open(live) as s:
        tabled = [p for p in s.state.proposals.values() if p.turn == 1 and p.origin.startswith("m")]
        assert tabled and all(set(p.answers) == set(p.parties) or p.status != "open" for p in tabled)


def test_a_brief_is_recorded_and_the_team_can_be_handed_back(capsys, live):
    code, out, _ = run(capsys, "handoff", live, "--team", "us", "bot", "--brief", "restraint")
    assert (code, out) == (0, "us handed to the doctrine bot (advisor brief restraint)\n")
    assert "us 0 move(s) (bot: restraint)" in run(capsys, "status", live)[1]
    data = json.loads(run(capsys, "status", live, "--json")[1])
    assert data["teams"]["us"]["bot"] == "restraint" and "bot" not in data["teams"]["russia"]
    assert run(capsys, "handoff", live, "--team", "us", "human")[1] == "us handed back to its players\n"
    assert run(capsys, "handoff", live, "--team", "us", "human")[1] == "us is already played by its players\n"
    assert "(bot" not in run(capsys, "status", live)[1]


@pytest.mark.parametrize(("args", "code", "words"), [
    (("bot", "{s}", "--team", "green", "--once"), 1, "no team 'green' (teams: us, russia, ukraine, europe)"),
    (("bot", "{s}", "--team", "us", "--brief", "hawk", "--once"), 1,
     "team 'us' has no advisor brief 'hawk' (briefs: restraint, pressure, dilemma, deal-maker, personal-diplomacy)"),
    (("bot", "{missing}", "--team", "us", "--once"), 1, "no-such.session"),
    (("handoff", "{s}", "--team", "green", "bot"), 3, "no team 'green'"),
    (("handoff", "{s}", "--team", "us", "human", "--brief", "restraint"), 3, "goes with a hand-over to the bot"),
    (("batch", FLAGSHIP, "--runs", "2", "--brief", "us"), 1, "--brief 'us': write TEAM=BRIEF"),
    (("batch", FLAGSHIP, "--runs", "2", "--brief", "us=hawk"), 1, "team 'us' has no advisor brief 'hawk'"),
    (("batch", "no-such-scenario", "--runs", "2"), 1, "no scenario 'no-such-scenario'"),
    (("batch", FLAGSHIP, "--runs", "1", "--scheduler", "tcp://127.0.0.1:9"), 1, "cannot reach the Dask scheduler"),
])
def test_bad_input_is_one_line_and_an_exit_code(capsys, live, tmp_path, args, code, words):
    args = [a.format(s=live, missing=tmp_path / "no-such.session") for a in args]
    got, out, err = run(capsys, *args)
    assert got == code
    assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_runs_zero_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["batch", FLAGSHIP, "--runs", "0"])
    assert stop.value.code == 2
    assert "--runs: 0 is out of range (from 1 to 1000000)" in capsys.readouterr().err


def test_a_running_bot_stops_when_its_team_is_handed_back(capsys, live):
    run(capsys, "advance", live)
    bot = subprocess.Popen([sys.executable, "-m", "exercise", "bot", live, "--team", "ukraine"], env=ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with Session.open(live) as s:
                if "ukraine" in s.state.ready:
                    break
            time.sleep(0.2)
        run(capsys, "handoff", live, "--team", "ukraine", "human")
        out, err = bot.communicate(timeout=30)
    finally:
        bot.kill()
    assert bot.returncode == 0, err
    assert "ukraine is ready" in out and out.rstrip().endswith("ukraine was handed back to its players: the bot stops")


# --- batch ---------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_report_byte_for_byte_in_one_process_or_many(capsys, tmp_path):
    outputs = []
    for workers in ("1", "2", "1"):
        out = tmp_path / f"r{len(outputs)}.html"
        assert run(capsys, "batch", FLAGSHIP, "--runs", "4", "--seed", "9", "--workers", workers, "-o", str(out))[0] == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert run(capsys, "batch", FLAGSHIP, "--runs", "4", "--seed", "10", "--workers", "1", "-q",
               "-o", str(tmp_path / "other.html"))[0] == 0
    assert (tmp_path / "other.html").read_bytes() != outputs[0]
    html = outputs[0].decode()
    assert html.count("<svg") >= 2 + len(UKRAINE.tracks) and "</html>" in html


def test_batch_json_is_the_distribution_over_the_runs(capsys):
    code, out, _ = run(capsys, "batch", FLAGSHIP, "--runs", "3", "--seed", "4", "--workers", "1", "--json",
                       "--brief", "us=pressure")
    data = json.loads(out)
    assert code == 0 and data["runs"] == 3 and data["seed"] == 4 and data["briefs"] == {"us": "pressure"}
    assert sum(e["runs"] for e in data["end_states"]) == 3
    results = [batch.run_one(UKRAINE, 4, i, {"us": "pressure"}) for i in range(3)]
    assert data == json.loads(json.dumps({**batch.summarise(UKRAINE, results), "seed": 4, "briefs": {"us": "pressure"}}))
    escalation = next(t for t in data["tracks"] if t["id"] == "escalation")
    assert escalation["final"]["min"] <= escalation["final"]["mean"] <= escalation["final"]["max"] <= 10
    assert sum(escalation["final"]["counts"].values()) == 3
    assert {c["team"] for c in data["credibility"]} == set(UKRAINE.teams)


def test_the_markdown_report_reads_as_tables(capsys):
    code, out, _ = run(capsys, "batch", FLAGSHIP, "--runs", "2", "--seed", "1", "--workers", "1")
    assert code == 0 and out.startswith("# Batch: 2 bot-against-bot games of After the Call")
    for heading in ("## End states", "## Red lines crossed", "## Objectives met at the end", "## Tracks",
                    "## Credibility: commitments kept"):
        assert heading in out
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert all(line.endswith("|") for line in rows)


def test_a_whole_batch_game_records_every_facilitator_step():
    game = batch.play(UKRAINE, 3)
    state = game.state
    assert state.phase is ev.Phase.ENDED and state.turn == UKRAINE.info.turns
    assert all(m.ruling is not None and m.ruling.rolls for m in state.moves.values())
    resolved = [c for c in state.commitments.values() if c.status != "open"]
    assert resolved and all(c.resolved_turn == c.turn + 1 for c in resolved)
    assert all(c.turn == UKRAINE.info.turns for c in state.commitments.values() if c.status == "open")


# --- what-if --------------------------------------------------------------------------------------


def played_session(path: Path) -> Path:
    """A session played to its end by the bots through the session (so through SQLite), with hand rulings too."""
    with Session.create(path, UKRAINE, seed=77) as s:
        game_bots = {t: batch.bots.doctrine(UKRAINE, s.rules.conditions, t) for t in UKRAINE.teams}
        for _ in range(200):
            if s.state.phase is ev.Phase.ENDED:
                break
            if s.state.phase in (ev.Phase.MOVES, ev.Phase.ADJUDICATION):
                for team, d in game_bots.items():
                    for command in batch.bots.plan(d, batch.bots.sight(s.state, team), s.seed):
                        s.act(command, team)
            if s.state.phase is ev.Phase.ADJUDICATION:
                for i, move in enumerate(s.state.turn_moves()):
                    if move.ruling is None:
                        by_hand = ev.Outcome.PARTIAL if i % 5 == 4 else None
                        s.act(cmd.Adjudicate(move.id, "", by_hand, strong_for=0 if by_hand else i % 2))
            s.act(cmd.Advance())
    return path


def test_replaying_a_sessions_commands_with_its_own_seed_gives_its_events(tmp_path):
    path = played_session(tmp_path / "p.session")
    with Session.open(path) as s:
        events, seed = s.events(), s.seed
    commands = batch.commands_of(UKRAINE, events)
    game, refused = batch.replay_commands(UKRAINE, commands, seed)
    assert refused == 0 and game.events == events
    other, _ = batch.replay_commands(UKRAINE, commands, seed + 1)
    assert [e for e in other.events if isinstance(e, ev.Ruled)] != [e for e in events if isinstance(e, ev.Ruled)]
    kept = {e.move: e.outcome for e in events if isinstance(e, ev.Ruled) and not e.rolls}
    assert kept and all(e.outcome is kept[e.move] for e in other.events if isinstance(e, ev.Ruled) and e.move in kept)


def test_whatif_compares_the_rerolls_with_what_happened(capsys, tmp_path):
    path = played_session(tmp_path / "p.session")
    code, out, _ = run(capsys, "whatif", str(path), "--runs", "4", "--workers", "1", "--json")
    data = json.loads(out)
    with Session.open(path) as s:
        actual = batch.result_of(UKRAINE, s.state)
    assert code == 0 and data["runs"] == 4 and data["seed"] == 77
    assert data["actual"]["end_state"] == actual.end_state
    assert data["actual"]["runs_same_end_state"] == sum(e["runs"] for e in data["end_states"] if e["id"] == actual.end_state)
    assert [t["actual"] for t in data["tracks"]] == [actual.final[t] for t in UKRAINE.tracks]
    code, md, _ = run(capsys, "whatif", str(path), "--runs", "4", "--workers", "1")
    assert md.startswith("# What-if: 4 re-rolls of p.session") and "## How much was luck" in md
    assert run(capsys, "whatif", str(path), "--runs", "4", "--workers", "2")[1] == md


def test_the_after_action_report_says_which_teams_the_bot_played(capsys, live):
    run(capsys, "advance", live)
    run(capsys, "bot", live, "--team", "russia", "--once")
    run(capsys, "handoff", live, "--team", "us", "bot", "--brief", "pressure")
    run(capsys, "advance", live)
    run(capsys, "handoff", live, "--team", "us", "human")
    code, md, _ = run(capsys, "report", live)
    assert code == 0
    assert "Played by the doctrine bot: from turn 1 on." in md
    assert "Played by the doctrine bot: in turn 1, following the advisor brief 'pressure'." in md
    code, html, _ = run(capsys, "report", live, "--format", "html")
    assert html.count("Played by the doctrine bot:") == 2


@pytest.mark.parametrize("method", ["umpire", "estimative"])
def test_every_adjudication_method_is_automated(method):
    import attrs

    from exercise.model import Adjudication

    scenario = attrs.evolve(UKRAINE, info=attrs.evolve(UKRAINE.info, adjudication=Adjudication(method)))
    game = batch.play(scenario, 8)
    rulings = [m.ruling for m in game.state.moves.values()]
    assert game.state.phase is ev.Phase.ENDED and all(r is not None for r in rulings)
    if method == "umpire":
        assert {r.method for r in rulings} == {"umpire"} and {r.outcome for r in rulings} == {ev.Outcome.SUCCESS, ev.Outcome.FAILURE}
    else:
        assert all(r.probability == 50 and len(r.rolls) == 1 for r in rulings)
    assert batch.play(scenario, 8).events == game.events


def test_a_bot_run_without_a_brief_keeps_the_one_its_team_was_handed_with(capsys, live):
    brief = UKRAINE.teams["us"].position.advisors[1].id
    run(capsys, "handoff", live, "--team", "us", "bot", "--brief", brief)
    run(capsys, "advance", live)
    code, out, _ = run(capsys, "bot", live, "--team", "us", "--once")
    assert code == 0 and "handed" not in out
    with Session.open(live) as s:
        assert s.state.bots["us"] == brief
        assert all(f"'{UKRAINE.teams['us'].position.advisors[1].title}'" in m.detail for m in s.state.moves.values())


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_whatif_says_when_nothing_was_rolled_and_when_the_game_is_not_over(capsys, live, fmt):
    code, text, _ = run(capsys, "whatif", live, "--runs", "3", "--workers", "1", "--format", fmt)
    assert code == 0 and "No ruling has been rolled by dice yet" in text
    assert "held up under other dice" not in text  # with no dice there is no luck to measure
    assert "so far" in text  # turn 1 of 7: what happened is what has happened yet


@pytest.mark.parametrize("args, words", [
    (["-o", "r.pdf"], "-o r.pdf: name a .md, .html or .json file"),
    (["--json", "-o", "r.html"], "-o r.html: --json writes JSON, not .html (name the file .json)"),
    (["--format", "html", "-o", "r.md"], "--format html writes HTML, not .md"),
])
def test_a_report_file_whose_name_says_another_format_is_a_usage_error(capsys, tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "batch", FLAGSHIP, "--runs", "1", *args)
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # nothing written under a misleading name


def test_a_json_file_gets_json_and_a_named_format_any_name(capsys, tmp_path):
    assert run(capsys, "batch", FLAGSHIP, "--runs", "1", "-q", "-o", str(tmp_path / "r.json"))[0] == 0
    assert json.loads((tmp_path / "r.json").read_text())["runs"] == 1
    assert run(capsys, "batch", FLAGSHIP, "--runs", "1", "-q", "--format", "html", "-o", str(tmp_path / "r.txt"))[0] == 0
    assert (tmp_path / "r.txt").read_text().startswith("<!DOCTYPE html>")


def test_a_running_bot_follows_the_brief_its_team_is_handed_over_with_again(capsys, live):
    brief = UKRAINE.teams["us"].position.advisors[1]
    bot = subprocess.Popen([sys.executable, "-m", "exercise", "bot", live, "--team", "us"], env=ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with Session.open(live) as s:
                if "us" in s.state.bots:
                    break
            time.sleep(0.2)
        run(capsys, "handoff", live, "--team", "us", "bot", "--brief", brief.id)  # the console's o, with a brief
        run(capsys, "advance", live)
        while time.monotonic() < deadline:
            with Session.open(live) as s:
                if "us" in s.state.ready:
                    break
            time.sleep(0.2)
        run(capsys, "handoff", live, "--team", "us", "human")
        out, err = bot.communicate(timeout=30)
    finally:
        bot.kill()
    assert bot.returncode == 0, err
    assert f"us's bot now follows the brief '{brief.title}'" in out
    with Session.open(live) as s:
        moves = [m for m in s.state.moves.values() if m.team == "us"]
        assert moves and all(f"'{brief.title}'" in m.detail for m in moves)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_report_gives_means_to_one_decimal_and_says_how_many_deals_changed_anything(capsys, fmt):
    import re

    code, text, _ = run(capsys, "batch", FLAGSHIP, "--runs", "3", "--seed", "3", "--workers", "1", "--format", fmt)
    data = json.loads(run(capsys, "batch", FLAGSHIP, "--runs", "3", "--seed", "3", "--workers", "1", "--json")[1])
    assert code == 0 and data["deals_with_effects"]["max"] <= data["deals"]["max"]
    assert f"Deals struck (proposals every party accepted): {data['deals']['mean']:.1f} a game on average" in text
    assert f"of them {data['deals_with_effects']['mean']:.1f} a game changed a track or a flag" in text
    tracks = text[text.index("Tracks"):text.index("Final values")]
    assert not re.search(r"\b\d+\.\d\d", tracks), tracks  # 8.5, never 8.467


def test_a_bot_started_at_the_hotwash_refuses_and_records_no_hand_over(capsys, live):
    run(capsys, "end", live, "--reason", "out of time")
    code, out, err = run(capsys, "bot", live, "--team", "us", "--once")
    assert code == 3 and "hotwash: there is nothing left for the bot to play" in err and out == ""
    with Session.open(live) as s:
        assert s.state.bots == {} and s.state.handoffs == []  # the report will not say the bot played us


def test_a_dice_ruling_given_with_effects_that_failed_keeps_them_for_the_rerolls(tmp_path):
    """The facilitator rolls for a move and says what it does if it succeeds; the dice fail.
    A what-if re-roll in which the move succeeds applies what the facilitator said, not the
    move kind's defaults (nor nothing)."""
    from exercise.model import Effects

    given = Effects(tracks={"talks_momentum": 3}, flags={})
    for seed in range(40):  # a game whose roll fails
        path = tmp_path / f"s{seed}.session"
        with Session.create(path, UKRAINE, seed=seed) as s:
            s.act(cmd.Advance())
            s.act(cmd.Submit("us", "offer-talks", "Talks in Riyadh", ["russia"]), "us")
            s.act(cmd.Advance(force=True))
            [ruled] = s.act(cmd.Adjudicate("m1", "", None, given))
            events = s.events()
        if ruled.outcome is not ev.Outcome.SUCCESS:
            break
    else:
        pytest.fail("no seed of 40 failed the roll")
    assert ruled.asked == given and ruled.effects == Effects()
    commands = batch.commands_of(UKRAINE, events)
    [again] = [c for _, c in commands if isinstance(c, cmd.Adjudicate)]
    assert again.effects == given and again.outcome is None, "replayed as a roll, with the effects given"
    for other in range(seed + 1, seed + 60):  # and a re-roll that succeeds applies them
        game, refused = batch.replay_commands(UKRAINE, commands, other)
        [rerolled] = [e for e in game.events if isinstance(e, ev.Ruled)]
        if rerolled.outcome is ev.Outcome.SUCCESS:
            assert refused == 0 and rerolled.effects == given
            break
    else:
        pytest.fail("no re-roll of 60 succeeded")


def test_a_ruling_stored_before_its_asked_effects_were_kept_still_reads():
    from exercise import serial

    data = serial.event_data(ev.Ruled("m1", "2d6", ev.Outcome.FAILURE, "", batch.Effects(), 1, [1, 2]))[1]
    assert data.pop("v") == 2 and data.pop("asked") is None
    old = serial.event_from("Ruled", data)  # as release 0.2 wrote it: no version, no 'asked'
    assert old.asked is None and old.outcome is ev.Outcome.FAILURE
