"""A console kept up to date change by change shows what a console opened afresh shows."""

from pathlib import Path

import attrs
import pytest
from conftest import run_async
from textual.widgets import DataTable, Markdown, Static

from exercise import commands as cmd
from exercise import events as ev
from exercise.loading import load_library, load_scenario
from exercise.session import FACILITATOR, Session
from exercise.tui.app import ConsoleApp
from exercise.tui.widgets import LazyMarkdown

DATA = Path(__file__).parent / "data"
LIBRARY = load_library([DATA / "injects"])[0]
MINIMAL = load_scenario(DATA / "scenarios" / "minimal.toml", LIBRARY)
SCENARIO = attrs.evolve(MINIMAL, info=attrs.evolve(MINIMAL.info, moves_per_turn=3, turns=5))


def shown(app: ConsoleApp) -> dict:
    """What a console shows in its tables, track values and text panels, as plain data."""
    screen = app.screen
    tables = {table.id: [(key.value, [str(c) for c in table.get_row(key)]) for key in table.rows]
              for table in screen.query(DataTable)}
    statics = {w.id: str(w.render()) for w in screen.query(Static) if w.id in ("flags", "conditions")}
    markdown = {w.id: w.source for w in screen.query(Markdown) if w.id}
    markdown |= {w.id: w.source for w in screen.query(LazyMarkdown)}  # a document in a hidden tab: its text
    return {"tables": tables, "panels": statics, "markdown": markdown, "title": app.title}


def steps():
    """A game's commands from another connection: (command, actor)."""
    kind = {"blue": "propose", "red": "threaten"}
    yield cmd.Advance(), FACILITATOR
    yield cmd.Submit("blue", kind["blue"], "Talks", ["red"], terms=["Stop"]), "blue"
    yield cmd.Submit("red", kind["red"], "Troops", ["blue"]), "red"
    yield cmd.Submit("red", kind["red"], "Second thoughts", ["blue"]), "red"
    yield cmd.Withdraw("red", "m3"), "red"
    yield cmd.Revise("blue", "m1", "Talks, revised", ["red"], terms=["Stop", "Talk"]), "blue"
    yield cmd.Note("blue", "We mean it"), "blue"
    yield cmd.Advance(), FACILITATOR
    yield cmd.Adjudicate("m1", "Both listen", outcome=ev.Outcome.SUCCESS), FACILITATOR
    yield cmd.Adjudicate("m2", "Quietly", outcome=ev.Outcome.PARTIAL, public=False), FACILITATOR
    yield cmd.Advance(), FACILITATOR  # turn 2
    yield cmd.Respond("red", "p2", ev.Answer.ACCEPT), "red"
    yield cmd.DeliverInject(SCENARIO.injects["local-warning"], []), FACILITATOR
    yield cmd.Note(FACILITATOR, "A strength", "strength"), FACILITATOR
    yield cmd.Resolve("c1", "carried_out", "as threatened"), FACILITATOR
    yield cmd.Advance(), FACILITATOR
    yield cmd.Submit("blue", kind["blue"], "More talks", ["red"]), "blue"


@pytest.mark.parametrize("role", [FACILITATOR, "blue", "red"])
@run_async
async def test_a_console_refreshed_by_changes_shows_what_a_fresh_one_shows(tmp_path, role):
    path = tmp_path / "g.session"
    Session.create(path, SCENARIO).close()
    live = ConsoleApp(Session.open(path), role, poll=False)
    with Session.open(path) as other:
        async with live.run_test(size=(160, 48)) as pilot:
            for command, actor in steps():
                try:
                    other.act(command, actor)
                except Exception as exc:  # noqa: BLE001 - a step the game refuses is a broken test
                    pytest.fail(f"{command}: {exc}")
                live.check_for_changes()
                await pilot.pause()
                fresh = ConsoleApp(Session.open(path), role, poll=False)
                async with fresh.run_test(size=(160, 48)) as fresh_pilot:
                    await fresh_pilot.pause()
                    assert shown(live) == shown(fresh), f"after {command}"


@run_async
async def test_the_record_follows_the_newest_unless_the_reader_moved_back(tmp_path):
    path = tmp_path / "g.session"
    Session.create(path, SCENARIO).close()
    commands = list(steps())
    with Session.open(path) as other:
        for command, actor in commands[:10]:  # up to turn 1's rulings: m1 and m2 revealed
            other.act(command, actor)
        app = ConsoleApp(Session.open(path), "blue", poll=False)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            record = app.screen.query_one("#record", DataTable)
            assert record.row_count >= 2 and record.cursor_row == record.row_count - 1
            for command, actor in commands[10:]:
                other.act(command, actor)
            (revealed,) = [e for e in other.act(cmd.Advance(), FACILITATOR)  # turn 3's move revealed: one more row
                           if isinstance(e, ev.MovesRevealed)]
            app.check_for_changes()
            await pilot.pause()
            assert record.cursor_row == record.row_count - 1 > 1
            record.move_cursor(row=0)
            (late,) = revealed.moves
            other.act(cmd.Adjudicate(late, "Noted", outcome=ev.Outcome.SUCCESS), FACILITATOR)
            app.check_for_changes()
            await pilot.pause()
            assert record.cursor_row == 0
