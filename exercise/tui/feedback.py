"""A team's participant feedback at the hotwash (issue 12), from its console (F10).

One dialog: a rating of the exercise from 1 to 5, the strengths and the areas for improvement
the team saw (one a line), and comments. It goes through the session like any command; a
refusal (before the hotwash) is shown and what was typed stays.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from .. import commands as cmd
from .widgets import Dropdown, Field, TextField, options

RATINGS = [("5: excellent", "5"), ("4: good", "4"), ("3: fair", "3"), ("2: poor", "2"), ("1: very poor", "1")]


class FeedbackScreen(ModalScreen[bool]):
    """The team's feedback on the exercise; Ctrl+S sends it, Escape closes without sending."""

    DEFAULT_CSS = """
    FeedbackScreen { align: center middle; }
    FeedbackScreen > Vertical { width: 90%; max-width: 100; height: auto; max-height: 95%;
                                border: thick $accent; background: $surface; padding: 0 1; }
    FeedbackScreen TextArea { height: 5; }
    """
    BINDINGS = [Binding("escape", "dismiss(False)", "Close"), Binding("ctrl+s", "send", "Send", priority=True)]

    def __init__(self, team: str, team_name: str):
        super().__init__()
        self.team, self.team_name = team, team_name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Feedback from {self.team_name} on the exercise", classes="heading")
            yield Dropdown(options(RATINGS), prompt="The exercise overall (1 to 5)", id="fb-rating")
            strengths = TextField(id="fb-strengths")
            strengths.border_title = "Strengths you saw (one a line)"
            yield strengths
            improvements = TextField(id="fb-improvements")
            improvements.border_title = "Areas for improvement (one a line)"
            yield improvements
            yield Field(placeholder="Comments", id="fb-comments")
            with Horizontal(classes="buttons"):
                yield Button("Send (Ctrl+S)", id="fb-send", variant="primary")
                yield Button("Close (Esc)", id="fb-close")

    def command(self) -> cmd.GiveFeedback:
        rating = self.query_one("#fb-rating", Select).value
        lines = lambda widget_id: [s for s in self.query_one(widget_id, TextArea).text.splitlines() if s.strip()]  # noqa: E731
        return cmd.GiveFeedback(self.team, int(rating) if isinstance(rating, str) else None,
                                self.query_one("#fb-comments", Input).value, lines("#fb-strengths"),
                                lines("#fb-improvements"))

    def action_send(self) -> None:
        if self.app.act(self.command(), self.team) is not None:  # refused: the dialog and its text stay
            self.app.notify("Thank you: your feedback is in.", title="Feedback")
            self.dismiss(True)

    @on(Button.Pressed, "#fb-send")
    def _send(self) -> None:
        self.action_send()

    @on(Button.Pressed, "#fb-close")
    def _close(self) -> None:
        self.dismiss(False)
