"""The Textual app: one console per role on an open session, kept live by polling.

Built through ``make_app`` so tests can make one on a temporary session. The app notices
other consoles' commits through the session's ``PRAGMA data_version`` twice a second and
refreshes its screen without touching what its user is typing.

The command line starts a console with ``opening_app``: its first frame is drawn from the
session's cover (``exercise.cover``) before the game is loaded, so this module imports the
game's modules only when it opens the session.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from .. import cover as covers
from ..access import Throttle
from ..cover import Cover
from .opening import opening

if TYPE_CHECKING:
    from ..session import Session

FACILITATOR, EVALUATOR = "facilitator", "evaluator"  # commands.FACILITATOR, commands.EVALUATOR (a test keeps them so)

POLL_SECONDS = 0.5
KEY_SECONDS = 0.25  # the most a key is waited for before the next goes (one a widget swallowed unseen)
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

    def __init__(self, session: Session | None, role: str | None, poll: bool = True, client: str | None = None,
                 exit_with_parent: bool = False, opening: tuple[Path, Cover] | None = None):
        """A console for ``role``; with ``role`` None, a join-code screen decides it first.

        With ``exit_with_parent`` (a browser tab's console) it quits when the process that
        started it, the server, has gone. With ``opening`` (a path and its cover) and no
        ``session``, it shows the cover at once and then opens the session; if that fails it
        exits with ``failure`` set to what is wrong.
        """
        super().__init__()
        self.session = session  # type: ignore[assignment]  # None only until _open_session
        self.role = role
        self.poll = poll
        self.client = client or client_name()
        self.join_codes: dict[str, str] = {}  # role -> code, for the codes this console issued
        self.throttle = Throttle()  # this connection's wrong join codes
        self.server_pid = os.getppid() if exit_with_parent else None
        self.failure: str | None = None
        self._opening = opening
        # keys are handed to the console one at a time: these wait for the one before them, or
        # (while ``_loading``) for the console to be there
        self._loading = opening is not None
        self._held: list[events.Key | events.Paste] = []
        self._in_flight: events.Key | events.Paste | None = None  # the key being seen to, or handed on

    def compose(self) -> ComposeResult:
        if self._opening is not None:  # the first frame, on the app's own screen: Ready follows it
            yield from opening(self, self._opening[1], self.role or "")

    def on_mount(self) -> None:
        if self._opening is None:
            self._start()

    def on_ready(self) -> None:
        # the first frame, the cover, is on the terminal: now the time it takes to load the game
        if self.session is None and self._opening is not None:
            self._open_session(self._opening[0])

    def _open_session(self, path: Path) -> None:
        from ..session import Refused, Session, SessionError

        try:
            session = Session.open(path)
        except SessionError as exc:  # the command line prints it, as it would have before the app
            self.failure = str(exc)
            self.exit(return_code=1)
            return
        try:
            session.check_role(self.role or "")
        except Refused as exc:
            session.close()
            self.failure = f"refused: {exc}"
            self.exit(return_code=3)
            return
        self.session = session
        self._start()

    def _start(self) -> None:
        self.sub_title = self.session.scenario.info.title
        if self.role is None:
            from .join import JoinScreen

            self.push_screen(JoinScreen())
        else:
            self.open_console(self.role)
        if self.poll:
            self.set_interval(POLL_SECONDS, self.check_for_changes)
            self.set_interval(PRESENCE_SECONDS, self._touch)

    async def on_event(self, event: events.Event) -> None:
        """Keys go to the console one at a time, each once the one before has been seen to: a
        key that opens a form moves the focus there only as it is handled, and the keys typed
        right behind it (a fast typist, a paste of keys) belong in that form. While the console
        loads (``_loading``) they wait for it."""
        if not isinstance(event, (events.Key, events.Paste)) or getattr(event, "key", None) in ("ctrl+q", "ctrl+c"):
            await super().on_event(event)
            return
        if event.is_forwarded:  # back from the focused widget, unhandled: the app's bindings
            await super().on_event(event)
            if event is self._in_flight:
                self._landed()
            return
        if event is not self._in_flight and (self._loading or self._in_flight is not None or self._held):
            self._held.append(event)  # behind the ones already waiting (a held one handed on is in flight)
            return
        self._in_flight = event
        await super().on_event(event)
        if not event.is_forwarded:  # a priority binding took it, here
            self._landed()
        else:
            self._watch(event, time.monotonic() + KEY_SECONDS)

    def _watch(self, event: events.Key | events.Paste, until: float) -> None:
        """A widget may take the key (and stop it) rather than hand it back: then it is seen to."""
        if self._in_flight is not event:
            return
        if event._stop_propagation:  # (Textual keeps no public flag for it)
            self._landed(taken=True)
        elif time.monotonic() > until:
            self._landed()
        else:
            self.set_timer(0.001, lambda: self._watch(event, until))

    def _landed(self, taken: bool = False) -> None:
        """The key in flight has been seen to; the next held one goes at once if a widget took
        this one (a letter typed into a field), else once what the key did (a form, a dialog)
        has come."""
        self._in_flight = None
        if self._held and not self._loading:
            if taken:
                self._release()
            else:
                self.call_after_refresh(self._release)

    def _release(self) -> None:
        if self._in_flight is not None or self._loading or not self._held:
            return
        event = self._held.pop(0)
        again = events.Key(event.key, event.character) if isinstance(event, events.Key) else events.Paste(event.text)
        again.set_sender(self)  # as the terminal's keys come; from a screen, they would stop at it
        self._in_flight = again  # already: a key the terminal sends before it comes waits behind it
        self.post_message(again)

    def console_shown(self) -> None:
        """The console's screen is composed and showing (``ConsoleScreen`` calls this once it is
        complete): the keys typed while it loaded go to it now, in order."""
        self.screen_stack[0].query(".opening").remove()  # the first frame's, under the console
        if self._loading:
            self._loading = False
            self._release()

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
        from ..session import SessionError

        if self.role is None or self.session is None:
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
        from ..session import Refused

        try:
            done = self.session.act(command, actor or self.role)
        except Refused as exc:
            self.notify(str(exc), title="Refused", severity="error", timeout=8)
            return None
        self.refresh_console()
        return done

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
        if self.session is not None:
            self.session.close()


def make_app(session_path: Path | str, role: str, poll: bool = True) -> ConsoleApp:
    """A console app for ``role`` on the session at ``session_path``.

    Raises SessionError for a missing, damaged or foreign file, Refused for an unknown role.
    """
    from ..session import Refused, Session

    session = Session.open(session_path)
    try:
        session.check_role(role)
    except Refused:
        session.close()
        raise
    return ConsoleApp(session, role, poll)


def opening_app(session_path: Path | str, role: str) -> ConsoleApp | None:
    """The console the command line runs where it can start at once: if the session's cover
    is current and knows ``role``, an app that shows the cover first and opens the session just
    after (its errors then come as ``failure``, once the app has run); otherwise None (use
    ``make_app``)."""
    cover = covers.read(session_path)
    if cover is None or role not in (FACILITATOR, EVALUATOR, *cover.teams):
        return None
    return ConsoleApp(None, role, opening=(Path(session_path), cover))
