"""The evaluator's console (issue 12): the exercise objectives and their ratings, observations as
they are made, and the session's log as control sees it.

An evaluator sees what the facilitator sees (``exercise.visibility``) and records, through the
session like any console, observations tied to an objective, an inject delivered and a team,
and ratings P/S/M/U with their rationale. It plays no part in the game.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Label, RichLog, Select, Static

from .. import commands as cmd
from ..narrate import describe
from .help import FORMS, HelpScreen, key_rows
from .opening import console_title
from .widgets import (
    ConsoleHeader,
    ConsoleScreen,
    Dropdown,
    Field,
    KeysFooter,
    TracksPanel,
    fill_table,
    header_text,
    options,
    plain,
)

RATINGS = [("P: performed without challenges", "P"), ("S: performed with some challenges", "S"),
           ("M: performed with major challenges", "M"), ("U: unable to be performed", "U")]
KINDS = [("Observation", "observation"), ("Strength", "strength"), ("Area for improvement", "improvement")]


class ExpectedTable(DataTable):
    """The expected actions of the injects delivered; keys mark the highlighted one."""

    BINDINGS = [
        Binding("m", "screen.mark('met')", "Met", tooltip="Mark the highlighted expected action met"),
        Binding("p", "screen.mark('partly')", "Partly", tooltip="Mark it partly met"),
        Binding("n", "screen.mark('not')", "Not met", tooltip="Mark it not met"),
    ]


class EvaluatorScreen(ConsoleScreen):
    """What an evaluator works in: objectives to rate, observations to record, the log to follow."""

    DEFAULT_CSS = """
    EvaluatorScreen #main DataTable { height: auto; max-height: 12; }
    EvaluatorScreen #main RichLog { height: 14; }
    EvaluatorScreen.-narrow #sidebar { display: none; }
    EvaluatorScreen #ev-status { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True, tooltip="Every key of this console"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("o", "observe", "Observe", tooltip="To the observation form"),
        Binding("r", "rate", "Rate", tooltip="To the rating form of the highlighted objective"),
        Binding("e", "expected", "Expected actions", tooltip="To the injects' expected actions (m, p, n mark them)"),
        Binding("l", "log", "Log", tooltip="To the session's log"),
    ]

    def compose(self) -> ComposeResult:
        session = self.app.session
        scenario = session.scenario
        objectives = [(o.id, o.id) for o in scenario.exercise_objectives.values()]
        yield ConsoleHeader()
        with Horizontal(id="body"):
            with VerticalScroll(id="sidebar"):
                yield Label("Tracks", classes="heading")
                yield TracksPanel(scenario, id="tracks")
                yield Static("", id="flags", markup=False)
            with VerticalScroll(id="main"):
                yield Static("", id="ev-status", markup=False)  # how far the rating has got, at any width
                yield Label("Exercise objectives", classes="heading")
                yield DataTable(id="objectives", cursor_type="row")
                with Horizontal(classes="row"):
                    yield Dropdown(options(objectives), prompt="Objective", id="ev-objective",
                                   value=objectives[0][1] if objectives else Select.BLANK)
                    yield Dropdown(options(KINDS), value="observation", allow_blank=False, id="ev-kind")
                    yield Dropdown([], prompt="About an inject", id="ev-inject")
                    yield Dropdown(options([(t.name, t.id) for t in scenario.teams.values()]),
                                   prompt="About a team", id="ev-team")
                yield Field(placeholder="Observation (Enter records it)", id="ev-text")
                with Horizontal(classes="row"):
                    yield Dropdown(options(RATINGS), prompt="Rating", id="ev-rating")
                    yield Field(placeholder="Rationale (Enter rates the objective chosen above)", id="ev-rationale")
                    yield Button("Rate", id="ev-rate", variant="primary")
                yield Label("Observations", classes="heading")
                yield DataTable(id="observations", cursor_type="row")
                yield Label("Expected actions of the injects delivered · e, then m met, p partly, n not (for the "
                            "team chosen above, or all)", classes="heading")
                yield ExpectedTable(id="expected", cursor_type="row")
                yield Label("Log", classes="heading")
                yield RichLog(id="log", markup=False, wrap=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#objectives", DataTable).add_columns("Objective", "Rating", "Observations", "Title", "Capability")
        self.query_one("#observations", DataTable).add_columns("Id", "Turn", "Objective", "Kind", "About", "Observation")
        self.query_one("#expected", DataTable).add_columns("Inject", "#", "Marked", "Expected action")
        self._logged = 0
        self._deliveries: tuple[str, ...] = ()
        if not self.app.session.scenario.exercise_objectives:
            self.notify("This scenario sets no exercise objectives to rate ([exercise_objectives.ID] tables)",
                        severity="warning", timeout=10)
        self.show_view()

    def show_view(self) -> None:
        """Show the session now: the header and tracks, the objectives, the observations, new log lines."""
        session = self.app.session
        scenario = session.scenario
        view = session.view(cmd.EVALUATOR, "all")
        self.app.title = console_title(cmd.EVALUATOR, header_text(view, scenario))
        self.app.sub_title = view.scenario.title
        self.query_one(TracksPanel).show(view)
        flags = [f.label for f in view.flags.values() if f.value]
        self.query_one("#flags", Static).update("Flags set: " + (", ".join(flags) or "none"))
        record = session.state.evaluation
        counts: dict[str, int] = {}
        for o in record.observations:
            counts[o.objective] = counts.get(o.objective, 0) + 1
        fill_table(self.query_one("#objectives", DataTable), [
            (o.id, [o.id, record.ratings[o.id].rating if o.id in record.ratings else "—", str(counts.get(o.id, 0)),
                    plain(o.title), plain(o.capability)])
            for o in scenario.exercise_objectives.values()])
        fill_table(self.query_one("#observations", DataTable), [
            (o.observation, [o.observation, str(o.turn), o.objective, o.kind, ", ".join(filter(None, [o.delivery, o.team])),
                             plain(o.text)])
            for o in record.observations])
        marks: dict[tuple[str, int], list[str]] = {}
        for (delivery, number, team), mark in record.expected.items():
            marks.setdefault((delivery, number), []).append(f"{team or 'all'} {mark.status}")
        fill_table(self.query_one("#expected", DataTable), [
            (f"{d.id}:{n}", [d.id, str(n), ", ".join(marks.get((d.id, n), [])) or "—", plain(action)])
            for d in view.injects for n, action in enumerate(d.expected_actions or (), 1)])
        deliveries = tuple(d.id for d in view.injects)
        if deliveries != self._deliveries:  # the injects to tie an observation to
            self._deliveries = deliveries
            self.query_one("#ev-inject", Select).set_options(options([(f"{d.id}: {d.title}", d.id) for d in view.injects]))
        log = self.query_one("#log", RichLog)
        for event in session.events_since(self._logged):
            log.write(plain(describe(event, scenario)))
        self._logged = session.applied
        rated = len(record.ratings)
        self.query_one("#ev-status", Static).update(
            f"{rated} of {len(scenario.exercise_objectives)} exercise objective(s) rated · "
            f"{len(record.observations)} observation(s) · o observe, r rate")

    @staticmethod
    def _chosen(select: Select) -> str:
        value = select.value
        return value if isinstance(value, str) else ""

    # -- recording --------------------------------------------------------------------------

    @on(Input.Submitted, "#ev-text")
    def _observe(self) -> None:
        text = self.query_one("#ev-text", Input)
        command = cmd.Observe(self._chosen(self.query_one("#ev-objective", Select)), text.value,
                              self._chosen(self.query_one("#ev-kind", Select)) or "observation",
                              self._chosen(self.query_one("#ev-inject", Select)),
                              self._chosen(self.query_one("#ev-team", Select)))
        if self.app.act(command) is not None:  # refused: what was typed stays
            text.value = ""
            self.notify("Observation recorded", timeout=3)

    @on(Input.Submitted, "#ev-rationale")
    @on(Button.Pressed, "#ev-rate")
    def _rate(self) -> None:
        rationale = self.query_one("#ev-rationale", Input)
        rating = self._chosen(self.query_one("#ev-rating", Select))
        if not rating:
            self.notify("Choose a rating first: P, S, M or U", severity="warning", timeout=5)
            return
        command = cmd.Rate(self._chosen(self.query_one("#ev-objective", Select)), rating, rationale.value)
        if self.app.act(command) is not None:
            rationale.value = ""
            self.notify("Objective rated", timeout=3)

    @on(DataTable.RowHighlighted, "#objectives")
    def _objective_row(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value:
            self.query_one("#ev-objective", Select).value = event.row_key.value

    def action_observe(self) -> None:
        self.query_one("#ev-text", Input).focus()

    def action_rate(self) -> None:
        self.query_one("#ev-rating", Select).focus()

    def action_mark(self, status: str) -> None:
        table = self.query_one("#expected", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        delivery, _, number = key.partition(":")
        team = self._chosen(self.query_one("#ev-team", Select))
        if self.app.act(cmd.MarkExpected(delivery, int(number), status, team)) is not None:
            self.notify(f"{delivery} expected action {number}: {status}{' for ' + team if team else ''}", timeout=3)

    def action_expected(self) -> None:
        self.query_one("#expected", DataTable).focus()

    def action_log(self) -> None:
        self.query_one("#log", RichLog).focus()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen("Keys: the evaluator's console", EVALUATOR_HELP, [
            ("Anywhere in this console (one-letter keys: where no text field has the focus)",
             key_rows(self.app, self.BINDINGS)),
            ("In the expected actions of the injects (e)", key_rows(self.app, ExpectedTable.BINDINGS)),
            ("In forms and dialogs", FORMS),
        ]))


EVALUATOR_HELP = """\
The exercise objectives are at the top, with their ratings and how many observations each has; \
highlighting one chooses it in the forms below. o goes to the observation form: choose the \
objective, the kind (observation, strength, area for improvement), the inject and the team it is \
about, type it, and Enter records it. r goes to the rating form: choose P, S, M or U, write the \
rationale, and Enter rates the objective chosen (a later rating replaces an earlier one).

e goes to the expected actions of the injects delivered: m, p and n mark the highlighted one met, \
partly or not met, for the team chosen in the observation form (or for the players as a whole). \
The log below shows the session as control sees it. The executive summary, key findings and the \
improvement plan are written with 'exercise evaluate SESSION summary|finding|plan'.

One-letter keys are typed into a text field while it has the focus: Escape leaves the field."""
