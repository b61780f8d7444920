"""Player text is inert: no terminal control reaches another console, no markup runs, and a
team's own command output tells it only what ``status --as`` would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_async
from textual.widgets import DataTable, Select

from exercise import commands as cmd
from exercise import serial
from exercise import text as txt
from exercise.events import Answer, MoveSubmitted
from exercise.loading import load_library, load_scenario
from exercise.session import FACILITATOR, Session
from exercise.store import Journal
from exercise.tui.app import make_app

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
MINIMAL = load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])
SIZE = (160, 48)
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}

# What a hostile or careless player may type: an OSC 8 hyperlink, a clear-screen and cursor
# move, a title change, BEL, backspaces, an 8-bit CSI, DEL.
ESCAPES = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J\x1b[H \x1b]0;pwned\x07 \x07\x08\x08 \x9b31m \x7f"
# Markup that crashes a widget that parses it, and markup that runs an action.
MARKUP = "[link=https://evil.example]deal[/link] [@click=app.quit]quit[/] [bold]b"


def controls(s: str) -> list[str]:
    return [c for c in s if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True, text=True,
                          cwd=cwd, env=ENV, timeout=60)


@pytest.fixture
def moves_open(tmp_path: Path) -> Path:
    path = tmp_path / "x.session"
    with Session.create(path, MINIMAL) as session:
        session.act(cmd.Advance())  # the offer p1 is delivered to both; moves open
    return path


# --- terminal controls -----------------------------------------------------------------------


def test_clean_drops_controls_but_keeps_lines_tabs_and_letters():
    assert txt.clean("a\r\nb\rc\td\x1b[31me\x07\x9b\x7f é 中") == "a\nb\nc\td[31me é 中"
    assert txt.visible("a\x1b[31m\x07\tb\nc\x9b") == "a\\x1b[31m\\x07\tb\nc\\x9b"
    assert txt.clean(txt.clean(ESCAPES)) == txt.clean(ESCAPES) and not controls(txt.clean(ESCAPES))


def test_every_typed_field_is_stored_without_controls(moves_open):
    with Session.open(moves_open) as s:
        s.act(cmd.Submit("blue", "propose", "Talks " + ESCAPES, ["red"], detail="line 1\r\n" + ESCAPES,
                         arguments=[ESCAPES], terms=["Stop " + ESCAPES]), "blue")
        s.act(cmd.Respond("red", "p1", Answer.COUNTER, note=ESCAPES, terms=[ESCAPES + " first"]), "red")
        s.act(cmd.Note("blue", "Watch " + ESCAPES), "blue")
        written = json.dumps([serial.event_data(e) for e in s.events()], ensure_ascii=False)
        move = s.state.moves["m1"]
    assert not controls(written) and "\\u001b" not in written
    assert move.headline.startswith("Talks ]8;;https://evil.example") and move.detail.startswith("line 1\n")


def test_cli_output_carries_no_escape_typed_by_a_player(moves_open):
    r = cli("submit", str(moves_open), "--team", "blue", "--kind", "propose", "--to", "red",
            "--headline", "Talks " + ESCAPES, "--term", ESCAPES, cwd=moves_open.parent)
    assert r.returncode == 0, r.stderr
    for args in (["status"], ["status", "--as", "blue"], ["status", "--json"]):
        out = cli(*args, str(moves_open), cwd=moves_open.parent)
        assert out.returncode == 0 and "Talks" in out.stdout
        assert not controls(out.stdout.replace("\n", "")), args
    assert not controls(r.stdout.replace("\n", ""))


def test_escapes_already_in_a_session_are_shown_visibly(moves_open):
    # A session written before text was cleaned: the escapes sit in its journal as typed.
    submitted = serial.event_data(MoveSubmitted("m1", "blue", "propose", "Old " + ESCAPES, 1))
    with Journal.open(moves_open) as journal:
        journal.transact(lambda new: [submitted])
    text = cli("status", str(moves_open), cwd=moves_open.parent)
    assert text.returncode == 0 and "Old \\x1b]8;;https://evil.example\\x07click" in text.stdout
    assert not controls(text.stdout.replace("\n", ""))
    data = cli("status", str(moves_open), "--json", cwd=moves_open.parent)
    assert not controls(data.stdout.replace("\n", ""))
    assert json.loads(data.stdout)["moves"][0]["headline"] == "Old " + ESCAPES  # the data itself is kept


# --- markup ----------------------------------------------------------------------------------


@pytest.fixture
def hostile_game(moves_open: Path) -> Path:
    """Markup in every field a player or the facilitator types, moves revealed, a counter open."""
    with Session.open(moves_open) as s:
        s.act(cmd.Submit("blue", "propose", MARKUP, ["red"], detail=MARKUP, arguments=[MARKUP], terms=[MARKUP]),
              "blue")
        s.act(cmd.Respond("red", "p1", Answer.COUNTER, note=MARKUP, terms=[MARKUP]), "red")
        s.act(cmd.Note(FACILITATOR, MARKUP, "strength", owner=MARKUP, due=MARKUP))
        s.act(cmd.Advance())
        s.act(cmd.Adjudicate("m1", MARKUP, public=True))
    return moves_open


def prompts(select: Select) -> list[str]:
    return [getattr(p, "plain", str(p)) for p, _ in select._options]


@run_async
async def test_a_party_opens_a_proposal_whose_title_is_markup(hostile_game):
    red = make_app(hostile_game, "red", poll=False)
    async with red.run_test(size=SIZE) as pilot:
        offer = next(p for p in red.session.state.proposals.values() if p.title == MARKUP)
        answers = red.screen.query_one("#answers", Select)
        assert f"{offer.id}: {MARKUP}" in prompts(answers), prompts(answers)
        answers.focus()
        await pilot.press("enter")  # the dropdown draws every option
        await pilot.pause()
        await pilot.press(*["down"] * (len(prompts(answers)) - 1), "enter")  # the last: blue's offer
        await pilot.pause()
        assert red.is_running and answers.value == offer.id
        proposals = red.screen.query_one("#proposals", DataTable)
        assert any(MARKUP in getattr(c, "plain", str(c)) for r in range(proposals.row_count)
                   for c in proposals.get_row_at(r))
        red.notify(f"refused: unknown kind '{MARKUP}'")  # a refusal quoting typed text
        await pilot.pause()
        assert red.is_running


@run_async
async def test_the_facilitator_console_shows_markup_as_typed_everywhere(hostile_game):
    fac = make_app(hostile_game, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        for key in "123456":
            await pilot.press(key)
            await pilot.pause()
        assert fac.is_running
        tables = {t.id: [getattr(c, "plain", str(c)) for r in range(t.row_count) for c in t.get_row_at(r)]
                  for t in fac.screen.query(DataTable)}
        for table in ("moves", "proposals", "notes"):
            assert any(MARKUP in cell for cell in tables[table]), (table, tables[table])
        # a refusal that quotes what was typed is shown as typed
        assert fac.act(cmd.Submit("red", MARKUP, "x"), FACILITATOR) is None
        await pilot.pause()
        assert fac.is_running


# --- what a team's own command tells it ------------------------------------------------------


def test_a_teams_command_output_shows_only_what_the_team_may_see(moves_open):
    where = moves_open.parent
    assert cli("respond", str(moves_open), "p1", "accept", "--team", "blue", cwd=where).returncode == 0
    told = cli("respond", str(moves_open), "p1", "accept", "--team", "red", cwd=where)
    assert told.returncode == 0, told.stderr
    assert "p1 is a deal" in told.stdout
    assert "objective met: blue" not in told.stdout, told.stdout  # blue's objectives are blue's
    facilitator = cli("status", str(moves_open), "--json", cwd=where)
    met = [c for c in json.loads(facilitator.stdout)["conditions"] if c["team"] == "blue"]
    assert met, "the deal met one of blue's objectives, which the facilitator sees"
    red_view = json.loads(cli("status", str(moves_open), "--as", "red", "--json", cwd=where).stdout)
    assert all(c["team"] != "blue" for c in red_view["conditions"])


def test_seen_by_hides_the_queue_and_others_deliveries(tmp_path):
    with Session.create(tmp_path / "s.session", MINIMAL) as s:
        opened = s.act(cmd.Advance())
        only_red = s.act(cmd.DeliverInject(MINIMAL.injects["local-warning"], ["red"]))
        assert [type(e).__name__ for e in s.seen_by("blue", only_red)] == []
        assert [type(e).__name__ for e in s.seen_by("red", only_red)] == ["InjectDelivered"]
        begun = s.events()[:len(s.events()) - len(opened) - len(only_red)]
        assert any(type(e).__name__ == "InjectQueued" for e in begun)
        assert not any(type(e).__name__ == "InjectQueued" for e in s.seen_by("blue", begun))
        assert s.seen_by(FACILITATOR, begun) == begun


@run_async
async def test_a_console_shows_old_escapes_written_out(moves_open):
    submitted = serial.event_data(MoveSubmitted("m1", "blue", "propose", "Old " + ESCAPES, 1))
    with Journal.open(moves_open) as journal:
        journal.transact(lambda new: [submitted])
    fac = make_app(moves_open, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        table = fac.screen.query_one("#moves", DataTable)
        headline = [str(c.label) for c in table.ordered_columns].index("Headline")  # as the screen orders them
        cell = table.get_row_at(0)[headline].plain
        assert "Old \\x1b]8;;https://evil.example\\x07click" in cell and not controls(cell)


def test_a_scenario_file_with_a_control_character_names_each_field(fixture_tree):
    path = fixture_tree / "scenarios" / "minimal.toml"
    path.write_text(path.read_text().replace('background = "Two sides."', 'background = "Two \\u001b[2J sides."')
                    .replace('text = "Blue wants calm."', 'text = "Blue \\u009b wants calm."'))
    r = cli("validate", str(path), "--library", str(fixture_tree / "injects"), cwd=fixture_tree)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert f"{path}: $.scenario.background: holds the control character \\x1b" in lines[0]
    assert f"{path}: $.teams.blue.position.stance[0].text: holds the control character \\x9b" in lines[1]
    assert not controls(r.stderr.replace("\n", ""))
