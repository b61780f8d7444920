"""The browser page: its tab says what it is, the join screen's message line is in view at any
size, and a tab whose server restarts comes back by itself.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import aiohttp
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


# --- the server going, and the tab coming back -----------------------------------------------


def test_a_stopping_server_closes_its_consoles_as_going_away(served):
    async def hold_open():
        async with aiohttp.ClientSession() as client:
            ws = await served.open_console(client)
            served.process.terminate()
            began = time.monotonic()
            while (await ws.receive(timeout=30)).type not in (
                    aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                pass
            return ws.close_code, time.monotonic() - began

    code, seconds = asyncio.run(hold_open())
    assert code == aiohttp.WSCloseCode.GOING_AWAY and seconds < 5, (code, seconds)
    served.process.wait(timeout=10)
    deadline = time.monotonic() + 5  # the console ends as its connection closes, a moment after the server may
    while served.consoles():
        assert time.monotonic() < deadline, "the console quit with its connection"
        time.sleep(0.1)


def _browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"])


def _wait_until(page, done, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if done():
                return True
        except Exception:  # noqa: BLE001 - the page is reloading
            pass
        page.wait_for_timeout(250)
    return False


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_tab_comes_back_by_itself_after_the_server_restarts(session_path, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    server = Served(session_path, "127.0.0.1")
    port, base = server.port, f"http://127.0.0.1:{server.port}"
    typed = "Back channel via Oslo"
    try:
        with playwright.sync_playwright() as p:
            browser = _browser(p)
            tab, seen = _tab(browser, base)
            outside = []
            tab.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))
            classes = lambda: tab.evaluate("document.body.className").split()  # noqa: E731
            assert tab.title() == f"{TITLE} · exercise"
            _join(tab, server.codes["blue"])
            assert _wait_until(tab, lambda: tab.title() == f"Blue · {TITLE} · exercise"), tab.title()
            tab.keyboard.press("Tab")  # from the move's kind to its headline
            tab.keyboard.type(typed, delay=20)
            with Session.open(session_path) as s:
                assert _wait_until(tab, lambda: typed in json.dumps(s.draft("blue") or {})), "the draft is kept"
            server.stop()
            assert _wait_until(tab, lambda: "-reconnecting" in classes(), 5), classes()
            tab.screenshot(path=str(tmp_path / "reconnecting.png"))
            tab.wait_for_timeout(2000)  # the server is away a while
            assert "-reconnecting" in classes()
            server = Served(session_path, "127.0.0.1", port)
            before = len(seen())
            assert _wait_until(tab, lambda: "-closed" not in classes() and "join code" in seen()[before:], 30)
            assert tab.title() == f"{TITLE} · exercise", "a new console: no role yet"
            _join(tab, server.codes["blue"])  # the codes are new with the new server
            assert _wait_until(tab, lambda: "Draft restored" in seen() and typed in seen()[before:])
            tab.screenshot(path=str(tmp_path / "back.png"))
            browser.close()
        assert not outside, outside
    finally:
        server.stop()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_console_that_quits_stays_ended(served):
    playwright = pytest.importorskip("playwright.sync_api")
    base = f"http://127.0.0.1:{served.port}"
    with playwright.sync_playwright() as p:
        browser = _browser(p)
        tab, _ = _tab(browser, base)
        tab.wait_for_timeout(2500)
        tab.mouse.click(700, 450)
        tab.keyboard.press("Control+q")
        classes = lambda: tab.evaluate("document.body.className").split()  # noqa: E731
        assert _wait_until(tab, lambda: "-closed" in classes(), 10)
        tab.wait_for_timeout(3000)  # it does not reload itself: textual-serve's Restart is the way back
        assert "-closed" in classes() and "-reconnecting" not in classes()
        browser.close()
