"""The browser page: its tab says what it is, and the join screen's message line is in view in
a small window as in a large one.
"""

from __future__ import annotations

import json

import pytest
from conftest import run_async
from test_web import CHROMIUM, MINIMAL, _join, _tab, quick_waits, session_path  # noqa: F401 - fixtures
from test_web_door import Served, _get
from textual.widgets import Button, Static

from exercise.session import Session
from exercise.tui.app import ConsoleApp
from exercise.web import PAGE_TITLE, TITLE_MAX, ConsoleService, tab_title

TITLE = MINIMAL.info.title


@pytest.fixture
def served(session_path):
    server = Served(session_path, "127.0.0.1")
    yield server
    server.stop()


# --- the tab's title -------------------------------------------------------------------------


def test_the_tab_names_the_scenario_then_the_role(session_path):
    with Session.open(session_path) as s:
        assert tab_title(s) == f"{TITLE} · exercise"
        assert tab_title(s, "facilitator") == f"Facilitator · {TITLE} · exercise"
        assert tab_title(s, "blue") == f"{s.scenario.teams['blue'].name} · {TITLE} · exercise"


def test_the_page_has_the_title_and_asks_nothing_of_other_sites(served):
    status, page = _get(f"http://127.0.0.1:{served.port}/")
    assert status == 200
    assert f"<title>{TITLE} · exercise</title>" in page
    assert "https://" not in page and "//fonts" not in page, "the page loads nothing from outside the room"


def _service() -> tuple[ConsoleService, list[str], list[str]]:
    sent, closed = [], []

    async def write_str(text: str) -> None:
        sent.append(text)

    async def write_bytes(data: bytes) -> None:
        pass

    async def close() -> None:
        closed.append("closed")

    service = ConsoleService("true", write_bytes=write_bytes, write_str=write_str, close=close,
                             download_manager=None)
    return service, sent, closed


@run_async
async def test_a_console_names_its_tab_through_the_server():
    service, sent, closed = _service()
    await service.on_meta(json.dumps({"type": PAGE_TITLE, "title": "Blue\x1b]0;x\x07 · Talks\n"}).encode())
    await service.on_meta(json.dumps({"type": PAGE_TITLE, "title": "A" * 5000}).encode())
    await service.on_meta(b"not json")
    assert [json.loads(s) for s in sent] == [["title", "Blue]0;x · Talks"], ["title", "A" * TITLE_MAX]]
    await service.on_meta(json.dumps({"type": "exit"}).encode())  # textual-serve's own meta still works
    assert closed == ["closed"]


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
