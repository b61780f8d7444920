"""Browser access: join codes decide the role, wrong ones wait longer each time, drafts survive."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_async

from exercise import access
from exercise import commands as cmd
from exercise import events as ev
from exercise.loading import load_library, load_scenario
from exercise.session import Session
from exercise.tui.app import ConsoleApp

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent
MINIMAL = load_scenario(DATA / "scenarios" / "minimal.toml", load_library([DATA / "injects"])[0])




@pytest.fixture
def session_path(tmp_path):
    path = tmp_path / "web.session"
    with Session.create(path, MINIMAL) as session:
        session.act(cmd.Advance())
    return path


@pytest.fixture(autouse=True)
def quick_waits(monkeypatch):
    monkeypatch.setattr(access, "FIRST_WAIT", 0.2)


def test_codes_open_their_role_and_are_stored_only_as_hashes(session_path):
    with Session.open(session_path) as s:
        codes = {role: s.issue_join_code(role) for role in s.roles()}
        assert set(codes) == {"facilitator", "evaluator", "blue", "red"} and len(set(codes.values())) == 4
        assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", c) for c in codes.values())
        assert s.join(codes["blue"], access.Throttle()) == "blue"
        assert s.join(codes["red"].lower().replace("-", " "), access.Throttle()) == "red"  # as read out in a room
    raw = session_path.read_bytes() + Path(f"{session_path}-wal").read_bytes() if Path(f"{session_path}-wal").exists() else session_path.read_bytes()
    for code in codes.values():
        assert code.encode() not in raw and access.normalise(code).encode() not in raw


def test_wrong_codes_are_refused_with_a_growing_delay(session_path):
    with Session.open(session_path) as s:
        good = s.issue_join_code("blue")
        tab, waits = access.Throttle(), []
        for _ in range(3):
            with pytest.raises(access.WrongCode) as err:
                s.join("AAAA-AAAA", tab)
            waits.append(err.value.wait)
            with pytest.raises(access.WrongCode, match="too many wrong codes"):
                s.join(good, tab)  # even the right code is refused on this connection until the wait is over
            assert s.join(good, access.Throttle()) == "blue", "one connection's failures do not hold up another"
            time.sleep(err.value.wait + 0.05)
        assert waits[0] < waits[1] < waits[2]
        assert s.join(good, tab) == "blue"


def test_a_rotated_code_stops_working(session_path):
    with Session.open(session_path) as s:
        old = s.issue_join_code("red")
        new = s.issue_join_code("red")
        with pytest.raises(access.WrongCode):
            s.join(old, access.Throttle())
        assert s.join(new, access.Throttle()) == "red"


@run_async
async def test_the_join_screen_decides_the_role_and_refuses_wrong_codes(session_path):
    from textual.widgets import Static

    with Session.open(session_path) as s:
        blue = s.issue_join_code("blue")
    app = ConsoleApp(Session.open(session_path), None, poll=False, client="browser 10.0.0.9")
    async with app.run_test(size=(160, 48)) as pilot:
        assert type(app.screen).__name__ == "JoinScreen" and app.role is None
        await pilot.press(*"WRONG-CODE", "enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if "opens nothing" in str(app.screen.query_one("#join-message", Static).render()):
                break
        assert "opens nothing" in str(app.screen.query_one("#join-message", Static).render())
        assert type(app.screen).__name__ == "JoinScreen"
        await pilot.pause(0.4)  # the wait after one wrong code
        await pilot.press(*blue, "enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if app.role:
                break
        assert app.role == "blue" and type(app.screen).__name__ == "TeamScreen"
        # the team's console acts for the team alone: not for another team, not as the facilitator
        assert app.act(cmd.Submit("red", "threaten", "Not ours")) is None
        assert app.act(cmd.Advance()) is None
        assert app.act(cmd.Submit("blue", "propose", "Ours")) is not None
    with Session.open(session_path) as s:
        assert [(m.team, m.headline) for m in s.state.moves.values()] == [("blue", "Ours")]
        assert any(p["role"] == "blue" and p["client"] == "browser 10.0.0.9" for p in s.presence())


@run_async
async def test_a_draft_survives_a_closed_console(session_path):
    from exercise.tui.widgets import MoveComposer

    first = ConsoleApp(Session.open(session_path), "blue", poll=False)
    async with first.run_test(size=(160, 48)) as pilot:
        await pilot.click("#headline")
        await pilot.press(*"Half-typed offer")
        await pilot.pause(1.3)  # the draft is kept every second
    # the tab is closed; a new console for the same team gets the draft back
    second = ConsoleApp(Session.open(session_path), "blue", poll=False)
    async with second.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert second.screen.query_one(MoveComposer).values()["headline"] == "Half-typed offer"
        second.screen.query_one(MoveComposer).fill({"kind": "propose", "headline": "Half-typed offer"})
        await pilot.press("ctrl+s")
        await pilot.pause()
    with Session.open(session_path) as s:
        assert s.draft("blue") is None, "a submitted move leaves no draft"
        assert [m.headline for m in s.state.moves.values()] == ["Half-typed offer"]


@run_async
async def test_the_facilitator_rotates_a_code_and_sees_who_is_connected(session_path):
    from textual.widgets import DataTable

    with Session.open(session_path) as s:
        old = s.issue_join_code("red")
        s.touch("red", "browser 10.1.2.3")
    app = ConsoleApp(Session.open(session_path), "facilitator", poll=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("k")
        await pilot.pause()
        codes = app.screen.query_one("#codes", DataTable)
        connections = app.screen.query_one("#connections", DataTable)
        assert any("browser 10.1.2.3" in str(cell) for row in range(connections.row_count)
                   for cell in connections.get_row_at(row))
        codes.move_cursor(row=[k.value for k in codes.rows].index("red"))
        await pilot.press("r")
        await pilot.pause()
        new = app.join_codes["red"]
        assert new != old and any(new == str(cell) for cell in codes.get_row(codes.get_row_at(codes.cursor_row) and "red"))
        await pilot.press("escape")
    with Session.open(session_path) as s:
        with pytest.raises(access.WrongCode):
            s.join(old, access.Throttle())
        assert s.join(new, access.Throttle()) == "red"


def test_serve_warns_when_it_listens_beyond_this_machine():
    from exercise.web import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")


# --- the browser, end to end ----------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_two_browser_tabs_a_team_and_the_facilitator(session_path, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "exercise", "serve", str(session_path), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        codes, banner = {}, []
        deadline = time.monotonic() + 30
        while len(codes) < 4 and time.monotonic() < deadline:
            line = server.stdout.readline()
            banner.append(line)
            if match := re.match(r"\s+([A-Z2-9]{4}-[A-Z2-9]{4})\s+.*\((\w+)\)$", line):
                codes[match.group(2)] = match.group(1)
        assert set(codes) == {"facilitator", "evaluator", "blue", "red"}, banner
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        headline = "Talks in Vienna next week"
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])
            facilitator, seen_by_facilitator = _tab(browser, base)
            team, _ = _tab(browser, base)
            _join(facilitator, codes["facilitator"])
            _join(team, codes["blue"])
            # the team's composer has the focus: choose the kind (which moves on to the headline),
            # type the headline, submit
            team.keyboard.press("Enter")
            team.wait_for_timeout(500)
            team.keyboard.press("ArrowDown")
            team.keyboard.press("Enter")
            team.wait_for_timeout(500)
            team.keyboard.type(headline, delay=20)
            team.wait_for_timeout(800)  # keys travel to the app in order, but take time to land
            team.keyboard.press("Control+s")
            deadline = time.monotonic() + 20
            while headline not in seen_by_facilitator() and time.monotonic() < deadline:
                facilitator.wait_for_timeout(250)
            team.screenshot(path=str(tmp_path / "team.png"))
            facilitator.screenshot(path=str(tmp_path / "facilitator.png"))
            browser.close()
        assert headline in seen_by_facilitator(), "the facilitator's tab shows the team's move"
        with Session.open(session_path) as s:
            moves = [e for e in s.events() if isinstance(e, ev.MoveSubmitted)]
            assert [(m.team, m.headline) for m in moves] == [("blue", headline)]
            roles = {p["role"] for p in s.presence() if p["client"].startswith("browser 127.0.0.1")}
            assert roles == {"facilitator", "blue"}
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(url: str) -> None:
    import urllib.request

    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _tab(browser, base: str):
    """A page whose app-to-browser traffic is recorded, and a function giving it as text."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    # nothing but the local server: the page's web-font link must not leave the machine
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())))
    page.goto(base)
    return page, lambda: b"".join(frames).decode("utf-8", "ignore")


def _join(page, code: str) -> None:
    page.wait_for_timeout(2500)  # the terminal connects and the join screen paints
    page.mouse.click(700, 450)
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_timeout(2500)
