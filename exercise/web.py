"""Browser access: ``exercise serve`` runs the consoles through textual-serve.

Each browser tab gets its own app process on the same session file. The first screen asks
for a join code, which decides the role. The tab's remote address reaches its process on the
command line, so the facilitator can see who is connected from where. No join code is ever
put in a process's environment or command line.

The page is textual-serve's own template with a few changes (exercise/templates): the tab's
title names the scenario and, once a code is in, the role (the console sends it as a meta
packet, relayed to the page); when the server stops it closes every connection as going
away, and a page whose connection was lost reloads itself once the server answers again.
"""

from __future__ import annotations

import asyncio
import contextvars
import ctypes
import ipaddress
import json
import logging
import re
import shlex
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from .session import Session
from .text import clean

MAX_MESSAGE = 64 * 1024  # bytes in one message from a browser: a long paste, not a flood
MAX_CONNECTIONS = 64  # browser tabs at once (each is a console process)
STOP_SECONDS = 5.0  # how long a console has to quit after its tab goes
TITLE_MAX = 200  # characters of a tab's title
PAGE_TITLE = "exercise-page-title"  # the meta packet a console sends to name its browser tab
TEMPLATES = Path(__file__).parent / "templates"  # textual-serve's page, with a title and a reconnect
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")  # a Host header, nothing else

_client: contextvars.ContextVar[str] = contextvars.ContextVar("client", default="")
log = logging.getLogger("exercise.web")


class ExerciseServer(Server):
    """textual-serve's server, made fit for a room's network.

    Pages point browsers back at the address they used (not the one the server listens on,
    which may be 0.0.0.0); a websocket must come from the server's own page (Origin), carry
    messages of at most ``MAX_MESSAGE`` bytes, and be one of at most ``max_connections``.
    """

    def __init__(self, command: str, host: str, port: int, title: str, public_url: str | None = None,
                 max_connections: int = MAX_CONNECTIONS):
        super().__init__(command, host=host, port=port, title=title, templates_path=TEMPLATES)
        self.fixed_url = public_url.rstrip("/") if public_url else None
        self.max_connections = max_connections
        self.connections = 0
        self.websockets: set[web.WebSocketResponse] = set()

    @property
    def command(self) -> str:
        client = _client.get()
        return f"{self._command} --client {shlex.quote(client)}" if client else self._command

    @command.setter
    def command(self, value: str) -> None:
        self._command = value

    def _base_url(self, request: web.Request) -> str:
        if self.fixed_url:
            return self.fixed_url
        if not _HOST.match(request.host):
            raise web.HTTPBadRequest(text="a malformed Host header")
        return f"{request.scheme}://{request.host}"

    async def handle_index(self, request: web.Request):
        # textual-serve builds the page's URLs from public_url, synchronously, in this call:
        # set it to the address this browser used just before.
        self.public_url = self._base_url(request)
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab's console: its process lives as long as the websocket."""
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != urlsplit(self._base_url(request)).netloc:
            log.warning("refused a console from another site's page (Origin %s)", origin)
            raise web.HTTPForbidden(text="this console opens only from its own page")
        if self.connections >= self.max_connections:
            raise web.HTTPServiceUnavailable(text=f"{self.max_connections} consoles are open already")
        self.connections += 1
        # aiohttp runs each connection in its own task, and a ContextVar is per task:
        # two tabs connecting at once each get their own address (see ``command``).
        _client.set(f"browser {request.remote or 'unknown'}")
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        console = None
        try:
            await websocket.prepare(request)
            self.websockets.add(websocket)
            console = ConsoleService(self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                     close=websocket.close, download_manager=self.download_manager,
                                     debug=self.debug)
            await console.start(_size(request.query.get("width"), 80), _size(request.query.get("height"), 24))
            await self._process_messages(websocket, console)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:  # noqa: BLE001 - one tab's trouble is logged, never the server's end
            log.exception("a console connection failed")
        finally:
            self.connections -= 1
            self.websockets.discard(websocket)
            if console is not None:
                await _stop(console)
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every tab's connection as going away: its console quits, its page reconnects.

        (Left open, aiohttp would wait for them before it stops, and the pages would see a
        connection cut off rather than closed.)
        """
        for websocket in list(self.websockets):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"the server is stopping")

    async def _process_messages(self, websocket: web.WebSocketResponse, console: AppService) -> None:
        """Pass a tab's keys, size and focus to its console; anything malformed is dropped."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
                kind, data = envelope[0], (envelope[1] if len(envelope) > 1 else None)
            except (ValueError, TypeError, KeyError, IndexError):
                continue
            if kind == "stdin" and isinstance(data, str):
                await console.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                await console.set_terminal_size(_size(data.get("width"), 80), _size(data.get("height"), 24))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await console.blur()
            elif kind == "focus":
                await console.focus()


class ConsoleService(AppService):
    """One tab's console process; it may name its tab (``PAGE_TITLE``), which the page shows."""

    async def on_meta(self, data: bytes) -> None:
        try:
            meta = json.loads(data)
        except ValueError:
            return
        if isinstance(meta, dict) and meta.get("type") == PAGE_TITLE:
            title = " ".join(clean(str(meta.get("title", ""))).split())[:TITLE_MAX]
            await self.remote_write_str(json.dumps(["title", title]))
        else:
            await super().on_meta(data)


def tab_title(session: Session, role: str | None = None) -> str:
    """A browser tab's title: the role (once chosen), the scenario, and what this is."""
    parts = [session.scenario.info.title, "exercise"]
    if role is not None:
        parts.insert(0, session.role_names().get(role, role))
    return " · ".join(parts)


def name_the_tab(app, title: str) -> None:
    """Ask the browser tab that shows ``app`` to take ``title``; in a terminal, nothing."""
    driver = app._driver  # Textual offers no public way to send its page a message
    if driver is not None and driver.is_web:
        driver.write_meta({"type": PAGE_TITLE, "title": title})


async def _stop(console: AppService) -> None:
    """Ask a console to quit; end its process if it has not within STOP_SECONDS.

    A console still starting up when its tab goes may miss the request to quit.
    """
    try:
        await asyncio.wait_for(console.stop(), STOP_SECONDS)
    except TimeoutError:
        process = console._process  # textual-serve keeps it private and offers no kill
        if process is not None and process.returncode is None:
            log.warning("a console did not quit when asked; ending it")
            process.kill()
            await process.wait()


def _size(value, default: int) -> int:
    """A terminal dimension a browser asked for, within reason."""
    try:
        return max(10, min(int(value), 1000))
    except (ValueError, TypeError):
        return default


def die_with_parent() -> None:
    """Ask Linux to end this process when its parent (the server) dies; elsewhere, the console's poll does."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(session_path: Path, host: str, port: int, public_url: str | None = None) -> int:
    """Issue fresh join codes, print them, and serve the consoles until interrupted."""
    session_path = session_path.resolve()
    with Session.open(session_path) as session:
        codes = {role: session.issue_join_code(role) for role in session.roles()}
        names = session.role_names()
        title = session.scenario.info.title
        page_title = tab_title(session)
    url = public_url or f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    print(f"Serving {session_path.name} ({title}) at {url}")
    print("Join codes (new each time the server starts; the facilitator can rotate them):")
    for role, code in codes.items():
        print(f"  {code}  {names[role]} ({role})")
    if not is_loopback(host):
        print(f"WARNING: listening on {host}: anyone on that network who has a code can join.")
    # exec: the console is the server's own child (not a shell's), so it can end with the server
    command = f"exec {shlex.quote(sys.executable)} -m exercise web-console {shlex.quote(str(session_path))}"
    server = ExerciseServer(command, host=host, port=port, title=page_title, public_url=public_url)
    server.serve()
    return 0
