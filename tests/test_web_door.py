"""The browser door: reachable from the room's network, closed to floods, other sites' pages
and guessers, and leaving nothing behind when the server goes.

The servers here listen on this machine only. "Another address" is another loopback address
(127.0.0.2), which a server bound to 0.0.0.0 answers like any address of the machine, and a
browser in a network namespace the test makes, joined to this one by a veth pair.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import aiohttp
import pytest
from test_web import CHROMIUM, _free_port, _join, _tab, _wait_for, session_path  # noqa: F401 - a fixture

from exercise import access
from exercise.session import Session

REPO = Path(__file__).resolve().parent.parent
CODE = re.compile(r"\s+([A-Z2-9]{4}-[A-Z2-9]{4})\s+.*\((\w+)\)$")


class Served:
    """``exercise serve`` in a subprocess: its codes, its port, and its console processes."""

    def __init__(self, session: Path, host: str, port: int | None = None):
        self.port = port or _free_port()
        self.session = str(session).encode()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "exercise", "serve", str(session), "--host", host, "--port", str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)})
        self.codes: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while len(self.codes) < 4 and time.monotonic() < deadline:  # facilitator, evaluator, blue, red
            if match := CODE.match(self.process.stdout.readline()):
                self.codes[match.group(2)] = match.group(1)
        threading.Thread(target=self.process.stdout.read, daemon=True).start()  # keep the pipe drained
        _wait_for(f"http://127.0.0.1:{self.port}")

    def consoles(self) -> list[int]:
        """Pids of the web-console processes running for this server's session."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"web-console" in cmdline and self.session in cmdline:
                found.append(int(pid))
        return found

    async def open_console(self, client: aiohttp.ClientSession) -> aiohttp.ClientWebSocketResponse:
        """A browser tab's connection, once the server has started its console (waits up to 15 s)."""
        ws = await client.ws_connect(f"ws://127.0.0.1:{self.port}/ws")
        deadline = time.monotonic() + 15
        while not self.consoles() and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        return ws

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def served(session_path):
    server = Served(session_path, "0.0.0.0")
    yield server
    server.stop()


def _get(url: str, headers: dict | None = None) -> tuple[int, str]:
    async def fetch():
        async with aiohttp.ClientSession() as client, client.get(url, headers=headers or {}) as response:
            return response.status, await response.text()

    return asyncio.run(fetch())


def test_the_page_points_browsers_at_the_address_they_used(served):
    status, page = _get(f"http://127.0.0.1:{served.port}/", {"Host": f"192.0.2.7:{served.port}"})
    assert status == 200
    assert f'ws://192.0.2.7:{served.port}/ws' in page and f"http://192.0.2.7:{served.port}/static/" in page
    assert "0.0.0.0" not in page
    status, _ = _get(f"http://127.0.0.1:{served.port}/", {"Host": 'x"><script>alert(1)</script>'})
    assert status == 400


async def _console_says(url: str, headers: dict | None = None, send: str | None = None,
                        seconds: float = 6.0) -> tuple[str, bytes]:
    """Open a console websocket; return how it ended ('open', 'closed <code>' or 'refused <status>')."""
    async with aiohttp.ClientSession() as client:
        try:
            ws = await client.ws_connect(url, headers=headers or {}, max_msg_size=0)
        except aiohttp.WSServerHandshakeError as exc:
            return f"refused {exc.status}", b""
        received = b""
        if send is not None:
            await ws.send_str(send)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                message = await ws.receive(timeout=deadline - time.monotonic())
            except TimeoutError:
                break
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                await ws.close()
                return f"closed {ws.close_code}", received
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data
        await ws.close()
        return "open", received


def _no_console_for(served: Served, quiet: float, within: float) -> bool:
    """Whether, within ``within`` seconds, no console runs for ``quiet`` seconds on end.

    (A console may still be starting, not yet named as one, when its tab is cut off.)
    """
    deadline, since = time.monotonic() + within, None
    while time.monotonic() < deadline:
        if served.consoles():
            since = None
        elif since is None:
            since = time.monotonic()
        elif time.monotonic() - since >= quiet:
            return True
        time.sleep(0.1)
    return False


def test_a_console_opens_only_from_its_own_page(served):
    url = f"ws://127.0.0.1:{served.port}/ws"
    said, _ = asyncio.run(_console_says(url, {"Origin": "http://evil.example"}, seconds=1))
    assert said == "refused 403"
    said, frames = asyncio.run(_console_says(url, {"Origin": f"http://127.0.0.1:{served.port}"}))
    assert said == "open" and b"join code" in frames


def test_a_flood_before_any_code_is_cut_off_and_the_server_stays_up(served):
    url = f"ws://127.0.0.1:{served.port}/ws"
    flood = '["stdin", "' + "A" * 200_000 + '"]'
    said, _ = asyncio.run(_console_says(url, send=flood, seconds=10))
    assert said == "closed 1009", said  # aiohttp: message too big
    assert _no_console_for(served, 2.0, within=30), "the flooded console's process has ended"
    assert _get(f"http://127.0.0.1:{served.port}/")[0] == 200
    said, frames = asyncio.run(_console_says(url))
    assert said == "open" and b"join code" in frames


def test_malformed_messages_are_dropped_and_the_console_goes_on(served):
    async def talk():
        async with aiohttp.ClientSession() as client:
            ws = await client.ws_connect(f"ws://127.0.0.1:{served.port}/ws")
            for junk in ("not json", "[]", "[1]", '{"a": 1}', '["resize", {"width": 100000, "height": "x"}]',
                         '["stdin", 5]'):
                await ws.send_str(junk)
            await ws.send_str('["ping", "still there?"]')
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                message = await ws.receive(timeout=deadline - time.monotonic())
                if message.type == aiohttp.WSMsgType.TEXT and "still there?" in message.data:
                    await ws.close()
                    return True
                if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    return False
            return False

    assert asyncio.run(talk()), "the console answered after the junk"


def test_the_consoles_go_when_the_server_dies_and_hold_no_code(served):
    async def hold_open():
        async with aiohttp.ClientSession() as client:
            ws = await served.open_console(client)
            consoles = served.consoles()
            for pid in consoles:
                seen = Path(f"/proc/{pid}/environ").read_bytes() + Path(f"/proc/{pid}/cmdline").read_bytes()
                for code in served.codes.values():
                    assert code.encode() not in seen and access.normalise(code).encode() not in seen
            served.process.send_signal(signal.SIGKILL)
            served.process.wait(timeout=10)
            await ws.close()
            return consoles

    consoles = asyncio.run(hold_open())
    assert consoles, "a console process started for the connection"
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() and b"zombie" not in _state(pid) for pid in consoles):
        assert time.monotonic() < deadline, "a console outlived its server"
        time.sleep(0.2)


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/status").read_bytes().lower()
    except OSError:
        return b"zombie"


# --- guessing --------------------------------------------------------------------------------


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(access, "FIRST_WAIT", 0.2)
    monkeypatch.setattr(access, "GUESS_GAP", 0.05)


def test_one_connections_wrong_codes_never_stop_a_right_one_from_another(session_path, quick):
    with Session.open(session_path) as s:
        good = s.issue_join_code("blue")
        guesser = access.Throttle()
        for _ in range(4):
            with pytest.raises(access.WrongCode):
                s.join("AAAA-AAAA", guesser)
            with pytest.raises(access.WrongCode, match="too many wrong codes"):
                s.join("BBBB-BBBB", guesser)  # the guesser waits ...
            assert s.join(good, access.Throttle()) == "blue"  # ... a player behind the same address does not
            time.sleep(guesser.wait())


def test_one_connection_checks_one_code_at_a_time(session_path, quick):
    with Session.open(session_path) as s:
        s.issue_join_code("blue")
    tab, outcomes = access.Throttle(), []

    def guess():
        with Session.open(session_path) as mine:
            try:
                mine.join("AAAA-AAAA", tab)
            except access.WrongCode as exc:
                outcomes.append(str(exc))

    threads = [threading.Thread(target=guess) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = [o for o in outcomes if "opens nothing" in o]
    assert len(checked) == 1 and tab.failures == 1, outcomes  # the others were refused unchecked


def test_checks_across_all_connections_take_turns(session_path, quick, monkeypatch):
    monkeypatch.setattr(access, "GUESS_GAP", 0.1)
    with Session.open(session_path) as s:
        s.issue_join_code("blue")
    started: list[float] = []
    real = access.matches

    def timed(code, salt, digest):
        started.append(time.time())
        return real(code, salt, digest)

    monkeypatch.setattr(access, "matches", timed)
    def guesser():
        with Session.open(session_path) as mine:
            for _ in range(3):  # each a new connection, as a guesser reconnecting would be
                try:
                    mine.join("AAAA-AAAA", access.Throttle())
                except access.WrongCode:
                    pass

    threads = [threading.Thread(target=guesser) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # One role's hash is checked per try, each at its turn, the turns a gap apart. A check may
    # start late (a busy machine), never early, so any six checks span at least five gaps,
    # less what the first of them was late by (allowed for generously).
    started.sort()
    assert len(started) == 15
    spans = [started[i + 5] - started[i] for i in range(len(started) - 5)]
    assert min(spans) >= 5 * access.GUESS_GAP - 0.15, spans


def test_a_code_of_the_wrong_shape_is_wrong_unchecked(session_path, quick, monkeypatch):
    monkeypatch.setattr(access, "matches", lambda *a: pytest.fail("a malformed code was hashed"))
    with Session.open(session_path) as s:
        s.issue_join_code("blue")
        with pytest.raises(access.WrongCode):
            s.join("A" * 5000, access.Throttle())


# --- from another address, in a browser ------------------------------------------------------


def _team_console_in_a_browser(chromium: str, base: str, code: str, team: str, screenshot: Path) -> str:
    """Open ``base`` in a headless browser, join with ``code``, wait for ``team``'s console: its text."""
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        tab, seen = _tab(browser, base)
        _join(tab, code)
        deadline = time.monotonic() + 20
        while team not in seen() and time.monotonic() < deadline:
            tab.wait_for_timeout(250)
        tab.screenshot(path=str(screenshot))
        browser.close()
    return seen()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_browser_plays_through_another_address(served, session_path, tmp_path):
    shown = _team_console_in_a_browser(CHROMIUM, f"http://127.0.0.2:{served.port}", served.codes["red"], "Red",
                                       Path(os.environ.get("EXERCISE_SCREENSHOT", tmp_path / "red.png")))
    assert "Red" in shown and "Tracks" in shown, "the team console opened in a tab at another address"
    with Session.open(session_path) as s:
        assert any(p["role"] == "red" and p["client"].startswith("browser 127.") for p in s.presence())


@pytest.fixture
def other_host(tmp_path):
    """A second network namespace joined to this one by a veth pair: (its chromium, our address there)."""
    if os.geteuid() != 0 or not shutil.which("ip"):
        pytest.skip("a network namespace needs root and iproute2's ip")
    name = f"exr{os.getpid() % 100000}"
    ours, theirs = f"{name}a", f"{name}b"
    setup = [["ip", "netns", "add", name],
             ["ip", "link", "add", ours, "type", "veth", "peer", "name", theirs],
             ["ip", "link", "set", theirs, "netns", name],
             ["ip", "addr", "add", "10.254.254.1/30", "dev", ours], ["ip", "link", "set", ours, "up"],
             ["ip", "netns", "exec", name, "ip", "addr", "add", "10.254.254.2/30", "dev", theirs],
             ["ip", "netns", "exec", name, "ip", "link", "set", theirs, "up"],
             ["ip", "netns", "exec", name, "ip", "link", "set", "lo", "up"]]
    try:
        for step in setup:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode:
                pytest.skip(f"cannot make a network namespace here: {' '.join(step)}: {done.stderr.strip()}")
        wrapper = tmp_path / "chromium-there"
        wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {name} {CHROMIUM} "$@"\n')
        wrapper.chmod(0o755)
        yield str(wrapper), "10.254.254.1"
    finally:
        subprocess.run(["ip", "link", "del", ours], capture_output=True)
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)")
def test_a_browser_on_another_host_plays(served, session_path, other_host, tmp_path):
    chromium, address = other_host
    shown = _team_console_in_a_browser(chromium, f"http://{address}:{served.port}", served.codes["blue"], "Blue",
                                       tmp_path / "blue.png")
    assert "Blue" in shown and "Tracks" in shown, "the team console opened in a browser on the other host"
    with Session.open(session_path) as s:
        assert any(p["role"] == "blue" and p["client"] == "browser 10.254.254.2" for p in s.presence())
