"""Widgets both consoles use: tracks, the move composer, and small dialogs.

Text a player typed is always passed as ``rich.text.Text`` or with ``markup=False``, so
``[bold]x[/]`` or ``[@click=app.quit]`` in a headline shows those characters and does
nothing: ``fill_table`` and ``options`` make every string cell and option plain text.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from rich.text import Text
from textual import events, on
from textual._context import NoActiveAppError
from textual._two_way_dict import TwoWayDict
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Sparkline,
    Static,
    TextArea,
)
from textual.widgets._footer import FooterKey
from textual.widgets._header import HeaderTitle
from textual.widgets._select import SelectCurrent, SelectOverlay  # Dropdown's list is theirs, chosen sooner

from ..adjudication import STRONG_ARGUMENTS, method
from ..model import ALL_TEAMS, Commitment, Scenario
from ..text import visible
from ..views import MoveView, View, heading
from .following import ById


class LazyMarkdown(Widget):
    """A Markdown document rendered only while it is on screen: a long brief in a hidden tab
    costs nothing at start (not even importing Textual's Markdown, a large part of a console's
    start), and is rendered (once per change) when its tab first shows."""

    DEFAULT_CSS = "LazyMarkdown { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text: str | None = None
        self._rendered: str | None = None

    @property
    def source(self) -> str:
        """The text shown, or to be shown when the document is next on screen."""
        return self._text or ""

    def show(self, text: str) -> None:
        self._text = text
        if self.is_on_screen:
            self._render_text()

    def on_show(self) -> None:
        self._render_text()

    def _render_text(self) -> None:
        if self._text is None or self._text == self._rendered:
            return
        from textual.widgets import Markdown

        self._rendered = self._text
        if self.children:
            self.query_one(Markdown).update(self._text)
        else:
            self.mount(Markdown(self._text))


def _breakpoint(dimension: int, breakpoints: list[tuple[int, str]]) -> set[str]:
    """The class of the last breakpoint at or below ``dimension`` (as Textual's screens choose it)."""
    return next(({name} for low, name in sorted(breakpoints, reverse=True) if dimension >= low), set())


class ConsoleScreen(Screen):
    """A console's screen, styled once as it starts rather than three times over.

    Textual restyles a whole screen when its size classes (``-wide``, ``-tall``...) first
    change, and again when the screen first resumes; with a hundred widgets and the console's
    stylesheet each pass is a good part of the time to the first paint. So the size classes are
    set before the first styling, and the first resume, which comes just after composing
    (nothing can have changed since), keeps the styles it has.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._resumed = False
        try:
            width, height = self.app.size
        except NoActiveAppError:  # a screen made with no app running: Textual sets them at the first resize
            return
        for classes in (_breakpoint(width, self.app.HORIZONTAL_BREAKPOINTS or []),
                        _breakpoint(height, self.app.VERTICAL_BREAKPOINTS or [])):
            self.add_class(*classes, update=False)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # runs before Screen's own handler, which would restyle everything
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
            if self.complete:
                self.call_after_refresh(self.whole)

    @property
    def complete(self) -> bool:
        """Every widget is here (a console whose widgets come after the first paint says when)."""
        return True

    def whole(self) -> None:
        """Call once the console is complete: the keys typed while it loaded go to it now
        (``ConsoleApp.console_shown``)."""
        for footer in self.query(KeysFooter):  # its keys, which it left alone while the widgets came
            footer.call_later(footer.bindings_changed, self)  # (in its own context: it composes them)
        shown = getattr(self.app, "console_shown", None)
        if shown is not None:
            shown()


class TabBody(Vertical):
    """What one tab's widgets go in; it says when they have been mounted (a tab's widgets may
    come after the first paint, in ``textual.lazy.Lazy``)."""

    DEFAULT_CSS = "TabBody { height: auto; }"

    class Mounted(Message):
        def __init__(self, body: TabBody) -> None:
            super().__init__()
            self.body, self.tab = body, body.tab

    def __init__(self, tab: str) -> None:
        super().__init__()
        self.tab = tab

    def on_mount(self) -> None:
        self.post_message(self.Mounted(self))


def header_text(view: View, scenario: Scenario) -> str:
    """``Turn 2 of 7 · 2 April 2025 · moves open``."""
    return heading(scenario, view.turn, view.phase)


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

    def show(self, view: View) -> None:
        """Show the values of ``view`` and each track's recent course (``View.series``)."""
        for name, track in view.tracks.items():
            self.query_one(f"#value-{name}", Label).update(f"{track.value:>2}/{track.max}")
            spark = self.query_one(f"#spark-{name}", Sparkline)
            values = list(view.series.get(name, ())) or [track.value]
            if len(set(values)) == 1:
                values = values[:1]  # a track that has not moved: a flat line, not a row of full bars
            if spark.data != values:
                spark.data = values


class ConsoleHeader(Header):
    """The header, its title fitted again when the terminal's width changes (``ConsoleApp.format_title``)."""

    def on_resize(self) -> None:
        for title in self.query(HeaderTitle):  # none yet when the first size comes before the children
            title.update(self.format_title())


class KeysFooter(Footer):
    """The footer of keys, compact where the terminal is narrow, so that the main keys show at 80 columns.

    Ctrl+P (the palette) is one of the console's keys, near the start, rather than a key docked
    at the right that the others would run under where they do not all fit.
    """

    def __init__(self, **kwargs):
        super().__init__(show_command_palette=False, **kwargs)
        self._composed_keys: tuple | None = None

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < getattr(self.app, "NARROW", 0)

    @staticmethod
    def _keys_shown(screen) -> tuple:
        return tuple((binding.key, binding.description, binding.action, enabled, tooltip)
                     for _, binding, enabled, tooltip in screen.active_bindings.values() if binding.show)

    def compose(self):
        if self._bindings_ready:
            self._composed_keys = self._keys_shown(self.screen)
        # A FooterKey starts compact and is bound to the footer's value only once mounted, so each
        # key would be restyled twice as it mounts: give it the footer's value from the start.
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.set_reactive(FooterKey.compact, self.compact)  # (set so, its watcher does not run:)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen) -> None:
        # Textual rebuilds every key on each change of focus; most such changes (a tab's table
        # taking the focus as it shows, at start several times over) leave the same keys shown.
        if self._composed_keys is not None and self.is_attached and screen is self.screen \
                and self._keys_shown(screen) == self._composed_keys:
            return
        if not getattr(screen, "complete", True):  # the console's widgets still coming: once they have
            return
        super().bindings_changed(screen)


class Field(Input):
    """A one-line text field that Escape leaves (the footer says so while it has the focus).

    Whenever it gets the focus (Tab, a click, a key that jumps to it) the cursor goes to the
    end of what it holds and nothing is selected, so typing adds to the text and never
    replaces or splits it; Ctrl+U clears it. A number field (``select_all=True``) selects
    what it holds instead, so that typing replaces it. Enter is left to the form
    (``Input.Submitted``).
    """

    BINDINGS = [Binding("escape", "leave", "Leave field")]

    def __init__(self, *args, select_all: bool = False, **kwargs):
        super().__init__(*args, select_on_focus=select_all, **kwargs)

    def _on_focus(self, event) -> None:
        if not self.select_on_focus:
            self.call_next(self.cursor_to_end)  # after Input's own focus handling

    def cursor_to_end(self) -> None:
        self.cursor_position = len(self.value)  # a cursor, not a selection

    def action_leave(self) -> None:
        self.screen.set_focus(None)


class TextField(TextArea):
    """A multi-line text field that Escape leaves."""

    BINDINGS = [Binding("escape", "leave", "Leave field")]

    def action_leave(self) -> None:
        self.screen.set_focus(None)


def focus_after(widget: Widget) -> None:
    """Move the focus to the widget after ``widget`` in its screen's focus order (Tab's next)."""
    screen = widget.screen
    chain = [w for w in screen.focus_chain if w is widget or widget not in w.ancestors]
    if widget in chain and chain.index(widget) + 1 < len(chain):
        screen.set_focus(chain[chain.index(widget) + 1])
    else:
        screen.set_focus(widget)
        screen.focus_next()


class _DropdownList(SelectOverlay):
    """The open list of a ``Dropdown``: Enter or a click chooses at once and moves on.

    Textual's list tells its Select through two messages, and keys typed meanwhile went to the
    list (its type-to-search ate them) or to the Select. Here the choice is made while the
    Enter (or click) is handled, and keys that were already on their way to the list are
    handed to the field the focus moved to, in the order they were typed.
    """

    # the list's keys, handled as they arrive (not once they have bubbled up to the app's
    # bindings), so that they and the keys typed after them keep their order
    KEYS = {"down": "cursor_down", "up": "cursor_up", "home": "first", "end": "last", "pagedown": "page_down",
            "pageup": "page_up", "enter": "select"}

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not self and focused is not None:  # chosen already: these keys are the next field's
            event.stop()
            event.prevent_default()
            focused._forward_event(events.Key(event.key, event.character))  # as the app forwards keys
        elif event.key in self.KEYS:
            event.stop()
            event.prevent_default()
            await self.run_action(self.KEYS[event.key])

    def action_select(self) -> None:
        index = self.highlighted
        if index is not None and not self.get_option_at_index(index).disabled:
            parent = self.parent
            assert isinstance(parent, Dropdown)
            parent.choose(index)


class Dropdown(Select):
    """A Select that, once something is chosen from its list, moves on to the next field.

    So a team picks the kind of move and types the headline straight away, and no key typed
    right after the choice is lost (or taken as a console's one-letter key).
    """

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield _DropdownList(type_to_search=self._type_to_search).data_bind(compact=Select.compact)

    def choose(self, index: int) -> None:
        """Take the option at ``index`` of the open list, close it, focus the next field."""
        value = self._options[index][1]
        self.expanded = False
        if value != self.value:
            self.value = value
        focus_after(self)


class MoveComposer(Vertical):
    """Compose or revise a move for one team: kind, targets, headline, detail, what it answers."""

    def __init__(self, scenario: Scenario, team: str, key: str = "", **kwargs):
        """``key``: the key that jumps here, shown beside the composer's title."""
        super().__init__(**kwargs)
        self.scenario = scenario
        self.team = team
        self.key = f" · {key}" if key else ""
        self.editing: str | None = None
        self._answers: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        kinds = [(f"{self.scenario.move_kinds[k].label} ({k})", k) for k in self.scenario.team_kinds(self.team)]
        others = [t for t in self.scenario.teams if t != self.team]
        yield Label(f"New move{self.key}", id="composer-title", classes="heading")
        yield Dropdown(options(kinds), prompt="Kind of move", id="kind", allow_blank=True)
        yield Field(placeholder="Headline: the move in one line", id="headline")
        yield TextField(id="detail", soft_wrap=True, tab_behavior="focus")
        yield SelectionList(*[(self.scenario.teams[t].name, t) for t in others], (
            "Everyone", ALL_TEAMS), id="targets")
        yield Dropdown([], prompt="Answers (an inject or proposal)", id="answers", allow_blank=True)
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

    @on(Input.Submitted, "#headline")
    def _headline_entered(self, event: Input.Submitted) -> None:
        event.stop()
        focus_after(event.input)  # Enter in the headline goes on to the detail, as Tab does

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
        self.query_one("#composer-title", Label).update(f"Revise {editing}{self.key}" if editing else f"New move{self.key}")
        kind = self.query_one("#kind", Select)
        if data.get("kind") in self.scenario.team_kinds(self.team):
            kind.value = data["kind"]
        else:
            kind.clear()
        kind.disabled = editing is not None
        headline = self.query_one("#headline", Field)
        headline.value = data.get("headline", "")
        headline.cursor_to_end()  # typing adds to the headline, also where it had the focus already
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
    """Ask before an irreversible step: Enter or y says yes, Escape or n says no.

    A long question (a proposal's terms) scrolls above the buttons, which stay in view.
    """

    BINDINGS = [Binding("escape,n", "dismiss(False)", "Cancel"), Binding("y", "dismiss(True)", "Yes", show=False)]
    AUTO_FOCUS = "#yes"

    def __init__(self, question: str, yes: str = "Yes"):
        super().__init__()
        self.question, self.yes = question, yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            with VerticalScroll(classes="question-scroll"):
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


class ShownTable(DataTable):
    """A table whose columns show in another order than the one its cells are given in.

    Cells are given as always: ``add_row`` in the order the columns were added, changes by
    column key. ``show_first(*labels)`` brings those columns to the front of the screen, so
    that a headline or a title comes before the kinds and the turns and a narrow terminal
    still shows it.
    """

    def show_first(self, *labels: str) -> None:
        keys = list(self.columns)
        by_label = {str(column.label): key for key, column in self.columns.items()}
        front = [by_label[label] for label in labels]
        self._column_locations = TwoWayDict({key: i for i, key in enumerate(front + [k for k in keys if k not in front])})
        self._update_count += 1
        self.refresh()

    def add_row(self, *cells, **kwargs):
        given = dict(zip(self.columns, cells, strict=False))  # by the order the columns were added
        return super().add_row(*[given.get(column.key) for column in self.ordered_columns], **kwargs)


def selected_key(table: DataTable) -> str | None:
    """The key of the table's highlighted row, or None."""
    if table.row_count == 0:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # noqa: BLE001 - an empty or moving table has no selection
        return None


def fill_table(table: DataTable, rows: list[tuple[str, list]]) -> None:
    """Make a table show ``rows`` (key, cells), changing only the cells and rows that differ.

    The cursor and the scroll position stay where they are. String cells are shown as plain
    text, never as markup. Rows keep their order: new keys are added at the end, and only if
    the kept rows would change order is the table refilled.
    """
    rows = [(key, [plain(c) if isinstance(c, str) else c for c in cells]) for key, cells in rows]
    wanted = {key for key, _ in rows}
    old = [key.value for key in table.rows]
    staying = [key for key in old if key in wanted]
    if [key for key, _ in rows[:len(staying)]] != staying:
        _refill(table, rows)
        return
    for key in old:
        if key not in wanted:
            table.remove_row(key)
    upsert_rows(table, rows)


def upsert_rows(table: DataTable, rows: list[tuple[str, list]]) -> None:
    """Add ``rows`` to a table, or update the rows of their keys already in it (no row is removed)."""
    columns = list(table.columns)
    for key, cells in rows:
        cells = [plain(c) if isinstance(c, str) else c for c in cells]
        if key in table.rows:
            for column, cell in zip(columns, cells, strict=False):
                if table.get_cell(key, column) != cell:
                    table.update_cell(key, column, cell, update_width=True)
        else:
            table.add_row(*cells, key=key)


def show_current(table: DataTable, current: ById, items: Iterable[Any], touched: list[str] | None,
                 cells: Callable[[Any], list]) -> None:
    """A table of what is current (``following.ById``): refilled when ``touched`` is None
    (``items`` are all there are), else changed row by row (``items`` are those touched)."""
    if touched is None:
        current.reset(items)
        fill_table(table, [(i.id, cells(i)) for i in current.items.values()])
    else:
        upsert_rows(table, [(i, cells(current.items[i])) for i in current.update(items)])


def _refill(table: DataTable, rows: list[tuple[str, list]]) -> None:
    keep = selected_key(table)
    table.clear()
    for key, cells in rows:
        table.add_row(*cells, key=key)
    keys = [key for key, _ in rows]
    if keep in keys:
        table.move_cursor(row=keys.index(keep))
