"""The first screen in a browser: a join code decides the role."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from ..access import CODE_CHARS, WrongCode
from ..web import name_the_tab, tab_title

ROOMY = 22  # rows a tab needs for the dialog's full frame; below it the same lines come compact


class JoinScreen(Screen):
    """Ask for a join code; refuse wrong ones with the wait the session imposes.

    The message line sits under the code, in view in a small tab as in a large one: what to
    do, that the code is being checked, why it was refused and how long to wait.
    """

    CSS_PATH = "join.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (ROOMY, "-roomy")]

    def compose(self) -> ComposeResult:
        info = self.app.session.scenario.info
        with Vertical(id="join"):
            yield Label(info.title, classes="heading", markup=False)
            yield Static("Enter the join code the facilitator gave you.", markup=False)
            # a code as read out in a room: letters, digits, a dash or space; a little slack
            yield Input(placeholder="ABCD-EFGH", id="code", max_length=CODE_CHARS + 4, restrict=r"[A-Za-z0-9 -]*")
            yield Static("Type the code and press Enter.", id="join-message", markup=False)
            yield Button("Join", id="join-button", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def _say(self, message: str, error: bool = False) -> None:
        line = self.query_one("#join-message", Static)
        line.update(message)
        line.set_class(error, "-error")

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#join-button")
    def _submit(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        if not code:
            self._say("Type the code first (like ABCD-EFGH), then press Enter.", error=True)
            return
        self.query_one("#join-button", Button).disabled = True
        self._say("Checking the code…")
        self._check(code)

    @work(thread=True, exclusive=True)
    def _check(self, code: str) -> None:
        try:
            role = self.app.session.join(code, self.app.throttle)
        except WrongCode as exc:
            self.app.call_from_thread(self._refused, str(exc), exc.wait)
            return
        self.app.call_from_thread(self._joined, role)

    def _joined(self, role: str) -> None:
        name_the_tab(self.app, tab_title(self.app.session, role))
        self.app.open_console(role)

    def _refused(self, message: str, wait: float) -> None:
        self._say(message[:1].upper() + message[1:] + ".", error=True)
        self.query_one("#code", Input).value = ""
        self.set_timer(max(wait, 0.1), self._enable)

    def _enable(self) -> None:
        self.query_one("#join-button", Button).disabled = False
        self._say("Check the code with the facilitator and enter it again.", error=True)
