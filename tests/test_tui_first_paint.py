"""The facilitator's first paint holds only the tab that shows: the others' widgets come just
after it, and a key that reaches into them before they have come waits for them."""

from __future__ import annotations

import pytest
from conftest import run_async
from test_tui_keys import minimal, play  # noqa: F401 - a fixture
from textual.widgets import DataTable, TabbedContent

from exercise import commands as cmd
from exercise.tui.app import make_app
from exercise.tui.facilitator import FacilitatorScreen


@pytest.fixture
def at_first_paint(monkeypatch):
    """What the facilitator's screen held as it was mounted, before its first paint; and a hook
    to press keys at that moment."""
    seen: dict = {}
    keys: list = []
    mounted = FacilitatorScreen.on_mount

    def on_mount(self) -> None:
        mounted(self)
        seen["tables"] = {t.id for t in self.query(DataTable)}
        for key in keys:
            key(self)

    monkeypatch.setattr(FacilitatorScreen, "on_mount", on_mount)
    return seen, keys


@run_async
async def test_the_hidden_tabs_come_after_the_first_paint_with_what_they_show(minimal, at_first_paint):
    play(minimal, (cmd.Advance(),), (cmd.Submit("blue", "propose", "Talks", ["red"], terms=["Stop"]), "blue"),
         (cmd.Note("facilitator", "Kept calm", "strength"), "facilitator"))
    seen, _ = at_first_paint
    app = make_app(minimal, "facilitator", poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert seen["tables"] == {"teams", "moves"}, "at first paint: the sidebar and the Moves tab only"
        screen = app.screen
        assert {t.id for t in screen.query(DataTable)} == {"teams", "moves", "queue", "proposals", "ledger", "notes", "feedback"}
        assert [str(c.label) for c in screen.query_one("#proposals", DataTable).columns.values()][:3] == ["Id", "By", "Status"]
        assert screen.query_one("#proposals", DataTable).row_count == 1, "the proposal tabled with the move"
        assert screen.query_one("#notes", DataTable).row_count == 1, "the note written before the console opened"


@run_async
async def test_a_key_pressed_before_the_hidden_tabs_have_come_waits_for_them(minimal, at_first_paint):
    play(minimal, (cmd.Advance(),))
    _, keys = at_first_paint
    keys.append(lambda screen: screen.action_note())  # n, as the screen first shows
    app = make_app(minimal, "facilitator", poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#tabs", TabbedContent).active == "tab-hotwash"
        assert app.focused is not None and app.focused.id == "note-text"


@run_async
async def test_a_team_inbox_comes_just_after_the_first_frame_and_then_follows_each_inject(minimal, monkeypatch):
    from textual.widgets import Markdown

    from exercise.tui.team import TeamScreen

    play(minimal, (cmd.Advance(),))
    at_mount: list[str] = []
    mounted = TeamScreen.on_mount

    def on_mount(self) -> None:
        mounted(self)
        at_mount.append(self.query_one("#inbox", Markdown).source)

    monkeypatch.setattr(TeamScreen, "on_mount", on_mount)
    app = make_app(minimal, "blue", poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        inbox = app.screen.query_one("#inbox", Markdown)
        assert at_mount == [""], "no inbox paragraphs to parse and style before the first frame"
        assert "An offer is made." in inbox.source and inbox.children, "then the inbox, at once"
        from exercise.session import Session

        with Session.open(minimal) as other:
            other.act(cmd.DeliverInject(other.scenario.injects["local-warning"], []), "facilitator")
        app.check_for_changes()
        await pilot.pause()
        assert inbox.source.count("###") == 2, "a new inject: the inbox follows at once"
