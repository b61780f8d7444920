"""The Textual app: one console per role on an open session, kept live by polling.

Built through ``make_app`` so tests can make one on a temporary session. The app notices
other consoles' commits through the session's ``PRAGMA data_version`` twice a second and
refreshes its screen without touching what its user is typing.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterable
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from ..access import Throttle
from ..commands import EVALUATOR
from ..session import FACILITATOR, Refused, Session, SessionError

POLL_SECONDS = 0.5
PRESENCE_SECONDS = 5.0


def client_name() -> str:
    """Where this console runs, for the facilitator's list of who is connected."""
    where = os.environ.get("EXERCISE_CLIENT")  # the browser server sets the remote address
    if where:
        return where
    try:
        tty = os.ttyname(0).removeprefix("/dev/")
    except OSError:
        tty = f"pid {os.getpid()}"
    return f"{socket.gethostname()}:{tty}"


class ConsoleApp(App):
    """A facilitator or team console on one session."""

    CSS_PATH = "console.tcss"
    TITLE = "exercise"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]
    # the screen's class by the terminal's width, for console.tcss: 80 and 100 columns are
    # "-narrow" and "-medium"; at 140 and more there is room for everything ("-wide")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (140, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    NARROW = 120  # below this many columns the title leaves out the scenario's name, the footer is compact

    def __init__(self, session: Session, role: str | None, poll: bool = True, client: str | None = None,
                 exit_with_parent: bool = False):
        """A console for ``role``; with ``role`` None, a join-code screen decides it first.

        With ``exit_with_parent`` (a browser tab's console) it quits when the process that
        started it, the server, has gone.
        """
        super().__init__()
        self.session = session
        self.role = role
        self.poll = poll
        self.client = client or client_name()
        self.join_codes: dict[str, str] = {}  # role -> code, for the codes this console issued
        self.throttle = Throttle()  # this connection's wrong join codes
        self.server_pid = os.getppid() if exit_with_parent else None

    def on_mount(self) -> None:
        self.sub_title = self.session.scenario.info.title
        if self.role is None:
            from .join import JoinScreen

            self.push_screen(JoinScreen())
        else:
            self.open_console(self.role)
        if self.poll:
            self.set_interval(POLL_SECONDS, self.check_for_changes)
            self.set_interval(PRESENCE_SECONDS, self._touch)

    def open_console(self, role: str) -> None:
        """Show the console of ``role`` (after a join code, or at once)."""
        self.role = role
        console: Screen
        if role == EVALUATOR:  # each console's module only: importing the others is time before the first frame
            from .evaluator import EvaluatorScreen

            console = EvaluatorScreen()
        elif role == FACILITATOR:
            from .facilitator import FacilitatorScreen

            console = FacilitatorScreen()
        else:
            from .team import TeamScreen

            console = TeamScreen(role)
        if self.screen_stack and type(self.screen).__name__ == "JoinScreen":
            self.switch_screen(console)
        else:
            self.push_screen(console)
        self._touch()

    def _touch(self) -> None:
        if self.role is None:
            return
        try:
            self.session.touch(self.role, self.client)
        except SessionError:
            pass  # presence is a courtesy; never stop a console over it

    def check_for_changes(self) -> None:
        """Fold what other consoles committed, and redraw if anything changed."""
        if self.server_pid is not None and os.getppid() != self.server_pid:
            self.exit(return_code=1)  # the server has gone; no one can see this console
            return
        if self.session.changed() and self.session.refresh():
            self.refresh_console()

    def refresh_console(self) -> None:
        screen = self.screen
        if hasattr(screen, "show_view"):
            screen.show_view()
        else:  # a dialog is open: refresh the console underneath it
            for below in reversed(self.screen_stack):
                if hasattr(below, "show_view"):
                    below.show_view()
                    break

    def act(self, command, actor: str | None = None) -> list | None:
        """Carry out a command; a refusal is shown, not raised. Returns the events or None."""
        try:
            events = self.session.act(command, actor or self.role)
        except Refused as exc:
            self.notify(str(exc), title="Refused", severity="error", timeout=8)
            return None
        self.refresh_console()
        return events

    def notify(self, message: str, *, markup: bool = False, **kwargs) -> None:
        """A toast, always as plain text: messages quote what players typed (widgets pass markup=True)."""
        super().notify(message, markup=False, **kwargs)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's line; where the terminal is narrow, without the scenario's name (the turn,
        the phase and whether the team is ready come first and must show)."""
        return super().format_title(title, sub_title if self.size.width >= self.NARROW else "")

    def get_key_display(self, binding: Binding) -> str:
        """F-keys as F1, F2 (as on the keyboard), the rest as Textual shows them."""
        shown = super().get_key_display(binding)
        return shown.upper() if re.fullmatch(r"f\d{1,2}", shown) else shown

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        console = next((s for s in reversed(self.screen_stack) if hasattr(s, "palette_commands")), None)
        if console is not None:
            for title, help_text, callback in console.palette_commands():
                yield SystemCommand(title, help_text, callback)

    def on_unmount(self) -> None:
        self.session.close()


def make_app(session_path: Path | str, role: str, poll: bool = True) -> ConsoleApp:
    """A console app for ``role`` on the session at ``session_path``.

    Raises SessionError for a missing, damaged or foreign file, Refused for an unknown role.
    """
    session = Session.open(session_path)
    try:
        session.check_role(role)
    except Refused:
        session.close()
        raise
    return ConsoleApp(session, role, poll)
