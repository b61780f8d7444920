"""Snapshots of the main screens at 120x36, the size of a laptop terminal beside a projector.

Each screen is a flagship session brought to a moment through the session door (fixed seed,
so the same ids and dice), then shown by a console built with ``make_app``. Nothing on these
screens depends on the clock or the temporary path: no team console has touched the session
(so the facilitator's "Seen" column shows "—"), and the start-up notice that names the
session file is cleared before the shot. Update after a deliberate change with
``pytest tests/test_tui_snapshots.py --snapshot-update``, then look at the SVGs in
``tests/__snapshots__/test_tui_snapshots/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, TabbedContent

from exercise import commands as cmd
from exercise.loading import load_scenario
from exercise.session import FACILITATOR, Session
from exercise.tui.app import make_app

REPO = Path(__file__).resolve().parent.parent
FLAGSHIP = load_scenario(REPO / "scenarios" / "ukraine-ceasefire-2025.toml")
SIZE = (120, 36)


@pytest.fixture
def session_path(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = Path("game.session")
    Session.create(path, FLAGSHIP).close()
    return path


def play(path: Path, *steps: tuple) -> None:
    """Act on the session as (command, actor) steps, from another connection."""
    with Session.open(path) as session:
        for command, actor in steps:
            session.act(command, actor)


TURN_1_MOVES = (
    (cmd.Advance(), FACILITATOR),
    (cmd.Submit("us", "threaten", "Secondary sanctions on buyers of Russian oil if there is no cease-fire by turn 3",
                ["russia"], detail="Treasury has the designations ready.",
                arguments=["Buyers fear losing the US market", "Europe would follow"]), "us"),
    (cmd.Submit("russia", "propose", "Energy moratorium for 30 days", ["ukraine", "us"],
                terms=["No strikes on energy infrastructure", "No mobilisation in Ukraine"]), "russia"),
    (cmd.Submit("ukraine", "public-statement", "No deal about Ukraine without Ukraine", ["all"]), "ukraine"),
)


async def _settle(pilot) -> None:
    """Let the console finish mounting, then clear its notices (the start-up one names the file)."""
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_facilitator_in_the_briefing(snap_compare, session_path):
    app = make_app(session_path, FACILITATOR, poll=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_facilitator_adjudicating_a_selected_move(snap_compare, session_path):
    play(session_path, *TURN_1_MOVES, (cmd.Advance(), FACILITATOR))

    async def rule_one_select_another(pilot) -> None:
        await _settle(pilot)
        table = pilot.app.screen.query_one("#moves", DataTable)
        table.focus()
        await pilot.press("home")  # m1, the US threat: roll for it with one strong argument
        pilot.app.screen.query_one("#strong-for").value = "1"
        await pilot.click("#rule")
        assert pilot.app.session.state.moves["m1"].ruling is not None
        # the cursor moves on to the next move without a ruling: m2, Russia's proposal
        assert pilot.app.screen.query_one("#adjudication").move.id == "m2"
        await _settle(pilot)

    app = make_app(session_path, FACILITATOR, poll=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=rule_one_select_another)


def test_team_console_with_its_inbox(snap_compare, session_path):
    play(session_path, *TURN_1_MOVES)
    app = make_app(session_path, "ukraine", poll=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_team_brief(snap_compare, session_path):
    play(session_path, TURN_1_MOVES[0])

    async def show_brief(pilot) -> None:
        pilot.app.screen.query_one("#team-tabs", TabbedContent).active = "tab-brief"
        await _settle(pilot)

    app = make_app(session_path, "us", poll=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=show_brief)


SMALL = [(80, 24), (100, 30)]  # a laptop's default terminal, and a little more


@pytest.mark.parametrize("size", SMALL, ids=["80x24", "100x30"])
def test_facilitator_in_a_small_terminal(snap_compare, session_path, size):
    play(session_path, *TURN_1_MOVES, (cmd.Ready("us", True), "us"))
    app = make_app(session_path, FACILITATOR, poll=False)
    assert snap_compare(app, terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SMALL, ids=["80x24", "100x30"])
def test_team_console_in_a_small_terminal(snap_compare, session_path, size):
    play(session_path, *TURN_1_MOVES)
    app = make_app(session_path, "ukraine", poll=False)
    assert snap_compare(app, terminal_size=size, run_before=_settle)


@pytest.mark.parametrize("size", SMALL, ids=["80x24", "100x30"])
def test_team_deals_in_a_small_terminal(snap_compare, session_path, size):
    play(session_path, *TURN_1_MOVES)

    async def show_deals(pilot) -> None:
        await pilot.press("f4")  # the proposal's terms in full, under the table
        await _settle(pilot)

    app = make_app(session_path, "ukraine", poll=False)
    assert snap_compare(app, terminal_size=size, run_before=show_deals)
