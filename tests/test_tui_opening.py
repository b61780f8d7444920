"""A console started from the command line draws where the game stands at once, from the
session's cover, and loads the game just after; nothing typed meanwhile is lost."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from conftest import run_async
from test_tui_keys import minimal, play  # noqa: F401 - a fixture
from textual import events
from textual.widgets import Input, TabbedContent

from exercise import cli, cli_console, cover
from exercise import commands as cmd
from exercise import events as ev
from exercise.session import Session
from exercise.tui import app as tui_app
from exercise.tui.app import opening_app
from exercise.tui.facilitator import FacilitatorScreen
from exercise.tui.team import TeamScreen


def test_the_cover_says_where_the_game_stands_after_every_commit(minimal):
    first = cover.read(minimal)
    assert first is not None and first.heading.startswith("Turn 1 of ") and first.heading.endswith("briefing: injects to deliver")
    assert first.teams == {"blue": "Blue", "red": "Red"} or set(first.teams) == {"blue", "red"}
    play(minimal, (cmd.Advance(),))
    assert cover.read(minimal).heading.endswith("moves open")
    with Session.open(minimal) as session:
        assert cover.read(minimal).title == session.scenario.info.title


def test_a_cover_behind_the_journal_or_in_no_session_file_is_none(minimal, tmp_path):
    with sqlite3.connect(minimal) as con:
        con.execute("UPDATE cover SET seq = seq - 1")
    assert cover.read(minimal) is None, "a commit after the cover: it would say what is no longer so"
    with Session.open(minimal):
        pass
    assert cover.read(minimal) is not None, "opening the session writes it again"
    (tmp_path / "junk.session").write_bytes(b"not a database at all" * 50)
    for path in (tmp_path / "junk.session", tmp_path / "missing.session", tmp_path):
        assert cover.read(path) is None
    assert not (tmp_path / "missing.session").exists(), "reading makes no file"


def test_an_older_file_without_a_cover_gets_one_when_opened(minimal):
    with sqlite3.connect(minimal) as con:
        con.execute("DROP TABLE cover")
    assert cover.read(minimal) is None and opening_app(minimal, "facilitator") is None
    with Session.open(minimal):
        pass
    assert cover.read(minimal) is not None and opening_app(minimal, "facilitator") is not None


def test_an_unknown_role_opens_the_usual_way_with_its_usual_error(minimal):
    assert opening_app(minimal, "green") is None
    assert cli.main(["join", str(minimal), "--team", "green"]) == 3


def _first_frame(monkeypatch) -> dict:
    """What the app showed as it began loading the session."""
    seen: dict = {}
    load = tui_app.ConsoleApp._open_session

    def open_session(self, path) -> None:
        seen["title"] = self.title
        seen["screen"] = type(self.screen).__name__
        seen["lines"] = [str(w.render()) for w in self.screen.query("#opening")]
        for key in seen.get("keys", ()):  # typed while the game loads
            self.post_message(events.Key(key, key if len(key) == 1 else None))
        load(self, path)

    monkeypatch.setattr(tui_app.ConsoleApp, "_open_session", open_session)
    return seen


@run_async
async def test_the_first_frame_is_the_cover_then_the_console(minimal, monkeypatch):
    play(minimal, (cmd.Advance(),))
    seen = _first_frame(monkeypatch)
    app = opening_app(minimal, "blue")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        name = cover.read(minimal).teams["blue"]
        assert seen["title"] == f"{name} · {cover.read(minimal).heading}", "the team's header, before the game loads"
        assert seen["lines"] == [f"Opening the console for {name}…"]
        assert isinstance(app.screen, TeamScreen)
        assert app.title.startswith(seen["title"]), "the console's header says the same"
        assert not app.screen_stack[0].query(".opening"), "the first frame's widgets are gone"


@run_async
async def test_keys_typed_while_the_console_loads_reach_it_in_order(minimal, monkeypatch):
    play(minimal, (cmd.Advance(),))
    seen = _first_frame(monkeypatch)
    seen["keys"] = ["n", "C", "a", "l", "m"]  # n: a note; then its text
    app = opening_app(minimal, "facilitator")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FacilitatorScreen)
        assert app.screen.query_one("#tabs", TabbedContent).active == "tab-hotwash"
        assert app.screen.query_one("#note-text", Input).value == "Calm"


@run_async
async def test_a_session_that_fails_to_open_after_its_cover_ends_the_app_with_why(minimal, monkeypatch):
    with sqlite3.connect(minimal) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'scenario'", (json.dumps({"info": "broken"}),))
    app = opening_app(minimal, "facilitator")
    assert app is not None, "the cover is current: it shows"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 1 and "scenario cannot be read" in app.failure


def test_the_fast_way_in_imports_none_of_the_game(tmp_path):
    """The modules a console's first frame needs: the command line, the app and the cover,
    not the rules, the state or the storage (they come after the frame)."""
    code = ("import sys; import exercise.cli, exercise.cli_console, exercise.tui.app; exercise.cli.build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith('exercise.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for game in ("exercise.session", "exercise.engine", "exercise.events", "exercise.state", "exercise.store",
                 "exercise.model", "exercise.tui.facilitator", "exercise.tui.team"):
        assert f"'{game}'" not in loaded, f"{game} is imported before the first frame"


def test_the_light_modules_constants_are_the_games():
    assert cli.ANSWERS == tuple(a.value for a in ev.Answer)
    assert cli.OUTCOMES == tuple(o.value for o in ev.Outcome)
    assert tui_app.FACILITATOR == cli_console.FACILITATOR == cmd.FACILITATOR
    assert tui_app.EVALUATOR == cmd.EVALUATOR


@run_async
async def test_keys_typed_in_a_burst_after_one_that_opens_a_form_land_in_the_form(minimal):
    """As tmux send-keys or a fast typist sends them: all queued before the first is handled."""
    from test_tui_keys import burst

    play(minimal, (cmd.Advance(),))
    app = tui_app.make_app(minimal, "facilitator", poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.2)
        burst(app, "n", *"Kept calm", "enter")
        for _ in range(40):
            await pilot.pause(0.02)
        assert app.screen.query_one("#tabs", TabbedContent).active == "tab-hotwash"
        with Session.open(minimal) as session:
            notes = [e.text for e in session.events() if isinstance(e, ev.NoteAdded)]
        assert notes == ["Kept calm"], "n opened the note field; the text and Enter went into it"


def test_keys_the_terminal_sends_while_a_held_one_is_on_its_way_keep_their_order(tmp_path):
    """On a real terminal: a key that opens a form, and a few milliseconds later the text for
    it, as tmux send-keys sends them (in separate writes). The letters come while the ones held
    behind the first key are being handed on, and must still fall in behind them."""
    import pty
    import struct
    import termios
    import threading
    import time
    from fcntl import ioctl

    from test_tui import FLAGSHIP

    path = tmp_path / "game.session"
    Session.create(path, FLAGSHIP).close()
    master, slave = pty.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen([sys.executable, "-m", "exercise", "facilitate", str(path)], stdin=slave, stdout=slave,
                            stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    shown = bytearray()
    reader = threading.Thread(target=lambda: _read_into(master, shown), daemon=True)
    reader.start()
    notes: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while b"Hot seat" not in shown and time.monotonic() < deadline:  # the footer: the console is whole
            time.sleep(0.05)
        texts = ["Run 1: quick", "Run 2: brown fox"]
        for text in texts:
            os.write(master, b"n")
            time.sleep(0.003)
            os.write(master, text.encode() + b"\r")
            while len(notes) < texts.index(text) + 1 and time.monotonic() < deadline:
                time.sleep(0.1)
                with Session.open(path) as session:
                    notes = [e.text for e in session.events() if isinstance(e, ev.NoteAdded)]
            os.write(master, b"\x1b")  # leave the field
            time.sleep(0.3)
        assert notes == texts
    finally:
        proc.kill()
        proc.wait()
        os.close(master)


def _read_into(fd: int, shown: bytearray) -> None:
    try:
        while chunk := os.read(fd, 65536):
            shown.extend(chunk)
    except OSError:
        pass


def test_a_console_command_is_parsed_alike_by_its_own_parser_and_the_whole_one():
    for argv in (["facilitate", "g.session"], ["join", "g.session", "--team", "us"]):
        alone, whole = (vars(p.parse_args(argv)) for p in (cli.build_parser(argv[0]), cli.build_parser()))
        assert alone.pop("func").__qualname__ == whole.pop("func").__qualname__
        assert alone == whole
    assert "validate" not in cli.build_parser("join").format_help(), "the others are not listed"
