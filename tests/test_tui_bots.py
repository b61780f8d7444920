"""The facilitator console hands a team to the doctrine bot and back ('o', or the palette)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_async
from test_tui import MINIMAL, choose, screen_text, wait_until

from exercise.session import FACILITATOR, Session
from exercise.tui.app import make_app
from exercise.tui.facilitator import ChooseScreen

SIZE = (160, 48)


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    path = tmp_path / "x.session"
    Session.create(path, MINIMAL).close()
    return path


@run_async
async def test_o_hands_a_team_to_the_bot_with_a_brief_and_back(minimal):
    app = make_app(minimal, FACILITATOR, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, ChooseScreen))
        await pilot.pause()
        await choose(pilot, "#choice", "blue bot dove")
        await pilot.click("#ok")
        await wait_until(pilot, lambda: app.session.state.bots == {"blue": "dove"})
        await wait_until(pilot, lambda: "Blue (bot)" in screen_text(app))  # the sidebar's list of teams
        told = [n.message for n in app._notifications]
        assert any(f"exercise bot {minimal} --team blue --brief dove" in m for m in told), told
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        titles["Hand a team to the bot, or back"].callback()
        await wait_until(pilot, lambda: isinstance(app.screen, ChooseScreen))
        await pilot.pause()
        await choose(pilot, "#choice", "blue human ")
        await pilot.click("#ok")
        await wait_until(pilot, lambda: app.session.state.bots == {})
        await wait_until(pilot, lambda: "Blue (bot)" not in screen_text(app))
    with Session.open(minimal) as s:
        assert [(h.team, h.to, h.brief) for h in s.state.handoffs] == [("blue", "bot", "dove"), ("blue", "human", "")]
