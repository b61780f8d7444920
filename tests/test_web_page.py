"""The browser page: the join screen's message line is in view in a small window as in a large one."""

from __future__ import annotations

import pytest
from conftest import run_async
from test_web import quick_waits, session_path  # noqa: F401 - fixtures
from textual.widgets import Button, Static

from exercise.session import Session
from exercise.tui.app import ConsoleApp

# --- the join screen's message line ----------------------------------------------------------


def _shown(app, widget) -> bool:
    """Whether every row of ``widget`` is on the screen and not hidden under or cut off by another."""
    region = widget.region
    screen = app.screen.region
    return (region.height > 0 and screen.contains_region(region)
            and all(app.screen.get_widget_at(region.x, y)[0] is widget for y in range(region.y, region.bottom)))


@pytest.mark.parametrize("size", [(40, 12), (50, 16), (80, 24), (160, 48)])
@run_async
async def test_the_join_screens_message_line_is_in_view(session_path, size):
    app = ConsoleApp(Session.open(session_path), None, poll=False)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#join-message", Static)
        assert _shown(app, line) and "press Enter" in str(line.render()), "it says what to do"
        await pilot.press("enter")
        await pilot.pause()
        assert _shown(app, line) and "Type the code first" in str(line.render())
        await pilot.press(*"WRONG-CODE", "enter")
        for _ in range(60):
            await pilot.pause(0.05)
            if "opens nothing" in str(line.render()):
                break
        assert "That code opens nothing here: wait" in str(line.render()) and line.has_class("-error")
        assert _shown(app, line), f"the refusal is in view at {size}"
        assert _shown(app, app.screen.query_one("#join-button", Button))
        await pilot.pause(0.4)  # the wait after one wrong code (0.2 s in tests)
        assert "enter it again" in str(line.render()) and not app.screen.query_one("#join-button").disabled
