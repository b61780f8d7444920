"""The consoles driven through Textual's Pilot: a full turn, a deal, dialogs, hot-seat, themes.

Every app is built with ``make_app`` on a session file in a temporary directory, as
``exercise facilitate`` and ``exercise join`` build theirs. Where two consoles share one file
they run side by side (nested ``run_test``) with polling on, and one sees the other's action
within the polling interval, as two terminals would. Players' input goes through the widgets
(keys, clicks); the tests read the outcome from the session's state and from the screen.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_async
from textual.widgets import Button, DataTable, Input, Markdown, Select, SelectionList, Static, TabbedContent

from exercise import commands as cmd
from exercise.events import Answer
from exercise.loading import load_library, load_scenario
from exercise.session import FACILITATOR, Refused, Session, UnruledMoves
from exercise.tui.app import POLL_SECONDS, make_app
from exercise.tui.facilitator import ChooseScreen, FacilitatorScreen, HotSeatScreen
from exercise.tui.team import CounterScreen, TeamScreen
from exercise.tui.widgets import ConfirmScreen, InfoScreen, MoveComposer, PromptScreen

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
MINIMAL = load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])
FLAGSHIP = load_scenario(REPO / "scenarios" / "ukraine-ceasefire-2025.toml")
SIZE = (160, 48)
POLL = POLL_SECONDS + 0.5  # one polling interval, and time to redraw
MARKUP = "[bold red]x[/] and [/oops]"  # a player's headline that is markup, and broken markup




@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    path = tmp_path / "x.session"
    Session.create(path, MINIMAL).close()
    return path


@pytest.fixture
def flagship(tmp_path: Path) -> Path:
    path = tmp_path / "x.session"
    Session.create(path, FLAGSHIP).close()
    return path


# --- reading the screen ----------------------------------------------------------------------


def screen_text(app) -> str:
    """What the terminal shows, as plain lines, read from the app's SVG screenshot.

    Each run of text in the SVG sits at x = column * 12.2 (Rich's character width).
    """
    svg = app.export_screenshot()
    lines: dict[int, dict[int, str]] = {}
    for x, line, text in re.findall(r'<text [^>]*x="([\d.]+)"[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>', svg):
        cells = lines.setdefault(int(line), {})
        for i, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            cells[round(float(x) / 12.2) + i] = char
    return "\n".join("".join(cells.get(i, " ") for i in range(max(cells) + 1)).rstrip()
                     for _, cells in sorted(lines.items()))


def rows(app, table_id: str) -> list[list[str]]:
    """A table's rows as plain strings."""
    table = app.screen.query_one(table_id, DataTable)
    return [[getattr(cell, "plain", str(cell)) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def column(app, table_id: str, name: str) -> list[str]:
    table = app.screen.query_one(table_id, DataTable)
    index = [str(c.label) for c in table.ordered_columns].index(name)  # as the screen shows them
    return [row[index] for row in rows(app, table_id)]


async def choose(pilot, select_id: str, value: str) -> None:
    """Pick ``value`` in a Select with the keyboard: open it, move down to the option, Enter."""
    select = pilot.app.screen.query_one(select_id, Select)
    values = [v for _, v in select._options if v is not Select.BLANK]  # the options, in order
    select.focus()
    await pilot.press("enter")
    current = select.value if select.value in values else None
    steps = values.index(value) - (values.index(current) if current else -1)
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "enter")
    assert select.value == value, f"{select_id} shows {select.value!r}, not {value!r}"


async def type_into(pilot, widget_id: str, text: str, clear: bool = False) -> None:
    """Type at the end of an input (or in place of what it holds), as a user would."""
    widget = pilot.app.screen.query_one(widget_id)
    widget.focus()
    if isinstance(widget, Input):
        await pilot.press("end", *(["backspace"] * len(widget.value) if clear else []))
    await pilot.press(*text)


async def wait_until(pilot, condition, timeout: float = POLL) -> None:
    """Let the apps run until ``condition()`` holds; by default within one polling interval."""
    start = time.perf_counter()
    while not condition():
        assert time.perf_counter() - start < timeout, f"the console did not show it within {timeout} s"
        await pilot.pause(0.05)


# --- a full turn -----------------------------------------------------------------------------


@run_async
async def test_a_full_turn_between_a_facilitator_and_a_team_on_one_file(minimal):
    fac, blue = make_app(minimal, FACILITATOR), make_app(minimal, "blue")
    async with fac.run_test(size=SIZE) as fp, blue.run_test(size=SIZE) as bp:
        assert rows(fac, "#queue")[0][0] == "m1", "turn 1's inject waits in the queue"
        assert "briefing" in str(fac.title)
        assert blue.screen.query_one("#submit-move", Button).disabled, "no moves before moves open"
        assert not fac.screen.query_one("#adjudication").display, "nothing to rule on yet"

        # the facilitator delivers the injects and opens moves; the team's console notices
        await fp.press("a")
        assert fac.session.state.phase.value == "moves"
        await wait_until(bp, lambda: "moves open" in str(blue.title))
        assert not blue.screen.query_one("#submit-move", Button).disabled
        assert "An offer is made." in blue.screen.query_one("#inbox", Markdown).source
        assert column(blue, "#proposals", "Id") == ["p1"]

        # the team composes a proposal in the composer and submits it with ctrl+s
        assert blue.focused is blue.screen.query_one("#kind"), "the composer has the focus"
        await choose(bp, "#kind", "propose")
        await type_into(bp, "#headline", "Talks in Geneva")
        await type_into(bp, "#detail", "No preconditions")
        blue.screen.query_one("#targets", SelectionList).focus()
        await bp.press("space")  # the first option: Red
        assert not blue.screen.query_one("#terms").has_class("hidden"), "a proposal asks for its terms"
        await type_into(bp, "#terms", "Stop firing")
        await bp.press("enter", *"Meet weekly")
        await type_into(bp, "#arguments", "Tired")
        await bp.press("ctrl+s")
        move = blue.session.state.moves["m1"]
        assert (move.team, move.kind, move.headline, move.targets) == ("blue", "propose", "Talks in Geneva", ["red"])
        assert (move.detail, move.terms, move.arguments) == (
            "No preconditions", ["Stop firing", "Meet weekly"], ["Tired"])
        assert rows(blue, "#my-moves") == [["m1", "submitted", "Talks in Geneva", "propose"]]
        assert blue.screen.query_one("#headline", Input).value == "", "the composer is cleared for the next move"

        # the facilitator's console shows it within the polling interval, and who is connected
        await wait_until(fp, lambda: "Talks in Geneva" in column(fac, "#moves", "Headline"))
        teams = {r[0]: r for r in rows(fac, "#teams")}
        assert teams["Blue"][1:] == ["1", "", "now"] and teams["Red"][3] == "—"

        # ready, seen by the facilitator; another process enters Red's move
        await bp.press("ctrl+g")
        assert "blue" in blue.session.state.ready
        with Session.open(minimal) as other:
            other.act(cmd.Submit("red", "threaten", "Red masses troops", ["blue"]), "red")
        await wait_until(fp, lambda: "Red masses troops" in column(fac, "#moves", "Headline"))
        assert {r[0]: r[2] for r in rows(fac, "#teams")}["Blue"] == "✓"
        assert "Red masses troops" not in screen_text(blue), "a hidden move stays hidden from the other team"

        # closing moves asks first; then the moves are revealed to everyone
        await fp.press("a")
        assert isinstance(fac.screen, ConfirmScreen)
        assert fac.session.state.phase.value == "moves", "nothing happens before the answer"
        await fp.click("#yes")
        assert fac.session.state.phase.value == "adjudication"
        await wait_until(bp, lambda: "Red masses troops" in column(blue, "#record", "Headline"))

        # the facilitator selects Red's move and rolls for it: 2d6 + for - against, 7 succeeds
        table = fac.screen.query_one("#moves", DataTable)
        table.focus()
        await fp.press("down")
        assert fac.screen.query_one("#adjudication").move.id == "m2"
        assert fac.screen.query_one("#outcome", Select).value == "dice"
        await type_into(fp, "#strong-for", "2", clear=True)
        await type_into(fp, "#narrative", "Noted")
        await fp.click("#rule")
        ruling = fac.session.state.moves["m2"].ruling
        assert ruling.method == "matrix" and ruling.modifier == 2 and len(ruling.rolls) == 2
        roll = str(fac.screen.query_one("#roll", Static).render())
        a, b = ruling.rolls
        assert f"m2 ruled {ruling.outcome.value} (2d6 {a}+{b}+2 = {a + b + 2}, needs 7)" in roll
        assert ruling.outcome.value == ("success" if a + b + 2 >= 7 else "failure")
        assert column(fac, "#moves", "Ruling")[column(fac, "#moves", "Move").index("m2")] == ruling.outcome.value
        panel = fac.screen.query_one("#adjudication")
        assert panel.move.id == "m1", "the cursor moves on to the move still without a ruling"
        assert fac.screen.query_one("#narrative", Input).value == "", "m2's narrative is not carried over"
        assert fac.screen.query_one("#strong-for", Input).value == "0"

        # advancing with a move unruled asks before leaving it so; rule it, then advance
        await fp.press("a")
        assert isinstance(fac.screen, ConfirmScreen) and "m1" in str(fac.screen.question)
        await fp.press("escape")
        assert fac.session.state.turn == 1
        await choose(fp, "#outcome", "success")
        await fp.click("#rule")
        assert fac.session.state.moves["m1"].ruling.outcome.value == "success"

        # the ruling travels back: the team's Record tab shows the outcome and the narrative
        await wait_until(bp, lambda: dict(zip(column(blue, "#record", "Move"), column(blue, "#record", "Outcome")))
                         .get("m1") == "success")
        record = {r[0]: r for r in rows(blue, "#record")}  # Move, Team, Outcome, Headline, Ruling, ...
        assert record["m2"][2] == ruling.outcome.value and record["m2"][4] == "Noted"
        assert record["m1"][2] == "success"

        table.focus()
        await fp.press("a")
        assert fac.session.state.turn == 2 and fac.session.state.phase.value == "briefing"
        assert fac.screen.query_one("#tabs", TabbedContent).active == "tab-injects", "the new phase's tab shows"
        await wait_until(bp, lambda: "Turn 2 of 3" in str(blue.title))
        assert rows(blue, "#my-moves") == [], "a new turn starts with no moves of its own"


@run_async
async def test_a_proposal_becomes_a_deal_when_both_teams_accept_in_their_inbox(minimal):
    with Session.open(minimal) as session:
        session.act(cmd.Advance())  # the offer is delivered; p1 is tabled to blue and red
    fac, blue, red = (make_app(minimal, role) for role in (FACILITATOR, "blue", "red"))
    async with fac.run_test(size=SIZE) as fp, blue.run_test(size=SIZE) as bp, red.run_test(size=SIZE) as rp:
        for app, pilot in ((blue, bp), (red, rp)):
            assert app.screen.query_one("#team-tabs", TabbedContent).active == "tab-inbox"
            await pilot.press("f4")  # the Deals tab: the proposals the team is party to, and their terms
            await pilot.pause()
            assert column(app, "#proposals", "Id") == ["p1"] and column(app, "#proposals", "Terms") == ["Stop; Talk"]
            assert app.focused is app.screen.query_one("#proposals")
            terms = str(app.screen.query_one("#proposal-terms", Static).render())
            assert "1. Stop" in terms and "2. Talk" in terms, "the terms are readable before accepting"
            await pilot.press("a")  # accepting asks first, showing the terms again
            assert isinstance(app.screen, ConfirmScreen) and "2. Talk" in app.screen.question
            await pilot.press("escape")
            assert app.role not in app.session.state.proposals["p1"].answers, "Escape accepts nothing"
            await pilot.click("#accept")
            await pilot.press("enter")  # the dialog's Accept button has the focus
        with Session.open(minimal) as session:
            assert session.state.proposals["p1"].status == "deal"
            assert session.state.tracks["tension"] == 4 and session.state.flags["truce"] is True
        await wait_until(fp, lambda: column(fac, "#proposals", "Status") == ["deal"])
        await wait_until(bp, lambda: column(blue, "#proposals", "Status") == ["deal"])
        assert column(blue, "#proposals", "Answers") == ["blue accept, red accept"]
        assert " 4/10" in screen_text(blue), "the deal's effect shows on the tracks"


@run_async
async def test_a_team_revises_and_withdraws_its_move(minimal):
    with Session.open(minimal) as session:
        session.act(cmd.Advance())
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        await choose(pilot, "#kind", "respond")
        await type_into(pilot, "#headline", "We will think about it")
        await pilot.click("#submit-move")
        assert blue.session.state.moves["m1"].headline == "We will think about it"
        blue.screen.query_one("#my-moves", DataTable).focus()
        await pilot.press("ctrl+o")
        assert blue.screen.query_one(MoveComposer).editing == "m1"
        assert blue.screen.query_one("#submit-move", Button).label.plain == "Update move"
        await type_into(pilot, "#headline", " carefully")
        await pilot.press("ctrl+s")
        assert blue.session.state.moves["m1"].headline == "We will think about it carefully"
        assert blue.screen.query_one(MoveComposer).editing is None
        blue.screen.query_one("#my-moves", DataTable).focus()
        await pilot.press("f8")  # withdrawing asks first
        assert isinstance(blue.screen, ConfirmScreen) and "We will think about it carefully" in blue.screen.question
        await pilot.press("n")
        assert blue.session.state.moves["m1"].status == "submitted"
        await pilot.press("f8", "y")
        assert blue.session.state.moves["m1"].status == "withdrawn"


# --- dialogs ---------------------------------------------------------------------------------


@run_async
async def test_escape_closes_every_dialog_and_changes_nothing(minimal):
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        events = len(fac.session.events())
        for key, tab in [("4", "tab-deals"), ("2", "tab-injects")]:
            await pilot.press(key)
            assert fac.screen.query_one("#tabs", TabbedContent).active == tab, "digits pick the tabs"
        for key, dialog in [("j", InfoScreen), ("l", ChooseScreen), ("h", ChooseScreen), ("s", PromptScreen),
                            ("e", ConfirmScreen)]:
            await pilot.press(key)
            assert isinstance(fac.screen, dialog), key
            await pilot.press("escape")
            assert isinstance(fac.screen, FacilitatorScreen), f"Escape did not close the dialog of {key}"
        assert len(fac.session.events()) == events
        await pilot.press("a")  # from the briefing straight to moves (nothing to lose)
        assert fac.session.state.phase.value == "moves"
        events = len(fac.session.events())
        await pilot.press("a")
        assert isinstance(fac.screen, ConfirmScreen)
        await pilot.press("escape")
        assert isinstance(fac.screen, FacilitatorScreen)
        assert fac.session.state.phase.value == "moves" and len(fac.session.events()) == events
        await pilot.press("h")
        await pilot.click("#ok")
        assert isinstance(fac.screen, HotSeatScreen)
        await pilot.press("escape")
        assert isinstance(fac.screen, FacilitatorScreen)
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        for key, tab in [("f2", "tab-brief"), ("f3", "tab-inbox"), ("f4", "tab-deals")]:
            await pilot.press(key)
            assert blue.screen.query_one("#team-tabs", TabbedContent).active == tab, "F2-F5 pick the tabs"
        await pilot.pause()
        await pilot.click("#counter")
        assert isinstance(blue.screen, CounterScreen)
        await pilot.press("escape")
        assert isinstance(blue.screen, TeamScreen)
        assert blue.session.state.proposals["p1"].answers == {}


@run_async
async def test_ending_the_game_asks_first_each_time(minimal):
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        assert isinstance(fac.screen, ConfirmScreen) and "hotwash" in fac.screen.question
        await pilot.click("#no")
        assert fac.session.state.phase.value == "briefing"
        await pilot.press("e")
        await pilot.click("#yes")
        assert fac.session.state.phase.value == "hotwash"
        assert fac.screen.query_one("#tabs", TabbedContent).active == "tab-hotwash"
        await pilot.press("a")  # in the hotwash, advancing is ending: it asks too
        assert isinstance(fac.screen, ConfirmScreen) and "end the game" in fac.screen.question
        await pilot.press("y")
        assert fac.session.state.phase.value == "ended"
        assert "ended" in str(fac.title)


@run_async
async def test_advancing_asks_about_unruled_moves_by_the_refusals_type_not_its_text(minimal):
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        real, advances = fac.session.act, []
        refusals = [Refused("moves without a ruling: m1 (adjudicate them, or advance with --force)"),
                    UnruledMoves(["m1"])]

        def act(command, actor):  # the first two advances are refused: by text alike, of two types
            if isinstance(command, cmd.Advance):
                advances.append(command.force)
                if refusals:
                    raise refusals.pop(0)
            return real(command, actor)

        fac.session.act = act
        await pilot.press("a")  # a plain refusal is shown, whatever its words
        assert isinstance(fac.screen, FacilitatorScreen) and fac.session.state.phase.value == "briefing"
        assert [n.message for n in fac._notifications][-1].startswith("moves without a ruling: m1")
        await pilot.press("a")  # UnruledMoves asks whether to go on anyway, naming the moves
        assert isinstance(fac.screen, ConfirmScreen) and "m1" in fac.screen.question
        await pilot.press("y")
        assert advances == [False, False, True], "going on anyway is a forced advance"
        assert fac.session.state.phase.value == "moves"


# --- text is data ----------------------------------------------------------------------------


@run_async
async def test_markup_in_a_headline_shows_literally(minimal):
    with Session.open(minimal) as session:
        session.act(cmd.Advance())
        session.act(cmd.Submit("red", "threaten", MARKUP, ["blue"], detail="[i]detail[/i]"), "red")
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        assert column(fac, "#moves", "Headline") == [MARKUP]
        assert MARKUP in screen_text(fac)
        fac.session.act(cmd.Advance())
        fac.refresh_console()
        fac.screen.query_one("#moves", DataTable).focus()
        await pilot.press("down", "up")
        panel_text = str(fac.screen.query_one("#adj-move", Static).render())
        assert MARKUP in panel_text and "[i]detail[/i]" in panel_text
        await pilot.pause()
        assert MARKUP in screen_text(fac)
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE) as pilot:
        blue.screen.query_one("#team-tabs", TabbedContent).active = "tab-record"
        await pilot.pause()
        assert column(blue, "#record", "Headline") == [MARKUP]
        assert MARKUP in screen_text(blue)


# --- hot-seat, palette, themes ---------------------------------------------------------------


@run_async
async def test_hot_seat_enters_a_move_for_a_chosen_team(minimal):
    with Session.open(minimal) as session:
        session.act(cmd.Advance())
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        assert isinstance(fac.screen, ChooseScreen)
        await choose(pilot, "#choice", "red")
        await pilot.click("#ok")
        assert isinstance(fac.screen, HotSeatScreen)
        assert "Red" in str(fac.screen.query_one(".heading").render())
        await choose(pilot, "#kind", "threaten")
        await type_into(pilot, "#headline", "Red warns Blue")
        await pilot.press("ctrl+s")
        assert isinstance(fac.screen, FacilitatorScreen), "the modal closes once the move is in"
        move = fac.session.state.moves["m1"]
        assert (move.team, move.kind, move.headline) == ("red", "threaten", "Red warns Blue")
        assert rows(fac, "#moves")[0] == ["m1", "red", "submitted", "", "Red warns Blue", "1", "threaten"]
        await pilot.press("h")
        await pilot.click("#ok")  # Blue: an empty composer is refused with a hint, the modal stays
        await pilot.click("#submit-move")
        assert isinstance(fac.screen, HotSeatScreen) and len(fac.session.state.moves) == 1


@run_async
async def test_the_command_palette_offers_each_consoles_actions(minimal):
    fac = make_app(minimal, FACILITATOR, poll=False)
    async with fac.run_test(size=SIZE) as pilot:
        commands = {c.title: c for c in fac.get_system_commands(fac.screen)}
        for title in ("Advance the game", "Deliver the selected inject", "Rule on the selected move",
                      "Enter a move for a team", "Show the join commands", "End the game"):
            assert title in commands
        commands["Advance the game"].callback()
        await pilot.pause()
        assert fac.session.state.phase.value == "moves"
        await pilot.press("ctrl+p")
        await pilot.press(*"join comm")
        await pilot.pause(0.3)
        assert "Show the join commands" in screen_text(fac)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(fac.screen, InfoScreen))
        await pilot.pause()
        assert f"exercise join {minimal} --team red" in fac.screen.text
        assert "Joining this session" in screen_text(fac)
    blue = make_app(minimal, "blue", poll=False)
    async with blue.run_test(size=SIZE):
        titles = {c.title for c in blue.get_system_commands(blue.screen)}
        assert {"Submit the move", "Mark ready / not ready", "Edit the selected move"} <= titles


@pytest.mark.parametrize("role", [FACILITATOR, "us"])
@run_async
async def test_light_and_dark_themes_both_render(flagship, role):
    app = make_app(flagship, role, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        dark = app.export_screenshot()
        assert app.current_theme.dark
        app.theme = "textual-light"
        await pilot.pause()
        assert not app.current_theme.dark
        light = app.export_screenshot()
        assert light != dark
        assert app.current_theme.background.lower() in light.lower(), "the light background is painted"
        for heading in (["Teams", "Tracks", "Escalation"] if role == FACILITATOR else ["New move", "Tracks"]):
            assert heading in screen_text(app)


# --- bad files and roles, from the command line ----------------------------------------------


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "exercise", *args], cwd=tmp_path, env=env, text=True,
                          capture_output=True, stdin=subprocess.DEVNULL, timeout=60)


def test_a_console_on_a_bad_file_or_role_says_so_in_one_line(tmp_path):
    Session.create(tmp_path / "good.session", FLAGSHIP).close()
    (tmp_path / "notes.session").write_text("Remember to bring the maps.\n")
    damaged = tmp_path / "damaged.session"
    damaged.write_bytes((tmp_path / "good.session").read_bytes()[:3000])
    cases = [
        (("join", "missing.session", "--team", "us"), 1, "missing.session"),
        (("facilitate", "missing.session"), 1, "missing.session"),
        (("join", "notes.session", "--team", "us"), 1, "not an exercise session"),
        (("facilitate", "damaged.session"), 1, "damaged"),
        (("join", "good.session", "--team", "nato"), 3, "unknown role 'nato'"),
    ]
    for args, code, message in cases:
        done = _run(tmp_path, *args)
        assert done.returncode == code, (args, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr and done.stdout == ""
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0] and lines[0].startswith("exercise: "), (args, done.stderr)


@run_async
async def test_the_report_is_one_action_with_a_progress_bar(flagship):
    from textual.widgets import ProgressBar, Static

    from exercise.tui.report import ReportScreen

    app = make_app(flagship, "facilitator", poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)
        await pilot.click("#report-write")
        for _ in range(150):
            await pilot.pause(0.1)
            if str(app.screen.query_one("#report-result", Static).render()).startswith("Written"):
                break
        bar = app.screen.query_one("#report-progress", ProgressBar)
        assert bar.total and bar.progress == bar.total
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportScreen)
    report = flagship.with_name(f"{flagship.stem}-report.html")
    assert report.is_file() and "After-Action Report" in report.read_text()


@run_async
async def test_the_facilitator_sees_the_end_state_when_it_is_reached(minimal):
    from textual.widgets import Static

    with Session.open(minimal) as s:
        s.act(cmd.Advance())
        s.act(cmd.Respond("blue", "p1", Answer.ACCEPT), "blue")
        s.act(cmd.Respond("red", "p1", Answer.ACCEPT), "red")
    app = make_app(minimal, "facilitator", poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert "End state reached now: Truce" in str(app.screen.query_one("#conditions", Static).render())
        app.act(cmd.End())
        app.act(cmd.End())
        await pilot.pause()
        assert "END STATE: Truce" in str(app.screen.query_one("#conditions", Static).render())
