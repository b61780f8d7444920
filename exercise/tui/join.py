"""The first screen in a browser: a join code decides the role."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

from ..access import CODE_CHARS, WrongCode


class JoinScreen(Screen):
    """Ask for a join code; refuse wrong ones with the wait the session imposes."""

    def compose(self) -> ComposeResult:
        info = self.app.session.scenario.info
        with Center(), Vertical(classes="dialog", id="join"):
            yield Label(info.title, classes="heading", markup=False)
            yield Static("Enter the join code the facilitator gave you.", markup=False)
            # a code as read out in a room: letters, digits, a dash or space; a little slack
            yield Input(placeholder="ABCD-EFGH", id="code", max_length=CODE_CHARS + 4, restrict=r"[A-Za-z0-9 -]*")
            yield Button("Join", id="join-button", variant="primary")
            yield Static("", id="join-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#join-button")
    def _submit(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        if code:
            self.query_one("#join-button", Button).disabled = True
            self.query_one("#join-message", Static).update("Checking…")
            self._check(code)

    @work(thread=True, exclusive=True)
    def _check(self, code: str) -> None:
        try:
            role = self.app.session.join(code, self.app.throttle)
        except WrongCode as exc:
            self.app.call_from_thread(self._refused, str(exc), exc.wait)
            return
        self.app.call_from_thread(self.app.open_console, role)

    def _refused(self, message: str, wait: float) -> None:
        self.query_one("#join-message", Static).update(message)
        self.query_one("#code", Input).value = ""
        self.set_timer(max(wait, 0.1), self._enable)

    def _enable(self) -> None:
        self.query_one("#join-button", Button).disabled = False
        self.query_one("#join-message", Static).update("")
