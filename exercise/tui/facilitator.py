"""The facilitator's console: run the turn, deliver injects, adjudicate, keep the ledger."""

from __future__ import annotations

import functools

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.lazy import Lazy
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    RichLog,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from .. import adjudication, views
from .. import commands as cmd
from ..events import Outcome, Phase
from ..narrate import describe, effects_text, parse_effects
from ..session import FACILITATOR, Refused, UnruledMoves
from ..text import visible
from ..views import ConditionView, FeedbackView, MoveView, NoteView, QueuedView, View
from .following import ById
from .help import FORMS, HelpScreen, key_rows
from .opening import console_title
from .widgets import (
    ConfirmScreen,
    ConsoleHeader,
    ConsoleScreen,
    Dropdown,
    Field,
    InfoScreen,
    KeysFooter,
    LazyMarkdown,
    MoveComposer,
    PromptScreen,
    ShownTable,
    TabBody,
    TracksPanel,
    fill_table,
    header_text,
    options,
    plain,
    seen_text,
    selected_key,
    show_current,
    upsert_rows,
)


def reflow(text: str) -> str:
    """Text wrapped by hand in a TOML file, as paragraphs the screen can wrap."""
    return "\n\n".join(" ".join(para.split()) for para in text.strip().split("\n\n"))


def join_commands(session) -> str:
    lines = ["Each team joins from its own terminal with:", ""]
    lines += [f"  exercise join {session.path} --team {team}    ({info.name})"
              for team, info in session.scenario.teams.items()]
    lines += ["", "An evaluator opens its console with:", f"  exercise evaluate {session.path} console"]
    lines += ["", "The facilitator can reopen this console with:", f"  exercise facilitate {session.path}"]
    return "\n".join(lines)


LOG_LINES = 500  # the log tab starts with the last this many events

FAC_TABS = {"tab-situation": "Situation", "tab-injects": "Injects", "tab-moves": "Moves",
            "tab-deals": "Deals", "tab-log": "Log", "tab-hotwash": "Hotwash"}
TABLES = [  # (table, its columns, the columns a narrow terminal shows first)
    ("#queue", ("Entry", "Why", "To", "Inject"), ()),
    ("#moves", ("Move", "Turn", "Team", "Kind", "Status", "Ruling", "Headline"), ("Move", "Team", "Status", "Ruling", "Headline")),
    ("#proposals", ("Id", "By", "Status", "Parties", "Answers", "Title"), ("Id", "Status", "Title")),
    ("#ledger", ("Id", "Team", "Kind", "Turn", "Status", "Commitment"), ("Id", "Team", "Status", "Commitment")),
    ("#notes", ("Turn", "Category", "Team", "Owner", "Due", "Note"), ()),
    ("#feedback", ("Team", "Rating", "Comments", "Strengths", "Improvements"), ()),
]
TAB_FOCUS = {"tab-situation": "#situation-scroll", "tab-injects": "#queue", "tab-moves": "#moves",
             "tab-deals": "#proposals", "tab-log": "#log", "tab-hotwash": "#notes"}
TABS = Binding.Group("Tabs", compact=True)

PHASE_TABS = {Phase.BRIEFING: "tab-injects", Phase.MOVES: "tab-moves", Phase.ADJUDICATION: "tab-moves",
              Phase.HOTWASH: "tab-hotwash", Phase.ENDED: "tab-log"}


class AdjudicationPanel(Vertical):
    """Rule on the selected move: outcome (or dice), narrative, effects, arguments, privacy."""

    def __init__(self, scenario, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario
        self.move: MoveView | None = None
        self.default_effects = ""

    def compose(self) -> ComposeResult:
        way = adjudication.method(self.scenario.info.adjudication)
        choices = [("Success", "success"), ("Partial", "partial"), ("Failure", "failure")]
        if way.rolls:
            choices.insert(0, (f"Roll {way.dice}", "dice"))
        self.default_outcome = choices[0][1]
        yield Static("Select a revealed move to rule on it.", id="adj-move", markup=False)
        # in the order a ruling is made (and Tab goes): the outcome, what happened, what it does;
        # the dice's modifiers last, shown only while the dice decide
        with Horizontal(classes="row"):
            yield Dropdown(choices, value=choices[0][1], id="outcome", allow_blank=False)
            yield Field(placeholder="Narrative: what happened (Enter rules)", id="narrative")
        with Horizontal(classes="row"):
            yield Field(placeholder="Effects, e.g. escalation +1, ceasefire = true", id="effects")
            matrix = "" if adjudication.STRONG_ARGUMENTS in way.takes else "hidden"
            yield Field("0", id="strong-for", type="integer", placeholder="strong for", classes=matrix, select_all=True)
            yield Field("0", id="strong-against", type="integer", placeholder="strong against", classes=matrix,
                        select_all=True)
            yield Field(placeholder="Chance of success, %", id="probability", type="integer", select_all=True,
                        classes="" if adjudication.PROBABILITY in way.takes else "hidden")
        with Horizontal(classes="row"):
            yield Checkbox("Private ruling", id="private")
            yield Button("Rule (u)", id="rule", variant="primary")
        yield Static("", id="roll", markup=False)

    def on_mount(self) -> None:
        self.query_one("#strong-for", Input).border_title = "Strong for"
        self.query_one("#strong-against", Input).border_title = "Against"
        self.query_one("#probability", Input).border_title = "Chance, %"
        self.query_one("#effects", Input).border_title = "Effects on success (the kind's; edit to change)"

    @on(Select.Changed, "#outcome")
    def _outcome_changed(self, event: Select.Changed) -> None:
        """The dice's fields show only while the dice decide (they count only then)."""
        for wid in ("#strong-for", "#strong-against", "#probability"):  # (a way of ruling hides some for good)
            self.query_one(wid).set_class(event.value != "dice", "not-dice")

    def load(self, move: MoveView | None) -> None:
        if move is None or self.move is None or move.id != self.move.id:
            self.clear_form()  # a new move: nothing typed for the last one carries over
        self.move = move
        if move is None:
            self.query_one("#adj-move", Static).update("Select a revealed move to rule on it.")
            return
        text = Text()
        text.append(f"{move.id} · {move.team} · {move.kind} · {move.status}\n", style="bold")
        text.append(visible(move.headline + "\n"))  # appended strings are never read as markup
        if move.detail:
            text.append(visible(move.detail + "\n"), style="italic")
        for argument in move.arguments:
            text.append(visible(f"  + {argument}\n"))
        if move.ruling:
            ruling = move.ruling
            narrative = f": {ruling.narrative}" if ruling.narrative else ""
            text.append(visible(f"Ruled {ruling.outcome.value}{narrative}"), style="bold green")
        self.query_one("#adj-move", Static).update(text)
        self.default_effects = effects_text(self.scenario.move_kinds[move.kind].effects)
        self.query_one("#effects", Input).value = self.default_effects

    def clear_form(self) -> None:
        self.query_one("#outcome", Select).value = self.default_outcome
        for wid, value in (("#narrative", ""), ("#strong-for", "0"), ("#strong-against", "0"), ("#probability", "")):
            self.query_one(wid, Input).value = value
        self.query_one("#private", Checkbox).value = False

    def command(self) -> cmd.Adjudicate:
        """The Adjudicate command the form describes; ValueError for an unreadable field."""
        assert self.move is not None
        outcome = self.query_one("#outcome", Select).value
        effects_text_now = self.query_one("#effects", Input).value.strip()
        effects = None if effects_text_now == self.default_effects else parse_effects(effects_text_now)
        number = lambda wid: int(self.query_one(wid, Input).value or 0)  # noqa: E731
        probability = self.query_one("#probability", Input).value
        dice = outcome == "dice"  # the dice fields count only when the dice decide
        return cmd.Adjudicate(
            self.move.id, self.query_one("#narrative", Input).value.strip(),
            None if dice else Outcome(outcome), effects,
            number("#strong-for") if dice else 0, number("#strong-against") if dice else 0,
            int(probability) if probability and dice else None, not self.query_one("#private", Checkbox).value,
        )


class ChooseScreen(ModalScreen[str | None]):
    """Pick one of some options; Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    AUTO_FOCUS = "#choice"

    def __init__(self, question: str, options: list[tuple[str, str]], extra: str = ""):
        super().__init__()
        self.question, self.options, self.extra = question, options, extra

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="question")
            yield Dropdown(options(self.options), id="choice", allow_blank=False)
            if self.extra:
                yield Input(placeholder=self.extra, id="extra")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#extra")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        value = self.query_one("#choice", Select).value
        extra = self.query(Input)
        self.dismiss(f"{value}\t{extra.first().value.strip()}" if extra else value)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class HotSeatScreen(ModalScreen[None]):
    """Enter a move on behalf of a team, from the facilitator's seat."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Back"), Binding("ctrl+s", "submit", "Submit move")]

    def __init__(self, scenario, team: str):
        super().__init__()
        self.scenario, self.team = scenario, team

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide tall"):
            yield Label(f"Move for {self.scenario.teams[self.team].name} (hot-seat)", classes="heading")
            yield MoveComposer(self.scenario, self.team, id="composer")

    @on(Button.Pressed, "#submit-move")
    def action_submit(self) -> None:
        values = self.query_one(MoveComposer).values()
        if not values["kind"]:
            self.notify("Choose the kind of move", severity="warning")
            return
        if self.app.act(cmd.Submit(self.team, **values), FACILITATOR) is not None:
            self.notify(f"Move entered for {self.team}")
            self.dismiss(None)


class MovesTable(ShownTable):
    """The moves of the turn; Enter goes on to the ruling form of the highlighted one."""

    BINDINGS = [Binding("enter", "screen.ruling_form", "Ruling form", show=False, tooltip="Rule on the highlighted move")]


class LedgerTable(ShownTable):
    """Proposals or commitments; Enter resolves the highlighted one (as c does)."""

    BINDINGS = [Binding("enter", "screen.resolve", "Resolve", show=False, tooltip="Resolve the highlighted commitment or deal")]


def after_tabs(action):
    """An action that reaches into the tabs: before their widgets have come (just after the
    first paint), it waits for them rather than fails, so no key is lost."""

    @functools.wraps(action)
    def run(self, *args):
        if self._unmounted:
            self._waiting.append(lambda: action(self, *args))
            return None
        return action(self, *args)

    return run


class FacilitatorScreen(ConsoleScreen):
    """Run the game: situation, inject queue, moves and rulings, deals and ledger, hotwash."""

    BINDINGS = [
        # One-letter keys work where no text field has the focus (Escape leaves one); F1 and
        # F2 to F7 work anywhere. The tabs are 1 to 6 (and F2 to F7), left to right.
        Binding("f1", "help", "Help", priority=True, tooltip="Every key of this console"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+p", "app.command_palette", "Palette", priority=True, tooltip="Every action of this console, by name"),
        Binding("a", "advance", "Advance", tooltip="Deliver and open moves; close and reveal; next turn"),
        Binding("d", "deliver", "Deliver", tooltip="Deliver the inject highlighted in the queue"),
        Binding("u", "rule", "Rule", tooltip="Rule on the selected move as the ruling form says"),
        Binding("c", "resolve", "Resolve", tooltip="Resolve the highlighted commitment or deal (Deals tab)"),
        Binding("n", "note", "Note", tooltip="Write a hotwash note: to the note form of the Hotwash tab"),
        Binding("h", "hot_seat", "Hot seat", tooltip="Enter a move on behalf of a team (hot-seat)"),
        Binding("o", "hand_over", "Hand over", show=False,
                tooltip="Hand a team to the doctrine bot (with an advisor brief), or back to its players"),
        *(Binding(str(n), f"show_tab('{tab}')", label, group=TABS, tooltip=f"The {label} tab")
          for n, (tab, label) in enumerate(FAC_TABS.items(), start=1)),
        *(Binding(f"f{n + 1}", f"show_tab('{tab}')", label, show=False, priority=True)
          for n, (tab, label) in enumerate(FAC_TABS.items(), start=1)),
        Binding("f", "ruling_form", "Ruling form", show=False, tooltip="Jump to the ruling form of the Moves tab"),
        Binding("s", "skip", "Skip", show=False, tooltip="Skip the highlighted inject, with a reason"),
        Binding("l", "library", "Library inject", show=False, tooltip="Deliver an inject from the library now"),
        Binding("j", "join_info", "Join commands", show=False, tooltip="What each team runs to join"),
        Binding("e", "end", "End game", show=False, tooltip="End the game (to the hotwash), or close the hotwash"),
        Binding("r", "report", "Report", show=False, tooltip="Write the after-action report"),
        Binding("k", "access", "Codes & connections", show=False, tooltip="Join codes for browsers; who is connected"),
        Binding("b", "toggle_sidebar", "Sidebar", show=False, tooltip="Hide or show the sidebar of teams and tracks"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._first_tab = "tab-moves"
        self._unmounted: set[str] = set()  # tabs whose widgets come after the first paint
        self._waiting: list = []  # what was asked of them before they came

    def _body(self, tab: str) -> TabBody:
        """What a tab's widgets go in: the tab that shows first at once, the others just after
        the first paint (most of a console's widgets are in tabs not showing, and every widget
        adds to the time before anything shows)."""
        body = TabBody(tab)
        if tab == self._first_tab:
            return body
        self._unmounted.add(tab)
        return Lazy(body)

    def compose(self) -> ComposeResult:
        scenario = self.app.session.scenario
        self._first_tab = PHASE_TABS[self.app.session.state.phase]
        yield ConsoleHeader()
        with Horizontal(id="body"):
            with VerticalScroll(id="sidebar"):
                yield Label("Teams", classes="heading")
                yield DataTable(id="teams", cursor_type="none", show_cursor=False)
                yield Label("Tracks", classes="heading")
                yield TracksPanel(scenario, id="tracks")
                yield Static("", id="flags", markup=False)
                yield Label("Happened", classes="heading")
                yield Static("", id="conditions", markup=False)
            with Vertical(id="main"):
                yield Static("", id="status-line", markup=False)
                with TabbedContent(id="tabs", initial=self._first_tab):
                    with TabPane(self._tab_label("tab-situation"), id="tab-situation"):
                        with VerticalScroll(id="situation-scroll"):
                            yield LazyMarkdown(id="situation")
                    with TabPane(self._tab_label("tab-injects"), id="tab-injects"), self._body("tab-injects"):
                        yield DataTable(id="queue", cursor_type="row")
                        yield Static("", id="queue-detail", markup=False)
                        with Horizontal(classes="buttons"):
                            yield Button("Deliver now (d)", id="deliver", variant="primary")
                            yield Button("Skip… (s)", id="skip")
                            yield Button("From the library… (l)", id="library")
                    with TabPane(self._tab_label("tab-moves"), id="tab-moves"), self._body("tab-moves"):
                        yield MovesTable(id="moves", cursor_type="row")
                        yield AdjudicationPanel(scenario, id="adjudication")
                    with TabPane(self._tab_label("tab-deals"), id="tab-deals"), self._body("tab-deals"):
                        yield Label("Proposals", classes="heading")
                        yield LedgerTable(id="proposals", cursor_type="row")
                        yield Label("Commitments", classes="heading")
                        yield LedgerTable(id="ledger", cursor_type="row")
                        with Horizontal(classes="buttons"):
                            yield Button("Resolve selected… (c)", id="resolve")
                    with TabPane(self._tab_label("tab-log"), id="tab-log"):
                        yield RichLog(id="log", markup=False, wrap=True)
                    with TabPane(self._tab_label("tab-hotwash"), id="tab-hotwash"), self._body("tab-hotwash"):
                        yield DataTable(id="notes", cursor_type="row")
                        with Horizontal(classes="row"):
                            yield Dropdown([("Strength", "strength"), ("Area for improvement", "improvement"),
                                            ("Improvement-plan item", "plan"), ("Log note", "log")],
                                           value="strength", allow_blank=False, id="note-category")
                            yield Dropdown([(t.name, t.id) for t in scenario.teams.values()], prompt="About a team",
                                           id="note-team")
                        yield Field(placeholder="Note (Enter adds it)", id="note-text")
                        with Horizontal(classes="row"):
                            yield Field(placeholder="Owner (plan items)", id="note-owner")
                            yield Field(placeholder="Due (plan items)", id="note-due")
                            yield Button("Add note", id="add-note")
                        yield Label("The teams' feedback (F10 in a team's console, or exercise feedback)",
                                    classes="heading")
                        yield DataTable(id="feedback", cursor_type="row")
        yield KeysFooter()

    @staticmethod
    def _set_up_tables(where) -> None:
        """The columns of the tables in ``where`` (the screen, or a tab's widgets come later)."""
        for table, columns, first in TABLES:
            for found in where.query(table).results(DataTable):
                found.add_columns(*columns)
                if first:
                    found.show_first(*first)  # what a narrow terminal must show first

    @on(TabBody.Mounted)
    def _tab_mounted(self, event: TabBody.Mounted) -> None:
        """A tab's widgets have come: their columns, and once all are here the whole view again
        (what was shown so far left them out), then whatever keys asked for meanwhile."""
        event.stop()
        if event.tab not in self._unmounted:
            return
        self._unmounted.discard(event.tab)
        self._set_up_tables(event.body)
        if self._unmounted:
            return
        self._injects = None  # the next show is of the whole record
        self.show_view()
        self._tab_shown()
        waiting, self._waiting = self._waiting, []
        for call in waiting:
            call()
        self.call_after_refresh(self.whole)

    @property
    def complete(self) -> bool:
        return not self._unmounted

    def _tab_here(self, tab: str) -> bool:
        return tab not in self._unmounted

    @staticmethod
    def _tab_label(tab: str) -> str:
        return f"{FAC_TABS[tab]} {list(FAC_TABS).index(tab) + 1}"

    def on_mount(self) -> None:
        self.query_one("#teams", DataTable).add_columns("Team", "Moves", "Ready", "Seen")
        self._set_up_tables(self)
        self._logged = 0
        self._queue: dict[str, QueuedView] = {}
        self._situation = None
        self._phase = None
        self._injects: ById | None = None  # what show_view keeps of the whole record
        self._conditions: list[ConditionView] = []
        self._notes: list[NoteView] = []
        self._feedback: list[FeedbackView] = []
        self._moves, self._proposals, self._commitments = ById(), ById(), ById()  # what is current
        self._turn = 0
        self.show_view()
        self.notify(f"Teams join with: exercise join {self.app.session.path} --team ID  (j shows all)", timeout=10)

    # -- showing --------------------------------------------------------------------------

    def show_view(self) -> None:
        """Show the session now. The first time reads the whole record; after that the view of
        what the new events touched (``following``), so a refresh costs the same however long
        the game."""
        session = self.app.session
        scenario = session.scenario
        new = session.events_since(self._logged, None if self._injects is not None else LOG_LINES)
        if self._injects is None:
            whole = session.view(FACILITATOR, "all")
            self._injects = ById(whole.injects)
            self._conditions, self._notes = list(whole.conditions), list(whole.notes)
            self._feedback = list(whole.feedback or ())
            view, touched = session.view(FACILITATOR, "now"), None
        else:
            touched = views.touched(new)
            view = session.view(FACILITATOR, "now", touched)
            self._injects.update(view.injects)
            self._conditions += views.conditions_in(new, FACILITATOR)
            self._notes += views.notes_in(new, FACILITATOR)
            self._feedback += views.feedback_in(new, FACILITATOR)
            if view.turn != self._turn:  # a new turn: what is current is another set
                view, touched = session.view(FACILITATOR, "now"), None
        self._turn = view.turn
        self.app.title = console_title(FACILITATOR, header_text(view, scenario))
        self.app.sub_title = view.scenario.title
        if view.phase != self._phase:  # show the tab the new phase is about
            self._phase = view.phase
            self.query_one("#tabs", TabbedContent).active = PHASE_TABS[view.phase]
        presence = {p["role"]: p["last_seen"] for p in session.presence()}
        fill_table(self.query_one("#teams", DataTable), [
            (tid, [t.name + ("" if t.bot is None else " (bot)"), str(t.moves_this_turn), "✓" if t.ready else "",
                   seen_text(presence.get(tid))])
            for tid, t in view.teams.items()])
        self.query_one(TracksPanel).show(view)
        flags = [f.label for f in view.flags.values() if f.value]
        self.query_one("#flags", Static).update("Flags set: " + (", ".join(flags) or "none"))
        self._show_conditions(view)
        self._show_situation()
        queue = view.queue or ()
        self._queue = {q.entry: q for q in queue}  # for the notes of the highlighted entry
        if self._tab_here("tab-injects"):
            fill_table(self.query_one("#queue", DataTable), [
                (q.entry, [q.entry, q.reason, ", ".join(q.recipients), q.title]) for q in queue])
            self._show_queue_detail()
        if self._tab_here("tab-moves"):
            this_turn = [m for m in view.moves if m.turn == view.turn]
            show_current(self.query_one("#moves", DataTable), self._moves, this_turn, touched, lambda m: [
                m.id, str(m.turn), m.team, m.kind, m.status.value, m.ruling.outcome.value if m.ruling else "",
                plain(m.headline)])
        if self._tab_here("tab-deals"):
            show_current(self.query_one("#proposals", DataTable), self._proposals, view.proposals, touched, lambda p: [
                p.id, p.by, p.status.value, ", ".join(p.parties),
                ", ".join(f"{t} {a.value}" for t, a in p.answers.items()), plain(p.title)])
            show_current(self.query_one("#ledger", DataTable), self._commitments, view.commitments, touched, lambda c: [
                c.id, c.team, c.kind, str(c.turn), c.status.replace("_", " "), plain(c.text)])
        if self._tab_here("tab-hotwash"):
            notes = self.query_one("#notes", DataTable)
            upsert_rows(notes, [(str(i), [str(n.turn), n.category, n.team, plain(n.owner), plain(n.due),
                                          plain(n.text)]) for i, n in enumerate(self._notes) if i >= notes.row_count])
            feedback = self.query_one("#feedback", DataTable)
            upsert_rows(feedback, [(str(i), [f.team, "—" if f.rating is None else f"{f.rating}/5", plain(f.comments),
                                             plain("; ".join(f.strengths)), plain("; ".join(f.improvements))])
                                   for i, f in enumerate(self._feedback) if i >= feedback.row_count])
        log = self.query_one("#log", RichLog)
        if touched is None and new and self._logged == 0 and session.applied > len(new):
            log.write(f"({session.applied - len(new)} earlier events: exercise export {session.path} has them all)")
        for event in new:
            log.write(plain(describe(event, scenario)))
        self._logged = session.applied
        if self._tab_here("tab-moves"):
            panel = self.query_one(AdjudicationPanel)
            panel.display = any(m.revealed for m in self._moves.items.values())  # nothing to rule on before a reveal
            if panel.move is not None:
                current = self._moves.items.get(panel.move.id)
                if current != panel.move:
                    panel.load(current)
        self.show_status(view)

    def _show_conditions(self, view: View) -> None:
        """The sidebar's "Happened": the end state reached, if any, and the last condition changes."""
        happened = [f"T{c.turn} {'+' if c.holds else '-'} {c.kind.replace('_', ' ')}: "
                    f"{c.team + ' ' if c.team else ''}{c.item}" for c in self._conditions[-12:]]
        end_states = self.app.session.scenario.end_states
        holding = [h.item for h in view.holding if h.kind == "end_state"]
        if view.end_state:
            happened.insert(0, f"END STATE: {end_states[view.end_state].label}")
        elif holding:
            happened.insert(0, f"End state reached now: {end_states[holding[0]].label}")
        self.query_one("#conditions", Static).update("\n".join(happened) or "nothing yet")

    def _show_situation(self) -> None:
        injects = list(self._injects.items.values()) if self._injects else []
        key = (len(injects),)
        if key == self._situation:
            return  # keep the reader's scroll position
        self._situation = key
        info = self.app.session.scenario.info
        parts = [f"# {info.title}", info.background.strip()]
        if injects:
            parts.append("## Injects delivered")
        for d in reversed(injects):
            parts.append(f"### {d.id} · turn {d.turn} · {d.title}\n\n"
                         f"*From {d.sender}, by {d.channel}, to {', '.join(d.recipients)}* — source: {d.source}\n\n"
                         f"{d.body.strip()}")
            if d.questions:
                parts.append("**Discussion questions**\n\n" + "\n".join(f"- {q}" for q in d.questions))
        self.query_one("#situation", LazyMarkdown).show("\n\n".join(parts))

    def _show_queue_detail(self) -> None:
        entry = selected_key(self.query_one("#queue", DataTable))
        q = self._queue.get(entry)
        self.query_one("#queue-detail", Static).update(
            f"Controller notes for {entry}: {reflow(q.notes) or '(none)'}" if q else
            "No inject waiting. Deliver one from the library with l.")

    @on(DataTable.RowHighlighted, "#queue")
    def _queue_row(self) -> None:
        self._show_queue_detail()

    @on(DataTable.RowHighlighted, "#moves")
    def _move_row(self, event: DataTable.RowHighlighted) -> None:
        move_id = event.row_key.value if event.row_key else None
        self.query_one(AdjudicationPanel).load(self._moves.items.get(move_id))

    # -- actions --------------------------------------------------------------------------

    @after_tabs
    def action_show_tab(self, tab: str) -> None:
        """Show a tab and put the focus on its table (or text), so arrows work there at once."""
        self.query_one("#tabs", TabbedContent).active = tab
        self.set_focus(self.query_one(TAB_FOCUS[tab]))  # at once: a focus that came later would pull its tab back

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_shown(self) -> None:
        """Whichever way a tab came to show (a key, a click, a new phase), the focus goes into it,
        not left behind in a hidden tab. The tab showing now counts, not the event's: a late
        event must not pull back a tab the user has left."""
        tabs = self.query_one("#tabs", TabbedContent)
        pane = tabs.active_pane
        if not self._tab_here(tabs.active):
            return  # its widgets are coming: the focus goes in when they have
        if pane is not None and (self.focused is None or pane not in self.focused.ancestors):
            self.set_focus(self.query_one(TAB_FOCUS[tabs.active]))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen("Keys: the facilitator's console", FACILITATOR_HELP, [
            ("Anywhere in this console (one-letter keys: where no text field has the focus)",
             key_rows(self.app, self.BINDINGS)),
            ("In the moves of the Moves tab (3)", key_rows(self.app, MovesTable.BINDINGS)),
            ("In the proposals and commitments of the Deals tab (4)", key_rows(self.app, LedgerTable.BINDINGS)),
            ("In forms and dialogs", FORMS),
        ]))

    @after_tabs
    def action_ruling_form(self) -> None:
        self.query_one("#tabs", TabbedContent).active = "tab-moves"
        panel = self.query_one(AdjudicationPanel)
        if not panel.display:
            self.notify("Nothing to rule on before the moves are revealed", severity="warning")
        elif panel.move is None:
            self.notify("Highlight a move in the Moves tab first", severity="warning")
            self.set_focus(self.query_one("#moves"))
        else:
            self.set_focus(self.query_one("#outcome"))

    @after_tabs
    def action_note(self) -> None:
        self.query_one("#tabs", TabbedContent).active = "tab-hotwash"
        self.set_focus(self.query_one("#note-text"))

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        shown = sidebar.display
        self.set_class(shown, "sidebar-off")
        self.set_class(not shown, "sidebar-on")

    @on(Input.Submitted, "#adjudication Input")
    def _rule_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_rule()  # Enter in the ruling form rules, as u and the Rule button do

    @on(Input.Submitted, "#note-text, #note-owner, #note-due")
    def _note_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self._add_note()

    def show_status(self, view: View) -> None:
        """Who is ready, on one line: shown where the sidebar is hidden (a narrow terminal, or b)."""
        waiting = [team for team, t in view.teams.items() if not t.ready]
        ready = len(view.teams) - len(waiting)
        line = f"Ready {ready}/{len(view.teams)}" + (f", waiting for {', '.join(waiting)}" if waiting else "")
        line += " · b: teams and tracks"
        self.query_one("#status-line", Static).update(line)

    def action_advance(self) -> None:
        phase = self.app.session.state.phase.value
        if phase == "moves":
            self.app.push_screen(ConfirmScreen("Close moves and reveal them? Teams can no longer change them.",
                                               "Close and reveal"), self._advance_confirmed)
        elif phase == "hotwash":
            self.action_end()
        else:
            self._advance_confirmed(True)

    def _advance_confirmed(self, yes: bool | None, force: bool = False) -> None:
        if not yes:
            return
        try:
            self.app.session.act(cmd.Advance(force=force), FACILITATOR)
        except UnruledMoves as exc:  # the turn ends with every revealed move ruled, or when forced
            self.app.push_screen(ConfirmScreen(f"{exc}.\nGo to the next turn anyway?", "Next turn anyway"),
                                 lambda yes: self._advance_confirmed(yes, force=True))
            return
        except Refused as exc:
            self.notify(str(exc), title="Refused", severity="error")
            return
        self.app.refresh_console()
        self.notify(header_text(self.app.session.view(FACILITATOR, "now"), self.app.session.scenario))

    @after_tabs
    def action_deliver(self) -> None:
        entry = selected_key(self.query_one("#queue", DataTable))
        if entry is None:
            self.notify("No inject is waiting in the queue", severity="warning")
        else:
            self.app.act(cmd.Deliver(entry))

    @after_tabs
    def action_skip(self) -> None:
        entry = selected_key(self.query_one("#queue", DataTable))
        if entry is None:
            self.notify("No inject is waiting in the queue", severity="warning")
            return
        self.app.push_screen(PromptScreen(f"Why skip {entry}? (the report records it)", "reason"),
                             lambda reason: reason and self.app.act(cmd.Skip(entry, reason)))

    def action_library(self) -> None:
        library = self.app.session.library()
        options = [(f"{inject.title} ({inject_id})", inject_id) for inject_id, inject in library.items()]
        self.app.push_screen(ChooseScreen("Deliver which inject now?", options,
                                          "Recipients: team ids separated by spaces (empty: the inject's own)"),
                             self._library_chosen)

    def _library_chosen(self, choice: str | None) -> None:
        if not choice:
            return
        inject_id, _, recipients = choice.partition("\t")
        inject = self.app.session.library()[inject_id]
        self.app.act(cmd.DeliverInject(inject, recipients.split()))

    @after_tabs
    def action_rule(self) -> None:
        panel = self.query_one(AdjudicationPanel)
        if panel.move is None:
            self.notify("Select a move in the Moves tab first", severity="warning")
            return
        try:
            command = panel.command()
        except ValueError as exc:
            self.notify(str(exc), title="Cannot read the form", severity="error")
            return
        events = self.app.act(command)
        if events:
            self.query_one("#roll", Static).update(describe(events[0], self.app.session.scenario))
            self._select_next_unruled()

    def _select_next_unruled(self) -> None:
        """After a ruling, put the cursor on the next revealed move still without one."""
        table = self.query_one("#moves", DataTable)
        moves = self.app.session.state.moves
        keys = [key.value for key in table.rows]
        waiting = [i for i, key in enumerate(keys) if moves[key].revealed and moves[key].ruling is None]
        if waiting:
            table.move_cursor(row=waiting[0])

    @on(Button.Pressed, "#rule")
    def _rule_button(self) -> None:
        self.action_rule()

    @on(Button.Pressed, "#deliver")
    def _deliver_button(self) -> None:
        self.action_deliver()

    @on(Button.Pressed, "#skip")
    def _skip_button(self) -> None:
        self.action_skip()

    @on(Button.Pressed, "#library")
    def _library_button(self) -> None:
        self.action_library()

    def action_hot_seat(self) -> None:
        teams = [(t.name, t.id) for t in self.app.session.scenario.teams.values()]
        self.app.push_screen(ChooseScreen("Enter a move for which team?", teams),
                             lambda team: team and self.app.push_screen(HotSeatScreen(self.app.session.scenario, team)))

    def action_hand_over(self) -> None:
        """Hand a team to the doctrine bot, or back: a hand-over in the journal; the bot itself runs as
        'exercise bot SESSION --team TEAM' (the console says so)."""
        session = self.app.session
        choices: list[tuple[str, str]] = []
        for team in session.scenario.teams.values():
            if team.id in session.state.bots:
                choices.append((f"{team.name}: back to its players", f"{team.id} human "))
            choices.append((f"{team.name}: to the doctrine bot", f"{team.id} bot "))
            choices += [(f"{team.name}: to the bot, following {a.title}", f"{team.id} bot {a.id}")
                        for a in team.position.advisors]

        def chosen(value: str | None) -> None:
            if not value:
                return
            team, to, brief = value.split(" ", 2)
            events = self.app.act(cmd.Handoff(team, to, brief), FACILITATOR)
            if events and to == "bot":
                line = f"exercise bot {session.path} --team {team}" + (f" --brief {brief}" if brief else "")
                self.notify(f"{team} is handed to the bot; it plays when this runs: {line}", timeout=12)
            elif events:
                self.notify(f"{team} is back with its players; a running bot stops")

        self.app.push_screen(ChooseScreen("Who plays which team?", choices), chosen)

    def action_join_info(self) -> None:
        self.app.push_screen(InfoScreen("Joining this session", join_commands(self.app.session)))

    def action_end(self) -> None:
        phase = self.app.session.state.phase.value
        question = ("Close the hotwash and end the game? The end state is recorded." if phase == "hotwash"
                    else "End the game now and go to the hotwash?")
        self.app.push_screen(ConfirmScreen(question, "End"), lambda yes: yes and self.app.act(cmd.End()))

    @on(Button.Pressed, "#resolve")
    @after_tabs
    def action_resolve(self) -> None:
        tables = [self.query_one("#ledger", DataTable), self.query_one("#proposals", DataTable)]
        if self.focused is tables[1]:
            tables.reverse()  # the table with the focus first
        item = next(filter(None, map(selected_key, tables)), None)
        choices = self.app.session.resolution_choices(item) if item else []
        if not choices:
            self.notify("Select a commitment or a deal first", severity="warning")
            return
        self.app.push_screen(ChooseScreen(f"Resolve {item} as:", [(c.replace("_", " "), c) for c in choices],
                                          "Note (optional); for a violated deal start with the team id"),
                             lambda answer: answer and self._resolved(item, answer))

    def _resolved(self, item: str, answer: str) -> None:
        status, _, note = answer.partition("\t")
        by = ""
        if status == "violated" and note:
            by, _, note = note.partition(" ")
        self.app.act(cmd.Resolve(item, status, note, by))

    @on(Button.Pressed, "#add-note")
    def _add_note(self) -> None:
        text = self.query_one("#note-text", Input)
        team = self.query_one("#note-team", Select).value
        command = cmd.Note(FACILITATOR, text.value, self.query_one("#note-category", Select).value,
                           team if isinstance(team, str) else "", self.query_one("#note-owner", Input).value,
                           self.query_one("#note-due", Input).value)
        if self.app.act(command) is not None:
            text.value = ""

    def palette_commands(self):
        """The console's actions for the command palette: (title, help, callback)."""
        return [
            ("Advance the game", "Deliver and open moves; close and reveal; next turn", self.action_advance),
            ("Deliver the selected inject", "From the inject queue", self.action_deliver),
            ("Skip the selected inject", "With a reason for the report", self.action_skip),
            ("Deliver an inject from the library", "Ad hoc, to chosen teams", self.action_library),
            ("Rule on the selected move", "With the adjudication panel's settings", self.action_rule),
            ("Enter a move for a team", "Hot-seat: one laptop and a projector", self.action_hot_seat),
            ("Hand a team to the bot, or back", "The doctrine bot plays it from its position (o)", self.action_hand_over),
            ("Show the join commands", "What each team runs to join", self.action_join_info),
            ("End the game", "To the hotwash, or close the hotwash", self.action_end),
            ("Write the after-action report", "HTML, Markdown or PDF, from what happened", self.action_report),
            ("Join codes and connections", "Who may join from a browser, who is connected, from where", self.action_access),
            ("Resolve the selected commitment or deal", "Carried out, lapsed, violated... (c)", self.action_resolve),
            ("Write a hotwash note", "Strengths, areas for improvement, plan items (n)", self.action_note),
            ("Go to the ruling form", "Of the move highlighted in the Moves tab (f)", self.action_ruling_form),
            ("Hide or show the sidebar", "Teams, tracks and what happened (b)", self.action_toggle_sidebar),
            ("Keys and help", "Every key of this console (F1 or ?)", self.action_help),
        ]

    def action_access(self) -> None:
        from .access import AccessScreen

        self.app.push_screen(AccessScreen())

    def action_report(self) -> None:
        from .report import ReportScreen

        self.app.push_screen(ReportScreen(self.app.session.path))


FACILITATOR_HELP = """\
The tabs are on the right: 1 Situation, 2 Injects, 3 Moves, 4 Deals (and the ledger), 5 Log, 6 Hotwash \
(F2 to F7 pick them too, even while you type in a field). Each puts the focus on its table. The \
sidebar on the left shows the teams (who is ready, who is connected), the tracks and what has \
happened; b hides or shows it (it starts hidden in a narrow terminal, where a line above the \
tabs says who is ready).

A turn: a delivers the injects and opens moves; when the teams are ready, a closes and reveals \
them (asked first). In the Moves tab highlight a move, Enter (or f) goes to its ruling form: \
choose the outcome (or the dice), write the narrative, and Enter (or u) rules; the next move \
without a ruling is highlighted. a again goes on to the next turn.

One-letter keys are typed into a text field while it has the focus: Escape leaves the field."""
