"""The facilitator's console: run the turn, deliver injects, adjudicate, keep the ledger."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Markdown,
    RichLog,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from .. import adjudication
from .. import commands as cmd
from ..events import Outcome, Phase
from ..narrate import describe, effects_text, parse_effects
from ..session import FACILITATOR, Refused, UnruledMoves
from ..text import visible
from ..views import MoveView, QueuedView, View
from .widgets import (
    ConfirmScreen,
    InfoScreen,
    MoveComposer,
    PromptScreen,
    TracksPanel,
    fill_table,
    header_text,
    options,
    plain,
    seen_text,
    selected_key,
)


def reflow(text: str) -> str:
    """Text wrapped by hand in a TOML file, as paragraphs the screen can wrap."""
    return "\n\n".join(" ".join(para.split()) for para in text.strip().split("\n\n"))


def join_commands(session) -> str:
    lines = ["Each team joins from its own terminal with:", ""]
    lines += [f"  exercise join {session.path} --team {team}    ({info.name})"
              for team, info in session.scenario.teams.items()]
    lines += ["", "The facilitator can reopen this console with:", f"  exercise facilitate {session.path}"]
    return "\n".join(lines)


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
        with Horizontal(classes="row"):
            yield Select(choices, value=choices[0][1], id="outcome", allow_blank=False)
            matrix = "" if adjudication.STRONG_ARGUMENTS in way.takes else "hidden"
            yield Input("0", id="strong-for", type="integer", placeholder="strong for", classes=matrix)
            yield Input("0", id="strong-against", type="integer", placeholder="strong against", classes=matrix)
            yield Input(placeholder="Chance of success, %", id="probability", type="integer",
                        classes="" if adjudication.PROBABILITY in way.takes else "hidden")
        yield Input(placeholder="Narrative: what happened", id="narrative")
        yield Input(placeholder="Effects, e.g. escalation +1, ceasefire = true", id="effects")
        with Horizontal(classes="row"):
            yield Checkbox("Private ruling", id="private")
            yield Button("Rule (u)", id="rule", variant="primary")
        yield Static("", id="roll", markup=False)

    def on_mount(self) -> None:
        self.query_one("#strong-for", Input).border_title = "Strong for"
        self.query_one("#strong-against", Input).border_title = "Against"
        self.query_one("#probability", Input).border_title = "Chance, %"
        self.query_one("#effects", Input).border_title = "Effects on success (the move kind's; edit to change)"

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

    def __init__(self, question: str, options: list[tuple[str, str]], extra: str = ""):
        super().__init__()
        self.question, self.options, self.extra = question, options, extra

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False, classes="question")
            yield Select(options(self.options), id="choice", allow_blank=False)
            if self.extra:
                yield Input(placeholder=self.extra, id="extra")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

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


class FacilitatorScreen(Screen):
    """Run the game: situation, inject queue, moves and rulings, deals and ledger, hotwash."""

    BINDINGS = [
        Binding("a", "advance", "Advance"),
        Binding("d", "deliver", "Deliver"),
        Binding("s", "skip", "Skip"),
        Binding("l", "library", "Library inject"),
        Binding("u", "rule", "Rule"),
        Binding("h", "hot_seat", "Move for a team"),
        Binding("j", "join_info", "Join commands"),
        Binding("e", "end", "End game"),
        Binding("r", "report", "Report"),
        Binding("k", "access", "Codes & connections"),
        *(Binding(str(n), f"show_tab('{tab}')", label, show=False) for n, (tab, label) in enumerate(
            [("tab-situation", "Situation"), ("tab-injects", "Injects"), ("tab-moves", "Moves"),
             ("tab-deals", "Deals & ledger"), ("tab-log", "Log"), ("tab-hotwash", "Hotwash")], start=1)),
    ]

    def compose(self) -> ComposeResult:
        scenario = self.app.session.scenario
        yield Header()
        with Horizontal(id="body"):
            with VerticalScroll(id="sidebar"):
                yield Label("Teams", classes="heading")
                yield DataTable(id="teams", cursor_type="none", show_cursor=False)
                yield Label("Tracks", classes="heading")
                yield TracksPanel(scenario, id="tracks")
                yield Static("", id="flags", markup=False)
                yield Label("Happened", classes="heading")
                yield Static("", id="conditions", markup=False)
            with TabbedContent(id="tabs", initial="tab-moves"):
                with TabPane("Situation", id="tab-situation"):
                    with VerticalScroll():
                        yield Markdown(id="situation")
                with TabPane("Injects", id="tab-injects"):
                    yield DataTable(id="queue", cursor_type="row")
                    yield Static("", id="queue-detail", markup=False)
                    with Horizontal(classes="buttons"):
                        yield Button("Deliver now (d)", id="deliver", variant="primary")
                        yield Button("Skip… (s)", id="skip")
                        yield Button("From the library… (l)", id="library")
                with TabPane("Moves", id="tab-moves"):
                    yield DataTable(id="moves", cursor_type="row")
                    yield AdjudicationPanel(scenario, id="adjudication")
                with TabPane("Deals & ledger", id="tab-deals"):
                    yield Label("Proposals", classes="heading")
                    yield DataTable(id="proposals", cursor_type="row")
                    yield Label("Commitments", classes="heading")
                    yield DataTable(id="ledger", cursor_type="row")
                    with Horizontal(classes="buttons"):
                        yield Button("Resolve selected…", id="resolve")
                with TabPane("Log", id="tab-log"):
                    yield RichLog(id="log", markup=False, wrap=True)
                with TabPane("Hotwash", id="tab-hotwash"):
                    yield DataTable(id="notes", cursor_type="row")
                    with Horizontal(classes="row"):
                        yield Select([("Strength", "strength"), ("Area for improvement", "improvement"),
                                      ("Improvement-plan item", "plan"), ("Log note", "log")],
                                     value="strength", allow_blank=False, id="note-category")
                        yield Select([(t.name, t.id) for t in scenario.teams.values()], prompt="About a team",
                                     id="note-team")
                    yield Input(placeholder="Note", id="note-text")
                    with Horizontal(classes="row"):
                        yield Input(placeholder="Owner (plan items)", id="note-owner")
                        yield Input(placeholder="Due (plan items)", id="note-due")
                        yield Button("Add note", id="add-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#teams", DataTable).add_columns("Team", "Moves", "Ready", "Seen")
        self.query_one("#queue", DataTable).add_columns("Entry", "Why", "To", "Inject")
        self.query_one("#moves", DataTable).add_columns("Move", "Turn", "Team", "Kind", "Status", "Ruling", "Headline")
        self.query_one("#proposals", DataTable).add_columns("Id", "By", "Status", "Parties", "Answers", "Title")
        self.query_one("#ledger", DataTable).add_columns("Id", "Team", "Kind", "Turn", "Status", "Commitment")
        self.query_one("#notes", DataTable).add_columns("Turn", "Category", "Team", "Owner", "Due", "Note")
        self._logged = 0
        self._queue: dict[str, QueuedView] = {}
        self._situation = None
        self._phase = None
        self.show_view()
        self.notify(f"Teams join with: exercise join {self.app.session.path} --team ID  (j shows all)", timeout=10)

    # -- showing --------------------------------------------------------------------------

    def show_view(self) -> None:
        session = self.app.session
        scenario = session.scenario
        view = session.view(FACILITATOR)
        self.app.title = header_text(view, scenario) + " · facilitator"
        self.app.sub_title = view.scenario.title
        if view.phase != self._phase:  # show the tab the new phase is about
            self._phase = view.phase
            self.query_one("#tabs", TabbedContent).active = PHASE_TABS[view.phase]
        presence = {p["role"]: p["last_seen"] for p in session.presence()}
        fill_table(self.query_one("#teams", DataTable), [
            (tid, [t.name, str(t.moves_this_turn), "✓" if t.ready else "", seen_text(presence.get(tid))])
            for tid, t in view.teams.items()])
        self.query_one(TracksPanel).show(view, list(view.history))
        flags = [f.label for f in view.flags.values() if f.value]
        self.query_one("#flags", Static).update("Flags set: " + (", ".join(flags) or "none"))
        happened = [f"T{c.turn} {'+' if c.holds else '-'} {c.kind.replace('_', ' ')}: "
                    f"{c.team + ' ' if c.team else ''}{c.item}" for c in view.conditions[-12:]]
        holding = [c.item for c in view.conditions if c.kind == "end_state"]
        holding = [item for item in dict.fromkeys(holding)
                   if next(c.holds for c in reversed(view.conditions) if c.item == item)]
        end_states = scenario.end_states
        if view.end_state:
            happened.insert(0, f"END STATE: {end_states[view.end_state].label}")
        elif holding:
            happened.insert(0, f"End state reached now: {end_states[holding[0]].label}")
        self.query_one("#conditions", Static).update("\n".join(happened) or "nothing yet")
        self._show_situation(view)
        queue = view.queue or ()
        self._queue = {q.entry: q for q in queue}  # for the notes of the highlighted entry
        fill_table(self.query_one("#queue", DataTable), [
            (q.entry, [q.entry, q.reason, ", ".join(q.recipients), q.title]) for q in queue])
        self._show_queue_detail()
        moves = [m for m in view.moves if m.turn == view.turn or (m.revealed and not m.ruling)]
        fill_table(self.query_one("#moves", DataTable), [
            (m.id, [m.id, str(m.turn), m.team, m.kind, m.status.value,
                    m.ruling.outcome.value if m.ruling else "", plain(m.headline)]) for m in moves])
        fill_table(self.query_one("#proposals", DataTable), [
            (p.id, [p.id, p.by, p.status.value, ", ".join(p.parties),
                    ", ".join(f"{t} {a.value}" for t, a in p.answers.items()), plain(p.title)])
            for p in view.proposals])
        fill_table(self.query_one("#ledger", DataTable), [
            (c.id, [c.id, c.team, c.kind, str(c.turn), c.status.replace("_", " "), plain(c.text)])
            for c in view.commitments])
        fill_table(self.query_one("#notes", DataTable), [
            (str(i), [str(n.turn), n.category, n.team, plain(n.owner), plain(n.due), plain(n.text)])
            for i, n in enumerate(view.notes)])
        log = self.query_one("#log", RichLog)
        for event in session.log[self._logged:]:
            log.write(plain(describe(event, scenario)))
        self._logged = len(session.log)
        panel = self.query_one(AdjudicationPanel)
        panel.display = any(m.revealed for m in moves)  # nothing to rule on before a reveal
        if panel.move is not None:
            current = view.move(panel.move.id)
            if current != panel.move:
                panel.load(current)

    def _show_situation(self, view: View) -> None:
        key = (len(view.injects),)
        if key == self._situation:
            return  # keep the reader's scroll position
        self._situation = key
        info = self.app.session.scenario.info
        parts = [f"# {info.title}", info.background.strip()]
        if view.injects:
            parts.append("## Injects delivered")
        for d in reversed(view.injects):
            parts.append(f"### {d.id} · turn {d.turn} · {d.title}\n\n"
                         f"*From {d.sender}, by {d.channel}, to {', '.join(d.recipients)}* — source: {d.source}\n\n"
                         f"{d.body.strip()}")
            if d.questions:
                parts.append("**Discussion questions**\n\n" + "\n".join(f"- {q}" for q in d.questions))
        self.query_one("#situation", Markdown).update("\n\n".join(parts))

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
        self.query_one(AdjudicationPanel).load(self.app.session.view(FACILITATOR).move(move_id))

    # -- actions --------------------------------------------------------------------------

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

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
        self.notify(header_text(self.app.session.view(FACILITATOR), self.app.session.scenario))

    def action_deliver(self) -> None:
        entry = selected_key(self.query_one("#queue", DataTable))
        if entry is None:
            self.notify("No inject is waiting in the queue", severity="warning")
        else:
            self.app.act(cmd.Deliver(entry))

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

    def action_join_info(self) -> None:
        self.app.push_screen(InfoScreen("Joining this session", join_commands(self.app.session)))

    def action_end(self) -> None:
        phase = self.app.session.state.phase.value
        question = ("Close the hotwash and end the game? The end state is recorded." if phase == "hotwash"
                    else "End the game now and go to the hotwash?")
        self.app.push_screen(ConfirmScreen(question, "End"), lambda yes: yes and self.app.act(cmd.End()))

    @on(Button.Pressed, "#resolve")
    def _resolve(self) -> None:
        item = selected_key(self.query_one("#ledger", DataTable)) or selected_key(self.query_one("#proposals", DataTable))
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
            ("Show the join commands", "What each team runs to join", self.action_join_info),
            ("End the game", "To the hotwash, or close the hotwash", self.action_end),
            ("Write the after-action report", "HTML, Markdown or PDF, from what happened", self.action_report),
            ("Join codes and connections", "Who may join from a browser, who is connected, from where", self.action_access),
        ]

    def action_access(self) -> None:
        from .access import AccessScreen

        self.app.push_screen(AccessScreen())

    def action_report(self) -> None:
        from .report import ReportScreen

        self.app.push_screen(ReportScreen(self.app.session.path))
