"""Browser access: ``exercise serve`` runs the consoles through textual-serve.

Each browser tab gets its own app process on the same session file. The first screen asks
for a join code, which decides the role. The tab's remote address reaches its process on the
command line, so the facilitator can see who is connected from where.
"""

from __future__ import annotations

import contextvars
import ipaddress
import json
import os
import shlex
import sys
from pathlib import Path

from textual_serve.server import Server

from .access import CODES_ENV
from .session import Session

_client: contextvars.ContextVar[str] = contextvars.ContextVar("client", default="")


class ExerciseServer(Server):
    """textual-serve's server, telling each app process which address it serves."""

    @property
    def command(self) -> str:
        client = _client.get()
        return f"{self._command} --client {shlex.quote(client)}" if client else self._command

    @command.setter
    def command(self, value: str) -> None:
        self._command = value

    async def handle_websocket(self, request):
        # aiohttp runs each connection in its own task, and a ContextVar is per task:
        # two tabs connecting at once each get their own address.
        _client.set(f"browser {request.remote or 'unknown'}")
        return await super().handle_websocket(request)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(session_path: Path, host: str, port: int) -> int:
    """Issue fresh join codes, print them, and serve the consoles until interrupted."""
    session_path = session_path.resolve()
    with Session.open(session_path) as session:
        codes = {role: session.issue_join_code(role) for role in session.roles()}
        names = {"facilitator": "Facilitator", **{t.id: t.name for t in session.scenario.teams.values()}}
        title = session.scenario.info.title
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    print(f"Serving {session_path.name} ({title}) at {url}")
    print("Join codes (new each time the server starts; the facilitator can rotate them):")
    for role, code in codes.items():
        print(f"  {code}  {names[role]} ({role})")
    if not is_loopback(host):
        print(f"WARNING: listening on {host}: anyone on that network who has a code can join.")
    os.environ[CODES_ENV] = json.dumps(codes)
    command = f"{shlex.quote(sys.executable)} -m exercise web-console {shlex.quote(str(session_path))}"
    server = ExerciseServer(command, host=host, port=port, title=f"exercise · {title}")
    server.serve()
    return 0
