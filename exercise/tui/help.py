"""The help screen (F1 or ?): every key of the console, read from its bindings, and how its forms go.

The keys come from the console screen's ``BINDINGS`` and from its panels' (a widget class's
``BINDINGS``), so the help screen, the footer and the keys themselves cannot disagree. Each
console adds a few lines on what its panels are and how its forms take Enter and Escape.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

HELP_KEYS = "f1,question_mark"  # both consoles: F1 anywhere, ? where no text field has the focus

SPOKEN = {"enter": "Enter", "escape": "Escape", "space": "Space", "delete": "Delete"}  # not ⏎, as the footer has it

FORMS = [
    ("Tab / Shift+Tab", "the next / previous field or button"),
    ("Enter", "in a list of choices: open it, then take the option and go on to the next field; "
              "on a button: press it; in a dialog's field: OK"),
    ("Escape", "leave a text field (then one-letter keys work again); close a list or a dialog without doing anything"),
    ("Ctrl+U", "in a text field: clear it back to the cursor (the cursor starts at the end)"),
    ("Ctrl+P", "the command palette: every action of this console by name"),
    ("Ctrl+Q", "quit this console (the game goes on; open it again to come back)"),
]


def key_rows(app, bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, what they do) for each action of ``bindings`` that has a description, keys joined."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in Binding.make_bindings(bindings):
        if not binding.description:
            continue
        keys, _ = rows.setdefault(binding.action, ([], binding.tooltip or binding.description))
        shown = SPOKEN.get(binding.key, app.get_key_display(binding))
        if shown not in keys:
            keys.append(shown)
    return [(" / ".join(keys), what) for keys, what in rows.values()]


def table(rows: list[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for keys, what in rows:
        grid.add_row(Text(keys), Text(what))  # Text: nothing here is read as markup
    return grid


class HelpScreen(ModalScreen[None]):
    """The keys of a console, section by section; Escape, Enter, q, F1 or ? closes it."""

    BINDINGS = [Binding("escape,enter,q,f1,question_mark", "dismiss(None)", "Close")]

    def __init__(self, title: str, intro: str, sections: list[tuple[str, list[tuple[str, str]]]]):
        super().__init__()
        self.title_text, self.intro, self.sections = title, intro, sections

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="help"):
            yield Label(self.title_text, classes="heading", markup=False)
            with VerticalScroll(id="help-text"):
                yield Static(self.intro, markup=False, classes="question")
                for heading, rows in self.sections:
                    yield Static(heading, classes="heading", markup=False)
                    yield Static(table(rows))
            yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#help-text").focus()  # arrows and Page Down scroll it

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)

    def text(self) -> str:
        """Everything the screen says, as plain text (for tests and for reading aloud)."""
        lines = [self.title_text, self.intro]
        for heading, rows in self.sections:
            lines.append(heading)
            lines += [f"{keys}: {what}" for keys, what in rows]
        return "\n".join(lines)
