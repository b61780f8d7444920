"""Widgets both consoles use: tracks, the move composer, and small dialogs.

Text a player typed is always passed as ``rich.text.Text`` or with ``markup=False``, so
``[bold]x[/]`` or ``[@click=app.quit]`` in a headline shows those characters and does
nothing: ``fill_table`` and ``options`` make every string cell and option plain text.
"""

from __future__ import annotations

import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    Select,
    SelectionList,
    Sparkline,
    Static,
    TextArea,
)

from ..adjudication import STRONG_ARGUMENTS, method
from ..events import Phase
from ..model import ALL_TEAMS, Commitment, Scenario
from ..text import visible
from ..views import MoveView, View

PHASES = {Phase.BRIEFING: "briefing: injects to deliver", Phase.MOVES: "moves open",
          Phase.ADJUDICATION: "adjudication", Phase.HOTWASH: "hotwash", Phase.ENDED: "ended"}


def header_text(view: View, scenario: Scenario) -> str:
    """``Turn 2 of 7 · 2 April 2025 · moves open``."""
    date = scenario.info.game_date(view.turn)
    when = f" · {date:%-d %B %Y}" if date else ""
    return f"Turn {view.turn} of {view.scenario.turns}{when} · {PHASES[view.phase]}"


def seen_text(last_seen: str | None) -> str:
    if not last_seen:
        return "—"
    ago = (datetime.datetime.now(datetime.UTC) - datetime.datetime.fromisoformat(last_seen)).total_seconds()
    return "now" if ago < 15 else f"{int(ago // 60)} min ago" if ago >= 60 else f"{int(ago)} s ago"


def plain(text: str) -> Text:
    """Player text as a renderable that is never parsed as markup (controls written out visibly)."""
    return Text(visible(text))


def options(pairs: list[tuple[str, str]]) -> list[tuple[Text, str]]:
    """(label, value) pairs for a Select, each label plain text (a title may hold ``[link=...]``)."""
    return [(plain(label), value) for label, value in pairs]


class TracksPanel(Vertical):
    """Every track: its value against its bounds, and a sparkline of its history."""

    def __init__(self, scenario: Scenario, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario

    def compose(self) -> ComposeResult:
        for track in self.scenario.tracks.values():
            with Horizontal(classes="track"):
                yield Label(track.label, classes="track-label", markup=False)
                yield Label("", id=f"value-{track.id}", classes="track-value")
                yield Sparkline([track.start], id=f"spark-{track.id}", classes="track-spark")

    def show(self, view: View, history: list[tuple[int, str, int]] | None = None) -> None:
        """Show the values of ``view`` and, if given, each track's (turn, track, value) history."""
        for name, track in view.tracks.items():
            self.query_one(f"#value-{name}", Label).update(f"{track.value:>2}/{track.max}")
            if history is not None:
                values = [value for _, n, value in history if n == name]
                self.query_one(f"#spark-{name}", Sparkline).data = values or [track.value]


class Field(Input):
    """A one-line text field that Escape leaves (the footer says so while it has the focus)."""

    BINDINGS = [Binding("escape", "leave", "Leave field")]

    def action_leave(self) -> None:
        self.screen.set_focus(None)


class TextField(TextArea):
    """A multi-line text field that Escape leaves."""

    BINDINGS = [Binding("escape", "leave", "Leave field")]

    def action_leave(self) -> None:
        self.screen.set_focus(None)


class MoveComposer(Vertical):
    """Compose or revise a move for one team: kind, targets, headline, detail, what it answers."""

    def __init__(self, scenario: Scenario, team: str, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario
        self.team = team
        self.editing: str | None = None
        self._answers: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        kinds = [(f"{self.scenario.move_kinds[k].label} ({k})", k) for k in self.scenario.team_kinds(self.team)]
        others = [t for t in self.scenario.teams if t != self.team]
        yield Label("New move", id="composer-title", classes="heading")
        yield Select(options(kinds), prompt="Kind of move", id="kind", allow_blank=True)
        yield Field(placeholder="Headline: the move in one line", id="headline")
        yield TextField(id="detail", soft_wrap=True, tab_behavior="focus")
        yield SelectionList(*[(self.scenario.teams[t].name, t) for t in others], (
            "Everyone", ALL_TEAMS), id="targets")
        yield Select([], prompt="Answers (an inject or proposal)", id="answers", allow_blank=True)
        yield TextField(id="terms", soft_wrap=True, tab_behavior="focus", classes="hidden")
        yield TextField(id="arguments", soft_wrap=True, tab_behavior="focus",
                       classes="" if STRONG_ARGUMENTS in method(self.scenario.info.adjudication).takes else "hidden")
        with Horizontal(classes="buttons"):
            yield Button("Submit move", id="submit-move", variant="primary")
            yield Button("Cancel edit", id="cancel-edit", classes="hidden")

    def on_mount(self) -> None:
        self.query_one("#detail", TextArea).border_title = "Detail"
        self.query_one("#targets", SelectionList).border_title = "Aimed at"
        self.query_one("#terms", TextArea).border_title = "Terms of the deal, one a line"
        self.query_one("#arguments", TextArea).border_title = "Arguments for it, one a line (matrix)"

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        kind = self.scenario.move_kinds.get(event.value) if isinstance(event.value, str) else None
        proposes = kind is not None and kind.commitment is Commitment.PROPOSAL
        self.query_one("#terms", TextArea).set_class(not proposes, "hidden")

    def set_answerable(self, answerable: list[tuple[str, str]]) -> None:
        """What a move may answer: (label, id) of delivered injects and open proposals."""
        if answerable == self._answers:
            return
        select = self.query_one("#answers", Select)
        keep = select.value
        self._answers = answerable
        select.set_options(options(answerable))
        if any(value == keep for _, value in answerable):
            select.value = keep

    def values(self) -> dict:
        """What is in the composer now, as the fields of a Submit/Revise command."""
        kind = self.query_one("#kind", Select).value
        answers = self.query_one("#answers", Select).value
        lines = lambda wid: [line.strip() for line in self.query_one(wid, TextArea).text.splitlines() if line.strip()]
        return {
            "kind": kind if isinstance(kind, str) else "",
            "headline": self.query_one("#headline", Input).value,
            "detail": self.query_one("#detail", TextArea).text,
            "targets": list(self.query_one("#targets", SelectionList).selected),
            "answers": answers if isinstance(answers, str) else "",
            "terms": lines("#terms"),
            "arguments": lines("#arguments"),
        }

    def load(self, move: MoveView | None) -> None:
        """Fill the composer with a move to revise, or clear it (``None``)."""
        if move is None:
            self.fill(None)
        else:
            self.fill({"kind": move.kind, "headline": move.headline, "detail": move.detail, "targets": move.targets,
                       "answers": move.answers, "terms": move.terms, "arguments": move.arguments}, move.id)

    def draft(self) -> dict:
        """What is in the composer, and the move being revised, as plain data to keep."""
        return {**self.values(), "editing": self.editing}

    @staticmethod
    def is_blank(draft: dict) -> bool:
        return not any(draft.get(k) for k in ("headline", "detail", "terms", "arguments"))

    def fill(self, data: dict | None, editing: str | None = None) -> None:
        """Fill every field from ``data`` (a move, or a kept draft); ``None`` clears them."""
        data = data or {}
        self.editing = editing
        self.query_one("#composer-title", Label).update(f"Revise {editing}" if editing else "New move")
        kind = self.query_one("#kind", Select)
        if data.get("kind") in self.scenario.team_kinds(self.team):
            kind.value = data["kind"]
        else:
            kind.clear()
        kind.disabled = editing is not None
        self.query_one("#headline", Input).value = data.get("headline", "")
        self.query_one("#detail", TextArea).text = data.get("detail", "")
        self.query_one("#terms", TextArea).text = "\n".join(data.get("terms", []))
        self.query_one("#arguments", TextArea).text = "\n".join(data.get("arguments", []))
        targets = self.query_one("#targets", SelectionList)
        targets.deselect_all()
        for target in data.get("targets", []):
            targets.select(target)
        answers = self.query_one("#answers", Select)
        if data.get("answers") and any(value == data["answers"] for _, value in self._answers):
            answers.value = data["answers"]
        else:
            answers.clear()
        self.query_one("#submit-move", Button).label = "Update move" if editing else "Submit move"
        self.query_one("#cancel-edit", Button).set_class(editing is None, "hidden")


class ConfirmScreen(ModalScreen[bool]):
    """Ask before an irreversible step; Escape says no."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel"), Binding("y", "dismiss(True)", "Yes", show=False)]

    def __init__(self, question: str, yes: str = "Yes"):
        super().__init__()
        self.question, self.yes = question, yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="question")
            with Horizontal(classes="buttons"):
                yield Button(self.yes, id="yes", variant="warning")
                yield Button("Cancel", id="no")

    @on(Button.Pressed)
    def _answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text (a reason, a note); Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, placeholder: str = ""):
        super().__init__()
        self.question, self.placeholder = question, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="question")
            yield Input(placeholder=self.placeholder, id="answer")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        value = self.query_one("#answer", Input).value.strip()
        if value:
            self.dismiss(value)
        else:
            self.notify("Write something first, or press Escape", severity="warning")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class InfoScreen(ModalScreen[None]):
    """Show some text (join commands, help); any of Escape, Enter or q closes it."""

    BINDINGS = [Binding("escape,enter,q", "dismiss(None)", "Close")]

    def __init__(self, title: str, text: str):
        super().__init__()
        self.title_text, self.text = title, text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text, classes="heading", markup=False)
            with VerticalScroll():
                yield Static(self.text, markup=False)
            yield Button("Close", id="close")

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(None)


def selected_key(table: DataTable) -> str | None:
    """The key of the table's highlighted row, or None."""
    if table.row_count == 0:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # noqa: BLE001 - an empty or moving table has no selection
        return None


def fill_table(table: DataTable, rows: list[tuple[str, list]]) -> None:
    """Replace a table's rows, keeping the cursor on the same row where it still exists.

    String cells are shown as plain text, never as markup.
    """
    rows = [(key, [plain(c) if isinstance(c, str) else c for c in cells]) for key, cells in rows]
    keep = selected_key(table)
    current = [(key.value, [table.get_cell(key, col) for col in table.columns]) for key in table.rows]
    if current == rows:
        return
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    keys = [key for key, _ in rows]
    if keep in keys:
        table.move_cursor(row=keys.index(keep))
