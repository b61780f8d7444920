"""The facilitator's view of who may join and who has: join codes, rotation, connections."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label, Static

from .widgets import fill_table, seen_text, selected_key


class AccessScreen(ModalScreen[None]):
    """Join codes by role (rotate one to lock out whoever has it) and the consoles connected."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close"), Binding("r", "rotate", "Rotate code")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="access"):
            yield Label("Join codes", classes="heading")
            yield Static("Browser players join with a code (see 'exercise serve'). Rotating a code "
                         "makes the old one stop working.", markup=False)
            yield DataTable(id="codes", cursor_type="row")
            yield Label("Connected consoles", classes="heading")
            yield DataTable(id="connections", cursor_type="none")
            with Horizontal(classes="buttons"):
                yield Button("Rotate selected code (r)", id="rotate", variant="warning")
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#codes", DataTable).add_columns("Role", "Name", "Code")
        self.query_one("#connections", DataTable).add_columns("Role", "From", "Since (UTC)", "Last seen")
        self.show_view()
        self.set_interval(2.0, self.show_view)

    def show_view(self) -> None:
        session = self.app.session
        names = session.role_names()
        codes = self.app.join_codes
        fill_table(self.query_one("#codes", DataTable), [
            (role, [role, names[role], codes.get(role, "printed where 'exercise serve' started; rotate for a new one")])
            for role in session.roles()])
        fill_table(self.query_one("#connections", DataTable), [
            (f"{p['role']}@{p['client']}", [p["role"], p["client"], p["since"].replace("T", " ")[:19],
                                            seen_text(p["last_seen"])])
            for p in session.presence()])

    def action_rotate(self) -> None:
        role = selected_key(self.query_one("#codes", DataTable))
        if role is None:
            return
        self.app.join_codes[role] = self.app.session.issue_join_code(role)
        self.notify(f"New code for {role}: {self.app.join_codes[role]}; the old one no longer works.")
        self.show_view()

    @on(Button.Pressed, "#rotate")
    def _rotate(self) -> None:
        self.action_rotate()

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)
